"""Quantitative targets (chỉ tiêu).

A target is a number the plan sets for an outcome: every percentage, and every
count given with a comparator ('ít nhất 10 cuộc', 'từ 80 người trở lên', 'từ 01 đến
02 đơn vị') or chosen by an action ('lựa chọn 01 doanh nghiệp'). Durations ('06
tháng'), dates, years, criteria and document numbers are not targets. The comparator,
direction and baseline are read from the words of the same clause.

An act that sets rules (a Luật, Nghị định, Thông tư: `vocab.normative_types`) is full
of rates, thresholds and requirements ('vốn điều lệ tối thiểu 500 tỷ đồng', 'thuế
suất 5%') that are not chỉ tiêu; in one, a number is a target only in a clause that
sets a goal ('phấn đấu', 'đến năm 2030 đạt 99%').

The unit of a count is the word after the number; underthesea's word segmentation
finds where that word ends ('doanh nghiệp' vs 'cuộc tuyên truyền'); it runs only on
those few short spans.
"""

from __future__ import annotations

import re
from functools import lru_cache

from models.record import Comparator, Direction, Section, Target
from pipeline import segmenter
from pipeline.assignments import closing_span, outline, path_at, review_spans
from pipeline.blocks import Doc
from pipeline.dates import digit_starts, digit_windows, window_word_positions, windows_with
from pipeline.scan import finditer_in
from pipeline.sections import section_index
from pipeline.vocab import normative_types

NUMBER = r"\d+(?:[.,]\d+)?"
_PERCENT = re.compile(rf"(?<![\w/.,])(?:(?P<lo>{NUMBER})\s*%?\s*(?:-|–|đến)\s*)?(?P<v>{NUMBER})\s*%")
_COUNT = re.compile(
    r"(?P<cmp>ít nhất|tối thiểu|không dưới|không ít hơn|trên|dưới|không quá|tối đa|không vượt quá)\s+(?:là\s+)?(?:từ\s+)?"
    r"(?P<v>\d+)(?:\s*(?:đến|-|–)\s*(?P<v2>\d+))?\s+(?=[^\W\d_])"
    r"|\btừ\s+(?P<v3>\d+)\s+(?=[^\W\d_][^.;\n]{0,25}\btrở lên)"
    r"|\b(?P<verb>lựa chọn|chọn|thành lập|xây dựng(?: mới)?|mở|tổ chức|phát hành|biên soạn)\s+(?P<v4>\d+)\s+(?=[^\W\d_])",
    re.I,
)
# The words a `_COUNT` match opens with (lowercase), for `scan.finditer_in`.
_COUNT_WORDS = (
    "ít nhất", "tối thiểu", "không dưới", "không ít hơn", "trên", "dưới", "không quá", "tối đa",
    "không vượt quá", "từ", "lựa chọn", "chọn", "thành lập", "xây dựng", "mở", "tổ chức", "phát hành",
    "biên soạn",
)
_NOT_UNIT = re.compile(
    r"^(?:năm|tháng|ngày|quý|tuần|giờ|phút|lần thứ|văn bản|kế hoạch|báo cáo|quyết định|chỉ thị|nghị quyết|"
    r"thông tư|nghị định|điều|khoản|tiêu chí|loại|%)$",
    re.I,
)
_DECREASE = re.compile(r"\b(?:giảm|kéo giảm|kiềm giảm|hạ)\b", re.I)
_INCREASE = re.compile(r"\btăng\b", re.I)
_MAINTAIN = re.compile(r"\b(?:khống chế|không chế|duy trì|giữ vững|giữ ổn định)\b", re.I)
_BASELINE = re.compile(r"so với\s+(?:cùng kỳ\s+)?(?:năm\s+)?((?:19|20)\d\d)", re.I)
_CMP_BEFORE = (
    (re.compile(r"(?:ít nhất|tối thiểu|không dưới|không ít hơn)(?:\s+(?:là|từ))?\s*$", re.I), ">="),
    (re.compile(r"(?:không quá|tối đa|không vượt quá)\s*$", re.I), "<="),
    (re.compile(r"\btrên\s*$", re.I), ">"),
    (re.compile(r"\bdưới\s*$", re.I), "<"),
    (re.compile(r"\btừ\s*$", re.I), ">="),
)
_CLAUSE_BREAK = re.compile(r"[.;:\n]|,\s(?=[^,]{0,40}(?:đạt|tỷ lệ))")
_PAST = re.compile(r"\b(?:đã|đạt được)\b")
# A goal in a clause of a normative act: 'phấn đấu', or a year to reach ('đến năm 2030', 'Đến 2028, có',
# 'năm 2027 đạt'); not a date ('ngày 31 tháng 12 năm 2027') nor 'mục tiêu' as a rule's noun ('thay đổi mục tiêu')
_GOAL = re.compile(r"\bphấn đấu\b|\bđến\s+(?:năm\s+)?(?:19|20)\d\d\b|\b(?:19|20)\d\d,?\s+(?:đạt|có)\b", re.I)
_CITED_NUMBER = re.compile(r"(?:\bsố|\bNo)\s*:?\s*$|/\s*$", re.I)


@lru_cache(maxsize=4096)
def _segment(span: str) -> tuple[str, ...]:
    """Words of a short span (underthesea word segmentation)."""
    return tuple(segmenter.word_tokenize(span))


def unit_after(text: str, pos: int) -> str | None:
    """The unit word printed after a count at `pos` ('cuộc', 'doanh nghiệp', 'hoạt động/quý')."""
    span = text[pos : pos + 40].split("\n")[0]
    words = [w for w in _segment(span) if w.strip()]
    if not words or not re.match(r"[^\W\d_]", words[0]):
        return None
    unit = words[0]
    rest = span[span.find(unit) + len(unit) :]
    per = re.match(r"\s*/\s*([^\W\d_]+)", rest)
    if per:
        unit = f"{unit}/{per.group(1)}"
    unit = unit.lower()
    return None if _NOT_UNIT.match(unit.split("/")[0]) else unit


def parse_number(printed: str) -> float:
    """'0,3' -> 0.3, '05' -> 5.0; a '.' between digit groups of three is a thousands mark."""
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", printed):
        return float(printed.replace(".", ""))
    return float(printed.replace(",", "."))


def _clause_start(text: str, pos: int, floor: int) -> int:
    start = floor
    for m in re.finditer(r"[.;:\n]", text[floor:pos]):
        start = floor + m.end()
    return start


_CLAUSE_END = re.compile(r"[.;\n]")


def _clause_end(text: str, pos: int) -> int:
    m = _CLAUSE_END.search(text, pos)
    return m.start() if m else len(text)


def _direction(before: str) -> Direction:
    if _DECREASE.search(before):
        return "decrease"
    if _MAINTAIN.search(before):
        return "maintain"
    if _INCREASE.search(before):
        return "increase"
    return "reach"


def _metric(before: str, after: str) -> str | None:
    core = re.sub(r"^[\s\-–+*•]+", "", before)
    core = re.sub(
        r"(?:\b(?:đạt|có|là|ít nhất|tối thiểu|không dưới|trên|dưới|không quá|tối đa|từ|bảo đảm|đảm bảo|phấn đấu))+\s*$",
        "",
        core.strip(),
        flags=re.I,
    ).strip(" ,")
    if len(core.split()) >= 2:
        return core[-160:]
    tail = re.sub(r"^\s*(?:trở lên|trở xuống)?\s*", "", after)
    words = tail.split()
    return " ".join(words[:14]) or None


def find_targets(doc: Doc, sections: list[Section], doc_type: str | None = None) -> list[Target]:
    """The targets of a document; `doc_type` (the header's) tells a normative act, whose targets need a goal."""
    text = doc.text
    normative = doc_type in normative_types()
    items = outline(doc, sections)
    index = section_index(doc, sections)
    skip = [
        (b.start, b.end) for b in doc.blocks if b.kind in ("footnote", "stamp", "header_left", "header_right")
    ]
    skip.append(closing_span(doc))
    skip += review_spans(doc, items)
    out: list[Target] = []
    prev_end = 0
    candidates: list[tuple[int, int, str, str | None, float | None, str | None]] = []
    windows = digit_windows(text)  # every target has a digit
    for m in finditer_in(_PERCENT, text, digit_starts(text), windows_with(text, "%")):
        if m["lo"]:  # 'từ 3-5%': value 3, value_max 5
            candidates.append((m.start(), m.end(), m["lo"], None, parse_number(m["v"]), "%"))
        else:
            candidates.append((m.start(), m.end(), m["v"], None, None, "%"))
    for m in finditer_in(_COUNT, text, window_word_positions(text, _COUNT_WORDS), windows):
        v = m["v"] or m["v3"] or m["v4"]
        v2 = parse_number(m["v2"]) if m["v2"] else None
        num_start = m.start("v") if m["v"] else (m.start("v3") if m["v3"] else m.start("v4"))
        candidates.append((num_start, m.end(), v, m["cmp"], v2, None))  # the unit is read when kept
    for num_start, num_end, printed, _cmp_word, value_max, unit in sorted(candidates, key=lambda c: c[:5]):
        if any(a <= num_start < b for a, b in skip) or _CITED_NUMBER.search(
            text[max(0, num_start - 8) : num_start]
        ):
            continue
        clause_a = _clause_start(text, num_start, max(prev_end, text.rfind("\n", 0, num_start) + 1))
        before = text[clause_a:num_start]
        if _PAST.search(before):
            continue  # 'tỷ lệ ... đã đạt 85%': a result, not a target
        clause_b = _clause_end(text, num_end)
        after = text[num_end:clause_b]
        if normative and not _GOAL.search(before + after):
            continue  # a rate, threshold or requirement of a rule
        # a count's unit, read last: the word segmenter is the slowest step of the stage
        unit = unit or unit_after(text, num_end)
        if unit is None:
            continue
        comparator: Comparator = "="
        for pattern, cmp in _CMP_BEFORE:
            if pattern.search(before):
                comparator = cmp  # type: ignore[assignment]
                break
        if re.match(r"\s*(?:[^\W\d_]+\s+){0,3}trở lên", after) or re.match(r"\s*trở lên", after):
            comparator = ">="
        elif re.match(r"\s*trở xuống", after):
            comparator = "<="
        if unit != "%" and value_max is None:
            span = re.match(r"\s*(?:đến|-|–)\s*(\d+)", text[num_start + len(printed) : num_end])
            if span:
                value_max = parse_number(span.group(1))
        baseline = _BASELINE.search(after)
        end = num_end if unit == "%" else num_end + len(unit.split("/")[0])
        out.append(
            Target(
                text=text[clause_a:clause_b].strip()[:300] or text[num_start:end],
                metric=_metric(before, after),
                comparator=comparator,
                value=parse_number(printed),
                value_max=value_max,
                unit=unit,
                direction=_direction(before),
                baseline=baseline.group(1) if baseline else None,
                section=path_at(items, index, num_start),
                start=num_start,
                end=end,
                page=doc.page_at(num_start),
            )
        )
        prev_end = num_end
    return out
