#!/usr/bin/env bash
# Whole-process benchmarks on the fixed inputs of ../shared/bench, written to BENCHMARKS.md:
# gazex extract (one thread, everything on) against the bare Aho-Corasick scan
# (examples/barescan.rs) on the same text and names, 2 threads against 1, peak RSS on the
# whole shard against a tenth of it, start-up on one short document with the built-ins, and one
# large single file (the shard concatenated BIG_COPIES times, about 1 GB: split into chunks and
# processed in parallel) with 1 and 2 threads (medians of BIG_RUNS, default 3) and its peak RSS.
# Every figure is measured in this run (the machine is shared and noisy): medians of 3.
# With --all, also runs benches/peers/run.sh (spaCy, FlashText, pyahocorasick) and
# benches/peers/engines.sh (aho-corasick and daachorse, the 1,000,000-name set), which write
# BENCHMARKS-PEERS.md.
# Usage: bash benches/run.sh [--all] [N_SPEECHES]   (default: all of ungdc-0, about 66 MB)
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=../shared/bench
ALL=0; if [ "${1:-}" = "--all" ]; then ALL=1; shift; fi
N=${1:-100000}
BIG_COPIES=${BIG_COPIES:-15}
W=${BENCH_WORK:-target/bench-work}
mkdir -p "$W"
cargo build --release --quiet --bin gazex --example barescan
GZ=target/release/gazex; BARE=target/release/examples/barescan; GAZ=$SHARED/bench-places.tsv
C="$W/corpus-$N"
if [ ! -f "$C/.done" ]; then
  rm -rf "$C" "$C-tenth"; mkdir -p "$C" "$C-tenth"
  zstd -dc "$SHARED/ungdc-0.jsonl.zst" | head -n "$N" | python3 -c '
import json,sys,os
for i,l in enumerate(sys.stdin):
    t=json.loads(l)["text"]
    for d in [sys.argv[1]]+([sys.argv[2]] if i%10==0 else []):
        open(os.path.join(d,"s%05d.txt"%i),"w",encoding="utf-8").write(t)' "$C" "$C-tenth"
  touch "$C/.done"
fi
BYTES=$(cat "$C"/*.txt | wc -c)
t() { /usr/bin/time -f "%e %M" -o "$W/time" "$@" >/dev/null 2>"$W/err" || { cat "$W/err"; exit 1; }; cat "$W/time"; }
med() { sort -n | sed -n 2p; }
bare=(); g1=(); g2=()
for i in 1 2 3; do
  bare+=("$(t "$BARE" "$GAZ" "$C")")
  rm -rf "$W/o1"; g1+=("$(t "$GZ" extract -j 1 --no-builtin -g "$GAZ" -o "$W/o1" -q "$C")")
  rm -rf "$W/o2"; g2+=("$(t "$GZ" extract -j 2 --no-builtin -g "$GAZ" -o "$W/o2" -q "$C")")
done
rm -rf "$W/o3"; tenth=$(t "$GZ" extract -j 1 --no-builtin -g "$GAZ" -o "$W/o3" -q "$C-tenth")
printf 'x\n' > "$W/short.txt"; echo "Gulmurod Khalimov left Tajikistan for Syria in 2015." > "$W/short.txt"
st=(); for i in 1 2 3; do rm -rf "$W/o4"; st+=("$(t "$GZ" extract -j 1 -o "$W/o4" -q "$W/short.txt" | cut -d' ' -f1)"); done
# One large file: the shard concatenated, read in chunks and processed in parallel.
BIG="$W/big.txt"
if [ "$BIG_COPIES" -gt 0 ]; then
  rm -f "$BIG"; for i in $(seq "$BIG_COPIES"); do cat "$C"/*.txt >> "$BIG"; done
  # Each output is removed before the next run, so neither run starts with the other's in memory.
  # Medians of BIG_RUNS runs of each, -j 1 and -j 2 alternating.
  b1=(); b2=()
  for i in $(seq "${BIG_RUNS:-3}"); do
    rm -rf "$W/b1"; b1+=("$(t "$GZ" extract -j 1 --no-builtin -g "$GAZ" --max-doc-bytes 4000000000 -o "$W/b1" -q "$BIG")"); rm -rf "$W/b1"
    rm -rf "$W/b2"; b2+=("$(t "$GZ" extract -j 2 --no-builtin -g "$GAZ" --max-doc-bytes 4000000000 -o "$W/b2" -q "$BIG")"); rm -rf "$W/b2"
  done
  bmed() { python3 -c 'import sys,statistics as s; r=[l.split() for l in sys.stdin if l.strip()]; print(s.median(float(x[0]) for x in r), max(int(x[1]) for x in r))'; }
  big1=$(printf '%s\n' "${b1[@]}" | bmed); big2=$(printf '%s\n' "${b2[@]}" | bmed)
  BIGRUNS=${#b1[@]}
  BIGBYTES=$(stat -c %s "$BIG"); rm -f "$BIG"; rm -rf "$W/b1" "$W/b2"
else
  big1="0 0"; big2="0 0"; BIGBYTES=0; BIGRUNS=0
fi
B=$(printf '%s\n' "${bare[@]}" | cut -d' ' -f1 | med); G1=$(printf '%s\n' "${g1[@]}" | cut -d' ' -f1 | med)
G2=$(printf '%s\n' "${g2[@]}" | cut -d' ' -f1 | med); R1=$(printf '%s\n' "${g1[@]}" | cut -d' ' -f2 | med)
RT=$(echo "$tenth" | cut -d' ' -f2); ST=$(printf '%s\n' "${st[@]}" | med)
MATCHES=$(wc -l < "$W/o1/entities.jsonl")
python3 - "$BYTES" "$B" "$G1" "$G2" "$R1" "$RT" "$ST" "$MATCHES" "$BIGBYTES" "$big1" "$big2" "$BIGRUNS" > BENCHMARKS.md <<'PY'
import sys, subprocess, platform, os
b, bare, g1, g2, r1, rt, st, matches, bigbytes, big1, big2, bigruns = sys.argv[1:]
b = int(b); bare, g1, g2, st = map(float, (bare, g1, g2, st)); r1, rt = int(r1), int(rt)
mb = b / 1e6
commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
print("# Benchmarks\n")
print(f"Machine: {cpu}, {os.cpu_count()} cores; commit {commit}. Inputs: {mb:.1f} MB of UN speeches "
      f"(`../shared/bench/ungdc-0.jsonl.zst`, one text file per speech) and `bench-places.tsv` "
      f"(153,578 names). Whole processes (gazetteer load and automaton build included), medians of 3, "
      f"measured in one run by `bash benches/run.sh`.\n")
print("| run | seconds | MB/s | ratio to the bare scan |")
print("| --- | --- | --- | --- |")
print(f"| bare Aho-Corasick scan (`examples/barescan.rs`: ASCII case-insensitive, word boundaries, count only) | {bare:.2f} | {mb/bare:.1f} | 1.00x |")
print(f"| gazex extract -j 1 (everything on: folding, boundaries, dates, sentences, records, tables) | {g1:.2f} | {mb/g1:.1f} | {bare/g1:.2f}x |")
print(f"| gazex extract -j 2 | {g2:.2f} | {mb/g2:.1f} | {bare/g2:.2f}x (scaling -j2/-j1: {g1/g2:.2f}x) |")
print(f"\nMentions written by gazex -j 1: {matches}.\n")
print(f"Peak RSS: whole corpus {r1/1024:.0f} MiB, a tenth of it {rt/1024:.0f} MiB: ratio {r1/max(rt,1):.2f}x.\n")
print(f"Start-up: one short document with the built-in gazetteers: {st:.3f} s wall.\n")
bigbytes = int(bigbytes)
if bigbytes:
    (w1, m1), (w2, m2) = (map(float, x.split()) for x in (big1, big2))
    gb = bigbytes / 1e6
    print(f"One large file ({gb:.0f} MB, the corpus concatenated; medians of {bigruns}, peak RSS the largest): -j 1 {w1:.1f} s ({gb/w1:.1f} MB/s), "
          f"-j 2 {w2:.1f} s ({gb/w2:.1f} MB/s): scaling {w1/w2:.2f}x; peak RSS {m1/1024:.0f} MiB (-j 1), "
          f"{m2/1024:.0f} MiB (-j 2), {m1/max(rt,1):.2f}x the tenth's.")
PY
cat BENCHMARKS.md
if [ "$ALL" = 1 ]; then
  bash benches/peers/run.sh
  bash benches/peers/engines.sh
fi
