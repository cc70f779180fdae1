"""Canonical ids: one graph node per cited document, whatever the spelling or the citing text.

Id scheme (readable, lowercase ASCII, `:`-separated):

- normative symbol (year in it): `<type>:<symbol>` -> `nghi-dinh:49/2020/nd-cp`
- other symbols: `<type>:<symbol>:<year>` -> `chi-thi:48-ct/tw:2010`, `quyet-dinh:623/qd-ttg:2016`;
  when the issuer code is a local one (numbers repeat in every province: UBND, BCĐ, TU ...)
  the full date keeps two bodies apart: `ke-hoach:34/kh-bcd:2024-02-20`
- laws, codes, ordinances by name: `<type>:<name>:<year>` -> `luat:phong-chong-ma-tuy:2021`
- other documents known by name only: `<type>:<name>` -> `chien-luoc:quoc-gia-phong-chong-hiv-aids`
- a number without symbol: `<type>:so-<n>[:<issuer>]` -> `de-an:so-6:chinh-phu`

`<symbol>` is `symbols.symbol_key`: Party slash/hyphen variants (`48/CT-TW`, `48-CT/TW`),
case (`Tb`/`TB`), leading zeros and glued PDF codes (`1961/QĐUBND`) all meet.
A mention whose year cannot be read (`Chỉ thị số 46-CT/TW` with no date) is resolved
against other mentions of the same symbol: first in its document, then in the corpus
(`resolve_corpus`). With no or several candidates it stays unresolved, flagged.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from functools import cache, lru_cache

from models.record import Citation, Metadata, Record
from pipeline import vocab
from pipeline.citations.symbols import Symbol, fold_ascii, symbol_from_text, symbol_key

LAW_TYPES = vocab.name_cited_types()
_YEAR_IN_NAME = re.compile(r"\bnăm[ \t]+((?:19|20)\d\d)\s*$")


@lru_cache(maxsize=16384)  # the same type words and names come back mention after mention
def slug(text: str, limit: int = 90) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", fold_ascii(text)).strip("-")
    return s[:limit].rstrip("-")


def type_slug(doc_type: str | None) -> str:
    return slug(doc_type or "van-ban")


@cache
def _local_codes() -> frozenset[str]:
    return frozenset(c.upper() for c in vocab.load("issuer_codes.json").get("local", []))


def is_local(sym: Symbol) -> bool:
    return any(c.upper() in _local_codes() for c in sym.issuer_codes)


@lru_cache(maxsize=8192)
def law_name_key(name: str, doc_type: str) -> tuple[str, str | None]:
    """(`phong-chong-ma-tuy`, `2021`) from `Luật Phòng, chống ma túy năm 2021`."""
    rest = re.sub(rf"(?i)^{re.escape(doc_type)}\s*", "", name.strip())
    year = None
    if m := _YEAR_IN_NAME.search(rest):
        year, rest = m.group(1), rest[: m.start()]
    return slug(rest), year


def name_key(name: str, doc_type: str | None) -> str:
    """The name's words without its type word and quotes: `Đề án “X”` and `Đề án X` meet."""
    rest = re.sub(rf"(?i)^{re.escape(doc_type)}\s*", "", name.strip()) if doc_type else name
    return slug(rest)


def canonical_id(
    doc_type: str | None,
    symbol: Symbol | None,
    date: str | None,
    name: str | None = None,
    number: str | None = None,
    issuer: str | None = None,
) -> tuple[str | None, list[str]]:
    """The id of a cited document from what one mention prints, with flags for what is missing."""
    t = type_slug(doc_type)
    year = date[:4] if date else None
    if doc_type in LAW_TYPES and name and len(name.split()) > 1:
        key, name_year = law_name_key(name, doc_type)
        year = (symbol.year if symbol else None) or name_year or year
        if key:
            return (f"{t}:{key}:{year}", []) if year else (None, ["year_unknown"])
    if symbol is not None:
        key = symbol_key(symbol)
        if symbol.year:
            return f"{t}:{key}", []
        if is_local(symbol):
            return (f"{t}:{key}:{date}", []) if date and len(date) == 10 else (None, ["date_unknown"])
        return (f"{t}:{key}:{year}", []) if year else (None, ["year_unknown"])
    if number:
        base = f"{t}:so-{number.lstrip('0') or '0'}"
        return (f"{base}:{slug(issuer, 40)}" if issuer else base), ["number_only"]
    if name:
        key = name_key(name, doc_type)
        if doc_type in LAW_TYPES:
            return (f"{t}:{key}", ["year_unknown"]) if key else (None, ["year_unknown"])
        return (f"{t}:{key}", []) if key else (None, [])
    return None, []


def canonical_id_for(metadata: Metadata) -> str | None:
    """A record's OWN canonical id: the id a citation of this document resolves to, so a
    corpus document and the mentions of it are one graph node. None without a symbol
    (or, for a law, a title)."""
    sym = symbol_from_text(metadata.symbol) if metadata.symbol else None
    name = _law_name(metadata)
    cid, _ = canonical_id(metadata.doc_type, sym, metadata.issued_date, name=name, number=metadata.number)
    if sym is None and name is None:
        return None
    return cid


def _law_name(metadata: Metadata) -> str | None:
    """`Luật Dẫn độ` from a law's metadata (type + title, the title's own type word dropped)."""
    if metadata.doc_type not in LAW_TYPES or not metadata.title:
        return None
    title = re.sub(rf"(?i)^{re.escape(metadata.doc_type)}\s+", "", metadata.title.strip())
    return f"{metadata.doc_type} {title}"


def _short_key(c: Citation) -> tuple[str, str] | None:
    """(type, number) of a mention: how a short form (`Chỉ thị 48`) finds its full mention."""
    if not c.number:
        return None
    return (c.doc_type or "", c.number.lstrip("0") or "0")


def _sym_key(c: Citation) -> str | None:
    sym = symbol_from_text(c.symbol) if c.symbol else None
    return symbol_key(sym) if sym else None


class Index:
    """What full mentions (and corpus documents) say about each document, for lookups."""

    def __init__(self) -> None:
        self.by_symbol: dict[str, set[str]] = defaultdict(set)
        self.date_of: dict[str, str] = {}
        self.by_short: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.by_law: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.by_alias: dict[str, str] = {}

    def add(self, c: Citation, alias: str | None = None) -> None:
        if not c.target_id or "number_only" in c.flags:
            return
        if (k := _sym_key(c)) is not None and not _law_by_symbol(c):
            self.by_symbol[k].add(c.target_id)
        if c.date and len(c.date) == 10:
            self.date_of.setdefault(c.target_id, c.date)
        if (s := _short_key(c)) is not None and c.symbol:
            self.by_short[s].add(c.target_id)
        if c.doc_type in LAW_TYPES and c.name:
            self.by_law[(c.doc_type, law_name_key(c.name, c.doc_type)[0])].add(c.target_id)
        if alias:
            self.by_alias[slug(alias)] = c.target_id

    def add_document(self, metadata: Metadata, cid: str) -> None:
        sym = symbol_from_text(metadata.symbol) if metadata.symbol else None
        if sym:
            self.by_symbol[symbol_key(sym)].add(cid)
        if metadata.number and metadata.symbol:
            self.by_short[(metadata.doc_type or "", metadata.number.lstrip("0") or "0")].add(cid)
        if metadata.issued_date:
            self.date_of.setdefault(cid, metadata.issued_date)
        if (name := _law_name(metadata)) and metadata.doc_type:
            self.by_law[(metadata.doc_type, law_name_key(name, metadata.doc_type)[0])].add(cid)


def resolve_with(c: Citation, index: Index, how: str) -> None:
    """Fill an unresolved (or number-only) mention from `index`; flag it when ambiguous."""
    candidates: set[str] = set()
    if c.symbol and (k := _sym_key(c)):
        candidates = index.by_symbol.get(k, set())
    elif c.doc_type in LAW_TYPES and c.name:
        key = law_name_key(c.name, c.doc_type)[0]
        candidates = index.by_law.get((c.doc_type, key), set())
        if not candidates and key:
            # a short name (`Luật Bầu cử`) for one longer law name of the same type
            longer = {k for (t, k) in index.by_law if t == c.doc_type and k.startswith(key + "-")}
            if len(longer) == 1:
                candidates = index.by_law[(c.doc_type, longer.pop())]
    elif c.name and slug(c.name) in index.by_alias:
        candidates = {index.by_alias[slug(c.name)]}
        how = "alias"
    elif (s := _short_key(c)) is not None:
        candidates = index.by_short.get(s, set())
    if len(candidates) == 1:
        _settle(c, next(iter(candidates)), how)
        if c.date is None and c.symbol and (d := index.date_of.get(c.target_id)):
            c.date = d
            c.flags.append("date_inferred")
    elif len(candidates) > 1 and "ambiguous" not in c.flags:
        c.flags.append("ambiguous")


def _settle(c: Citation, target_id: str, how: str) -> None:
    """Give `c` its resolved id and drop the flags that said it had none."""
    c.target_id = target_id
    c.resolved_by = how
    c.flags = [f for f in c.flags if f not in ("year_unknown", "date_unknown", "ambiguous", "number_only")]


def _law_by_symbol(c: Citation) -> bool:
    """`Luật số 59/2020/QH14`: its id should be the law's name id when another mention names it."""
    return c.doc_type in LAW_TYPES and not c.name and c.symbol is not None


def _needs_resolution(c: Citation) -> bool:
    return c.target_id is None or "number_only" in c.flags or "year_unknown" in c.flags or _law_by_symbol(c)


def resolve_document(citations: list[Citation], aliases: dict[int, str]) -> None:
    """Second pass inside one document: short forms, undated repeats and aliases take the
    id of the full mention they repeat. `aliases[i]` is the alias citation i defines."""
    index = Index()
    for i, c in enumerate(citations):
        index.add(c, aliases.get(i))
    for c in citations:
        if _needs_resolution(c):
            resolve_with(c, index, "document")


class CorpusResolver:
    """The corpus-level pass, fed one document and one mention at a time so a store can stream
    them: first `add_document` / `add_citation` for everything, then `resolve` each mention.

    Rules: a corpus document's own id wins for its symbol (normative symbols carry their
    year, so they name one document); other unresolved or number-only mentions take the id
    the other documents' full mentions and the corpus documents agree on; two candidates
    leave the mention flagged `ambiguous`.
    """

    def __init__(self) -> None:
        self.index = Index()
        self._own: dict[str, set[str]] = defaultdict(set)

    def add_document(self, metadata: Metadata) -> str | None:
        """Index a corpus document; returns its canonical id."""
        cid = metadata.canonical_id or canonical_id_for(metadata)
        if cid:
            self.index.add_document(metadata, cid)
            sym = symbol_from_text(metadata.symbol) if metadata.symbol else None
            if sym is not None and sym.year:
                self._own[symbol_key(sym)].add(cid)
        return cid

    def add_citation(self, c: Citation) -> None:
        self.index.add(c)

    def resolve(self, c: Citation) -> None:
        """Settle `c` in place against everything added."""
        own = self._own.get(k) if (k := _sym_key(c)) is not None else None
        if own is not None and len(own) == 1:
            target = next(iter(own))
            if c.target_id != target:
                _settle(c, target, "corpus")  # a corpus document's own id wins over the mention's
        elif _needs_resolution(c):
            resolve_with(c, self.index, "corpus")


def resolve_corpus(records: Iterable[Record]) -> list[Record]:
    """Second pass over many records held in memory (see `CorpusResolver`).
    Records are changed in place and returned as a list."""
    records = list(records)
    resolver = CorpusResolver()
    for r in records:
        for c in r.citations:
            resolver.add_citation(c)
        resolver.add_document(r.metadata)
    for r in records:
        for c in r.citations:
            resolver.resolve(c)
    return records
