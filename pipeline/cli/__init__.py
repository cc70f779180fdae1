"""The `vbgraph` command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Vietnamese directive texts to structured records and a citation graph.",
)
console = Console(stderr=True)


def progress_bar(total: int) -> Progress:
    """A progress bar on a terminal; silent when output is piped or in CI."""
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=not console.is_terminal,
        transient=True,
    )


@app.command()
def extract(
    paths: Annotated[list[Path], typer.Argument(help="files or folders (searched recursively)")],
    out: Annotated[Path, typer.Option("--out", "-o", help="folder for <stem>.json records")] = Path("out"),
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="worker processes")] = 1,
) -> None:
    """Extract one JSON record per input file into OUT.

    A file that fails writes OUT/<stem>.error.json (stage and reason) and the
    others still run; the exit status is 1 if any failed.
    """
    from pipeline.batch import discover, extract_to_dir

    missing = [p for p in paths if not p.exists()]
    for p in missing:
        console.print(f"[red]error:[/red] {p}: no such file or folder")
    inputs = discover([p for p in paths if p.exists()])
    if not inputs:
        console.print("[red]error:[/red] no supported input files (.txt, .md, .pdf) found")
        raise typer.Exit(2)
    with progress_bar(len(inputs)) as bar:
        task = bar.add_task("extracting", total=len(inputs))
        outcomes = extract_to_dir(inputs, out, jobs=jobs, on_outcome=lambda _: bar.advance(task))
    print_summary(outcomes, out)
    if missing or any(o.error for o in outcomes):
        raise typer.Exit(1)


def print_summary(outcomes: list, out: Path) -> None:
    table = Table(title=f"vbgraph extract → {out}", show_lines=False)
    for col in ("document", "type", "symbol", "date", "sections", "citations", "deadlines", "targets", "assignments"):
        table.add_column(col, overflow="fold")
    errors = []
    for o in sorted(outcomes, key=lambda o: o.path):
        if o.error:
            errors.append(o.error)
            continue
        r = o.record
        m = r.metadata
        table.add_row(
            r.doc_id + ("" if r.source.format != "pdf" else " (pdf)"),
            m.doc_type or "-",
            m.symbol or "-",
            m.issued_date or "-",
            str(len(r.sections)),
            str(len(r.citations)),
            str(len(r.deadlines)),
            str(len(r.targets)),
            str(len(r.assignments)),
        )
    Console(width=max(120, Console().width)).print(table)
    for e in errors:
        Console(stderr=True).print(f"[red]error[/red] {e.path} ({e.stage}, {e.error}): {e.reason}")
    print(f"{len(outcomes) - len(errors)} records, {len(errors)} errors")


@app.command()
def schema() -> None:
    """Print the JSON Schema of the document record."""
    from models.record import Record

    json.dump(Record.model_json_schema(), sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


def main() -> None:
    app()


# Command groups register themselves on `app` when imported.
from pipeline.cli import corpus, stats, views  # noqa: E402,F401
