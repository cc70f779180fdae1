"""A document as printed lines, with offsets: the view the header, signature and section readers share.

Readers give blocks; a text block may hold several printed lines joined by "\n"
(header columns, a title over three lines). Header and section markers sit at
the start of a printed line, so those readers walk lines, not blocks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from pipeline.blocks import Doc
from pipeline.vocab import load

# Markup left at line edges by Markdown-ish sources: '#', '*', '_', '>' and spaces.
_EDGE_MARKUP = re.compile(r"^[\s#*_>]+|[\s*_]+$")


@dataclass(frozen=True)
class Line:
    """One printed line: `doc.text[start:end]` is `raw`; `text` is `raw` without edge markup."""

    index: int
    start: int
    end: int
    raw: str
    text: str
    kind: str
    block: int
    page: int | None


def doc_lines(doc: Doc) -> list[Line]:
    """Every non-empty line of the document, in text order."""
    out: list[Line] = []
    for bi, block in enumerate(doc.blocks):
        pos = block.start
        for raw in doc.text[block.start : block.end].split("\n"):
            start, end = pos, pos + len(raw)
            pos = end + 1
            text = _EDGE_MARKUP.sub("", raw)
            if not text:
                continue
            lead = len(raw) - len(raw.lstrip(" #*_>"))
            out.append(Line(len(out), start + lead, end, raw, text, block.kind, bi, block.page))
    return out


@cache
def header_words() -> dict:
    """The header vocabulary (`pipeline/data/header.json`)."""
    return load("header.json")


def fold(s: str) -> str:
    """Lowercase with spaces folded: the form vocabulary lookups compare."""
    return re.sub(r"\s+", " ", s).strip().lower()


def is_caps(s: str, min_letters: int = 2) -> bool:
    """True when the letters of `s` are (almost) all capitals, as in header and signature lines."""
    letters = [c for c in s if c.isalpha()]
    if len(letters) < min_letters:
        return False
    upper = sum(c.isupper() for c in letters)
    return upper >= 0.9 * len(letters)


def words_pattern(words: list[str]) -> str:
    """A regex alternation of vocabulary phrases, longest first, spaces flexible."""
    uniq = sorted(set(words), key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in uniq)
