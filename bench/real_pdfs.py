"""Compare what vbgraph reads from published portal PDFs with what their sources state.

`sources.json` (beside the PDFs) gives each file's true number, date and issuer;
this prints, per file, the record's doc_type, symbol, issued date, issuer and
signer next to them, how the number and day were found (printed, stamped by the
e-signing system, OCR), the pages read by OCR, and the seconds the file took
(PDF -> record, wall) next to bare pdfplumber `page.extract_text()` on it. The
last line sums the time of the files read without OCR: our time over
extract_text's (target <= 0.8).

    python bench/real_pdfs.py corpus/real
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import pdfplumber

from pipeline.batch import process
from pipeline.evaluate import fold, ratio, symbol_key

SOURCE_FIELD = {"symbol": "number", "issued_date": "date"}  # record field -> sources.json field


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", type=Path)
    args = ap.parse_args(argv)
    sources = json.loads((args.folder / "sources.json").read_text(encoding="utf-8"))["files"]
    agree = {"doc_type": 0, "symbol": 0, "issued_date": 0, "issuer": 0}
    ours_total = bare_total = 0.0
    pages_total = 0
    if sources:  # warm up (imports, lazy models) outside the times
        process(str(args.folder / sources[0]["file"]))
        _bare_extract_text(args.folder / sources[0]["file"])
    print("| file | doc_type | symbol | issued_date | issuer | signer | stamped | OCR pages (conf.) | s (extract_text s) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for src in sources:
        path = args.folder / src["file"]
        bare, pages = _bare_extract_text(path)
        t0 = time.perf_counter()
        outcome = process(str(path))
        ours = time.perf_counter() - t0
        timing = f"{ours:.2f} ({bare:.2f})"
        if outcome.record is None:
            err = outcome.error
            print(f"| {src['file']} | error: {err.error if err else '?'} | | | | | | | {timing} |")
            continue
        if not outcome.record.source.ocr_pages:
            ours_total, bare_total, pages_total = ours_total + ours, bare_total + bare, pages_total + pages
        m, s = outcome.record.metadata, outcome.record.source
        checks = {
            # 'Quyết định (phụ lục)': an appendix has the type of the text it belongs to
            "doc_type": fold(m.doc_type) == fold(src["doc_type"].split("(")[0]),
            "symbol": symbol_key(m.symbol) == symbol_key(src["number"]),
            "issued_date": m.issued_date == src["date"],
            "issuer": bool(m.issuer) and ratio(fold(m.issuer), fold(src["issuer"])) >= 0.85,
        }
        for k, ok in checks.items():
            agree[k] += ok

        cells = []
        for k, value in (("doc_type", m.doc_type), ("symbol", m.symbol), ("issued_date", m.issued_date), ("issuer", m.issuer)):
            true = src[SOURCE_FIELD.get(k, k)]
            cells.append(f"{value}" if checks[k] else f"**{value}** (true: {true})")
        stamped = ", ".join(x for x, on in (("number", m.number_stamped), ("day", m.date_stamped)) if on) or "-"
        ocr = f"{s.ocr_pages} ({s.ocr_confidence})" if s.ocr_pages else "-"
        signer = m.signer.name if m.signer else None
        print(f"| {src['file']} | {' | '.join(cells)} | {signer} | {stamped} | {ocr} | {timing} |")
    n = len(sources)
    print("\n" + ", ".join(f"{k} {v}/{n}" for k, v in agree.items()))
    if bare_total:
        print(
            f"files read without OCR: {pages_total} pages, PDF -> record {ours_total:.2f} s"
            f" ({pages_total / ours_total:.1f} pages/s), bare extract_text {bare_total:.2f} s:"
            f" {ours_total / bare_total:.2f} x (target <= 0.8)"
        )
    return 0


def _bare_extract_text(path: Path) -> tuple[float, int]:
    """Seconds (wall) of pdfplumber's `extract_text` on every page of `path`, and the page count."""
    t0 = time.perf_counter()
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
        pages = len(pdf.pages)
    return time.perf_counter() - t0, pages


if __name__ == "__main__":
    sys.exit(main())
