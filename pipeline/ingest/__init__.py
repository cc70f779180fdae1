"""Read a file into blocks, choosing the reader from the content, not only the suffix."""

from __future__ import annotations

import hashlib
from pathlib import Path

from pipeline.blocks import Ingested
from pipeline.ingest.errors import IngestError

SUPPORTED_SUFFIXES = {".txt", ".md", ".text", ".pdf", ".docx", ".doc", ".html", ".htm"}


def sniff(data: bytes) -> str:
    """The reader a file's bytes call for: 'pdf', 'docx', 'doc', 'html' or 'text'."""
    from pipeline.ingest.doc import is_doc
    from pipeline.ingest.docx import is_docx
    from pipeline.ingest.html import is_html

    head = data[:1024].lstrip(b"\x00\t\r\n ")
    if head.startswith(b"%PDF-"):
        return "pdf"
    if is_docx(data):
        return "docx"
    if is_doc(data):
        return "doc"
    if is_html(data):
        return "html"
    return "text"


def ingest_bytes(data: bytes, path: str) -> Ingested:
    """Read `data` (the bytes of the file at `path`) into blocks."""
    sha = hashlib.sha256(data).hexdigest()
    if not data.strip():
        raise IngestError(path, "empty_file", "the file is empty")
    kind = sniff(data)
    if kind == "pdf":
        from pipeline.ingest.pdf import read_pdf

        return read_pdf(data, path, sha)
    if data[:5] == b"%PDF-" or path.lower().endswith(".pdf"):
        raise IngestError(path, "not_a_pdf", "the file is named .pdf but is not a PDF (no %PDF- header)")
    if kind == "docx":
        from pipeline.ingest.docx import read_docx

        return read_docx(data, path, sha)
    if kind == "doc":
        from pipeline.ingest.doc import read_doc

        return read_doc(data, path, sha)
    if kind == "html":
        from pipeline.ingest.html import read_html

        return read_html(data, path, sha)
    from pipeline.ingest.text import read_text

    return read_text(data, path, sha)


def ingest(path: str | Path) -> Ingested:
    """Read the file at `path` into blocks; raises `IngestError` with a clear reason."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise IngestError(
            str(path), "unreadable_file", f"cannot read the file: {exc.strerror or exc}"
        ) from exc
    return ingest_bytes(data, str(path))


__all__ = ["SUPPORTED_SUFFIXES", "IngestError", "ingest", "ingest_bytes", "sniff"]
