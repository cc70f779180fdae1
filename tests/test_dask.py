"""`vbgraph run --executor dask`: documents extracted on Dask workers, one writer, the same store as a local run."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline import store
from pipeline.executors import DaskExecutor, executor
from pipeline.runner import run_corpus

pytest.importorskip("distributed")

# Every stored table, with the columns that legitimately differ between two runs left out.
VOLATILE = {"files": ("processed_at",)}


@pytest.fixture
def folder(docs, corpus_texts) -> Path:
    """Three directives (one in a sub-folder), a text and its PDF rendering, and a file that cannot be read."""
    f = docs
    pdf = Path(corpus_texts[0]).parent / "pdf" / f"{corpus_texts[0].stem}.pdf"
    if pdf.exists():
        shutil.copy(pdf, f / pdf.name)
    (f / "broken.pdf").write_bytes(b"%PDF-1.4 not really a pdf")
    return f


def table_rows(db: Path) -> dict[str, list[tuple]]:
    con = store.connect(db, read_only=True)
    try:
        out = {}
        for table in (*store.PART_TABLES, "errors", "files", *store.GRAPH_TABLES):
            cols = [c for c in store.columns(table) if c not in VOLATILE.get(table, ())]
            select = ", ".join(f'"{c}"' for c in cols)
            out[table] = con.execute(f"SELECT {select} FROM {table} ORDER BY ALL").fetchall()
        return out
    finally:
        con.close()


def test_dask_run_stores_what_a_local_run_stores(folder, tmp_path):
    local, dask = tmp_path / "local.duckdb", tmp_path / "dask.duckdb"
    a = run_corpus(folder, local, jobs=1)
    b = run_corpus(folder, dask, executor=DaskExecutor(jobs=2, processes=True))
    assert b.failed == a.failed == 1  # the broken file is an error entry, the others are stored
    assert b.processed == a.processed >= 3
    rows_a, rows_b = table_rows(local), table_rows(dask)
    for table, rows in rows_a.items():
        assert rows_b[table] == rows, table
    assert rows_a["documents"] and rows_a["nodes"] and rows_a["edges"]
    # a second run skips every stored document; only the broken file is tried again
    again = run_corpus(folder, dask, executor=DaskExecutor(jobs=2, processes=True))
    assert again.unchanged == a.files - a.failed and again.processed == 0 and again.failed == 1


def test_executor_names():
    assert isinstance(executor("dask", 2, "tcp://127.0.0.1:8786"), DaskExecutor)
    with pytest.raises(ValueError):
        executor("spark")
