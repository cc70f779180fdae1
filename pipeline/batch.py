"""Run extraction over many files: per-file errors, worker processes, atomic writes.

A file that fails becomes an error entry naming the file, the stage and the
reason; the others still run. Outputs are written to a temporary file and
renamed, so an interrupted run never leaves a half-written record.
"""

from __future__ import annotations

import gc
import json
import os
import queue
import tempfile
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

from models.record import ErrorRecord, Record
from pipeline.extract import StageError, extract_bytes, extract_file
from pipeline.ingest import SUPPORTED_SUFFIXES, IngestError

T = TypeVar("T")


@dataclass
class Outcome:
    """The result of one file: a record or an error."""

    path: str
    record: Record | None = None
    error: ErrorRecord | None = None


def discover(paths: Iterable[str | Path]) -> list[tuple[Path, Path]]:
    """Input files under `paths`, each with its output name relative to the output folder.

    A file named directly maps to `<stem>`; files found under a folder keep
    their sub-folder (`pdf/x.pdf` -> `pdf/x`), so same-named inputs never collide.
    """
    found: list[tuple[Path, Path]] = []
    for p in map(Path, paths):
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES and not _hidden(f.relative_to(p)):
                    found.append((f, f.relative_to(p).with_suffix("")))
        else:
            found.append((p, Path(p.stem)))
    seen: dict[Path, int] = {}
    out = []
    for f, rel in found:
        n = seen.get(rel, 0)
        seen[rel] = n + 1
        out.append((f, rel if n == 0 else rel.with_name(f"{rel.name}.{f.suffix.lstrip('.') or n}")))
    return out


def _hidden(rel: Path) -> bool:
    return any(part.startswith(".") for part in rel.parts)


def process(path: str) -> Outcome:
    """Extract one file, turning every failure into an error entry."""
    try:
        return Outcome(path, record=extract_file(path))
    except IngestError as exc:
        return Outcome(path, error=ErrorRecord(path=path, stage=exc.stage, error=exc.error, reason=exc.reason))
    except StageError as exc:
        reason = f"{type(exc.exc).__name__}: {exc.exc}"
        tb = "".join(traceback.format_exception_only(type(exc.exc), exc.exc)).strip()
        return Outcome(path, error=ErrorRecord(path=path, stage=exc.stage, error="internal_error", reason=reason or tb))
    except Exception as exc:  # a bug outside any stage: still one error, never a dead batch
        return Outcome(path, error=ErrorRecord(path=path, stage="extract", error="internal_error", reason=f"{type(exc).__name__}: {exc}"))


# A short plan that takes every lazily loaded path of the pipeline: an old-style tone
# syllable (the tone normalizer), a count with its unit (the word segmenter), a
# citation, a deadline and an assignment.
_WARM_UP_TEXT = """ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH
Số: 1/KH-UBND
Hoà Bình, ngày 2 tháng 3 năm 2024

KẾ HOẠCH
Thực hiện Chỉ thị số 48-CT/TW ngày 22/10/2010 của Bộ Chính trị

I. MỤC TIÊU
1. Phấn đấu đến năm 2025 có 100% số xã đạt chuẩn.
II. TỔ CHỨC THỰC HIỆN
1. Công an tỉnh chủ trì, phối hợp với Sở Y tế báo cáo trước ngày 15/12/2024.
"""


def warm_up() -> None:
    """Load what the first document of a process would load (the word segmenter, the tone
    normalizer, compiled patterns), once, before worker processes are forked from this one:
    they inherit it instead of each paying for it."""
    extract_bytes(_WARM_UP_TEXT.encode(), "warm-up.txt")


def _process_job(path: str) -> tuple[str, str | None, str | None]:
    """Worker entry point: JSON strings travel between processes cheaply."""
    o = process(path)
    return (
        o.path,
        o.record.model_dump_json() if o.record else None,
        o.error.model_dump_json() if o.error else None,
    )


@contextmanager
def frozen_heap() -> Iterator[None]:
    """For the length of a run, what this process holds at its start (modules, compiled patterns, the
    word segmenter's model) is moved out of the garbage collector's sight (`gc.freeze`): collections
    stop walking it again and again (a few percent of extraction time), and workers forked from this
    process do not copy the pages such a walk would touch. It is handed back at the end."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


TASK_SIZE = 8  # documents per task at most: fewer, larger messages between processes
# Tasks in flight per worker: enough to keep it busy while the consumer is away (the store's writer
# commits a group of documents in a few tenths of a second; two a worker left workers idle for 5% of
# a run), few enough to keep memory flat.
TASKS_PER_WORKER = 4
# Tasks out at once (running, or finished and waiting for the consumer) per task in flight: a bound
# on the results held in memory while the consumer is busy.
OUT_PER_IN_FLIGHT = 4


def run_task(fn: Callable[..., T], task: list[tuple]) -> list[T]:
    """A worker's unit of work: `fn` over a few argument tuples."""
    return [fn(*args) for args in task]


def task_size(left: int, workers: int) -> int:
    """Arguments for the next task, with `left` still to send: `TASK_SIZE`, fewer as the end nears
    (and for small inputs), so that workers finish together rather than one working through a full
    task while the others wait."""
    return max(1, min(TASK_SIZE, left // (workers * 4)))


def tasks(args: list[tuple], workers: int) -> Iterator[list[tuple]]:
    """`args` cut into tasks of `task_size` arguments, in order."""
    left = len(args)
    queue = iter(args)
    while left:
        task = list(islice(queue, task_size(left, workers)))
        left -= len(task)
        yield task


def completed(submit: Callable[[list[tuple]], Any], todo: list[list[tuple]], in_flight: int) -> Iterator[Any]:
    """The futures of `submit(task)` for every task of `todo`, in the order they finish.

    Tasks are submitted by a thread of their own as soon as fewer than
    `in_flight` are running, so workers go on while the consumer is busy (the
    store's writer committing a group of documents, which near the end of a run
    takes as long as a few small tasks). At most four times `in_flight` tasks
    are out at once, running or finished and waiting for the consumer, so
    memory stays flat. `submit` returns a future with `add_done_callback` and
    `result` (a local pool's or Dask's).
    """
    finished: queue.SimpleQueue[Any] = queue.SimpleQueue()
    room = threading.Semaphore(in_flight)  # tasks running or queued in the pool
    out = threading.Semaphore(OUT_PER_IN_FLIGHT * in_flight)  # tasks not yet handed to the consumer
    stop = threading.Event()

    def on_done(fut: Any) -> None:  # runs on the pool's own thread: only quick steps that never wait
        room.release()
        finished.put(fut)

    def submit_next(task: list[tuple]) -> None:
        room.acquire()
        out.acquire()
        if not stop.is_set():
            submit(task).add_done_callback(on_done)

    def feed() -> None:
        try:
            for task in todo[1:]:
                submit_next(task)
        except BaseException as exc:  # a broken pool refuses tasks: the consumer raises it
            finished.put(exc)

    if not todo:
        return
    # The first task from this thread: a local pool forks its workers at its first task, and a fork is
    # safest with no other thread running.
    submit_next(todo[0])
    feeder = threading.Thread(target=feed, name="vbgraph-feeder", daemon=True)
    feeder.start()
    try:
        for _ in todo:
            item = finished.get()
            if isinstance(item, BaseException):
                raise item
            out.release()
            yield item
    finally:
        stop.set()
        room.release(len(todo))  # a feeder waiting anywhere wakes, sees `stop` and ends
        out.release(len(todo))
        feeder.join()


def parallel_map(fn: Callable[..., T], args: list[tuple], jobs: int) -> Iterator[T]:
    """`fn(*a)` for each `a` of `args` in `jobs` worker processes, in completion order.

    Arguments go to workers several to a task: a document's result is large (its record and rows),
    and one message each costs both sides more than the size alone (measured: 8 a task saves a
    tenth of the run on two cores), fewer toward the end (`task_size`). At most
    `TASKS_PER_WORKER` tasks per worker are in the pool at a time (`completed`), so memory stays
    flat however many documents there are. `fn` must be importable by name (workers unpickle it).
    """
    with frozen_heap(), ProcessPoolExecutor(max_workers=jobs) as pool:
        todo = list(tasks(args, jobs))
        for fut in completed(lambda task: pool.submit(run_task, fn, task), todo, jobs * TASKS_PER_WORKER):
            yield from fut.result()


def local_map(fn: Callable[..., T], args: list[tuple], jobs: int) -> Iterator[T]:
    """`fn(*a)` for each `a` of `args`: in this process (`jobs` <= 1, or a single argument), else in
    `jobs` worker processes (`parallel_map`), in completion order. The extractors are loaded first
    (`warm_up`), unless there is nothing to do (most of a second saved for an up-to-date store)."""
    if not args:
        return
    warm_up()
    if jobs <= 1 or len(args) <= 1:
        with frozen_heap():
            for a in args:
                yield fn(*a)
        return
    yield from parallel_map(fn, args, jobs)


def run(paths: list[str], jobs: int = 1) -> Iterator[Outcome]:
    """Outcomes for `paths` in completion order, with `jobs` worker processes."""
    args = [(p,) for p in paths]
    if jobs <= 1 or len(paths) <= 1:
        yield from local_map(process, args, 1)
        return
    for path, rec, err in local_map(_process_job, args, jobs):
        yield Outcome(
            path,
            record=Record.model_validate_json(rec) if rec else None,
            error=ErrorRecord.model_validate_json(err) if err else None,
        )


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_outcome(outcome: Outcome, out_dir: Path, rel: Path) -> Path:
    """Write a record as `<rel>.json` or an error as `<rel>.error.json`, removing the stale other."""
    ok_path = out_dir / rel.parent / f"{rel.name}.json"
    err_path = out_dir / rel.parent / f"{rel.name}.error.json"
    if outcome.record is not None:
        write_atomic(ok_path, outcome.record.model_dump_json(indent=1) + "\n")
        err_path.unlink(missing_ok=True)
        return ok_path
    assert outcome.error is not None
    write_atomic(err_path, json.dumps(outcome.error.model_dump(), ensure_ascii=False, indent=1) + "\n")
    ok_path.unlink(missing_ok=True)
    return err_path


def extract_to_dir(
    inputs: list[tuple[Path, Path]],
    out_dir: Path,
    jobs: int = 1,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Extract every input into `out_dir`; returns the outcomes (records and errors)."""
    rel_of = {str(f): rel for f, rel in inputs}
    outcomes = []
    for outcome in run([str(f) for f, _ in inputs], jobs=jobs):
        write_outcome(outcome, out_dir, rel_of[outcome.path])
        outcomes.append(outcome)
        if on_outcome:
            on_outcome(outcome)
    return outcomes
