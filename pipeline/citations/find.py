"""Find candidate mentions: one regex pass for typed mentions (`Quyết định số 623/QĐ-TTg`,
`Kế hoạch số 34, 36, 37/KH-BCĐ`, `Đề án số 201`), one for bare symbols, one for documents
cited by name (`Luật Phòng, chống ma túy`, `Chiến lược quốc gia ...`).

Every pattern is bounded (no nested unbounded repeats) and named mentions are read in a
fixed window after their type word, so the pass stays linear in the text length.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cache

from pipeline import vocab
from pipeline.citations.symbols import END, NUMBER, SYMBOL_RE, SYMBOL_TAIL, Symbol, parse_symbol
from pipeline.dates import DIGIT_MARGIN, digit_starts, digit_windows
from pipeline.scan import finditer_from, finditer_words

# A type word may follow a digit (`1Kết luận`: a footnote mark glued in PDF text), not a letter.
WORD_START = r"(?<![^\W\d_])"
# Words that end a name read after a type word (`Luật Phòng, chống ma túy quy định ...`).
STOP_WORDS = frozenset(
    ["ngày", "của", "về", "đã", "được", "có", "theo", "tại", "trong", "để", "nhằm", "do", "là", "này", "đó", "thì", "cho", "gắn", "giữa", "ký", "ban", "kèm", "như", "nêu", "một", "trên", "dưới", "tới", "các", "những", "mỗi", "từng", "gửi", "trình", "sẽ", "đang", "gồm"]  # noqa: SIM905 - a word list reads better
)
STOP_PAIRS = ("quy định", "hướng dẫn", "hiện hành", "ban hành", "đảm bảo", "bảo đảm", "tổ chức", "triển khai",
              "thực hiện", "sửa đổi", "có hiệu")
# Law names may hold `tổ chức`, `thực hiện` (`Luật Các tổ chức tín dụng`, `Luật Thực hiện dân chủ ở cơ sở`).
LAW_STOP_PAIRS = tuple(p for p in STOP_PAIRS if p not in ("tổ chức", "thực hiện", "triển khai", "bảo đảm", "đảm bảo"))
# Words of a pinpoint (`Điều 4`, `khoản 1`, `điểm a`): they end a name read after a type word.
PINPOINTS = frozenset(["điều", "khoản", "điểm", "chương", "mục", "phần"])
NOT_LAW = frozenset(["sư", "pháp", "gia", "học", "định"])  # Luật sư, luật pháp, luật gia ...
# Units after a bare number that make `Kế hoạch 6 tháng` a period, not a short citation.
UNITS = re.compile(r"[ \t]*(?:năm|tháng|ngày|tuần|quý|lần|giai|đợt|%|người|nội|nhiệm|điểm|chỉ|mục|bước)\b", re.I)


@dataclass
class Found:
    """A candidate mention before its attributes are read: `start`/`end` cover the core."""

    start: int
    end: int
    kind: str  # symbol, number, name
    type_word: str | None
    numbers: list[tuple[str, int, int]] = field(default_factory=list)
    symbols: list[Symbol] = field(default_factory=list)
    name: str | None = None
    issuer: str | None = None
    alias: str | None = None
    nested_in: int | None = None  # index of an enclosing named mention (`Luật sửa đổi ... của Luật X`)


_BREAK = r"[ \t]{0,3}(?:\n[ \t]{0,3})?"  # spaces, or a line break of the layout


@cache
def typed_re() -> re.Pattern[str]:
    types = vocab.by_first_letter(vocab.doc_type_pattern_cased())
    nums = rf"{NUMBER}(?:[ \t]*,[ \t]*{NUMBER}){{0,30}}(?:[ \t]+và[ \t]+{NUMBER})?"
    return re.compile(
        rf"(?={vocab.doc_type_initials()}){WORD_START}(?P<type>{types})(?P<qual>[ \t]+(?:phối[ \t]+hợp|liên[ \t]+ngành|liên[ \t]+tịch|PHỐI[ \t]+HỢP))?"
        rf"{_BREAK}(?:(?P<so>[sS][ốỐ]){_BREAK}:?{_BREAK})?(?P<nums>{nums})(?:{SYMBOL_TAIL})?{END}"
    )


_NUM_RE = re.compile(NUMBER)
# How far before the digits of its number a typed mention can start: the longest type name with
# its qualifier, `số` and the gaps between them (normalized text folds runs of spaces), with room.
_TYPED_REACH = 100
# How far past a match's end the pattern may read while trying longer forms (more numbers, a
# symbol's codes): a match ending closer than this to its window's end is read again in the whole text.
_TYPED_LOOKAHEAD = 60


def _typed_windows(text: str) -> list[tuple[int, int]]:
    """Where typed mentions can start: from `_TYPED_REACH` characters before each digit window."""
    out: list[tuple[int, int]] = []
    for a, b in digit_windows(text):
        a = max(0, a - (_TYPED_REACH - DIGIT_MARGIN))
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def _typed_matches(text: str) -> list[re.Match[str]]:
    """What `typed_re().finditer(text)` yields. Every typed mention holds a number, so the pattern
    (tried at each letter that may open a type name: slow) runs only in `_typed_windows`."""
    pattern = typed_re()
    out: list[re.Match[str]] = []
    pos = 0
    for a, b in _typed_windows(text):
        pos = max(a, pos)
        while (m := pattern.search(text, pos, b)) is not None:
            if m.end() + _TYPED_LOOKAHEAD > b:  # the window's end may have cut it short
                full = pattern.match(text, m.start())
                if full is None:
                    pos = m.start() + 1
                    continue
                m = full
            out.append(m)
            pos = m.end()
    return out


def find_typed(text: str) -> list[Found]:
    """`TYPE [số] N[, N ...][/SYMBOL]`: numbered mentions with or without a symbol."""
    out = []
    for m in _typed_matches(text):
        nums = [(n.group(), m.start("nums") + n.start(), m.start("nums") + n.end()) for n in _NUM_RE.finditer(m["nums"])]
        type_word = m["type"]
        if type_word.isupper() and "\n" in text[m.end("type") : m.start("nums")]:
            continue  # a title line (`KẾ HOẠCH` / `Số: 162/KH-BCĐ`): the document's own header
        if m["codes"]:
            # the tail belongs to the last number; earlier numbers of a list share it
            syms = [parse_symbol(n, m["sep"], m["year"], m["codes"]) for n, _, _ in nums]
            out.append(Found(m.start(), m.end(), "symbol", type_word, nums, syms))
            continue
        if not _number_only_ok(text, m, nums):
            continue
        out.append(Found(m.start(), m.end("nums"), "number", type_word, nums))
    return out


def _number_only_ok(text: str, m: re.Match[str], nums: list[tuple[str, int, int]]) -> bool:
    """A number without symbol is a citation with `số`, or as a capitalised short form
    (`Đề án 06`, `Chỉ thị 48`) that is not a year or a quantity (`Kế hoạch 6 tháng`)."""
    end = m.end("nums")
    if end < len(text) and text[end] in "/-‐–":
        return False  # the rest of a symbol that could not be read (`102-` at a page break)
    if end < len(text) and text[end] in ".," and end + 1 < len(text) and text[end + 1].isdigit():
        return False  # 19.2, 1,5: not a document number
    if m["so"]:
        return True
    first = nums[0][0]
    if len(nums) > 1 or not m["type"][0].isupper():
        return False
    return not (re.fullmatch(r"(?:19|20)\d\d", first) or UNITS.match(text, end))


_FORM_BEFORE = re.compile(r"(?:[Mm]ẫu|[Bb]iểu|[Pp]hụ[ \t]+lục)(?:[ \t]+số)?[ \t]*[:“\"]?[ \t]*$")
# `Số: 162/KH-BCĐ` in a header (capital `Số`, after a line start, a rule or a cell border)
_OWN_NUMBER = re.compile(r"(?:^|(?<=[\n_|#*>\t-])|(?<=[\n_|#*>-][ \t]))[ \t]*S[ốỐ][ \t]*:?[ \t]*$")


class Covered:
    """Whether an offset falls inside any of some (possibly nested) spans, by bisection."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        spans = sorted(spans)
        self.starts = [s for s, _ in spans]
        self.reach: list[int] = []  # the furthest end among spans starting at or before each start
        for _, end in spans:
            self.reach.append(max(end, self.reach[-1]) if self.reach else end)

    def __contains__(self, pos: int) -> bool:
        i = bisect.bisect_right(self.starts, pos) - 1
        return i >= 0 and pos < self.reach[i]


def find_bare(text: str, taken: list[tuple[int, int]]) -> list[Found]:
    """Symbols printed without a type word (`theo 623/QĐ-TTg`): kept only when the symbol
    names a type code and an issuer, so body names like `Ban Chỉ đạo 138/CP` stay out.
    A `Số: ...` line is the document's own number, not a citation."""
    out = []
    covered = Covered(taken)
    for m in finditer_from(SYMBOL_RE, text, digit_starts(text)):  # a symbol opens with its number
        if m.start() in covered:
            continue
        sym = parse_symbol(m["num"], m["sep"], m["year"], m["codes"])
        normative_law = sym.year is not None and any(re.fullmatch(r"(?:UBTV)?QH\d{1,2}", c) for c in sym.codes)
        if not ((sym.type_code and sym.issuer_codes) or normative_law):
            continue
        if _OWN_NUMBER.search(text, max(0, m.start() - 12), m.start()):
            continue
        if _FORM_BEFORE.search(text, max(0, m.start() - 20), m.start()):
            continue  # `Mẫu số 01/QĐ-QLDA`: a form's code, not a document
        out.append(Found(m.start(), m.end(), "symbol", None, [(sym.number, m.start(), m.start() + len(m["num"]))], [sym]))
    return out


# --- documents cited by name -------------------------------------------------------------

_NAMED_START = re.compile(
    r"(?=[BLlPHNnCcĐđDdQ])" + WORD_START + r"(?P<type>Bộ luật|Luật|luật(?=[ \t]+sửa[ \t]+đổi)|Pháp lệnh|Hiến pháp|"
    r"[Nn]ghị quyết(?=[ \t]+(?:Đại hội|Hội nghị|Trung ương[ \t]+\d))|[Cc]hiến lược(?=[ \t]+[Qq]uốc[ \t]+gia)|"
    r"[Đđ]ề án|[Dd]ự án|Chương trình phối hợp|Quy chế phối hợp|Chương trình công tác)(?![\wÀ-ỹ])"
)
# The words a `_NAMED_START` match opens with (lowercase), for `scan.finditer_words`.
_NAMED_WORDS = ("bộ luật", "luật", "pháp lệnh", "hiến pháp", "nghị quyết", "chiến lược", "đề án", "dự án",
                "chương trình phối hợp", "quy chế phối hợp", "chương trình công tác")
_TOKEN = re.compile(r"[^\s,;.:()“”\"|\[\]]+|[,;.:()“”\"|\[\]]|\n")
_AMEND_HEAD = re.compile(r"[ \t]*sửa[ \t]+đổi,?[ \t]+bổ[ \t]+sung(?:[ \t]+một[ \t]+số[ \t]+điều)?(?:[ \t]+của)?", re.I)
_QUOTED = re.compile(r"[ \t]*[“\"][ \t]*([^“”\"\n]{3,300}?)[ \t]*[”\"]")
_ALIAS = re.compile(r"[ \t]*\([ \t]*(?P<alias>(?P<type>[^()\d\n]{2,20}?)[ \t]+(?:số[ \t]+)?(?P<num>\d{1,5}))[ \t]*\)")
_JOINT_TYPES = ("Chương trình phối hợp", "Quy chế phối hợp")  # named by their parties: `giữa A và B`
_LAW_TYPES = (*vocab.name_cited_types(), "luật")
_GENERIC_BEFORE = re.compile(r"(?i)(?:các|những|mỗi|từng|xây dựng|chủ nhiệm|phê duyệt|về|về việc)[ \t]*$")
WINDOW = 260
_NAME_CLOSE = re.compile(r"[ \t]*(?:số\b|ngày\b|năm\b|[;.\n]|$)")
_TYPE_WORD = re.compile(r"(?:Luật|Bộ|Nghị|Quyết|Chỉ|Thông|Pháp|Hiến|Kế|Chương|Đề|Dự|Công)$", re.I)


def _read_name(text: str, pos: int, law: bool) -> int:
    """End offset of a name that starts at `pos`: words up to a stop word or punctuation.

    Law names take a comma only in `phòng, chống` style pairs; other names take commas
    between lowercase words (`phòng chống tội phạm, mua bán người`)."""
    window = text[pos : pos + WINDOW]
    end = pos
    words = 0
    toks = list(_TOKEN.finditer(window))
    # law names: `Thể dục, thể thao`, `Khoa học, công nghệ và đổi mới sáng tạo` yes; `ma túy, sử lý vi phạm hành chính` no
    comma_end, after_comma, longest, comma_and = -1, 0, 0, False
    i = 0
    while i < len(toks):
        tok = toks[i].group()
        low = tok.lower()
        nxt = toks[i + 1].group() if i + 1 < len(toks) else ""
        if tok == ",":
            if not (nxt[:1].islower() and nxt.lower() not in STOP_WORDS):
                break
            if law and nxt.lower() not in ("chống", "chữa"):
                comma_end = end if comma_end < 0 else comma_end
                after_comma = 0
            i += 1
            continue
        if tok == "(" and i + 2 < len(toks) and toks[i + 2].group() == ")" and toks[i + 1].group().isupper():
            end = pos + toks[i + 2].end()  # (HIV/AIDS)
            i += 3
            continue
        if tok in ("-", "–") and nxt[:1].isdigit():
            i += 1  # `giai đoạn 2016 - 2025`
            continue
        if not re.match(r"[\wÀ-ỹ]", tok) or SYMBOL_RE.match(tok):
            break  # punctuation, or the symbol printed after the name
        if low == "các" and nxt.lower() == "cấp":
            end = pos + toks[i + 1].end()  # `Đảng bộ các cấp`
            words += 2
            i += 2
            continue
        proper_start = law and words == 0 and tok[:1].isupper()  # `Luật Các tổ chức tín dụng`
        if (low in STOP_WORDS and not proper_start) or (
            words and f"{low} {nxt.lower()}" in (LAW_STOP_PAIRS if law else STOP_PAIRS)
        ):
            break
        if low == "số" and (not nxt or nxt[:1].isdigit() or nxt == ":"):
            break  # `... số 73/2021/QH14`; but `Luật Tần số vô tuyến điện`
        if low in PINPOINTS and nxt[:1].isdigit():
            break  # `Luật X Điều 5`, `và khoản 1 Điều 3 Nghị định ...`: a pinpoint, not the name
        if low == "và" and nxt.lower() in PINPOINTS:
            break
        if low == "và" and not (
            nxt.lower() in ("định", "phòng", "chống", "kiểm")
            or (law and re.match(r"[\wÀ-ỹ]", nxt) and nxt.lower() not in STOP_WORDS and not _TYPE_WORD.match(nxt)
                and not nxt[:1].isdigit())
        ):
            break
        if low == "năm" and re.fullmatch(r"(?:19|20)\d\d", nxt):
            end = pos + toks[i + 1].end()  # `Luật ... năm 2013`: the year closes the name
            words += 2
            break
        if not law and low in ("tỉnh", "huyện") and words >= 2:
            break
        end = pos + toks[i].end()
        words += 1
        after_comma += 1
        longest = max(longest, after_comma) if comma_end >= 0 else longest
        comma_and = comma_and or (comma_end >= 0 and low == "và")
        if words >= 24:
            break
        i += 1
    if comma_end >= 0 and longest > 5 and not comma_and and not _NAME_CLOSE.match(text, end):
        return comma_end  # a long clause after a comma, not closed by a number or date: not the name
    return end


def find_named(text: str) -> list[Found]:
    """Documents cited by name, without a number: laws, strategies, projects, programmes,
    congress resolutions. A quoted title (`Đề án “...”`) is the name; a following alias
    `(Đề án số 201)` is recorded so later short mentions resolve to it."""
    out: list[Found] = []
    for m in finditer_words(_NAMED_START, text, _NAMED_WORDS):
        type_word = m["type"]
        start, pos = m.start(), m.end()
        canon = vocab.canonical_type(type_word) or type_word.capitalize()
        if _GENERIC_BEFORE.search(text[max(0, start - 14) : start]) and canon not in ("Chiến lược",):
            continue
        if canon == "Chiến lược" and re.search(r"(?i)(?:phê duyệt|về)[ \t]*$", text[max(0, start - 14) : start]):
            continue
        law = type_word in _LAW_TYPES
        if type_word in ("đề án", "dự án") and not _QUOTED.match(text, pos):
            continue  # lowercase and unquoted: a generic proposal, not a named project
        first = re.match(r"[ \t]*([\wÀ-ỹ]+)", text[pos : pos + 20])
        if law and first and first.group(1).lower() in NOT_LAW:
            continue
        issuer = None
        name_end: int | None = None  # where the name ends when the mention runs on (an alias)
        found = Found(start, pos, "name", canon)
        if law and (head := _AMEND_HEAD.match(text, pos)):
            inner = re.match(r"[ \t]*(?:Luật|Bộ luật|Pháp lệnh)[ \t]+", text[head.end() :])
            if inner:
                found.end = _read_name(text, head.end() + inner.end(), law=True)
        elif q := _QUOTED.match(text, pos):
            found.end = name_end = q.end()
            if a := _ALIAS.match(text, q.end()):
                found.alias = re.sub(r"\s+", " ", a["alias"])
                found.numbers = [(a["num"], a.start("num"), a.end("num"))]
                found.end = a.end()
        elif canon in _JOINT_TYPES and (g := re.match(r"[ \t]+giữa[ \t]+", text[pos:])):
            issuer_start = pos + g.end()
            stop = re.compile(r"[ \t]+(?:về|ký[ \t]+ngày|ngày|năm|nhằm|để)[ \t]+|[;.:\n]")
            s = stop.search(text, issuer_start, issuer_start + WINDOW)
            issuer_end = s.start() if s else issuer_start
            issuer = text[issuer_start:issuer_end].strip() or None
            found.end = issuer_end
            if s and s.group().strip() == "về" and (q := _QUOTED.match(text, s.end() - 1)):
                found.end = q.end()
        elif canon == "Chương trình công tác":
            found.end = pos
            own = re.match(r"[ \t]+của[ \t]+([^;.:\n]{3,120}?)(?=[ \t]+năm[ \t]+\d{4}|[;.:\n]|$)", text[found.end :])
            if own:
                issuer = own.group(1).strip()
                found.end += own.end()
                if y := re.match(r"[ \t]+năm[ \t]+(?:19|20)\d\d", text[found.end :]):
                    found.end += y.end()
        elif canon == "Quy chế phối hợp":
            continue  # without its parties or a number: the coordination work, not a document
        else:
            found.end = _read_name(text, pos + 1, law=law) if text[pos : pos + 1] in " \t" else pos
            if canon == "Nghị quyết":
                issuer = text[pos:found.end].strip() or None
        name_end = name_end or found.end
        name_words = text[pos:name_end].split()
        if not name_words and type_word != "Hiến pháp":
            continue
        if not law and canon not in _JOINT_TYPES and len(name_words) < 2:
            continue
        found.name = re.sub(r"\s+", " ", canon + text[pos:name_end]).strip()
        found.issuer = issuer
        out.append(found)
    return out
