"""Footnotes and tables: parts of the record read straight from the document's blocks.

Footnotes keep the offset of their `[n]` anchor; tables keep their rows of cells
and the section they sit in, so an appendix's table stays tied to its document.
"""

from __future__ import annotations

from models.record import Footnote, Section, Table
from pipeline.blocks import Doc
from pipeline.sections import SectionIndex


def footnotes_of(doc: Doc) -> list[Footnote]:
    return [
        Footnote(label=b.label or "", start=b.start, end=b.end, page=b.page, anchor=anchor_of(doc, b.label, b.start))
        for b in doc.blocks
        if b.kind == "footnote"
    ]


def anchor_of(doc: Doc, label: str | None, before: int) -> int | None:
    """Offset of the `[n]` anchor of footnote `label`: the last one before the footnote, else the first."""
    if not label:
        return None
    mark = f"[{label}]"
    i = doc.text.rfind(mark, 0, before)
    if i < 0:
        i = doc.text.find(mark)
    return i if i >= 0 else None


def tables_of(doc: Doc, sections: list[Section]) -> list[Table]:
    index = SectionIndex(sections)
    tables = []
    for b in doc.blocks:
        if b.kind != "table" or not b.rows:
            continue
        section = index.at(b.start)
        tables.append(Table(rows=b.rows, start=b.start, end=b.end, page=b.page, section=section.path if section else None))
    return tables
