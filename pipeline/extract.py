"""Chain the stages: a file (or a `Doc`) to a `models.Record`.

Each stage is a pure function of the normalized document and what earlier
stages found; `extract_doc` only calls them in order and times them (CPU
seconds per stage in `timings`), so a benchmark can report where the time goes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from models.record import Record, Source, Span
from pipeline.assignments import find_assignments
from pipeline.blocks import Doc, Ingested
from pipeline.citations import canonical_id_for, find_citations
from pipeline.deadlines import find_deadlines
from pipeline.header import extract_metadata
from pipeline.ingest import ingest, ingest_bytes
from pipeline.normalize import assemble
from pipeline.parts import footnotes_of, tables_of
from pipeline.sections import find_sections
from pipeline.targets import find_targets

T = TypeVar("T")

STAGES = ("ingest", "normalize", "header", "sections", "citations", "deadlines", "targets", "assignments", "link")


class StageError(Exception):
    """An unexpected failure inside a stage, named so the error record can say where."""

    def __init__(self, stage: str, exc: BaseException) -> None:
        super().__init__(f"{stage}: {type(exc).__name__}: {exc}")
        self.stage = stage
        self.exc = exc


def _timed(stage: str, timings: dict[str, float] | None, fn: Callable[[], T]) -> T:
    # CPU seconds of this thread: on a shared machine, or with other files read by other
    # threads, wall time would count their work too. (An OCR engine's subprocess is not in it.)
    t0 = time.thread_time()
    try:
        return fn()
    except StageError:
        raise
    except Exception as exc:
        if stage == "ingest" and type(exc).__name__ == "IngestError":
            raise
        raise StageError(stage, exc) from exc
    finally:
        if timings is not None:
            timings[stage] = timings.get(stage, 0.0) + time.thread_time() - t0


def doc_id_for(path: str) -> str:
    return Path(path).stem


def extract_doc(doc: Doc, timings: dict[str, float] | None = None) -> Record:
    """Run every extraction stage on a normalized document."""
    from pipeline.link import link_tasks

    metadata, header_warnings = _timed("header", timings, lambda: extract_metadata(doc))
    metadata.canonical_id = canonical_id_for(metadata)
    sections = _timed("sections", timings, lambda: find_sections(doc, metadata))
    citations = _timed("citations", timings, lambda: find_citations(doc, metadata, sections))
    deadlines = _timed("deadlines", timings, lambda: find_deadlines(doc, metadata, sections, citations))
    targets = _timed("targets", timings, lambda: find_targets(doc, sections, metadata.doc_type))
    assignments = _timed("assignments", timings, lambda: find_assignments(doc, metadata, sections))
    record = Record(
        doc_id=doc_id_for(doc.path),
        source=Source(
            path=doc.path,
            format=doc.format,
            sha256=doc.sha256,
            pages=doc.pages,
            ocr_pages=doc.ocr_pages,
            ocr_confidence=doc.ocr_confidence,
        ),
        text=doc.text,
        metadata=metadata,
        sections=sections,
        citations=citations,
        deadlines=deadlines,
        targets=targets,
        assignments=assignments,
        footnotes=footnotes_of(doc),
        tables=tables_of(doc, sections),
        pages=page_spans(doc),
        warnings=[*doc.warnings, *header_warnings],
    )
    return _timed("link", timings, lambda: link_tasks(record, doc))


def page_spans(doc: Doc) -> list[Span]:
    """The text span of each page, from the blocks' page numbers."""
    spans: list[Span] = []
    for b in doc.blocks:
        if b.page is None:
            continue
        if spans and spans[-1].page == b.page:
            spans[-1].end = b.end
        else:
            spans.append(Span(start=b.start, end=b.end, page=b.page))
    return spans


def extract_file(path: str | Path, timings: dict[str, float] | None = None) -> Record:
    """Read, normalize and extract one file. Raises IngestError or StageError."""
    return extract_doc(_read(lambda: ingest(path), timings), timings)


def extract_bytes(data: bytes, path: str, timings: dict[str, float] | None = None) -> Record:
    """Like `extract_file`, for bytes already in memory (tests, workers)."""
    return extract_doc(_read(lambda: ingest_bytes(data, path), timings), timings)


def _read(reader: Callable[[], Ingested], timings: dict[str, float] | None) -> Doc:
    """Ingest and normalize. The reader's blocks go once the `Doc` is built: kept alive through
    the later stages, their many objects would only make every garbage collection longer."""
    ingested = _timed("ingest", timings, reader)
    return _timed("normalize", timings, lambda: assemble(ingested))
