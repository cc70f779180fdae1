"""The citation graph: one node per document, renderings merged, edges from the store, exports."""

from __future__ import annotations

import json

import duckdb
import networkx as nx
import pytest
from graph_fixtures import CT48, KH162, KL44, NQ51, build_store, cite, no_resolver, record  # noqa: F401

from pipeline import graph, store
from pipeline.export import FORMATS, export, scalar_graph
from pipeline.levels import issuer_level, level_of_name, level_of_symbol

pytestmark = pytest.mark.usefixtures("no_resolver")


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "g.duckdb"
    build_store(path)
    return path


@pytest.fixture
def con(db):
    c = store.connect(db)
    yield c
    c.close()


@pytest.fixture
def g(con):
    return graph.load_graph(con)


def test_spellings_of_one_document_meet_in_one_node(g):
    # "Chỉ thị 48/CT-TW" in one document and "Chỉ thị số 48-CT/TW" in two others
    node = g.nodes[CT48]
    assert node["times_cited"] == 3
    assert sorted(u for u, _, k in g.in_edges(CT48, keys=True) if k == "cites") == [
        "doc:hd-05", "doc:kh-bg", KH162,
    ]
    assert node["symbol"] == "48-CT/TW"  # the spelling most mentions use
    assert node["label"] == "Chỉ thị 48-CT/TW (22/10/2010) của Bộ Chính trị"
    assert node["in_corpus"] is False


def test_cited_document_in_corpus_is_its_record_node(g):
    node = g.nodes[KL44]
    assert node["in_corpus"] is True and node["doc_ids"] == ["kl-44"]
    assert node["times_cited"] == 2
    assert g.has_edge(KL44, NQ51, key="cites")


def test_text_and_pdf_rendering_are_one_node_counted_once(g):
    node = g.nodes[KH162]
    assert node["paths"] == ["kh-162.txt", "pdf/kh-162.pdf"]  # the text is the representative
    assert g.edges[KH162, CT48, "cites"]["mentions"] == 1  # not 2: the PDF's citations are not added
    assert g.edges[KH162, CT48, "cites"]["path"] == "kh-162.txt"
    assert sum(1 for _, _, k in g.out_edges(KH162, keys=True) if k.startswith("assigns")) == 3


def test_edge_keeps_strongest_relation_sentence_and_mentions(g):
    e = g.edges["doc:hd-05", CT48, "cites"]
    assert e["mentions"] == 2 and e["relation"] == "mentions"
    assert e["sentence"].startswith("Căn cứ Chỉ thị số 48-CT/TW ngày 22/10/2010")
    assert g.edges["doc:hd-05", KH162, "cites"]["relation"] == "basis"


def test_unresolved_citation_is_kept_but_makes_no_edge(con, g):
    assert con.execute("SELECT count(*) FROM citations WHERE target_id IS NULL").fetchone()[0] == 1
    assert not any("201" in n for n in g.nodes)


def test_bodies_issued_by_and_assigns(g):
    assert g.has_edge(KH162, "body:Ban Chỉ đạo 138 tỉnh Đắk Nông", key="issued_by")
    e = g.edges[KH162, "body:Công an tỉnh Đắk Nông", "assigns:0"]
    assert (e["role"], e["task"], e["deadline"], e["goal"]) == ("lead", "thực hiện", "2024-06-30", "100% xã")
    body = g.nodes["body:Công an tỉnh Đắk Nông"]
    assert body["kind"] == "body" and body["level"] == "province" and body["tasks"] == 8


def test_store_round_trip_equals_fresh_build(con, g):
    built = graph.build_graph(con)
    assert sorted(built.nodes) == sorted(g.nodes)
    assert sorted(built.edges(keys=True)) == sorted(g.edges(keys=True))
    assert built.nodes[CT48]["label"] == g.nodes[CT48]["label"]


def test_pagerank_ranks_the_chain_end_high(g):
    assert g.nodes[NQ51]["pagerank"] > g.nodes["doc:hd-05"]["pagerank"]
    assert abs(sum(a["pagerank"] for _, a in g.nodes(data=True)) - 1.0) < 1e-6


def test_self_citation_makes_no_edge(tmp_path):
    con = store.connect(tmp_path / "s.duckdb")
    r = record("kl-44", [cite("Kết luận này", KL44)], canonical_id=KL44, doc_type="Kết luận")
    store.put_record(con, "kl-44.txt", r, "s", 1, KL44)
    graph.rebuild(con)
    g = graph.load_graph(con)
    assert not g.has_edge(KL44, KL44)
    con.close()


def test_labels_and_symbol_keys():
    assert graph.document_label("Chỉ thị", "48-CT/TW", "48", "2010-10-22", "Ban Bí thư") == (
        "Chỉ thị 48-CT/TW (22/10/2010) của Ban Bí thư"
    )
    assert graph.document_label("Đề án", None, None, None, "Bộ Công an", "Đề án số 03") == "Đề án số 03 của Bộ Công an"
    assert graph.document_label(None, None, None, None, None, fallback="x") == "x"
    assert graph.display_date("2024-02") == "02/2024"
    for variant in ("48/CT-TW", "48-ct/tw", " 48 - CT / TW", "Số 48-CT/TW"):
        assert graph.symbol_key(variant) == graph.symbol_key("48-CT/TW")
    assert graph.symbol_key("623/QĐ-TTg") != graph.symbol_key("623/QĐ-TW")


def test_levels():
    assert level_of_name("Ban Chỉ đạo phòng, chống tội phạm, tệ nạn xã hội tỉnh Đắk Nông") == "province"
    assert level_of_name("Ủy ban MTTQ Việt Nam tỉnh Bắc Giang") == "province"
    assert level_of_name("UBND xã Hòa Thắng, thành phố Buôn Ma Thuột") == "commune"
    assert level_of_name("Ban Thường vụ Huyện ủy") == "district"
    assert level_of_name("Thành ủy Hà Nội") == "province"
    assert level_of_name("Bộ Công an") == "central"
    assert level_of_name("Sở Tư pháp") is None
    assert level_of_symbol("48-CT/TW") == "central"
    assert level_of_symbol("73/2021/QH14") == "central"
    assert level_of_symbol("10-NQ/HU") == "district"
    assert level_of_symbol("60/KH-CAT-MTTQ") == "province"
    assert issuer_level(None, "43-CT/TU") == "province"


def test_corpus_resolver_is_used_when_present(tmp_path, monkeypatch):
    """The citation resolver's corpus pass fills target ids the records lack; the records stay as extracted."""
    def own_id(m):
        return f"vn:{m.symbol}" if m.symbol == "05/HD-CCB" else None

    class Resolver:
        def add_citation(self, c):
            pass

        def add_document(self, metadata):
            return metadata.canonical_id or own_id(metadata)

        def resolve(self, c):
            if c.name == "Đề án số 201":
                c.target_id, c.resolved_by = "vn:de-an:201", "corpus"

    monkeypatch.setattr(graph, "CorpusResolver", Resolver)
    monkeypatch.setattr(graph, "canonical_id_for", own_id)
    db = tmp_path / "r.duckdb"
    build_store(db)
    con = store.connect(db)
    g = graph.load_graph(con)
    assert g.edges["doc:kh-bg", "vn:de-an:201", "cites"]["relation"] == "basis"
    assert "vn:05/HD-CCB" in g and "doc:hd-05" not in g
    records = dict(store.load_records(con))
    assert all(c.target_id is None for c in records["kh-bg.txt"].citations if c.name)
    con.close()


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json"])
def test_exports_load_back_with_same_counts(con, g, tmp_path, fmt):
    out = tmp_path / f"g.{fmt}"
    export(con, fmt, out)
    if fmt == "graphml":
        back = nx.read_graphml(out, force_multigraph=True)
    elif fmt == "gexf":
        back = nx.read_gexf(out)
    else:
        back = nx.node_link_graph(json.loads(out.read_text(encoding="utf-8")), edges="links")
    assert g.number_of_edges() > g.number_of_nodes() > 10
    assert back.number_of_nodes() == g.number_of_nodes()
    assert back.number_of_edges() == g.number_of_edges()
    # parallel edges survive: a document gives two tasks to one body
    assert back.number_of_edges(KH162, "body:Công an tỉnh Đắk Nông") == 2
    assert back.nodes[CT48]["label"] == "Chỉ thị 48-CT/TW (22/10/2010) của Bộ Chính trị"


def test_scalar_graph_drops_none_and_joins_lists(g):
    s = scalar_graph(g)
    attrs = s.nodes[KH162]
    assert attrs["paths"] == "kh-162.txt; pdf/kh-162.pdf"
    assert all(v is not None and not isinstance(v, list) for _, a in s.nodes(data=True) for v in a.values())


def test_parquet_and_neo4j_exports(con, tmp_path):
    files = export(con, "parquet", tmp_path / "pq")
    assert {f.stem for f in files} >= {"documents", "citations", "nodes", "edges"}
    n = duckdb.connect().execute(f"SELECT count(*) FROM '{tmp_path / 'pq' / 'nodes.parquet'}'").fetchone()[0]
    assert n == con.execute("SELECT count(*) FROM nodes").fetchone()[0]
    nodes_csv, edges_csv = export(con, "neo4j", tmp_path / "neo")
    n_head = nodes_csv.read_text(encoding="utf-8").splitlines()[0].split(",")
    e_head = edges_csv.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert n_head[0] == "id:ID" and n_head[-1] == ":LABEL" and "times_cited:int" in n_head
    assert e_head[:2] == [":START_ID", ":END_ID"] and e_head[-1] == ":TYPE"
    assert "CITES" in edges_csv.read_text(encoding="utf-8")
    assert set(FORMATS) == {"graphml", "gexf", "json", "parquet", "neo4j"}


def test_rendering_without_canonical_id_joins_its_text(tmp_path):
    con = store.connect(tmp_path / "s.duckdb")
    text = record("kh-1", [], canonical_id="id:kh-1", doc_type="Kế hoạch", symbol="1/KH-A")
    pdf = record("kh-1", [cite("Chỉ thị 48", CT48)], fmt="pdf")  # its header did not read
    other = record("kh-2", [], doc_type="Kế hoạch")
    for path, r in (("kh-1.txt", text), ("pdf/kh-1.pdf", pdf), ("kh-2.txt", other)):
        store.put_record(con, path, r, "s", 1, r.metadata.canonical_id)
    graph.rebuild(con)
    g = graph.load_graph(con)
    assert g.nodes["id:kh-1"]["paths"] == ["kh-1.txt", "pdf/kh-1.pdf"]
    assert "doc:kh-1" not in g and "doc:kh-2" in g
    assert not g.has_edge("id:kh-1", CT48)  # the text is the representative
    assert con.execute("SELECT node_id FROM documents WHERE path = 'pdf/kh-1.pdf'").fetchone()[0] == "id:kh-1"
    con.close()


def test_symbol_keys_follow_the_citation_grammar_when_present():
    pytest.importorskip("pipeline.citations.symbols")
    assert graph.symbol_key("09-CT/TW") == graph.symbol_key("9-ct/tw")
    assert graph.symbol_key("162/kh-bcđ") == graph.symbol_key("162/KH-BCĐ")


def test_sparse_pagerank_matches_networkx():
    import numpy as np
    from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python

    d = nx.gnp_random_graph(60, 0.05, seed=3, directed=True)
    d.add_nodes_from(range(60, 65))  # dangling and isolated documents
    expected = _pagerank_python(d)
    src, dst = (np.array(a, dtype=np.int64) for a in zip(*d.edges(), strict=True))
    ranks = graph.pagerank_arrays(d.number_of_nodes(), src, dst)
    assert max(abs(ranks[n] - expected[n]) for n in d) < 1e-6
    assert abs(ranks.sum() - 1.0) < 1e-9


def test_lookup_tables_follow_the_edges(con):
    cites = con.execute("SELECT count(*) FROM edges WHERE kind = 'cites'").fetchone()[0]
    assert con.execute("SELECT count(*) FROM citing").fetchone()[0] == cites
    bases = con.execute("SELECT count(*) FROM edges WHERE relation = 'basis'").fetchone()[0]
    assert con.execute("SELECT count(*) FROM bases").fetchone()[0] == bases > 0
