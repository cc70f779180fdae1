"""The store, graph and queries at corpus sizes whose extraction would take hours.

Records (not texts) are generated (`bench/synthetic.py records`) and stored
through the store API in groups, as `vbgraph run` does; then, each in a fresh
process so its peak memory is its own: the graph build (resolution, nodes,
edges, PageRank), and `basis` / `cited-by` on the most-cited document and on the
deepest basis chain, warm on an open connection (the Python API) and as cold
CLI commands.

    python bench/scale_bench.py 10000 100000 --work /tmp/vbgraph-scale
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import print_markdown_table  # noqa: E402

GROUP = 200  # documents per transaction


def peak_mb() -> int:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def step_store(n: int, db: Path) -> dict:
    from bench.synthetic import records
    from pipeline import store

    for f in (db, Path(f"{db}.wal")):
        f.unlink(missing_ok=True)
    con = store.connect(db)
    t0 = time.perf_counter()
    group: list[store.Stored] = []
    for path, record, cid in records(n):
        group.append(store.Stored(path, record.source.sha256, len(record.text), record=record, canonical_id=cid))
        if len(group) >= GROUP:
            store.put_many(con, group, replace=False)
            group.clear()
    store.put_many(con, group, replace=False)
    con.close()
    return {"store_s": round(time.perf_counter() - t0, 1), "store_peak_mb": peak_mb(),
            "db_mb": round(db.stat().st_size / 2**20)}


def step_graph(db: Path) -> dict:
    from pipeline import graph, store

    con = store.connect(db)
    t0 = time.perf_counter()
    graph.resolve_targets(con)
    resolve_s = time.perf_counter() - t0
    graph.build_tables(con)
    total = time.perf_counter() - t0
    nodes, edges = (con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("nodes", "edges"))
    con.close()
    return {"graph_s": round(total, 1), "resolve_s": round(resolve_s, 1), "graph_peak_mb": peak_mb(),
            "nodes": nodes, "edges": edges}


def step_queries(db: Path, reps: int) -> dict:
    from pipeline import queries

    con = queries.open_store(db)
    most_cited = queries.top(con, 1)[0].node.id
    deepest = con.execute(  # the end of the longest basis chain among a sample of documents
        """WITH RECURSIVE chain(start, id, depth) AS (
               SELECT id, id, 0 FROM (SELECT id FROM nodes WHERE in_corpus ORDER BY id DESC LIMIT 300)
               UNION ALL
               SELECT c.start, e.target, c.depth + 1 FROM chain c JOIN edges e
               ON e.source = c.id AND e.kind = 'cites' AND e.relation = 'basis' WHERE c.depth < 50)
           SELECT start, max(depth) AS d FROM chain GROUP BY start ORDER BY d DESC, start LIMIT 1"""
    ).fetchone()

    def warm(fn, ref: str, reps: int = reps) -> float:
        fn(con, ref)
        samples = []
        for _ in range(reps):
            t = time.perf_counter()
            fn(con, ref)
            samples.append(time.perf_counter() - t)
        return round(statistics.median(samples) * 1000, 2)

    typical = con.execute(  # a document cited by a few dozen: most cited documents are cited by fewer
        "SELECT cited FROM citing GROUP BY cited HAVING count(*) BETWEEN 20 AND 50 ORDER BY cited LIMIT 1"
    ).fetchone()[0]
    first_100 = lambda c, ref: queries.cited_by(c, ref, limit=100)  # noqa: E731
    out = {
        "basis_depth": deepest[1],
        "basis_warm_ms": warm(queries.basis, deepest[0]),
        "cited_by_typical_rows": len(queries.cited_by(con, typical)),
        "cited_by_typical_warm_ms": warm(queries.cited_by, typical),
        "cited_by_top_rows": len(queries.cited_by(con, most_cited)),
        "cited_by_top_first100_warm_ms": warm(first_100, most_cited),
        "cited_by_top_all_ms": warm(queries.cited_by, most_cited, 3),
    }
    con.close()
    vbgraph = str(Path(sys.executable).with_name("vbgraph"))
    for name, args in (("basis", ["basis", deepest[0]]), ("cited_by", ["cited-by", most_cited])):
        samples = []
        for _ in range(3):
            t = time.perf_counter()
            subprocess.run([vbgraph, *args, "--db", str(db), "--json"], check=True, capture_output=True)
            samples.append(time.perf_counter() - t)
        out[f"{name}_cli_cold_s"] = round(statistics.median(samples), 2)
    return out


def child(step: str, *args: str) -> dict:
    """Run one step in a fresh process: its peak memory is that step's."""
    res = subprocess.run([sys.executable, __file__, "--step", step, *args], check=True, capture_output=True, text=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sizes", type=int, nargs="*", default=[10000, 100000])
    ap.add_argument("--work", type=Path, default=Path("bench-work"))
    ap.add_argument("--reps", type=int, default=50)
    ap.add_argument("--keep", action="store_true", help="reuse a store already filled for a size")
    ap.add_argument("--step", help=argparse.SUPPRESS)
    ap.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.step == "store":
        print(json.dumps(step_store(args.sizes[0], args.db)))
        return
    if args.step == "graph":
        print(json.dumps(step_graph(args.db)))
        return
    if args.step == "queries":
        print(json.dumps(step_queries(args.db, args.reps)))
        return
    args.work.mkdir(parents=True, exist_ok=True)
    results = []
    for n in args.sizes:
        db = args.work / f"records-{n}.duckdb"
        row: dict = {"documents": n}
        if not (args.keep and db.exists()):
            row |= child("store", str(n), "--db", str(db))
        row |= child("graph", "--db", str(db))
        row |= child("queries", "--db", str(db), "--reps", str(args.reps))
        results.append(row)
        print(json.dumps(row), flush=True)
    print_markdown_table(results)


if __name__ == "__main__":
    main()
