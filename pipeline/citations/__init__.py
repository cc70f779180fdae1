"""Citations: every mention of another document, typed, dated, related and resolved."""

from __future__ import annotations

from models.record import Citation, Metadata, Section
from pipeline.blocks import Doc


def find_citations(doc: Doc, metadata: Metadata, sections: list[Section]) -> list[Citation]:
    """Every mention of another document in `doc`, in text order."""
    return []
