"""OCR benchmark: seconds per scanned page, OCR's share of a scanned file's time, and accuracy.

    python bench/ocr_bench.py [--pdf corpus/real/scanned-ct-07-ubnd-quang-ngai-2018.pdf] [--ocrmypdf]

Reports, for the scanned file:
- pytesseract (the pipeline's OCR, `pipeline.ingest.ocr`): seconds per page
  (render + Tesseract), the whole file with pages one after the other and in
  parallel, and OCR's share of the file's total time (OCR + reading the
  signatures and header + every extraction stage on the OCR'd text);
- accuracy: character error rate (CER) and word error rate (WER) of page one's
  body against a hand-checked transcription (below), with Tesseract's mean
  confidence;
- with `--ocrmypdf`: the same file through the `ocrmypdf` command (its
  sidecar text), timed and scored the same way;
- stamped values: OCR of the digits e-signature widgets draw (number, day,
  month, year) on the e-signed PDFs, checked against the widgets' own text:
  read right, left blank, read wrong.
Timings depend on the machine and its load; run it on an idle machine.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.blocks import Ingested  # noqa: E402
from pipeline.extract import extract_doc  # noqa: E402
from pipeline.ingest.esign import read_signatures, stamped_header_values  # noqa: E402
from pipeline.ingest.ocr import ocr_pdf_pages, ocr_stamped_digits, ocr_unavailable_reason, pages_needing_ocr  # noqa: E402
from pipeline.ingest.text import read_text  # noqa: E402
from pipeline.normalize import assemble  # noqa: E402

SCAN = ROOT / "corpus" / "real" / "scanned-ct-07-ubnd-quang-ngai-2018.pdf"

# Page one of the scan, from the first body line to the end of the page, checked word by word against the
# page image. The registry stamp covers the first word of the body ("Trong"); the reference starts after it.
REFERENCE_PAGE_ONE = """\
thời gian qua, công tác triển khai thi hành Luật tố tụng hành chính; việc tổ chức thi hành những bản án,
quyết định của Tòa án về vụ án hành chính; việc theo dõi thi hành án hành chính của các cơ quan THADS đã
đạt những kết quả tích cực. Tuy nhiên, vẫn còn một số trường hợp bản án, quyết định của Tòa án về vụ án
hành chính đã có hiệu lực pháp luật nhưng chưa được các cơ quan, tổ chức, cá nhân thi hành đầy đủ, kịp
thời, nghiêm túc, dẫn đến vụ việc kéo dài; một số trường hợp người phải thi hành án hành chính chưa tự
nguyện thi hành nên người được thi hành án hành chính đã yêu cầu và Tòa án đã ra quyết định buộc thi hành
án hành chính; nhận thức về công tác thi hành án hành chính ở một số cơ quan, đơn vị còn hạn chế, nên kết
quả chưa cao. Do đó, để tăng cường công tác thi hành án hành chính trên địa bàn tỉnh, đảm bảo việc thi
hành những bản án, quyết định của Tòa án về vụ án hành chính phải được thi hành nghiêm túc, đầy đủ đúng
quy định, góp phần bảo vệ quyền và lợi ích hợp pháp của tổ chức, cá nhân và công dân, Chủ tịch Ủy ban
nhân dân tỉnh yêu cầu: 1. Thủ trưởng các Sở, ban, ngành của tỉnh; Chủ tịch Ủy ban nhân dân các huyện,
thành phố trong tỉnh có trách nhiệm: a) Thi hành nghiêm chỉnh, đúng, đầy đủ nghĩa vụ của người phải thi
hành án trong các bản án, quyết định của Tòa án về vụ án hành chính theo quy định của Luật Tố tụng hành
chính năm 2015 và Nghị định số 71/2016/NĐ-CP ngày 01/7/2016 của Chính phủ. b) Chỉ đạo, tham mưu chỉ
đạo tổ chức thi hành kịp thời, nghiêm túc, không để tồn đọng các bản án, quyết định của Tòa án về vụ án
hành chính đã có hiệu lực pháp luật theo đúng quy định của Luật Tố tụng hành chính và Nghị định số
71/2016/NĐ-CP ngày 01/7/2016 của Chính phủ. c) Chịu trách nhiệm theo quy định của pháp luật và trước
người đứng đầu cơ quan cấp trên trực tiếp về việc để xảy ra chậm thi hành án, không chấp hành, chấp hành
không đúng hoặc không đầy đủ nội dung bản án, quyết định của Tòa án tại cơ quan, tổ chức do mình là
người đứng đầu. d) Thực hiện việc kiểm tra, đôn đốc và xử lý trách nhiệm đối với cá nhân thuộc thẩm
quyền quản lý có hành vi chậm thi hành án, không chấp hành, chấp hành không đúng hoặc không đầy đủ nội
dung bản án, quyết định của Tòa án theo đúng quy định của pháp luật."""


# ---------------------------------------------------------------- scoring


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _distance(a: list[str] | str, b: list[str] | str) -> int:
    """Levenshtein distance (characters of strings, or items of lists)."""
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i]
        for j, y in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y)))
        prev = cur
    return prev[-1]


def _span(ocr_text: str, reference: str) -> str:
    """The stretch of the OCR text the reference covers: from its first words to its last."""
    flat = _flat(ocr_text)
    head, tail = reference[:25], reference[-25:]
    start = flat.find(head)
    end = flat.rfind(tail)
    if start < 0:
        start = 0
    end = end + len(tail) if end >= 0 else len(flat)
    return flat[start:end]


def score(ocr_text: str) -> dict[str, float]:
    ref = _flat(REFERENCE_PAGE_ONE)
    hyp = _span(ocr_text, ref)
    return {
        "cer": round(_distance(hyp, ref) / len(ref), 4),
        "wer": round(_distance(hyp.split(), ref.split()) / len(ref.split()), 4),
    }


# ---------------------------------------------------------------- runs


def bench_pytesseract(data: bytes, path: str) -> dict:
    import pdfplumber

    t0 = time.perf_counter()
    with pdfplumber.open(path) as pdf:
        pages = pages_needing_ocr(pdf)
        t_find = time.perf_counter() - t0
        t1 = time.perf_counter()
        serial = ocr_pdf_pages(data, pages, jobs=1)
        t_serial = time.perf_counter() - t1
        t2 = time.perf_counter()
        parallel = ocr_pdf_pages(data, pages)
        t_parallel = time.perf_counter() - t2
        t3 = time.perf_counter()
        sigs = read_signatures(data)
        header = stamped_header_values(data, pdf, sigs, parallel)
        t_header = time.perf_counter() - t3
    text = "\n\n".join(p.text for p in parallel)
    t4 = time.perf_counter()
    ingested = read_text(text.encode("utf-8"), path, "0" * 64)
    record = extract_doc(assemble(Ingested(path, "pdf", "0" * 64, ingested.blocks, len(pages))))
    t_extract = time.perf_counter() - t4
    total = t_find + t_parallel + t_header + t_extract
    return {
        "pages": pages,
        "seconds_per_page": [p.seconds for p in serial],
        "mean_seconds_per_page_serial": round(t_serial / max(1, len(pages)), 2),
        "file_seconds_serial": round(t_serial, 2),
        "file_seconds_parallel": round(t_parallel, 2),
        "other_seconds": {
            "find_scanned_pages": round(t_find, 2),
            "signatures_and_header": round(t_header, 2),
            "extraction_stages": round(t_extract, 2),
        },
        "ocr_share_of_file_time": round(t_parallel / total, 3),
        "confidence_per_page": [p.confidence for p in parallel],
        "page_one": score(parallel[0].text) if parallel and parallel[0].page == 1 else None,
        "header": {
            "number": header.number.value if header.number else None,
            "issued_date": header.issued_date,
            "signed_at": header.signed_at,
            "warnings": header.warnings,
            "registry_stamp_in_margin": bool(parallel and parallel[0].registry_stamp),
        },
        "record_doc_type": record.metadata.doc_type,
    }


def bench_ocrmypdf(path: str) -> dict:
    exe = shutil.which("ocrmypdf") or str(Path(sys.executable).with_name("ocrmypdf"))
    if not Path(exe).exists():
        return {"error": "ocrmypdf is not installed (pip install ocrmypdf)"}
    with tempfile.TemporaryDirectory() as tmp:
        sidecar, out = Path(tmp) / "text.txt", Path(tmp) / "out.pdf"
        cmd = [exe, "-l", "vie", "--force-ocr", "--invalidate-digital-signatures", "--rasterizer", "pypdfium"]
        cmd += ["--output-type", "pdf", "--sidecar", str(sidecar), "-q", path, str(out)]
        t0 = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - t0
        if done.returncode != 0:
            return {"error": done.stderr.strip()[-400:]}
        pages = sidecar.read_text(encoding="utf-8").split("\f")
    return {
        "file_seconds": round(seconds, 2),
        "pages": len([p for p in pages if p.strip()]),
        "page_one": score(pages[0]),
    }


def bench_stamped_digits() -> dict[str, int]:
    """OCR of the widgets' drawings on the e-signed PDFs, against the widgets' own text."""
    right = blank = wrong = 0
    for pdf in sorted((ROOT / "corpus" / "real").glob("*.pdf")):
        data = pdf.read_bytes()
        for sig in read_signatures(data):
            if sig.is_stamp_block or not sig.runs or sig.bbox is None or sig.page is None:
                continue
            words = [w for ln in ocr_stamped_digits(data, sig.page, sig.bbox).lines for w in ln.words]
            sure = "".join(w.text for w in words if w.confidence >= 80)
            if not sure:
                blank += 1
            elif sure == sig.text.strip():
                right += 1
            else:
                wrong += 1
    return {"right": right, "blank": blank, "wrong": wrong}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdf", default=str(SCAN))
    parser.add_argument("--ocrmypdf", action="store_true", help="also time and score the ocrmypdf command")
    args = parser.parse_args()
    reason = ocr_unavailable_reason()
    if reason:
        sys.exit(reason)
    data = Path(args.pdf).read_bytes()
    report: dict = {"file": Path(args.pdf).name, "pytesseract": bench_pytesseract(data, args.pdf)}
    if args.ocrmypdf:
        report["ocrmypdf"] = bench_ocrmypdf(args.pdf)
    report["stamped_digits"] = bench_stamped_digits()
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
