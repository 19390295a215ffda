"""Compare a Spark driver output folder with a `gazex extract` output folder.

    python3 spark/compare.py CLI_OUT_DIR SPARK_OUT_DIR [--parquet]

Checks: the mention records (every key, in order) are the same multiset; the co-occurrence
tables have the same rows in the same order (every column, npmi included); with --parquet, the
Parquet mentions hold the same records as the JSONL ones. Prints one line per check and a
closing `N passed, N failed` line; exits 1 on any difference.
"""
import collections
import csv
import glob
import json
import sys


def mention_lines(paths):
    c = collections.Counter()
    for f in paths:
        with open(f, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    c[line.rstrip("\n")] += 1
    return c


def table(paths):
    rows = []
    for f in paths:
        with open(f, encoding="utf-8", newline="") as fh:
            rows.append(list(csv.reader(fh, delimiter="\t")))
    return rows


def main():
    cli, sp = sys.argv[1], sys.argv[2]
    results = []

    def check(name, ok, detail):
        results.append(ok)
        print(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}")

    a = mention_lines([cli + "/entities.jsonl"])
    spark_files = sorted(glob.glob(sp + "/mentions/part-*.jsonl"))
    b = mention_lines(spark_files)
    same = a == b
    if same:
        detail = f"{sum(a.values())} records identical byte for byte ({len(spark_files)} part files)"
    else:
        only_a, only_b = a - b, b - a
        detail = (f"{sum(only_a.values())} only from the CLI, {sum(only_b.values())} only from "
                  f"Spark; e.g. CLI {next(iter(only_a), None)!r} Spark {next(iter(only_b), None)!r}")
    check("mentions", same, detail)

    (t1,) = table([cli + "/cooccurrence.tsv"])
    parts = sorted(glob.glob(sp + "/cooccurrence/part-*.tsv"))
    t2 = table(parts)
    if len(t2) != 1:
        check("co-occurrence", False, f"expected one part file, found {len(t2)}")
    else:
        t2 = t2[0]
        if t1 == t2:
            check("co-occurrence", True, f"{len(t1) - 1} rows identical, same order, npmi included")
        else:
            k1 = {tuple(r[:2]): r for r in t1[1:]}
            k2 = {tuple(r[:2]): r for r in t2[1:]}
            diff = [k for k in k1.keys() & k2.keys() if k1[k] != k2[k]]
            check("co-occurrence", False,
                  f"header {'same' if t1[:1] == t2[:1] else 'differs'}; {len(k1)} CLI pairs, "
                  f"{len(k2)} Spark pairs, {len(k1.keys() - k2.keys())} only CLI, "
                  f"{len(k2.keys() - k1.keys())} only Spark, {len(diff)} with other values"
                  + (f", e.g. {k1[diff[0]]} vs {k2[diff[0]]}" if diff else ""))

    if "--parquet" in sys.argv:
        import pyarrow.parquet as pq
        t = pq.read_table(sp + "/mentions_parquet")
        recs = collections.Counter()
        for r in t.to_pylist():
            d = {k: r[k] for k in ("doc", "id", "type", "name", "text", "start", "end",
                                   "byte_start", "byte_end", "sentence")}
            if r["match"] is not None:
                d.update(alias=r["alias"], match=r["match"])
            if r["alternatives"] is not None:
                d["alternatives"] = r["alternatives"]
            if r["value"] is not None:
                d.update(value=r["value"], start_date=r["start_date"], end_date=r["end_date"])
                if r["relative"]:
                    d["relative"] = True
            recs[json.dumps(d, ensure_ascii=False, separators=(",", ":"))] += 1
        want = collections.Counter(json.dumps(json.loads(line), ensure_ascii=False,
                                              separators=(",", ":")) for line in a.elements())
        check("parquet", recs == want, f"{t.num_rows} rows, same records as the CLI"
              if recs == want else f"{t.num_rows} rows, {sum((want - recs).values())} missing, "
              f"{sum((recs - want).values())} extra")

    failed = results.count(False)
    print(f"spark: {len(results) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
