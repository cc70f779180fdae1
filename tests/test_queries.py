"""Queries on a store built from hand-made records (independent of extraction quality)."""

from __future__ import annotations

import pytest
from graph_fixtures import CT48, KH162, KL44, NQ51, build_store, cite, no_resolver, record  # noqa: F401

from pipeline import graph, queries, store

pytestmark = pytest.mark.usefixtures("no_resolver")


@pytest.fixture
def con(tmp_path):
    build_store(tmp_path / "q.duckdb")
    c = queries.open_store(tmp_path / "q.duckdb")
    yield c
    c.close()


@pytest.mark.parametrize("ref", ["kh-162", "162/KH-BCĐ", "162/kh-bcđ", " 162 / KH - BCĐ ", KH162, "pdf/kh-162.pdf"])
def test_find_node_by_doc_id_symbol_or_path(con, ref):
    assert queries.find_node(con, ref).id == KH162


@pytest.mark.parametrize("ref", ["48-CT/TW", "48/CT-TW", "48-ct/tw", "Số 48-CT/TW"])
def test_party_symbol_variants(con, ref):
    assert queries.find_node(con, ref).id == CT48


def test_unknown_reference_says_what_to_give(con):
    with pytest.raises(queries.NotFound, match="doc_id"):
        queries.find_node(con, "99-CT/TW")


def test_basis_full_chain(con):
    tree = queries.basis(con, "hd-05")
    assert tree.node.id == "doc:hd-05"
    assert [b.node.id for b in tree.bases] == [KH162]
    kh = tree.bases[0]
    assert [b.node.id for b in kh.bases] == [KL44]
    assert [b.node.id for b in kh.bases[0].bases] == [NQ51]
    assert kh.bases[0].bases[0].bases == []  # no further basis known
    assert kh.bases[0].sentence.startswith("Căn cứ Kết luận số 44-KL/TW")
    assert [b.node.id for b in queries.basis(con, "hd-05", max_depth=1).bases[0].bases] == []


def test_basis_marks_shared_and_cyclic_documents_once(tmp_path):
    con = store.connect(tmp_path / "c.duckdb")
    a = record("a", [cite("Kế hoạch B", "id:b", "basis")], canonical_id="id:a", doc_type="Kế hoạch", symbol="1/KH-A")
    b = record("b", [cite("Kế hoạch A", "id:a", "basis")], canonical_id="id:b", doc_type="Kế hoạch", symbol="2/KH-B")
    for path, r in (("a.txt", a), ("b.txt", b)):
        store.put_record(con, path, r, "s", 1, r.metadata.canonical_id)
    graph.rebuild(con)
    tree = queries.basis(con, "a")
    assert tree.bases[0].node.id == "id:b"
    assert tree.bases[0].bases[0].node.id == "id:a" and tree.bases[0].bases[0].seen
    assert tree.bases[0].bases[0].bases == []
    con.close()


def test_cited_by_and_implements(con):
    citing = queries.cited_by(con, "48/CT-TW")
    assert len(citing) == 3 and {c.relation for c in citing} == {"mentions"}
    assert {c.node.id for c in citing} == {KH162, "doc:hd-05", "doc:kh-bg"}
    impl = queries.implements(con, "44-KL/TW")
    assert {c.node.id for c in impl} == {KH162, "doc:kh-bg"}
    assert queries.implements(con, "48-CT/TW") == []


def test_cited_by_lists_strongest_relation_then_date_and_pages_in_that_order(tmp_path):
    con = store.connect(tmp_path / "many.duckdb")
    relations = ["mentions", "basis", "amends", "replaces"]
    items = []
    for i in range(3000):  # more rows than one of DuckDB's vectors, written in no particular order
        n = (i * 7919) % 3000
        r = record(f"d{n}", [cite("Chỉ thị 48", "id:ct48", relations[n % 4])], canonical_id=f"id:d{n:04d}",
                   doc_type="Kế hoạch", symbol=f"{n}/KH-X", issued_date=f"{2000 + n % 20}-01-{1 + n % 28:02d}")
        items.append(store.Stored(f"d{n}.txt", "s", 1, record=r, canonical_id=r.metadata.canonical_id))
    store.put_many(con, items, replace=False)
    graph.rebuild(con)
    rank = {r: i for i, r in enumerate(graph.RELATION_RANK)}
    expected = sorted(
        ((rank[c.relation], c.node.date or "", c.node.id) for c in queries.cited_by(con, "id:ct48")),
    )
    listed = [(rank[c.relation], c.node.date or "", c.node.id) for c in queries.cited_by(con, "id:ct48")]
    assert len(listed) == 3000 and listed == expected
    assert [c.node.id for c in queries.cited_by(con, "id:ct48", limit=50)] == [x[2] for x in expected[:50]]
    amends = [c.node.id for c in queries.cited_by(con, "id:ct48", relation="amends", limit=20)]
    assert amends == [x[2] for x in expected if x[0] == rank["amends"]][:20]
    con.close()


def test_top_by_degree_pagerank_and_filters(con):
    ranked = queries.top(con)
    assert ranked[0].node.id == CT48 and ranked[0].in_degree == 3
    assert queries.top(con, by="pagerank")[0].node.id == NQ51
    assert [r.node.id for r in queries.top(con, doc_type="kết luận")] == [KL44]
    assert [r.node.id for r in queries.top(con, level="province")] == [KH162]
    assert queries.top(con, level="commune") == []


def test_shared_basis(con):
    shared = queries.shared_basis(con, "kh-bg")
    assert shared[0].node.id in (KH162, KL44)
    by_id = {s.node.id: s.shared for s in shared}
    assert by_id[KH162] == ["Kết luận 44-KL/TW (22/01/2019) của Ban Bí thư"]
    co = {s.node.id for s in queries.shared_basis(con, "kh-bg", relation=None)}
    assert "doc:hd-05" in co  # shares Chỉ thị 48 as a plain citation


def test_bodies(con):
    stats = {b.body: b for b in queries.bodies(con)}
    police = stats["Công an tỉnh Đắk Nông"]
    # four documents, the PDF rendering not counted again
    assert (police.documents, police.tasks, police.lead, police.support, police.deadlines) == (4, 8, 4, 4, 4)
    assert police.level == "province"
    assert [b.body for b in queries.bodies(con, level="province")] == ["Công an tỉnh Đắk Nông"]


def test_value_span():
    assert queries.value_span("2024-06-30") == ("2024-06-30", "2024-06-30")
    assert queries.value_span("2024-02") == ("2024-02-01", "2024-02-29")
    assert queries.value_span("2024-Q3") == ("2024-07-01", "2024-09-30")
    assert queries.value_span("2024-07-01/2024-09-30") == ("2024-07-01", "2024-09-30")
    assert queries.value_span(None) is None and queries.value_span("hằng tháng") is None


def test_deadlines_window_and_body(con):
    assert len(queries.deadlines(con, "2024-06-01", "2024-06-30")) == 4
    assert queries.deadlines(con, "2024-07-01") == []
    rows = queries.deadlines(con, body="công an")
    assert len(rows) == 4 and rows[0].body == "Công an tỉnh Đắk Nông"
    assert queries.deadlines(con, body="Sở Tư pháp") == []


def test_targets(con):
    assert len(queries.targets(con)) == 4
    assert len(queries.targets(con, metric="đạt chuẩn")) == 4
    assert queries.targets(con, metric="ma túy") == []


def test_find(con):
    assert {n.id for n in queries.find(con, doc_type="Kế hoạch")} == {KH162, "doc:kh-bg"}
    assert [n.id for n in queries.find(con, issuer="Bắc Giang")] == ["doc:kh-bg"]
    assert {n.id for n in queries.find(con, year=2019)} == {KL44, NQ51}
    assert {n.id for n in queries.find(con, text="Sở Tư pháp phối hợp")} == {KH162, "doc:hd-05", "doc:kh-bg", KL44}
    assert {n.id for n in queries.find(con, doc_type="Chỉ thị", corpus_only=True)} == set()


def test_sql(con):
    cols, rows = queries.sql(con, "SELECT count(*) AS n FROM documents")
    assert cols == ["n"] and rows == [(5,)]


def test_rows_made_without_validation_equal_validated_models() -> None:
    from models.graph import Citing, Node

    row = {"id": "chi-thi:48-ct/tw:2010", "kind": "document", "label": "Chỉ thị 48-CT/TW", "doc_ids": None,
           "times_cited": 4, "pagerank": 0.25}
    fast = Node.from_row(**row)
    assert fast == Node.model_validate({k: v for k, v in row.items() if v is not None})
    other = Node.from_row(id="b", kind="document", label="B")
    fast.doc_ids.append("kh-1")
    assert other.doc_ids == []  # each gets its own list
    assert Citing.from_row(node=other, relation="basis", mentions=None).mentions == 1
    with pytest.raises(ValueError, match="Node.label is required"):
        Node.from_row(id="c", kind="document")
