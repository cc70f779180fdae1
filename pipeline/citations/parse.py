"""Attributes printed around a mention: date, issuer (and Party term), title.

They follow the core in a fixed order in practice: `<type> số <symbol> ngày <date>
của <issuer> về <title>`, with a comma sometimes before the date and the date
sometimes after the issuer. A Luật cited by name may carry its symbol after the name
(`Luật Phòng, chống ma túy số 73/2021/QH14`). Each reader looks in a short window after
the previous one, so the cost is constant per mention.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from pipeline import vocab
from pipeline.citations.symbols import SYMBOL_RE, Symbol, parse_symbol
from pipeline.dates import find_dates

_BEFORE_DATE = re.compile(r"[ \t]*,?[ \t]*(?:(?:được[ \t]+)?(?:ký|ban[ \t]+hành)[ \t]+)?")
_BEFORE_ISSUER = re.compile(r"[ \t]*,?[ \t]*(?:của|giữa)[ \t]+")
_BEFORE_TITLE = re.compile(r"[ \t]*,?[ \t]*(?:về|V/v)[ \t]+(?:việc[ \t]+)?")
_BEFORE_SYMBOL = re.compile(r"[ \t]*,?[ \t]*(?:số[ \t]*:?[ \t]*)?")
_TERM = re.compile(r"[Kk]h(?:óa|oá)[ \t]+([IVXLC]+)\b")
_TITLE_END = re.compile(r"[;\n]|\.(?:\s|$)")
ISSUER_WINDOW = 220
# A comma before one of these starts another body (`của Ban Chỉ đạo tỉnh, Ban Chỉ đạo huyện xây dựng ...`).
BODY_HEADS = (
    r"(?:Ban|Bộ|Ủy|UBND|HĐND|Sở|Công[ \t]+an|Hội|Đảng|Tỉnh[ \t]+ủy|Huyện[ \t]+ủy|Thành[ \t]+ủy|Phòng|Cục|Chi[ \t]+cục|"
    r"Tổng|Văn[ \t]+phòng|Viện|Tòa|Mặt[ \t]+trận|Liên[ \t]+đoàn|Đoàn|Trung[ \t]+ương|Thường[ \t]+trực|Chính[ \t]+phủ|"
    r"Quốc[ \t]+hội|Thủ[ \t]+tướng|Chủ[ \t]+tịch|Trưởng)(?![\wÀ-ỹ])"
)


@cache
def _issuer_stop() -> re.Pattern[str]:
    types = vocab.doc_type_pattern()
    words = (
        r"về|phê[ \t]+duyệt|ban[ \t]+hành|hướng[ \t]+dẫn|quy[ \t]+định|tiếp[ \t]+tục|thực[ \t]+hiện|triển[ \t]+khai|"
        r"trọng[ \t]+tâm|nhằm|đã|là|tại|đối[ \t]+với|theo|ngày|thay[ \t]+thế|sửa[ \t]+đổi|để|trong|"
        r"đề[ \t]+ra|đặt[ \t]+ra|gắn|cho|thì|công[ \t]+bố|kèm[ \t]+theo|có[ \t]+hiệu|được"
    )
    return re.compile(
        rf"[ \t]+(?:{words})(?![\wÀ-ỹ])|[;.:\n“”\"]|,[ \t]*(?=(?i:{types})|số|ngày|\d|{BODY_HEADS})|[ \t]+và[ \t]+(?=(?i:{types})|{_AFTER_AND})"
        rf"|,[ \t]*(?={_VERBS})"
    )


# After `và` these start a new clause, not the second half of a joint issuer.
_AFTER_AND = r"(?:các(?![ \t]+tổ[ \t]+chức)|những|thực[ \t]+hiện|triển[ \t]+khai|tổ[ \t]+chức|đã|được|tiếp[ \t]+tục)(?![\wÀ-ỹ])"
# After a comma these verbs start a new clause (`... Ban Chỉ đạo 138/CP, tích cực tham gia ...`).
_VERBS = r"(?:tích[ \t]+cực|tham[ \t]+gia|thực[ \t]+hiện|triển[ \t]+khai|tổ[ \t]+chức|phối[ \t]+hợp|chỉ[ \t]+đạo|đề[ \t]+nghị)(?![\wÀ-ỹ])"


@dataclass
class Tail:
    end: int
    date: str | None = None
    date_span: tuple[int, int] | None = None
    issuer: str | None = None
    term: str | None = None
    title: str | None = None
    symbol: Symbol | None = None
    symbol_span: tuple[int, int] | None = None


def read_symbol_after(text: str, pos: int) -> tuple[Symbol, int, int] | None:
    """`... số 73/2021/QH14` right after a name."""
    m = _BEFORE_SYMBOL.match(text, pos)
    if not m:
        return None
    s = SYMBOL_RE.match(text, m.end())
    if not s:
        return None
    return parse_symbol(s["num"], s["sep"], s["year"], s["codes"]), s.start(), s.end()


def read_date(text: str, pos: int) -> tuple[str, int, int] | None:
    """A dated mention: `ngày 16/8/2021`, `, ngày 16 tháng 8 năm 2021`, `28.9.2021`, `ký ngày ...`."""
    m = _BEFORE_DATE.match(text, pos)
    q = m.end() if m else pos
    window = text[q : q + 48]
    opening = window.lstrip()
    if not (opening[:1].isdigit() or opening[:4].lower() == "ngày"):
        return None  # a date must open the window (as tested below): none can be found further in
    found = find_dates(window)
    if not found:
        return None
    d = found[0]
    lead = window[: d.start].strip().lower()
    if lead not in ("", "ngày") or not d.year_printed or d.value is None:
        return None
    return d.value, q + d.start, q + d.end


def read_issuer(text: str, pos: int) -> tuple[str, int, int] | None:
    """`của Bộ Chính trị (khóa X)`, `giữa Bộ Công an và Tổng Liên đoàn Lao động Việt Nam`."""
    m = _BEFORE_ISSUER.match(text, pos)
    if not m:
        return None
    start = m.end()
    stop = _issuer_stop().search(text, start, start + ISSUER_WINDOW)
    end = stop.start() if stop else min(len(text), start + ISSUER_WINDOW)
    issuer = text[start:end]
    # a ')' that closes a parenthesis opened before the mention ends the issuer
    depth = 0
    for i, ch in enumerate(issuer):
        depth += ch == "("
        if ch == ")":
            if depth == 0:
                issuer = issuer[:i]
                break
            depth -= 1
    issuer = issuer.rstrip(" \t,(")
    if not issuer or not re.match(r"[\wÀ-ỹ]", issuer):
        return None
    return re.sub(r"\s+", " ", issuer), start, start + len(issuer)


def read_title(text: str, pos: int, limit: int) -> tuple[str, int] | None:
    """`về tăng cường ...` up to the end of the clause (or the next mention)."""
    m = _BEFORE_TITLE.match(text, pos)
    if not m:
        return None
    start = m.end()
    stop = _TITLE_END.search(text, start, min(limit, start + 300))
    end = stop.start() if stop else min(limit, start + 300)
    title = re.sub(r"\s+", " ", text[start:end]).strip(" ,")
    return (title, end) if title else None


def term_of(issuer: str | None) -> str | None:
    if not issuer:
        return None
    m = _TERM.search(issuer)
    return f"khóa {m.group(1)}" if m else None


def read_tail(text: str, pos: int, limit: int) -> Tail:
    """Date, issuer and title after a mention's core ending at `pos`; `limit` is where the
    next mention starts (a title never runs into it)."""
    tail = Tail(end=pos)
    if d := read_date(text, pos):
        tail.date, tail.date_span, tail.end = d[0], (d[1], d[2]), d[2]
    if i := read_issuer(text, tail.end):
        tail.issuer, tail.end = i[0], i[2]
        tail.term = term_of(i[0])
        if tail.date is None and (d := read_date(text, tail.end)):
            tail.date, tail.date_span, tail.end = d[0], (d[1], d[2]), d[2]
    if t := read_title(text, tail.end, limit):
        tail.title = t[0]
    return tail


_ISSUED_BEFORE = re.compile(
    r"(?:^|[.;\n][ \t]*)(?P<all>[Nn]gày[ \t]+(?P<date>[0-9/.\-]{6,10}|\d{1,2}[ \t]+tháng[ \t]+\d{1,2}[ \t]+năm[ \t]+\d{4}),?"
    r"[ \t]+(?P<iss>[^,;.\n]{2,80}?)[ \t]+(?:đã[ \t]+)?ban[ \t]+hành[ \t]+)$"
)


def read_issued_before(text: str, start: int) -> tuple[str, str, int] | None:
    """`Ngày 30/6/2021 Chính phủ ban hành Nghị định số ...`: date, issuer and the new start."""
    window_start = max(0, start - 130)
    if not text[window_start:start].rstrip(" \t").endswith("hành"):
        return None  # the pattern ends with `ban hành`: a cheap test first
    m = _ISSUED_BEFORE.search(text[window_start:start])
    if not m:
        return None
    found = find_dates("ngày " + m["date"])
    if not found or found[0].value is None:
        return None
    return found[0].value, m["iss"].strip(), window_start + m.start("all")
