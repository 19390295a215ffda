"""Writes the two word lists that gazex embeds for its matching rules (issue 11):

- src/gazetteer/common-words.txt: frequent English words, in two parts. The first part
  (words written more often in lower case than capitalised) are common words: a surname that
  is one gives no short form, and a short name made only of them gets no variant key. Both
  parts (after the line `# capitalised`: names, demonyms, words mostly capitalised) block a
  one-word name's variant key when one of them is another word with the same skeleton
  (`Syrian` for the town `Siryan`, `Guiana` for `Guyana`). Source: the UN General Debate
  Corpus (CC0), shards ungdc-1 to ungdc-3 of ../shared/bench (the variant-collision figure
  of the check is measured on shard 0): every word seen at least 5 times, most frequent
  first.
- src/gazetteer/given-names.txt: frequent given names. A one-word place right after one of them
  (`Andrew Jackson`), or that is one of them right before a capitalised word that is no place
  (`Chad Smith`), is part of a person's name. Source: the US Census 1990 name frequency lists
  (public domain) as shipped by the `names` package (top 1,000 male and 1,000 female given
  names), plus the hand list of given names frequent in Central Asia and the Middle East in
  handlists.py.
- src/gazetteer/surnames.txt: frequent surnames (US Census 1990, public domain, via the
  `names` package, top 2,000) and src/gazetteer/english-words.txt (the lower-case words of
  six letters or more of the SCOWL size-50 American English list, Debian package
  `wamerican`, /usr/share/dict/american-english; permissive licence, Copyright 2000-2011
  Kevin Atkinson, see gazetteers/README.md): both only block a one-word name's variant key
  when one of their words is another word with the same skeleton (`Henderson` for the alias
  `Khenderson` of a town, `dining` for `Đining`).

Run with the places venv (bash gazetteers/build/run.sh makes it):
    gazetteers/build/.venv/bin/python gazetteers/build/word_lists.py [BENCH_DIR]
"""
import collections
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BENCH = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "bench")
sys.path.insert(0, HERE)
from handlists import REGION_GIVEN_NAMES  # noqa: E402

WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")


def common_words():
    lower, capital = collections.Counter(), collections.Counter()
    for shard in (1, 2, 3):
        path = os.path.join(BENCH, "ungdc-%d.jsonl.zst" % shard)
        p = subprocess.Popen(["zstd", "-dc", path], stdout=subprocess.PIPE)
        for line in p.stdout:
            text = json.loads(line)["text"]
            for w in WORD.findall(text):
                if "'" in w or len(w) < 2:
                    continue
                if w[0].islower():
                    lower[w] += 1
                elif w[0].isupper() and (w[1:].islower() or w.isupper()):
                    capital[w.lower()] += 1
        p.wait()
    total = lower + capital
    common = [w for w, n in total.most_common() if n >= 5 and lower[w] > capital[w]]
    names = [w for w, n in total.most_common() if n >= 5 and lower[w] <= capital[w]]
    return common, names


def given_names():
    import names as names_pkg
    base = os.path.dirname(names_pkg.__file__)
    out = []
    for fn in ("dist.male.first", "dist.female.first"):
        with open(os.path.join(base, fn)) as f:
            for i, line in enumerate(f):
                if i >= 1000:
                    break
                out.append(line.split()[0].capitalize())
    out += REGION_GIVEN_NAMES
    seen, uniq = set(), []
    for n in out:
        if n not in seen:
            seen.add(n)
            uniq.append(n)
    return uniq


def surnames():
    import names as names_pkg
    path = os.path.join(os.path.dirname(names_pkg.__file__), "dist.all.last")
    with open(path) as f:
        return [line.split()[0].capitalize() for i, line in enumerate(f) if i < 2000]


def english_words(path="/usr/share/dict/american-english"):
    with open(path, encoding="utf-8") as f:
        return [w for w in (line.strip() for line in f) if re.fullmatch(r"[a-z]{6,}", w)]


def write(path, header, words):
    with open(path, "w", encoding="utf-8") as f:
        for h in header:
            f.write("# " + h + "\n")
        line = []
        for w in words:
            if w.startswith("#"):
                if line:
                    f.write(" ".join(line) + "\n")
                    line = []
                f.write(w + "\n")
                continue
            line.append(w)
            if len(line) == 12:
                f.write(" ".join(line) + "\n")
                line = []
        if line:
            f.write(" ".join(line) + "\n")


if __name__ == "__main__":
    dst = os.path.join(ROOT, "src", "gazetteer")
    common, names = common_words()
    write(os.path.join(dst, "common-words.txt"), [
        "Frequent English words (UN General Debate Corpus, CC0; shards ungdc-1..3), made by",
        "gazetteers/build/word_lists.py: common words first, then (after `# capitalised`)",
        "words mostly written capitalised. Used by the variant keys and short forms.",
    ], common + ["# capitalised"] + names)
    write(os.path.join(dst, "given-names.txt"), [
        "Frequent given names: US Census 1990 lists (public domain) via the `names` package,",
        "top 1,000 male and female, plus handlists.REGION_GIVEN_NAMES; gazetteers/build/word_lists.py.",
    ], given_names())
    write(os.path.join(dst, "surnames.txt"), [
        "Frequent surnames: US Census 1990 list (public domain) via the `names` package, top",
        "2,000; gazetteers/build/word_lists.py. Block one-word variant keys only.",
    ], surnames())
    write(os.path.join(dst, "english-words.txt"), [
        "Lower-case English words of six letters or more: SCOWL size 50 (American), Debian",
        "package wamerican; Copyright 2000-2011 Kevin Atkinson, permissive licence (see",
        "gazetteers/README.md); gazetteers/build/word_lists.py. Block one-word variant keys only.",
    ], english_words())
