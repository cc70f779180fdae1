"""Quantitative targets (chỉ tiêu)."""

from __future__ import annotations

from models.record import Section, Target
from pipeline.blocks import Doc


def find_targets(doc: Doc, sections: list[Section]) -> list[Target]:
    return []
