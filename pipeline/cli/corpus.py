"""Corpus commands: `run` a folder into the store, then query it."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.table import Table
from rich.tree import Tree

from pipeline.cli import app, console, progress_bar

DbOption = Annotated[Path, typer.Option("--db", help="the store file (DuckDB)")]
JsonOption = Annotated[bool, typer.Option("--json", help="print JSON instead of a table")]
DEFAULT_DB = Path("vbgraph.duckdb")


def out() -> Console:
    return Console(width=max(120, Console().width))


def fail(message: str, code: int = 2) -> typer.Exit:
    console.print(f"[red]error:[/red] {message}")
    return typer.Exit(code)


@contextmanager
def opened(db: Path) -> Iterator[Any]:
    """A read-only store connection, with the store's errors turned into one clear line."""
    from pipeline.queries import NotFound, open_store
    from pipeline.store import StoreError

    try:
        con = open_store(db)
    except (FileNotFoundError, StoreError) as exc:
        raise fail(str(exc)) from None
    try:
        yield con
    except (NotFound, StoreError) as exc:
        raise fail(str(exc).strip("'\"")) from None
    finally:
        con.close()


def print_json(data: Any) -> None:
    def plain(x: Any) -> Any:
        if isinstance(x, BaseModel):
            return x.model_dump(mode="json")
        if isinstance(x, list):
            return [plain(i) for i in x]
        return x

    json.dump(plain(data), sys.stdout, ensure_ascii=False, indent=1, default=str)
    sys.stdout.write("\n")


def table(title: str, columns: list[str], rows: list[list[Any]]) -> None:
    t = Table(title=title)
    for c in columns:
        t.add_column(c, overflow="fold")
    for r in rows:
        t.add_row(*("-" if v is None or v == "" else str(v) for v in r))
    out().print(t)


# ---------------------------------------------------------------- run


@app.command("run")
def run_cmd(
    folder: Annotated[Path, typer.Argument(help="folder of documents (searched recursively)")],
    db: DbOption = DEFAULT_DB,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="worker processes (local, or of a local Dask cluster)")] = 1,
    executor: Annotated[
        str, typer.Option("--executor", help="local (worker processes here) or dask (Dask distributed workers)")
    ] = "local",
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="dask: scheduler address, e.g. tcp://host:8786 (default: a "
                                                     "LocalCluster of --jobs workers)")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="re-extract unchanged files too")] = False,
    rebuild: Annotated[bool, typer.Option("--rebuild-graph", help="rebuild the graph even if nothing changed")] = False,
    wait: Annotated[float, typer.Option("--wait", help="seconds to wait for another run holding the store")] = 0.0,
    as_json: JsonOption = False,
) -> None:
    """Bring the store DB up to date with FOLDER: new and changed files are extracted, removed ones dropped.

    Every document is committed on its own, so an interrupted run can simply be
    run again. A file that fails is listed in the `errors` table; the others go on.
    """
    from pipeline.executors import executor as make_executor
    from pipeline.runner import RunError, run_corpus
    from pipeline.store import StoreError

    if not folder.exists():
        raise fail(f"{folder}: no such file or folder")
    if scheduler and executor != "dask":
        raise fail("--scheduler needs --executor dask")
    try:
        chosen = make_executor(executor, jobs, scheduler)
    except ValueError as exc:
        raise fail(str(exc)) from None
    with progress_bar(0) as bar:
        task = bar.add_task("extracting", total=None)

        def on_plan(p: Any) -> None:
            bar.update(task, total=len(p.todo))

        try:
            summary = run_corpus(
                folder, db, jobs=jobs, force=force, wait=wait, on_plan=on_plan, rebuild_graph=rebuild,
                on_outcome=lambda _: bar.advance(task), executor=chosen,
            )
        except StoreError as exc:
            raise fail(str(exc), 3) from None
        except RunError as exc:
            raise fail(str(exc), 1) from None
        except (OSError, RuntimeError) as exc:  # e.g. no Dask scheduler at --scheduler, or Dask not installed
            raise fail(f"{type(exc).__name__}: {exc}", 1) from None
        except KeyboardInterrupt:
            raise fail("interrupted; the documents stored so far are kept, run again to complete", 130) from None
    if as_json:
        print_json(summary)
    else:
        rows = [
            ["files", summary.files], ["extracted now", summary.processed], ["unchanged", summary.unchanged],
            ["removed", summary.removed], ["failed now", summary.failed], ["documents", summary.documents],
            ["records (text + PDF renderings)", summary.records], ["errors", summary.errors],
            ["citations", summary.citations], ["distinct cited documents", summary.cited_documents],
            ["bodies", summary.bodies], ["deadlines", summary.deadlines], ["targets", summary.targets],
            ["graph nodes / edges", f"{summary.nodes} / {summary.edges}"], ["seconds", summary.seconds],
        ]
        table(f"vbgraph run {folder} → {db}", ["", "count"], rows)
    if summary.errors:
        with opened(db) as con:
            for path, stage, error, reason in con.execute("SELECT * FROM errors ORDER BY path").fetchall():
                console.print(f"[red]error[/red] {path} ({stage}, {error}): {reason}")
    if summary.failed:
        raise typer.Exit(1)


# ---------------------------------------------------------------- citation queries


def _doc_row(n: Any) -> list[Any]:
    return [n.id, n.label, n.level, "yes" if n.in_corpus else "", n.times_cited]


@app.command()
def basis(
    doc: Annotated[str, typer.Argument(help="doc_id (file stem) or symbol, e.g. 48-CT/TW")],
    depth: Annotated[int | None, typer.Option("--depth", help="levels to follow (default: all)")] = None,
    db: DbOption = DEFAULT_DB,
    as_json: JsonOption = False,
) -> None:
    """The legal basis of DOC: direct, then up the chain to documents with no further basis known."""
    from pipeline.queries import basis as query

    with opened(db) as con:
        tree = query(con, doc, depth)
    if as_json:
        print_json(tree)
        return
    root = Tree(f"[bold]{tree.node.label}[/bold]  [dim]{tree.node.id}[/dim]")

    def add(parent: Tree, node: Any) -> None:
        for b in node.bases:
            mark = " [dim](see above)[/dim]" if b.seen else ""
            where = "" if b.node.in_corpus else " [dim](not in corpus)[/dim]"
            add(parent.add(f"{b.node.label}{where}{mark}"), b)

    add(root, tree)
    if not tree.bases:
        root.add("[dim]no basis stated (or not resolved)[/dim]")
    out().print(root)


def _citing_command(relation: str | None) -> Callable[..., None]:
    def command(
        doc: Annotated[str, typer.Argument(help="doc_id (file stem) or symbol, e.g. 48-CT/TW")],
        relation_opt: Annotated[
            str | None, typer.Option("--relation", help="basis, replaces, amends or mentions")
        ] = relation,
        limit: Annotated[int, typer.Option("--limit", "-n", help="documents to show at most (0: all)")] = 100,
        db: DbOption = DEFAULT_DB,
        as_json: JsonOption = False,
    ) -> None:
        from pipeline.queries import cited_by, count_citing, find_node

        with opened(db) as con:
            target = find_node(con, doc)
            rows = cited_by(con, target.id, relation_opt, limit or None)
            total = count_citing(con, target.id, relation_opt) if limit and len(rows) == limit else len(rows)
        if as_json:
            print_json(rows)
            return
        shown = f"{len(rows)} of {total}, --limit 0 for all" if total > len(rows) else str(total)
        table(
            f"{'implementing' if relation == 'basis' else 'citing'} {target.label} ({shown})",
            ["document", "relation", "section", "mentions", "citing sentence"],
            [[c.node.label, c.relation, c.section, c.mentions, c.sentence] for c in rows],
        )

    return command


app.command("cited-by", help="Documents citing DOC, by relation (basis first).")(_citing_command(None))
app.command("implements", help="Documents giving DOC as their legal basis (basis edges only).")(
    _citing_command("basis")
)


@app.command()
def top(
    limit: Annotated[int, typer.Option("--limit", "-n")] = 20,
    doc_type: Annotated[str | None, typer.Option("--type", help="e.g. 'Chỉ thị'")] = None,
    level: Annotated[str | None, typer.Option("--level", help="central, province, district, commune")] = None,
    by: Annotated[str, typer.Option("--by", help="in-degree or pagerank")] = "in-degree",
    db: DbOption = DEFAULT_DB,
    as_json: JsonOption = False,
) -> None:
    """Most-cited documents, by the number of corpus documents citing them or by PageRank."""
    from pipeline.queries import top as query

    with opened(db) as con:
        rows = query(con, limit, doc_type, level, "pagerank" if by == "pagerank" else "in_degree")
    if as_json:
        print_json(rows)
        return
    table(
        "most-cited documents",
        ["document", "level", "in corpus", "cited by", "pagerank"],
        [[r.node.label, r.node.level, "yes" if r.node.in_corpus else "", r.in_degree, f"{r.pagerank:.4f}"] for r in rows],
    )


@app.command("shared-basis")
def shared_basis(
    doc: Annotated[str, typer.Argument(help="doc_id (file stem) or symbol")],
    all_citations: Annotated[bool, typer.Option("--all", help="count every citation, not only bases")] = False,
    db: DbOption = DEFAULT_DB,
    as_json: JsonOption = False,
) -> None:
    """Documents resting on the same bases as DOC."""
    from pipeline.queries import find_node
    from pipeline.queries import shared_basis as query

    with opened(db) as con:
        node = find_node(con, doc)
        rows = query(con, node.id, None if all_citations else "basis")
    if as_json:
        print_json(rows)
        return
    table(
        f"documents sharing {'citations' if all_citations else 'bases'} with {node.label}",
        ["document", "shared", "count"],
        [[r.node.label, "\n".join(r.shared), len(r.shared)] for r in rows],
    )


# ---------------------------------------------------------------- bodies, deadlines, targets


@app.command()
def bodies(
    limit: Annotated[int, typer.Option("--limit", "-n")] = 30,
    level: Annotated[str | None, typer.Option("--level", help="central, province, district, commune")] = None,
    db: DbOption = DEFAULT_DB,
    as_json: JsonOption = False,
) -> None:
    """Bodies by the tasks they are given: lead, support, requested, with deadlines."""
    from pipeline.queries import bodies as query

    with opened(db) as con:
        rows = query(con, limit, level)
    if as_json:
        print_json(rows)
        return
    table(
        "bodies by tasks",
        ["body", "level", "documents", "tasks", "lead", "support", "requested", "deadlines"],
        [[b.body, b.level, b.documents, b.tasks, b.lead, b.support, b.requested, b.deadlines] for b in rows],
    )


@app.command()
def deadlines(
    date_from: Annotated[str | None, typer.Option("--from", help="ISO date, e.g. 2024-01-01")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="ISO date")] = None,
    body: Annotated[str | None, typer.Option("--body", help="body name contains")] = None,
    db: DbOption = DEFAULT_DB,
    as_json: JsonOption = False,
) -> None:
    """Deadlines between two dates, optionally for one body."""
    from pipeline.queries import deadlines as query

    with opened(db) as con:
        rows = query(con, date_from, date_to, body)
    if as_json:
        print_json(rows)
        return
    table(
        f"deadlines ({len(rows)})",
        ["when", "kind", "document", "body", "task", "as printed"],
        [[d.value, d.kind, d.doc_id, d.body, d.task, d.text] for d in rows],
    )


@app.command()
def targets(
    metric: Annotated[str | None, typer.Option("--metric", help="metric contains")] = None,
    db: DbOption = DEFAULT_DB,
    as_json: JsonOption = False,
) -> None:
    """Quantitative targets (chỉ tiêu), optionally for one metric."""
    from pipeline.queries import targets as query

    with opened(db) as con:
        rows = query(con, metric)
    if as_json:
        print_json(rows)
        return

    def value(t: Any) -> str:
        v = f"{t.value:g}" + (f"–{t.value_max:g}" if t.value_max is not None else "")
        return f"{t.comparator} {v} {t.unit or ''}".strip()

    table(f"targets ({len(rows)})", ["metric", "value", "document", "as printed"],
          [[t.metric, value(t), t.doc_id, t.text] for t in rows])


@app.command()
def find(
    doc_type: Annotated[str | None, typer.Option("--type", help="e.g. 'Kế hoạch'")] = None,
    issuer: Annotated[str | None, typer.Option("--issuer", help="issuer contains")] = None,
    year: Annotated[int | None, typer.Option("--year")] = None,
    text: Annotated[str | None, typer.Option("--text", help="in the label, title or full text")] = None,
    level: Annotated[str | None, typer.Option("--level", help="central, province, district, commune")] = None,
    corpus_only: Annotated[bool, typer.Option("--corpus", help="only documents in the corpus")] = False,
    limit: Annotated[int, typer.Option("--limit", "-n")] = 100,
    db: DbOption = DEFAULT_DB,
    as_json: JsonOption = False,
) -> None:
    """Documents (in the corpus or cited) by type, issuer, year, level and text."""
    from pipeline.queries import find as query

    with opened(db) as con:
        rows = query(con, doc_type, issuer, year, text, level, corpus_only, limit)
    if as_json:
        print_json(rows)
        return
    table(f"documents ({len(rows)})", ["id", "document", "level", "in corpus", "cited by"], [_doc_row(n) for n in rows])


@app.command("sql")
def sql_cmd(
    query: Annotated[str, typer.Argument(help="SQL; tables: documents, sections, citations, deadlines, targets, "
                                             "assignments, bodies, records, errors, files, nodes, edges")],
    db: DbOption = DEFAULT_DB,
    as_json: JsonOption = False,
) -> None:
    """Run SQL on the store (read-only)."""
    import duckdb

    from pipeline.queries import sql

    with opened(db) as con:
        try:
            cols, rows = sql(con, query)
        except duckdb.Error as exc:
            raise fail(str(exc)) from None
    if as_json:
        print_json([dict(zip(cols, r, strict=True)) for r in rows])
        return
    table(f"{len(rows)} rows", cols, [list(r) for r in rows])


@app.command("export")
def export_cmd(
    fmt: Annotated[str, typer.Argument(help="graphml, gexf, json, parquet or neo4j")],
    dest: Annotated[Path, typer.Argument(help="output file (a folder for parquet and neo4j)")],
    db: DbOption = DEFAULT_DB,
) -> None:
    """Export the graph: GraphML/GEXF (Gephi), node-link JSON, Parquet tables, neo4j-admin CSV."""
    from pipeline.export import FORMATS, export

    if fmt not in FORMATS:
        raise fail(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    with opened(db) as con:
        written = export(con, fmt, dest)
    for p in written:
        print(p)
    if fmt == "neo4j":
        console.print(
            "import with: neo4j-admin database import full "
            f"--nodes={written[0]} --relationships={written[1]} <database>"
        )
