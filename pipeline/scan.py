"""Fast regex scans over a whole document.

Python's regex engine skips ahead quickly only to a literal a pattern opens with. A pattern
opening with a character class, an alternation, `\\b` or a look-around is tried at every
position of the text (about 10 ns a character: most of a stage's time on a long law). Most
scans look for a few words (`giao`, `phối hợp`, `quý`) in any case: those are found far faster
as literals in the lowercased text, and the pattern is then matched only where one starts.
(A case-insensitive pattern also equates a few letters Vietnamese text does not use, such as
`ſ` with `s`; the lowercased text does not.)
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache, update_wrapper
from typing import TypeVar

T = TypeVar("T")

def last_answer(fn: Callable[[str], T]) -> Callable[[str], T]:
    """`fn` keeping its last answer, for the same text object: the stages ask for the same views of a
    document's text (lowercased, its digit runs) one after another."""
    last: list[tuple[str, T]] = []

    def cached(text: str) -> T:
        slot = last[-1] if last else None  # one read: another thread may replace it meanwhile
        if slot is not None and slot[0] is text:
            return slot[1]
        value = fn(text)
        last[:] = [(text, value)]
        return value

    return update_wrapper(cached, fn)


@last_answer
def lowered(text: str) -> str:
    """`text.lower()` with every character kept at its offset (a character whose lowercase form
    is longer, such as `İ`, stays as printed)."""
    low = text.lower()
    if len(low) != len(text):
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    return low


def word_positions(text: str, words: Iterable[str]) -> list[int]:
    """Sorted offsets where one of `words` (lowercase) is printed in `text`, in any case."""
    return positions_in(lowered(text), tuple(words))


# From this many words on, one scan for all of them beats a literal scan for each.
_MANY_WORDS = 12


def positions_in(low: str, words: tuple[str, ...]) -> list[int]:
    """Sorted offsets where one of `words` starts in `low` (both lowercase), overlaps included."""
    if len(words) >= _MANY_WORDS:
        return list(map(re.Match.start, _any_word(words).finditer(low)))
    found: list[int] = []
    for w in words:
        found.extend(map(re.Match.start, literal(w).finditer(low)))
    return sorted(set(found))


@lru_cache(maxsize=64)
def _any_word(words: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern finding where any of `words` starts: each match is the first letter alone, the
    rest looked ahead, so words starting inside another (`chọn` in `lựa chọn`) are found too."""
    groups: dict[str, list[str]] = {}
    for w in sorted(set(words)):
        groups.setdefault(w[0], []).append(w[1:])
    branches = []
    for first, rests in groups.items():
        ahead = "" if "" in rests else "(?=" + "|".join(map(re.escape, rests)) + ")"
        branches.append(re.escape(first) + ahead)
    return re.compile("|".join(branches))


@lru_cache(maxsize=256)
def literal(word: str) -> re.Pattern[str]:
    """A pattern finding `word` as printed."""
    # a pattern of plain letters: the regex engine skips ahead to its first letter as fast as `str.find`,
    # and, unlike a loop of `str.find` calls, sets up the search once
    return re.compile(re.escape(word))


def finditer_from(
    pattern: re.Pattern[str], text: str, starts: Iterable[int], endpos: int | None = None
) -> Iterator[re.Match[str]]:
    """What `pattern.finditer(text, starts[0], endpos)` yields, when every match of `pattern` begins
    at one of `starts` (sorted offsets) and none is empty: the pattern is matched at those offsets
    alone, and, as `finditer` does, not again inside a match it found."""
    reached = 0
    end = len(text) if endpos is None else endpos
    for pos in starts:
        if pos < reached:
            continue
        m = pattern.match(text, pos, end)
        if m is not None:
            reached = m.end()
            yield m


def finditer_words(pattern: re.Pattern[str], text: str, words: Iterable[str]) -> Iterator[re.Match[str]]:
    """What `pattern.finditer(text)` yields, for a pattern whose every match opens with one of
    `words` (lowercase; the printed case may differ): see `finditer_from`."""
    return finditer_from(pattern, text, word_positions(text, words))


def finditer_in(
    pattern: re.Pattern[str], text: str, starts: list[int], windows: list[tuple[int, int]]
) -> list[re.Match[str]]:
    """What `pattern.finditer(text, a, b)` yields for each of `windows` (sorted, disjoint) in turn,
    when every match begins at one of `starts` (sorted offsets): see `finditer_from`."""
    out: list[re.Match[str]] = []
    i = 0
    for a, b in windows:
        i = bisect_left(starts, a, i)
        j = bisect_left(starts, b, i)
        if i < j:
            out.extend(finditer_from(pattern, text, starts[i:j], b))
        i = j
    return out


def merged(*sorted_lists: list[int]) -> list[int]:
    """One sorted list of the offsets of several."""
    return sorted({x for xs in sorted_lists for x in xs})


def starts_in(starts: list[int], windows: list[tuple[int, int]]) -> list[int]:
    """The offsets of `starts` (sorted) inside one of `windows` (sorted, disjoint)."""
    out: list[int] = []
    for a, b in windows:
        out.extend(starts[bisect_left(starts, a) : bisect_left(starts, b)])
    return out
