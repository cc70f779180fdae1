"""Questions researchers ask of the store, as a Python API returning pydantic models.

Each function takes an open store connection (`open_store`). Queries read the
graph tables `vbgraph run` wrote (`nodes`, `edges`) and the part tables, in
SQL, so they answer in milliseconds without rebuilding the graph; use
`pipeline.graph.load_graph` for the networkx graph itself.
"""

from __future__ import annotations

import calendar
import re
import weakref
from pathlib import Path
from typing import Any

import duckdb

from models.graph import BasisTree, BodyStats, Citing, DeadlineRow, Node, Ranked, SharedBasis, TargetRow
from pipeline import store
from pipeline.graph import symbol_key
from pipeline.levels import level_of_name


class NotFound(LookupError):
    """A document reference that matches nothing, or several documents equally."""


def open_store(db: str | Path = store.DEFAULT_DB) -> duckdb.DuckDBPyConnection:
    """A read-only connection to a store built by `vbgraph run`."""
    return store.connect(db, read_only=True)


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    try:
        cur = con.execute(sql, params or [])
    except (duckdb.CatalogException, duckdb.BinderException) as exc:
        detail = " ".join(str(exc).split("\n")[:2])
        raise store.StoreError(
            f"this store's graph was built by an older vbgraph ({detail}); update it with `vbgraph run DIR`"
        ) from exc
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


_NODE_FIELDS = set(Node.model_fields)


def _node(row: dict[str, Any]) -> Node:
    """A node row as written by the graph build (already valid: no second validation, which would
    dominate a query returning thousands of documents)."""
    return Node.from_row(**{k: v for k, v in row.items() if k in _NODE_FIELDS})


LISTED_VALUES = 1000  # up to this many values, a literal list; more, a list parameter unnested


def any_of(column: str, values: list[str]) -> tuple[str, list[Any]]:
    """A filter `column` in `values`. DuckDB filters the table scan with a literal `IN (?, ...)` list;
    a list parameter it unnests and joins (slower for a few values, but binding thousands of
    parameters one by one is slower still)."""
    if len(values) <= LISTED_VALUES:
        return f"{column} IN ({','.join('?' * len(values))})", list(values)
    return f"{column} IN (SELECT unnest(?::VARCHAR[]))", [list(values)]


def nodes_by_id(con: duckdb.DuckDBPyConnection, ids: list[str]) -> dict[str, Node]:
    if not ids:
        return {}
    where, params = any_of("id", list(dict.fromkeys(ids)))
    return {r["id"]: _node(r) for r in _rows(con, f"SELECT * FROM nodes WHERE {where}", params)}


# ---------------------------------------------------------------- naming a document


def find_node(con: duckdb.DuckDBPyConnection, ref: str) -> Node:
    """The document named by `ref`: node id, doc_id (file stem), or symbol matched leniently."""
    ref = ref.strip()
    rows = [r for r in _rows(con, "SELECT * FROM nodes WHERE id = ?", [ref]) if r["kind"] == "document"]
    if not rows:
        rows = _rows(con, "SELECT * FROM nodes WHERE kind = 'document' AND list_contains(doc_ids, ?)", [ref])
    if not rows:
        stem = Path(ref).stem
        rows = _rows(
            con,
            "SELECT n.* FROM nodes n JOIN documents d ON d.node_id = n.id WHERE d.path = ? OR d.doc_id = ?",
            [ref, stem],
        )
    key = symbol_key(ref)
    if not rows and key:
        rows = _rows(con, "SELECT * FROM nodes WHERE kind = 'document' AND symbol_key = ?", [key])
    if not rows:
        raise NotFound(f"no document matches {ref!r} (give a doc_id such as a file stem, or a symbol like 48-CT/TW)")
    rows = list({r["id"]: r for r in rows}.values())
    if len(rows) > 1:
        in_corpus = [r for r in rows if r["in_corpus"]]
        if len(in_corpus) == 1:
            return _node(in_corpus[0])
        names = "; ".join(f"{r['id']} ({r['label']})" for r in rows[:10])
        raise NotFound(f"{ref!r} matches several documents, name one by its id: {names}")
    return _node(rows[0])


# ---------------------------------------------------------------- citations


_ADJACENCY_CACHE: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, tuple[str | None, dict[str, list[str]]]] = (
    weakref.WeakKeyDictionary()
)


def _basis_adjacency(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Every document's direct bases (ids only), read once per connection and graph build: walking a
    chain of bases is then a few dictionary lookups instead of one query per level."""
    built = store.get_meta(con, "graph_built")
    cached = _ADJACENCY_CACHE.get(con)
    if cached is not None and cached[0] == built:
        return cached[1]
    adjacency: dict[str, list[str]] = {}
    for source, target in con.execute("SELECT citing_id, id FROM bases ORDER BY citing_id, id").fetchall():
        adjacency.setdefault(source, []).append(target)
    _ADJACENCY_CACHE[con] = (built, adjacency)
    return adjacency


def basis(con: duckdb.DuckDBPyConnection, ref: str, max_depth: int | None = None) -> BasisTree:
    """The legal basis of a document, direct and then the bases of its bases, as a tree.

    A document reached twice (a cycle, or two branches sharing a basis) is shown
    once in full and then marked `seen`.
    """
    root = find_node(con, ref)
    adjacency = _basis_adjacency(con)
    reached = {root.id}
    frontier = [root.id]
    while frontier:
        frontier = [t for n in frontier for t in adjacency.get(n, ()) if t not in reached]
        reached.update(frontier)
    out: dict[str, list[tuple[str, str | None]]] = {}
    citing = sorted(n for n in reached if n in adjacency)
    if citing:
        where, params = any_of("citing_id", citing)
        for citing_id, target, sentence in con.execute(
            f"SELECT citing_id, id, edge_sentence FROM bases WHERE {where} ORDER BY citing_id, id", params
        ).fetchall():
            out.setdefault(citing_id, []).append((target, sentence))
    nodes = {root.id: root, **nodes_by_id(con, sorted(reached - {root.id}))}
    expanded: set[str] = set()

    def grow(node_id: str, relation: str | None, sentence: str | None, depth: int) -> BasisTree:
        tree = BasisTree(node=nodes[node_id], relation=relation, sentence=sentence)
        if node_id in expanded:
            tree.seen = bool(out.get(node_id))
            return tree
        expanded.add(node_id)
        if max_depth is None or depth < max_depth:
            tree.bases = [grow(t, "basis", s, depth + 1) for t, s in out.get(node_id, [])]
        return tree

    return grow(root.id, None, None, 0)


def cited_by(
    con: duckdb.DuckDBPyConnection, ref: str, relation: str | None = None, limit: int | None = None
) -> list[Citing]:
    """Documents citing `ref`, strongest relation first (basis, replaces, amends, mentions), then by date;
    the first `limit` of them when given (a central directive can be cited by tens of thousands)."""
    target = find_node(con, ref)
    sql = "SELECT * FROM citing WHERE cited = ?"
    params: list[Any] = [target.id]
    if relation:
        sql += " AND edge_relation = ?"
        params.append(relation)
    # no ORDER BY: the table was written in this order, and DuckDB returns rows in that order
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [
        Citing.from_row(node=_node(r), relation=r["edge_relation"], sentence=r["edge_sentence"],
                        section=r["edge_section"], mentions=r["edge_mentions"])
        for r in _rows(con, sql, params)
    ]


def count_citing(con: duckdb.DuckDBPyConnection, ref: str, relation: str | None = None) -> int:
    """How many documents cite `ref` (with `relation`): the length of `cited_by` without a limit."""
    target = find_node(con, ref)
    sql, params = "SELECT count(*) FROM citing WHERE cited = ?", [target.id]
    if relation:
        sql += " AND edge_relation = ?"
        params.append(relation)
    return con.execute(sql, params).fetchone()[0]


def implements(con: duckdb.DuckDBPyConnection, ref: str) -> list[Citing]:
    """Documents that give `ref` as their legal basis (they carry it out)."""
    return cited_by(con, ref, relation="basis")


def top(
    con: duckdb.DuckDBPyConnection,
    limit: int = 20,
    doc_type: str | None = None,
    level: str | None = None,
    by: str = "in_degree",
) -> list[Ranked]:
    """Most-cited documents by in-degree (distinct citing corpus documents) or PageRank."""
    where = ["kind = 'document'", "times_cited > 0"]
    params: list[Any] = []
    if doc_type:
        where.append("lower(doc_type) = lower(?)")
        params.append(doc_type)
    if level:
        where.append("level = ?")
        params.append(level)
    order = "pagerank DESC, times_cited DESC" if by == "pagerank" else "times_cited DESC, pagerank DESC"
    rows = _rows(con, f"SELECT * FROM nodes WHERE {' AND '.join(where)} ORDER BY {order}, id LIMIT ?", [*params, limit])
    return [Ranked(node=_node(r), in_degree=r["times_cited"], pagerank=r["pagerank"] or 0.0) for r in rows]


def shared_basis(
    con: duckdb.DuckDBPyConnection, ref: str, relation: str | None = "basis", limit: int = 50
) -> list[SharedBasis]:
    """Documents resting on the same bases as `ref`, most shared first.

    With `relation=None` every cited document counts (co-citation), useful when
    a document states no basis.
    """
    doc = find_node(con, ref)
    rel = "AND a.relation = ? AND b.relation = ?" if relation else ""
    params: list[Any] = [doc.id, *([relation, relation] if relation else []), doc.id, limit]
    rows = _rows(
        con,
        f"""SELECT b.source AS other, list(a.target ORDER BY a.target) AS shared
            FROM edges a JOIN edges b ON a.target = b.target AND a.kind = 'cites' AND b.kind = 'cites'
            WHERE a.source = ? {rel} AND b.source <> ?
            GROUP BY b.source ORDER BY count(*) DESC, b.source LIMIT ?""",
        params,
    )
    ids = {r["other"] for r in rows} | {t for r in rows for t in r["shared"]}
    nodes = nodes_by_id(con, sorted(ids))
    return [SharedBasis(node=nodes[r["other"]], shared=[nodes[t].label for t in r["shared"]]) for r in rows]


# ---------------------------------------------------------------- bodies, deadlines, targets

_REPS = "(SELECT paths[1] FROM nodes WHERE in_corpus)"


def bodies(con: duckdb.DuckDBPyConnection, limit: int = 30, level: str | None = None) -> list[BodyStats]:
    """Bodies by the tasks they are given, with roles and linked deadlines."""
    rows = _rows(
        con,
        f"""SELECT name, count(DISTINCT path) AS documents, sum(lead + support + requested) AS tasks,
                   sum(lead) AS lead, sum(support) AS support, sum(requested) AS requested,
                   sum(deadlines) AS deadlines
            FROM bodies WHERE path IN {_REPS} AND lead + support + requested > 0
            GROUP BY name ORDER BY tasks DESC, documents DESC, name""",
    )
    out = [BodyStats(body=r["name"], level=level_of_name(r["name"]), **{k: int(r[k]) for k in (
        "documents", "tasks", "lead", "support", "requested", "deadlines")}) for r in rows]
    if level:
        out = [b for b in out if b.level == level]
    return out[:limit]


def value_span(value: str | None) -> tuple[str, str] | None:
    """The first and last day a deadline value covers: day, month, quarter, year or span."""
    if not value:
        return None
    if "/" in value:
        a, b = value.split("/", 1)
        sa, sb = value_span(a), value_span(b)
        return (sa[0], sb[1]) if sa and sb else None
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", value):
        y, q = int(m[1]), int(m[2])
        return f"{y}-{3 * q - 2:02d}-01", f"{y}-{3 * q:02d}-{calendar.monthrange(y, 3 * q)[1]:02d}"
    if m := re.fullmatch(r"(\d{4})-(\d{2})", value):
        y, mo = int(m[1]), int(m[2])
        return (f"{value}-01", f"{value}-{calendar.monthrange(y, mo)[1]:02d}") if 1 <= mo <= 12 else None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return value, value
    if re.fullmatch(r"\d{4}", value):
        return f"{value}-01-01", f"{value}-12-31"
    return None


def deadlines(
    con: duckdb.DuckDBPyConnection, date_from: str | None = None, date_to: str | None = None,
    body: str | None = None,
) -> list[DeadlineRow]:
    """Deadlines falling (even partly) between two ISO dates, optionally for one body (name contains)."""
    rows = _rows(
        con,
        f"""SELECT d.path, doc.doc_id, d.value, d.kind, d.text, d.task, d.body,
                   list(a.body_canonical) AS canon, list(a.body) AS printed
            FROM deadlines d JOIN documents doc USING (path)
            LEFT JOIN assignments a ON a.path = d.path AND list_contains(d.assignments, a.idx)
            WHERE d.path IN {_REPS}
            GROUP BY ALL ORDER BY d.value NULLS LAST, d.path, d.text""",
    )
    lo, hi = date_from or "0000", (date_to or "9999") + "\uffff"
    out = []
    for r in rows:
        span = value_span(r["value"])
        if (date_from or date_to) and (span is None or span[1] < lo or span[0] > hi):
            continue
        names = [r["body"], *(r["canon"] or []), *(r["printed"] or [])]
        if body and not any(n and body.lower() in n.lower() for n in names):
            continue
        who = r["body"] or "; ".join(dict.fromkeys(n for n in (r["canon"] or []) if n)) or None
        out.append(DeadlineRow(doc_id=r["doc_id"], path=r["path"], value=r["value"], kind=r["kind"],
                               text=r["text"], task=r["task"], body=who))
    return out


def targets(con: duckdb.DuckDBPyConnection, metric: str | None = None) -> list[TargetRow]:
    """Quantitative targets, optionally those whose metric contains `metric`."""
    sql = f"""SELECT t.path, doc.doc_id, t.metric, t.comparator, t.value, t.value_max, t.unit, t.text
              FROM targets t JOIN documents doc USING (path) WHERE t.path IN {_REPS}"""
    params: list[Any] = []
    if metric:
        sql += " AND (t.metric ILIKE ? OR t.text ILIKE ?)"
        params += [f"%{metric}%", f"%{metric}%"]
    return [TargetRow(**r) for r in _rows(con, sql + " ORDER BY t.metric NULLS LAST, t.path, t.start", params)]


# ---------------------------------------------------------------- finding documents


def find(
    con: duckdb.DuckDBPyConnection,
    doc_type: str | None = None,
    issuer: str | None = None,
    year: int | None = None,
    text: str | None = None,
    level: str | None = None,
    corpus_only: bool = False,
    limit: int = 100,
) -> list[Node]:
    """Documents by type, issuer (contains), year, level and text (in label/title, or the full text)."""
    where = ["kind = 'document'"]
    params: list[Any] = []
    if doc_type:
        where.append("lower(doc_type) = lower(?)")
        params.append(doc_type)
    if issuer:
        where.append("issuer ILIKE ?")
        params.append(f"%{issuer}%")
    if year:
        where.append("date LIKE ?")
        params.append(f"{year}%")
    if level:
        where.append("level = ?")
        params.append(level)
    if corpus_only:
        where.append("in_corpus")
    if text:
        where.append(
            "(label ILIKE ? OR title ILIKE ? OR name ILIKE ? OR id IN (SELECT d.node_id FROM documents d "
            "JOIN records r USING (path) WHERE json_extract_string(r.record, '$.text') ILIKE ?))"
        )
        params += [f"%{text}%"] * 4
    rows = _rows(
        con,
        f"SELECT * FROM nodes WHERE {' AND '.join(where)} ORDER BY in_corpus DESC, times_cited DESC, id LIMIT ?",
        [*params, limit],
    )
    return [_node(r) for r in rows]


def frame(rows: list[Any]) -> Any:
    """Query results as a pandas DataFrame (nested models flattened: `node.label`); needs pandas."""
    import pandas as pd  # optional: only for notebooks

    return pd.json_normalize([r.model_dump(mode="json") for r in rows])


def sql(con: duckdb.DuckDBPyConnection, query: str) -> tuple[list[str], list[tuple]]:
    """Any SQL on the store: column names and rows."""
    cur = con.execute(query)
    cols = [d[0] for d in cur.description] if cur.description else []
    return cols, cur.fetchall() if cols else []
