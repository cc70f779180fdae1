"""Vietnamese dates as printed, to ISO values. Shared by every stage that reads dates.

Forms: `ngày 16/8/2021`, `16-8-2021`, `28.9.2021`, `ngày 16 tháng 8 năm 2021`,
`ngày   tháng 02 năm 2024` (blank day), and day/month without a year
(`26/6`, `trước ngày 10/5`), whose year a caller supplies and marks inferred.
"""

from __future__ import annotations

import operator
import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from itertools import compress

from pipeline.scan import finditer_in, finditer_words, last_answer, lowered, merged, positions_in

# 16/8/2021, 16-8-2021, 16.8.2021; the year may be 2 digits in sloppy prints.
NUMERIC_DATE = r"(?P<d>\d{1,2})\s*(?P<sep>[/.\-])\s*(?P<m>\d{1,2})(?:\s*(?P=sep)\s*(?P<y>(?:19|20)\d\d))?"
# ngày 16 tháng 8 năm 2021 (day may be blank: 'ngày   tháng 02 năm 2024')
WORDED_DATE = r"ngày\s*(?P<wd>\d{1,2})?\s*tháng\s*(?P<wm>\d{1,2})\s*(?:năm\s*(?P<wy>(?:19|20)\d\d))?"

_NUMERIC_RE = re.compile(rf"(?<![\d/.\-]){NUMERIC_DATE}(?![\d/]|\.\d)")
_WORDED_RE = re.compile(WORDED_DATE, re.I)
DATE_RE = re.compile(rf"(?:{WORDED_DATE})|(?:(?<![\d/.\-]){NUMERIC_DATE}(?![\d/]|\.\d))", re.I)


@dataclass(frozen=True)
class FoundDate:
    """A date found in text: `value` is ISO (`2024-02-28`, or `2024-02` with a blank day)."""

    start: int
    end: int
    value: str | None
    year_printed: bool
    day: int | None
    month: int
    year: int | None


def iso(day: int | None, month: int, year: int | None) -> str | None:
    """ISO value of a (possibly partial) date; None when it is not a real date."""
    if year is None:
        return None
    if not 1 <= month <= 12:
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _from_match(m: re.Match[str], default_year: int | None) -> FoundDate | None:
    g = m.groupdict()
    if g.get("wm"):
        day = int(g["wd"]) if g.get("wd") else None
        month = int(g["wm"])
        year = int(g["wy"]) if g.get("wy") else None
    else:
        day, month = int(g["d"]), int(g["m"])
        year = int(g["y"]) if g.get("y") else None
        if g["sep"] == "." and year is None:
            return None  # '1.1' is a section number, not a date
    printed = year is not None
    value = iso(day, month, year if printed else default_year)
    if value is None and (day is not None and not 1 <= day <= 31 or not 1 <= month <= 12):
        return None
    return FoundDate(m.start(), m.end(), value, printed, day, month, year if printed else default_year)


def find_dates(text: str, default_year: int | None = None) -> list[FoundDate]:
    """Every date in `text`; a date without a year takes `default_year` (year_printed False)."""
    out = []
    for m in DATE_RE.finditer(text):
        found = _from_match(m, default_year)
        if found is not None:
            out.append(found)
    return out


def parse_date(text: str, default_year: int | None = None) -> str | None:
    """ISO value of the first date in `text`, or None."""
    found = find_dates(text, default_year)
    return found[0].value if found else None


# ---------------------------------------------------------------------------
# Periods: spans of dates, months, month ranges, quarters and half-years.
# ---------------------------------------------------------------------------

YEAR = r"(?:19|20)\d\d"
ROMAN_QUARTER = {"I": 1, "II": 2, "III": 3, "IV": 4, "1": 1, "2": 2, "3": 3, "4": 4}
# Between the two ends of a span: '-', '–', 'đến (ngày)'.
_SPAN_JOIN = re.compile(r"\s*(?:-|–|—|đến(?:\s+hết)?(?:\s+ngày)?)\s*", re.I)
# tháng 6/2024, tháng 6 năm 2024, tháng 6 (year left out)
_MONTH_RE = re.compile(
    rf"(?<![\w])tháng\s*(?P<m>\d{{1,2}})(?:\s*(?:/|-|năm)\s*(?P<y>{YEAR}))?(?![\d/]|\s*(?:-|đến)\s*(?:tháng\s*)?\d)",
    re.I,
)
# 6/2024 printed alone (a month): not a date (no day), not a symbol (no further '/').
_MONTH_YEAR_RE = re.compile(rf"(?<![\w/.\-])(?P<m>0?[1-9]|1[0-2])/(?P<y>{YEAR})(?![\d/\-]|\.\d)")
# 01-02/2024, tháng 7-9/2024, từ tháng 7 đến tháng 9 năm 2024
_MONTH_RANGE_RE = re.compile(
    rf"(?<![\w/.\-])(?:tháng\s*)?(?P<m1>0?[1-9]|1[0-2])\s*(?:-|–|đến(?:\s+hết)?)\s*(?:tháng\s*)?"
    rf"(?P<m2>0?[1-9]|1[0-2])\s*(?:/|năm)\s*(?P<y>{YEAR})(?![\d/\-])",
    re.I,
)
# 01/7-30/9/2024: a tight numeric span, whose second end DATE_RE skips (it follows a '-').
_TIGHT_SPAN_RE = re.compile(
    rf"(?<![\d/.\-])(?P<d1>\d{{1,2}})/(?P<m1>\d{{1,2}})(?:/(?P<y1>{YEAR}))?\s*[-–]\s*"
    rf"(?P<d2>\d{{1,2}})/(?P<m2>\d{{1,2}})/(?P<y2>{YEAR})(?![\d/])"
)
# quý III/2024, quý 3 năm 2024, quý IV (year left out)
_QUARTER_RE = re.compile(rf"\bquý\s*(?P<q>IV|III|II|I|[1-4])\b(?:\s*(?:/|-|năm)\s*(?P<y>{YEAR}))?", re.I)
# trước năm 2025, đến hết năm 2025: a year given as a limit (a bare 'năm 2024' restates a plan's scope)
_YEAR_LIMIT_WORDS = ("trước", "đến hết", "chậm nhất", "hoàn thành trong")
_YEAR_LIMIT_RE = re.compile(
    rf"\b(?:trước|đến hết|chậm nhất(?: là)?(?: trong)?|hoàn thành trong)\s+năm\s+(?P<y>{YEAR})\b", re.I
)
# 6 tháng đầu năm 2024, sáu tháng cuối năm
_HALF_RE = re.compile(rf"\b(?:6|06|sáu)\s+tháng\s+(?P<h>đầu|cuối)\s+năm(?:\s+(?P<y>{YEAR}))?", re.I)
_HALF_WORDS = ("6", "06", "sáu")  # what a `_HALF_RE` match opens with, for `finditer_words`


@dataclass(frozen=True)
class FoundPeriod:
    """A period or dated point found in text, as a deadline value.

    `form` says what was printed: `date`, `span`, `month`, `month_range`,
    `quarter`, `half`, `year`. `value` uses the record formats (`2024-06`, `2024-Q3`,
    `2024-07-01/2024-09-30`); `year_printed` is False when the plan year filled in.
    """

    start: int
    end: int
    form: str
    value: str | None
    year_printed: bool
    dates: tuple[FoundDate, ...] = ()


def month_value(month: int, year: int | None) -> str | None:
    if year is None or not 1 <= month <= 12:
        return None
    return f"{year:04d}-{month:02d}"


def quarter_value(quarter: int, year: int | None) -> str | None:
    return f"{year:04d}-Q{quarter}" if year is not None and 1 <= quarter <= 4 else None


def _span_of(first: FoundDate, second: FoundDate) -> str | None:
    """`first/second` as ISO; a first end without year takes the second's (one year earlier if it wraps)."""
    year2 = second.year
    if year2 is None:
        return None
    year1 = (
        first.year
        if first.year_printed
        else (year2 if (first.month, first.day or 1) <= (second.month, second.day or 31) else year2 - 1)
    )
    v1 = iso(first.day, first.month, year1)
    v2 = iso(second.day, second.month, year2)
    return f"{v1}/{v2}" if v1 and v2 else None


_DIGITS = re.compile(r"\d+")
DIGIT_MARGIN = 30  # longer than any context a date pattern reads around its digits
# A stretch of digits with what it runs on with (`16/8/2021`, `1.000`, spaces); stretches less than
# two margins apart share a window, so one match covers a whole window.
_STRETCH = r"\d[\d/.\-–\s]*+"
_WINDOW_CORE = re.compile(rf"{_STRETCH}(?:\D{{1,{2 * DIGIT_MARGIN}}}+{_STRETCH})*+")


@dataclass
class _Digits:
    """Where a text's digits are: the start of each run of digits, and windows around them."""

    starts: list[int]
    windows: list[tuple[int, int]]
    chunks: list[str]  # the lowercased text of each window
    joined: str  # the chunks joined by NUL, to look for words in all windows with one scan
    joined_starts: list[int]  # where each chunk starts in `joined`


@last_answer
def _digits(text: str) -> _Digits:
    """Where the text's digit runs start, and the windows around them (the citation, deadline and
    target stages all ask for them)."""
    n = len(text)
    starts: list[int] = []
    windows: list[tuple[int, int]] = []
    for m in _WINDOW_CORE.finditer(text):
        core = m.start()
        starts.extend([core + run.start() for run in _DIGITS.finditer(m.group())])
        windows.append((max(0, core - DIGIT_MARGIN), min(n, m.end() + DIGIT_MARGIN)))
    low = lowered(text)
    chunks = [low[a:b] for a, b in windows]
    joined_starts = []
    at = 0
    for chunk in chunks:
        joined_starts.append(at)
        at += len(chunk) + 1
    return _Digits(starts, windows, chunks, "\0".join(chunks), joined_starts)


def digit_windows(text: str) -> list[tuple[int, int]]:
    """Stretches of `text` around its digits: every pattern but the digit-free ones needs a digit,
    and scanning only these stretches is several times faster than scanning the whole text."""
    return list(_digits(text).windows)


def digit_starts(text: str) -> list[int]:
    """Where each run of digits starts: where a pattern opening with a number not glued to
    another can match (see `scan.finditer_in`)."""
    return _digits(text).starts


def window_word_positions(text: str, words: tuple[str, ...]) -> list[int]:
    """Sorted offsets where one of `words` (lowercase) is printed, in any case, inside a digit window:
    looking in the windows' text alone reads less than half of a long text."""
    digits = _digits(text)
    found: list[int] = []
    for pos in positions_in(digits.joined, words):
        i = bisect_right(digits.joined_starts, pos) - 1
        found.append(digits.windows[i][0] + pos - digits.joined_starts[i])
    return found


def windows_with(text: str, *needles: str | re.Pattern[str]) -> list[tuple[int, int]]:
    """The digit windows holding one of `needles`: a lowercase word, printed in any case, or a
    pattern (searched in the lowercased text). A scanning pattern that consumes a needle in each
    match need not scan the other windows."""
    digits = _digits(text)
    held = [False] * len(digits.chunks)
    for needle in needles:
        if isinstance(needle, str):
            found = [needle in chunk for chunk in digits.chunks]
        else:
            found = [needle.search(chunk) is not None for chunk in digits.chunks]
        held = list(map(operator.or_, held, found))
    return list(compress(digits.windows, held))


# What some period patterns cannot match without (each consumes it), to pick their windows.
_MONTH_WORD = "tháng"
_YEAR_WORD = "năm"
_NUMERIC_NEEDLE = re.compile(r"\d\s*[/.\-]\s*\d")
_RANGE_NEEDLES = ("-", "–", "đến")


def find_periods(text: str, default_year: int | None = None) -> list[FoundPeriod]:
    """Every date, span of dates, month, month range, quarter and half-year in `text`, in text order.

    Overlaps are resolved longest-first, so `từ 01/7-30/9/2024` is one span and the
    `ngày 16 tháng 8 năm 2021` inside a worded date is not also a month.
    """
    found: list[FoundPeriod] = []
    # Each pattern is matched only where one of its matches can open (see `scan.finditer_in`):
    # at a number (the start of a run of digits) or at its first word.
    numbers = digit_starts(text)

    def numbers_and(word: str) -> list[int]:
        return merged(numbers, window_word_positions(text, (word,)))

    date_windows = windows_with(text, _MONTH_WORD, _NUMERIC_NEEDLE)
    dates = [
        d
        for d in (_from_match(m, default_year) for m in finditer_in(DATE_RE, text, numbers_and("ngày"), date_windows))
        if d is not None
    ]
    used: set[int] = set()
    for i, d in enumerate(dates):
        if i in used:
            continue
        if i + 1 < len(dates):
            nxt = dates[i + 1]
            gap = text[d.end : nxt.start]
            if _SPAN_JOIN.fullmatch(gap) and (nxt.year_printed or not d.year_printed):
                value = _span_of(d, nxt)
                if value:
                    found.append(FoundPeriod(d.start, nxt.end, "span", value, nxt.year_printed, (d, nxt)))
                    used.add(i + 1)
                    continue
        form = "date" if d.day is not None else "month"
        found.append(FoundPeriod(d.start, d.end, form, d.value, d.year_printed, (d,)))
    slashed = windows_with(text, "/")
    for m in finditer_in(_TIGHT_SPAN_RE, text, numbers, slashed):
        y2 = int(m["y2"])
        first = FoundDate(
            m.start(),
            m.start(),
            None,
            m["y1"] is not None,
            int(m["d1"]),
            int(m["m1"]),
            int(m["y1"]) if m["y1"] else None,
        )
        second = FoundDate(m.end(), m.end(), None, True, int(m["d2"]), int(m["m2"]), y2)
        value = _span_of(first, second)
        if value:
            found.append(FoundPeriod(m.start(), m.end(), "span", value, True))
    for m in finditer_in(_MONTH_RANGE_RE, text, numbers_and("tháng"), windows_with(text, *_RANGE_NEEDLES)):
        y = int(m["y"])
        a, b = int(m["m1"]), int(m["m2"])
        if a < b:
            found.append(
                FoundPeriod(
                    m.start(), m.end(), "month_range", f"{month_value(a, y)}/{month_value(b, y)}", True
                )
            )
    for m in finditer_words(_HALF_RE, text, _HALF_WORDS):
        y = int(m["y"]) if m["y"] else default_year
        if y is not None:
            value = f"{y:04d}-01/{y:04d}-06" if m["h"].lower() == "đầu" else f"{y:04d}-07/{y:04d}-12"
            found.append(FoundPeriod(m.start(), m.end(), "half", value, m["y"] is not None))
    limits = window_word_positions(text, _YEAR_LIMIT_WORDS)
    for m in finditer_in(_YEAR_LIMIT_RE, text, limits, windows_with(text, _YEAR_WORD)):
        found.append(FoundPeriod(m.start("y") - 4, m.end(), "year", m["y"], True))
    for m in finditer_words(_QUARTER_RE, text, ("quý",)):
        y = int(m["y"]) if m["y"] else default_year
        found.append(
            FoundPeriod(
                m.start(),
                m.end(),
                "quarter",
                quarter_value(ROMAN_QUARTER[m["q"].upper()], y),
                m["y"] is not None,
            )
        )
    months = window_word_positions(text, (_MONTH_WORD,))
    for m in finditer_in(_MONTH_RE, text, months, windows_with(text, _MONTH_WORD)):
        y = int(m["y"]) if m["y"] else default_year
        value = month_value(int(m["m"]), y)
        if value:
            found.append(FoundPeriod(m.start(), m.end(), "month", value, m["y"] is not None))
    for m in finditer_in(_MONTH_YEAR_RE, text, numbers, slashed):
        found.append(FoundPeriod(m.start(), m.end(), "month", month_value(int(m["m"]), int(m["y"])), True))
    return _longest_first(found)


def _longest_first(items: list[FoundPeriod]) -> list[FoundPeriod]:
    kept: list[FoundPeriod] = []
    for p in sorted(items, key=lambda p: (-(p.end - p.start), p.start)):
        if all(p.end <= k.start or p.start >= k.end for k in kept):
            kept.append(p)
    return sorted(kept, key=lambda p: p.start)
