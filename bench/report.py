"""Printing benchmark results."""

from __future__ import annotations

from typing import Any


def print_markdown_table(rows: list[dict[str, Any]]) -> None:
    """Rows of results (dicts, the first one's keys as columns) as a Markdown table."""
    keys = list(rows[0])
    print("| " + " | ".join(keys) + " |")
    print("|" + "---|" * len(keys))
    for r in rows:
        print("| " + " | ".join(str(r.get(k, "")) for k in keys) + " |")
