"""Throughput of the Word, HTML and legacy-encoding readers.

    python bench/formats_bench.py [--repeat N]

Prints MB/s (MB = 10^6 bytes of input file, and of UTF-8 text produced) for:
.docx reading (a long plan built with python-docx), HTML reading (the vbpl
sample pages when they sit beside the repository, else a generated page),
legacy detection on Unicode text (the fast path every paragraph takes), and
detection + conversion of the same text typed in TCVN3 and VNI.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from collections.abc import Callable
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.blocks import Block  # noqa: E402
from pipeline.ingest.html import read_html  # noqa: E402
from pipeline.ingest.legacy import TCVN3, VNI, convert_blocks, to_legacy  # noqa: E402

VBPL_HTML = ROOT.parent / "shared" / "corpus-vbpl" / "html"
VBPL_TXT = ROOT.parent / "shared" / "corpus-vbpl" / "txt"


def _paragraphs() -> list[str]:
    lines: list[str] = []
    for path in sorted((ROOT / "corpus").glob("*.txt")):
        lines += [line.strip() for line in path.read_text("utf-8").split("\n") if line.strip()]
    return lines


def _timed(fn: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _report(name: str, size_in: int, size_text: int, seconds: float) -> None:
    print(
        f"{name:<34} {size_in / 1e6:7.2f} MB in {seconds:6.3f} s  {size_in / 1e6 / seconds:7.2f} MB/s", end=""
    )
    print(f"   ({size_text / 1e6 / seconds:6.2f} MB/s of text)" if size_text != size_in else "")


def bench_docx(paragraphs: list[str], repeat: int) -> None:
    try:
        import docx
    except ImportError:
        print("docx: python-docx is not installed")
        return
    from pipeline.ingest.docx import read_docx

    document = docx.Document()
    for i, line in enumerate(paragraphs):
        document.add_paragraph(line)
        if i % 200 == 199:
            table = document.add_table(rows=5, cols=4)
            for r in range(5):
                for c in range(4):
                    table.cell(r, c).text = f"ô {r}.{c}"
    buffer = io.BytesIO()
    document.save(buffer)
    data = buffer.getvalue()
    blocks = read_docx(data, "bench.docx", "s").blocks
    text = sum(len(b.text.encode()) for b in blocks)
    _report("docx read", len(data), text, _timed(lambda: read_docx(data, "bench.docx", "s"), repeat))


def bench_html(paragraphs: list[str], repeat: int) -> None:
    if VBPL_HTML.is_dir():
        pages = [p.read_bytes() for p in sorted(VBPL_HTML.glob("*.html"))]
        name = f"html read ({len(pages)} vbpl pages)"
    else:
        body = "".join(f"<p>{escape(line)}</p>" for line in paragraphs)
        pages = [f"<html><body>{body}</body></html>".encode()]
        name = "html read (generated page)"
    size = sum(map(len, pages))
    text = sum(len(b.text.encode()) for page in pages for b in read_html(page, "x.html", "s").blocks)
    _report(name, size, text, _timed(lambda: [read_html(page, "x.html", "s") for page in pages], repeat))


def _unicode_lines(paragraphs: list[str], limit: int = 5_000_000) -> list[str]:
    """Real Unicode text to run detection on: the vbpl texts when present (up to `limit` bytes)."""
    if not VBPL_TXT.is_dir():
        return paragraphs
    lines: list[str] = []
    size = 0
    for path in sorted(VBPL_TXT.glob("*.txt")):
        for line in path.read_text("utf-8").split("\n"):
            lines.append(line)
            size += len(line.encode())
        if size > limit:
            break
    return lines


def bench_legacy(paragraphs: list[str], repeat: int) -> None:
    lines = _unicode_lines(paragraphs)
    size = sum(len(p.encode()) for p in lines)

    def detect_all() -> None:
        convert_blocks([Block(kind="paragraph", text=p) for p in lines])

    _report("legacy detection, Unicode text", size, size, _timed(detect_all, repeat))
    for encoding in (TCVN3, VNI):
        typed = [to_legacy(p, encoding, as_typed=True) for p in paragraphs]
        typed_size = sum(len(p.encode("utf-8")) for p in typed)

        def run(typed: list[str] = typed) -> None:
            convert_blocks([Block(kind="paragraph", text=p) for p in typed])

        _report(f"legacy detect+convert, {encoding}", typed_size, typed_size, _timed(run, repeat))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per measure (the best is kept)")
    args = parser.parse_args()
    paragraphs = _paragraphs()
    bench_docx(paragraphs, args.repeat)
    bench_html(paragraphs, args.repeat)
    bench_legacy(paragraphs, args.repeat)


if __name__ == "__main__":
    main()
