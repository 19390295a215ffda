#!/usr/bin/env bash
# Real readers of gazex's outputs: NetworkX reads the GraphML and GEXF exports, DuckDB reads
# entities.jsonl and both TSV tables, with the counts of the tables. Makes a virtual environment
# under target/ with networkx and duckdb (pip); fails loudly when the registry is unreachable.
# Run from anywhere (CI: .ci/run); needs ../shared beside the checkout (skipped, and says so,
# without it), zstd and python3.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SHARED="$ROOT/../shared"
cd "$ROOT"
WORK="$ROOT/target/readers"
VENV="$WORK/venv"
mkdir -p "$WORK"
[ -f "$SHARED/gold/seed.jsonl" ] || { echo "readers: skipped: needs ../shared (gold and bench data) beside the checkout, not found at $SHARED"; exit 0; }
command -v zstd >/dev/null || { echo "readers: zstd is needed to read the bench corpus" >&2; exit 1; }

if ! { [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import networkx, duckdb' 2>/dev/null; }; then
  python3 -m venv "$VENV" || { echo "readers: cannot make a virtual environment (python3 -m venv; on Debian: apt-get install python3-venv)" >&2; exit 1; }
  if ! "$VENV/bin/pip" install --quiet --disable-pip-version-check networkx duckdb >"$WORK/pip.log" 2>&1; then
    echo "readers: FAILED to install networkx and duckdb with pip: the package registry is unreachable or refused (see $WORK/pip.log). The reader checks did not run." >&2
    tail -3 "$WORK/pip.log" >&2
    exit 1
  fi
fi

cargo build --release --quiet
GZ=${CARGO_TARGET_DIR:-$ROOT/target}/release/gazex
{ python3 -c '
import json,sys
for l in open(sys.argv[1],encoding="utf-8"):
    d=json.loads(l); print(json.dumps({"id":d["id"],"text":d["text"],"date":d.get("doc_date")},ensure_ascii=False))' "$SHARED/gold/seed.jsonl"
  { zstd -dc "$SHARED/bench/ungdc-0.jsonl.zst" 2>/dev/null || true; } | head -200; } > "$WORK/docs.jsonl"
rm -rf "$WORK/out"
"$GZ" extract --quiet --input-format jsonl --window 10 -o "$WORK/out" "$WORK/docs.jsonl"
for f in graphml gexf; do
  "$GZ" export --quiet --format "$f" -o "$WORK/out/graph" "$WORK/out"
done
"$VENV/bin/python" "$ROOT/tests/readers/check_readers.py" "$WORK/out"
