"""The signature block: capacity and position lines in capitals, then the signer's name.

Two layouts reach us: a signature column read on its own (`TM. BAN THƯỜNG VỤ` /
`PHÓ CHỦ TỊCH` / `Nguyễn Mạnh Hùng`), and a page read line by line where the
Nơi nhận column and the signature column interleave (`- V05, Bộ Công an (để
b/c); TRƯỞNG BAN`). Both are read as fragments of capital words that start with
a capacity prefix or a position, followed within a few lines by a name.
A copy block (`SAO Y` ...) at the end has a signature of its own: callers cut
the lines before it so it never replaces the document's signer.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from itertools import accumulate

from models.record import Signer
from pipeline.doclines import Line, all_caps, fold, header_words, is_caps, words_pattern

_BULLET = re.compile(r"^[-+•–·]\s*")
_RECIPIENTS_LABEL = re.compile(r"(?i)^nơi\s*nhận\s*:?")
_MAX_GAP = 3  # recipient lines allowed between fragments of one interleaved signature block
_NAME_WINDOW = 8  # lines after the last fragment in which the name must appear


@dataclass
class SignatureBlock:
    """The signer, the lines the block uses, and what is left of lines it shares with recipients."""

    signer: Signer
    first_line: int
    last_line: int
    used: set[int] = field(default_factory=set)
    leftovers: dict[int, str] = field(default_factory=dict)


@cache
def _prefixes() -> str:
    """Capacity prefixes; those printed without a dot (`TM BAN ...`) must be followed by a space."""
    dotted = [p for p in header_words()["capacity_prefixes"] if p.strip()[-1] in "./"]
    bare = [p.strip() for p in header_words()["capacity_prefixes"] if p.strip()[-1] not in "./"]
    return rf"(?:{words_pattern(dotted)}|(?:{words_pattern(bare)})(?=\s))"


@cache
def _fragment_re() -> re.Pattern[str]:
    words = header_words()
    prefixes = _prefixes()
    positions = words_pattern(words["positions"])
    caps_word = r"[A-ZĐÀ-Ỹ][A-ZĐÀ-Ỹ0-9.,&/()-]*"
    return re.compile(
        rf"(?:(?<=\s)|^)(?:(?:{prefixes})\s*{caps_word}(?:\s+{caps_word})*|(?:{positions})(?:\s+{caps_word})*)(?=\s|$|;)"
    )


@cache
def _fragment_openings() -> re.Pattern[str] | None:
    """The first two characters of every capacity prefix and position. A line holding none of them
    holds no fragment, and one search for them is much cheaper than `_fragment_re`'s."""
    words = [w.strip() for w in header_words()["capacity_prefixes"] + header_words()["positions"]]
    if any(len(w) < 2 or w[:2].strip() != w[:2] for w in words):
        return None  # an opening with a space in it: no shortcut
    return re.compile("|".join(sorted({re.escape(w[:2]) for w in words})))


@cache
def _prefix_re() -> re.Pattern[str]:
    return re.compile(rf"^{_prefixes()}\s*")


@cache
def _name_prefix_re() -> re.Pattern[str]:
    return re.compile(rf"^(?:(?:{words_pattern(header_words()['name_prefixes'])})\s+)+")


def _is_caps_word(w: str) -> bool:
    return all_caps(w, 1)


def _fragment(line: Line) -> tuple[str, str] | None:
    """The signature words on a line and what remains of the line, or None."""
    text = line.text
    if text.rstrip().endswith(":"):
        return None
    label = _RECIPIENTS_LABEL.match(text)
    if label:  # 'Nơi nhận: TM. ỦY BAN NHÂN DÂN' - both columns on one line
        rest = _fragment(line._replace(text=text[label.end() :].strip()))
        return (rest[0], (label.group() + " " + rest[1]).strip()) if rest else None
    openings = _fragment_openings()
    if openings is not None and not openings.search(text):
        return None
    if len(text) <= 90 and is_caps(text) and not _BULLET.match(text):
        m = _fragment_re().match(text)
        return (text.strip(), "") if m else None
    for m in _fragment_re().finditer(text):
        frag = m.group().strip()
        if len(frag.split()) < 2 and not _prefix_re().match(frag):
            continue
        if not all(_is_caps_word(w) or _prefix_re().match(w + " ") for w in frag.split()):
            continue
        rest = (text[: m.start()] + " " + text[m.end() :]).strip()
        return frag, re.sub(r"\s+", " ", rest)
    return None


def _is_signed_mark(text: str) -> bool:
    t = text.strip()
    if t[:1] in "([" and t[-1:] in ")]" and len(t) <= 60:
        return True  # '(Đã ký)', '( đã kí)', '(Ký, ghi rõ họ tên)', '[daky]'
    return fold(text).startswith(_signed_marks())


@cache
def _signed_marks() -> tuple[str, ...]:
    return tuple(fold(m) for m in header_words()["signed_marks"] + header_words()["esign_cues"])


def name_of(text: str, loose: bool = False) -> tuple[str, str] | None:
    """A person's name at the start of `text` (rank or title dropped) and the rest of the line.

    Strict: the whole line is 2-6 capitalised words. Loose (interleaved layouts):
    the line starts with such words and something else follows.
    """
    body = _name_prefix_re().sub("", text.strip())
    words = body.split()
    taken: list[str] = []
    for w in words:
        if len(taken) >= 6:
            break
        clean = w.rstrip(",;.")
        if not clean or not clean[0].isupper() or not clean.isalpha():
            break
        if len(clean) > 1 and not clean[1:].islower():
            break
        taken.append(clean)
        if clean != w:
            break
    if not 2 <= len(taken) <= 6:
        return None
    if all(w.isupper() for w in taken):
        return None  # capitals: a heading or a position, not a name (names are printed in title case)
    rest = " ".join(words[len(taken) :])
    if rest and not loose:
        return None
    return " ".join(taken), rest


_TRAILING_NAME = re.compile(
    r"(?:[;)]\s+|\s[-–]\s+)(?P<name>(?:[A-ZĐÀ-Ỹ][a-zđà-ỹ]+\s+){1,5}[A-ZĐÀ-Ỹ][a-zđà-ỹ]+)\s*$"
)


def _trailing_name(text: str) -> tuple[str, str] | None:
    """A name printed at the end of a recipient line by an interleaved layout ('...; Phạm Tiến Hưng')."""
    m = _TRAILING_NAME.search(text)
    if not m or name_of(m.group("name")) is None:
        return None
    return m.group("name"), text[: m.start("name")].rstrip()


def _split_lines(lines: list[str], issuer: str | None) -> tuple[str | None, str | None]:
    """Authority (capacity) and position from the block's capital lines."""
    authority = [s for s in lines if _prefix_re().match(s)]
    others = [s for s in lines if s not in authority]
    if authority:
        return " ".join(authority), (" ".join(others) if others else None)
    if len(others) == 1:
        return None, others[0]
    # A committee signature prints the role in the issuing body over the state position
    # (TRƯỞNG BAN / PHÓ CHỦ TỊCH UBND TỈNH); some print it under. The role is the line
    # that names the issuer, else the first line.
    role = others[0]
    if issuer:
        folded_issuer = fold(issuer)
        for s in others:
            tail = re.sub(r"^(?:phó\s+)?(?:trưởng|chủ nhiệm|chủ tịch|giám đốc)\s+", "", fold(s))
            if tail and tail != fold(s) and folded_issuer.startswith(tail):
                role = s
                break
    position = " ".join(s for s in others if s is not role)
    return role, position or None


def find_signature(lines: list[Line], lo: int, hi: int, issuer: str | None = None) -> SignatureBlock | None:
    """The document's signature: the first block with a name between lines `lo` and `hi` (exclusive).

    The first, because appendices after the signature carry forms with signature
    blocks of their own.
    """
    return next(_signature_blocks(lines, lo, hi, issuer), None)


def find_signatures(lines: list[Line], lo: int, hi: int, issuer: str | None = None) -> list[SignatureBlock]:
    """Every signature block with a name between lines `lo` and `hi` (exclusive)."""
    return list(_signature_blocks(lines, lo, hi, issuer))


def _fragment_lines(lines: list[Line], lo: int, hi: int) -> list[int]:
    """The lines from `lo` to `hi` a fragment may be read on, in order: those with an opening of a
    capacity or position, or starting like the recipients label. One scan of the lines' joined text
    finds them, rather than a call of `_fragment` on each of the thousands of lines of a long text."""
    openings = _fragment_openings()
    if openings is None:
        return list(range(lo, hi))
    texts = [ln.text for ln in lines[lo:hi]]
    starts = [0, *accumulate(len(t) + 1 for t in texts)]
    found = {bisect_right(starts, m.start()) - 1 + lo for m in openings.finditer("\n".join(texts))}
    found.update(k for k, t in enumerate(texts, lo) if t[:1] in "nN")  # 'Nơi nhận: TM. ỦY BAN ...'
    return sorted(found)


def _signature_blocks(lines: list[Line], lo: int, hi: int, issuer: str | None) -> Iterator[SignatureBlock]:
    """The signature blocks in line order, read one at a time (the document's own is the first)."""
    starts = _fragment_lines(lines, lo, hi)
    c = 0
    i = lo
    while i < hi:
        while c < len(starts) and starts[c] < i:
            c += 1
        if c == len(starts):
            return
        i = starts[c]  # the lines skipped hold no fragment
        got = _fragment(lines[i])
        if got is None:
            i += 1
            continue
        frags = [got[0]]
        frag_lines = [i]
        used = {i}
        leftovers = {i: got[1]} if got[1] else {}
        first = last = i
        j = i + 1
        gap = 0
        while j < hi and gap <= _MAX_GAP:
            nxt = _fragment(lines[j])
            if nxt is not None:
                frags.append(nxt[0])
                frag_lines.append(j)
                used.add(j)
                if nxt[1]:
                    leftovers[j] = nxt[1]
                last = j
                gap = 0
            elif _BULLET.match(lines[j].text) or _is_signed_mark(lines[j].text):
                gap += 1
            else:
                break
            j += 1
        name = None
        k = last + 1
        while k < min(hi, last + 1 + _NAME_WINDOW):
            text = lines[k].text
            if _is_signed_mark(text) or _BULLET.match(text):
                k += 1
                continue
            if _fragment_re().fullmatch(text.upper()) and len(text) <= 90:
                frags.append(text)  # a position printed in title case ('Phó Thống Đốc')
                frag_lines.append(k)
                used.add(k)
                last = k
                k += 1
                continue
            found = name_of(text) or name_of(text, loose=True)
            if found:
                name = found[0]
                used.add(k)
                if found[1]:
                    leftovers[k] = found[1]
                last = k
            break
        if name is None:
            name, last = _name_in_tail(lines, frag_lines, last, hi, used, leftovers)
        if name:
            authority, position = _split_lines(frags, issuer)
            signer = Signer(name=name, position=position, authority=authority, printed_lines=frags)
            yield SignatureBlock(signer, first, last, used, leftovers)
            i = last + 1
        else:
            i = j if j > i + 1 else i + 1


def _name_in_tail(
    lines: list[Line], frag_lines: list[int], last: int, hi: int, used: set[int], leftovers: dict[int, str]
) -> tuple[str | None, int]:
    """A name at the end of a fragment line or of a recipient line just after the block."""
    for k in [*reversed(frag_lines), *range(last + 1, min(hi, last + 1 + _NAME_WINDOW))]:
        text = leftovers.get(k, lines[k].text if k not in frag_lines else "")
        found = _trailing_name(text) if text else None
        if found:
            used.add(k)
            leftovers[k] = found[1]
            return found[0], max(last, k)
    return None, last


def copy_block_start(lines: list[Line], lo: int) -> int | None:
    """Index of the first line of a copy block (`SAO Y`, `SAO LỤC`, `TRÍCH SAO`) after `lo`."""
    cue = re.compile(rf"^(?:{words_pattern(header_words()['copy_cues'])})\b")
    for ln in lines[lo:]:
        if cue.match(ln.text) and is_caps(ln.text):
            return ln.index
    return None
