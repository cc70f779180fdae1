"""`vbgraph stats`: what the corpus graph holds."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from pipeline.cli import app
from pipeline.cli.corpus import DEFAULT_DB, opened, out, print_json


@app.command()
def stats(
    db: Annotated[Path, typer.Option("--db", help="the store file (DuckDB)")] = DEFAULT_DB,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON instead of a table")] = False,
) -> None:
    """Documents, cited-only documents, edges by relation, citations landing in the corpus,
    the largest connected component and the longest chain of legal bases."""
    from pipeline.stats import corpus_stats

    with opened(db) as con:
        s = corpus_stats(con)
        labels = dict(con.execute("SELECT id, label FROM nodes WHERE id IN (SELECT unnest(?))", [s.longest_basis_chain]).fetchall())
    if as_json:
        print_json(s)
        return
    table = Table(title=f"vbgraph stats: {db}", show_header=False)
    table.add_column("measure")
    table.add_column("value", overflow="fold")
    rows = [
        ("records (files read)", s.records),
        ("files with errors", s.errors),
        ("corpus documents (nodes)", s.documents),
        ("cited-only documents", s.cited_only),
        ("bodies", s.bodies),
        *((f"edges: {k}", v) for k, v in s.edges_by_relation.items()),
        ("citation mentions", s.citations),
        ("  with a canonical id", s.citations_resolved),
        ("  landing on a corpus document", f"{s.citations_to_corpus} ({s.share_to_corpus:.1%} of resolved)"),
        ("connected components", s.components),
        ("largest component (documents)", s.largest_component),
        ("longest basis chain", f"{len(s.longest_basis_chain)} documents"),
    ]
    for k, v in rows:
        table.add_row(k, str(v))
    out().print(table)
    if s.longest_basis_chain:
        out().print(" → ".join(labels.get(n) or n for n in s.longest_basis_chain))
