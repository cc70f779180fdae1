"""Throughput of each pipeline stage on the bundled corpus (`make bench`; not part of the test suite).

The texts (`corpus/*.txt`, plus the `.txt` files of `--text-dir` when given) are
run again and again until at least `--text-mb` MB of text went through, and the
corpus PDFs (`corpus/pdf/*.pdf`) until at least `--pdf-pages` pages did. Every
file goes through `pipeline.extract.extract_file(path, timings=...)`, which adds
each stage's CPU seconds (ingest, normalize, header, sections, citations,
deadlines, targets, assignments, link) to the dict.

Printed:
- per stage: CPU seconds and MB/s of input text, CPU seconds and pages/s of PDF;
- end to end: MB/s of text per core (input bytes over the CPU time of all stages);
- PDF: our whole extraction (all stages) against bare pdfplumber
  `page.extract_text()` on the same PDFs, run file by file in turn with ours so a
  busy machine slows both alike; the target is our time <= 0.8 x extract_text's;
- the one-time cost of loading the word segmenter (underthesea), kept out of the
  rates above (the warm-up run pays it) and reported on its own.

    python bench/run.py [--text-mb 5] [--pdf-pages 200] [--budget 170] [--text-dir DIR]

`--budget` (seconds) stops a part early on a slow machine; the header lines then
say how much was actually measured.
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


def run_texts(paths: list[Path], target_bytes: int, deadline: float) -> dict:
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
            if done >= target_bytes or time.perf_counter() >= deadline:
                break
    return {"timings": timings, "bytes": done, "files": files, "errors": errors, "wall": time.perf_counter() - t0}


def bare_extract_text(path: Path) -> None:
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()


def run_pdfs(paths: list[Path], target_pages: int, deadline: float) -> dict:
    timings: dict[str, float] = {}
    pages_of = {}
    for p in paths:
        with pdfplumber.open(p) as pdf:
            pages_of[p] = len(pdf.pages)
    bare_cpu = bare_wall = ours_wall = 0.0
    pages = files = errors = 0
    while pages < target_pages and time.perf_counter() < deadline:
        for p in paths:
            c, w = time.process_time(), time.perf_counter()
            bare_extract_text(p)
            bare_cpu += time.process_time() - c
            bare_wall += time.perf_counter() - w
            w = time.perf_counter()
            try:
                extract_file(p, timings=timings)
            except Exception:
                errors += 1
            ours_wall += time.perf_counter() - w
            pages += pages_of[p]
            files += 1
    return {
        "timings": timings,
        "pages": pages,
        "files": files,
        "errors": errors,
        "bare_cpu": bare_cpu,
        "bare_wall": bare_wall,
        "ours_wall": ours_wall,
    }


def segmenter_load_seconds() -> float:
    """CPU seconds of underthesea's first word segmentation (its model load), or 0 when already loaded."""
    from pipeline import segmenter

    t = time.process_time()
    segmenter.word_tokenize("Tổ chức 5 hội nghị")
    return time.process_time() - t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--text-mb", type=float, default=5.0)
    ap.add_argument("--pdf-pages", type=int, default=200)
    ap.add_argument("--budget", type=float, default=170.0, help="seconds for the whole run, at most")
    ap.add_argument("--text-dir", type=Path, help="more .txt files to run with the corpus texts")
    args = ap.parse_args(argv)

    texts = sorted((ROOT / "corpus").glob("*.txt"))
    if args.text_dir:
        texts += sorted(args.text_dir.glob("*.txt"))
    pdfs = sorted((ROOT / "corpus" / "pdf").glob("*.pdf"))
    start = time.perf_counter()
    load = segmenter_load_seconds()
    # warm up: imports, caches, lazy models
    for p in texts[:1] + pdfs[:1]:
        with contextlib.suppress(Exception):
            extract_file(p)
    text = run_texts(texts, int(args.text_mb * 1_000_000), start + args.budget * 0.35)
    pdf = run_pdfs(pdfs, args.pdf_pages, start + args.budget)

    mb = text["bytes"] / 1_000_000
    print(f"vbgraph bench  {time.strftime('%Y-%m-%d %H:%M')}  python {platform.python_version()}  {os.cpu_count()} cpu(s)  load {_load()}")
    print(f"text: {mb:.2f} MB in {text['files']} files ({len(texts)} texts repeated), {text['errors']} stage errors, {text['wall']:.1f} s wall")
    print(f"pdf:  {pdf['pages']} pages in {pdf['files']} files ({len(pdfs)} corpus PDFs repeated), {pdf['errors']} stage errors")
    print("times are CPU seconds of the thread running each stage")
    print()
    print(f"{'stage':12} {'text s':>8} {'text MB/s':>10} {'pdf s':>8} {'pdf pages/s':>12}")
    t_total = p_total = 0.0
    for stage in STAGES:
        ts = text["timings"].get(stage, 0.0)
        ps = pdf["timings"].get(stage, 0.0)
        t_total += ts
        p_total += ps
        print(f"{stage:12} {ts:8.2f} {_rate(mb, ts):>10} {ps:8.2f} {_rate(pdf['pages'], ps):>12}")
    print(f"{'all stages':12} {t_total:8.2f} {_rate(mb, t_total):>10} {p_total:8.2f} {_rate(pdf['pages'], p_total):>12}")
    print()
    print(f"text -> record, end to end: {_rate(mb, t_total)} MB/s per core (target >= 2)")
    print(f"word segmenter (underthesea) model load, once per process: {load:.2f} s CPU"
          f" ({_share(load, t_total + load)} of this text run had it been counted)")
    print()
    ingest = pdf["timings"].get("ingest", 0.0)
    print(f"bare pdfplumber extract_text, same PDFs: {pdf['bare_cpu']:.2f} s CPU ({pdf['bare_wall']:.2f} s wall),"
          f" {_rate(pdf['pages'], pdf['bare_cpu'])} pages/s")
    print(f"PDF ingest (layout reader):              {ingest:.2f} s CPU, {_rate(pdf['pages'], ingest)} pages/s")
    print(f"PDF -> record, all stages:               {p_total:.2f} s CPU ({pdf['ours_wall']:.2f} s wall),"
          f" {_rate(pdf['pages'], p_total)} pages/s")
    if pdf["bare_cpu"]:
        print(f"PDF -> record time / bare extract_text time: {p_total / pdf['bare_cpu']:.2f} CPU,"
              f" {pdf['ours_wall'] / max(pdf['bare_wall'], 1e-9):.2f} wall (target <= 0.8; < 1 is faster)")
    print(f"total run {time.perf_counter() - start:.1f} s")
    return 0


def _rate(amount: float, seconds: float) -> str:
    return f"{amount / seconds:.2f}" if seconds > 0 else "-"


def _share(part: float, whole: float) -> str:
    return f"{100 * part / whole:.0f}%" if whole > 0 else "-"


def _load() -> str:
    try:
        return "/".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "?"


if __name__ == "__main__":
    sys.exit(main())
