"""What one header line says: the motto, the number and symbol, the place and date, the type word.

Each recogniser reads a single printed line (or table cell) and says nothing
about where it sits; `pipeline.header` decides which lines are the header.
"""

from __future__ import annotations

import re
from functools import cache

from pipeline.dates import find_dates
from pipeline.doclines import fold, header_words, is_caps, words_pattern
from pipeline.vocab import canonical_type, doc_type_pattern

_SYMBOL_PART = r"[0-9A-Za-zĐđÀ-ỹ&.]+"
# 'Số: 05/HD-CCB', 'Số 10-NQ/HU', 'Luật số: 73/2021/QH14', 'Số: /KH-LĐLĐ' (number left blank)
NUMBER_RE = re.compile(
    r"(?:^|(?<=\s))(?P<kw>(?:(?P<tw>[A-ZĐÀ-Ỹ][a-zđà-ỹ]+(?:\s+[a-zđà-ỹ]+)?)\s+)?[Ss][ốô])\s*:?\s*"
    rf"(?P<num>\d{{1,5}}(?:\.\d{{1,3}})?[a-z]?|[._…]{{0,20}})\s*(?P<tail>(?:\s?[/\-–]\s?{_SYMBOL_PART})+)"
)
# a công văn's subject under its number: 'V/v góp ý dự thảo ...'
VV_RE = re.compile(r"^(?:V/v|V/V|v/v|Về\s+việc)\s*:?\s*(?P<title>.+)$")
# dots or underscores printed for a blank number or day: 'Số: ....../QĐ-UBND', 'ngày ... tháng'
PLACEHOLDER = re.compile(r"[._…]{2,}")


@cache
def _motto_res() -> list[tuple[re.Pattern[str], list[str]]]:
    """Each motto phrase as a regex (dashes optional) with its words, for truncated prints."""
    out = []
    for phrase in header_words()["motto"]:
        words = [w for w in phrase.split() if w not in "-–—"]
        pattern = r"\s*[-–—]?\s*".join(re.escape(w) for w in words)
        if phrase.isupper() and len(words) >= 6:
            # a Quốc hiệu with a misprinted word ('CHỦ NGHÍA', 'NCHĨA'): the same capitals' initials
            loose = r"\s+".join(re.escape(w[0]) + r"[A-ZĐÀ-Ỹ]*" for w in words)
            pattern = rf"(?:{pattern})|(?<![\wÀ-ỹ])(?:{loose})(?![\wÀ-ỹ])"
            out.append((re.compile(pattern), words))
            out.append((re.compile(r"\s*".join(re.escape(w) for w in words), re.I), words))
            continue
        out.append((re.compile(pattern, re.I), words))
    return out


def strip_motto(text: str, pending: list[str]) -> tuple[str, list[str], bool]:
    """The line without motto words; the words of a motto cut at the line's end; party flag."""
    party = False
    if pending:
        tail = " ".join(pending)
        if fold(text).endswith(fold(tail)):
            text = text[: len(text) - len(tail)].rstrip()
        pending = []
    for rx, words in _motto_res():
        if rx.search(text):
            party = party or fold(" ".join(words)).startswith("đảng")
            text = rx.sub(" ", text)
    text = re.sub(r"\s+", " ", text).strip()
    # a motto cut by a column edge: 'HỘI CỰU CHIẾN BINH VIỆT CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT'
    folded = fold(text)
    for words, heads in _motto_heads():
        for k, head in heads:
            if folded.endswith(head):
                text = text[: folded.rfind(head)].rstrip()
                pending = words[k:]
                party = party or fold(words[0]) == "đảng"
                return text, pending, party
    return text, pending, party


def has_motto(text: str) -> bool:
    """`text` holds a motto (the Quốc hiệu, the Tiêu ngữ or the Party's), whole or cut by a column edge."""
    return strip_motto(text, [])[0] != " ".join(text.split())


def is_motto_line(text: str) -> bool:
    """`text` is a motto and nothing else, whole or cut at its end."""
    return bool(text.strip()) and not strip_motto(text, [])[0]


@cache
def _motto_heads() -> list[tuple[list[str], list[tuple[int, str]]]]:
    """Each motto's words with its first k words folded (k from all but one down to three), longest first."""
    return [
        (words, [(k, fold(" ".join(words[:k]))) for k in range(len(words) - 1, 2, -1)]) for _, words in _motto_res()
    ]


def read_number(text: str) -> tuple[str | None, str, str | None] | None:
    """(number, symbol, type word before 'số') from a `Số: 05/HD-CCB` line, or None."""
    m = NUMBER_RE.search(text)
    if not m:
        return None
    before = text[: m.start()].strip()
    if before and not is_caps(before) or m.group("tw") and not canonical_type(m.group("tw")):
        return None  # 'Thực hiện Kế hoạch số 34/KH-BCĐ': a cited document's number
    tail = re.sub(r"\s+", "", m.group("tail")).replace("–", "-").rstrip(".-/")
    if sum(c.isupper() for c in tail) < 2:
        return None  # 'Số: 155 / Đến ngày': a registry number, not a symbol
    num = m.group("num") if m.group("num") and m.group("num")[0].isdigit() else None
    return num, (num or "") + tail, m.group("tw")


def read_place_date(text: str) -> tuple[str | None, str] | None:
    """(place, ISO date) from `Hà Nội, ngày 11 tháng 01 năm 2024` (day may be blank)."""
    m = re.search(r"(?:^|,\s*|\s)(?P<ngay>[Nn]gày)\b", text)
    if not m:
        return None
    rest = PLACEHOLDER.sub(" ", text[m.start("ngay") :])
    found = [d for d in find_dates(rest) if d.start < 8 and d.year_printed and d.value]
    if not found:
        year_only = re.match(r"ngày\s*tháng\s*năm\s*((?:19|20)\d\d)?\s*$", rest, re.I)
        if not year_only:
            return None
        found_value = year_only.group(1) or ""  # day and month (and year) left blank
    else:
        found_value = found[0].value or ""
    before = re.sub(r"^[^\wÀ-ỹ]+", "", text[: m.start("ngay")]).strip().rstrip(",").strip()
    sym = NUMBER_RE.search(before)
    if sym and read_number(before) is not None:
        before = before[sym.end() :].strip()  # 'Số: 162/KH-BCĐ Đắk Nông, ngày ...' run together
    place = (
        before
        if before and len(before) <= 40 and before[0].isupper() and not re.search(r"\d", before)
        else None
    )
    if before and place is None:
        return None  # 'Thực hiện Nghị quyết số 10-NQ/HU ngày 27/12/2023': a cited document's date
    return place, found_value


@cache
def _type_line_re() -> re.Pattern[str]:
    return re.compile(rf"^(?P<type>{doc_type_pattern()})(?![\wÀ-ỹ])\s*(?P<rest>.*)$", re.I)


def read_type_line(text: str) -> tuple[str, str] | None:
    """(vocabulary type, rest of the line) when the line prints a type word in capitals."""
    m = _type_line_re().match(text)
    if not m or not is_caps(m.group("type")):
        return None
    rest = m.group("rest").strip()
    if rest.startswith(":") or (rest and rest[0].islower()):
        return None
    if rest and re.match(r"^(?:số|SỐ)\b", rest):
        return None
    name = canonical_type(m.group("type"))
    return (name, rest) if name else None


@cache
def org_head_re() -> re.Pattern[str]:
    """A line that starts an organisation's name ('ỦY BAN NHÂN DÂN', 'Ban Chỉ đạo', 'SỞ TƯ PHÁP')."""
    return re.compile(rf"^(?:{words_pattern(header_words()['org_heads'])})(?=\s|$|,)", re.I)


@cache
def _position_re() -> re.Pattern[str]:
    return re.compile(rf"^(?:{words_pattern(header_words()['positions'])})\b")


def position_start(text: str) -> bool:
    """A line that starts with a signer's position ('CHỦ TỊCH', 'BỘ TRƯỞNG')."""
    return bool(_position_re().match(text))
