"""Link deadlines and targets to the assignments of the task they belong to.

A deadline or target belongs to the bodies named in its own sentence, else to the
bodies responsible for the item it sits in (or an enclosing item): the body heading
a PHÂN CÔNG NHIỆM VỤ item owns every date and number inside it. With the links,
"tasks of Công an tỉnh due in the first half of 2024, with their targets" is one query.
"""

from __future__ import annotations

import re

from models.record import Record
from pipeline.assignments import Mention, find_mentions
from pipeline.blocks import Doc
from pipeline.bodies import body_key


def link_tasks(record: Record, doc: Doc) -> Record:
    """Fill `assignments` on each deadline and target (and a deadline's body when the text names none)."""
    if not record.assignments or not (record.deadlines or record.targets):
        return record
    index = {(body_key(a.body), a.role): i for i, a in enumerate(record.assignments)}
    mentions = [m for m in find_mentions(doc, record.metadata, record.sections) if (m.key, m.role) in index]
    for item in (*record.deadlines, *record.targets):
        owners = _owners(doc.text, item.start, item.section, mentions)
        item.assignments = sorted({index[(m.key, m.role)] for m in owners})
        if hasattr(item, "body") and getattr(item, "body", None) is None:
            responsible = [m for m in owners if m.role != "support"]
            if responsible:
                item.body = responsible[0].body  # type: ignore[union-attr]
    return record


def _sentence(text: str, pos: int) -> tuple[int, int]:
    a = max(text.rfind(". ", 0, pos), text.rfind("\n", 0, pos))
    m = re.compile(r"\.(?=\s)|\n").search(text, pos)
    return (a + 1 if a >= 0 else 0), (m.start() if m else len(text))


def _owners(text: str, pos: int, section: str | None, mentions: list[Mention]) -> list[Mention]:
    a, b = _sentence(text, pos)
    same_sentence = [m for m in mentions if a <= m.start < b and m.role != "support"]
    if same_sentence:
        return same_sentence
    if not section:
        return []
    best: list[Mention] = []
    best_depth = -1
    for m in mentions:
        if m.role == "support" or not m.section:
            continue
        if section == m.section or section.startswith(m.section + "/"):
            depth = m.section.count("/")
            if depth > best_depth:
                best, best_depth = [m], depth
            elif depth == best_depth:
                best.append(m)
    return best
