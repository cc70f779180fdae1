"""`vbgraph show`: every item highlighted by kind and linked, overlaps nested, nothing unescaped, nothing fetched."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from models.record import Assignment, Citation, Deadline, Metadata, Record, Section, Signer, Source, Target
from pipeline.cli import app
from pipeline.show import KINDS, Highlight, items_of, mark_text, render_html

TEXT = (
    "KẾ HOẠCH <script>alert('x')</script> & \"trích dẫn\"\n"
    "I. MỤC ĐÍCH <i>YÊU CẦU</i>\n"
    "1. Căn cứ Quyết định số 623/QĐ-TTg ngày 14/4/2016 của Thủ tướng Chính phủ.\n"
    "2. Giao Công an tỉnh chủ trì, phối hợp với Sở Y tế giảm ít nhất 5% số vụ trước ngày 30/6/2024.\n"
    "<img src=http://evil.example/x.png> Kết luận số 44-KL/TW"
)


def span(s: str, nth: int = 0) -> tuple[int, int]:
    i = -1
    for _ in range(nth + 1):
        i = TEXT.index(s, i + 1)
    return i, i + len(s)


def at(s: str) -> dict[str, int]:
    start, end = span(s)
    return {"start": start, "end": end}


def sample_record() -> Record:
    """Items of every kind: nested, identical, crossing and empty spans; markup in every string."""
    return Record(
        doc_id="sample",
        source=Source(path="sample.txt", format="text", sha256="0" * 64),
        text=TEXT,
        metadata=Metadata(
            doc_type="Kế hoạch",
            symbol="12/KH-UBND",
            issuer="Ủy ban <b>nhân dân</b> & tỉnh",
            title="</title><script>alert(1)</script>",
            signer=Signer(name="Lê Văn A", position="Chủ tịch"),
            recipients=["Bộ Công an (để b/c)", "<Lưu>: VT"],
        ),
        sections=[
            Section(id="s1", level=1, label="I", heading="MỤC ĐÍCH <i>", path="I", start=span("I. MỤC")[0], end=len(TEXT)),
            Section(id="s2", parent="s1", level=2, label="1", heading="Căn cứ", path="I/1", **at("1. Căn cứ")),
            Section(id="s3", parent="s1", level=2, label="2", heading="Giao", path="I/2", start=span("2. Giao")[0], end=len(TEXT)),
        ],
        citations=[
            Citation(text="QĐ 623 full", doc_type="Quyết định", symbol="623/QĐ-TTg", date="2016-04-14",
                     relation="basis", **at("Quyết định số 623/QĐ-TTg ngày 14/4/2016 của Thủ tướng Chính phủ")),
            # the same document's symbol alone: nested in the one above, same start
            Citation(text="623", symbol="623/QĐ-TTg", **at("Quyết định số 623/QĐ-TTg")),
            # identical span twice
            Citation(text="44-KL/TW", symbol="44-KL/TW", **at("Kết luận số 44-KL/TW")),
            Citation(text="44-KL/TW again", symbol="44-KL/TW", **at("Kết luận số 44-KL/TW")),
            # an empty span
            Citation(text="<empty>", name="Đề án <x>", start=span("Kết luận")[0], end=span("Kết luận")[0]),
        ],
        deadlines=[
            Deadline(text="by 30/6", kind="deadline", value="2024-06-30", task="<b>báo cáo</b>", **at("trước ngày 30/6/2024")),
            # crosses the target and the deadline above
            Deadline(text="crossing", kind="period", value="2024-Q2", **at("5% số vụ trước")),
        ],
        targets=[
            # crosses the end of assignment 0
            Target(text="5%", value=5, unit="%", comparator=">=", metric="<số vụ>", **at("ít nhất 5% số vụ")),
        ],
        assignments=[
            Assignment(body="Công an tỉnh", role="lead", task="giảm", **at("Giao Công an tỉnh chủ trì, phối hợp với Sở Y tế giảm ít nhất")),
            Assignment(body="Sở Y tế", role="support", **at("Sở Y tế")),
        ],
        warnings=["header <missing> & unreadable"],
    )


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
URL_ATTRS = {"src", "href", "action", "formaction", "data", "poster", "srcset", "background", "cite", "manifest"}


class PageParser(HTMLParser):
    """Reads a rendered page: marks with the text they cover, links, ids, tags, and the text of the document body."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.marks: list[dict[str, Any]] = []
        self.open_marks: list[dict[str, Any]] = []
        self.links: list[tuple[str, dict[str, str]]] = []  # (href, attrs of the enclosing li)
        self.ids: set[str] = set()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.doc_text: list[str] = []
        self.errors: list[str] = []

    def in_doc(self) -> bool:
        return any(attrs.get("id") == "text" for _, attrs in self.stack)

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: v or "" for k, v in attrs_list}
        self.tags.append((tag, attrs))
        if "id" in attrs:
            if attrs["id"] in self.ids:
                self.errors.append(f"duplicate id {attrs['id']}")
            self.ids.add(attrs["id"])
        if tag == "a" and "href" in attrs:
            li = next((a for t, a in reversed(self.stack) if t == "li"), {})
            self.links.append((attrs["href"], li))
        if tag == "mark":
            mark = {**attrs, "text": []}
            self.marks.append(mark)
            self.open_marks.append(mark)
        if tag not in VOID:
            self.stack.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs_list}))

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1][0] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1][0] if self.stack else 'nothing'}")
            return
        self.stack.pop()
        if tag == "mark":
            self.open_marks.pop()

    def handle_data(self, data: str) -> None:
        for m in self.open_marks:
            m["text"].append(data)
        if self.in_doc():
            self.doc_text.append(data)


def parse(page: str) -> PageParser:
    p = PageParser()
    p.feed(page)
    p.close()
    return p


def assert_page_shows(record: Record, page: str) -> PageParser:
    """Every item highlighted with its kind, its fragments covering exactly its text, linked from its side list."""
    p = parse(page)
    assert not p.errors, p.errors
    assert not p.stack, p.stack
    assert "".join(p.doc_text) == record.text  # nothing lost, nothing added, everything unescaped back
    links = {(href, li.get("id", ""), li.get("class", "")) for href, li in p.links}
    for kind in KINDS:
        for i, item in enumerate(items_of(record, kind)):
            anchor = f"{kind}-{i}"
            frags = [m for m in p.marks if m.get("data-item") == anchor]
            assert frags, f"{anchor} is not highlighted"
            assert all(m["data-kind"] == kind and f"hl-{kind}" in m["class"].split() for m in frags), anchor
            assert [m.get("id") for m in frags] == [anchor] + [None] * (len(frags) - 1), anchor
            assert "".join("".join(m["text"]) for m in frags) == record.text[item.start : item.end], anchor
            assert ("#" + anchor, f"list-{anchor}", f"entry entry-{kind}") in links, f"{anchor} not linked from its list"
    for i, _ in enumerate(record.sections):
        assert f"section-{i}" in p.ids
        assert any(href == f"#section-{i}" for href, _ in p.links), f"section {i} not in the outline"
    return p


def assert_offline(page: str) -> None:
    p = parse(page)
    for tag, attrs in p.tags:
        assert tag not in ("link", "img", "iframe", "object", "embed", "base"), tag
        for name, value in attrs.items():
            if name in URL_ATTRS:
                v = value.strip().lower()
                assert not v.startswith(("http:", "https:", "//", "ftp:", "file:")), (tag, name, value)
    assert "url(" not in page.lower() and "@import" not in page.lower()
    csp = [a for t, a in p.tags if t == "meta" and a.get("http-equiv", "").lower() == "content-security-policy"]
    assert csp and "default-src 'none'" in csp[0]["content"]


# ------------------------------------------------------------------ mark_text


def h(kind: str, index: int, start: int, end: int) -> Highlight:
    return Highlight(kind, index, start, end, "")


def test_nested_marks_do_not_split() -> None:
    out = mark_text("abcdef", [h("target", 0, 2, 4), h("assignment", 0, 0, 6)])
    assert out == (
        '<mark id="assignment-0" class="hl hl-assignment" data-kind="assignment" data-item="assignment-0" title="assignment">ab'
        '<mark id="target-0" class="hl hl-target" data-kind="target" data-item="target-0" title="target">cd</mark>'
        "ef</mark>"
    )


def test_crossing_marks_split_into_fragments() -> None:
    out = mark_text("abcdef", [h("citation", 0, 0, 4), h("deadline", 0, 2, 6)])
    p = parse(out)
    assert not p.errors
    assert [(m.get("data-item"), m.get("id"), "".join(m["text"])) for m in p.marks] == [
        ("citation-0", "citation-0", "abcd"),
        ("deadline-0", "deadline-0", "cd"),
        ("deadline-0", None, "ef"),
    ]
    assert 'class="hl hl-deadline cont"' in out


def test_empty_span_and_escaping() -> None:
    out = mark_text("<a&b>", [h("citation", 0, 1, 1)])
    assert out == '&lt;<mark id="citation-0" class="hl hl-citation" data-kind="citation" data-item="citation-0" title="citation"></mark>a&amp;b&gt;'


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(alphabet="ab<&>\"'\n đĐ", max_size=40),
    spans=st.lists(st.tuples(st.sampled_from(KINDS), st.integers(0, 40), st.integers(0, 40)), max_size=12),
)
def test_any_spans_nest_and_cover_their_text(text: str, spans: list[tuple[str, int, int]]) -> None:
    marks = [h(kind, i, min(a, b, len(text)), min(max(a, b), len(text))) for i, (kind, a, b) in enumerate(spans)]
    p = parse(f'<div id="text">{mark_text(text, marks)}</div>')
    assert not p.errors and not p.stack
    assert "".join(p.doc_text) == text
    for m in marks:
        frags = [f for f in p.marks if f.get("data-item") == m.anchor]
        assert frags and frags[0].get("id") == m.anchor and all(f["data-kind"] == m.kind for f in frags)
        assert "".join("".join(f["text"]) for f in frags) == text[m.start : m.end]


def test_offsets_outside_the_text_are_reported_not_linked() -> None:
    record = sample_record()
    record.deadlines.append(Deadline(text="late", kind="deadline", value="2024-01-01", start=5, end=len(TEXT) + 10))
    page = render_html(record)
    p = parse(page)
    assert not any(m.get("data-item") == "deadline-2" for m in p.marks)
    assert "#deadline-2" not in {href for href, _ in p.links}
    assert "deadline 2 has offsets" in page and "unplaced" in page


# ------------------------------------------------------------------ the page


def test_every_item_highlighted_and_linked() -> None:
    record = sample_record()
    page = render_html(record)
    p = assert_page_shows(record, page)
    # the crossing deadline had to be split; the nested citation did not
    assert len([m for m in p.marks if m.get("data-item") == "deadline-1"]) > 1
    assert len([m for m in p.marks if m.get("data-item") == "citation-1"]) == 1


def test_untrusted_text_is_escaped() -> None:
    record = sample_record()
    page = render_html(record)
    p = parse(page)
    assert [t for t, _ in p.tags].count("script") == 1  # only the page's own
    assert not any(t in ("img", "i") for t, _ in p.tags)
    assert "<b>nhân dân" not in page and "<b>báo cáo" not in page
    assert "&lt;/title&gt;&lt;script&gt;" in page
    assert "<title></title>" not in page


def test_page_references_nothing_outside() -> None:
    assert_offline(render_html(sample_record()))


def test_render_html_takes_the_json_object() -> None:
    record = sample_record()
    assert render_html(json.loads(record.model_dump_json())) == render_html(record)


def test_sidebar_has_outline_metadata_and_warnings() -> None:
    page = render_html(sample_record())
    assert "header &lt;missing&gt; &amp; unreadable" in page
    assert "Ủy ban &lt;b&gt;nhân dân&lt;/b&gt; &amp; tỉnh" in page
    assert "&lt;Lưu&gt;: VT" in page
    p = parse(page)
    outline = [href for href, _ in p.links if href.startswith("#section-")]
    assert outline == ["#section-0", "#section-1", "#section-2"]


def test_outline_survives_malformed_parents() -> None:
    record = sample_record()
    record.sections = [
        Section(id="a", parent="b", level=1, label="I", heading="x", path="I", start=0, end=5),
        Section(id="b", parent="a", level=2, label="1", heading="y", path="I/1", start=1, end=5),
        Section(id="b", parent="zzz", level=1, label="II", heading="z", path="II", start=2, end=5),
        Section(id="c", parent="c", level=1, label="III", heading="w", path="III", start=3, end=5),
    ]
    p = parse(render_html(record))
    assert sorted(href for href, _ in p.links if href.startswith("#section-")) == [f"#section-{i}" for i in range(4)]


def test_corpus_documents_render(corpus_texts: list[Path]) -> None:
    from pipeline.extract import extract_file

    for path in corpus_texts:
        record = extract_file(path)
        page = render_html(record)
        assert_page_shows(record, page)
        assert_offline(page)


# ------------------------------------------------------------------ the CLI


def test_cli_from_record_and_from_document(tmp_path: Path, corpus_texts: list[Path]) -> None:
    record = sample_record()
    src = tmp_path / "sample.json"
    src.write_text(record.model_dump_json(), encoding="utf-8")
    out = tmp_path / "page.html"
    res = CliRunner().invoke(app, ["show", str(src), "--html", str(out)])
    assert res.exit_code == 0, res.output
    assert out.read_text(encoding="utf-8") == render_html(record)

    doc_out = tmp_path / "doc.html"
    res = CliRunner().invoke(app, ["show", str(corpus_texts[0]), "--html", str(doc_out)])
    assert res.exit_code == 0, res.output
    assert_offline(doc_out.read_text(encoding="utf-8"))


def test_cli_refuses_an_error_record(tmp_path: Path) -> None:
    err = tmp_path / "x.error.json"
    err.write_text(json.dumps({"path": "x.pdf", "stage": "ingest", "error": "encrypted_pdf", "reason": "locked"}))
    res = CliRunner().invoke(app, ["show", str(err), "--html", str(tmp_path / "x.html")])
    assert res.exit_code == 1
    assert not (tmp_path / "x.html").exists()


# ------------------------------------------------------------------ in a browser

CHROMIUM = (shutil.which("chromium") or shutil.which("chromium-browser")) if os.name == "posix" else None
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class Browser:
    """Headless Chromium driven over the DevTools protocol on a pipe (fds 3 and 4): no port, no extra package.

    The browser itself may still talk to its vendor's services; requests are
    therefore counted per page, from the page's own network events.
    """

    def __init__(self, user_data_dir: Path) -> None:
        import fcntl

        to_r, self._to_w = os.pipe()
        self._from_r, from_w = os.pipe()
        # move the child's ends above the low fds, so placing them on 3 and 4 cannot clobber each other
        child_in, child_out = fcntl.fcntl(to_r, fcntl.F_DUPFD, 10), fcntl.fcntl(from_w, fcntl.F_DUPFD, 10)

        def place_pipe() -> None:
            os.dup2(child_in, 3)
            os.dup2(child_out, 4)

        self.proc = subprocess.Popen(
            [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={user_data_dir}", "--remote-debugging-pipe", "about:blank"],
            pass_fds=(3, 4),
            preexec_fn=place_pipe,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for fd in (to_r, from_w, child_in, child_out):
            os.close(fd)
        self._buf = b""
        self._id = 0
        self.events: list[dict] = []

    def _recv(self, deadline: float) -> dict:
        import select

        while b"\0" not in self._buf:
            ready, _, _ = select.select([self._from_r], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                raise TimeoutError("no answer from chromium")
            chunk = os.read(self._from_r, 1 << 16)
            if not chunk:
                raise EOFError("chromium closed the pipe")
            self._buf += chunk
        msg, _, self._buf = self._buf.partition(b"\0")
        return json.loads(msg)

    def call(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self._id += 1
        msg: dict[str, Any] = {"id": self._id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._to_w, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + 15
        while True:
            reply = self._recv(deadline)
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]
            self.events.append(reply)

    def load(self, url: str, script: str) -> tuple[list[str], Any]:
        """Open `url` in a new tab, wait for its load event; the URLs it requested and the value of `script`."""
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.call("Network.enable", session=session)
        self.call("Page.enable", session=session)
        self.call("Page.navigate", {"url": url}, session=session)
        deadline = time.monotonic() + 15
        ours = lambda e: e.get("sessionId") == session  # noqa: E731
        while not any(ours(e) and e.get("method") == "Page.loadEventFired" for e in self.events):
            self.events.append(self._recv(deadline))
        value = self.call("Runtime.evaluate", {"expression": script, "returnByValue": True}, session=session)
        requested = [
            e["params"]["request"]["url"]
            for e in self.events
            if ours(e) and e.get("method") == "Network.requestWillBeSent"
        ]
        return requested, value["result"].get("value")

    def close(self) -> None:
        with contextlib.suppress(OSError, EOFError, TimeoutError, RuntimeError):
            self.call("Browser.close")
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_w)
        os.close(self._from_r)


# In the rendered DOM: the html element's ready flag (the script ran), and each highlight's
# fragments with their kind, text and whether the browser lays them out.
DOM_PROBE = """JSON.stringify({
  ready: document.documentElement.dataset.ready || null,
  html: document.documentElement.outerHTML,
  marks: Array.from(document.querySelectorAll("mark[data-item]")).map(m => ({
    item: m.dataset.item, kind: m.dataset.kind, text: m.textContent, laid_out: m.getClientRects().length > 0
  }))
})"""


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (Debian package `chromium`)")
def test_page_in_headless_chromium(tmp_path: Path) -> None:
    record = sample_record()
    page = tmp_path / "page.html"
    page.write_text(render_html(record), encoding="utf-8")
    control = tmp_path / "control.html"
    control.write_text('<!DOCTYPE html><p>x</p><img src="http://probe.invalid/x.png">', encoding="utf-8")

    with tempfile.TemporaryDirectory() as profile:
        browser = Browser(Path(profile))
        try:
            requested, probe = browser.load(page.as_uri(), DOM_PROBE)
            control_requested, _ = browser.load(control.as_uri(), "1")
        finally:
            browser.close()

    # the probe does see a page's requests, and ours made none beyond the file itself
    assert "http://probe.invalid/x.png" in control_requested
    assert requested == [page.as_uri()]

    dom = json.loads(probe)
    assert dom["ready"] == "1"
    assert_page_shows(record, dom["html"])
    by_item: dict[str, list[dict]] = {}
    for m in dom["marks"]:
        by_item.setdefault(m["item"], []).append(m)
    for kind in KINDS:
        for i, item in enumerate(items_of(record, kind)):
            frags = by_item[f"{kind}-{i}"]
            assert {f["kind"] for f in frags} == {kind}
            assert all(f["laid_out"] for f in frags)
            assert "".join(f["text"] for f in frags) == record.text[item.start : item.end]
