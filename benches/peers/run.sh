#!/usr/bin/env bash
# gazex against its Python peers (issue 5, target 2): spaCy's EntityRuler, FlashText and
# pyahocorasick, on the same text and the same names, one core each.
#
# - Names: `../shared/bench/bench-places.tsv`, names and aliases (153,578).
# - Text: the first ~5 MB of `../shared/bench/ungdc-0.jsonl.zst` (whole speeches), one text file
#   per speech; gazex reads the files, the Python tools the same files' texts.
# - gazex: `gazex extract -j 1 --no-builtin -g bench-places.tsv` whole process (gazetteer load,
#   dates, sentences, records and tables included), MB/s over the same bytes; and its speed
#   without start-up: the same command on one short file is subtracted; and the whole process
#   with the names compiled first (`gazex gazetteer compile`, not timed).
# - Build and install times are not counted (the venv, cargo build, each peer's automaton build).
#   Medians of 3 (spaCy: one run, on a first slice of SPACY_BYTES, default 1 MB); gazex median of 4.
#   Wall and CPU seconds are both reported (the machine is shared).
# Prints a Markdown table and writes it into BENCHMARKS-PEERS.md (section `peers`).
#
# Usage: bash benches/peers/run.sh [TEXT_BYTES] [SPACY_BYTES]
# Environment: PEERS_VENV (default target/peers-venv), PEERS_WORK (default target/peers-work).
set -euo pipefail
cd "$(dirname "$0")/../.."
HERE=benches/peers
SHARED=../shared/bench
GAZ=$SHARED/bench-places.tsv
TEXT_BYTES=${1:-5000000}
SPACY_BYTES=${2:-1000000}
VENV=${PEERS_VENV:-target/peers-venv}
W=${PEERS_WORK:-target/peers-work}
mkdir -p "$W"

# Build and install (not timed).
cargo build --release --quiet --bin gazex
GZ=target/release/gazex
if ! "$VENV/bin/python" -c 'import spacy, flashtext, ahocorasick' 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$HERE/requirements.txt"
fi

# The text: whole speeches until TEXT_BYTES of UTF-8 text, one file each.
C="$W/corpus-$TEXT_BYTES"
if [ ! -f "$C/.done" ]; then
  rm -rf "$C"; mkdir -p "$C"
  zstd -dc "$SHARED/ungdc-0.jsonl.zst" | python3 -c '
import json, os, sys
d, limit, acc = sys.argv[1], int(sys.argv[2]), 0
for i, line in enumerate(sys.stdin):
    t = json.loads(line)["text"]
    with open(os.path.join(d, "s%05d.txt" % i), "w", encoding="utf-8") as f:
        f.write(t)
    acc += len(t.encode("utf-8"))
    if acc >= limit:
        break' "$C" "$TEXT_BYTES" || true   # head-of-pipe: zstd gets SIGPIPE
  touch "$C/.done"
fi
TINY="$W/tiny"; mkdir -p "$TINY"
echo "Delegates met in Geneva and Nairobi on 3 May 2024." > "$TINY/t.txt"
BYTES=$(cat "$C"/*.txt | wc -c)
FILES=$(ls "$C"/*.txt | wc -l)

# gazex: whole process (wall and CPU seconds), the full text and the tiny text interleaved,
# two runs each before the peers and two after (the machine is shared), medians of 4.
run_gazex() { # DIR OUT [GAZETTEER] -> "wall cpu"
  rm -rf "$2"
  python3 -c '
import resource, subprocess, sys, time
r0 = resource.getrusage(resource.RUSAGE_CHILDREN); t = time.perf_counter()
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
w = time.perf_counter() - t; r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{w:.4f}:{r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime:.4f}")' \
    "$GZ" extract -j 1 --no-builtin -g "${3:-$GAZ}" -o "$2" -q "$1"
}
# The same names compiled once (`gazex gazetteer compile`, not timed): start-up without the
# TSV parse and the table build.
GZC="$W/places.gzc"
"$GZ" gazetteer compile -q --no-builtin "$GAZ" -o "$GZC"
full=(); tiny=(); fullc=()
gazex_runs() { for i in 1 2; do full+=("$(run_gazex "$C" "$W/out-full")"); tiny+=("$(run_gazex "$TINY" "$W/out-tiny")"); fullc+=("$(run_gazex "$C" "$W/out-fullc" "$GZC")"); done; }
gazex_runs
GMATCH=$(grep -c '"type":"PLACE"' "$W/out-full/entities.jsonl" || true)

# The peers.
"$VENV/bin/python" "$HERE/peers.py" "$GAZ" "$C" "$SPACY_BYTES" "$W/peers.json"
gazex_runs

python3 - "$W/peers.json" "$BYTES" "$FILES" "$GMATCH" "${full[*]}" "${tiny[*]}" "${fullc[*]}" > "$W/peers.md" <<'PY'
import json, os, platform, statistics, subprocess, sys
p = json.load(open(sys.argv[1]))
nbytes, files, gmatch = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
pairs = lambda s: [tuple(map(float, x.split(":"))) for x in s.split()]
full, tiny, fullc = pairs(sys.argv[5]), pairs(sys.argv[6]), pairs(sys.argv[7])
med = lambda xs, i: statistics.median(x[i] for x in xs)
fw, fc, tw, tc = med(full, 0), med(full, 1), med(tiny, 0), med(tiny, 1)
cw, cc = med(fullc, 0), med(fullc, 1)
mb = nbytes / 1e6
g_whole, g_whole_cpu = mb / fw, mb / fc
c_whole, c_whole_cpu = mb / cw, mb / cc
g_scan, g_scan_cpu = mb / max(fw - tw, 1e-9), mb / max(fc - tc, 1e-9)
git = lambda *a: subprocess.run(["git", *a], capture_output=True, text=True).stdout.strip()
commit = git("rev-parse", "--short", "HEAD") + (" (with uncommitted changes)" if git("status", "--porcelain", "--untracked-files=no", "--", ".", ":!BENCHMARKS*.md") else "")
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
v = p["versions"]
spacy_mb = next(r["bytes"] for r in p["results"] if r["engine"].startswith("spaCy")) / 1e6
print("## gazex against Python peers\n")
print(f"Machine: {cpu}, {os.cpu_count()} cores (shared with other work, noisy); commit {commit}; Python {p['python']}, "
      f"spaCy {v['spacy']}, FlashText {v['flashtext']}, pyahocorasick {v['pyahocorasick']}. "
      f"Measured in one run by `bash benches/peers/run.sh`.\n")
print(f"Inputs: the first {mb:.1f} MB of `../shared/bench/ungdc-0.jsonl.zst` ({files} speeches, "
      f"one text file each) and the {p['names']:,} names and aliases of `bench-places.tsv`. "
      f"Build and install times are not counted: the Python figures are scans of texts already in memory "
      f"(medians of 3; spaCy one run on the first {spacy_mb:.1f} MB), after the engine was built. gazex is the whole "
      f"`gazex extract -j 1 --no-builtin -g bench-places.tsv` process (median of 4, two runs before the peers and two "
      f"after: {fw:.3f} s wall, {fc:.3f} s CPU), gazetteer load and automaton build, folding, dates, sentences, records "
      f"and tables included; \"excluding start-up\" subtracts the same command on one short file "
      f"({tw:.3f} s wall, {tc:.3f} s CPU). CPU seconds (user + system, all threads: gazex -j 1 has one worker "
      f"beside its reader and writer threads) are less disturbed by other work on the machine than wall time.\n")
print("| engine | MB scanned | matches | MB/s (wall) | MB/s (CPU) | gazex whole process ÷ it (wall) | gazex excl. start-up ÷ it (wall) | gazex excl. start-up ÷ it (CPU) |")
print("| --- | --- | --- | --- | --- | --- | --- | --- |")
print(f"| **gazex extract -j 1, whole process** | {mb:.1f} | {gmatch} PLACE | {g_whole:.1f} | {g_whole_cpu:.1f} | | | |")
print(f"| **gazex extract -j 1, excluding start-up** | {mb:.1f} | {gmatch} PLACE | {g_scan:.1f} | {g_scan_cpu:.1f} | | | |")
print(f"| **gazex extract -j 1 -g places.gzc (compiled by `gazex gazetteer compile`, not counted), whole process** | {mb:.1f} | {gmatch} PLACE | {c_whole:.1f} | {c_whole_cpu:.1f} | | | |")
ratios = {}
for r in p["results"]:
    w, c = r["bytes"] / 1e6 / r["seconds"], r["bytes"] / 1e6 / r["cpu"]
    ratios[r["engine"].split()[0]] = (g_whole / w, g_scan / w, g_scan_cpu / c, c_whole / w)
    print(f"| {r['engine']} (build {r['build']:.1f} s, not counted) | {r['bytes']/1e6:.1f} | {r['matches']} | "
          f"{w:.2f} | {c:.2f} | {g_whole/w:.1f}x | {g_scan/w:.1f}x | {g_scan_cpu/c:.1f}x |")
pa, sp = ratios["pyahocorasick"], ratios["spaCy"]
ok = lambda x, bar: "holds" if x >= bar else "does NOT hold"
print(f"\nIssue 5 bar, gazex (one thread) >= 3x pyahocorasick: {ok(pa[0], 3)} for the whole process "
      f"({pa[0]:.1f}x), {ok(pa[1], 3)} excluding start-up ({pa[1]:.1f}x wall, {pa[2]:.1f}x CPU). "
      f">= 50x spaCy EntityRuler: {ok(sp[0], 50)} for the whole process ({sp[0]:.0f}x), "
      f"{ok(sp[1], 50)} excluding start-up ({sp[1]:.0f}x wall, {sp[2]:.0f}x CPU). "
      f"With the gazetteer compiled, the whole process is {pa[3]:.1f}x pyahocorasick and {sp[3]:.0f}x spaCy.\n")
print("Matches differ by design: gazex folds Unicode case, accents, dashes and apostrophes, checks "
      "Unicode word boundaries, applies each name's case policy (`smart`: short all-capital names match "
      "only as written) and rejects unaccented lower-case spellings of accented names; pyahocorasick "
      "here is plain lower-casing with an alphanumeric boundary check; FlashText treats only "
      "`[A-Za-z0-9_]` as word characters; spaCy matches whole tokens.")
PY
python3 "$HERE/section.py" BENCHMARKS-PEERS.md peers < "$W/peers.md"
cat "$W/peers.md"
