"""Word (.docx) files, read with python-docx into blocks.

Body paragraphs and tables in order; Word heading styles make `heading`
blocks; the header and closing layout tables are read column by column and
data tables row by row (the same rules as HTML pages, `html.table_to_blocks`).
Footnote references become `[n]` (n = the number Word shows: the order of
first reference) and the footnotes `footnote` blocks at the end.

Runs set in a legacy Vietnamese font (.VnTime, .VnTimeH, VNI-Times ...) are
converted to Unicode by font name; other paragraphs go through detection.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from pipeline.blocks import Block, Ingested
from pipeline.ingest.errors import IngestError
from pipeline.ingest.html import Cell, table_to_blocks
from pipeline.ingest.legacy import convert_blocks, convert_legacy, describe_conversions, legacy_font

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FOOTNOTES_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"


MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_NUMBERING_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"


def _roman(n: int) -> str:
    out = ""
    for value, digits in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                          (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):  # fmt: skip
        while n >= value:
            out += digits
            n -= value
    return out


def _letters(n: int) -> str:
    """Word's letter numbering: a..z, then aa..zz."""
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else ""


_FORMATS = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "lowerLetter": _letters,
    "upperLetter": lambda n: _letters(n).upper(),
    "lowerRoman": _roman,
    "upperRoman": lambda n: _roman(n).upper(),
    "none": lambda n: "",
}


@dataclass
class _Level:
    start: int
    fmt: str
    text: str


class _Numbering:
    """Word's automatic list numbers (`1.`, `a)`, `II.`), which the paragraph text does not hold.

    Counters run per list (numId); a level's counter restarts when a higher level moves on.
    """

    def __init__(self, root: etree._Element | None) -> None:
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.lists: dict[str, tuple[str, dict[int, int]]] = {}  # numId -> (abstractNumId, start overrides)
        self.counters: dict[str, dict[int, int]] = {}
        if root is None:
            return
        for abstract in root.iterchildren(f"{W}abstractNum"):
            levels = {}
            for lvl in abstract.iterchildren(f"{W}lvl"):
                start = lvl.find(f"{W}start")
                fmt = lvl.find(f"{W}numFmt")
                text = lvl.find(f"{W}lvlText")
                levels[int(lvl.get(f"{W}ilvl", "0"))] = _Level(
                    int(start.get(f"{W}val", "1")) if start is not None else 1,
                    fmt.get(f"{W}val", "decimal") if fmt is not None else "decimal",
                    text.get(f"{W}val", "") if text is not None else "",
                )
            self.abstract[abstract.get(f"{W}abstractNumId", "")] = levels
        for num in root.iterchildren(f"{W}num"):
            ref = num.find(f"{W}abstractNumId")
            overrides = {}
            for override in num.iterchildren(f"{W}lvlOverride"):
                start = override.find(f"{W}startOverride")
                if start is not None:
                    overrides[int(override.get(f"{W}ilvl", "0"))] = int(start.get(f"{W}val", "1"))
            if ref is not None:
                self.lists[num.get(f"{W}numId", "")] = (ref.get(f"{W}val", ""), overrides)

    def label(self, num_id: str, ilvl: int) -> str:
        """The number printed before the next paragraph of list `num_id` at level `ilvl`."""
        if num_id not in self.lists:
            return ""
        abstract_id, overrides = self.lists[num_id]
        levels = self.abstract.get(abstract_id, {})
        if ilvl not in levels:
            return ""
        counters = self.counters.setdefault(num_id, {})
        start = overrides.get(ilvl, levels[ilvl].start)
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else start
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        level = levels[ilvl]
        if level.fmt == "bullet":
            return "-" if not level.text.strip() or not level.text.strip().isalnum() else level.text

        def number(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            value = counters.get(k, levels[k].start if k in levels else 1)
            fmt = levels[k].fmt if k in levels else "decimal"
            return _FORMATS.get(fmt, str)(value)

        return re.sub(r"%([1-9])", number, level.text)


@dataclass
class _Context:
    """What the walk needs from the package: styles, default font, footnote numbering."""

    heading_styles: set[str]
    style_fonts: dict[str, str]
    default_font: str | None
    numbering: _Numbering = field(default_factory=lambda: _Numbering(None))
    style_numbers: dict[str, tuple[str, int]] = field(default_factory=dict)  # styleId -> (numId, ilvl)
    footnote_labels: dict[str, str] = field(default_factory=dict)
    conversions: list[str] = field(default_factory=list)  # encoding of each converted run group
    cell_conversions: set[str] = field(default_factory=set)

    def footnote_label(self, note_id: str) -> str:
        return self.footnote_labels.setdefault(note_id, str(len(self.footnote_labels) + 1))


def _run_font(run: etree._Element, paragraph_font: str | None) -> str | None:
    fonts = run.find(f"{W}rPr/{W}rFonts")
    if fonts is not None:
        for attr in ("ascii", "hAnsi", "cs"):
            if fonts.get(f"{W}{attr}"):
                return fonts.get(f"{W}{attr}")
    return paragraph_font


def _paragraph_text(p: etree._Element, ctx: _Context, notes: bool = False) -> str:
    """The text of a `w:p`: runs in order, `w:br` as "\\n", footnote references as `[n]`.

    Consecutive runs in one legacy font are converted together by that font.
    """
    style = p.find(f"{W}pPr/{W}pStyle")
    paragraph_font = ctx.style_fonts.get(style.get(f"{W}val")) if style is not None else None
    paragraph_font = paragraph_font or ctx.default_font
    pieces: list[tuple[str | None, str]] = []  # (font, text)
    if not notes and (label := _list_label(p, ctx)):
        pieces.append((None, label + " "))
    fallback = {id(r) for fb in p.iter(f"{MC}Fallback") for r in fb.iter(f"{W}r")}  # a copy of the Choice
    for run in p.iter(f"{W}r", f"{W}p"):
        if run is p:
            continue
        if run.tag == f"{W}p":  # a paragraph of a text box anchored here
            pieces.append((None, "\n"))
            continue
        if id(run) in fallback or run.getparent().tag == f"{W}moveFrom" or _hidden(run):
            continue
        font = _run_font(run, paragraph_font)
        for child in run:
            tag = child.tag
            if tag == f"{W}t":
                pieces.append((font, child.text or ""))
            elif tag in (f"{W}br", f"{W}cr"):
                pieces.append((None, "\n"))
            elif tag in (f"{W}tab", f"{W}ptab"):
                pieces.append((None, "\t"))
            elif tag == f"{W}noBreakHyphen":  # `NĐ‑CP` typed with a non-breaking hyphen
                pieces.append((None, "-"))
            elif tag == f"{W}footnoteReference" and not notes:
                pieces.append((None, f"[{ctx.footnote_label(child.get(f'{W}id', ''))}]"))
    out: list[str] = []
    i = 0
    while i < len(pieces):
        font, text = pieces[i]
        j = i + 1
        while j < len(pieces) and pieces[j][0] == font:
            text += pieces[j][1]
            j += 1
        if legacy_font(font):  # set in .VnTime, .VnTimeH, VNI-Times ...: converted by the font's encoding
            converted, encoding = convert_legacy(text, font)
            if encoding is not None and converted != text:
                ctx.conversions.append(encoding)
                text = converted
        out.append(text)
        i = j
    return "".join(out).replace("\t", " ")


def _paragraph_lines(p: etree._Element, ctx: _Context) -> list[tuple[str, str | None]]:
    """The non-empty lines of a paragraph, each with the legacy font encoding its runs were converted from."""
    before = len(ctx.conversions)
    text = _paragraph_text(p, ctx)
    by_font = ctx.conversions[-1] if len(ctx.conversions) > before else None
    return [(line.strip(), by_font) for line in text.split("\n") if line.strip()]


def _hidden(run: etree._Element) -> bool:
    """Text formatted as hidden (`w:vanish`) is not printed."""
    vanish = run.find(f"{W}rPr/{W}vanish")
    return vanish is not None and vanish.get(f"{W}val", "true") not in ("0", "false")


def _list_label(p: etree._Element, ctx: _Context) -> str:
    """The automatic number of a list paragraph (direct numbering, else its style's)."""
    num_pr = p.find(f"{W}pPr/{W}numPr")
    if num_pr is not None:
        num = num_pr.find(f"{W}numId")
        lvl = num_pr.find(f"{W}ilvl")
        num_id = num.get(f"{W}val", "0") if num is not None else "0"
        ilvl = int(lvl.get(f"{W}val", "0")) if lvl is not None else 0
    else:
        style = p.find(f"{W}pPr/{W}pStyle")
        num_id, ilvl = ctx.style_numbers.get(style.get(f"{W}val", "") if style is not None else "", ("0", 0))
    return "" if num_id == "0" else ctx.numbering.label(num_id, ilvl)


def _cell_lines(tc: etree._Element, ctx: _Context) -> Cell:
    lines: list[str] = []
    for child in tc:
        if child.tag == f"{W}p":
            for line, encoding in _paragraph_lines(child, ctx):
                lines.append(line)
                if encoding:
                    ctx.cell_conversions.add(encoding)  # by font; other cells are detected with the blocks
        elif child.tag == f"{W}tbl":
            for row in _table_rows(child, ctx):
                lines.append(" | ".join(" ".join(x for x in cell if x) for cell in row))
    return [line for line in lines if line]


def _table_rows(tbl: etree._Element, ctx: _Context) -> list[list[Cell]]:
    rows = []
    for tr in tbl.iterchildren(f"{W}tr"):
        row: list[Cell] = []
        for tc in tr.iterchildren(f"{W}tc"):
            merge = tc.find(f"{W}tcPr/{W}vMerge")
            if merge is not None and merge.get(f"{W}val") != "restart":
                row.append([])  # the rest of a vertically merged cell: its text is in the first row
            else:
                row.append(_cell_lines(tc, ctx))
        rows.append(row)
    return rows


def _body_elements(body: etree._Element) -> Iterator[etree._Element]:
    for child in body:
        if child.tag == f"{W}sdt":
            content = child.find(f"{W}sdtContent")
            if content is not None:
                yield from _body_elements(content)
        elif child.tag in (f"{W}p", f"{W}tbl"):
            yield child


def _context(document) -> _Context:  # type: ignore[no-untyped-def]
    headings: set[str] = set()
    fonts: dict[str, str] = {}
    default_font = None
    for style in document.styles:
        try:
            name = style.name or ""
            style_id = style.style_id
        except (AttributeError, KeyError):
            continue
        if name.lower().startswith(("heading", "title")):
            headings.add(style_id)
        font = getattr(getattr(style, "font", None), "name", None)
        if font:
            fonts[style_id] = font
    normal = fonts.get("Normal")
    defaults = document.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    if defaults is not None:
        default_font = defaults.get(f"{W}ascii") or defaults.get(f"{W}hAnsi")
    part = next(
        (rel.target_part for rel in document.part.rels.values() if rel.reltype == _NUMBERING_REL), None
    )
    numbering = _Numbering(etree.fromstring(part.blob) if part is not None else None)
    style_numbers: dict[str, tuple[str, int]] = {}
    for style in document.styles.element.iterchildren(f"{W}style"):
        num_pr = style.find(f"{W}pPr/{W}numPr")
        num = num_pr.find(f"{W}numId") if num_pr is not None else None
        if num is not None:
            lvl = num_pr.find(f"{W}ilvl")  # type: ignore[union-attr]
            ilvl = int(lvl.get(f"{W}val", "0")) if lvl is not None else 0
            style_numbers[style.get(f"{W}styleId", "")] = (num.get(f"{W}val", "0"), ilvl)
    return _Context(
        heading_styles=headings,
        style_fonts=fonts,
        default_font=normal or default_font,
        numbering=numbering,
        style_numbers=style_numbers,
    )


def _footnotes(document, ctx: _Context) -> list[Block]:  # type: ignore[no-untyped-def]
    """Footnote blocks for the notes referenced in the body, in the order Word numbers them."""
    part = next(
        (rel.target_part for rel in document.part.rels.values() if rel.reltype == _FOOTNOTES_REL), None
    )
    if part is None or not ctx.footnote_labels:
        return []
    root = etree.fromstring(part.blob)
    texts: dict[str, str] = {}
    for note in root.iterchildren(f"{W}footnote"):
        paragraphs = [_paragraph_text(p, ctx, notes=True).strip() for p in note.iter(f"{W}p")]
        texts[note.get(f"{W}id", "")] = " ".join(p for p in paragraphs if p)
    return [
        Block(kind="footnote", text=texts[note_id], label=label)
        for note_id, label in ctx.footnote_labels.items()
        if texts.get(note_id)
    ]


def blocks_from_document(document) -> tuple[list[Block], list[str]]:  # type: ignore[no-untyped-def]
    """Blocks and conversion warnings of a python-docx `Document`."""
    ctx = _context(document)
    blocks: list[Block] = []
    converted: list[tuple[int, str]] = []
    for el in _body_elements(document.element.body):
        if el.tag == f"{W}tbl":
            blocks.extend(table_to_blocks(_table_rows(el, ctx), at_start=not blocks))
            continue
        style = el.find(f"{W}pPr/{W}pStyle")
        heading = style is not None and style.get(f"{W}val") in ctx.heading_styles
        for line, encoding in _paragraph_lines(el, ctx):
            blocks.append(Block(kind="heading" if heading else "paragraph", text=line))
            if encoding:
                converted.append((len(blocks), encoding))
    blocks.extend(_footnotes(document, ctx))
    warnings = [f"{w} (by font)" for w in describe_conversions(converted)]
    warnings += [
        f"table cells converted from {encoding} (by font)" for encoding in sorted(ctx.cell_conversions)
    ]
    return blocks, warnings + convert_blocks(blocks)


def read_docx(data: bytes, path: str, sha256: str, format: str = "docx") -> Ingested:
    """Read a .docx file into blocks."""
    try:
        import docx
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise IngestError(
            path, "missing_dependency", "reading .docx needs python-docx: pip install python-docx"
        ) from exc
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several kinds for a broken package
        raise IngestError(
            path, "corrupt_docx", f"the Word file cannot be opened ({type(exc).__name__}: {exc})"
        ) from exc
    blocks, warnings = blocks_from_document(document)
    if not any(b.text.strip() for b in blocks):
        raise IngestError(path, "empty_file", "the Word file holds no text")
    return Ingested(path=path, format=format, sha256=sha256, blocks=blocks, warnings=warnings)


def is_docx(data: bytes) -> bool:
    """A zip package with a Word main document part."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            return "word/document.xml" in package.namelist()
    except zipfile.BadZipFile:
        return False


__all__ = ["blocks_from_document", "is_docx", "read_docx"]
