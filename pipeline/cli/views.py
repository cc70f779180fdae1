"""Views for checking results by eye: `show` and `evaluate`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from pipeline.cli import app, console


@app.command()
def evaluate(
    gold: Annotated[Path, typer.Option("--gold", help="folder of gold records (<stem>.json)")],
    pred: Annotated[Path, typer.Option("--pred", help="folder of predicted records (<stem>.json)")],
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
    details: Annotated[bool, typer.Option("--details", help="also list misses and extras per document")] = False,
) -> None:
    """Precision, recall and F1 per record part against gold records.

    Records are matched by file stem; a gold record without a prediction
    counts as all misses.
    """
    from pipeline.evaluate import evaluate_dirs

    try:
        result = evaluate_dirs(gold, pred)
    except FileNotFoundError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    if not pred.is_dir():
        console.print(f"[yellow]warning:[/yellow] {pred} is not a folder: every document counts as missed")
    if as_json:
        json.dump(result.to_json(details=details), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return
    out = Console(width=max(100, Console().width))
    out.print(scores_table(result.scores(), title=f"vbgraph evaluate: {pred} against {gold}"))
    if result.missing_predictions:
        out.print(f"[yellow]no prediction for:[/yellow] {', '.join(result.missing_predictions)}")
    if details:
        for doc_id, doc in result.documents.items():
            out.print(details_table(doc_id, doc.details, doc.shown))


def scores_table(scores: dict[str, Any], title: str) -> Table:
    """One row per measure: P/R/F1 with counts, or accuracy with ok/total."""
    table = Table(title=title)
    table.add_column("measure")
    for col in ("P", "R", "F1/acc", "tp/ok", "pred", "gold"):
        table.add_column(col, justify="right")
    for name, v in scores.items():
        if name.startswith("_"):
            continue
        if "f1" in v:
            table.add_row(name, f"{v['p']:.3f}", f"{v['r']:.3f}", _shade(v["f1"]), str(v["tp"]), str(v["pred"]), str(v["gold"]))
        else:
            acc = "-" if v["acc"] is None else _shade(v["acc"])
            table.add_row(name, "", "", acc, str(v["ok"]), "", str(v["total"]))
    return table


def _shade(x: float) -> str:
    colour = "green" if x >= 0.9 else "yellow" if x >= 0.6 else "red"
    return f"[{colour}]{x:.3f}[/{colour}]"


def details_table(doc_id: str, details: dict[str, list], shown: dict) -> Table:
    """A document's misses and extras, one row per record part that has any."""
    table = Table(title=f"{doc_id}: misses and extras", title_justify="left", show_lines=True)
    table.add_column("part")
    table.add_column("missed (in gold, not predicted)", overflow="fold")
    table.add_column("extra (predicted, not in gold)", overflow="fold")
    parts: dict[str, dict[str, list]] = {}
    for key, items in details.items():
        part, _, which = key.rpartition(".")
        parts.setdefault(part, {})[which] = items
    for part, sides in parts.items():
        if part == "metadata" and sides.get("wrong"):
            for name, want, got in sides["wrong"]:
                table.add_row(f"metadata.{name}", _plain(want), _plain(got))
            continue
        missed, extra = sides.get("missed", []), sides.get("extra", [])
        if missed or extra:
            table.add_row(part, _items(missed, shown), _items(extra, shown))
    if not table.row_count:
        table.add_row("-", "nothing missed", "nothing extra")
    return table


def _items(items: list, shown: dict) -> str:
    return "\n".join(_item(x, shown) for x in items)


def _item(x: Any, shown: dict) -> str:
    """A comparison key as a person reads it: a citation by its printed symbol, a target as '5 %'."""
    from rich.markup import escape

    if isinstance(x, tuple) and len(x) == 2 and x[0] in ("sym", "name"):
        return escape(shown.get(x, x[1]) if x[0] == "sym" else f"“{x[1]}”")
    if isinstance(x, tuple) and len(x) == 2 and isinstance(x[0], float):
        return escape(f"{x[0]:g} {x[1]}".strip())
    return escape(str(x))


def _plain(v: Any) -> str:
    from rich.markup import escape

    if isinstance(v, list):
        return escape(" | ".join(map(str, v)))
    return escape("—" if v is None else str(v))


@app.command()
def show(
    doc: Annotated[Path, typer.Argument(help="a record (.json from `vbgraph extract`) or an input document")],
    html_out: Annotated[
        Path | None, typer.Option("--html", help="the page to write (default: <stem>.html here)")
    ] = None,
) -> None:
    """Write one standalone HTML page showing the document with every extracted item highlighted.

    An input document (.txt, .md, .pdf) is extracted first. The page works
    offline and loads nothing from the network.
    """
    from pipeline.batch import write_atomic
    from pipeline.extract import StageError
    from pipeline.ingest import IngestError
    from pipeline.show import load_record, render_html

    if not doc.exists():
        console.print(f"[red]error:[/red] {doc}: no such file")
        raise typer.Exit(2)
    try:
        record = load_record(doc)
    except (ValueError, IngestError, StageError) as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from exc
    out = html_out or Path(f"{doc.stem}.html")
    write_atomic(out, render_html(record))
    console.print(f"wrote {out}")
