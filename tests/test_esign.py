"""E-signature widgets, stamp text, and the stamped number and day of portal PDFs."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pdfplumber
import pytest

from pipeline.ingest.esign import (
    PlacedText,
    StampedHeader,
    find_slots,
    is_signature_stamp_text,
    read_signatures,
    shown_time,
    stamped_header_values,
)

REAL = Path(__file__).resolve().parent.parent / "corpus" / "real"
SOURCES = json.loads((REAL / "sources.json").read_text(encoding="utf-8"))["files"] if REAL.exists() else []
TEXT_LAYER = [s for s in SOURCES if not s["scanned"]]

# ---------------------------------------------------------------- stamp text


@pytest.mark.parametrize(
    "line",
    [
        "Ký bởi: Sở Tư pháp",
        "Thời gian ký: 24.01.2025 08:00:00 +07:00",
        "Thời gian ký: 2026-05-13T14:41:57+07:00",
        "Email: vanthu@quangngai.gov.vn",
        "ttcbth@quangngai.gov.vn",
        "<ttcbth@quangngai.gov.vn>",
        "24.01.2025 20:01:14",
        "09.01.2025 10:21:11 +07:00",
        "+07:00",
        "Cơ quan: Ủy ban nhân dân tỉnh Quảng Ngãi",
        "TRUNG TÂM CÔNG BÁO VÀ TIN HỌC<ttcbth@quangngai.gov.vn> đã ký lên văn bản này!",
    ],
)
def test_stamp_lines_are_recognised(line: str) -> None:
    assert is_signature_stamp_text(line)


@pytest.mark.parametrize(
    "line",
    [
        "Kính gửi: Sở Thông tin và Truyền thông",
        "- Sở Tư pháp;",
        "Hà Nội, ngày 28 tháng 4 năm 2026",
        "trước ngày 10/02/2025",
        "Cơ quan chủ trì: Sở Y tế",
        "Liên hệ qua email vanthu@quangngai.gov.vn để được hỗ trợ.",
        "TRUNG TÂM CÔNG BÁO VÀ TIN HỌC",
        "",
    ],
)
def test_body_lines_are_not_stamp_text(line: str) -> None:
    assert not is_signature_stamp_text(line)


def test_shown_time_reads_both_printed_forms() -> None:
    assert shown_time("TRUNG TÂM\nttcb@x.gov.vn\n24.01.2025 20:01:14\n+07:00") == "2025-01-24T20:01:14+07:00"
    assert (
        shown_time("Số: 2061/QĐ-UBND\nThời gian ký: 2026-05-13T14:41:57+07:00") == "2026-05-13T14:41:57+07:00"
    )
    assert shown_time("Ký bởi: Sở Tư pháp") is None


# ---------------------------------------------------------------- slots from positioned words


def _line(
    *words: tuple[str, float, float], top: float = 100.0, source: str = "text_layer"
) -> list[PlacedText]:
    return [PlacedText(t, x0, top, x1, top + 13, source) for t, x0, x1 in words]  # type: ignore[arg-type]


def _values(words: list[PlacedText], height: float = 842.0) -> StampedHeader:
    """Run the slot filling the way `stamped_header_values` does, on words alone."""
    from pipeline.ingest.esign import _fill

    out = StampedHeader()
    slots = find_slots(words, 1, height)
    out.symbol_tail = slots.tail
    out.number = _fill(slots.number, words, 1, "number", out)
    out.day = _fill(slots.day, words, 1, "day", out)
    out.month = _fill(slots.month, words, 1, "month", out)
    out.year = _fill(slots.year, words, 1, "year", out)
    return out


def test_number_in_a_separate_text_run_is_read_by_position() -> None:
    # '173' is its own run, set a little lower than the line it fills (a stamped run in the text layer)
    words = _line(("Số:", 100, 120), ("/KH-UBND", 160, 230)) + _line(("173", 124, 143), top=102)
    words += _line(
        ("Hà", 320, 335),
        ("Nội,", 338, 362),
        ("ngày", 365, 393),
        ("tháng", 421, 453),
        ("4", 457, 463),
        ("năm", 467, 490),
        ("2026", 494, 520),
        top=101,
    )
    words += _line(("28", 397, 410), top=103)
    out = _values(words)
    assert out.number is not None and out.number.value == "173"
    assert out.symbol == "173/KH-UBND"
    assert out.day is not None and out.day.value == "28"
    assert out.month is not None and out.month.value == "4"
    assert out.year is not None and out.year.value == "2026"
    assert not out.stamped  # read from the text layer, not stamped by a widget
    assert out.warnings == []


def test_blank_header_gives_nothing() -> None:
    words = _line(
        ("Số:", 100, 120), ("/TB-UBND", 160, 230), ("ngày", 365, 393), ("tháng", 421, 453), ("năm", 467, 490)
    )
    out = _values(words)
    assert out.number is None and out.day is None and out.symbol_tail == "/TB-UBND"


def test_unsure_ocr_reading_stays_blank_with_a_warning() -> None:
    words = _line(
        ("Số:", 100, 120),
        ("/CT-UBND", 150, 210),
        ("ngày", 365, 393),
        ("tháng", 421, 453),
        ("3", 457, 463),
        ("năm", 467, 490),
        ("2018", 494, 520),
        source="ocr",
    )
    words = [PlacedText(w.text, w.x0, w.top, w.x1, w.bottom, "ocr", 96.0) for w in words]
    words.append(PlacedText("ý#", 125, 100, 145, 113, "ocr", 65.0))  # handwritten number
    words.append(PlacedText("20", 398, 100, 412, 113, "ocr", 41.0))  # handwritten day, digits but unsure
    out = _values(words)
    assert out.number is None and out.day is None
    assert len(out.warnings) == 2 and all("not guessed" in w for w in out.warnings)
    assert out.month is not None and out.month.value == "3"


def test_sure_ocr_reading_is_kept() -> None:
    words = [
        PlacedText(t, x0, 100, x1, 113, "ocr", 95.0)
        for t, x0, x1 in (("Số:", 100, 120), ("15", 124, 138), ("/QĐ-UBND", 150, 220))
    ]
    out = _values(words)
    assert out.number is not None and out.number.value == "15" and out.number.source == "ocr"


def test_header_words_below_the_header_zone_are_ignored() -> None:
    words = _line(("Số:", 100, 120), ("/KH-UBND", 160, 230), top=700) + _line(("9", 124, 130), top=700)
    assert _values(words).number is None


# ---------------------------------------------------------------- a PDF built here with a signature widget


def _add_signature_widget(pdf_bytes: bytes, rect: list[float], text: str, when: str) -> bytes:
    """A copy of a PDF with one /Sig widget whose appearance draws `text` in Helvetica."""
    pypdf = pytest.importorskip("pypdf")
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        FloatObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf_bytes)))
    page = writer.pages[0]
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )
    ap = DecodedStreamObject()
    ap.set_data(f"BT /Helv 8 Tf 2 5 Td ({text}) Tj ET".encode())
    w, h = rect[2] - rect[0], rect[3] - rect[1]
    ap.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject(
                [NumberObject(0), NumberObject(0), FloatObject(w), FloatObject(h)]
            ),
            NameObject("/Resources"): DictionaryObject(
                {NameObject("/Font"): DictionaryObject({NameObject("/Helv"): writer._add_object(font)})}
            ),
        }
    )
    sig_value = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Sig"),
            NameObject("/Name"): TextStringObject("Nguyễn Văn A"),
            NameObject("/M"): TextStringObject(when),
        }
    )
    widget = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Widget"),
            NameObject("/FT"): NameObject("/Sig"),
            NameObject("/T"): TextStringObject("Signature1"),
            NameObject("/Rect"): ArrayObject([FloatObject(v) for v in rect]),
            NameObject("/V"): writer._add_object(sig_value),
            NameObject("/AP"): DictionaryObject({NameObject("/N"): writer._add_object(ap)}),
            NameObject("/F"): NumberObject(4),
        }
    )
    ref = writer._add_object(widget)
    page[NameObject("/Annots")] = ArrayObject([*page.get("/Annots", []), ref])
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject(
        {NameObject("/Fields"): ArrayObject([ref]), NameObject("/SigFlags"): NumberObject(3)}
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_widget_built_here_fills_the_blank_number() -> None:
    source = Path(__file__).resolve().parent.parent / "corpus" / "pdf" / "kh-ldld-bac-giang-2024.pdf"
    if not source.exists():
        pytest.skip("the bundled PDF rendering is not present")
    base = source.read_bytes()
    with pdfplumber.open(io.BytesIO(base)) as pdf:
        page = pdf.pages[0]
        so = next(w for w in page.extract_words() if w["text"] == "Số:")
        top = float(page.height)
    # a widget over the blank after 'Số:', drawn on the same line
    x0 = float(so["x1"]) - 2
    rect = [x0, top - float(so["bottom"]) - 4, x0 + 20, top - float(so["top"]) + 4]
    data = _add_signature_widget(base, rect, "57", "D:20240215093000+07'00'")
    sigs = read_signatures(data)
    assert len(sigs) == 1
    sig = sigs[0]
    assert sig.text == "57" and sig.signer == "Nguyễn Văn A" and sig.page == 1
    assert sig.signed_at == "2024-02-15T09:30:00+07:00"
    assert not sig.is_stamp_block
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        out = stamped_header_values(data, pdf, sigs, ocr_images=False)
    assert out.number is not None and out.number.value == "57" and out.number.source == "widget_text"
    assert out.symbol == "57/KH-LĐLĐ"
    assert out.stamped and out.source == "widget_text"
    assert out.signed_at == "2024-02-15T09:30:00+07:00"  # the signing time of the stamp that gave the number
    assert out.fills and out.fills[0][1].text == "57"
    assert out.day is None and out.issued_date == "2024-02"  # day left blank: month and year as printed


def test_unsigned_and_unreadable_pdfs_have_no_signatures() -> None:
    assert read_signatures(b"%PDF-1.4 not really a pdf") == []
    source = Path(__file__).resolve().parent.parent / "corpus" / "pdf" / "kh-ldld-bac-giang-2024.pdf"
    if source.exists():
        assert read_signatures(source.read_bytes()) == []


# ---------------------------------------------------------------- published PDFs (corpus/real)


@pytest.mark.skipif(not TEXT_LAYER, reason="corpus/real is not present")
@pytest.mark.parametrize("meta", TEXT_LAYER, ids=lambda m: m["file"])
def test_real_pdf_number_and_day_are_recovered(meta: dict) -> None:
    data = (REAL / meta["file"]).read_bytes()
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        out = stamped_header_values(data, pdf, ocr_images=False)
    assert out.symbol == meta["number"]
    assert out.issued_date == meta["date"]
    assert out.stamped and out.source == "widget_text"
    assert out.signed_at is not None and out.signed_at[:4] == meta["date"][:4]
    assert out.warnings == []


@pytest.mark.skipif(not TEXT_LAYER, reason="corpus/real is not present")
def test_real_stamp_blocks_carry_organisation_email_and_time() -> None:
    data = (REAL / "cv-507-ubnd-quang-ngai-gop-y-vtci-2025.pdf").read_bytes()
    blocks = [s for s in read_signatures(data) if s.is_stamp_block]
    assert len(blocks) == 1
    block = blocks[0]
    assert block.organisation == "TRUNG TÂM CÔNG BÁO VÀ TIN HỌC"
    assert block.email == "ttcbth@quangngai.gov.vn"
    assert block.shown_time == "2025-01-24T20:01:14+07:00"
    assert block.page == 1 and block.bbox is not None and block.bbox[1] < 100  # printed in the top corner
    # every line the stamp prints, once its organisation is named, is stamp text
    assert all(is_signature_stamp_text(x) for x in block.text.splitlines()[2:])


@pytest.mark.skipif(not TEXT_LAYER, reason="corpus/real is not present")
def test_real_signer_name_is_read_from_the_signature() -> None:
    data = (REAL / "tb-453-ubnd-ha-noi-treo-co-2026.pdf").read_bytes()
    names = {s.signer for s in read_signatures(data) if s.signer}
    assert names == {"Võ Tuấn Anh"}


@pytest.mark.skipif(not TEXT_LAYER, reason="corpus/real is not present")
def test_annex_number_comes_from_the_stamp_that_prints_it() -> None:
    data = (REAL / "annex-qd-2061-ubnd-danh-muc-cong-viec-2026.pdf").read_bytes()
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        out = stamped_header_values(data, pdf, ocr_images=False)
    assert out.number is not None and out.number.basis == "stamp_text"
    assert out.day is not None and out.day.basis == "signing_time"
    assert out.signed_at == "2026-05-13T14:41:57+07:00"


def test_vgca_style_stamp_names_signer_organisation_and_time() -> None:
    from pipeline.ingest.esign import _organisation, _signed_by

    text = "Ký bởi: Sở Tư pháp\nEmail: stp@quangngai.gov.vn\nCơ quan: Tỉnh Quảng Ngãi\nThời gian ký: 24.01.2025 08:00:00 +07:00"
    assert _signed_by(text) == "Sở Tư pháp"
    assert _organisation(text, None) == "Tỉnh Quảng Ngãi"
    assert shown_time(text) == "2025-01-24T08:00:00+07:00"
    assert all(is_signature_stamp_text(line) for line in text.splitlines())


# ---------------------------------------------------------------- completing the printed header


def _stamped(
    number: str | None, day: str | None, month: int = 4, year: int = 2026, stamped: bool = True
) -> StampedHeader:
    from pipeline.ingest.esign import StampedValue

    def value(v: str | None) -> StampedValue | None:
        return StampedValue(v, "widget_text", 1, stamped=stamped) if v else None

    return StampedHeader(
        number=value(number),
        day=value(day),
        symbol_tail="/KH-UBND",
        printed_month=month,
        printed_year=year,
        signed_at="2026-04-28T13:50:22+07:00",
    )


def test_stamped_values_fill_the_blanks() -> None:
    from pipeline.ingest.esign import complete_header

    out = complete_header(None, "/KH-UBND", "2026-04", _stamped("173", "28"))
    assert (out.number, out.symbol, out.issued_date) == ("173", "173/KH-UBND", "2026-04-28")
    assert out.number_stamped and out.date_stamped and out.signed_at == "2026-04-28T13:50:22+07:00"
    assert out.warnings == ()
    # no symbol read at all: the stamp's blank symbol is used
    assert complete_header(None, None, None, _stamped("173", None)).symbol == "173/KH-UBND"


def test_printed_values_win_over_the_stamp() -> None:
    from pipeline.ingest.esign import complete_header

    out = complete_header("174", "174/KH-UBND", "2026-04-27", _stamped("173", "28"))
    assert (out.number, out.symbol, out.issued_date) == ("174", "174/KH-UBND", "2026-04-27")
    assert not out.number_stamped and not out.date_stamped
    assert len(out.warnings) == 2
    same = complete_header("173", "173/KH-UBND", "2026-04-28", _stamped("173", "28"))
    assert same.number_stamped and same.date_stamped and same.warnings == ()


def test_nothing_stamped_changes_nothing() -> None:
    from pipeline.ingest.esign import complete_header

    out = complete_header(None, "/KH-UBND", "2026-04", None)
    assert (out.number, out.symbol, out.issued_date, out.number_stamped) == (
        None,
        "/KH-UBND",
        "2026-04",
        False,
    )
    printed = complete_header(None, "/KH-UBND", "2026-04", _stamped(None, None, stamped=False))
    assert printed.issued_date == "2026-04" and not printed.date_stamped


def test_unstamped_values_only_complete_what_the_header_printed() -> None:
    from pipeline.ingest.esign import complete_header

    body_date = _stamped("12", "5", stamped=False)  # read from the text layer: could be a body date
    out = complete_header(None, None, None, body_date)
    assert (out.number, out.symbol, out.issued_date) == (None, None, None)
    partial = complete_header(None, "/KH-UBND", "2026-04", body_date)
    assert (partial.number, partial.symbol, partial.issued_date) == ("12", "12/KH-UBND", "2026-04-05")
    assert not partial.number_stamped and not partial.date_stamped


@pytest.mark.skipif(not TEXT_LAYER, reason="corpus/real is not present")
@pytest.mark.parametrize("meta", TEXT_LAYER, ids=lambda m: m["file"])
def test_signature_values_read_without_their_blob_equal_pypdfs_full_parse(meta: dict) -> None:
    import pypdf

    from pipeline.ingest.esign import _signature_value

    reader = pypdf.PdfReader(io.BytesIO((REAL / meta["file"]).read_bytes()))
    annots = [a.get_object() for page in reader.pages for a in (page.get("/Annots") or [])]
    refs = [a.get("/V") for a in annots if a.get("/FT") == "/Sig" and a.get("/V") is not None]
    assert refs and all(isinstance(r, pypdf.generic.IndirectObject) for r in refs)
    for ref in refs:
        quick = dict(_signature_value(ref))
        assert not quick.pop("/Contents")  # the blob is left out ...
        full = dict(ref.get_object())
        assert len(full.pop("/Contents")) > 1000
        assert quick == full  # ... and everything else is as pypdf reads it
