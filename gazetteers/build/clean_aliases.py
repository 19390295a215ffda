"""Drops from the built-in gazetteers every alias that `gazex gazetteer check` says carries more
than a name (a parenthesis, a leading title or lower-case direction, descriptive words after
another name of the row: see src/gazetteer/hygiene.rs), so that the built-ins pass it clean.

    cargo build --release
    python3 gazetteers/build/clean_aliases.py [path/to/gazex]

Only the aliases column changes; the canonical name, comments and every other column stay.
bash gazetteers/build/run.sh runs it after rebuilding 30-world-places.tsv.
"""
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
GAZ = os.path.dirname(HERE)
GAZEX = sys.argv[1] if len(sys.argv) > 1 else os.path.join(GAZ, "..", "target", "release", "gazex")
WARNING = re.compile(r"^(.*?):(\d+): warning: name `(.*)` of (\S+) carries more than a name")


def main():
    files = sorted(os.path.join(GAZ, f) for f in os.listdir(GAZ) if f.endswith(".tsv"))
    out = subprocess.run([GAZEX, "gazetteer", "check"] + files, capture_output=True, text=True,
                         check=True).stdout
    drop = {}
    for line in out.splitlines():
        m = WARNING.match(line)
        if m:
            drop.setdefault((os.path.abspath(m.group(1)), int(m.group(2))), set()).add(m.group(3))
    removed = 0
    for path in files:
        lines = open(path, encoding="utf-8").read().split("\n")
        header = None
        for i, line in enumerate(lines):
            if not line or line.startswith("#"):
                continue
            cols = line.split("\t")
            if header is None:
                header = cols
                continue
            names = drop.get((os.path.abspath(path), i + 1))
            if not names:
                continue
            k = header.index("aliases")
            aliases = [a for a in cols[k].split("|") if a and a not in names]
            removed += len(cols[k].split("|")) - len(aliases)
            cols[k] = "|".join(aliases)
            lines[i] = "\t".join(cols)
        open(path, "w", encoding="utf-8").write("\n".join(lines))
    print(f"dropped {removed} aliases that carry more than a name", file=sys.stderr)


if __name__ == "__main__":
    main()
