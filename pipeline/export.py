"""Export the graph and the store for other tools: Gephi, neo4j, notebooks.

GraphML and GEXF hold only scalar attributes: None is left out and lists are
joined with '; '. Parquet files are written by DuckDB itself (no pyarrow
needed). The neo4j CSVs use the header format `neo4j-admin database import`
reads (`:ID`, `:LABEL`, `:START_ID`, `:END_ID`, `:TYPE`, typed columns).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import duckdb
import networkx as nx

from pipeline import store
from pipeline.graph import EDGE_COLUMNS, NODE_COLUMNS, load_graph

FORMATS = ("graphml", "gexf", "json", "parquet", "neo4j")


def scalar_graph(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of `g` whose attributes GraphML/GEXF can hold: no None, lists joined."""
    out = nx.MultiDiGraph()
    for n, a in g.nodes(data=True):
        out.add_node(n, **_scalars(a))
    for u, v, k, a in g.edges(keys=True, data=True):
        out.add_edge(u, v, key=k, **_scalars(a))
    return out


def _scalars(attrs: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for k, v in attrs.items():
        if v is None:
            continue
        out[k] = "; ".join(map(str, v)) if isinstance(v, list | tuple) else v
    return out


def export(con: duckdb.DuckDBPyConnection, fmt: str, out: str | Path) -> list[Path]:
    """Write the graph (or the tables) in `fmt` to `out` (a file, or a folder for parquet/neo4j)."""
    out = Path(out)
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    if fmt == "parquet":
        return export_parquet(con, out)
    g = load_graph(con)
    if fmt == "neo4j":
        return export_neo4j(g, out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "graphml":
        nx.write_graphml(scalar_graph(g), out)
    elif fmt == "gexf":
        nx.write_gexf(scalar_graph(g), out)
    else:
        data = nx.node_link_data(g, edges="links")
        out.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return [out]


def export_parquet(con: duckdb.DuckDBPyConnection, folder: Path) -> list[Path]:
    """One Parquet file per table of the store."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for table in store.SCHEMA:
        path = folder / f"{table}.parquet"
        con.execute(f"COPY {table} TO '{_sql_path(path)}' (FORMAT PARQUET)")
        written.append(path)
    return written


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


_NEO4J_TYPES = {"times_cited": "int", "mentions": "int", "tasks": "int", "pagerank": "double", "in_corpus": "boolean"}


def export_neo4j(g: nx.MultiDiGraph, folder: Path) -> list[Path]:
    """`nodes.csv` and `edges.csv` for `neo4j-admin database import full --nodes=... --relationships=...`."""
    folder.mkdir(parents=True, exist_ok=True)
    node_cols = [c for c in NODE_COLUMNS if c != "id"]
    nodes_path, edges_path = folder / "nodes.csv", folder / "edges.csv"
    with open(nodes_path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id:ID", *(_neo4j_header(c) for c in node_cols), ":LABEL"])
        for n, a in g.nodes(data=True):
            label = "Document" if a.get("kind") == "document" else "Body"
            w.writerow([n, *(_neo4j_value(a.get(c)) for c in node_cols), label])
    edge_cols = [c for c in EDGE_COLUMNS if c not in ("source", "target", "kind")]
    with open(edges_path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow([":START_ID", ":END_ID", *(_neo4j_header(c) for c in edge_cols), ":TYPE"])
        for u, v, k, a in g.edges(keys=True, data=True):
            values = [_neo4j_value(k if c == "key" else a.get(c)) for c in edge_cols]
            w.writerow([u, v, *values, str(a.get("kind", "")).upper()])
    return [nodes_path, edges_path]


def _neo4j_header(col: str) -> str:
    if col in ("doc_ids", "paths"):
        return f"{col}:string[]"
    return f"{col}:{_NEO4J_TYPES[col]}" if col in _NEO4J_TYPES else col


def _neo4j_value(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list | tuple):
        return ";".join(str(x).replace(";", ",") for x in v)
    return str(v)
