"""Targets: numbers, comparators, units, directions, baselines."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.ingest import ingest_bytes
from pipeline.normalize import assemble
from pipeline.targets import find_targets, parse_number


def targets(text: str, doc_type: str | None = None):
    doc = assemble(ingest_bytes(text.encode("utf-8"), "plan.txt"))
    return [
        (t.comparator, t.value, t.value_max, t.unit, t.direction, t.baseline)
        for t in find_targets(doc, [], doc_type)
    ]


def test_percentages_and_comparators():
    got = targets(
        "Giảm ít nhất 05% số vụ phạm tội so với năm 2023; tỷ lệ điều tra đạt trên 85%, bảo đảm 100% tin báo được xử lý."
    )
    assert got == [
        (">=", 5.0, None, "%", "decrease", "2023"),
        (">", 85.0, None, "%", "reach", None),
        ("=", 100.0, None, "%", "reach", None),
    ]


def test_decimal_comma_and_ceiling():
    assert targets("khống chế tỷ lệ nhiễm HIV trong cộng đồng dưới 0,3%.") == [
        ("<", 0.3, None, "%", "maintain", None)
    ]
    assert parse_number("0,3") == 0.3 and parse_number("05") == 5.0


def test_counts_with_units():
    assert targets("Số người cai nghiện từ 80 người trở lên.") == [(">=", 80.0, None, "người", "reach", None)]
    assert targets("Kiểm tra ít nhất từ 01 đến 02 đơn vị về công tác phòng, chống ma túy.") == [
        (">=", 1.0, 2.0, "đơn vị", "reach", None)
    ]
    assert targets("tổ chức truyền thông (ít nhất 01 hoạt động/Quý).") == [
        (">=", 1.0, None, "hoạt động/quý", "reach", None)
    ]
    assert targets("Giao Công đoàn lựa chọn 01 doanh nghiệp để tổ chức.") == [
        ("=", 1.0, None, "doanh nghiệp", "reach", None)
    ]


def test_percentage_range_and_counted_actions():
    assert targets("Phấn đấu tăng từ 3-5% so với năm 2023.") == [(">=", 3.0, 5.0, "%", "increase", "2023")]
    assert targets("Tổ chức 02 hội nghị sơ kết; sơ kết 5 năm; kỷ niệm 35 năm ngày truyền thống.") == [
        ("=", 2.0, None, "hội nghị", "reach", None)
    ]


def test_ninety_ninety_ninety_is_three_targets():
    got = targets(
        "mục tiêu 90-90-90 (90% biết tình trạng nhiễm HIV- 90% được điều trị ARV- 90% duy trì ức chế)."
    )
    assert [g[1] for g in got] == [90.0, 90.0, 90.0]


def test_results_are_not_targets():
    text = "I. KẾT QUẢ THỰC HIỆN NĂM 2023\n1. Tỷ lệ điều tra, khám phá đạt 85%.\nII. NHIỆM VỤ NĂM 2024\n1. Phấn đấu đạt trên 90%.\n"
    assert [(t[0], t[1]) for t in targets(text)] == [(">", 90.0)]
    assert targets("Năm 2023, tỷ lệ giải quyết đã đạt 92%.") == []


def test_not_targets():
    assert (
        targets("báo cáo 06 tháng; Tiêu chí số 19.2; sơ kết 5 năm; Nghị định số 06/2014/NĐ-CP; 63/63 tỉnh.")
        == []
    )
    assert targets("không để xảy ra điểm nóng, độ dài không quá một trang.") == []


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=300))
def test_no_exception_on_arbitrary_text(text):
    for t in find_targets(raw_doc(text), []):
        assert 0 <= t.start <= t.end <= len(text)


def test_corpus_values(corpus_texts):
    from pipeline.extract import extract_file

    record = extract_file(next(p for p in corpus_texts if "bac-giang" in p.name))
    assert sorted((t.value, t.unit) for t in record.targets) == [(1.0, "doanh nghiệp"), (10.0, "cuộc")]


def raw_doc(text: str):
    """A Doc straight from text, bypassing the readers (which refuse binary-looking input)."""
    from pipeline.blocks import Doc, PlacedBlock

    return Doc(
        path="x.txt", format="text", sha256="", text=text, blocks=[PlacedBlock("paragraph", 0, len(text))]
    )


RULES = (
    "Điều 5. Vốn điều lệ\nNgân hàng có vốn điều lệ tối thiểu 500 tỷ đồng; hàng hóa chịu thuế suất 5%.\n"
    "Điều 6. Chỉ tiêu\nTỷ lệ hài lòng năm 2027 đạt 95% trở lên và đến năm 2030 đạt 99%.\n"
)


def test_rates_and_thresholds_of_a_rule_are_not_targets_but_its_goals_are():
    assert targets(RULES, "Nghị định") == [(">=", 95.0, None, "%", "reach", None), ("=", 99.0, None, "%", "reach", None)]
    assert targets(RULES, "Thông tư") == targets(RULES, "Nghị định")


def test_a_plan_keeps_every_number_it_sets():
    assert [t[1] for t in targets(RULES, "Kế hoạch")] == [500.0, 5.0, 95.0, 99.0]
    assert targets(RULES, "Kế hoạch") == targets(RULES)
