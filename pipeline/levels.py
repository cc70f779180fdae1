"""The administrative level of an issuer (central, province, district, commune).

Read from the issuer's name, or for a cited document known only by its symbol,
from the symbol's issuer code (`/TW`, `/TU`, `/HU`, `-TTg` ...). The words and
codes live in `pipeline/data/issuer_levels.json`.
"""

from __future__ import annotations

import re
from functools import cache

from pipeline.vocab import load

LEVELS = ("central", "province", "district", "commune")


def _words(patterns: list[str]) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)(?:" + "|".join(patterns) + r")(?!\w)", re.IGNORECASE)


@cache
def _rules() -> tuple[re.Pattern[str], list[tuple[str, re.Pattern[str]]], re.Pattern[str], dict[str, str]]:
    data = load("issuer_levels.json")
    local = [(level, _words(pats)) for level, pats in data["local"]]
    codes = {code.upper(): level for level, cs in data["symbol_codes"].items() for code in cs}
    return _words(data["province_first"]), local, _words(data["central"]), codes


def level_of_name(name: str | None) -> str | None:
    """Level of a body from its name: local place words first (lowest level wins), then central words."""
    if not name:
        return None
    province_first, local, central, _ = _rules()
    if province_first.search(name):
        return "province"
    for level, pattern in local:
        if pattern.search(name):
            return level
    return "central" if central.search(name) else None


def level_of_symbol(symbol: str | None) -> str | None:
    """Level from a symbol's issuer codes (`48-CT/TW` -> central, `43-CT/TU` -> province)."""
    if not symbol:
        return None
    codes = _rules()[3]
    parts = [re.sub(r"\d+$", "", p) for p in re.split(r"[/\-–]", symbol)[1:]]
    found = [codes[p.upper()] for p in parts if p and p.upper() in codes]
    for level in reversed(LEVELS):  # a joint symbol with a local body is local
        if level in found:
            return level
    return None


def issuer_level(issuer: str | None, symbol: str | None = None) -> str | None:
    return level_of_name(issuer) or level_of_symbol(symbol)
