"""Legacy font encodings (TCVN3, VNI): tables, detection, conversion, and the same plan typed in each."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.blocks import Block
from pipeline.ingest.legacy import (
    TCVN3,
    VNI,
    convert_blocks,
    convert_legacy,
    convert_text,
    convert_with_origin,
    decode_legacy_bytes,
    describe_conversions,
    detect_legacy,
    legacy_chars,
    to_legacy,
)

ROOT = Path(__file__).resolve().parent.parent
TONES = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]  # none, grave, acute, hook, tilde, dot


def every_letter() -> list[str]:
    """Every Vietnamese letter with every tone mark, both cases, plus đ/Đ."""
    letters = []
    for vowel in "aăâeêioôơuưy":
        for tone in TONES:
            small = unicodedata.normalize("NFC", vowel + tone)
            letters += [small, small.upper()]
    return letters + ["đ", "Đ"]


def test_every_letter_is_134() -> None:
    assert len(set(every_letter())) == 12 * 6 * 2 + 2


@pytest.mark.parametrize("encoding", [TCVN3, VNI])
@pytest.mark.parametrize("letter", every_letter())
def test_every_letter_round_trips(encoding: str, letter: str) -> None:
    encoded = to_legacy(letter, encoding)
    assert all(ord(c) < 0x100 for c in encoded)
    assert convert_legacy(encoded, encoding) == (letter, None if encoded == letter else encoding)


@pytest.mark.parametrize("encoding", [TCVN3, VNI])
def test_every_letter_in_words_round_trips(encoding: str) -> None:
    words = " ".join(f"t{letter}n" for letter in every_letter())
    assert convert_legacy(to_legacy(words, encoding), encoding)[0] == words


def test_tcvn3_known_strings() -> None:
    assert convert_legacy("§Ýnh chÝnh QuyÕt ®Þnh") == ("Đính chính Quyết định", TCVN3)
    assert convert_legacy("§iÒu 1. Ph¹m vi ®iÒu chØnh") == ("Điều 1. Phạm vi điều chỉnh", TCVN3)
    assert convert_legacy("Chñ tÞch Uû ban nh©n d©n tØnh")[0] == "Chủ tịch Uỷ ban nhân dân tỉnh"


def test_tcvn3_capitals_font() -> None:
    """.VnTimeH draws lowercase codes as capitals; typed capitals mark such words too."""
    assert convert_legacy("CéNG HOµ X· HéI CHñ NGHÜA VIÖT NAM")[0] == "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert convert_legacy("quyÕt ®Þnh", ".VnTimeH") == ("QUYẾT ĐỊNH", TCVN3)
    assert convert_legacy("quyÕt ®Þnh", ".VnTime") == ("quyết định", TCVN3)


def test_tcvn3_windows_1252_punctuation_is_kept_outside_words() -> None:
    assert convert_legacy("“QuyÕt ®Þnh” sè 12 – n¨m 2024")[0] == "“Quyết định” số 12 – năm 2024"


def test_vni_known_strings() -> None:
    assert convert_legacy("Quyeát ñònh") == ("Quyết định", VNI)
    assert convert_legacy("Ñieàu 1. Phaïm vi ñieàu chænh") == ("Điều 1. Phạm vi điều chỉnh", VNI)
    assert (
        convert_legacy("COÄNG HOØA XAÕ HOÄI CHUÛ NGHÓA VIEÄT NAM")[0] == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    )
    # ơ/ư are one byte and take the tone byte after them
    assert convert_legacy("ñöôïc vôùi", "VNI-Times") == ("được với", VNI)


def test_unicode_text_is_left_alone() -> None:
    for text in ["Căn cứ Nghị định số 49/2020/NĐ-CP", "Tôi là ai", "café José má", "Hà Nội", "plain ASCII"]:
        assert detect_legacy(text) is None
        assert convert_legacy(text) == (text, None)
    # a font hint does not override letters only Unicode has
    assert convert_legacy("Quyết định", ".VnTime") == ("Quyết định", None)


def test_origin_follows_conversion() -> None:
    text, origin, encoding = convert_with_origin("Quyeát ñònh", list(range(100, 111)))
    assert encoding == VNI
    assert unicodedata.normalize("NFC", text) == "Quyết định"
    assert len(origin) == len(text)
    assert origin[:4] == [100, 101, 102, 103] and origin[4] == 105  # "eá" -> one letter from offset 103


def test_blocks_are_converted_with_warning() -> None:
    blocks = [
        Block(kind="paragraph", text="Kế hoạch"),
        Block(kind="paragraph", text="§iÒu 1. Ph¹m vi"),
        Block(kind="paragraph", text="Tr¸ch nhiÖm thi hµnh"),
        Block(kind="paragraph", text="Quyeát ñònh"),
    ]
    warnings = convert_blocks(blocks)
    assert [b.text for b in blocks] == ["Kế hoạch", "Điều 1. Phạm vi", "Trách nhiệm thi hành", "Quyết định"]
    assert warnings == ["paragraphs 2-3 converted from TCVN3", "paragraph 4 converted from VNI"]
    assert describe_conversions([]) == []


def test_ambiguous_line_takes_the_encoding_around_it() -> None:
    """`Sè` is a Unicode word too; between TCVN3 lines it is TCVN3 `Số`."""
    blocks = [Block(kind="header_left", text="UBND TØNH QU¶NG NG·I\nSè: 15/KH-SYT\nQu¶ng Ng·i, ngµy 10")]
    assert convert_blocks(blocks) == ["paragraph 1 converted from TCVN3"]
    assert blocks[0].text == "UBND TỈNH QUẢNG NGÃI\nSố: 15/KH-SYT\nQuảng Ngãi, ngày 10"


def test_a_stray_legacy_line_does_not_convert_unicode_neighbours() -> None:
    """A Unicode form with one TCVN3 remnant (`L\xadu`, soft hyphen = ư), as published on a portal."""
    lines = ["Quê quán: ……", "Con ông: ……", "Ghi chú:", "- L\xadu: VT,….", "Xã…."]
    blocks = [Block(kind="paragraph", text=line) for line in lines]
    assert convert_blocks(blocks) == ["paragraph 4 converted from TCVN3"]
    assert [b.text for b in blocks] == ["Quê quán: ……", "Con ông: ……", "Ghi chú:", "- Lưu: VT,….", "Xã…."]


def test_signs_are_not_letters() -> None:
    for text in ["50 ÷80 | 80 ÷ 160", "CE = RWA × CAR", "1 | Báo cáo | Ö | Ö"]:
        assert detect_legacy(text) is None


def test_legacy_bytes_file() -> None:
    data = "Céng hßa x· héi chñ nghÜa ViÖt Nam\n§éc lËp - Tù do - H¹nh phóc\n".encode("latin-1")
    text = decode_legacy_bytes(data)
    assert text is not None and convert_legacy(text.split("\n")[0])[0] == "Cộng hòa xã hội chủ nghĩa Việt Nam"
    assert decode_legacy_bytes("Cộng hòa".encode()) is None


def _corpus_words() -> list[str]:
    words: set[str] = set()
    for path in sorted((ROOT / "corpus").glob("*.txt")):
        words.update(w.strip(".,;:()“”\"'") for w in path.read_text("utf-8").split())
    return sorted(w for w in words if w and not w.isascii())


WORDS = _corpus_words()
# words made only of Latin-1 letters look most like legacy codes: draw them often
LATIN1_WORDS = [w for w in WORDS if all(ord(c) < 0x100 for c in w)]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(WORDS),
            st.sampled_from(LATIN1_WORDS),
            st.sampled_from(["1.", "-", "và", "24/2025"]),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_unicode_vietnamese_is_never_converted(words: list[str]) -> None:
    text = " ".join(words)
    assert detect_legacy(text) is None
    assert convert_legacy(text) == (text, None)


@pytest.mark.parametrize("encoding", [TCVN3, VNI])
def test_pdf_text_layer_in_a_legacy_font(encoding: str) -> None:
    """A PDF whose text layer holds legacy codes (its font drew them as Vietnamese) reads back as Unicode."""
    fpdf = pytest.importorskip("fpdf", reason="fpdf2 builds the test PDF")
    from pipeline.ingest.pdf import read_pdf

    lines = [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Căn cứ Nghị định số 49/2020/NĐ-CP ngày 17 tháng 4 năm 2020 của Chính phủ;",
        "Điều 1. Phạm vi điều chỉnh",
    ]  # no ư: TCVN3 types it as a soft hyphen (0xAD), which fpdf2 drops when it writes the page
    pdf = fpdf.FPDF(unit="pt", format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", "", 12)  # a core font: one byte per character, as the old fonts were
    for line in lines:
        pdf.cell(500, 20, to_legacy(line, encoding, as_typed=True), new_x="LMARGIN", new_y="NEXT")
    ingested = read_pdf(bytes(pdf.output()), "old.pdf", "s")
    # the PDF reader converts by itself once it calls `convert_blocks`; a second call changes nothing
    warnings = [w for w in ingested.warnings if "converted from" in w] + convert_blocks(ingested.blocks)
    assert " ".join(" ".join(b.text.split()) for b in ingested.blocks) == " ".join(lines)
    assert warnings and all(w.endswith(f"converted from {encoding}") for w in warnings)


def _chars(text: str, font: str, x: float = 0.0) -> list[dict]:
    return [{"text": c, "fontname": font, "x0": x + 6 * i, "x1": x + 6 * i + 5} for i, c in enumerate(text)]


def test_pdf_characters_by_font_name() -> None:
    """Subset-prefixed font names, capitals fonts, VNI letter + mark pairs and Unicode runs around them."""
    chars = (
        _chars("quyÕt ®Þnh", "ABCDEF+.VnTimeH")
        + _chars(" Hà Nội ", "TimesNewRomanPSMT", 100)
        + _chars("Quyeát ñònh", "VNI-Times", 200)
        + _chars(" “sè”", "BCDEFG+.VnTime-Bold", 300)
    )
    out = legacy_chars(chars)
    assert "".join(c["text"] for c in out) == "QUYẾT ĐỊNH Hà Nội Quyết định “số”"
    composed = next(c for c in out if c["text"] == "ế" and c["fontname"] == "VNI-Times")
    assert (composed["x0"], composed["x1"]) == (200 + 6 * 3, 200 + 6 * 4 + 5)  # the box of `eá`
    assert {c.get("legacy") for c in out} == {None, TCVN3, VNI}
    assert legacy_chars(_chars("Hà Nội", "Arial")) == _chars("Hà Nội", "Arial")


def test_convert_text_keeps_a_map_to_the_source() -> None:
    source = "Kế hoạch số 5\nQuyeát ñònh soá 12\nCăn cứ"
    text, index, warnings = convert_text(source)
    assert text == "Kế hoạch số 5\nQuyết định số 12\nCăn cứ"
    assert warnings == ["line 2 converted from VNI"]
    assert index is not None and len(index) == len(text)
    assert all(source[index[i]] == c for i, c in enumerate(text) if c.isascii())  # ASCII stays in place
    assert source[index[text.index("Quyết") + 3]] == "e"  # a composed letter points at its base letter
    assert convert_text("Căn cứ Nghị định") == ("Căn cứ Nghị định", None, [])
