"""Link deadlines and targets to the assignments of the task they belong to."""

from __future__ import annotations

from models.record import Record
from pipeline.blocks import Doc


def link_tasks(record: Record, doc: Doc) -> Record:
    """Fill `assignments` on each deadline and target, and footnotes from the doc's blocks."""
    from models.record import Footnote

    record.footnotes = [
        Footnote(label=b.label or "", start=b.start, end=b.end, page=b.page, anchor=_anchor(doc, b.label, b.start))
        for b in doc.blocks
        if b.kind == "footnote"
    ]
    return record


def _anchor(doc: Doc, label: str | None, before: int) -> int | None:
    """Offset of the `[n]` anchor of footnote `label`: the last one before the footnote, else the first."""
    if not label:
        return None
    mark = f"[{label}]"
    i = doc.text.rfind(mark, 0, before)
    if i < 0:
        i = doc.text.find(mark)
    return i if i >= 0 else None
