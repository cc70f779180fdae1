"""Document symbols (số, ký hiệu): the grammar, parsing and a normalized key.

Three families share one surface grammar: state administrative `623/QĐ-TTg`,
state normative `49/2020/NĐ-CP` (a year in the symbol), and Party
`48-CT/TW` (hyphen first, slash before the body). Prints add spaces and en dashes
(`07/CTr – BCA-MTTW`), break lines inside (`09-` / `CT/TW`), invert the Party
separators (`48/CT-TW`) or lose hyphens in PDF text (`1961/QĐUBND`). Parsing
recovers the parts; `symbol_key` makes every variant of one symbol meet.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

from pipeline import vocab

# A code segment: starts with a capital (`Tb`, `CTr`, `QH14`, `V01`, `TG&NC`); a small letter
# in it is never followed by another, so a word glued after a code (`NĐ-CPngày`) stays out.
CODE = r"[A-ZĐ](?:[A-ZĐƯƠÔÂĂÊ0-9&]|[a-zđ](?![a-zđà-ỹ])){0,14}"
# Where a symbol may end: before a non-word, or before a glued word after 2+ capitals.
END = r"(?:(?![\w&/])|(?<=[A-ZĐ0-9]{2})(?=[a-zđà-ỹ]))"
# Separators as printed: hyphen or dashes or slash, with a few spaces or one line break.
_GAP = r"[ \t]{0,3}(?:\n[ \t]{0,3})?"
DASH = r"[-‐‑–—]"
# The part after the number: optional year, then codes joined by dashes or slashes.
SYMBOL_TAIL = (
    rf"{_GAP}(?P<sep>[/]|{DASH}){_GAP}(?:(?P<year>(?:19|20)\d\d){_GAP}/{_GAP})?"
    rf"(?P<codes>{CODE}(?:{_GAP}(?:{DASH}|/){_GAP}{CODE}){{0,5}})"
)
NUMBER = r"\d{1,5}[a-z]?"
# NUMBER not glued to a word, a '/', '.' or '-' before it. The test looks back from after the first
# digit ('(?<![\w/.\-]\d)' there is '(?<![\w/.\-])' before it), so the pattern opens with a digit
# and the regex engine skips to digits instead of trying every position.
_FREE_NUMBER = r"\d(?<![\w/.\-]\d)\d{0,4}[a-z]?"
SYMBOL_RE = re.compile(rf"(?P<num>{_FREE_NUMBER}){SYMBOL_TAIL}{END}")
_SPLIT_CODES = re.compile(rf"{_GAP}(?:{DASH}|/){_GAP}")


@dataclass(frozen=True)
class Symbol:
    """A parsed symbol. `printed` is as printed with spaces removed and dashes as '-'."""

    printed: str
    number: str
    year: str | None
    codes: tuple[str, ...]
    party: bool
    type_code: str | None
    issuer_codes: tuple[str, ...]


@lru_cache(maxsize=4096)
def fold_ascii(text: str) -> str:
    """Lowercase ASCII (`Đ` -> `d`, tones dropped): for ids and keys."""
    text = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def clean_printed(text: str) -> str:
    """The symbol as printed, spaces and line breaks removed, dashes unified."""
    return re.sub(DASH, "-", re.sub(r"\s+", "", text))


@cache
def _type_codes(party: bool) -> tuple[str, ...]:
    codes = {c.upper() for t in vocab.doc_types() for c in (t.party_codes if party else t.codes)}
    return tuple(sorted(codes, key=len, reverse=True))


@cache
def _party_bodies() -> frozenset[str]:
    return frozenset(k.upper() for k in vocab.issuer_codes()["party"])


def is_type_code(code: str, party: bool | None = None) -> bool:
    up = code.upper()
    if party is None:
        return up in _type_codes(False) or up in _type_codes(True)
    return up in _type_codes(party)


def split_glued(code: str) -> tuple[str, ...]:
    """`QĐUBND` -> (`QĐ`, `UBND`): PDF text can drop the hyphen after the type code.

    Split only into a known type code and a known issuer code, so `LĐLĐ` stays whole."""
    up = code.upper()
    known = _state_issuers()
    if is_type_code(up) or up in known:
        return (code,)
    for tc in _type_codes(False):
        if up.startswith(tc) and up[len(tc) :] in known:
            return (code[: len(tc)], code[len(tc) :])
    return (code,)


@cache
def _state_issuers() -> frozenset[str]:
    return frozenset(k.upper() for k in vocab.issuer_codes()["state"])


@lru_cache(maxsize=4096)
def parse_symbol(num: str, sep: str, year: str | None, codes_text: str) -> Symbol:
    """Parts of a symbol matched by `SYMBOL_RE` (its groups)."""
    raw_codes = [c for c in _SPLIT_CODES.split(codes_text) if c]
    party_form = sep != "/" and year is None  # 48-CT/TW
    # Misprinted Party symbol `48/CT-TW`: the body code after the type is a Party body.
    misprinted_party = (
        sep == "/" and year is None and len(raw_codes) >= 2 and raw_codes[1].upper() in _party_bodies()
        and is_type_code(raw_codes[0], party=True)
    )
    party = party_form or misprinted_party
    codes = [*split_glued(raw_codes[0]), *raw_codes[1:]] if raw_codes else []
    type_code = codes[0] if codes and is_type_code(codes[0], party=party) else None
    issuer = tuple(codes[1:] if type_code else codes)
    printed = clean_printed(f"{num}{sep}{year + '/' if year else ''}{codes_text}")
    return Symbol(printed, num, year, tuple(codes), party, type_code, issuer)


@lru_cache(maxsize=4096)
def symbol_from_text(text: str) -> Symbol | None:
    """Parse a whole symbol string (`48/CT-TW`); None when it is not one."""
    m = SYMBOL_RE.fullmatch(text.strip()) or SYMBOL_RE.search(text)
    if not m:
        return None
    return parse_symbol(m["num"], m["sep"], m["year"], m["codes"])


@lru_cache(maxsize=4096)
def symbol_key(sym: Symbol) -> str:
    """One spelling per symbol, for ids: `48-ct/tw` for every Party variant, lowercase ASCII,
    leading zeros dropped, glued codes split (`1961/qd-ubnd`)."""
    num = sym.number.lstrip("0") or "0"
    codes = [fold_ascii(c) for c in sym.codes]
    if sym.party and codes:
        body = "-".join(codes[1:]) if sym.type_code else "-".join(codes)
        head = codes[0] if sym.type_code else ""
        return f"{num}-{head}/{body}" if head else f"{num}/{body}"
    year = f"{sym.year}/" if sym.year else ""
    return f"{num}/{year}{'-'.join(codes)}"
