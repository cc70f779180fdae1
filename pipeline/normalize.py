"""Normalize blocks into the record's text, keeping a map back to the source.

Choices, made once here so every later stage can rely on them:
- Unicode NFC, composed per grapheme cluster so offsets stay traceable.
- One tone-mark placement: the traditional one used in official documents
  (`hòa`, `thúy`, `Cộng hòa`), as underthesea's normalizer writes it; `hoà`,
  `thuý` are rewritten. Only same-length rewrites of single syllables apply.
- Spaces: no-break, thin and ideographic spaces become a plain space, zero-width
  characters and soft hyphens go, runs of spaces fold to one, lines are stripped.
Dashes and quotes are kept as printed: extractors match their variants.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pipeline.blocks import Block, Doc, Ingested, PlacedBlock

_CLUSTER = re.compile(r".[\u0300-\u036f\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]*", re.S)
_COMBINING = re.compile(r"[\u0300-\u036f\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_ODD_SPACE_RE = re.compile("[\u00a0\u2000-\u200a\u202f\u205f\u3000\t\f\v]")
# Syllables written with the tone on the second vowel of oa, oe, uy (hoà, khoẻ, thuý, uỷ)
# and no final consonant: the only ones whose placement differs between the two styles.
_TONE_PAIR = re.compile(r"(?:[oO][àáảãạèéẻẽẹÀÁẢÃẠÈÉẺẼẸ]|[uU][ỳýỷỹỵỲÝỶỸỴ])(?!\w)")
_TONE_CANDIDATE = re.compile(
    r"\b\w{0,3}(?:[oO][àáảãạèéẻẽẹÀÁẢÃẠÈÉẺẼẸ]|[uU][ỳýỷỹỵỲÝỶỸỴ])\b"
)
_DROP_RE = re.compile("[\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad]")
# Characters the space folding deletes: leading/trailing spaces of a line, a space before
# another space, and blank lines.
_FOLD_RE = re.compile(r"^ +| +$| (?= )|\A\n+|\n+\Z|\n(?=\n)", re.M)


@lru_cache(maxsize=65536)
def _tone(word: str) -> str:
    # imported here: loading underthesea takes a good part of a second, and most texts never get here
    from underthesea.pipeline.text_normalize import token_normalize

    out = token_normalize(word)
    return out if len(out) == len(word) else word


def _compose(text: str, origin: list[int]) -> tuple[str, list[int]]:
    """NFC cluster by cluster; a composed cluster maps to its first source char."""
    if unicodedata.is_normalized("NFC", text):
        return text, origin
    out: list[str] = []
    new_origin: list[int] = []
    for m in _CLUSTER.finditer(text):
        piece = unicodedata.normalize("NFC", m.group())
        out.append(piece)
        src = origin[m.start()] if origin else -1
        new_origin.extend([src] * len(piece))
    return "".join(out), (new_origin if origin else [])


def _delete(text: str, origin: list[int], pattern: re.Pattern[str]) -> tuple[str, list[int]]:
    """Delete every match of `pattern`, keeping the origin of what stays."""
    runs = [(m.start(), m.end()) for m in pattern.finditer(text) if m.end() > m.start()]
    if not runs:
        return text, origin
    parts: list[str] = []
    kept: list[int] = []
    pos = 0
    for start, end in runs:
        parts.append(text[pos:start])
        if origin:
            kept.extend(origin[pos:start])
        pos = end
    parts.append(text[pos:])
    if origin:
        kept.extend(origin[pos:])
    return "".join(parts), kept


def _clean_chars(text: str, origin: list[int]) -> tuple[str, list[int]]:
    if _ODD_SPACE_RE.search(text):
        text = _ODD_SPACE_RE.sub(" ", text)
    return _delete(text, origin, _DROP_RE)


def _fold_spaces(text: str, origin: list[int]) -> tuple[str, list[int]]:
    """Fold runs of spaces to one, strip every line and drop blank lines."""
    if not (
        "  " in text or " \n" in text or "\n " in text or "\n\n" in text
        or text[:1] in (" ", "\n") or text[-1:] in (" ", "\n")
    ):
        return text, origin
    # deleting spaces can leave a new blank line or an edge newline ("a\n " -> "a\n"): repeat until stable
    while True:
        folded, origin = _delete(text, origin, _FOLD_RE)
        if folded == text:
            return folded, origin
        text = folded


def normalize_tones(text: str) -> str:
    """Rewrite `hoà`-style tone placement to `hòa`; lengths are unchanged."""
    if not _TONE_PAIR.search(text):
        return text
    return _TONE_CANDIDATE.sub(lambda m: _tone(m.group()), text)


def normalize_text(text: str, origin: list[int] | None = None) -> tuple[str, list[int]]:
    """Normalize one block's text; `origin` (source offsets per char) follows along."""
    origin = origin or []
    # zero-width characters go first, so a combining mark they separated composes with its letter
    text, origin = _clean_chars(text, origin)
    text, origin = _compose(text, origin)
    text = normalize_tones(text)
    if not unicodedata.is_normalized("NFC", text):  # a stray second tone mark moved by the rewrite
        text, origin = _compose(text, origin)
    return _fold_spaces(text, origin)


def assemble(ingested: Ingested) -> Doc:
    """Normalize every block and join them, one per line, into a `Doc`."""
    parts: list[str] = []
    source_map: list[int] = []
    placed: list[PlacedBlock] = []
    pos = 0
    has_origin = any(b.origin for b in ingested.blocks)
    for block in ingested.blocks:
        text, origin = normalize_text(block.text, block.origin)
        if not text and block.kind != "table":
            continue
        if parts:
            parts.append("\n")
            if has_origin:
                source_map.append(-1)
            pos += 1
        parts.append(text)
        if has_origin:
            source_map.extend(origin if origin else [-1] * len(text))
        rows = [[normalize_text(c)[0] for c in row] for row in block.rows] if block.rows else None
        placed.append(PlacedBlock(block.kind, pos, pos + len(text), block.page, block.label, rows))
        pos += len(text)
    return Doc(
        path=ingested.path,
        format=ingested.format,
        sha256=ingested.sha256,
        text="".join(parts),
        blocks=placed,
        pages=ingested.pages,
        source_map=source_map,
        warnings=list(ingested.warnings),
        stamped=ingested.stamped,
        ocr_pages=list(ingested.ocr_pages),
        ocr_confidence=ingested.ocr_confidence,
    )


def to_block(text: str, kind: str = "paragraph") -> Block:
    """A block with no source map: for tests and for readers without char offsets."""
    return Block(kind=kind, text=text)  # type: ignore[arg-type]
