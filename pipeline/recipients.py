"""The Nơi nhận list: one recipient per bullet line, as printed.

Bullets and the trailing `;`/`.` go; a line without a bullet continues the
previous recipient (long names wrap); a stray `;` before a purpose note
(`HĐND TP; (để báo cáo);`) is dropped. The list ends at the signature, at the
`Lưu` line's end, or where bullets stop.
"""

from __future__ import annotations

import re

from pipeline.doclines import Line, fold

_LABEL = re.compile(r"^nơi\s*nhận\s*:?\s*", re.I)
_BULLET = re.compile(r"^[-+•–·*]\s*")
_MAX_ITEMS = 60


def find_label(lines: list[Line], lo: int, hi: int, near: int | None = None) -> int | None:
    """Index of the `Nơi nhận` label line in [lo, hi) nearest to line `near` (else the first).

    Appendices after the signature may hold forms with a Nơi nhận of their own.
    """
    found = [ln.index for ln in lines[lo:hi] if _LABEL.match(ln.text)]
    if not found:
        return None
    if near is None:
        return found[0]
    return min(found, key=lambda i: abs(i - near))


def clean_item(text: str) -> str:
    text = _BULLET.sub("", text.strip())
    text = re.sub(r";\s*\(", " (", text)
    text = re.sub(r"\s+", " ", text)
    return text.strip().rstrip(";.,").strip()


def _wraps(text: str, previous: str, closed: bool, used: bool) -> bool:
    """A line without a bullet that carries on the previous recipient's name."""
    return not closed and not used and len(text) < 120 and not previous.endswith((";", "."))


def read_recipients(
    lines: list[Line], label: int, hi: int, used: set[int], leftovers: dict[int, str]
) -> tuple[list[str], int]:
    """Recipients after the label line; also the index of the last line read."""
    items: list[str] = []
    first = _LABEL.sub("", leftovers.get(label, lines[label].text)).strip()
    if first:
        items.append(first)
    last = label
    closed = False
    for ln in lines[label + 1 : hi]:
        text = leftovers.get(ln.index, "" if ln.index in used else ln.text)
        if not text:
            if ln.index in used and items and not leftovers.get(ln.index):
                # a signature line: the list goes on only in an interleaved layout
                continue
            continue
        if _BULLET.match(text):
            if closed:
                break
            # two recipients run together by an interleaved layout: '- A; - B;'
            items.extend(re.split(r"(?<=;)\s+(?=[-–]\s)", text))
        elif items and (ln.index in leftovers or _wraps(text, items[-1], closed, ln.index in used)):
            items[-1] = items[-1] + " " + text
        elif (
            not closed and ln.index not in used and len(text) < 120 and (not items or items[-1].endswith(";"))
        ):
            items.append(text)  # a list printed without bullets, one recipient a line ending ';'
        else:
            break
        last = ln.index
        if fold(_BULLET.sub("", text)).startswith("lưu"):
            closed = True
        if len(items) >= _MAX_ITEMS:
            break
    return [c for c in (clean_item(i) for i in items) if c], last
