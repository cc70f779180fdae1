"""The citation graph, built from the store's part tables inside DuckDB.

Nodes are documents (in the corpus or only cited) and bodies. All mentions of
one document meet in one node, named by the citation's `target_id`; a corpus
record is the node named by its own canonical id, so a cited document that is in
the corpus is one node with its record. Records sharing a canonical id (a text
and its PDF rendering) are one node, whose outgoing edges come from one
representative record (text before PDF), so nothing is counted twice.

The graph is built by SQL joins and aggregates into the store's `nodes` and
`edges` tables (plus the `citing` and `bases` lookup tables the queries use),
with PageRank by a sparse power iteration, so memory stays flat however large
the corpus; networkx is loaded only when asked for (`load_graph`).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import duckdb

from models.record import Citation, Metadata
from pipeline import store
from pipeline.citations.resolve import CorpusResolver, canonical_id_for
from pipeline.citations.symbols import symbol_from_text
from pipeline.citations.symbols import symbol_key as grammar_key
from pipeline.levels import issuer_level, level_of_name

if TYPE_CHECKING:  # networkx is imported where a graph is made: queries never need it
    import networkx as nx

RELATION_RANK = {"basis": 0, "replaces": 1, "amends": 2, "mentions": 3}
NODE_COLUMNS = (
    "id", "kind", "label", "doc_type", "number", "symbol", "symbol_key", "date", "issuer", "title", "name",
    "level", "in_corpus", "doc_ids", "paths", "times_cited", "mentions", "pagerank", "tasks",
)
EDGE_COLUMNS = (
    "source", "target", "kind", "key", "relation", "sentence", "section", "role", "task", "deadline", "goal",
    "mentions", "path",
)


# ---------------------------------------------------------------- ids and labels


def symbol_key(symbol: str | None) -> str | None:
    """A symbol folded for lenient matching: case, spaces, slash/hyphen variants (`48/CT-TW` = `48-CT/TW`),
    leading zeros, through the citation stage's symbol grammar, so names typed on the command line meet
    symbols as the resolver reads them; plain folding for what the grammar does not read."""
    if not symbol:
        return None
    for text in (symbol, symbol.upper()):
        sym = symbol_from_text(text)
        if sym is not None:
            return grammar_key(sym)
    return plain_symbol_key(symbol)


def plain_symbol_key(symbol: str) -> str | None:
    """Case, spaces and separators folded, without a symbol grammar."""
    s = re.sub(r"\s+", "", symbol).upper()
    s = re.sub(r"^SỐ:?", "", s)
    return re.sub(r"[/\-–—‐]+", "/", s).strip("/") or None


def body_id(name: str) -> str:
    return f"body:{name}"


def canonical_id_of(metadata: Any) -> str | None:
    """A record's own canonical id: stored in the record, else from the citation resolver."""
    return getattr(metadata, "canonical_id", None) or canonical_id_for(metadata)


def display_date(iso: str | None) -> str | None:
    """`2010-10-22` -> `22/10/2010`; partial dates as far as known."""
    if not iso:
        return None
    parts = iso.split("-")
    return "/".join(reversed(parts)) if all(p.isdigit() for p in parts) else iso


def document_label(
    doc_type: str | None, symbol: str | None, number: str | None, date: str | None, issuer: str | None,
    name: str | None = None, fallback: str = "",
) -> str:
    """`Chỉ thị 48-CT/TW (22/10/2010) của Ban Bí thư`; a name for documents cited without a symbol."""
    ref = symbol or (f"số {number}" if number else None)
    if ref:
        head = f"{doc_type} {ref}" if doc_type else ref
    elif name:
        head = name
    elif doc_type:
        head = doc_type
    else:
        return fallback
    if date:
        head += f" ({display_date(date)})"
    if issuer and issuer.lower() not in head.lower():
        head += f" của {issuer}"
    return head


# ---------------------------------------------------------------- building, in SQL

# Records grouped into nodes: a record without a canonical id whose file stem is shared with records
# that have exactly one (a PDF rendering whose header did not read) joins their node; the representative
# of a node is its text before its PDF, then the first path.
_NODE_OF_PATH = """
CREATE OR REPLACE TEMP TABLE _node_of AS
WITH stems AS (
    SELECT doc_id, min(node_id) AS only_node FROM documents WHERE canonical_id IS NOT NULL
    GROUP BY doc_id HAVING count(DISTINCT node_id) = 1
), placed AS (
    SELECT d.*, CASE WHEN d.canonical_id IS NULL AND s.only_node IS NOT NULL THEN s.only_node
                     ELSE d.node_id END AS node
    FROM documents d LEFT JOIN stems s USING (doc_id)
)
SELECT *, row_number() OVER (PARTITION BY node ORDER BY format = 'pdf', path) AS rank FROM placed
"""

# One `cites` edge per (representative record, target): the strongest relation (first mention on a tie)
# gives its relation, sentence and section; every mention counts. The aggregate keeps only the winning
# mention's index (a record's mentions all come from one path), then joins back for its text, so the
# hash table holds no sentences.
def relation_rank_sql(column: str) -> str:
    """SQL giving a relation's place in `RELATION_RANK` (unknown relations last)."""
    return f"CASE {column} " + " ".join(f"WHEN '{r}' THEN {i}" for r, i in RELATION_RANK.items()) + " ELSE 9 END"


_STRIDE = 10_000_000_000  # above any citation index
_CITES = f"""
SELECT g.source, g.target, 'cites' AS kind, 'cites' AS key, c.relation, c.sentence, c.section,
       NULL AS role, NULL AS task, NULL AS deadline, NULL AS goal, g.mentions, g.path
FROM (
    SELECT n.node AS source, c.target_id AS target, min(c.path) AS path, count(*) AS mentions,
           min(({relation_rank_sql('c.relation')}) * {_STRIDE} + c.idx) % {_STRIDE} AS idx
    FROM citations c JOIN _node_of n ON n.path = c.path AND n.rank = 1
    WHERE c.target_id IS NOT NULL AND c.target_id <> n.node
    GROUP BY n.node, c.target_id
) g JOIN citations c ON c.path = g.path AND c.idx = g.idx
"""

_ASSIGNS = """
SELECT n.node AS source, 'body:' || b.name AS target, 'assigns' AS kind, 'assigns:' || a.idx AS key,
       NULL AS relation, NULL AS sentence, a.section, a.role, a.task, dl.deadline, goal.goal, 1 AS mentions,
       a.path
FROM assignments a JOIN _node_of n ON n.path = a.path AND n.rank = 1
JOIN _body_name b ON b.canonical IS NOT DISTINCT FROM a.body_canonical AND b.printed IS NOT DISTINCT FROM a.body
LEFT JOIN (
    SELECT d.path, u.i, string_agg(coalesce(d.value, d.text), '; ' ORDER BY d.idx) AS deadline
    FROM deadlines d, unnest(d.assignments) AS u(i) GROUP BY ALL
) dl ON dl.path = a.path AND dl.i = a.idx
LEFT JOIN (
    SELECT t.path, u.i, string_agg(t.text, '; ' ORDER BY t.idx) AS goal
    FROM targets t, unnest(t.assignments) AS u(i) GROUP BY ALL
) goal ON goal.path = a.path AND goal.i = a.idx
"""

_ISSUED_BY = """
SELECT n.node AS source, 'body:' || b.name AS target, 'issued_by' AS kind, 'issued_by' AS key,
       NULL AS relation, NULL AS sentence, NULL AS section, NULL AS role, NULL AS task, NULL AS deadline,
       NULL AS goal, 1 AS mentions, n.path
FROM _node_of n JOIN _body_name b ON b.canonical IS NULL AND b.printed = n.issuer
WHERE n.rank = 1 AND n.issuer IS NOT NULL
"""

_CITED_FIELDS = ("doc_type", "number", "symbol", "date", "issuer", "title", "name")


def _cited_attributes_sql() -> str:
    """Each cited document's attributes as most of its mentions give them (the first seen on a tie)."""
    parts = []
    for f in _CITED_FIELDS:
        parts.append(
            f"""{f}_n AS (SELECT target_id, arg_max(v, n * {_STRIDE} - pos) AS {f} FROM (
                    SELECT target_id, {f} AS v, count(*) AS n, min(pos) AS pos FROM _mentions
                    WHERE {f} IS NOT NULL AND {f} <> '' GROUP BY ALL) GROUP BY target_id)"""
        )
    joins = " ".join(f"LEFT JOIN {f}_n USING (target_id)" for f in _CITED_FIELDS)
    return (
        "WITH _mentions AS (SELECT *, row_number() OVER (ORDER BY path, idx) AS pos FROM citations "
        "WHERE target_id IS NOT NULL), counts AS (SELECT target_id, count(*) AS mentions FROM _mentions "
        "GROUP BY target_id), " + ", ".join(parts)
        + f" SELECT counts.target_id AS id, mentions, {', '.join(_CITED_FIELDS)} FROM counts {joins}"
    )


def _body_names(con: duckdb.DuckDBPyConnection) -> None:
    """`_body_name`: the node name of every (canonical, printed) body spelling, tidied in Python (one
    function names bodies everywhere), over distinct spellings only."""
    pairs = con.execute(
        "SELECT DISTINCT body_canonical, body FROM assignments UNION "
        "SELECT DISTINCT NULL, issuer FROM _node_of WHERE rank = 1 AND issuer IS NOT NULL"
    ).fetchall()
    con.execute("CREATE OR REPLACE TEMP TABLE _body_name (canonical VARCHAR, printed VARCHAR, name VARCHAR)")
    store.insert_rows(con, "_body_name", [(c, p, store.body_name(c, p)) for c, p in pairs])


def pagerank_arrays(n: int, sources: Any, targets: Any, alpha: float = 0.85, tol: float = 1.0e-6,
                    max_iter: int = 100) -> Any:
    """PageRank of an n-node graph given as integer edge arrays (no duplicate edges), by power iteration
    with numpy: networkx's method and stopping rule, in memory linear in the edges."""
    import numpy as np

    if n == 0:
        return np.zeros(0)
    out_degree = np.bincount(sources, minlength=n).astype(float)
    dangling = out_degree == 0
    weight = np.zeros(n)
    weight[~dangling] = 1.0 / out_degree[~dangling]
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        last = x
        x = alpha * (np.bincount(targets, weights=(last * weight)[sources], minlength=n) + last[dangling].sum() / n)
        x += (1.0 - alpha) / n
        if np.abs(x - last).sum() < n * tol:
            return x
    return x  # networkx raises here; a ranking slightly short of convergence is still a ranking


def _node_lines(con: duckdb.DuckDBPyConnection, sql: str, ranks: Any, out: Any) -> None:
    """Finish document nodes in Python (labels, levels, symbol keys), streaming, as JSON lines."""
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    while batch := cur.fetchmany(10_000):
        for row in batch:
            a = dict(zip(names, row, strict=True))
            a["level"] = issuer_level(a["issuer"], a["symbol"])
            a["symbol_key"] = symbol_key(a["symbol"])
            a["label"] = document_label(
                a["doc_type"], a["symbol"], a["number"], a["date"], a["issuer"], a["name"] or a["title"],
                fallback=(a["doc_ids"] or [a["id"]])[0],
            )
            a["pagerank"] = float(ranks[a["pr_index"]])
            out.write(json.dumps({c: a.get(c) for c in NODE_COLUMNS}, ensure_ascii=False) + "\n")


def build_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Replace the store's `nodes` and `edges` with the graph of its part tables, in one transaction.

    Joins and aggregates run inside DuckDB; Python only names things (labels,
    levels, symbol keys) row by row, so memory stays flat in the corpus size.
    """
    import numpy as np

    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(_NODE_OF_PATH)
        _body_names(con)
        con.execute("DELETE FROM edges")
        con.execute(f"INSERT INTO edges {_CITES} UNION ALL {_ISSUED_BY} UNION ALL {_ASSIGNS}")
        # Document nodes: corpus nodes from their representative, then cited-only documents.
        con.execute(f"CREATE OR REPLACE TEMP TABLE _cited AS {_cited_attributes_sql()}")
        con.execute(
            """CREATE OR REPLACE TEMP TABLE _docs AS
            SELECT r.node AS id, r.doc_type, r.number, r.symbol, r.issued_date AS date, r.issuer, r.title,
                   NULL::VARCHAR AS name, true AS in_corpus, g.doc_ids, g.paths, coalesce(c.mentions, 0) AS mentions
            FROM _node_of r
            JOIN (SELECT node, list(DISTINCT doc_id ORDER BY doc_id) AS doc_ids, list(path ORDER BY rank) AS paths
                  FROM _node_of GROUP BY node) g ON g.node = r.node
            LEFT JOIN _cited c ON c.id = r.node
            WHERE r.rank = 1
            UNION ALL
            SELECT c.id, c.doc_type, c.number, c.symbol, c.date, c.issuer, c.title, c.name, false, [], [],
                   c.mentions
            FROM _cited c WHERE c.id NOT IN (SELECT node FROM _node_of)"""
        )
        con.execute(
            """CREATE OR REPLACE TEMP TABLE _docs_indexed AS
            SELECT d.*, row_number() OVER (ORDER BY d.id) - 1 AS pr_index, coalesce(t.n, 0) AS times_cited
            FROM _docs d LEFT JOIN (SELECT target, count(*) AS n FROM edges WHERE kind = 'cites' GROUP BY target) t
            ON t.target = d.id"""
        )
        n = con.execute("SELECT count(*) FROM _docs_indexed").fetchone()[0]
        pairs = con.execute(
            """SELECT s.pr_index, t.pr_index FROM edges e
               JOIN _docs_indexed s ON s.id = e.source JOIN _docs_indexed t ON t.id = e.target
               WHERE e.kind = 'cites' ORDER BY 1, 2"""  # in one order: the sums, so the ranks, repeat exactly
        ).fetchnumpy()
        ranks = pagerank_arrays(
            n, np.asarray(pairs["pr_index"], dtype=np.int64), np.asarray(pairs["pr_index_1"], dtype=np.int64)
        )
        con.execute("DELETE FROM nodes")
        fd, tmp = tempfile.mkstemp(prefix="vbgraph-nodes-", suffix=".jsonl")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                _node_lines(con, "SELECT *, 'document' AS kind, NULL AS tasks FROM _docs_indexed", ranks, f)
                for name, tasks in con.execute(
                    """SELECT b.name, count(e.target) FROM (SELECT DISTINCT name FROM _body_name) b
                       LEFT JOIN edges e ON e.target = 'body:' || b.name AND e.kind = 'assigns'
                       WHERE 'body:' || b.name IN (SELECT target FROM edges) GROUP BY b.name"""
                ).fetchall():
                    node = {c: None for c in NODE_COLUMNS} | {
                        "id": body_id(name), "kind": "body", "label": name, "name": name,
                        "level": level_of_name(name), "in_corpus": False, "doc_ids": [], "paths": [],
                        "times_cited": 0, "mentions": 0, "pagerank": 0.0, "tasks": tasks,
                    }
                    f.write(json.dumps(node, ensure_ascii=False) + "\n")
            store.read_json_into(con, "nodes", tmp)
        finally:
            os.unlink(tmp)
        _adjacency(con)
        con.execute(
            "UPDATE documents SET node_id = n.node FROM _node_of n "
            "WHERE documents.path = n.path AND documents.node_id IS DISTINCT FROM n.node"
        )
        store.set_meta(con, "graph_stale", "0")
        store.set_meta(con, "graph_built", str(time.time()))  # tells caches built on the old graph apart
        store.set_meta(con, "graph_version", store.GRAPH_VERSION)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    for t in ("_node_of", "_body_name", "_cited", "_docs", "_docs_indexed"):
        con.execute(f"DROP TABLE IF EXISTS {t}")


# Lookup tables for the two walks researchers ask most (`cited-by`, `basis`), stored sorted by the node
# asked about, so a query reads one stretch of the table (DuckDB skips the rest by its min/max statistics)
# and joins nothing. An ART index is slower here: it fetches matching rows one by one.
# - `citing`: each `cites` edge with the citing document's node row, written in the order `cited-by`
#   lists them (strongest relation, then date). DuckDB returns rows in the order they were written when a
#   query has no ORDER BY (its default `preserve_insertion_order`), so a first page is a filter and a
#   LIMIT, not a sort of every citing row.
# - `bases`: each `basis` edge, narrow (a chain's rows lie scattered over the table, and DuckDB pays per
#   column for every stretch it reads); the nodes come from `nodes`.
CITING_ORDER = f"e.target, {relation_rank_sql('e.relation')}, coalesce(n.date, ''), n.id"


def _adjacency(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        f"""CREATE OR REPLACE TABLE citing AS
        SELECT e.target AS cited, e.relation AS edge_relation, e.sentence AS edge_sentence,
               e.section AS edge_section, e.mentions AS edge_mentions, n.*
        FROM edges e JOIN nodes n ON n.id = e.source WHERE e.kind = 'cites' ORDER BY {CITING_ORDER}"""
    )
    con.execute(
        """CREATE OR REPLACE TABLE bases AS
        SELECT source AS citing_id, target AS id, sentence AS edge_sentence
        FROM edges WHERE kind = 'cites' AND relation = 'basis' ORDER BY citing_id, id"""
    )


def citation_digraph(g: nx.MultiDiGraph) -> nx.DiGraph:
    """Documents and `cites` edges only: what in-degree and PageRank are computed on."""
    import networkx as nx

    d = nx.DiGraph()
    d.add_nodes_from(n for n, k in g.nodes(data="kind") if k == "document")
    d.add_edges_from((u, v) for u, v, k in g.edges(keys=True) if k == "cites")
    return d


# ---------------------------------------------------------------- store round trip


def load_graph(con: duckdb.DuckDBPyConnection) -> nx.MultiDiGraph:
    """The graph as last written to the store."""
    import networkx as nx

    g = nx.MultiDiGraph()
    cols = ", ".join(f'"{c}"' for c in NODE_COLUMNS)
    for row in con.execute(f"SELECT {cols} FROM nodes ORDER BY id").fetchall():
        g.add_node(row[0], **dict(zip(NODE_COLUMNS[1:], row[1:], strict=True)))
    cols = ", ".join(f'"{c}"' for c in EDGE_COLUMNS)
    for row in con.execute(f"SELECT {cols} FROM edges ORDER BY source, target, key").fetchall():
        attrs = dict(zip(EDGE_COLUMNS, row, strict=True))
        u, v, key = attrs.pop("source"), attrs.pop("target"), attrs.pop("key")
        g.add_edge(u, v, key=key, **attrs)
    return g


def _citation_fields(con: duckdb.DuckDBPyConnection) -> list[str]:
    stored = {name for name, _ in store.column_types(con, "citations")}  # fields added later stay in the JSON
    return [f for f in Citation.model_fields if f not in ("target_id", "resolved_by") and f in stored]


def _extracted_citations(con: duckdb.DuckDBPyConnection, sql: str) -> Iterator[tuple[Any, Citation]]:
    """(first column, citation as extracted) for each row of `sql`, whose `{cols}` is filled with the
    citation columns, streamed."""
    cols = ", ".join(f'c."{f}"' for f in _citation_fields(con))
    cur = con.execute(sql.format(
        cols=f"{cols}, c.extracted_target_id AS target_id, c.extracted_resolved_by AS resolved_by"
    ))
    names = [d[0] for d in cur.description]
    blank = Citation.model_construct()  # copies of one blank skip pydantic's per-object default handling
    while batch := cur.fetchmany(10_000):
        for row in batch:
            data = dict(zip(names[1:], row[1:], strict=True))
            data["flags"] = list(data["flags"] or [])
            yield row[0], blank.model_copy(update=data)


def _stored_headers(con: duckdb.DuckDBPyConnection) -> Iterator[tuple[str, str, str | None, Metadata]]:
    """(path, doc_id, stored canonical id, header as extracted) of every stored record, streamed."""
    cur = con.execute(
        "SELECT path, doc_id, canonical_id, doc_type, number, symbol, issuer, parent_issuer, place, "
        "issued_date, title, effective_date, own_canonical_id FROM documents ORDER BY path"
    )
    blank = Metadata.model_construct()  # copies of one blank skip pydantic's per-object default handling
    while batch := cur.fetchmany(10_000):
        for (path, doc_id, stored_id, doc_type, number, symbol, issuer, parent, place, issued, title,
             effective, own) in batch:
            yield path, doc_id, stored_id, blank.model_copy(update=dict(
                doc_type=doc_type, number=number, symbol=symbol, issuer=issuer, parent_issuer=parent, place=place,
                issued_date=issued, title=title, effective_date=effective, canonical_id=own,
            ))


# What the corpus pass reads of a citation: mentions alike in these are resolved alike, once.
_RESOLUTION_KEY = (
    "doc_type", "number", "symbol", "date", "name", "extracted_target_id", "extracted_resolved_by", "flags",
)


# What tells mentions apart for the corpus pass, as one text per mention.
_KEY_SQL = "to_json(struct_pack(" + ", ".join(f'"{k}" := c."{k}"' for k in _RESOLUTION_KEY) + "))"
# The first mention of each distinct key, in the order of the corpus (the index keeps first-seen dates).
_DISTINCT_MENTIONS = (
    f"CREATE OR REPLACE TEMP TABLE _mentions AS SELECT {_KEY_SQL} AS _key, * FROM (SELECT DISTINCT ON ("
    + ", ".join(f'"{k}"' for k in _RESOLUTION_KEY)
    + ") * FROM citations ORDER BY path, idx) c ORDER BY c.path, c.idx"
)


def _resolved_streaming(
    con: duckdb.DuckDBPyConnection, doc_updates: list[tuple[str | None, str, str]]
) -> Iterator[tuple[str, str | None, str | None]]:
    """(mention key, target_id, resolved_by) for every distinct mention, after the corpus pass; the
    documents whose canonical id changes are added to `doc_updates` on the way.

    The resolver's two passes (index every full mention and corpus document,
    then resolve the mentions that need it) run over distinct mentions streamed
    from the store, never over the whole corpus in memory.
    """
    con.execute(_DISTINCT_MENTIONS)
    mentions = "SELECT c._key, {cols} FROM _mentions c ORDER BY c.path, c.idx"
    resolver = CorpusResolver()
    for _, c in _extracted_citations(con, mentions):
        resolver.add_citation(c)
    for path, doc_id, stored_id, meta in _stored_headers(con):
        cid = resolver.add_document(meta)
        if cid != stored_id:
            doc_updates.append((cid, cid or f"doc:{doc_id}", path))
    for key, c in _extracted_citations(con, mentions):
        resolver.resolve(c)
        yield key, c.target_id, c.resolved_by
    con.execute("DROP TABLE IF EXISTS _mentions")


def _insert_stream(con: duckdb.DuckDBPyConnection, table: str, rows: Iterator[tuple]) -> None:
    """Insert rows produced while a query on `con` is still being read: through a file, since a
    statement on the same connection would end that query."""
    names = [n for n, _ in store.column_types(con, table)]
    fd, tmp = tempfile.mkstemp(prefix=f"vbgraph-{table}-", suffix=".jsonl")
    try:
        longest = 0
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            for row in rows:
                line = json.dumps(dict(zip(names, row, strict=True)), ensure_ascii=False)
                longest = max(longest, len(line))
                f.write(line + "\n")
        if longest:
            store.read_json_into(con, table, tmp, longest)
    finally:
        os.unlink(tmp)


def resolve_targets(con: duckdb.DuckDBPyConnection) -> int:
    """Run the citation resolver's corpus-level pass; returns the citations changed.

    The records and the `extracted_*` columns keep what extraction found; the
    pass sets `citations.target_id` and the documents' canonical ids, and is
    redone from the extracted values whenever the corpus changes.
    """
    con.execute("CREATE OR REPLACE TEMP TABLE _resolved (path VARCHAR, idx INTEGER, target_id VARCHAR, "
                "resolved_by VARCHAR)")
    doc_updates: list[tuple[str | None, str, str]] = []
    con.execute("CREATE OR REPLACE TEMP TABLE _resolved_key (k VARCHAR, target_id VARCHAR, resolved_by VARCHAR)")
    _insert_stream(con, "_resolved_key", _resolved_streaming(con, doc_updates))
    con.execute(
        f"INSERT INTO _resolved SELECT c.path, c.idx, r.target_id, r.resolved_by "
        f"FROM (SELECT path, idx, target_id, resolved_by, {_KEY_SQL} AS k FROM citations c) c "
        "JOIN _resolved_key r USING (k) "
        "WHERE c.target_id IS DISTINCT FROM r.target_id OR c.resolved_by IS DISTINCT FROM r.resolved_by"
    )
    changed = con.execute("SELECT count(*) FROM _resolved").fetchone()[0]
    con.execute("BEGIN TRANSACTION")
    try:
        if changed:
            con.execute(
                "UPDATE citations SET target_id = r.target_id, resolved_by = r.resolved_by FROM _resolved r "
                "WHERE citations.path = r.path AND citations.idx = r.idx"
            )
        for row in doc_updates:
            con.execute("UPDATE documents SET canonical_id = ?, node_id = ? WHERE path = ?", list(row))
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("DROP TABLE IF EXISTS _resolved")
    con.execute("DROP TABLE IF EXISTS _resolved_key")
    return changed


def build_graph(con: duckdb.DuckDBPyConnection) -> nx.MultiDiGraph:
    """The citation graph of the store's part tables, written to the store and loaded into networkx."""
    build_tables(con)
    return load_graph(con)


def rebuild(con: duckdb.DuckDBPyConnection) -> None:
    """Corpus-level resolution, then the graph tables from the part tables (networkx is not needed:
    `load_graph` reads them when a caller wants the graph itself)."""
    resolve_targets(con)
    build_tables(con)
