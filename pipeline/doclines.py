"""A document as printed lines, with offsets: the view the header, signature and section readers share.

Readers give blocks; a text block may hold several printed lines joined by "\n"
(header columns, a title over three lines). Header and section markers sit at
the start of a printed line, so those readers walk lines, not blocks.
"""

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

from pipeline.blocks import Doc
from pipeline.vocab import load

# Markup left at line edges by Markdown-ish sources: '#', '*', '_', '>' and spaces.
_LEAD_MARKUP = "#*_>"
_TRAIL_MARKUP = "*_"


class Line(NamedTuple):
    """One printed line: `doc.text[start:end]` is `raw`; `text` is `raw` without edge markup.

    A named tuple: a document has thousands of lines, made once and never changed.
    """

    index: int
    start: int
    end: int
    raw: str
    text: str
    kind: str
    block: int
    page: int | None


def doc_lines(doc: Doc) -> list[Line]:
    """Every non-empty line of the document, in text order.

    Read once per document: the header, signature and section readers all walk them.
    """
    cached = doc.derived.get("lines")
    if cached is None:
        cached = doc.derived["lines"] = _read_lines(doc)
    return cached


def _read_lines(doc: Doc) -> list[Line]:
    out: list[Line] = []
    for bi, block in enumerate(doc.blocks):
        pos = block.start
        for raw in doc.text[block.start : block.end].split("\n"):
            start, end = pos, pos + len(raw)
            pos = end + 1
            text = _strip_markup(raw)
            if not text:
                continue
            lead = 0 if text is raw else len(raw) - len(raw.lstrip(" #*_>"))  # most lines: nothing stripped
            out.append(Line(len(out), start + lead, end, raw, text, block.kind, bi, block.page))
    return out


def _strip_markup(raw: str) -> str:
    """`raw` without leading spaces and '#*_>' and trailing spaces and '*_', in any mix."""
    if not raw or not (raw[0] in _LEAD_MARKUP or raw[0].isspace() or raw[-1] in _TRAIL_MARKUP or raw[-1].isspace()):
        return raw  # most lines: nothing to strip
    text = raw
    while True:
        stripped = text.lstrip().lstrip(_LEAD_MARKUP)
        if stripped == text:
            break
        text = stripped
    while True:
        stripped = text.rstrip().rstrip(_TRAIL_MARKUP)
        if stripped == text:
            return text
        text = stripped


@cache
def header_words() -> dict:
    """The header vocabulary (`pipeline/data/header.json`)."""
    return load("header.json")


def fold(s: str) -> str:
    """Lowercase with spaces folded: the form vocabulary lookups compare."""
    return " ".join(s.split()).lower()


class _LetterCase(dict):
    """Code point -> "U" (capital letter), "l" (other letter) or None (not a letter), filled on first use."""

    def __missing__(self, code: int) -> str | None:
        c = chr(code)
        case = ("U" if c.isupper() else "l") if c.isalpha() else None
        self[code] = case
        return case


_LETTER_CASE = _LetterCase()
# Below U+2000 (Latin with every Vietnamese letter, Greek, Cyrillic ...) the letters are sorted
# into two regex classes once, so a line's letters are counted in C; a line with a character
# above it (rare) goes through `_LETTER_CASE`.
_COMMON_END = 0x2000
_UNCOMMON = re.compile(f"[^\x00-{chr(_COMMON_END - 1)}]")


def _letter_class(capital: bool) -> re.Pattern[str]:
    chars = (chr(c) for c in range(_COMMON_END))
    return re.compile("[" + "".join(re.escape(c) for c in chars if c.isalpha() and c.isupper() == capital) + "]")


_CAPITAL = _letter_class(True)
_SMALL = _letter_class(False)  # every other letter: lowercase, titlecase, and letters without case


def letter_cases(s: str) -> str:
    """The case of each letter of `s`, in order: "U" for a capital, "l" for any other letter."""
    return s.translate(_LETTER_CASE)


def letter_counts(s: str) -> tuple[int, int]:
    """How many capital letters and how many other letters `s` has."""
    if _UNCOMMON.search(s):
        cases = letter_cases(s)
        return cases.count("U"), cases.count("l")
    return len(_CAPITAL.findall(s)), len(_SMALL.findall(s))


def all_caps(s: str, min_letters: int = 2) -> bool:
    """True when `s` has at least `min_letters` letters and every one is a capital."""
    if _SMALL.search(s):
        return False  # most lines: a small letter early on settles it
    capitals, others = letter_counts(s)
    return others == 0 and capitals >= min_letters


def is_caps(s: str, min_letters: int = 2) -> bool:
    """True when the letters of `s` are (almost) all capitals, as in header and signature lines."""
    capitals, others = letter_counts(s)
    letters = capitals + others
    if letters < min_letters:
        return False
    return capitals >= 0.9 * letters


def words_pattern(words: list[str]) -> str:
    """A regex alternation of vocabulary phrases, longest first, spaces flexible."""
    uniq = sorted(set(words), key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in uniq)
