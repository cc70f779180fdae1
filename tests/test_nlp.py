"""spaCy integration: the registered component and record_to_spacy fill span groups."""

from __future__ import annotations

from pathlib import Path

from spacy import displacy

from pipeline.extract import extract_file
from pipeline.nlp import SPAN_KEYS, blank_vi, record_to_spacy

ROOT = Path(__file__).resolve().parent.parent
TEXT = (
    "Căn cứ Luật Phòng, chống ma túy số 73/2021/QH14;\n"
    "Thực hiện Kế hoạch số 34, 36, 37/KH-BCĐ ngày 20/02/2024 của Ban Chỉ đạo tỉnh, Ban Chỉ đạo huyện xây dựng kế hoạch."
)


def test_component_puts_citations_in_span_group() -> None:
    nlp = blank_vi()
    nlp.add_pipe("vbgraph_citations")
    doc = nlp(TEXT)
    spans = doc.spans["citations"]
    assert [s._.citation.symbol for s in spans] == ["73/2021/QH14", "34/KH-BCĐ", "36/KH-BCĐ", "37/KH-BCĐ"]
    assert spans[0].text.startswith("Luật Phòng, chống ma túy số 73/2021/QH14")
    assert all(s._.citation.relation == "basis" for s in spans)
    assert spans[1].label_ == "Kế hoạch · basis"
    html = displacy.render(doc, style="span", options={"spans_key": "citations"})
    assert "Kế hoạch · basis" in html


def test_record_to_spacy_fills_every_group() -> None:
    record = extract_file(ROOT / "corpus" / "hd-05-ccb-2024.txt")
    doc = record_to_spacy(record)
    assert set(SPAN_KEYS) <= set(doc.spans)
    assert doc.text == record.text
    assert len(doc.spans["citations"]) == len(record.citations) > 0
    for span, citation in zip(doc.spans["citations"], record.citations, strict=True):
        assert span._.citation is citation
        assert span.start_char <= citation.start and span.end_char >= citation.end
    assert len(doc.spans["deadlines"]) == len(record.deadlines)
    assert len(doc.spans["assignments"]) == len(record.assignments)
