"""Pydantic models of the document record and the citation graph."""

from models.record import (
    SCHEMA_VERSION,
    Assignment,
    Citation,
    Deadline,
    ErrorRecord,
    Footnote,
    Metadata,
    Record,
    RegistryStamp,
    Section,
    Signer,
    Source,
    Span,
    Table,
    Target,
)

__all__ = [
    "SCHEMA_VERSION",
    "Assignment",
    "Citation",
    "Deadline",
    "ErrorRecord",
    "Footnote",
    "Metadata",
    "Record",
    "RegistryStamp",
    "Section",
    "Signer",
    "Source",
    "Span",
    "Table",
    "Target",
]
