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
