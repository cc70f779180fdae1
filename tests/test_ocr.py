"""OCR of scanned pages and stamped regions (Tesseract); the parts that need no Tesseract run everywhere."""

from __future__ import annotations

import dataclasses
import io
import json
import sys
from pathlib import Path

import pdfplumber
import pytest

from pipeline.ingest import ocr
from pipeline.ingest.esign import read_signatures, stamped_header_values
from pipeline.ingest.ocr import (
    OcrLine,
    OcrPage,
    OcrUnavailable,
    OcrWord,
    ocr_available,
    ocr_unavailable_reason,
    pages_needing_ocr,
    require_ocr,
    split_margin,
)

REAL = Path(__file__).resolve().parent.parent / "corpus" / "real"
SCAN = REAL / "scanned-ct-07-ubnd-quang-ngai-2018.pdf"
SOURCES = json.loads((REAL / "sources.json").read_text(encoding="utf-8"))["files"] if REAL.exists() else []
NO_OCR = (
    "Tesseract with the Vietnamese model is not installed (apt-get install tesseract-ocr tesseract-ocr-vie)"
)
needs_ocr = pytest.mark.skipif(not ocr_available(), reason=NO_OCR)
needs_scan = pytest.mark.skipif(not SCAN.exists(), reason="corpus/real is not present")


def _w(text: str, x0: float, conf: float = 95.0, top: float = 100.0) -> OcrWord:
    return OcrWord(text, x0, top, x0 + 6 * len(text), top + 10, conf)


# ---------------------------------------------------------------- words and lines


def test_handwriting_and_stamp_ink_are_not_read_as_text() -> None:
    assert not _w("ý#", 0, conf=65).readable  # junk character, not sure
    assert not _w("|2", 0, conf=28).readable
    assert not _w("20", 0, conf=12).readable  # digits read with very low confidence
    assert _w("20", 0, conf=70).readable
    assert _w("Quảng", 0, conf=40).readable  # low confidence letters stay (diacritics are often unsure)
    assert _w("C#", 0, conf=95).readable  # a junk character Tesseract is sure of is kept
    line = OcrLine([_w("Số:", 0), _w("ý#", 20, conf=65), _w("/CT-UBND", 40)])
    assert line.text == "Số: …… /CT-UBND"


def test_tesseract_rows_become_lines_in_points() -> None:
    tsv = {
        "level": [5, 5, 5, 4],
        "text": ["Số:", "15/QĐ-UBND", "Hà", ""],
        "conf": [96, 91, 90, -1],
        "left": [300, 400, 300, 0],
        "top": [600, 600, 700, 0],
        "width": [90, 300, 60, 0],
        "height": [50, 50, 50, 0],
        "block_num": [1, 1, 1, 1],
        "par_num": [1, 1, 2, 1],
        "line_num": [1, 1, 1, 1],
    }
    lines = ocr._lines_from_data(tsv, 72 / 300, 0.0, 0.0)
    assert [ln.text for ln in lines] == ["Số: 15/QĐ-UBND", "Hà"]
    assert lines[0].words[0].x0 == 72.0 and lines[0].words[0].top == 144.0
    assert lines[0].paragraph != lines[1].paragraph
    assert lines[0].confidence == 93.5


def _body_line(top: float, x0: float = 90.0, n: int = 8) -> OcrLine:
    return OcrLine([_w("chữ", x0 + 30 * i, top=top) for i in range(n)])


def test_margin_stamp_is_split_from_the_body() -> None:
    body = [_body_line(200 + 15 * i) for i in range(8)]
    stamp_only = OcrLine([_w("CV", 20, top=150), _w("Số:", 40, top=150), _w("2352", 60, top=150)])
    mixed = OcrLine(
        [_w("ĐẾN", 20, top=185), *_body_line(185, x0=120).words]
    )  # stamp ink on the first body line
    page = OcrPage(1, 595, 842, [stamp_only, mixed, *body], 300, 1.0)
    out = split_margin(page)
    assert [ln.text for ln in out.margin_lines] == ["CV Số: 2352", "ĐẾN"]
    assert out.lines[0].words[0].x0 == 120 and len(out.lines) == 9
    assert out.confidence == page.confidence
    assert out.registry_stamp == "CV Số: 2352\nĐẾN"
    assert ocr.ocr_summary([out]) == ([1], out.confidence)


def test_margin_notes_without_registry_words_are_not_a_registry_stamp() -> None:
    page = OcrPage(1, 595, 842, [], 300, 1.0, margin_lines=[OcrLine([_w("Mật", 20)])])
    assert page.registry_stamp is None
    assert ocr.ocr_summary([]) == ([], None)


def test_a_page_without_a_text_column_is_left_alone() -> None:
    page = OcrPage(1, 595, 842, [OcrLine([_w("CV", 20)]), _body_line(200)], 300, 1.0)
    assert split_margin(page) is page


# ---------------------------------------------------------------- availability


def test_missing_tesseract_names_the_install_step(monkeypatch: pytest.MonkeyPatch) -> None:
    pytesseract = pytest.importorskip("pytesseract")
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    ocr.ocr_unavailable_reason.cache_clear()
    try:
        reason = ocr_unavailable_reason()
        assert reason is not None and "apt-get install tesseract-ocr tesseract-ocr-vie" in reason
        assert not ocr_available()
        with pytest.raises(OcrUnavailable, match="tesseract-ocr-vie"):
            require_ocr()
        with pytest.raises(OcrUnavailable):
            ocr.ocr_pdf_pages(b"%PDF-1.4", [1])
    finally:
        ocr.ocr_unavailable_reason.cache_clear()


def test_missing_pytesseract_names_the_install_step(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pytesseract", None)
    ocr.ocr_unavailable_reason.cache_clear()
    try:
        reason = ocr_unavailable_reason()
        assert reason is not None and "pytesseract" in reason and "tesseract-ocr-vie" in reason
    finally:
        ocr.ocr_unavailable_reason.cache_clear()


# ---------------------------------------------------------------- which pages are scans


@needs_scan
@pytest.mark.parametrize(
    "name", ["scanned-ct-07-ubnd-quang-ngai-2018.pdf", "cv-507-ubnd-quang-ngai-gop-y-vtci-2025.pdf"]
)
def test_scanned_pages_are_found_and_text_pages_are_not(name: str) -> None:
    meta = next(m for m in SOURCES if m["file"] == name)
    with pdfplumber.open(REAL / name) as pdf:
        pages = pages_needing_ocr(pdf)
    assert pages == (list(range(1, meta["pages"] + 1)) if meta["scanned"] else [])


class _FakePage:
    """What `pages_needing_ocr` reads of a pdfplumber page."""

    def __init__(self, text: str, image_share: float) -> None:
        self.text, self.width, self.height = text, 600.0, 800.0
        self.chars = [{"text": c} for c in text]
        side = (image_share**0.5) * 600.0, (image_share**0.5) * 800.0
        self.images = [{"x0": 0.0, "top": 0.0, "x1": side[0], "bottom": side[1]}] if image_share else []

    def extract_text(self) -> str:
        return self.text


class _FakePdf:
    def __init__(self, *pages: _FakePage) -> None:
        self.pages = list(pages)


def test_a_scan_with_a_stamp_in_its_text_layer_still_needs_ocr() -> None:
    stamp = "Ký bởi: Văn phòng Ủy ban nhân dân tỉnh\nEmail: vanphong@tinh.gov.vn\nThời gian ký: 24.01.2025 08:00:00 +07:00"
    body = "Thực hiện Kế hoạch số 12/KH-UBND ngày 05/01/2025 của Ủy ban nhân dân tỉnh về công tác năm 2025"
    pdf = _FakePdf(_FakePage(stamp, 0.95), _FakePage(body, 0.95), _FakePage("", 0.0), _FakePage("", 0.1))
    assert pages_needing_ocr(pdf) == [1]  # page 2 has text, page 3 is blank, page 4 only a small picture


# ---------------------------------------------------------------- Tesseract on the scan


@pytest.fixture(scope="module")
def scan_page_one() -> OcrPage:
    """The top of page one (header, registry stamp, first paragraphs): OCR of a region keeps the tests short."""
    with pdfplumber.open(SCAN) as pdf:
        width, height = float(pdf.pages[0].width), float(pdf.pages[0].height)
    return split_margin(ocr.ocr_region(SCAN.read_bytes(), 1, (0, 0, width, height * 0.45), psm=3))


@needs_ocr
@needs_scan
def test_scan_pages_are_read_in_order_with_their_confidence() -> None:
    pages = ocr.ocr_pdf_pages(SCAN.read_bytes(), [4])
    assert [p.page for p in pages] == [4]
    assert pages[0].confidence > 80 and pages[0].seconds > 0
    assert "Nơi nhận:" in pages[0].text and "- Bộ Tư pháp;" in pages[0].text


@needs_ocr
@needs_scan
def test_scan_reads_vietnamese_with_diacritics(scan_page_one: OcrPage) -> None:
    page = scan_page_one
    assert page.page == 1 and page.dpi == 300
    assert page.confidence > 85
    text = page.text
    assert "CHỈ THỊ" in text
    assert "Về việc tăng cường công tác thi hành án hành chính" in text
    assert "công tác thi hành án hành chính ở một số cơ quan, đơn vị còn hạn chế" in text
    assert all(0 <= w.x0 < w.x1 <= page.width for ln in page.lines for w in ln.words)


@needs_ocr
@needs_scan
def test_scan_registry_stamp_is_not_body_text(scan_page_one: OcrPage) -> None:
    # the 'CV ĐẾN' box is stamped over the first body line: whatever Tesseract reads of it is margin
    assert not any("ĐẾN" in ln.text or "Chuyển" in ln.text for ln in scan_page_one.lines)
    first_body = next(ln.text for ln in scan_page_one.lines if "thời gian qua" in ln.text)
    assert first_body.startswith("thời gian qua")  # the stamp's ink is not glued to the body line


@needs_ocr
@needs_scan
def test_scan_handwritten_number_and_day_stay_blank(scan_page_one: OcrPage) -> None:
    data = SCAN.read_bytes()
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        out = stamped_header_values(data, pdf, ocr_pages=[scan_page_one])
    assert out.number is None and out.day is None
    assert out.symbol_tail == "/CT-UBND"
    assert out.issued_date == "2018-03"  # month and year are printed; the day is handwritten
    assert len(out.warnings) == 2 and all("not guessed" in w for w in out.warnings)
    header = next(ln.text for ln in scan_page_one.lines if "/CT-UBND" in ln.text)
    assert "ngày …… tháng 3 năm 2018" in header  # nothing a date parser could take for a day
    assert out.signed_at == "2018-03-21T16:41:00+07:00"  # the e-signature stamp of the published copy


@needs_ocr
@needs_scan
def test_stamped_digits_drawn_as_images_are_read_or_left_blank() -> None:
    """The widgets' text is known, so OCR of their drawing can be checked: right, or blank, never wrong."""
    read = blank = 0
    for meta in SOURCES:
        if not meta["file"].startswith(("tb-453", "cv-507", "tb-542")):
            continue  # three files, eight widgets: enough kinds (upright and italic digits, 1-4 digits)
        data = (REAL / meta["file"]).read_bytes()
        for sig in read_signatures(data):
            if sig.page != 1 or sig.is_stamp_block or not sig.runs or sig.bbox is None:
                continue
            got = [w for ln in ocr.ocr_stamped_digits(data, 1, sig.bbox).lines for w in ln.words]
            sure = [w.text for w in got if w.confidence >= 80]
            if sure:
                assert "".join(sure) == sig.text.strip(), meta["file"]
                read += 1
            else:
                blank += 1
    assert read >= 6 and blank <= 2


@needs_ocr
@needs_scan
def test_header_recovered_by_ocr_when_the_widget_is_an_image() -> None:
    meta = next(m for m in SOURCES if m["file"].startswith("tb-453"))
    data = (REAL / meta["file"]).read_bytes()
    sigs = [
        s if s.is_stamp_block else dataclasses.replace(s, runs=[], has_image=True)
        for s in read_signatures(data)
    ]
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        out = stamped_header_values(data, pdf, sigs)
    assert out.source == "ocr" and out.stamped  # OCR of what the signing system drew
    assert out.symbol == meta["number"] and out.issued_date == meta["date"]
