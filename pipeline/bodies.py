"""Body names: where a responsible body's name starts and ends, how a list of them splits, its canonical form.

Vietnamese body names are open-ended ("Ban Chỉ đạo phòng, chống tội phạm ... các huyện,
thành phố"), mix capitalised words, abbreviations and lowercase words, and are listed
with commas and "và" that also occur inside names ("Sở Văn hóa, Thể thao và Du lịch").
A name is therefore read from a known head word ("Sở", "Công an", "Ban Chỉ đạo" ...)
forward while the words can belong to a name, and a list is split only where the next
piece starts with a head. The vocabulary is in `data/bodies.json`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.vocab import by_first_letter

_DATA = Path(__file__).parent / "data"
_WORD = r"[^\W\d_][\w&]*"
# Words after which a name cannot continue: a verb or a preposition starting the predicate.
STOP_WORDS = (
    "căn cứ",
    "theo",
    "chủ trì",
    "phối hợp",
    "tham mưu",
    "xây dựng kế hoạch",
    "tổ chức",
    "thực hiện",
    "có trách nhiệm",
    "chỉ đạo",
    "triển khai",
    "hướng dẫn",
    "tăng cường",
    "chủ động",
    "tiếp tục",
    "đẩy mạnh",
    "nâng cao",
    "làm",
    "rà soát",
    "kiểm tra",
    "theo dõi",
    "nghiên cứu",
    "đề xuất",
    "phát huy",
    "quán triệt",
    "gửi",
    "báo cáo",
    "lựa chọn",
    "sẽ",
    "dự kiến",
    "cần",
    "phải",
    "là cơ quan",
    "được",
    "thường xuyên",
    "tích cực",
    "viết",
    "lồng ghép",
    "cùng",
    "với",
    "trong",
    "tại",
    "về",
    "để",
    "nhằm",
    "đã",
    "biên tập",
    "quản lý",
    "xây dựng",
    "đề nghị",
    "yêu cầu",
    "giao",
    "bảo đảm",
    "đảm bảo",
    "chịu trách nhiệm",
    "phụ trách",
    "có",
)


@dataclass(frozen=True)
class Vocab:
    heads: tuple[str, ...]
    heads_lower: tuple[str, ...]
    needs_qualifier: frozenset[str]
    name_words: tuple[str, ...]
    levels: tuple[str, ...]
    generic: tuple[re.Pattern[str], ...]
    generic_in_heading: tuple[re.Pattern[str], ...]
    not_split: tuple[re.Pattern[str], ...]
    role_phrases: tuple[re.Pattern[str], ...]
    abbreviations: tuple[tuple[re.Pattern[str], str], ...]
    collective: re.Pattern[str]


@lru_cache(maxsize=1)
def vocab() -> Vocab:
    raw = json.loads((_DATA / "bodies.json").read_text(encoding="utf-8"))
    abbr = json.loads((_DATA / "abbreviations.json").read_text(encoding="utf-8"))
    pairs = sorted(((k, v) for k, v in abbr.items() if not k.startswith("_")), key=lambda kv: -len(kv[0]))
    return Vocab(
        heads=tuple(sorted(raw["heads"], key=len, reverse=True)),
        heads_lower=tuple(sorted(raw["heads_lower"], key=len, reverse=True)),
        needs_qualifier=frozenset(raw["needs_qualifier"]),
        name_words=tuple(sorted(raw["name_words"], key=len, reverse=True)),
        levels=tuple(sorted(raw["levels"], key=len, reverse=True)),
        generic=tuple(re.compile(p, re.I) for p in raw["generic"]),
        generic_in_heading=tuple(re.compile(p, re.I) for p in raw["generic_in_heading"]),
        not_split=tuple(re.compile(p) for p in raw["not_split"]),
        role_phrases=tuple(re.compile(p) for p in raw["role_phrases"]),
        abbreviations=tuple((re.compile(rf"(?<![\w&]){re.escape(k)}(?![\w&])"), v) for k, v in pairs),
        collective=re.compile(r"[Cc]ác\s+(?:" + "|".join(map(re.escape, raw["collective_nouns"])) + r")\b"),
    )


def _starts_with_word(text: str, pos: int, word: str, *, fold: bool = False) -> bool:
    piece = text[pos : pos + len(word)]
    if (piece.lower() if fold else piece) != (word.lower() if fold else word):
        return False
    after = pos + len(word)
    return after >= len(text) or not (text[after].isalnum() or text[after] == "&")


@lru_cache(maxsize=1)
def _head_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    v = vocab()
    end = r"(?![\w&])"
    exact = re.compile("(?:" + by_first_letter("|".join(map(re.escape, v.heads))) + ")" + end)
    folded = re.compile("(?:" + "|".join(map(re.escape, v.heads_lower)) + ")" + end, re.I)
    return exact, folded


@lru_cache(maxsize=1)
def head_pattern() -> str:
    """A regex matching where `head_at` finds a head word: a scan for body names can test it in
    the regex engine instead of calling `head_at` at every candidate."""
    exact, folded = _head_patterns()
    return f"(?:{exact.pattern}|(?i:{folded.pattern}))"


def head_at(text: str, pos: int) -> str | None:
    """The head word a body name starts with at `pos`, or None (longest head first)."""
    exact, folded = _head_patterns()
    m = exact.match(text, pos)
    if m:
        return m.group()
    m = folded.match(text, pos)
    return m.group().lower() if m else None


_LEVEL_RUN = re.compile(
    r"(?:các\s+)?(?:tỉnh|huyện|thành phố|thị xã|quận|phường|thị trấn|xã(?!\s+hội))"
    r"(?:\s*,\s*(?:thành phố|thị xã|thị trấn|phường|xã(?!\s+hội)|quận|huyện|thành))*(?:\s+[A-ZĐ][\w]*)*"
)
_LONG_NAME_END = re.compile(r"[^;.:\n()]{0,220}?\b" + _LEVEL_RUN.pattern)
_DASH = re.compile(r"\s*[-–]\s*(?=[A-ZĐ])")
_COMMA = re.compile(r",\s*")
_SPACES = re.compile(r" +")
_NAME_WORD = re.compile(r"(?:\d+|[^\W\d_][\w&]*(?:/[\w&]+)?)")
_LOWER_SYLLABLE = re.compile(r" ([a-zà-ỹđ]+)(?![\w&])")
_LONG_NAME_HEADS = {"Ban Chỉ đạo", "Ban chỉ đạo", "ban chỉ đạo", "Hội đồng", "Ủy ban", "Uỷ ban", "Ban"}


def scan_body(text: str, pos: int, limit: int | None = None) -> tuple[int, int] | None:
    """The span of the body name starting at `pos` (after spaces), or None when no head starts there."""
    limit = len(text) if limit is None else min(limit, len(text))
    while pos < limit and text[pos] == " ":
        pos += 1
    head = head_at(text, pos)
    if head is None:
        return None
    end = pos + len(head)
    v = vocab()
    for p in v.not_split:
        joined = p.match(text, pos, limit)
        if joined:
            end = max(end, joined.end())
    if head in _LONG_NAME_HEADS and re.match(r" [a-zđ]", text[end : end + 2]):
        m = _LONG_NAME_END.match(text, end, limit)
        if m:
            return pos, m.end()
    collective = head.startswith("các")
    while end < limit:
        nxt = _continuation(text, end, limit, v)
        if nxt is None or (collective and text[end:nxt].strip()[:1].isupper()):
            break
        end = nxt
    # a name does not end on a connector
    tail = re.search(r"(?:\s+(?:và|các|của|là|với|thành viên))+$", text[pos:end])
    if tail:
        end = pos + tail.start()
    return pos, end


def _words_at(words: list[str]) -> re.Pattern[str]:
    """`_starts_with_word` for a list of words in one regex: `.match(text, pos)` gives the first
    of `words` (in list order) printed at `pos` as a whole word, as a loop over them would."""
    if not words:
        return re.compile(r"(?!)")
    return re.compile("(?:" + "|".join(re.escape(w) + r"(?![^\W_]|&)" for w in words) + ")")


@dataclass(frozen=True)
class _ContinuingWords:
    lower_name_words: re.Pattern[str]  # lowercase name words and levels that go on a name ('và' aside)
    stop: re.Pattern[str]  # STOP_WORDS
    not_a_syllable: re.Pattern[str]  # STOP_WORDS, levels, name words


_CONTINUING: dict[int, tuple[Vocab, _ContinuingWords]] = {}


def _continuing_words(v: Vocab) -> _ContinuingWords:
    got = _CONTINUING.get(id(v))
    if got is None or got[0] is not v:
        words = _ContinuingWords(
            _words_at([p for p in (*v.name_words, *v.levels) if p[0].islower() and p != "và"]),
            _words_at(list(STOP_WORDS)),
            _words_at([*STOP_WORDS, *v.levels, *v.name_words]),
        )
        got = _CONTINUING[id(v)] = (v, words)
    return got[1]


def _continuation(text: str, end: int, limit: int, v: Vocab) -> int | None:
    """End of the name if the next word continues it, else None."""
    m = _DASH.match(text, end, limit)
    if m and text[end] in " -–":
        return _word_end(text, m.end(), limit, v)
    m = _COMMA.match(text, end, limit)
    if m:
        for lv in v.levels:
            if _starts_with_word(text, m.end(), lv) and lv[0].islower():
                after = m.end() + len(lv)
                if after >= limit or text[after] in " ,;.:)\n":
                    return after
        return None
    m = _SPACES.match(text, end, limit)
    if not m:
        return None
    start = m.end()
    if start >= limit:
        return None
    words = _continuing_words(v)
    if named := words.lower_name_words.match(text, start):
        return named.end()
    if words.stop.match(text, start):
        return None
    if _starts_with_word(text, start, "và"):
        after = start + 3
        while after < limit and text[after] == " ":
            after += 1
        if head_at(text, after) or not text[after : after + 1].isupper():
            return None
        return start + 2
    return _word_end(text, start, limit, v)


def _word_end(text: str, start: int, limit: int, v: Vocab) -> int | None:
    """End of a capitalised word (or number) at `start` that continues a name, else None."""
    w = _NAME_WORD.match(text, start, limit)
    if not w:
        return None
    word = w.group()
    if not (word[0].isupper() or word[0].isdigit()):
        return None
    # a capitalised word may carry one lowercase syllable ('Giáo dục', 'Tư pháp', 'Công an', 'Y tế')
    tail = _LOWER_SYLLABLE.match(text, w.end(), limit)
    if (
        tail
        and not word[0].isdigit()
        and not (word.isupper() and len(word) > 1)
        and not _continuing_words(v).not_a_syllable.match(text, tail.start(1))
    ):
        return tail.end()
    return w.end()


def split_bodies(phrase: str, *, heading: bool = False) -> list[tuple[int, int]]:
    """Split a printed list of bodies into spans (offsets into `phrase`).

    Pieces are separated by ';', and by ',' / 'và' / '&' where the next piece starts with
    a head word (or 'các ...' in a heading); joined names such as 'Văn phòng HĐND và UBND'
    are kept whole.
    """
    protected = [(m.start(), m.end()) for p in vocab().not_split for m in p.finditer(phrase)]
    cuts = [0]
    for m in re.finditer(r"\s*;\s*|\s*,\s*|\s+(?:và|cùng|với)\s+|\s*&\s*", phrase):
        if any(a < m.start() < b for a, b in protected):
            continue
        nxt = m.end()
        head = head_at(phrase, nxt)
        if "," in m.group() and head and head[0].islower() and not head.startswith("các"):
            head = None  # ', cơ quan ...' continues a collective list
        if ";" in m.group() or head or (heading and re.match(r"[Cc]ác\s", phrase[nxt:])):
            cuts.extend([m.start(), nxt])
    cuts.append(len(phrase))
    spans = []
    for a, b in zip(cuts[::2], cuts[1::2], strict=False):
        piece = phrase[a:b]
        lead = len(piece) - len(piece.lstrip(" -–*:"))
        core = piece.strip(" -–*:.")
        if core:
            spans.append((a + lead, a + lead + len(core)))
    return spans


# A position heading an item names its body's head: 'Giám đốc Sở Y tế' assigns the Sở Y tế.
POSITION = re.compile(
    r"(?:Giám đốc|Thủ trưởng|Chủ tịch|Chánh Văn phòng|Chánh án|Viện trưởng|Chỉ huy trưởng|Cục trưởng|"
    r"Chi cục trưởng|Trưởng|Bí thư)\s+(?=(?:các\s+)?[A-ZĐỦ])"
)


def clean_body(name: str) -> str:
    """The printed name without its role appositive ('- Cơ quan Thường trực ...', parentheses) and trigger words."""
    for p in vocab().role_phrases:
        name = p.sub("", name)
    name = re.sub(r"\s+", " ", name)  # a name wrapped onto the next line
    name = re.sub(r"^(?:Giao|Đề nghị|đề nghị|Yêu cầu|yêu cầu)\s+", "", name.strip())
    name = POSITION.sub("", name, count=1) if POSITION.match(name) else name
    return name.strip(" ,;:.-–*")


def is_body(name: str, *, heading: bool = False, column: bool = False) -> bool:
    """Whether `name` names a specific body (not a generic collective, not a person, not a bare head).

    In an item heading a collective ('các tổ chức đoàn thể') names the set the item is for;
    in a 'Cơ quan phối hợp' table column any non-generic entry is a body.
    """
    v = vocab()
    if not name or len(name) > 200 or not re.search(r"[^\W\d_]", name) or (name.isupper() and len(name) > 12):
        return False
    patterns = v.generic_in_heading if heading or column else v.generic
    if any(p.search(name) for p in patterns):
        return False
    head = head_at(name, 0)
    if head is None:
        return column or (heading and bool(v.collective.match(name)))
    return not (head in v.needs_qualifier and len(name.strip()) <= len(head) + 1)


# Heads whose level is fixed by the issuer's level: a Sở belongs to a province (or a centrally-run city),
# a Phòng to a district-level unit.
_LEVEL_BOUND = {"Sở": ("tỉnh", "thành phố"), "Phòng": ("huyện", "quận", "thị xã", "thành phố")}


@lru_cache(maxsize=16384)  # a body is named again and again; each call runs every abbreviation pattern
def canonical(name: str, place: str | None = None, level_hint: str | None = None) -> str:
    """Abbreviations expanded and the administrative level made explicit with the place.

    'UBND tỉnh' in a plan of Đắk Nông becomes 'Ủy ban nhân dân tỉnh Đắk Nông'; a name
    that already carries a place keeps it.
    """
    out = name
    for pattern, full in vocab().abbreviations:
        out = pattern.sub(full, out)
    out = re.sub(r"\s+", " ", out).strip()
    out = re.sub(r"\b(Việt Nam)(?:\s+\1)+", r"\1", out)  # 'MTTQ Việt Nam' expanded
    if place and level_hint and place not in out:
        m = re.search(r"\b(tỉnh|huyện|thành phố|Thành phố|thị xã|quận)$", out)
        if m and m.group(1).lower() == level_hint.lower():
            out = f"{out} {place}"
        elif (
            not m
            and _LEVEL_BOUND.get(out.split(" ", 1)[0])
            and level_hint in _LEVEL_BOUND[out.split(" ", 1)[0]]
        ):
            out = f"{out} {level_hint} {place}"  # 'Sở Y tế' of a province is 'Sở Y tế tỉnh Quảng Ngãi'
    return out


@lru_cache(maxsize=16384)
def body_key(name: str) -> str:
    """A comparison key: canonical form, case and punctuation folded, leading 'các' dropped."""
    s = canonical(name).lower()
    s = re.sub(r"[^\w%]+", " ", s)
    s = re.sub(r"\b(?:các|của)\b|^\d+(?: \d+)? ", " ", s)
    return re.sub(r"\s+", " ", s).strip()
