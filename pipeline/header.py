"""Header metadata: type, number, symbol, issuer, place, date, title, signer, recipients.

The header is read from the printed lines before the body, whatever the layout:
two columns read as blocks (`header_left` / `header_right`), the same columns
interleaved line by line (PDF text layers), or one line per block (text). Each
field has its own recogniser; lines that belong to something else (the motto,
a receiving office's registry stamp, an e-signature stamp) are set aside first
so their numbers and dates never become the document's. Where the header has
no issuer, the issuer is taken from what the text itself says ("..., Ban Chỉ
đạo ... xây dựng kế hoạch ...") and marked inferred.

This module decides which lines are the header and puts the fields together;
single-line recognisers are in `header_lines`, the registry stamp in
`registry_stamp`, what the body states about itself in `stated`, the closing
block in `signature` and `recipients`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from models.record import Metadata, RegistryStamp
from pipeline.blocks import Doc
from pipeline.doclines import Line, doc_lines, fold, header_words, is_caps, words_pattern
from pipeline.header_lines import (
    NUMBER_RE,
    VV_RE,
    org_head_re,
    position_start,
    read_number,
    read_place_date,
    read_type_line,
    strip_motto,
)
from pipeline.ingest.esign import StampedHeader, complete_header
from pipeline.recipients import find_label, read_recipients
from pipeline.registry_stamp import stamp_lines
from pipeline.signature import SignatureBlock, copy_block_start, find_signature
from pipeline.stated import adoption_date, annex_issuer, annex_parent, effective_date, inferred_issuer
from pipeline.vocab import canonical_type, type_for_code

_MAX_HEADER_LINES = 40
_LONG_LINE = 260  # a line this long is body text, not header
_SEPARATOR = re.compile(r"^[-_=*.~…\s]{1,}$")
_SECTION_START = re.compile(
    r"^(?:(?:[IVXLC]+)\s*[.\-–]\s+\S|\d{1,2}\.\s+\S|(?:Điều|Chương|Phần|PHẦN|CHƯƠNG)\s+[\dIVXLC]+\b)"
)


@dataclass
class Header:
    """What the header lines say (`meta`: the metadata fields they give), with the index of the first
    body line."""

    meta: Metadata = field(default_factory=Metadata)
    party: bool = False
    body_line: int = 0
    stamp: RegistryStamp | None = None


@cache
def _esign_re() -> re.Pattern[str]:
    return re.compile(rf"^(?:{words_pattern(header_words()['esign_cues'])})", re.I)


def _group_issuer(parts: list[str]) -> tuple[str | None, str | None]:
    """(issuer, parent) from the header's organisation lines: a new body starts with an org head."""
    groups: list[list[str]] = []
    for p in parts:
        head = org_head_re().match(p)
        starts_new = bool(head) and bool(groups) and fold(" ".join(groups[-1])) not in _bare_heads()
        if not groups or starts_new:
            groups.append([p])
        else:
            groups[-1].append(p)
    if not groups:
        return None, None
    issuer = " ".join(groups[-1])
    parent = " ".join(groups[-2]) if len(groups) > 1 else None
    return issuer, parent


@cache
def _bare_heads() -> frozenset[str]:
    return frozenset(fold(h) for h in header_words()["org_heads"])


def _is_header_furniture(ln: Line) -> bool:
    """A motto, number or place-date line, or a line of the right header column."""
    text = ln.text
    return (
        ln.kind == "header_right"
        or strip_motto(text, [])[0] != text
        or read_number(text) is not None
        or read_place_date(text) is not None
    )


def _title_lines(lines: list[Line], start: int, first: str, hi: int) -> tuple[str, int]:
    """The trích yếu from `start` on (its first piece is `first`), and the index after it."""
    parts = [first] if first else []
    i = start
    caps_title = is_caps(first) if first else None
    while i < hi and len(" ".join(parts)) < 400:
        ln = lines[i]
        text = ln.text
        if _SEPARATOR.match(text) or text.strip() == "*":
            if parts:
                i += 1
                break
            i += 1
            continue
        if _SECTION_START.match(text) or _opener(text) and parts:
            break
        if not parts and _is_header_furniture(ln):
            i += 1  # the other header column, read after the type word
            continue
        if not parts:
            parts.append(text)
            caps_title = is_caps(text)
            i += 1
            continue
        same_block = ln.block == lines[i - 1].block
        if not same_block and lines[i - 1].kind in ("header_left", "header_right"):
            break  # a title in a header column ends with its column
        if strip_motto(text, [])[0] != text:
            break
        if not _continues_title(text, parts[-1], bool(caps_title), same_block):
            break
        parts.append(text)
        i += 1
    return " ".join(parts).strip(), i


_RUNON_TITLE = 200  # longer than any trích yếu of a directive: the first body sentence was read into it
_RUNON_REST = 120


def _cut_runon(title: str) -> str:
    """A title with the body's first sentence run into it ('... năm 2024 Năm 2024, tình hình ...') cut back.

    Cut only before a capitalised sentence opener followed by a long stretch of
    text, so that long normative titles ('... của Luật Đất đai, Luật Nhà ở ...') stay whole.
    """
    if len(title) <= _RUNON_TITLE:
        return title
    opener = re.compile(rf"(?<=[\wÀ-ỹ”\")])\s+(?:{words_pattern(header_words()['runon_openers'])})\s")
    for m in opener.finditer(title):
        if m.start() >= 20 and len(title) - m.end() >= _RUNON_REST:
            return title[: m.start()].strip()
    return title


def _continues_title(text: str, previous: str, caps_title: bool, same_block: bool) -> bool:
    """Whether a line carries on the title: a lower-case continuation, more capitals under a
    capitals title (not an authority line), or a wrapped line of the same paragraph."""
    if text[0].islower() or text[0] in "&(\"“'":
        return True
    if caps_title:
        return is_caps(text) and not (org_head_re().match(text) or position_start(text))
    return same_block and not is_caps(text) and not previous.endswith((".", ":", ";"))


@cache
def _opener_re() -> re.Pattern[str]:
    return re.compile(rf"^(?:{words_pattern(header_words()['body_openers'])})(?![\wÀ-ỹ])")


def _opener(text: str) -> bool:
    """A line that starts the body: 'Căn cứ ...', 'Kính gửi:', 'Thực hiện ...'."""
    return bool(_opener_re().match(text))


@dataclass
class _Scan:
    """What the header walk has seen so far."""

    org_parts: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    type_at: int | None = None
    title_from: tuple[int, str] | None = None
    subject_line: bool = False  # a 'V/v ...' line: a công văn's, unless the symbol names a type
    last_header: int = -1


def _pieces(ln: Line) -> list[str]:
    """A header line's texts: the cells of a header printed as a table row, else the line."""
    if ln.kind == "table" and " | " in ln.text:
        return [c.strip() for c in ln.text.split(" | ") if c.strip()]
    return [ln.text]


def _read_piece(h: Header, scan: _Scan, index: int, text: str) -> bool:
    """Take what one header line (or cell) says; True at the type line, where the header ends."""
    text, scan.pending, party = strip_motto(text, scan.pending)
    h.party = h.party or party
    if not text or text == "*":
        scan.last_header = index
        return False
    if scan.type_at is None:
        got_type = read_type_line(text)
        if got_type:
            scan.type_at = index
            h.meta.doc_type = got_type[0]
            scan.title_from = (index + 1, got_type[1])
            return True
    number = read_number(text) if h.meta.symbol is None else None
    if number:
        h.meta.number, h.meta.symbol, word = number
        if word and canonical_type(word):
            h.meta.doc_type = canonical_type(word)
        scan.last_header = index
        m = NUMBER_RE.search(text)
        before = text[: m.start()].strip() if m else ""
        if before and is_caps(before) and len(before) < 120 and h.meta.issued_date is None:
            scan.org_parts.append(before)  # 'ỦY BAN NHÂN DÂN TỈNH X Số: 12/KH-UBND' run together
        text = text[m.end() :].strip() if m else text
    pd = read_place_date(text) if h.meta.issued_date is None and h.meta.place is None else None
    if pd:
        h.meta.place, h.meta.issued_date = pd[0], pd[1] or None
        scan.last_header = index
        return False
    vv = VV_RE.match(text)
    if vv and h.meta.title is None:
        h.meta.title = text  # the trích yếu as printed, "V/v" included (it stands for "Về việc")
        scan.title_from = (index + 1, h.meta.title)
        scan.subject_line = True
        scan.last_header = index
        return False
    if not text or len(text) >= 120:
        return False
    title_case_org = bool(org_head_re().match(text)) and len(text) < 100 and not text.endswith((".", ":"))
    before_number = h.meta.symbol is None and h.meta.issued_date is None
    starts_body = bool(org_head_re().match(text)) or bool(scan.org_parts)  # an issuer starts with an org word
    if starts_body and (
        (is_caps(text) or title_case_org) and before_number or is_caps(text) and h.meta.title is None
    ):
        scan.org_parts.append(text)  # after the number too: an issuer column read line by line
        scan.last_header = index
    return False


def _late_number_and_date(h: Header, text: str) -> None:
    if h.meta.symbol is None and (number := read_number(text)):
        h.meta.number, h.meta.symbol, _ = number
    if h.meta.issued_date is None and h.meta.place is None and (pd := read_place_date(text)):
        h.meta.place, h.meta.issued_date = pd[0], pd[1] or None


def read_header(lines: list[Line]) -> Header:
    """The header fields from the lines before the body."""
    h = Header()
    hi = min(len(lines), _MAX_HEADER_LINES)
    for ln in lines[:hi]:
        if _SECTION_START.match(ln.text) or len(ln.text) > _LONG_LINE and ln.index > 0:
            hi = ln.index
            break
    stamped, h.stamp = stamp_lines(lines, hi)
    scan = _Scan()
    for ln in lines[:hi]:
        if ln.index in stamped or _esign_re().match(ln.text) or _SEPARATOR.match(ln.text):
            continue
        if any(_read_piece(h, scan, ln.index, piece) for piece in _pieces(ln)):
            break
    for ln in lines[:hi]:
        # a header column read after the type word (readers may put the type word in the left column)
        if ln.kind in ("header_left", "header_right") and ln.index > (scan.type_at or hi):
            _late_number_and_date(h, strip_motto(ln.text, [])[0])
    org_parts, type_at, title_from, last_header = (
        scan.org_parts,
        scan.type_at,
        scan.title_from,
        scan.last_header,
    )
    h.meta.issuer, h.meta.parent_issuer = _group_issuer(org_parts)
    if h.meta.doc_type and "liên tịch" in h.meta.doc_type and org_parts:
        h.meta.issuer, h.meta.parent_issuer = " - ".join(org_parts), None  # a joint text: every body issues it
    if title_from is not None and (type_at is not None or h.meta.title):
        title, end = _title_lines(lines, title_from[0], title_from[1], min(len(lines), title_from[0] + 12))
        h.meta.title = _cut_runon(title.lstrip(".,;:-–— ")) or None  # OCR may read a mark before it
        h.body_line = end
    else:
        h.body_line = last_header + 1
    if h.meta.doc_type is None and h.meta.symbol:
        h.meta.doc_type = _type_from_symbol(h.meta.symbol, h.party)
    if h.meta.doc_type is None and scan.subject_line:
        h.meta.doc_type = "Công văn"
    return h


def _type_from_symbol(symbol: str, party: bool) -> str | None:
    """The type a symbol's code stands for; a symbol without a type code is a công văn's."""
    s = symbol.lstrip("0123456789")
    party = party or bool(re.match(r"^-", s))
    pattern = r"^-([A-Za-zĐđ]+)/" if party else r"^/(?:\d{4}/)?([A-Za-zĐđ]+)(?:[-/]|$)"
    m = re.match(pattern, s)
    if not m:
        return None
    return type_for_code(m.group(1), party=party) or (None if party else "Công văn")


# ---------------------------------------------------------------- from the body


# ---------------------------------------------------------------- the stage


def body_bounds(doc: Doc) -> tuple[int, int]:
    """Offsets where the body starts (after the header) and ends (at the Nơi nhận or signature)."""
    lines = doc_lines(doc)
    if not lines:
        return 0, len(doc.text)
    header, (_, _, end_line) = _header_and_closing(doc, lines)
    start = lines[header.body_line].start if header.body_line < len(lines) else len(doc.text)
    end = lines[end_line].start if end_line < len(lines) else len(doc.text)
    return start, max(start, end)


def _header_and_closing(
    doc: Doc, lines: list[Line]
) -> tuple[Header, tuple[SignatureBlock | None, int | None, int]]:
    """The header and closing of `doc`, read once: the metadata and the section readers both need them."""
    cached = doc.derived.get("header_and_closing")
    if cached is None:
        header = read_header(lines)
        cached = doc.derived["header_and_closing"] = (header, _closing(lines, header))
    return cached


def _closing(lines: list[Line], header: Header) -> tuple[SignatureBlock | None, int | None, int]:
    """The signature block, the Nơi nhận label line and the first closing line's index."""
    hi = copy_block_start(lines, header.body_line) or len(lines)
    sig = find_signature(lines, header.body_line, hi, header.meta.issuer)
    label = find_label(lines, header.body_line, hi, sig.first_line if sig else None)
    starts = [x for x in (label, sig.first_line if sig else None) if x is not None]
    return sig, label, (min(starts) if starts else hi)


def _fill_stamped(meta: Metadata, stamped: StampedHeader, warnings: list[str]) -> None:
    """Blanks of an e-signed header (`Số:    /KH-UBND`, `ngày   tháng 4`) filled from the signing stamp."""
    done = complete_header(meta.number, meta.symbol, meta.issued_date, stamped)
    meta.number, meta.symbol, meta.issued_date = done.number, done.symbol, done.issued_date
    meta.number_stamped, meta.date_stamped, meta.signed_at = (
        done.number_stamped,
        done.date_stamped,
        done.signed_at,
    )
    warnings.extend(w[0].upper() + w[1:] + "." for w in done.warnings if w)


def extract_metadata(doc: Doc) -> tuple[Metadata, list[str]]:
    """The document's metadata and warnings about what could not be read."""
    lines = doc_lines(doc)
    if not lines:
        return Metadata(), ["The document has no text: no header could be read."]
    h, (sig, label, end_line) = _header_and_closing(doc, lines)
    warnings: list[str] = []
    hi = copy_block_start(lines, h.body_line) or len(lines)
    recipients: list[str] = []
    if label is not None:
        recipients, _ = read_recipients(
            lines, label, hi, sig.used if sig else set(), sig.leftovers if sig else {}
        )
    body_start = lines[h.body_line].start if h.body_line < len(lines) else len(doc.text)
    body_end = lines[end_line].start if end_line < len(lines) else len(doc.text)
    body = doc.text[body_start:body_end]
    meta = h.meta.model_copy(
        update={"signer": sig.signer if sig else None, "recipients": recipients, "registry_stamp": h.stamp}
    )
    if doc.stamped is not None:
        _fill_stamped(meta, doc.stamped, warnings)
    if meta.issued_date is None:
        adopted = adoption_date(doc.text[body_start:])
        if adopted:
            meta.issued_date = adopted
            warnings.append(
                "The header has no date; the issue date is the adoption date the text states (thông qua ngày ...)."
            )
    if meta.issuer is None:
        first_lines = doc.text[: lines[min(len(lines), 6) - 1].end]
        named = annex_issuer(first_lines) or inferred_issuer(body[:4000])
        if named:
            meta.issuer = named
            meta.issuer_inferred = True
            warnings.append(f"The header names no issuer; the issuer was taken from the text: {named}.")
        else:
            warnings.append("No issuer could be read from the header or the text.")
    if meta.doc_type is None and (parent := annex_parent(doc.text[: lines[min(len(lines), 6) - 1].end])):
        meta.doc_type, meta.appendix_of = parent
        warnings.append(f"The file holds an appendix only; its type is that of the text it belongs to: {parent[1]}.")
    if meta.doc_type is None:
        warnings.append("The document type could not be read (no type line, no symbol with a type code).")
    if meta.symbol is None:
        warnings.append("No number/symbol line (Số: ...) was found in the header.")
    if meta.issued_date is None and meta.place is not None:
        warnings.append("The issue date is left blank in the place-and-date line.")
    elif meta.issued_date is None:
        warnings.append("No place-and-date line (..., ngày ... tháng ... năm ...) was found in the header.")
    if meta.title is None:
        warnings.append("No title (trích yếu) was found under the type line.")
    if meta.signer is None:
        warnings.append("No signature block (capacity, position, name) was found at the end.")
    meta.effective_date = effective_date(body, meta.issued_date)
    return meta, warnings
