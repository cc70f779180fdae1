"""Legal documents in one corpus: every spelling of a cited document meets its record's node.

The three texts under `tests/data/legal/` form a chain as real ones do: a
circular (Thông tư) rests on a decree cited three ways (`Nghị định số
78/2025/NĐ-CP ngày ...`, `Nghị định 78/2025/NĐ-CP`, `Nghị định số 78`), and the
decree rests on a law cited by name and date only (`Luật Tổ chức Chính phủ
ngày 18 tháng 02 năm 2025`), whose own record carries its number.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline import queries
from pipeline.runner import run_corpus
from pipeline.stats import corpus_stats, longest_chain

LEGAL = Path(__file__).parent / "data" / "legal"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("legal")
    for f in LEGAL.glob("*.txt"):
        shutil.copy(f, root / f.name)
    db = root / "store.duckdb"
    run_corpus(root, db=db)
    con = queries.open_store(db)
    yield con
    con.close()


def test_every_record_carries_the_id_its_citations_get(store) -> None:
    rows = dict(store.execute("SELECT doc_id, canonical_id FROM documents").fetchall())
    assert rows["nd-78-2025-nd-cp"] == "nghi-dinh:78/2025/nd-cp"
    assert rows["luat-63-2025-qh15"].startswith("luat:to-chuc-chinh-phu")


def test_three_spellings_of_a_decree_meet_in_its_node(store) -> None:
    targets = store.execute(
        "SELECT text, target_id FROM citations WHERE path LIKE 'tt-%' AND doc_type = 'Nghị định'"
    ).fetchall()
    assert len(targets) == 3
    assert {t for _, t in targets} == {"nghi-dinh:78/2025/nd-cp"}
    node = queries.find_node(store, "78/2025/NĐ-CP")
    assert node.id == "nghi-dinh:78/2025/nd-cp" and node.in_corpus


def test_law_cited_by_name_and_date_meets_its_record(store) -> None:
    law = queries.find_node(store, "luat-63-2025-qh15")
    citing = queries.cited_by(store, law.id)
    assert [c.node.id for c in citing] == ["nghi-dinh:78/2025/nd-cp"]
    assert citing[0].relation == "basis"


def test_basis_chain_runs_up_to_the_law(store) -> None:
    tree = queries.basis(store, "tt-05-2025-tt-btp")
    decree = tree.bases[0]
    assert decree.node.id == "nghi-dinh:78/2025/nd-cp"
    assert [b.node.id for b in decree.bases] == [queries.find_node(store, "luat-63-2025-qh15").id]


def test_stats_count_what_lands_in_the_corpus(store) -> None:
    s = corpus_stats(store)
    assert s.documents == 3 and s.records == 3
    assert s.citations_to_corpus >= 4 and s.share_to_corpus == 1.0
    assert len(s.longest_basis_chain) == 3
    assert s.largest_component == 3


def test_longest_chain_survives_mutual_citations() -> None:
    import networkx as nx

    d = nx.DiGraph([("a", "b"), ("b", "c"), ("c", "b"), ("c", "d")])
    chain = longest_chain(d)
    assert chain[0] == "a" and chain[-1] == "d"


def _doc(text: str):
    from pipeline.blocks import Block, Ingested
    from pipeline.normalize import assemble

    return assemble(Ingested("x.txt", "text", "0", [Block("paragraph", text)]))


def test_a_pinpoint_ends_a_law_name() -> None:
    from models.record import Metadata
    from pipeline.citations import find_citations

    doc = _doc("Căn cứ Luật Thuế giá trị gia tăng và Điều 4 Nghị định số 181/2025/NĐ-CP của Chính phủ;")
    found = [(c.doc_type, c.name or c.symbol) for c in find_citations(doc, Metadata(), [])]
    assert found == [("Luật", "Luật Thuế giá trị gia tăng"), ("Nghị định", "181/2025/NĐ-CP")]


def test_corpus_document_id_wins_for_its_symbol() -> None:
    """A law cited by its bare symbol meets the law's record, whose id is built from its name."""
    from pipeline.citations import resolve_corpus
    from pipeline.extract import extract_doc, extract_file

    law = extract_file(LEGAL / "luat-63-2025-qh15.txt")
    citing = extract_doc(_doc("Căn cứ Luật số 63/2025/QH15; thực hiện theo 63/2025/QH15."))
    resolve_corpus([law, citing])
    assert law.metadata.canonical_id
    assert {c.target_id for c in citing.citations} == {law.metadata.canonical_id}
