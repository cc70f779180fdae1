"""The section tree: Roman parts, numbered and lettered items, Phần/Chương/Mục/Điều/Khoản/Điểm.

Markers are read at the start of printed lines of the body (between the header
and the Nơi nhận/signature; appendices after the signature only under a
`Phụ lục` heading). A marker is kept only when its numbering continues the
sequence of its would-be siblings (`3.` may follow `1.`; a `2.` that jumps back
under the same parent, or a list that starts at `5.`, is a number inside the
text, not a section), the check legal parsers use to tell structure from prose.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from functools import cache

from models.record import Metadata, Section
from pipeline.blocks import Doc
from pipeline.doclines import Line, doc_lines, is_caps
from pipeline.header import body_bounds
from pipeline.vocab import doc_type_pattern

# Vietnamese letter order for điểm: no f, j, w, z; đ after d.
LETTERS = "abcdđeghiklmnopqrstuvxy"
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}

_NAMED = re.compile(
    r"^(?P<word>Phần|PHẦN|Chương|CHƯƠNG|Mục|MỤC|Phụ\s+lục|PHỤ\s+LỤC)\s+(?P<label>[IVXLC]+|\d{1,3}[a-z]?)"
    r"(?P<punct>\s*[.:\-–]?)(?:\s+|$)(?P<rest>.*)$"
)
_ARTICLE = re.compile(r"^(?P<word>Điều|ĐIỀU)\s+(?P<label>\d{1,3}[a-z]?)\s*[.:]\s*(?P<rest>.*)$")
_PART = re.compile(r"^(?P<label>[IVXLC]{1,6})\s*(?P<punct>[.\-–])(?:\s*(?P<rest>\S.*))?$")
# 'A. NHỮNG KẾT QUẢ ĐẠT ĐƯỢC': a capital letter over the Roman parts, its heading in capitals
_LETTER_PART = re.compile(r"^(?P<label>[A-H])\.\s+(?P<rest>[A-ZĐÀ-Ỹ].*)$")
_NUMBERED = re.compile(
    r"^(?P<label>\d{1,2}(?:\.\d{1,2}){0,3})(?P<punct>\.|\)|-(?=\s+[A-ZĐÀ-Ỹ])|(?<=\d)(?=\s))(?:\s*(?P<rest>\S.*))?$"
)
_LETTERED = re.compile(r"^(?P<label>[a-zđ])\s*(?P<punct>[).])\s*(?P<rest>\S.*)$")

_DIGITS = re.compile(r"\d+")
_PROSE_AFTER_NUMBER = re.compile(r"\d|(?:năm|tháng|ngày)\b")  # '5 năm', '2.000 người': a number in prose
_SENTENCE_INSIDE = re.compile(r"\.\s+\S")
# a clause ends at '.', ';' or ':' after a letter (not '1.5'); the pattern opens with the
# punctuation so the regex engine skips ahead to it
_CLAUSE_END = re.compile(r"[.;:](?<=[^\d\s][.;:])(?:\s|$)")
_ATTACHED = re.compile(r"\(\s*(?:Ban\s+hành\s+)?[Kk]èm\s+theo\b")
_KIND_WORD = {"phần": "phan", "chương": "chuong", "mục": "muc", "phụ lục": "phu_luc"}
# Rank: a section nests under the nearest open section of lower rank.
_RANK = {
    "phu_luc": 0,
    "phan": 1,
    "letter_part": 2,
    "chuong": 3,
    "muc": 4,
    "part": 5,
    "dieu": 6,
    "item": 7,  # + decimal depth: 1.1 under 1
    "item_paren": 11,  # '1)' items, under '1.' items when both are used
    "point": 12,
}
# Kinds as recorded (the schema's names); the finer ones above only order the nesting.
_OUTPUT_KIND = {"letter_part": "part", "item_paren": "item"}


@dataclass(slots=True)
class _Marker:
    kind: str
    label: str
    rest: str
    line: Line
    depth: int = 0  # decimal depth of numbered items: 1 -> 0, 1.1 -> 1
    # read once: the numbering checks ask for them again and again
    rank: int = field(init=False)
    ordinal: int | None = field(init=False)

    def __post_init__(self) -> None:
        self.rank = _RANK[self.kind] + (self.depth if self.kind == "item" else 0)
        self.ordinal = _ordinal(self)


def roman_value(s: str) -> int | None:
    """Value of a Roman numeral; None when `s` is not one written in the usual way."""
    total, prev = 0, 0
    for ch in reversed(s.upper()):
        v = _ROMAN.get(ch)
        if v is None:
            return None
        total = total - v if v < prev else total + v
        prev = max(prev, v)
    return total if total > 0 and _to_roman(total) == s.upper() else None


def _to_roman(n: int) -> str:
    out = []
    for v, sym in (
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while n >= v:
            out.append(sym)
            n -= v
    return "".join(out)


def _ordinal(m: _Marker) -> int | None:
    """The marker's position in its sequence (1-based), for the continuity check."""
    last = m.label.split(".")[-1]
    if m.kind in ("part",) or (m.kind in ("phan", "chuong", "muc", "phu_luc") and not last[0].isdigit()):
        return roman_value(last)
    if m.kind == "point":
        return LETTERS.index(last) + 1 if last in LETTERS else None
    if m.kind == "letter_part":
        return ord(last) - ord("A") + 1
    digits = _DIGITS.match(last)
    return int(digits.group()) if digits else None


def _marker(line: Line) -> _Marker | None:
    m = _marker_of(line)
    if m is not None:
        m.rest = m.rest.lstrip("*_ ")  # '**1.** Căn cứ ...': bold markers around the number
    return m


def _marker_of(line: Line) -> _Marker | None:
    """The marker the line opens with; the first character says which patterns can match."""
    text = line.text
    first = text[:1]
    if first.isdecimal():  # what `\d` matches
        return _numbered(line)
    if first.islower():
        return _lettered(line)
    m = _NAMED.match(text)
    if m:
        word = re.sub(r"\s+", " ", m.group("word").lower())
        kind = _KIND_WORD[word]
        if kind == "muc" and not m.group("label")[0].isdigit() and not m.group("label").isupper():
            return None
        if kind == "phu_luc" and len(text) > 200:
            return None
        return _Marker(kind, m.group("label"), m.group("rest"), line)
    m = _ARTICLE.match(text)
    if m:
        return _Marker("dieu", m.group("label"), m.group("rest"), line)
    m = _LETTER_PART.match(text)
    if m and m.group("label") not in "IVX" and is_caps(m.group("rest")):
        return _Marker("letter_part", m.group("label"), m.group("rest"), line)
    m = _PART.match(text)
    if m and roman_value(m.group("label")):
        return _Marker("part", m.group("label"), m.group("rest") or "", line)  # 'I.' over its heading line
    return None


def _numbered(line: Line) -> _Marker | None:
    """'1.', '2.1.', '3)' items."""
    m = _NUMBERED.match(line.text)
    if m and (m.group("rest") or m.group("punct") == "."):
        label = m.group("label")
        if m.group("punct") not in (".", ")", "-") and "." not in label:
            return None  # '5 năm' is a number in prose; a bare item number needs '.' or ')'
        rest = m.group("rest") or ""
        if _PROSE_AFTER_NUMBER.match(rest):
            return None
        if m.group("punct") == ")" and "." not in label:
            return _Marker("item_paren", label, rest, line)
        return _Marker("item", label, rest, line, depth=label.count("."))
    return None


def _lettered(line: Line) -> _Marker | None:
    """'a)' points."""
    m = _LETTERED.match(line.text)
    if m and m.group("rest")[0] not in ".,;":
        return _Marker("point", m.group("label"), m.group("rest"), line)
    return None


def _heading(m: _Marker) -> str:
    """Heading text when the marker starts a heading line, else the item's first clause.

    A heading line is one the reader marked as a heading, or a short line that does not
    end like a sentence ('2. Công an tỉnh', 'II. NỘI DUNG CÔNG TÁC TRỌNG TÂM').
    """
    rest = m.rest.strip()
    if not rest:
        return ""
    short_line = len(rest) <= 160 and not rest.endswith((".", ";", ":")) and not _SENTENCE_INSIDE.search(rest)
    if m.line.kind == "heading" and len(rest) <= 300 or short_line:
        return rest.rstrip(" .:;")
    end = _CLAUSE_END.search(rest)
    first = rest[: end.start()] if end else rest
    return first.strip()[:300]


@dataclass(slots=True)
class _Node:
    """A kept marker: the section it opens, with what its children need, until its end is known."""

    marker: _Marker
    id: str
    parent: str | None
    path: str
    kind: str
    level: int
    heading: str
    rank: int
    in_article: bool  # the marker is an Điều or is inside one: its items are khoản, its points điểm
    last_child: dict[str, int] | None = None  # made for the nodes that get children
    end: int = 0  # set by `_close`

    @property
    def start(self) -> int:
        return self.marker.line.start

    def section(self) -> Section:
        line = self.marker.line
        return Section(
            id=self.id,
            parent=self.parent,
            level=self.level,
            label=self.marker.label,
            heading=self.heading,
            start=line.start,
            end=self.end,
            kind=self.kind,
            path=self.path,
            page=line.page,
        )


def _resumes(cands: list[tuple[int, _Marker]], k: int, expected: int | None) -> bool:
    """Whether a jump in numbering is the numbering resuming after a gap in the text.

    It is when the next marker of the same kind continues the jumped-to number (n,
    then n+1) and the number that was due never turns up later: articles lost in a
    table or a dropped page. An amending text that quotes `Điều 9.` between its own
    `Điều 5.` and `Điều 6.` fails the second test, and one stray number in prose
    fails the first.
    """
    m = cands[k][1]
    n = m.ordinal
    if n is None:
        return False
    same = []
    for _, c in cands[k + 1 : k + 400]:
        if c.rank < m.rank and m.kind != "dieu":
            break
        if c.kind == m.kind and c.depth == m.depth:
            same.append(c.ordinal)
    if not same or same[0] != n + 1:
        return False
    return expected is None or expected not in same


def _seen(m: _Marker, parent: _Node | None, top_last: dict[str, int]) -> dict[str, int]:
    """The last number seen for each kind among the marker's siblings. Điều are numbered through
    the whole text, across Chương and Mục; the rest per parent."""
    if m.kind == "dieu" or parent is None:
        return top_last
    if parent.last_child is None:
        parent.last_child = {}
    return parent.last_child


def _accept(
    m: _Marker, parent: _Node | None, top_last: dict[str, int], cands: list[tuple[int, _Marker]], k: int
) -> bool:
    """Whether the marker continues its siblings' numbering (or starts a list at 1)."""
    n = m.ordinal
    if n is None:
        return False
    key = m.kind + str(m.depth)
    prev = _seen(m, parent, top_last).get(key)
    # '2.1' belongs under item 2: its prefix must name the parent item
    if (
        m.kind == "item"
        and m.depth > 0
        and (
            parent is None or parent.marker.kind != "item" or m.label.rsplit(".", 1)[0] != parent.marker.label
        )
    ):
        return False
    if prev is None:
        return n <= (3 if m.kind in ("dieu", "chuong", "phan", "muc") else 2) or _resumes(cands, k, None)
    return prev < n <= prev + 2 or (n > prev and _resumes(cands, k, prev + 1))


def _opens_attachment(lines: list[Line], i: int) -> bool:
    """A text issued with the document, after its signature: '(Ban hành kèm theo Quyết định số ...)'
    under a type word in capitals ('KẾ HOẠCH', 'QUY CHẾ'), on its own lines or run together."""
    m = _ATTACHED.search(lines[i].text)
    if m is None:
        return False
    window = " ".join(ln.text for ln in lines[max(0, i - 3) : i]) + " " + lines[i].text[: m.start()]
    return any(is_caps(t.group()) for t in _type_word_re().finditer(window))


@cache
def _type_word_re() -> re.Pattern[str]:
    return re.compile(rf"(?<![\wÀ-ỹ])(?:{doc_type_pattern()})(?![\wÀ-ỹ])", re.I)


def find_sections(doc: Doc, metadata: Metadata) -> list[Section]:
    """Sections as a flat list with parent links, in text order."""
    lines = doc_lines(doc)
    if not lines:
        return []
    body_start, body_end = body_bounds(doc)
    attachments = [i for i, ln in enumerate(lines) if ln.start >= body_end and _opens_attachment(lines, i)]
    nodes = _tree(lines, _candidates(lines, body_start, body_end, attachments), attachments)
    _close(nodes, doc.text, body_end)
    return [node.section() for node in nodes]


_NOT_BODY = frozenset({"table", "footnote", "recipients", "signature", "stamp"})
# The first characters a marker line can open with (`_NAMED`, `_ARTICLE`, `_PART`, `_LETTER_PART`,
# `_NUMBERED`, `_LETTERED`): a line opening otherwise is prose, and is not matched against them.
_MARKER_START = re.compile(r"[PCMĐIVXLA-H\da-zđ]")


def _candidates(
    lines: list[Line], body_start: int, body_end: int, attachments: list[int]
) -> list[tuple[int, _Marker]]:
    """(line index, marker) of every line that opens like a section, before the numbering checks."""
    cands: list[tuple[int, _Marker]] = []
    in_appendix = False
    for i, ln in enumerate(lines):
        if ln.start < body_start or ln.kind in _NOT_BODY or not _MARKER_START.match(ln.text):
            continue
        m = _marker(ln)
        if m is None or m.rest.lstrip().startswith("|"):
            continue  # a table row printed as text ('1. | Nội khoa')
        in_appendix = in_appendix or m.kind == "phu_luc" or bool(attachments) and attachments[0] < i
        if ln.start >= body_end and not in_appendix:
            continue  # after the signature only appendices and attached texts carry sections
        cands.append((i, m))
    return cands


def _tree(lines: list[Line], cands: list[tuple[int, _Marker]], attachments: list[int]) -> list[_Node]:
    """The candidates that continue their siblings' numbering, each under the nearest open section of
    lower rank; ends are set later."""
    nodes: list[_Node] = []
    stack: list[_Node] = []
    top_last: dict[str, int] = {}
    ids: dict[str, int] = {}  # id -> how many sections asked for it
    pending = list(attachments)
    for k, (i, m) in enumerate(cands):
        if pending and i > pending[0]:
            # an attached text (a plan or regulation issued with a decision) numbers afresh
            stack, top_last = [], {}
            while pending and i > pending[0]:
                pending.pop(0)
        rank = m.rank
        keep = len(stack)
        while keep and stack[keep - 1].rank >= rank:
            keep -= 1
        parent = stack[keep - 1] if keep else None
        if not _accept(m, parent, top_last, cands, k):
            continue
        del stack[keep:]
        _seen(m, parent, top_last)[m.kind + str(m.depth)] = m.ordinal or 0
        node = _node(lines, i, m, parent, len(stack) + 1, bool(stack) and stack[-1].in_article, ids)
        nodes.append(node)
        stack.append(node)
    return nodes


def _node(
    lines: list[Line], i: int, m: _Marker, parent: _Node | None, level: int, in_article: bool, ids: dict[str, int]
) -> _Node:
    """The section a kept marker opens (its end is set by `_close`)."""
    kind = _OUTPUT_KIND.get(m.kind, m.kind)
    if kind == "item" and in_article:
        kind = "khoan"
    elif kind == "point" and in_article:
        kind = "diem"
    path = (parent.path + "/" if parent else "") + m.label
    sid = "s-" + path.replace("/", "-")
    # a repeated id takes primes: s-1, s-1', s-1'' (labels hold no prime, so no path makes one)
    taken = ids.get(sid, 0)
    ids[sid] = taken + 1
    sid += "'" * taken
    heading = _heading(m)
    if not heading and i + 1 < len(lines) and _marker(lines[i + 1]) is None:
        # 'Chương I' over 'NHỮNG QUY ĐỊNH CHUNG'; a bare 'I.' or '1.' over its text
        heading = _heading(replace(m, rest=lines[i + 1].text, line=lines[i + 1]))
    return _Node(
        m,
        id=sid,
        parent=parent.id if parent else None,
        path=path,
        kind=kind,
        level=level,
        heading=heading,
        rank=m.rank,
        in_article=in_article or m.kind == "dieu",
    )


def _close(sections: list[_Node], text: str, body_end: int) -> None:
    """Each section ends where the next sibling-or-higher section starts, else at the body's end.

    Body sections never run past the Nơi nhận/signature, even when an appendix follows.
    """
    open_: list[_Node] = []

    def finish(s: _Node, end: int) -> None:
        if s.start < body_end:
            end = min(end, body_end)
        while end > s.start and text[end - 1] in " \n":
            end -= 1
        s.end = max(end, s.start)

    for s in sections:
        while open_ and open_[-1].level >= s.level:
            finish(open_.pop(), s.start)
        open_.append(s)
    for s in open_:
        finish(s, len(text))


def section_at(sections: list[Section] | SectionIndex, offset: int) -> Section | None:
    """The innermost section holding `offset`."""
    if isinstance(sections, SectionIndex):
        return sections.at(offset)
    best = None
    for s in sections:
        if s.start <= offset < s.end and (best is None or s.level > best.level):
            best = s
    return best


class SectionIndex:
    """`section_at` for many offsets of one document, in logarithmic rather than linear time.

    The sections `find_sections` gives are in text order and nest (a section lies
    inside its parent, deeper ones have higher levels), so the innermost section
    holding an offset is the last one starting at or before it, or the nearest of
    its ancestors that reaches past it. A list that does not nest that way is
    searched section by section, as `section_at` does.
    """

    def __init__(self, sections: list[Section]) -> None:
        self.sections = sections
        self.size = len(sections)
        self._starts = [s.start for s in sections]
        self._up = _enclosing(sections)

    def __bool__(self) -> bool:
        return bool(self.sections)

    def at(self, offset: int) -> Section | None:
        if self._up is None:
            return section_at(self.sections, offset)
        i = bisect_right(self._starts, offset) - 1
        while i >= 0:
            if offset < self.sections[i].end:
                return self.sections[i]
            i = self._up[i]
        return None


def section_index(doc: Doc, sections: list[Section]) -> SectionIndex:
    """The `SectionIndex` of a document's sections, built once for the stages that all look them up."""
    cached = doc.derived.get("section_index")
    if cached is None or cached.sections is not sections or cached.size != len(sections):
        cached = doc.derived["section_index"] = SectionIndex(sections)
    return cached


def _enclosing(sections: list[Section]) -> list[int] | None:
    """For each section the index of the nearest earlier section holding it (-1 for none);
    None when the sections are not in text order or do not nest with rising levels."""
    up: list[int] = []
    open_: list[int] = []
    prev_start = -1
    for k, s in enumerate(sections):
        if s.start < prev_start:
            return None
        prev_start = s.start
        while open_ and sections[open_[-1]].end <= s.start:
            open_.pop()
        if open_ and (s.end > sections[open_[-1]].end or s.level <= sections[open_[-1]].level):
            return None
        up.append(open_[-1] if open_ else -1)
        open_.append(k)
    return up
