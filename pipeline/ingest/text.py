"""Text inputs: plain UTF-8/UTF-16 text, Markdown-ish text, and raw PDF-extracted text.

Markdown-ish text (`##` headings, `**bold**`, `<sup>n</sup>` footnotes, `---`
page rules, tab-separated tables) loses its markup but keeps what it said:
heading lines become heading blocks, footnote definitions become footnote
blocks and their anchors `[n]`. Raw PDF text (hard-wrapped lines, blank lines
between lines, footnotes mid-page, sentences broken by page breaks) is
re-flowed into paragraphs. Every character keeps its source offset.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from statistics import median

from pipeline.blocks import Block, Ingested
from pipeline.ingest.errors import IngestError

# ---------------------------------------------------------------- decoding


def decode(data: bytes, path: str) -> str:
    """Decode UTF-8 or UTF-16 (with or without BOM); anything else is a clear error."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
        encoding = "utf-8"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        sample = data[:4000]
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        if len(sample) >= 4 and max(even, odd) > len(sample) // 4 and min(even, odd) < len(sample) // 50:
            encoding = "utf-16-be" if even > odd else "utf-16-le"
        else:
            encoding = "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise IngestError(
            path,
            "undecodable_text",
            f"the file is not {encoding.upper()} text (invalid byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "save it as UTF-8 and run again",
        ) from exc
    if "\x00" in text:
        raise IngestError(path, "binary_file", "the file holds NUL bytes: it is binary, not text")
    return text.replace("\r\n", "\n").replace("\r", "\n")


# ---------------------------------------------------------------- lines


@dataclass
class Line:
    """One source line after markup removal; `origin[i]` is the source offset of `text[i]`."""

    text: str
    origin: list[int]
    heading: bool = False
    footnote: str | None = None  # label, when the line starts a footnote definition
    leading_space: bool = False
    blank: bool = False
    rule: bool = False  # a `---` page rule
    cells: list[str] | None = None  # tab-separated cells


@dataclass
class _Builder:
    text: list[str] = field(default_factory=list)
    origin: list[int] = field(default_factory=list)

    def add(self, s: str, origin: list[int] | int) -> None:
        self.text.append(s)
        self.origin.extend(origin if isinstance(origin, list) else [origin] * len(s))


_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+")
_SUP = re.compile(r"<sup>\s*([0-9*]+)\s*</sup>")
_EMPH = re.compile(r"\*\*|__|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])")
_RULE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,})\s*$")


def is_markdown(text: str) -> bool:
    """Markdown-ish when headings, bold or <sup> markup recur."""
    marks = len(re.findall(r"(?m)^\s{0,3}#{1,6}\s", text)) + text.count("**") // 2 + text.count("<sup>")
    return marks >= 3


def _strip_markup(raw: str, offset: int) -> tuple[str, list[int], str | None]:
    """Remove Markdown markup from one line; `<sup>n</sup>` anchors become `[n]`.

    Returns the text, its per-character source offsets, and the footnote label
    when the line is a footnote definition (`<sup>n</sup> text` at line start).
    """
    footnote = None
    m = _SUP.match(raw.lstrip())
    if m and raw.lstrip()[m.end() :].strip():
        footnote = m.group(1)
        lead = len(raw) - len(raw.lstrip())
        raw_start = lead + m.end()
    else:
        raw_start = 0
    b = _Builder()
    pos = raw_start
    tokens = list(re.finditer(rf"{_SUP.pattern}|{_EMPH.pattern}", raw[raw_start:]))
    for t in tokens:
        s, e = raw_start + t.start(), raw_start + t.end()
        if s > pos:
            b.add(raw[pos:s], list(range(offset + pos, offset + s)))
        if t.group(1):  # a footnote anchor
            b.add(f"[{t.group(1)}]", offset + s)
        pos = e
    b.add(raw[pos:], list(range(offset + pos, offset + len(raw))))
    return "".join(b.text), b.origin, footnote


def split_lines(text: str, markdown: bool) -> list[Line]:
    lines: list[Line] = []
    offset = 0
    for raw in text.split("\n"):
        start = offset
        offset += len(raw) + 1
        if markdown and _RULE.match(raw):
            lines.append(Line("", [], rule=True, blank=True))
            continue
        heading = False
        if markdown and (m := _MD_HEADING.match(raw)):
            heading = True
            start += m.end()
            raw = raw[m.end() :]
        if markdown:
            content, origin, footnote = _strip_markup(raw, start)
        else:
            content, origin, footnote = raw, list(range(start, start + len(raw))), None
        cells = None
        if "\t" in content.strip(" "):
            cells = [c.strip() for c in content.split("\t")]
        blank = not content.strip()
        lines.append(
            Line(
                content,
                origin,
                heading=heading,
                footnote=footnote,
                leading_space=content[:1] == " " and not blank,
                blank=blank,
                cells=cells,
            )
        )
    return lines


# ---------------------------------------------------------------- paragraphs

_MARKER = re.compile(
    r"^\s*(?:[IVXLC]+\s*[.\-–)]|\d{1,2}(?:\.\d{1,2})*\s*[.)](?!\d)|\d{1,2}(?:\.\d{1,2})+\s|[a-zđ]\s*\)|[-+•*–]\s|"
    r"(?:Phần|PHẦN|Chương|CHƯƠNG|Mục|MỤC|Điều|Phụ lục|PHỤ LỤC)\s+[\dIVXLC]+|"
    r"Nơi nhận|NƠI NHẬN|Kính gửi|Căn cứ|Thực hiện|Số\s*:|TM\.|KT\.|TL\.|TUQ\.|Q\.\s)"
)
_FOOTNOTE_START = re.compile(r"^(\d{1,2})\s+\S")
_ENDS_SENTENCE = re.compile(r"[.:;!?)\]”\"]\s*$|\./\.\s*$")


def _is_caps_line(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _starts_block(prev: str, cur: str, short: bool) -> bool:
    """Whether `cur` starts a new paragraph after the wrapped line `prev`."""
    if _MARKER.match(cur):
        return True
    if _is_caps_line(prev) != _is_caps_line(cur):
        return True
    if _is_caps_line(prev) and _is_caps_line(cur):
        return short  # a wrapped capitals heading continues only after a full line
    return short and (bool(_ENDS_SENTENCE.search(prev)) or cur[:1].isupper())


def _make_block(kind: str, parts: list[Line], joiner: str = " ", label: str | None = None) -> Block:
    b = _Builder()
    for i, line in enumerate(parts):
        s = line.text.strip()
        lead = len(line.text) - len(line.text.lstrip())
        if i:
            b.add(joiner, -1)
        b.add(s, line.origin[lead : lead + len(s)])
    return Block(kind=kind, text="".join(b.text), origin=b.origin, label=label)  # type: ignore[arg-type]


def _table_block(rows: list[Line]) -> Block:
    b = _Builder()
    cells_out: list[list[str]] = []
    for i, line in enumerate(rows):
        if i:
            b.add("\n", -1)
        cells_out.append([c for c in (line.cells or [])])
        pos = 0
        first = True
        for cell in line.text.split("\t"):
            s = cell.strip()
            lead = len(cell) - len(cell.lstrip())
            if s:
                if not first:
                    b.add(" | ", -1)
                b.add(s, line.origin[pos + lead : pos + lead + len(s)])
                first = False
            pos += len(cell) + 1
    while cells_out and all(not c for c in cells_out[-1]):
        cells_out.pop()
    cells_out = [[c for c in row] for row in cells_out]
    width = max((len(r) for r in cells_out), default=0)
    # drop trailing columns that are empty in every row
    while width and all(len(r) < width or not r[width - 1] for r in cells_out):
        width -= 1
    cells_out = [(r + [""] * width)[:width] for r in cells_out]
    return Block(kind="table", text="".join(b.text), origin=b.origin, rows=cells_out)


def to_blocks(lines: list[Line], markdown: bool) -> list[Block]:
    """Group lines into paragraph, heading, footnote and table blocks."""
    nonblank = [len(line.text.strip()) for line in lines if not line.blank and not line.cells]
    width = median(nonblank) if nonblank else 80
    # Raw PDF text puts a blank line after every line: then blanks say nothing.
    blank_ratio = sum(1 for line in lines if line.blank) / max(1, len(lines))
    blanks_separate = markdown or blank_ratio < 0.3

    blocks: list[Block] = []
    body: list[Line] = []
    footnote: list[Line] = []
    footnote_label: str | None = None
    table: list[Line] = []
    after_separator = False

    def flush_body() -> None:
        if body:
            kind = "heading" if any(line.heading for line in body) else "paragraph"
            joiner = "\n" if markdown and kind == "paragraph" and len(body) > 1 and _hard_breaks(body) else " "
            block = _make_block(kind, body, joiner)
            previous = next((b for b in reversed(blocks) if b.kind != "footnote"), None)
            if kind == "paragraph" and previous is not None and continues(previous, block):
                previous.text += " " + block.text
                previous.origin += [-1] + block.origin
            else:
                blocks.append(block)
            body.clear()

    def flush_footnote() -> None:
        nonlocal footnote_label
        if footnote:
            blocks.append(_make_block("footnote", footnote, " ", footnote_label))
            footnote.clear()
            footnote_label = None

    def flush_table() -> None:
        if table:
            if len(table) == 1 and len([c for c in table[0].cells or [] if c]) <= 1:
                body.extend(table)
            else:
                flush_body()
                blocks.append(_table_block(table))
            table.clear()

    for line in lines:
        raw_separator = not markdown and line.blank and len(line.text) >= 20
        if line.cells is not None and not footnote:
            flush_body()
            table.append(line)
            continue
        flush_table()
        if raw_separator:
            after_separator = True
            flush_footnote()
            continue
        if line.blank:
            if markdown and footnote:
                flush_footnote()
            if blanks_separate:
                flush_body()
            continue
        if line.footnote is not None:
            flush_footnote()
            footnote_label = line.footnote
            footnote.append(line)
            continue
        if after_separator and (m := _FOOTNOTE_START.match(line.text.strip())):
            flush_footnote()
            footnote_label = m.group(1)
            stripped = line.text.strip()
            lead = len(line.text) - len(line.text.lstrip()) + m.end(1)
            rest = stripped[m.end(1) :].lstrip()
            skip = lead + (len(stripped[m.end(1) :]) - len(rest))
            footnote.append(Line(rest, line.origin[skip : skip + len(rest)]))
            continue
        if footnote:
            if markdown or not line.leading_space:
                footnote.append(line)
                continue
            flush_footnote()
            after_separator = False
        after_separator = False
        if line.heading:
            flush_body()
            body.append(line)
            flush_body()
            continue
        if body and _starts_block(body[-1].text.strip(), line.text.strip(), len(body[-1].text.strip()) < 0.8 * width):
            flush_body()
        body.append(line)
    flush_table()
    flush_body()
    flush_footnote()
    return blocks


def continues(previous: Block, block: Block) -> bool:
    """A paragraph cut by a page break (or a footnote) goes on in lowercase."""
    return (
        previous.kind == "paragraph"
        and block.text[:1].islower()
        and not _ENDS_SENTENCE.search(previous.text)
        and not _MARKER.match(block.text)
    )


def _hard_breaks(lines: list[Line]) -> bool:
    """Markdown hard breaks (two trailing spaces) mark lines that must stay lines."""
    return any(line.text.endswith("  ") for line in lines[:-1])


def read_text(data: bytes, path: str, sha256: str) -> Ingested:
    """Read a text file into blocks."""
    text = decode(data, path)
    markdown = is_markdown(text)
    lines = split_lines(text, markdown)
    blocks = to_blocks(lines, markdown)
    if not any(b.text.strip() for b in blocks):
        raise IngestError(path, "empty_file", "the file holds no text")
    return Ingested(path=path, format="markdown" if markdown else "text", sha256=sha256, blocks=blocks)
