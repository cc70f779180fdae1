"""Deadlines: what schedules an action, with its kind and value."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from models.record import Metadata
from pipeline.deadlines import find_deadlines, plan_year
from pipeline.ingest import ingest_bytes
from pipeline.normalize import assemble

HEAD = "KẾ HOẠCH\nCông tác phòng, chống tội phạm năm 2024\n"


def doc_of(text: str):
    return assemble(ingest_bytes(text.encode("utf-8"), "plan.txt"))


def deadlines(body: str, metadata: Metadata | None = None):
    doc = doc_of(HEAD + body)
    return [(d.kind, d.value) for d in find_deadlines(doc, metadata or Metadata(), [], []) if d.value]


def test_by_date():
    assert deadlines("Các đơn vị gửi kế hoạch trước ngày 28/02/2024.") == [("deadline", "2024-02-28")]
    assert deadlines("Hoàn thành chậm nhất ngày 15 tháng 6 năm 2024.") == [("deadline", "2024-06-15")]


def test_recurring_report_with_cut_offs_takes_the_plan_year():
    got = deadlines("Định kỳ 06 tháng (trước ngày 10/5) và 01 năm (trước ngày 10/11) báo cáo kết quả.")
    assert got == [("recurring", "2024-05-10"), ("recurring", "2024-11-10")]


def test_reporting_schedule_with_covered_period():
    got = deadlines("- Báo cáo quý I/2024, gửi trước ngày 13/3/2024 (thời gian từ 15/12/2023 - 13/3/2024).")
    assert got == [("period", "2024-Q1"), ("deadline", "2024-03-13"), ("period", "2023-12-15/2024-03-13")]


def test_events_and_periods():
    got = deadlines(
        "Hưởng ứng Ngày toàn dân phòng, chống ma túy 26/6; cao điểm từ 01/7-30/9/2024; tháng 6 (tháng cao điểm)."
    )
    assert got == [("event", "2024-06-26"), ("period", "2024-07-01/2024-09-30"), ("period", "2024-06")]


def test_schedule_table_cells():
    text = HEAD + "Nội dung | Thời gian thực hiện | Cơ quan chủ trì\nTập huấn | 8/2024 | Ban Tuyên giáo\n"
    doc = doc_of(text)
    assert [d.value for d in find_deadlines(doc, Metadata(), [], [])] == ["2024-08"]


def test_not_deadlines():
    body = (
        "Hà Nội, ngày 11 tháng 01 năm 2024\n"
        "Thực hiện Quyết định số 140/QĐ-TTg ngày 02/02/2024 của Thủ tướng Chính phủ;\n"
        "Luật có hiệu lực thi hành kể từ ngày 01/7/2024.\n"
        "Chiến lược giai đoạn 2021-2025.\n"
        "Đến ngày: 15/01/2024\n"
        "Luật được Quốc hội thông qua ngày 10 tháng 12 năm 2025.\n"
        "Kèm theo Nghị định số 280/2025/NĐ-CP ngày 27 tháng 10 năm 2025 của Chính phủ.\n"
    )
    assert deadlines(body) == []


def test_recurrence_without_date_has_null_value():
    doc = doc_of(HEAD + "Định kỳ hằng tháng báo cáo Ban Chỉ đạo.")
    got = find_deadlines(doc, Metadata(), [], [])
    assert got and all(d.kind == "recurring" and d.value is None for d in got)


def test_plan_year_from_title_or_issue_date():
    assert plan_year(doc_of("x"), Metadata(title="Thực hiện công tác năm 2022")) == 2022
    assert plan_year(doc_of("x"), Metadata(issued_date="2023-05-01")) == 2023


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=300))
def test_no_exception_on_arbitrary_text(text):
    doc = raw_doc(text)
    for d in find_deadlines(doc, Metadata(), [], []):
        assert 0 <= d.start <= d.end <= len(doc.text)


def test_corpus_values(corpus_texts):
    from pipeline.extract import extract_file

    record = extract_file(next(p for p in corpus_texts if "thanh-hoa" in p.name))
    assert sorted(d.value for d in record.deadlines if d.value) == ["2024-02-05", "2024-05-10", "2024-11-10"]


def raw_doc(text: str):
    """A Doc straight from text, bypassing the readers (which refuse binary-looking input)."""
    from pipeline.blocks import Doc, PlacedBlock

    return Doc(
        path="x.txt", format="text", sha256="", text=text, blocks=[PlacedBlock("paragraph", 0, len(text))]
    )
