"""Where documents are extracted: in this process, in local worker processes, or on a Dask cluster.

Workers do everything that depends on one document only: extraction, the
document's canonical id and its rows for every part table, already encoded for
bulk loading. The one writer (the process holding the store) then only appends
them to the store, so it stays a small share of the work however many
workers feed it. Every executor keeps a bounded number of documents in flight,
so memory does not grow with the corpus.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from pipeline import batch, graph, store


@dataclass
class Prepared:
    """One document ready to store: its part-table rows, encoded, or the error that replaced it."""

    path: str
    rows: store.Rows | None = None
    error: str | None = None  # ErrorRecord JSON
    canonical_id: str | None = None


def prepare(path: str, key: str | None = None) -> Prepared:
    """Extract the file at `path` and turn it into store rows under `key` (the stored path, by default
    `path`); failures stay an error entry for this file."""
    outcome = batch.process(path)  # looked up on the module so a replaced `process` is used
    if outcome.record is None:
        assert outcome.error is not None
        return Prepared(path, error=outcome.error.model_dump_json())
    cid = graph.canonical_id_of(outcome.record.metadata)
    return Prepared(path, rows=store.encode_record(key or path, outcome.record, cid), canonical_id=cid)


class Executor(Protocol):
    def map(self, jobs: list[tuple[str, str]]) -> Iterator[Prepared]:
        """Prepared documents for (file, stored key) pairs, in completion order."""
        ...


class LocalExecutor:
    """This process (`jobs` <= 1) or a pool of `jobs` worker processes on this machine."""

    def __init__(self, jobs: int = 1) -> None:
        self.jobs = jobs

    def map(self, jobs: list[tuple[str, str]]) -> Iterator[Prepared]:
        return batch.local_map(prepare, jobs, self.jobs)


class DaskExecutor:
    """Workers of a Dask distributed cluster: the scheduler at `scheduler`, or a LocalCluster of `jobs`
    single-threaded worker processes when no address is given.

    Input files must be readable by every worker at the same path; results come
    back to this process, the only one that writes the store.
    """

    def __init__(self, scheduler: str | None = None, jobs: int = 1, processes: bool = True) -> None:
        self.scheduler = scheduler
        self.jobs = max(1, jobs)
        self.processes = processes

    def _client(self) -> tuple[Any, Any]:
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:
            raise RuntimeError('the Dask executor needs dask distributed: pip install "vbgraph[cluster]"') from exc
        if self.scheduler:
            return Client(self.scheduler), None
        cluster = LocalCluster(
            n_workers=self.jobs, threads_per_worker=1, processes=self.processes, dashboard_address=None,
            host="127.0.0.1",
        )
        return Client(cluster), cluster

    def map(self, jobs: list[tuple[str, str]]) -> Iterator[Prepared]:
        if not jobs:
            return
        client, cluster = self._client()
        try:
            slots = max(1, sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values()))
            todo = list(batch.tasks(jobs, slots))

            def submit(task: list[tuple]) -> Any:
                return client.submit(batch.run_task, prepare, task, pure=False)

            for fut in batch.completed(submit, todo, slots * batch.TASKS_PER_WORKER):
                yield from fut.result()  # a task that raised (it never should: errors are per document) stops here
                fut.release()
        finally:
            client.close()
            if cluster is not None:
                cluster.close()


def executor(kind: str = "local", jobs: int = 1, scheduler: str | None = None) -> Executor:
    """The executor named on the command line: `local` (worker processes) or `dask`."""
    if kind == "local":
        return LocalExecutor(jobs)
    if kind == "dask":
        return DaskExecutor(scheduler, jobs)
    raise ValueError(f"unknown executor {kind!r}; one of local, dask")


