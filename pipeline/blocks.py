"""The intermediate form between ingest and the extractors.

Ingest turns any input (text, Markdown-ish text, PDF) into a list of `Block`s
in reading order; `normalize` joins them into the record's text. Keeping this
form small and explicit lets every reader share one downstream pipeline.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, overload

from models.record import BlockKind


class SourceMap(Sequence[int]):
    """The source offset of each character of a text, or -1 for characters a reader made up.

    Readers copy the source in long stretches (a line, a paragraph), so the map is
    kept as runs, a few per line, rather than one int per character: run k starts
    at text offset `starts[k]` and maps `text[i]` to `sources[k] + (i - starts[k])`,
    or to -1 when `sources[k]` is -1. Building, slicing and joining then cost per
    run, not per character. It reads like the `list[int]` it stands for (len,
    index, slice, iteration, `+`, `==` with a list) and grows in place with the
    `append_*`/`extend` methods, which merge a run that continues the last one.
    """

    __slots__ = ("starts", "sources", "length")

    def __init__(self, offsets: Iterable[int] = ()) -> None:
        self.starts: list[int] = []
        self.sources: list[int] = []
        self.length = 0
        if offsets:
            for src in offsets:
                self.append_span(src, 1)

    @classmethod
    def span(cls, source_start: int, length: int) -> SourceMap:
        """`length` characters copied from the source at `source_start` on."""
        out = cls()
        if length > 0:
            out.starts.append(0)
            out.sources.append(max(source_start, -1))
            out.length = length
        return out

    @classmethod
    def made_up(cls, length: int) -> SourceMap:
        out = cls()
        out.append_span(-1, length)
        return out

    @classmethod
    def joined(cls, maps: Sequence[SourceMap], lengths: Sequence[int]) -> SourceMap:
        """The maps of texts joined with one made-up character between each two; a text without a
        map (empty) is made up. One loop for a whole document's blocks, without a call per block."""
        out = cls()
        starts, sources = out.starts, out.sources
        pos = 0
        for k, (part, length) in enumerate(zip(maps, lengths, strict=True)):
            if k:  # the separator
                if not sources or sources[-1] >= 0:
                    starts.append(pos)
                    sources.append(-1)
                pos += 1
            if not part:
                part = cls.made_up(length)
            for i, (start, src) in enumerate(zip(part.starts, part.sources, strict=True)):
                if i == 0 and sources and _continues(starts[-1], sources[-1], pos, src):
                    continue  # the first run goes on from the last one
                starts.append(pos + start)
                sources.append(src)
            pos += part.length
        out.length = pos
        return out

    def append_span(self, source_start: int, length: int) -> None:
        """Add `length` characters from `source_start` on (-1: made up)."""
        if length <= 0:
            return
        if source_start < 0:
            source_start = -1
        if self.starts and _continues(self.starts[-1], self.sources[-1], self.length, source_start):
            self.length += length
            return
        self.starts.append(self.length)
        self.sources.append(source_start)
        self.length += length

    def append_made_up(self, length: int) -> None:
        self.append_span(-1, length)

    def extend(self, other: Sequence[int], start: int = 0, end: int | None = None) -> None:
        """Add `other[start:end]`, run by run when `other` is a map."""
        if not isinstance(other, SourceMap):
            for src in list(other)[start:end]:
                self.append_span(src, 1)
            return
        end = other.length if end is None else min(end, other.length)
        if start >= end:
            return
        if len(other.starts) == 1:  # one run: a line as read
            src = other.sources[0]
            self.append_span(src + start if src >= 0 else -1, end - start)
            return
        if start == 0 and end == other.length:
            self._extend_whole(other)
            return
        k = bisect_right(other.starts, start) - 1
        starts, sources = other.starts, other.sources
        while start < end:
            run_end = starts[k + 1] if k + 1 < len(starts) else other.length
            stop = min(run_end, end)
            src = sources[k]
            self.append_span(src + (start - starts[k]) if src >= 0 else -1, stop - start)
            start = stop
            k += 1

    def _extend_whole(self, other: SourceMap) -> None:
        """Add all of `other`: its first run may continue our last one, the others are copied as they are."""
        base = self.length
        first_end = other.starts[1] if len(other.starts) > 1 else other.length
        self.append_span(other.sources[0], first_end)
        if len(other.starts) > 1:
            self.starts.extend([start + base for start in other.starts[1:]])
            self.sources.extend(other.sources[1:])
        self.length = base + other.length

    def __len__(self) -> int:
        return self.length

    @overload
    def __getitem__(self, index: int) -> int: ...

    @overload
    def __getitem__(self, index: slice) -> SourceMap: ...

    def __getitem__(self, index: int | slice) -> int | SourceMap:
        if isinstance(index, slice):
            start, stop, step = index.indices(self.length)
            if step != 1:
                return SourceMap(self.to_list()[index])
            out = SourceMap()
            out.extend(self, start, stop)
            return out
        if index < 0:
            index += self.length
        if not 0 <= index < self.length:
            raise IndexError("source map index out of range")
        k = bisect_right(self.starts, index) - 1
        src = self.sources[k]
        return src + (index - self.starts[k]) if src >= 0 else -1

    def to_list(self) -> list[int]:
        out: list[int] = []
        if not self.starts:
            return out
        ends = [*self.starts[1:], self.length]
        for start, end, src in zip(self.starts, ends, self.sources, strict=True):
            out.extend(range(src, src + end - start) if src >= 0 else [-1] * (end - start))
        return out

    def __iter__(self) -> Iterator[int]:
        return iter(self.to_list())

    def __add__(self, other: Sequence[int]) -> SourceMap:
        out = SourceMap()
        out.extend(self)
        out.extend(other)
        return out

    def __radd__(self, other: Sequence[int]) -> SourceMap:
        out = SourceMap()
        out.extend(other)
        out.extend(self)
        return out

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SourceMap):
            return (self.length, self.starts, self.sources) == (other.length, other.starts, other.sources)
        if isinstance(other, Sequence) and not isinstance(other, str):
            return len(other) == self.length and list(other) == self.to_list()
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, like a list

    def __repr__(self) -> str:
        runs = ", ".join(f"{s}:{src}" for s, src in zip(self.starts, self.sources, strict=True))
        return f"SourceMap(len={self.length}, runs=[{runs}])"


def _continues(last_start: int, last_source: int, at: int, source: int) -> bool:
    """Whether a run at text offset `at` from source offset `source` goes on from the run at
    `last_start` from `last_source`: both made up, or the source read on without a gap."""
    if source < 0:
        return last_source < 0
    return last_source >= 0 and last_source + (at - last_start) == source


def as_source_map(origin: Sequence[int] | None) -> SourceMap:
    """A map from a reader's offsets, given as a `SourceMap` or a plain list."""
    if isinstance(origin, SourceMap):
        return origin
    return SourceMap(origin or ())


@dataclass(slots=True)  # thousands per document
class Block:
    """One paragraph-like unit of a document, as read from the source.

    `origin[i]` is the offset in the decoded source text of `text[i]`, or -1
    for characters ingest made up (joins of wrapped lines, table separators).
    It is empty when the source has no character text (PDF).
    """

    kind: BlockKind
    text: str
    page: int | None = None
    origin: SourceMap = field(default_factory=SourceMap)
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


@dataclass(slots=True)  # thousands per document
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
    source_map: SourceMap = field(default_factory=SourceMap)
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
