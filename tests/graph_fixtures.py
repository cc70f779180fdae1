"""Records built by hand for the store, graph and query tests: they must not depend on extraction."""

from __future__ import annotations

import hashlib

import pytest

from models.record import Assignment, Citation, Deadline, Metadata, Record, Source, Target
from pipeline import graph

CT48 = "vn:chi-thi:48-CT/TW"
KL44 = "vn:ket-luan:44-KL/TW"
NQ51 = "vn:nghi-quyet:51-NQ/TW"
KH162 = "vn:ke-hoach:162/KH-BCĐ:2022"


def cite(text: str, target_id: str | None, relation: str = "mentions", **kw) -> Citation:
    return Citation(start=0, end=len(text), text=text, target_id=target_id, relation=relation, **kw)


def record(
    doc_id: str,
    citations: list[Citation],
    fmt: str = "text",
    canonical_id: str | None = None,
    **meta,
) -> Record:
    """A record whose text holds each citation once, one sentence each, with offsets set."""
    text, placed = "", []
    for c in citations:
        start = len(text) + len("Căn cứ ")
        text += f"Căn cứ {c.text}.\n"
        placed.append(c.model_copy(update={"start": start, "end": start + len(c.text)}))
    text += "Giao Công an tỉnh chủ trì thực hiện; Sở Tư pháp phối hợp. Hoàn thành trước ngày 30/6/2024.\n"
    a0 = text.index("Công an tỉnh")
    a1 = text.index("Sở Tư pháp")
    d0 = text.index("trước ngày 30/6/2024")
    t0 = text.index("Hoàn thành")
    return Record(
        doc_id=doc_id,
        source=Source(path=f"{doc_id}.{'pdf' if fmt == 'pdf' else 'txt'}", format=fmt,
                      sha256=hashlib.sha256(text.encode()).hexdigest()),
        text=text,
        metadata=Metadata(canonical_id=canonical_id, **meta),
        citations=placed,
        assignments=[
            Assignment(start=a0, end=a0 + 12, body="Công an tỉnh", body_canonical="Công an tỉnh Đắk Nông",
                       role="lead", task="thực hiện"),
            Assignment(start=a1, end=a1 + 10, body="Sở Tư pháp", role="support", task="thực hiện"),
            Assignment(start=a0, end=a0 + 12, body="Công an tỉnh", body_canonical="Công an tỉnh Đắk Nông",
                       role="support", task="báo cáo"),
        ],
        deadlines=[Deadline(start=d0, end=d0 + 20, text="trước ngày 30/6/2024", kind="deadline",
                            value="2024-06-30", task="thực hiện", assignments=[0])],
        targets=[Target(start=t0, end=t0 + 10, text="100% xã", metric="xã đạt chuẩn", value=100, unit="%",
                        assignments=[0])],
    )


def corpus_records() -> list[tuple[str, Record]]:
    """Four documents and a PDF rendering of one: Chỉ thị 48 cited under two spellings by three."""
    kh162 = record(
        "kh-162", [
            cite("Kết luận số 44-KL/TW ngày 22/01/2019 của Ban Bí thư", KL44, "basis", doc_type="Kết luận",
                 symbol="44-KL/TW", number="44", date="2019-01-22", issuer="Ban Bí thư"),
            cite("Chỉ thị 48/CT-TW ngày 22/10/2010 của Bộ Chính trị", CT48, doc_type="Chỉ thị",
                 symbol="48/CT-TW", number="48", date="2010-10-22", issuer="Bộ Chính trị"),
        ],
        canonical_id=KH162, doc_type="Kế hoạch", symbol="162/KH-BCĐ", number="162", issued_date="2022-03-28",
        issuer="Ban Chỉ đạo 138 tỉnh Đắk Nông", title="Thực hiện phong trào năm 2022",
    )
    kh162_pdf = kh162.model_copy(update={"source": kh162.source.model_copy(update={"format": "pdf",
                                                                                   "path": "kh-162.pdf"})})
    hd05 = record(
        "hd-05", [
            cite("Chỉ thị số 48-CT/TW ngày 22/10/2010 của Bộ Chính trị", CT48, doc_type="Chỉ thị",
                 symbol="48-CT/TW", number="48", date="2010-10-22", issuer="Bộ Chính trị"),
            cite("Chỉ thị số 48-CT/TW", CT48, doc_type="Chỉ thị", symbol="48-CT/TW"),
            cite("Kế hoạch số 162/KH-BCĐ", KH162, "basis", doc_type="Kế hoạch", symbol="162/KH-BCĐ"),
        ],
        doc_type="Hướng dẫn", symbol="05/HD-CCB", number="05", issued_date="2024-01-11",
        issuer="Hội Cựu chiến binh Việt Nam",
    )
    kh_bg = record(
        "kh-bg", [
            cite("Chỉ thị số 48-CT/TW của Bộ Chính trị (Khóa X)", CT48, doc_type="Chỉ thị", symbol="48-CT/TW"),
            cite("Nghị quyết số 51-NQ/TW ngày 05/9/2019", NQ51, "basis", doc_type="Nghị quyết", symbol="51-NQ/TW",
                 date="2019-09-05"),
            cite("Kết luận số 44-KL/TW", KL44, "basis", doc_type="Kết luận", symbol="44-KL/TW"),
            cite("Đề án số 201", None, "basis", doc_type="Đề án", name="Đề án số 201"),
        ],
        doc_type="Kế hoạch", symbol="/KH-LĐLĐ", issued_date="2024-02", issuer="Liên đoàn Lao động tỉnh Bắc Giang",
    )
    kl44 = record(
        "kl-44", [cite("Nghị quyết số 51-NQ/TW", NQ51, "basis", doc_type="Nghị quyết", symbol="51-NQ/TW")],
        canonical_id=KL44, doc_type="Kết luận", symbol="44-KL/TW", number="44", issued_date="2019-01-22",
        issuer="Ban Bí thư",
    )
    return [
        ("kh-162.txt", kh162), ("pdf/kh-162.pdf", kh162_pdf), ("hd-05.txt", hd05), ("kh-bg.txt", kh_bg),
        ("kl-44.txt", kl44),
    ]


def build_store(db) -> None:
    """A store holding `corpus_records()`, graph built."""
    from pipeline import graph, store

    con = store.connect(db)
    try:
        for path, r in corpus_records():
            store.put_record(con, path, r, r.source.sha256, len(r.text), graph.canonical_id_of(r.metadata))
        graph.rebuild(con)
    finally:
        con.close()


@pytest.fixture
def no_resolver(monkeypatch):
    """Hide the citation resolver: these tests give target ids themselves and must not depend on it."""

    class KeepIds:
        def add_citation(self, c):
            pass

        def add_document(self, metadata):
            return metadata.canonical_id

        def resolve(self, c):
            pass

    monkeypatch.setattr(graph, "CorpusResolver", KeepIds)
    monkeypatch.setattr(graph, "canonical_id_for", lambda metadata: None)
