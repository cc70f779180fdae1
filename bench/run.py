"""Throughput of each pipeline stage on the bundled corpus (`make bench`; not part of the test suite).

The corpus texts (`corpus/*.txt`) are run again and again until at least
`--text-mb` MB of text went through, and the corpus PDFs (`corpus/pdf/*.pdf`)
until at least `--pdf-pages` pages did. Every file goes through
`pipeline.extract.extract_file(path, timings=...)`, which adds each stage's
seconds (ingest, normalize, header, sections, citations, deadlines, targets,
assignments, link) to the dict; the table gives seconds and throughput per
stage: MB/s of input text, pages/s of PDF.

Next to the PDF path, bare pdfplumber `page.extract_text()` runs on the same
PDFs, file by file in turn with the pipeline's ingest (so a busy machine slows
both alike); the ratio is bare extract_text time over our PDF ingest time
(at least 0.8 is the target: the reader is no slower than 1/0.8 of it).

    python bench/run.py [--text-mb 5] [--pdf-pages 200] [--budget 170]

`--budget` (seconds) stops a part early on a slow machine; the table then says
how much was actually measured.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pdfplumber  # noqa: E402

from pipeline.extract import STAGES, extract_file  # noqa: E402


def run_texts(paths: list[Path], target_bytes: int, deadline: float) -> tuple[dict[str, float], int, int, int, float]:
    timings: dict[str, float] = {}
    done = files = errors = 0
    t0 = time.perf_counter()
    while done < target_bytes and time.perf_counter() < deadline:
        for p in paths:
            try:
                extract_file(p, timings=timings)
            except Exception:  # a stage that fails still counts its time; the bench goes on
                errors += 1
            done += p.stat().st_size
            files += 1
    return timings, done, files, errors, time.perf_counter() - t0


def run_pdfs(paths: list[Path], target_pages: int, deadline: float) -> dict:
    timings: dict[str, float] = {}
    pages_of = {}
    for p in paths:
        with pdfplumber.open(p) as pdf:
            pages_of[p] = len(pdf.pages)
    bare = 0.0
    pages = files = errors = 0
    t0 = time.perf_counter()
    while pages < target_pages and time.perf_counter() < deadline:
        for p in paths:
            t = time.perf_counter()
            with pdfplumber.open(p) as pdf:
                for page in pdf.pages:
                    page.extract_text()
            bare += time.perf_counter() - t
            try:
                extract_file(p, timings=timings)
            except Exception:
                errors += 1
            pages += pages_of[p]
            files += 1
    return {"timings": timings, "pages": pages, "files": files, "errors": errors, "bare": bare, "wall": time.perf_counter() - t0}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--text-mb", type=float, default=5.0)
    ap.add_argument("--pdf-pages", type=int, default=200)
    ap.add_argument("--budget", type=float, default=170.0, help="seconds for the whole run, at most")
    args = ap.parse_args(argv)

    texts = sorted((ROOT / "corpus").glob("*.txt"))
    pdfs = sorted((ROOT / "corpus" / "pdf").glob("*.pdf"))
    start = time.perf_counter()
    # warm up: imports, caches, lazy models
    for p in texts[:1] + pdfs[:1]:
        with contextlib.suppress(Exception):
            extract_file(p)
    text_deadline = start + args.budget * 0.35
    t_timings, t_bytes, t_files, t_errors, t_wall = run_texts(texts, int(args.text_mb * 1_000_000), text_deadline)
    pdf = run_pdfs(pdfs, args.pdf_pages, start + args.budget)

    mb = t_bytes / 1_000_000
    print(f"vbgraph bench  {time.strftime('%Y-%m-%d %H:%M')}  python {platform.python_version()}  {os.cpu_count()} cpu(s)  load {_load()}")
    print(f"text: {mb:.2f} MB in {t_files} files ({len(texts)} corpus texts repeated), {t_errors} stage errors, {t_wall:.1f} s wall")
    print(f"pdf:  {pdf['pages']} pages in {pdf['files']} files ({len(pdfs)} corpus PDFs repeated), {pdf['errors']} stage errors")
    print()
    print(f"{'stage':12} {'text s':>8} {'text MB/s':>10} {'pdf s':>8} {'pdf pages/s':>12}")
    t_total = p_total = 0.0
    for stage in STAGES:
        ts = t_timings.get(stage, 0.0)
        ps = pdf["timings"].get(stage, 0.0)
        t_total += ts
        p_total += ps
        print(f"{stage:12} {ts:8.2f} {_rate(mb, ts):>10} {ps:8.2f} {_rate(pdf['pages'], ps):>12}")
    print(f"{'all stages':12} {t_total:8.2f} {_rate(mb, t_total):>10} {p_total:8.2f} {_rate(pdf['pages'], p_total):>12}")
    print()
    ingest = pdf["timings"].get("ingest", 0.0)
    bare = pdf["bare"]
    print(f"bare pdfplumber extract_text, same PDFs: {bare:.2f} s, {_rate(pdf['pages'], bare)} pages/s")
    print(f"PDF ingest (layout reader):              {ingest:.2f} s, {_rate(pdf['pages'], ingest)} pages/s")
    if ingest:
        print(f"extract_text time / ingest time: {bare / ingest:.2f} (target >= 0.8)")
    print(f"total run {time.perf_counter() - start:.1f} s")
    return 0


def _rate(amount: float, seconds: float) -> str:
    return f"{amount / seconds:.2f}" if seconds > 0 else "-"


def _load() -> str:
    try:
        return "/".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "?"


if __name__ == "__main__":
    sys.exit(main())
