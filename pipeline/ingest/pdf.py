"""PDF inputs, read into the same blocks the text reader makes.

The characters of the text layer and the page's rules come from pdfium
(`pdf_chars`, in pdfplumber's conventions and pdfminer's geometry; about fifty
times faster than pdfplumber's parse), or from pdfplumber for the pages pdfium
cannot give the same way and when asked (`chars="pdfplumber"`). One pass over
each page's characters and rules gives lines with their fonts and positions
(see `pdf_layout`); from them:

- the two-column header of page one becomes `header_left` / `header_right`
  blocks, the closing `Nơi nhận:` list and signature `recipients` /
  `signature` blocks (lines inside a block joined by "\\n");
- page numbers and running heads are dropped;
- footnotes (smaller type at the page foot) become `footnote` blocks with their
  `label`, joined across pages; their anchors (raised, smaller digits glued to
  a word) become `[n]` in the body text, as the text reader writes them;
- tables become `table` blocks with `rows` (ruled ones through pdfplumber's
  table finder, unruled ones from aligned columns), continued across pages;
- body lines are re-flowed into paragraphs with the text reader's rules (the
  same markers start paragraphs), helped by indents, spacing and bold type;
  a sentence broken by a page break stays one paragraph.

Encrypted, corrupt, empty and image-only PDFs raise `IngestError`.
"""

from __future__ import annotations

import io
import re
from typing import Literal

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

from pipeline.blocks import Block, Ingested
from pipeline.ingest.errors import IngestError
from pipeline.ingest.esign import (
    is_signature_stamp_text,
    read_signatures,
    stamped_header_values,
)
from pipeline.ingest.legacy import convert_blocks, legacy_chars
from pipeline.ingest.ocr import OcrPage, OcrUnavailable, ocr_pdf_pages, ocr_summary, pages_needing_ocr
from pipeline.ingest.pdf_chars import ReadingDocument
from pipeline.ingest.pdf_layout import (
    Line,
    Metrics,
    PageData,
    Run,
    assign_cells,
    chars_to_runs,
    column_lines,
    drop_furniture,
    find_columns,
    fits,
    footnote_label,
    footnote_split,
    gutter_zone,
    join_wrapped,
    measure,
    page_rules,
    runs_text,
    runs_to_lines,
    split_columns,
)
from pipeline.ingest.text import MARKER, ends_sentence, is_caps_line, starts_sentence

# ---------------------------------------------------------------- opening


def _causes(exc: BaseException) -> list[BaseException]:
    """The exception, what it wraps (pdfplumber wraps pdfminer's errors in its args) and its causes."""
    seen: list[BaseException] = []
    todo = [exc]
    while todo and len(seen) < 10:
        e = todo.pop()
        if e in seen:
            continue
        seen.append(e)
        todo += [a for a in e.args if isinstance(a, BaseException)]
        todo += [c for c in (e.__cause__, e.__context__) if c is not None]
    return seen


def _pdf_error(exc: BaseException, path: str, doing: str) -> IngestError:
    """The `IngestError` for an exception raised while opening or reading a PDF."""
    causes = _causes(exc)
    if any(isinstance(e, (PDFPasswordIncorrect, PDFEncryptionError)) for e in causes) or any(
        "password" in str(e).lower() or "encrypt" in str(e).lower() for e in causes
    ):
        return IngestError(path, "encrypted_pdf", "the PDF is encrypted with a password; remove the password (or give an unencrypted copy) and run again")
    inner = next((e for e in reversed(causes) if str(e)), exc)
    detail = f"{type(inner).__name__}: {inner}" if str(inner) else type(inner).__name__
    return IngestError(path, "corrupt_pdf", f"the PDF is damaged and cannot be {doing} ({detail}); check that the file downloaded completely")


def _open(data: bytes, path: str):
    try:
        return pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer raises many kinds on broken files
        raise _pdf_error(exc, path, "opened") from exc


def _ocr_runs(page: OcrPage) -> list[Run]:
    """OCR'd words as runs, so a scanned page goes through the same layout reading."""
    runs: list[Run] = []
    for line in page.lines:
        _, top, _, bottom = line.bbox
        runs += [Run(w.shown, w.x0, w.x1, top, bottom, bottom - top, False, False) for w in line.words]
    return runs


def _read_pages(doc: ReadingDocument, path: str, extra: dict[int, list[Run]]) -> list[PageData]:
    """Each page's lines; `extra` adds runs the text layer lacks (OCR, stamped widget text)."""
    pages: list[PageData] = []
    try:
        for number, page in enumerate(doc.pages, start=1):
            runs = chars_to_runs(legacy_chars(page.chars)) + extra.get(number, [])  # .VnTime, VNI-Times
            rules, grid = page_rules(page)
            images = 0 if number in extra and not page.chars else len(page.images)
            data = PageData(number, float(page.width), float(page.height), [], rules, grid, images)
            if grid and runs:
                runs = _ruled_tables(page, data, runs)
            # the e-signature stamp's text ("Ký bởi", "Thời gian ký") is not the document's
            data.lines = [
                ln for ln in runs_to_lines(runs, number) if not is_signature_stamp_text(runs_text(ln.runs, anchors=False))
            ]
            pages.append(data)
    except IngestError:
        raise
    except Exception as exc:
        raise _pdf_error(exc, path, "read") from exc
    return pages


def _ruled_tables(page, data: PageData, runs: list[Run]) -> list[Run]:
    """Tables drawn with ruling lines, through pdfplumber; returns the runs outside them."""
    try:
        tables = page.find_tables()
    except Exception:  # a malformed drawing never stops the reader
        return runs
    kept = runs
    for t in tables:
        rows = [[_cell(c) for c in row] for row in t.extract(x_tolerance=1)]
        rows = [r for r in rows if any(r)]
        if sum(1 for r in rows if sum(1 for c in r if c) >= 2) < 2:
            continue  # boxes around text (highlights, frames), not a table
        x0, top, x1, bottom = t.bbox
        data.tables.append((top, rows))
        kept = [
            r
            for r in kept
            if not (x0 - 1 <= (r.x0 + r.x1) / 2 <= x1 + 1 and top - 1 <= (r.top + r.bottom) / 2 <= bottom + 1)
        ]
    return kept


def _cell(c: str | None) -> str:
    return re.sub(r"\s+", " ", c or "").strip()


# ---------------------------------------------------------------- reading


CharSource = Literal["pdfium", "pdfplumber"]


def read_pdf(data: bytes, path: str, sha256: str, chars: CharSource = "pdfium") -> Ingested:
    """The blocks of a PDF. `chars` chooses where the text layer's characters and rules come
    from: pdfium (fast; pdfplumber still reads the pages pdfium cannot give the same way, see
    `pdf_chars`) or pdfplumber for every page."""
    pdf = _open(data, path)
    with pdf:
        try:
            n = len(pdf.pages)
        except Exception as exc:
            raise _pdf_error(exc, path, "read") from exc
        if n == 0:
            raise IngestError(path, "empty_pdf", "the PDF has no pages")
        with ReadingDocument(pdf, data if chars == "pdfium" else None) as doc:
            return _read(doc, data, path, sha256, n)


def _read(doc: ReadingDocument, data: bytes, path: str, sha256: str, n: int) -> Ingested:
    warnings: list[str] = []
    ocr_pages = _ocr_scanned_pages(doc, data, path, n, warnings)
    stamped = stamped_header_values(data, doc, read_signatures(data), ocr_pages)
    extra = {p.page: _ocr_runs(p) for p in ocr_pages}
    for number, t in stamped.fills:
        extra.setdefault(number, []).append(Run(t.text, t.x0, t.x1, t.top, t.bottom, t.bottom - t.top, False, False))
    pages = _read_pages(doc, path, extra)
    with_text = [p for p in pages if p.lines or p.tables]
    if not with_text:
        if any(p.images for p in pages):
            raise IngestError(
                path,
                "image_only_pdf",
                "the PDF has no text layer, only images (a scan?): OCR is needed to read it",
            )
        raise IngestError(path, "empty_pdf", "the PDF holds no text and no images: nothing to read")
    for p in pages:
        if not (p.lines or p.tables) and p.images:
            warnings.append(f"page {p.number} has no text layer, only images: OCR is needed for it")
    blocks = Layout(pages).blocks()
    warnings += convert_blocks(blocks)  # legacy-font text the font names did not give away, by detection
    if not any(b.text.strip() or b.rows for b in blocks):
        raise IngestError(
            path,
            "image_only_pdf",
            "the PDF's text layer holds only page numbers (a scan?): OCR is needed to read it",
        )
    for p in ocr_pages:  # a receiving office's stamp in the margin of a scan
        if p.margin_lines:
            at = next((i for i, b in enumerate(blocks) if b.page == p.page), len(blocks))
            blocks.insert(at, Block(kind="stamp", text="\n".join(ln.text for ln in p.margin_lines), page=p.page))
    ocr_list, ocr_confidence = ocr_summary(ocr_pages)
    return Ingested(
        path=path,
        format="pdf",
        sha256=sha256,
        blocks=blocks,
        pages=n,
        warnings=warnings,
        stamped=stamped,
        ocr_pages=ocr_list,
        ocr_confidence=ocr_confidence,
    )


def _ocr_scanned_pages(pdf: ReadingDocument, data: bytes, path: str, n: int, warnings: list[str]) -> list[OcrPage]:
    """OCR of the pages that are scans; a scan with no OCR installed is a clear error."""
    try:
        scanned = pages_needing_ocr(pdf)
    except Exception as exc:
        raise _pdf_error(exc, path, "read") from exc
    if not scanned:
        return []
    try:
        return ocr_pdf_pages(data, scanned)
    except OcrUnavailable as exc:
        if len(scanned) == n:
            raise IngestError(path, "ocr_unavailable", f"the PDF is a scan and OCR is needed: {exc}") from exc
        warnings.append(f"pages {', '.join(map(str, scanned))} are scans and were not read: {exc}")
        return []


# ---------------------------------------------------------------- layout to blocks

_INLINE_NOTE = re.compile(r"^\s*(\d{1,2})\s+\S")
_DASH = re.compile(r"^\s*[-–—+•]\s")
_STRONG_END = re.compile(r"[.!?:]\W*$")
_NOI_NHAN = re.compile(r"^\s*(?:Nơi\s*nhận|NƠI\s*NHẬN)\s*:?")
_BULLET = re.compile(r"^\s*[-+•–—*]\s*")


class Layout:
    """Turns the pages' lines into blocks, in reading order."""

    def __init__(self, pages: list[PageData]) -> None:
        self.pages = pages
        drop_furniture(pages)
        self.m: Metrics = measure(pages)
        self.out: list[Block] = []
        self.para: list[Line] = []
        self.pending_notes: list[Block] = []
        self.notes: list[Block] = []
        self.expected = 1
        self.table: _Table | None = None
        self.inline_note: Block | None = None
        self.interrupted = False  # an inline footnote came between the last line and the next

    # -- emitting

    def emit(self, block: Block) -> None:
        self.close_paragraph()
        self.out.append(block)

    def close_paragraph(self) -> None:
        if self.para:
            self.out.append(self._paragraph(self.para))
            self.para = []
        if self.pending_notes:
            self.out.extend(self.pending_notes)
            self.pending_notes = []

    def close_table(self) -> None:
        if self.table is not None:
            block = self.table.block()
            self.table = None
            if block is not None:
                self.emit(block)

    # -- pages

    def blocks(self) -> list[Block]:
        first = True
        for p in self.pages:
            if not p.lines and not p.tables:
                continue
            body, foot = footnote_split(p, self.m, self.expected)
            if first:
                body = self._header(body)
                first = False
            self._body(p, body)
            self._footnotes(foot, p.number)
        self.close_table()
        self.close_paragraph()
        self.out.extend(self.pending_notes)
        return [b for b in self.out if b.text.strip() or b.rows]

    def _header(self, body: list[Line]) -> list[Line]:
        if not body or body[0].top > 0.4 * self._page(body[0].page).height:
            return body
        zone = gutter_zone(body, self.m, 0)
        if zone is None:
            return body
        end, g = zone
        left, right = split_columns(body[:end], g)
        page = body[0].page
        ltext = column_lines(left, self.m.left, g)
        rtext = column_lines(right, g, self.m.right)
        if ltext:
            self.out.append(Block(kind="header_left", text="\n".join(ltext), page=page))
        if rtext:
            self.out.append(Block(kind="header_right", text="\n".join(rtext), page=page))
        return body[end:]

    def _page(self, number: int) -> PageData:
        return self.pages[number - 1]

    def _body(self, p: PageData, body: list[Line]) -> None:
        tables = sorted(p.tables, key=lambda t: t[0])
        i = 0
        n = len(body)
        while i < n:
            ln = body[i]
            while tables and tables[0][0] <= ln.top:
                self._ruled(tables.pop(0)[1], p.number)
            # the closing block: Nơi nhận (left) and the signature (right)
            if _NOI_NHAN.match(ln.text):
                self.close_table()
                j = self._closing(body, i)
                if j > i:
                    i = j
                    continue
            # tables without rules: a continued one, or a new one
            if self.table is not None:
                if self.table.takes(ln):
                    self.table.add(ln)
                    i += 1
                    continue
                self.close_table()
            cols = find_columns(ln)
            if cols and i + 1 < n and fits(body[i + 1], cols) and self._table_like(body, i, cols):
                self.close_paragraph()
                self.table = _Table(cols, p.number, ln.size)
                self.table.add(ln)
                i += 1
                continue
            self._line(ln)
            i += 1
        for _, rows in tables:
            self._ruled(rows, p.number)

    def _table_like(self, body: list[Line], i: int, cols: list[float]) -> bool:
        """A header-like line followed by lines that keep to its columns (at least two of them)."""
        ok = 0
        for ln in body[i + 1 : i + 6]:
            if not fits(ln, cols):
                break
            ok += 1
        if ok < 2 and not (ok == 1 and len(find_columns(body[i + 1]) or []) >= 3):
            return False
        # not justified body text: the header line has wide gaps between its groups
        return body[i].size <= self.m.size + 0.6

    def _ruled(self, rows: list[list[str]], page: int) -> None:
        self.close_table()
        text = "\n".join(" | ".join(c for c in row if c) for row in rows)
        self.emit(Block(kind="table", text=text, page=page, rows=rows))

    def _closing(self, body: list[Line], i: int) -> int:
        """Recipients and signature from the line `i` (Nơi nhận) on; returns the next body index."""
        start = i
        # signature lines printed just above the Nơi nhận line, in the right column only
        k = 0
        while (
            start - k > 0
            and body[start - k - 1].x0 > self.m.left + 0.4 * self.m.width
            and body[start - k - 1].page == body[i].page
            and len(self.para) > k
            and self.para[-k - 1] is body[start - k - 1]
        ):
            k += 1
        zone = gutter_zone(body, self.m, start - k)
        if zone is None:
            return self._recipients_only(body, i)
        if k:
            del self.para[-k:]
            start -= k
        end, g = zone
        self.close_paragraph()
        left, right = split_columns(body[start:end], g)
        page = body[i].page
        self.out.append(Block(kind="recipients", text="\n".join(_items(column_lines(left, self.m.left, g))), page=page))
        sig = column_lines(right, g, self.m.right)
        if sig:
            self.out.append(Block(kind="signature", text="\n".join(sig), page=page))
        return end

    def _recipients_only(self, body: list[Line], i: int) -> int:
        """A Nơi nhận list with no signature beside it: its bullet lines and their wrapped parts."""
        end = i + 1
        while end < len(body) and (_BULLET.match(body[end].text) or body[end].text[:1].islower()) and body[end].size <= body[i].size + 0.6:
            end += 1
        if end == i + 1:
            return i
        self.close_paragraph()
        lines = [ln.text.strip() for ln in body[i:end]]
        self.out.append(Block(kind="recipients", text="\n".join(_items(lines)), page=body[i].page))
        return end

    def _footnotes(self, foot: list[Line], page: int) -> None:
        current: Block | None = self.notes[-1] if self.notes else None
        for ln in foot:
            lab = footnote_label(ln, self.expected)
            if lab is not None:
                label, runs = lab
                text = runs_text(runs).strip()
                current = Block(kind="footnote", text=text, page=page, label=label)
                self.notes.append(current)
                self.pending_notes.append(current)
                if label.isdigit():
                    self.expected = int(label) + 1
                continue
            if current is None:  # footnote text with no label: keep it as a footnote all the same
                current = Block(kind="footnote", text=ln.text.strip(), page=page)
                self.notes.append(current)
                self.pending_notes.append(current)
                continue
            current.text = join_wrapped(current.text, ln.text.strip())

    # -- paragraphs

    def _line(self, ln: Line) -> None:
        # a footnote printed in the body, inside the sentence it annotates (raw text set as a PDF)
        if self.inline_note is not None:
            note = self.inline_note
            t = ln.text.strip()
            ended = ends_sentence(note.text)
            if (t[:1].islower() and ended) or MARKER.match(t) or ln.bold or len(note.text) > 2000:
                self.inline_note = None
                self.interrupted = True
            else:
                note.text = join_wrapped(note.text, t)
                return
        elif (
            self.para
            and (m := _INLINE_NOTE.match(ln.text))
            and int(m.group(1)) == self.expected
            and not ends_sentence(self.para[-1].text.strip())
        ):
            note = Block(kind="footnote", text=ln.text.strip()[m.end(1) :].strip(), page=ln.page, label=m.group(1))
            self.notes.append(note)
            self.pending_notes.append(note)
            self.expected += 1
            self.inline_note = note
            return
        if self.para and self._new_paragraph(self.para[-1], ln):
            self.out.append(self._paragraph(self.para))
            self.para = []
            if self.pending_notes:
                self.out.extend(self.pending_notes)
                self.pending_notes = []
        self.para.append(ln)
        self.interrupted = False

    def _centered(self, ln: Line) -> bool:
        """A centred line: equal margins on both sides, not at the paragraph indent."""
        m = self.m
        lm, rm = ln.x0 - m.left, m.right - ln.x1
        if lm < 0.25 * ln.size or rm < 0.25 * ln.size or abs(lm - rm) > 0.25 * ln.size + 1.0:
            return False
        # a one-line paragraph at the indent may end where a centred line would
        return ln.bold or abs(ln.x0 - m.indent) > 1.5 or rm > 4 * ln.size

    def _full(self, prev: Line, cur: Line) -> bool:
        """Whether `prev` was wrapped: the first word of `cur` would not have fitted after it."""
        first = cur.runs[0]
        end = first.x1
        for r in cur.runs[1:]:
            if not r.glued:
                break
            end = r.x1
        return prev.x1 + 0.25 * cur.size + (end - first.x0) > self.m.right + 1.0

    def _new_paragraph(self, prev: Line, cur: Line) -> bool:
        """Whether `cur` starts a paragraph after `prev`: the text reader's rules, helped by layout.

        A line that fills the measure and does not end a sentence goes on in the next
        line, whatever its indent, weight or case (a page break, a bold run or an
        abbreviation in capitals does not cut a sentence); otherwise the text
        reader's rules apply, and a changed weight, size or alignment, an indent or
        extra spacing after a full sentence start a new paragraph.
        """
        m = self.m
        a, b = prev.text.strip(), cur.text.strip()
        full = self._full(prev, cur)
        if MARKER.match(b):
            return not (_DASH.match(b) and full and not ends_sentence(a))
        same_page = prev.page == cur.page and not self.interrupted
        if same_page and cur.top - prev.bottom > 2.5 * cur.size:
            return True
        pc, cc = self._centered(prev), self._centered(cur)
        if pc != cc:
            return True
        if full and not _STRONG_END.search(a):
            return False
        if prev.bold != cur.bold or abs(prev.size - cur.size) >= 1.0:
            return True
        if is_caps_line(a) != is_caps_line(b):
            return True
        gap = same_page and (cur.top - prev.bottom) > m.gap + 0.35 * cur.size
        if pc and cc:
            return gap
        if not full:
            return ends_sentence(a) or starts_sentence(b)
        indent = cur.x0 > m.left + 0.8 * cur.size
        return indent or gap

    def _paragraph(self, lines: list[Line]) -> Block:
        text = ""
        for ln in lines:
            t = ln.text.strip()
            text = join_wrapped(text, t) if text else t
        heading = all(ln.bold for ln in lines) and len(text) < 300
        return Block(kind="heading" if heading else "paragraph", text=text, page=lines[0].page)


def _items(lines: list[str]) -> list[str]:
    """Recipient lines, one per item: a line that does not start with a bullet goes on the one before."""
    items: list[str] = []
    for text in lines:
        if items and not _BULLET.match(text) and not _NOI_NHAN.match(items[-1]):
            items[-1] = join_wrapped(items[-1], text)
        else:
            items.append(text)
    return items


class _Table:
    """An unruled table being read: column starts, rows of cells, continued across pages."""

    def __init__(self, cols: list[float], page: int, size: float) -> None:
        self.cols = cols
        self.page = page
        self.size = size
        self.rows: list[list[list[str]]] = []
        self.last: Line | None = None

    def takes(self, ln: Line) -> bool:
        """Whether `ln` goes on with the table: same type, inside its columns, close below its last line."""
        if abs(ln.size - self.size) > 1.0 or not fits(ln, self.cols):
            return False
        return self.last is None or ln.page != self.last.page or ln.top - self.last.bottom <= 2.5 * ln.size

    def add(self, ln: Line) -> None:
        cells = assign_cells(ln, self.cols)
        texts = [runs_text(c).strip() if c else "" for c in cells]
        if not self.rows or texts[0]:
            self.rows.append([[t] if t else [] for t in texts])
        else:
            for k, t in enumerate(texts):
                if t:
                    self.rows[-1][k].append(t)
        self.last = ln

    def block(self) -> Block | None:
        rows = []
        for row in self.rows:
            cells = []
            for parts in row:
                s = ""
                for t in parts:
                    s = join_wrapped(s, t) if s else t
                cells.append(s)
            rows.append(cells)
        if len(rows) < 2:
            return None
        text = "\n".join(" | ".join(c for c in row if c) for row in rows)
        return Block(kind="table", text=text, page=self.page, rows=rows)


__all__ = ["read_pdf", "Line", "Run"]
