"""The intermediate form between ingest and the extractors.

Ingest turns any input (text, Markdown-ish text, PDF) into a list of `Block`s
in reading order; `normalize` joins them into the record's text. Keeping this
form small and explicit lets every reader share one downstream pipeline.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from models.record import BlockKind


@dataclass
class Block:
    """One paragraph-like unit of a document, as read from the source.

    `origin[i]` is the offset in the decoded source text of `text[i]`, or -1
    for characters ingest made up (joins of wrapped lines, table separators).
    It is empty when the source has no character text (PDF).
    """

    kind: BlockKind
    text: str
    page: int | None = None
    origin: list[int] = field(default_factory=list)
    label: str | None = None
    rows: list[list[str]] | None = None


@dataclass
class Ingested:
    """What an ingest reader returns for one file."""

    path: str
    format: str
    sha256: str
    blocks: list[Block]
    pages: int | None = None
    warnings: list[str] = field(default_factory=list)
    stamped: Any = None  # `pipeline.ingest.esign.StampedHeader` of an e-signed PDF
    ocr_pages: list[int] = field(default_factory=list)
    ocr_confidence: float | None = None


@dataclass
class PlacedBlock:
    """A block placed in the normalized text: `text[start:end]` is its text."""

    kind: BlockKind
    start: int
    end: int
    page: int | None = None
    label: str | None = None
    rows: list[list[str]] | None = None


@dataclass
class Doc:
    """A normalized document: the input every extractor stage reads.

    `source_map[i]` is the source offset of `text[i]` (-1 where made up);
    empty for sources without character text.
    """

    path: str
    format: str
    sha256: str
    text: str
    blocks: list[PlacedBlock]
    pages: int | None = None
    source_map: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    stamped: Any = None  # number and day stamped by an e-signing system, when read
    ocr_pages: list[int] = field(default_factory=list)
    ocr_confidence: float | None = None
    # Views several stages read (printed lines, body bounds), computed once by their
    # module: a Doc is not changed after normalize.
    derived: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def blocks_of(self, *kinds: str) -> list[PlacedBlock]:
        return [b for b in self.blocks if b.kind in kinds]

    def block_text(self, block: PlacedBlock) -> str:
        return self.text[block.start : block.end]

    @cached_property
    def _starts(self) -> list[int]:
        return [b.start for b in self.blocks]

    def block_at(self, offset: int) -> PlacedBlock | None:
        """The block whose text holds `offset` (blocks are in text order)."""
        i = bisect_right(self._starts, offset) - 1
        if i >= 0 and offset <= self.blocks[i].end:
            return self.blocks[i]
        return None

    def page_at(self, offset: int) -> int | None:
        """The page `offset` is on (None for non-paged sources)."""
        block = self.block_at(offset)
        return block.page if block else None
