"""pdfium's characters, rules and images against pdfplumber's, and the reader's blocks from both sources.

The PDF reader takes a page's characters from pdfium (fast) and pdfplumber's
only where it needs its layout detail; the two must give the same records.
Test PDFs are built with fpdf2 (see `test_ingest_pdf`) and edited with pypdf.
"""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber
import pytest

from pipeline.ingest.pdf import read_pdf
from pipeline.ingest.pdf_chars import PdfiumDocument, PdfiumPage, ReadingDocument
from pipeline.ingest.pdf_layout import chars_to_runs

fpdf = pytest.importorskip("fpdf", reason="fpdf2 builds the test PDFs (pip install fpdf2)")

from test_ingest_pdf import Official, build_official, paragraph, pdf_bytes  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BOX = ("x0", "x1", "top", "bottom", "size")


@pytest.fixture(scope="module")
def official() -> bytes:
    return build_official()


def open_both(data: bytes) -> tuple[pdfplumber.PDF, PdfiumDocument]:
    plumber = pdfplumber.open(io.BytesIO(data))
    return plumber, PdfiumDocument(data, plumber)


def glyphs(page) -> list[dict]:
    return [c for c in page.chars if c["text"] != " "]


def assert_same_runs(fast: PdfiumPage, slow) -> None:
    """The layout reading's runs: where spaces fall between adjacent glyphs shows here."""
    a, b = chars_to_runs(fast.chars), chars_to_runs(slow.chars)
    assert [(r.text, r.glued) for r in a] == [(r.text, r.glued) for r in b]
    assert [v for r in a for v in (r.x0, r.top)] == pytest.approx([v for r in b for v in (r.x0, r.top)], abs=1e-3)


def assert_same_chars(fast: PdfiumPage, slow) -> None:
    a, b = glyphs(fast), glyphs(slow)
    assert "".join(c["text"] for c in a) == "".join(c["text"] for c in b)
    for p, q in zip(a, b, strict=True):
        for k in BOX:
            assert p[k] == pytest.approx(q[k], abs=1e-3), (p["text"], k, p[k], q[k])
        assert p["fontname"] == q["fontname"]
        assert p["upright"] == q["upright"]
        assert p["doctop"] == pytest.approx(q["doctop"], abs=1e-3)


def boxes(objs: list[dict]) -> list[tuple[float, ...]]:
    return sorted(tuple(round(float(o[k]), 1) for k in ("x0", "top", "x1", "bottom")) for o in objs)


def blocks(data: bytes, source: str) -> list[tuple]:
    ingested = read_pdf(data, "doc.pdf", "sha", chars=source)
    return [(b.kind, b.text, b.page, b.label, b.rows) for b in ingested.blocks]


# ---------------------------------------------------------------- characters


def test_characters_match_pdfplumber(official: bytes) -> None:
    plumber, fast = open_both(official)
    assert len(fast.pages) == len(plumber.pages) == 3
    for a, b in zip(fast.pages, plumber.pages, strict=True):
        assert not a.use_pdfplumber
        assert_same_chars(a, b)
        assert_same_runs(a, b)
        assert (a.width, a.height) == (float(b.width), float(b.height))
    # the footnote anchor is raised and smaller: its box says so, as pdfminer's does
    anchor = next(c for c in glyphs(fast.pages[0]) if c["size"] < 10 and c["top"] < 300)
    assert anchor["text"] == "1"


def test_words_and_text_match_pdfplumber(official: bytes) -> None:
    """The e-signature reader's words and the OCR test's text come out as pdfplumber's."""
    plumber, fast = open_both(official)
    for a, b in zip(fast.pages, plumber.pages, strict=True):
        words_a, words_b = a.extract_words(), b.extract_words()
        assert [w["text"] for w in words_a] == [w["text"] for w in words_b]
        for p, q in zip(words_a, words_b, strict=True):
            assert (p["x0"], p["top"], p["x1"], p["bottom"]) == pytest.approx((q["x0"], q["top"], q["x1"], q["bottom"]), abs=1e-3)
        assert a.extract_text() == b.extract_text()


def turned_and_drawn() -> bytes:
    """Text set at an angle, a rule, a box, an ellipse and a picture."""
    from PIL import Image

    pdf = Official()
    pdf.add_page()
    pdf.set_font("dv", "", 12)
    with pdf.rotation(angle=30, x=200, y=300):
        pdf.text(200, 300, "Chữ in nghiêng góc")
    with pdf.rotation(angle=90, x=300, y=400):
        pdf.text(300, 400, "Ngược chiều")
    pdf.text(100, 500, "Dòng thẳng")
    pdf.set_line_width(1)
    pdf.line(85, 600, 300, 600)
    pdf.line(320, 560, 320, 640)
    pdf.rect(100, 650, 50, 30)
    pdf.ellipse(200, 650, 40, 20)
    buf = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(buf, format="PNG")
    pdf.image(buf, x=400, y=650, w=80, h=40)
    return pdf_bytes(pdf)


def test_turned_text_rules_boxes_and_pictures() -> None:
    data = turned_and_drawn()
    plumber, fast = open_both(data)
    a, b = fast.pages[0], plumber.pages[0]
    assert_same_chars(a, b)
    assert any(not c["upright"] for c in a.chars)  # the text set at 90 degrees
    assert boxes(a.rects) == boxes(b.rects) and len(a.rects) == 1
    assert boxes(a.lines) == boxes(b.lines) and len(a.lines) == 2
    assert boxes(a.images) == boxes(b.images) and len(a.images) == 1
    assert boxes(a.curves) == boxes(b.curves) and len(a.curves) == 1  # the ellipse: four Bézier segments
    assert [(round(x, 2), round(y, 2)) for x, y in a.curves[0]["pts"]] == [
        (round(x, 2), round(y, 2)) for x, y in b.curves[0]["pts"]
    ]


def as_form(data: bytes) -> bytes:
    """The same pages, each drawn through a form XObject moved 20 points down."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject, StreamObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    for page in writer.pages:
        form = StreamObject()
        form.set_data(page.get_contents().get_data())
        form.update(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Form"),
                NameObject("/BBox"): ArrayObject([FloatObject(v) for v in page.mediabox]),
                NameObject("/Resources"): page["/Resources"],
            }
        )
        ref = writer._add_object(form)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/XObject"): DictionaryObject({NameObject("/Fm0"): ref})}
        )
        content = StreamObject()
        content.set_data(b"q 1 0 0 1 0 -20 cm /Fm0 Do Q")
        page[NameObject("/Contents")] = writer._add_object(content)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_form_xobjects_are_read_through(official: bytes) -> None:
    data = as_form(turned_and_drawn())
    plumber, fast = open_both(data)
    a, b = fast.pages[0], plumber.pages[0]
    assert not a.use_pdfplumber  # the form's fonts are found in its own resources
    assert_same_chars(a, b)
    assert boxes(a.rects) == boxes(b.rects) and boxes(a.lines) == boxes(b.lines)
    assert boxes(a.images) == boxes(b.images)
    formed = as_form(official)
    assert blocks(formed, "pdfium") == blocks(formed, "pdfplumber")


def test_text_printed_twice_for_bold_reads_once() -> None:
    """Text drawn twice a hair apart (bold faked by overprinting) is one text: pdfium drops the copy,
    where pdfminer keeps both and the heading read "KẾ KẾ HOẠCH HOẠCH"."""
    pdf = Official()
    pdf.add_page()
    pdf.set_font("dv", "B", 13)
    for dx in (0, 0.4):
        pdf.text(240 + dx, 100, "KẾ HOẠCH")
    paragraph(pdf, "Thực hiện Kế hoạch số 34/KH-BCĐ ngày 20/02/2024 của Ban Chỉ đạo tỉnh.")
    data = pdf_bytes(pdf)
    assert "KẾ HOẠCH" in [b[1] for b in blocks(data, "pdfium")]


# ---------------------------------------------------------------- pages left to pdfplumber


def edited(data: bytes, rotate: int = 0, crop: tuple[float, float, float, float] | None = None) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    if rotate:
        writer.pages[0].rotate(rotate)
    if crop:
        writer.pages[1].cropbox.lower_left = crop[:2]
        writer.pages[1].cropbox.upper_right = crop[2:]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_rotated_and_cropped_pages_are_read_by_pdfplumber(official: bytes) -> None:
    data = edited(official, rotate=90, crop=(20, 30, 580, 820))
    plumber = pdfplumber.open(io.BytesIO(data))
    with ReadingDocument(plumber, data) as doc:
        assert doc.pages[0] is plumber.pages[0]  # turned
        assert doc.pages[1] is plumber.pages[1]  # cropped: pdfplumber measures from the crop box
        assert isinstance(doc.pages[2], PdfiumPage)
    assert blocks(data, "pdfium") == blocks(data, "pdfplumber")


def test_a_file_pdfium_cannot_open_is_read_by_pdfplumber(official: bytes) -> None:
    plumber = pdfplumber.open(io.BytesIO(official))
    with ReadingDocument(plumber, b"%PDF-1.4 not really") as doc:
        assert all(p is q for p, q in zip(doc.pages, plumber.pages, strict=True))


def test_a_page_without_text_is_left_to_pdfplumber() -> None:
    pdf = Official()
    pdf.add_page()
    pdf.rect(100, 100, 200, 300)
    pdf.add_page()
    paragraph(pdf, "Kế hoạch số 5/KH-UBND về công tác năm 2024.")
    data = pdf_bytes(pdf)
    plumber = pdfplumber.open(io.BytesIO(data))
    with ReadingDocument(plumber, data) as doc:
        assert doc.pages[0] is plumber.pages[0]
        assert isinstance(doc.pages[1], PdfiumPage)


def hand_made(content: bytes, font: bytes, to_unicode: bytes | None = None) -> bytes:
    """A one-page PDF written by hand: `content` drawn with font /F1 (`font`, its dictionary), which
    `to_unicode` (a CMap) maps to Unicode when given."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        font if to_unicode is None else font.removesuffix(b">>") + b" /ToUnicode 6 0 R >>",
    ]
    if to_unicode is not None:
        objects.append(b"<< /Length %d >>\nstream\n" % len(to_unicode) + to_unicode + b"\nendstream")
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


LINES = b"BT /F1 12 Tf 72 700 Td (Ke hoach so 12/KH-) Tj 0 -14 Td (UBND ngay 5 thang 3) Tj ET"


def page_source(data: bytes):
    plumber = pdfplumber.open(io.BytesIO(data))
    doc = ReadingDocument(plumber, data)
    return doc.pages[0], plumber.pages[0]


def test_a_hyphen_ending_a_line_stays_a_hyphen() -> None:
    """pdfium marks a hyphen that ends a line with a code of its own: it reads back as "-"."""
    page, plumber_page = page_source(hand_made(LINES, HELVETICA))
    assert isinstance(page, PdfiumPage)
    assert_same_chars(page, plumber_page)
    assert "12/KH-" in page.extract_text()


HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"  # a standard font: built-in metrics


@pytest.mark.parametrize(
    "content",
    [
        b"BT /F1 12 Tf 50 Tz 72 700 Td (Hello) Tj ET",  # horizontal scaling
        b"BT /F1 12 Tf 72 700 Td (Note) Tj 5 Ts /F1 8 Tf (12) Tj 0 Ts /F1 12 Tf (, tiep) Tj ET",  # a raised anchor
        b"BT /F1 12 Tf 2 Tc 3 Tw 72 700 Td (He llo) Tj ET",  # character and word spacing
        b"BT /F1 12 Tf 1 0 0.3 1 72 700 Tm (Skew) Tj ET",  # slanted
        b"q 2 0 0 1.5 10 10 cm BT /F1 12 Tf 72 400 Td (Big) Tj ET Q",  # scaled by the page's matrix
        b"BT /F1 12 Tf 72 700 Td [(A) -500 (V) 300 (B) -100 (C)] TJ ET",  # kerning and a gap in one string
    ],
    ids=["scaling", "rise", "spacing", "slant", "matrix", "kerning"],
)
def test_text_state_gives_pdfminers_boxes(content: bytes) -> None:
    page, plumber_page = page_source(hand_made(content, HELVETICA))
    assert isinstance(page, PdfiumPage)
    assert_same_chars(page, plumber_page)
    assert_same_runs(page, plumber_page)


@pytest.mark.parametrize(
    "font, to_unicode",
    [
        # a legacy Vietnamese font: pdfium reads its 0xAD (TCVN3's "ư") as a hyphen
        (b"<< /Type /Font /Subtype /Type1 /BaseFont /.VnTime /Encoding /WinAnsiEncoding >>", None),
        # characters mapped into the private use area (symbol fonts): pdfminer has its own reading
        (
            HELVETICA,
            b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /X def "
            b"1 begincodespacerange <00> <FF> endcodespacerange 1 beginbfrange <20> <7E> <E020> endbfrange "
            b"endcmap CMapName currentdict /CMap defineresource pop end end",
        ),
    ],
    ids=["legacy font", "private use area"],
)
def test_pages_pdfium_reads_otherwise_go_to_pdfplumber(font: bytes, to_unicode: bytes | None) -> None:
    page, plumber_page = page_source(hand_made(LINES, font, to_unicode))
    assert page is plumber_page


def test_ruled_tables_are_found_on_pdfiums_rules(official: bytes) -> None:
    """pdfplumber's table finder runs on pdfium's rules and characters: the same cells and rows."""
    plumber, fast = open_both(official)
    for a, b in zip(fast.pages, plumber.pages, strict=True):
        assert [v for t in a.find_tables() for v in t.bbox] == pytest.approx([v for t in b.find_tables() for v in t.bbox], abs=1e-3)
        assert [t.extract(x_tolerance=1) for t in a.find_tables()] == [t.extract(x_tolerance=1) for t in b.find_tables()]
    tables = [b for b in blocks(official, "pdfium") if b[0] == "table"]
    assert [r[0] for r in tables[0][4]] == ["TT", "01", "02"]


# ---------------------------------------------------------------- the corpus


def corpus_pdfs() -> list[Path]:
    real = [p for p in sorted((ROOT / "corpus" / "real").glob("*.pdf")) if "scanned" not in p.name]
    return sorted((ROOT / "corpus" / "pdf").glob("*.pdf")) + real  # the scan's OCR is tested in test_ocr


@pytest.mark.parametrize("path", corpus_pdfs(), ids=lambda p: p.name)
def test_corpus_reads_the_same_from_both_sources(path: Path) -> None:
    data = path.read_bytes()
    fast = read_pdf(data, str(path), "sha", chars="pdfium")
    slow = read_pdf(data, str(path), "sha", chars="pdfplumber")
    assert [(b.kind, b.text, b.page, b.label, b.rows) for b in fast.blocks] == [
        (b.kind, b.text, b.page, b.label, b.rows) for b in slow.blocks
    ]
    assert fast.warnings == slow.warnings
    for name in ("number", "day", "month", "year"):  # boxes differ by pdfium's single-precision rounding
        a, b = getattr(fast.stamped, name), getattr(slow.stamped, name)
        assert (a is None) == (b is None)
        if a is not None:
            assert a.value == b.value and a.source == b.source
            assert a.bbox == pytest.approx(b.bbox, abs=1e-3)
    for name in ("symbol_tail", "printed_month", "printed_year", "signed_at", "warnings"):
        assert getattr(fast.stamped, name) == getattr(slow.stamped, name)


def test_readers_in_threads_read_as_one_does(official: bytes) -> None:
    """pdfium is not thread-safe: readers in threads of one process take turns and read the same."""
    from concurrent.futures import ThreadPoolExecutor

    files = [official, *(p.read_bytes() for p in corpus_pdfs()[:3])]
    alone = [blocks(data, "pdfium") for data in files]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda data: blocks(data, "pdfium"), files * 2))
    assert together == alone * 2
