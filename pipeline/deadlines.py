"""Deadlines: dates, periods, recurrences and dated events that schedule an action."""

from __future__ import annotations

from models.record import Citation, Deadline, Metadata, Section
from pipeline.blocks import Doc


def find_deadlines(doc: Doc, metadata: Metadata, sections: list[Section], citations: list[Citation]) -> list[Deadline]:
    return []
