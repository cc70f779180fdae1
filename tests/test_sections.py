"""The section tree: markers, nesting, sequence checks, spans; then the corpus against gold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.record import Metadata, Section
from pipeline.blocks import Block, Doc, Ingested
from pipeline.extract import extract_file
from pipeline.normalize import assemble
from pipeline.sections import SectionIndex, find_sections, roman_value, section_at


def doc_of(*lines: str, kinds: dict[int, str] | None = None) -> Doc:
    kinds = kinds or {}
    blocks = [Block(kind=kinds.get(i, "paragraph"), text=t) for i, t in enumerate(lines)]  # type: ignore[arg-type]
    return assemble(Ingested(path="x.txt", format="text", sha256="", blocks=blocks))


def paths(*lines: str, kinds: dict[int, str] | None = None) -> list[str]:
    return [s.path for s in find_sections(doc_of(*lines, kinds=kinds), Metadata())]


HEAD = (
    "KẾ HOẠCH",
    "Công tác năm 2024",
    "Căn cứ Kế hoạch số 34/KH-BCĐ ngày 16/2/2024, Ban Chỉ đạo xây dựng kế hoạch:",
)
TAIL = ("Nơi nhận:", "- Công an tỉnh;", "- Lưu: VT.", "TRƯỞNG BAN", "PHÓ CHỦ TỊCH UBND TỈNH", "Lê Văn Chiến")


def test_roman_numbered_lettered_tree() -> None:
    doc = doc_of(
        *HEAD,
        "I. MỤC ĐÍCH, YÊU CẦU",
        "1. Tuyên truyền sâu rộng, nâng cao nhận thức; bảo đảm an toàn.",
        "a) Trong cơ quan nhà nước;",
        "b) Trong doanh nghiệp.",
        "2. Công an tỉnh",
        "Chủ trì, phối hợp.",
        "II. TỔ CHỨC THỰC HIỆN",
        "1. Giao Công an tỉnh theo dõi./.",
        *TAIL,
    )
    secs = find_sections(doc, Metadata())
    assert [s.path for s in secs] == ["I", "I/1", "I/1/a", "I/1/b", "I/2", "II", "II/1"]
    by_path = {s.path: s for s in secs}
    assert [s.level for s in secs] == [1, 2, 3, 3, 2, 1, 2]
    assert by_path["I/1/a"].parent == by_path["I/1"].id and by_path["I"].parent is None
    assert by_path["I"].heading == "MỤC ĐÍCH, YÊU CẦU"
    assert by_path["I/2"].heading == "Công an tỉnh"
    assert by_path["I/1"].heading == "Tuyên truyền sâu rộng, nâng cao nhận thức"
    assert (by_path["I"].kind, by_path["I/1"].kind, by_path["I/1/a"].kind) == ("part", "item", "point")
    # a section ends where the next sibling-or-higher starts; the last one at the Nơi nhận
    assert doc.text[by_path["I"].start : by_path["I"].end].endswith("Chủ trì, phối hợp.")
    assert doc.text[by_path["II/1"].start : by_path["II/1"].end] == "1. Giao Công an tỉnh theo dõi./."
    assert by_path["I/1/b"].end < by_path["I/2"].start


def test_party_roman_with_hyphen() -> None:
    assert paths(*HEAD, "I- TÌNH HÌNH", "1. Kết quả.", "II- NHIỆM VỤ", "1. Tăng cường.", *TAIL) == [
        "I",
        "I/1",
        "II",
        "II/1",
    ]


def test_decimal_items_nest_under_their_whole_number() -> None:
    got = paths(
        *HEAD,
        "II. NỘI DUNG",
        "1. Hoạt động",
        "2. Các hoạt động chính",
        "2.1. Khai mạc",
        "2.2 Bế mạc",
        "3. Kinh phí",
    )
    assert got == ["II", "II/1", "II/2", "II/2/2.1", "II/2/2.2", "II/3"]


def test_lettered_items_use_vietnamese_order() -> None:
    got = paths(*HEAD, "1. Nội dung:", "a) Một;", "b) Hai;", "c) Ba;", "d) Bốn;", "đ) Năm;", "e) Sáu.")
    assert got == ["1", "1/a", "1/b", "1/c", "1/d", "1/đ", "1/e"]


def test_numbers_in_prose_dates_bullets_are_not_sections() -> None:
    got = paths(
        *HEAD,
        "I. MỤC ĐÍCH",
        "1. Tuyên truyền.",
        "- Giảm ít nhất 05% số vụ phạm tội;",
        "+ Tổ chức 02 cuộc kiểm tra;",
        "15/6/2022 báo cáo sơ kết gửi về Ban Chỉ đạo.",
        "5 năm thực hiện Chỉ thị.",
        "2024. Năm bản lề.",
        "2. Kiểm tra.",
    )
    assert got == ["I", "I/1", "I/2"]


def test_sequence_check_rejects_jump_back_and_accepts_restart() -> None:
    got = paths(
        *HEAD,
        "I. MỤC ĐÍCH",
        "1. Một.",
        "3. Ba (a skipped number is still an item).",
        "2. Số hai in lại giữa đoạn, not an item.",
        "4. Bốn.",
        "II. NỘI DUNG",
        "1. Một lại từ đầu.",
    )
    assert got == ["I", "I/1", "I/3", "I/4", "II", "II/1"]


def test_list_that_starts_late_is_prose() -> None:
    assert paths(*HEAD, "7. trích dẫn lạc chỗ.", "I. MỤC ĐÍCH", "1. Một.") == ["I", "I/1"]


def test_closing_tables_footnotes_and_header_are_not_sections() -> None:
    doc_lines = (
        "I. CÔNG TÁC",
        "1. Một.",
        "1 Kết luận số 13-KL/TW ngày 16/8/2021.",
        "TT | Nội dung\n01 | Tổ chức hướng dẫn\n02 | Kiểm tra",
        *TAIL,
        "1. Sau chữ ký, không phải mục.",
    )
    got = paths(*HEAD, *doc_lines, kinds={len(HEAD) + 2: "footnote", len(HEAD) + 3: "table"})
    assert got == ["I", "I/1"]


def test_normative_structure_and_labels() -> None:
    doc = doc_of(
        "QUỐC HỘI",
        "Luật số: 73/2021/QH14",
        "LUẬT",
        "PHÒNG, CHỐNG MA TÚY",
        "Căn cứ Hiến pháp;",
        "Chương I",
        "NHỮNG QUY ĐỊNH CHUNG",
        "Điều 1. Phạm vi điều chỉnh",
        "Điều 2. Giải thích từ ngữ",
        "Chương II",
        "PHÒNG NGỪA",
        "Mục 1",
        "TRÁCH NHIỆM",
        "Điều 3. Trách nhiệm của cơ quan",
        "1. Khoản một.",
        "2. Khoản hai.",
        "3. Khoản ba gồm:",
        "a) Điểm a;",
        "b) Điểm b.",
        "CHỦ TỊCH QUỐC HỘI",
        "Vương Đình Huệ",
        "Phụ lục I",
        "DANH MỤC CHẤT MA TÚY",
        "1. Nhóm một.",
    )
    secs = find_sections(doc, Metadata())
    got = [s.path for s in secs]
    assert got == [
        "I",
        "I/1",
        "I/2",
        "II",
        "II/1",
        "II/1/3",
        "II/1/3/1",
        "II/1/3/2",
        "II/1/3/3",
        "II/1/3/3/a",
        "II/1/3/3/b",
        "I",
        "I/1",
    ]
    kinds = [s.kind for s in secs]
    assert kinds[:3] == ["chuong", "dieu", "dieu"]
    assert kinds[4:11] == ["muc", "dieu", "khoan", "khoan", "khoan", "diem", "diem"]
    assert kinds[11] == "phu_luc"
    assert secs[0].heading == "NHỮNG QUY ĐỊNH CHUNG"
    assert secs[1].heading == "Phạm vi điều chỉnh"
    assert len({s.id for s in secs}) == len(secs)


def test_section_at_returns_the_innermost() -> None:
    doc = doc_of(*HEAD, "I. MỤC ĐÍCH", "1. Tuyên truyền về phòng chống tội phạm.", "2. Kiểm tra.")
    secs = find_sections(doc, Metadata())
    offset = doc.text.index("phòng chống")
    found = section_at(secs, offset)
    assert found is not None and found.path == "I/1"
    assert section_at(secs, 0) is None


def test_section_index_agrees_with_section_at_on_a_tree() -> None:
    doc = doc_of(
        *HEAD,
        "I. MỤC ĐÍCH",
        "1. Tuyên truyền.",
        "a) Tại cơ sở.",
        "b) Tại trường học.",
        "2. Kiểm tra.",
        "II. NHIỆM VỤ",
        "1. Rà soát.",
        *TAIL,
    )
    secs = find_sections(doc, Metadata())
    index = SectionIndex(secs)
    assert index._up is not None  # the tree nests: lookups bisect
    assert [section_at(index, i) for i in range(len(doc.text) + 1)] == [
        section_at(secs, i) for i in range(len(doc.text) + 1)
    ]
    found = index.at(doc.text.index("trường học"))
    assert found is not None and found.path == "I/1/b"


def _section(start: int, end: int, level: int) -> Section:
    return Section(
        id=f"s{start}-{end}-{level}", level=level, label="1", heading="", start=start, end=end, kind="item", path="1"
    )


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 15), st.integers(1, 4)), max_size=8))
def test_section_index_matches_section_at_on_any_list(spans: list[tuple[int, int, int]]) -> None:
    """Nested lists bisect, others fall back to the scan: the answers are section_at's either way."""
    secs = [_section(a, a + n, level) for a, n, level in spans]
    index = SectionIndex(secs)
    for offset in range(0, 60):
        assert index.at(offset) is section_at(secs, offset)


def test_roman_values() -> None:
    assert [roman_value(s) for s in ("I", "IV", "IX", "XIV", "XL")] == [1, 4, 9, 14, 40]
    assert roman_value("IIII") is None and roman_value("VX") is None


MARKERS = st.sampled_from(
    [
        "I. PHẦN",
        "II. PHẦN",
        "1. Mục.",
        "2. Mục.",
        "1.1. Tiểu mục",
        "a) Điểm;",
        "b) Điểm;",
        "- Gạch đầu dòng",
        "Điều 3. Điều",
        "Chương II",
        "Văn bản thường 12 chữ.",
        "3. Ba.",
        "Nơi nhận:",
        "TRƯỞNG BAN",
        "Lê Văn A",
    ]
)


@settings(max_examples=60, deadline=None)
@given(st.lists(MARKERS, max_size=25))
def test_any_line_mix_gives_a_consistent_tree(lines: list[str]) -> None:
    doc = doc_of(*HEAD, *lines)
    secs: list[Section] = find_sections(doc, Metadata())
    by_id = {s.id: s for s in secs}
    assert len(by_id) == len(secs)
    for s in secs:
        assert 0 <= s.start <= s.end <= len(doc.text)
        if s.parent is not None:
            parent = by_id[s.parent]
            assert parent.level == s.level - 1
            assert parent.start <= s.start and s.end <= parent.end
            assert s.path == parent.path + "/" + s.label
        else:
            assert s.level == 1 and s.path == s.label


# ---------------------------------------------------------------- corpus

GOLD = Path(__file__).resolve().parent.parent / "corpus" / "gold"


@pytest.mark.parametrize("gold_file", sorted(GOLD.glob("*.json")), ids=lambda p: p.stem)
def test_corpus_section_paths_match_gold(corpus_dir: Path, gold_file: Path) -> None:
    gold = json.loads(gold_file.read_text(encoding="utf-8"))
    record = extract_file(corpus_dir / f"{gold_file.stem}.txt")
    assert [s.path for s in record.sections] == [s["path"] for s in gold["sections"]]


def test_paren_items_nest_under_dot_items_and_letter_parts_over_roman() -> None:
    got = paths(
        *HEAD,
        "A. KẾT QUẢ THỰC HIỆN",
        "I. CÔNG TÁC CHỈ ĐẠO",
        "1. Tuyên truyền",
        "1) Trên báo chí;",
        "2) Trên mạng xã hội.",
        "2. Kiểm tra",
        "B. NHIỆM VỤ NĂM 2025",
        "I. MỤC TIÊU",
        "1. Giảm tội phạm.",
    )
    assert got == ["A", "A/I", "A/I/1", "A/I/1/1", "A/I/1/2", "A/I/2", "B", "B/I", "B/I/1"]


def test_paren_items_alone_are_the_item_level() -> None:
    assert paths(*HEAD, "I. NỘI DUNG", "1) Một;", "2) Hai.", "II. TỔ CHỨC", "1) Ba.") == [
        "I",
        "I/1",
        "I/2",
        "II",
        "II/1",
    ]


def test_body_sections_end_at_the_signature_even_with_an_appendix() -> None:
    doc = doc_of(
        *HEAD,
        "I. NỘI DUNG",
        "1. Một.",
        "Nơi nhận:",
        "- Lưu: VT.",
        "CHỦ TỊCH",
        "Lê Văn Chiến",
        "Phụ lục I",
        "BIỂU MẪU",
        "1. Mẫu số 01.",
    )
    secs = find_sections(doc, Metadata())
    assert [(s.path, s.kind) for s in secs] == [
        ("I", "part"),
        ("I/1", "item"),
        ("I", "phu_luc"),
        ("I/1", "item"),
    ]
    body_end = doc.text.index("Nơi nhận:")
    assert secs[0].end <= body_end and secs[1].end <= body_end
    assert secs[2].start > body_end and secs[2].end == len(doc.text)


def test_bare_markers_take_their_heading_from_the_next_line() -> None:
    doc = doc_of(*HEAD, "I.", "MỤC ĐÍCH, YÊU CẦU", "1.", "Tuyên truyền sâu rộng; bảo đảm an toàn.")
    secs = find_sections(doc, Metadata())
    assert [(s.path, s.heading) for s in secs] == [
        ("I", "MỤC ĐÍCH, YÊU CẦU"),
        ("I/1", "Tuyên truyền sâu rộng"),
    ]


def test_text_issued_with_a_decision_numbers_afresh_after_the_signature() -> None:
    got = paths(
        "QUYẾT ĐỊNH",
        "Ban hành Kế hoạch phòng, chống tội phạm năm 2024",
        "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch.",
        "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.",
        "Nơi nhận:",
        "- Lưu: VT.",
        "CHỦ TỊCH",
        "Lê Văn Chiến",
        "KẾ HOẠCH",
        "Phòng, chống tội phạm năm 2024",
        "(Ban hành kèm theo Quyết định số 12/QĐ-UBND ngày 05/3/2024 của UBND tỉnh)",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "1. Tuyên truyền.",
        "II. NHIỆM VỤ",
    )
    assert got == ["1", "2", "I", "I/1", "II"]


def test_a_repeated_path_takes_primes() -> None:
    doc = doc_of(
        *HEAD,
        "1. Tuyên truyền.",
        "Nơi nhận:",
        "- Lưu: VT.",
        "CHỦ TỊCH",
        "Lê Văn Chiến",
        "KẾ HOẠCH",
        "(Ban hành kèm theo Quyết định số 12/QĐ-UBND ngày 05/3/2024 của UBND tỉnh)",
        "1. Mục đích.",
        "KẾ HOẠCH",
        "(Ban hành kèm theo Quyết định số 13/QĐ-UBND ngày 05/3/2024 của UBND tỉnh)",
        "1. Yêu cầu.",
    )
    got = find_sections(doc, Metadata())
    assert [(s.path, s.id) for s in got] == [("1", "s-1"), ("1", "s-1'"), ("1", "s-1''")]


def test_markers_by_their_first_character() -> None:
    got = paths(*HEAD, "Điều 1. Phạm vi", "1. Khoản một", "a) Điểm a", "đ) không theo thứ tự", "b) Điểm b", *TAIL)
    assert got == ["1", "1/1", "1/1/a", "1/1/b"]
