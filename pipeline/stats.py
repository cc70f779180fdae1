"""What a corpus graph holds, in figures a researcher checks before trusting it.

How many documents were read and how many are known only because they are
cited; edges by relation; how many citations land on a document of the corpus
(the rest point outside it); the largest connected component; the longest
chain of legal bases. Read from the store's tables, so it costs one pass.
"""

from __future__ import annotations

import duckdb
import networkx as nx
from pydantic import BaseModel, Field


class CorpusStats(BaseModel):
    records: int = Field(description="records in the store (a text and its PDF rendering are two)")
    errors: int = Field(description="files that could not be read")
    documents: int = Field(description="document nodes with a record in the corpus")
    cited_only: int = Field(description="document nodes known only from citations")
    bodies: int
    edges_by_relation: dict[str, int] = Field(description="cites edges by relation, plus issued_by and assigns")
    citations: int = Field(description="citation mentions")
    citations_resolved: int = Field(description="mentions with a canonical target id")
    citations_to_corpus: int = Field(description="mentions whose target is a corpus document")
    share_to_corpus: float = Field(description="citations_to_corpus / citations_resolved")
    largest_component: int = Field(description="documents in the largest weakly connected component")
    components: int = Field(description="weakly connected components of the citation graph")
    longest_basis_chain: list[str] = Field(description="node ids from a document down to its deepest basis")


def basis_digraph(con: duckdb.DuckDBPyConnection) -> nx.DiGraph:
    """Documents and their basis edges only (citing document -> the document it rests on)."""
    d = nx.DiGraph()
    d.add_edges_from(
        con.execute("SELECT source, target FROM edges WHERE kind = 'cites' AND relation = 'basis'").fetchall()
    )
    return d


def longest_chain(d: nx.DiGraph) -> list[str]:
    """The longest path of a directed graph; cycles (mutual citations) are collapsed first."""
    if d.number_of_nodes() == 0:
        return []
    dag = nx.condensation(d)
    path = nx.dag_longest_path(dag)
    members = dag.graph["mapping"]
    inverse: dict[int, str] = {}
    for node, comp in members.items():
        inverse.setdefault(comp, node)
    return [inverse[c] for c in path]


def corpus_stats(con: duckdb.DuckDBPyConnection) -> CorpusStats:
    """Figures of the store behind `con` (the graph tables must be built: `vbgraph run` does it)."""

    def one(sql: str) -> int:
        row = con.execute(sql).fetchone()
        return int(row[0] or 0) if row else 0

    relations = dict(
        con.execute(
            "SELECT CASE WHEN kind = 'cites' THEN coalesce(relation, 'mentions') ELSE kind END AS k, count(*) "
            "FROM edges GROUP BY k ORDER BY k"
        ).fetchall()
    )
    resolved = one("SELECT count(*) FROM citations WHERE target_id IS NOT NULL")
    to_corpus = one(
        "SELECT count(*) FROM citations c JOIN nodes n ON n.id = c.target_id WHERE n.in_corpus"
    )
    cites = nx.Graph()
    cites.add_nodes_from(r[0] for r in con.execute("SELECT id FROM nodes WHERE kind = 'document'").fetchall())
    cites.add_edges_from(con.execute("SELECT source, target FROM edges WHERE kind = 'cites'").fetchall())
    components = list(nx.connected_components(cites)) if cites.number_of_nodes() else []
    return CorpusStats(
        records=one("SELECT count(*) FROM documents"),
        errors=one("SELECT count(*) FROM errors"),
        documents=one("SELECT count(*) FROM nodes WHERE kind = 'document' AND in_corpus"),
        cited_only=one("SELECT count(*) FROM nodes WHERE kind = 'document' AND NOT coalesce(in_corpus, false)"),
        bodies=one("SELECT count(*) FROM nodes WHERE kind = 'body'"),
        edges_by_relation=relations,
        citations=one("SELECT count(*) FROM citations"),
        citations_resolved=resolved,
        citations_to_corpus=to_corpus,
        share_to_corpus=round(to_corpus / resolved, 4) if resolved else 0.0,
        largest_component=max((len(c) for c in components), default=0),
        components=len(components),
        longest_basis_chain=longest_chain(basis_digraph(con)),
    )
