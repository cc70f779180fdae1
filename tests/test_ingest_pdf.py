"""The PDF reader: layout cases and error cases on PDFs the tests build, and the corpus PDFs.

The PDFs are made with fpdf2 and a Unicode TrueType font (DejaVu Sans, from the
system fonts or from matplotlib when it is installed); the tests are skipped
when neither is there.
"""

from __future__ import annotations

import difflib
import io
import re
from pathlib import Path

import pytest

from pipeline.ingest import IngestError, ingest, ingest_bytes
from pipeline.normalize import assemble

fpdf = pytest.importorskip("fpdf", reason="fpdf2 builds the test PDFs (pip install fpdf2)")


def _font_dirs() -> list[Path]:
    dirs = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu")]
    try:
        import matplotlib  # noqa: PLC0415

        dirs.append(Path(matplotlib.get_data_path()) / "fonts" / "ttf")
    except ImportError:
        pass
    return dirs


def _font(name: str) -> Path:
    for d in _font_dirs():
        if (d / name).exists():
            return d / name
    pytest.skip(f"no {name} to build test PDFs with")


class Official(fpdf.FPDF):
    """An A4 page in points, DejaVu fonts, the page number at the top centre from page 2 on."""

    def __init__(self) -> None:
        super().__init__(format="A4", unit="pt")
        self.add_font("dv", "", str(_font("DejaVuSans.ttf")))
        self.add_font("dv", "B", str(_font("DejaVuSans-Bold.ttf")))
        self.set_margins(85, 60, 42)
        self.set_auto_page_break(True, margin=110)  # the page foot is kept for footnotes

    notes: dict[int, list[str]]

    def footer(self) -> None:
        """The page's footnotes, in small type under a short rule at the page foot."""
        lines = getattr(self, "notes", {}).get(self.page_no())
        if lines:
            footnotes(self, lines, y=745)

    def header(self) -> None:
        if self.page_no() > 1:
            self.set_font("dv", "", 11)
            self.set_xy(85, 30)
            self.cell(468, 14, str(self.page_no()), align="C")
            self.set_xy(85, 60)


def pdf_bytes(pdf: fpdf.FPDF) -> bytes:
    return bytes(pdf.output())


def read(data: bytes, path: str = "doc.pdf"):
    return assemble(ingest_bytes(data, path))


def kinds_texts(doc) -> list[tuple[str, str]]:
    return [(b.kind, doc.block_text(b)) for b in doc.blocks]


def paragraph(pdf: Official, text: str, size: float = 13, indent: float = 28) -> None:
    """A justified-left paragraph with a first-line indent, `^n` marking a superscript anchor."""
    pdf.set_font("dv", "", size)
    pdf.set_x(85 + indent)
    for part in re.split(r"(\^\d+)", text):
        if part.startswith("^"):
            pdf.char_vpos = "SUP"
            pdf.write(size * 1.25, part[1:])
            pdf.char_vpos = "LINE"
        elif part:
            pdf.write(size * 1.25, part)
    pdf.ln(size * 1.25 + 4)


def column(pdf: Official, x: float, y: float, w: float, lines: list[tuple[str, str, float]]) -> None:
    pdf.set_xy(x, y)
    for text, style, size in lines:
        pdf.set_font("dv", style, size)
        pdf.set_x(x)
        pdf.multi_cell(w, size * 1.3, text, align="C")


def footnotes(pdf: Official, lines: list[str], y: float = 730) -> None:
    """Footnote lines in small type at the page foot, under a short rule."""
    pdf.set_line_width(0.5)
    pdf.line(85, y, 200, y)
    pdf.set_font("dv", "", 8)
    pdf.set_xy(85, y + 3)
    for line in lines:
        pdf.set_x(85)
        pdf.multi_cell(468, 10, line)


BODY_1 = (
    "Thực hiện Kế hoạch số 34/KH-BCĐ ngày 20/02/2024 của Ban Chỉ đạo tỉnh về công tác phòng, chống tội "
    "phạm^1, Ủy ban nhân dân tỉnh xây dựng kế hoạch triển khai thực hiện như sau:"
)
FILLER = (
    "các cơ quan, đơn vị chủ động xây dựng kế hoạch, phối hợp chặt chẽ với lực lượng Công an cùng cấp "
    "trong việc nắm tình hình, kịp thời phát hiện, ngăn chặn các hành vi vi phạm pháp luật ở địa bàn dân cư."
)
LONG = (
    "Tăng cường công tác tuyên truyền, phổ biến, giáo dục pháp luật về phòng, chống tội phạm, tệ nạn xã hội "
    "trong các tầng lớp Nhân dân, nhất là ở các địa bàn trọng điểm, phức tạp về an ninh, trật tự; phát huy vai "
    "trò của các tổ chức chính trị - xã hội, các đoàn thể trong công tác phòng ngừa, phát hiện, tố giác tội "
    "phạm và giữ gìn an ninh, trật tự ở cơ sở, góp phần bảo đảm môi trường an ninh, an toàn phục vụ phát triển "
    "kinh tế - xã hội của địa phương trong năm 2024 và những năm tiếp theo theo đúng chỉ đạo của cấp trên"
)


@pytest.fixture(scope="module")
def official() -> bytes:
    return build_official()


def build_official() -> bytes:
    """A plan of a few pages in the official layout."""
    pdf = Official()
    pdf.notes = {
        1: ["1 Kết luận số 13-KL/TW ngày 16/8/2021 của Bộ Chính trị về tiếp tục thực hiện Chỉ thị số", "48-CT/TW ngày 22/10/2010 của Bộ Chính trị"],
        2: ["về tăng cường sự lãnh đạo của Đảng đối với công tác phòng, chống tội phạm.", "2 Theo Quyết định số 793/QĐ-TTg ngày 10/5/2016."],
    }
    pdf.add_page()
    top = 60
    column(pdf, 85, top, 200, [("ỦY BAN NHÂN DÂN", "", 10), ("TỈNH QUẢNG NGÃI", "B", 10), ("Số: 12/KH-UBND", "", 10)])
    column(
        pdf,
        300,
        top,
        253,
        [("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "B", 10), ("Độc lập - Tự do - Hạnh phúc", "B", 10), ("Quảng Ngãi, ngày 05 tháng 3 năm 2024", "", 10)],
    )
    pdf.set_xy(85, 140)
    pdf.set_font("dv", "B", 13)
    pdf.cell(468, 16, "KẾ HOẠCH", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(468, 16, "Phòng, chống tội phạm năm 2024", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    paragraph(pdf, BODY_1)
    pdf.set_font("dv", "B", 13)
    pdf.set_x(113)
    pdf.cell(300, 16, "I. MỤC ĐÍCH, YÊU CẦU", new_x="LMARGIN", new_y="NEXT")
    paragraph(pdf, "1. Phát huy sức mạnh tổng hợp của hệ thống chính trị trong công tác phòng, chống tội phạm.")
    for k in range(4):
        paragraph(pdf, f"- Nội dung thứ {k + 1}: " + FILLER)
    paragraph(pdf, LONG)  # runs over the page foot: a page break inside a sentence
    return pdf_bytes(_finish(pdf))


def _finish(pdf: Official) -> Official:
    paragraph(pdf, "2. Nâng cao hiệu quả công tác phối hợp^2 giữa các lực lượng.")
    # a ruled table
    pdf.set_font("dv", "", 10)
    pdf.ln(6)
    with pdf.table(col_widths=(40, 200, 100, 128), text_align="LEFT", line_height=13) as table:
        for row in (("TT", "Nội dung", "Thời gian", "Cơ quan chủ trì"), ("01", "Tổ chức hội nghị triển khai kế hoạch", "Quý I/2024", "Công an tỉnh"), ("02", "Kiểm tra, đánh giá", "Tháng 11/2024", "Sở Tư pháp")):
            r = table.row()
            for c in row:
                r.cell(c)
    pdf.ln(10)
    # a table without rules
    with pdf.table(col_widths=(40, 200, 100, 128), text_align="LEFT", line_height=13, borders_layout="NONE", first_row_as_headings=False) as table:
        for row in (("TT", "Nhiệm vụ", "Thời hạn", "Đơn vị"), ("1", "Báo cáo sơ kết 6 tháng", "10/6/2024", "Công an tỉnh"), ("2", "Báo cáo tổng kết năm", "10/12/2024", "Các sở, ngành")):
            r = table.row()
            for c in row:
                r.cell(c)
    pdf.ln(10)
    paragraph(pdf, "Yêu cầu các cơ quan, đơn vị triển khai thực hiện nghiêm túc./.")
    # the closing block: Nơi nhận left, signature right
    pdf.add_page()
    y = 90
    pdf.set_xy(85, y)
    pdf.set_font("dv", "B", 10)
    pdf.cell(200, 12, "Nơi nhận:", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("dv", "", 8)
    for line in ("- Bộ Công an (để b/c);", "- Thường trực Tỉnh ủy;", "- Lưu: VT, NC."):
        pdf.set_x(85)
        pdf.cell(200, 10, line, new_x="LMARGIN", new_y="NEXT")
    column(pdf, 330, y, 223, [("TM. ỦY BAN NHÂN DÂN", "B", 11), ("KT. CHỦ TỊCH", "B", 11), ("PHÓ CHỦ TỊCH", "B", 11), ("Nguyễn Văn An", "B", 11)])
    return pdf


def test_two_column_header(official: bytes) -> None:
    got = kinds_texts(read(official))
    assert got[0] == ("header_left", "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI\nSố: 12/KH-UBND")
    assert got[1] == ("header_right", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nQuảng Ngãi, ngày 05 tháng 3 năm 2024")
    assert got[2] == ("heading", "KẾ HOẠCH")
    assert got[3] == ("heading", "Phòng, chống tội phạm năm 2024")


def test_footnotes_and_anchors(official: bytes) -> None:
    doc = read(official)
    notes = {b.label: doc.block_text(b) for b in doc.blocks if b.kind == "footnote"}
    # joined across pages; the footnote label is not part of the text
    assert notes == {
        "1": "Kết luận số 13-KL/TW ngày 16/8/2021 của Bộ Chính trị về tiếp tục thực hiện Chỉ thị số 48-CT/TW "
        "ngày 22/10/2010 của Bộ Chính trị về tăng cường sự lãnh đạo của Đảng đối với công tác phòng, chống tội phạm.",
        "2": "Theo Quyết định số 793/QĐ-TTg ngày 10/5/2016.",
    }
    paras = [doc.block_text(b) for b in doc.blocks if b.kind == "paragraph"]
    assert "công tác phòng, chống tội phạm[1], Ủy ban nhân dân tỉnh" in paras[0]
    assert any("công tác phối hợp[2] giữa các lực lượng." in p for p in paras)
    pages = {b.label: b.page for b in doc.blocks if b.kind == "footnote"}
    assert pages == {"1": 1, "2": 2}


def test_page_break_inside_a_sentence_and_page_numbers(official: bytes) -> None:
    doc = read(official)
    paras = [doc.block_text(b) for b in doc.blocks if b.kind == "paragraph"]
    flat = re.sub(r"\s+", " ", LONG)
    assert flat in paras
    long_block = next(b for b in doc.blocks if doc.block_text(b) == flat)
    assert long_block.page == 1
    # no page number left in the text
    assert not any(re.fullmatch(r"\d+", line.strip()) for line in doc.text.split("\n"))
    assert doc.pages and doc.pages >= 3
    assert [b.page for b in doc.blocks if b.kind == "signature"] == [doc.pages]


def test_tables(official: bytes) -> None:
    doc = read(official)
    tables = [b for b in doc.blocks if b.kind == "table"]
    assert len(tables) == 2
    ruled, unruled = tables
    assert ruled.rows == [
        ["TT", "Nội dung", "Thời gian", "Cơ quan chủ trì"],
        ["01", "Tổ chức hội nghị triển khai kế hoạch", "Quý I/2024", "Công an tỉnh"],
        ["02", "Kiểm tra, đánh giá", "Tháng 11/2024", "Sở Tư pháp"],
    ]
    assert doc.block_text(ruled).split("\n")[1] == "01 | Tổ chức hội nghị triển khai kế hoạch | Quý I/2024 | Công an tỉnh"
    assert unruled.rows == [
        ["TT", "Nhiệm vụ", "Thời hạn", "Đơn vị"],
        ["1", "Báo cáo sơ kết 6 tháng", "10/6/2024", "Công an tỉnh"],
        ["2", "Báo cáo tổng kết năm", "10/12/2024", "Các sở, ngành"],
    ]
    # table text is not run on into the paragraphs
    assert not any("Báo cáo sơ kết" in doc.block_text(b) for b in doc.blocks if b.kind == "paragraph")


def test_recipients_and_signature(official: bytes) -> None:
    got = kinds_texts(read(official))
    assert ("recipients", "Nơi nhận:\n- Bộ Công an (để b/c);\n- Thường trực Tỉnh ủy;\n- Lưu: VT, NC.") in got
    assert ("signature", "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nNguyễn Văn An") in got


def test_same_paragraph_rules_as_the_text_reader(official: bytes) -> None:
    doc = read(official)
    paras = [doc.block_text(b) for b in doc.blocks if b.kind in ("paragraph", "heading")]
    assert "I. MỤC ĐÍCH, YÊU CẦU" in paras
    assert "1. Phát huy sức mạnh tổng hợp của hệ thống chính trị trong công tác phòng, chống tội phạm." in paras


def test_small_type_table_at_the_page_foot_is_not_footnotes() -> None:
    pdf = Official()
    pdf.add_page()
    paragraph(pdf, "Các đơn vị báo cáo theo lịch sau đây, đúng thời hạn được giao trong kế hoạch này.")
    pdf.set_y(600)
    pdf.set_font("dv", "", 9)
    with pdf.table(col_widths=(30, 238, 100, 100), text_align="LEFT", line_height=11, borders_layout="NONE", first_row_as_headings=False) as table:
        for row in (("TT", "Nội dung", "Thời hạn", "Đơn vị"), ("1", "Báo cáo quý I", "10/3/2024", "Công an"), ("2", "Báo cáo 6 tháng", "10/6/2024", "Sở Tư pháp")):
            r = table.row()
            for c in row:
                r.cell(c)
    doc = read(pdf_bytes(pdf))
    assert [b.kind for b in doc.blocks] == ["paragraph", "table"]
    assert doc.blocks[1].rows[2] == ["2", "Báo cáo 6 tháng", "10/6/2024", "Sở Tư pháp"]


# ---------------------------------------------------------------- errors


def error_of(data: bytes, path: str = "bad.pdf") -> IngestError:
    with pytest.raises(IngestError) as info:
        ingest_bytes(data, path)
    assert path in str(info.value)
    return info.value


def small_pdf(text: str = "Kế hoạch số 5/KH-UBND.") -> Official:
    pdf = Official()
    pdf.add_page()
    pdf.set_font("dv", "", 12)
    pdf.cell(300, 14, text)
    return pdf


def test_encrypted_pdf() -> None:
    pdf = small_pdf()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    err = error_of(pdf_bytes(pdf))
    assert err.error == "encrypted_pdf"
    assert "password" in err.reason


def test_pdf_with_owner_password_only_reads() -> None:
    pdf = small_pdf()
    pdf.set_encryption(owner_password="owner")
    assert read(pdf_bytes(pdf)).text == "Kế hoạch số 5/KH-UBND."


@pytest.mark.parametrize("cut", ["half", "garbage"])
def test_corrupt_pdf(cut: str) -> None:
    good = pdf_bytes(small_pdf())
    data = good[: len(good) // 2] if cut == "half" else b"%PDF-1.7\n" + b"\x01garbage" * 50
    err = error_of(data)
    assert err.error == "corrupt_pdf"
    assert "damaged" in err.reason


def test_empty_pdf_no_pages_and_blank_page() -> None:
    no_pages = (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    )
    assert error_of(no_pages).error == "empty_pdf"
    blank = Official()
    blank.add_page()
    assert error_of(pdf_bytes(blank)).error == "empty_pdf"


def test_image_only_pdf_needs_ocr() -> None:
    pil = pytest.importorskip("PIL.Image")
    pdf = fpdf.FPDF()
    pdf.add_page()
    img = pil.new("L", (200, 100), 255)
    pdf.image(img, x=10, y=10, w=100)
    err = error_of(pdf_bytes(pdf), "scan.pdf")
    assert err.error == "image_only_pdf"
    assert "OCR" in err.reason


def test_not_a_pdf_and_empty_file() -> None:
    assert error_of(b"<html>not a pdf</html>", "page.pdf").error == "not_a_pdf"
    assert error_of(b"", "nothing.pdf").error == "empty_file"


def test_batch_never_dies_on_bad_pdfs(tmp_path) -> None:
    from pipeline.batch import process  # noqa: PLC0415

    pdf = small_pdf()
    pdf.set_encryption(owner_password="o", user_password="u")
    cases = {
        "enc.pdf": pdf_bytes(pdf),
        "half.pdf": pdf_bytes(small_pdf())[:300],
        "fake.pdf": b"hello",
        "empty.pdf": b"",
        "bin.txt": b"\x00\x01\x02\x03" * 100,
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        outcome = process(str(tmp_path / name))
        assert outcome.record is None and outcome.error is not None, name
        assert outcome.error.stage == "ingest" and outcome.error.reason


# ---------------------------------------------------------------- the corpus PDFs


def _blocks(path: Path) -> tuple[object, list[tuple[str, str]]]:
    doc = assemble(ingest(path))
    return doc, kinds_texts(doc)


def test_corpus_pdfs_read(corpus_pdfs) -> None:
    assert len(corpus_pdfs) == 5
    for path in corpus_pdfs:
        doc, got = _blocks(path)
        assert doc.format == "pdf" and doc.pages and doc.pages >= 5
        assert all(b.page for b in doc.blocks)
        # page numbers are not in the body text
        assert not any(re.fullmatch(r"\d{1,2}", line.strip()) for line in doc.text.split("\n")), path.name
        kinds = {k for k, _ in got}
        assert {"recipients", "signature"} <= kinds, path.name


def test_corpus_pdf_headers(corpus_dir) -> None:
    doc, got = _blocks(corpus_dir / "pdf" / "hd-05-ccb-2024.pdf")
    assert got[0] == ("header_left", "HỘI CỰU CHIẾN BINH VIỆT NAM\nBAN CHỈ ĐẠO PCTP, TNXH\nVÀ XÂY DỰNG PHONG TRÀO\nTOÀN DÂN BẢO VỆ ANTQ\nSố: 05/HD-CCB")
    assert got[1] == ("header_right", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nHà Nội, ngày 11 tháng 01 năm 2024")
    for name in ("kh-162-bcd-dak-nong-2022", "kh-ldld-bac-giang-2024"):
        _, got = _blocks(corpus_dir / "pdf" / f"{name}.pdf")
        assert [k for k, _ in got[:3]] == ["header_left", "header_right", "heading"], name


def test_corpus_pdf_footnotes(corpus_dir) -> None:
    doc, _ = _blocks(corpus_dir / "pdf" / "hd-05-ccb-2024.pdf")
    notes = {b.label: doc.block_text(b) for b in doc.blocks if b.kind == "footnote"}
    assert set(notes) == {"1", "2", "3"}
    assert "chống tội phạm trong tình hình mới" in notes["1"]  # continued on page 2
    assert "phòng chống tội phạm[1], tổ chức tốt" in doc.text
    doc, _ = _blocks(corpus_dir / "pdf" / "kh-bcd-tp-buon-ma-thuot-2024.pdf")
    assert [b.label for b in doc.blocks if b.kind == "footnote"] == ["1", "2"]


def test_corpus_pdf_table_across_pages(corpus_dir) -> None:
    doc, _ = _blocks(corpus_dir / "pdf" / "hd-05-ccb-2024.pdf")
    (table,) = [b for b in doc.blocks if b.kind == "table"]
    assert table.rows[0] == ["TT", "Nội dung", "Thời gian thực hiện", "Cơ quan chủ trì", "Cơ quan phối hợp"]
    assert [r[0] for r in table.rows[1:]] == ["01", "02", "03", "04", "05", "06"]
    assert table.rows[3][1].endswith("Thái Nguyên, Lạng Sơn, Bắc Giang (có kế hoạch riêng)")  # row 03 goes on on page 9


def _parity(corpus_dir: Path, name: str) -> float:
    _, text = _blocks(corpus_dir / f"{name}.txt")
    _, pdf = _blocks(corpus_dir / "pdf" / f"{name}.pdf")
    a = [t for _, t in text]
    b = [t for _, t in pdf]
    same = sum(m.size for m in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks())
    return same / max(len(a), len(b))


@pytest.mark.parametrize(
    ("name", "floor"),
    [
        ("kh-162-bcd-dak-nong-2022", 0.98),
        ("kh-ldld-bac-giang-2024", 0.98),
        ("hd-05-ccb-2024", 0.85),
        ("kh-bcd-tp-buon-ma-thuot-2024", 0.65),
        ("kh-bcd138-huyen-thanh-hoa-2024", 0.65),
    ],
)
def test_corpus_pdf_blocks_match_the_text_version(corpus_dir, name: str, floor: float) -> None:
    assert _parity(corpus_dir, name) >= floor


# ---------------------------------------------------------------- real portal PDFs (shared/, when present)

PORTAL = Path(__file__).resolve().parents[1] / "corpus" / "real"


def test_portal_pdfs_never_crash() -> None:
    """Every text-layer portal PDF reads (the scan, read by OCR, is tested in test_ocr)."""
    paths = [p for p in sorted(PORTAL.glob("*.pdf")) if not p.name.startswith("scanned")]
    assert len(paths) >= 6
    for path in paths:
        doc = assemble(ingest(path))
        assert doc.text.strip(), path.name
        assert doc.stamped is not None and doc.stamped.signed_at, path.name


def test_bytes_and_path_read_the_same(tmp_path, official: bytes) -> None:
    p = tmp_path / "x.pdf"
    p.write_bytes(official)
    assert kinds_texts(read(official, str(p))) == kinds_texts(assemble(ingest(p)))
    assert io.BytesIO(official).read(5) == b"%PDF-"
