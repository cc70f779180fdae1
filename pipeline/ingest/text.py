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

from pipeline.blocks import Block, Ingested, SourceMap
from pipeline.doclines import all_caps
from pipeline.header_lines import is_motto_line
from pipeline.ingest.errors import IngestError
from pipeline.ingest.legacy import convert_text, decode_legacy_bytes
from pipeline.vocab import doc_type_title_pattern

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
            if _binary(sample):
                raise IngestError(
                    path, "binary_file", "the file is binary (NUL or control bytes), not text or PDF: give a .txt, .md or .pdf file"
                )
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


_CONTROL = bytes(c for c in range(32) if c not in (9, 10, 12, 13))


def _binary(sample: bytes) -> bool:
    """NUL bytes, or many control bytes: an image, an archive, an executable ..."""
    if sample.count(0) >= max(4, len(sample) // 100):
        return True
    controls = sum(sample.count(bytes([c])) for c in _CONTROL)
    return controls > max(2, len(sample) // 20)


# ---------------------------------------------------------------- lines


@dataclass(slots=True)
class Line:
    """One source line after markup removal.

    `origin` maps `text` to the source: a `SourceMap`, or, for the many lines with
    no markup, just the source offset of `text[0]` (the text is the source from there on).
    """

    text: str
    origin: SourceMap | int
    heading: bool = False
    footnote: str | None = None  # label, when the line starts a footnote definition
    leading_space: bool = False
    blank: bool = False
    rule: bool = False  # a `---` page rule
    cells: list[str] | None = None  # tab-separated cells
    bold: bool = False  # the whole line set in bold (`**...**`)
    raw: str = ""
    stripped: str = field(init=False)  # `text` without its edge spaces
    _caps: bool | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.stripped = self.text.strip()

    @property
    def caps(self) -> bool:
        """Set in capitals; read once, though asked as the line after one line and before the next."""
        if self._caps is None:
            self._caps = is_caps_line(self.stripped)
        return self._caps

    def map_of(self, start: int, end: int) -> SourceMap:
        """The source map of `text[start:end]`."""
        if isinstance(self.origin, int):
            return SourceMap.span(self.origin + start, end - start)
        return self.origin[start:end]

    def origin_of(self, start: int, end: int) -> SourceMap | int:
        """The origin of `text[start:end]`, in the same form."""
        if isinstance(self.origin, int):
            return self.origin + start
        return self.origin[start:end]

    def copy_origin(self, into: SourceMap, start: int, end: int) -> None:
        """Add the source offsets of `text[start:end]` to `into`."""
        if isinstance(self.origin, int):
            into.append_span(self.origin + start, end - start)
        else:
            into.extend(self.origin, start, end)


@dataclass
class _Builder:
    """A text being built from pieces, with its source map."""

    text: list[str] = field(default_factory=list)
    origin: SourceMap = field(default_factory=SourceMap)

    def add(self, s: str, origin: SourceMap) -> None:
        """`s`, whose characters are those of `origin`."""
        self.text.append(s)
        self.origin.extend(origin)

    def add_line_part(self, s: str, line: Line, start: int) -> None:
        """`s`, which is `line.text[start:start + len(s)]`."""
        self.text.append(s)
        line.copy_origin(self.origin, start, start + len(s))

    def add_span(self, s: str, source_start: int) -> None:
        """`s`, copied from the source at `source_start` on."""
        self.text.append(s)
        self.origin.append_span(source_start, len(s))

    def add_made_up(self, s: str) -> None:
        self.text.append(s)
        self.origin.append_made_up(len(s))

    def add_at(self, s: str, source_offset: int) -> None:
        """`s` standing for the one source character at `source_offset` (a footnote anchor)."""
        self.text.append(s)
        for _ in s:
            self.origin.append_span(source_offset, 1)


_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+")
_SUP = re.compile(r"<sup>\s*([0-9*]+)\s*</sup>")
_EMPH = re.compile(r"\*{2,3}|_{2,3}|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])")
_LINK = re.compile(r"\[([^\]\n]+)\]\((?:mailto:|https?://|www\.)[^)\s]*\)")
_RULE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,})\s*$")
_MARKUP_TOKEN = re.compile(rf"{_SUP.pattern}|{_LINK.pattern}|{_EMPH.pattern}")


_MD_HEADING_LINE = re.compile(r"(?m)^\s{0,3}#{1,6}\s")


def is_markdown(text: str) -> bool:
    """Markdown-ish when headings, bold or <sup> markup recur."""
    headings = len(_MD_HEADING_LINE.findall(text)) if "#" in text else 0  # most texts have no '#'
    return headings + text.count("**") // 2 + text.count("<sup>") >= 3


def _strip_markup(raw: str, offset: int) -> tuple[str, SourceMap | int, str | None]:
    """Remove Markdown markup from one line; `<sup>n</sup>` anchors become `[n]`.

    Returns the text, its origin (as `Line.origin`), and the footnote label
    when the line is a footnote definition (`<sup>n</sup> text` at line start).
    """
    if "<" not in raw and "[" not in raw and "*" not in raw and "_" not in raw:
        return raw, offset, None  # no markup: most lines
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
    tokens = list(_MARKUP_TOKEN.finditer(raw[raw_start:]))
    for t in tokens:
        s, e = raw_start + t.start(), raw_start + t.end()
        if s > pos:
            b.add_span(raw[pos:s], offset + pos)
        if t.group(1):  # a footnote anchor
            b.add_at(f"[{t.group(1)}]", offset + s)
        elif t.group(2):  # a link: its text stays, the address goes
            b.add_span(t.group(2), offset + raw_start + t.start(2))
        pos = e
    b.add_span(raw[pos:], offset + pos)
    return "".join(b.text), b.origin, footnote


def split_lines(text: str, markdown: bool) -> list[Line]:
    """The source's lines, Markdown markup taken off, each with its offset in the source."""
    lines: list[Line] = []
    offset = 0
    for raw in text.split("\n"):
        start = offset
        offset += len(raw) + 1
        if markdown and _RULE.match(raw):
            lines.append(Line("", start, rule=True, blank=True))
            continue
        heading = False
        if markdown and (m := _MD_HEADING.match(raw)):
            heading = True
            start += m.end()
            raw = raw[m.end() :]
        if markdown:
            content, origin, footnote = _strip_markup(raw, start)
        else:
            content, origin, footnote = raw, start, None
        line = Line(content, origin, heading=heading, footnote=footnote, raw=raw.strip() if markdown else "")
        line.blank = not line.stripped
        line.leading_space = content[:1] == " " and not line.blank
        if "\t" in content and "\t" in content.strip(" "):
            line.cells = [c.strip() for c in content.split("\t")]
        lines.append(line)
    return lines


_WHOLE_BOLD = re.compile(r"^(\*{2,3}|_{2})[^*_]+\1$")


def _all_bold(lines: list[Line]) -> bool:
    """A Markdown paragraph set wholly in bold (`**...**`, possibly over hard-broken lines)."""
    return bool(lines) and bool(_WHOLE_BOLD.match(" ".join(line.raw for line in lines)))


# ---------------------------------------------------------------- paragraphs

MARKER = re.compile(
    r"^\s*(?:[IVXLC]+\s*[.\-–)]|\d{1,2}(?:\.\d{1,2})*\s*[.)](?!\d)|\d{1,2}(?:\.\d{1,2})+\s|[a-zđ]\s*\)|[-+•*–]\s|"
    r"(?:Phần|PHẦN|Chương|CHƯƠNG|Mục|MỤC|Điều|Phụ lục|PHỤ LỤC)\s+[\dIVXLC]+|"
    r"Nơi nhận|NƠI NHẬN|Kính gửi|Căn cứ|Thực hiện|Số\s*:|TM\.|KT\.|TL\.|TUQ\.|Q\.\s)"
)
_FOOTNOTE_START = re.compile(r"^(\d{1,2})\s+\S")
_SENTENCE_END_CHARS = frozenset('.:;!?)]”"')
_WORD = re.compile(r"\w+")


def ends_sentence(s: str) -> bool:
    """Whether `s` ends a sentence: its last printed character is a full stop, colon, semicolon,
    question or exclamation mark, or a closing bracket or quote (read directly: no scan of `s`)."""
    return s.rstrip()[-1:] in _SENTENCE_END_CHARS


def starts_sentence(s: str) -> bool:
    """Whether `s` opens like a sentence: a capital letter, not an abbreviation in capitals (ANTQ, UBND)."""
    if not s[:1].isupper():
        return False
    word = _WORD.match(s)
    return not (word and len(word.group()) >= 2 and word.group().isupper())


def is_caps_line(s: str) -> bool:
    return all_caps(s)


def _starts_block(prev: Line, cur: Line, width: float) -> bool:
    """Whether `cur` starts a new paragraph after the wrapped line `prev`."""
    if MARKER.match(cur.stripped):
        return True
    if prev.caps != cur.caps:
        return True
    short = len(prev.stripped) < 0.8 * width
    if prev.caps and cur.caps:
        return short  # a wrapped capitals heading continues only after a full line
    return short and (ends_sentence(prev.stripped) or starts_sentence(cur.stripped))


def _make_block(kind: str, parts: list[Line], joiner: str = " ", label: str | None = None) -> Block:
    """One block of the lines `parts`, each without its edge spaces, joined by `joiner`."""
    if len(parts) == 1:  # most blocks
        line = parts[0]
        lead = _lead(line)
        origin = line.map_of(lead, lead + len(line.stripped))
        return Block(kind=kind, text=line.stripped, origin=origin, label=label)  # type: ignore[arg-type]
    origin = SourceMap()
    for i, line in enumerate(parts):
        if i:
            origin.append_made_up(len(joiner))
        lead = _lead(line)
        line.copy_origin(origin, lead, lead + len(line.stripped))
    text = joiner.join(line.stripped for line in parts)
    return Block(kind=kind, text=text, origin=origin, label=label)  # type: ignore[arg-type]


def _lead(line: Line) -> int:
    """How many whitespace characters open the line's text."""
    return 0 if line.stripped is line.text else len(line.text) - len(line.text.lstrip())


def _table_block(rows: list[Line]) -> Block:
    b = _Builder()
    cells_out: list[list[str]] = []
    for i, line in enumerate(rows):
        if i:
            b.add_made_up("\n")
        cells_out.append([c for c in (line.cells or [])])
        pos = 0
        first = True
        for cell in line.text.split("\t"):
            s = cell.strip()
            lead = len(cell) - len(cell.lstrip())
            if s:
                if not first:
                    b.add_made_up(" | ")
                b.add_line_part(s, line, pos + lead)
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


def to_blocks(lines: list[Line], markdown: bool, width: float | None = None) -> list[Block]:
    """Group lines into paragraph, heading, footnote and table blocks."""
    if width is None:
        width = line_width(lines)
    # Raw PDF text puts a blank line after every line: then blanks say nothing.
    blank_ratio = sum(1 for line in lines if line.blank) / max(1, len(lines))
    blanks_separate = markdown or blank_ratio < 0.3

    blocks: list[Block] = []
    body: list[Line] = []
    footnote: list[Line] = []
    footnote_label: str | None = None
    table: list[Line] = []
    after_separator = False
    after_rule = False  # Markdown: text after a `---` rule goes on with the last footnote
    blank_run = 0

    def flush_body() -> None:
        if body:
            heading = body[0].heading if len(body) == 1 else any(line.heading for line in body)
            kind = "heading" if heading or (markdown and _all_bold(body)) else "paragraph"
            block = _make_block(kind, body, " ")
            previous = blocks[-1] if blocks and blocks[-1].kind != "footnote" else _last_not_footnote(blocks)
            if kind == "paragraph" and previous is not None and continues(previous, block):
                previous.text += " " + block.text
                previous.origin.append_made_up(1)
                previous.origin.extend(block.origin)
            else:
                blocks.append(block)
            body.clear()

    def flush_footnote() -> None:
        nonlocal footnote_label
        if footnote:
            blocks.append(_make_block("footnote", footnote, " ", footnote_label))
            footnote.clear()
            footnote_label = None

    def extend_last_footnote(line: Line) -> bool:
        last = next((b for b in reversed(blocks) if b.kind == "footnote"), None)
        if last is None:
            return False
        extra = _make_block("footnote", [line], " ")
        last.text += " " + extra.text
        last.origin.append_made_up(1)
        last.origin.extend(extra.origin)
        return True

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
        if line.rule and markdown:
            flush_body()
            flush_footnote()
            after_rule = True
            blank_run = 0
            continue
        if line.blank:
            blank_run += 1
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
            if markdown and blank_run >= 2:  # a page break: footnotes end here
                flush_footnote()
                after_rule = False
            if blanks_separate and not (markdown and footnote):
                flush_body()
            continue
        page_break = blank_run >= 2
        blank_run = 0
        if line.footnote is not None:
            flush_body()
            flush_footnote()
            after_rule = False
            footnote_label = line.footnote
            footnote.append(line)
            continue
        if markdown and after_rule and not line.heading and extend_last_footnote(line):
            continue
        after_rule = False
        if after_separator and (m := _FOOTNOTE_START.match(line.text.strip())):
            flush_footnote()
            footnote_label = m.group(1)
            stripped = line.text.strip()
            lead = len(line.text) - len(line.text.lstrip()) + m.end(1)
            rest = stripped[m.end(1) :].lstrip()
            skip = lead + (len(stripped[m.end(1) :]) - len(rest))
            footnote.append(Line(rest, line.origin_of(skip, skip + len(rest))))
            continue
        if footnote:
            if markdown and not line.heading and not page_break:
                footnote.append(line)  # a footnote's next paragraph, before the page ends
                continue
            if not markdown and not line.leading_space:
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
        if body and _starts_block(body[-1], line, width):
            flush_body()
        body.append(line)
    flush_table()
    flush_body()
    flush_footnote()
    return blocks


def _last_not_footnote(blocks: list[Block]) -> Block | None:
    return next((b for b in reversed(blocks) if b.kind != "footnote"), None)


def line_width(lines: list[Line]) -> float:
    """The usual length of a full line (raw PDF text wraps at it)."""
    nonblank = [len(line.text.strip()) for line in lines if not line.blank and not line.cells]
    return median(nonblank) if nonblank else 80


def continues(previous: Block, block: Block) -> bool:
    """A paragraph cut by a page break (or a footnote) goes on: it did not end a sentence.

    The next part starts in lowercase, or with an abbreviation in capitals
    (`ANTQ ở các địa bàn`), or anything at all after a comma.
    """
    if previous.kind != "paragraph" or ends_sentence(previous.text) or MARKER.match(block.text):
        return False
    return not starts_sentence(block.text) or previous.text.rstrip().endswith(",")


def read_text(data: bytes, path: str, sha256: str) -> Ingested:
    """Read a text file into blocks."""
    try:
        text = decode(data, path)
    except IngestError as exc:  # an 8-bit file typed in a legacy Vietnamese font (TCVN3, VNI)?
        legacy = decode_legacy_bytes(data) if exc.error == "undecodable_text" else None
        if legacy is None:
            raise
        text = legacy
    text, source_index, warnings = convert_text(text)  # TCVN3 / VNI lines to Unicode before the layout rules
    markdown = is_markdown(text)
    lines = split_lines(text, markdown)
    width = line_width(lines)
    blocks = structure(lines, markdown, width)
    if not any(b.text.strip() for b in blocks):
        raise IngestError(path, "empty_file", "the file holds no text")
    if source_index is not None:  # offsets into the converted text -> offsets into the file's text
        for block in blocks:
            block.origin = SourceMap(source_index[i] if i >= 0 else -1 for i in block.origin)
    return Ingested(
        path=path, format="markdown" if markdown else "text", sha256=sha256, blocks=blocks, warnings=warnings
    )


# ---------------------------------------------------------------- header and closing zones

_PLACE_DATE = re.compile(r"^\s*[^\d,]{2,40},\s*ngày\b.*\bnăm\b", re.I)
_NUMBER_LINE = re.compile(r"^\s*Số\s*:?\s*[\w\s]*/|^\s*Số\s*:", re.I)
# A title line: the type word in capitals, alone or with more capitals (`KẾ HOẠCH`, `QUYẾT ĐỊNH`).
DOC_TYPE_TITLE = re.compile(rf"^\s*(?:{doc_type_title_pattern()})\b[^a-zà-ỹđ]*$")
NOI_NHAN = re.compile(r"^\s*(?:Nơi\s*nhận|NƠI\s*NHẬN)\s*:?")
BULLET = re.compile(r"^\s*[-+•–—]\s*")
_AUTHORITY = re.compile(
    r"^\s*(?:TM|KT|TL|TUQ|Q|T/M|K/T)\s*\.|^\s*(?:TRƯỞNG|PHÓ|CHỦ\s+TỊCH|GIÁM\s+ĐỐC|BÍ\s+THƯ)"
)


def is_header_right(text: str) -> bool:
    """A line of the header's right column: the national motto or the place and date."""
    return is_motto_line(text) or bool(_PLACE_DATE.match(text))


def _name_line(text: str) -> bool:
    """A signer's name: two to six capitalised words, no digits."""
    words = text.split()
    return (
        2 <= len(words) <= 6
        and all(w[:1].isupper() for w in words)
        and not any(c.isdigit() for c in text)
        and not is_caps_line(text)
    )


def structure(lines: list[Line], markdown: bool, width: float) -> list[Block]:
    """Blocks of a whole text: header columns, body, the closing Nơi nhận and signature, what follows."""
    blocks, start = _header(lines)
    close = next(
        # 'N' first: the label's first letter, a cheap test before the pattern
        (i for i in range(start, len(lines)) if lines[i].stripped[:1] == "N" and NOI_NHAN.match(lines[i].text)),
        None,
    )
    if close is None:
        return blocks + to_blocks(lines[start:], markdown, width)
    blocks += to_blocks(lines[start:close], markdown, width)
    closing, end = _closing(lines, close)
    blocks += closing
    blocks += to_blocks(lines[end:], markdown, width)
    return blocks


def _header(lines: list[Line]) -> tuple[list[Block], int]:
    """The header zone before the type word (or the first body line), split in its two columns."""
    seen = 0
    end = None
    for i, line in enumerate(lines):
        if line.blank:
            continue
        t = line.text.strip()
        if (
            line.heading
            or DOC_TYPE_TITLE.match(t)
            or len(t) > 120
            or MARKER.match(t)
            and not _NUMBER_LINE.match(t)
        ):
            end = i
            break
        seen += 1
        if seen > 25:
            return [], 0
    if end is None:
        return [], 0
    zone = [line for line in lines[:end] if not line.blank]
    if not any(is_header_right(line.text) or _NUMBER_LINE.match(line.text) for line in zone):
        return [], 0
    left = [line for line in zone if line.cells is None and not is_header_right(line.text)]
    right = [line for line in zone if line.cells is None and is_header_right(line.text)]
    stamp = [line for line in zone if line.cells is not None]
    blocks = []
    if left:
        blocks.append(_make_block("header_left", left, "\n"))
    if right:
        blocks.append(_make_block("header_right", right, "\n"))
    if stamp:
        blocks.append(_make_block("stamp", stamp, "\n"))
    return blocks, end


def _closing(lines: list[Line], close: int) -> tuple[list[Block], int]:
    """The Nơi nhận list from `close` on and the signature after it; returns them and the next line."""
    items: list[list[Line]] = [[lines[close]]]
    i = close + 1
    while i < len(lines):
        line = lines[i]
        t = line.text.strip()
        if line.blank:
            i += 1
            continue
        if line.heading and not BULLET.match(t) or line.cells is not None:
            break
        if BULLET.match(t):
            items.append([line])
        elif len(items) > 1 and (t[:1].islower() or t[:1] in "(&"):
            items[-1].append(line)
        else:
            break
        i += 1
    blocks = [_lines_block("recipients", items)]
    sig: list[Line] = []
    while i < len(lines):
        line = lines[i]
        t = line.text.strip()
        if line.blank:
            i += 1
            continue
        if line.cells is not None or len(t) > 80 or (line.heading and not (is_caps_line(t) or _name_line(t))):
            break
        if not (is_caps_line(t) or _AUTHORITY.match(t) or _name_line(t) or t.startswith("(")):
            break
        sig.append(line)
        i += 1
        if _name_line(t):
            break
    if sig:
        blocks.append(_make_block("signature", sig, "\n"))
    return blocks, i


def _lines_block(kind: str, items: list[list[Line]]) -> Block:
    """One block, one line per item; the wrapped lines of an item joined by spaces."""
    b = _Builder()
    for k, parts in enumerate(items):
        if k:
            b.add_made_up("\n")
        part = _make_block(kind, parts, " ")
        b.add(part.text, part.origin)
    return Block(kind=kind, text="".join(b.text), origin=b.origin)  # type: ignore[arg-type]
