"""Pydantic models of the citation graph's nodes and edges and of query results.

The graph has two kinds of node (documents, bodies) and three kinds of edge:
document -> document `cites`, document -> body `issued_by` and `assigns`.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field

NodeKind = Literal["document", "body"]
EdgeKind = Literal["cites", "issued_by", "assigns"]
Level = Literal["central", "province", "district", "commune"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @classmethod
    def from_row(cls, **values: Any) -> Self:
        """An instance of values already valid (a row the graph build wrote), made without validation.

        Like `model_construct`, minus pydantic's per-field default handling, which dominates a query
        returning tens of thousands of rows; `None` and missing values take the field's default
        (a fresh one for mutable defaults).
        """
        given = {k: v for k, v in values.items() if v is not None}
        plain, factories, required = _defaults(cls)
        data = {**plain, **given}
        for name, factory in factories.items():
            if name not in given:
                data[name] = factory()
        missing = [name for name in required if name not in given]
        if missing:
            raise ValueError(f"{cls.__name__}.{missing[0]} is required")
        obj = cls.__new__(cls)
        object.__setattr__(obj, "__dict__", data)
        object.__setattr__(obj, "__pydantic_fields_set__", set(given))
        object.__setattr__(obj, "__pydantic_extra__", None)
        object.__setattr__(obj, "__pydantic_private__", None)
        return obj


@cache
def _defaults(cls: type[BaseModel]) -> tuple[dict[str, Any], dict[str, Any], tuple[str, ...]]:
    """A model's plain default values, its default factories, and its required fields."""
    fields = cls.model_fields
    plain = {n: f.default for n, f in fields.items() if not f.is_required() and f.default_factory is None}
    factories = {n: f.default_factory for n, f in fields.items() if f.default_factory is not None}
    return plain, factories, tuple(n for n, f in fields.items() if f.is_required())


class Node(_Model):
    """A document (in the corpus or only cited) or a body."""

    id: str = Field(description="canonical id of a document (citation target_id scheme), or 'body:<name>'")
    kind: NodeKind
    label: str = Field(description="human label, e.g. 'Chỉ thị 48-CT/TW (22/10/2010) của Ban Bí thư'")
    doc_type: str | None = None
    number: str | None = None
    symbol: str | None = None
    date: str | None = None
    issuer: str | None = None
    title: str | None = None
    name: str | None = Field(None, description="name of a document cited without a symbol, or of a body")
    level: Level | None = Field(None, description="issuer level (documents) or level of the body")
    in_corpus: bool = False
    doc_ids: list[str] = Field(default_factory=list, description="file stems of the corpus records of this node")
    paths: list[str] = Field(default_factory=list, description="stored paths of those records (text, PDF ...)")
    times_cited: int = Field(0, description="distinct corpus documents citing it")
    mentions: int = Field(0, description="citations of it, all documents together")
    pagerank: float = 0.0
    tasks: int = Field(0, description="bodies: assignments given to it")


class Edge(_Model):
    source: str
    target: str
    kind: EdgeKind
    key: str
    relation: str | None = Field(None, description="cites: basis, replaces, amends or mentions")
    sentence: str | None = Field(None, description="cites: the citing sentence (first mention)")
    section: str | None = Field(None, description="section path of the citing mention or of the task")
    role: str | None = Field(None, description="assigns: lead, support, requested")
    task: str | None = None
    deadline: str | None = Field(None, description="assigns: deadline value(s) linked to the task")
    goal: str | None = Field(None, description="assigns: target(s) linked to the task, as printed")
    mentions: int = 1
    path: str | None = Field(None, description="stored path of the record the edge comes from")


class BasisTree(_Model):
    """A document and the documents it rests on, recursively."""

    node: Node
    relation: str | None = None
    sentence: str | None = None
    bases: list[BasisTree] = Field(default_factory=list)
    seen: bool = Field(False, description="already shown higher in the tree (a cycle or a shared basis)")


class Citing(_Model):
    """A document citing the asked one, and how."""

    node: Node
    relation: str
    sentence: str | None = None
    section: str | None = None
    mentions: int = 1


class Ranked(_Model):
    node: Node
    in_degree: int
    pagerank: float


class SharedBasis(_Model):
    node: Node
    shared: list[str] = Field(description="labels of the bases both documents rest on")


class BodyStats(_Model):
    body: str
    level: Level | None = None
    documents: int
    tasks: int
    lead: int
    support: int
    requested: int
    deadlines: int


class DeadlineRow(_Model):
    doc_id: str
    path: str
    value: str | None
    kind: str
    text: str
    task: str | None = None
    body: str | None = None


class TargetRow(_Model):
    doc_id: str
    path: str
    metric: str | None
    comparator: str
    value: float
    value_max: float | None = None
    unit: str | None = None
    text: str


class RunSummary(_Model):
    """What `vbgraph run` did and what the store now holds."""

    db: str
    files: int = 0
    processed: int = 0
    unchanged: int = 0
    removed: int = 0
    failed: int = 0
    records: int = Field(0, description="records stored (a text and its PDF rendering are two)")
    documents: int = Field(0, description="distinct corpus documents (graph nodes)")
    errors: int = 0
    citations: int = 0
    cited_documents: int = 0
    bodies: int = 0
    deadlines: int = 0
    targets: int = 0
    nodes: int = 0
    edges: int = 0
    seconds: float = 0.0
    graph_rebuilt: bool = False
