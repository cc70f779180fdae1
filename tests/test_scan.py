"""The fast scans give exactly what a plain `finditer` over the whole text gives.

Every stage that scans only where a match can open (at its words, at a number, in the windows
around digits) must find the same matches as the plain scan it replaces: these tests compare
both on built texts (Hypothesis) and on the bundled corpus.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import dates, deadlines, scan
from pipeline.assignments import _TRIGGERS, _sentence_openings
from pipeline.bodies import head_at
from pipeline.citations.find import _NAMED_START, _NAMED_WORDS, _typed_matches, typed_re
from pipeline.citations.symbols import SYMBOL_RE
from pipeline.ingest import ingest
from pipeline.normalize import assemble
from pipeline.targets import _COUNT, _COUNT_WORDS, _PERCENT

CORPUS = sorted((Path(__file__).resolve().parent.parent / "corpus").glob("*.txt"))

# Pieces of directive text around the words and numbers the scans look for.
PIECES = [
    "Giao ", "giao", "GIAO ", "Yêu cầu ", "đề nghị ", "Đề nghị ", "phối hợp với ", "Phối hợp giữa Sở A với ",
    "Sở Y tế", "Công an tỉnh", "các sở, ngành", "Quyết định số ", "Kế hoạch ", "KẾ HOẠCH\n", "Luật ", "luật ",
    "Bộ luật Dân sự", "Đề án “Xây dựng”", "Chiến lược quốc gia ", "số ", "12", "3", "06", "/", "-", "–", ".",
    ", ", "; ", ": ", " ", " ", "\n", "\n- ", "2024", "QĐ-TTg", "KH-UBND", "/2021/NĐ-CP", "ngày ", "tháng ",
    "năm ", "Năm 2024, ", "quý II", "Quý 3 năm 2025", "6 tháng đầu năm", "sáu tháng cuối năm", "định kỳ",
    "Định kỳ hằng tháng", "hàng quý", "02 lần/năm", "%", "ít nhất ", "không quá ", "từ ", " trở lên", "lựa chọn ",
    "tổ chức ", "cuộc", "trước ", "đến hết ", "chậm nhất ", "İ", "x", "a", "Điều ",
]
texts = st.lists(st.sampled_from(PIECES), max_size=60).map("".join)


def _spans(matches) -> list[tuple[int, int]]:
    return [m.span() for m in matches]


def _corpus_texts() -> list[str]:
    return [assemble(ingest(p)).text for p in CORPUS]


@pytest.fixture(scope="module")
def corpus_texts() -> list[str]:
    return _corpus_texts()


def test_lowered_keeps_offsets():
    text = "İSTANBUL Sở Y TẾ"  # 'İ'.lower() is two characters: it stays as printed
    low = scan.lowered(text)
    assert len(low) == len(text)
    assert low[1:] == text[1:].lower()
    assert scan.word_positions(text, ("sở", "tế")) == [9, 14]


def test_finditer_from_skips_starts_inside_a_match():
    pattern = re.compile(r"ab+")
    text = "abbb ab"
    assert _spans(scan.finditer_from(pattern, text, [0, 1, 2, 5])) == [(0, 4), (5, 7)]
    assert _spans(scan.finditer_from(pattern, text, [0, 5], endpos=3)) == [(0, 3)]


@settings(max_examples=150, deadline=None)
@given(texts)
def test_word_scans_match_plain_scans(text):
    for pattern, _role, words in _TRIGGERS:
        assert _spans(scan.finditer_words(pattern, text, words)) == _spans(pattern.finditer(text))
    assert _spans(scan.finditer_words(_NAMED_START, text, _NAMED_WORDS)) == _spans(_NAMED_START.finditer(text))
    assert _spans(scan.finditer_words(dates._HALF_RE, text, dates._HALF_WORDS)) == _spans(
        dates._HALF_RE.finditer(text)
    )
    assert _spans(deadlines._recurrences(text)) == _spans(deadlines._RECUR_ONLY.finditer(text))
    assert _spans(scan.finditer_from(SYMBOL_RE, text, dates.digit_starts(text))) == _spans(SYMBOL_RE.finditer(text))


def _reference_windows(text: str) -> list[tuple[int, int]]:
    """The digit windows as first defined: every run of digits and what it runs on with, widened."""
    out: list[tuple[int, int]] = []
    for m in re.finditer(r"\d[\d/.\-–\s]*", text):
        a, b = max(0, m.start() - dates.DIGIT_MARGIN), min(len(text), m.end() + dates.DIGIT_MARGIN)
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


@settings(max_examples=150, deadline=None)
@given(texts)
def test_digit_windows_and_window_scans(text):
    windows = dates.digit_windows(text)
    assert windows == _reference_windows(text)
    assert dates.digit_starts(text) == [m.start() for m in re.finditer(r"\d+", text)]
    low = scan.lowered(text)
    assert dates.windows_with(text, "/", "đến") == [
        (a, b) for a, b in windows if "/" in low[a:b] or "đến" in low[a:b]
    ]
    inside = {
        p
        for w in _COUNT_WORDS
        for a, b in windows
        for p in range(a, b - len(w) + 1)
        if low.startswith(w, p)
    }
    assert dates.window_word_positions(text, _COUNT_WORDS) == sorted(inside)
    # a pattern scanned window by window, at its words or numbers, finds what it finds in each window
    plain = [m.span() for a, b in windows for m in _COUNT.finditer(text, a, b)]
    assert _spans(scan.finditer_in(_COUNT, text, dates.window_word_positions(text, _COUNT_WORDS), windows)) == plain
    plain = [m.span() for a, b in windows for m in _PERCENT.finditer(text, a, b)]
    assert _spans(scan.finditer_in(_PERCENT, text, dates.digit_starts(text), windows)) == plain
    plain = [m.span() for a, b in windows for m in dates.DATE_RE.finditer(text, a, b)]
    starts = scan.merged(dates.digit_starts(text), dates.window_word_positions(text, ("ngày",)))
    assert _spans(scan.finditer_in(dates.DATE_RE, text, starts, windows)) == plain


@settings(max_examples=150, deadline=None)
@given(texts)
def test_typed_mentions_scan_only_near_numbers(text):
    assert _spans(_typed_matches(text)) == _spans(typed_re().finditer(text))


def _reference_openings(text: str) -> set[int]:
    """Sentence openings as first read: the old scan over every position, then the break test."""
    opening = re.compile(r"(?:^|(?<=[.;!?…])\s+|(?<=^- ))(?:-\s*)?(?:Năm\s+\d{4},?\s+)?", re.M)
    out = set()
    for m in opening.finditer(text):
        j = m.start()
        while j > 0 and text[j - 1] in " -":
            j -= 1
        if j == 0 or text[j - 1] in '.:;!?…)"”*' or text[m.start() : m.start() + 2] == "- ":
            out.add(m.end())
    return out


def test_corpus_scans_match_plain_scans(corpus_texts):
    for text in corpus_texts:
        assert _spans(_typed_matches(text)) == _spans(typed_re().finditer(text))
        assert _spans(deadlines._recurrences(text)) == _spans(deadlines._RECUR_ONLY.finditer(text))
        assert dates.digit_windows(text) == _reference_windows(text)
        heads = {p for p in _sentence_openings(text) if head_at(text, p)}
        assert heads == {p for p in _reference_openings(text) if head_at(text, p)}
        assert heads  # every directive opens sentences with bodies


def test_periods_found_in_windows():
    text = "Hoàn thành trước ngày 30/6/2024; báo cáo 6 tháng đầu năm 2024, quý III/2024, tháng 7-9/2024."
    found = {(p.form, p.value) for p in dates.find_periods(text, 2024)}
    assert ("date", "2024-06-30") in found
    assert ("half", "2024-01/2024-06") in found
    assert ("quarter", "2024-Q3") in found
    assert ("month_range", "2024-07/2024-09") in found
