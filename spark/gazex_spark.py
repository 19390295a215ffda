"""Run `gazex extract` on Apache Spark.

    spark-submit [--files path/to/gazex] spark/gazex_spark.py \
        --binary PATH --input DOCS [DOCS ...] --output DIR [--partitions N] [-- EXTRACT OPTIONS]

Reads JSONL or Parquet documents (columns id, text, date) into a DataFrame (in byte ranges of
about 1/N of the input with --partitions N, so that the corpus is not shuffled; a row is a
whole document, never split) and runs one
`gazex extract --input-format arrow --stdout --stdout-format arrow -o TMP -` process per
partition through `DataFrame.mapInArrow`. The partition's Arrow batches go to its standard
input as they are; its standard output is an Arrow stream of mention records (typed columns
and each record's JSON line); TMP holds the partition's partial tables (pair counts,
per-entity document counts, the document count: what `gazex merge` adds). No Python code
touches a record or a table row, and neither does Spark: each row of the partition function's
output holds an Arrow batch (see BLOB_SCHEMA). A gazex process that exits non-zero, whose
stream breaks off, or that did not process every document it was given fails the task (Spark
retries it, then fails the job); its rows are never kept.

Writes
    DIR/mentions/           JSONL part files: the CONTRACT's mention records, byte for byte as the
                            CLI writes them (the record column of gazex's stream)
    DIR/mentions_parquet/   the same records as Parquet, one typed column per record field
                            (gazex's Arrow schema; null where a record lacks the field)
    DIR/cooccurrence/       one TSV part file with the CONTRACT's header and rows, equal to the
                            CLI's cooccurrence.tsv on the same documents

The partial tables are unioned and added up with group_by().sum() in one task (the table is
one file); npmi is computed after that merge, from the totals, with the CLI's formula and
6-decimal format, vectorised with pyarrow. See SPARK.md.
"""

import argparse
import importlib.util
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from pyspark import SparkFiles, StorageLevel
from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T
from pyspark.sql.pandas.types import from_arrow_schema

# DataFrame.mapInArrow is built on pandas_udf, which insists on pandas being installed although
# an Arrow map never touches pandas (the worker only moves Arrow batches). Without pandas, skip
# that driver-side check so that `pip install pyspark pyarrow` is enough.
if importlib.util.find_spec("pandas") is None:
    import pyspark.sql.pandas.functions as _pandas_functions

    _pandas_functions.require_minimum_pandas_version = lambda: None

# Options the driver sets itself (or that make no sense per partition).
RESERVED = {
    "--stdout", "--stdout-format", "-o", "--out", "-j", "--threads", "--input-format", "-q",
    "--quiet", "--progress", "--resume", "--force", "--id-field", "--text-field", "--date-field",
}
# Options of `gazex extract` that take a value (so that their values are not taken for options).
WITH_VALUE = {
    "-g", "--gazetteer", "--doc-date", "--types", "--window", "--cooc-types", "--date-order",
    "--max-doc-bytes",
}

# What gazex reads: one document a row.
DOC_SCHEMA = pa.schema([("id", pa.string()), ("text", pa.string()), ("date", pa.string())])
# The rows of the partition function's output. Spark moves them and writes what they carry,
# but never handles a record or a table row on its own (each costs the JVM more than gazex
# spends on it): a row holds an Arrow batch.
#   mentions  `_data`: an Arrow IPC stream of one batch of gazex's typed mention columns (for
#             the Parquet output); `_text`: the same records' JSON lines joined with "\n" (for
#             the JSONL output)
#   pairs     `_data`: the partition's cooccurrence.tsv as Arrow (cells unescaped, no npmi)
#   entities  `_data`: the partition's per-entity document counts (id, documents) as Arrow;
#             `_documents`: its document count
BLOB_SCHEMA = pa.schema([("_kind", pa.string()), ("_data", pa.binary()), ("_text", pa.string()),
                         ("_documents", pa.int64())])
PAIR_SCHEMA = pa.schema([("source", pa.string()), ("target", pa.string()),
                         ("source_type", pa.string()), ("target_type", pa.string()),
                         ("documents", pa.int64()), ("sentences", pa.int64()),
                         ("window", pa.int64())])
ENTITY_SCHEMA = pa.schema([("id", pa.string()), ("documents", pa.int64())])
RECORD = "record"  # gazex's column with each record's JSON line
# Records per mentions row: its two values stay under about 512 KB, below what the JVM's
# default collector (G1, 1 MB regions) handles as a "humongous" object, much more slowly.
SLICE_ROWS = 2048
# The offsets are all but unique: Parquet's writer would try a dictionary for each, fill it
# and fall back to plain values (a fifth of the Parquet writer's time); they go plain at once.
PLAIN_OFFSETS = {f"parquet.enable.dictionary#{c}": "false"
                 for c in ("start", "end", "byte_start", "byte_end")}
# Documents per Arrow batch sent to gazex.
DOC_BATCH = 128
# The cell escape of gazex's tables (tables.rs, safe_cell): a leading ' before these.
ESCAPED = r"^'([=+\-@\t\r'])"
TSV = pacsv.ParseOptions(delimiter="\t", quote_char='"', double_quote=True, escape_char=False,
                         newlines_in_values=True)


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
                   help="number of partitions (one gazex process each; default: the input's "
                        "splits as Spark reads them, at most 128 MB each)")
    p.add_argument("--overwrite", action="store_true", help="replace an existing output folder")
    args = p.parse_args(own)
    args.extract = extract
    i = 0
    while i < len(extract):
        name, has_eq, _ = extract[i].partition("=")
        if name in RESERVED:
            usage_error(f"`{name}` is set by the Spark driver; do not pass it after `--`")
        if name in WITH_VALUE and not has_eq:
            if i + 1 >= len(extract):
                usage_error(f"`{name}` needs a value")
            i += 1
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


def extract_command(binary, extract, out):
    args = list(extract)
    for i, a in enumerate(args):  # gazetteers shipped with --files
        if a in ("-g", "--gazetteer") and i + 1 < len(args) and not os.path.isdir(args[i + 1]):
            args[i + 1] = localize(args[i + 1])
        elif a.startswith("--gazetteer="):
            args[i] = "--gazetteer=" + localize(a.split("=", 1)[1])
    return [resolve_binary(binary), "extract", "--input-format", "arrow", "--stdout",
            "--stdout-format", "arrow", "--threads", "1", "-q", "-o", out, *args, "-"]


def empty_run(binary, extract):
    """gazex on no documents: its mention stream (the schema), or an error with its message."""
    tmp = tempfile.mkdtemp(prefix="gazex-probe-")
    try:
        cmd = extract_command(binary, extract, os.path.join(tmp, "out"))
        sink = pa.BufferOutputStream()
        pa.ipc.new_stream(sink, DOC_SCHEMA).close()
        r = subprocess.run(cmd, input=sink.getvalue().to_pybytes(), capture_output=True)
        if r.returncode != 0:
            raise RuntimeError(f"`{' '.join(cmd)}` fails (status {r.returncode}): "
                               f"{r.stderr.decode('utf-8', 'replace').strip()}")
        return r.stdout
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def mention_schema(spark, binary, extract):
    """The Arrow schema of gazex's mention records, from the binary itself (which also checks
    the extract options): on the driver when the binary is there, else in one small task."""
    try:
        resolve_binary(binary)
        on_driver = True
    except FileNotFoundError:
        on_driver = False
    try:
        if on_driver:
            stream = empty_run(binary, extract)
        else:
            stream = (spark.sparkContext.parallelize([0], 1)
                      .map(lambda _: empty_run(binary, extract)).collect()[0])
    except Exception as e:  # a bad option, a binary that does not run here
        usage_error(f"cannot run gazex: {e}")
    return pa.ipc.open_stream(stream).schema


def blob_row(kind, data=None, text=None, documents=None):
    """One row of BLOB_SCHEMA; `data` is a table or batch, stored as an Arrow IPC stream;
    `text` a string or a one-string array."""
    if data is not None:
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, data.schema) as w:
            w.write(data)
        buf = sink.getvalue()
        offsets = pa.array([0, buf.size], pa.int32()).buffers()[1]
        data = pa.Array.from_buffers(pa.binary(), 1, [None, offsets, buf])
    else:
        data = pa.nulls(1, pa.binary())
    if not isinstance(text, pa.Array):
        text = pa.array([text], pa.string())
    return pa.RecordBatch.from_arrays(
        [pa.array([kind]), data, text, pa.array([documents], pa.int64())], schema=BLOB_SCHEMA)


def batches_of(blobs):
    """The Arrow batches stored in a `_data` column."""
    for blob in blobs:
        if blob.is_valid:
            yield from pa.ipc.open_stream(blob.as_buffer())


def read_tsv(path, schema):
    """A gazex table as written (quoting undone), its string cells unescaped."""
    t = pacsv.read_csv(path, parse_options=TSV, convert_options=pacsv.ConvertOptions(
        column_types={f.name: f.type for f in schema}, include_columns=schema.names,
        strings_can_be_null=False, quoted_strings_can_be_null=False))
    unescape = lambda v: pc.replace_substring_regex(v, pattern=ESCAPED, replacement=r"\1")
    return pa.table([per_value(unescape, t[f.name])
                     if f.type == pa.string() and pc.any(pc.starts_with(t[f.name], "'")).as_py()
                     else t[f.name] for f in schema], schema=schema)


def partial_rows(folder):
    """The partition's partial tables (what `gazex merge` adds), from the output folder of its
    gazex process, and the number of documents that process read."""
    pairs = read_tsv(os.path.join(folder, "cooccurrence.tsv"), PAIR_SCHEMA)
    entities = read_tsv(os.path.join(folder, "entities.tsv"), ENTITY_SCHEMA)
    with open(os.path.join(folder, "manifest.json"), encoding="utf-8") as f:
        n = json.load(f)["counts"]["documents"]
    return [blob_row("pairs", pairs), blob_row("entities", entities, documents=n)], n


def joined_lines(lines):
    """The strings of `lines` joined with "\n" into one string (a one-element array)."""
    offsets = pa.array([0, len(lines)], pa.int32())
    return pc.binary_join(pa.ListArray.from_arrays(offsets, lines), "\n")


def make_partition_fn(binary, extract):
    """The mapInArrow function: one gazex process for the partition's documents."""

    def run(batches):
        tmp = tempfile.mkdtemp(prefix="gazex-part-")
        out = os.path.join(tmp, "out")
        cmd = extract_command(binary, extract, out)
        err = tempfile.TemporaryFile()
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err)
        fed, feed_error = [0], []

        def feed():
            try:
                with pa.ipc.new_stream(proc.stdin, DOC_SCHEMA) as w:
                    for b in batches:
                        w.write_batch(pa.RecordBatch.from_arrays(
                            [b.column(c).cast(pa.string()) for c in DOC_SCHEMA.names],
                            schema=DOC_SCHEMA))
                        fed[0] += b.num_rows
            except BaseException as e:  # includes a broken pipe when gazex died
                feed_error.append(e)
            finally:
                try:
                    proc.stdin.close()
                except OSError:
                    pass

        def failed(why):
            err.seek(0)
            tail = err.read().decode("utf-8", "replace")[-2000:].strip()
            return RuntimeError(f"gazex failed on this partition ({' '.join(cmd)}): {why}"
                                + (f": {tail}" if tail else ""))

        feeder = threading.Thread(target=feed, daemon=True)
        feeder.start()
        try:
            read_error = None
            try:
                for b in pa.ipc.open_stream(proc.stdout):
                    for i in range(0, b.num_rows, SLICE_ROWS):
                        part = b.slice(i, SLICE_ROWS)
                        lines = joined_lines(part.column(RECORD))
                        yield blob_row("mentions", part.drop_columns([RECORD]), lines)
            except pa.ArrowInvalid as e:  # the stream broke off: the exit status says why
                read_error = e
            feeder.join()
            code = proc.wait()
            if code != 0:
                raise failed(f"gazex exited with status {code}")
            if feed_error or read_error:
                raise failed(f"{feed_error or read_error}")
            partials, done = partial_rows(out)
            if done != fed[0]:
                raise failed(f"gazex processed {done} documents of the {fed[0]} given")
            yield from partials
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            err.close()
            shutil.rmtree(tmp, ignore_errors=True)

    return run


def npmi_strings(n, da, db, dab):
    """npmi as gazex computes (cooccur.rs) and writes it (tables.rs: 6 decimals, never
    `-0.000000`), vectorised: the same IEEE operations in the same order, and the same
    rounding as `push_npmi` (values within 1e-6 of a half take Python's exact formatting)."""
    f = pa.float64()
    n = float(n)
    dab, da, db = (pc.cast(x, f) for x in (dab, da, db))
    pab = pc.divide(dab, n)
    pmi = pc.ln(pc.divide(pab, pc.multiply(pc.divide(da, n), pc.divide(db, n))))
    v = pc.divide(pmi, pc.negate(pc.ln(pab)))
    v = pc.if_else(pc.greater_equal(pab, 1.0), 1.0, v)
    zero = pc.or_(pc.or_(pc.equal(da, 0.0), pc.equal(db, 0.0)), pc.equal(dab, 0.0))
    v = pc.if_else(pc.or_(zero, pa.scalar(n == 0.0)), 0.0, v)
    x = pc.multiply(v, 1e6)
    half = pc.abs(pc.subtract(pc.abs(pc.subtract(x, pc.trunc(x))), 0.5))
    exact = pc.and_(pc.greater(half, 1e-6), pc.less(pc.abs(x), 1e15))
    exact = pc.fill_null(exact, False)  # NaN, infinities: the slow path
    k = pc.cast(pc.round(pc.if_else(exact, x, 0.0)), pa.int64())
    a = pc.abs(k)
    whole = pc.divide(a, 1_000_000)
    frac = pc.subtract(a, pc.multiply(whole, 1_000_000))
    s = pc.binary_join_element_wise(
        pc.if_else(pc.less(k, 0), "-", ""), pc.cast(whole, pa.string()), ".",
        pc.utf8_lpad(pc.cast(frac, pa.string()), 6, "0"), "")
    slow = pc.indices_nonzero(pc.invert(exact)).to_pylist()
    if slow:
        cells = s.to_pylist()
        for i in slow:
            cells[i] = format_npmi(v[i].as_py())
        s = pa.array(cells, pa.string())
    return s


def format_npmi(v):
    """Like gazex's format_npmi: 6 decimals (Rust `{v:.6}`), never `-0.000000`."""
    s = f"{v:.6f}"
    return "0.000000" if s == "-0.000000" else s


# The header of cooccurrence.tsv (tables.rs, PAIR_COLUMNS).
TABLE_HEADER = "\t".join(["source", "target", "source_type", "target_type", "documents",
                          "sentences", "window", "npmi"])


def per_value(f, col):
    """f applied to the distinct values of `col` only (ids and types repeat a lot)."""
    values = pc.unique(col)
    return pc.take(f(values), pc.index_in(col, values))


def tsv_cells(col):
    """String cells as gazex's tables write them: made safe for spreadsheets (tables.rs,
    safe_cell), quoted when they hold a tab, a quote or a line break (QuoteStyle::Necessary)."""
    def cells(v):
        v = pc.replace_substring_regex(v, pattern=r"^([=+\-@\t\r'])", replacement=r"'\1")
        quoted = pc.binary_join_element_wise('"', pc.replace_substring(v, '"', '""'), '"', "")
        return pc.if_else(pc.match_substring_regex(v, '[\t"\r\n]'), quoted, v)
    return per_value(cells, col)


def merged_table(batches):
    """cooccurrence.tsv as rows of text (the header, then blocks of lines), from the partial
    rows of every partition (one Spark partition holds them all: the table is one file): the
    partial pair and entity tables unioned and added up (group_by().sum(), vectorised), npmi
    from the totals, rows sorted as gazex sorts them (documents descending, then ids, by
    bytes), cells escaped and quoted as gazex writes them."""
    pairs, entities, total = [], [], 0
    for b in batches:
        kinds = b.column("_kind").to_pylist()  # one row per partial table
        for kind, blob, n in zip(kinds, b.column("_data"), b.column("_documents")):
            (pairs if kind == "pairs" else entities).extend(batches_of([blob]))
            total += n.as_py() or 0
    ids = PAIR_SCHEMA.names[:4]
    summed = lambda parts, schema, keys: (
        pa.Table.from_batches(parts, schema).group_by(keys, use_threads=False)
        .aggregate([(c, "sum") for c in schema.names if c not in keys]))
    e = summed(entities, ENTITY_SCHEMA, ["id"])
    t = summed(pairs, PAIR_SCHEMA, ids).sort_by(
        [("documents_sum", "descending"), ("source", "ascending"), ("target", "ascending")])
    e_ids = e["id"].combine_chunks()
    docs_of = lambda c: pc.fill_null(pc.take(e["documents_sum"], pc.index_in(c, e_ids)), 0)
    npmi = npmi_strings(total, docs_of(t["source"]), docs_of(t["target"]), t["documents_sum"])
    cells = [*(tsv_cells(t[c]) for c in ids),
             *(pc.cast(t[c + "_sum"], pa.string()) for c in PAIR_SCHEMA.names[4:]), npmi]
    lines = pc.binary_join_element_wise(*cells, "\t").combine_chunks()
    yield pa.RecordBatch.from_arrays([pa.array([TABLE_HEADER])], names=["_text"])
    for start in range(0, len(lines), 65536):
        block = joined_lines(lines.slice(start, 65536))
        yield pa.RecordBatch.from_arrays([block], names=["_text"])


# Compressed files Spark reads whole, in one partition each (bzip2 aside, which it splits).
WHOLE = (".gz", ".zst", ".xz", ".lz4", ".snappy", ".deflate", ".br", ".zip")


def input_files(spark, paths):
    """The (name, bytes) of the input files (any Hadoop file system; folders walked, Spark's
    hidden files skipped), or None when unknown."""
    try:
        sc = spark.sparkContext
        conf, Path = sc._jsc.hadoopConfiguration(), sc._jvm.org.apache.hadoop.fs.Path
        files = []
        for p in paths:
            fs = Path(p).getFileSystem(conf)
            for st in fs.globStatus(Path(p)) or []:
                it = fs.listFiles(st.getPath(), True)
                while it.hasNext():
                    f = it.next()
                    name = f.getPath().getName()
                    if not name.startswith(("_", ".")):
                        files.append((name, f.getLen()))
        return files
    except Exception:  # Spark Connect (no JVM access), an unreadable path: Spark will say
        return None


def read_documents(spark, args):
    """The documents (id, text, date as strings) in `--partitions` parts: read in byte ranges
    of the input sized so (Spark splits JSONL and Parquet files, never inside a line or a row
    group), so that the corpus is not shuffled; repartitioned only when the input cannot be
    split that finely (compressed or few small files). The parts are counted from the file
    sizes, as Spark splits them, rather than by planning the scan (which costs a second)."""
    splits = None
    if args.partitions:
        files = input_files(spark, args.input)
        if files:
            split = max(-(-sum(n for _, n in files) // args.partitions), 1 << 20)
            spark.conf.set("spark.sql.files.maxPartitionBytes", str(split))
            splits = sum(1 if name.endswith(WHOLE) else max(-(-n // split), 1)
                         for name, n in files)
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
    df = df.select(pick(args.id_col).alias("id"), pick(args.text_col).alias("text"),
                   pick(args.date_col).alias("date"))
    if not args.partitions:
        return df, fmt, "the input's"
    if splits is not None and splits >= args.partitions:
        return df.coalesce(args.partitions), fmt, args.partitions
    return df.repartition(args.partitions), fmt, args.partitions


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


def write_all(spark, first, others):
    """Runs the writes `first` (whose job computes the cached rows: gazex runs there) and
    `others` (which read them) as concurrent Spark jobs, so that the later jobs are planned
    while the first runs and their tasks take the cores as soon as its tasks free them. The
    others start once the first job is submitted: Spark's FIFO scheduler then gives the first
    job's tasks the cores before theirs, and a task of theirs that needs a partition still
    being computed waits for it rather than computing it again. When a write fails, the jobs
    still running are cancelled and its error raised."""
    sc = spark.sparkContext
    group = f"gazex-{os.getpid()}-{time.time_ns()}"

    def lead():
        sc.setJobGroup(group, "gazex: extract and write the mentions")
        first()

    with ThreadPoolExecutor(len(others) + 1) as pool:
        futures = [pool.submit(lead)]
        while not sc.statusTracker().getJobIdsForGroup(group) and not futures[0].done():
            time.sleep(0.02)
        if futures[0].done() and futures[0].exception():  # failed before it began
            raise futures[0].exception()
        futures += [pool.submit(f) for f in others]
        wait(futures, return_when=FIRST_EXCEPTION)
        failed = [f for f in futures if f.done() and f.exception()]
        if failed:
            sc.cancelAllJobs()
            raise failed[0].exception()


def main(argv):
    args = parse_args(argv)
    t0 = time.time()
    spark = SparkSession.builder.appName("gazex").getOrCreate()
    out = args.output.rstrip("/")
    if output_exists(spark, out) and not args.overwrite:
        usage_error(f"{out} exists and is not empty (pass --overwrite to replace it)")
    schema = mention_schema(spark, args.binary, args.extract)
    mentions = schema.remove(schema.get_field_index(RECORD))  # the Parquet columns

    docs, fmt, parts = read_documents(spark, args)
    # Documents reach gazex in batches of DOC_BATCH, so that Spark reads the next ones while
    # gazex works on these (one batch a partition would leave each waiting for the other).
    spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", str(DOC_BATCH))
    rows = docs.mapInArrow(make_partition_fn(args.binary, args.extract),
                           from_arrow_schema(BLOB_SCHEMA))
    # gazex runs once, its rows are read three times: kept as they are in the JVM's memory
    # (PySpark's MEMORY_AND_DISK would Java-serialize every batch, and read it back three
    # times), without the cache's column compression (which hashes every value, here batches
    # of hundreds of KB that no dictionary shrinks).
    spark.conf.set("spark.sql.inMemoryColumnarStorage.compressed", "false")
    rows = rows.persist(StorageLevel.MEMORY_AND_DISK_DESER)
    kind = F.col("_kind")
    unpack = lambda batches: (b for batch in batches for b in batches_of(batch.column(0)))

    def jsonl():
        rows.filter(kind == "mentions").select("_text").write.mode("overwrite").text(
            out + "/mentions")
        rename_parts(spark, out + "/mentions", ".txt", ".jsonl")

    def parquet():
        (rows.filter(kind == "mentions").select("_data")
         .mapInArrow(unpack, from_arrow_schema(mentions))
         .write.mode("overwrite").options(**PLAIN_OFFSETS).parquet(out + "/mentions_parquet"))

    def cooccurrence():
        (rows.filter(kind != "mentions").coalesce(1).mapInArrow(merged_table, "_text string")
         .write.mode("overwrite").text(out + "/cooccurrence"))
        rename_parts(spark, out + "/cooccurrence", ".txt", ".tsv")

    write_all(spark, jsonl, [parquet, cooccurrence])
    t_extract = time.time() - t0
    rows.unpersist()
    log(f"{fmt} input, {parts} partitions -> {out} ({t_extract:.1f} s)")
    spark.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
