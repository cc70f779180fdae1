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
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache

from pipeline import segmenter
from pipeline.blocks import Block, Doc, Ingested, PlacedBlock, SourceMap, as_source_map

_MARKS = "\u0300-\u036f\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
# Blocks are normalized together, joined by this character (no block holds it: decoding refuses NUL);
# every rule below treats it as the edge of a text, so each block comes out as if normalized alone.
_SEP = "\x00"
_CLUSTER = re.compile(rf"[^{_SEP}][{_MARKS}]*", re.S)
_MARK_RUN = re.compile(f"[{_MARKS}]+")
_TONE_MARKS = ("\u0300", "\u0301", "\u0303", "\u0309", "\u0323")  # as decomposed Vietnamese writes them
_ODD_SPACE_RE = re.compile("[\u00a0\u2000-\u200a\u202f\u205f\u3000\t\f\v]")
# Syllables written with the tone on the second vowel of oa, oe, uy (hoà, khoẻ, thuý, uỷ)
# and no final consonant: the only ones whose placement differs between the two styles.
# The pattern opens with the toned vowel, rarer than o and u, so the regex engine skips ahead fast;
# the match is that vowel and the pair starts one character before it.
_TONE_PAIR = re.compile(
    r"[àáảãạèéẻẽẹÀÁẢÃẠÈÉẺẼẸỳýỷỹỵỲÝỶỸỴ](?<=[oO][àáảãạèéẻẽẹÀÁẢÃẠÈÉẺẼẸ]|[uU][ỳýỷỹỵỲÝỶỸỴ])(?!\w)"
)
# The syllable is a word of at most 5 letters ending in such a pair; longer words are left alone.
_TONE_WORD_MAX = 5
_DROP_RE = re.compile("[\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad]")
_ODD_OR_DROP_RE = re.compile(f"{_ODD_SPACE_RE.pattern}|{_DROP_RE.pattern}")
# Characters the space folding deletes: leading/trailing spaces of a line, a space before
# another space, and blank lines (a text's edges being its ends or a `_SEP`).
_FOLD_RE = re.compile(
    rf"(?:^|(?<={_SEP})) +| +(?=$|{_SEP})| (?= )|(?:\A|(?<={_SEP}))\n+|\n+(?=\Z|{_SEP})|\n(?=\n)", re.M
)
# Where `_FOLD_RE` may have something to delete: two spaces or newlines in a row, or one next to a
# text's edge (an empty text, two `_SEP`s in a row, has nothing to fold).
_FOLD_HINT = re.compile(rf"[ \n{_SEP}](?=[ \n{_SEP}])")


@lru_cache(maxsize=65536)
def _tone(word: str) -> str:
    out = segmenter.token_normalize(word)
    return out if len(out) == len(word) else word


def _compose(text: str, origin: SourceMap) -> tuple[str, SourceMap]:
    """NFC cluster by cluster; a composed cluster maps to its first source char.

    Most texts are in NFC already, which `is_normalized`'s quick check tells at once,
    unless they hold a combining tone mark (the check then composes the whole text to
    compare): a text with one goes straight to composing. Only clusters with combining
    marks can change, so a scan for the marks finds the clusters to compose; a text still
    not in NFC after that (a compatibility character without marks) gets every cluster
    composed.
    """
    if not any(mark in text for mark in _TONE_MARKS) and unicodedata.is_normalized("NFC", text):
        return text, origin
    text, origin = _compose_clusters(text, origin, _marked_clusters(text))
    if unicodedata.is_normalized("NFC", text):
        return text, origin
    return _compose_clusters(text, origin, (m.span() for m in _CLUSTER.finditer(text)))


def _marked_clusters(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each run of combining marks with the character it sits on (none at a text's start)."""
    for m in _MARK_RUN.finditer(text):
        start = m.start()
        if start > 0 and text[start - 1] != _SEP:
            start -= 1
        yield start, m.end()


def _compose_clusters(
    text: str, origin: SourceMap, clusters: Iterable[tuple[int, int]]
) -> tuple[str, SourceMap]:
    """`text` with each of the `clusters` (in order) in NFC; each char of a composed one maps to its first."""
    out: list[str] = []
    new_origin = SourceMap()
    pos = 0
    for start, end in clusters:
        piece = unicodedata.normalize("NFC", text[start:end])
        if piece == text[start:end]:
            continue
        out += (text[pos:start], piece)
        if origin:
            new_origin.extend(origin, pos, start)
            for _ in piece:
                new_origin.append_span(origin[start], 1)
        pos = end
    if not out:
        return text, origin
    out.append(text[pos:])
    if origin:
        new_origin.extend(origin, pos)
    return "".join(out), (new_origin if origin else origin)


def _delete(text: str, origin: SourceMap, pattern: re.Pattern[str]) -> tuple[str, SourceMap]:
    """Delete every match of `pattern`, keeping the origin of what stays."""
    runs = [(m.start(), m.end()) for m in pattern.finditer(text) if m.end() > m.start()]
    if not runs:
        return text, origin
    parts: list[str] = []
    kept = SourceMap()
    pos = 0
    for start, end in runs:
        parts.append(text[pos:start])
        if origin:
            kept.extend(origin, pos, start)
        pos = end
    parts.append(text[pos:])
    if origin:
        kept.extend(origin, pos)
    return "".join(parts), kept


def _clean_chars(text: str, origin: SourceMap) -> tuple[str, SourceMap]:
    """Odd spaces become plain ones, zero-width characters and soft hyphens go."""
    if not _ODD_OR_DROP_RE.search(text):
        return text, origin  # most texts: one scan says there is nothing to do
    if _ODD_SPACE_RE.search(text):
        text = _ODD_SPACE_RE.sub(" ", text)
    return _delete(text, origin, _DROP_RE)


def _fold_spaces(text: str, origin: SourceMap) -> tuple[str, SourceMap]:
    """Fold runs of spaces to one, strip every line and drop blank lines.

    Only the texts (between `_SEP`s) that hold something to fold are rewritten: in most
    documents a few lines have a double space and the rest is left as it is.
    """
    pieces = _pieces_to_fold(text)
    if not pieces:
        return text, origin
    parts: list[str] = []
    new_origin = SourceMap()
    pos = 0
    for start, end in pieces:
        piece, piece_origin = _fold_piece(text[start:end], origin[start:end] if origin else origin)
        parts += (text[pos:start], piece)
        if origin:
            new_origin.extend(origin, pos, start)
            new_origin.extend(piece_origin)
        pos = end
    parts.append(text[pos:])
    if origin:
        new_origin.extend(origin, pos)
    return "".join(parts), (new_origin if origin else origin)


def _pieces_to_fold(text: str) -> list[tuple[int, int]]:
    """The (start, end) of each `_SEP`-delimited text with spaces or newlines to fold, in order."""
    hits = [
        m.start() + (text[m.start()] == _SEP)
        for m in _FOLD_HINT.finditer(text)
        if text[m.start() : m.start() + 2] != _SEP + _SEP
    ]
    if text[:1] in (" ", "\n"):
        hits.insert(0, 0)
    if text[-1:] in (" ", "\n"):
        hits.append(len(text) - 1)
    pieces: list[tuple[int, int]] = []
    for at in hits:
        if pieces and at < pieces[-1][1]:
            continue
        end = text.find(_SEP, at)
        pieces.append((text.rfind(_SEP, 0, at) + 1, len(text) if end < 0 else end))
    return pieces


def _fold_piece(text: str, origin: SourceMap) -> tuple[str, SourceMap]:
    # deleting spaces can leave a new blank line or an edge newline ("a\n " -> "a\n"): repeat until stable
    while True:
        folded, origin = _delete(text, origin, _FOLD_RE)
        if folded == text:
            return folded, origin
        text = folded


def normalize_tones(text: str) -> str:
    """Rewrite `hoà`-style tone placement to `hòa`; lengths are unchanged.

    The scan finds the pairs (a regex pass that skips ahead to the rare toned vowels), then
    takes the word each ends: a word of `_TONE_WORD_MAX` letters at most is one syllable.
    """
    parts: list[str] = []
    pos = 0
    for m in _TONE_PAIR.finditer(text):
        start = m.start() - 1
        while start > 0 and m.end() - start <= _TONE_WORD_MAX and _is_word_char(text[start - 1]):
            start -= 1
        if m.end() - start > _TONE_WORD_MAX or start < pos:
            continue  # a longer word: the pair is not a syllable's
        parts += (text[pos:start], _tone(text[start : m.end()]))
        pos = m.end()
    if not parts:
        return text
    parts.append(text[pos:])
    return "".join(parts)


def _is_word_char(c: str) -> bool:
    """What the regex `\\w` matches."""
    return c.isalnum() or c == "_"


def normalize_text(text: str, origin: Sequence[int] | None = None) -> tuple[str, SourceMap]:
    """Normalize one block's text; `origin` (source offsets per char) follows along."""
    source = as_source_map(origin)
    # zero-width characters go first, so a combining mark they separated composes with its letter
    text, source = _clean_chars(text, source)
    text, source = _compose(text, source)
    toned = normalize_tones(text)
    if toned is not text and not unicodedata.is_normalized("NFC", toned):
        # a stray second tone mark moved by the rewrite
        toned, source = _compose(toned, source)
    text = toned
    return _fold_spaces(text, source)


def assemble(ingested: Ingested) -> Doc:
    """Normalize every block and join them, one per line, into a `Doc`.

    The blocks are normalized in one pass over their joined text: each rule then runs
    once per document rather than once per block. Blocks empty once normalized are
    dropped (tables stay, their rows hold the text).
    """
    blocks = ingested.blocks
    has_origin = any(b.origin for b in blocks)
    if any(_SEP in b.text for b in blocks):  # a reader let a NUL through: block by block
        normalized = [normalize_text(b.text, b.origin) for b in blocks]
    else:
        maps = [as_source_map(b.origin) for b in blocks] if has_origin else []
        joined = SourceMap.joined(maps, [len(b.text) for b in blocks]) if has_origin else None
        text, origin = normalize_text(_SEP.join(b.text for b in blocks), joined)
        texts = text.split(_SEP) if blocks else []
        if all(t or b.kind == "table" for t, b in zip(texts, blocks, strict=True)):
            # every block is kept (most documents): the separators become the newlines between blocks
            return _doc(ingested, text.replace(_SEP, "\n"), _placed(blocks, texts), origin)
        normalized, pos = [], 0
        for t in texts:
            normalized.append((t, origin[pos : pos + len(t)]))
            pos += len(t) + 1
    kept = [(b, t, o) for b, (t, o) in zip(blocks, normalized, strict=True) if t or b.kind == "table"]
    source_map = SourceMap.joined([o for _, _, o in kept], [len(t) for _, t, _ in kept]) if has_origin else SourceMap()
    texts = [t for _, t, _ in kept]
    return _doc(ingested, "\n".join(texts), _placed([b for b, _, _ in kept], texts), source_map)


def _placed(blocks: list[Block], texts: list[str]) -> list[PlacedBlock]:
    """The blocks placed one per line in the document's text; their table cells normalized."""
    placed: list[PlacedBlock] = []
    pos = 0
    for block, text in zip(blocks, texts, strict=True):
        rows = [[normalize_text(c)[0] for c in row] for row in block.rows] if block.rows else None
        placed.append(PlacedBlock(block.kind, pos, pos + len(text), block.page, block.label, rows))
        pos += len(text) + 1
    return placed


def _doc(ingested: Ingested, text: str, placed: list[PlacedBlock], source_map: SourceMap) -> Doc:
    return Doc(
        path=ingested.path,
        format=ingested.format,
        sha256=ingested.sha256,
        text=text,
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
