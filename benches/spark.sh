#!/usr/bin/env bash
# What gazex costs on Spark: on ../shared/bench/ungdc-0 (2,738 speeches, built-in gazetteers),
# whole spark-submit processes in local[2], alternating, medians of RUNS (default 3):
#   - Spark's own floor: read the same JSONL documents, repartition, write them as Parquet
#     (../shared/checks/lib/spark_floor.py);
#   - spark/gazex_spark.py (mentions as JSONL and Parquet, cooccurrence.tsv);
#   - for scale, `gazex extract -j 2`, the CLI on the same documents.
# Wall seconds and CPU seconds (user + system of the process and the children it waited for:
# the JVM, its Python workers, the gazex processes), and each run's ratio to the floor.
# The machine is shared: every figure comes from this run, and only the ratios mean much.
# Prints a Markdown table. Usage: bash benches/spark.sh [N_SPEECHES]   (default: all)
# Environment: GAZEX_SPARK_VENV (default target/spark-venv, made by spark/test_spark.sh the
# same way if missing), RUNS, BENCH_WORK (target/bench-work).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
RUNS=${RUNS:-3}
W=${BENCH_WORK:-target/bench-work}/spark
VENV=${GAZEX_SPARK_VENV:-target/spark-venv}
mkdir -p "$W"
cargo build --release --quiet --bin gazex
GZ=target/release/gazex
if ! cmp -s spark/requirements.txt "$VENV/.gazex-requirements" 2>/dev/null || [ ! -x "$VENV/bin/spark-submit" ]; then
  rm -rf "$VENV"
  python3 -m venv "$VENV" && "$VENV/bin/pip" install -q -r spark/requirements.txt
  cp spark/requirements.txt "$VENV/.gazex-requirements"
fi
zstd -dc ../shared/bench/ungdc-0.jsonl.zst | head -n "$N" >"$W/docs.jsonl"
DOCS=$(wc -l <"$W/docs.jsonl")
export SPARK_LOCAL_IP=127.0.0.1 PYSPARK_PYTHON="$VENV/bin/python"
SUB=("$VENV/bin/spark-submit" --master 'local[2]' --conf spark.ui.enabled=false)

# timed NAME CMD...: appends "wall cpu" to $W/NAME.times
timed() {
  local name=$1; shift
  /usr/bin/time -f "%e %U %S" -o "$W/time" "$@" >"$W/$name.log" 2>&1 \
    || { echo "$name failed: $(grep -v ' INFO \| WARN ' "$W/$name.log" | tail -3)" >&2; exit 1; }
  awk '{print $1, $2 + $3}' "$W/time" >>"$W/$name.times"
}
rm -f "$W"/*.times
for _ in $(seq "$RUNS"); do
  timed floor "${SUB[@]}" ../shared/checks/lib/spark_floor.py "$W/docs.jsonl" "$W/floor.out" 2
  rm -rf "$W/gazex.out"
  timed gazex "${SUB[@]}" spark/gazex_spark.py --binary "$GZ" --input "$W/docs.jsonl" \
    --output "$W/gazex.out" --partitions 2
  rm -rf "$W/cli.out"
  timed cli "$GZ" extract --input-format jsonl -j 2 -q -o "$W/cli.out" "$W/docs.jsonl"
done
"$VENV/bin/python" spark/compare.py "$W/cli.out" "$W/gazex.out" >"$W/compare.log" \
  || { cat "$W/compare.log" >&2; exit 1; }

python3 - "$W" "$DOCS" "$RUNS" <<'PY'
import statistics, sys
w, docs, runs = sys.argv[1], int(sys.argv[2]), sys.argv[3]
med = {}
for name in ("floor", "gazex", "cli"):
    rows = [tuple(map(float, l.split())) for l in open(f"{w}/{name}.times")]
    med[name] = (statistics.median(r[0] for r in rows), statistics.median(r[1] for r in rows))
fw, fc = med["floor"]
print(f"ungdc-0, {docs} speeches, local[2], whole processes alternating, medians of {runs}:\n")
print("| run | wall | ratio | CPU | ratio |")
print("| --- | --- | --- | --- | --- |")
label = {"floor": "Spark's own floor (read the JSONL, repartition, write Parquet)",
         "gazex": "`spark/gazex_spark.py` (mentions as JSONL and Parquet, `cooccurrence.tsv`)",
         "cli": "for scale: `gazex extract -j 2`, the CLI on the same documents"}
for name in ("floor", "gazex", "cli"):
    wall, cpu = med[name]
    ratio = lambda x, y: f"{x / y:.2f}x" if name != "cli" else ""
    print(f"| {label[name]} | {wall:.2f} s | {ratio(wall, fw)} | {cpu:.2f} s | {ratio(cpu, fc)} |")
PY
