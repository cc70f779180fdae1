"""`vbgraph run`: bring the store up to date with a folder of documents.

Documents are extracted by an executor (this process, local worker processes
or Dask workers: `pipeline.executors`), which hands back store rows; this
process is the one writer.

Only new and changed files (by sha256) are extracted; files gone from the
folder are removed; documents are committed as they come (whole documents
only, grouped when they come fast), so an interrupted run loses at most the
last two seconds of work and the next run completes it. The
graph tables are rebuilt at the end from the part tables, and again on the
next run if this one did not get that far.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from models.graph import RunSummary
from models.record import ErrorRecord
from pipeline import graph, store
from pipeline.batch import discover
from pipeline.executors import Executor, LocalExecutor, Prepared

MAX_GROUP = 256  # documents per transaction at most: each bulk insert has a fixed cost, so fewer, larger ones
TAIL = 64  # the last documents of a run are committed in small groups as they come, while workers finish
TAIL_GROUP = 16


class RunError(RuntimeError):
    """A run that stopped part-way; what was committed stays and the next run completes it."""


@dataclass
class Plan:
    """What a run has to do: files to extract (path key -> file, sha256, size), and keys to remove."""

    todo: dict[str, tuple[Path, str, int]]
    unchanged: int
    removed: list[str]


def file_key(root: Path, f: Path) -> str:
    """The stored path of a file: relative to the corpus folder, with its suffix (text and PDF differ)."""
    return f.relative_to(root).as_posix() if root.is_dir() else f.name


def sha256_of(f: Path) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with open(f, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def plan(root: Path, known: dict[str, str], force: bool = False, skippable: dict[str, str] | None = None) -> Plan:
    """Compare the folder with what the store holds (`known`); only files in `skippable`
    (default: all known) are skipped when unchanged."""
    skippable = known if skippable is None else skippable
    todo: dict[str, tuple[Path, str, int]] = {}
    unchanged = 0
    present = set()
    for f, _ in discover([root]):
        key = file_key(root, f)
        present.add(key)
        try:
            sha, size = sha256_of(f)
        except OSError:
            sha, size = "", 0  # unreadable: extraction will record why
        if not force and sha and skippable.get(key) == sha:
            unchanged += 1
        else:
            todo[key] = (f, sha, size)
    # A single file adds to the store; a folder is mirrored (files gone from it are removed).
    removed = sorted(set(known) - present) if root.is_dir() else []
    return Plan(todo, unchanged, removed)


def run_corpus(
    root: str | Path,
    db: str | Path = store.DEFAULT_DB,
    jobs: int = 1,
    force: bool = False,
    wait: float = 0.0,
    on_plan: Callable[[Plan], None] | None = None,
    on_outcome: Callable[[Prepared], None] | None = None,
    commit_every: float = 2.0,
    rebuild_graph: bool = False,
    executor: Executor | None = None,
) -> RunSummary:
    """Process every supported file under `root` into the store at `db`; returns a summary.

    Documents are extracted by `executor` (default: `jobs` local worker processes)
    and committed by this process as they arrive, grouped when they arrive faster
    than one per `commit_every` seconds (0: one transaction per document);
    `on_outcome` is called once a document is committed. The graph is rebuilt when
    anything changed, when an earlier run stopped before doing it, or on `rebuild_graph`.
    """
    t0 = time.perf_counter()
    root = Path(root)
    if not root.exists():
        raise FileNotFoundError(f"{root}: no such file or folder")
    lock = store.StoreLock(db)
    lock.acquire(wait=wait)
    try:
        con = store.connect(db)
        try:
            summary = _run(
                con, root, executor or LocalExecutor(jobs), force, on_plan, on_outcome, commit_every, rebuild_graph
            )
        finally:
            con.close()
    finally:
        lock.release()
    summary.db = str(db)
    summary.seconds = round(time.perf_counter() - t0, 3)
    return summary


def _run(
    con, root: Path, executor: Executor, force: bool, on_plan, on_outcome, commit_every: float, rebuild_graph: bool
) -> RunSummary:
    # every stored file counts for removal; files that failed are tried again
    known = store.known_files(con, retry_errors=False)
    p = plan(root, known, force, skippable=store.known_files(con))
    if on_plan:
        on_plan(p)
    summary = RunSummary(db="", files=len(p.todo) + p.unchanged, unchanged=p.unchanged)
    summary.removed = store.remove(con, p.removed)
    by_path = {str(f): key for key, (f, _, _) in p.todo.items()}
    pending: list[tuple[store.Stored, Prepared]] = []
    last_commit = time.monotonic()

    def flush() -> None:
        nonlocal last_commit
        items = [it for it, _ in pending]
        store.put_many(con, items, replace=any(it.path in known for it in items))
        for it, outcome in pending:
            if it.rows is not None:
                summary.processed += 1
            else:
                summary.failed += 1
            if on_outcome:
                on_outcome(outcome)
        pending.clear()
        last_commit = time.monotonic()

    # While documents stream in, the store's inserts are small and many: DuckDB's own threads would only
    # contend with the extracting workers for the cores. The graph build after them gets them back.
    con.execute("SET threads = 1")
    remaining = len(by_path)
    try:
        for outcome in executor.map(list(by_path.items())):
            remaining -= 1
            key = by_path[outcome.path]
            _, sha, size = p.todo[key]
            error = ErrorRecord.model_validate_json(outcome.error) if outcome.error else None
            stored = store.Stored(key, sha, size, error=error, canonical_id=outcome.canonical_id, rows=outcome.rows)
            pending.append((stored, outcome))
            if (
                len(pending) >= MAX_GROUP
                or time.monotonic() - last_commit >= commit_every
                or (remaining < TAIL and len(pending) >= TAIL_GROUP)  # else the last group is written alone
            ):
                flush()
        if pending:
            flush()
    except BrokenProcessPool as exc:
        if pending:
            flush()
        raise RunError(
            f"a worker process died after {summary.processed + summary.failed} documents were stored; "
            "run again to complete the store"
        ) from exc
    con.execute("RESET threads")
    stale = store.get_meta(con, "graph_stale") != "0"
    if rebuild_graph or stale or not con.execute("SELECT count(*) FROM nodes").fetchone()[0]:
        with store.checkpoint_alongside(con):
            graph.rebuild(con)
        summary.graph_rebuilt = True
    return fill_counts(con, summary)


def fill_counts(con, summary: RunSummary) -> RunSummary:
    """What the store holds now. Parts are counted on each node's representative record, so a text
    and its PDF rendering count once."""
    reps = "(SELECT paths[1] FROM nodes WHERE in_corpus)"
    one = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
    summary.records = one("SELECT count(*) FROM documents")
    summary.documents = one("SELECT count(DISTINCT node_id) FROM documents")
    summary.errors = one("SELECT count(*) FROM errors")
    summary.citations = one(f"SELECT count(*) FROM citations WHERE path IN {reps}")
    summary.cited_documents = one("SELECT count(DISTINCT target) FROM edges WHERE kind = 'cites'")
    summary.bodies = one("SELECT count(*) FROM nodes WHERE kind = 'body'")
    summary.deadlines = one(f"SELECT count(*) FROM deadlines WHERE path IN {reps}")
    summary.targets = one(f"SELECT count(*) FROM targets WHERE path IN {reps}")
    summary.nodes = one("SELECT count(*) FROM nodes")
    summary.edges = one("SELECT count(*) FROM edges")
    return summary
