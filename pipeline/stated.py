"""What the text states about itself outside the header.

The issuing body named in the preamble ('..., Ban Chỉ đạo ... xây dựng kế hoạch'),
the parent text an appendix names, the adoption date a law or resolution prints
at its end, and the document's own entry into force ('... này có hiệu lực ...').
"""

from __future__ import annotations

import re
from functools import cache

from pipeline.dates import parse_date
from pipeline.doclines import header_words, words_pattern
from pipeline.vocab import canonical_type, doc_type_pattern

_FUNCTION_WORDS = frozenset({"về", "của", "và", "với", "để", "cho", "tại", "theo", "trong", "là"})


@cache
def _org_head_titled_re() -> re.Pattern[str]:
    """Organisation heads as written in running text (capitalised), for issuers named in the body."""
    return re.compile(rf"(?<![\wÀ-ỹ])(?:{words_pattern(header_words()['org_heads'])})(?=\s)")


@cache
def _issuer_statement_re() -> re.Pattern[str]:
    words = header_words()
    verbs = words_pattern(words["issuer_verbs"])
    objects = words_pattern(words["issuer_objects"])
    return re.compile(rf"\s(?P<verb>{verbs})\s+(?P<obj>{objects})(?![\wÀ-ỹ])", re.I)


def inferred_issuer(text: str) -> str | None:
    """The body the text says issues it: '..., Ban Chỉ đạo ... (gọi tắt là ...) xây dựng kế hoạch'."""
    for m in _issuer_statement_re().finditer(text):
        before = text[max(0, m.start() - 600) : m.start()]
        before = re.split(r"[.:!?](?:\s|$)|\n", before)[-1]
        before = re.sub(r"\s*\([^()]{0,120}\)\s*$", "", before).rstrip(" ,")
        # the subject opens its clause ('..., Ban Chỉ đạo ... xây dựng'); a body after 'của' is a cited text's
        heads = [
            h
            for h in _org_head_titled_re().finditer(before)
            if h.group()[0].isupper()
            and (h.start() == 0 or before[: h.start()].rstrip().endswith((",", ";")))
        ]
        if not heads:
            continue
        name = before[heads[-1].start() :].strip(" ,;")
        if 2 <= len(name.split()) <= 40 and name.split()[-1] not in _FUNCTION_WORDS:
            return name
    return None


def adoption_date(text: str) -> str | None:
    """The date a law or resolution says it was passed: '... thông qua ngày 26 tháng 11 năm 2025.'"""
    found = None
    for m in re.finditer(
        r"(?:này|Luật|Nghị quyết|Pháp lệnh)[^.\n]{0,200}?thông\s+qua(?:\s+tại[^.;\n]{0,80}?)?\s+(?P<when>ngày[^.;\n]{0,40})",
        text,
    ):
        found = m
    return parse_date(found.group("when")) if found else None


# '(Ban hành kèm theo Quyết định số ... ngày ... của UBND tỉnh)' on a line of its own: an appendix's
# reference to the text it belongs to.
_ANNEX_LINE = re.compile(
    r"(?m)^\(\s*(?:Ban\s+hành\s+)?[Kk]èm\s+theo\s+(?P<parent>[^()\n]{3,160}?)"
    r"(?:\s+của\s+(?P<issuer>[^()\n]{3,120}?))?\s*\)"
)


def annex_issuer(text: str) -> str | None:
    """The issuer an appendix names for its parent text, on a line of its own at the top:
    '(Ban hành kèm theo Quyết định số ... của UBND tỉnh)'."""
    m = _ANNEX_LINE.search(text)
    return m.group("issuer").strip(" .,;") if m and m.group("issuer") else None


def annex_parent(text: str) -> tuple[str, str] | None:
    """The type and the printed reference of the text an appendix belongs to
    ('Quyết định', 'Quyết định số: /QĐ-UBND ngày tháng 5 năm 2026'), when the file holds an
    appendix on its own."""
    m = _ANNEX_LINE.search(text)
    if not m:
        return None
    parent = re.sub(r"\s+", " ", m.group("parent")).strip(" .,;")
    t = re.match(rf"(?:{doc_type_pattern()})", parent, re.I)
    kind = canonical_type(t.group()) if t else None
    return (kind, parent) if kind else None


# '... này có hiệu lực (thi hành) (kể) từ ngày ...': found by its words, then the type word before it
# is checked (a pattern opening with the type alternation would be tried at every character).
_IN_FORCE = re.compile(
    r"này\s+có\s+hiệu\s+lực(?:\s+thi\s+hành)?\s+(?:kể\s+)?từ\s+(?P<when>(?:ngày|ký)[^.;\n]{0,60})"
)
_TYPE_WORD_SPAN = 120  # more than the longest type name, 'Nghị quyết liên tịch' and the like


@cache
def _own_type_before_re() -> re.Pattern[str]:
    # the type word capitalised: 'Luật này', not 'các quyết định này' (decisions the text provides for)
    return re.compile(rf"(?<![\wÀ-ỹ])(?:{doc_type_pattern()}|Văn\s+bản)\s+\Z")


def effective_date(text: str, issued: str | None) -> str | None:
    """The document's own entry into force: '... này có hiệu lực (thi hành) (kể) từ ngày ...'."""
    m = _IN_FORCE.search(text)
    while m and not _own_type_before(text, m.start()):
        m = _IN_FORCE.search(text, m.start() + 1)
    if not m:
        return None
    when = m.group("when")
    if re.match(r"(?:ngày\s+)?(?:được\s+)?(?:ký|ban\s+hành|thông\s+qua|công\s+bố)", when, re.I):
        return issued if issued and len(issued) == 10 else None
    return parse_date(when)


def _own_type_before(text: str, at: int) -> bool:
    """Whether a type word (or 'Văn bản') and spaces end at `at`."""
    start = at
    while start > 0 and text[start - 1].isspace():
        start -= 1
    return _own_type_before_re().search(text, max(0, start - _TYPE_WORD_SPAN), at) is not None
