#!/usr/bin/env bash
# Automaton engines compared (issue 5, target 5): aho-corasick, daachorse and gazex's own
# Matcher on bench-places (153,578 names) and on a 1,000,000-name set, by examples/engines.rs
# (build time, RSS, scan speed, match counts; each measurement in its own process). Then the
# product itself: `gazex extract` with the 1M set as its gazetteer on one short file, under
# /usr/bin/time -v (the whole process: start-up, TSV load, automaton build, one document).
# Writes the tables into BENCHMARKS-PEERS.md (section `engines`).
#
# Usage: bash benches/peers/engines.sh [TEXT_BYTES]   (default 20 MB of UN speeches)
set -euo pipefail
cd "$(dirname "$0")/../.."
HERE=benches/peers
TEXT_BYTES=${1:-20000000}
W=${PEERS_WORK:-target/peers-work}
mkdir -p "$W"
cargo build --release --quiet --example engines --bin gazex
EX=target/release/examples/engines
GZ=target/release/gazex

"$EX" --text-bytes "$TEXT_BYTES" > "$W/engines-table.md"

# The product with the 1M set: whole process on one short document.
"$EX" --write-tsv 1m "$W/names-1m.tsv"
echo "Delegates met in Geneva and Nairobi on 3 May 2024." > "$W/short.txt"
rm -rf "$W/out-1m"
/usr/bin/time -v "$GZ" extract -j 1 --no-builtin -g "$W/names-1m.tsv" -o "$W/out-1m" -q "$W/short.txt" 2> "$W/time-1m.txt" >/dev/null
WALL=$(grep 'Elapsed (wall clock)' "$W/time-1m.txt" | awk '{print $NF}')
RSS=$(grep 'Maximum resident set size' "$W/time-1m.txt" | awk '{print $NF}')
TSVMB=$(du -m "$W/names-1m.tsv" | cut -f1)

{
  python3 - <<'PY'
import os, platform, subprocess
git = lambda *a: subprocess.run(["git", *a], capture_output=True, text=True).stdout.strip()
commit = git("rev-parse", "--short", "HEAD") + (" (with uncommitted changes)" if git("status", "--porcelain", "--untracked-files=no", "--", ".", ":!BENCHMARKS*.md") else "")
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
print("## Automaton engines: aho-corasick, daachorse, gazex's Matcher\n")
print(f"Machine: {cpu}, {os.cpu_count()} cores (shared, noisy); commit {commit}. Measured in one run by "
      "`bash benches/peers/engines.sh` (`examples/engines.rs`), one thread, each (set, engine) in its own "
      "process. Names: `bench-places.tsv`, and a 1,000,000-name set: bench-places, the OFAC SDN list "
      "(`../shared/data/`, names and aliases, individuals as `First LAST`) and generated person names "
      "(first and last name parts of the OFAC individuals, combined deterministically). aho-corasick "
      "(contiguous NFA) and daachorse (bytewise and charwise double arrays) search leftmost-longest in "
      "the text lower-cased by `str::to_lowercase`, names lower-cased the same way, then keep matches "
      "that begin and end at word boundaries; gazex folds the text (`normalize::fold_into`) and runs "
      "`resolve::find_mentions` (word-start anchored, longest first, shorter names when the longest "
      "fails a boundary or case check, case policies, accent rule). Build: aho-corasick and daachorse "
      "from the name list (lower-casing included); gazex from the TSV text (`Gazetteer::from_tsv` and "
      "`Matcher::new`, as `gazex extract -g` does). Build and memory: each engine in its own process. "
      "Scan speeds: all engines of a set in one process, scanning in turn over 3 interleaved rounds, medians; \"prepared text\" "
      "excludes lower-casing or folding, \"prepare + scan\" includes it. Δ: over the RSS before the build.")
PY
  cat "$W/engines-table.md"
  echo
  echo "The product with the 1M set (${TSVMB} MB TSV): \`gazex extract -j 1 --no-builtin -g names-1m.tsv\` on one short document, whole process under \`/usr/bin/time -v\`: ${WALL} wall, peak RSS $((RSS / 1024)) MiB."
  echo
  echo "Why gazex's counts differ: it also matches accented, dashed and Unicode-cased spellings, tries shorter names where the longest fails a boundary, and drops short all-capital names written in lower case (case policy \`smart\`) and unaccented lower-case spellings of accented names."
} > "$W/engines.md"
python3 "$HERE/section.py" BENCHMARKS-PEERS.md engines < "$W/engines.md"
cat "$W/engines.md"
