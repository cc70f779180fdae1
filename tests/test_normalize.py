"""Normalization: NFC, one tone-mark placement, spaces; the map back to the source; assembling a Doc."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.blocks import Block, Ingested
from pipeline.normalize import assemble, normalize_text, normalize_tones


def norm(text: str) -> str:
    return normalize_text(text)[0]


def test_nfc_composition_and_origin() -> None:
    decomposed = unicodedata.normalize("NFD", "Cộng hòa")
    text, origin = normalize_text(decomposed, list(range(len(decomposed))))
    assert text == "Cộng hòa"
    assert len(origin) == len(text)
    # each composed letter maps to the first source character of its cluster
    assert [decomposed[i] for i in origin][:2] == ["C", "o"]


def test_one_tone_mark_placement() -> None:
    assert normalize_tones("Cộng hoà") == "Cộng hòa"
    assert norm("thuý khoẻ uỷ ban hoà giải") == "thúy khỏe ủy ban hòa giải"
    # syllables with a final consonant have one placement only: untouched
    assert norm("hoàn thành, khoảng, thuyết") == "hoàn thành, khoảng, thuyết"
    assert norm("hòa") == "hòa"


def test_spaces() -> None:
    assert norm("a\u00a0b\u2009c\u3000d") == "a b c d"
    assert norm("phòng\u200b chống\u00ad tội") == "phòng chống tội"
    assert norm("  Điều   1.  \n\n  Phạm vi  ") == "Điều 1.\nPhạm vi"
    assert norm("\t tab\tseparated ") == "tab separated"


def test_origin_follows_deletions() -> None:
    src = "  Số:   05/HD \u200bCCB "
    text, origin = normalize_text(src, list(range(len(src))))
    assert text == "Số: 05/HD CCB"
    assert len(origin) == len(text)
    for i, c in enumerate(text):
        if c != " ":
            assert src[origin[i]] == c


def test_assemble_places_blocks_and_pages() -> None:
    ingested = Ingested(
        path="x.pdf",
        format="pdf",
        sha256="0" * 64,
        blocks=[
            Block(kind="header_left", text="ỦY BAN NHÂN DÂN\nTỈNH  QUẢNG NGÃI", page=1),
            Block(kind="paragraph", text="   ", page=1),  # empty after normalizing: dropped
            Block(kind="paragraph", text="Cộng hoà  xã hội", page=1),
            Block(kind="table", text="", page=2, rows=[["TT", " Nội  dung "], ["1", "hoà giải"]]),
            Block(kind="footnote", text="Theo Quyết định số 793/QĐ-TTg.", page=2, label="1"),
        ],
        pages=2,
    )
    doc = assemble(ingested)
    assert doc.text == "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI\nCộng hòa xã hội\n\nTheo Quyết định số 793/QĐ-TTg."
    assert [b.kind for b in doc.blocks] == ["header_left", "paragraph", "table", "footnote"]
    assert [doc.block_text(b) for b in doc.blocks][1] == "Cộng hòa xã hội"
    assert doc.blocks[2].rows == [["TT", "Nội dung"], ["1", "hòa giải"]]
    assert doc.blocks[3].label == "1"
    assert doc.page_at(doc.text.index("Theo")) == 2
    assert doc.block_at(doc.text.index("xã")).kind == "paragraph"
    assert doc.source_map == []  # PDF blocks carry no source offsets
    assert doc.pages == 2


def test_assemble_source_map() -> None:
    src = "Dòng một\n\nDòng  hai"
    ingested = Ingested(
        path="x.txt",
        format="text",
        sha256="0" * 64,
        blocks=[Block(kind="paragraph", text="Dòng một", origin=list(range(8))), Block(kind="paragraph", text="Dòng  hai", origin=list(range(10, 19)))],
    )
    doc = assemble(ingested)
    assert doc.text == "Dòng một\nDòng hai"
    assert len(doc.source_map) == len(doc.text)
    assert doc.source_map[doc.text.index("\n")] == -1
    for i, c in enumerate(doc.text):
        if doc.source_map[i] >= 0 and c != " ":
            assert src[doc.source_map[i]] == c


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aoà uyý\u0300\u0301\n\t\u00a0\u200bĐđ.,Ơơ")), max_size=60))
def test_normalize_text_properties(text: str) -> None:
    out, origin = normalize_text(text, list(range(len(text))))
    assert unicodedata.is_normalized("NFC", out)
    assert len(origin) == len(out)
    assert "  " not in out and "\n\n" not in out
    assert all(line == line.strip(" ") for line in out.split("\n"))
    assert not any(c in out for c in "\t\u00a0\u200b")
    assert all(0 <= i < len(text) for i in origin)
    assert norm(out) == out  # idempotent
