"""HTML pages: the plan as a compact saved page, as a full portal page, in legacy fonts; the vbpl sample."""

from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata
from html import escape
from pathlib import Path

import pytest

from pipeline.blocks import Block, Ingested
from pipeline.ingest.html import is_html, read_html, table_kind
from pipeline.ingest.legacy import TCVN3, VNI

pytest.importorskip("lxml")

from test_ingest_docx import (  # noqa: E402
    BODY,
    HEADER_LEFT,
    HEADER_RIGHT,
    RECIPIENTS,
    SIGNATURE,
    TABLE,
    assert_same_record,
    content,
    encode,
    ingest_text,
    plan_text,
)

ROOT = Path(__file__).resolve().parent.parent
VBPL = ROOT.parent / "shared" / "corpus-vbpl"


def _cell(lines: list[str]) -> str:
    return "<td>" + "".join(f"<p>{escape(line)}</p>" for line in lines) + "</td>"


def plan_html(encoding: str | None = None, footnote: bool = False) -> str:
    """The plan as the legal databases save it: header and closing as layout tables."""
    e = lambda lines: encode(lines, encoding)  # noqa: E731
    left, right = e(HEADER_LEFT), e(HEADER_RIGHT)
    header = f"<table><tr>{_cell(left[:2])}{_cell(right[:2])}</tr><tr>{_cell(left[2:])}{_cell(right[2:])}</tr></table>"
    body = "".join(f"<p>{escape(line)}</p>" for line in e(BODY))
    if footnote:
        body = body.replace("dự phòng;</p>", "dự phòng;<sup>1</sup></p>", 1)
    rows = "".join(
        "<tr>" + "".join(f"<td><p>{escape(c)}</p></td>" for c in e(row)) + "</tr>" for row in TABLE
    )
    closing = "<table><tr><td><p>" + "<br>".join(escape(x) for x in e(RECIPIENTS)) + "</p></td>"
    closing += "<td>" + "".join(f"<p><b>{escape(x)}</b></p>" for x in e(SIGNATURE)) + "</td></tr></table>"
    notes = "<p><sup>______</sup></p><p><sup>1</sup> Đã được sửa đổi năm 2024.</p>" if footnote else ""
    return f'<html><head><meta charset="utf-8"><title>x</title></head><body>{header}{body}<table>{rows}</table>{closing}{notes}</body></html>'


def portal_page(document_html: str) -> str:
    """A full portal page around the document: chrome, menus, related documents, ads, scripts."""
    inner = re.search(r"<body>(.*)</body>", document_html, re.S).group(1)  # type: ignore[union-attr]
    related = "".join(
        f'<li><a href="/van-ban/{i}">Quyết định số {i}/QĐ-UBND về việc phê duyệt kế hoạch năm 2024</a></li>'
        for i in range(40)
    )
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>Cổng thông tin</title>
<style>.x{{color:red}}</style><script>var a = "<p>not text</p>";</script></head><body>
<header><div class="logo">CƠ SỞ DỮ LIỆU QUỐC GIA VỀ VĂN BẢN PHÁP LUẬT</div></header>
<nav class="menu"><ul><li><a href="/">Trang chủ</a></li><li><a href="/vb">Văn bản</a></li></ul></nav>
<div class="breadcrumb"><a href="/">Trang chủ</a> » <a href="/vb">Văn bản pháp luật</a></div>
<div id="wrapper"><div class="row">
<div class="col-left"><div class="fulltext">{inner}</div></div>
<aside class="sidebar"><h3>Văn bản liên quan</h3><ul>{related}</ul></aside>
</div><div class="ads">Quảng cáo: Dịch vụ pháp lý trọn gói, gọi ngay!</div></div>
<footer><p>Bản quyền thuộc Bộ Tư pháp. Địa chỉ: 58-60 Trần Phú, Ba Đình, Hà Nội.</p></footer>
<script>document.write("<p>tracking</p>")</script></body></html>"""


def read(text: str) -> Ingested:
    data = text.encode("utf-8")
    return read_html(data, "plan.html", hashlib.sha256(data).hexdigest())


def test_html_reads_like_the_text_version() -> None:
    ingested = read(plan_html())
    assert ingested.format == "html"
    assert content(ingested) == content(ingest_text(plan_text()))
    assert [b.kind for b in ingested.blocks][:2] == ["header_left", "header_right"]
    table = next(b for b in ingested.blocks if b.kind == "table")
    assert table.rows == TABLE


def test_html_gives_the_same_record_as_text() -> None:
    assert_same_record(read(plan_html()), ingest_text(plan_text()))


def test_full_portal_page_keeps_only_the_document() -> None:
    page = read(portal_page(plan_html()))
    assert content(page) == content(read(plan_html()))
    text = "\n".join(b.text for b in page.blocks)
    for chrome in ("Trang chủ", "Văn bản liên quan", "Quảng cáo", "Bản quyền", "tracking", "not text"):
        assert chrome not in text


def test_footnote_anchor_and_definition() -> None:
    blocks = read(plan_html(footnote=True)).blocks
    anchored = next(b for b in blocks if b.text.startswith("Căn cứ"))
    assert anchored.text.endswith("dự phòng;[1]")
    assert (blocks[-1].kind, blocks[-1].label, blocks[-1].text) == (
        "footnote",
        "1",
        "Đã được sửa đổi năm 2024.",
    )
    assert not any(set(b.text) <= set("_ ") for b in blocks)  # the footnote rule is not text


def test_word_saved_html_footnotes() -> None:
    """Word's "Save as Web Page" links `[1]` anchors and notes instead of using <sup>."""
    body = (
        "<p class=MsoNormal>Các sở, ban, ngành triển khai thực hiện nghiêm túc các nội dung của Kế hoạch.</p>"
    )
    html = (
        "<html><body><div class=WordSection1><p class=MsoNormal>Căn cứ Luật Đầu tư công"
        f"<a href='#_ftn1' name='_ftnref1'><span class=MsoFootnoteReference>[1]</span></a>;<o:p></o:p></p>{body * 30}</div>"
        "<div><br clear=all><hr align=left size=1 width='33%'><div id=ftn1><p class=MsoFootnoteText>"
        "<a href='#_ftnref1' name='_ftn1'><span class=MsoFootnoteReference>[1]</span></a> Luật số 58/2024/QH15.</p>"
        "</div></div></body></html>"
    )
    blocks = read(html).blocks
    assert (blocks[0].kind, blocks[0].text) == ("paragraph", "Căn cứ Luật Đầu tư công[1];")
    assert len(blocks) == 32
    assert (blocks[-1].kind, blocks[-1].label, blocks[-1].text) == ("footnote", "1", "Luật số 58/2024/QH15.")


def test_lists_headings_and_one_column_tables() -> None:
    html = (
        "<body><h2>Phụ lục I</h2><ol start='3'><li>Tập huấn</li><li>Kiểm tra</li></ol>"
        "<table><tr><td>Chỉ một ô</td></tr><tr><td></td><td>ô thứ hai</td></tr></table></body>"
    )
    blocks = read(html).blocks
    assert [(b.kind, b.text) for b in blocks] == [
        ("heading", "Phụ lục I"),
        ("paragraph", "3. Tập huấn"),
        ("paragraph", "4. Kiểm tra"),
        ("paragraph", "Chỉ một ô"),
        ("paragraph", "ô thứ hai"),
    ]


def test_sniffing_html() -> None:
    assert is_html(b"<!DOCTYPE html><html><body><p>x</p></body></html>")
    assert is_html("\ufeff<p>Điều 1.</p><p>Điều 2.</p><table><tr><td>x</td></tr></table>".encode())
    assert not is_html("## KẾ HOẠCH\n\nCăn cứ Luật<sup>1</sup> ...\n\n<sup>1</sup> Luật số 1".encode())
    assert not is_html(plan_text().encode())


def test_table_kinds() -> None:
    header = [
        [["BỘ Y TẾ"], ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]],
        [["Số: 1/KH-BYT"], ["Hà Nội, ngày 1 tháng 1 năm 2025"]],
    ]
    closing = [[["Nơi nhận:", "- Lưu: VT."], ["BỘ TRƯỞNG", "Nguyễn Văn A"]]]
    data = [[["TT"], ["Chỉ tiêu"]], [["1"], ["95%"]]]
    assert table_kind(header, at_start=True) == "header"
    assert table_kind(closing, at_start=False) == "closing"
    assert table_kind(data, at_start=False) == "data"


@pytest.mark.parametrize("encoding", [TCVN3, VNI])
def test_legacy_font_html_reads_like_unicode(encoding: str) -> None:
    ingested = read(plan_html(encoding))
    assert content(ingested) == content(ingest_text(plan_text()))
    assert any(f"converted from {encoding}" in w for w in ingested.warnings)


def test_page_encoding() -> None:
    """UTF-8 wins over a wrong declaration; other bytes follow the declared charset."""
    declared = '<html><head><meta charset="windows-1252"></head><body><p>{}</p></body></html>'
    assert (
        read_html(declared.format("Hà Nội cũ").encode("utf-8"), "x.html", "s").blocks[0].text == "Hà Nội cũ"
    )
    assert read_html(declared.format("Café").encode("cp1252"), "x.html", "s").blocks[0].text == "Café"


def test_empty_or_broken_page_is_a_clear_error() -> None:
    from pipeline.ingest.errors import IngestError

    with pytest.raises(IngestError) as err:
        read("<html><body><nav>menu</nav><script>x</script></body></html>")
    assert err.value.error == "empty_file"
    assert read("<body>" + "<div>" * 300 + "<p>Nội dung</p>" + "</div>" * 300).blocks[0].text == "Nội dung"
    with pytest.raises(IngestError) as err:
        read("<body>" + "<div>" * 3000 + "<p>Nội dung</p>")
    assert err.value.error == "corrupt_html"


# ---------------------------------------------------------------- the vbpl sample


def _norm(line: str) -> str:
    line = unicodedata.normalize("NFC", line).replace("\u200e", "")
    line = re.sub(r"\[(\d{1,3}|\*+)\]", r"\1", line)  # anchors: `[1]` here, `1` or `[1]` in the text twin
    return re.sub(r"[\s|]+", " ", line).strip()


def _lines(blocks: list[Block]) -> list[str]:
    out = []
    for b in blocks:
        out.extend((f"[{b.label}] {b.text}" if b.kind == "footnote" else b.text).split("\n"))
    return [x for x in map(_norm, out) if re.search(r"[^\W_]", x)]


@pytest.mark.skipif(not (VBPL / "html").is_dir(), reason="the vbpl HTML sample is not beside the repository")
def test_vbpl_html_sample_matches_its_text_twins() -> None:
    """The sample pages give the paragraphs of their .txt twins (normalized lines, in order)."""
    matched = total = 0
    for page in sorted((VBPL / "html").glob("*.html")):
        twin = VBPL / "txt" / f"{page.stem}.txt"
        mine = _lines(read_html(page.read_bytes(), str(page), "s").blocks)
        theirs = [x for x in map(_norm, twin.read_text("utf-8").split("\n")) if re.search(r"[^\W_]", x)]
        blocks = difflib.SequenceMatcher(None, mine, theirs, autojunk=False).get_matching_blocks()
        matched += sum(b.size for b in blocks)
        total += len(theirs)
    assert total > 1000
    assert matched / total >= 0.98
