"""The store: one transaction per document, replace and remove, the lock file."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from graph_fixtures import corpus_records, no_resolver, record  # noqa: F401

from models.record import ErrorRecord
from pipeline import store

pytestmark = pytest.mark.usefixtures("no_resolver")


@pytest.fixture
def con(tmp_path):
    c = store.connect(tmp_path / "s.duckdb")
    yield c
    c.close()


def counts(con) -> dict[str, int]:
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in (*store.PART_TABLES, "errors", "files")}


def test_put_record_writes_every_part(con):
    path, r = corpus_records()[0]
    store.put_record(con, path, r, "abc", 10, "id-1")
    c = counts(con)
    assert c["documents"] == c["records"] == c["files"] == 1
    assert c["citations"] == len(r.citations) == 2
    assert c["assignments"] == 3 and c["deadlines"] == 1 and c["targets"] == 1
    assert c["bodies"] == 3  # the issuer and two bodies given tasks
    doc = con.execute("SELECT doc_id, symbol, canonical_id, node_id FROM documents").fetchone()
    assert doc == ("kh-162", "162/KH-BCĐ", "id-1", "id-1")
    stored = store.load_records(con)[0][1]
    assert stored == r  # the full record is kept


def test_node_id_falls_back_to_doc_id(con):
    r = record("x-1", [])
    store.put_record(con, "x-1.txt", r, "s", 1, None)
    assert con.execute("SELECT node_id FROM documents").fetchone()[0] == "doc:x-1"


def test_put_again_replaces_rows(con):
    path, r = corpus_records()[0]
    store.put_record(con, path, r, "a", 1, None)
    store.put_record(con, path, r.model_copy(update={"citations": r.citations[:1]}), "b", 1, None)
    assert counts(con)["citations"] == 1
    assert store.known_files(con) == {path: "b"}


def test_error_replaces_record_and_remove_forgets(con):
    path, r = corpus_records()[0]
    store.put_record(con, path, r, "a", 1, None)
    err = ErrorRecord(path=path, stage="ingest", error="undecodable_text", reason="not text")
    store.put_error(con, path, err, "b", 1)
    c = counts(con)
    assert c["documents"] == 0 and c["citations"] == 0 and c["errors"] == 1 and c["files"] == 1
    assert store.remove(con, [path]) == 1
    assert all(v == 0 for v in counts(con).values())


def test_failed_insert_rolls_back_whole_document(con, monkeypatch):
    path, r = corpus_records()[0]
    store.put_record(con, path, r, "a", 1, None)
    real = store._insert_lines

    def broken(c, table, data, longest):
        if table == "targets":
            raise RuntimeError("disk full")
        real(c, table, data, longest)

    monkeypatch.setattr(store, "_insert_lines", broken)
    with pytest.raises(RuntimeError):
        store.put_record(con, path, r.model_copy(update={"citations": []}), "b", 1, None)
    assert counts(con)["citations"] == 2  # the old version is intact
    assert store.known_files(con) == {path: "a"}


def test_citing_sentence():
    text = "Mở đầu. Căn cứ Chỉ thị số 48-CT/TW ngày 22/10/2010; tiếp theo.\nDòng khác"
    s = text.index("Chỉ thị")
    assert store.citing_sentence(text, s, s + 20) == "Căn cứ Chỉ thị số 48-CT/TW ngày 22/10/2010;"
    assert store.citing_sentence("Chỉ thị 48", 0, 7) == "Chỉ thị 48"


def test_body_rows_count_roles_and_deadlines():
    r = corpus_records()[0][1]
    rows = {row[1]: row for row in store.body_rows("p", r)}
    assert rows["Ban Chỉ đạo 138 tỉnh Đắk Nông"][3] is True  # issuer
    assert rows["Công an tỉnh Đắk Nông"][4:8] == (1, 1, 0, 1)  # lead, support, requested, deadlines
    assert rows["Sở Tư pháp"][2] == "Sở Tư pháp"


def test_lock_refuses_second_owner_and_names_it(tmp_path):
    db = tmp_path / "s.duckdb"
    first = store.StoreLock(db)
    first.acquire()
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        first.path.write_text(f'{{"pid": {holder.pid}}}')  # held by a live process
        with pytest.raises(store.StoreBusy, match=f"pid {holder.pid}"):
            store.StoreLock(db).acquire(wait=0.3, poll=0.05)
    finally:
        holder.kill()
        holder.wait()
    second = store.StoreLock(db)
    second.acquire()  # the holder died: its lock is stale and taken over
    assert second.owner() == os.getpid()
    second.release()
    assert not second.path.exists()


def test_pid_alive():
    assert store.pid_alive(os.getpid())
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    assert not store.pid_alive(p.pid)


def test_bulk_insert_path_stores_the_same_rows(tmp_path, monkeypatch):
    """Large batches go through DuckDB's JSON reader: lists, None, booleans, floats and JSON must survive."""
    items = [store.Stored(path, r.source.sha256, 1, record=r) for path, r in corpus_records()]

    def dump(db) -> dict[str, list]:
        c = store.connect(db)
        out = {t: sorted(map(repr, c.execute(f"SELECT * EXCLUDE (processed_at) FROM {t}" if t == "files"
                                               else f"SELECT * FROM {t}").fetchall()))
               for t in (*store.PART_TABLES, "files")}
        out["loaded"] = [r for _, r in store.load_records(c)]
        c.close()
        return out

    small = store.connect(tmp_path / "small.duckdb")
    store.put_many(small, items)
    small.close()
    monkeypatch.setattr(store, "JSON_INSERT_ABOVE", 0)
    bulk = store.connect(tmp_path / "bulk.duckdb")
    store.put_many(bulk, items)
    bulk.close()
    a, b = dump(tmp_path / "small.duckdb"), dump(tmp_path / "bulk.duckdb")
    assert a == b
    assert b["loaded"] == [r for _, r in sorted(corpus_records(), key=lambda pr: pr[0])]


def test_store_of_another_version_is_refused_clearly(tmp_path):
    db = tmp_path / "old.duckdb"
    c = store.connect(db)
    store.set_meta(c, "store_version", "0")
    c.close()
    with pytest.raises(store.StoreVersionMismatch, match="another version of vbgraph"):
        store.connect(db)


@pytest.mark.parametrize("read_only", [False, True])
def test_a_file_that_is_not_a_store_is_refused_clearly(tmp_path, read_only):
    db = tmp_path / "notes.duckdb"
    db.write_text("not a database\n", encoding="utf-8")
    with pytest.raises(store.StoreError, match="notes.duckdb cannot be opened as a store"):
        store.connect(db, read_only=read_only)
    assert db.read_text(encoding="utf-8") == "not a database\n"  # left as it was


@pytest.mark.parametrize("n", [3, store.JSON_INSERT_ABOVE])  # multi-row VALUES, and the JSON-lines path
def test_insert_rows_into_a_table_outside_the_schema(con, n):
    """Temporary tables of the graph build go through the same bulk insert as the part tables."""
    con.execute("CREATE TEMP TABLE _t (k VARCHAR, v INTEGER, note VARCHAR)")
    rows = [(f"khóa {i}", i, None if i % 2 else 'có "ngoặc"\nxuống dòng') for i in range(n)]
    store.insert_rows(con, "_t", rows)
    assert con.execute("SELECT * FROM _t ORDER BY v").fetchall() == rows


def test_stored_record_json_is_the_record(con):
    """The record goes into its JSON column as a JSON value; read back, it is the same record."""
    path, r = corpus_records()[0]
    store.put_record(con, path, r, "abc", 10, None)
    (js,) = con.execute("SELECT record::VARCHAR FROM records").fetchone()
    assert type(r).model_validate_json(js) == r
    assert con.execute("SELECT record->>'$.doc_id' FROM records").fetchone()[0] == r.doc_id


def test_checkpoint_alongside_folds_the_log_while_the_store_is_used(tmp_path):
    db = tmp_path / "s.duckdb"
    con = store.connect(db)
    con.execute("SET checkpoint_threshold = '1GB'")  # nothing is folded in by DuckDB itself here
    path, r = corpus_records()[0]
    store.put_record(con, path, r, "abc", 10, None)
    wal = tmp_path / "s.duckdb.wal"
    assert wal.stat().st_size > 0
    with store.checkpoint_alongside(con):
        assert con.execute("SELECT count(*) FROM citations").fetchone()[0] == len(r.citations)
    assert not wal.exists() or wal.stat().st_size == 0
    with store.checkpoint_alongside(con):
        store.set_meta(con, "written_meanwhile", "yes")  # a commit waits for the checkpoint, then lands
    con.close()
    con = store.connect(db, read_only=True)
    assert store.get_meta(con, "written_meanwhile") == "yes"
    assert store.load_records(con)[0][1] == r
    con.close()
