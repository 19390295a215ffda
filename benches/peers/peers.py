"""Times gazex's Python peers on the same text and names as `gazex extract` (benches/peers/run.sh).

Usage: python peers.py GAZETTEER.tsv TEXT_DIR SPACY_BYTES OUT.json

Every engine gets the names and aliases of the gazetteer (columns `name` and `aliases`) and the
text files of TEXT_DIR in sorted order. Building an engine is timed apart and not counted;
a scan is timed from the texts in memory to the matches counted, and repeated (median of 3),
in wall and in CPU seconds.
MB/s is over the UTF-8 bytes of the texts scanned, as for gazex. spaCy scans only the first
SPACY_BYTES of the texts (whole files), since it is two orders of magnitude slower.

- pyahocorasick: one automaton of the lower-cased names; the text is lower-cased, matches are
  leftmost-longest (`iter_long`), kept when they begin and end at word boundaries.
- FlashText: `KeywordProcessor(case_sensitive=False)` (its own word boundaries, longest match).
- spaCy: a blank English pipeline with an EntityRuler of phrase patterns,
  `phrase_matcher_attr="LOWER"`; counted are the `doc.ents`.
"""

import json
import os
import statistics
import sys
import time


def load_names(path):
    names = []
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        ni, ai = header.index("name"), header.index("aliases") if "aliases" in header else None
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.rstrip("\n").split("\t")
            if cols[ni].strip():
                names.append(cols[ni].strip())
            if ai is not None and ai < len(cols):
                names.extend(a.strip() for a in cols[ai].split("|") if a.strip())
    return names


def load_texts(d):
    out = []
    for n in sorted(os.listdir(d)):
        if n.endswith(".txt"):
            with open(os.path.join(d, n), encoding="utf-8") as f:
                out.append(f.read())
    return out


def timed(fn, reps=3):
    """Median wall seconds, median CPU seconds (this process), last result."""
    walls, cpus, result = [], [], None
    for _ in range(reps):
        t, c = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus), result


def pyahocorasick_engine(names):
    import ahocorasick

    a = ahocorasick.Automaton()
    for n in names:
        k = n.lower()
        a.add_word(k, len(k))
    a.make_automaton()

    def scan(texts):
        count = 0
        for t in texts:
            low = t.lower()
            n = len(low)
            for end, length in a.iter_long(low):
                s = end - length + 1
                if (s == 0 or not low[s - 1].isalnum()) and (end + 1 >= n or not low[end + 1].isalnum()):
                    count += 1
        return count

    return scan


def flashtext_engine(names):
    from flashtext import KeywordProcessor

    kp = KeywordProcessor(case_sensitive=False)
    for n in names:
        kp.add_keyword(n)

    def scan(texts):
        return sum(len(kp.extract_keywords(t)) for t in texts)

    return scan


def spacy_engine(names):
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    ruler.add_patterns([{"label": "PLACE", "pattern": n} for n in names])

    def scan(texts):
        return sum(len(doc.ents) for doc in nlp.pipe(texts, batch_size=16))

    return scan


def main():
    gaz, text_dir, spacy_bytes, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    names = load_names(gaz)
    texts = load_texts(text_dir)
    small, acc = [], 0
    for t in texts:
        if acc >= spacy_bytes:
            break
        small.append(t)
        acc += len(t.encode("utf-8"))
    results = []
    for label, make, corpus, reps in [
        ("pyahocorasick + word-boundary filter (lower-cased text)", pyahocorasick_engine, texts, 3),
        ("FlashText (KeywordProcessor, case-insensitive)", flashtext_engine, texts, 3),
        ('spaCy EntityRuler (blank "en", phrase patterns, attr LOWER)', spacy_engine, small, 1),
    ]:
        t = time.perf_counter()
        scan = make(names)
        build = time.perf_counter() - t
        scan(corpus[:2])  # warm-up (lazy initialisation), not counted
        secs, cpu, count = timed(lambda: scan(corpus), reps)
        nbytes = sum(len(x.encode("utf-8")) for x in corpus)
        results.append({"engine": label, "bytes": nbytes, "seconds": secs, "cpu": cpu, "build": build,
                        "matches": count})
        print(f"peers: {label}: build {build:.1f} s, {nbytes} bytes in {secs:.3f} s, {count} matches", file=sys.stderr)
    versions = {}
    for mod, dist in [("spacy", "spacy"), ("flashtext", "flashtext"), ("ahocorasick", "pyahocorasick")]:
        try:
            from importlib.metadata import version

            versions[dist] = version(dist)
        except Exception:
            versions[dist] = "?"
    with open(out, "w") as f:
        json.dump({"names": len(names), "results": results, "versions": versions,
                   "python": sys.version.split()[0]}, f, indent=1)


if __name__ == "__main__":
    main()
