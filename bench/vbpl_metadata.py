"""Compare header metadata with what the national legal database states.

Runs the pipeline over a folder of texts from the database (one `<slug>.txt`
per document) and compares doc_type, symbol, issued date, issuer and signer with
`metadata.jsonl` beside it, field by field. The database is a witness, not gold:
the disagreements are listed so each can be judged by eye.

    python bench/vbpl_metadata.py DIR/txt [--metadata DIR/metadata.jsonl] [--jobs 2] [--show 20]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

from pipeline.batch import run
from pipeline.evaluate import fold, ratio, symbol_key

FUZZY_ISSUER = 0.85


def same_date(db: str | None, ours: str | None) -> bool:
    return (db or None) == (ours or None)


def same_issuer(db: str | None, ours: str | None) -> bool:
    if not db or not ours:
        return not db and not ours
    return fold(db) == fold(ours) or ratio(fold(db), fold(ours)) >= FUZZY_ISSUER


def same_signer(db: str | None, ours: str | None) -> bool:
    if not db:
        return not ours
    first = db.split(";")[0]
    return fold(first) == fold(ours)


def same_symbol(db: str | None, ours: str | None) -> bool:
    return symbol_key(db) == symbol_key(ours) if symbol_key(db) else fold(db) == fold(ours)


FIELDS = {
    "doc_type": (lambda m: m.get("doc_type"), lambda r: r.metadata.doc_type, lambda a, b: fold(a) == fold(b)),
    "symbol": (lambda m: m.get("symbol"), lambda r: r.metadata.symbol, same_symbol),
    "issued_date": (lambda m: m.get("issued_date"), lambda r: r.metadata.issued_date, same_date),
    "issuer": (lambda m: m.get("issuer"), lambda r: r.metadata.issuer, same_issuer),
    "signer": (lambda m: m.get("signer"), lambda r: r.metadata.signer.name if r.metadata.signer else None, same_signer),
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("txt", type=Path, help="folder of <slug>.txt files")
    ap.add_argument("--metadata", type=Path, help="metadata.jsonl (default: beside the folder)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--show", type=int, default=15, help="disagreements to print per field")
    ap.add_argument("--limit", type=int, default=0, help="only the first N documents")
    args = ap.parse_args(argv)
    meta_path = args.metadata or args.txt.parent / "metadata.jsonl"
    meta = {m["slug"]: m for m in map(json.loads, meta_path.read_text(encoding="utf-8").splitlines())}
    files = sorted(args.txt.glob("*.txt"))
    if args.limit:
        files = files[: args.limit]

    agree: Counter[str] = Counter()
    total: Counter[str] = Counter()
    wrong: dict[str, list[tuple[str, str | None, str | None]]] = {f: [] for f in FIELDS}
    errors: list[str] = []
    t0 = time.perf_counter()
    for outcome in run([str(f) for f in files], jobs=args.jobs):
        slug = Path(outcome.path).stem
        if outcome.record is None:
            errors.append(f"{slug}: {outcome.error.reason if outcome.error else '?'}")
            continue
        m = meta.get(slug)
        if m is None:
            continue
        for field, (db_of, ours_of, same) in FIELDS.items():
            db = db_of(m)
            if db is None:
                continue  # the database states nothing: nothing to compare
            total[field] += 1
            ours = ours_of(outcome.record)
            if same(db, ours):
                agree[field] += 1
            else:
                wrong[field].append((slug, db, ours))
    seconds = time.perf_counter() - t0

    print(f"{len(files)} documents, {len(errors)} errors, {seconds:.1f} s")
    print(f"{'field':12} {'agree':>6} {'of':>6} {'share':>7}")
    for field in FIELDS:
        share = agree[field] / total[field] if total[field] else float("nan")
        print(f"{field:12} {agree[field]:6d} {total[field]:6d} {share:7.3f}")
    for field, rows in wrong.items():
        if rows and args.show:
            print(f"\n{field}: {len(rows)} disagreements (database | ours)")
            for slug, db, ours in rows[: args.show]:
                print(f"  {slug}: {db!r} | {ours!r}")
    for e in errors[: args.show]:
        print(f"error {e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
