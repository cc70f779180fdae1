"""E-signed PDFs as portals publish them: signature stamps, and the number and day they fill in.

A document signed in a government e-office system is printed with its number
and day left blank (`Số:      /KH-UBND`, `ngày    tháng 4 năm 2026`); the
clerk's signing stamps them afterwards as signature widgets (AcroForm `/Sig`
fields) whose appearance draws the digits over the blanks. A text-layer
reader never sees them. This module reads the widgets (who signed, when, the
text their appearance draws, where), tells the stamp's own text ("Ký bởi",
"Thời gian ký", an e-mail, a timestamp) from body text, and recovers the
stamped number and day by geometry: what is drawn between `Số:` and the
symbol, between `ngày` and `tháng`. Digits can also sit in the text layer as
separate runs, or come from OCR of a scan; the same geometry reads them, and
a reading that is not sure (handwriting) stays blank with a warning.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

from pipeline.dates import iso
from pipeline.doclines import header_words, words_pattern

if TYPE_CHECKING:
    from pipeline.ingest.ocr import OcrPage

Source = Literal["widget_text", "ocr", "text_layer"]
BBox = tuple[float, float, float, float]  # x0, top, x1, bottom in PDF points, top-left origin (pdfplumber's)

_OCR_MIN_CONFIDENCE = 80.0  # an OCR'd number or day below this is left blank, never guessed
_HEADER_ZONE = 0.45  # the header's number and date lines sit in the top part of the page


# ---------------------------------------------------------------- models


@dataclass(frozen=True)
class PlacedText:
    """A piece of text with its box on a page: a text-layer word, a widget's text run or an OCR word."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    source: Source = "text_layer"
    confidence: float | None = None
    from_widget: bool = False  # drawn by a signature widget (its text, or OCR of its image)

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass
class SignatureStamp:
    """One signature widget: who signed, when, and what its appearance shows on the page."""

    field_name: str
    page: int | None
    bbox: BBox | None
    signer: str | None = None
    organisation: str | None = None
    email: str | None = None
    signed_at: str | None = None  # ISO 8601 with offset, from the signature's /M
    shown_time: str | None = None  # the timestamp the appearance prints, ISO 8601
    reason: str | None = None
    location: str | None = None
    text: str = ""  # the appearance's text, lines joined with "\n"
    runs: list[PlacedText] = field(default_factory=list)
    has_image: bool = False

    @property
    def is_stamp_block(self) -> bool:
        """The appearance prints a signing block (organisation, e-mail, time), not a stamped value."""
        return any(is_signature_stamp_text(line) for line in self.text.splitlines())


@dataclass(frozen=True)
class StampedValue:
    """A header value recovered from a stamp: `basis` says how (slot, stamp_text, signing_time)."""

    value: str
    source: Source
    page: int
    bbox: BBox | None = None
    confidence: float | None = None
    basis: str = "slot"
    stamped: bool = False  # filled in by the signing system (a widget), not printed


@dataclass
class StampedHeader:
    """The header's number and date as stamped, for a header printed with blanks.

    `fills` are the widget text runs drawn into the header's blanks, to merge
    into the page's words so the record's text reads as the page does.
    """

    number: StampedValue | None = None
    day: StampedValue | None = None
    month: StampedValue | None = None
    year: StampedValue | None = None
    symbol_tail: str | None = None  # '/KH-UBND' as printed after the blank
    printed_month: int | None = None
    printed_year: int | None = None
    signed_at: str | None = None
    fills: list[tuple[int, PlacedText]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def source(self) -> Source | None:
        """Where the stamped values came from ('widget_text', 'ocr', 'text_layer'), None when none."""
        for v in (self.number, self.day, self.month, self.year):
            if v is not None:
                return v.source
        return None

    @property
    def symbol(self) -> str | None:
        if self.number and self.symbol_tail:
            return self.number.value + self.symbol_tail
        return None

    @property
    def issued_date(self) -> str | None:
        """ISO date (or year-month) from stamped values, completed by what the header prints."""
        month = int(self.month.value) if self.month else self.printed_month
        year = int(self.year.value) if self.year else self.printed_year
        if month is None or year is None:
            return None
        return iso(int(self.day.value) if self.day else None, month, year)

    @property
    def stamped(self) -> bool:
        """True when the number or day was filled in by the signing system (a widget), not printed."""
        return any(v is not None and v.stamped for v in (self.number, self.day))


# ---------------------------------------------------------------- stamp text


_EMAIL = r"<?[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+>?"
_TIME = (
    r"(?:\d{1,2}[./\-]\d{1,2}[./\-]\d{4}|\d{4}-\d{2}-\d{2})(?:[ T,]+\d{1,2}:\d{2}(?::\d{2})?)?"
    r"(?:\s*(?:[+\-]\d{2}:?\d{2}|Z|GMT[+\-]?\d*))?"
)
_EMAIL_RE = re.compile(_EMAIL)
_ONLY_EMAIL_RE = re.compile(rf"^(?:e-?mail\s*:?\s*)?{_EMAIL}$", re.I)
_ONLY_TIME_RE = re.compile(rf"^(?:{_TIME}|[+\-]\d{{2}}:\d{{2}})$")
_SIGNED_NOTICE_RE = re.compile(r"đã\s+ký\s+(?:lên|vào)\s+văn\s+bản", re.I)
_TIME_IN_TEXT_RE = re.compile(
    r"(?P<d>\d{1,2})[./\-](?P<m>\d{1,2})[./\-](?P<y>\d{4})[ T,]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?"
    r"(?:\s*(?P<tz>[+\-]\d{2}:?\d{2}))?"
    r"|(?P<iy>\d{4})-(?P<im>\d{2})-(?P<id>\d{2})T(?P<iH>\d{2}):(?P<iM>\d{2})(?::(?P<iS>\d{2}))?(?P<itz>[+\-]\d{2}:?\d{2}|Z)?"
)


@cache
def _cue_re() -> re.Pattern[str]:
    return re.compile(rf"^(?:{words_pattern(header_words()['esign_cues'])})", re.I)


def is_signature_stamp_text(line: str) -> bool:
    """True for a line of an e-signature stamp block: not body text, not a recipient.

    The block prints a cue ("Ký bởi:", "Cơ quan:", "Thời gian ký:", "Email:"),
    an e-mail address alone, a timestamp alone, or the signing notice
    ("... đã ký lên văn bản này").
    """
    s = line.strip().strip("|").strip()
    if not s:
        return False
    return bool(
        _cue_re().match(s) or _ONLY_EMAIL_RE.match(s) or _ONLY_TIME_RE.match(s) or _SIGNED_NOTICE_RE.search(s)
    )


def _iso_from_pdf_date(raw: str | None) -> str | None:
    """'D:20250124200114+07'00'' -> '2025-01-24T20:01:14+07:00'."""
    if not raw:
        return None
    m = re.match(r"^D?:?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(Z|[+\-]\d{2}'?\d{2}'?)?", str(raw))
    if not m:
        return None
    y, mo, d, hh, mm, ss, tz = m.groups()
    return f"{y}-{mo or '01'}-{d or '01'}T{hh or '00'}:{mm or '00'}:{ss or '00'}" + _offset(tz)


def _offset(tz: str | None) -> str:
    """An ISO offset from the forms PDF dates and stamps print: `Z`, `+07'00'`, `+07:00`, `+0700`."""
    if not tz:
        return ""
    if tz == "Z":
        return "+00:00"
    digits = re.sub(r"[':]", "", tz)
    return f"{digits[:3]}:{digits[3:5] or '00'}"


def shown_time(text: str) -> str | None:
    """The first timestamp a stamp prints ('24.01.2025 20:01:14 +07:00', '2026-05-13T14:41:57+07:00'), ISO."""
    flat = re.sub(r"\s+", " ", text)
    m = _TIME_IN_TEXT_RE.search(flat)
    if not m:
        return None
    if m.group("iy"):
        y, mo, d, hh, mi, ss, tz = (m.group(k) for k in ("iy", "im", "id", "iH", "iM", "iS", "itz"))
    else:
        y, mo, d, hh, mi, ss, tz = (m.group(k) for k in ("y", "m", "d", "H", "M", "S", "tz"))
    return f"{int(y):04d}-{int(mo):02d}-{int(d):02d}T{int(hh):02d}:{mi}:{ss or '00'}" + _offset(tz)


def _organisation(text: str, reason: str | None) -> str | None:
    """The signing organisation: a 'Cơ quan:' line, the capitals lines before the e-mail, or the reason's."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    for ln in lines:
        m = re.match(r"^(?:Cơ quan|Tổ chức|Đơn vị)\s*:\s*(.+)$", ln, re.I)
        if m:
            return m.group(1).strip()
    head: list[str] = []
    for ln in lines:
        if is_signature_stamp_text(ln) or re.match(r"^(?:Số|Ký bởi)\s*:", ln, re.I):
            break
        head.append(ln)
    if head and any(c.isalpha() for c in "".join(head)):
        return " ".join(head)
    if reason:
        before = _EMAIL_RE.split(reason)[0].strip()
        if before and not _SIGNED_NOTICE_RE.search(before) and not before.lower().startswith("kèm theo"):
            return before
    return None


# ---------------------------------------------------------------- reading widgets


def _matrix_apply(m: Sequence[float], x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def _appearance_runs(
    page: Any, appearance: Any, rect: Sequence[float], page_top: float, page_left: float
) -> tuple[list[PlacedText], bool]:
    """The text runs an appearance stream draws, placed on the page; and whether it draws an image."""
    runs: list[tuple[str, float, float, float]] = []

    def visit(text: str, cm: Sequence[float], tm: Sequence[float], _font: Any, size: float) -> None:
        if text.strip():
            x, y = _matrix_apply(cm, float(tm[4]), float(tm[5]))
            scale = abs(float(tm[3]) * float(cm[3])) or 1.0
            runs.append((text, x, y, float(size) * scale))

    page.extract_xform_text(appearance, visitor_text=visit)
    bbox = [float(v) for v in appearance.get("/BBox", [0, 0, rect[2] - rect[0], rect[3] - rect[1]])]
    matrix = [float(v) for v in appearance.get("/Matrix", [1, 0, 0, 1, 0, 0])]
    corners = [_matrix_apply(matrix, x, y) for x in (bbox[0], bbox[2]) for y in (bbox[1], bbox[3])]
    bx0, bx1 = min(c[0] for c in corners), max(c[0] for c in corners)
    by0, by1 = min(c[1] for c in corners), max(c[1] for c in corners)
    sx = (rect[2] - rect[0]) / (bx1 - bx0) if bx1 > bx0 else 1.0
    sy = (rect[3] - rect[1]) / (by1 - by0) if by1 > by0 else 1.0
    placed = []
    for text, fx, fy, size in runs:
        px, py = _matrix_apply(matrix, fx, fy)
        x = rect[0] + (px - bx0) * sx - page_left
        y = rect[1] + (py - by0) * sy
        h = size * sy
        for piece in _split_run(text.strip(), x + (len(text) - len(text.lstrip())) * 0.5 * h, 0.5 * h):
            word, x0, x1 = piece
            placed.append(
                PlacedText(
                    word,
                    round(x0, 2),
                    round(page_top - y - 0.8 * h, 2),
                    round(x1, 2),
                    round(page_top - y + 0.2 * h, 2),
                    "widget_text",
                    from_widget=True,
                )
            )
    return placed, _draws_image(appearance)


def _split_run(text: str, x: float, em: float) -> Iterable[tuple[str, float, float]]:
    """A run's words with estimated x extents (digits and most letters are about half an em wide)."""
    for m in re.finditer(r"\S+", text):
        yield m.group(), x + m.start() * em, x + m.end() * em


def _draws_image(xobject: Any, depth: int = 0) -> bool:
    resources = xobject.get("/Resources")
    if resources is None or depth > 5:
        return False
    for sub in (resources.get_object().get("/XObject") or {}).values():
        sub = sub.get_object()
        if sub.get("/Subtype") == "/Image" or (
            sub.get("/Subtype") == "/Form" and _draws_image(sub, depth + 1)
        ):
            return True
    return False


def read_signatures(data: bytes) -> list[SignatureStamp]:
    """Every signature widget of a PDF, in page order; [] for an unsigned or unreadable PDF."""
    try:
        import pypdf

        reader = pypdf.PdfReader(io.BytesIO(data))
        pages = list(reader.pages)
    except Exception:  # an unreadable PDF has no signatures we can show; the reader reports the file
        return []
    out: list[SignatureStamp] = []
    for number, page in enumerate(pages, start=1):
        try:
            annots = page.get("/Annots") or []
            annots = annots.get_object() if hasattr(annots, "get_object") else annots
        except Exception:
            continue
        for ref in annots:
            try:
                stamp = _read_widget(page, ref.get_object(), number)
            except Exception:  # one malformed widget must not hide the others
                continue
            if stamp is not None:
                out.append(stamp)
    return out


_OBJECT_START = re.compile(rb"\s*\d+\s+\d+\s+obj\s*")
_CONTENTS = re.compile(rb"/Contents\s*<[0-9A-Fa-f\s]*>")


def _signature_value(ref: Any) -> Any:
    """The signature dictionary (`/V`) without its `/Contents`: the PKCS#7 blob, kilobytes of hex that
    pypdf would decode a character at a time (most of the time of reading a signed page), and that
    nothing here reads. A signature dictionary is a plain object in the file (its byte range must
    leave `/Contents` out), so it is parsed from its own bytes with the blob blanked."""
    if ref is None:
        return {}
    reader = getattr(ref, "pdf", None)
    try:
        offset = reader.xref[ref.generation][ref.idnum]
        raw = reader.stream.getvalue()
        end = raw.index(b"endobj", offset)
        start = _OBJECT_START.match(raw, offset)
        body = _CONTENTS.sub(b"/Contents <>", raw[start.end() if start else offset : end])
        from pypdf.generic import DictionaryObject

        return DictionaryObject.read_from_stream(io.BytesIO(body), reader)
    except Exception:  # compressed into an object stream, or an odd layout: pypdf's own way
        return ref.get_object()


def _read_widget(page: Any, annot: Any, number: int) -> SignatureStamp | None:
    if annot.get("/Subtype") != "/Widget":
        return None
    fld = annot
    while fld.get("/FT") is None and fld.get("/Parent") is not None:
        fld = fld["/Parent"].get_object()
    if fld.get("/FT") != "/Sig":
        return None
    value = _signature_value(fld.get("/V"))
    mb = page.mediabox
    page_top, page_left = float(mb.top), float(mb.left)
    rect = [float(v) for v in annot.get("/Rect", [0, 0, 0, 0])]
    x0, x1 = sorted((rect[0], rect[2]))
    y0, y1 = sorted((rect[1], rect[3]))
    bbox = (
        round(x0 - page_left, 2),
        round(page_top - y1, 2),
        round(x1 - page_left, 2),
        round(page_top - y0, 2),
    )
    runs: list[PlacedText] = []
    has_image = False
    text = ""
    ap = annot.get("/AP")
    normal = ap.get_object().get("/N") if ap is not None else None
    if normal is not None:
        normal = normal.get_object()
        if normal.get("/Subtype") != "/Form" and hasattr(normal, "values"):  # appearance states
            normal = next(iter(normal.values())).get_object()
        if not page.get("/Rotate"):
            runs, has_image = _appearance_runs(page, normal, [x0, y0, x1, y1], page_top, page_left)
        text = page.extract_xform_text(normal).strip()
        text = "\n".join(re.sub(r"\s+", " ", ln).strip() for ln in text.splitlines() if ln.strip())
    reason = _str(value.get("/Reason"))
    organisation = _organisation(text, reason)
    email = _EMAIL_RE.search(f"{text}\n{reason or ''}")
    return SignatureStamp(
        field_name=_str(fld.get("/T")) or "",
        page=number,
        bbox=bbox,
        signer=_str(value.get("/Name")) or _signed_by(text),
        organisation=organisation,
        email=email.group().strip("<>") if email else None,
        signed_at=_iso_from_pdf_date(_str(value.get("/M"))),
        shown_time=shown_time(text),
        reason=reason,
        location=_str(value.get("/Location")),
        text=text,
        runs=runs,
        has_image=has_image,
    )


def _signed_by(text: str) -> str | None:
    """The name after 'Ký bởi:' in a stamp's text, when the signature itself names nobody."""
    m = re.search(r"^Ký bởi\s*:\s*(.+)$", text, re.M | re.I)
    return m.group(1).strip() if m else None


def _str(v: Any) -> str | None:
    if v is None:
        return None
    s = str(v).strip()
    return s or None


# ---------------------------------------------------------------- header slots

_SO_RE = re.compile(r"^[Ss][ốôỐ]\s*:?$")
_SYMBOL_RE = re.compile(r"^[._…]*(?P<tail>[/\-–][0-9A-Za-zĐđÀ-ỹ&.\-–/]*)$")
_STAMP_NUMBER_RE = re.compile(r"Số\s*:?\s*(?P<num>\d{1,5})\s*(?P<tail>/[0-9A-Za-zĐđÀ-ỹ&.\-–/]+)", re.I)
_DIGITS_RE = re.compile(r"^[0-9]{1,5}$")


Slot = tuple[float, float, float, float]  # a blank: x from, x to, line top, line bottom


@dataclass
class _Slots:
    """The blanks of a printed header line: each is an x range on one line."""

    page: int
    number: Slot | None = None
    tail: str | None = None
    day: Slot | None = None
    month: Slot | None = None
    year: Slot | None = None


def _same_line(a: PlacedText, b: PlacedText) -> bool:
    overlap = min(a.bottom, b.bottom) - max(a.top, b.top)
    return overlap > 0.4 * min(a.bottom - a.top, b.bottom - b.top)


def _fold(s: str) -> str:
    return s.strip(",.;:()").lower()


def find_slots(words: list[PlacedText], page: int, page_height: float) -> _Slots:
    """Where the header's number and day/month/year go, from the printed words around the blanks.

    Body text can print 'ngày ... tháng ... năm' too: of the date lines in the
    header zone, the one nearest the number line is the header's.
    """
    zone = [w for w in words if not w.from_widget and w.bottom <= page_height * _HEADER_ZONE]
    slots = _Slots(page)
    dates: list[tuple[Slot, Slot | None, Slot | None]] = []
    for i, w in enumerate(zone):
        if slots.number is None and _SO_RE.match(w.text):
            for nxt in zone[i + 1 : i + 4]:
                m = _SYMBOL_RE.match(nxt.text)
                if m and _same_line(w, nxt) and sum(c.isupper() for c in m.group("tail")) >= 2:
                    x_from, x_to = _between(w, nxt, zone[i + 1 : zone.index(nxt)])
                    slots.number = (x_from, x_to, min(w.top, nxt.top), max(w.bottom, nxt.bottom))
                    slots.tail = m.group("tail").replace("–", "-")
                    break
        if _fold(w.text) == "ngày":
            line = [x for x in zone[i + 1 : i + 8] if _same_line(w, x)]
            thang = next((x for x in line if _fold(x.text) == "tháng"), None)
            if thang is None or line.index(thang) > 2:
                continue
            nam = next((x for x in line if _fold(x.text) == "năm" and x.x0 > thang.x1), None)
            top, bottom = min(w.top, thang.top), max(w.bottom, thang.bottom)
            day = (*_between(w, thang, line[: line.index(thang)]), top, bottom)
            if nam is not None:
                month = (*_between(thang, nam, line[line.index(thang) + 1 : line.index(nam)]), top, bottom)
                year = (nam.x1, nam.x1 + 2.8 * (bottom - top), top, bottom)  # four digits
            else:
                month, year = (thang.x1, thang.x1 + 4 * (bottom - top), top, bottom), None
            dates.append((day, month, year))
    if dates:
        near = slots.number[2] if slots.number else 0.0
        slots.day, slots.month, slots.year = min(dates, key=lambda d: abs(d[0][2] - near))
    return slots


def _between(left: PlacedText, right: PlacedText, inner: list[PlacedText]) -> tuple[float, float]:
    """The x range of a blank between two printed words; OCR boxes can overlap, so the words read
    between them in order widen it."""
    return min([left.x1] + [w.x0 for w in inner]), max([right.x0] + [w.x1 for w in inner])


def _is_anchor(w: PlacedText) -> bool:
    return _fold(w.text) in ("ngày", "tháng", "năm") or bool(_SO_RE.match(w.text) or _SYMBOL_RE.match(w.text))


def _in_slot(w: PlacedText, slot: Slot) -> bool:
    x_from, x_to, top, bottom = slot
    h = bottom - top
    centre = (w.x0 + w.x1) / 2
    return x_from - 1 <= centre <= x_to + 1 and top - 0.6 * h <= w.middle <= bottom + 0.6 * h


def _fill(
    slot: Slot | None,
    words: list[PlacedText],
    page: int,
    what: str,
    out: StampedHeader,
) -> StampedValue | None:
    """The value written in one blank, or None (with a warning when something unreadable is there)."""
    if slot is None:
        return None
    inside = sorted((w for w in words if _in_slot(w, slot) and not _is_anchor(w)), key=lambda w: w.x0)
    if not inside:
        return None
    text = "".join(w.text for w in inside)
    sure = all(w.confidence is None or w.confidence >= _OCR_MIN_CONFIDENCE for w in inside)
    if not _DIGITS_RE.match(text) or not sure:
        if any(w.source == "ocr" for w in inside):
            out.warnings.append(
                f"the {what} on page {page} is not legible to OCR (handwritten or faint): left blank, not guessed"
            )
        return None
    box = (
        min(w.x0 for w in inside),
        min(w.top for w in inside),
        max(w.x1 for w in inside),
        max(w.bottom for w in inside),
    )
    conf = [w.confidence for w in inside if w.confidence is not None]
    if inside[0].source == "widget_text":
        out.fills.extend((page, w) for w in inside)
    stamped = all(w.from_widget for w in inside)
    return StampedValue(text, inside[0].source, page, box, min(conf) if conf else None, stamped=stamped)


def _page_words(
    pdf: Any, number: int, signatures: list[SignatureStamp], ocr: OcrPage | None
) -> list[PlacedText]:
    if ocr is not None:
        lines = [*ocr.lines, *ocr.margin_lines]
        words = [
            PlacedText(w.text, w.x0, w.top, w.x1, w.bottom, "ocr", w.confidence)
            for ln in lines
            for w in ln.words
        ]
    else:
        words = [
            PlacedText(w["text"], float(w["x0"]), float(w["top"]), float(w["x1"]), float(w["bottom"]))
            for w in pdf.pages[number - 1].extract_words()
        ]
    for sig in signatures:
        if sig.page == number and not sig.is_stamp_block:
            words.extend(sig.runs)
    return words


def stamped_header_values(
    data: bytes,
    pdf: Any,
    signatures: list[SignatureStamp] | None = None,
    ocr_pages: list[OcrPage] | None = None,
    ocr_images: bool = True,
) -> StampedHeader:
    """The number and day a header printed with blanks was given when it was signed.

    `pdf` is the open document with pdfplumber's `pages` (a pdfplumber PDF or
    the PDF reader's `pdf_chars.ReadingDocument`); `signatures` saves a second read of
    the widgets; `ocr_pages` are the OCR'd scans (their words stand in for the
    text layer). A value drawn as an image in a widget is OCR'd when Tesseract
    is installed (`ocr_images`); a value read from a scan with low confidence
    stays blank, with a warning.
    """
    sigs = read_signatures(data) if signatures is None else signatures
    ocr_by_page = {p.page: p for p in ocr_pages or []}
    out = StampedHeader()
    for number in range(1, min(2, len(pdf.pages)) + 1):
        page = pdf.pages[number - 1]
        words = _page_words(pdf, number, sigs, ocr_by_page.get(number))
        slots = find_slots(words, number, float(page.height))
        if slots.number is None and slots.day is None:
            continue
        if ocr_images:
            words.extend(_ocr_image_widgets(data, sigs, slots, out))
        out.symbol_tail = slots.tail
        out.number = _fill(slots.number, words, number, "number", out)
        out.day = _fill(slots.day, words, number, "day", out)
        out.month = _fill(slots.month, words, number, "month", out)
        out.year = _fill(slots.year, words, number, "year", out)
        if out.month and out.month.source == "text_layer":
            out.printed_month, out.month = int(out.month.value), None
        if out.year and out.year.source == "text_layer":
            out.printed_year, out.year = int(out.year.value), None
        break
    _from_stamp_text(sigs, out)
    out.signed_at = _signing_time(sigs, out)
    return out


def _ocr_image_widgets(
    data: bytes, sigs: list[SignatureStamp], slots: _Slots, out: StampedHeader
) -> list[PlacedText]:
    """OCR of widgets that draw a header value as an image (no text to read) over a blank."""
    found: list[PlacedText] = []
    for sig in sigs:
        if sig.page != slots.page or sig.bbox is None or sig.runs or not sig.has_image:
            continue
        x0, top, x1, bottom = sig.bbox
        probe = PlacedText("", x0, top, x0 + min(x1 - x0, 40.0), bottom)
        if not any(
            s is not None and _in_slot(probe, s) for s in (slots.number, slots.day, slots.month, slots.year)
        ):
            continue
        from pipeline.ingest.ocr import OcrUnavailable, ocr_stamped_digits

        try:
            region = ocr_stamped_digits(data, sig.page, sig.bbox)
        except OcrUnavailable as exc:
            out.warnings.append(
                f"a header value on page {sig.page} is stamped as an image and not read: {exc}"
            )
            continue
        except Exception as exc:  # a widget pdfium cannot draw: the value stays blank, the file still reads
            out.warnings.append(
                f"a header value on page {sig.page} is stamped as an image that could not be rendered ({exc})"
            )
            continue
        found.extend(
            PlacedText(w.text, w.x0, w.top, w.x1, w.bottom, "ocr", w.confidence, from_widget=True)
            for line in region.lines
            for w in line.words
        )
    return found


def _norm_tail(tail: str) -> str:
    return tail.replace("–", "-").upper()


def _from_stamp_text(sigs: list[SignatureStamp], out: StampedHeader) -> None:
    """A number (and the day, by its signing time) from a stamp that prints 'Số: 2061/QĐ-UBND'.

    Only when the stamp's symbol is the one the header prints with a blank:
    then the stamp is the issuing of this document, and its signing date is
    the issue date if it falls in the printed month and year.
    """
    if out.number is not None or out.symbol_tail is None:
        return
    for sig in sigs:
        m = _STAMP_NUMBER_RE.search(sig.text)
        if not m or _norm_tail(m.group("tail")) != _norm_tail(out.symbol_tail) or sig.page is None:
            continue
        out.number = StampedValue(
            m.group("num"), "widget_text", sig.page, sig.bbox, basis="stamp_text", stamped=True
        )
        when = sig.shown_time or sig.signed_at
        if out.day is None and when and out.printed_month and out.printed_year:
            y, mo, d = int(when[:4]), int(when[5:7]), int(when[8:10])
            if (y, mo) == (out.printed_year, out.printed_month):
                out.day = StampedValue(
                    str(d), "widget_text", sig.page, sig.bbox, basis="signing_time", stamped=True
                )
        return


def _signing_time(sigs: list[SignatureStamp], out: StampedHeader) -> str | None:
    """The signing time the page shows (a stamp block's timestamp), else the number stamp's signing time."""
    shown = [s.shown_time for s in sigs if s.shown_time]
    if shown:
        return shown[0]
    if out.number is not None and out.number.stamped:
        for s in sigs:
            if (
                s.page == out.number.page
                and s.bbox
                and out.number.bbox
                and _overlaps(s.bbox, out.number.bbox)
            ):
                return s.signed_at
    return None


def _overlaps(a: BBox, b: BBox) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


# ---------------------------------------------------------------- completing the header


@dataclass(frozen=True)
class CompletedHeader:
    """The header's number, symbol and date once the stamped values fill its blanks."""

    number: str | None
    symbol: str | None
    issued_date: str | None
    number_stamped: bool = False
    date_stamped: bool = False
    signed_at: str | None = None
    warnings: tuple[str, ...] = ()


def complete_header(
    number: str | None, symbol: str | None, issued_date: str | None, stamped: StampedHeader | None
) -> CompletedHeader:
    """Fill what the printed header left blank (`Số:    /KH-UBND`, `ngày   tháng 4`) with stamped values.

    What the header prints wins; a stamped value only fills a blank or
    completes a partial date it agrees with. A disagreement is a warning.
    """
    if stamped is None:
        return CompletedHeader(number, symbol, issued_date)
    warnings = list(stamped.warnings)
    number_stamped = date_stamped = False
    got = stamped.number
    if got is not None and (got.stamped or number is not None or (symbol or "") == stamped.symbol_tail):
        if number is None:
            number = got.value
            tail = stamped.symbol_tail if symbol is None else symbol if symbol.startswith("/") else None
            if tail:
                symbol = got.value + tail
            number_stamped = got.stamped
        elif number.lstrip("0") == got.value.lstrip("0"):
            number_stamped = got.stamped
        else:
            warnings.append(f"the header prints number {number} but the signing stamp shows {got.value}")
    when = stamped.issued_date
    # a date from the text layer or a scan only completes what the header printed: alone it could be
    # a body date; a stamped one is the issuing itself
    trusted = any(v is not None and v.stamped for v in (stamped.day, stamped.month, stamped.year))
    if when and (issued_date is not None or trusted):
        if issued_date is None or (when.startswith(issued_date) and len(when) > len(issued_date)):
            issued_date = when
            date_stamped = bool(stamped.day and stamped.day.stamped)
        elif issued_date == when:
            date_stamped = bool(stamped.day and stamped.day.stamped)
        elif not issued_date.startswith(when):
            warnings.append(f"the header prints date {issued_date} but the signing stamp shows {when}")
    return CompletedHeader(
        number, symbol, issued_date, number_stamped, date_stamped, stamped.signed_at, tuple(warnings)
    )
