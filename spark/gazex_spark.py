"""Run `gazex extract` on Apache Spark.

    spark-submit [--files path/to/gazex] spark/gazex_spark.py \
        --binary PATH --input DOCS [DOCS ...] --output DIR [-- EXTRACT OPTIONS]

Reads JSONL or Parquet documents (columns id, text, date) into a DataFrame, repartitions them
(a row is a whole document, so documents are never split), and runs one
`gazex extract --stdout --threads 1 --input-format jsonl -q -` subprocess per partition through
`DataFrame.mapInArrow`: the partition's documents go to its standard input as JSONL, the mention
records come back on its standard output. A subprocess that exits non-zero fails the task (Spark
retries it, then fails the job); its rows are never kept.

Writes
    DIR/mentions/           JSONL part files: the CONTRACT's mention records, byte for byte as the
                            CLI writes them (same keys, same order)
    DIR/mentions_parquet/   the same records as Parquet (doc, id, type, name, text, start, end,
                            byte_start, byte_end, sentence, alias, match, alternatives, value,
                            start_date, end_date, relative; alias/match null for DATE,
                            alternatives null unless the surface also names other entries)
    DIR/cooccurrence/       one TSV part file with the CONTRACT's header and rows, equal to the
                            CLI's cooccurrence.tsv on the same documents

The co-occurrence table is a groupBy(source, target).sum(...) over per-document pairs derived
from the mentions; npmi is computed after that merge, from the totals, as gazex does.
See README.md, "Running on Spark".
"""

import argparse
import collections
import importlib.util
import json
import math
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import time

import pyarrow as pa
from pyspark import SparkFiles, StorageLevel
from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

# DataFrame.mapInArrow is built on pandas_udf, which insists on pandas being installed although
# an Arrow map never touches pandas (the worker only moves Arrow batches). Without pandas, skip
# that driver-side check so that `pip install pyspark pyarrow` is enough.
if importlib.util.find_spec("pandas") is None:
    import pyspark.sql.pandas.functions as _pandas_functions

    _pandas_functions.require_minimum_pandas_version = lambda: None

# Options the driver sets itself (or that make no sense per partition).
RESERVED = {
    "--stdout", "-o", "--out", "-j", "--threads", "--input-format", "-q", "--quiet",
    "--progress", "--resume", "--force", "--id-field", "--text-field", "--date-field",
}
# Options of `gazex extract` that take a value (so that their values are not taken for options).
WITH_VALUE = {
    "-g", "--gazetteer", "--doc-date", "--types", "--window", "--cooc-types", "--date-order",
    "--max-doc-bytes",
}

MENTION_SCHEMA = T.StructType([
    T.StructField("doc", T.StringType()),
    T.StructField("_dockey", T.LongType()),
    T.StructField("id", T.StringType()),
    T.StructField("type", T.StringType()),
    T.StructField("name", T.StringType()),
    T.StructField("text", T.StringType()),
    T.StructField("start", T.LongType()),
    T.StructField("end", T.LongType()),
    T.StructField("byte_start", T.LongType()),
    T.StructField("byte_end", T.LongType()),
    T.StructField("sentence", T.LongType()),
    T.StructField("alias", T.StringType()),
    T.StructField("match", T.StringType()),
    T.StructField("alternatives", T.ArrayType(T.StringType())),
    T.StructField("value", T.StringType()),
    T.StructField("start_date", T.StringType()),
    T.StructField("end_date", T.StringType()),
    T.StructField("relative", T.BooleanType()),
    T.StructField("_record", T.StringType()),
])
ARROW_SCHEMA = pa.schema([
    ("doc", pa.string()), ("_dockey", pa.int64()), ("id", pa.string()), ("type", pa.string()),
    ("name", pa.string()), ("text", pa.string()), ("start", pa.int64()), ("end", pa.int64()),
    ("byte_start", pa.int64()), ("byte_end", pa.int64()), ("sentence", pa.int64()),
    ("alias", pa.string()), ("match", pa.string()), ("alternatives", pa.list_(pa.string())),
    ("value", pa.string()), ("start_date", pa.string()), ("end_date", pa.string()),
    ("relative", pa.bool_()), ("_record", pa.string()),
])
PUBLIC_COLUMNS = [f.name for f in MENTION_SCHEMA.fields if not f.name.startswith("_")]
BATCH_ROWS = 4096


def log(msg):
    print(f"gazex-spark: {msg}", file=sys.stderr, flush=True)


def usage_error(msg):
    print(f"gazex-spark: error: {msg}", file=sys.stderr)
    sys.exit(2)


def parse_args(argv):
    if "--" in argv:
        cut = argv.index("--")
        own, extract = argv[:cut], argv[cut + 1:]
    else:
        own, extract = argv, []
    p = argparse.ArgumentParser(
        prog="gazex_spark.py",
        description="Run `gazex extract` over a DataFrame of documents with mapInArrow.",
        epilog="Options after `--` go to `gazex extract` (e.g. -- --types PERSON,ORG -g g.tsv).",
    )
    p.add_argument("--binary", required=True,
                   help="the gazex binary: a path on every node, or the name/path of a file "
                        "shipped with spark-submit --files (found with SparkFiles.get)")
    p.add_argument("--input", required=True, nargs="+", help="JSONL or Parquet files/folders")
    p.add_argument("--output", required=True, help="output folder (any Hadoop file system)")
    p.add_argument("--input-format", choices=["auto", "jsonl", "parquet"], default="auto",
                   help="auto: Parquet when a path ends in .parquet or is a folder of .parquet "
                        "files, else JSONL")
    p.add_argument("--id-col", default="id")
    p.add_argument("--text-col", default="text")
    p.add_argument("--date-col", default="date")
    p.add_argument("--partitions", type=int, default=0,
                   help="number of partitions (one gazex process each; default: Spark's "
                        "default parallelism)")
    p.add_argument("--overwrite", action="store_true", help="replace an existing output folder")
    args = p.parse_args(own)
    args.extract = extract
    args.cooc_types = None
    i = 0
    while i < len(extract):
        a = extract[i]
        name, has_eq, val = a.partition("=")
        if name in RESERVED:
            usage_error(f"`{name}` is set by the Spark driver; do not pass it after `--`")
        if name in WITH_VALUE and not has_eq:
            if i + 1 >= len(extract):
                usage_error(f"`{name}` needs a value")
            val = extract[i + 1]
            i += 1
        if name == "--window" and val.strip() not in ("", "0"):
            usage_error("--window is not supported on Spark yet (mention records carry no "
                        "token positions); run `gazex extract` for window counts")
        if name == "--cooc-types":
            args.cooc_types = sorted(t.strip() for t in val.split(",") if t.strip())
        i += 1
    return args


def localize(path):
    """A file on this node: the path itself, or the copy shipped with --files."""
    if os.path.isfile(path):
        return path
    try:
        shipped = SparkFiles.get(os.path.basename(path))
    except Exception:
        shipped = None
    if shipped and os.path.isfile(shipped):
        return shipped
    raise FileNotFoundError(
        f"{path}: not found on this node, nor shipped with spark-submit --files")


def resolve_binary(binary):
    """SparkFiles copy first (the cluster case), else the path; made executable if needed."""
    candidates = []
    try:
        candidates.append(SparkFiles.get(os.path.basename(binary)))
    except Exception:
        pass
    candidates.append(binary)
    for c in candidates:
        if c and os.path.isfile(c):
            if os.access(c, os.X_OK):
                return c
            try:
                os.chmod(c, os.stat(c).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
                return c
            except OSError:
                d = tempfile.mkdtemp(prefix="gazex-bin-")
                dst = os.path.join(d, "gazex")
                shutil.copyfile(c, dst)
                os.chmod(dst, 0o755)
                return dst
    raise FileNotFoundError(
        f"gazex binary {binary!r} not found: ship it with `spark-submit --files {binary}` "
        f"or give a path that exists on every node")


def extract_command(binary, extract):
    args = list(extract)
    for i, a in enumerate(args):  # gazetteers shipped with --files
        if a in ("-g", "--gazetteer") and i + 1 < len(args) and not os.path.isdir(args[i + 1]):
            args[i + 1] = localize(args[i + 1])
        elif a.startswith("--gazetteer="):
            args[i] = "--gazetteer=" + localize(a.split("=", 1)[1])
    return [binary, "extract", "--stdout", "--threads", "1", "--input-format", "jsonl", "-q",
            *args, "-"]


def make_partition_fn(binary, extract):
    """The mapInArrow function: one gazex process for the partition's documents."""

    def run(batches):
        cmd = extract_command(resolve_binary(binary), extract)
        err = tempfile.TemporaryFile()
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err)
        ids = {}                     # dockey -> the document's own id
        order = collections.deque()  # dockeys in the order they were fed
        feed_error = []

        def feed():
            try:
                for b in batches:
                    cols = b.to_pydict()
                    lines = []
                    for k, i, t, d in zip(cols["_dockey"], cols["id"], cols["text"],
                                          cols["date"]):
                        ids[k] = i
                        order.append(k)
                        lines.append(json.dumps({"id": str(k), "text": t, "date": d},
                                                ensure_ascii=False))
                    if lines:
                        proc.stdin.write(("\n".join(lines) + "\n").encode("utf-8"))
            except BaseException as e:  # includes a broken pipe when gazex died
                feed_error.append(e)
            finally:
                try:
                    proc.stdin.close()
                except OSError:
                    pass

        feeder = threading.Thread(target=feed, daemon=True)
        feeder.start()
        rows = {name: [] for name in ARROW_SCHEMA.names}

        def add(doc, key, rec=None, record=None):
            rows["doc"].append(doc)
            rows["_dockey"].append(key)
            rec = rec or {}
            for name in ("id", "type", "name", "text", "start", "end", "byte_start", "byte_end",
                         "sentence", "alias", "match", "alternatives", "value", "start_date",
                         "end_date"):
                rows[name].append(rec.get(name))
            rows["relative"].append(rec.get("relative", False) if "value" in rec else None)
            rows["_record"].append(record)

        def flush():
            batch = pa.RecordBatch.from_pydict(rows, schema=ARROW_SCHEMA)
            for v in rows.values():
                v.clear()
            return batch

        def marker(key):  # one row per document (id null): counts documents without mentions
            add(ids.pop(key), key)

        try:
            current = None
            for line in proc.stdout:
                rec = json.loads(line)
                key = int(rec["doc"])
                if key != current:
                    while order and order[0] != key:
                        marker(order.popleft())
                    if not order:
                        raise RuntimeError(f"gazex returned a record for an unknown document {key}")
                    order.popleft()
                    doc = ids[key]
                    marker(key)
                    current = key
                prefix = b'{"doc":"%d",' % key
                if not line.startswith(prefix):
                    raise RuntimeError(f"unexpected record from gazex: {line[:80]!r}")
                rec["doc"] = doc
                record = ('{"doc":' + json.dumps(doc, ensure_ascii=False) + ","
                          + line[len(prefix):].decode("utf-8").rstrip("\n"))
                add(doc, key, rec, record)
                if len(rows["doc"]) >= BATCH_ROWS:
                    yield flush()
            feeder.join()
            code = proc.wait()
            if code != 0 or feed_error:
                err.seek(0)
                tail = err.read().decode("utf-8", "replace")[-2000:]
                raise RuntimeError(
                    f"gazex exited with status {code} on this partition "
                    f"({' '.join(cmd)}): {tail.strip() or feed_error}")
            while order:
                marker(order.popleft())
            if rows["doc"]:
                yield flush()
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            err.close()

    return run


def npmi(n, da, db, dab):
    """As gazex computes it (cooccur.rs): over documents, from the final totals."""
    if n == 0 or da == 0 or db == 0 or dab == 0:
        return 0.0
    pab = dab / n
    if pab >= 1.0:
        return 1.0
    return math.log(pab / ((da / n) * (db / n))) / -math.log(pab)


def format_npmi(v):
    """As gazex writes it: 6 decimals (Rust `{v:.6}`), never `-0.000000`."""
    s = f"{v:.6f}"
    return "0.000000" if s == "-0.000000" else s


def make_npmi_fn(total_docs):
    def run(batches):
        for b in batches:
            c = b.to_pydict()
            c["npmi"] = [format_npmi(npmi(total_docs, da, db, dab)) for da, db, dab in
                         zip(c["source_docs"], c["target_docs"], c["documents"])]
            del c["source_docs"], c["target_docs"]
            yield pa.RecordBatch.from_pydict(c)
    return run


def safe_cell(c):
    """Like gazex: a cell that a spreadsheet would read as a formula (or that starts with ')
    gets a leading '."""
    return F.when(c.rlike("^[=+\\-@\t\r']"), F.concat(F.lit("'"), c)).otherwise(c)


def read_documents(spark, args):
    fmt = args.input_format
    if fmt == "auto":
        def is_parquet(p):
            if p.rstrip("/").endswith(".parquet"):
                return True
            return os.path.isdir(p) and any(f.endswith(".parquet") for _, _, fs in os.walk(p)
                                            for f in fs)
        fmt = "parquet" if all(is_parquet(p) for p in args.input) else "jsonl"
    if fmt == "jsonl":
        schema = T.StructType([T.StructField(c, T.StringType())
                               for c in dict.fromkeys([args.id_col, args.text_col, args.date_col])])
        df = spark.read.schema(schema).option("mode", "PERMISSIVE").json(args.input)
    else:
        df = spark.read.parquet(*args.input)
    cols = set(df.columns)
    if args.text_col not in cols:
        usage_error(f"the documents have no `{args.text_col}` column")
    pick = lambda c: F.col(c).cast("string") if c in cols else F.lit(None).cast("string")
    return df.select(pick(args.id_col).alias("id"), pick(args.text_col).alias("text"),
                     pick(args.date_col).alias("date")), fmt


def rename_parts(spark, path, old_ext, new_ext):
    """Spark names text part files .txt and CSV ones .csv: rename them .jsonl / .tsv."""
    try:
        sc = spark.sparkContext
        jvm, conf = sc._jvm, sc._jsc.hadoopConfiguration()
    except Exception:  # Spark Connect: no JVM access; the files keep Spark's names
        log(f"cannot rename {path}/part-*{old_ext} to {new_ext} (no JVM access)")
        return
    Path = jvm.org.apache.hadoop.fs.Path
    p = Path(path)
    fs = p.getFileSystem(conf)
    for st in fs.listStatus(p):
        name = st.getPath().getName()
        if name.startswith("part-") and name.endswith(old_ext):
            fs.rename(st.getPath(), Path(p, name[: -len(old_ext)] + new_ext))


def output_exists(spark, path):
    sc = spark.sparkContext
    try:
        p = sc._jvm.org.apache.hadoop.fs.Path(path)
        fs = p.getFileSystem(sc._jsc.hadoopConfiguration())
        return fs.exists(p) and len(fs.listStatus(p)) > 0
    except Exception:
        return os.path.isdir(path) and bool(os.listdir(path))


def check_options(binary, extract):
    """Fail fast on bad extract options or an unusable binary, when it is reachable here."""
    try:
        b = resolve_binary(binary)
        cmd = extract_command(b, extract)
    except FileNotFoundError as e:
        log(f"not checking the extract options on the driver: {e}")
        return
    r = subprocess.run(cmd, input=b"", capture_output=True)
    if r.returncode != 0:
        usage_error(f"`{' '.join(cmd)}` fails on the driver (status {r.returncode}): "
                    f"{r.stderr.decode('utf-8', 'replace').strip()}")


def main(argv):
    args = parse_args(argv)
    t0 = time.time()
    spark = SparkSession.builder.appName("gazex").getOrCreate()
    out = args.output.rstrip("/")
    if output_exists(spark, out) and not args.overwrite:
        usage_error(f"{out} exists and is not empty (pass --overwrite to replace it)")
    check_options(args.binary, args.extract)

    docs, fmt = read_documents(spark, args)
    docs = docs.filter(F.col("text").isNotNull())  # as the CLI, which skips them with a warning
    parts = args.partitions or spark.sparkContext.defaultParallelism
    docs = docs.repartition(parts).withColumn("_dockey", F.monotonically_increasing_id())
    rows = docs.mapInArrow(make_partition_fn(args.binary, args.extract), MENTION_SCHEMA)
    rows = rows.persist(StorageLevel.MEMORY_AND_DISK)  # gazex runs once, read three times
    mentions = rows.filter(F.col("id").isNotNull())

    mentions.select(*PUBLIC_COLUMNS).write.mode("overwrite").parquet(out + "/mentions_parquet")
    mentions.select("_record").write.mode("overwrite").text(out + "/mentions")
    rename_parts(spark, out + "/mentions", ".txt", ".jsonl")
    t_extract = time.time() - t0

    total_docs = rows.filter(F.col("id").isNull()).count()
    m = mentions.select("_dockey", "id", "type", "sentence")
    entity_docs = m.select("_dockey", "id").distinct().groupBy("id").agg(F.count("*").alias("d"))
    w = m if args.cooc_types is None else m.filter(F.col("type").isin(args.cooc_types))
    dd = w.select("_dockey", "id", "type").distinct()
    a, b = dd.alias("a"), dd.alias("b")
    doc_pairs = (a.join(b, F.col("a._dockey") == F.col("b._dockey"))
                 .where(F.col("a.id") < F.col("b.id"))
                 .select(F.col("a._dockey").alias("_dockey"), F.col("a.id").alias("source"),
                         F.col("b.id").alias("target"), F.col("a.type").alias("source_type"),
                         F.col("b.type").alias("target_type")))
    ss = w.select("_dockey", "sentence", "id").distinct()
    a, b = ss.alias("a"), ss.alias("b")
    sent_pairs = (a.join(b, (F.col("a._dockey") == F.col("b._dockey"))
                         & (F.col("a.sentence") == F.col("b.sentence")))
                  .where(F.col("a.id") < F.col("b.id"))
                  .groupBy(F.col("a._dockey").alias("_dockey"), F.col("a.id").alias("source"),
                           F.col("b.id").alias("target"))
                  .agg(F.count("*").alias("sentences")))
    # Per-document pairs (documents = 1), summed over all documents: the merge.
    per_doc = (doc_pairs.join(sent_pairs, ["_dockey", "source", "target"], "left")
               .select("source", "target", "source_type", "target_type",
                       F.lit(1).cast("long").alias("documents"),
                       F.coalesce(F.col("sentences"), F.lit(0)).cast("long").alias("sentences"),
                       F.lit(0).cast("long").alias("window")))
    pairs = (per_doc.groupBy("source", "target", "source_type", "target_type")
             .agg(F.sum("documents").alias("documents"), F.sum("sentences").alias("sentences"),
                  F.sum("window").alias("window")))
    sd, td = entity_docs.alias("sd"), entity_docs.alias("td")
    pairs = (pairs.join(sd, pairs.source == F.col("sd.id"), "left")
             .join(td, pairs.target == F.col("td.id"), "left")
             .select("source", "target", "source_type", "target_type", "documents", "sentences",
                     "window", F.coalesce(F.col("sd.d"), F.lit(0)).alias("source_docs"),
                     F.coalesce(F.col("td.d"), F.lit(0)).alias("target_docs")))
    # npmi after the merge, from the totals, in Python as gazex does it (same libm log).
    table = pairs.mapInArrow(
        make_npmi_fn(total_docs),
        "source string, target string, source_type string, target_type string, "
        "documents long, sentences long, window long, npmi string")
    table = (table.repartition(1)
             .sortWithinPartitions(F.col("documents").desc(), "source", "target")
             .select(*[safe_cell(F.col(c)).alias(c)
                       for c in ("source", "target", "source_type", "target_type")],
                     "documents", "sentences", "window", "npmi"))
    (table.write.mode("overwrite")
     .option("sep", "\t").option("header", True).option("quoteAll", False)
     .option("ignoreLeadingWhiteSpace", False).option("ignoreTrailingWhiteSpace", False)
     .option("emptyValue", "")
     .csv(out + "/cooccurrence"))
    rename_parts(spark, out + "/cooccurrence", ".csv", ".tsv")

    n_mentions = spark.read.parquet(out + "/mentions_parquet").count()
    n_pairs = spark.read.option("sep", "\t").option("header", True).csv(out + "/cooccurrence").count()
    rows.unpersist()
    elapsed = time.time() - t0
    log(f"{fmt} input, {parts} partitions: {total_docs} documents, {n_mentions} mentions, "
        f"{n_pairs} pairs -> {out} (extract+write {t_extract:.1f} s, total {elapsed:.1f} s)")
    spark.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
