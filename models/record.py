"""The document record: what `vbgraph extract` writes for one input document.

The field names and value formats follow the record contract (SCHEMA.md of the
evaluation kit); fields beyond it are marked "extra" in their descriptions.
Offsets (`start`, `end`) are character offsets into `Record.text`, end exclusive.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1"

Relation = Literal["basis", "replaces", "amends", "mentions"]
DeadlineKind = Literal["deadline", "period", "recurring", "event"]
Comparator = Literal[">=", ">", "<=", "<", "="]
Direction = Literal["increase", "decrease", "reach", "maintain"]
Role = Literal["lead", "support", "requested"]
BlockKind = Literal[
    "paragraph",
    "heading",
    "header_left",
    "header_right",
    "footnote",
    "table",
    "signature",
    "recipients",
    "stamp",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Span(_Model):
    """A stretch of the record's text, with the page it starts on (PDF inputs)."""

    start: int
    end: int
    page: int | None = Field(None, description="extra: 1-based page number where the item starts (PDF inputs)")


class Source(_Model):
    path: str = Field(description="the input path as given")
    format: str = Field(description="pdf, text, markdown, docx, html ...")
    sha256: str
    pages: int | None = None
    ocr_pages: list[int] = Field(default_factory=list, description="extra: 1-based pages read by OCR (scans)")
    ocr_confidence: float | None = Field(
        None, description="extra: mean Tesseract word confidence (0-100) over the OCR'd pages"
    )


class Signer(_Model):
    name: str | None = None
    position: str | None = None
    authority: str | None = Field(None, description="capacity line above the position: TM., KT., TL., TRƯỞNG BAN ...")
    printed_lines: list[str] = Field(default_factory=list, description="extra: the signature block's lines as printed")


class RegistryStamp(_Model):
    """A receiving office's 'ĐẾN / Số / Ngày' stamp: not the document's own number or date."""

    office: str | None = None
    number: str | None = None
    date: str | None = None


class Metadata(_Model):
    doc_type: str | None = None
    number: str | None = None
    symbol: str | None = None
    issuer: str | None = None
    parent_issuer: str | None = None
    place: str | None = None
    issued_date: str | None = None
    title: str | None = None
    signer: Signer | None = None
    recipients: list[str] = Field(default_factory=list)
    effective_date: str | None = Field(None, description="the document's own entry-into-force date, when stated")
    issuer_inferred: bool = Field(False, description="extra: the issuer was read from the body text, not a header")
    registry_stamp: RegistryStamp | None = Field(None, description="extra: receiving office's stamp, if any")
    appendix_of: str | None = Field(
        None, description="extra: for a file holding only an appendix, the text it belongs to, as printed"
    )
    canonical_id: str | None = Field(None, description="extra: the id a citation of this document resolves to")
    signed_at: str | None = Field(None, description="extra: signing time shown by the e-signature (ISO 8601)")
    number_stamped: bool = Field(False, description="extra: the number was filled in by the e-signing system")
    date_stamped: bool = Field(False, description="extra: the day of issued_date was filled in by the e-signing system")


class Section(Span):
    id: str
    parent: str | None = None
    level: int
    label: str
    heading: str
    kind: str = Field("item", description="extra: part, item, point, phan, chuong, muc, dieu, khoan, diem, phu_luc")
    path: str = Field(description="extra: label path from the root, e.g. 'III/2'")


class Citation(Span):
    text: str
    doc_type: str | None = None
    number: str | None = None
    symbol: str | None = None
    date: str | None = None
    issuer: str | None = None
    term: str | None = Field(None, description="extra: Party or legislature term, e.g. 'khóa XIII'")
    name: str | None = None
    title: str | None = Field(None, description="extra: the subject given with the mention ('về ...')")
    relation: Relation = "mentions"
    target_id: str | None = None
    section: str | None = Field(None, description="extra: path of the section the mention is in")
    in_footnote: bool = Field(False, description="extra: the mention is inside a footnote")
    resolved_by: str | None = Field(None, description="extra: how target_id was found: full, document, corpus, alias")
    flags: list[str] = Field(default_factory=list, description="extra: e.g. 'ambiguous', 'year_unknown'")


class Deadline(Span):
    text: str
    kind: DeadlineKind
    value: str | None = None
    task: str | None = None
    body: str | None = None
    section: str | None = None
    year_inferred: bool = Field(False, description="extra: the year was not printed and was taken from the plan")
    assignments: list[int] = Field(default_factory=list, description="extra: indexes into `assignments` of the task")


class Target(Span):
    text: str
    metric: str | None = None
    comparator: Comparator = "="
    value: float
    value_max: float | None = None
    unit: str | None = None
    direction: Direction | None = None
    baseline: str | None = None
    section: str | None = None
    assignments: list[int] = Field(default_factory=list, description="extra: indexes into `assignments` of the task")


class Assignment(Span):
    body: str
    body_canonical: str | None = Field(None, description="extra: abbreviations expanded, level made explicit")
    role: Role
    task: str | None = None
    section: str | None = None


class Footnote(Span):
    """extra: a footnote's text, linked to its anchor."""

    label: str
    anchor: int | None = Field(None, description="offset in text of the anchor, when found")


class Table(Span):
    """extra: a table as rows of cells."""

    rows: list[list[str]]
    section: str | None = None


class Record(_Model):
    schema_version: str = SCHEMA_VERSION
    doc_id: str
    source: Source
    text: str
    metadata: Metadata = Field(default_factory=Metadata)
    sections: list[Section] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    deadlines: list[Deadline] = Field(default_factory=list)
    targets: list[Target] = Field(default_factory=list)
    assignments: list[Assignment] = Field(default_factory=list)
    footnotes: list[Footnote] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list)
    pages: list[Span] = Field(default_factory=list, description="extra: the text span of each page (PDF inputs)")
    warnings: list[str] = Field(default_factory=list)


class ErrorRecord(_Model):
    """What `extract` writes instead of a record when a file cannot be processed."""

    path: str
    stage: str
    error: str = Field(description="the kind of failure, e.g. 'encrypted_pdf', 'undecodable_text'")
    reason: str = Field(description="a sentence a researcher can act on")
