"""Header metadata: type, number, symbol, issuer, place, date, title, signer, recipients."""

from __future__ import annotations

from models.record import Metadata
from pipeline.blocks import Doc


def extract_metadata(doc: Doc) -> tuple[Metadata, list[str]]:
    """The document's metadata and warnings about what could not be read."""
    return Metadata(), []
