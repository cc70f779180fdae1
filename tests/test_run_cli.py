"""`vbgraph run` end to end: unchanged, changed, removed and corrupt files, a killed run, two runs at once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import networkx as nx
import pytest
from graph_fixtures import CT48, KL44, cite, corpus_records, no_resolver, record  # noqa: F401
from typer.testing import CliRunner

from models.graph import RunSummary
from pipeline import batch, graph, store
from pipeline.cli import app
from pipeline.runner import fill_counts, run_corpus

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()

SLOW_RUN = textwrap.dedent(
    """
    import sys, time
    from pipeline.runner import run_corpus

    def stored(outcome):
        print("stored", outcome.path, flush=True)
        time.sleep(float(sys.argv[3]))  # after the commit: a kill lands between documents

    run_corpus(sys.argv[1], sys.argv[2], on_outcome=stored, commit_every=0)  # one document per transaction
    print("done", flush=True)
    """
)


def run_json(folder: Path, db: Path, *extra: str) -> tuple[int, dict]:
    result = runner.invoke(app, ["run", str(folder), "--db", str(db), "--json", *extra])
    return result.exit_code, json.loads(result.stdout) if result.stdout.strip().startswith("{") else {}


def test_unchanged_changed_removed(docs, tmp_path):
    db = tmp_path / "s.duckdb"
    code, s = run_json(docs, db)
    assert code == 0 and s["processed"] == 3 and s["documents"] == 3 and s["errors"] == 0
    code, s = run_json(docs, db)
    assert (s["processed"], s["unchanged"], s["graph_rebuilt"]) == (0, 3, False)
    changed = next(docs.glob("*.txt"))
    changed.write_text(changed.read_text(encoding="utf-8") + "\nPhụ lục bổ sung.\n", encoding="utf-8")
    code, s = run_json(docs, db)
    assert (s["processed"], s["unchanged"], s["documents"]) == (1, 2, 3)
    con = store.connect(db)
    stored = con.execute("SELECT record FROM records WHERE path = ?", [changed.name]).fetchone()[0]
    assert "Phụ lục bổ sung." in json.loads(stored)["text"]
    con.close()
    (docs / "sub").joinpath(next((docs / "sub").iterdir()).name).unlink()
    code, s = run_json(docs, db)
    assert (s["removed"], s["documents"], s["records"], s["files"]) == (1, 2, 2, 2)
    code, s = run_json(docs, db, "--rebuild-graph")
    assert (s["processed"], s["graph_rebuilt"]) == (0, True)
    code, s = run_json(docs, db, "--force")
    assert s["processed"] == 2


def test_graph_of_an_older_layout_is_rebuilt_and_queries_say_so_until_then(docs, tmp_path):
    db = tmp_path / "s.duckdb"
    run_json(docs, db)
    con = store.connect(db)
    con.execute("DROP TABLE citing")  # as an older vbgraph left it, before this lookup table
    store.set_meta(con, "graph_version", "1")
    con.close()
    result = runner.invoke(app, ["cited-by", "48-CT/TW", "--db", str(db)])
    assert result.exit_code == 2 and "older vbgraph" in result.output
    code, s = run_json(docs, db)
    assert (s["processed"], s["graph_rebuilt"]) == (0, True)
    result = runner.invoke(app, ["cited-by", "48-CT/TW", "--db", str(db), "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)


def test_corrupt_file_is_recorded_and_the_run_goes_on(docs, tmp_path):
    (docs / "broken.pdf").write_bytes(b"this is not a pdf at all")
    (docs / "empty.txt").write_bytes(b"")
    db = tmp_path / "s.duckdb"
    result = runner.invoke(app, ["run", str(docs), "--db", str(db), "--json"])
    assert result.exit_code == 1
    s = json.loads(result.stdout)
    assert (s["documents"], s["errors"], s["failed"]) == (3, 2, 2)
    con = store.connect(db)
    errors = dict(con.execute("SELECT path, error FROM errors").fetchall())
    assert errors == {"broken.pdf": "not_a_pdf", "empty.txt": "empty_file"}
    con.close()
    code, s = run_json(docs, db)  # failures are tried again (and still listed); good files are skipped
    assert code == 1 and s["errors"] == 2 and s["failed"] == 2 and s["unchanged"] == 3


def test_killed_run_is_completed_by_the_next(docs, tmp_path):
    db = tmp_path / "killed.duckdb"
    proc = subprocess.Popen(
        [sys.executable, "-c", SLOW_RUN, str(docs), str(db), "30"],
        stdout=subprocess.PIPE, text=True, cwd=ROOT,
    )
    try:
        line = proc.stdout.readline()
        assert line.startswith("stored"), line
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
    assert store.StoreLock(db).owner() == proc.pid  # left behind by the dead run
    con = store.connect(db)
    assert con.execute("SELECT count(*) FROM files").fetchone()[0] == 1  # the committed document survived
    con.close()
    again = run_corpus(docs, db)
    assert again.processed == 2 and again.unchanged == 1 and again.graph_rebuilt
    fresh = run_corpus(docs, tmp_path / "fresh.duckdb")
    keep = {"files", "records", "documents", "errors", "citations", "cited_documents", "bodies", "deadlines",
            "targets", "nodes", "edges"}
    assert again.model_dump(include=keep) == fresh.model_dump(include=keep)
    assert not store.StoreLock(db).path.exists()


def test_second_concurrent_run_refuses_with_a_clear_message(docs, tmp_path):
    db = tmp_path / "busy.duckdb"
    proc = subprocess.Popen(
        [sys.executable, "-c", SLOW_RUN, str(docs), str(db), "0.5"],
        stdout=subprocess.PIPE, text=True, cwd=ROOT,
    )
    try:
        assert proc.stdout.readline().startswith("stored")
        result = runner.invoke(app, ["run", str(docs), "--db", str(db)])
        assert result.exit_code == 3
        assert f"another vbgraph run (pid {proc.pid})" in result.output
        # --wait: the second run waits for the first and then finds everything done
        code, s = run_json(docs, db, "--wait", "60")
        assert code == 0 and s["unchanged"] == 3 and s["processed"] == 0
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()


def test_queries_refuse_a_missing_store(tmp_path):
    result = runner.invoke(app, ["top", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 2 and "vbgraph run" in result.output


@pytest.fixture
def fixture_folder(tmp_path, monkeypatch, request) -> Path:
    """A folder whose files 'extract' to the hand-made records (text and PDF renderings)."""
    request.getfixturevalue("no_resolver")
    folder = tmp_path / "corpus"
    by_path = {}
    for rel, r in corpus_records():
        f = folder / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(rel, encoding="utf-8")
        by_path[str(f)] = r
    monkeypatch.setattr(batch, "process", lambda path: batch.Outcome(path, record=by_path[path]))
    return folder


def test_run_then_query_and_export(fixture_folder, tmp_path):
    db = tmp_path / "q.duckdb"
    code, s = run_json(fixture_folder, db)
    assert code == 0
    assert (s["records"], s["documents"], s["cited_documents"]) == (5, 4, 4)
    basis = runner.invoke(app, ["basis", "kh-162", "--db", str(db)])
    assert basis.exit_code == 0 and "Kết luận 44-KL/TW" in basis.stdout and "Nghị quyết 51-NQ/TW" in basis.stdout
    cited = json.loads(runner.invoke(app, ["cited-by", "48/ct-tw", "--db", str(db), "--json"]).stdout)
    assert len(cited) == 3
    tree = json.loads(runner.invoke(app, ["basis", "kh-162", "--db", str(db), "--json"]).stdout)
    assert tree["bases"][0]["node"]["id"] == KL44
    for cmd in (["top"], ["bodies"], ["deadlines", "--from", "2024-01-01"], ["targets"], ["find", "--type", "Kế hoạch"],
                ["shared-basis", "kh-bg"], ["implements", "44-KL/TW"], ["sql", "SELECT count(*) FROM nodes"]):
        result = runner.invoke(app, [*cmd, "--db", str(db)])
        assert result.exit_code == 0, (cmd, result.output)
    missing = runner.invoke(app, ["basis", "no-such-doc", "--db", str(db)])
    assert missing.exit_code == 2 and "no document matches" in missing.output
    bad_sql = runner.invoke(app, ["sql", "SELEC 1", "--db", str(db)])
    assert bad_sql.exit_code == 2
    con = store.connect(db)
    g = graph.load_graph(con)
    con.close()
    for fmt, read in (("graphml", lambda p: nx.read_graphml(p, force_multigraph=True)), ("gexf", nx.read_gexf)):
        out = tmp_path / f"g.{fmt}"
        assert runner.invoke(app, ["export", fmt, str(out), "--db", str(db)]).exit_code == 0
        back = read(out)
        assert (back.number_of_nodes(), back.number_of_edges()) == (g.number_of_nodes(), g.number_of_edges())


def test_with_the_citation_resolver(tmp_path):
    """With the resolver in place: spellings of 48-CT/TW meet, undated mentions are filled from the corpus,
    and a corpus document is the node its citations point to."""
    resolve = pytest.importorskip("pipeline.citations.resolve")
    symbols = pytest.importorskip("pipeline.citations.symbols")

    def tid(doc_type: str, symbol: str, date: str | None) -> str | None:
        return resolve.canonical_id(doc_type, symbols.symbol_from_text(symbol), date)[0]

    kl = record("kl-44", [], doc_type="Kết luận", symbol="44-KL/TW", number="44", issued_date="2019-01-22",
                issuer="Ban Bí thư")
    a = record("a", [
        cite("Chỉ thị 48/CT-TW ngày 22/10/2010", tid("Chỉ thị", "48/CT-TW", "2010-10-22"), doc_type="Chỉ thị",
             symbol="48/CT-TW", number="48", date="2010-10-22"),
        cite("Kết luận số 44-KL/TW ngày 22/01/2019", tid("Kết luận", "44-KL/TW", "2019-01-22"), "basis",
             doc_type="Kết luận", symbol="44-KL/TW", number="44", date="2019-01-22"),
    ], doc_type="Kế hoạch", symbol="1/KH-A", number="1", issued_date="2024-01-02")
    b = record("b", [
        cite("Chỉ thị số 48-CT/TW ngày 22/10/2010", tid("Chỉ thị", "48-CT/TW", "2010-10-22"), doc_type="Chỉ thị",
             symbol="48-CT/TW", number="48", date="2010-10-22"),
    ], doc_type="Kế hoạch", symbol="2/KH-B", number="2", issued_date="2024-01-03")
    c = record("c", [
        cite("Chỉ thị số 48-CT/TW", None, doc_type="Chỉ thị", symbol="48-CT/TW", number="48", flags=["year_unknown"]),
        cite("Kết luận số 44-KL/TW", None, "basis", doc_type="Kết luận", symbol="44-KL/TW", number="44",
             flags=["year_unknown"]),
    ], doc_type="Kế hoạch", symbol="3/KH-C", number="3", issued_date="2024-01-04")
    con = store.connect(tmp_path / "r.duckdb")
    for r in (kl, a, b, c):
        store.put_record(con, f"{r.doc_id}.txt", r, r.doc_id, 1, graph.canonical_id_of(r.metadata))
    graph.rebuild(con)
    g = graph.load_graph(con)
    summary = fill_counts(con, RunSummary(db=""))
    con.close()
    ct48 = tid("Chỉ thị", "48-CT/TW", "2010-10-22")
    assert g.nodes[ct48]["times_cited"] == 3
    kl_id = graph.canonical_id_of(kl.metadata)
    assert g.nodes[kl_id]["in_corpus"] and g.nodes[kl_id]["times_cited"] == 2
    assert summary.documents == 4 and summary.cited_documents == 2
    assert CT48 not in g


def test_dead_worker_stops_the_run_cleanly_and_the_next_run_completes(docs, tmp_path, monkeypatch):
    from pipeline.runner import RunError

    real = batch.process
    victim = sorted(docs.rglob("*.txt"))[-1]

    def dies_on_victim(path: str) -> batch.Outcome:
        if path == str(victim):
            os._exit(9)  # a worker killed mid-document
        return real(path)

    monkeypatch.setattr(batch, "process", dies_on_victim)  # forked workers inherit it
    db = tmp_path / "w.duckdb"
    with pytest.raises(RunError, match="run again"):
        run_corpus(docs, db, jobs=2)
    assert not store.StoreLock(db).path.exists()
    monkeypatch.setattr(batch, "process", real)
    again = run_corpus(docs, db, jobs=2)
    assert again.documents == 3 and again.errors == 0 and again.processed + again.unchanged == 3


def test_a_file_that_failed_is_tried_again_and_forgotten_when_removed(docs, tmp_path):
    bad = docs / "bad.txt"
    bad.write_bytes(b"\xff\xfe\xfd not text \x00\x00\x00\x00")
    db = tmp_path / "s.duckdb"
    code, first = run_json(docs, db)
    assert code == 1 and first["failed"] == 1
    code, second = run_json(docs, db)  # the failure may have come from the machine: try again
    assert code == 1 and second["failed"] == 1 and second["unchanged"] == 3
    bad.write_text("KẾ HOẠCH\nThực hiện năm 2024\nI. MỤC ĐÍCH\n1. Tuyên truyền.\n", encoding="utf-8")
    code, fixed = run_json(docs, db)
    assert code == 0 and fixed["errors"] == 0 and fixed["records"] == 4
    bad.unlink()
    code, gone = run_json(docs, db)
    assert code == 0 and gone["removed"] == 1 and gone["records"] == 3
