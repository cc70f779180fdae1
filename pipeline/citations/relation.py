"""How a cited document relates to the citing one: basis, replaces, amends or mentions.

basis: the `Căn cứ ...` / `Thực hiện ...` / `Triển khai ...` clauses before the first
section (a `Căn cứ` list continues over `;`), and the documents the purpose part
(`I. MỤC ĐÍCH, YÊU CẦU`) says the plan carries out. Only the head mentions of such a
clause count: a document named inside another one's title (`KL 44 về tiếp tục thực hiện
Chỉ thị 09`) is what that document is about, so it stays a mention.
replaces / amends: `thay thế ...` / `sửa đổi, bổ sung ...` said by this document; inside a
parenthesis after another mention (`(thay thế Thông tư số 23/2012...)`) it describes the
cited document instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from models.record import Section

BASIS_OPENER = re.compile(
    r"^[ \t\-+•*>#]*(?:(?:[IVX]{1,4}|\d{1,2}|[a-zđ])[.)][ \t]*)?(?:\*\*)?[ \t]*"
    r"(?:Căn[ \t]+cứ|Thực[ \t]+hiện|Triển[ \t]+khai|Tiếp[ \t]+tục[ \t]+(?:triển[ \t]+khai|thực[ \t]+hiện|quán[ \t]+triệt)|"
    r"Quán[ \t]+triệt)(?![\wÀ-ỹ])",
    re.I,
)
PURPOSE_OPENER = re.compile(
    r"^[ \t\-+•*>#]*(?:(?:\d{1,2}|[a-zđ])[.)][ \t]*)?[ \t]*(?:Tiếp[ \t]+tục[ \t]+)?"
    r"(?:triển[ \t]+khai|thực[ \t]+hiện|quán[ \t]+triệt)(?![\wÀ-ỹ])",
    re.I,
)
FIRST_SECTION = re.compile(
    r"^[ \t#*>]*(?:(?:[IVX]{1,4}|1)[.\-–)][ \t]|(?:PHẦN|Phần|CHƯƠNG|Chương)[ \t]+(?:I|1|THỨ[ \t]+NHẤT)\b|Điều[ \t]+1\b)",
    re.M,
)
STRICT_FIRST = re.compile(r"^[ \t#*>]*(?:Điều[ \t]+1\b|(?:CHƯƠNG|Chương|PHẦN|Phần)[ \t]+I\b|I[.\-–][ \t])", re.M)
CAN_CU_LINE = re.compile(r"^[ \t]*Căn[ \t]+cứ[ \t]", re.M)
ROMAN_LINE = re.compile(r"^[ \t#*>]*([IVX]{1,4})[.\-–)][ \t]+(.*)$", re.M)
CLAUSE_BREAK = re.compile(r"[;\n]|\.(?=\s)")
REPLACES = re.compile(r"thay[ \t]+thế(?:[ \t]+cho)?[ \t]*$", re.I)
AMENDS = re.compile(r"sửa[ \t]+đổi,?[ \t]+bổ[ \t]+sung(?:[ \t]+một[ \t]+số[ \t]+điều)?(?:[ \t]+(?:của|tại))?[ \t]*$", re.I)
LIST_GAP = re.compile(r"[\s,]*(?:và[ \t]+)?(?:số[ \t]*)?")
NEW_ITEM = re.compile(r"(?:[,;]|[ \t]và)[ \t]*$")
CONTINUATION = re.compile(r"^[ \t]*(?:và[ \t]+)?$")


@dataclass(frozen=True)
class Regions:
    """Where the preamble ends and where the purpose part lies (offsets into the text)."""

    preamble_end: int
    purpose: tuple[int, int] | None


def find_regions(text: str, sections: list[Section]) -> Regions:
    """From the section tree when there is one; else from the first structural line."""
    top = [s for s in sections if s.parent is None]
    if top:
        purpose = next(
            ((s.start, s.end) for s in top if "mục đích" in s.heading.lower() or "MỤC ĐÍCH" in s.heading), None
        )
        return Regions(_past_basis_lines(text, min(s.start for s in top)), purpose)
    m = FIRST_SECTION.search(text)
    preamble_end = _past_basis_lines(text, m.start()) if m else len(text)  # no structure: all preamble
    purpose = None
    romans = list(ROMAN_LINE.finditer(text))
    for i, r in enumerate(romans):
        if "mục đích" in r.group(2).lower():
            end = romans[i + 1].start() if i + 1 < len(romans) else len(text)
            purpose = (r.start(), end)
            break
    return Regions(preamble_end, purpose)


def _past_basis_lines(text: str, end: int) -> int:
    """A numbered list before the `Căn cứ` lines (a consolidated text's history notes) is not
    the body: when `Căn cứ` lines follow `end`, the preamble runs to the first article or part."""
    strict = STRICT_FIRST.search(text, end)
    if strict and CAN_CU_LINE.search(text, end, strict.start()):
        return strict.start()
    return end


def clause_start(text: str, offset: int, floor: int) -> int:
    """Start of the clause holding `offset` (after the last `;`, line break or full stop)."""
    lo = max(floor, offset - 600)
    last = lo
    for m in CLAUSE_BREAK.finditer(text, lo, offset):
        last = m.end()
    return last


def basis_flags(
    text: str, spans: list[tuple[int, int]], regions: Regions, numbered: list[bool] | None = None
) -> list[bool]:
    """For each mention span (sorted by start), whether it is stated as this document's basis.

    In a basis clause the head mention counts, and so does each further numbered mention that
    starts a new item of the clause's list (`Thực hiện A ... về X, B ... về Y, ...`): it follows
    a comma, `;` or `và`, outside any quotation or parenthesis. A mention introduced by the
    words of a title (`về thực hiện B`, `của Luật C`) is what the head is about: a mention."""
    numbered = numbered if numbered is not None else [True] * len(spans)
    out = [False] * len(spans)
    prev_clause_basis = False
    prev_clause = -1
    head_end: int | None = None  # end of the last head mention in the current clause
    last_end = 0
    for i, (start, end) in enumerate(spans):
        in_pre = start < regions.preamble_end
        in_purpose = regions.purpose is not None and regions.purpose[0] <= start < regions.purpose[1]
        if not (in_pre or in_purpose):
            continue
        cs = clause_start(text, start, 0)
        lead = text[cs:start]
        if cs != prev_clause:
            opener = BASIS_OPENER if in_pre else PURPOSE_OPENER
            is_basis_clause = bool(opener.match(lead))
            # `Căn cứ A; B; C`: a clause that is only a mention continues the list
            if not is_basis_clause and in_pre and prev_clause_basis and CONTINUATION.match(lead):
                is_basis_clause = text[cs - 1 : cs] == ";"
            prev_clause_basis = is_basis_clause
            prev_clause = cs
            head_end = None
            if is_basis_clause:
                out[i], head_end = True, end
            last_end = end
            continue
        if (
            prev_clause_basis
            and head_end is not None
            and (
                LIST_GAP.fullmatch(text[head_end:start])
                or (numbered[i] and start > last_end and NEW_ITEM.search(text[last_end:start]) and _outside_quotes(lead))
            )
        ):
            out[i], head_end = True, end
        last_end = max(last_end, end)
    return out


def _outside_quotes(lead: str) -> bool:
    return lead.count("“") <= lead.count("”") and lead.count('"') % 2 == 0 and lead.count("(") <= lead.count(")")


def typed_relation(text: str, start: int) -> str | None:
    """`replaces` / `amends` when the words just before the mention say so of this document."""
    before = text[max(0, start - 60) : start]
    for pattern, rel in ((REPLACES, "replaces"), (AMENDS, "amends")):
        m = pattern.search(before)
        if not m:
            continue
        head = before[: m.start()]
        if re.search(r"\([^)]*$", head) or re.search(r"(?i)(?:luật|được|đã[ \t]+được)[ \t]*$", head):
            return None  # describes the cited document, or names an amending law
        if re.search(r"(?i)dự[ \t]+thảo(?:[ \t]+[\wÀ-ỹ]+){0,3}[ \t]*$", head):
            return None  # a draft (`dự thảo Quyết định sửa đổi ...`) is another document
        return rel
    return None
