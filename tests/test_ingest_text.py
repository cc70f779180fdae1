"""The text reader: encodings, errors, Markdown-ish text, raw PDF text, header and closing blocks."""

from __future__ import annotations

import codecs
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.ingest import IngestError, ingest, ingest_bytes, sniff
from pipeline.ingest.text import ends_sentence
from pipeline.normalize import assemble


def blocks(text: str | bytes, path: str = "doc.txt") -> list[tuple[str, str]]:
    data = text.encode("utf-8") if isinstance(text, str) else text
    doc = assemble(ingest_bytes(data, path))
    return [(b.kind, doc.block_text(b)) for b in doc.blocks]


def texts(text: str | bytes, kind: str | None = None) -> list[str]:
    return [t for k, t in blocks(text) if kind is None or k == kind]


def error_of(data: bytes, path: str) -> IngestError:
    with pytest.raises(IngestError) as info:
        ingest_bytes(data, path)
    assert info.value.path == path
    assert path in str(info.value)
    return info.value


SAMPLE = "Kế hoạch công tác năm 2024 của Ban Chỉ đạo.\n\nĐiều 1. Phạm vi áp dụng.\n"

# ---------------------------------------------------------------- format and encodings


def test_format_from_content_not_suffix() -> None:
    assert sniff(b"%PDF-1.7\n...") == "pdf"
    assert sniff(b"\n  %PDF-1.4") == "pdf"
    assert sniff(SAMPLE.encode()) == "text"
    # a text file named .md or with no suffix is read as text all the same
    assert texts(SAMPLE.encode(), None) == texts(SAMPLE)
    assert ingest_bytes(SAMPLE.encode(), "no-suffix").format == "text"


@pytest.mark.parametrize(
    "data",
    [
        SAMPLE.encode("utf-8"),
        codecs.BOM_UTF8 + SAMPLE.encode("utf-8"),
        codecs.BOM_UTF16_LE + SAMPLE.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + SAMPLE.encode("utf-16-be"),
        SAMPLE.encode("utf-16-le"),
        SAMPLE.encode("utf-16-be"),
        SAMPLE.replace("\n", "\r\n").encode("utf-8"),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf16le", "utf16be", "crlf"],
)
def test_encodings_read_the_same(data: bytes) -> None:
    assert blocks(data) == blocks(SAMPLE)


def test_undecodable_text_names_the_file_and_the_byte() -> None:
    err = error_of("Kế hoạch số 5".encode("cp1258", errors="replace") + b"\xe9\xff", "old.txt")
    assert err.error == "undecodable_text"
    assert "UTF-8" in err.reason and "0x" in err.reason


def test_empty_and_blank_files() -> None:
    assert error_of(b"", "empty.txt").error == "empty_file"
    assert error_of(b"  \n\n\t \n", "blank.txt").error == "empty_file"


def test_binary_file() -> None:
    err = error_of(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "picture.txt")
    assert err.error == "binary_file"


def test_file_named_pdf_that_is_not_a_pdf() -> None:
    err = error_of(b"just some text, not a PDF", "report.pdf")
    assert err.error == "not_a_pdf"


def test_unreadable_path(tmp_path) -> None:
    with pytest.raises(IngestError) as info:
        ingest(tmp_path / "missing.txt")
    assert info.value.error == "unreadable_file"


# ---------------------------------------------------------------- Markdown-ish text

MARKDOWN = """\
## KẾ HOẠCH

**Công tác phòng, chống tội phạm\x20\x20
năm 2024**

Thực hiện Kế hoạch số 34/KH-BCĐ, Ban Chỉ đạo ban hành kế hoạch như sau:

### **1. Công tác tuyên truyền.**

### ***3. Công tác phòng, chống mại dâm.***

Phối hợp với các lực lượng về công tác phòng chống tội phạm<sup>1</sup>, tổ chức tốt các hoạt động và tham gia tích

<sup>1</sup> Kết luận số 13-KL/TW ngày 16/8/2021 của Bộ Chính trị về công tác phòng,



cực các đợt cao điểm tấn công tội phạm. Gửi bài về email: [a@b.vn](mailto:a@b.vn).

Hưởng ứng phong trào theo thông báo số 286/Tb-V01, tích cực

---

chống tội phạm trong tình hình mới.

<sup>2</sup> Theo Quyết định số 793/QĐ-TTg ngày 10/5/2016.

Quyết định số 8014/QĐ-BCA-H01 ngày 14/12/2018 của Bộ Công an.



tham gia xây dựng phong trào toàn dân bảo vệ ANTQ.
"""


def test_markdown_markup_goes_but_what_it_said_stays() -> None:
    got = blocks(MARKDOWN)
    assert ingest_bytes(MARKDOWN.encode(), "x.md").format == "markdown"
    text = "\n".join(t for _, t in got)
    assert "*" not in text and "#" not in text and "<sup>" not in text
    assert ("heading", "KẾ HOẠCH") in got
    # a wholly bold paragraph is a heading, its hard-broken lines joined
    assert ("heading", "Công tác phòng, chống tội phạm năm 2024") in got
    assert ("heading", "1. Công tác tuyên truyền.") in got
    # `***3. ...***`: no stray asterisk left on the heading
    assert ("heading", "3. Công tác phòng, chống mại dâm.") in got
    # a link keeps its text, not its address
    assert "email: a@b.vn." in text and "mailto" not in text


def test_markdown_footnotes_are_linked_to_their_anchors() -> None:
    got = blocks(MARKDOWN)
    notes = {t.split()[0]: t for k, t in got if k == "footnote"}
    paras = [t for k, t in got if k == "paragraph"]
    assert any("phòng chống tội phạm[1], tổ chức" in p for p in paras)
    doc = assemble(ingest_bytes(MARKDOWN.encode(), "x.md"))
    labels = [b.label for b in doc.blocks if b.kind == "footnote"]
    assert labels == ["1", "2"]
    # footnote 1 goes on after the `---` rule on the next page
    assert notes["Kết"].endswith("công tác phòng, chống tội phạm trong tình hình mới.")
    # footnote 2's second paragraph, before the page break, belongs to it
    assert "8014/QĐ-BCA-H01" in notes["Theo"]
    assert not any("8014" in p for p in paras)


def test_markdown_paragraph_cut_by_footnote_and_page_break_is_one() -> None:
    paras = texts(MARKDOWN, "paragraph")
    assert any("tham gia tích cực các đợt cao điểm tấn công tội phạm." in p for p in paras)
    assert any(p.endswith("thông báo số 286/Tb-V01, tích cực tham gia xây dựng phong trào toàn dân bảo vệ ANTQ.") for p in paras)


# ---------------------------------------------------------------- raw PDF text

RAW = """\
 KẾ HOẠCH \n\
\n\
Triển khai công tác phòng, chống tội phạm năm 2024 \n\
\n\
Thực hiện Kế hoạch số 34, 36, 37/KH-BCĐ ngày 20/02/2024 của Ban Chỉ \n\
\n\
đạo phòng, chống tội phạm, tệ nạn xã hội và xây dựng phong trào toàn dân bảo vệ \n\
\n\
ANTQ tỉnh, Ban Chỉ đạo Thành phố xây dựng kế hoạch triển khai thực hiện như sau: \n\
\n\
I. MỤC ĐÍCH, YÊU CẦU \n\
\n\
1. Phát huy sức mạnh tổng hợp của hệ thống chính trị và toàn xã hội tích cực \n\
\n\
tham gia vào công tác phòng, chống tội phạm; phòng, chống ma túy; phòng, chống \n\
\n\
mua bán người. \n\
\n\
2. Tiếp tục phát huy sức mạnh tổng hợp của cả hệ thống chính trị và toàn dân \n\
\n\
tham gia phòng, chống tội phạm; tổ chức tập huấn, hướng dẫn, bồi dưỡng kiến thức \n\
\n\
về \n\
                                                 \n\
1 Phương thức, thủ đoạn cũ, hành vi cũ nhưng được tội phạm áp dụng theo hình thức \n\
mới; Phương thức, thủ đoạn mới. \n\
\n\
 pháp luật nhằm nâng cao chất lượng đội ngũ hòa giải tại cơ sở góp phần hạn chế \n\
\n\
nguyên nhân phát sinh tội phạm. \n\
\n\
- Giảm ít nhất 05% số vụ phạm tội về trật tự xã hội so với năm 2023; tỷ lệ điều \n\
\n\
tra đạt trên 85%. \n\
\n\
a) Điểm thứ nhất của kế hoạch này được giao cho Công an Thành phố thực hiện \n\
\n\
b) Điểm thứ hai \n\
"""


def test_raw_pdf_text_is_reflowed_into_paragraphs() -> None:
    got = blocks(RAW)
    assert ingest_bytes(RAW.encode(), "raw.txt").format == "text"
    paras = [t for k, t in got if k == "paragraph"]
    assert paras[0] == "KẾ HOẠCH"
    assert paras[1] == "Triển khai công tác phòng, chống tội phạm năm 2024"
    # hard-wrapped lines, blank lines between them, an abbreviation in capitals at a line start
    assert paras[2].startswith("Thực hiện Kế hoạch số 34, 36, 37/KH-BCĐ ngày 20/02/2024 của Ban Chỉ đạo phòng")
    assert paras[2].endswith("bảo vệ ANTQ tỉnh, Ban Chỉ đạo Thành phố xây dựng kế hoạch triển khai thực hiện như sau:")
    assert "I. MỤC ĐÍCH, YÊU CẦU" in paras
    assert any(p.startswith("1. Phát huy") and p.endswith("phòng, chống mua bán người.") for p in paras)
    # the markers start paragraphs: 1., 2., -, a), b)
    starts = [p.split()[0] for p in paras]
    for marker in ("1.", "2.", "-", "a)", "b)"):
        assert marker in starts


def test_raw_pdf_text_footnote_in_mid_page() -> None:
    got = blocks(RAW)
    notes = [t for k, t in got if k == "footnote"]
    assert notes == ["Phương thức, thủ đoạn cũ, hành vi cũ nhưng được tội phạm áp dụng theo hình thức mới; Phương thức, thủ đoạn mới."]
    doc = assemble(ingest_bytes(RAW.encode(), "raw.txt"))
    assert [b.label for b in doc.blocks if b.kind == "footnote"] == ["1"]
    # the sentence the footnote interrupted is one paragraph
    assert any("bồi dưỡng kiến thức về pháp luật nhằm nâng cao" in t for k, t in got if k == "paragraph")


# ---------------------------------------------------------------- header and closing blocks

HEADED = """\
HỘI CỰU CHIẾN BINH VIỆT NAM\x20\x20
BAN CHỈ ĐẠO PCTP, TNXH

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\x20\x20
Độc lập - Tự do - Hạnh phúc

Hà Nội, ngày 11 tháng 01 năm 2024

Số: 05/HD-CCB

HỘI CỰU CHIẾN BINH T. LAO CAI\t
Số:\t155

## HƯỚNG DẪN

**Công tác phòng, chống tội phạm năm 2024**

Nội dung hướng dẫn được gửi tới các tỉnh, thành Hội để thực hiện./.

**Nơi nhận:**

- Vụ Tổng hợp Văn phòng Chính phủ;
- VP Thường trực BCĐ 138/CP
(P5.V01.BCA);
- Lưu: VT.

**TRƯỞNG BAN TUYÊN GIÁO\x20\x20
TRƯỞNG BAN CHỈ ĐẠO**

**Hồ Bá Vinh**

## Phụ lục

Nội dung phụ lục.
"""


def test_header_columns_and_registry_stamp() -> None:
    got = blocks(HEADED)
    assert got[0] == ("header_left", "HỘI CỰU CHIẾN BINH VIỆT NAM\nBAN CHỈ ĐẠO PCTP, TNXH\nSố: 05/HD-CCB")
    assert got[1] == ("header_right", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nHà Nội, ngày 11 tháng 01 năm 2024")
    assert got[2] == ("stamp", "HỘI CỰU CHIẾN BINH T. LAO CAI\nSố: 155")
    assert got[3] == ("heading", "HƯỚNG DẪN")


def test_recipients_and_signature_blocks() -> None:
    got = blocks(HEADED)
    assert (
        "recipients",
        "Nơi nhận:\n- Vụ Tổng hợp Văn phòng Chính phủ;\n- VP Thường trực BCĐ 138/CP (P5.V01.BCA);\n- Lưu: VT.",
    ) in got
    assert ("signature", "TRƯỞNG BAN TUYÊN GIÁO\nTRƯỞNG BAN CHỈ ĐẠO\nHồ Bá Vinh") in got
    # what follows the signature is read as body again
    assert got[-2:] == [("heading", "Phụ lục"), ("paragraph", "Nội dung phụ lục.")]


def test_no_header_block_without_header_lines() -> None:
    got = blocks(RAW)
    assert not any(k.startswith("header") for k, _ in got)


def test_source_offsets_follow_the_text() -> None:
    data = HEADED.encode()
    doc = assemble(ingest_bytes(data, "x.md"))
    source = data.decode()
    assert len(doc.source_map) == len(doc.text)
    for i, c in enumerate(doc.text):
        j = doc.source_map[i]
        if j >= 0 and c.strip():
            assert source[j] == c, (i, c, source[j])


# ---------------------------------------------------------------- the corpus


def test_corpus_hd05_fixes(corpus_dir) -> None:
    doc = assemble(ingest(corpus_dir / "hd-05-ccb-2024.txt"))
    paras = [doc.block_text(b) for b in doc.blocks if b.kind == "paragraph"]
    heads = [doc.block_text(b) for b in doc.blocks if b.kind == "heading"]
    notes = {b.label: doc.block_text(b) for b in doc.blocks if b.kind == "footnote"}
    # the paragraph cut by the `---` footnote rule and a page break is one again
    assert any("Ban Chỉ đạo 138/CP, tích cực tham gia và nâng cao chất lượng" in p for p in paras)
    assert not any(p.startswith("tham gia và nâng cao") for p in paras)
    # no stray `*` on the `***3. ...***` heading
    assert any(h.startswith("3. Công tác phòng, chống mại dâm") for h in heads)
    assert "*" not in doc.text
    assert set(notes) == {"1", "2", "3"}
    assert "chống tội phạm trong tình hình mới" in notes["1"]
    assert "8014/QĐ-BCA-H01" in notes["3"]
    kinds = [b.kind for b in doc.blocks]
    for kind in ("header_left", "header_right", "stamp", "recipients", "signature", "table"):
        assert kind in kinds


def test_corpus_every_text_reads(corpus_texts) -> None:
    assert len(corpus_texts) == 5
    for path in corpus_texts:
        doc = assemble(ingest(path))
        kinds = {b.kind for b in doc.blocks}
        assert {"paragraph", "recipients", "signature"} <= kinds, path.name
        assert "\n\n" not in doc.text


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('ab.:;!?)]”"/ \n\t\u00a0\u2003')), max_size=12))
def test_ends_sentence_reads_the_last_printed_character(s: str) -> None:
    ends = re.compile(r"[.:;!?)\]”\"]\s*$")  # the rule as a pattern
    assert ends_sentence(s) == bool(ends.search(s))


def test_plain_text_source_offsets_survive_joins_and_folds() -> None:
    source = (
        "ỦY BAN NHÂN DÂN\nTỈNH ĐẮK NÔNG\nSố: 162/KH-BCĐ\n\nKẾ HOẠCH\nPhòng, chống tội phạm\n\n"
        "1. Mục  đích, yêu cầu của kế\nhoạch này\n   a) Tuyên truyền\u00a0hoà giải.\n"
    )
    doc = assemble(ingest_bytes(source.encode(), "x.txt"))
    assert len(doc.source_map) == len(doc.text)
    assert "Mục đích, yêu cầu của kế hoạch này" in doc.text  # a wrapped line joined, a double space folded
    assert "Tuyên truyền hòa giải" in doc.text
    for i, c in enumerate(doc.text):
        j = doc.source_map[i]
        if j >= 0 and c.strip():
            # 'hoà' -> 'hòa' moves the tone mark within the syllable, offsets stay
            assert source[j] == c or (source[j], c) in {("o", "ò"), ("à", "a")}, (i, c, source[j])
        elif c.strip():
            raise AssertionError(f"printed character {c!r} at {i} has no source offset")
