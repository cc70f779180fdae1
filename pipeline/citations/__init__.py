"""Citations: every mention of another document, typed, dated, related and resolved.

The stage runs like eyecite's pipeline: `find` proposes mentions (typed numbers and
symbols, bare symbols, documents cited by name), `parse` reads the date, issuer and
title printed after each, `relation` decides basis / replaces / amends / mentions,
and `resolve` gives every mention a canonical `target_id` (see `resolve` for the id
scheme; `canonical_id_for` and `resolve_corpus` are the corpus-level entry points).
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

from models.record import Citation, Metadata, Section
from pipeline import vocab
from pipeline.blocks import Doc
from pipeline.citations.find import Covered, Found, find_bare, find_named, find_typed
from pipeline.citations.parse import read_issued_before, read_symbol_after, read_tail
from pipeline.citations.relation import basis_flags, find_regions, typed_relation
from pipeline.citations.resolve import (
    LAW_TYPES,
    canonical_id,
    canonical_id_for,
    resolve_corpus,
    resolve_document,
)
from pipeline.citations.symbols import Symbol, symbol_from_text, symbol_key
from pipeline.sections import section_at, section_index

__all__ = ["canonical_id_for", "find_citations", "resolve_corpus"]

_LAW_SYMBOL_AHEAD = re.compile(
    r"(?:(?![;.\n]|[ \t](?:Luật|Bộ luật|Pháp lệnh|Nghị|Quyết|Thông|Chỉ)[ \t])[^;.\n]){1,90}?"
    r"(?=[ \t]số[ \t]*:?[ \t]*\d{1,4}/(?:19|20)\d\d/(?:UBTV)?QH\d)"
)
_LIST_GAP = re.compile(r"[ \t]*[,;]?[ \t]*(?:và[ \t]+)?(?:số[ \t]*:?[ \t]*)?")
_SELF_WORDS = re.compile(r"^[ \t]*(?:này|nói[ \t]+trên)\b", re.I)
_ATTACHED_BEFORE = re.compile(r"(?i)(?:\(|^|\n)[ \t]*(?:ban[ \t]+hành[ \t]+)?kèm[ \t]+theo[ \t]*$")


def _candidates(text: str) -> list[Found]:
    """All mentions, typed first; named mentions that start a typed one, and bare symbols
    inside a typed or named one, are the same mention and dropped."""
    typed = find_typed(text)
    typed_starts = {f.start for f in typed}
    named = [f for f in find_named(text) if f.start not in typed_starts]
    # a name followed by its symbol (`Luật ... số 73/2021/QH14`) becomes a numbered mention
    outer_end = -1
    for f in named:
        nested = f.start < outer_end
        outer_end = max(outer_end, f.end)
        if nested:
            continue
        if f.type_word in LAW_TYPES and (ahead := _LAW_SYMBOL_AHEAD.match(text, f.end)):
            # `Luật Đầu tư theo phương thức đối tác công tư số 64/2020/QH14`: the name runs to its symbol
            f.end = ahead.end()
            f.name = re.sub(r"\s+", " ", f"{f.name}{text[ahead.start():f.end]}").strip()
        if (s := read_symbol_after(text, f.end)) is not None:
            sym, s_start, s_end = s
            f.kind, f.symbols, f.end = "symbol", [sym], s_end
            f.numbers = [(sym.number, s_start, s_start + len(sym.number))]
    # typed mentions inside a named alias `(Đề án số 201)` belong to the named one
    named_spans = [(f.start, f.end) for f in named]
    in_named = Covered(named_spans)
    typed = [f for f in typed if not (f.kind == "number" and f.start in in_named)]
    taken = sorted([(f.start, f.end) for f in typed] + named_spans)
    bare = find_bare(text, taken)
    found = sorted([*typed, *named, *bare], key=lambda f: (f.start, -f.end))
    for prev, f in zip(found, found[1:], strict=False):
        # `Luật số 43/2024/QH15, số 47/2024/QH15`: a bare symbol continuing a list keeps its type
        if f.type_word is None and prev.type_word and _LIST_GAP.fullmatch(text, prev.end, f.start):
            f.type_word = prev.type_word
    return found


# the vocabulary name of a printed type word: a few words, looked up for every mention
_canonical_type = lru_cache(maxsize=1024)(vocab.canonical_type)


def _doc_type(f: Found, sym: Symbol | None) -> str | None:
    if f.type_word:
        t = _canonical_type(f.type_word)
        if t:
            return t
    if sym and sym.type_code:
        return vocab.type_for_code(sym.type_code, party=sym.party) or vocab.type_for_code(sym.type_code)
    return f.type_word


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + letters, n - value
    return out


def issuer_from_symbol(sym: Symbol) -> str | None:
    """The issuer a symbol's code stands for (`TTg` -> Thủ tướng Chính phủ, `QH14` -> Quốc hội khóa XIV)."""
    codes = vocab.issuer_codes()
    table = codes["party"] if sym.party else codes["state"]
    for code in sym.issuer_codes:
        if m := re.fullmatch(r"(UBTVQH|QH)(\d{1,2})", code):
            return f"{codes['state'][m.group(1)]} khóa {_roman(int(m.group(2)))}"
        for key, name in table.items():
            if key.upper() == code.upper():
                return name
    return None


class _Locator:
    """Page, footnote and section of an offset, with block starts computed once."""

    def __init__(self, doc: Doc, sections: list[Section], preamble_end: int) -> None:
        self.doc = doc
        self.blocks = doc.blocks
        self.starts = [b.start for b in doc.blocks]
        self.sections = section_index(doc, sections)
        self.preamble_end = preamble_end

    def block(self, offset: int):
        i = bisect.bisect_right(self.starts, offset) - 1
        if i >= 0 and offset <= self.blocks[i].end:
            return self.blocks[i]
        return None

    def footnote_anchor(self, offset: int) -> tuple[bool, int]:
        b = self.block(offset)
        if b is None or b.kind != "footnote":
            return False, offset
        anchor = -1
        if b.label:
            mark = f"[{b.label}]"
            anchor = self.doc.text.rfind(mark, 0, b.start)
            if anchor < 0:
                anchor = self.doc.text.find(mark)
        return True, anchor if anchor >= 0 else offset

    def section(self, offset: int) -> str | None:
        s = section_at(self.sections, offset)
        if s is not None:
            return s.path
        if offset < self.preamble_end:
            return "preamble"
        return None


def _is_self(text: str, f: Found, sym: Symbol | None, own_key: str | None) -> bool:
    """`Kế hoạch này`, the appendix's `(Kèm theo Quyết định số ...)`, the own symbol."""
    if sym is not None and own_key is not None and symbol_key(sym) == own_key:
        return True
    if _ATTACHED_BEFORE.search(text[max(0, f.start - 30) : f.start]):
        return own_key is None or (sym is not None and symbol_key(sym) == own_key)
    return f.kind == "name" and bool(_SELF_WORDS.match(text[f.end : f.end + 12]))


def find_citations(doc: Doc, metadata: Metadata, sections: list[Section]) -> list[Citation]:
    """Every mention of another document in `doc`, in text order."""
    text = doc.text
    own = symbol_from_text(metadata.symbol) if metadata.symbol else None
    own_key = symbol_key(own) if own and own.number else None
    regions = find_regions(text, sections)
    locate = _Locator(doc, sections, regions.preamble_end)
    found = _candidates(text)
    out: list[Citation] = []
    aliases: dict[int, str] = {}
    spans: list[tuple[int, int]] = []
    for k, f in enumerate(found):
        limit = found[k + 1].start if k + 1 < len(found) else len(text)
        tail = read_tail(text, f.end, limit)
        start, date, issuer = f.start, tail.date, tail.issuer or f.issuer
        if date is None and (pre := read_issued_before(text, f.start)):
            date, issuer, start = pre[0], issuer or pre[1], pre[2]
        end = max(tail.end, f.end)
        syms: list[Symbol | None] = list(f.symbols) or [None] * max(1, len(f.numbers))
        for j, sym in enumerate(syms):
            if _is_self(text, f, sym, own_key):
                continue
            number = f.numbers[j][0] if j < len(f.numbers) else None
            doc_type = _doc_type(f, sym)
            flags: list[str] = []
            cited_issuer = issuer
            if cited_issuer is None and sym is not None and (from_code := issuer_from_symbol(sym)):
                cited_issuer = from_code
                flags.append("issuer_from_symbol")
            name = f.alias or f.name
            if name is None and sym is None and number:
                so = " số" if re.search(r"(?i)\bsố\b", text[f.start : f.numbers[0][1]]) else ""
                name = f"{doc_type}{so} {number}"
            if f.alias and f.name:  # `Đề án “X” (Đề án số 201)`: the title names the document
                cid, id_flags = canonical_id(doc_type, None, None, name=f.name)
            else:
                cid, id_flags = canonical_id(
                    doc_type, sym, date, name=f.name, number=number if sym is None else None, issuer=issuer
                )
            in_footnote, anchor = locate.footnote_anchor(start)
            relation = typed_relation(text, f.start) or "mentions"
            if f.alias:
                aliases[len(out)] = f.alias
            out.append(
                Citation(
                    text=text[start:end],
                    start=start,
                    end=end,
                    page=(b.page if (b := locate.block(start)) else None),
                    doc_type=doc_type,
                    number=number,
                    symbol=sym.printed if sym else None,
                    date=date,
                    issuer=cited_issuer,
                    term=tail.term,
                    name=name,
                    title=tail.title,
                    relation=relation,
                    target_id=cid,
                    section=locate.section(anchor),
                    in_footnote=in_footnote,
                    resolved_by="full" if cid and not id_flags else None,
                    flags=[*flags, *id_flags],
                )
            )
            spans.append((start, end))
    numbered = [c.symbol is not None or c.number is not None for c in out]
    for c, is_basis in zip(out, basis_flags(text, spans, regions, numbered), strict=True):
        if is_basis and c.relation == "mentions" and not c.in_footnote:
            c.relation = "basis"
    resolve_document(out, aliases)
    return out
