#!/usr/bin/env bash
# Rebuild gazetteers/30-world-places.tsv.  Makes a venv (default gazetteers/build/.venv,
# override with GAZEX_PLACES_VENV=/tmp/...), installs the pinned packages, runs the build.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${GAZEX_PLACES_VENV:-$here/.venv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
cd "$here"
"$venv/bin/python" build_places.py
# Optional measurement (needs zstd and the bench corpus):
#   "$venv/bin/python" measure.py /work/shared/bench/ungdc-0.jsonl.zst 3000 /work/shared/gold/seed.jsonl
# Drop aliases that carry more than a name (needs a built gazex: cargo build --release).
if [ -x "$here/../../target/release/gazex" ]; then
  python3 "$here/clean_aliases.py" "$here/../../target/release/gazex"
fi
