"""Vietnamese dates as printed, to ISO values. Shared by every stage that reads dates.

Forms: `ngày 16/8/2021`, `16-8-2021`, `28.9.2021`, `ngày 16 tháng 8 năm 2021`,
`ngày   tháng 02 năm 2024` (blank day), and day/month without a year
(`26/6`, `trước ngày 10/5`), whose year a caller supplies and marks inferred.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

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
_YEAR_LIMIT_RE = re.compile(
    rf"\b(?:trước|đến hết|chậm nhất(?: là)?(?: trong)?|hoàn thành trong)\s+năm\s+(?P<y>{YEAR})\b", re.I
)
# 6 tháng đầu năm 2024, sáu tháng cuối năm
_HALF_RE = re.compile(rf"\b(?:6|06|sáu)\s+tháng\s+(?P<h>đầu|cuối)\s+năm(?:\s+(?P<y>{YEAR}))?", re.I)


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


_DIGIT_RUN = re.compile(r"\d[\d/.\-–\s]*")
_WINDOW_MARGIN = 30  # longer than any context a date pattern reads around its digits


_LAST_WINDOWS: list[tuple[str, list[tuple[int, int]]]] = []


def digit_windows(text: str) -> list[tuple[int, int]]:
    """Stretches of `text` around its digits: every pattern but the digit-free ones needs a digit,
    and scanning only these stretches is several times faster than scanning the whole text.

    The deadline and target stages both ask for the same text's windows: the last answer is kept.
    """
    if _LAST_WINDOWS and _LAST_WINDOWS[0][0] is text:
        return list(_LAST_WINDOWS[0][1])
    out = _digit_windows(text)
    _LAST_WINDOWS[:] = [(text, out)]
    return list(out)


def _digit_windows(text: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for m in _DIGIT_RUN.finditer(text):
        a, b = max(0, m.start() - _WINDOW_MARGIN), min(len(text), m.end() + _WINDOW_MARGIN)
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def windows_with(
    text: str, windows: list[tuple[int, int]], needle: str | re.Pattern[str]
) -> list[tuple[int, int]]:
    """The windows holding `needle` (a string, or a pattern that each match of the scanning
    pattern consumes): a pattern that cannot match without it need not scan the others."""
    if isinstance(needle, str):
        return [(a, b) for a, b in windows if text.find(needle, a, b) >= 0]
    return [(a, b) for a, b in windows if needle.search(text, a, b)]


# What some period patterns cannot match without (each consumes it), to pick their windows.
_MONTH_WORD = re.compile("tháng", re.I)
_YEAR_WORD = re.compile("năm", re.I)
_DATE_NEEDLE = re.compile(r"tháng|\d\s*[/.\-]\s*\d", re.I)
_RANGE_NEEDLE = re.compile("[-–]|đến", re.I)


def scan_windows(pattern: re.Pattern[str], text: str, windows: list[tuple[int, int]]) -> list[re.Match[str]]:
    """Matches of `pattern` inside `windows` (from `digit_windows`), in text order."""
    return [m for a, b in windows for m in pattern.finditer(text, a, b)]


def find_periods(text: str, default_year: int | None = None) -> list[FoundPeriod]:
    """Every date, span of dates, month, month range, quarter and half-year in `text`, in text order.

    Overlaps are resolved longest-first, so `từ 01/7-30/9/2024` is one span and the
    `ngày 16 tháng 8 năm 2021` inside a worded date is not also a month.
    """
    found: list[FoundPeriod] = []
    windows = digit_windows(text)
    dates = [
        d
        for d in (
            _from_match(m, default_year) for m in scan_windows(DATE_RE, text, windows_with(text, windows, _DATE_NEEDLE))
        )
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
    slashed = windows_with(text, windows, "/")
    for m in scan_windows(_TIGHT_SPAN_RE, text, slashed):
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
    for m in scan_windows(_MONTH_RANGE_RE, text, windows_with(text, windows, _RANGE_NEEDLE)):
        y = int(m["y"])
        a, b = int(m["m1"]), int(m["m2"])
        if a < b:
            found.append(
                FoundPeriod(
                    m.start(), m.end(), "month_range", f"{month_value(a, y)}/{month_value(b, y)}", True
                )
            )
    for m in _HALF_RE.finditer(text):
        y = int(m["y"]) if m["y"] else default_year
        if y is not None:
            value = f"{y:04d}-01/{y:04d}-06" if m["h"].lower() == "đầu" else f"{y:04d}-07/{y:04d}-12"
            found.append(FoundPeriod(m.start(), m.end(), "half", value, m["y"] is not None))
    for m in scan_windows(_YEAR_LIMIT_RE, text, windows_with(text, windows, _YEAR_WORD)):
        found.append(FoundPeriod(m.start("y") - 4, m.end(), "year", m["y"], True))
    for m in _QUARTER_RE.finditer(text):
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
    for m in scan_windows(_MONTH_RE, text, windows_with(text, windows, _MONTH_WORD)):
        y = int(m["y"]) if m["y"] else default_year
        value = month_value(int(m["m"]), y)
        if value:
            found.append(FoundPeriod(m.start(), m.end(), "month", value, m["y"] is not None))
    for m in scan_windows(_MONTH_YEAR_RE, text, slashed):
        found.append(FoundPeriod(m.start(), m.end(), "month", month_value(int(m["m"]), int(m["y"])), True))
    return _longest_first(found)


def _longest_first(items: list[FoundPeriod]) -> list[FoundPeriod]:
    kept: list[FoundPeriod] = []
    for p in sorted(items, key=lambda p: (-(p.end - p.start), p.start)):
        if all(p.end <= k.start or p.start >= k.end for k in kept):
            kept.append(p)
    return sorted(kept, key=lambda p: p.start)
