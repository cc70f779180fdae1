"""Header metadata, signer and recipients: one small document per layout, then the corpus."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.blocks import Block, Doc, Ingested
from pipeline.doclines import _strip_markup, all_caps, doc_lines, is_caps, letter_cases
from pipeline.extract import extract_file
from pipeline.header import extract_metadata
from pipeline.normalize import assemble


def doc_of(*lines: str, kinds: dict[int, str] | None = None) -> Doc:
    """A document with one block per argument (a block may hold several lines joined by '\\n')."""
    kinds = kinds or {}
    blocks = [Block(kind=kinds.get(i, "paragraph"), text=t) for i, t in enumerate(lines)]  # type: ignore[arg-type]
    return assemble(Ingested(path="x.txt", format="text", sha256="", blocks=blocks))


BODY = (
    "Căn cứ Quyết định số 12/QĐ-UBND ngày 05/01/2024 của Ủy ban nhân dân tỉnh; Ủy ban nhân dân tỉnh "
    "ban hành Kế hoạch như sau:",
    "I. MỤC ĐÍCH, YÊU CẦU",
    "1. Tuyên truyền sâu rộng trong Nhân dân./.",
)
CLOSING = (
    "Nơi nhận:",
    "- Thường trực Tỉnh ủy (để b/c);",
    "- TT HĐND tỉnh; (để báo cáo);",
    "- Sở Tư pháp,",
    "Công an tỉnh;",
    "- Lưu: VT, NC.",
    "TM. ỦY BAN NHÂN DÂN",
    "KT. CHỦ TỊCH",
    "PHÓ CHỦ TỊCH",
    "(Đã ký)",
    "Nguyễn Văn An",
)
STATE_HEADER = (
    "ỦY BAN NHÂN DÂN",
    "TỈNH BẮC GIANG",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "Số: 33/KH-UBND",
    "Bắc Giang, ngày 07 tháng 02 năm 2024",
    "KẾ HOẠCH",
    "Thực hiện phong trào toàn dân bảo vệ an ninh Tổ quốc",
    "năm 2024",
)


def test_state_layout_one_line_per_block() -> None:
    meta, warnings = extract_metadata(doc_of(*STATE_HEADER, *BODY, *CLOSING))
    assert meta.doc_type == "Kế hoạch"
    assert (meta.number, meta.symbol) == ("33", "33/KH-UBND")
    assert meta.issuer == "ỦY BAN NHÂN DÂN TỈNH BẮC GIANG"
    assert meta.parent_issuer is None
    assert (meta.place, meta.issued_date) == ("Bắc Giang", "2024-02-07")
    assert meta.title == "Thực hiện phong trào toàn dân bảo vệ an ninh Tổ quốc năm 2024"
    assert meta.signer is not None
    assert meta.signer.name == "Nguyễn Văn An"
    assert meta.signer.authority == "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH"
    assert meta.signer.position == "PHÓ CHỦ TỊCH"
    assert meta.signer.printed_lines == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    assert meta.recipients == [
        "Thường trực Tỉnh ủy (để b/c)",
        "TT HĐND tỉnh (để báo cáo)",
        "Sở Tư pháp, Công an tỉnh",
        "Lưu: VT, NC",
    ]
    assert not meta.issuer_inferred
    assert warnings == []


def test_column_blocks_from_pdf_reader() -> None:
    doc = doc_of(
        "HỘI CỰU CHIẾN BINH VIỆT NAM\nBAN CHỈ ĐẠO PCTP, TNXH\nVÀ XÂY DỰNG PHONG TRÀO\nSố: 05/HD-CCB",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nHà Nội, ngày 11 tháng 01 năm 2024",
        "HƯỚNG DẪN",
        "Công tác phòng, chống tội phạm năm 2024",
        *BODY,
        "Nơi nhận:\n- Vụ Tổng hợp;\n- Lưu BTG, VT (73b.P)",
        "TRƯỞNG BAN TUYÊN GIÁO\nTRƯỞNG BAN CHỈ ĐẠO\nHồ Bá Vinh",
        kinds={0: "header_left", 1: "header_right", 6: "recipients", 7: "signature"},
    )
    meta, _ = extract_metadata(doc)
    assert meta.doc_type == "Hướng dẫn"
    assert meta.parent_issuer == "HỘI CỰU CHIẾN BINH VIỆT NAM"
    assert meta.issuer == "BAN CHỈ ĐẠO PCTP, TNXH VÀ XÂY DỰNG PHONG TRÀO"
    assert meta.symbol == "05/HD-CCB"
    assert meta.issued_date == "2024-01-11"
    assert meta.title == "Công tác phòng, chống tội phạm năm 2024"
    assert meta.recipients == ["Vụ Tổng hợp", "Lưu BTG, VT (73b.P)"]
    assert meta.signer is not None and meta.signer.name == "Hồ Bá Vinh"
    # the role in the issuing committee is the authority, whatever the printed order
    assert meta.signer.authority == "TRƯỞNG BAN CHỈ ĐẠO"
    assert meta.signer.position == "TRƯỞNG BAN TUYÊN GIÁO"


def test_columns_interleaved_line_by_line() -> None:
    doc = doc_of(
        "HỘI CỰU CHIẾN BINH VIỆT CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT",
        "NAM NAM",
        "BAN CHỈ ĐẠO PCTP, TNXH Độc lập - Tự do - Hạnh phúc",
        "Hà Nội, ngày 11 tháng 01 năm 2024",
        "TOÀN DÂN BẢO VỆ ANTQ",
        "Số: 05/HD-CCB",
        "HƯỚNG DẪN",
        "Công tác phòng, chống tội phạm năm 2024",
        *BODY,
        "Nơi nhận:",
        "- V05, Bộ Công an (để b/c); TRƯỞNG BAN",
        "- TT. Tỉnh ủy (để b/c);",
        "PHÓ CHỦ TỊCH UBND TỈNH",
        "- Ban Chỉ đạo tỉnh",
        "Lê Văn Chiến (CA tỉnh);",
        "- Lưu: VT, NC.",
    )
    meta, _ = extract_metadata(doc)
    assert meta.parent_issuer == "HỘI CỰU CHIẾN BINH VIỆT NAM"
    assert meta.issuer == "BAN CHỈ ĐẠO PCTP, TNXH TOÀN DÂN BẢO VỆ ANTQ"
    assert (meta.place, meta.issued_date, meta.symbol) == ("Hà Nội", "2024-01-11", "05/HD-CCB")
    assert meta.signer is not None
    assert (meta.signer.name, meta.signer.authority, meta.signer.position) == (
        "Lê Văn Chiến",
        "TRƯỞNG BAN",
        "PHÓ CHỦ TỊCH UBND TỈNH",
    )
    assert meta.recipients == [
        "V05, Bộ Công an (để b/c)",
        "TT. Tỉnh ủy (để b/c)",
        "Ban Chỉ đạo tỉnh (CA tỉnh)",
        "Lưu: VT, NC",
    ]


def test_blank_number_and_blank_day() -> None:
    meta, _ = extract_metadata(
        doc_of(
            "Số: /KH-LĐLĐ", "Bắc Giang, ngày tháng 02 năm 2024", "KẾ HOẠCH", "Tuyên truyền năm 2024", *BODY
        )
    )
    assert meta.number is None
    assert meta.symbol == "/KH-LĐLĐ"
    assert meta.issued_date == "2024-02"
    assert meta.place == "Bắc Giang"


def test_dotted_blanks_and_blank_month() -> None:
    meta, warnings = extract_metadata(
        doc_of(
            "UBND THÀNH PHỐ HÀ NỘI",
            "Số: ......./TB-UBND",
            "Hà Nội, ngày ... tháng ... năm",
            "THÔNG BÁO",
            "Về việc treo cờ",
        )
    )
    assert (meta.number, meta.symbol, meta.place, meta.issued_date) == (None, "/TB-UBND", "Hà Nội", None)
    assert meta.doc_type == "Thông báo" and meta.title == "Về việc treo cờ"
    assert "The issue date is left blank in the place-and-date line." in warnings


def test_registry_stamp_is_not_the_number_or_date() -> None:
    doc = doc_of(
        "HỘI CỰU CHIẾN BINH VIỆT NAM",
        "Hà Nội, ngày 11 tháng 01 năm 2024",
        "Số: 05/HD-CCB",
        "HỘI CỰU CHIẾN BINH T. LAO CAI\nSố: | 155\nĐến ngày: | 15/01/2024\nChuyển:",
        "HƯỚNG DẪN",
        "Công tác năm 2024",
        *BODY,
        kinds={3: "table"},
    )
    meta, _ = extract_metadata(doc)
    assert (meta.number, meta.issued_date) == ("05", "2024-01-11")
    assert meta.issuer == "HỘI CỰU CHIẾN BINH VIỆT NAM"
    assert meta.registry_stamp is not None
    assert meta.registry_stamp.number == "155"
    assert meta.registry_stamp.date == "2024-01-15"
    assert meta.registry_stamp.office == "HỘI CỰU CHIẾN BINH T. LAO CAI"


def test_registry_stamp_printed_before_the_number() -> None:
    doc = doc_of(
        "ĐẾN",
        "Số: 155",
        "Ngày: 15/01/2024",
        "UBND HUYỆN THANH HÓA",
        "Số: 12/KH-UBND",
        "Thanh Hóa, ngày 10 tháng 01 năm 2024",
        "KẾ HOẠCH",
        "Công tác năm 2024",
        *BODY,
    )
    meta, _ = extract_metadata(doc)
    assert (meta.symbol, meta.issued_date) == ("12/KH-UBND", "2024-01-10")
    assert meta.registry_stamp is not None and meta.registry_stamp.number == "155"


def test_party_layout() -> None:
    doc = doc_of(
        "ĐẢNG BỘ TỈNH THANH HÓA",
        "HUYỆN ỦY THIỆU HÓA",
        "*",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Số 10-NQ/HU",
        "Thiệu Hóa, ngày 27 tháng 12 năm 2023",
        "NGHỊ QUYẾT",
        "về lãnh đạo thực hiện nhiệm vụ bảo đảm an ninh, trật tự năm 2024",
        "I- TÌNH HÌNH",
        "1. Kết quả đạt được.",
        "Nơi nhận:",
        "- Ban Thường vụ Tỉnh ủy,",
        "- Lưu Văn phòng Huyện ủy.",
        "T/M BAN THƯỜNG VỤ",
        "PHÓ BÍ THƯ",
        "Lê Văn Hùng",
    )
    meta, _ = extract_metadata(doc)
    assert (meta.number, meta.symbol) == ("10", "10-NQ/HU")
    assert meta.doc_type == "Nghị quyết"
    assert (meta.issuer, meta.parent_issuer) == ("HUYỆN ỦY THIỆU HÓA", "ĐẢNG BỘ TỈNH THANH HÓA")
    assert meta.title == "về lãnh đạo thực hiện nhiệm vụ bảo đảm an ninh, trật tự năm 2024"
    assert meta.signer is not None
    assert (meta.signer.authority, meta.signer.name) == ("T/M BAN THƯỜNG VỤ", "Lê Văn Hùng")
    assert meta.recipients == ["Ban Thường vụ Tỉnh ủy", "Lưu Văn phòng Huyện ủy"]


def test_cong_van_has_no_type_word() -> None:
    doc = doc_of(
        "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI\nSố: 507/UBND-KGVX\nV/v góp ý dự thảo Quyết định sửa đổi\ncủa Quyết định số 2269/QĐ-TTg",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nQuảng Ngãi, ngày 24 tháng 01 năm 2025",
        "Kính gửi: Sở Thông tin và Truyền thông",
        "Theo đề nghị của Bộ Thông tin và Truyền thông, UBND tỉnh có ý kiến như sau./.",
        kinds={0: "header_left", 1: "header_right"},
    )
    meta, _ = extract_metadata(doc)
    assert meta.doc_type == "Công văn"
    assert meta.title == "V/v góp ý dự thảo Quyết định sửa đổi của Quyết định số 2269/QĐ-TTg"
    assert (meta.symbol, meta.issuer) == ("507/UBND-KGVX", "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI")


def test_law_with_number_keyword_and_effective_date() -> None:
    doc = doc_of(
        "QUỐC HỘI",
        "Luật số: 73/2021/QH14",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "LUẬT",
        "PHÒNG, CHỐNG MA TÚY",
        "Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;",
        "Chương I",
        "NHỮNG QUY ĐỊNH CHUNG",
        "Điều 1. Phạm vi điều chỉnh",
        "Điều 2. Hiệu lực thi hành",
        "Luật này có hiệu lực thi hành từ ngày 01 tháng 01 năm 2022.",
        "CHỦ TỊCH QUỐC HỘI",
        "Vương Đình Huệ",
    )
    meta, _ = extract_metadata(doc)
    assert (meta.doc_type, meta.number, meta.symbol) == ("Luật", "73", "73/2021/QH14")
    assert meta.title == "PHÒNG, CHỐNG MA TÚY"
    assert meta.issuer == "QUỐC HỘI"
    assert meta.effective_date == "2022-01-01"
    assert meta.signer is not None and meta.signer.name == "Vương Đình Huệ"


def test_decision_title_stops_at_authority_line() -> None:
    doc = doc_of(
        "ỦY BAN NHÂN DÂN",
        "TỈNH ĐẮK LẮK",
        "Số: 12/2024/QĐ-UBND",
        "Đắk Lắk, ngày 05 tháng 3 năm 2024",
        "QUYẾT ĐỊNH",
        "Về việc ban hành Quy chế phối hợp",
        "ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK",
        "Căn cứ Luật Tổ chức chính quyền địa phương;",
        "QUYẾT ĐỊNH:",
        "Điều 1. Ban hành kèm theo Quyết định này Quy chế phối hợp.",
        "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.",
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
        "Trần Văn B",
    )
    meta, _ = extract_metadata(doc)
    assert meta.doc_type == "Quyết định"
    assert meta.title == "Về việc ban hành Quy chế phối hợp"
    assert meta.effective_date == "2024-03-05"
    assert meta.signer is not None and meta.signer.name == "Trần Văn B"


def test_copy_block_never_overwrites_the_header() -> None:
    doc = doc_of(
        *STATE_HEADER,
        *BODY,
        *CLOSING,
        "SAO Y BẢN CHÍNH",
        "VĂN PHÒNG UBND TỈNH",
        "Số: 15/SY-VP",
        "Bắc Giang, ngày 20 tháng 02 năm 2024",
        "TL. CHỦ TỊCH",
        "CHÁNH VĂN PHÒNG",
        "Lê Thị Cúc",
    )
    meta, _ = extract_metadata(doc)
    assert (meta.symbol, meta.issued_date) == ("33/KH-UBND", "2024-02-07")
    assert meta.signer is not None and meta.signer.name == "Nguyễn Văn An"


def test_esignature_stamp_text_is_ignored() -> None:
    doc = doc_of(
        "Người ký: Ủy ban nhân dân tỉnh Quảng Ngãi",
        "Email: ubnd@quangngai.gov.vn",
        "Thời gian ký: 24.01.2025 15:19:01 +07:00",
        *STATE_HEADER,
        *BODY,
    )
    meta, _ = extract_metadata(doc)
    assert meta.issuer == "ỦY BAN NHÂN DÂN TỈNH BẮC GIANG"
    assert meta.issued_date == "2024-02-07"


def test_missing_header_issuer_taken_from_text() -> None:
    doc = doc_of(
        "KẾ HOẠCH",
        "Công tác phòng, chống tội phạm năm 2024",
        "Thực hiện Nghị quyết số 10-NQ/HU ngày 27/12/2023 của Ban Thường vụ Huyện ủy về an ninh, trật tự năm 2024, "
        "Ban Chỉ đạo phòng, chống tội phạm, tệ nạn xã hội huyện (Ban Chỉ đạo 138 huyện) xây dựng kế hoạch "
        "thực hiện năm 2024 như sau:",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "1. Triển khai thực hiện nghiêm túc.",
    )
    meta, warnings = extract_metadata(doc)
    assert meta.issuer == "Ban Chỉ đạo phòng, chống tội phạm, tệ nạn xã hội huyện"
    assert meta.issuer_inferred
    assert any("issuer was taken from the text" in w for w in warnings)
    assert meta.title == "Công tác phòng, chống tội phạm năm 2024"
    assert meta.symbol is None and meta.issued_date is None


def test_issuer_with_short_name_in_parentheses() -> None:
    doc = doc_of(
        "KẾ HOẠCH",
        "Thực hiện công tác năm 2022",
        "Để làm tốt công tác bảo đảm an ninh, Ban Chỉ đạo phòng, chống tội phạm tỉnh "
        "(gọi tắt là Ban chỉ đạo tỉnh) ban hành Kế hoạch như sau:",
        "I. MỤC ĐÍCH",
    )
    meta, _ = extract_metadata(doc)
    assert meta.issuer == "Ban Chỉ đạo phòng, chống tội phạm tỉnh"
    assert meta.title == "Thực hiện công tác năm 2022"


def test_doc_type_from_symbol_code_without_type_line() -> None:
    meta, _ = extract_metadata(doc_of("UBND TỈNH X", "Số: 05/HD-UBND", "X, ngày 01 tháng 02 năm 2024", *BODY))
    assert meta.doc_type == "Hướng dẫn"
    meta, _ = extract_metadata(doc_of("TỈNH ỦY X", "Số 43-CT/TU", "X, ngày 01 tháng 02 năm 2024", *BODY))
    assert meta.doc_type == "Chỉ thị"


def test_empty_document_does_not_crash() -> None:
    meta, warnings = extract_metadata(doc_of())
    assert meta.doc_type is None and warnings


# ---------------------------------------------------------------- corpus

GOLD = Path(__file__).resolve().parent.parent / "corpus" / "gold"


def _gold(stem: str) -> dict:
    return json.loads((GOLD / f"{stem}.json").read_text(encoding="utf-8"))["metadata"]


def _fold(s: str | None) -> str:
    return " ".join((s or "").lower().replace(",", " ").split())


@pytest.mark.parametrize(
    "stem",
    [
        "hd-05-ccb-2024",
        "kh-162-bcd-dak-nong-2022",
        "kh-bcd-tp-buon-ma-thuot-2024",
        "kh-bcd138-huyen-thanh-hoa-2024",
        "kh-ldld-bac-giang-2024",
    ],
)
def test_corpus_text_header_matches_gold(corpus_dir: Path, stem: str) -> None:
    gold = _gold(stem)
    meta = extract_file(corpus_dir / f"{stem}.txt").metadata
    for field in ("doc_type", "number", "symbol", "place", "issued_date", "title"):
        if field in gold:
            assert _fold(getattr(meta, field)) == _fold(gold[field]), field
    issuers = gold["issuer"] if isinstance(gold["issuer"], list) else [gold["issuer"]]
    assert _fold(meta.issuer) in {_fold(i) for i in issuers}
    assert meta.signer is not None and meta.signer.name == gold["signer"]["name"]
    assert meta.recipients == gold["recipients"]
    assert meta.issuer_inferred == ("issuer" in gold.get("inferred", []))


def test_cong_van_lines_with_kinh_gui_and_interleaved_number_date() -> None:
    doc = doc_of(
        "UBND TỈNH ĐẮK NÔNG CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "SỞ TƯ PHÁP Độc lập - Tự do - Hạnh phúc",
        "Số: 162/STP-PBGDPL Đắk Nông, ngày 28 tháng 3 năm 2022",
        "V/v triển khai Ngày Pháp luật năm 2022",
        "Kính gửi:",
        "- Các sở, ban, ngành;",
        "Thực hiện Kế hoạch số 33/KH-UBND, Sở Tư pháp đề nghị:",
        "1. Tổ chức tuyên truyền./.",
        "Nơi nhận: - Như trên;",
        "- Lưu: VT, PBGDPL.",
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "Thượng tá Trần Thị Hoa",
    )
    meta, _ = extract_metadata(doc)
    assert meta.doc_type == "Công văn"
    assert meta.title == "V/v triển khai Ngày Pháp luật năm 2022"
    assert (meta.issuer, meta.parent_issuer) == ("SỞ TƯ PHÁP", "UBND TỈNH ĐẮK NÔNG")
    assert (meta.symbol, meta.place, meta.issued_date) == ("162/STP-PBGDPL", "Đắk Nông", "2022-03-28")
    assert meta.recipients == ["Như trên", "Lưu: VT, PBGDPL"]
    assert meta.signer is not None and meta.signer.name == "Trần Thị Hoa"


def test_header_printed_as_a_table() -> None:
    doc = doc_of(
        "ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "TỈNH ĐẮK NÔNG | Độc lập - Tự do - Hạnh phúc\n"
        "Số: 162/KH-UBND | Đắk Nông, ngày 28 tháng 3 năm 2022",
        "KẾ HOẠCH",
        "Thực hiện công tác năm 2022",
        *BODY,
        kinds={0: "table"},
    )
    meta, _ = extract_metadata(doc)
    assert meta.issuer == "ỦY BAN NHÂN DÂN TỈNH ĐẮK NÔNG"
    assert (meta.symbol, meta.place, meta.issued_date) == ("162/KH-UBND", "Đắk Nông", "2022-03-28")
    assert meta.title == "Thực hiện công tác năm 2022"


def test_title_run_into_the_first_body_sentence_is_cut_back() -> None:
    doc = doc_of(
        "Số: 05/HD-CCB",
        "Hà Nội, ngày 11 tháng 01 năm 2024",
        "HƯỚNG DẪN",
        "Công tác phòng, chống tội phạm; mua bán người năm 2024 Năm 2024, tình hình thế giới và khu vực vẫn "
        "còn có những diễn biến mau lẹ, khó dự báo, trong nước tình hình an ninh chính trị cơ bản được kiểm "
        "soát, kinh tế đất nước từng bước được phục hồi.",
        "1. Công tác phòng, chống tội phạm.",
    )
    meta, _ = extract_metadata(doc)
    assert meta.title == "Công tác phòng, chống tội phạm; mua bán người năm 2024"


def test_appendix_names_the_issuer_of_its_parent_text() -> None:
    doc = doc_of(
        "DANH MỤC SẢN PHẨM, CÔNG VIỆC CHUNG CHO CÁC SỞ, NGÀNH",
        "(Ban hành kèm theo Quyết định số: /QĐ-UBND ngày tháng 5 năm 2026 của UBND tỉnh)",
        "TT | Mã | Nhiệm vụ\nI | CH.VT | VĂN THƯ, LƯU TRỮ",
        kinds={2: "table"},
    )
    meta, warnings = extract_metadata(doc)
    assert meta.issuer == "UBND tỉnh" and meta.issuer_inferred
    assert any("issuer was taken from the text" in w for w in warnings)


def test_recipients_without_bullets() -> None:
    doc = doc_of(
        *STATE_HEADER, *BODY, "Nơi nhận:", "Như trên;", "Sở Tư pháp;", "Lưu: VT.", "GIÁM ĐỐC", "Lê Văn Tâm"
    )
    meta, _ = extract_metadata(doc)
    assert meta.recipients == ["Như trên", "Sở Tư pháp", "Lưu: VT"]
    assert meta.signer is not None and meta.signer.name == "Lê Văn Tâm"


def test_plain_text_two_columns_on_one_line() -> None:
    doc = doc_of(
        "UỶ BAN NHÂN DÂN CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "TỈNH BẮC GIANG Độc lập - Tự do - Hạnh phúc",
        "------- ---------------",
        "Số: 33/KH-UBND Bắc Giang, ngày 07 tháng 02 năm 2024",
        "KẾ HOẠCH",
        "Thực hiện Đề án năm 2024",
        *BODY,
        "Nơi nhận: TM. ỦY BAN NHÂN DÂN",
        "- Bộ Công an (b/c); KT. CHỦ TỊCH",
        "- TT Tỉnh ủy (b/c); PHÓ CHỦ TỊCH",
        "- Lưu: VT, NC.",
        "Mai Sơn",
    )
    meta, _ = extract_metadata(doc)
    assert meta.issuer == "ỦY BAN NHÂN DÂN TỈNH BẮC GIANG"
    assert (meta.symbol, meta.place, meta.issued_date) == ("33/KH-UBND", "Bắc Giang", "2024-02-07")
    assert meta.signer is not None
    assert meta.signer.printed_lines == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    assert meta.signer.name == "Mai Sơn"
    assert meta.recipients == ["Bộ Công an (b/c)", "TT Tỉnh ủy (b/c)", "Lưu: VT, NC"]


@pytest.mark.parametrize("stem", ["hd-05-ccb-2024", "kh-ldld-bac-giang-2024"])
def test_corpus_pdf_header_matches_gold(corpus_dir: Path, stem: str) -> None:
    gold = _gold(stem)
    meta = extract_file(corpus_dir / "pdf" / f"{stem}.pdf").metadata
    assert meta.doc_type == gold["doc_type"]
    assert meta.symbol == gold["symbol"]
    assert meta.issued_date == gold["issued_date"]
    assert meta.signer is not None and meta.signer.name == gold["signer"]["name"]


def test_inferred_issuer_is_the_clause_subject_not_a_cited_body() -> None:
    doc = doc_of(
        "KẾ HOẠCH",
        "Triển khai công tác năm 2024",
        "Thực hiện Kế hoạch số 34/KH-BCĐ ngày 20/02/2024 của Ban Chỉ đạo tỉnh về triển khai kế hoạch năm 2024, "
        "Ban Chỉ đạo phòng, chống tội phạm thành phố (Ban Chỉ đạo Thành phố) xây dựng kế hoạch như sau:",
        "I. MỤC ĐÍCH",
    )
    meta, _ = extract_metadata(doc)
    assert meta.issuer == "Ban Chỉ đạo phòng, chống tội phạm thành phố"
    only_cited = doc_of(
        "KẾ HOẠCH",
        "Triển khai công tác năm 2024",
        "Thực hiện Kế hoạch số 34/KH-BCĐ của Ban Chỉ đạo tỉnh về triển khai kế hoạch năm 2024.",
        "I. MỤC ĐÍCH",
    )
    meta, warnings = extract_metadata(only_cited)
    assert meta.issuer is None and not meta.issuer_inferred
    assert "No issuer could be read from the header or the text." in warnings


def test_subject_line_under_a_typed_symbol_keeps_the_symbol_type() -> None:
    meta, _ = extract_metadata(
        doc_of("UBND TỈNH X", "Số: 12/QĐ-UBND", "Về việc thành lập Ban Chỉ đạo", *BODY)
    )
    assert meta.doc_type == "Quyết định"
    assert meta.title == "Về việc thành lập Ban Chỉ đạo"


HEADERISH = st.sampled_from(
    [
        "ỦY BAN NHÂN DÂN",
        "TỈNH BẮC GIANG",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT",
        "NAM NAM",
        "Số: 33/KH-UBND",
        "Số: /KH-LĐLĐ",
        "Số: 155",
        "ĐẾN",
        "Bắc Giang, ngày tháng 02 năm 2024",
        "KẾ HOẠCH",
        "V/v góp ý",
        "*",
        "Nơi nhận:",
        "- Lưu: VT.",
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
        "Nguyễn Văn An",
        "SAO Y BẢN CHÍNH",
        "I. MỤC ĐÍCH",
        "1. Tuyên truyền.",
        "Ban Chỉ đạo tỉnh xây dựng kế hoạch như sau:",
    ]
)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.one_of(HEADERISH, st.text(max_size=40)), max_size=30))
def test_any_line_mix_reads_without_error(lines: list[str]) -> None:
    meta, warnings = extract_metadata(doc_of(*lines))
    assert all(isinstance(w, str) and w for w in warnings)
    if meta.issuer_inferred:
        assert any("taken from the text" in w for w in warnings)
    if meta.symbol is not None:
        assert " " not in meta.symbol


def test_resolution_dated_by_its_adoption_line() -> None:
    doc = doc_of(
        "ỦY BAN THƯỜNG VỤ QUỐC HỘI",
        "Nghị quyết số: 105/2025/UBTVQH15",
        "NGHỊ QUYẾT",
        "CHƯƠNG TRÌNH LẬP PHÁP NĂM 2026",
        "ỦY BAN THƯỜNG VỤ QUỐC HỘI",
        "Căn cứ Hiến pháp;",
        "Điều 1. Thông qua Chương trình.",
        "Điều 2. Nghị quyết này có hiệu lực thi hành từ ngày thông qua./.",
        "Nghị quyết này được Ủy ban Thường vụ Quốc hội khóa XV thông qua tại Phiên họp thứ 49 "
        "ngày 26 tháng 9 năm 2025.",
        "TM. ỦY BAN THƯỜNG VỤ QUỐC HỘI",
        "CHỦ TỊCH",
        "Trần Thanh Mẫn",
    )
    meta, warnings = extract_metadata(doc)
    assert (meta.doc_type, meta.symbol, meta.title) == (
        "Nghị quyết",
        "105/2025/UBTVQH15",
        "CHƯƠNG TRÌNH LẬP PHÁP NĂM 2026",
    )
    assert meta.issued_date == "2025-09-26" and meta.effective_date == "2025-09-26"
    assert any("adoption date" in w for w in warnings)
    assert meta.signer is not None and meta.signer.name == "Trần Thanh Mẫn"


def test_e_signed_blanks_filled_from_the_signing_stamp() -> None:
    from pipeline.ingest.esign import StampedHeader, StampedValue

    doc = doc_of(
        "UBND THÀNH PHỐ HÀ NỘI",
        "Số: /KH-UBND",
        "Hà Nội, ngày tháng 4 năm 2026",
        "KẾ HOẠCH",
        "Tổ chức Festival",
        *BODY,
    )
    doc.stamped = StampedHeader(
        number=StampedValue("173", "widget_text", 1, stamped=True),
        day=StampedValue("28", "widget_text", 1, stamped=True),
        symbol_tail="/KH-UBND",
        printed_month=4,
        printed_year=2026,
        signed_at="2026-04-28T15:19:01+07:00",
    )
    meta, _ = extract_metadata(doc)
    assert (meta.number, meta.symbol, meta.issued_date) == ("173", "173/KH-UBND", "2026-04-28")
    assert meta.number_stamped and meta.date_stamped
    assert meta.signed_at == "2026-04-28T15:19:01+07:00"


# ---------------------------------------------------------------- printed lines


def _caps_by_letter(s: str, min_letters: int = 2) -> bool:
    letters = [c for c in s if c.isalpha()]
    return len(letters) >= min_letters and sum(c.isupper() for c in letters) >= 0.9 * len(letters)


def test_is_caps_examples() -> None:
    assert is_caps("ỦY BAN NHÂN DÂN TỈNH ĐẮK NÔNG")
    assert is_caps("BAN CHỈ ĐẠO 138 - Số 12")  # digits and marks are not letters
    assert not is_caps("Ủy ban nhân dân tỉnh")
    assert not is_caps("A 1")  # one letter is too few
    assert is_caps("A 1", min_letters=1)
    assert letter_cases("Số 5/KH-UBND") == "UlUUUUUU"


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from("aAđĐưỨỦ ǅⅠⒶ中1-.\t"), max_size=30))
def test_is_caps_counts_letters_as_before(s: str) -> None:
    assert is_caps(s) == _caps_by_letter(s)
    assert is_caps(s, 1) == _caps_by_letter(s, 1)


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from(" \t\u00a0#*_>ab"), max_size=14))
def test_edge_markup_stripped_like_the_pattern(raw: str) -> None:
    assert _strip_markup(raw) == re.sub(r"^[\s#*_>]+|[\s*_]+$", "", raw)


def test_doc_lines_read_once_per_doc() -> None:
    doc = doc_of("## **KẾ HOẠCH** ", "Công tác năm 2024")
    lines = doc_lines(doc)
    assert [ln.text for ln in lines] == ["KẾ HOẠCH", "Công tác năm 2024"]
    assert doc_lines(doc) is lines


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from("aAđĐưỨỦ ǅⅠⒶ中1-.\tª\U0001d400"), max_size=20))
def test_all_caps_means_every_letter_a_capital(s: str) -> None:
    letters = [c for c in s if c.isalpha()]
    assert all_caps(s) == (len(letters) >= 2 and all(c.isupper() for c in letters))


def test_effective_date_is_the_documents_own() -> None:
    doc = doc_of(
        "CHÍNH PHỦ",
        "Số: 15/2025/NĐ-CP",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Hà Nội, ngày 10 tháng 02 năm 2025",
        "NGHỊ ĐỊNH",
        "Quy định chi tiết một số điều",
        "Điều 1. Các quyết định này có hiệu lực từ ngày 01 tháng 01 năm 2020 vẫn được thi hành.",
        "Điều 2. Nghị định này có hiệu lực thi hành kể từ ngày 01 tháng 4 năm 2025.",
        "TM. CHÍNH PHỦ",
        "THỦ TƯỚNG",
        "Phạm Minh Chính",
    )
    meta, _ = extract_metadata(doc)
    assert meta.effective_date == "2025-04-01"  # not the date of the decisions it provides for
    assert meta.signer is not None and meta.signer.name == "Phạm Minh Chính"
