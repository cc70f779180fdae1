"""Responsible bodies and their roles (lead, support, requested).

Where a plan assigns work:
- the body heading each item of a PHÂN CÔNG NHIỆM VỤ / TỔ CHỨC THỰC HIỆN part (lead,
  or requested when the heading starts with 'Đề nghị'); a heading may name several bodies;
- trigger phrases anywhere in the body text: 'Giao X' (lead), 'Yêu cầu X' (lead),
  'Đề nghị X' (requested), 'phối hợp (với) Y' (support);
- a body opening a sentence inside an assigned item, or anywhere when the plan has no
  assignment part (guides often direct bodies in running text);
- schedule tables with 'Cơ quan chủ trì' / 'Cơ quan phối hợp' columns.
Each (body, role) is listed once; `mentions` keeps every place, for linking.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from models.record import Assignment, Metadata, Role, Section
from pipeline.blocks import Doc
from pipeline.bodies import (
    POSITION,
    STOP_WORDS,
    body_key,
    canonical,
    clean_body,
    head_at,
    head_pattern,
    is_body,
    scan_body,
    split_bodies,
)
from pipeline.scan import finditer_words
from pipeline.sections import SectionIndex, section_at, section_index

_ASSIGN_PART = re.compile(r"PHÂN CÔNG|TỔ CHỨC THỰC HIỆN|TRÁCH NHIỆM THỰC HIỆN|NHIỆM VỤ CỦA CÁC", re.I)
_PART_LINE = re.compile(r"^[#*_\s]*(?P<label>[IVX]{1,5})\s*\.\s*(?P<rest>\S.*)$")
_ITEM_LINE = re.compile(r"^[#*_\s]*(?P<label>\d{1,2}(?:\.\d{1,2})*)\s*\.?\s*[*_]*\s+(?P<rest>\S.*)$")
_POINT_LINE = re.compile(r"^[#*_\s]*(?P<label>[a-zđ])\s*\)\s*(?P<rest>\S.*)$")
_END_MARK = re.compile(r"^[#*_\s]*Nơi nhận\b", re.M)
_SKIP_KINDS = {"footnote", "recipients", "signature", "header_left", "header_right", "stamp"}


@dataclass(frozen=True)
class Item:
    """A numbered unit of the text: a Roman part, a numbered item or a lettered point."""

    start: int
    end: int
    path: str
    kind: str
    heading_end: int  # end of its first line


@dataclass(frozen=True)
class Mention:
    """One place where a body is given a role; several mentions may make one Assignment."""

    start: int
    end: int
    body: str
    role: Role
    task: str | None
    section: str | None
    key: str
    heading: bool = False


# ---------------------------------------------------------------------------
# The outline: the section tree when the sections stage gave one, else read from the lines.
# ---------------------------------------------------------------------------


_APPENDIX = re.compile(
    r"\b(?:PHỤ LỤC|Phụ lục|Lịch trọng tâm|Lịch công tác|LỊCH|BIỂU|Biểu)\b|\bTT\s*\|?\s*Nội dung"
)


def body_end(doc: Doc) -> int:
    """Offset where the body text ends (the Nơi nhận block), else the text's end."""
    m = _END_MARK.search(doc.text)
    return m.start() if m else len(doc.text)


def closing_span(doc: Doc) -> tuple[int, int]:
    """The Nơi nhận and signature stretch: from 'Nơi nhận' to an appendix (schedule table) or the end.

    Read once per document: the deadline, target and assignment stages all leave it out.
    """
    span = doc.derived.get("closing_span")
    if span is None:
        start = body_end(doc)
        m = _APPENDIX.search(doc.text, start)
        span = doc.derived["closing_span"] = (start, (m.start() if m else len(doc.text)))
    return span


_REVIEW_PART = re.compile(r"KẾT QUẢ|ĐÁNH GIÁ|TÌNH HÌNH|THỰC TRẠNG|TỔNG KẾT|Kết quả|Đánh giá|Tình hình")
_PLAN_PART = re.compile(r"NHIỆM VỤ|MỤC TIÊU|CHỈ TIÊU|GIẢI PHÁP|PHƯƠNG HƯỚNG|Nhiệm vụ|Mục tiêu|Chỉ tiêu")


def review_spans(doc: Doc, items: list[Item]) -> list[tuple[int, int]]:
    """Top-level parts that report past results ('I. KẾT QUẢ THỰC HIỆN NĂM 2023'): their dates and
    percentages record what happened, not what the plan sets."""
    out = []
    for it in items:
        if "/" in it.path:
            continue
        heading = doc.text[it.start : it.heading_end]
        if _REVIEW_PART.search(heading) and not _PLAN_PART.search(heading):
            out.append((it.start, it.end))
    return out


def outline(doc: Doc, sections: list[Section]) -> list[Item]:
    """Parts, items and points in text order (read once per document and section list)."""
    cached = doc.derived.get("outline")
    if cached is not None and cached[0] is sections and cached[1] == len(sections):
        return list(cached[2])
    items = _outline(doc, sections)
    doc.derived["outline"] = (sections, len(sections), items)
    return list(items)


def _outline(doc: Doc, sections: list[Section]) -> list[Item]:
    text = doc.text
    if sections:
        items = []
        for s in sections:
            line_end = text.find("\n", s.start)
            items.append(Item(s.start, s.end, s.path, s.kind, line_end if line_end >= 0 else s.end))
        return items
    end_all = body_end(doc)
    raw: list[tuple[int, int, int, str]] = []  # start, line_end, level, label
    has_parts = any(_PART_LINE.match(m.group()) for m in re.finditer(r"^.*$", text[:end_all], re.M))
    for m in re.finditer(r"^.*$", text[:end_all], re.M):
        line = m.group()
        pm = _PART_LINE.match(line)
        if pm:
            raw.append((m.start(), m.end(), 1, pm["label"]))
            continue
        im = _ITEM_LINE.match(line)
        if im and int(im["label"].split(".")[0]) <= 60:
            level = (2 if has_parts else 1) + im["label"].count(".")
            raw.append((m.start(), m.end(), level, im["label"]))
            continue
        om = _POINT_LINE.match(line)
        if om and raw:
            raw.append((m.start(), m.end(), raw[-1][2] + 1, om["label"]))
    items: list[Item] = []
    stack: list[tuple[int, str]] = []
    for i, (start, line_end, level, label) in enumerate(raw):
        end = end_all
        for later in raw[i + 1 :]:
            if later[2] <= level:
                end = later[0]
                break
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, label))
        kind = (
            "part"
            if level == 1 and has_parts
            else ("point" if label.isalpha() and label.islower() else "item")
        )
        items.append(Item(start, end, "/".join(lbl for _, lbl in stack), kind, line_end))
    return items


def path_at(items: list[Item], sections: list[Section] | SectionIndex, offset: int) -> str | None:
    """Path of the innermost item holding `offset`."""
    if sections:
        s = section_at(sections, offset)
        return s.path if s else None
    best = None
    for it in items:
        if it.start <= offset < it.end and (best is None or it.path.count("/") >= best.path.count("/")):
            best = it
    return best.path if best else None


# ---------------------------------------------------------------------------
# Finding mentions
# ---------------------------------------------------------------------------

# Each trigger must start a word (`_starts_word` tests it). The words each opens with, in lowercase,
# let the scan look for them as literals (`scan.finditer_words`) instead of trying every position.
_TRIGGERS: tuple[tuple[re.Pattern[str], Role, tuple[str, ...]], ...] = (
    (re.compile(r"(?:Giao|giao)\s+(?=\S)"), "lead", ("giao",)),
    (re.compile(r"(?:Yêu cầu|yêu cầu)\s+(?=\S)"), "lead", ("yêu cầu",)),
    (re.compile(r"(?:Đề nghị|đề nghị)\s+(?=\S)"), "requested", ("đề nghị",)),
    (
        re.compile(r"(?:[Pp]hối hợp)(?:\s+(?:chặt chẽ|tốt|thực hiện|triển khai))?\s+(?:với\s+)?(?=\S)"),
        "support",
        ("phối hợp",),
    ),
    (re.compile(r"p(?<!\w\w)hối hợp giữa\s+[^,;.]{3,80}?\s+với\s+(?=\S)"), "support", ("phối hợp giữa",)),
)
_CITED_CONTEXT = re.compile(
    r"(?:Chương trình|Kế hoạch|Quy chế|Nghị quyết liên tịch)(?:\s+phối hợp)?\s*(?:số\s*\S+\s*)?$"
)
_TEXT_OPENING = re.compile(r"(?:-\s*)?(?:Năm\s+\d{4},?\s+)?")


@lru_cache(maxsize=1)
def _sentence_opening() -> re.Pattern[str]:
    """Where a sentence opens: after a full stop (or ; ! ? …) and spaces, or on a line opening with
    a dash ('- Sở Y tế ...'); past the dash and an opening year ('Năm 2024, '), and only before a
    body's head word. The pattern opens with the break's character, so the regex
    engine skips to those characters; its parts do not give back what they read (`++`, `(?>...)`),
    so a match ends where the year or dash ends, as a subject is read from there."""
    return re.compile(
        rf"(?:[.;!?…]\s++|\n(?=- ))(?>(?:-\s*)?(?:Năm\s+\d{{4}},?\s+)?)(?={head_pattern()})"
    )


_NOT_ACTION = re.compile(r"\s*(?:đã|là|được|của|về|thì|cũng)\b")


def _starts_word(text: str, pos: int) -> bool:
    """Whether a word starts at `pos` (what `\\b` tests before a letter)."""
    if pos == 0:
        return True
    c = text[pos - 1]
    return not (c.isalnum() or c == "_")


def _sentence_openings(text: str) -> Iterator[int]:
    """Offsets where a sentence opens: the text's start, after a real sentence break, and on a
    line opening with a dash (a line merely wrapped inside a sentence opens none)."""
    pos = _TEXT_OPENING.match(text).end()  # type: ignore[union-attr]  # it matches the empty string
    yield pos
    for m in _sentence_opening().finditer(text, pos):
        yield m.end()


def _sentence(text: str, pos: int, limit: int = 240) -> str:
    """The sentence (or clause run) starting at `pos`, cut at a full stop or newline."""
    m = _SENTENCE_RUN.match(text, pos)
    s = (m.group() if m else text[pos : pos + limit]).strip(" .;:-")
    return s[:limit]


def _body_list(text: str, pos: int, limit: int) -> list[tuple[int, int]]:
    """Consecutive body names from `pos`, joined by ',', ';', 'và': their spans."""
    spans: list[tuple[int, int]] = []
    while pos < limit:
        span = scan_body(text, pos, limit)
        if span is None:
            span = _collective(text, pos, limit)
            if span is None:
                break
        spans.append(span)
        pos = span[1]
        sep = _LIST_SEP.match(text, pos, limit)
        if not sep:
            break
        nxt = sep.end()
        if not (head_at(text, nxt) or text.startswith("các ", nxt)):
            break
        pos = nxt
    return spans


# 'Cơ quan chủ trì: Sở Văn hóa ...', 'Đơn vị phối hợp: ...': a labelled line naming bodies with a role.
_ROLE_LABEL = re.compile(r"[-+*\s]*(?:Cơ quan|Đơn vị|Cơ quan, đơn vị)\s+(?P<role>[^:\n]{2,40}?)\s*:\s*", re.I)
_STOP_AFTER = re.compile(r"\s+(?:" + "|".join(map(re.escape, STOP_WORDS)) + r")\b")
_WRAPPED = re.compile(
    r"(?:,|;|-|–|\bvà|\b(?:Cổng|Hội|Sở|Phòng|Ban|Đài|Trung tâm|Văn phòng|Ủy ban|Viện|Tòa án|Bộ|Cục))\s*$"
)
_COLLECTIVE = re.compile(
    r"[Cc]ác\s+(?:sở|ban|ngành|đơn vị|cơ quan|phòng|đoàn thể|địa phương|cấp|tổ chức|tỉnh)\b"
)


_COLLECTIVE_END = re.compile(
    r";|:|\.\s|\n|,\s*(?=[A-ZĐ])|\s+(?:"
    + "|".join(map(re.escape, (w for w in STOP_WORDS if w != "có")))
    + r")\b"
    r"|\s+có\b(?!\s+liên quan)"
)
_SENTENCE_RUN = re.compile(r"[^\n]*?(?:[.;](?=\s)|$)", re.M)
_LIST_SEP = re.compile(r"\s*(?:,|;|và|&)\s*")


def _collective(text: str, pos: int, limit: int) -> tuple[int, int] | None:
    """A collective 'các phòng, ban, ...' from `pos` to the next ';', predicate word or named body."""
    if not _COLLECTIVE.match(text, pos, limit):
        return None
    m = _COLLECTIVE_END.search(text, pos, min(limit, pos + 120))
    end = m.start() if m else min(limit, pos + 120)
    return (pos, end) if end > pos else None


def _heading_phrase(text: str, item: Item) -> tuple[int, int] | None:
    """The span of an assigned item's heading naming its bodies (after the number), or None."""
    line = text[item.start : item.heading_end]
    m = _ITEM_LINE.match(line)
    if not m:
        return None
    start = item.start + m.start("rest")
    rest = text[start : item.heading_end].rstrip(" *_")
    body_start = re.match(r"(?:Giao|Đề nghị|Yêu cầu)\s+", rest)
    probe = start + (body_start.end() if body_start else 0)
    position = POSITION.match(text, probe)
    probe = position.end() if position else probe
    if not (head_at(text, probe) or re.match(r"[Cc]ác\s", text[probe : probe + 4])):
        return None
    colon = rest.find(":")
    if 0 < colon < 220:
        return None if _ROLE_LABEL.match(rest) else (start, start + colon)
    spans = _body_list(text, probe, item.heading_end)
    if spans and _STOP_AFTER.match(text, spans[-1][1]):
        return start, spans[-1][1]
    more_lines = item.heading_end < item.end - 2
    short_sentence = len(rest) < 150 and not _STOP_AFTER.search(rest)
    if more_lines and len(rest) < 220 and (not rest.rstrip().endswith((".", ";")) or short_sentence):
        end = start + len(rest)
        if _WRAPPED.search(rest):  # a heading wrapped onto the next line ('... Cổng / Thông tin điện tử ...')
            nxt = text.find("\n", end + 1)
            nxt = nxt if nxt >= 0 else len(text)
            line2 = text[end + 1 : nxt]
            if 0 < len(line2) < 120 and line2[:1].isupper() and not line2.rstrip().endswith("."):
                end = nxt
        return start, end
    return (start, spans[-1][1]) if spans else None


def _mentions_in_phrase(
    doc: Doc,
    a: int,
    b: int,
    role: Role,
    heading: bool,
    task: str | None,
    section: str | None,
    column: bool = False,
) -> list[Mention]:
    phrase = doc.text[a:b]
    out = []
    for s, e in split_bodies(phrase, heading=heading):
        name = clean_body(phrase[s:e])
        if not is_body(name, heading=heading, column=column):
            continue
        printed = re.search(r"\s+".join(map(re.escape, name.split(" "))), phrase[s:e])
        off, end = (a + s + printed.start(), a + s + printed.end()) if printed else (a + s, a + e)
        out.append(Mention(off, end, name, role, task, section, body_key(name), heading or column))
    return out


def find_mentions(doc: Doc, metadata: Metadata, sections: list[Section]) -> list[Mention]:
    """Every place a body is given a role, in text order (kept on the document for the link stage)."""
    key = (len(sections), metadata.issuer)
    cached = doc.derived.get("mentions")
    if cached is not None and cached[0] == key:
        return cached[1]
    mentions = _find_mentions(doc, metadata, sections)
    doc.derived["mentions"] = (key, mentions)
    return mentions


@dataclass
class _Scan:
    """What every mention finder needs: the doc, its outline and the stretches to leave out."""

    doc: Doc
    sections: SectionIndex
    items: list[Item]
    skip: list[tuple[int, int]]

    def skipped(self, pos: int) -> bool:
        return any(a <= pos < b for a, b in self.skip)

    def path(self, pos: int) -> str | None:
        return path_at(self.items, self.sections, pos)


def _find_mentions(doc: Doc, metadata: Metadata, sections: list[Section]) -> list[Mention]:
    text = doc.text
    items = outline(doc, sections)
    skip = [(b.start, b.end) for b in doc.blocks if b.kind in _SKIP_KINDS]
    skip.append(closing_span(doc))
    scan = _Scan(doc, section_index(doc, sections), items, skip)
    assign_parts = [
        it for it in items if it.kind == "part" and _ASSIGN_PART.search(text[it.start : it.heading_end])
    ]
    if assign_parts:
        task_items = [
            it
            for it in items
            for p in assign_parts
            if it.start > p.start and it.end <= p.end and it.path.count("/") == p.path.count("/") + 1
        ]
    else:  # a directive listing its addressees item by item ('1. Giám đốc Công an tỉnh: ...')
        task_items = [it for it in items if it.kind == "item"]
    mentions = _heading_mentions(scan, task_items)
    mentions += _trigger_mentions(scan)
    # a body opening a sentence: inside assigned items, or anywhere in a text without an assignment part
    where = [(it.start, it.end) for it in task_items] if assign_parts else [(0, len(text))]
    mentions += _subject_mentions(scan, where)
    mentions += _label_mentions(scan)
    mentions += _table_mentions(doc, items, sections)
    return sorted(mentions, key=lambda x: x.start)


def _heading_mentions(scan: _Scan, task_items: list[Item]) -> list[Mention]:
    """The bodies heading each item of an assignment part: lead, or requested after 'Đề nghị'."""
    text = scan.doc.text
    out: list[Mention] = []
    for it in task_items:
        span = _heading_phrase(text, it)
        if span is None:
            continue
        role: Role = "requested" if re.match(r"\s*Đề nghị", text[span[0] : span[1]]) else "lead"
        task = _sentence(text, span[1] + 1) if span[1] < it.end else None
        out += _mentions_in_phrase(scan.doc, span[0], span[1], role, True, task, it.path)
    return out


def _trigger_mentions(scan: _Scan) -> list[Mention]:
    """Bodies after 'Giao', 'Yêu cầu', 'Đề nghị', 'phối hợp (với)'."""
    text = scan.doc.text
    out: list[Mention] = []
    for pattern, role, words in _TRIGGERS:
        for m in finditer_words(pattern, text, words):
            if not _starts_word(text, m.start()) or scan.skipped(m.start()):
                continue
            if role == "support" and _CITED_CONTEXT.search(text[max(0, m.start() - 60) : m.start()]):
                continue  # the parties of a cited 'Chương trình phối hợp giữa X với Y'
            spans = _body_list(text, m.end(), min(len(text), m.end() + 300))
            task = _sentence(text, spans[-1][1]) if spans else None
            for s, e in spans:
                out += _mentions_in_phrase(scan.doc, s, e, role, False, task, scan.path(s))
    return out


def _subject_mentions(scan: _Scan, where: list[tuple[int, int]]) -> list[Mention]:
    """Bodies opening a sentence and followed by their action ('Ban Chỉ đạo TW Hội dự kiến tổ chức ...')."""
    text = scan.doc.text
    heading_lines = sorted((it.start, it.heading_end) for it in scan.items)
    line_starts = [a for a, _ in heading_lines]
    out: list[Mention] = []
    for pos in _sentence_openings(text):
        if not head_at(text, pos):
            continue
        i = bisect_right(line_starts, pos) - 1
        on_heading_line = i >= 0 and heading_lines[i][0] <= pos <= heading_lines[i][1]
        if on_heading_line or scan.skipped(pos) or not any(a <= pos < b for a, b in where):
            continue
        spans = _body_list(text, pos, min(len(text), pos + 300))
        if not spans:
            continue
        after = spans[-1][1]
        if _NOT_ACTION.match(text, after) or re.match(r"\s*[:;,()\n]", text[after : after + 2]):
            continue
        task = _sentence(text, after)
        for s, e in spans:
            out += _mentions_in_phrase(scan.doc, s, e, "lead", False, task, scan.path(s))
    return out


def _label_mentions(scan: _Scan) -> list[Mention]:
    """Labelled lines: 'Cơ quan chủ trì: X' (lead), 'Đơn vị phối hợp: Y' (support)."""
    out: list[Mention] = []
    for m in re.finditer(r"^.*$", scan.doc.text, re.M):
        lm = _ROLE_LABEL.match(m.group())
        if not lm or scan.skipped(m.start()):
            continue
        label = lm["role"].lower()
        if "phối hợp" in label:
            role: Role = "support"
        elif re.search(r"chủ trì|thực hiện", label):
            role = "lead"
        else:
            continue
        a = m.start() + lm.end()
        out += _mentions_in_phrase(scan.doc, a, m.end(), role, True, None, scan.path(a))
    return out


_LEAD_COL = re.compile(r"chủ trì|thực hiện chính|đơn vị thực hiện|cơ quan thực hiện", re.I)
_SUPPORT_COL = re.compile(r"phối hợp", re.I)


def _table_mentions(doc: Doc, items: list[Item], sections: list[Section]) -> list[Mention]:
    """Bodies in the 'Cơ quan chủ trì' / 'Cơ quan phối hợp' columns of schedule tables."""
    out: list[Mention] = []
    index = section_index(doc, sections)
    for block in doc.blocks_of("table"):
        rows = block.rows or []
        if len(rows) < 2:
            continue
        header = rows[0]
        cols: list[tuple[int, Role]] = []
        for j, cell in enumerate(header):
            if _LEAD_COL.search(cell):
                cols.append((j, "lead"))
            elif _SUPPORT_COL.search(cell):
                cols.append((j, "support"))
        if not cols:
            continue
        content_col = next(
            (j for j, c in enumerate(header) if re.search(r"nội dung|nhiệm vụ|công việc", c, re.I)), None
        )
        cursor = block.start
        for row in rows[1:]:
            task = row[content_col] if content_col is not None and content_col < len(row) else None
            for j, role in cols:
                if j >= len(row) or not row[j].strip():
                    continue
                at = doc.text.find(row[j], cursor, block.end)
                if at < 0:
                    continue
                out += _mentions_in_phrase(
                    doc, at, at + len(row[j]), role, False, task, path_at(items, index, at), column=True
                )
                cursor = at
    return out


def _level_hint(metadata: Metadata) -> str | None:
    issuer = metadata.issuer if isinstance(metadata.issuer, str) else None
    m = re.search(r"\b(tỉnh|huyện|thành phố|thị xã|quận)\b", issuer or "", re.I)
    return m.group(1).lower() if m else None


def find_assignments(doc: Doc, metadata: Metadata, sections: list[Section]) -> list[Assignment]:
    """One Assignment per (body, role), with the shortest printed form and its first place."""
    mentions = find_mentions(doc, metadata, sections)
    groups: dict[tuple[str, str], list[Mention]] = {}
    for m in mentions:
        groups.setdefault((m.key, m.role), []).append(m)
    place, level = metadata.place, _level_hint(metadata)
    out = []
    for group in sorted(groups.values(), key=lambda g: g[0].start):
        first = group[0]
        shown = min(group, key=lambda m: (not m.heading, m.start))
        out.append(
            Assignment(
                body=shown.body,
                body_canonical=canonical(shown.body, place, level),
                role=first.role,
                task=first.task,
                section=first.section,
                start=shown.start,
                end=shown.end,
                page=doc.page_at(shown.start),
            )
        )
    return out
