"""Page geometry for the PDF reader: characters to runs to lines, and the zones of a page.

One pass over `page.chars` (plus the page's rules) gives everything the reader
needs: runs of characters of one size and style, grouped into lines with their
bounding boxes, fonts and superscripts. The zones of the official layout
(Decree 30/2020) are then found from the geometry:

- page furniture: page numbers and running heads at the top or foot;
- the footnote zone: smaller type at the page foot, usually under a short rule;
- the two-column header on page one (issuer and number left, motto and
  place/date right) and the two-column closing block (`Nơi nhận:` left,
  signature right), split at a vertical gutter no word crosses;
- tables: ruled ones through `page.find_tables`, unruled ones from columns
  whose left edges line up over several lines.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from pipeline.ingest.text import DOC_TYPE_TITLE

# ---------------------------------------------------------------- runs and lines


class Run:
    """Characters of one size and style set without a gap; `glued` when no space precedes."""

    __slots__ = ("text", "x0", "x1", "top", "bottom", "size", "bold", "glued", "sup")

    def __init__(
        self, text: str, x0: float, x1: float, top: float, bottom: float, size: float, bold: bool, glued: bool
    ):
        self.text = text
        self.x0 = x0
        self.x1 = x1
        self.top = top
        self.bottom = bottom
        self.size = size
        self.bold = bold
        self.glued = glued
        self.sup = False

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Run({self.text!r}, x={self.x0:.1f}-{self.x1:.1f}, y={self.top:.1f}-{self.bottom:.1f}, {self.size:.1f})"


@lru_cache(maxsize=512)
def _is_bold(fontname: str) -> bool:
    """Whether a font name says bold (asked once per character: cached, a page has few fonts)."""
    f = fontname.lower()
    return "bold" in f or "black" in f or "heavy" in f or f.endswith(("-bd", ",bd", "-b"))


def chars_to_runs(chars: list[dict]) -> list[Run]:
    """Group characters (in content-stream order) into runs.

    A run ends at a space character, a horizontal gap, a jump to another line,
    or a change of size or weight; a run that follows the previous one without
    a space or gap is `glued` to it (a superscript anchor, a comma after it).
    """
    runs: list[Run] = []
    cur: Run | None = None
    space = True
    for c in chars:
        t = c["text"]
        if not t or t.isspace():
            space = True
            continue
        if not c.get("upright", True):
            continue
        x0, x1, top, bottom, size = c["x0"], c["x1"], c["top"], c["bottom"], c["size"]
        bold = _is_bold(c["fontname"])
        glued = False
        if cur is not None:
            small = min(size, cur.size)
            overlap = min(bottom, cur.bottom) - max(top, cur.top)
            gap = x0 - cur.x1
            adjacent = overlap > 0.3 * small and -0.35 * small <= gap <= 0.12 * small
            if adjacent and not space:
                if abs(size - cur.size) < 0.6 and bold == cur.bold:
                    cur.text += t
                    if x1 > cur.x1:
                        cur.x1 = x1
                    if top < cur.top:
                        cur.top = top
                    if bottom > cur.bottom:
                        cur.bottom = bottom
                    continue
                glued = True
        cur = Run(t, x0, x1, top, bottom, size, bold, glued)
        runs.append(cur)
        space = False
    return runs


@dataclass
class Line:
    """A printed line: runs left to right, with the box and type of its main text."""

    runs: list[Run]
    page: int
    top: float = 0.0
    bottom: float = 0.0
    size: float = 0.0
    x0: float = 0.0
    x1: float = 0.0
    text: str = ""
    bold: bool = False

    def finish(self) -> Line:
        self.runs.sort(key=lambda r: r.x0)
        main = Counter()
        for r in self.runs:
            main[round(r.size, 1)] += len(r.text)
        self.size = main.most_common(1)[0][0]
        body = [r for r in self.runs if r.size >= self.size - 0.6] or self.runs
        self.top = min(r.top for r in body)
        self.bottom = max(r.bottom for r in body)
        for r in self.runs:
            # a superscript: smaller type, raised above the line's baseline
            r.sup = (
                r.size < 0.85 * self.size
                and r.bottom < self.bottom - 0.12 * self.size
                and len(r.text) <= 3
                and bool(_SUP_TEXT.fullmatch(r.text))
            )
        self.x0 = self.runs[0].x0
        self.x1 = max(r.x1 for r in self.runs)
        self.text = runs_text(self.runs)
        letters = [r for r in self.runs if any(ch.isalpha() for ch in r.text)]
        self.bold = bool(letters) and all(r.bold for r in letters)
        return self


_SUP_TEXT = re.compile(r"[0-9*]+|[a-z]")


def runs_text(runs: list[Run], anchors: bool = True) -> str:
    """The text of runs in order: glued runs join without a space; superscripts become `[n]`."""
    out: list[str] = []
    for i, r in enumerate(runs):
        anchor = anchors and r.sup and (r.text.isdigit() or r.text == "*")
        t = f"[{r.text}]" if anchor else r.text
        if i and not r.glued and not (anchor and _touching(runs[i - 1], r)):
            out.append(" ")
        out.append(t)
    return "".join(out)


def _touching(a: Run, b: Run) -> bool:
    return b.x0 - a.x1 < 0.15 * a.size


def runs_to_lines(runs: list[Run], page: int) -> list[Line]:
    """Group runs into lines by vertical overlap with a line's main band."""
    if not runs:
        return []
    order = sorted(runs, key=lambda r: ((r.top + r.bottom) / 2, r.x0))
    lines: list[list[Run]] = []
    bands: list[list[float]] = []  # top, bottom, size of each line's largest run
    for r in order:
        placed = False
        h = r.bottom - r.top
        for k in range(len(lines) - 1, max(-1, len(lines) - 4), -1):
            top, bottom, size = bands[k]
            overlap = min(bottom, r.bottom) - max(top, r.top)
            if overlap >= 0.5 * min(h, bottom - top):
                lines[k].append(r)
                if r.size > size + 0.6:
                    bands[k] = [r.top, r.bottom, r.size]
                placed = True
                break
        if not placed:
            lines.append([r])
            bands.append([r.top, r.bottom, r.size])
    out = [Line(rs, page).finish() for rs in lines]
    out.sort(key=lambda ln: (ln.top, ln.x0))
    return out


# ---------------------------------------------------------------- page facts


@dataclass
class Rule:
    x0: float
    x1: float
    top: float


@dataclass
class PageData:
    number: int
    width: float
    height: float
    lines: list[Line]
    rules: list[Rule] = field(default_factory=list)
    grid: bool = False  # enough ruling lines for a ruled table
    images: int = 0
    tables: list[tuple[float, list[list[str]]]] = field(default_factory=list)  # ruled tables: (top, rows)


def page_rules(page) -> tuple[list[Rule], bool]:
    """Short horizontal rules of the page, and whether its ruling lines could form a table grid."""
    rules: list[Rule] = []
    horizontal = vertical = 0
    for obj in list(page.rects) + list(page.lines):
        w = obj["x1"] - obj["x0"]
        h = obj["bottom"] - obj["top"]
        if h <= 2.0 and w >= 15:
            rules.append(Rule(obj["x0"], obj["x1"], obj["top"]))
            horizontal += 1
        elif w <= 2.0 and h >= 8:
            vertical += 1
        elif w > 2 and h > 2 and obj.get("object_type") == "rect":
            # a cell drawn as a box: four edges
            horizontal += 2
            vertical += 2
    return rules, horizontal >= 3 and vertical >= 2


# ---------------------------------------------------------------- document statistics


@dataclass
class Metrics:
    """Body type size, text margins and line spacing, measured on the whole document."""

    size: float
    left: float
    right: float
    gap: float
    indent: float = 0.0

    @property
    def width(self) -> float:
        return self.right - self.left


def measure(pages: list[PageData]) -> Metrics:
    sizes: Counter = Counter()
    x0s: Counter = Counter()
    x1s: Counter = Counter()
    gaps: list[float] = []
    for p in pages:
        prev = None
        for ln in p.lines:
            n = len(ln.text)
            sizes[ln.size] += n
            prev_ok = prev is not None and abs(prev.size - ln.size) < 0.6
            if prev_ok and 0 < ln.top - prev.bottom < 3 * ln.size:
                gaps.append(ln.top - prev.bottom)
            prev = ln
    size = sizes.most_common(1)[0][0] if sizes else 12.0
    for p in pages:
        for ln in p.lines:
            if abs(ln.size - size) < 0.6 and len(ln.text) > 30:
                x0s[round(ln.x0)] += 1
                x1s[round(ln.x1)] += 1
    left = float(min(x0s.most_common(3))[0]) if x0s else 72.0
    # the right margin: where most full lines end (justified text)
    right = float(max(x1s.most_common(3))[0]) if x1s else 520.0
    if x1s:
        top_x1 = [x for x, _ in x1s.most_common(6)]
        right = float(max(top_x1))
    gaps.sort()
    gap = gaps[len(gaps) // 2] if gaps else 0.3 * size
    indents = Counter(x for x, n in x0s.items() for _ in range(n) if left + 0.5 * size < x < left + 4 * size)
    indent = float(indents.most_common(1)[0][0]) if indents else left + 2 * size
    return Metrics(size=size, left=left, right=right, gap=gap, indent=indent)


# ---------------------------------------------------------------- page furniture

_PAGE_NUMBER = re.compile(
    r"^[-–—\s]*(?:(?:Trang|trang|Page)\s*)?\d{1,4}(?:\s*(?:/|trên)\s*\d{1,4})?[-–—\s]*$"
)


def drop_furniture(pages: list[PageData]) -> None:
    """Remove page numbers and running heads (lines repeated at the top or foot of pages)."""
    repeated: Counter = Counter()
    edge = {}
    for p in pages:
        for ln in p.lines:
            if ln.top < 0.1 * p.height or ln.bottom > 0.92 * p.height:
                key = re.sub(r"\d+", "#", ln.text.strip())
                edge[id(ln)] = key
                repeated[key] += 1
    many = max(3, (len(pages) + 1) // 2)
    for p in pages:
        keep = []
        for i, ln in enumerate(p.lines):
            near_edge = ln.top < 0.12 * p.height or ln.bottom > 0.9 * p.height
            first_or_last = i < 2 or i >= len(p.lines) - 2
            if near_edge and first_or_last and _PAGE_NUMBER.match(ln.text):
                continue
            if len(pages) >= 3 and id(ln) in edge and repeated[edge[id(ln)]] >= many and len(ln.text) > 3:
                continue
            keep.append(ln)
        p.lines = keep


# ---------------------------------------------------------------- footnotes


def footnote_split(p: PageData, m: Metrics, expected: int) -> tuple[list[Line], list[Line]]:
    """Split a page's lines into body and footnote lines (smaller type at the page foot)."""
    if not p.lines:
        return [], []
    small = m.size - 0.6
    rule = None
    for r in p.rules:
        if r.top > 0.45 * p.height and (r.x1 - r.x0) < 0.6 * m.width and r.x0 < m.left + 0.2 * m.width:
            below = [ln for ln in p.lines if ln.top > r.top - 1]
            if below and all(ln.size < small for ln in below) and (rule is None or r.top > rule.top):
                rule = r
    if rule is not None:
        body = [ln for ln in p.lines if ln.top <= rule.top - 1]
        foot = [ln for ln in p.lines if ln.top > rule.top - 1]
        return body, foot
    # no rule: trailing lines in smaller type whose first line starts with a footnote label
    k = len(p.lines)
    while k > 0 and p.lines[k - 1].size < small:
        k -= 1
    if k == len(p.lines) or k == 0:
        return p.lines, []
    tail = p.lines[k:]
    for j, ln in enumerate(tail):
        if footnote_label(ln, expected) is not None:
            notes = tail[j:]
            if (
                any(_CLOSING.match(t.text) for t in tail[: j + 1])
                or ln.top < 0.5 * p.height
                # footnote lines start at the margin (or the indent) and have no table-like gaps
                or any(t.x0 > max(m.indent, m.left) + 1.5 * t.size for t in notes)
                or any(len(segments(t, 0.8 * t.size)) >= 3 for t in notes)
            ):
                break
            return p.lines[: k + j], notes
    return p.lines, []


_CLOSING = re.compile(r"^\s*(?:Nơi\s+nhận|NƠI\s+NHẬN|[-+•–]\s)")


def footnote_label(ln: Line, expected: int) -> tuple[str, list[Run]] | None:
    """The label a footnote line starts with, and the runs after it; None for a continuation line."""
    first = ln.runs[0]
    if first.sup or (first.size < ln.size - 0.6 and first.text.isdigit()):
        return first.text, ln.runs[1:]
    m = re.match(r"^(\d{1,3})(?=\D)", first.text)
    lone = first.text.isdigit() and len(ln.runs) > 1
    if m and int(m.group(1)) in (expected, expected + 1):
        rest = first.text[m.end() :]
        head = Run(rest, first.x0, first.x1, first.top, first.bottom, first.size, first.bold, False)
        return m.group(1), [head, *ln.runs[1:]]
    if lone and int(first.text) in (expected, expected + 1):
        runs = list(ln.runs[1:])
        runs[0] = _unglued(runs[0])
        return first.text, runs
    return None


def _unglued(r: Run) -> Run:
    out = Run(r.text, r.x0, r.x1, r.top, r.bottom, r.size, r.bold, False)
    out.sup = r.sup
    return out


# ---------------------------------------------------------------- two-column zones


def segments(line: Line, gap: float) -> list[tuple[float, float]]:
    """Horizontal extents of the line's word groups: runs closer than `gap` merge."""
    segs: list[list[float]] = []
    for r in line.runs:
        if segs and r.x0 - segs[-1][1] < gap:
            segs[-1][1] = max(segs[-1][1], r.x1)
        else:
            segs.append([r.x0, r.x1])
    return [(a, b) for a, b in segs]


def _free(lines: list[Line], lo: float, hi: float, gap: float) -> list[tuple[float, float]]:
    """Intervals of [lo, hi] that no word group of `lines` covers."""
    free = [(lo, hi)]
    for ln in lines:
        for a, b in segments(ln, gap):
            nxt = []
            for f0, f1 in free:
                if b <= f0 or a >= f1:
                    nxt.append((f0, f1))
                    continue
                if a > f0:
                    nxt.append((f0, a))
                if b < f1:
                    nxt.append((b, f1))
            free = [(f0, f1) for f0, f1 in nxt if f1 - f0 >= 2.0]
            if not free:
                return []
    return free


def gutter_zone(lines: list[Line], m: Metrics, start: int) -> tuple[int, float] | None:
    """The longest run of lines from `start` that a vertical gutter splits in two columns.

    Returns (end index, gutter x) when both sides hold text, else None. A line
    that leaves no gutter free ends the zone (a body line), and so does a line
    centred on the page that reaches into the gutter (the title under the header).
    """
    lo = m.left + 0.25 * m.width
    hi = m.left + 0.75 * m.width
    gap = 0.9 * m.size
    end = start
    best: tuple[int, float] | None = None
    best_free = (lo, hi)
    while end < len(lines):
        if best is not None:
            f0, f1 = best_free
            segs = segments(lines[end], gap)
            if DOC_TYPE_TITLE.match(lines[end].text):  # KẾ HOẠCH, THÔNG BÁO ... under the header
                break
            # a line centred on the page that reaches into the gutter: the title under the header
            centre = (lines[end].x0 + lines[end].x1) / 2
            if (
                len(segs) == 1
                and abs(centre - (m.left + m.right) / 2) < 0.03 * m.width
                and segs[0][0] < f1
                and segs[0][1] > f0
            ):
                break
        free = _free(lines[start : end + 1], lo, hi, gap)
        if not free:
            break
        end += 1
        f0, f1 = max(free, key=lambda f: f[1] - f[0])
        g = (f0 + f1) / 2
        zone = lines[start:end]
        left = any(a < g for ln in zone for a, _ in segments(ln, gap))
        right = any(b > g for ln in zone for _, b in segments(ln, gap))
        if left and right:
            best = (end, g)
            best_free = (f0, f1)
    return best


def split_columns(lines: list[Line], g: float) -> tuple[list[Line], list[Line]]:
    """The lines of a two-column zone, re-grouped per column."""
    left = [r for ln in lines for r in ln.runs if (r.x0 + r.x1) / 2 < g]
    right = [r for ln in lines for r in ln.runs if (r.x0 + r.x1) / 2 >= g]
    page = lines[0].page
    return runs_to_lines(left, page), runs_to_lines(right, page)


def column_lines(lines: list[Line], col0: float, col1: float) -> list[str]:
    """Printed lines of one column, re-joining lines the column's width wrapped."""
    out: list[str] = []
    prev: Line | None = None
    width = col1 - col0
    for ln in lines:
        text = ln.text.strip()
        if not text:
            continue
        if prev is not None and out:
            first = ln.runs[0]
            wrapped = (prev.x1 - prev.x0) + 0.3 * ln.size + (first.x1 - first.x0) > 0.95 * width
            same_type = abs(prev.size - ln.size) < 0.6 and prev.bold == ln.bold
            close = ln.top - prev.bottom < 0.6 * ln.size
            one_word = len(text.split()) == 1 or text[:1].islower()
            if wrapped and one_word and same_type and close and _same_case(prev.text, text):
                out[-1] = join_wrapped(out[-1], text)
                prev = ln
                continue
        out.append(text)
        prev = ln
    return out


def _same_case(a: str, b: str) -> bool:
    def caps(s: str) -> bool:
        letters = [c for c in s if c.isalpha()]
        return bool(letters) and all(c.isupper() for c in letters)

    return caps(a) == caps(b) or b[:1].islower()


def join_wrapped(a: str, b: str) -> str:
    """Join two wrapped lines: a word broken after its hyphen (`48/CT-` + `TW`) joins without a space."""
    if re.search(r"[\w/]-$", a) and b[:1].isalnum():
        return a + b
    return a + " " + b


# ---------------------------------------------------------------- unruled tables


def find_columns(line: Line) -> list[float] | None:
    """Column starts of a line that looks like a table header or row: three or more word groups
    set apart by gaps wider than a justified line has."""
    segs = segments(line, 0.8 * line.size)
    if len(segs) < 3:
        return None
    return [a for a, _ in segs]


def fits(line: Line, cols: list[float]) -> bool:
    """Whether every word of `line` lies inside one column (none straddles a column start)."""
    tol = 0.25 * line.size
    for r in line.runs:
        for c in cols[1:]:
            if r.x0 < c - tol and r.x1 > c + tol:
                return False
    # the line starts at a column start (or inside a column, for a wrapped cell)
    return line.x0 >= cols[0] - tol


def assign_cells(line: Line, cols: list[float]) -> list[list[Run]]:
    cells: list[list[Run]] = [[] for _ in cols]
    tol = 0.25 * line.size
    for r in line.runs:
        k = 0
        for i, c in enumerate(cols):
            if r.x0 >= c - tol:
                k = i
        cells[k].append(r)
    return cells
