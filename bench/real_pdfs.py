"""Compare what vbgraph reads from published portal PDFs with what their sources state.

`sources.json` (beside the PDFs) gives each file's true number, date and issuer;
this prints, per file, the record's doc_type, symbol, issued date, issuer and
signer next to them, how the number and day were found (printed, stamped by the
e-signing system, OCR), and the pages read by OCR.

    python bench/real_pdfs.py corpus/real
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pipeline.batch import process
from pipeline.evaluate import fold, ratio, symbol_key

SOURCE_FIELD = {"symbol": "number", "issued_date": "date"}  # record field -> sources.json field


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", type=Path)
    args = ap.parse_args(argv)
    sources = json.loads((args.folder / "sources.json").read_text(encoding="utf-8"))["files"]
    agree = {"doc_type": 0, "symbol": 0, "issued_date": 0, "issuer": 0}
    print("| file | doc_type | symbol | issued_date | issuer | signer | stamped | OCR pages (conf.) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for src in sources:
        outcome = process(str(args.folder / src["file"]))
        if outcome.record is None:
            err = outcome.error
            print(f"| {src['file']} | error: {err.error if err else '?'} | | | | | | |")
            continue
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
        print(f"| {src['file']} | {' | '.join(cells)} | {signer} | {stamped} | {ocr} |")
    n = len(sources)
    print("\n" + ", ".join(f"{k} {v}/{n}" for k, v in agree.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
