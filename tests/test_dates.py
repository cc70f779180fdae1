"""Dates and periods as printed, to record values."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pipeline.dates import find_dates, find_periods, parse_date


def values(text: str, year: int | None = 2024) -> list[tuple[str, str | None]]:
    return [(p.form, p.value) for p in find_periods(text, year)]


def test_printed_date_forms():
    assert parse_date("ngày 15 tháng 6 năm 2022") == "2022-06-15"
    assert parse_date("trước ngày 15/6/2022") == "2022-06-15"
    assert parse_date("15.6.2022") == "2022-06-15"
    assert parse_date("15-6-2022") == "2022-06-15"
    assert parse_date("ngày   tháng 02 năm 2024") == "2024-02"


def test_year_left_out_takes_the_default_and_says_so():
    (d,) = find_dates("trước ngày 10/5", 2024)
    assert d.value == "2024-05-10" and not d.year_printed
    assert find_dates("mục 1.1 và 2.3") == []


def test_spans():
    assert values("cao điểm từ 01/7-30/9/2024") == [("span", "2024-07-01/2024-09-30")]
    assert values("(thời gian từ 15/12/2023 - \n13/3/2024)") == [("span", "2023-12-15/2024-03-13")]
    assert values("từ ngày 15 tháng 6 đến ngày 30 tháng 6 năm 2024") == [("span", "2024-06-15/2024-06-30")]


def test_months_quarters_halves():
    assert values("tháng 6/2024 (tháng cao điểm)") == [("month", "2024-06")]
    assert values("tháng phòng, chống ma túy (tháng 6)") == [("month", "2024-06")]
    assert values("Vĩnh Long (9/2024); Bắc Giang (6/2024)") == [("month", "2024-09"), ("month", "2024-06")]
    assert values("01-02/2024") == [("month_range", "2024-01/2024-02")]
    assert values("đầu quý III/2024") == [("quarter", "2024-Q3")]
    assert values("quý IV") == [("quarter", "2024-Q4")]
    assert values("Sáu tháng đầu năm 2024") == [("half", "2024-01/2024-06")]
    assert values("6 tháng cuối năm") == [("half", "2024-07/2024-12")]


def test_year_given_as_a_limit():
    assert values("hoàn thành trước năm 2025") == [("year", "2025")]
    assert values("kiềm giảm loại tội phạm này trong năm 2024") == []


def test_symbols_and_durations_are_not_periods():
    assert values("Nghị quyết số 96/2019/QH14") == []
    assert values("báo cáo 06 tháng, sơ kết 5 năm") == []
    assert values("giai đoạn 2021-2025") == []


@given(st.text(max_size=200))
def test_no_exception_on_arbitrary_text(text):
    for p in find_periods(text, 2024):
        assert 0 <= p.start <= p.end <= len(text)
