"""Vocabularies kept as data files (`pipeline/data/*.json`), loaded once.

Type names, type codes and issuer codes change with reforms and differ between
state and Party documents; keeping them as data lets a researcher extend them
without touching the extractors.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any


@cache
def load(name: str) -> Any:
    """A JSON file of `pipeline/data/`, parsed once."""
    return json.loads(resources.files("pipeline.data").joinpath(name).read_text(encoding="utf-8"))


@dataclass(frozen=True)
class DocType:
    name: str
    codes: tuple[str, ...]
    party_codes: tuple[str, ...]
    variants: tuple[str, ...]
    by_name: bool = False
    normative: bool = False  # sets rules (Luật, Nghị định, Thông tư), not plans


@cache
def doc_types() -> tuple[DocType, ...]:
    """Document types, longest names first (so `Nghị quyết liên tịch` wins over `Nghị quyết`)."""
    types = [
        DocType(
            t["name"], tuple(t["codes"]), tuple(t["party_codes"]), tuple(t.get("variants", [])),
            t.get("by_name", False), t.get("normative", False),
        )
        for t in load("doc_types.json")["types"]
    ]
    return tuple(sorted(types, key=lambda t: -len(t.name)))


@cache
def name_cited_types() -> tuple[str, ...]:
    """Types cited by name and year rather than by number (Hiến pháp, Bộ luật, Luật, Pháp lệnh)."""
    return tuple(t.name for t in doc_types() if t.by_name)


@cache
def normative_types() -> frozenset[str]:
    """Types of acts that set rules rather than plans (Luật, Nghị định, Thông tư, ...)."""
    return frozenset(t.name for t in doc_types() if t.normative)


@cache
def doc_type_names() -> tuple[str, ...]:
    return tuple(t.name for t in doc_types())


@cache
def doc_type_pattern() -> str:
    """A regex alternation of type names and their variants, longest first, case-insensitive use."""
    names = sorted({n for t in doc_types() for n in (t.name, *t.variants)}, key=len, reverse=True)
    return "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in names)


@cache
def doc_type_title_pattern() -> str:
    """The type names as a title line prints them, in capitals (`KẾ HOẠCH`), longest first."""
    names = sorted({n.upper() for t in doc_types() for n in (t.name, *t.variants)}, key=len, reverse=True)
    return "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in names)


@cache
def doc_type_pattern_cased() -> str:
    """Like `doc_type_pattern`, spelled out in the cases print uses (`Quyết định`, `quyết định`,
    `QUYẾT ĐỊNH`, `Quyết Định`) so a scan needs no case-insensitive flag: with Vietnamese
    letters that flag makes Python's regex engine many times slower."""
    forms: set[str] = set()
    for t in doc_types():
        for n in (t.name, *t.variants):
            forms.update({n, n.lower(), n.upper(), n[:1].upper() + n[1:].lower(), n.title()})
    return "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in sorted(forms, key=len, reverse=True))


def canonical_type(name: str) -> str | None:
    """The vocabulary name for a printed type word (`KẾ HOẠCH` -> `Kế hoạch`)."""
    return _type_by_folded_name().get(re.sub(r"\s+", " ", name).strip().lower())


@cache
def _type_by_folded_name() -> dict[str, str]:
    table: dict[str, str] = {}
    for t in reversed(doc_types()):  # longest names last, so they win a clash
        for n in (t.name, *t.variants):
            table[n.lower()] = t.name
    return table


@cache
def doc_type_initials() -> str:
    """A character class of the first letters of type names and variants, both cases:
    a cheap look-ahead that lets a scan skip most positions before trying the alternation."""
    letters = {n[0] for t in doc_types() for n in (t.name, *t.variants)}
    both = sorted({c for ch in letters for c in (ch.lower(), ch.upper())})
    return "[" + "".join(re.escape(c) for c in both) + "]"


def type_for_code(code: str, party: bool = False) -> str | None:
    """The type a symbol's type code stands for (`KH` -> `Kế hoạch`), state or Party reading."""
    folded = code.upper()
    for t in doc_types():
        codes = t.party_codes if party else t.codes
        if any(folded == c.upper() for c in codes):
            return t.name
    return None


@cache
def issuer_codes() -> dict[str, dict[str, str]]:
    data = load("issuer_codes.json")
    return {"state": data["state"], "party": data["party"]}


def by_first_letter(alternation: str) -> str:
    """A flat alternation of phrases regrouped under their first letters (`Kế hoạch|Kết luận|Luật`
    -> `K(?:ế hoạch|ết luận)|L(?:uật)`): the regex engine then tests a position's letter once
    instead of once per phrase. Phrases with different first letters never match at the same
    place (in a pattern without the IGNORECASE flag), and each group keeps its phrases in order,
    so every match is the same."""
    if "(" in alternation or "\\|" in alternation:
        return alternation  # not a flat list of phrases
    groups: dict[str, list[str]] = {}
    for phrase in alternation.split("|"):
        if not phrase or phrase[0] == "\\":
            return alternation
        groups.setdefault(phrase[0], []).append(phrase[1:])
    return "|".join(f"{first}(?:{'|'.join(rests)})" for first, rests in groups.items())
