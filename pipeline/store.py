"""The corpus store: one DuckDB file holding every record, part by part.

A document is written in one transaction with its rows in every part table, its
full record JSON and its `files` entry (a run may group a few whole documents in
one transaction), so a run stopped at any point leaves whole documents only and
the next run carries on from there. Documents
are keyed by their path relative to the corpus folder, since the same file stem
can exist as a text and as a PDF rendering.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

from models.record import ErrorRecord, Record

STORE_VERSION = "2"
GRAPH_VERSION = "2"  # layout of the graph and lookup tables, rebuilt from the part tables when it changes
JSON_INSERT_ABOVE = 2000  # values in one insert above which rows go through read_json
DEFAULT_DB = Path("vbgraph.duckdb")
MEMORY_LIMIT = "512MB"  # DuckDB's share of a run's memory: the graph build spills past it

# One statement per table; the order is the order of deletion (children first).
SCHEMA: dict[str, str] = {
    "sections": """
        path VARCHAR, idx INTEGER, id VARCHAR, parent VARCHAR, level INTEGER, label VARCHAR,
        heading VARCHAR, kind VARCHAR, section_path VARCHAR, start INTEGER, "end" INTEGER, page INTEGER""",
    "citations": """
        path VARCHAR, idx INTEGER, text VARCHAR, doc_type VARCHAR, number VARCHAR, symbol VARCHAR,
        date VARCHAR, issuer VARCHAR, term VARCHAR, name VARCHAR, title VARCHAR, relation VARCHAR,
        target_id VARCHAR, section VARCHAR, in_footnote BOOLEAN, resolved_by VARCHAR, flags VARCHAR[],
        sentence VARCHAR, start INTEGER, "end" INTEGER, page INTEGER, extracted_target_id VARCHAR,
        extracted_resolved_by VARCHAR""",
    "deadlines": """
        path VARCHAR, idx INTEGER, text VARCHAR, kind VARCHAR, value VARCHAR, task VARCHAR, body VARCHAR,
        section VARCHAR, year_inferred BOOLEAN, assignments INTEGER[], start INTEGER, "end" INTEGER,
        page INTEGER""",
    "targets": """
        path VARCHAR, idx INTEGER, text VARCHAR, metric VARCHAR, comparator VARCHAR, value DOUBLE,
        value_max DOUBLE, unit VARCHAR, direction VARCHAR, baseline VARCHAR, section VARCHAR,
        assignments INTEGER[], start INTEGER, "end" INTEGER, page INTEGER""",
    "assignments": """
        path VARCHAR, idx INTEGER, body VARCHAR, body_canonical VARCHAR, role VARCHAR, task VARCHAR,
        section VARCHAR, start INTEGER, "end" INTEGER, page INTEGER""",
    "bodies": """
        path VARCHAR, name VARCHAR, as_printed VARCHAR, is_issuer BOOLEAN, lead INTEGER, support INTEGER,
        requested INTEGER, deadlines INTEGER""",
    "records": "path VARCHAR PRIMARY KEY, doc_id VARCHAR, record JSON",
    "documents": """
        path VARCHAR PRIMARY KEY, doc_id VARCHAR, format VARCHAR, sha256 VARCHAR, pages INTEGER,
        doc_type VARCHAR, number VARCHAR, symbol VARCHAR, issuer VARCHAR, parent_issuer VARCHAR,
        place VARCHAR, issued_date VARCHAR, title VARCHAR, effective_date VARCHAR, signer_name VARCHAR,
        signer_position VARCHAR, own_canonical_id VARCHAR, canonical_id VARCHAR, node_id VARCHAR, n_sections INTEGER,
        n_citations INTEGER, n_deadlines INTEGER, n_targets INTEGER, n_assignments INTEGER,
        n_warnings INTEGER""",
    "errors": "path VARCHAR PRIMARY KEY, stage VARCHAR, error VARCHAR, reason VARCHAR",
    "files": """
        path VARCHAR PRIMARY KEY, sha256 VARCHAR, size BIGINT, status VARCHAR, processed_at DOUBLE""",
    "nodes": """
        id VARCHAR PRIMARY KEY, kind VARCHAR, label VARCHAR, doc_type VARCHAR, number VARCHAR,
        symbol VARCHAR, symbol_key VARCHAR, date VARCHAR, issuer VARCHAR, title VARCHAR, name VARCHAR,
        level VARCHAR, in_corpus BOOLEAN, doc_ids VARCHAR[], paths VARCHAR[], times_cited INTEGER,
        mentions INTEGER, pagerank DOUBLE, tasks INTEGER""",
    "edges": """
        source VARCHAR, target VARCHAR, kind VARCHAR, key VARCHAR, relation VARCHAR, sentence VARCHAR,
        section VARCHAR, role VARCHAR, task VARCHAR, deadline VARCHAR, goal VARCHAR, mentions INTEGER,
        path VARCHAR""",
    "meta": "key VARCHAR PRIMARY KEY, value VARCHAR",
}
PART_TABLES = ("sections", "citations", "deadlines", "targets", "assignments", "bodies", "records", "documents")
GRAPH_TABLES = ("nodes", "edges")


class StoreError(RuntimeError):
    """A store that cannot be used now; the message says what to do."""


class StoreBusy(StoreError):
    """Another process holds the store."""


class StoreVersionMismatch(StoreError):
    """The store was made by a version of vbgraph with other tables."""


def connect(db: str | Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the store, creating its tables on first use; a clear error when another process holds it."""
    db = Path(db)
    if read_only and not db.exists():
        raise FileNotFoundError(f"{db}: no store here; build one with `vbgraph run DIR --db {db}`")
    try:
        con = duckdb.connect(str(db), read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise StoreBusy(f"{db} is in use by another process (a `vbgraph run` still writing?): {exc}") from exc
        raise StoreError(f"{db} cannot be opened as a store ({str(exc).splitlines()[0]})") from exc
    _no_progress_bar(con)
    # DuckDB would otherwise cache up to most of the machine's memory; past this it spills to disk.
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    if not read_only:
        for name, cols in SCHEMA.items():
            con.execute(f"CREATE TABLE IF NOT EXISTS {name} ({cols})")
        con.execute("INSERT OR IGNORE INTO meta VALUES ('store_version', ?)", [STORE_VERSION])
        version = get_meta(con, "store_version")
        if version != STORE_VERSION:
            con.close()
            raise StoreVersionMismatch(
                f"{db} was made by another version of vbgraph (store version {version}, this one reads "
                f"{STORE_VERSION}); build a new store with `vbgraph run DIR --db NEW_PATH`"
            )
        if get_meta(con, "graph_version") != GRAPH_VERSION:
            _mark_graph_stale(con)  # graph tables of another layout: the next run rebuilds them
    return con


def _no_progress_bar(con: duckdb.DuckDBPyConnection) -> None:
    """Keep DuckDB's progress bar off: it would draw over the CLI's output, and in Jupyter it needs
    ipywidgets. It is off by default, and in Jupyter without ipywidgets even switching it off fails,
    so it is only switched off when on."""
    if con.execute("SELECT current_setting('enable_progress_bar')").fetchone()[0]:
        with contextlib.suppress(duckdb.InvalidInputException):
            con.execute("SET enable_progress_bar = false")


def get_meta(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    row = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def set_meta(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])


def known_files(con: duckdb.DuckDBPyConnection, retry_errors: bool = True) -> dict[str, str]:
    """Stored path -> sha256 of the files a run may skip when unchanged.

    Files that failed are left out by default, so the next run tries them again: a
    failure often comes from the machine (Tesseract or LibreOffice missing, a file
    still being copied), not from the file.
    """
    sql = "SELECT path, sha256 FROM files" + (" WHERE status <> 'error'" if retry_errors else "")
    return dict(con.execute(sql).fetchall())


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: Sequence[Sequence[Any]], chunk: int = 500) -> None:
    """Insert many rows: a few with a multi-row VALUES statement, many through DuckDB's JSON reader.

    DuckDB binds Python parameters slowly (tens of microseconds each) and its
    `executemany` runs one statement per row; a temporary JSON-lines file read by
    `read_json` is several times faster for a batch of documents.
    """
    if not rows:
        return
    width = len(rows[0])
    if len(rows) * width > JSON_INSERT_ABOVE:
        _insert_via_json(con, table, rows)
        return
    one = "(" + ",".join("?" * width) + ")"
    for i in range(0, len(rows), chunk):
        part = rows[i : i + chunk]
        con.execute(
            f"INSERT INTO {table} VALUES " + ",".join([one] * len(part)),
            [v for row in part for v in row],
        )


_COLUMN_TYPES: dict[str, list[tuple[str, str]]] = {}


def column_types(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    if table not in _COLUMN_TYPES:
        _COLUMN_TYPES[table] = [
            (name, kind)  # a JSON column's value in a JSON line is the JSON value itself, not a string
            for name, kind in con.execute(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? "
                "ORDER BY ordinal_position",
                [table],
            ).fetchall()
        ]
    return _COLUMN_TYPES[table]


def _insert_via_json(con: duckdb.DuckDBPyConnection, table: str, rows: Sequence[Sequence[Any]]) -> None:
    _insert_lines(con, table, *encode_rows([n for n, _ in column_types(con, table)], rows))


@cache
def columns(table: str) -> tuple[str, ...]:
    """Column names of a store table, from its schema (no connection needed: workers encode rows)."""
    return tuple(c.split()[0].strip('"') for c in SCHEMA[table].split(","))


@dataclass
class Rows:
    """A document's rows for every part table, encoded by `encode_record` (in a worker) as the
    UTF-8 JSON lines `put_many` bulk-loads: bytes cross between processes as one copy, where text
    would be encoded and decoded again on the way."""

    lines: dict[str, bytes]  # table -> its rows, one JSON object a line
    longest: int  # characters of the longest line: sizes DuckDB's read buffer


def encode_rows(names: Sequence[str], rows: Sequence[Sequence[Any]]) -> tuple[bytes, int]:
    """Rows (values of the columns `names`) as UTF-8 JSON lines, with the length of the longest line in
    characters."""
    lines = [json.dumps(dict(zip(names, row, strict=True)), ensure_ascii=False) for row in rows]
    if not lines:
        return b"", 0
    return ("\n".join(lines) + "\n").encode(), max(map(len, lines))


def encode_record(path: str, record: Record, canonical_id: str | None) -> Rows:
    """The rows `record` adds to each part table, encoded for `put_many`.

    The `records` row carries the record's JSON as a JSON value, not as a string: it goes into
    the line as it is, with no escaping, and DuckDB's JSON reader takes it straight into the JSON
    column (twice as fast as binding it as a parameter; the stored JSON is the same value,
    though DuckDB may spell a number or an escape its own way).
    """
    rows = record_rows(path, record, canonical_id)
    ((_, doc_id, record_json),) = rows.pop("records")
    line = f'{{"path":{json.dumps(path, ensure_ascii=False)},"doc_id":{json.dumps(doc_id)},"record":{record_json}}}'
    lines = {"records": (line + "\n").encode()}
    longest = len(line)
    for table, table_rows in rows.items():
        lines[table], n = encode_rows(columns(table), table_rows)
        longest = max(longest, n)
    return Rows(lines, longest)


def _insert_lines(con: duckdb.DuckDBPyConnection, table: str, data: bytes, longest: int) -> None:
    """Bulk-insert UTF-8 JSON lines through DuckDB's JSON reader (binding Python values one by one
    is many times slower)."""
    if not data:
        return
    fd, tmp = tempfile.mkstemp(prefix=f"vbgraph-{table}-", suffix=".jsonl")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        read_json_into(con, table, tmp, longest)
    finally:
        os.unlink(tmp)


def read_json_into(con: duckdb.DuckDBPyConnection, table: str, file: str, longest: int = 1 << 20) -> None:
    """Insert a JSON-lines file; `longest` (characters of the longest line) sizes DuckDB's read buffer,
    which it allocates at twice the largest object allowed."""
    cols = column_types(con, table)
    spec = "{" + ", ".join(f"'{n}': '{t}'" for n, t in cols) + "}"
    select = ", ".join(f'"{n}"' for n, _ in cols)
    limit = max(1 << 20, 4 * longest + 1024)  # UTF-8: at most 4 bytes a character
    con.execute(
        f"INSERT INTO {table} SELECT {select} FROM read_json(?, format = 'newline_delimited', "
        f"columns = {spec}, maximum_object_size = {limit})",
        [file],
    )


def _delete_documents(con: duckdb.DuckDBPyConnection, paths: Sequence[str]) -> None:
    if not paths:
        return
    marks = ",".join("?" * len(paths))
    for table in (*PART_TABLES, "errors", "files"):
        con.execute(f"DELETE FROM {table} WHERE path IN ({marks})", list(paths))


def _mark_graph_stale(con: duckdb.DuckDBPyConnection) -> None:
    set_meta(con, "graph_stale", "1")


@dataclass
class Stored:
    """One document to store: its record (or its rows already encoded by a worker), or the error
    that replaced it."""

    path: str
    sha256: str
    size: int
    record: Record | None = None
    error: ErrorRecord | None = None
    canonical_id: str | None = None
    rows: Rows | None = None  # encoded by `encode_record` in a worker


def put_many(con: duckdb.DuckDBPyConnection, items: Sequence[Stored], replace: bool = True) -> None:
    """Store whole documents in one transaction, replacing what was stored for their paths.

    Grouping a few documents per transaction keeps the store consistent (only
    whole documents are ever committed) at a fraction of the cost of one commit
    per document; each table gets one bulk insert per transaction. `replace=False`
    skips the deletes when the paths are known to be new.
    """
    if not items:
        return
    chunks: dict[str, list[bytes]] = defaultdict(list)
    longest = 0
    status: list[tuple] = []
    errors: list[tuple] = []
    now = time.time()
    for it in items:
        rows = it.rows
        if rows is None and it.record is not None:
            rows = encode_record(it.path, it.record, it.canonical_id)
        if rows is not None:
            for table, data in rows.lines.items():
                chunks[table].append(data)
            longest = max(longest, rows.longest)
            status.append((it.path, it.sha256, it.size, "ok", now))
        else:
            assert it.error is not None
            e = it.error
            errors.append((it.path, e.stage, e.error, e.reason))
            status.append((it.path, it.sha256, it.size, "error", now))
    for table, table_rows in (("errors", errors), ("files", status)):
        data, n = encode_rows(columns(table), table_rows)
        chunks[table].append(data)
        longest = max(longest, n)
    con.execute("BEGIN TRANSACTION")
    try:
        if replace:
            _delete_documents(con, [it.path for it in items])
        for table in (*PART_TABLES, "errors", "files"):
            _insert_lines(con, table, b"".join(chunks.get(table, ())), longest)
        _mark_graph_stale(con)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def put_record(
    con: duckdb.DuckDBPyConnection, path: str, record: Record, sha256: str, size: int, canonical_id: str | None
) -> None:
    """Replace everything stored for `path` with `record`, in one transaction."""
    put_many(con, [Stored(path, sha256, size, record=record, canonical_id=canonical_id)])


def put_error(con: duckdb.DuckDBPyConnection, path: str, error: ErrorRecord, sha256: str, size: int) -> None:
    """Replace everything stored for `path` with an error entry, in one transaction."""
    put_many(con, [Stored(path, sha256, size, error=error)])


@contextlib.contextmanager
def checkpoint_alongside(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Fold what the write-ahead log holds into the database file on another thread while the body runs.

    A run's last documents are usually still in the log when the graph is built.
    Folding them in (a DuckDB checkpoint) takes a tenth of a second or more, and
    would otherwise happen at a commit with the rest of the run waiting. DuckDB
    lets a checkpoint run beside open transactions, holding commits until it ends,
    so the graph build goes on meanwhile on the other core. A checkpoint that cannot
    run now is left to DuckDB's next one (at a later commit or on closing).
    """
    cursor = con.cursor()

    def checkpoint() -> None:
        with contextlib.suppress(duckdb.Error):
            cursor.execute("CHECKPOINT")

    worker = threading.Thread(target=checkpoint, name="vbgraph-checkpoint", daemon=True)
    worker.start()
    try:
        yield
    finally:
        worker.join()
        cursor.close()


def remove(con: duckdb.DuckDBPyConnection, paths: Iterable[str]) -> int:
    """Forget documents whose files are gone; one transaction each."""
    n = 0
    for path in paths:
        con.execute("BEGIN TRANSACTION")
        try:
            _delete_documents(con, [path])
            _mark_graph_stale(con)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        n += 1
    return n


def load_records(con: duckdb.DuckDBPyConnection, parts: Sequence[str] | None = None) -> list[tuple[str, Record]]:
    """Every stored record with its path, in full or (`parts`) with only those lists and the metadata.

    Corpus-level passes need the citations and headers, not the texts: loading
    only those parts is many times faster on a large store.
    """
    if parts is None:
        return [
            (path, Record.model_validate_json(js))
            for path, js in con.execute("SELECT path, record FROM records ORDER BY path").fetchall()
        ]
    fields = ["doc_id", "source", "metadata", *parts]
    select = ", ".join(f"'{f}', record->'{f}'" for f in fields)
    rows = con.execute(f"SELECT path, json_object({select}) FROM records ORDER BY path").fetchall()
    out = []
    for path, js in rows:
        data = json.loads(js)
        data["text"] = ""
        out.append((path, Record.model_validate(data)))
    return out


# ---------------------------------------------------------------- rows of one record

_SENTENCE_END = re.compile(r"[.;!?](?=\s)|\n")


def citing_sentence(text: str, start: int, end: int, limit: int = 400) -> str:
    """The sentence (or line) around a mention, cut to `limit` characters around it."""
    lo = max(0, start - limit)
    before = [m.end() for m in _SENTENCE_END.finditer(text, lo, start)]
    s = before[-1] if before else lo
    if not before and lo > 0:  # cut inside a long sentence: start at a word
        s = text.find(" ", lo, start) + 1 or lo
    after = _SENTENCE_END.search(text, end, min(len(text), end + limit))
    e = after.end() if after else min(len(text), end + limit)
    if not after and e < len(text):
        e = text.rfind(" ", end, e) if text.rfind(" ", end, e) > end else e
    return re.sub(r"\s+", " ", text[s:e]).strip()


def body_rows(path: str, record: Record) -> list[tuple]:
    """One row per body named in the record: its issuer and every body given a task."""
    stats: dict[str, dict[str, Any]] = {}

    def entry(name: str, printed: str) -> dict[str, Any]:
        return stats.setdefault(
            name, {"printed": printed, "issuer": False, "lead": 0, "support": 0, "requested": 0, "deadlines": 0}
        )

    if record.metadata.issuer:
        entry(record.metadata.issuer, record.metadata.issuer)["issuer"] = True
    for a in record.assignments:
        entry(body_name(a.body_canonical, a.body), a.body)[a.role] += 1
    for d in record.deadlines:
        for i in d.assignments:
            if 0 <= i < len(record.assignments):
                a = record.assignments[i]
                entry(body_name(a.body_canonical, a.body), a.body)["deadlines"] += 1
    return [
        (path, name, s["printed"], s["issuer"], s["lead"], s["support"], s["requested"], s["deadlines"])
        for name, s in stats.items()
    ]


def body_name(canonical: str | None, printed: str) -> str:
    """The name a body node goes by: the canonical form when known, else as printed, spaces tidied."""
    return re.sub(r"\s+", " ", canonical or printed).strip()


def record_rows(path: str, record: Record, canonical_id: str | None) -> dict[str, list[tuple]]:
    """The rows `record` adds to each part table."""
    m = record.metadata
    node_id = canonical_id or f"doc:{record.doc_id}"
    return {
        "records": [(path, record.doc_id, record.model_dump_json())],
        "documents": [
            (
                path, record.doc_id, record.source.format, record.source.sha256, record.source.pages,
                m.doc_type, m.number, m.symbol, m.issuer, m.parent_issuer, m.place, m.issued_date, m.title,
                m.effective_date, m.signer.name if m.signer else None, m.signer.position if m.signer else None,
                m.canonical_id, canonical_id, node_id, len(record.sections), len(record.citations), len(record.deadlines),
                len(record.targets), len(record.assignments), len(record.warnings),
            )
        ],
        "sections": [
            (path, i, s.id, s.parent, s.level, s.label, s.heading, s.kind, s.path, s.start, s.end, s.page)
            for i, s in enumerate(record.sections)
        ],
        "citations": [
            (
                path, i, c.text, c.doc_type, c.number, c.symbol, c.date, c.issuer, c.term, c.name, c.title,
                c.relation, c.target_id, c.section, c.in_footnote, c.resolved_by, c.flags,
                citing_sentence(record.text, c.start, c.end), c.start, c.end, c.page, c.target_id, c.resolved_by,
            )
            for i, c in enumerate(record.citations)
        ],
        "deadlines": [
            (
                path, i, d.text, d.kind, d.value, d.task, d.body, d.section, d.year_inferred, d.assignments,
                d.start, d.end, d.page,
            )
            for i, d in enumerate(record.deadlines)
        ],
        "targets": [
            (
                path, i, t.text, t.metric, t.comparator, t.value, t.value_max, t.unit, t.direction, t.baseline,
                t.section, t.assignments, t.start, t.end, t.page,
            )
            for i, t in enumerate(record.targets)
        ],
        "assignments": [
            (path, i, a.body, a.body_canonical, a.role, a.task, a.section, a.start, a.end, a.page)
            for i, a in enumerate(record.assignments)
        ],
        "bodies": body_rows(path, record),
    }


# ---------------------------------------------------------------- lock file


class StoreLock:
    """A `<db>.lock` file naming the pid of the run writing the store.

    DuckDB itself refuses a second writer, but only once the file is open; the
    lock lets a second `vbgraph run` say who holds the store, wait for it, and
    take over a lock left by a process that died (kill -9).
    """

    def __init__(self, db: str | Path) -> None:
        self.path = Path(f"{db}.lock")
        self.held = False

    def owner(self) -> int | None:
        try:
            return int(json.loads(self.path.read_text())["pid"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def acquire(self, wait: float = 0.0, poll: float = 0.2) -> None:
        """Take the lock, waiting up to `wait` seconds; raises StoreBusy naming the owner."""
        deadline = time.monotonic() + wait
        while True:
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                pid = self.owner()
                if pid is None and self._age() < 2.0:
                    pass  # being written right now by its owner
                elif pid is None or not pid_alive(pid):
                    self.path.unlink(missing_ok=True)  # stale: its owner is gone
                    continue
                if time.monotonic() >= deadline:
                    raise StoreBusy(
                        f"another vbgraph run (pid {pid}) is writing this store; wait for it to finish "
                        f"(or use --wait). Lock file: {self.path}"
                    ) from None
                time.sleep(poll)
                continue
            with os.fdopen(fd, "w") as f:
                json.dump({"pid": os.getpid(), "started": time.time()}, f)
            self.held = True
            return

    def _age(self) -> float:
        try:
            return time.time() - self.path.stat().st_mtime
        except OSError:
            return 0.0

    def release(self) -> None:
        if self.held and self.owner() == os.getpid():
            self.path.unlink(missing_ok=True)
        self.held = False

    def __enter__(self) -> StoreLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def pid_alive(pid: int) -> bool:
    """Whether a process with this pid exists (zombies count as dead)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True
