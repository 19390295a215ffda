#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 60) each: `fuzz/run.sh [SECONDS] [TARGET...]`.
# Needs a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`). The committed seeds in
# fuzz/corpus/<target>/ are read; new inputs go to fuzz/work/<target>/ (not committed); a crash
# is saved under fuzz/artifacts/<target>/ and stops that target with a non-zero status.
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-60}; shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(gazetteer_parse normalize_offsets dates jsonl_documents)
status=0
for t in "${targets[@]}"; do
  mkdir -p "work/$t"
  echo "== $t for ${secs}s"
  cargo +nightly fuzz run -O "$t" "work/$t" "corpus/$t" -- -max_total_time="$secs" -max_len=4096 -timeout=10 -rss_limit_mb=2048 2>&1 \
    | grep -E "^#[0-9]+ *DONE|Done [0-9]+ runs|ERROR|panicked|SUMMARY" || true
  [ "${PIPESTATUS[0]}" = 0 ] || status=1
done
exit $status
