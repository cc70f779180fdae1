"""Responsible bodies: headings, trigger phrases, tables, canonical names, links."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from models.record import Metadata
from pipeline.assignments import _starts_word, find_assignments
from pipeline.bodies import _starts_with_word, _words_at, canonical, is_body, scan_body, split_bodies
from pipeline.ingest import ingest_bytes
from pipeline.normalize import assemble

PLAN = """KẾ HOẠCH
Công tác phòng, chống tội phạm năm 2024
I. MỤC ĐÍCH, YÊU CẦU
1. Nâng cao hiệu quả công tác.
II. PHÂN CÔNG NHIỆM VỤ
1. Công an tỉnh - Cơ quan Thường trực Ban Chỉ đạo
Tham mưu triển khai Kế hoạch; phối hợp với Bộ Chỉ huy Quân sự tỉnh và các đơn vị liên quan.
2. Phòng Văn hóa và Thông tin; Trung tâm Văn hóa, Thông tin, Thể thao và Du lịch huyện: Chủ trì tuyên truyền.
3. Viện Kiểm sát nhân dân và Tòa án nhân dân huyện: Phối hợp chặt chẽ với Cơ quan điều tra Công an huyện.
4. Văn phòng HĐND và UBND huyện: phối hợp với Công an huyện tham mưu.
5. Đề nghị Ủy ban MTTQ tỉnh và các tổ chức đoàn thể
Tuyên truyền, vận động Nhân dân.
III. TỔ CHỨC THỰC HIỆN
1. Các phòng, ngành, đoàn thể, cơ quan có liên quan căn cứ chức năng xây dựng kế hoạch, gửi trước ngày 05/02/2024.
2. Giao Công an tỉnh chủ trì, phối hợp với các đơn vị có liên quan theo dõi, đôn đốc.
Nơi nhận:
- Lưu: VT.
"""


def roles(text: str, metadata: Metadata | None = None) -> set[tuple[str, str]]:
    doc = assemble(ingest_bytes(text.encode("utf-8"), "plan.txt"))
    return {(a.body, a.role) for a in find_assignments(doc, metadata or Metadata(), [])}


def test_heading_bodies_triggers_and_roles():
    got = roles(PLAN)
    assert got == {
        ("Công an tỉnh", "lead"),
        ("Bộ Chỉ huy Quân sự tỉnh", "support"),
        ("Phòng Văn hóa và Thông tin", "lead"),
        ("Trung tâm Văn hóa, Thông tin, Thể thao và Du lịch huyện", "lead"),
        ("Viện Kiểm sát nhân dân", "lead"),
        ("Tòa án nhân dân huyện", "lead"),
        ("Cơ quan điều tra Công an huyện", "support"),
        ("Văn phòng HĐND và UBND huyện", "lead"),
        ("Công an huyện", "support"),
        ("Ủy ban MTTQ tỉnh", "requested"),
        ("các tổ chức đoàn thể", "requested"),
    }


def test_schedule_table_columns():
    text = (
        "KẾ HOẠCH\nLịch công tác năm 2024\n"
        "TT | Nội dung | Thời gian thực hiện | Cơ quan chủ trì | Cơ quan phối hợp\n"
        "01 | Tập huấn | 8/2024 | Ban Tuyên giáo, Ban Chỉ đạo TW Hội | tỉnh Hội Đồng Tháp\n"
        "02 | Kiểm tra | Trong năm | đ/c Phòng | Các tỉnh Hội có liên quan\n"
    )
    doc = assemble(ingest_bytes(text.encode("utf-8"), "plan.txt"))
    if not any(b.rows for b in doc.blocks):  # tables need a reader that keeps rows
        return
    assert roles(text) == {
        ("Ban Tuyên giáo", "lead"),
        ("Ban Chỉ đạo TW Hội", "lead"),
        ("tỉnh Hội Đồng Tháp", "support"),
    }


def test_body_boundaries():
    text = "phối hợp với Sở Giáo dục và Đào tạo tham mưu"
    s, e = scan_body(text, len("phối hợp với "))
    assert text[s:e] == "Sở Giáo dục và Đào tạo"
    text = "đề nghị Ban Chỉ đạo phòng, chống tội phạm và xây dựng phong trào các huyện, thành phố xây dựng kế hoạch"
    s, e = scan_body(text, len("đề nghị "))
    assert text[s:e].endswith("các huyện, thành phố")
    phrase = "Thành đoàn, Hội Liên hiệp Phụ nữ, Hội Cựu chiến binh, Hội Nông dân Thành phố"
    assert [phrase[a:b] for a, b in split_bodies(phrase)] == [
        "Thành đoàn",
        "Hội Liên hiệp Phụ nữ",
        "Hội Cựu chiến binh",
        "Hội Nông dân Thành phố",
    ]


def test_generic_collectives_and_persons_are_not_bodies():
    assert not is_body("các đơn vị có liên quan")
    assert not is_body("các sở, ban, ngành")
    assert not is_body("đ/c Phòng", heading=True)
    assert not is_body("Ban Chỉ đạo")
    assert is_body("Công an tỉnh")


def test_canonical_names():
    assert canonical("UBND tỉnh", "Đắk Nông", "tỉnh") == "Ủy ban nhân dân tỉnh Đắk Nông"
    assert canonical("Công an tỉnh", "Đắk Nông", "tỉnh") == "Công an tỉnh Đắk Nông"
    assert canonical("Ủy ban MTTQ") == "Ủy ban Mặt trận Tổ quốc Việt Nam"
    assert canonical("Sở LĐTBXH") == "Sở Lao động - Thương binh và Xã hội"


def test_links_deadline_to_the_item_body():
    from pipeline.extract import extract_bytes

    record = extract_bytes(PLAN.encode("utf-8"), "plan.txt")
    (deadline,) = [d for d in record.deadlines if d.value == "2024-02-05"]
    assert deadline.section is not None


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=300))
def test_no_exception_on_arbitrary_text(text):
    for a in find_assignments(raw_doc(text), Metadata(), []):
        assert 0 <= a.start <= a.end <= len(text)


def test_corpus(corpus_texts):
    from pipeline.extract import extract_file

    record = extract_file(next(p for p in corpus_texts if "dak-nong" in p.name))
    lead = {a.body for a in record.assignments if a.role == "lead"}
    assert {"Công an tỉnh", "Sở Tư pháp", "Báo Đắk Nông"} <= lead
    by_body = {a.body: a for a in record.assignments}
    assert by_body["Công an tỉnh"].body_canonical == "Công an tỉnh Đắk Nông"
    dated = [d for d in record.deadlines if d.value == "2022-06-15"]
    assert dated and dated[0].assignments


DIRECTIVE = """CHỈ THỊ
Về tăng cường công tác phòng cháy, chữa cháy năm 2025
Chủ tịch Ủy ban nhân dân tỉnh yêu cầu:
1. Giám đốc Công an tỉnh: Chủ trì, phối hợp với Sở Xây dựng kiểm tra an toàn phòng cháy, hoàn thành trước ngày 31/3/2025.
2. Thủ trưởng các sở, ban, ngành: Quán triệt cán bộ, công chức thực hiện nghiêm Chỉ thị này.
3. Chủ tịch UBND các huyện, thị xã, thành phố: Chỉ đạo tuyên truyền, đề nghị Chủ tịch UBND tỉnh khen thưởng.
"""


def test_directive_without_assignment_part_reads_item_addressees():
    assert roles(DIRECTIVE) == {
        ("Công an tỉnh", "lead"),
        ("Sở Xây dựng", "support"),
        ("UBND các huyện, thị xã, thành phố", "lead"),
    }


def test_deadline_links_to_the_item_lead():
    from pipeline.extract import extract_bytes

    record = extract_bytes(DIRECTIVE.encode("utf-8"), "ct.txt")
    (deadline,) = [d for d in record.deadlines if d.value == "2025-03-31"]
    assert [record.assignments[i].body for i in deadline.assignments] == ["Công an tỉnh"]
    assert deadline.body == "Công an tỉnh"


def test_level_bound_heads_take_the_issuer_place():
    assert canonical("Sở Y tế", "Quảng Ngãi", "tỉnh") == "Sở Y tế tỉnh Quảng Ngãi"
    assert (
        canonical("Ủy ban MTTQ Việt Nam tỉnh", "Quảng Ngãi", "tỉnh")
        == "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Quảng Ngãi"
    )
    assert canonical("Sở Y tế") == "Sở Y tế"


def raw_doc(text: str):
    """A Doc straight from text, bypassing the readers (which refuse binary-looking input)."""
    from pipeline.blocks import Doc, PlacedBlock

    return Doc(
        path="x.txt", format="text", sha256="", text=text, blocks=[PlacedBlock("paragraph", 0, len(text))]
    )


FRAGMENTS = [
    "\n",
    "1. ",
    "II. PHÂN CÔNG NHIỆM VỤ\n",
    "Đề nghị ",
    "Giao ",
    "phối hợp với ",
    "Công an tỉnh",
    "Sở Y tế",
    "Ban Chỉ đạo ",
    "các huyện, thành phố",
    " và ",
    ", ",
    "; ",
    ": ",
    " - Cơ quan Thường trực",
    "(",
    ")",
    "tháng 6/2024",
    "trước ngày 10/5",
    "ít nhất 02 lớp",
    "90%",
    "các đơn vị liên quan",
    "Nơi nhận:",
    "Cơ quan chủ trì: ",
    " tham mưu ",
    "Ủy ban MTTQ",
]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join))
def test_no_exception_on_directive_like_text(text):
    from pipeline.extract import extract_doc

    record = extract_doc(raw_doc(text))
    for item in (*record.deadlines, *record.targets):
        assert all(0 <= i < len(record.assignments) for i in item.assignments)


def test_a_trigger_must_start_a_word() -> None:
    text = "1. Giao Công an tỉnh chủ trì tổ chức kiểm tra.\n2. Việc bàngiao Sở Y tế được thực hiện."
    found = find_assignments(raw_doc(text), Metadata(), [])
    assert [a.body for a in found] == ["Công an tỉnh"]
    assert _starts_word("xGiao", 0) and not _starts_word("xGiao", 1) and _starts_word("(Giao", 1)


@settings(max_examples=300)
@given(st.lists(st.sampled_from(["và ", "các ", "tỉnh", "xã", "xã hội", "&", "_", "1", " ", "a"]), max_size=8).map("".join))
def test_word_list_pattern_finds_the_first_word_the_loop_would(text: str) -> None:
    words = ["xã hội", "tỉnh", "xã", "các", "và"]
    pattern = _words_at(words)
    for pos in range(len(text) + 1):
        first = next((w for w in words if _starts_with_word(text, pos, w)), None)
        m = pattern.match(text, pos)
        assert (m.group() if m else None) == first
