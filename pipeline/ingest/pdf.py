"""PDF inputs, read with pdfplumber (first version: page text re-flowed like raw text)."""

from __future__ import annotations

import io

import pdfplumber
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError

from pipeline.blocks import Ingested
from pipeline.ingest.errors import IngestError
from pipeline.ingest.text import split_lines, to_blocks


def read_pdf(data: bytes, path: str, sha256: str) -> Ingested:
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except PDFPasswordIncorrect as exc:
        raise IngestError(path, "encrypted_pdf", "the PDF is encrypted; remove its password and run again") from exc
    except (PDFSyntaxError, Exception) as exc:
        raise IngestError(path, "corrupt_pdf", f"the PDF cannot be parsed ({type(exc).__name__}: {exc})") from exc
    blocks = []
    with pdf:
        n = len(pdf.pages)
        for number, page in enumerate(pdf.pages, start=1):
            text = page.extract_text() or ""
            for block in to_blocks(split_lines(text, markdown=False), markdown=False):
                block.origin = []
                block.page = number
                blocks.append(block)
    if not blocks:
        raise IngestError(path, "image_only_pdf", "the PDF has no text layer (scanned pages?): OCR is needed")
    return Ingested(path=path, format="pdf", sha256=sha256, blocks=blocks, pages=n)
