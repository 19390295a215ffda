#!/usr/bin/env bash
# Behaviour unchanged: runs an OLD and a NEW gazex binary on the same inputs and compares every
# output file byte for byte (in manifest.json and the HTML report, only the timing values are
# masked). Cases: the bench corpus (../shared/bench/ungdc-0, N speeches) as JSONL and as a folder
# of text files, one long file read in chunks with pairs spilled to disk, --stdout, the seed
# report in input/ (with `report` and every `export` format), a NEW run killed with SIGKILL
# mid-run and resumed (against OLD's uninterrupted run), and 3 shards merged (parts and merge by
# each binary). Prints one line per case; exits 1 at the first difference.
# Usage: bash benches/identical.sh OLD_BIN [NEW_BIN] [N_SPEECHES]
#   NEW_BIN defaults to target/release/gazex (built here); N_SPEECHES to 600.
set -euo pipefail
cd "$(dirname "$0")/.."
OLD=$(realpath "${1:?usage: benches/identical.sh OLD_BIN [NEW_BIN] [N_SPEECHES]}")
if [ -n "${2:-}" ]; then NEW=$(realpath "$2"); else
  cargo build --release --quiet --bin gazex; NEW=$(realpath target/release/gazex); fi
N=${3:-600}
SHARED=$(realpath ../shared)
[ -f "$SHARED/bench/ungdc-0.jsonl.zst" ] || { echo "skipped: no ../shared/bench beside the checkout"; exit 0; }
W=${IDENTICAL_WORK:-target/identical}
rm -rf "$W"; mkdir -p "$W"; W=$(realpath "$W")
GAZ="$SHARED/bench/bench-places.tsv"
SEED=$(realpath input)

# Inputs: N speeches as JSONL, as text files, and all their texts as one long file.
{ zstd -dc "$SHARED/bench/ungdc-0.jsonl.zst" || true; } | head -n "$N" >"$W/speeches.jsonl"
mkdir -p "$W/texts"
python3 - "$W/speeches.jsonl" "$W/texts" "$W/long.txt" <<'PY'
import json, os, sys
src, folder, long = sys.argv[1:]
with open(long, "w", encoding="utf-8") as big:
    for i, l in enumerate(open(src, encoding="utf-8")):
        t = json.loads(l)["text"]
        open(os.path.join(folder, "s%05d.txt" % i), "w", encoding="utf-8").write(t)
        big.write(t + "\n\n")
PY
split -n l/3 -d "$W/speeches.jsonl" "$W/shard-" --additional-suffix=.jsonl

# Masks the timing values (and, with a second argument, the resume count) of a manifest or page.
mask() {
  python3 - "$1" "${2:-}" <<'PY'
import re, sys
t = open(sys.argv[1], encoding="utf-8", errors="surrogateescape").read()
keys = "seconds|documents_seconds|tables_seconds" + ("|resumed_after_documents" if sys.argv[2] else "")
sys.stdout.write(re.sub(r'("(?:%s)":\s*)[0-9.eE+-]+' % keys, r"\1X", t))
PY
}

# Compares two output folders (every file, recursively); $3 names the case.
same() {
  local a=$1 b=$2 what=$3 resumed=${4:-}
  local fa fb
  fa=$(cd "$a" && find . -type f | sort); fb=$(cd "$b" && find . -type f | sort)
  [ "$fa" = "$fb" ] || { echo "DIFFERENT $what: file lists differ"; diff <(echo "$fa") <(echo "$fb") | head; exit 1; }
  local n=0
  for f in $fa; do
    n=$((n + 1))
    case "$f" in
      *manifest.json|*.html)
        cmp -s <(mask "$a/$f" "$resumed") <(mask "$b/$f" "$resumed") || { echo "DIFFERENT $what: $f"; diff <(mask "$a/$f" "$resumed") <(mask "$b/$f" "$resumed") | head -5; exit 1; } ;;
      *) cmp -s "$a/$f" "$b/$f" || { echo "DIFFERENT $what: $f"; cmp "$a/$f" "$b/$f" | head -2; exit 1; } ;;
    esac
  done
  echo "identical $what: $n files ($(du -sh "$b" | cut -f1))"
}

# Runs `gazex extract` with binary $1 into $2 (the rest: extract arguments).
ex() { local bin=$1 out=$2; shift 2; "$bin" extract -q -o "$out" "$@" >/dev/null; }

for v in old new; do
  bin=$OLD; [ $v = new ] && bin=$NEW
  mkdir -p "$W/$v"
  ex "$bin" "$W/$v/jsonl" -j 2 -g "$GAZ" --window 5 "$W/speeches.jsonl"
  ex "$bin" "$W/$v/texts" -j 2 --no-builtin -g "$GAZ" "$W/texts"
  GAZEX_CHUNK_BYTES=65536 GAZEX_SPILL_PAIRS=500 ex "$bin" "$W/$v/long" -j 2 -g "$GAZ" --window 3 "$W/long.txt"
  "$bin" extract -q --stdout -j 2 -g "$GAZ" "$W/speeches.jsonl" >"$W/$v/stdout.jsonl"
  ex "$bin" "$W/$v/seed" "$SEED"
  for f in graphml gexf neo4j csv; do "$bin" export -q --format $f "$W/$v/seed"; done
  "$bin" report "$W/$v/seed" -o "$W/$v/seed/report.html" >/dev/null 2>&1
  mkdir -p "$W/$v/shards"
  for s in 0 1 2; do ex "$bin" "$W/$v/shards/p$s" -j 2 -g "$GAZ" "$W/shard-0$s.jsonl"; done
  (cd "$W/$v/shards" && "$bin" merge -q -o merged p0 p1 p2)
done
same "$W/old/jsonl" "$W/new/jsonl" "bench $N speeches, JSONL, --window 5"
same "$W/old/texts" "$W/new/texts" "bench $N speeches, text files"
same "$W/old/long" "$W/new/long" "one long file in 64 KiB chunks, pairs spilled every 500"
cmp -s "$W/old/stdout.jsonl" "$W/new/stdout.jsonl" || { echo "DIFFERENT --stdout"; exit 1; }
echo "identical --stdout: $(wc -c <"$W/new/stdout.jsonl") bytes"
same "$W/old/seed" "$W/new/seed" "seed report (input/), with report.html and 4 exports"
for s in 0 1 2; do same "$W/old/shards/p$s" "$W/new/shards/p$s" "shard $s"; done
same "$W/old/shards/merged" "$W/new/shards/merged" "3 shards merged"

# Resumed: NEW killed (SIGKILL) at several moments of a run that checkpoints after every batch of
# 16 documents, then resumed; compared with OLD's uninterrupted run.
export GAZEX_CHECKPOINT_MS=0 GAZEX_BATCH_DOCS=16
t0=$(date +%s.%N); ex "$NEW" "$W/timing" -j 2 -g "$GAZ" "$W/texts"; t1=$(date +%s.%N)
full=$(python3 -c "print($t1-$t0)")
midway=0
for frac in 0.2 0.4 0.6 0.8; do
  out="$W/new/resumed-$frac"
  "$NEW" extract -q -o "$out" -j 2 -g "$GAZ" "$W/texts" >/dev/null 2>&1 &
  pid=$!
  sleep "$(python3 -c "print($full*$frac)")"
  kill -9 $pid 2>/dev/null || true; wait $pid 2>/dev/null || true
  ex "$NEW" "$out" -j 2 -g "$GAZ" --resume "$W/texts"
  r=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['timings'].get('resumed_after_documents',0))" "$out/manifest.json")
  [ "$r" -gt 0 ] && midway=$((midway + 1))
  [ -d "$W/old/texts-ck" ] || ex "$OLD" "$W/old/texts-ck" -j 2 -g "$GAZ" "$W/texts"
  same "$W/old/texts-ck" "$out" "killed at $frac of the run ($r documents done before) and resumed" resumed
done
[ "$midway" -gt 0 ] || { echo "no kill landed mid-run (after a checkpoint): rerun on a quieter machine"; exit 1; }
echo "all identical"
