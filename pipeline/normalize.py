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

from underthesea.pipeline.text_normalize import token_normalize

from pipeline.blocks import Block, Doc, Ingested, PlacedBlock

_CLUSTER = re.compile(r".[\u0300-\u036f\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]*", re.S)
_COMBINING = re.compile(r"[\u0300-\u036f\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t\f\v"), " ")
_DROP = set("\u200b\u200c\u200d\u2060\ufeff\u00ad")
# Syllables whose tone mark may sit on either vowel: oa, oe, uy (with or without a final).
_TONE_CANDIDATE = re.compile(r"\b\w*(?:[oO][aAeE]|[uU][yY])\w*\b|\b\w*(?:[òóỏõọÒÓỎÕỌ][aAeE]|[ùúủũụÙÚỦŨỤ][yY])\w*\b")


@lru_cache(maxsize=65536)
def _tone(word: str) -> str:
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


def _clean_chars(text: str, origin: list[int]) -> tuple[str, list[int]]:
    text = text.translate(_SPACES)
    if not any(c in _DROP for c in text):
        return text, origin
    keep = [i for i, c in enumerate(text) if c not in _DROP]
    return "".join(text[i] for i in keep), ([origin[i] for i in keep] if origin else [])


def _fold_spaces(text: str, origin: list[int]) -> tuple[str, list[int]]:
    """Fold runs of spaces to one and strip every line, keeping newlines."""
    out: list[str] = []
    new_origin: list[int] = []
    for m in re.finditer(r"[^\n]+|\n", text):
        if m.group() == "\n":
            out.append("\n")
            new_origin.append(origin[m.start()] if origin else -1)
            continue
        for w in re.finditer(r"\S+", m.group()):
            if out and out[-1] != "\n":
                out.append(" ")
                new_origin.append(origin[m.start() + w.start() - 1] if origin else -1)
            out.append(w.group())
            if origin:
                s = m.start() + w.start()
                new_origin.extend(origin[s : s + len(w.group())])
    result = "".join(out)
    result_origin = new_origin if origin else []
    # drop blank lines the folding left behind
    if "\n\n" in result or result.startswith("\n") or result.endswith("\n"):
        keep = [i for i, c in enumerate(result) if not (c == "\n" and (i == 0 or result[i - 1] == "\n" or i == len(result) - 1))]
        result_origin = [result_origin[i] for i in keep] if origin else []
        result = "".join(result[i] for i in keep)
    return result, result_origin


def normalize_tones(text: str) -> str:
    """Rewrite `hoà`-style tone placement to `hòa`; lengths are unchanged."""
    return _TONE_CANDIDATE.sub(lambda m: _tone(m.group()) if len(m.group()) <= 6 else m.group(), text)


def normalize_text(text: str, origin: list[int] | None = None) -> tuple[str, list[int]]:
    """Normalize one block's text; `origin` (source offsets per char) follows along."""
    origin = origin or []
    text, origin = _compose(text, origin)
    text, origin = _clean_chars(text, origin)
    text = normalize_tones(text)
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
    )


def to_block(text: str, kind: str = "paragraph") -> Block:
    """A block with no source map: for tests and for readers without char offsets."""
    return Block(kind=kind, text=text)  # type: ignore[arg-type]
