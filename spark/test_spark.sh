#!/usr/bin/env bash
# Spark driver test, run by .ci/run: builds gazex, makes a venv with pyspark + pyarrow
# (spark/requirements.txt), and compares spark/gazex_spark.py with `gazex extract -j 1` on the
# same speeches of ../shared/bench (mentions byte for byte, co-occurrence rows with npmi,
# Parquet columns), in four runs:
#   1. local[2] on 300 speeches;
#   2. a gazex process that fails after writing its records must fail the job, no output kept;
#   3. a standalone cluster on the loopback address (a master and two workers, one core each,
#      started here), the binary shipped with --files as a cluster user ships it;
#   4. the same cluster on 1,000 speeches, one worker's executor killed (SIGKILL) while a
#      gazex process of it runs: Spark's retry must give the same outputs.
# Every daemon it starts is stopped by its process id when it ends, passing or failing.
# Prints one ok/FAIL line per check, `PASS: standalone cluster`, `PASS: killed executor`, and
# `spark: N passed, N failed`; exits non-zero on any failure.
# Environment: GAZEX_SPARK_VENV (default target/spark-venv), GAZEX_SPARK_WORK (target/spark-test),
# GAZEX_SPARK_DOCS (300), GAZEX_SPARK_KILL_DOCS (1000), GAZEX_BIN (a gazex binary to use
# instead of building one), GAZEX_SPARK_PORT (the master's port; default 7077, or a free one).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
WORK=${GAZEX_SPARK_WORK:-$TARGET/spark-test}
VENV=${GAZEX_SPARK_VENV:-$TARGET/spark-venv}
NDOCS=${GAZEX_SPARK_DOCS:-300}
KDOCS=${GAZEX_SPARK_KILL_DOCS:-1000}
BENCH=$ROOT/../shared/bench/ungdc-0.jsonl.zst
T0=$(date +%s.%N)
PASSED=0 FAILED=0
DAEMONS=()
fail() { echo "spark test: FAIL: $*"; echo "spark: $PASSED passed, $((FAILED + 1)) failed"; exit 1; }
secs() { python3 -c 'import sys; print("%.1f" % (float(sys.argv[2]) - float(sys.argv[1])))' "$1" "$2"; }
check() { # check NAME OK DETAIL
  if [ "$2" = 0 ]; then echo "ok   $1: $3"; PASSED=$((PASSED + 1)); else echo "FAIL $1: $3"; FAILED=$((FAILED + 1)); fi
}
# Stops the daemons this script started (and the executors they started), by process id.
stop_daemons() {
  local p kids=()
  for p in "${DAEMONS[@]}"; do kids+=($(ps -o pid= --ppid "$p" 2>/dev/null)); done
  for p in "${DAEMONS[@]}" "${kids[@]}"; do kill "$p" 2>/dev/null; done
  for _ in $(seq 50); do
    local alive=0
    for p in "${DAEMONS[@]}" "${kids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.2
  done
  for p in "${DAEMONS[@]}" "${kids[@]}"; do kill -9 "$p" 2>/dev/null; done
  DAEMONS=()
}
trap stop_daemons EXIT
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
SPARK_HOME=$("$VENV/bin/python" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))') \
  || fail "pyspark is not importable from $VENV"
export SPARK_HOME SPARK_LOCAL_IP=127.0.0.1 PYSPARK_PYTHON="$VENV/bin/python"

{ zstd -dc "$BENCH" || true; } | head -n "$((NDOCS > KDOCS ? NDOCS : KDOCS))" >"$WORK/all.jsonl"
head -n "$NDOCS" "$WORK/all.jsonl" >"$WORK/docs.jsonl"
head -n "$KDOCS" "$WORK/all.jsonl" >"$WORK/kill.jsonl"
[ "$(wc -l <"$WORK/docs.jsonl")" -eq "$NDOCS" ] && [ "$(wc -l <"$WORK/kill.jsonl")" -eq "$KDOCS" ] \
  || fail "could not read $NDOCS and $KDOCS documents from $BENCH"

# The CLI's outputs, the reference of every comparison.
cli() { "$GZ" extract --input-format jsonl -j 1 -o "$2" --quiet "$1" 2>"$2.log" || fail "gazex extract failed: $(tail -2 "$2.log")"; }
t=$(date +%s.%N)
cli "$WORK/docs.jsonl" "$WORK/cli"
CLI_S=$(secs "$t" "$(date +%s.%N)")
cli "$WORK/kill.jsonl" "$WORK/cli-kill"

# compare NAME CLI_DIR SPARK_DIR: the comparisons of spark/compare.py as checks.
compare() {
  "$VENV/bin/python" spark/compare.py "$2" "$3" --parquet >"$WORK/$1.compare" 2>&1
  local rc=$?
  grep -v '^spark: ' "$WORK/$1.compare" | sed "s/^/  [$1] /"
  check "$1" "$rc" "$(grep -c '^ok ' "$WORK/$1.compare") of 3 comparisons with the CLI hold"
  return "$rc"
}
submit() { timeout "${SUBMIT_TIMEOUT:-300}" "$VENV/bin/spark-submit" --conf spark.ui.enabled=false "$@"; }

# 1. local[2]
t=$(date +%s.%N)
submit --master 'local[2]' --files "$GZ" spark/gazex_spark.py --binary "$GZ" \
  --input "$WORK/docs.jsonl" --output "$WORK/spark" >"$WORK/spark.log" 2>&1 \
  || fail "the Spark driver failed in local[2]: $(grep -v ' INFO \| WARN ' "$WORK/spark.log" | tail -3)"
SPARK_S=$(secs "$t" "$(date +%s.%N)")
compare "local[2]" "$WORK/cli" "$WORK/spark"

# 2. A gazex process that fails after writing its records (when it was given documents: the
# driver's own check runs it on none) must fail the job, leaving no output.
cat >"$WORK/failing-gazex" <<SH
#!/bin/sh
out=; prev=
for a in "\$@"; do [ "\$prev" = "-o" ] && out=\$a; prev=\$a; done
"$GZ" "\$@" || exit \$?
grep -q '"documents": 0,' "\$out/manifest.json" && exit 0
exit 3
SH
chmod +x "$WORK/failing-gazex"
head -n 20 "$WORK/docs.jsonl" >"$WORK/docs20.jsonl"
t=$(date +%s.%N)
submit --master 'local[2]' spark/gazex_spark.py --binary "$WORK/failing-gazex" \
  --input "$WORK/docs20.jsonl" --output "$WORK/spark-fail" >"$WORK/spark-fail.log" 2>&1
FAIL_RC=$?
FAILRUN_S=$(secs "$t" "$(date +%s.%N)")
ok=1
[ "$FAIL_RC" -ne 0 ] && grep -q 'gazex exited with status 3' "$WORK/spark-fail.log" \
  && [ ! -e "$WORK/spark-fail/mentions/_SUCCESS" ] && [ ! -e "$WORK/spark-fail/cooccurrence/_SUCCESS" ] && ok=0
check failure "$ok" "a gazex process exiting 3 fails the job (spark-submit status $FAIL_RC), no output kept"

# 3. A standalone cluster: a master and two workers on the loopback address.
PORT=${GAZEX_SPARK_PORT:-7077}
if ! python3 -c 'import socket,sys; s=socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1])))' "$PORT" 2>/dev/null; then
  PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
fi
MASTER=spark://127.0.0.1:$PORT
t=$(date +%s.%N)
"$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$PORT" \
  --webui-port 0 >"$WORK/master.log" 2>&1 &
DAEMONS+=($!)
for w in 1 2; do
  mkdir -p "$WORK/worker$w"
  "$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores 1 \
    --memory 1g --webui-port 0 --work-dir "$WORK/worker$w" "$MASTER" >"$WORK/worker$w.log" 2>&1 &
  DAEMONS+=($!)
done
WORKER1=${DAEMONS[1]}
for _ in $(seq 120); do
  [ "$(grep -c 'Registering worker' "$WORK/master.log")" -ge 2 ] && break
  sleep 0.5
done
[ "$(grep -c 'Registering worker' "$WORK/master.log")" -ge 2 ] \
  || fail "the standalone master and workers did not start (see $WORK/master.log, worker*.log)"
UP_S=$(secs "$t" "$(date +%s.%N)")
t=$(date +%s.%N)
submit --master "$MASTER" --files "$GZ" spark/gazex_spark.py --binary "$(basename "$GZ")" \
  --input "$WORK/docs.jsonl" --output "$WORK/cluster" >"$WORK/cluster.log" 2>&1 \
  || fail "the Spark driver failed on $MASTER: $(grep -v ' INFO \| WARN ' "$WORK/cluster.log" | tail -3)"
CLUSTER_S=$(secs "$t" "$(date +%s.%N)")
if compare "cluster" "$WORK/cli" "$WORK/cluster"; then
  echo "PASS: standalone cluster ($MASTER, two workers; binary shipped with --files)"
fi

# 4. The same cluster, one executor of worker 1 killed while one of its gazex processes runs.
# The executor of worker 1 (a child of the worker) when one of its descendants is a gazex
# process (parents read from /proc, so that a poll takes milliseconds).
ppid_of() { local s; read -r s <"/proc/$1/stat" 2>/dev/null || return 1; s=${s##*) }; set -- $s; echo "$2"; }
busy_executor() {
  local g p e
  for g in $(pgrep -f 'extract --input-format arrow'); do
    p=$g
    while [ -n "$p" ] && [ "$p" -gt 1 ]; do
      e=$p
      p=$(ppid_of "$p") || break
      [ "$p" = "$WORKER1" ] && { echo "$e"; return; }
    done
  done
}
t=$(date +%s.%N)
submit --master "$MASTER" --files "$GZ" spark/gazex_spark.py --binary "$(basename "$GZ")" \
  --input "$WORK/kill.jsonl" --output "$WORK/killed" --partitions 4 >"$WORK/killed.log" 2>&1 &
JOB=$!
KILLED=
while kill -0 "$JOB" 2>/dev/null; do
  KILLED=$(busy_executor)
  if [ -n "$KILLED" ]; then kill -9 "$KILLED"; break; fi
  sleep 0.02
done
wait "$JOB"
KILL_RC=$?
KILL_S=$(secs "$t" "$(date +%s.%N)")
if [ -z "$KILLED" ]; then
  check "killed executor" 1 "no gazex process of worker 1's executor was seen running: nothing was killed"
elif [ "$KILL_RC" -ne 0 ]; then
  check "killed executor" 1 "the job failed after executor $KILLED was killed: $(grep -v ' INFO \| WARN ' "$WORK/killed.log" | tail -3)"
else
  LOST=$(grep -c 'Lost executor\|ExecutorLostFailure' "$WORK/killed.log")
  check "killed executor run" "$([ "$LOST" -gt 0 ]; echo $?)" \
    "executor $KILLED killed mid-job with a gazex process running; the driver lost it ($LOST log lines) and the job finished"
  if compare "killed" "$WORK/cli-kill" "$WORK/killed" && [ "$LOST" -gt 0 ]; then
    echo "PASS: killed executor (same outputs as the CLI on $KDOCS speeches after Spark's retry)"
  fi
fi
stop_daemons

TOTAL_S=$(secs "$T0" "$(date +%s.%N)")
echo "spark test: $([ "$FAILED" = 0 ] && echo PASS || echo FAIL): $NDOCS speeches (CLI -j 1 ${CLI_S}s, local[2] ${SPARK_S}s, failing run ${FAILRUN_S}s); cluster up ${UP_S}s, job ${CLUSTER_S}s, killed-executor job on $KDOCS speeches ${KILL_S}s; test ${TOTAL_S}s (build ${BUILD_S}s)"
echo "spark: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
