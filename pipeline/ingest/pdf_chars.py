"""The characters, rules and images of PDF pages through pdfium, in pdfplumber's conventions.

pdfplumber (pdfminer) interprets every page in Python to give `page.chars`,
which costs most of a PDF's reading time; pdfium, the C library under
pypdfium2, reads the same text layer about fifty times faster. This module
gives the reader what it takes from a pdfplumber page (`chars`, `rects`,
`lines`, `curves`, `images`, `width`, `height`, `find_tables()`,
`extract_text()`, `extract_words()`) from pdfium instead, with pdfminer's
geometry, so the layout reading is the same:

- a character's box is pdfminer's: from its origin, advance width, font size
  and the descent pdfminer takes (the font descriptor's, or the standard
  fonts' built-in one, read from the font dictionaries as pdfminer's font
  classes read them; pdfium has its own when the descriptor says 0), top-left
  origin, `size` = box height, the font name pdfminer gives;
- spaces: real space glyphs are kept; pdfium writes some of them as spaces of
  its own making, which stand for them; the line breaks it adds are dropped;
- paths are split at each move-to and told apart (line, rectangle, curve) as
  pdfminer does; form XObjects are read through, as pdfminer does;
- `find_tables()` runs pdfplumber's table finder (its default settings) on
  these rules and characters, so ruled tables come out as pdfplumber finds them.

A page pdfium cannot give the same way is marked `use_pdfplumber`, and the
reader takes it from pdfplumber: a page turned by /Rotate, a crop box or media
box not at the origin, characters without a Unicode value, Type 3 or vertical
fonts, legacy Vietnamese fonts (.VnTime, VNI-Times: pdfium reads their 0xAD,
TCVN3's "ư", as a hyphen).

Two readings differ, pdfium's being the right one: text printed twice a hair
apart to fake bold is read once (pdfminer reads it twice), and a hyphen ending
a line is "-" even when the PDF codes it as a soft hyphen.
"""

from __future__ import annotations

import ctypes
import re
import threading
from collections.abc import Iterator
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from pipeline.ingest.legacy import legacy_font

# pdfium is not thread-safe: one thread at a time calls it (readers in threads of one process)
PDFIUM_LOCK = threading.RLock()
_HYPHEN_MARK = 2  # pdfium's code for a hyphen ending a line
_SPACING = frozenset((0x20, 0x0D, 0x0A))  # what pdfium adds between words and lines
_SUBSET_TAG = re.compile(r"^[A-Z]{6}\+")


class PdfiumUnavailable(Exception):
    """pdfium cannot open the file: the reader uses pdfplumber for all of it."""


def _returning_int(fn: Any, *argtypes: Any) -> Any:
    """A copy of a pdfium function that returns its handle as a plain int (cheap to compare and hash)."""
    copy = type(fn)(ctypes.cast(fn, ctypes.c_void_p).value)
    copy.restype = ctypes.c_void_p
    copy.argtypes = argtypes
    return copy


# the text object of a character: 0 for most spaces and line breaks pdfium adds
_text_object_of = _returning_int(pdfium_c.FPDFText_GetTextObject, ctypes.c_void_p, ctypes.c_int)
_MISSING = object()


class _TextObject:
    """What every character of one text object shares: font, size, matrix, and pdfminer's box
    above and below the baseline (in text space)."""

    __slots__ = ("fontname", "font", "font_size", "a", "b", "c", "d", "low", "high", "axis_aligned", "advances")

    def __init__(
        self, fontname: str, font: Any, font_size: float, descent: float, matrix: Any, advances: dict[int, float]
    ) -> None:
        self.fontname = fontname
        self.font = font
        self.font_size = font_size
        self.a, self.b, self.c, self.d = matrix.a, matrix.b, matrix.c, matrix.d
        self.low = descent * font_size
        self.high = self.low + font_size
        self.axis_aligned = self.b == 0 and self.c == 0 and self.a > 0 and self.d > 0
        self.advances = advances  # shared by the text objects set in the same font and size

    def advance(self, u: int) -> float:
        """The advance width (text space) of the glyph for code point `u`, from the font's widths."""
        adv = self.advances.get(u)
        if adv is None:
            width = ctypes.c_float()
            ok = pdfium_c.FPDFFont_GetGlyphWidth(self.font, u, ctypes.c_float(self.font_size), width)
            adv = self.advances[u] = width.value if ok else 0.0
        return adv


class PdfiumPage:
    """One page, with the attributes of a pdfplumber page the reader uses."""

    def __init__(self, doc: PdfiumDocument, index: int) -> None:
        self._doc = doc
        self.page_number = index + 1
        self._page = doc.pdf[index]
        plumber = doc.plumber.pages[index]
        # pdfplumber's size (the PDF's own numbers; pdfium rounds them to single precision)
        self.width, self.height = float(plumber.width), float(plumber.height)
        self.initial_doctop = float(plumber.initial_doctop)
        media = tuple(self._page.get_mediabox())
        # pdfplumber measures from the crop box and turns rotated pages: those pages go to pdfplumber
        self.use_pdfplumber = (
            self._page.get_rotation() != 0
            or plumber.rotation != 0
            or media[:2] != (0, 0)
            or tuple(self._page.get_cropbox()) != media
            or tuple(plumber.bbox) != (0, 0, plumber.width, plumber.height)
        )
        self._chars: list[dict] | None = None
        self._paths: dict[str, list[dict]] | None = None

    # -- characters

    @property
    def chars(self) -> list[dict]:
        if self._chars is None:
            self._chars = self._read_chars()
        return self._chars

    def _read_chars(self) -> list[dict]:
        with PDFIUM_LOCK:
            text_page = self._page.get_textpage()
            try:
                return self._chars_of(text_page.raw)
            finally:
                text_page.close()

    def _chars_of(self, tp: Any) -> list[dict]:
        n = pdfium_c.FPDFText_CountChars(tp)
        x, y = ctypes.c_double(), ctypes.c_double()
        objects: dict[int, _TextObject | None] = {}
        fonts: dict[int, tuple[str, float] | None] = {}
        widths: dict[tuple[int, float], dict[int, float]] = {}
        height = self.height
        doctop = self.initial_doctop
        get_unicode, get_origin, object_of = pdfium_c.FPDFText_GetUnicode, pdfium_c.FPDFText_GetCharOrigin, _text_object_of
        is_generated = pdfium_c.FPDFText_IsGenerated
        out: list[dict] = []
        last_key, last_x, last_y = -1, 0.0, 0.0
        for i in range(n):
            u = get_unicode(tp, i)
            key = object_of(tp, i)
            if not key or (u in _SPACING and is_generated(tp, i)):  # pdfium's own line breaks and spaces
                # a space pdfium wrote in place of a real one (or for a gap): a separator all the same
                if u == 32 and out and out[-1]["text"] != " ":
                    out.append(_space_after(out[-1]))
                    last_key = -1
                continue
            obj = objects.get(key, _MISSING)
            if obj is _MISSING:
                obj = objects[key] = self._text_object(tp, i, fonts, widths)
            if obj is None:  # a font pdfminer boxes otherwise: the page goes to pdfplumber
                self.use_pdfplumber = True
                return []
            get_origin(tp, i, x, y)
            ox, oy = x.value, y.value
            if key == last_key and ox == last_x and oy == last_y and out:
                out[-1]["text"] += chr(u)  # one glyph that stands for several code points ("ô" + hook)
                continue
            last_key, last_x, last_y = key, ox, oy
            if u == _HYPHEN_MARK:
                u = 0x2D
            elif u == 0 or u >= 0xFFFD or 0xE000 <= u <= 0xF8FF:
                # no Unicode value, or a private one (symbol fonts): pdfminer gives its own; the page goes to it
                self.use_pdfplumber = True
                return []
            adv = obj.advances.get(u)
            if adv is None:
                adv = obj.advance(u)
            if obj.axis_aligned:
                x0, x1 = ox, ox + obj.a * adv
                bottom = height - (oy + obj.d * obj.low)
                top = height - (oy + obj.d * obj.high)
                upright = True
            else:
                x0, top, x1, bottom = _turned_box(obj, ox, oy, adv, height)
                upright = obj.a * obj.d > 0 and obj.b * obj.c <= 0
            out.append(
                {
                    "text": chr(u),
                    "x0": x0,
                    "x1": x1,
                    "top": top,
                    "bottom": bottom,
                    "doctop": doctop + top,
                    "width": x1 - x0,
                    "height": bottom - top,
                    "size": bottom - top,
                    "fontname": obj.fontname,
                    "upright": upright,
                }
            )
        if all(c["text"] == " " for c in out):  # no text: pdfplumber may find some (and pays little if not)
            self.use_pdfplumber = True
        return out

    def _text_object(
        self,
        tp: Any,
        index: int,
        fonts: dict[int, tuple[str, float] | None],
        widths: dict[tuple[int, float], dict[int, float]],
    ) -> _TextObject | None:
        """The font and matrix of the text object character `index` belongs to; None when pdfminer's
        metrics of its font are not known. `fonts` keeps pdfminer's name and descent per font,
        `widths` the glyph advances per font and size, for the page's other text objects."""
        handle = pdfium_c.FPDFText_GetTextObject(tp, index)
        font = pdfium_c.FPDFTextObj_GetFont(handle)
        font_key = ctypes.cast(font, ctypes.c_void_p).value or 0
        if font_key not in fonts:
            name = _SUBSET_TAG.sub("", _font_name(font))
            # a legacy Vietnamese font: pdfium reads some of its codes otherwise (0xAD, TCVN3's "ư", as "-")
            fonts[font_key] = None if legacy_font(name) else self._doc.font(self.page_number - 1, name)
        known = fonts[font_key]
        if known is None:
            return None
        size = ctypes.c_float()
        pdfium_c.FPDFTextObj_GetFontSize(handle, size)
        m = pdfium_c.FS_MATRIX()
        pdfium_c.FPDFText_GetMatrix(tp, index, m)
        name, descent = known
        advances = widths.setdefault((font_key, size.value), {})
        return _TextObject(name, font, float(size.value), descent, m, advances)

    # -- drawings

    def _read_paths(self) -> dict[str, list[dict]]:
        drawn: dict[str, list[dict]] = {"rect": [], "line": [], "curve": [], "image": []}
        for kind, obj, matrix in _objects(self._page.raw):
            if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
                for shape, pts in _path_shapes(obj, matrix):
                    drawn[shape].append(self._drawing(shape, pts))
            elif kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                box = _bounds(obj, matrix)
                if box is not None:
                    x0, y0, x1, y1 = box
                    drawn["image"].append(self._drawing("image", [(x0, y0), (x1, y1)]))
        return drawn

    def _drawing(self, kind: str, pts: list[tuple[float, float]]) -> dict:
        """A drawn object as pdfplumber gives it: box from the top-left corner, points (x, top)."""
        x0, x1 = min(p[0] for p in pts), max(p[0] for p in pts)
        y0, y1 = min(p[1] for p in pts), max(p[1] for p in pts)
        top, bottom = self.height - y1, self.height - y0
        return {
            "object_type": kind,
            "x0": x0,
            "x1": x1,
            "y0": y0,
            "y1": y1,
            "top": top,
            "bottom": bottom,
            "doctop": self.initial_doctop + top,
            "width": x1 - x0,
            "height": bottom - top,
            "pts": [(px, self.height - py) for px, py in pts],
        }

    @property
    def rects(self) -> list[dict]:
        return self._drawn()["rect"]

    @property
    def lines(self) -> list[dict]:
        return self._drawn()["line"]

    @property
    def curves(self) -> list[dict]:
        return self._drawn()["curve"]

    @property
    def images(self) -> list[dict]:
        return self._drawn()["image"]

    def _drawn(self) -> dict[str, list[dict]]:
        if self._paths is None:
            with PDFIUM_LOCK:
                self._paths = self._read_paths()
        return self._paths

    def find_tables(self) -> list[Any]:
        """pdfplumber's ruled tables of the page (its `Page.find_tables`, default settings), found
        from these rules and read from these characters."""
        from pdfplumber.table import TableFinder
        from pdfplumber.utils import curve_to_edges, line_to_edge, rect_to_edges

        edges = [line_to_edge(o) for o in self.lines]
        edges += [e for o in self.rects for e in rect_to_edges(o)]
        edges += [e for o in self.curves for e in curve_to_edges(o)]
        return TableFinder(_TablePage(edges, (0, 0, self.width, self.height), self.chars)).tables

    # -- text

    def extract_words(self, **kwargs: Any) -> list[dict]:
        """pdfplumber's words of the page (its `Page.extract_words` on these characters)."""
        from pdfplumber.utils import extract_words

        return extract_words(self.chars, **kwargs)

    def extract_text(self, **kwargs: Any) -> str:
        """pdfplumber's text of the page (its `Page.extract_text` on these characters)."""
        from pdfplumber.utils import chars_to_textmap

        options = {"layout_bbox": (0, 0, self.width, self.height), "layout_width": self.width, "layout_height": self.height}
        return chars_to_textmap(self.chars, **{**options, **kwargs}).as_string


class _TablePage:
    """What pdfplumber's table finder reads of a page: its edges, its box and its characters."""

    def __init__(self, edges: list[dict], bbox: tuple[float, float, float, float], chars: list[dict]) -> None:
        self.edges = edges
        self.bbox = bbox
        self.chars = chars


def _turned_box(obj: _TextObject, ox: float, oy: float, adv: float, height: float) -> tuple[float, float, float, float]:
    """pdfminer's box of a glyph set at an angle or mirrored: its box in text space through the matrix."""
    xs, ys = [], []
    for gx, gy in ((0.0, obj.low), (adv, obj.low), (0.0, obj.high), (adv, obj.high)):
        xs.append(ox + obj.a * gx + obj.c * gy)
        ys.append(oy + obj.b * gx + obj.d * gy)
    return min(xs), height - max(ys), max(xs), height - min(ys)


def _space_after(c: dict) -> dict:
    """A zero-width space at the end of `c` (pdfium's own space between two words)."""
    return {**c, "text": " ", "x0": c["x1"], "width": 0.0}


def _font_name(font: Any) -> str:
    n = pdfium_c.FPDFFont_GetBaseFontName(font, None, 0)
    if n <= 1:
        return ""
    buf = ctypes.create_string_buffer(n)
    pdfium_c.FPDFFont_GetBaseFontName(font, buf, n)
    return buf.value.decode("utf-8", "replace")


# ---------------------------------------------------------------- page objects

_Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: _Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _times(m: _Matrix, n: _Matrix) -> _Matrix:
    """`m` then `n` (PDF row-vector convention)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2, e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


def _apply(m: _Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


def _objects(page: Any) -> Iterator[tuple[int, Any, _Matrix]]:
    """(type, object, matrix from the object's space to the page) of the page's objects, forms read through."""
    count = pdfium_c.FPDFPage_CountObjects(page)
    todo: list[tuple[Any, int, _Matrix, bool]] = [(page, count, _IDENTITY, False)]
    while todo:
        parent, count, outer, in_form = todo.pop()
        for k in range(count):
            obj = pdfium_c.FPDFFormObj_GetObject(parent, k) if in_form else pdfium_c.FPDFPage_GetObject(parent, k)
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_FORM:
                m = pdfium_c.FS_MATRIX()
                inner = (m.a, m.b, m.c, m.d, m.e, m.f) if pdfium_c.FPDFPageObj_GetMatrix(obj, m) else _IDENTITY
                todo.append((obj, pdfium_c.FPDFFormObj_CountObjects(obj), _times(inner, outer), True))
            else:
                yield kind, obj, outer


def _bounds(obj: Any, outer: _Matrix) -> tuple[float, float, float, float] | None:
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    if not pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
        return None
    pts = [_apply(outer, px, py) for px in (left.value, right.value) for py in (bottom.value, top.value)]
    return min(p[0] for p in pts), min(p[1] for p in pts), max(p[0] for p in pts), max(p[1] for p in pts)


def _path_shapes(obj: Any, outer: _Matrix) -> list[tuple[str, list[tuple[float, float]]]]:
    """The path's sub-paths as pdfminer tells them apart: ("line" | "rect" | "curve", points).

    The points are pdfminer's: the end point of each segment (a Bézier curve's
    control points left out), the start point again for a closing segment.
    """
    m = pdfium_c.FS_MATRIX()
    own = (m.a, m.b, m.c, m.d, m.e, m.f) if pdfium_c.FPDFPageObj_GetMatrix(obj, m) else _IDENTITY
    matrix = _times(own, outer)
    x, y = ctypes.c_float(), ctypes.c_float()
    subpaths: list[tuple[str, list[tuple[float, float]]]] = []
    shape = ""
    pts: list[tuple[float, float]] = []
    bezier = 0  # pdfium gives a curve as three points: two control points, then the end
    for k in range(pdfium_c.FPDFPath_CountSegments(obj)):
        seg = pdfium_c.FPDFPath_GetPathSegment(obj, k)
        kind = pdfium_c.FPDFPathSegment_GetType(seg)
        if kind == pdfium_c.FPDF_SEGMENT_BEZIERTO:
            bezier += 1
            if bezier % 3:
                continue
        else:
            bezier = 0
        pdfium_c.FPDFPathSegment_GetPoint(seg, x, y)
        pt = _apply(matrix, x.value, y.value)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            if shape:
                subpaths.append((shape, pts))
            shape, pts = "m", [pt]
            continue
        shape += "l" if kind == pdfium_c.FPDF_SEGMENT_LINETO else "c"
        pts.append(pt)
        if pdfium_c.FPDFPathSegment_GetClose(seg):
            shape += "h"
            pts.append(pts[0])
    if shape:
        subpaths.append((shape, pts))
    return [_classify(s, p) for s, p in subpaths if s.startswith("m")]


def _classify(shape: str, pts: list[tuple[float, float]]) -> tuple[str, list[tuple[float, float]]]:
    """pdfminer's reading of one sub-path: a line, a rectangle, or a curve, with its points."""
    if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
        shape = shape[:-2] + "h"
        pts = pts[:-2] + pts[-1:]
    if shape in ("mlh", "ml"):
        return "line", pts
    if shape in ("mlllh", "mllll"):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
        closed = pts[0] == pts[4]
        square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
        if closed and square:
            return "rect", pts
    return "curve", pts


# ---------------------------------------------------------------- the document


class PdfiumDocument:
    """The pages of a PDF read through pdfium; `plumber` (the open pdfplumber PDF) gives the fonts' descents."""

    def __init__(self, data: bytes, plumber: Any) -> None:
        self.plumber = plumber
        self._fonts: dict[int, dict[str, tuple[str, float] | None]] = {}
        with PDFIUM_LOCK:
            try:
                self.pdf = pdfium.PdfDocument(data)
            except pdfium.PdfiumError as exc:
                raise PdfiumUnavailable(str(exc)) from exc
            self.pages = [PdfiumPage(self, k) for k in range(len(self.pdf))]

    def font(self, index: int, base_name: str) -> tuple[str, float] | None:
        """pdfminer's name and descent (a fraction of the size) of the page's font `base_name` (no subset tag)."""
        table = self._fonts.get(index)
        if table is None:
            table = self._fonts[index] = _page_fonts(self.plumber.pages[index])
        return table.get(base_name)

    def close(self) -> None:
        with PDFIUM_LOCK:
            self.pdf.close()


def _page_fonts(page: Any) -> dict[str, tuple[str, float] | None]:
    """Base font name (no subset tag) -> pdfminer's font name and descent, for the fonts of a page
    and of the forms it draws; None for a name two fonts with different metrics share, and for
    fonts whose boxes pdfminer draws another way (Type 3, vertical writing)."""
    from pdfminer.pdftypes import PDFObjRef, resolve1

    out: dict[str, tuple[str, float] | None] = {}
    seen: set[int] = set()
    todo = [page.page_obj.resources]
    while todo:
        resources = resolve1(todo.pop())
        if not isinstance(resources, dict):
            continue
        for ref in (resolve1(resources.get("Font")) or {}).values():
            spec = resolve1(ref)
            if not isinstance(spec, dict):
                continue
            try:
                key, metrics = _font_metrics(spec)
            except Exception:  # a broken font dictionary: the pages using it go to pdfplumber
                continue
            if key in out and out[key] != metrics:
                metrics = None
            out[key] = metrics
        for ref in (resolve1(resources.get("XObject")) or {}).values():
            if isinstance(ref, PDFObjRef):
                if ref.objid in seen:
                    continue
                seen.add(ref.objid)
            attrs = getattr(resolve1(ref), "attrs", None)
            if attrs and _name(attrs.get("Subtype")) == "Form" and attrs.get("Resources"):
                todo.append(attrs["Resources"])
    return out


def _font_metrics(spec: dict) -> tuple[str, tuple[str, float] | None]:
    """(base name without subset tag, (pdfminer's font name, descent)) of a font dictionary.

    The descent follows pdfminer's font classes: the standard fonts' built-in
    metrics by base name, else the (descendant) font descriptor's /Descent,
    made negative, in thousandths of the size.
    """
    from pdfminer.fontmetrics import FONT_METRICS
    from pdfminer.pdftypes import resolve1
    from pdfminer.psparser import PSLiteral, literal_name

    base = _name(resolve1(spec.get("BaseFont"))) or "unknown"
    key = _SUBSET_TAG.sub("", base)
    subtype = _name(resolve1(spec.get("Subtype"))) or "Type1"
    if subtype == "Type3":
        return key, None
    if subtype == "Type0":
        encoding = _name(resolve1(spec.get("Encoding"))) or ""
        if encoding.endswith("-V"):
            return key, None
        descendants = resolve1(spec.get("DescendantFonts")) or []
        descriptor = resolve1(resolve1(descendants[0]).get("FontDescriptor")) or {}
    elif subtype in ("CIDFontType0", "CIDFontType2"):
        descriptor = resolve1(spec.get("FontDescriptor")) or {}
    elif base in FONT_METRICS:
        descriptor = FONT_METRICS[base][0]
    else:
        descriptor = resolve1(spec.get("FontDescriptor")) or {}
    descent = float(resolve1(descriptor.get("Descent", 0)) or 0)
    name = resolve1(descriptor.get("FontName", "unknown"))
    return key, (literal_name(name) if isinstance(name, PSLiteral) else str(name), -abs(descent) * 0.001)


def _name(value: Any) -> str | None:
    """A PDF name's text (pdfminer gives names as literals, sometimes as bytes)."""
    from pdfminer.psparser import PSLiteral

    if isinstance(value, PSLiteral):
        value = value.name
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return value if isinstance(value, str) else None


class ReadingDocument:
    """The pages the reader reads: pdfium's where it gives them, pdfplumber's elsewhere.

    Has the `pages` of a pdfplumber PDF, so the OCR page test, the stamped
    header reading and the layout reading take it as they take a pdfplumber
    PDF. `data` None reads every page through pdfplumber.
    """

    def __init__(self, plumber: Any, data: bytes | None) -> None:
        self.plumber = plumber
        self._fast: PdfiumDocument | None = None
        if data is not None:
            try:
                self._fast = PdfiumDocument(data, plumber)
            except Exception:  # pdfium cannot open the file: pdfplumber reads all of it
                self._fast = None
        if self._fast is not None and len(self._fast.pages) != len(plumber.pages):
            self.close()  # the two readers see different documents: trust pdfplumber
        self.pages: list[Any] = [self._choose(k) for k in range(len(plumber.pages))]

    def _choose(self, k: int) -> Any:
        if self._fast is None:
            return self.plumber.pages[k]
        page = self._fast.pages[k]
        if page.use_pdfplumber:
            return self.plumber.pages[k]
        try:
            page.chars  # noqa: B018 - reading the characters tells whether pdfium reads the page well
            page.rects  # noqa: B018 - and its drawings
        except Exception:  # pdfium stumbles on this page: pdfplumber reads it
            return self.plumber.pages[k]
        return self.plumber.pages[k] if page.use_pdfplumber else page

    def close(self) -> None:
        if self._fast is not None:
            self._fast.close()
            self._fast = None

    def __enter__(self) -> ReadingDocument:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
