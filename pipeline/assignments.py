"""Responsible bodies and their roles (lead, support, requested)."""

from __future__ import annotations

from models.record import Assignment, Metadata, Section
from pipeline.blocks import Doc


def find_assignments(doc: Doc, metadata: Metadata, sections: list[Section]) -> list[Assignment]:
    return []
