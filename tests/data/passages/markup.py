"""Turns marked-up passages into a gold file (../shared/gold/GUIDELINES.md layout).

    python3 markup.py PASSAGES.txt > GOLD.jsonl

A passage starts with a line `### <id>`; an entity is written `[[surface|TYPE]]` or
`[[surface|TYPE|entity id]]` (the id is what `../shared/checks/lib/score_ids.py` scores).
Dates are not annotated (score these files with --types PERSON,ORG,PLACE).
"""
import json
import re
import sys

MARK = re.compile(r"\[\[([^|\]]+)\|([A-Z]+)(?:\|([^\]]+))?\]\]")


def passages(path):
    doc, lines = None, []
    for line in open(path, encoding="utf-8"):
        if line.startswith("### "):
            if doc:
                yield doc, "".join(lines).strip("\n")
            doc, lines = line[4:].strip(), []
        elif doc:
            lines.append(line)
    if doc:
        yield doc, "".join(lines).strip("\n")


for doc, marked in passages(sys.argv[1]):
    text, spans, at = "", [], 0
    for m in MARK.finditer(marked):
        text += marked[at:m.start()]
        s = {"start": len(text), "end": len(text) + len(m.group(1)), "type": m.group(2),
             "text": m.group(1), "value": None}
        if m.group(3):
            s["id"] = m.group(3)
        spans.append(s)
        text += m.group(1)
        at = m.end()
    text += marked[at:]
    print(json.dumps({"id": doc, "text": text, "doc_date": None, "spans": spans,
                      "source": "written for gazex issue 11"}, ensure_ascii=False))
