#!/usr/bin/env python3
"""Measure 30-world-places.tsv: top matched names in a corpus sample, and the share of gold
PLACE surfaces covered.  Approximates the matcher (folded case/diacritics/dashes/apostrophes,
leftmost-longest, word boundaries, case policies).  Usage:
  python measure.py CORPUS.jsonl[.zst] [N_DOCS] [GOLD.jsonl ...]"""
import collections, json, re, subprocess, sys, unicodedata
sys.path.insert(0, __file__.rsplit("/", 1)[0])
from build_places import fold, OUT

TOK = re.compile(r"[^\W_]+|[^\w\s]", re.UNICODE)


def load():
    table = {}
    maxlen = 1
    for line in open(OUT, encoding="utf-8"):
        if line.startswith("#") or line.startswith("id\t"):
            continue
        p = line.rstrip("\n").split("\t")
        rid, name, aliases, case = p[0], p[2], p[3], p[4]
        for f in [name] + [a for a in aliases.split("|") if a]:
            toks = tuple(TOK.findall(fold(f)))
            exact = case == "exact" or (case == "" and f.isupper() and sum(c.isalpha() for c in f) <= 5)
            raw = tuple(TOK.findall(f)) if exact else None
            table.setdefault(toks, []).append((rid, f, exact, raw))
            maxlen = max(maxlen, len(toks))
    return table, maxlen


def matches(text, table, maxlen):
    raw = TOK.findall(text)
    low = [fold(t) for t in raw]
    i, n = 0, len(raw)
    while i < n:
        hit = None
        for L in range(min(maxlen, n - i), 0, -1):
            key = tuple(low[i:i + L])
            for rid, f, exact, rtoks in table.get(key, ()):
                if exact and tuple(deacc(t) for t in raw[i:i + L]) != tuple(deacc(t) for t in rtoks):
                    continue
                hit = (L, rid, f)
                break
            if hit:
                break
        if hit:
            yield hit[1], hit[2], " ".join(raw[i:i + hit[0]])
            i += hit[0]
        else:
            i += 1


def deacc(s):
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def main():
    table, maxlen = load()
    src = sys.argv[1]
    ndocs = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
    data = subprocess.run(["zstd", "-dc", src], capture_output=True).stdout if src.endswith(".zst") else open(src, "rb").read()
    cnt = collections.Counter()
    for k, line in enumerate(data.split(b"\n")[:ndocs]):
        if line.strip():
            for rid, f, surf in matches(json.loads(line)["text"], table, maxlen):
                cnt[(surf if surf[0].isupper() else surf.lower(), rid)] += 1
    bysurf = collections.Counter()
    for (s, rid), v in cnt.items():
        bysurf[(fold(s), rid)] += v
    print("top 60 matched surfaces (folded) in", ndocs, "docs:")
    for (s, rid), v in bysurf.most_common(60):
        print(f"{v:7d}  {s:30s} {rid}")
    lower = collections.Counter()
    for (s, rid), v in cnt.items():
        if s[:1].islower():
            lower[(s, rid)] += v
    print("\ntop 25 lower-case matches:")
    for (s, rid), v in lower.most_common(25):
        print(f"{v:7d}  {s:30s} {rid}")
    for gold in sys.argv[3:]:
        surfaces = collections.Counter()
        for line in open(gold, encoding="utf-8"):
            d = json.loads(line)
            for sp in d["spans"]:
                if sp["type"] == "PLACE" and sp.get("name", True):
                    surfaces[sp["text"]] += 1
        covered = [s for s in surfaces if tuple(TOK.findall(fold(s))) in table]
        miss = [s for s in surfaces if s not in covered]
        print(f"\n{gold}: {len(covered)}/{len(surfaces)} distinct PLACE surfaces covered "
              f"({100*len(covered)/max(1,len(surfaces)):.1f}%); mentions {sum(surfaces[s] for s in covered)}/{sum(surfaces.values())}")
        print("  missing:", "; ".join(sorted(miss, key=lambda s: -surfaces[s])[:80]))


if __name__ == "__main__":
    main()
