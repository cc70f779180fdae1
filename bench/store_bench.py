"""Benchmark `vbgraph run` and the graph queries on synthetic corpora.

For each size N: generate N documents (bench/synthetic.py), run them into a
fresh store (wall time, peak memory of the main process and of the largest
worker), re-run (everything unchanged), rebuild the graph, then time `basis`
and `cited-by` on the most-cited document and on the document with the
deepest basis chain (median of repeated calls, each on a fresh read-only
connection as the CLI does).

    python bench/store_bench.py 1000 10000 --jobs 1 2 --work /tmp/vbgraph-bench

With several `--jobs` values, each size is run with each in turn (same corpus,
fresh store) and the last column gives the speed-up over the first value.
`--rounds R` repeats that sequence R times, interleaved, and ends with the median
and range of each speed-up: on a machine whose speed drifts from one minute to
the next, only runs made side by side compare.
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


def measure_one(n: int, work: Path, jobs: int, reps: int) -> dict:
    """Everything for one size, in this process (run it in a fresh process per size)."""
    from bench.synthetic import generate
    from pipeline import graph, queries, store
    from pipeline.runner import run_corpus

    folder, db = work / f"corpus-{n}", work / f"store-{n}.duckdb"
    done = folder / ".complete"  # hidden: not an input
    if not done.exists():
        generate(n, folder)
        done.touch()
    for f in (db, Path(f"{db}.wal")):
        f.unlink(missing_ok=True)
    t0 = time.perf_counter()
    first = run_corpus(folder, db, jobs=jobs)
    run_s = time.perf_counter() - t0
    peak_main = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak_worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    t0 = time.perf_counter()
    run_corpus(folder, db, jobs=jobs)
    rerun_s = time.perf_counter() - t0

    con = store.connect(db)
    t0 = time.perf_counter()
    graph.rebuild(con)
    rebuild_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    g = graph.load_graph(con)
    load_s = time.perf_counter() - t0
    con.close()

    con = queries.open_store(db)
    most_cited = queries.top(con, 1)[0].node.id
    depth_of = {}
    for (doc,) in con.execute("SELECT DISTINCT source FROM edges WHERE relation = 'basis' LIMIT 200").fetchall():
        depth_of[doc] = _depth(queries.basis(con, doc))
    deepest = max(depth_of, key=depth_of.get) if depth_of else most_cited
    con.close()

    def timed(fn, ref: str) -> float:
        """Median ms of a call on a fresh read-only connection, as one CLI command makes."""
        samples = []
        for _ in range(reps):
            t = time.perf_counter()
            c = queries.open_store(db)
            fn(c, ref)
            c.close()
            samples.append(time.perf_counter() - t)
        return statistics.median(samples) * 1000

    def timed_open(fn, ref: str) -> float:
        """Median ms of a call on an open connection (the Python API in a notebook)."""
        c = queries.open_store(db)
        samples = []
        for _ in range(reps):
            t = time.perf_counter()
            fn(c, ref)
            samples.append(time.perf_counter() - t)
        c.close()
        return statistics.median(samples) * 1000

    return {
        "documents": n,
        "jobs": jobs,
        "run_s": round(run_s, 2),
        "docs_per_s": round(n / run_s, 1),
        "rerun_unchanged_s": round(rerun_s, 2),
        "graph_rebuild_s": round(rebuild_s, 2),
        "graph_load_s": round(load_s, 2),
        "peak_rss_main_mb": round(peak_main),
        "peak_rss_worker_mb": round(peak_worker),
        "db_mb": round(db.stat().st_size / 2**20, 1),
        "nodes": g.number_of_nodes(),
        "edges": g.number_of_edges(),
        "citations": first.citations,
        "cited_documents": first.cited_documents,
        "basis_ms": round(timed(queries.basis, deepest), 1),
        "basis_depth": depth_of.get(deepest, 0),
        "cited_by_ms": round(timed(queries.cited_by, most_cited), 1),
        "basis_open_conn_ms": round(timed_open(queries.basis, deepest), 1),
        "cited_by_open_conn_ms": round(timed_open(queries.cited_by, most_cited), 1),
        "cited_by_rows": len(queries.cited_by(queries.open_store(db), most_cited)),
    }


def _depth(tree) -> int:
    return 1 + max((_depth(b) for b in tree.bases), default=0) if tree.bases else 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sizes", type=int, nargs="*", default=[1000, 10000])
    ap.add_argument("--jobs", type=int, nargs="+", default=[2])
    ap.add_argument("--work", type=Path, default=Path("bench-work"))
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=1, help="repeat each size's --jobs sequence, interleaved")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    if args.one:
        print(json.dumps(measure_one(args.one, args.work, args.jobs[0], args.reps)))
        return
    results = []
    for n in args.sizes:  # one process per size and jobs value, so peak memory is that run's
        for _ in range(args.rounds):
            first = None
            for jobs in args.jobs:
                out = subprocess.run(
                    [sys.executable, __file__, "--one", str(n), "--jobs", str(jobs), "--work", str(args.work),
                     "--reps", str(args.reps)],
                    check=True, capture_output=True, text=True,
                )
                row = json.loads(out.stdout.strip().splitlines()[-1])
                first = first or row
                row["speedup"] = round(first["run_s"] / row["run_s"], 2)
                results.append(row)
                print(json.dumps(row), flush=True)
    print_markdown_table(results)
    if args.rounds > 1:
        print_markdown_table([
            {"documents": n, "jobs": jobs, "rounds": len(rows),
             "median_run_s": round(statistics.median(r["run_s"] for r in rows), 2),
             "median_speedup": round(statistics.median(r["speedup"] for r in rows), 3),
             "speedup_range": f"{min(r['speedup'] for r in rows)}–{max(r['speedup'] for r in rows)}"}
            for n in args.sizes for jobs in args.jobs
            for rows in [[r for r in results if r["documents"] == n and r["jobs"] == jobs]]
        ])


if __name__ == "__main__":
    main()
