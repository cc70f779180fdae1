"""A synthetic corpus of N directives built from the bundled texts, for store and graph benchmarks.

Two forms: texts (`generate`, for the full pipeline) and records (`records`,
for the store, graph and queries at sizes whose extraction would take hours:
the bundled texts are extracted once and their records varied).

Each synthetic document is one of the `corpus/*.txt` texts with its numbers,
dates, places and cited documents varied: cited numbers are drawn from a
heavy-tailed distribution, so a few documents are cited by many (as real
Party directives are) and most by few. The text stays realistic Vietnamese
directive prose, so extraction does its usual work on it.

    python bench/synthetic.py 1000 OUT_DIR [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PROVINCES = (
    "Đắk Nông", "Bắc Giang", "Đắk Lắk", "Thanh Hóa", "Nghệ An", "Quảng Ngãi", "Lâm Đồng", "Gia Lai", "Kon Tum",
    "Bình Định", "Phú Yên", "Khánh Hòa", "Quảng Nam", "Hà Tĩnh", "Quảng Bình", "Lào Cai", "Yên Bái", "Sơn La",
    "Điện Biên", "Lai Châu", "Cao Bằng", "Lạng Sơn", "Tuyên Quang", "Hà Giang", "Bắc Kạn", "Thái Nguyên",
)
_PLACES = re.compile("|".join(re.escape(p) for p in PROVINCES[:6]) + "|Buôn Ma Thuột")
# A document number before a symbol: `162/KH-BCĐ`, `48-CT/TW`, `49/2020/NĐ-CP`.
_NUMBER = re.compile(r"(?<![\d/.-])(\d{1,4})(?=\s?[-/]\s?(?:\d{4}/)?[A-ZĐ][A-Za-zĐđ]{0,7}\b)")
# A date not introduced by `ngày` (schedules: `trước 30/6/2024`); dates of cited documents stay, so
# every mention of a cited number-and-year is one document.
_DMY = re.compile(r"(?<!ngày )(?<!ngày  )\b(\d{1,2})/(\d{1,2})/((?:19|20)\d\d)\b")
_LONG_DATE = re.compile(r"ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+((?:19|20)\d\d)")
_OWN_NUMBER = re.compile(r"^(\s*Số\s*:?\s*)(\d*)(\s*/)", re.MULTILINE)
_OWN_SYMBOL = re.compile(r"^\s*Số\s*:?\s*(\d*)\s*/\s*(\S+)", re.MULTILINE)
_TITLE = re.compile(r"^## KẾ HOẠCH\n+###[^\n]*$", re.MULTILINE)


def templates() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").glob("*.txt"))]


def vary(text: str, i: int, rng: random.Random, basis: str | None = None) -> tuple[str, tuple[int, int, int] | None]:
    """Document `i`: the template with its own number, new dates, another place and other citations;
    `basis` is a sentence to put after the title. Returns the text and the date in its header."""
    province = rng.choice(PROVINCES)
    text = _PLACES.sub(province, text)
    text = _NUMBER.sub(lambda m: str(min(int(rng.paretovariate(1.1)), 400)), text)
    year = rng.randint(2018, 2025)
    text = _DMY.sub(lambda m: f"{rng.randint(1, 28)}/{rng.randint(1, 12)}/{year}", text)
    own = (rng.randint(1, 28), rng.randint(1, 12), year)
    text, dated = _LONG_DATE.subn(lambda m: f"ngày {own[0]} tháng {own[1]} năm {year}", text, count=1)
    if basis and (m := _TITLE.search(text)):
        text = f"{text[: m.end()]}\n\n{basis}\n{text[m.end():]}"
    return _OWN_NUMBER.sub(lambda m: f"{m[1]}{i + 1}{m[3]}", text, count=1), own if dated else None


def generate(n: int, out: str | Path, seed: int = 1) -> list[Path]:
    """Write `n` documents under `out` (1,000 per sub-folder); returns their paths.

    Plans made from a template with a numbered symbol are cited as the basis of
    later plans (a random recursive tree, so basis chains are a few levels deep,
    as in real directive hierarchies).
    """
    out = Path(out)
    bases = templates()
    rng = random.Random(seed)
    citable: list[str] = []
    paths = []
    for i in range(n):
        template = bases[i % len(bases)]
        basis = None
        if citable and _TITLE.search(template):
            basis = f"Căn cứ {rng.choice(citable)} của Ban Chỉ đạo tỉnh;"
        text, own = vary(template, i, rng, basis)
        if own and (m := _OWN_SYMBOL.search(template)) and m[1] and "KẾ HOẠCH" in template:
            citable.append(f"Kế hoạch số {i + 1}/{m[2]} ngày {own[0]:02d}/{own[1]:02d}/{own[2]}")
        path = out / f"part-{i // 1000:03d}" / f"syn-{i:06d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def template_records() -> list[Any]:
    """The bundled texts, extracted once."""
    from pipeline.extract import extract_file

    return [extract_file(str(p)) for p in sorted((ROOT / "corpus").glob("*.txt"))]


def records(n: int, seed: int = 1) -> Iterator[tuple[str, Any, str]]:
    """`n` (stored path, record, canonical id) triples varied from the extracted bundled texts.

    Each record gets its own number, date and canonical id; every resolved
    citation points to one of a heavy-tailed population of cited documents
    (its number drawn like `vary` draws numbers), and most records state an
    earlier record as their basis (a random recursive tree), so degrees and basis
    chains look like a real directive corpus. Texts are kept: the store holds
    them as it would.
    """
    from models.record import Citation

    rng = random.Random(seed)
    bases = template_records()
    for i in range(n):
        t = bases[i % len(bases)]
        year = rng.randint(2018, 2025)
        date = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        symbol = f"{i + 1}/KH-SYN"
        cites = []
        for c in t.citations:
            if c.target_id is None:
                cites.append(c)
                continue
            k = min(int(rng.paretovariate(1.1)), 400)
            cites.append(c.model_copy(update={
                "target_id": f"{c.target_id}#{k}", "number": str(k),
                "symbol": re.sub(r"^\d+", str(k), c.symbol) if c.symbol else None,
            }))
        if i and cites and rng.random() < 0.8:
            j = rng.randrange(i)
            first = t.citations[0]
            cites.append(Citation.model_validate(first.model_dump() | {
                "text": f"Kế hoạch số {j + 1}/KH-SYN", "doc_type": "Kế hoạch", "number": str(j + 1),
                "symbol": f"{j + 1}/KH-SYN", "date": None, "relation": "basis", "target_id": f"syn:{j}",
                "resolved_by": "full", "flags": [],
            }))
        meta = t.metadata.model_copy(update={
            "number": str(i + 1), "symbol": symbol, "issued_date": date, "canonical_id": f"syn:{i}",
        })
        path = f"part-{i // 1000:03d}/syn-{i:06d}.txt"
        source = t.source.model_copy(update={"path": path})
        yield path, t.model_copy(update={
            "doc_id": f"syn-{i:06d}", "metadata": meta, "citations": cites, "source": source,
        }), f"syn:{i}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("out", type=Path)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    paths = generate(args.n, args.out, args.seed)
    print(f"{len(paths)} documents in {args.out}")


if __name__ == "__main__":
    main()
