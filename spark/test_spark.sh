#!/usr/bin/env bash
# Spark driver test, run by .ci/run: builds gazex, makes a venv with pyspark + pyarrow
# (spark/requirements.txt), runs spark/gazex_spark.py in local[2] on 300 speeches of
# ../shared/bench and compares with `gazex extract -j 1` on the same documents (mentions byte for
# byte, co-occurrence rows with npmi, Parquet), then checks that a failing gazex process fails the
# job. Prints one PASS/FAIL line and `spark: N passed, N failed`; exits non-zero on any failure.
# Environment: GAZEX_SPARK_VENV (default target/spark-venv), GAZEX_SPARK_WORK (target/spark-test),
# GAZEX_SPARK_DOCS (300), GAZEX_BIN (a gazex binary to use instead of building one).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
WORK=${GAZEX_SPARK_WORK:-$TARGET/spark-test}
VENV=${GAZEX_SPARK_VENV:-$TARGET/spark-venv}
NDOCS=${GAZEX_SPARK_DOCS:-300}
BENCH=$ROOT/../shared/bench/ungdc-0.jsonl.zst
T0=$(date +%s.%N)
fail() { echo "spark test: FAIL: $*"; echo "spark: 0 passed, 1 failed"; exit 1; }
secs() { python3 -c 'import sys; print("%.1f" % (float(sys.argv[2]) - float(sys.argv[1])))' "$1" "$2"; }
rm -rf "$WORK"; mkdir -p "$WORK"

[ -f "$BENCH" ] || { echo "spark test: skipped: needs ../shared (bench data) beside the checkout, no $BENCH"; exit 0; }
if ! command -v java >/dev/null 2>&1; then
  echo "spark test: no java; installing openjdk-17-jre-headless"
  { [ "$(id -u)" = 0 ] && apt-get update -q >"$WORK/apt.log" 2>&1 \
      && apt-get install -y -q openjdk-17-jre-headless >>"$WORK/apt.log" 2>&1; } \
    || fail "java is missing and openjdk-17-jre-headless could not be installed (see $WORK/apt.log)"
fi
t=$(date +%s.%N)
if [ -n "${GAZEX_BIN:-}" ]; then GZ=$GAZEX_BIN; else
  cargo build --release --quiet 2>"$WORK/build.log" || fail "cargo build --release failed: $(tail -1 "$WORK/build.log")"
  GZ=$TARGET/release/gazex
fi

BUILD_S=$(secs "$t" "$(date +%s.%N)")

# The venv is reused while spark/requirements.txt is unchanged.
if ! cmp -s spark/requirements.txt "$VENV/.gazex-requirements" 2>/dev/null || [ ! -x "$VENV/bin/spark-submit" ]; then
  rm -rf "$VENV"
  echo "spark test: installing $(grep -v '^#' spark/requirements.txt | tr '\n' ' ')into $VENV"
  { python3 -m venv "$VENV" && "$VENV/bin/pip" install -q -r spark/requirements.txt; } >"$WORK/pip.log" 2>&1 \
    || fail "INSTALL FAILED: cannot install pyspark/pyarrow into $VENV: $(tail -2 "$WORK/pip.log")"
  cp spark/requirements.txt "$VENV/.gazex-requirements"
fi

{ zstd -dc "$BENCH" || true; } | head -n "$NDOCS" >"$WORK/docs.jsonl"
[ "$(wc -l <"$WORK/docs.jsonl")" -eq "$NDOCS" ] || fail "could not read $NDOCS documents from $BENCH"

t=$(date +%s.%N)
"$GZ" extract --input-format jsonl -j 1 -o "$WORK/cli" --quiet "$WORK/docs.jsonl" 2>"$WORK/cli.log" \
  || fail "gazex extract failed: $(tail -2 "$WORK/cli.log")"
CLI_S=$(secs "$t" "$(date +%s.%N)")

export SPARK_LOCAL_IP=127.0.0.1 PYSPARK_PYTHON="$VENV/bin/python"
submit() { timeout 240 "$VENV/bin/spark-submit" --master 'local[2]' --conf spark.ui.enabled=false "$@"; }
t=$(date +%s.%N)
submit --files "$GZ" spark/gazex_spark.py --binary "$GZ" --input "$WORK/docs.jsonl" \
  --output "$WORK/spark" >"$WORK/spark.log" 2>&1 \
  || fail "the Spark driver failed: $(grep -v ' INFO \| WARN ' "$WORK/spark.log" | tail -3)"
SPARK_S=$(secs "$t" "$(date +%s.%N)")
SUMMARY=$(grep '^gazex-spark: .* documents' "$WORK/spark.log" | tail -1)

"$VENV/bin/python" spark/compare.py "$WORK/cli" "$WORK/spark" --parquet >"$WORK/compare.out" 2>&1
CMP=$?
grep -v '^spark: ' "$WORK/compare.out"

# A gazex process that fails after writing some records must fail the job, leaving no output.
cat >"$WORK/failing-gazex" <<SH
#!/bin/sh
data=\$(cat); [ -z "\$data" ] && exit 0
printf '%s\n' "\$data" | "$GZ" "\$@"; exit 3
SH
chmod +x "$WORK/failing-gazex"
head -n 20 "$WORK/docs.jsonl" >"$WORK/docs20.jsonl"
t=$(date +%s.%N)
submit spark/gazex_spark.py --binary "$WORK/failing-gazex" --input "$WORK/docs20.jsonl" \
  --output "$WORK/spark-fail" >"$WORK/spark-fail.log" 2>&1
FAIL_RC=$?
FAILRUN_S=$(secs "$t" "$(date +%s.%N)")
if [ "$FAIL_RC" -ne 0 ] && grep -q 'gazex exited with status 3' "$WORK/spark-fail.log" \
   && [ ! -e "$WORK/spark-fail/mentions/_SUCCESS" ]; then
  echo "ok   failure: a gazex process exiting 3 fails the job (spark-submit status $FAIL_RC), no output kept"; FAILCHECK=0
else
  echo "FAIL failure: a failing gazex process did not fail the job (status $FAIL_RC, see $WORK/spark-fail.log)"; FAILCHECK=1
fi

TOTAL_S=$(secs "$T0" "$(date +%s.%N)")
PASSED=$(grep -c '^ok ' "$WORK/compare.out"); FAILED=$(grep -c '^FAIL' "$WORK/compare.out")
PASSED=$((PASSED + 1 - FAILCHECK)); FAILED=$((FAILED + FAILCHECK))
if [ "$CMP" -eq 0 ] && [ "$FAILCHECK" -eq 0 ]; then
  echo "spark test: PASS: Spark local[2] == gazex extract on $NDOCS speeches (CLI -j 1 ${CLI_S}s, spark-submit ${SPARK_S}s; test ${TOTAL_S}s: build ${BUILD_S}s, failure run ${FAILRUN_S}s)"
else
  echo "spark test: FAIL: Spark output differs from the CLI or a failure went unnoticed (logs in $WORK)"
fi
echo "  ${SUMMARY#gazex-spark: }"
echo "spark: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
