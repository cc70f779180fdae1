"""Tesseract OCR of scanned PDF pages or small page regions.

Published scans (pages that are one image, with no text layer or only an
e-signature's metadata) are read with Tesseract's Vietnamese model at a
resolution that keeps diacritics apart (300 dpi). The result keeps what a
researcher needs to judge it: text lines with their boxes (in PDF points,
top-left origin, like pdfplumber) and Tesseract's confidence per word, line
and page. Words Tesseract could not read (handwriting, stamp ink) are printed
as "……" (a form's blank) rather than as a guess, so no later stage takes a
scribble for a number or a day.

Tesseract is an optional system dependency: `ocr_available()` says whether it
is usable and `OcrUnavailable` carries a sentence naming the install step.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from pipeline.ingest.esign import is_signature_stamp_text
from pipeline.ingest.pdf_chars import PDFIUM_LOCK

if TYPE_CHECKING:
    from PIL.Image import Image

DEFAULT_DPI = 300
DEFAULT_LANG = "vie"
INSTALL_STEP = (
    "install Tesseract and its Vietnamese model (Debian/Ubuntu: `apt-get install tesseract-ocr tesseract-ocr-vie`; "
    "macOS: `brew install tesseract tesseract-lang`) and the Python package `pytesseract`"
)
UNREADABLE = "……"  # what a form prints for a blank: readers take it for one, not for a value
# Characters Vietnamese print does not use, but Tesseract emits for handwriting and stamp ink.
_JUNK_CHARS = frozenset("#|¦§¤^`~@\\{}<>¬¢£¥©®™")
_JUNK_MAX_CONFIDENCE = 90.0  # a word with a junk character is kept only when Tesseract is this sure
_DIGIT_MIN_CONFIDENCE = 30.0  # below this a word with digits is a guess, not a reading
_PT_PER_INCH = 72.0
# Printed words of a registry stamp, as Tesseract reads them through stamp ink (diacritics often lost).
_REGISTRY_CUE = re.compile(r"(?i)(?<!\w)(?:đ[ếêe]n|chuy[ểêe]n|s[ốôo]\s*:|ng[àa]y\s*:|cv)(?!\w)")


class OcrUnavailable(RuntimeError):
    """Tesseract (or its Vietnamese model, or pytesseract) is missing: the reason names the install step."""


@dataclass(frozen=True)
class OcrWord:
    """One word as Tesseract read it; box in PDF points from the page's top-left corner."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    confidence: float

    @property
    def readable(self) -> bool:
        """False for a word that is a guess: junk characters, or digits read with very low confidence."""
        if any(c in _JUNK_CHARS for c in self.text) and self.confidence < _JUNK_MAX_CONFIDENCE:
            return False
        return not (self.confidence < _DIGIT_MIN_CONFIDENCE and any(c.isdigit() for c in self.text))

    @property
    def shown(self) -> str:
        """The word as the record prints it: unreadable words become "……"."""
        return self.text if self.readable else UNREADABLE


@dataclass
class OcrLine:
    """One text line: its words left to right; `paragraph` groups lines Tesseract saw as one paragraph."""

    words: list[OcrWord]
    paragraph: int = 0

    @property
    def text(self) -> str:
        return " ".join(w.shown for w in self.words)

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (
            min(w.x0 for w in self.words),
            min(w.top for w in self.words),
            max(w.x1 for w in self.words),
            max(w.bottom for w in self.words),
        )

    @property
    def confidence(self) -> float:
        return statistics.fmean(w.confidence for w in self.words) if self.words else 0.0


@dataclass
class OcrPage:
    """The OCR of one page (or of one region of it, then `region` is its box in points).

    `margin_lines` are lines printed outside the text column (a receiving
    office's registry stamp in the margin, notes in ink): not body text.
    """

    page: int
    width: float
    height: float
    lines: list[OcrLine]
    dpi: int
    seconds: float
    margin_lines: list[OcrLine] = field(default_factory=list)
    region: tuple[float, float, float, float] | None = None

    @property
    def confidence(self) -> float:
        """Mean word confidence (0-100) over the page's body and margin words."""
        words = [w for line in [*self.lines, *self.margin_lines] for w in line.words]
        return round(statistics.fmean(w.confidence for w in words), 1) if words else 0.0

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def registry_stamp(self) -> str | None:
        """The margin's text when it reads as a receiving office's registry stamp ('CV ĐẾN / Số / Ngày / Chuyển')."""
        text = "\n".join(line.text for line in self.margin_lines)
        return text if text and _REGISTRY_CUE.search(text) else None

    @property
    def unreadable_words(self) -> int:
        return sum(1 for line in self.lines for w in line.words if not w.readable)


def ocr_summary(pages: list[OcrPage]) -> tuple[list[int], float | None]:
    """The OCR'd page numbers and their mean word confidence (0-100), for the record's source."""
    words = [w for p in pages for line in [*p.lines, *p.margin_lines] for w in line.words]
    mean = round(statistics.fmean(w.confidence for w in words), 1) if words else None
    return [p.page for p in pages], mean


# ---------------------------------------------------------------- availability


@cache
def ocr_unavailable_reason(lang: str = DEFAULT_LANG) -> str | None:
    """None when OCR in `lang` can run here; otherwise what is missing and how to install it."""
    try:
        import pytesseract
    except ImportError:
        return f"OCR needs the Python package pytesseract, which is not installed: {INSTALL_STEP}"
    if shutil.which(pytesseract.pytesseract.tesseract_cmd) is None:
        return f"OCR needs the Tesseract program, which is not installed: {INSTALL_STEP}"
    try:
        langs = set(pytesseract.get_languages(config=""))
    except Exception as exc:  # a broken install: report it rather than crash
        return f"Tesseract is installed but does not run ({type(exc).__name__}: {exc}): {INSTALL_STEP}"
    if lang not in langs:
        return f"Tesseract is installed without its '{lang}' language model: {INSTALL_STEP}"
    return None


def ocr_available(lang: str = DEFAULT_LANG) -> bool:
    """Whether Tesseract with the `lang` model can run here."""
    return ocr_unavailable_reason(lang) is None


def require_ocr(lang: str = DEFAULT_LANG) -> None:
    """Raise `OcrUnavailable` (with the install step) when OCR cannot run."""
    reason = ocr_unavailable_reason(lang)
    if reason:
        raise OcrUnavailable(reason)


# ---------------------------------------------------------------- which pages


def pages_needing_ocr(pdf: Any, min_chars: int = 40, min_image_share: float = 0.3) -> list[int]:
    """1-based numbers of the pages of a PDF that are scans.

    `pdf` has pdfplumber's `pages` (a pdfplumber PDF, or the reader's
    `pdf_chars.ReadingDocument`, whose pdfium pages have the same attributes).
    A scan has (almost) no text of its own, once e-signature stamp lines
    printed into its text layer are set aside, and an image covering a good
    share of the page. Reads `page.chars`, which the page keeps for the reader
    that reads the same pages.
    """
    out = []
    for number, page in enumerate(pdf.pages, start=1):
        chars = sum(1 for c in page.chars if c["text"].isalnum())
        if chars >= 15 * min_chars:
            continue  # a text page: no need to look at its lines
        if chars >= min_chars:
            text = page.extract_text() or ""
            own = "".join(line for line in text.splitlines() if not is_signature_stamp_text(line))
            if sum(1 for c in own if c.isalnum()) >= min_chars:
                continue
        area = float(page.width * page.height) or 1.0
        covered = sum(
            max(0.0, float(min(im["x1"], page.width) - max(im["x0"], 0)))
            * max(0.0, float(min(im["bottom"], page.height) - max(im["top"], 0)))
            for im in page.images
        )
        if covered / area >= min_image_share:
            out.append(number)
    return out


# ---------------------------------------------------------------- reading images


def _lines_from_data(data: dict[str, list[Any]], scale: float, dx: float, dy: float) -> list[OcrLine]:
    """Tesseract's TSV rows (level 5 = word) grouped into lines, in Tesseract's reading order."""
    words: dict[tuple[int, int, int], list[OcrWord]] = {}
    for i, text in enumerate(data["text"]):
        text = (text or "").strip()
        if int(data["level"][i]) != 5 or not text:
            continue
        left, top = float(data["left"][i]), float(data["top"][i])
        width, height = float(data["width"][i]), float(data["height"][i])
        key = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
        words.setdefault(key, []).append(
            OcrWord(
                text=text,
                x0=round(dx + left * scale, 2),
                top=round(dy + top * scale, 2),
                x1=round(dx + (left + width) * scale, 2),
                bottom=round(dy + (top + height) * scale, 2),
                confidence=max(float(data["conf"][i]), 0.0),
            )
        )
    paragraphs: dict[tuple[int, int], int] = {}
    return [
        OcrLine(ws, paragraph=paragraphs.setdefault(key[:2], len(paragraphs)))
        for key, ws in sorted(words.items(), key=lambda kv: kv[0])
    ]


def ocr_image(
    image: Image,
    page: int,
    dpi: int = DEFAULT_DPI,
    lang: str = DEFAULT_LANG,
    offset: tuple[float, float] = (0.0, 0.0),
    psm: int = 3,
) -> OcrPage:
    """OCR one rendered image of (part of) a page; `offset` is the image's top-left corner in points."""
    require_ocr(lang)
    import pytesseract

    t0 = time.perf_counter()
    data = pytesseract.image_to_data(
        image, lang=lang, config=f"--psm {psm}", output_type=pytesseract.Output.DICT
    )
    lines = _lines_from_data(data, _PT_PER_INCH / dpi, offset[0], offset[1])
    return _ocr_page(image, page, dpi, lines, t0)


def _ocr_page(
    image: Image, page: int, dpi: int, lines: list[OcrLine], t0: float,
    region: tuple[float, float, float, float] | None = None,
) -> OcrPage:
    """The OCR of `image` (rendered at `dpi`), begun at `t0`, sized in points."""
    scale = _PT_PER_INCH / dpi
    return OcrPage(
        page=page,
        width=round(image.width * scale, 2),
        height=round(image.height * scale, 2),
        lines=lines,
        dpi=dpi,
        seconds=round(time.perf_counter() - t0, 3),
        region=region,
    )


# ---------------------------------------------------------------- margin text


def split_margin(page: OcrPage) -> OcrPage:
    """Move text printed left of the body's text column into `margin_lines`.

    A receiving office stamps its registry box ("CV ĐẾN / Số / Ngày") in the
    margin beside the title, often over the first body line; Tesseract then
    reads the stamp's words into that line. The column's left edge is where
    most full lines start; the words a line starts with well left of it (or a
    little left and unsure: ink) are margin, and the rest of the line stays
    body when it starts at the column.
    """
    full = [line for line in page.lines if len(line.words) >= 6]
    if len(full) < 5:
        return page
    column = statistics.median(line.bbox[0] for line in full)
    heights = [w.bottom - w.top for line in full for w in line.words]
    tol = 2.0 * statistics.median(heights)
    body: list[OcrLine] = []
    margin: list[OcrLine] = list(page.margin_lines)
    for line in page.lines:
        left = []
        for w in line.words:  # the words before the column: far left, or a little left and unsure (ink)
            if not (w.x0 < column - tol or (w.x0 < column - tol / 4 and w.confidence < 50)):
                break
            left.append(w)
        if not left:
            body.append(line)
            continue
        rest = line.words[len(left) :]
        if len(rest) >= 3 and rest[0].x0 >= column - tol:
            margin.append(OcrLine(left, line.paragraph))
            body.append(OcrLine(rest, line.paragraph))
        else:
            margin.append(line)
    return OcrPage(page.page, page.width, page.height, body, page.dpi, page.seconds, margin, page.region)


# ---------------------------------------------------------------- PDFs


def _render(data: bytes, page: int, dpi: int, bbox: Sequence[float] | None, forms: bool) -> Image:
    """Render 1-based `page` (or its `bbox` = (x0, top, x1, bottom) in points) in grey at `dpi`."""
    import pypdfium2 as pdfium

    with PDFIUM_LOCK:  # pdfium is not thread-safe; pages render one at a time, Tesseract runs in parallel
        return _render_locked(pdfium, data, page, dpi, bbox, forms)


def _render_locked(
    pdfium: Any, data: bytes, page: int, dpi: int, bbox: Sequence[float] | None, forms: bool
) -> Image:
    doc = pdfium.PdfDocument(data)
    try:
        if forms:
            doc.init_forms()
        pg = doc[page - 1]
        crop = (0.0, 0.0, 0.0, 0.0)
        if bbox is not None:
            width, height = pg.get_size()
            crop = (float(bbox[0]), height - float(bbox[3]), width - float(bbox[2]), float(bbox[1]))
        image = pg.render(
            scale=dpi / _PT_PER_INCH, crop=crop, grayscale=True, may_draw_forms=forms, no_smoothimage=True
        )
        return image.to_pil()
    finally:
        doc.close()


def render_page(data: bytes, page: int, dpi: int = DEFAULT_DPI, crop: Sequence[float] | None = None) -> Image:
    """Render 1-based `page` as printed (annotations not drawn); `crop` = (x0, top, x1, bottom) in points."""
    return _render(data, page, dpi, crop, forms=False)


def render_region_with_forms(data: bytes, page: int, bbox: Sequence[float], dpi: int = DEFAULT_DPI) -> Image:
    """Render a region of 1-based `page` with form-field appearances drawn (e-signature stamps are widgets)."""
    return _render(data, page, dpi, bbox, forms=True)


def _ocr_one(data: bytes, page: int, dpi: int, lang: str) -> OcrPage:
    return split_margin(ocr_image(render_page(data, page, dpi), page, dpi, lang))


def ocr_pdf_pages(
    data: bytes, pages: list[int], dpi: int = DEFAULT_DPI, lang: str = DEFAULT_LANG, jobs: int | None = None
) -> list[OcrPage]:
    """OCR the given 1-based pages of a PDF, in order; raises `OcrUnavailable` when Tesseract is missing.

    Pages run concurrently: each Tesseract call is its own process.
    """
    require_ocr(lang)
    if not pages:
        return []
    jobs = jobs or os.cpu_count() or 1
    if jobs > 1:  # one thread per Tesseract process: pages in parallel, not threads within a page
        os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(pages)))) as pool:
        return list(pool.map(lambda p: _ocr_one(data, p, dpi, lang), pages))


def ocr_region(
    data: bytes,
    page: int,
    bbox: Sequence[float],
    dpi: int = DEFAULT_DPI,
    lang: str = DEFAULT_LANG,
    psm: int = 6,
) -> OcrPage:
    """OCR one region of a page as printed (annotations not drawn); `bbox` = (x0, top, x1, bottom) in points."""
    require_ocr(lang)
    image = render_page(data, page, dpi, bbox)
    out = ocr_image(image, page, dpi, lang, offset=(float(bbox[0]), float(bbox[1])), psm=psm)
    out.region = (float(bbox[0]), float(bbox[1]), float(bbox[2]), float(bbox[3]))
    return out


def widget_drawing(data: bytes, page: int, bbox: Sequence[float], dpi: int = DEFAULT_DPI) -> Image:
    """Only what the page's widgets draw inside `bbox`: the page rendered with and without them, differenced.

    A stamped number sits a few points from the printed 'Số:' and symbol;
    OCR of the plain crop reads them as one word. The difference holds the
    stamp alone, black on white, with a white border Tesseract needs.
    """
    from PIL import ImageChops, ImageOps

    drawn = render_region_with_forms(data, page, bbox, dpi)
    plain = render_page(data, page, dpi, bbox)
    ink = ImageChops.subtract(plain, drawn).point(lambda v: 255 if v > 40 else 0)
    return ImageOps.expand(ImageOps.invert(ink), border=30, fill=255)


def ocr_stamped_digits(data: bytes, page: int, bbox: Sequence[float], dpi: int = DEFAULT_DPI) -> OcrPage:
    """OCR of the digits a signature widget draws as an image over a header blank (a number, a day).

    Digits only (Tesseract's whitelist, with its Latin model, which every
    install has); one line first (psm 7), then a block (psm 6), which reads
    single italic digits the line mode drops. Coordinates are the widget's.
    """
    require_ocr("eng")
    import pytesseract

    image = widget_drawing(data, page, bbox, dpi)
    scale = _PT_PER_INCH / dpi
    t0 = time.perf_counter()
    lines: list[OcrLine] = []
    for psm in (7, 6):
        tsv = pytesseract.image_to_data(
            image,
            lang="eng",
            config=f"--psm {psm} -c tessedit_char_whitelist=0123456789",
            output_type=pytesseract.Output.DICT,
        )
        lines = _lines_from_data(tsv, scale, float(bbox[0]) - 30 * scale, float(bbox[1]) - 30 * scale)
        if lines:
            break
    return _ocr_page(image, page, dpi, lines, t0, region=(float(bbox[0]), float(bbox[1]), float(bbox[2]), float(bbox[3])))
