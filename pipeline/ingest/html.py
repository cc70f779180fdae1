"""HTML pages saved from the legal databases, read into blocks.

Only the document's own content is kept: site chrome (navigation, headers and
footers, scripts, sidebars of related documents, ads) is dropped, and on a full
portal page the main content container is chosen by how much paragraph text it
holds against how much of it is link text. Inside the content:

- every `<p>`, list item or `<br>`-separated line is one paragraph; `<h1>`-`<h6>`
  are headings; items of numbered lists get their number (`1. `);
- the header table (issuer and number | motto and place-date) and the closing
  table (Nơi nhận | signature) are read column by column into `header_left` /
  `header_right` and `recipients` / `signature` blocks, their lines joined by
  "\\n"; other tables are `table` blocks (`rows`; text = rows, cells joined by
  " | "), and a table with one filled cell per row is just paragraphs;
- `<sup>n</sup>` anchors become `[n]`; a paragraph that starts with one is the
  footnote `n`.

lxml parses (python-docx needs it anyway, and the reader's own walk, not the
parser, bounds the speed); the table logic is shared with the Word reader.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from lxml import etree

from pipeline.blocks import Block, Ingested
from pipeline.header_lines import has_motto
from pipeline.ingest.errors import IngestError
from pipeline.ingest.legacy import convert_blocks, convert_legacy

# ---------------------------------------------------------------- layout tables, shared with Word

_NUMBER_LINE = re.compile(r"^\s*(?:Số|Luật\s+số|Nghị\s+quyết\s+số)\s*:", re.I)
_RECIPIENTS = re.compile(r"^\s*(?:Nơi\s+nhận|NƠI\s+NHẬN|Kính\s+gửi)\s*:?", re.I)
_SIGNATURE = re.compile(
    r"^\s*(?:TM|KT|TL|TUQ|Q|PP)\s*\.|^\s*\((?:Đã\s+ký|đã\s+ký|Ký|ký)[^)]{0,40}\)\s*$|^\s*(?:ĐẠI\s+DIỆN|NGƯỜI\s+KÝ)"
)

Cell = list[str]  # the lines of one table cell


def _filled(row: list[Cell]) -> list[Cell]:
    return [cell for cell in row if any(line.strip() for line in cell)]


def _columns(rows: list[list[Cell]]) -> list[list[str]]:
    """The lines of each column, top to bottom (cells of a row placed by index)."""
    width = max(len(row) for row in rows)
    columns: list[list[str]] = [[] for _ in range(width)]
    for row in rows:
        for i, cell in enumerate(row):
            columns[i].extend(line for line in cell if line.strip())
    return [c for c in columns if c]


def _readable(line: str) -> str:
    """The line as Unicode, for recognising a header or closing typed in a legacy font."""
    return line if line.isascii() else convert_legacy(line)[0]


def table_kind(rows: list[list[Cell]], at_start: bool) -> str:
    """'header', 'closing', 'paragraphs' (one filled cell per row) or 'data'."""
    if not rows or all(len(_filled(row)) <= 1 for row in rows):
        return "paragraphs"
    lines = [line for row in rows for cell in row for line in cell]
    lines = [_readable(line) for line in lines]
    if len(rows) <= 4 and max(len(row) for row in rows) <= 3:
        if any(has_motto(line) for line in lines) or (
            at_start and any(_NUMBER_LINE.match(x) for x in lines)
        ):
            return "header"
        if (
            any(_RECIPIENTS.match(line) for line in lines)
            or sum(bool(_SIGNATURE.match(x)) for x in lines) >= 1
        ):
            return "closing"
    return "data"


def table_to_blocks(rows: list[list[Cell]], at_start: bool) -> list[Block]:
    """Blocks for one table: read column-wise when it is a header or closing layout table."""
    rows = [row for row in rows if row]
    kind = table_kind(rows, at_start)
    if kind == "paragraphs":
        return [
            Block(kind="paragraph", text=line)
            for row in rows
            for cell in row
            for line in cell
            if line.strip()
        ]
    if kind == "header":
        columns = _columns(rows)
        blocks = []
        for column in columns:
            right = any(has_motto(_readable(line)) for line in column)
            blocks.append(Block(kind="header_right" if right else "header_left", text="\n".join(column)))
        return blocks
    if kind == "closing":
        blocks = []
        for column in _columns(rows):
            recipients = any(_RECIPIENTS.match(_readable(line)) for line in column)
            blocks.append(Block(kind="recipients" if recipients else "signature", text="\n".join(column)))
        return blocks
    cells = [[" ".join(line.strip() for line in cell if line.strip()) for cell in row] for row in rows]
    width = max(len(row) for row in cells)
    return [
        Block(
            kind="table",
            text="\n".join(" | ".join(row) for row in cells),
            rows=[row + [""] * (width - len(row)) for row in cells],
        )
    ]


# ---------------------------------------------------------------- decoding

_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-]{1,40})""", re.I)


def decode_html(data: bytes, path: str) -> str:
    """Decode by BOM, then UTF-8, then the page's declared charset, then Windows-1252."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    m = _META_CHARSET.search(data[:4096])
    if m:
        try:
            return data.decode(m.group(1).decode("ascii"), errors="replace")
        except LookupError:
            pass
    return data.decode("cp1252", errors="replace")


# ---------------------------------------------------------------- chrome removal and main content

_DROP_TAGS = {
    "script", "style", "noscript", "nav", "header", "footer", "aside", "form", "button", "iframe",
    "svg", "img", "select", "input", "textarea", "template", "object", "embed", "canvas", "video", "audio", "map",
}  # fmt: skip
_CHROME = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|menu|breadcrumbs?|sidebar|side-bar|footer|banner|ads?|advert\w*|quang-?cao|"
    r"related|lien-?quan|share|social|comments?|toolbar|login|search|popup|modal|cookie|pagination|tabs?)(?:$|[\s_-])",
    re.I,
)
_CONTAINERS = {"div", "article", "main", "section", "td", "body"}
_BLOCK_TAGS = {
    "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "article", "main",
    "section", "center", "dl", "dt", "dd", "address", "figure", "figcaption", "hr", "body", "html",
}  # fmt: skip
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, huge_tree=True)


def _drop_chrome(root: etree._Element) -> None:
    doomed = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            doomed.append(el)  # comments, processing instructions
            continue
        if el.tag in _DROP_TAGS:
            doomed.append(el)
            continue
        marks = f"{el.get('class', '')} {el.get('id', '')} {el.get('role', '')}"
        if (
            marks.strip()
            and el.tag not in ("body", "html", "table", "tr", "td", "th", "p")
            and _CHROME.search(marks)
        ):
            doomed.append(el)
    for el in doomed:
        _drop(el)


def _drop(el: etree._Element) -> None:
    """Remove an element and its content, keeping the text that follows it."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _text_len(el: etree._Element) -> int:
    return len("".join(el.itertext()).split())


def _main_content(body: etree._Element) -> etree._Element:
    """The smallest container holding nearly all of the page's non-link text."""
    link_words = {id(a): len("".join(a.itertext()).split()) for a in body.iter("a")}

    def score(el: etree._Element) -> int:
        links = sum(link_words.get(id(a), 0) for a in el.iter("a"))
        return _text_len(el) - 2 * links

    candidates = [el for el in body.iter() if isinstance(el.tag, str) and el.tag in _CONTAINERS]
    scores = {id(el): score(el) for el in candidates}
    best = max(scores.values(), default=0)
    if best <= 0:
        return body
    good = [el for el in candidates if scores[id(el)] >= 0.9 * best]
    # Word's saved pages keep the notes in a block after the text: the content must hold them too
    notes = [a for a in body.iter("a") if _NOTE_BACKLINK.match(a.get("href", ""))]
    good = [el for el in good if all(_inside(note, el) for note in notes)] or [body]
    return min(good, key=_text_len)


def _inside(el: etree._Element, container: etree._Element) -> bool:
    while el is not None:
        if el is container:
            return True
        el = el.getparent()
    return False


# ---------------------------------------------------------------- the walk

_ANCHOR_START, _ANCHOR_END = "\ue000", "\ue001"
_SUP_LABEL = re.compile(r"^\s*\[?\s*(\d{1,3}|\*{1,3})\s*\]?\s*$")
# Word's saved HTML links anchors and notes to each other: `#_ftn1` / `#_ftnref1` (endnotes `_edn`)
_NOTE_LINK = re.compile(r"^#_?(?:ftn|edn)(?:ref)?\d{1,3}$", re.I)
_NOTE_BACKLINK = re.compile(r"^#_?(?:ftn|edn)ref\d{1,3}$", re.I)
_FOOTNOTE_RULE = re.compile(r"^[\s_\-–—=.*]{5,}$")
_ANCHOR = re.compile(f"{_ANCHOR_START}([^{_ANCHOR_END}]*){_ANCHOR_END}")
_SPACES = re.compile(r"\s+")


@dataclass
class _Walk:
    blocks: list[Block] = field(default_factory=list)
    line: list[str] = field(default_factory=list)
    heading: int = 0
    body_started: bool = False

    def flush(self) -> None:
        text = _SPACES.sub(" ", "".join(self.line)).strip()
        self.line.clear()
        if not text or _FOOTNOTE_RULE.match(text):
            return
        m = _ANCHOR.match(text)
        if m and text[m.end() :].strip():
            self.blocks.append(
                Block(kind="footnote", text=_anchors(text[m.end() :].strip()), label=m.group(1))
            )
        else:
            self.blocks.append(Block(kind="heading" if self.heading else "paragraph", text=_anchors(text)))
        self.body_started = True


def _anchors(text: str) -> str:
    return _ANCHOR.sub(lambda m: f"[{m.group(1)}]", text)


def _cell_lines(cell: etree._Element) -> Cell:
    """A cell's paragraphs and `<br>` lines; nested tables are written inside the cell."""
    sub = _Walk()
    _walk_children(cell, sub)
    sub.flush()
    return [_cell_line(b) for b in sub.blocks]


def _cell_line(block: Block) -> str:
    if block.kind == "footnote":
        return f"[{block.label}] {block.text}"
    return block.text


def _table_rows(table: etree._Element) -> list[list[Cell]]:
    rows = []
    for tr in table.iter("tr"):
        if _closest_table(tr) is not table:
            continue  # a nested table's row: read inside its cell
        rows.append([_cell_lines(td) for td in tr if isinstance(td.tag, str) and td.tag in ("td", "th")])
    return rows


def _closest_table(el: etree._Element) -> etree._Element | None:
    parent = el.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent


def _list_start(el: etree._Element) -> int:
    """The first number of an `<ol>` (its `start` attribute, else 1)."""
    start = el.get("start", "1") if el.tag == "ol" else "1"
    return int(start) if start.strip().isdigit() else 1


def _walk_children(el: etree._Element, walk: _Walk) -> None:
    if el.text:
        walk.line.append(el.text)
    number = _list_start(el) - 1
    for child in el:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "br":
            walk.flush()
        elif tag == "table":
            walk.flush()
            walk.blocks.extend(table_to_blocks(_table_rows(child), at_start=not walk.body_started))
            walk.body_started = True
        elif (tag == "sup" or (tag == "a" and _NOTE_LINK.match(child.get("href", "")))) and (
            m := _SUP_LABEL.match("".join(child.itertext()))
        ):
            walk.line.append(f"{_ANCHOR_START}{m.group(1)}{_ANCHOR_END}")
        elif tag in _BLOCK_TAGS or tag in ("tr", "td", "th"):
            walk.flush()
            if tag == "li" and el.tag == "ol":
                number += 1
                walk.line.append(f"{number}. ")
            walk.heading += tag in _HEADINGS
            _walk_children(child, walk)
            walk.flush()
            walk.heading -= tag in _HEADINGS
        else:
            _walk_children(child, walk)
        if child.tail:
            walk.line.append(child.tail)


_HTML_START = re.compile(rb"<!doctype\s+html|<html[\s>]", re.I)
_HTML_TAGS = re.compile(rb"<(?:body|p|div|table|tr|td|br|span|h[1-6])[\s/>]", re.I)


def is_html(data: bytes) -> bool:
    """An HTML page: a doctype or <html> near the start, or text that opens with markup tags.

    Markdown-ish text with a few `<sup>` anchors is not HTML.
    """
    head = data[:4096].lstrip(codecs.BOM_UTF8 + b" \t\r\n")
    if _HTML_START.search(head[:2048]):
        return True
    return head.startswith(b"<") and len(_HTML_TAGS.findall(head)) >= 3


def read_html(data: bytes, path: str, sha256: str) -> Ingested:
    """Read a saved HTML page into blocks."""
    text = decode_html(data, path)
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    try:
        root = etree.fromstring(text, _PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise IngestError(path, "corrupt_html", f"the HTML page cannot be parsed ({exc})") from exc
    if root is None:
        raise IngestError(path, "empty_file", "the HTML page holds no document text")
    body = root.find("body")
    if body is None:
        body = root
    _drop_chrome(body)
    walk = _Walk()
    try:
        _walk_children(_main_content(body), walk)
    except RecursionError as exc:
        raise IngestError(path, "corrupt_html", "the HTML page is nested too deeply to read") from exc
    walk.flush()
    if not walk.blocks:
        raise IngestError(path, "empty_file", "the HTML page holds no document text")
    warnings = convert_blocks(walk.blocks)
    return Ingested(path=path, format="html", sha256=sha256, blocks=walk.blocks, warnings=warnings)


__all__ = ["Cell", "decode_html", "is_html", "read_html", "table_kind", "table_to_blocks"]
