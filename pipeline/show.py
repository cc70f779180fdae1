"""One standalone HTML page per record, for checking extraction results by eye.

The page shows the record's text with every extracted item highlighted by
kind, side lists linking to each item's place, the section outline, the
metadata and the warnings. It is a single file that works offline: CSS and the
small optional script are inline, and a Content-Security-Policy forbids any
network request. The text is untrusted, so everything is escaped.

Items may overlap (a deadline inside an assignment's span, two citations in
one phrase); `mark_text` splits marks where spans cross so the HTML stays
properly nested, and every fragment of an item carries the item's id.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from models.record import Assignment, Citation, Deadline, Record, Section, Target

KINDS = ("citation", "deadline", "target", "assignment")
KIND_TITLES = {"citation": "Citations", "deadline": "Deadlines", "target": "Targets", "assignment": "Assignments"}


@dataclass(frozen=True)
class Highlight:
    """One item to mark in the text: `anchor` is the HTML id of its first fragment."""

    kind: str
    index: int
    start: int
    end: int
    summary: str

    @property
    def anchor(self) -> str:
        return f"{self.kind}-{self.index}"


@dataclass(frozen=True)
class Insert:
    """Zero-width HTML placed at an offset: a section anchor or a page marker (already escaped)."""

    offset: int
    html: str


# ------------------------------------------------------------------ summaries


def _join(*parts: Any) -> str:
    return " · ".join(str(p) for p in parts if p not in (None, "", []))


def _num(x: float | None) -> str:
    """A target value as printed in a report: `5`, `0.3`, `1500000` (no exponent)."""
    if x is None:
        return ""
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def citation_summary(c: Citation) -> str:
    return _join(c.doc_type, c.symbol or c.name, c.date, c.relation)


def deadline_summary(d: Deadline) -> str:
    return _join(d.kind, d.value)


def target_summary(t: Target) -> str:
    value = _num(t.value) + (f"–{_num(t.value_max)}" if t.value_max is not None else "")
    return _join(f"{t.comparator} {value} {t.unit or ''}".strip(), t.direction)


def assignment_summary(a: Assignment) -> str:
    return a.role


# Fields shown under each side-list entry, beyond its text and summary.
DETAIL_FIELDS = {
    "citation": ("issuer", "name", "title", "term", "target_id", "section"),
    "deadline": ("task", "body", "section"),
    "target": ("metric", "baseline", "section"),
    "assignment": ("body_canonical", "task", "section"),
}

DETAIL_LABELS = {"body_canonical": "canonical", "target_id": "resolves to"}

SUMMARIES = {
    "citation": citation_summary,
    "deadline": deadline_summary,
    "target": target_summary,
    "assignment": assignment_summary,
}


def items_of(record: Record, kind: str) -> list[Any]:
    return {
        "citation": record.citations,
        "deadline": record.deadlines,
        "target": record.targets,
        "assignment": record.assignments,
    }[kind]


# ------------------------------------------------------------------ marking


def highlights(record: Record) -> tuple[list[Highlight], list[str]]:
    """Every item of every kind as a highlight, and a warning for each whose offsets do not fit the text."""
    n = len(record.text)
    found: list[Highlight] = []
    problems: list[str] = []
    for kind in KINDS:
        for i, item in enumerate(items_of(record, kind)):
            if not (0 <= item.start <= item.end <= n):
                problems.append(f"{kind} {i} has offsets {item.start}–{item.end} outside the text (length {n})")
                continue
            found.append(Highlight(kind, i, item.start, item.end, SUMMARIES[kind](item)))
    return found, problems


def _open_tag(h: Highlight, first: bool) -> str:
    ident = f' id="{h.anchor}"' if first else ""
    cls = f"hl hl-{h.kind}" + ("" if first else " cont")
    title = html.escape(f"{h.kind}: {h.summary}" if h.summary else h.kind)
    return f'<mark{ident} class="{cls}" data-kind="{h.kind}" data-item="{h.anchor}" title="{title}">'


def mark_text(text: str, marks: list[Highlight], inserts: list[Insert] = ()) -> str:
    """The text as escaped HTML with nested `<mark>`s; crossing spans are split into fragments.

    Marks open longest first at a shared start, so the usual case (an item
    inside another) nests without splitting. When a mark must close while a
    mark opened after it is still open, the later ones close and reopen as
    continuation fragments (class `cont`, no id). An empty span becomes an
    empty mark, so a link to it still lands.
    """
    opening: dict[int, list[Highlight]] = {}
    for h in sorted(marks, key=lambda h: (h.start, -h.end, KINDS.index(h.kind), h.index)):
        opening.setdefault(h.start, []).append(h)
    at: dict[int, list[str]] = {}
    for ins in inserts:
        at.setdefault(min(max(ins.offset, 0), len(text)), []).append(ins.html)
    cuts = sorted({0, len(text), *opening, *(h.end for h in marks), *at})

    out: list[str] = []
    stack: list[Highlight] = []
    for k, pos in enumerate(cuts):
        ending = [j for j, h in enumerate(stack) if h.end == pos]
        if ending:
            reopen = [h for h in stack[ending[0]:] if h.end != pos]
            out.append("</mark>" * (len(stack) - ending[0]))
            del stack[ending[0]:]
            for h in reopen:
                out.append(_open_tag(h, first=False))
                stack.append(h)
        out.extend(at.get(pos, []))
        for h in opening.get(pos, []):
            if h.end == pos:
                out.append(_open_tag(h, first=True) + "</mark>")
                continue
            out.append(_open_tag(h, first=True))
            stack.append(h)
        if k + 1 < len(cuts):
            out.append(html.escape(text[pos : cuts[k + 1]], quote=False))
    out.append("</mark>" * len(stack))
    return "".join(out)


def section_anchor(index: int) -> str:
    return f"section-{index}"


def structure_inserts(record: Record) -> list[Insert]:
    """Section anchors (the outline links to them) and page markers (PDF inputs)."""
    inserts = [
        Insert(s.start, f'<a class="sec-anchor" id="{section_anchor(i)}" data-path="{html.escape(s.path)}"></a>')
        for i, s in enumerate(record.sections)
    ]
    if len(record.pages) > 1:
        inserts += [
            Insert(p.start, f'<span class="page-mark" data-page="{html.escape(str(p.page))}"></span>')
            for p in record.pages
            if p.page is not None
        ]
    return inserts


# ------------------------------------------------------------------ side panels


@dataclass
class OutlineNode:
    anchor: str
    section: Section
    children: list[OutlineNode]


def outline(sections: list[Section]) -> list[OutlineNode]:
    """The section tree from the flat list's parent links.

    A section whose parent is unknown, itself, or one of its own descendants
    (a malformed record) becomes a root, so every section stays reachable.
    """
    first: dict[str, int] = {}
    for i, s in enumerate(sections):
        first.setdefault(s.id, i)
    parent_of = [first.get(s.parent) if s.parent is not None else None for s in sections]

    def loops(i: int) -> bool:
        seen = {i}
        j = parent_of[i]
        while j is not None:
            if j in seen:
                return True
            seen.add(j)
            j = parent_of[j]
        return False

    for i in range(len(sections)):
        if loops(i):
            parent_of[i] = None
    nodes = [OutlineNode(section_anchor(i), s, []) for i, s in enumerate(sections)]
    roots: list[OutlineNode] = []
    for i, node in enumerate(nodes):
        j = parent_of[i]
        (roots if j is None else nodes[j].children).append(node)
    return roots


def metadata_rows(record: Record) -> list[tuple[str, str | list[str]]]:
    """The metadata as (field, value) rows; lists stay lists, absent fields are left out."""
    m = record.metadata
    rows: list[tuple[str, str | list[str]]] = []
    for name in ("doc_type", "number", "symbol", "issuer", "parent_issuer", "place", "issued_date",
                 "effective_date", "title", "canonical_id"):
        value = getattr(m, name)
        if value:
            rows.append((name, str(value)))
    if m.issuer_inferred:
        rows.append(("issuer_inferred", "yes: read from the body text"))
    if m.signer:
        for name in ("name", "position", "authority"):
            value = getattr(m.signer, name)
            if value:
                rows.append((f"signer.{name}", value))
    if m.recipients:
        rows.append(("recipients", list(m.recipients)))
    if m.registry_stamp:
        stamp = m.registry_stamp
        rows.append(("registry_stamp", _join(stamp.office, stamp.number, stamp.date)))
    pages = f"{record.source.pages} pages" if record.source.pages else None
    rows.append(("source", _join(record.source.path, record.source.format, pages)))
    return rows


@dataclass
class SideItem:
    """One entry of a side list: links to `anchor` in the text when the item could be placed."""

    anchor: str
    placed: bool
    text: str
    summary: str
    details: list[tuple[str, str]]


def side_items(record: Record, kind: str, placed: set[str]) -> list[SideItem]:
    out = []
    for i, item in enumerate(items_of(record, kind)):
        anchor = f"{kind}-{i}"
        text = item.body if kind == "assignment" else item.text
        summary = SUMMARIES[kind](item)
        shown = {text, *summary.split(" · ")}
        details = [
            (DETAIL_LABELS.get(k, k), str(v))
            for k in DETAIL_FIELDS[kind]
            if (v := getattr(item, k, None)) and str(v) not in shown
        ]
        out.append(SideItem(anchor, anchor in placed, text, summary, details))
    return out


# ------------------------------------------------------------------ page


@cache
def _template() -> Any:
    import jinja2

    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env.from_string(_resource("show.html.j2"))


def _resource(name: str) -> str:
    return resources.files("pipeline").joinpath("templates", name).read_text(encoding="utf-8")


def render_html(record: Record | Mapping[str, Any]) -> str:
    """A standalone HTML page for one record (a `Record` or its JSON object)."""
    from markupsafe import Markup

    if not isinstance(record, Record):
        record = Record.model_validate(record)
    marks, problems = highlights(record)
    body = mark_text(record.text, marks, structure_inserts(record))
    placed = {h.anchor for h in marks}
    m = record.metadata
    heading = _join(m.doc_type, m.symbol) or record.doc_id
    return _template().render(
        page_title=f"{heading} — {m.title}" if m.title else heading,
        heading=heading,
        subtitle=m.title or "",
        issuer=_join(m.issuer, m.place, m.issued_date),
        doc_id=record.doc_id,
        body=Markup(body),
        css=Markup(_resource("show.css")),
        kinds=[(k, KIND_TITLES[k], side_items(record, k, placed)) for k in KINDS],
        outline=outline(record.sections),
        n_sections=len(record.sections),
        metadata=metadata_rows(record),
        warnings=list(record.warnings),
        render_problems=problems,
    )


def load_record(path: Path) -> Record:
    """A record from a `.json` file written by `vbgraph extract`, or extracted now from an input document.

    Raises ValueError for an error record or a JSON file that is not a record;
    IngestError / StageError when extraction fails.
    """
    path = Path(path)
    if path.suffix.lower() == ".json":
        import json

        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and {"stage", "error", "reason"} <= data.keys() and "text" not in data:
            raise ValueError(f"{path} is an error record: {data['stage']}: {data['reason']}")
        try:
            return Record.model_validate(data)
        except Exception as exc:
            raise ValueError(f"{path} is not a vbgraph record: {exc}") from exc
    from pipeline.extract import extract_file

    return extract_file(path)
