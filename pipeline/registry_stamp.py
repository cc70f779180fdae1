"""A receiving office's registry stamp (`ĐẾN / Số: 155 / Ngày: 15/01/2024 / Chuyển:`).

The stamp sits on page one next to the header; its number and date are the
registry's, never the document's, so its lines are set aside before the header
is read and kept as `metadata.registry_stamp`.
"""

from __future__ import annotations

import re
from functools import cache

from models.record import RegistryStamp
from pipeline.dates import parse_date
from pipeline.doclines import Line, fold, header_words, is_caps, words_pattern
from pipeline.header_lines import PLACEHOLDER, read_number

_STAMP_FIELD = re.compile(
    r"^(?:Số|Ngày|Đến\s+ngày|Ngày\s+đến|Chuyển|Chuyên|Lưu\s+hồ\s+sơ|Người\s+nhận|Giờ)\b", re.I
)


@cache
def _stamp_cue_re() -> re.Pattern[str]:
    return re.compile(rf"^(?:{words_pattern(header_words()['registry_cues'])})(?![\wÀ-ỹ])")


def _stamp_window(lines: list[Line], cue: Line) -> list[Line]:
    """The lines of a stamp printed as lines: its fields after the cue, its office line before."""
    if cue.kind in ("table", "stamp"):
        block = [x for x in lines if x.block == cue.block]
        if len(block) <= 8:
            return block
    out = [cue]
    j = cue.index + 1
    while (
        j < len(lines)
        and j <= cue.index + 6
        and _STAMP_FIELD.match(lines[j].text)
        and not read_number(lines[j].text)
    ):
        out.append(lines[j])
        j += 1
    k = cue.index - 1
    while (
        k >= 0 and k >= cue.index - 3 and _STAMP_FIELD.match(lines[k].text) and not read_number(lines[k].text)
    ):
        out.insert(0, lines[k])
        k -= 1
    if k >= 0 and is_caps(lines[k].text) and _stamp_cue_re().match(cue.text) and fold(cue.text) != "đến":
        out.insert(0, lines[k])  # the receiving office's name above 'Đến ngày'
    return out


def stamp_lines(lines: list[Line], hi: int) -> tuple[set[int], RegistryStamp | None]:
    """Lines of a receiving office's registry stamp (`ĐẾN / Số: 155 / Ngày: ...`) in the header."""
    marked: set[int] = set()
    stamp: RegistryStamp | None = None
    for ln in lines[:hi]:
        if ln.index in marked or not (ln.kind == "stamp" or _stamp_cue_re().match(ln.text)):
            continue
        stamp = stamp or RegistryStamp()
        for x in _stamp_window(lines, ln):
            if read_number(x.text):
                continue  # the document's own number printed next to the stamp
            marked.add(x.index)
            flat = x.text.replace("|", " ")
            num = re.match(r"^Số\s*:?\s*(\d+)\s*$", flat.strip())
            if num:
                stamp.number = num.group(1)
            elif re.search(r"(?i)ngày", flat) and stamp.date is None:
                stamp.date = parse_date(PLACEHOLDER.sub(" ", flat))
            elif is_caps(flat) and not _stamp_cue_re().match(flat) and stamp.office is None:
                stamp.office = flat.strip()
    return marked, stamp
