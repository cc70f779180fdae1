"""The section tree: Roman parts, numbered and lettered items, Phần/Chương/Mục/Điều/Khoản/Điểm."""

from __future__ import annotations

from models.record import Metadata, Section
from pipeline.blocks import Doc


def find_sections(doc: Doc, metadata: Metadata) -> list[Section]:
    """Sections as a flat list with parent links, in text order."""
    return []


def section_at(sections: list[Section], offset: int) -> Section | None:
    """The innermost section holding `offset`."""
    best = None
    for s in sections:
        if s.start <= offset < s.end and (best is None or s.level > best.level):
            best = s
    return best
