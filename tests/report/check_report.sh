#!/usr/bin/env bash
# Builds the HTML report of the seed article (built-in gazetteers) and checks it in headless
# Chromium: the page loads without console errors, the network and timeline are drawn, and a
# screenshot is written. Run from anywhere: bash tests/report/check_report.sh [SCREENSHOT.png]
# Installs Debian's chromium when it is missing (apt-get, needs root).
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
cargo build --release --quiet
GZ="$CARGO_TARGET_DIR/release/gazex"
W=$(mktemp -d "${TMPDIR:-/tmp}/gazex-report-check.XXXXXX")
SHOT=${1:-$W/report.png}
"$GZ" extract -q -o "$W/out" input/seed-crocus-analysis.txt
"$GZ" report "$W/out" -o "$W/report.html" 2>/dev/null
fail() { echo "check_report: FAIL: $*" >&2; exit 1; }
size=$(wc -c < "$W/report.html")
[ "$size" -gt 20000 ] || fail "report.html is only $size bytes"
if grep -qE "(src|href)=[\"']https?://" "$W/report.html"; then fail "the report loads something from the network"; fi
if ! command -v chromium >/dev/null; then
  apt-get install -y chromium >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && apt-get install -y chromium >/dev/null 2>&1; } || fail "chromium is missing and cannot be installed"
fi
FLAGS=(--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update
       --disable-sync --no-first-run --user-data-dir="$W/profile")
timeout 120 chromium "${FLAGS[@]}" --enable-logging=stderr --v=0 --virtual-time-budget=5000 \
  --dump-dom "file://$W/report.html" > "$W/dom.html" 2> "$W/console.log" || fail "chromium failed (see $W/console.log)"
if grep -E "CONSOLE|Uncaught" "$W/console.log" | grep -viE "favicon" | grep -q .; then
  grep -E "CONSOLE|Uncaught" "$W/console.log" >&2; fail "console messages while loading the page"
fi
python3 - "$W/dom.html" <<'PY' || fail "the page did not render"
import re, sys
d = open(sys.argv[1], encoding="utf-8").read()
assert 'data-ready="true"' in d, "the script did not finish"
net = re.search(r'<svg id="network".*?</svg>', d, re.S)
assert net and net.group(0).count("<circle") >= 10, "network has no nodes"
assert net.group(0).count("<line") >= 10, "network has no edges"
tl = re.search(r'<svg id="timeline".*?</svg>', d, re.S)
assert tl and tl.group(0).count("<rect") >= 3, "timeline has no bars"
ent = re.search(r'<div id="entity">(.*?)</section>', d, re.S)
assert ent and "<mark>" in ent.group(1), "entity panel has no snippet"
print("dom: network %d nodes, %d edges; timeline %d bars" % (net.group(0).count("<circle"), net.group(0).count("<line"), tl.group(0).count("<rect")))
PY
rm -rf "$W/profile"
timeout 120 chromium "${FLAGS[@]}" --user-data-dir="$W/profile2" --window-size=1400,1000 --virtual-time-budget=5000 \
  --screenshot="$SHOT" "file://$W/report.html" >/dev/null 2>&1 || true
[ -s "$SHOT" ] || fail "no screenshot"
echo "check_report: ok: $W/report.html ($size bytes), screenshot $SHOT"
