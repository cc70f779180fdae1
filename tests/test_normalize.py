"""Normalization: NFC, one tone-mark placement, spaces; the map back to the source; assembling a Doc."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.blocks import Block, Ingested, SourceMap
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


def test_composition_only_where_it_changes_something() -> None:
    assert norm("\u2126") == "\u03a9"  # a compatibility character without marks (OHM SIGN)
    text, origin = normalize_text("x\u0300 o\u0300", list(range(10, 15)))
    assert text == "x\u0300 ò"
    assert list(origin) == [10, 11, 12, 13]  # 'x' + mark has no composed form: each keeps its offset


# The placement rule as a regex over the whole text: a word of up to five letters ending in the pair.
_TONE_WORD = re.compile(r"\b\w{0,3}(?:[oO][àáảãạèéẻẽẹÀÁẢÃẠÈÉẺẼẸ]|[uU][ỳýỷỹỵỲÝỶỸỴ])\b")


def test_tone_rewrite_touches_short_syllables_only() -> None:
    assert normalize_tones("khoẻ, Thuý; hoà.") == "khỏe, Thúy; hòa."
    assert normalize_tones("xyzhoà hoàn") == "xyzhoà hoàn"  # six letters; a final consonant


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("hktxoOuUàÀýỳ ,.\n_1")), max_size=40))
def test_tone_rewrite_agrees_with_the_word_pattern(text: str) -> None:
    from pipeline.normalize import _tone

    assert normalize_tones(text) == _TONE_WORD.sub(lambda m: _tone(m.group()), text)


def test_source_map_reads_like_the_list_it_stands_for() -> None:
    offsets = [5, 6, 7, -1, -1, 10, 11, 3]
    m = SourceMap(offsets)
    assert len(m) == 8 and list(m) == offsets and m == offsets
    assert len(m.starts) == 4  # runs, not one int per character
    assert (m[2], m[3], m[-1]) == (7, -1, 3)
    assert m[1:6] == offsets[1:6]
    assert [1, 2] + m == [1, 2, *offsets] and m + [9] == [*offsets, 9]
    assert SourceMap.span(100, 3) == [100, 101, 102] and SourceMap.made_up(2) == [-1, -1]
    assert SourceMap() == [] and not SourceMap()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(-1, 40), max_size=30), st.integers(0, 35), st.integers(0, 35))
def test_source_map_slices_and_joins_like_a_list(offsets: list[int], a: int, b: int) -> None:
    m = SourceMap(offsets)
    assert m[a:b] == offsets[a:b]
    joined = SourceMap()
    joined.extend(m, a, b)
    joined.extend(m)
    joined.append_made_up(2)
    assert joined == offsets[a:b] + offsets + [-1, -1]
    assert SourceMap(list(joined)) == joined  # runs are merged the same however the map was built


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.integers(-1, 12), max_size=6), max_size=5))
def test_source_maps_joined_in_one_loop_as_one_by_one(parts: list[list[int]]) -> None:
    expected: list[int] = []
    for k, offsets in enumerate(parts):
        expected += ([-1] if k else []) + offsets
    maps = [SourceMap(offsets) for offsets in parts]
    assert SourceMap.joined(maps, [len(p) for p in parts]) == expected


_PIECES = ["a", "o", " ", "\n", "\t", "\u00a0", "\u200b", "\u0300", "hoà", "Đ"]
_EDGY = st.lists(st.sampled_from(_PIECES), max_size=8).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(_EDGY, min_size=1, max_size=5))
def test_blocks_normalized_together_come_out_as_if_alone(texts: list[str]) -> None:
    """`assemble` normalizes all blocks in one pass; each must come out as `normalize_text` gives it."""
    blocks = [Block(kind="paragraph", text=t, origin=SourceMap.span(100 * i, len(t))) for i, t in enumerate(texts)]
    doc = assemble(Ingested(path="x.txt", format="text", sha256="", blocks=blocks))
    alone = [normalize_text(t, SourceMap.span(100 * i, len(t))) for i, t in enumerate(texts)]
    kept = [(t, origin) for t, origin in alone if t]
    assert doc.text == "\n".join(t for t, _ in kept)
    assert [doc.block_text(b) for b in doc.blocks] == [t for t, _ in kept]
    expected = SourceMap()
    for k, (_, origin) in enumerate(kept):
        if k:
            expected.append_made_up(1)
        expected.extend(origin)
    assert doc.source_map == expected
