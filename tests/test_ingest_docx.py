"""Word inputs: one short Kế hoạch written as .docx (and .doc through LibreOffice) reads like its text version.

The plan and the comparison helpers here are shared with the HTML and legacy-encoding tests.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile

import pytest

from pipeline.blocks import Block, Ingested
from pipeline.ingest.errors import IngestError
from pipeline.ingest.legacy import TCVN3, VNI, to_legacy
from pipeline.ingest.text import read_text

docx = pytest.importorskip("docx")

from pipeline.ingest.doc import is_doc, read_doc, soffice_path  # noqa: E402
from pipeline.ingest.docx import is_docx, read_docx  # noqa: E402

# ---------------------------------------------------------------- one plan, many forms

HEADER_LEFT = ["UBND TỈNH QUẢNG NGÃI", "SỞ Y TẾ", "Số: 15/KH-SYT"]
HEADER_RIGHT = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "Quảng Ngãi, ngày 10 tháng 3 năm 2024",
]
BODY = [
    "KẾ HOẠCH",
    "Triển khai công tác tiêm chủng mở rộng năm 2024",
    "Căn cứ Nghị định số 49/2020/NĐ-CP ngày 17 tháng 4 năm 2020 của Chính phủ về công tác y tế dự phòng;",
    "Sở Y tế ban hành Kế hoạch triển khai như sau:",
    "I. MỤC ĐÍCH, YÊU CẦU",
    "1. Mục đích",
    "a) Bảo đảm 95% trẻ em dưới 1 tuổi được tiêm chủng đầy đủ các loại vắc xin.",
    "b) Hoàn thành việc rà soát đối tượng trước ngày 30 tháng 6 năm 2024.",
    "II. TỔ CHỨC THỰC HIỆN",
    "1. Trung tâm Kiểm soát bệnh tật tỉnh chủ trì, phối hợp với các đơn vị liên quan triển khai Kế hoạch này.",
]
TABLE = [
    ["TT", "Nội dung", "Thời gian"],
    ["1", "Tập huấn cán bộ", "Quý I"],
    ["2", "Tiêm chủng bổ sung", "Quý II"],
]
RECIPIENTS = ["Nơi nhận:", "- UBND tỉnh;", "- Lưu: VT."]
SIGNATURE = ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Văn An"]


def encode(lines: list[str], encoding: str | None) -> list[str]:
    return [to_legacy(line, encoding, as_typed=True) if encoding else line for line in lines]


def plan_text(encoding: str | None = None) -> str:
    """The plan as a text file: header and closing written column by column, the table tab-separated."""
    e = lambda lines: encode(lines, encoding)  # noqa: E731
    table = "\n".join("\t".join(e(row)) for row in TABLE)
    return (
        "\n\n".join([*e(HEADER_LEFT), *e(HEADER_RIGHT), *e(BODY), table, *e(RECIPIENTS), *e(SIGNATURE)])
        + "\n"
    )


def ingest_text(text: str) -> Ingested:
    data = text.encode("utf-8")
    return read_text(data, "plan.txt", hashlib.sha256(data).hexdigest())


def plan_docx(encoding: str | None = None, font: str | None = None, footnote: bool = False) -> bytes:
    """The plan as a .docx; with `encoding`, every run typed in that legacy font (`font`)."""
    document = docx.Document()
    e = lambda lines: encode(lines, encoding)  # noqa: E731

    def fill(cell, lines: list[str]) -> None:  # type: ignore[no-untyped-def]
        cell.paragraphs[0].add_run(lines[0])
        for line in lines[1:]:
            cell.add_paragraph().add_run(line)

    header = document.add_table(rows=2, cols=2)
    fill(header.cell(0, 0), e(HEADER_LEFT[:2]))
    fill(header.cell(0, 1), e(HEADER_RIGHT[:2]))
    fill(header.cell(1, 0), e(HEADER_LEFT[2:]))
    fill(header.cell(1, 1), e(HEADER_RIGHT[2:]))
    for line in e(BODY):
        document.add_paragraph().add_run(line)
    table = document.add_table(rows=len(TABLE), cols=len(TABLE[0]))
    for i, row in enumerate(TABLE):
        for j, value in enumerate(e(row)):
            table.cell(i, j).paragraphs[0].add_run(value)
    document.add_paragraph()  # Word's binary format joins tables that touch
    closing = document.add_table(rows=1, cols=2)
    fill(closing.cell(0, 0), e(RECIPIENTS))
    fill(closing.cell(0, 1), e(SIGNATURE))
    document.add_paragraph()  # a Word document ends with a paragraph
    if font:
        for run in _all_runs(document):
            run.font.name = font
    buffer = io.BytesIO()
    document.save(buffer)
    data = buffer.getvalue()
    return add_footnote(data, "Căn cứ", "Đã được sửa đổi năm 2024.") if footnote else data


def _all_runs(document):  # type: ignore[no-untyped-def]
    for paragraph in document.paragraphs:
        yield from paragraph.runs
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    yield from paragraph.runs


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_FOOTNOTES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes {_W}>'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
    '<w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> {text}</w:t></w:r></w:p>'
    "</w:footnote></w:footnotes>"
)


def add_footnote(data: bytes, after: str, text: str) -> bytes:
    """Give a .docx one footnote, referenced at the end of the paragraph starting with `after`.

    python-docx cannot write footnotes, so the package parts are added by hand.
    """
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "word/document.xml":
                xml = content.decode("utf-8")
                start = xml.index(f"<w:t>{after}")
                end = xml.index("</w:r>", start) + len("</w:r>")
                ref = '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteReference w:id="1"/></w:r>'
                content = (xml[:end] + ref + xml[end:]).encode("utf-8")
            elif item.filename == "word/_rels/document.xml.rels":
                rel = (
                    '<Relationship Id="rIdFn1" Target="footnotes.xml" Type="http://schemas.openxmlformats.org/'
                    'officeDocument/2006/relationships/footnotes"/></Relationships>'
                )
                content = content.decode("utf-8").replace("</Relationships>", rel).encode("utf-8")
            elif item.filename == "[Content_Types].xml":
                override = (
                    '<Override PartName="/word/footnotes.xml" ContentType="application/'
                    'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>'
                )
                content = content.decode("utf-8").replace("</Types>", override).encode("utf-8")
            target.writestr(item, content)
        target.writestr("word/footnotes.xml", _FOOTNOTES.format(text=text))
    return out.getvalue()


# ---------------------------------------------------------------- comparison helpers


def content(ingested: Ingested) -> list[tuple[str, str]]:
    """(kind, words) per block, with runs of paragraphs joined: readers may cut paragraphs differently."""
    out: list[tuple[str, str]] = []
    for block in ingested.blocks:
        words = " ".join(block.text.split())
        if out and block.kind == "paragraph" and out[-1][0] == "paragraph":
            out[-1] = ("paragraph", f"{out[-1][1]} {words}")
        else:
            out.append((block.kind, words))
    return out


def record_view(ingested: Ingested) -> dict[str, object]:
    """What a form must not change in the record: metadata, section paths, citation symbols."""
    from pipeline.extract import extract_doc
    from pipeline.normalize import assemble

    record = extract_doc(assemble(ingested))
    metadata = record.metadata.model_dump()
    return {
        "metadata": metadata,
        "sections": [s.path for s in record.sections],
        "citations": [c.symbol for c in record.citations],
    }


def assert_same_record(a: Ingested, b: Ingested) -> None:
    assert record_view(a) == record_view(b)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------- tests


def test_docx_reads_like_the_text_version() -> None:
    data = plan_docx()
    ingested = read_docx(data, "plan.docx", sha(data))
    assert ingested.format == "docx"
    assert content(ingested) == content(ingest_text(plan_text()))
    kinds = [b.kind for b in ingested.blocks]
    assert kinds[:2] == ["header_left", "header_right"]
    assert kinds[-2:] == ["recipients", "signature"]
    header_left = ingested.blocks[0]
    assert header_left.text == "\n".join(HEADER_LEFT)
    table = next(b for b in ingested.blocks if b.kind == "table")
    assert table.rows == TABLE
    assert table.text.split("\n")[1] == "1 | Tập huấn cán bộ | Quý I"
    assert ingested.warnings == []


def test_docx_gives_the_same_record_as_text() -> None:
    data = plan_docx()
    assert_same_record(read_docx(data, "plan.docx", sha(data)), ingest_text(plan_text()))


def test_docx_footnote_is_linked_to_its_anchor() -> None:
    data = plan_docx(footnote=True)
    blocks = read_docx(data, "plan.docx", sha(data)).blocks
    anchored = next(b for b in blocks if b.text.startswith("Căn cứ"))
    assert anchored.text.endswith("dự phòng;[1]")
    note = blocks[-1]
    assert (note.kind, note.label, note.text) == ("footnote", "1", "Đã được sửa đổi năm 2024.")


_LEVELS = [("upperRoman", "%1."), ("decimal", "%2."), ("lowerLetter", "%3)")]


def _add_multilevel_list(document) -> str:  # type: ignore[no-untyped-def]
    """Add an `I.` / `1.` / `a)` list definition to the document's numbering part; returns its numId."""
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    levels = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/></w:lvl>'
        for i, (fmt, text) in enumerate(_LEVELS)
    )
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(f'<w:abstractNum {w} w:abstractNumId="90">{levels}</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {w} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    return "90"


def test_docx_automatic_numbering_is_printed() -> None:
    """Section numbers made by Word's list numbering are not in the runs: the reader writes them."""
    from docx.oxml import parse_xml

    document = docx.Document()
    num_id = _add_multilevel_list(document)
    marker = re.compile(r"^(?:([IVX]+)\.|(\d+)\.|([a-z])\))\s+")
    expected = []
    for line in BODY:
        m = marker.match(line)
        paragraph = document.add_paragraph()
        if not m:
            paragraph.add_run(line)
            expected.append(line)
            continue
        level = next(i for i, g in enumerate(m.groups()) if g)
        paragraph.add_run(line[m.end() :])
        w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
        paragraph._p.get_or_add_pPr().append(
            parse_xml(f'<w:numPr {w}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>')
        )
        expected.append(line)
    buffer = io.BytesIO()
    document.save(buffer)
    assert [b.text for b in read_docx(buffer.getvalue(), "x.docx", "s").blocks] == expected


def test_docx_headings_line_breaks_and_merged_cells() -> None:
    document = docx.Document()
    document.add_heading("Phụ lục I", level=1)
    paragraph = document.add_paragraph()
    paragraph.add_run("Dòng một")
    paragraph.add_run().add_break()
    paragraph.add_run("Dòng hai")
    table = document.add_table(rows=3, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Nhóm", "Chỉ tiêu"
    merged = table.cell(1, 0).merge(table.cell(2, 0))
    merged.text = "A"
    table.cell(1, 1).text, table.cell(2, 1).text = "95%", "100%"
    buffer = io.BytesIO()
    document.save(buffer)
    blocks = read_docx(buffer.getvalue(), "x.docx", "s").blocks
    assert [(b.kind, b.text) for b in blocks[:3]] == [
        ("heading", "Phụ lục I"),
        ("paragraph", "Dòng một"),
        ("paragraph", "Dòng hai"),
    ]
    assert blocks[3].rows == [["Nhóm", "Chỉ tiêu"], ["A", "95%"], ["", "100%"]]


@pytest.mark.parametrize(
    ("encoding", "font"), [(TCVN3, ".VnTime"), (VNI, "VNI-Times"), (TCVN3, None), (VNI, None)]
)
def test_legacy_font_docx_reads_like_unicode(encoding: str, font: str | None) -> None:
    """By font name when the runs carry one, by detection otherwise."""
    data = plan_docx(encoding=encoding, font=font)
    ingested = read_docx(data, "plan.docx", sha(data))
    assert content(ingested) == content(ingest_text(plan_text()))
    assert any(f"converted from {encoding}" in w for w in ingested.warnings)
    if font is None:
        assert_same_record(ingested, ingest_text(plan_text()))


def test_non_breaking_hyphen_and_hidden_text() -> None:
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    document = docx.Document()
    paragraph = document.add_paragraph()
    paragraph.add_run("Nghị định số 49/2020/NĐ")
    paragraph._p.append(parse_xml(f"<w:r {w}><w:noBreakHyphen/><w:t>CP</w:t></w:r>"))
    hidden = paragraph.add_run(" (ghi chú ẩn)")
    hidden.font.hidden = True
    buffer = io.BytesIO()
    document.save(buffer)
    assert read_docx(buffer.getvalue(), "x.docx", "s").blocks[0].text == "Nghị định số 49/2020/NĐ-CP"


def test_capitals_font_run() -> None:
    document = docx.Document()
    run = document.add_paragraph().add_run("quyÕt ®Þnh")
    run.font.name = ".VnTimeH"
    buffer = io.BytesIO()
    document.save(buffer)
    assert read_docx(buffer.getvalue(), "x.docx", "s").blocks[0].text == "QUYẾT ĐỊNH"


def test_sniffing_word_files() -> None:
    assert is_docx(plan_docx())
    assert not is_docx(b"PK\x03\x04 a zip that is not a Word file")
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500)
    assert is_doc(ole + "WordDocument".encode("utf-16-le"))
    assert not is_doc(ole + "Workbook".encode("utf-16-le"))  # an .xls


def test_broken_docx_is_a_clear_error() -> None:
    with pytest.raises(IngestError) as err:
        read_docx(b"PK\x03\x04 not really a zip", "bad.docx", "s")
    assert err.value.error == "corrupt_docx"


@pytest.mark.skipif(soffice_path() is None, reason="LibreOffice (soffice) is not installed")
def test_doc_through_libreoffice_reads_like_the_text_version(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import subprocess

    source = tmp_path / "plan.docx"
    source.write_bytes(plan_docx())
    subprocess.run(
        [
            str(soffice_path()),
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "doc",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    data = (tmp_path / "plan.doc").read_bytes()
    assert data[:4] == b"\xd0\xcf\x11\xe0"
    ingested = read_doc(data, "plan.doc", sha(data))
    assert ingested.format == "doc"
    assert content(ingested) == content(ingest_text(plan_text()))
    assert_same_record(ingested, ingest_text(plan_text()))


@pytest.mark.skipif(soffice_path() is None, reason="LibreOffice (soffice) is not installed")
def test_damaged_doc_is_a_clear_error() -> None:
    with pytest.raises(IngestError) as err:
        read_doc(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"not a document" * 50, "bad.doc", "s")
    assert err.value.error == "corrupt_doc"


def test_doc_without_libreoffice_names_the_install_step(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("pipeline.ingest.doc.shutil.which", lambda name: None)
    with pytest.raises(IngestError) as err:
        read_doc(b"\xd0\xcf\x11\xe0rest", "old.doc", "s")
    assert err.value.error == "missing_converter"
    assert re.search(r"apt-get install libreoffice-writer", err.value.reason)


def _blocks_text(blocks: list[Block]) -> list[str]:
    return [b.text for b in blocks]


def test_every_form_through_ingest_gives_the_same_record() -> None:
    """Once `pipeline.ingest` dispatches to these readers: .docx, HTML and a TCVN3 text file, by content."""
    from test_ingest_html import plan_html

    from pipeline.ingest import ingest_bytes, sniff

    docx_bytes = plan_docx()
    if sniff(docx_bytes) != "docx":
        pytest.skip("pipeline.ingest does not dispatch to the Word and HTML readers yet")
    reference = ingest_text(plan_text())
    forms = {
        "plan.docx": docx_bytes,
        "plan.html": plan_html().encode("utf-8"),
        "plan-tcvn3.txt": plan_text(TCVN3).encode("cp1252"),
        "plan-vni.txt": plan_text(VNI).encode("cp1252"),
    }
    for name, data in forms.items():
        ingested = ingest_bytes(data, name)
        assert content(ingested) == content(reference), name
        assert_same_record(ingested, reference)
