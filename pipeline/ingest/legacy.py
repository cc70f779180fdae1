"""Text typed in the legacy Vietnamese font encodings, back to Unicode.

Before Unicode, Vietnamese documents were typed with 8-bit fonts: the ABC
fonts (.VnTime, .VnTimeH, ...) in TCVN3 (TCVN 5712:1993) and the VNI fonts
(VNI-Times, ...) in VNI-Windows. Extracted from a PDF, a Word file or an old
text file, their bytes read as Windows-1252: `§Þnh chÝnh QuyÕt ®Þnh` (TCVN3),
`Quyeát ñònh` (VNI). Documents mix them with Unicode paragraphs, so detection
works per paragraph, and it is conservative: a paragraph is converted only
when it has no Unicode-only Vietnamese letter and the conversion turns
non-words into more valid Vietnamese syllables than the text had. Valid
Unicode Vietnamese is therefore never touched.

The byte tables are data (`pipeline/data/tcvn3.json`, `vni.json`); a byte is
accepted in each of the forms extraction gives it: its Latin-1 code point, its
Windows-1252 character and its symbol-font private-use character (U+F0xx).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources

from pipeline.blocks import Block, SourceMap

TCVN3 = "TCVN3"
VNI = "VNI"

_COMBINING = {
    "grave": "\u0300",
    "acute": "\u0301",
    "hook": "\u0309",
    "tilde": "\u0303",
    "dot": "\u0323",
    "circumflex": "\u0302",
    "breve": "\u0306",
}
# Letters only Unicode Vietnamese has (no legacy byte reads as them), and combining tone marks.
_UNICODE_ONLY = re.compile("[ăĂđĐĩĨũŨơƠưƯ\u1ea0-\u1ef9\u0300-\u0303\u0309\u0323]")
_WORD = re.compile(r"[^\W\d_]{1,12}")

# Vietnamese syllable structure (tones removed, lowercase): onset, vowel nucleus, final.
_ONSET = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx]"
# Vowel groups: those ending in a glide take no final consonant, some need one, the rest may have one.
_OPEN = "oai|oay|oeo|uây|uôi|uya|uyu|ươi|ươu|iêu|yêu|ai|ao|au|ay|âu|ây|eo|êu|ia|iu|oi|ôi|ơi|ua|ui|ưa|ưi|ưu"
_CLOSED = "uyê|iê|uô|ươ|yê|oă|uâ|ă|â"
_EITHER = "oa|oe|uê|uy|uơ|[aeêioôơuưy]"
_FINAL = "ng|[cmnpt]"
_FINAL_FRONT = "ch|nh"  # only after a, ê, i, y and the glide groups oa, uê, uy
_SYLLABLE = re.compile(
    rf"(?:{_ONSET})?(?:(?:{_OPEN})|(?:uy|oa|uê|a|ê|i|y)(?:{_FINAL_FRONT})"
    rf"|(?:{_CLOSED})(?:{_FINAL})|(?:{_EITHER})(?:{_FINAL})?)"
)
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_MARKS = _TONES | {"\u0302", "\u0306", "\u031b"}  # tones, circumflex, breve, horn


_NEVER = re.compile("(?!)")


@dataclass(frozen=True)
class _Table:
    """One encoding's table, with the lookups conversion and detection use."""

    name: str
    letters: dict[str, str]  # legacy character -> Unicode letter (any form of the byte)
    marks: dict[str, str]  # legacy character -> combining marks it adds to the letter before it
    ambiguous: frozenset[str]  # Windows-1252 punctuation that is also a letter: only converted inside words
    mark_bases: dict[str, str]  # mark name -> letters that take it (VNI)
    font_prefixes: tuple[str, ...]
    keys: frozenset[str] = frozenset()  # every legacy character of the table
    any_key: re.Pattern[str] = _NEVER  # finds a legacy character
    evidence: re.Pattern[str] = _NEVER  # finds a legacy character that no Unicode Vietnamese letter is
    singles: dict[int, str] = field(default_factory=dict)  # str.translate table of the unambiguous letters
    pairs: dict[str, str] = field(default_factory=dict)  # VNI: letter + mark -> composed letter
    pair: re.Pattern[str] = _NEVER  # finds a VNI letter + mark
    inside_word: re.Pattern[str] = _NEVER  # TCVN3: ambiguous characters between letters, marks after one
    inside_map: dict[str, str] = field(default_factory=dict)  # what `inside_word` matches -> Unicode


def _char_class(chars: frozenset[str] | set[str]) -> str:
    return "[" + "".join(re.escape(c) for c in sorted(chars)) + "]"


def _forms(byte: int) -> list[str]:
    """The characters one legacy byte shows up as in extracted text."""
    forms = [chr(byte), chr(0xF000 + byte)]
    try:
        cp = bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        cp = chr(byte)
    if cp not in forms:
        forms.append(cp)
    return forms


@cache
def _table(name: str) -> _Table:
    raw = json.loads(resources.files("pipeline.data").joinpath(f"{name.lower()}.json").read_text("utf-8"))
    letters: dict[str, str] = {}
    ambiguous: set[str] = set()
    for key, letter in raw["letters"].items():
        byte = int(key, 16)
        for form in _forms(byte):
            letters[form] = letter
            if 0x80 <= byte < 0xA0 and (unicodedata.category(form).startswith("P") or form in "€™"):
                ambiguous.add(form)
    marks: dict[str, str] = {}
    mark_table = raw.get("combining_marks") or raw.get("marks") or {}
    for key, names in mark_table.items():
        names = [names] if isinstance(names, str) else names
        for form in _forms(int(key, 16)):
            marks[form] = "".join(_COMBINING[n] for n in names)
    keys = frozenset(letters) | frozenset(marks)
    vietnamese = _vietnamese_letters()
    mark_bases = raw.get("mark_bases", {})
    pairs: dict[str, str] = {}
    for base in {
        *mark_bases.get("tone", ""),
        *mark_bases.get("circumflex", ""),
        *mark_bases.get("breve", ""),
    }:
        for char, mark in marks.items():
            composed = unicodedata.normalize("NFC", base + mark)
            if len(composed) == 1 and _takes(base, mark, mark_bases):
                pairs[base + char] = composed
    singles = {ord(c): letter for c, letter in letters.items() if c not in ambiguous}
    return _Table(
        name=raw["name"],
        letters=letters,
        marks=marks,
        ambiguous=frozenset(ambiguous),
        mark_bases=mark_bases,
        font_prefixes=tuple(raw.get("font_prefixes", [])),
        keys=keys,
        any_key=re.compile(_char_class(keys)),
        evidence=re.compile(_char_class({c for c in keys if c not in vietnamese and c not in ambiguous})),
        singles=singles,
        pairs=pairs,
        pair=re.compile(f"{_char_class({p[0] for p in pairs})}{_char_class({p[1] for p in pairs})}")
        if pairs
        else _NEVER,
        inside_word=_inside_word(frozenset(ambiguous), frozenset(marks) if not pairs else frozenset()),
        inside_map={**letters, **marks},
    )


def _inside_word(ambiguous: frozenset[str], marks: frozenset[str]) -> re.Pattern[str]:
    """Ambiguous characters with a letter on both sides, and combining marks after a letter."""
    letter = r"[^\W\d_]"
    parts = [f"(?<={letter}){_char_class(ambiguous)}(?={letter})" if ambiguous else ""]
    parts.append(f"(?<={letter}){_char_class(marks)}" if marks else "")
    pattern = "|".join(p for p in parts if p)
    return re.compile(pattern) if pattern else _NEVER


@cache
def _vietnamese_letters() -> frozenset[str]:
    """Every Unicode Vietnamese letter (precomposed), both cases."""
    out = set("đĐ")
    for vowel in "aăâeêioôơuưy":
        for tone in ["", *_TONES]:
            composed = unicodedata.normalize("NFC", vowel + tone)
            out |= {composed, composed.upper()}
    return frozenset(out)


# ---------------------------------------------------------------- conversion


def _harmonize_case(text: str, capitals: bool) -> str:
    """Capitals fonts draw lowercase codes as capitals: `CéNG HOµ` is `CỘNG HÒA`.

    With `capitals` (a .VnTimeH-like font) every letter is a capital; otherwise
    a word whose typed ASCII letters are all capitals (two or more) is one.
    """
    if capitals:
        return text.upper()
    return _CAPITALS_WORD.sub(lambda m: m.group().upper(), text)


# a word whose typed (ASCII) letters are two or more capitals and no small letter
_CAPITALS_WORD = re.compile(
    r"\b(?=[^\W\d_]{0,40}?[A-Z][^\W\d_]{0,40}?[A-Z])(?![^\W\d_]{0,40}?[a-z])[^\W\d_]{1,40}(?![^\W\d_])"
)


def _is_caps_paragraph(text: str, table: _Table) -> bool:
    """A paragraph set in a capitals font: its typed letters are capitals, in two or more coded words."""
    if re.search("[a-z]", text) or len(re.findall("[A-Z]", text)) < 3:
        return False
    coded = [w for w in text.split() if table.any_key.search(w)]
    return sum(1 for w in coded if re.search("[A-Z]", w)) >= 2


def _takes(base: str, mark: str, mark_bases: dict[str, str]) -> bool:
    """Whether the letter `base` can carry the VNI `mark` (circumflex/breve and/or a tone)."""
    shape = [m for m in mark if m in "\u0302\u0306"]
    if any(m in _TONES for m in unicodedata.normalize("NFD", base)):
        return False  # already toned
    if shape:
        return base in mark_bases.get("circumflex" if shape[0] == "\u0302" else "breve", "")
    return any(m in _TONES for m in mark) and base in mark_bases.get("tone", "")


def _convert(text: str, encoding: str, capitals: bool, with_origin: bool = False) -> tuple[str, list[int]]:
    """Convert `text` from `encoding` (NFC not applied).

    With `with_origin`, `origin[i]` is the index in `text` of output char i
    (a VNI letter + mark pair maps to its letter); otherwise origin is empty.
    """
    table = _table(encoding)
    out = text.translate(table.singles)  # one char for one char
    dropped: list[int] = []
    if table.pairs:

        def compose(m: re.Match[str]) -> str:
            composed = table.pairs.get(m.group())
            if composed is None:
                return m.group()  # a mark this letter cannot take: left as typed
            dropped.append(m.start() + 1)
            return composed

        out = table.pair.sub(compose, out)
    else:
        out = table.inside_word.sub(lambda m: table.inside_map[m.group()], out)
    out = _harmonize_case(out, capitals or _is_caps_paragraph(text, table))
    origin: list[int] = []
    if with_origin:
        gone = set(dropped)
        origin = [i for i in range(len(text)) if i not in gone]
    return out, origin


# ---------------------------------------------------------------- detection


@lru_cache(maxsize=65536)
def _syllable_ok(word: str) -> bool:
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = 0
    base = ""
    for c in decomposed:
        if not unicodedata.combining(c):
            base = c
        elif c not in _MARKS or base not in "aeiouy":
            return False  # ñ, ö, a tone on a consonant: not Vietnamese
        else:
            tones += c in _TONES
    if tones > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
    return _SYLLABLE.fullmatch(bare) is not None


@lru_cache(maxsize=65536)
def _word_ok(word: str) -> bool:
    """A word in one case (or capitalised) that is a valid syllable."""
    return (word.isupper() or word.islower() or word[1:].islower()) and _syllable_ok(word)


def _syllable_score(text: str) -> tuple[int, int]:
    """(valid, invalid) counts of the words of two or more letters that hold a non-ASCII letter.

    One-letter words say nothing: `÷` (TCVN3 `ữ`) and `×` (`ì`) are signs in Unicode text.
    """
    words = [w for w in _WORD.findall(text) if len(w) > 1 and not w.isascii()]
    valid = sum(map(_word_ok, words))
    return valid, len(words) - valid


@lru_cache(maxsize=1024)
def _encoding_for_font(font: str | None) -> tuple[str | None, bool]:
    """The legacy encoding a font name implies, and whether it is a capitals font."""
    if not font:
        return None, False
    name = font.strip()
    for encoding in (TCVN3, VNI):
        if name.upper() == encoding:
            return encoding, False
        if any(name.startswith(p) for p in _table(encoding).font_prefixes):
            family = re.sub(
                r"(?:[-, ]+(?:Bold|Italic|Oblique|Regular|Normal|BoldItalic|[BI]{1,2}))+$",
                "",
                name,
                flags=re.I,
            )
            capitals = encoding == TCVN3 and family.endswith("H")
            return encoding, capitals
    return None, False


@lru_cache(maxsize=1024)
def legacy_font(fontname: str | None) -> str | None:
    """The font name, when it is a legacy Vietnamese font (PDF subset prefixes `ABCDEF+` dropped)."""
    if not fontname:
        return None
    name = re.sub(r"^[A-Z]{6}\+", "", fontname.strip())
    return name if _encoding_for_font(name)[0] is not None else None


def detect_legacy(text: str) -> str | None:
    """The legacy encoding a paragraph is typed in ("TCVN3", "VNI"), or None for Unicode text."""
    return _detect(text)[0]


def _detect(text: str) -> tuple[str | None, str]:
    if text.isascii() or _UNICODE_ONLY.search(text):
        return None, text
    before_valid, before_invalid = _syllable_score(text)
    candidates: list[tuple[tuple[int, int], str, str]] = []
    for encoding in (TCVN3, VNI):
        table = _table(encoding)
        evidence = table.evidence.search(text) is not None
        if not evidence and not table.any_key.search(text):
            continue
        converted = unicodedata.normalize("NFC", _convert(text, encoding, False)[0])
        valid, invalid = _syllable_score(converted)
        if valid <= before_valid or valid < 2 * invalid or invalid > before_invalid:
            continue
        if not evidence and (valid - before_valid < 2 or before_valid > 0.3 * (valid + invalid)):
            continue  # only letters Unicode also has: need a clear gain
        candidates.append(((valid, -invalid), encoding, converted))
    candidates.sort(reverse=True)
    if not candidates or (len(candidates) > 1 and candidates[0][0] == candidates[1][0]):
        return None, text  # Unicode, or as good in both encodings: the lines around decide
    return candidates[0][1], candidates[0][2]


def convert_legacy(text: str, hint: str | None = None) -> tuple[str, str | None]:
    """Convert a paragraph (or a run) typed in a legacy encoding to Unicode NFC.

    `hint` is an encoding name ("TCVN3", "VNI") or the font the text was set in
    (".VnTime", ".VnTimeH", "VNI-Times"); with a hint the text is converted
    without detection, unless it already holds Unicode-only letters. Returns
    the text and the encoding it was converted from (None: left as it was).
    """
    encoding, capitals = _encoding_for_font(hint)
    if encoding is not None:
        keys = _table(encoding).keys
        if not capitals and not any(c in keys for c in text):
            return text, None
        if _UNICODE_ONLY.search(text):
            return text, None
        converted = unicodedata.normalize("NFC", _convert(text, encoding, capitals)[0])
        return converted, (encoding if converted != text else None)
    detected, converted = _detect(text)
    return converted, detected


def convert_with_origin(
    text: str, origin: list[int], hint: str | None = None
) -> tuple[str, list[int], str | None]:
    """`convert_legacy` for text with a source map: each output char keeps its source offset.

    The result is not NFC-composed (the normalizer composes and keeps the map).
    """
    encoding, capitals = _encoding_for_font(hint)
    if encoding is None:
        encoding = detect_legacy(text)
    elif _UNICODE_ONLY.search(text):
        encoding = None
    if encoding is None:
        return text, origin, None
    converted, index = _convert(text, encoding, capitals, with_origin=bool(origin))
    new_origin = [origin[i] for i in index] if origin else []
    return converted, new_origin, encoding


def _windows_form(char: str) -> str:
    """The Windows-1252 character of a byte read as Latin-1 (0x80-0x9F differ)."""
    try:
        return bytes([ord(char)]).decode("cp1252")
    except (UnicodeDecodeError, ValueError):
        return char


def to_legacy(text: str, encoding: str, as_typed: bool = False) -> str:
    """Encode Unicode Vietnamese as a legacy font would: for tests and benchmarks.

    By default every byte is its Latin-1 code point and TCVN3 uses the full VN1
    table. `as_typed` writes what ABC-font documents hold: toned capitals typed
    with the capitals font (their lowercase codes), bytes as Windows-1252 characters.
    """
    table = _table(encoding)
    inverse: dict[str, str] = {}
    for char, letter in table.letters.items():
        if len(char) == 1 and ord(char) < 0x100:
            inverse.setdefault(letter, char)
    if as_typed and encoding == TCVN3:
        for letter in list(inverse):
            if letter.isupper() and letter not in "ĂÂÊÔƠƯĐ" and letter.lower() in inverse:
                inverse[letter] = inverse[letter.lower()]
    if as_typed:
        inverse = {letter: _windows_form(char) for letter, char in inverse.items()}
    mark_inverse = {marks: char for char, marks in table.marks.items() if ord(char) < 0x100}
    out: list[str] = []
    for c in unicodedata.normalize("NFC", text):
        if c in inverse:
            out.append(inverse[c])
            continue
        decomposed = unicodedata.normalize("NFD", c)
        if encoding == VNI and len(decomposed) > 1:
            base = decomposed[0]
            marks = decomposed[1:]
            horn = "\u031b" in marks
            marks = marks.replace("\u031b", "")
            if horn:
                base = inverse[unicodedata.normalize("NFC", decomposed[0] + "\u031b")]
            # circumflex/breve first, then the tone: the order of the mark table
            shape = "".join(m for m in marks if m in "\u0302\u0306")
            tone = "".join(m for m in marks if m in _TONES)
            key = shape + tone
            caps = [ch for ch, m in table.marks.items() if m == key and ord(ch) < 0x100]
            mark = sorted(caps, reverse=not c.isupper())[0] if caps else mark_inverse.get(key, "")
            out.append(base + mark)
            continue
        out.append(c)
    return "".join(out)


# ---------------------------------------------------------------- PDF characters


def legacy_chars(chars: list[dict]) -> list[dict]:
    """PDF characters (pdfplumber's `page.chars`) with those set in a legacy font converted by font name.

    A character in .VnTime / VNI-Times ... gets its Unicode letter; a capitals
    font (.VnTimeH) gives capitals; a VNI mark joins the letter before it (the
    letter's box grows to cover it) and a TCVN3 combining tone follows it.
    Converted characters carry `legacy` = the encoding. Others pass unchanged.
    """
    out: list[dict] = []
    previous_font: str | None = None
    for char in chars:
        font = legacy_font(char.get("fontname"))
        text = char.get("text", "")
        if font is None or not text:
            out.append(char)
            previous_font = None
            continue
        encoding, capitals = _encoding_for_font(font)
        table = _table(encoding or TCVN3)
        last = out[-1] if out and previous_font == font else None
        if last is not None and text in table.marks:
            composed = table.pairs.get(last["text"] + text) if table.pairs else None
            if composed is not None or not table.pairs:
                last = out[-1] = dict(last)
                last["text"] = composed if composed is not None else last["text"] + table.marks[text]
                last["x1"] = max(last.get("x1", 0.0), char.get("x1", 0.0))
                continue
        converted = text.translate(table.singles)
        if capitals:
            converted = converted.upper()
        if converted != text:
            char = {**char, "text": converted, "legacy": encoding}
        out.append(char)
        previous_font = font
    return out


# ---------------------------------------------------------------- blocks


@dataclass
class _Line:
    block: int
    index: int  # line number in the block (= row number in a table)
    start: int  # offset of the line in the block's text
    text: str
    encoding: str | None = None
    converted: str | None = None  # the detected conversion (NFC), reused when there is no source map


def _lines_of(blocks: list[Block]) -> list[_Line]:
    lines = []
    for i, block in enumerate(blocks):
        pos = 0
        for j, text in enumerate(block.text.split("\n")):
            lines.append(_Line(i, j, pos, text))
            pos += len(text) + 1
    return lines


def _fits(text: str, encoding: str) -> bool:
    """Whether a line too ambiguous to detect reads at least as well converted (`Sè` -> `Số`)."""
    if text.isascii() or _UNICODE_ONLY.search(text) or not _table(encoding).any_key.search(text):
        return False
    converted = unicodedata.normalize("NFC", _convert(text, encoding, False)[0])
    if converted == text:
        return False
    valid, invalid = _syllable_score(text)
    new_valid, new_invalid = _syllable_score(converted)
    return new_valid >= valid and new_invalid <= invalid


def _settle_context(lines: list[_Line]) -> None:
    """A line too ambiguous to detect, whose neighbours are in one legacy encoding, is in it too.

    Neighbours are the nearest lines with non-ASCII text on both sides, and the
    line must read at least as well converted.
    """
    coded = [line for line in lines if not line.text.isascii()]
    if not any(line.encoding for line in coded):
        return
    settled: list[tuple[_Line, str]] = []
    for i, line in enumerate(coded):
        if line.encoding is not None:
            continue
        if i == 0 or i == len(coded) - 1:
            continue
        around = {coded[i - 1].encoding, coded[i + 1].encoding}
        if len(around) == 1 and (encoding := around.pop()) is not None and _fits(line.text, encoding):
            settled.append((line, encoding))
    for line, encoding in settled:
        line.encoding = encoding


def _detect_lines(lines: list[_Line], hint: str | None) -> None:
    """Give each line its encoding: by font `hint`, else by detection and then by the lines around it."""
    for line in lines:
        if hint is not None:
            encoding, _ = _encoding_for_font(hint)
            line.encoding = encoding if encoding and not _UNICODE_ONLY.search(line.text) else None
        else:
            line.encoding, converted = _detect(line.text)
            line.converted = converted if line.encoding else None
    if hint is None:
        _settle_context(lines)


def _apply(blocks: list[Block], lines: list[_Line]) -> None:
    """Replace each legacy line by its conversion, keeping each block's source map."""
    for line in reversed(lines):  # from the end, so earlier offsets stay valid
        if line.encoding is None:
            continue
        block = blocks[line.block]
        end = line.start + len(line.text)
        origin = block.origin[line.start : end] if block.origin else []
        if line.converted is not None and not origin:
            text, new_origin = line.converted, []
        else:
            text, new_origin, _ = convert_with_origin(line.text, origin, line.encoding)
        if not block.origin:
            text = unicodedata.normalize("NFC", text)
        block.text = block.text[: line.start] + text + block.text[end:]
        if block.origin:
            block.origin = block.origin[: line.start] + new_origin + block.origin[end:]
        if block.rows and line.index < len(block.rows):
            block.rows[line.index] = [
                convert_legacy(cell, line.encoding)[0] for cell in block.rows[line.index]
            ]


def convert_blocks(blocks: list[Block], hint: str | None = None) -> list[str]:
    """Convert, line by line, every legacy-encoded block in place; returns warnings naming what was converted.

    Lines are detected one by one, then lines too short or ambiguous to tell
    (`Sè: 15/KH-SYT`) take the encoding of the legacy lines around them.
    """
    lines = _lines_of(blocks)
    _detect_lines(lines, hint)
    _apply(blocks, lines)
    converted = {line.block + 1: line.encoding for line in lines if line.encoding}
    return describe_conversions(sorted(converted.items()))


def convert_text(text: str) -> tuple[str, Sequence[int] | None, list[str]]:
    """Convert the legacy-encoded lines of a whole text, before it is cut into paragraphs.

    Returns the text, the map from its characters to those of the input
    (None when nothing changed) and warnings naming the converted lines.
    Readers of plain text call this first, so that their layout rules see
    `CỘNG HÒA`, `Số:` and `Điều` rather than `CéNG HßA`, `Sè:` and `§iÒu`.
    """
    if text.isascii():
        return text, None, []
    block = Block(kind="paragraph", text=text)
    lines = _lines_of([block])
    _detect_lines(lines, None)
    converted = [(line.index + 1, line.encoding) for line in lines if line.encoding]
    if not converted:
        return text, None, []
    block.origin = SourceMap.span(0, len(text))  # made only when a line converts: most texts have none
    _apply([block], lines)
    return block.text, block.origin, describe_conversions(converted, unit="line")


def describe_conversions(converted: list[tuple[int, str]], unit: str = "paragraph") -> list[str]:
    """`[(3, "TCVN3"), (4, "TCVN3"), (9, "VNI")]` -> ["paragraphs 3-4 converted from TCVN3", ...]."""
    warnings: list[str] = []
    i = 0
    while i < len(converted):
        start, encoding = converted[i]
        end = start
        while i + 1 < len(converted) and converted[i + 1] == (end + 1, encoding):
            i += 1
            end += 1
        span = f"{unit} {start}" if start == end else f"{unit}s {start}-{end}"
        warnings.append(f"{span} converted from {encoding}")
        i += 1
    return warnings


def decode_legacy_bytes(data: bytes) -> str | None:
    """Bytes that are not UTF-8 but a legacy-font text file: their text (still legacy-coded), else None.

    The text reader then converts it line by line with `convert_text`.
    """
    try:
        data.decode("utf-8")
        return None
    except UnicodeDecodeError:
        pass
    text = data.decode("latin-1").replace("\r\n", "\n").replace("\r", "\n")
    lines = [line for line in text.split("\n") if not line.isascii()]
    hits = sum(1 for line in lines[:200] if detect_legacy(line))
    return text if lines and hits >= max(1, len(lines[:200]) // 3) else None


__all__ = [
    "TCVN3",
    "VNI",
    "convert_blocks",
    "convert_legacy",
    "convert_text",
    "convert_with_origin",
    "decode_legacy_bytes",
    "describe_conversions",
    "detect_legacy",
    "legacy_chars",
    "legacy_font",
    "to_legacy",
]
