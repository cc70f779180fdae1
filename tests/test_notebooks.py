"""The notebooks and their helpers (`pipeline/notebook.py`).

The helpers are tested on small inline examples; the notebooks themselves are
executed headless, each against one store built from `corpus/` per session,
and their saved figures and exports are checked.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import warnings
from pathlib import Path

import networkx as nx
import pytest

from models.graph import BasisTree, DeadlineRow, Node, Ranked
from models.record import Section
from pipeline import notebook as nb
from pipeline import store

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
NAMES = ["01-quickstart.ipynb", "02-citation-graph.ipynb", "03-tasks-and-deadlines.ipynb", "04-your-documents.ipynb"]
PNG = b"\x89PNG\r\n\x1a\n"


# ---------------------------------------------------------------- where things are


def test_repo_root_found_from_the_notebooks_folder():
    assert nb.repo_root(NOTEBOOKS) == ROOT
    assert nb.repo_root(ROOT / "corpus" / "pdf") == ROOT


def test_repo_root_outside_a_repository(tmp_path):
    with pytest.raises(FileNotFoundError):
        nb.repo_root(tmp_path)


def test_store_path_default_and_environment(monkeypatch, tmp_path):
    monkeypatch.delenv(nb.DB_ENV, raising=False)
    assert nb.store_path(ROOT) == ROOT / store.DEFAULT_DB
    monkeypatch.setenv(nb.DB_ENV, str(tmp_path / "x.duckdb"))
    assert nb.store_path(ROOT) == tmp_path / "x.duckdb"


def test_output_dir_from_environment_is_created(monkeypatch, tmp_path):
    monkeypatch.setenv(nb.OUT_ENV, str(tmp_path / "figs" / "a"))
    assert nb.output_dir(ROOT) == tmp_path / "figs" / "a"
    assert (tmp_path / "figs" / "a").is_dir()


def test_open_or_build_store_builds_once(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(ROOT / "corpus" / "kh-162-bcd-dak-nong-2022.txt", corpus)
    db = tmp_path / "sub" / "store.duckdb"
    assert not nb.store_is_complete(db)
    con = nb.open_or_build_store(db, corpus)
    try:
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 1
        assert con.execute("SELECT count(*) FROM nodes").fetchone()[0] > 1
    finally:
        con.close()
    assert nb.store_is_complete(db)

    def fail(*args, **kwargs):
        raise AssertionError("a complete store must not be rebuilt")

    monkeypatch.setattr("pipeline.runner.run_corpus", fail)
    nb.open_or_build_store(db, corpus).close()


# ---------------------------------------------------------------- one record


def test_shorten():
    assert nb.shorten("  a\n  b  ") == "a b"
    assert nb.shorten("x" * 20, 10) == "x" * 9 + "…"
    assert nb.shorten(None) == ""


def _section(i: str, parent: str | None, level: int, label: str, heading: str) -> Section:
    return Section(id=i, parent=parent, level=level, label=label, heading=heading, path=label, start=0, end=1)


def test_section_outline_indents_children():
    sections = [
        _section("s1", None, 1, "I", "MỤC ĐÍCH, YÊU CẦU"),
        _section("s2", "s1", 2, "1", "Mục đích"),
        _section("s3", "s2", 3, "a)", "Tuyên truyền " + "rất dài " * 30),
        _section("s4", None, 1, "II", "NỘI DUNG"),
    ]
    lines = nb.section_outline(sections, width=60).split("\n")
    assert lines[0] == "I MỤC ĐÍCH, YÊU CẦU"
    assert lines[1] == "  1 Mục đích"
    assert lines[2].startswith("    a) Tuyên truyền") and lines[2].endswith("…") and len(lines[2]) == 60
    assert lines[3] == "II NỘI DUNG"


@pytest.fixture(scope="module")
def quickstart_record():
    from pipeline.extract import extract_file

    return extract_file(ROOT / "corpus" / "kh-162-bcd-dak-nong-2022.txt")


def test_record_counts_and_metadata_table(quickstart_record):
    counts = nb.record_counts(quickstart_record)
    assert counts["citations"] == len(quickstart_record.citations) > 0
    rows = dict(nb.metadata_table(quickstart_record))
    assert rows["symbol"] == "162/KH-BCĐ"
    assert all(isinstance(v, str) for v in rows.values())


def test_highlight_doc_puts_every_kind_in_one_group(quickstart_record):
    doc, options = nb.highlight_doc(quickstart_record)
    spans = doc.spans[options["spans_key"]]
    kinds = {s.label_.split(":")[0] for s in spans}
    assert {"citation", "deadline", "assignment"} <= kinds
    assert sum(1 for s in spans if s.label_.startswith("citation:")) == len(quickstart_record.citations)
    assert set(options["colors"]) == {s.label_ for s in spans}
    assert [s.start for s in spans] == sorted(s.start for s in spans)


def test_span_colours_by_kind_strongest_first():
    colours = nb.span_colours(["citation: mentions", "citation: basis", "deadline: period", "target: increase"])
    assert colours["citation: basis"] == nb.KIND_SHADES["citation"][0]
    assert colours["citation: mentions"] == nb.KIND_SHADES["citation"][1]
    assert colours["deadline: period"] == nb.KIND_SHADES["deadline"][0]
    assert colours["target: increase"] == nb.KIND_SHADES["target"][0]
    assert len(set(nb.span_colours([f"deadline: k{i}" for i in range(9)]).values())) == len(nb.KIND_SHADES["deadline"])


def test_render_spans_keeps_line_breaks():
    from pipeline.nlp import blank_vi

    doc = blank_vi().make_doc("Căn cứ Chỉ thị 48-CT/TW.\nGiao Công an tỉnh chủ trì.\n\nHết.")
    doc.spans["all"] = [doc.char_span(7, 23, label="citation: basis", alignment_mode="expand")]
    view = nb.render_spans(doc, {"spans_key": "all", "colors": {"citation: basis": "#f5b7b1"}})
    assert view.count("<br>") == 3
    assert "citation: basis" in view and "48-CT/TW" in view
    assert view.index("<br>") > view.index("citation: basis")
    page = nb.render_spans(doc, {"spans_key": "all"}, page=True)
    assert page.lstrip().lower().startswith("<!doctype html>") and nb.external_references(page) == []


def test_iframe_escapes_the_page():
    wrapped = nb.iframe('<p class="x">a & b</p>', height=300)
    assert 'srcdoc="&lt;p class=&quot;x&quot;&gt;a &amp; b&lt;/p&gt;"' in wrapped
    assert "height:300px" in wrapped


# ---------------------------------------------------------------- graph views


def _graph() -> nx.DiGraph:
    d = nx.DiGraph()
    d.add_node("a", label="Kế hoạch 1/KH-UBND <b>", symbol="1/KH-UBND", level="province", in_corpus=True,
               times_cited=0, doc_ids=["kh-1"])
    d.add_node("b", label="Kế hoạch 2/KH-UBND", symbol="2/KH-UBND", level="district", in_corpus=True,
               times_cited=0, doc_ids=["kh-2"])
    d.add_node("c", label="Chỉ thị 48-CT/TW", symbol="48-CT/TW", level="central", in_corpus=False, times_cited=2)
    d.add_node("e", label="Đề án số 201", level=None, in_corpus=False, times_cited=1)
    d.add_node("x", label="Nghị định 1/2020/NĐ-CP", symbol="1/2020/NĐ-CP", level="central", times_cited=1)
    d.add_node("y", label="Thông báo 5/TB-UBND", symbol="5/TB-UBND", level="province", in_corpus=True,
               doc_ids=["tb-5"])
    d.add_node("lonely", label="Công văn 9/UBND", in_corpus=True, doc_ids=["cv-9"])
    d.add_edge("a", "c", relation="basis")
    d.add_edge("b", "c", relation="mentions")
    d.add_edge("a", "e", relation="basis")
    d.add_edge("b", "a", relation="basis")
    d.add_edge("y", "x", relation="mentions")
    return d


def test_citation_graph_keeps_attributes():
    g = nx.MultiDiGraph()
    g.add_node("a", kind="document", label="A", in_corpus=True)
    g.add_node("b", kind="document", label="B", in_corpus=False)
    g.add_node("body:Sở Tư pháp", kind="body", label="Sở Tư pháp")
    g.add_edge("a", "b", key="cites", kind="cites", relation="basis")
    g.add_edge("a", "body:Sở Tư pháp", key="assigns:0", kind="assigns")
    d = nb.citation_graph(g)
    assert set(d) == {"a", "b"}
    assert d.nodes["a"]["label"] == "A"
    assert d.edges["a", "b"]["relation"] == "basis"


def test_short_label():
    assert nb.short_label({"symbol": "48-CT/TW", "doc_ids": ["x"]}) == "48-CT/TW"
    assert nb.short_label({"symbol": "/KH-UBND", "doc_ids": ["kh-173"]}) == "kh-173"
    assert nb.short_label({"label": "Đề án xây dựng văn hóa công sở ở mọi cấp"}).endswith("…")


def test_layout_places_every_node_reproducibly():
    d = _graph()
    pos = nb.layout(d)
    assert set(pos) == set(d)
    assert all(-1.0001 <= c <= 1.0001 for xy in pos.values() for c in xy)
    assert pos == nb.layout(d)
    assert nb.layout(nx.DiGraph()) == {}


def test_communities_leave_out_unlinked_documents():
    groups = nb.communities(_graph())
    assert {"a", "b", "c", "e"} in groups
    assert {"x", "y"} in groups
    assert all("lonely" not in g for g in groups)
    rows = nb.community_rows(_graph(), groups)
    assert rows[0]["documents"] == 4
    assert rows[0]["most cited"] == "Chỉ thị 48-CT/TW"
    assert rows[0]["corpus documents"] == "1/KH-UBND, 2/KH-UBND"


def test_level_links_count_citing_and_cited_levels():
    links = nb.level_links(_graph())
    assert links == {("province", "central"): 2, ("province", "unknown"): 1, ("district", "central"): 1,
                     ("district", "province"): 1}


def test_richest_basis_prefers_most_bases():
    assert nb.richest_basis(_graph()) == "a"
    assert nb.richest_basis(nx.DiGraph()) is None


def test_basis_outline():
    def node(i: str, label: str, in_corpus: bool = False) -> Node:
        return Node(id=i, kind="document", label=label, in_corpus=in_corpus)

    tree = BasisTree(node=node("a", "Kế hoạch 1", True), bases=[
        BasisTree(node=node("b", "Kế hoạch 2", True), relation="basis", bases=[
            BasisTree(node=node("c", "Chỉ thị 48"), relation="basis"),
        ]),
        BasisTree(node=node("c", "Chỉ thị 48"), relation="basis", seen=True),
    ])
    assert nb.basis_outline(tree).split("\n") == [
        "Kế hoạch 1",
        "└─ Kế hoạch 2",
        "    └─ Chỉ thị 48  [not in corpus]",
        "└─ Chỉ thị 48  [not in corpus]  (see above)",
    ]


@pytest.mark.parametrize("page", [
    '<script src="https://cdn.example.org/vis.js"></script>',
    "<link href='//fonts.example.org/css' rel=stylesheet>",
    "<style>@import 'x.css';</style>",
    "<div style=\"background: url( 'http://example.org/a.png')\"></div>",
    "<img SRC=http://example.org/a.png>",
])
def test_external_references_found(page):
    assert nb.external_references(page)


def test_text_mentioning_a_url_is_not_a_reference():
    assert nb.external_references("<p>xem https://vbpl.vn/ và <a href='#top'>đầu trang</a></p>") == []


def test_interactive_view_is_offline_and_escaped():
    view = nb.interactive_graph_html(_graph(), view_id="v1")
    assert nb.external_references(view) == []
    assert "http" not in view
    assert view.count('class="vbg-node"') == len(_graph())
    assert view.count("<line ") == _graph().number_of_edges()
    assert "vbg-basis" in view and "<script>" in view and "<svg " in view
    assert "&lt;b&gt;" in view and "<b>" not in view
    assert 'id="v1"' in view and "#v1 " in view
    other, again = nb.interactive_graph_html(_graph()), nb.interactive_graph_html(_graph())
    assert re.search(r'id="(vbgraph-view-\w+)"', other)[1] != re.search(r'id="(vbgraph-view-\w+)"', again)[1]
    page = nb.standalone_page(view, "graph")
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert nb.external_references(page) == []


def test_plots_are_saved_as_png(tmp_path):
    mpl = pytest.importorskip("matplotlib")
    mpl.use("Agg")
    import matplotlib.pyplot as plt

    nb.use_vietnamese_font()
    assert mpl.rcParams["font.family"] == [nb.FONT]
    d = _graph()
    rows = [DeadlineRow(doc_id="kh-1", path="kh-1.txt", value="2024-Q2", kind="period", text="quý II/2024",
                        body="Ủy ban nhân dân huyện Đắk Glong; Phòng Văn hóa - Thông tin thị xã")]
    from models.graph import BodyStats

    stats = [BodyStats(body="Công an tỉnh", documents=2, tasks=3, lead=2, support=1, requested=0, deadlines=1)]
    targets = [{"metric": "tỷ lệ giải quyết", "comparator": ">=", "value": 90.0, "value_max": None, "unit": "%",
                "doc_id": "kh-1"}, {"metric": "số cuộc", "comparator": "=", "value": 2.0, "unit": "cuộc",
                                    "doc_id": "kh-1"}]
    ranked = [Ranked(node=Node(id="c", kind="document", label="Chỉ thị 48-CT/TW của Bộ Chính trị", level="central"),
                     in_degree=3, pagerank=0.02)]
    figures = {
        "graph": nb.plot_citation_graph(d),
        "most-cited": nb.plot_most_cited(ranked),
        "timeline": nb.plot_timeline(nb.timeline_items(rows)),
        "workload": nb.plot_workload(stats),
        "targets": nb.plot_targets(targets),
    }
    for name, fig in figures.items():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            path = nb.save_figure(fig, tmp_path, name)
        assert not [w for w in caught if "missing from font" in str(w.message)], "a Vietnamese glyph is missing"
        assert path.read_bytes()[:8] == PNG
        plt.close(fig)
    assert "1 of 2 targets" in figures["targets"].axes[0].get_title()


def test_plots_of_nothing_still_draw(tmp_path):
    """A folder of documents with no deadlines, targets or citations must not stop a notebook."""
    mpl = pytest.importorskip("matplotlib")
    mpl.use("Agg")
    import matplotlib.pyplot as plt

    for i, fig in enumerate([nb.plot_timeline([]), nb.plot_workload([]), nb.plot_targets([]),
                             nb.plot_citation_graph(nx.DiGraph())]):
        assert nb.save_figure(fig, tmp_path, f"empty-{i}").read_bytes()[:8] == PNG
        plt.close(fig)
    assert "<svg " in nb.interactive_graph_html(nx.DiGraph())


# ---------------------------------------------------------------- timelines


def _row(value: str | None, body: str | None = None, kind: str = "deadline") -> DeadlineRow:
    return DeadlineRow(doc_id="kh-1", path="kh-1.txt", value=value, kind=kind, text=value or "hằng tháng", body=body)


def test_timeline_items_points_and_bars():
    from datetime import date

    items = nb.timeline_items([
        _row("2024-02-28", "Công an tỉnh"),
        _row("2024-Q3", "Sở Tư pháp", "period"),
        _row("2024-07-01/2024-09-30", None, "period"),
        _row("2024-06", "Công an tỉnh; Sở Tư pháp", "period"),
        _row(None, "Sở Tư pháp", "recurring"),
        _row("không rõ", "Sở Tư pháp"),
    ])
    assert [(i.lane, i.start, i.end, i.is_point) for i in items] == [
        ("Công an tỉnh", date(2024, 2, 28), date(2024, 2, 28), True),
        ("Sở Tư pháp", date(2024, 7, 1), date(2024, 9, 30), False),
        (nb.NO_BODY, date(2024, 7, 1), date(2024, 9, 30), False),
        ("Công an tỉnh", date(2024, 6, 1), date(2024, 6, 30), False),
        ("Sở Tư pháp", date(2024, 6, 1), date(2024, 6, 30), False),
    ]
    assert nb.busiest_lane(items) in {"Công an tỉnh", "Sở Tư pháp"}
    assert nb.busiest_lane([i for i in items if i.lane == nb.NO_BODY]) is None


# ---------------------------------------------------------------- the committed notebooks


@pytest.mark.parametrize("name", NAMES)
def test_notebook_committed_without_outputs(name):
    nbformat = pytest.importorskip("nbformat")
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata.kernelspec.name == "python3"
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert code, "a notebook without code"
    for cell in code:
        assert cell.outputs == [], f"{name}: outputs must be stripped before committing"
        assert cell.execution_count is None, f"{name}: execution counts must be stripped"
    raw = (NOTEBOOKS / name).read_text(encoding="utf-8")
    assert "/home/" not in raw and "/tmp/" not in raw


def test_every_notebook_is_tested():
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == NAMES


# ---------------------------------------------------------------- running the notebooks


@pytest.fixture(scope="session")
def notebook_env(tmp_path_factory):
    """One store built from corpus/ (as `vbgraph run corpus/` does) and an output folder, as environment."""
    for module in ("nbclient", "nbformat", "ipykernel", "matplotlib", "pandas"):
        pytest.importorskip(module)
    from pipeline.runner import run_corpus

    base = tmp_path_factory.mktemp("notebooks")
    db = base / "vbgraph.duckdb"
    run_corpus(ROOT / "corpus", db, jobs=2)
    out = base / "out"
    env = dict(os.environ, **{nb.DB_ENV: str(db), nb.OUT_ENV: str(out), "MPLBACKEND": "module://matplotlib_inline.backend_inline"})
    return env, out


def _execute(name: str, env: dict[str, str]):
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = NotebookClient(notebook, kernel_name="python3", timeout=600,
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute(env=env)
    return notebook


def _png(path: Path) -> None:
    assert path.is_file(), f"{path.name} was not saved"
    data = path.read_bytes()
    assert data[:8] == PNG and len(data) > 10_000, f"{path.name} is not a drawn PNG"


def _csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _outputs(notebook, mime: str) -> list[str]:
    return [o.get("data", {}).get(mime, "") for c in notebook.cells if c.cell_type == "code" for o in c.outputs]


def test_quickstart_notebook(notebook_env):
    env, out = notebook_env
    notebook = _execute("01-quickstart.ipynb", env)
    spans = (out / "kh-162-bcd-dak-nong-2022.spans.html").read_text(encoding="utf-8")
    assert spans.count("citation: basis") + spans.count("citation: mentions") >= 5
    assert "deadline: " in spans and "assignment: " in spans
    assert any("citation: " in h and "44-KL/TW" in h for h in _outputs(notebook, "text/html"))  # the displaCy view
    text = "".join(o.get("text", "") for c in notebook.cells if c.cell_type == "code" for o in c.outputs)
    assert "III PHÂN CÔNG NHIỆM VỤ" in text  # the section outline was printed


def test_citation_graph_notebook(notebook_env):
    env, out = notebook_env
    notebook = _execute("02-citation-graph.ipynb", env)
    _png(out / "citation-graph.png")
    _png(out / "issuer-levels.png")
    _png(out / "most-cited.png")
    view = (out / "citation-graph.html").read_text(encoding="utf-8")
    assert "<svg " in view and nb.external_references(view) == [] and "http" not in view.split("</head>")[1]
    top = _csv(out / "most-cited.csv")
    assert top and int(top[0]["cited by"]) >= 2
    assert any("48-CT/TW" in r["document"] for r in top)
    assert any("community" in h and "most cited" in h for h in _outputs(notebook, "text/html"))


def test_tasks_and_deadlines_notebook(notebook_env):
    env, out = notebook_env
    _execute("03-tasks-and-deadlines.ipynb", env)
    for name in ("deadlines-timeline", "workload", "targets"):
        _png(out / f"{name}.png")
    deadlines = _csv(out / "deadlines.csv")
    assert sum(1 for r in deadlines if r["value"]) >= 20
    assert _csv(out / "workload.csv")[0]["tasks"] not in ("", "0")
    assert any(r["unit"] == "%" for r in _csv(out / "targets.csv"))


def test_your_documents_notebook(notebook_env):
    env, out = notebook_env
    _execute("04-your-documents.ipynb", env)
    records = sorted((out / "your-documents").glob("*.json"))
    assert len(records) == len(list((ROOT / "corpus" / "pdf").glob("*.pdf")))
    assert json.loads(records[0].read_text(encoding="utf-8"))["source"]["format"] == "pdf"
    assert (out / "hd-05-ccb-2024.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    scores = {r["measure"]: r for r in _csv(out / "scores.csv")}
    assert float(scores["citations.numbered.mentions"]["f1"]) > 0.5
    assert float(scores["sections.paths"]["f1"]) > 0.3
    assert int(scores["citations.numbered.mentions"]["gold"]) > 0
    accuracy = {r["measure"]: r for r in _csv(out / "accuracy.csv")}
    assert int(accuracy["metadata.doc_type"]["total"]) == len(records)
