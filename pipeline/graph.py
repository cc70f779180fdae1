"""The citation graph, built from the store's part tables (networkx).

Nodes are documents (in the corpus or only cited) and bodies. All mentions of
one document meet in one node, named by the citation's `target_id`; a corpus
record is the node named by its own canonical id, so a cited document that is in
the corpus is one node with its record. Records sharing a canonical id (a text
and its PDF rendering) are one node, whose outgoing edges come from one
representative record (text before PDF), so nothing is counted twice.

The graph is written back to the store (`nodes`, `edges`) so queries run in SQL
without rebuilding it; `load_graph` reads it back into networkx.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

import duckdb
import networkx as nx

from models.record import Citation, Metadata, Record, Source
from pipeline import store
from pipeline.levels import issuer_level, level_of_name

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
    leading zeros. Uses the citation stage's symbol grammar when present, so names typed on the command
    line meet symbols as the resolver reads them."""
    if not symbol:
        return None
    try:
        from pipeline.citations.symbols import symbol_from_text
        from pipeline.citations.symbols import symbol_key as grammar_key
    except ImportError:
        return plain_symbol_key(symbol)
    for text in (symbol, symbol.upper()):
        try:
            sym = symbol_from_text(text)
            if sym is not None:
                return grammar_key(sym)
        except Exception:  # a grammar bug must not break lookups: fall back to plain folding
            break
    return plain_symbol_key(symbol)


def plain_symbol_key(symbol: str) -> str | None:
    """Case, spaces and separators folded, without a symbol grammar."""
    s = re.sub(r"\s+", "", symbol).upper()
    s = re.sub(r"^SỐ:?", "", s)
    return re.sub(r"[/\-–—‐]+", "/", s).strip("/") or None


def body_id(name: str) -> str:
    return f"body:{name}"


def canonical_id_of(metadata: Any) -> str | None:
    """A record's own canonical id: stored in the record, else from the citation resolver when present."""
    if getattr(metadata, "canonical_id", None):
        return metadata.canonical_id
    try:
        from pipeline.citations.resolve import canonical_id_for
    except ImportError:
        return None
    try:
        return canonical_id_for(metadata)
    except Exception:  # a resolver bug must not stop a run; the record keeps its doc_id node
        return None


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


# ---------------------------------------------------------------- building


def _most_common(values: Iterable[Any]) -> Any:
    counts = Counter(v for v in values if v not in (None, ""))
    return counts.most_common(1)[0][0] if counts else None


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def representatives(documents: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Records grouped by node id, the representative first (text before PDF, then by path).

    A record without a canonical id whose file stem is shared with records that have
    exactly one (a PDF rendering whose header did not read) joins their node.
    """
    ids_of_stem: dict[str, set[str]] = defaultdict(set)
    for d in documents:
        if d["canonical_id"]:
            ids_of_stem[d["doc_id"]].add(d["node_id"])
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for d in documents:
        node = d["node_id"]
        if not d["canonical_id"] and len(ids_of_stem.get(d["doc_id"], ())) == 1:
            node = next(iter(ids_of_stem[d["doc_id"]]))
        groups[node].append(d)
    for rows in groups.values():
        rows.sort(key=lambda d: (d["format"] == "pdf", d["path"]))
    return groups


def build_graph(con: duckdb.DuckDBPyConnection) -> nx.MultiDiGraph:
    """The citation graph from the part tables of the store."""
    g = nx.MultiDiGraph()
    groups = representatives(_rows(con, "SELECT * FROM documents ORDER BY path"))
    rep_of = {rows[0]["path"]: node for node, rows in groups.items()}
    g.graph["node_of_path"] = {r["path"]: node for node, rows in groups.items() for r in rows}

    for node, rows in groups.items():
        d = rows[0]
        g.add_node(
            node, kind="document", doc_type=d["doc_type"], number=d["number"], symbol=d["symbol"],
            date=d["issued_date"], issuer=d["issuer"], title=d["title"], name=None,
            level=issuer_level(d["issuer"], d["symbol"]), in_corpus=True,
            doc_ids=sorted({r["doc_id"] for r in rows}), paths=[r["path"] for r in rows],
        )
        if d["issuer"]:
            issuer = store.body_name(None, d["issuer"])
            _add_body(g, issuer)
            g.add_edge(node, body_id(issuer), key="issued_by", kind="issued_by", path=d["path"], mentions=1)

    _add_citations(con, g, rep_of)
    _add_assignments(con, g, rep_of)
    _finish(g)
    return g


def _add_body(g: nx.MultiDiGraph, name: str) -> None:
    bid = body_id(name)
    if bid not in g:
        g.add_node(bid, kind="body", name=name, level=level_of_name(name), in_corpus=False, tasks=0)


def _add_citations(con: duckdb.DuckDBPyConnection, g: nx.MultiDiGraph, rep_of: dict[str, str]) -> None:
    cited: dict[str, list[dict[str, Any]]] = defaultdict(list)
    edges: dict[tuple[str, str], dict[str, Any]] = {}
    for c in _rows(
        con,
        "SELECT path, idx, doc_type, number, symbol, date, issuer, name, title, relation, target_id, section, "
        "sentence FROM citations WHERE target_id IS NOT NULL ORDER BY path, idx",
    ):
        target = c["target_id"]
        cited[target].append(c)
        source = rep_of.get(c["path"])
        if source is None or source == target:  # a second rendering, or the document citing itself
            continue
        e = edges.get((source, target))
        if e is None:
            edges[(source, target)] = {
                "relation": c["relation"], "sentence": c["sentence"], "section": c["section"],
                "path": c["path"], "mentions": 1,
            }
            continue
        e["mentions"] += 1
        if RELATION_RANK.get(c["relation"], 9) < RELATION_RANK.get(e["relation"], 9):
            e.update(relation=c["relation"], sentence=c["sentence"], section=c["section"])

    for target, mentions in cited.items():
        if target not in g:
            g.add_node(
                target, kind="document", in_corpus=False,
                doc_type=_most_common(m["doc_type"] for m in mentions),
                number=_most_common(m["number"] for m in mentions),
                symbol=_most_common(m["symbol"] for m in mentions),
                date=_most_common(m["date"] for m in mentions),
                issuer=_most_common(m["issuer"] for m in mentions),
                title=_most_common(m["title"] for m in mentions),
                name=_most_common(m["name"] for m in mentions),
                doc_ids=[], paths=[],
            )
            attrs = g.nodes[target]
            attrs["level"] = issuer_level(attrs["issuer"], attrs["symbol"])
        g.nodes[target]["mentions"] = len(mentions)
    for (source, target), e in edges.items():
        g.add_edge(source, target, key="cites", kind="cites", **e)


def _add_assignments(con: duckdb.DuckDBPyConnection, g: nx.MultiDiGraph, rep_of: dict[str, str]) -> None:
    deadlines: dict[tuple[str, int], list[str]] = defaultdict(list)
    for path, value, text, links in con.execute("SELECT path, value, text, assignments FROM deadlines").fetchall():
        for i in links or []:
            deadlines[(path, i)].append(value or text)
    goals: dict[tuple[str, int], list[str]] = defaultdict(list)
    for path, text, links in con.execute("SELECT path, text, assignments FROM targets").fetchall():
        for i in links or []:
            goals[(path, i)].append(text)
    for a in _rows(con, "SELECT * FROM assignments ORDER BY path, idx"):
        source = rep_of.get(a["path"])
        if source is None:
            continue
        name = store.body_name(a["body_canonical"], a["body"])
        _add_body(g, name)
        g.nodes[body_id(name)]["tasks"] += 1
        key = (a["path"], a["idx"])
        g.add_edge(
            source, body_id(name), key=f"assigns:{a['idx']}", kind="assigns", role=a["role"], task=a["task"],
            section=a["section"], deadline="; ".join(deadlines[key]) or None, goal="; ".join(goals[key]) or None,
            path=a["path"], mentions=1,
        )


def citation_digraph(g: nx.MultiDiGraph) -> nx.DiGraph:
    """Documents and `cites` edges only: what in-degree and PageRank are computed on."""
    d = nx.DiGraph()
    d.add_nodes_from(n for n, k in g.nodes(data="kind") if k == "document")
    d.add_edges_from((u, v) for u, v, k in g.edges(keys=True) if k == "cites")
    return d


def pagerank(d: nx.DiGraph) -> dict[str, float]:
    """PageRank without requiring scipy (networkx's default needs it)."""
    if d.number_of_nodes() == 0:
        return {}
    try:
        return nx.pagerank(d)
    except ImportError:
        from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python

        return _pagerank_python(d)


def _finish(g: nx.MultiDiGraph) -> None:
    """Derived attributes: times cited, PageRank, labels, symbol keys."""
    cites = citation_digraph(g)
    ranks = pagerank(cites)
    for n, a in g.nodes(data=True):
        a.setdefault("mentions", 0)
        if a["kind"] == "document":
            a["times_cited"] = sum(1 for s in cites.predecessors(n) if g.nodes[s].get("in_corpus"))
            a["pagerank"] = ranks.get(n, 0.0)
            a["symbol_key"] = symbol_key(a.get("symbol"))
            a["label"] = document_label(
                a.get("doc_type"), a.get("symbol"), a.get("number"), a.get("date"), a.get("issuer"),
                a.get("name") or a.get("title"), fallback=(a.get("doc_ids") or [n])[0],
            )
        else:
            a["times_cited"] = 0
            a["pagerank"] = 0.0
            a["label"] = a["name"]


# ---------------------------------------------------------------- store round trip


def write_graph(con: duckdb.DuckDBPyConnection, g: nx.MultiDiGraph) -> None:
    """Replace the store's `nodes` and `edges` with `g`, in one transaction."""
    node_rows = [
        tuple([n] + [a.get(c, [] if c in ("doc_ids", "paths") else None) for c in NODE_COLUMNS[1:]])
        for n, a in g.nodes(data=True)
    ]
    edge_rows = [tuple([u, v, a["kind"], k] + [a.get(c) for c in EDGE_COLUMNS[4:]]) for u, v, k, a in g.edges(keys=True, data=True)]
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM nodes")
        con.execute("DELETE FROM edges")
        store.insert_rows(con, "nodes", node_rows)
        store.insert_rows(con, "edges", edge_rows)
        stored = dict(con.execute("SELECT path, node_id FROM documents").fetchall())
        for path, node in g.graph.get("node_of_path", {}).items():
            if stored.get(path) != node:
                con.execute("UPDATE documents SET node_id = ? WHERE path = ?", [node, path])
        store.set_meta(con, "graph_stale", "0")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def load_graph(con: duckdb.DuckDBPyConnection) -> nx.MultiDiGraph:
    """The graph as last written to the store."""
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


def records_for_resolution(con: duckdb.DuckDBPyConnection) -> list[tuple[str, Record]]:
    """Each stored record's headers and citations as extracted, rebuilt from the part tables.

    Much lighter than parsing the full records: no text, no validation (the
    rows were validated records when stored).
    """
    cits: dict[str, list[Citation]] = defaultdict(list)
    stored = {name for name, _ in store.column_types(con, "citations")}  # fields added later stay in the JSON
    fields = [f for f in Citation.model_fields if f not in ("target_id", "resolved_by") and f in stored]
    cols = ", ".join(f'"{f}"' for f in fields)
    for row in _rows(
        con,
        f"SELECT path, {cols}, extracted_target_id AS target_id, extracted_resolved_by AS resolved_by "
        "FROM citations ORDER BY path, idx",
    ):
        path = row.pop("path")
        row["flags"] = list(row["flags"] or [])
        cits[path].append(Citation.model_construct(**row))
    out = []
    for d in _rows(con, "SELECT * FROM documents ORDER BY path"):
        meta = Metadata.model_construct(
            doc_type=d["doc_type"], number=d["number"], symbol=d["symbol"], issuer=d["issuer"],
            parent_issuer=d["parent_issuer"], place=d["place"], issued_date=d["issued_date"], title=d["title"],
            effective_date=d["effective_date"], canonical_id=d["own_canonical_id"],
        )
        source = Source.model_construct(path=d["path"], format=d["format"], sha256=d["sha256"], pages=d["pages"])
        out.append((d["path"], Record.model_construct(
            doc_id=d["doc_id"], source=source, text="", metadata=meta, citations=cits.get(d["path"], []),
        )))
    return out


def resolve_targets(con: duckdb.DuckDBPyConnection) -> int:
    """Run the citation resolver's corpus-level pass, when there is one; returns citations changed.

    The records and the `extracted_*` columns keep what extraction found; the
    pass sets `citations.target_id` and the documents' canonical ids, and is
    redone from the extracted values whenever the corpus changes.
    """
    try:
        from pipeline.citations.resolve import resolve_corpus
    except ImportError:
        return 0
    loaded = records_for_resolution(con)
    if not loaded:
        return 0
    paths = [p for p, _ in loaded]
    records = [r for _, r in loaded]
    result = resolve_corpus(records)
    resolved = list(result) if result is not None else records
    current = {
        (p, i): (t, rb)
        for p, i, t, rb in con.execute("SELECT path, idx, target_id, resolved_by FROM citations").fetchall()
    }
    updates = [
        (c.target_id, c.resolved_by, path, i)
        for path, record in zip(paths, resolved, strict=True)
        for i, c in enumerate(record.citations)
        if current.get((path, i), (c.target_id, c.resolved_by)) != (c.target_id, c.resolved_by)
    ]
    stored_ids = dict(con.execute("SELECT path, canonical_id FROM documents").fetchall())
    doc_updates = []
    for path, record in zip(paths, resolved, strict=True):
        cid = canonical_id_of(record.metadata)
        if cid != stored_ids.get(path):
            doc_updates.append((cid, cid or f"doc:{record.doc_id}", path))
    con.execute("BEGIN TRANSACTION")
    try:
        if updates:
            con.execute("CREATE TEMP TABLE IF NOT EXISTS _resolved (path VARCHAR, idx INTEGER, target_id VARCHAR, "
                        "resolved_by VARCHAR)")
            con.execute("DELETE FROM _resolved")
            store.insert_rows(con, "_resolved", [(p, i, t, rb) for t, rb, p, i in updates])
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
    return len(updates)


def rebuild(con: duckdb.DuckDBPyConnection) -> nx.MultiDiGraph:
    """Corpus-level resolution, then the graph from the part tables, written to the store."""
    resolve_targets(con)
    g = build_graph(con)
    write_graph(con, g)
    return g
