"""Deadlines: dates, periods, recurrences and dated events that schedule an action.

Every temporal expression of `dates.find_periods` is a candidate; what is not a
schedule is dropped by its context: the dates of cited documents, the issue-date
line, registry stamps ('Đến ngày:'), effective dates ('có hiệu lực từ ngày'),
footnotes, and dates long before the plan's own year (look-backs). The kind comes
from the words around it: 'trước ngày' is a deadline (recurring inside a 'định kỳ'
schedule), a span, month or quarter is a period, a day-month printed without a
year after a named day ('Ngày toàn dân ... 26/6') is an event. Recurrences without
a date ('định kỳ 6 tháng', 'hằng tháng') are kept with a null value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from models.record import Citation, Deadline, DeadlineKind, Metadata, Section
from pipeline.assignments import closing_span, outline, path_at, review_spans
from pipeline.blocks import Doc
from pipeline.dates import FoundPeriod, digit_starts, find_periods, windows_with
from pipeline.scan import finditer_from, merged, starts_in, word_positions
from pipeline.sections import section_index

_YEAR = re.compile(r"\bnăm\s+((?:19|20)\d\d)\b")
_BY_DATE = re.compile(
    r"(?:trước|chậm nhất(?:\s+là)?|hạn chót|hoàn thành trước|trước hoặc)\s*(?:ngày\s*)?[*_(]*\s*$", re.I
)
_RECURRING = re.compile(
    r"\b(?:định kỳ|hằng|hàng)\s+(?:\d+\s+)?(?:ngày|tuần|tháng|quý|năm|kỳ)\b|\bđịnh kỳ\b", re.I
)
# 'định kỳ', 'hằng tháng', '02 lần/năm' at a word start. The first letter is read first, so the
# regex engine scans for it; the look-backs then test what '\b' before it would have.
_RECUR_UNIT = r"(?:ngày|tuần|tháng|quý|năm)"
_RECUR_ONLY = re.compile(
    r"[ĐđHh\d](?:"
    rf"(?<=[Đđ])(?<!\w\w)ịnh kỳ\s+[Hh][ằà]ng\s+{_RECUR_UNIT}\b"
    rf"|(?<=[Hh])(?<!\w\w)[ằà]ng\s+{_RECUR_UNIT}\b"
    r"|(?<=[Đđ])(?<!\w\w)ịnh kỳ(?:\s+(?:\d+|sáu|ba)\s+tháng)?"
    r"|(?<=\d)(?<!\w\w)\d*\s+[\w ]{1,20}?/\s*(?:[Qq]uý|[Tt]háng|[Nn]ăm|[Tt]uần)\b)"
)
_RECUR_WORDS = ("định kỳ", "hằng", "hàng")  # what a `_RECUR_ONLY` match opens with, when not a number


def _recurrences(text: str) -> Iterator[re.Match[str]]:
    """The matches of `_RECUR_ONLY` in `text`, matched only where one can open: at its words, and at
    the numbers of the digit windows holding a '/' ('02 lần/năm')."""
    numbers = starts_in(digit_starts(text), windows_with(text, "/"))
    return finditer_from(_RECUR_ONLY, text, merged(word_positions(text, _RECUR_WORDS), numbers))


_EFFECTIVE = re.compile(r"(?:hiệu lực(?:\s+thi hành)?|áp dụng)(?:\s+kể)?\s+từ(?:\s+ngày)?\s*$", re.I)
_STAMP = re.compile(r"(?:đến|Đến|ĐẾN)\s*(?:ngày)?\s*[:|]\s*\|?\s*$")
_CITED = re.compile(
    r"(?:\bsố\b\s*:?\s*[\w/.\-&]+|\b\d+[\w.\-&]*/[A-ZĐ][\w.\-&/]*|\b\d+-[A-ZĐ]+/[A-ZĐ]+|\bký|\bban hành)[^.;\n]{0,60}?[,\s]*\bngày\s*$",
    re.I,
)
# 'thông qua ngày ...', 'ký ngày ...': when a text was adopted or signed, not a schedule.
_ADOPTED = re.compile(r"\b(?:thông qua|ký|ban hành|phê duyệt|công bố)(?:\s+[^\W\d_]+){0,2}\s+ngày\s*$", re.I)
_ISSUE_LINE = re.compile(r"^[^\n\d,]{2,40},\s*ngày\b")
_PLACE_BEFORE = re.compile(r"(?:^|\s)(?:TP\.\s*)?(?:[A-ZĐ][^\W\d_]*\s){0,3}[A-ZĐ][^\W\d_]*,\s*$")
_NAMED_DAY = re.compile(r"\b(?:[Nn]gày|[Tt]háng hành động|[Tt]háng)\b[^.;\n]{0,80}$")
_NOT_ACTION_PERIOD = re.compile(r"(?:giai đoạn|đến năm|tầm nhìn|chủ đề)\s*$", re.I)


def plan_year(doc: Doc, metadata: Metadata) -> int | None:
    """The year the plan is for: 'năm 2024' in its title, else its issue year, else the first year in its opening."""
    title = metadata.title if isinstance(metadata.title, str) else None
    for source in (title or "",):
        m = _YEAR.search(source)
        if m:
            return int(m.group(1))
    issued = metadata.issued_date if isinstance(metadata.issued_date, str) else None
    if issued and re.match(r"\d{4}", issued):
        return int(issued[:4])
    m = _YEAR.search(doc.text[:1500])
    return int(m.group(1)) if m else None


def _excluded(
    doc: Doc,
    p: FoundPeriod,
    year: int | None,
    cited: list[tuple[int, int]],
    skip: list[tuple[int, int]],
    issued: str | None = None,
) -> bool:
    text = doc.text
    worded = text[p.start : p.start + 4].lower() == "ngày"
    if issued and p.value == issued and p.start < 3000 and p.form in ("date", "month"):
        return True
    if issued and len(issued) == 10 and p.form == "date" and p.year_printed and p.value and p.value < issued:
        return True  # a day before the document was issued is a record of the past, not a schedule
    before = text[max(0, p.start - 120) : p.start] + ("ngày " if worded else "")
    if any(a <= p.start < b for a, b in cited) or any(a <= p.start < b for a, b in skip):
        return True
    if _EFFECTIVE.search(before) or _STAMP.search(before) or _NOT_ACTION_PERIOD.search(before):
        return True
    if p.form == "date" and (_CITED.search(before) or _ADOPTED.search(before)):
        return True
    if p.form == "month" and re.search(r"\bsố\s*:?\s*$", before):
        return True
    line_start = text.rfind("\n", 0, p.start) + 1
    line_end = text.find("\n", p.start)
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    if _ISSUE_LINE.match(line) and p.start - line_start < 45:
        return True
    if p.start < 3000 and worded and _PLACE_BEFORE.search(text[max(0, p.start - 60) : p.start]):
        return True  # 'Hà Nội, ngày 11 tháng 01 năm 2024': the place-date line, joined to another

    if year is not None and p.value and p.year_printed:
        first_year = int(p.value[:4])
        if first_year < year - 1:
            return True
    return False


def _kind(doc: Doc, p: FoundPeriod, sentence: str) -> DeadlineKind:
    before = doc.text[max(0, p.start - 40) : p.start]
    recurring = bool(_RECURRING.search(sentence))
    if p.form in ("date", "span") and _BY_DATE.search(before):
        return "recurring" if recurring and not p.year_printed else "deadline"
    if p.form == "year":
        return "deadline"
    if re.search(r"\btừ\s*(?:ngày\s*)?$", before, re.I):
        return "period"
    if (
        p.form == "date"
        and not p.year_printed
        and _NAMED_DAY.search(doc.text[max(0, p.start - 90) : p.start])
    ):
        return "event"
    if p.form == "date":
        return "event" if not p.year_printed else "deadline"
    return "period"


_SENTENCE_END = re.compile(r"\.(?=\s)|\n|;(?=\s)")


def _sentence_bounds(text: str, pos: int) -> tuple[int, int]:
    a = max(text.rfind(". ", 0, pos), text.rfind("\n", 0, pos), text.rfind("; ", 0, pos))
    a = a + 1 if a >= 0 else 0
    m = _SENTENCE_END.search(text, pos)
    b = m.start() if m else len(text)
    return a, b


def find_deadlines(
    doc: Doc, metadata: Metadata, sections: list[Section], citations: list[Citation]
) -> list[Deadline]:
    text = doc.text
    year = plan_year(doc, metadata)
    items = outline(doc, sections)
    index = section_index(doc, sections)
    cited = [(c.start, c.end) for c in citations]
    skip = [
        (b.start, b.end) for b in doc.blocks if b.kind in ("footnote", "stamp", "header_left", "header_right")
    ]
    skip.append(closing_span(doc))
    skip += review_spans(doc, items)
    out: list[Deadline] = []
    dated_sentences: set[tuple[int, int]] = set()
    for p in find_periods(text, year):
        issued = metadata.issued_date if isinstance(metadata.issued_date, str) else None
        if p.value is None or _excluded(doc, p, year, cited, skip, issued):
            continue
        a, b = _sentence_bounds(text, p.start)
        sentence = text[a:b].strip()
        dated_sentences.add((a, b))
        out.append(
            Deadline(
                text=text[p.start : p.end],
                kind=_kind(doc, p, sentence),
                value=p.value,
                task=sentence[:300] or None,
                section=path_at(items, index, p.start),
                year_inferred=not p.year_printed,
                start=p.start,
                end=p.end,
                page=doc.page_at(p.start),
            )
        )
    for m in _recurrences(text):
        if any(a <= m.start() < b for a, b in skip):
            continue
        a, b = _sentence_bounds(text, m.start())
        if (a, b) in dated_sentences:
            continue  # the schedule's dated cut-offs already carry it
        out.append(
            Deadline(
                text=m.group(),
                kind="recurring",
                value=None,
                task=text[a:b].strip()[:300] or None,
                section=path_at(items, index, m.start()),
                start=m.start(),
                end=m.end(),
                page=doc.page_at(m.start()),
            )
        )
    return sorted(out, key=lambda d: d.start)
