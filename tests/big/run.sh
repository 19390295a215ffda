#!/usr/bin/env bash
# The big bad-input cases of issue 5, run by hand (they need ~4 GB of disk and a few minutes):
# a 2 GB text file (truncated at --max-doc-bytes, 256 MiB by default, with a warning), a single
# 1 GB JSONL line (skipped with a warning: longer than the limit), and a 2 GB decompression
# bomb. Each run must exit 0, keep the good document after it, and stay within bounded memory.
#   bash tests/big/run.sh [WORKDIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release --quiet
GZ=$PWD/target/release/gazex
W=${1:-${TMPDIR:-/tmp}/gazex-big}
rm -rf "$W"; mkdir -p "$W/in"
python3 - "$W/in" <<'PY'
import os, sys, gzip
d = sys.argv[1]
chunk = ("Kaluga and Moscow. " * 1000 + "\n").encode()
with open(os.path.join(d, "big-2gb.txt"), "wb") as f:
    for _ in range(2 * 1024**3 // len(chunk)):
        f.write(chunk)
with open(os.path.join(d, "line-1gb.jsonl"), "wb") as f:
    f.write(b'{"id":"before","text":"Tajikistan"}\n{"id":"huge","text":"')
    words = b"lorem ipsum dolor " * 10000
    for _ in range(1024**3 // len(words)):
        f.write(words)
    f.write(b'"}\n{"id":"after","text":"Bishkek"}\n')
with gzip.open(os.path.join(d, "bomb.txt.gz"), "wb", compresslevel=1) as f:
    block = b" " * (1 << 20)
    for _ in range(2048):
        f.write(block)
with open(os.path.join(d, "z-good.txt"), "w") as f:
    f.write("Dushanbe.")
PY
/usr/bin/time -f "%e s, peak RSS %M KB" "$GZ" extract -j 2 -o "$W/out" "$W/in"
python3 - "$W/out" <<'PY'
import json, sys
o = sys.argv[1]
docs = {d["doc"]: d for d in map(json.loads, open(o + "/documents.jsonl"))}
def warned(k, what):
    w = " ".join(docs[k]["warnings"])
    assert what in w, (k, w)
warned("big-2gb.txt", "--max-doc-bytes")
assert any("longer than" in " ".join(d["warnings"]) for d in docs.values()), "1 GB line not skipped"
warned("bomb.txt.gz", "--max-doc-bytes")
assert "after" in docs and "z-good.txt" in docs and docs["z-good.txt"]["mentions"] >= 1
m = json.load(open(o + "/manifest.json")); assert m["complete"] is True
print("big cases ok:", {k: docs[k]["warnings"] for k in docs if docs[k]["warnings"]})
PY
