"""spaCy integration: citations (and the other stages' items) as span groups.

`vbgraph_citations` is a pipeline component that runs the citation stage on a spaCy Doc
and puts each mention in `doc.spans["citations"]`, the structured `Citation` on
`span._.citation`; `record_to_spacy` turns a whole extracted record into a Doc with
span groups "citations", "deadlines", "targets" and "assignments", ready for
`displacy.render(doc, style="span", options={"spans_key": "citations"})`.

The Vietnamese tokenizer is used without pyvi (word segmentation is not needed to
show character spans; `char_span(..., alignment_mode="expand")` snaps to tokens).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc as SpacyDoc
from spacy.tokens import Span

from models.record import Citation, Metadata, Record
from pipeline.blocks import Doc, PlacedBlock
from pipeline.citations import find_citations

SPAN_KEYS = ("citations", "deadlines", "targets", "assignments")
_EXTENSIONS = {"citations": "citation", "deadlines": "deadline", "targets": "target", "assignments": "assignment"}


def _getter(attr: str) -> Callable[[Span], Any]:
    # The item is kept in doc.user_data under the span's id: spaCy stores plain span
    # attributes by character offsets, so the mentions of a list sharing one stretch
    # (`Kế hoạch số 34, 36, 37/KH-BCĐ`) would overwrite each other.
    return lambda span: span.doc.user_data.get(("vbgraph", attr, span.id))


for _attr in _EXTENSIONS.values():
    Span.set_extension(_attr, getter=_getter(_attr), force=True)


def blank_vi() -> Language:
    """A blank Vietnamese pipeline that needs no word segmenter."""
    return spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})


def text_doc(text: str, path: str = "<spacy>") -> Doc:
    """A pipeline `Doc` over plain text: one paragraph block per line."""
    blocks, pos = [], 0
    for line in text.split("\n"):
        blocks.append(PlacedBlock(kind="paragraph", start=pos, end=pos + len(line)))
        pos += len(line) + 1
    return Doc(path=path, format="text", sha256="", text=text, blocks=blocks)


def _span(doc: SpacyDoc, item, label: str, attr: str, span_id: int) -> Span | None:
    kb_id = getattr(item, "target_id", None) or ""
    span = doc.char_span(item.start, item.end, label=label, kb_id=kb_id, alignment_mode="expand", span_id=span_id)
    if span is not None:
        doc.user_data[("vbgraph", attr, span_id)] = item
    return span


def add_spans(doc: SpacyDoc, key: str, items: Iterable[object], label_of: Callable[[Any], str]) -> SpacyDoc:
    """Put `items` (anything with `start`/`end`) in `doc.spans[key]`, the item on `span._.<kind>`
    and, for citations, the canonical id as `span.kb_id_`."""
    attr = _EXTENSIONS.get(key, "citation")
    spans = [s for i, it in enumerate(items, 1) if (s := _span(doc, it, label_of(it), attr, i)) is not None]
    doc.spans[key] = spans
    return doc


def _citation_label(c: Citation) -> str:
    return f"{c.doc_type or 'Văn bản'} · {c.relation}"


class CitationsComponent:
    """Runs `find_citations` on the Doc's text (no header or sections: a plain-text view)."""

    def __call__(self, doc: SpacyDoc) -> SpacyDoc:
        citations = find_citations(text_doc(doc.text), Metadata(), [])
        return add_spans(doc, "citations", citations, _citation_label)


@Language.factory("vbgraph_citations")
def make_citations_component(nlp: Language, name: str) -> CitationsComponent:
    return CitationsComponent()


def record_to_spacy(record: Record, nlp: Language | None = None) -> SpacyDoc:
    """A spaCy Doc over `record.text` with the record's items as span groups."""
    doc = (nlp or blank_vi()).make_doc(record.text)
    add_spans(doc, "citations", record.citations, _citation_label)
    add_spans(doc, "deadlines", record.deadlines, lambda d: d.kind)
    add_spans(doc, "targets", record.targets, lambda t: t.unit or "target")
    add_spans(doc, "assignments", record.assignments, lambda a: a.role)
    return doc
