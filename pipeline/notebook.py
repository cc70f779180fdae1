"""Helpers for the notebooks in `notebooks/`: the store, saved figures, timelines and graph views.

The notebooks are read top to bottom by newcomers, so their cells stay short
and the logic lives here, tested like any module. Nothing here is needed to run
the pipeline: matplotlib and spaCy's displaCy are imported only by the
functions that draw.

Where things are:
- the store is the one `vbgraph run corpus/` builds (`store.DEFAULT_DB` at the
  repository root), or the file named by the `VBGRAPH_DB` environment variable;
  it is built from `corpus/` when missing, so the notebooks run on a fresh clone;
- figures, HTML views and CSV exports go to `out/notebooks/`, or to the folder
  named by `VBGRAPH_OUT`.
"""

from __future__ import annotations

import html
import os
import re
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import networkx as nx

from models.graph import BasisTree, BodyStats, DeadlineRow, Ranked
from models.record import Record, Section
from pipeline import graph, store
from pipeline.levels import LEVELS
from pipeline.queries import open_store, value_span
from pipeline.show import metadata_rows, outline

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from spacy.tokens import Doc as SpacyDoc

DB_ENV = "VBGRAPH_DB"
OUT_ENV = "VBGRAPH_OUT"
NO_BODY = "(no body stated)"
FONT = "DejaVu Sans"  # ships with matplotlib and has every Vietnamese glyph

# One colour per issuer level (and for documents whose level is unknown), used by every graph view.
LEVEL_COLOURS = {"central": "#c0392b", "province": "#2471a3", "district": "#229954", "commune": "#d68910", None: "#95a5a6"}
# displaCy span colours: one hue per kind, the first detail (e.g. citation: basis) the strongest shade.
KIND_SHADES = {
    "citation": ["#f1948a", "#f5b7b1", "#fadbd8", "#fdedec"],
    "deadline": ["#85c1e9", "#aed6f1", "#d6eaf8", "#ebf5fb"],
    "target": ["#82e0aa", "#abebc6", "#d5f5e3"],
    "assignment": ["#f7dc6f", "#f9e79f", "#fcf3cf"],
}
DETAIL_ORDER = ["basis", "replaces", "amends", "mentions", "deadline", "period", "event", "recurring",
                "lead", "support", "requested"]


# ---------------------------------------------------------------- where things are


def repo_root(start: str | Path | None = None) -> Path:
    """The repository folder: the nearest ancestor of `start` (default: the working folder) with a
    `pyproject.toml` and a `corpus/` folder. A notebook runs in `notebooks/`, so this is its parent."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "pyproject.toml").is_file() and (folder / "corpus").is_dir():
            return folder
    raise FileNotFoundError(f"no vbgraph repository (pyproject.toml and corpus/) at or above {here}")


def store_path(root: Path) -> Path:
    """The store the notebooks read: `$VBGRAPH_DB`, else the one `vbgraph run corpus/` writes at the root."""
    env = os.environ.get(DB_ENV)
    return Path(env) if env else root / store.DEFAULT_DB


def output_dir(root: Path) -> Path:
    """Where figures, HTML views and CSV files go (`$VBGRAPH_OUT`, else `out/notebooks/`); created."""
    env = os.environ.get(OUT_ENV)
    folder = Path(env) if env else root / "out" / "notebooks"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def store_is_complete(db: Path) -> bool:
    """Whether `db` holds documents and an up-to-date graph (an interrupted run leaves it stale)."""
    if not db.exists():
        return False
    con = store.connect(db, read_only=True)
    try:
        documents = con.execute("SELECT count(*) FROM documents").fetchone()[0]
        return bool(documents) and store.get_meta(con, "graph_stale") == "0"
    except duckdb.Error:  # an older or foreign file: let `run_corpus` bring it up to date
        return False
    finally:
        con.close()


def open_or_build_store(db: str | Path, corpus: str | Path, jobs: int = 1) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the store at `db`, built (or completed) from `corpus` first if needed."""
    db = Path(db)
    if not store_is_complete(db):
        from pipeline.runner import run_corpus

        db.parent.mkdir(parents=True, exist_ok=True)
        summary = run_corpus(corpus, db, jobs=jobs)
        print(f"built {db}: {summary.documents} documents, {summary.citations} citations, {summary.errors} errors")
    return open_store(db)


# ---------------------------------------------------------------- figures


def use_vietnamese_font() -> None:
    """Draw text in a font with Vietnamese glyphs (the default may lack stacked diacritics)."""
    import matplotlib as mpl
    from matplotlib import font_manager

    font_manager.findfont(FONT, fallback_to_default=False)  # raises if the font is missing
    mpl.rcParams["font.family"] = FONT
    mpl.rcParams["axes.titleweight"] = "bold"


def save_figure(fig: Figure, folder: Path, name: str) -> Path:
    """Save `fig` as `<folder>/<name>.png` (150 dpi, tight) and return the path."""
    path = Path(folder) / f"{name}.png"
    fig.savefig(path, dpi=150, bbox_inches="tight", facecolor="white")
    return path


def save_text(folder: Path, name: str, text: str) -> Path:
    """Write an HTML view or other text output as `<folder>/<name>` (UTF-8)."""
    path = Path(folder) / name
    path.write_text(text, encoding="utf-8")
    return path


def shorten(text: str | None, limit: int = 50) -> str:
    """One line of at most `limit` characters, an ellipsis marking a cut."""
    text = re.sub(r"\s+", " ", text or "").strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# ---------------------------------------------------------------- one record


def record_counts(record: Record) -> dict[str, int]:
    """How many items of each part the record holds."""
    return {
        part: len(getattr(record, part))
        for part in ("sections", "citations", "deadlines", "targets", "assignments", "footnotes", "tables", "warnings")
    }


def metadata_table(record: Record) -> list[tuple[str, str]]:
    """The metadata as (field, value) rows, lists joined one per line."""
    return [(name, "\n".join(v) if isinstance(v, list) else str(v)) for name, v in metadata_rows(record)]


def section_outline(sections: list[Section], width: int = 100) -> str:
    """The section tree as an indented outline, one section a line."""
    lines: list[str] = []

    def walk(nodes: list[Any], depth: int) -> None:
        for node in nodes:
            s = node.section
            lines.append("  " * depth + shorten(f"{s.label} {s.heading}", width - 2 * depth))
            walk(node.children, depth + 1)

    walk(outline(sections), 0)
    return "\n".join(lines)


def item_label(kind: str, item: Any) -> str:
    """The displaCy label of one extracted item: its kind and what kind of it."""
    detail = {
        "citation": lambda c: c.relation,
        "deadline": lambda d: d.kind,
        "target": lambda t: t.direction or "target",
        "assignment": lambda a: a.role,
    }[kind](item)
    return f"{kind}: {detail}"


def highlight_doc(record: Record, key: str = "all") -> tuple[SpacyDoc, dict[str, Any]]:
    """A spaCy Doc of the record with every item in one span group `key`, and displaCy options
    colouring spans by kind, for `displacy.render(doc, style="span", options=options)`."""
    from pipeline.nlp import SPAN_KEYS, record_to_spacy

    doc = record_to_spacy(record)
    kind_of = {"citations": "citation", "deadlines": "deadline", "targets": "target", "assignments": "assignment"}
    spans = []
    for group in SPAN_KEYS:
        kind = kind_of[group]
        for span in doc.spans[group]:
            item = span._.get(kind)
            spans.append(doc.char_span(span.start_char, span.end_char, label=item_label(kind, item)) or span)
    doc.spans[key] = sorted(spans, key=lambda s: (s.start, s.end))
    return doc, {"spans_key": key, "colors": span_colours({s.label_ for s in doc.spans[key]})}


def span_colours(labels: Iterable[str]) -> dict[str, str]:
    """A colour per `kind: detail` label: the kind's hue, darker for the details that matter most."""
    colours: dict[str, str] = {}
    by_kind: dict[str, list[str]] = {}
    for label in labels:
        kind, _, detail = label.partition(": ")
        by_kind.setdefault(kind, []).append(detail)
    for kind, details in by_kind.items():
        shades = KIND_SHADES.get(kind, ["#d5d8dc"])
        rank = sorted(set(details), key=lambda x: (DETAIL_ORDER.index(x) if x in DETAIL_ORDER else 99, x))
        for i, detail in enumerate(rank):
            colours[f"{kind}: {detail}"] = shades[min(i, len(shades) - 1)]
    return colours


_TEXT_BREAK = re.compile(r"(?<!>)(\n+) (?! )")


def render_spans(doc: SpacyDoc, options: dict[str, Any], page: bool = False) -> str:
    """displaCy's span view (`displacy.render(doc, style="span", ...)`) with the text's line breaks kept.

    displaCy prints a line break as a space, which runs a directive's numbered items together; a
    newline token comes out as newlines and one space (the template's own newlines follow a tag or
    precede a tag or an indent), so those become `<br>`.
    """
    from spacy import displacy

    markup = displacy.render(doc, style="span", options=options, page=page, jupyter=False)
    return _TEXT_BREAK.sub(lambda m: "<br>" * len(m[1]), markup)


def iframe(page: str, height: int = 600) -> str:
    """A standalone HTML page wrapped in an `<iframe srcdoc>` (inside a `<div>`), so its styles and
    script stay inside it and it needs no file server."""
    return (
        f'<div><iframe srcdoc="{html.escape(page, quote=True)}" '
        f'style="width:100%;height:{height}px;border:1px solid #ccc"></iframe></div>'
    )


# ---------------------------------------------------------------- the citation graph


def citation_graph(g: nx.MultiDiGraph) -> nx.DiGraph:
    """Documents and their `cites` edges, with the node and edge attributes of the store's graph."""
    d = graph.citation_digraph(g)
    for n in d:
        d.nodes[n].update(g.nodes[n])
    for u, v in d.edges:
        d.edges[u, v].update(g.edges[u, v, "cites"])
    return d


def short_label(attrs: dict[str, Any]) -> str:
    """A node's label for a crowded drawing: its symbol, else its file stem, else its label cut short."""
    if attrs.get("symbol") and re.search(r"\d", attrs["symbol"]):
        return attrs["symbol"]
    if attrs.get("doc_ids"):
        return shorten(attrs["doc_ids"][0], 28)
    return shorten(attrs.get("label") or attrs.get("name"), 30)


def layout(d: nx.DiGraph, seed: int = 7, spread: float = 2.0) -> dict[str, tuple[float, float]]:
    """Node positions, reproducible (fixed seed): each connected part laid out on its own (spring
    layout), parts packed in rows, largest first, so small parts do not drift to the edges."""
    if not d:
        return {}
    u = nx.Graph(d.to_undirected())
    parts = sorted(nx.connected_components(u), key=lambda c: (-len(c), min(c)))
    placed: list[tuple[set[str], dict[str, Any], float]] = []
    for part in parts:
        sub = u.subgraph(part)
        radius = max(1.2, len(part) ** 0.5)  # area grows with the number of documents
        if len(part) == 1:
            local = {next(iter(part)): (0.0, 0.0)}
        else:
            k = spread / len(part) ** 0.5
            local = nx.spring_layout(sub, k=k, seed=seed, iterations=200, scale=radius)
        placed.append((part, local, radius))
    width = max(2 * placed[0][2], sum((2 * r) ** 2 for _, _, r in placed) ** 0.5 * 1.1)
    pos: dict[str, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for _, local, radius in placed:
        if x > 0 and x + 2 * radius > width:
            x, y, row_height = 0.0, y - row_height - 0.4, 0.0
        for n, (px, py) in local.items():
            pos[n] = (x + radius + float(px), y - radius + float(py))
        x += 2 * radius + 0.4
        row_height = max(row_height, 2 * radius)
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    scale = max(max(xs) - min(xs), max(ys) - min(ys)) / 2 or 1.0
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return {n: ((px - cx) / scale, (py - cy) / scale) for n, (px, py) in pos.items()}


def plot_citation_graph(
    d: nx.DiGraph, pos: dict[str, tuple[float, float]] | None = None, labels: int = 12, ax: Axes | None = None
) -> Figure:
    """The citation graph: colour = issuer level, squares = corpus documents, size = times cited,
    dark edges = legal basis. The corpus documents and the `labels` most-cited documents are named."""
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    pos = pos or layout(d)
    if ax is None:
        fig, ax = plt.subplots(figsize=(13, 10))
    fig = ax.figure
    for in_corpus, shape in ((False, "o"), (True, "s")):
        nodes = [n for n in d if bool(d.nodes[n].get("in_corpus")) == in_corpus]
        nx.draw_networkx_nodes(
            d, pos, nodelist=nodes, ax=ax, node_shape=shape,
            node_color=[LEVEL_COLOURS.get(d.nodes[n].get("level"), LEVEL_COLOURS[None]) for n in nodes],
            node_size=[60 + 90 * (d.nodes[n].get("times_cited") or 0) for n in nodes],
            edgecolors="black" if in_corpus else "white", linewidths=1.2 if in_corpus else 0.5,
        )
    for basis, style in ((False, {"edge_color": "#b3b6b7", "width": 0.6}), (True, {"edge_color": "#34495e", "width": 1.6})):
        edges = [(u, v) for u, v, r in d.edges(data="relation") if (r == "basis") == basis]
        nx.draw_networkx_edges(d, pos, edgelist=edges, ax=ax, arrowsize=8, node_size=120, **style)
    ranked = sorted(d, key=lambda n: (-(d.nodes[n].get("times_cited") or 0), -(d.nodes[n].get("pagerank") or 0), n))
    named = {n for n in d if d.nodes[n].get("in_corpus")} | set(ranked[:labels])
    nx.draw_networkx_labels(
        d, {n: (x, y + 0.035) for n, (x, y) in pos.items() if n in named},
        labels={n: short_label(d.nodes[n]) for n in named}, font_size=7, font_family=FONT, ax=ax,
    )
    handles = [
        Line2D([], [], marker="o", ls="", color=LEVEL_COLOURS[level], label=level or "level unknown", markersize=8)
        for level in (*LEVELS, None)
    ] + [
        Line2D([], [], marker="s", ls="", markerfacecolor="white", markeredgecolor="black", label="in the corpus"),
        Line2D([], [], color="#34495e", lw=1.6, label="legal basis (căn cứ)"),
        Line2D([], [], color="#b3b6b7", lw=0.8, label="other citation"),
    ]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=True)
    ax.set_title(f"Citation graph: {d.number_of_nodes()} documents, {d.number_of_edges()} citing links")
    ax.set_axis_off()
    return fig


def plot_most_cited(rows: list[Ranked], ax: Axes | None = None) -> Figure:
    """The most-cited documents (`queries.top`): bars = distinct corpus documents citing each,
    coloured by issuer level, PageRank written beside."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    if ax is None:
        fig, ax = plt.subplots(figsize=(12, 1.2 + 0.4 * max(1, len(rows))))
    fig = ax.figure
    names = [shorten(r.node.label, 70) for r in rows]
    ax.barh(names, [r.in_degree for r in rows], color=[LEVEL_COLOURS.get(r.node.level, LEVEL_COLOURS[None]) for r in rows])
    for y, r in enumerate(rows):
        ax.text(r.in_degree, y, f"  PageRank {r.pagerank:.4f}", va="center", fontsize=7)
    ax.invert_yaxis()
    ax.tick_params(axis="y", labelsize=8)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlim(0, max([r.in_degree for r in rows] or [1]) * 1.3)
    ax.set_xlabel("corpus documents citing it (colour = issuer level)")
    ax.set_title("Most-cited documents")
    return fig


def communities(d: nx.DiGraph, seed: int = 1) -> list[set[str]]:
    """Groups of documents citing each other or the same texts (Louvain on the undirected graph),
    largest first; documents with no citation link are left out."""
    u = nx.Graph(d.to_undirected())
    u.remove_nodes_from([n for n in list(u) if u.degree(n) == 0])
    if not u:
        return []
    found = nx.community.louvain_communities(u, seed=seed)
    return sorted(found, key=lambda c: (-len(c), min(c)))


def community_rows(d: nx.DiGraph, groups: list[set[str]]) -> list[dict[str, Any]]:
    """One row per community: its size, the corpus documents in it and its most-cited member."""
    rows = []
    for i, members in enumerate(groups, 1):
        top = max(members, key=lambda n: (d.nodes[n].get("times_cited") or 0, d.nodes[n].get("pagerank") or 0, n))
        rows.append({
            "community": i,
            "documents": len(members),
            "corpus documents": ", ".join(sorted(short_label(d.nodes[n]) for n in members if d.nodes[n].get("in_corpus"))),
            "most cited": shorten(d.nodes[top].get("label"), 90),
            "levels": ", ".join(f"{k}: {v}" for k, v in Counter(d.nodes[n].get("level") or "?" for n in members).most_common()),
        })
    return rows


def level_links(d: nx.DiGraph) -> dict[tuple[str, str], int]:
    """Citing links counted by (level of the citing document, level of the cited one)."""
    return dict(Counter(
        (d.nodes[u].get("level") or "unknown", d.nodes[v].get("level") or "unknown") for u, v in d.edges
    ))


def basis_outline(tree: BasisTree, width: int = 110) -> str:
    """A basis tree (`queries.basis`) as an indented outline; `(see above)` marks a repeat."""
    lines: list[str] = []

    def walk(t: BasisTree, depth: int) -> None:
        where = "" if t.node.in_corpus or depth == 0 else "  [not in corpus]"
        seen = "  (see above)" if t.seen else ""
        lead = "    " * (depth - 1) + "└─ " if depth else ""
        lines.append(lead + shorten(t.node.label, width - len(lead + where + seen)) + where + seen)
        for b in t.bases:
            walk(b, depth + 1)

    walk(tree, 0)
    return "\n".join(lines)


def richest_basis(d: nx.DiGraph) -> str | None:
    """The corpus document stating the most legal bases: a good first example for a basis chain."""
    corpus = [n for n in d if d.nodes[n].get("in_corpus")]
    if not corpus:
        return None
    return max(corpus, key=lambda n: (sum(1 for _, _, r in d.out_edges(n, data="relation") if r == "basis"), d.out_degree(n), n))


# ---------------------------------------------------------------- an offline interactive view

_URL_REFERENCE = re.compile(
    r"""(?:\b(?:src|href|action|poster|data)\s*=\s*["']?\s*(?:https?:)?//)"""
    r"""|(?:url\(\s*["']?\s*(?:https?:)?//)|(?:@import\b)|(?:\bimport\s*\(\s*["'](?:https?:)?//)""",
    re.IGNORECASE,
)


def external_references(page: str) -> list[str]:
    """Places where an HTML page would load something from the network (should be none)."""
    return [page[max(0, m.start() - 20): m.end() + 40] for m in _URL_REFERENCE.finditer(page)]


_VIEW_SCRIPT = """
(function () {
  var root = document.getElementById("%(id)s");
  var svg = root.querySelector("svg"), info = root.querySelector(".vbg-info");
  var view = {x: 0, y: 0, w: %(w)d, h: %(h)d}, drag = null;
  function apply() { svg.setAttribute("viewBox", [view.x, view.y, view.w, view.h].join(" ")); }
  svg.addEventListener("wheel", function (e) {
    e.preventDefault();
    var r = svg.getBoundingClientRect(), f = e.deltaY > 0 ? 1.15 : 1 / 1.15;
    var mx = view.x + (e.clientX - r.left) / r.width * view.w, my = view.y + (e.clientY - r.top) / r.height * view.h;
    view.w *= f; view.h *= f; view.x = mx - (mx - view.x) * f; view.y = my - (my - view.y) * f; apply();
  }, {passive: false});
  svg.addEventListener("mousedown", function (e) { drag = {x: e.clientX, y: e.clientY, vx: view.x, vy: view.y}; });
  window.addEventListener("mouseup", function () { drag = null; });
  svg.addEventListener("mousemove", function (e) {
    if (!drag) return;
    var r = svg.getBoundingClientRect();
    view.x = drag.vx - (e.clientX - drag.x) / r.width * view.w;
    view.y = drag.vy - (e.clientY - drag.y) / r.height * view.h; apply();
  });
  root.querySelectorAll("g.vbg-node").forEach(function (node) {
    node.addEventListener("click", function (e) {
      e.stopPropagation();
      var id = node.getAttribute("data-id"), near = {};
      near[id] = true;
      root.querySelectorAll("line.vbg-edge").forEach(function (l) {
        var hit = l.getAttribute("data-s") === id || l.getAttribute("data-t") === id;
        l.classList.toggle("vbg-on", hit);
        if (hit) { near[l.getAttribute("data-s")] = true; near[l.getAttribute("data-t")] = true; }
      });
      root.querySelectorAll("g.vbg-node").forEach(function (n) {
        n.classList.toggle("vbg-dim", !near[n.getAttribute("data-id")]);
      });
      info.textContent = node.getAttribute("data-info");
    });
  });
  svg.addEventListener("click", function () {
    root.querySelectorAll(".vbg-dim, .vbg-on").forEach(function (n) { n.classList.remove("vbg-dim", "vbg-on"); });
    info.textContent = "Click a document to see what it cites and what cites it; scroll to zoom, drag to move.";
  });
})();
"""

_VIEW_STYLE = """
#%(id)s { font-family: "DejaVu Sans", sans-serif; font-size: 12px; }
#%(id)s svg { width: 100%%; height: %(h)dpx; border: 1px solid #ddd; background: #fff; cursor: grab; }
#%(id)s line.vbg-edge { stroke: #c8cbcc; stroke-width: 1; }
#%(id)s line.vbg-basis { stroke: #34495e; stroke-width: 2; }
#%(id)s line.vbg-on { stroke: #e67e22; stroke-width: 3; }
#%(id)s g.vbg-node { cursor: pointer; }
#%(id)s g.vbg-dim { opacity: 0.15; }
#%(id)s text { font-size: 10px; fill: #222; pointer-events: none; }
#%(id)s .vbg-info { margin: 4px 0; min-height: 1.4em; color: #333; white-space: pre-wrap; }
#%(id)s .vbg-legend span { display: inline-block; margin-right: 12px; }
#%(id)s .vbg-legend i { display: inline-block; width: 10px; height: 10px; border-radius: 5px; margin-right: 4px; }
"""


def _node_info(attrs: dict[str, Any], d: nx.DiGraph, n: str) -> str:
    parts = [attrs.get("label") or n]
    if attrs.get("title"):
        parts.append(f"về {shorten(attrs['title'], 160)}")
    parts.append(
        f"level: {attrs.get('level') or 'unknown'} · {'in the corpus' if attrs.get('in_corpus') else 'cited only'}"
        f" · cited by {attrs.get('times_cited') or 0} corpus document(s) · cites {d.out_degree(n)}"
    )
    return "\n".join(parts)


def interactive_graph_html(
    d: nx.DiGraph, pos: dict[str, tuple[float, float]] | None = None, labels: int = 12, height: int = 650,
    view_id: str | None = None,
) -> str:
    """The citation graph as one HTML fragment: inline SVG, CSS and script, nothing loaded from the
    network. Hover shows a document's label (SVG titles, no script needed); with the script, a click
    highlights its links, the wheel zooms and a drag moves the view. `view_id` (default: a fresh one)
    keeps two views on one notebook page apart."""
    view_id = view_id or f"vbgraph-view-{uuid.uuid4().hex[:8]}"
    pos = pos or layout(d)
    w, h, pad = 1000, height, 40
    xs = [x for x, _ in pos.values()] or [0.0]
    ys = [y for _, y in pos.values()] or [0.0]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0

    def at(n: str) -> tuple[float, float]:
        x, y = pos[n]
        return pad + (x - min(xs)) / span_x * (w - 2 * pad), pad + (max(ys) - y) / span_y * (h - 2 * pad)

    esc = html.escape
    ranked = sorted(d, key=lambda n: (-(d.nodes[n].get("times_cited") or 0), n))
    named = {n for n in d if d.nodes[n].get("in_corpus")} | set(ranked[:labels])
    def radius(n: str) -> float:
        return 4 + 2.5 * (d.nodes[n].get("times_cited") or 0)

    arrow = f"{view_id}-arrow"
    parts = [
        f'<svg viewBox="0 0 {w} {h}" role="img" aria-label="citation graph"><defs><marker id="{esc(arrow)}" '
        'viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">'
        '<path d="M 0 0 L 10 5 L 0 10 z" fill="#7f8c8d"/></marker></defs>'
    ]
    for u, v, rel in d.edges(data="relation"):
        (x1, y1), (x2, y2) = at(u), at(v)
        length = ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5 or 1.0
        cut = min(radius(v) + 1, length / 2) / length  # end the arrow at the cited document's edge
        x2, y2 = x2 - (x2 - x1) * cut, y2 - (y2 - y1) * cut
        cls = "vbg-edge vbg-basis" if rel == "basis" else "vbg-edge"
        parts.append(
            f'<line class="{cls}" data-s="{esc(u)}" data-t="{esc(v)}" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" '
            f'y2="{y2:.1f}" marker-end="url(#{esc(arrow)})"><title>{esc(rel or "cites")}</title></line>'
        )
    for n in d:
        a = d.nodes[n]
        x, y = at(n)
        r = radius(n)
        colour = LEVEL_COLOURS.get(a.get("level"), LEVEL_COLOURS[None])
        shape = (
            f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r:.1f}" height="{2 * r:.1f}" fill="{colour}" stroke="#000"/>'
            if a.get("in_corpus") else f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{colour}" stroke="#fff"/>'
        )
        text = f'<text x="{x + r + 2:.1f}" y="{y + 3:.1f}">{esc(short_label(a))}</text>' if n in named else ""
        info = _node_info(a, d, n)
        parts.append(
            f'<g class="vbg-node" data-id="{esc(n)}" data-info="{esc(info)}"><title>{esc(info)}</title>{shape}{text}</g>'
        )
    parts.append("</svg>")
    legend = "".join(
        f'<span><i style="background:{LEVEL_COLOURS[level]}"></i>{level or "level unknown"}</span>' for level in (*LEVELS, None)
    ) + "<span>■ in the corpus · ● cited only · size = times cited · dark line = legal basis</span>"
    values = {"id": view_id, "w": w, "h": h}
    return (
        f'<div id="{esc(view_id)}"><style>{_VIEW_STYLE % values}</style>'
        f'<div class="vbg-legend">{legend}</div>'
        '<div class="vbg-info">Hover a document for its label; click it to see its links (scroll to zoom, drag to move).</div>'
        + "".join(parts)
        + f"<script>{_VIEW_SCRIPT % values}</script></div>"
    )


def standalone_page(fragment: str, title: str) -> str:
    """An HTML fragment as a file that opens offline; the policy forbids any network request."""
    policy = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"
    return (
        '<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
        f"<title>{html.escape(title)}</title></head><body>{fragment}</body></html>\n"
    )


# ---------------------------------------------------------------- deadlines and tasks


@dataclass(frozen=True)
class TimelineItem:
    """One deadline on one body's lane: a point when `start == end`, else a bar."""

    lane: str
    start: date
    end: date
    kind: str
    label: str
    doc_id: str

    @property
    def is_point(self) -> bool:
        return self.start == self.end


def timeline_items(rows: Iterable[DeadlineRow]) -> list[TimelineItem]:
    """Deadlines placed in time (`queries.value_span`), one item per responsible body.

    Recurrences without a date and values that do not parse are left out; a
    deadline shared by several bodies appears on each body's lane.
    """
    items = []
    for r in rows:
        span = value_span(r.value)
        if span is None:
            continue
        try:
            start, end = date.fromisoformat(span[0]), date.fromisoformat(span[1])
        except ValueError:
            continue
        bodies = [b.strip() for b in (r.body or "").split(";") if b.strip()] or [NO_BODY]
        for body in dict.fromkeys(bodies):
            items.append(TimelineItem(body, start, max(start, end), r.kind, r.text, r.doc_id))
    return items


def busiest_lane(items: list[TimelineItem]) -> str | None:
    """The body with the most deadlines on the timeline (bodies not stated left aside)."""
    counts = Counter(i.lane for i in items if i.lane != NO_BODY)
    return counts.most_common(1)[0][0] if counts else None


def plot_timeline(items: list[TimelineItem], max_lanes: int = 18, ax: Axes | None = None) -> Figure:
    """A Gantt-like chart: one lane per body (the busiest `max_lanes`), periods as bars, dates as points,
    coloured by deadline kind."""
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    busiest = [lane for lane, _ in Counter(i.lane for i in items).most_common(max_lanes)]
    first = {lane: min(i.start for i in items if i.lane == lane) for lane in busiest}
    lanes = sorted(busiest, key=lambda lane: (lane == NO_BODY, first[lane], lane))
    row = {lane: k for k, lane in enumerate(lanes)}
    kinds = sorted({i.kind for i in items if i.lane in row})
    palette = plt.get_cmap("tab10")
    colour = {k: palette(j % 10) for j, k in enumerate(kinds)}
    if ax is None:
        fig, ax = plt.subplots(figsize=(13, 1.2 + 0.45 * max(1, len(lanes))))
    fig = ax.figure
    for i in items:
        if i.lane not in row:
            continue
        y = row[i.lane]
        if i.is_point:
            ax.plot(mdates.date2num(i.start), y, marker="D", ms=6, color=colour[i.kind], mec="black", mew=0.5, zorder=3)
        else:
            left = mdates.date2num(i.start)
            ax.barh(y, mdates.date2num(i.end) + 1 - left, left=left, height=0.5, color=colour[i.kind], alpha=0.55,
                    edgecolor="black", linewidth=0.4)
    ax.set_yticks(range(len(lanes)), [shorten(lane, 55) for lane in lanes], fontsize=8)
    ax.invert_yaxis()
    ax.xaxis.set_major_locator(mdates.AutoDateLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%m/%Y"))
    ax.grid(axis="x", alpha=0.3)
    ax.set_xlabel("date (periods as bars, single days as diamonds)")
    ax.set_title(f"Deadlines by responsible body ({sum(1 for i in items if i.lane in row)} placed on {len(lanes)} lanes)")
    handles = [Patch(color=colour[k], alpha=0.7, label=k) for k in kinds] + [
        Patch(facecolor="white", edgecolor="black", label="bar: the span covered"),
        Line2D([], [], marker="D", ls="", color="white", mec="black", label="diamond: a single day"),
    ]
    ax.legend(handles=handles, fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1), title="kind", title_fontsize=8)
    return fig


def plot_workload(stats: list[BodyStats], ax: Axes | None = None) -> Figure:
    """Tasks per body, stacked by role (lead, support, requested), busiest at the top."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    if ax is None:
        fig, ax = plt.subplots(figsize=(12, 1.2 + 0.4 * max(1, len(stats))))
    fig = ax.figure
    names = [shorten(s.body, 60) for s in stats]
    left = [0] * len(stats)
    for role, colour in (("lead", "#c0392b"), ("support", "#2471a3"), ("requested", "#d68910")):
        values = [getattr(s, role) for s in stats]
        ax.barh(names, values, left=left, color=colour, label=role)
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.invert_yaxis()
    ax.tick_params(axis="y", labelsize=8)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("tasks assigned (all corpus documents)")
    ax.margins(x=0.05)
    ax.set_title("Workload per body, by role")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1), title="role", title_fontsize=8)
    return fig


def plot_targets(rows: list[dict[str, Any]], unit: str = "%", ax: Axes | None = None) -> Figure:
    """Targets in one unit (percentages by default: the commonest), one row per target labelled by its
    metric: the value as a point, a range `từ ... đến ...` as a line, the comparator written beside it."""
    import matplotlib.pyplot as plt

    chosen = sorted((r for r in rows if (r.get("unit") or "") == unit), key=lambda r: (r["value"], r.get("metric") or ""))
    if ax is None:
        fig, ax = plt.subplots(figsize=(12, 1.2 + 0.38 * max(1, len(chosen))))
    fig = ax.figure
    for y, r in enumerate(chosen):
        hi = r.get("value_max")
        if hi is not None:
            ax.plot([r["value"], hi], [y, y], color="#229954", lw=3, alpha=0.6)
        ax.plot(r["value"], y, "o", color="#229954", mec="black", mew=0.5)
        comparator = {">=": "≥", "<=": "≤"}.get(r.get("comparator") or "=", r.get("comparator") or "=")
        shown = f"{comparator} {r['value']:g}" + (f"–{hi:g}" if hi is not None else "") + f" {unit}"
        ax.annotate(shown, (hi if hi is not None else r["value"], y), xytext=(6, -3), textcoords="offset points", fontsize=7)
    ax.set_yticks(range(len(chosen)), [shorten(f"{r.get('metric') or '(metric not read)'} · {r['doc_id']}", 70) for r in chosen],
                  fontsize=8)
    ax.invert_yaxis()
    ax.grid(axis="x", alpha=0.3)
    top = max([r.get("value_max") or r["value"] for r in chosen] or [1.0])
    ax.set_xlim(min([0.0] + [r["value"] for r in chosen]), top * 1.12 + 1)
    ax.set_xlabel(f"target value ({unit})")
    ax.set_title(f"Targets (chỉ tiêu) in {unit} by metric: {len(chosen)} of {len(rows)} targets")
    return fig
