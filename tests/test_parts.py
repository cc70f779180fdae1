"""Footnotes, tables and appendix-only files in the record."""

from __future__ import annotations

from pathlib import Path

from pipeline.blocks import Block, Ingested
from pipeline.extract import extract_doc, extract_file
from pipeline.normalize import assemble

REAL = Path(__file__).resolve().parents[1] / "corpus" / "real"


def test_footnotes_keep_their_anchor_and_tables_their_rows() -> None:
    doc = assemble(
        Ingested(
            "x.txt",
            "text",
            "0",
            [
                Block("paragraph", "Thực hiện Kế hoạch số 12/KH-UBND[1] như sau:"),
                Block("table", "TT | Nội dung\n1 | Tuyên truyền", rows=[["TT", "Nội dung"], ["1", "Tuyên truyền"]]),
                Block("footnote", "Kế hoạch năm 2024.", label="1"),
            ],
        )
    )
    record = extract_doc(doc)
    assert [f.label for f in record.footnotes] == ["1"]
    anchor = record.footnotes[0].anchor
    assert anchor is not None and record.text[anchor : anchor + 3] == "[1]"
    assert record.tables[0].rows == [["TT", "Nội dung"], ["1", "Tuyên truyền"]]
    assert record.text[record.tables[0].start : record.tables[0].end].startswith("TT | Nội dung")


def test_an_appendix_alone_takes_its_parents_type_and_keeps_its_tables() -> None:
    record = extract_file(REAL / "annex-qd-2061-ubnd-danh-muc-cong-viec-2026.pdf")
    assert record.metadata.doc_type == "Quyết định"
    assert record.metadata.appendix_of and record.metadata.appendix_of.startswith("Quyết định số")
    assert record.metadata.symbol == "2061/QĐ-UBND" and record.metadata.number_stamped
    assert record.tables and all(t.page for t in record.tables)
    assert sum(len(t.rows) for t in record.tables) > 50
