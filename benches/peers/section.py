"""Replaces (or appends) one named section of a Markdown file, read from standard input.

Usage: python3 section.py FILE NAME < section.md
The section is kept between `<!-- NAME:begin -->` and `<!-- NAME:end -->`, so each bench script
rewrites its own part of BENCHMARKS-PEERS.md and leaves the others as they are."""
import os
import sys

path, name = sys.argv[1], sys.argv[2]
begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
body = f"{begin}\n{sys.stdin.read().strip()}\n{end}\n"
old = open(path, encoding="utf-8").read() if os.path.exists(path) else (
    "# Benchmarks against peers\n\nWritten by `benches/peers/run.sh` (Python peers) and "
    "`benches/peers/engines.sh` (automaton engines); each section is rewritten by its script.\n\n")
if begin in old and end in old:
    pre, rest = old.split(begin, 1)
    post = rest.split(end, 1)[1].lstrip("\n")
    new = pre + body + ("\n" + post if post else "")
else:
    new = old.rstrip("\n") + "\n\n" + body
open(path, "w", encoding="utf-8").write(new)
