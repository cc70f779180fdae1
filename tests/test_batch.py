"""The batch runner and `vbgraph extract`: per-file errors, outputs, worker processes."""

from __future__ import annotations

import json
import shutil
import threading
import time
from pathlib import Path

from typer.testing import CliRunner

from pipeline import batch
from pipeline.batch import discover, extract_to_dir, write_atomic
from pipeline.cli import app
from pipeline.extract import extract_bytes

GOOD = "KẾ HOẠCH\nThực hiện công tác năm 2024\nI. MỤC ĐÍCH, YÊU CẦU\n1. Tuyên truyền.\n"


def _inputs(tmp_path: Path) -> Path:
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "good.txt").write_text(GOOD, encoding="utf-8")
    (src / "sub" / "good.txt").write_text(GOOD.replace("2024", "2025"), encoding="utf-16")
    (src / "latin1.txt").write_bytes("Kế hoạch".encode() + b"\xff\xfe\x00 bad")
    (src / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage")
    (src / "notes.json").write_text("{}", encoding="utf-8")  # not an input
    return src


def test_discover_mirrors_subfolders_and_skips_other_files(tmp_path: Path) -> None:
    src = _inputs(tmp_path)
    found = {str(rel) for _, rel in discover([src])}
    assert found == {"good", "sub/good", "latin1", "broken"}


def test_discover_keeps_same_stem_apart(tmp_path: Path) -> None:
    a = tmp_path / "x.txt"
    b = tmp_path / "x.pdf"
    a.write_text(GOOD, encoding="utf-8")
    b.write_bytes(b"%PDF-1.4")
    rels = [str(rel) for _, rel in discover([a, b])]
    assert rels[0] == "x" and rels[1] != "x"


def test_one_bad_file_never_takes_down_the_batch(tmp_path: Path) -> None:
    src = _inputs(tmp_path)
    out = tmp_path / "out"
    outcomes = extract_to_dir(discover([src]), out)
    records = [o for o in outcomes if o.record]
    errors = {Path(o.path).name: o.error for o in outcomes if o.error}
    assert len(records) == 2
    assert set(errors) == {"latin1.txt", "broken.pdf"}
    assert errors["latin1.txt"].error == "undecodable_text"
    assert errors["broken.pdf"].error == "corrupt_pdf"
    written = json.loads((out / "latin1.error.json").read_text(encoding="utf-8"))
    assert written["path"].endswith("latin1.txt") and "UTF-8" in written["reason"]
    assert (out / "good.json").exists() and (out / "sub" / "good.json").exists()
    assert not list(out.rglob("*.tmp"))


def test_fixed_file_replaces_its_error_entry(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    doc = src / "doc.txt"
    doc.write_bytes(b"\xff\xfe\xfd not text at all \x00")
    out = tmp_path / "out"
    extract_to_dir(discover([src]), out)
    assert (out / "doc.error.json").exists()
    doc.write_text(GOOD, encoding="utf-8")
    extract_to_dir(discover([src]), out)
    assert (out / "doc.json").exists() and not (out / "doc.error.json").exists()


def test_worker_processes_give_the_same_records(tmp_path: Path, corpus_texts: list[Path]) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for p in corpus_texts[:3]:
        shutil.copy(p, src / p.name)
    one = {Path(o.path).name: o.record for o in extract_to_dir(discover([src]), tmp_path / "a", jobs=1)}
    two = {Path(o.path).name: o.record for o in extract_to_dir(discover([src]), tmp_path / "b", jobs=2)}
    assert one.keys() == two.keys()
    for name in one:
        assert one[name].model_dump() == two[name].model_dump()


def test_write_atomic_leaves_no_partial_file(tmp_path: Path) -> None:
    target = tmp_path / "r.json"
    write_atomic(target, "{}")
    assert target.read_text() == "{}"
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]


def test_cli_extract_exit_status_and_outputs(tmp_path: Path) -> None:
    src = _inputs(tmp_path)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["extract", str(src), "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert "2 records, 2 errors" in result.output
    ok = CliRunner().invoke(app, ["extract", str(src / "good.txt"), "--out", str(out)])
    assert ok.exit_code == 0
    record = json.loads((out / "good.json").read_text(encoding="utf-8"))
    assert record["schema_version"] == "1" and record["doc_id"] == "good"
    assert record["source"]["format"] == "text"


def test_cli_schema_prints_json_schema() -> None:
    result = CliRunner().invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert {"metadata", "citations", "deadlines", "targets", "assignments"} <= set(schema["properties"])


def test_warm_up_text_takes_every_lazily_loaded_path() -> None:
    """Workers forked after `warm_up` inherit what it loaded only if its text reaches each lazy path."""
    rec = extract_bytes(batch._WARM_UP_TEXT.encode(), "warm-up.txt")
    assert "Hòa Bình, ngày" in rec.text  # the old tone style went through the tone normalizer
    assert any(t.value == 100 and t.unit for t in rec.targets)  # the word segmenter found the unit
    assert rec.citations and rec.deadlines and rec.assignments


def test_frozen_heap_hands_the_heap_back_to_the_collector() -> None:
    import gc

    before = gc.get_freeze_count()
    with batch.frozen_heap():
        assert gc.get_freeze_count() > before
    assert gc.get_freeze_count() == 0


def test_tasks_cover_every_argument_in_order_and_shrink_toward_the_end():
    from pipeline.batch import TASK_SIZE, tasks

    args = [(i,) for i in range(1000)]
    cut = list(tasks(args, workers=2))
    assert [a for task in cut for a in task] == args
    sizes = [len(t) for t in cut]
    assert sizes[0] == TASK_SIZE and sizes[-1] == 1
    assert sizes == sorted(sizes, reverse=True)
    assert [len(t) for t in tasks([(1,), (2,), (3,)], workers=2)] == [1, 1, 1]  # every worker gets some
    assert list(tasks([], workers=2)) == []


def test_nothing_to_extract_loads_no_extractor(monkeypatch):
    """An up-to-date store costs a run no warm-up (loading the word segmenter is most of a second)."""
    from pipeline.executors import LocalExecutor

    def loaded() -> None:
        raise AssertionError("warm_up called with nothing to extract")

    monkeypatch.setattr(batch, "warm_up", loaded)
    assert list(LocalExecutor(2).map([])) == []


def note_call(log: str, i: int) -> int:
    """A worker's job for the tests below: leaves a line in `log` (workers are other processes)."""
    with open(log, "a") as f:
        f.write(f"{i}\n")
    return i


def _calls(log: Path) -> int:
    return len(log.read_text().splitlines()) if log.exists() else 0


def _wait_for(log: Path, n: int) -> int:
    """Calls in `log` once there are `n` (or after a minute: then the test fails on the count)."""
    deadline = time.monotonic() + 60
    while _calls(log) < n and time.monotonic() < deadline:
        time.sleep(0.01)
    return _calls(log)


def test_workers_go_on_while_the_consumer_is_busy_up_to_a_bound(tmp_path, monkeypatch):
    monkeypatch.setattr(batch, "TASK_SIZE", 1)
    log = tmp_path / "calls.txt"
    jobs, args = 2, [(str(log), i) for i in range(60)]
    results = batch.parallel_map(note_call, args, jobs)
    first = next(results)  # then the consumer does nothing for a while (as while committing)
    in_pool = jobs * batch.TASKS_PER_WORKER
    # more than the pool holds at a time: as many as wait for the consumer, and the one it took
    assert _wait_for(log, batch.OUT_PER_IN_FLIGHT * in_pool + 1) == batch.OUT_PER_IN_FLIGHT * in_pool + 1
    time.sleep(0.5)
    assert _calls(log) == batch.OUT_PER_IN_FLIGHT * in_pool + 1  # and no further: finished results wait in bounded number
    rest = list(results)
    assert sorted([first, *rest]) == list(range(60))
    assert _calls(log) == 60


def test_a_consumer_that_stops_early_leaves_no_worker_or_thread(tmp_path, monkeypatch):
    monkeypatch.setattr(batch, "TASK_SIZE", 1)
    log = tmp_path / "calls.txt"
    results = batch.parallel_map(note_call, [(str(log), i) for i in range(60)], 2)
    next(results)
    results.close()
    assert _calls(log) < 60
    assert not [t for t in threading.enumerate() if t.name == "vbgraph-feeder"]
