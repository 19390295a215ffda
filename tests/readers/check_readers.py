"""Checks an output folder with real readers: NetworkX (GraphML, GEXF) and DuckDB (JSONL, TSV).

    python check_readers.py OUT_DIR      (OUT_DIR/graph/ holds graph.graphml and graph.gexf)

The expected figures come from the tables read with the csv module: nodes = entities in at least
one pair, edges = rows of cooccurrence.tsv, weight = documents. Prints one line per reader and
exits 1 on the first disagreement.
"""
import csv
import json
import sys

import duckdb
import networkx as nx

out = sys.argv[1]


def fail(msg):
    print("readers: FAIL: " + msg)
    sys.exit(1)


def unescape(c):
    # gazex writes a leading ' before cells a spreadsheet would read as a formula.
    return c[1:] if c[:1] == "'" and c[1:2] in ("=", "+", "-", "@", "\t", "\r", "'") else c


with open(out + "/cooccurrence.tsv", encoding="utf-8", newline="") as f:
    pairs = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_MINIMAL))
with open(out + "/entities.tsv", encoding="utf-8", newline="") as f:
    entities = list(csv.DictReader(f, delimiter="\t"))
mentions = sum(1 for _ in open(out + "/entities.jsonl", encoding="utf-8"))
weights = {frozenset((unescape(p["source"]), unescape(p["target"]))): int(p["documents"]) for p in pairs}
nodes = {n for k in weights for n in k}
if not pairs:
    fail("no pairs in cooccurrence.tsv: nothing to check")

for name, g in (
    ("GraphML", nx.read_graphml(out + "/graph/graph.graphml")),
    ("GEXF", nx.read_gexf(out + "/graph/graph.gexf")),
):
    if g.is_directed():
        fail("%s graph is directed" % name)
    if g.number_of_nodes() != len(nodes) or set(g.nodes) != nodes:
        fail("%s has %d nodes, the tables %d" % (name, g.number_of_nodes(), len(nodes)))
    if g.number_of_edges() != len(pairs):
        fail("%s has %d edges, cooccurrence.tsv %d rows" % (name, g.number_of_edges(), len(pairs)))
    bad = [(a, b) for a, b, w in g.edges(data="weight") if w != weights.get(frozenset((a, b)))]
    if bad:
        fail("%s: %d edge weights differ from documents, e.g. %s" % (name, len(bad), bad[:2]))
    docs = {frozenset((a, b)): d for a, b, d in g.edges(data="documents")}
    if docs != weights:
        fail("%s: the documents attribute differs from the table" % name)
    print("readers: NetworkX %s: %d nodes, %d edges, weights = documents" % (name, len(nodes), len(pairs)))

con = duckdb.connect()
n = con.execute("select count(*) from read_json_auto(?)", [out + "/entities.jsonl"]).fetchone()[0]
if n != mentions:
    fail("DuckDB read_json_auto reads %d mentions, entities.jsonl has %d lines" % (n, mentions))
top = con.execute(
    "select type, count(*) from read_json_auto(?) group by type order by 2 desc limit 1",
    [out + "/entities.jsonl"],
).fetchone()
for table, rows in (("entities.tsv", entities), ("cooccurrence.tsv", pairs)):
    q = "select count(*) from read_csv(?, delim='\t', header=true, quote='\"')"
    n = con.execute(q, [out + "/" + table]).fetchone()[0]
    if n != len(rows):
        fail("DuckDB read_csv reads %d rows of %s, the csv module %d" % (n, table, len(rows)))
s = con.execute(
    "select sum(documents) from read_csv(?, delim='\t', header=true)", [out + "/cooccurrence.tsv"]
).fetchone()[0]
if s != sum(weights.values()):
    fail("DuckDB sums documents to %s, the csv module to %d" % (s, sum(weights.values())))
print(
    "readers: DuckDB: %d mentions (most: %s), %d entities, %d pairs"
    % (mentions, top[0], len(entities), len(pairs))
)
