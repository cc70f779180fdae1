"""`vbgraph evaluate`: hand-computed scores on small records, and equality with the evaluation kit's scorer."""

from __future__ import annotations

import copy
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.evaluate import (
    body_norm,
    citation_key,
    evaluate,
    evaluate_dirs,
    fuzzy_match,
    label_norm,
    score_doc,
    section_paths,
    symbol_key,
    target_key,
)

ROOT = Path(__file__).resolve().parent.parent
SCORER = ROOT.parent / "shared" / "eval" / "score.py"
GOLD = ROOT / "corpus" / "gold"

# ------------------------------------------------------------------ normalizers


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("48/CT-TW", "48-CT/TW"),
        ("07/CTr – BCA-MTTW", "7/CTR-BCA-MTTW"),
        ("623/QĐ-TTg", "623/QD-TTG"),
        ("49/2020/NĐ-CP", "49/2020/ND-CP"),
    ],
)
def test_symbol_key_ignores_typography(a: str, b: str) -> None:
    assert symbol_key(a) == symbol_key(b)


def test_symbol_key_values() -> None:
    assert symbol_key("07/CTr – BCA-MTTW") == "7CTRBCAMTTW"
    assert symbol_key("162/KH-BCĐ") == "162KHBCD"
    assert symbol_key("/KH-LĐLĐ") is None  # no number: not a symbol key
    assert symbol_key("2024") is None
    assert symbol_key(None) is None


def test_citation_key_falls_back_to_name_then_text() -> None:
    assert citation_key({"symbol": "48-CT/TW"}) == ("sym", "48CTTW")
    assert citation_key({"symbol": None, "name": "Luật Phòng, chống ma túy"}) == ("name", "luật phòng chống ma túy")
    assert citation_key({"text": "Đề án số 201"}) == ("name", "đề án số 201")


def test_label_norm() -> None:
    assert label_norm("II.") == "II"
    assert label_norm("02") == "2"
    assert label_norm("a)") == "a"
    assert label_norm("3.01") == "3.1"
    assert label_norm("i") == "i"  # a lowercase letter item, not Roman one


def test_section_paths_from_path_or_parent_links() -> None:
    sections = [
        {"id": "s1", "label": "I.", "parent": None},
        {"id": "s2", "label": "02", "parent": "s1"},
        {"id": "s3", "label": "b)", "parent": "s2"},
        {"id": "s4", "label": "x", "path": "III/01/a"},
    ]
    assert section_paths(sections) == ["I", "I/2", "I/2/b", "III/1/a"]


def test_target_key_and_body_norm() -> None:
    assert target_key({"value": "3", "unit": "Hoạt động / quý"}) == (3.0, "hoạtđộngquý")
    assert target_key({"value": None, "unit": "%"}) is None
    assert target_key({"value": "nhiều"}) is None
    assert body_norm("Đề nghị Ủy ban MTTQ tỉnh") == "ủy ban mttq tỉnh"
    assert body_norm("Giao Công an tỉnh") == "công an tỉnh"


def test_fuzzy_match_is_one_to_one() -> None:
    m = fuzzy_match(["abcdef"], ["abcdeg", "abcdef"], 0.8)
    assert (m.tp, m.missed, m.extra) == (1, [], ["abcdeg"])
    m = fuzzy_match(["công an tỉnh"], ["sở y tế"], 0.85)
    assert (m.tp, m.missed, m.extra) == (0, ["công an tỉnh"], ["sở y tế"])


# ------------------------------------------------------------- one small record

GOLD_DOC = {
    "metadata": {
        "doc_type": "Kế hoạch",
        "number": None,
        "symbol": "162/KH-BCĐ",
        "issuer": ["Ban Chỉ đạo tỉnh", "Ban Chỉ đạo phòng, chống tội phạm tỉnh Đắk Nông"],
        "issued_date": "2022-03-28",
        "place": "Đắk Nông",
        "title": "Thực hiện công tác năm 2022",
        "signer": {"name": "Lê Văn Chiến"},
    },
    "citations": [
        {"symbol": "48/CT-TW", "date": "2010-06-22", "relation": "basis"},
        {"symbol": "48-CT/TW"},
        {"symbol": "623/QĐ-TTg", "date": "2016-04-14"},
        {"symbol": None, "name": "Luật Phòng, chống ma túy"},
    ],
    "deadlines": [
        {"value": "2024-06-30"},
        {"value": "2024-06-30"},
        {"value": "2024-Q3"},
        {"kind": "recurring", "value": None},
    ],
    "targets": [{"value": 5, "unit": "%"}, {"value": 100, "unit": "%"}, {"value": 3, "unit": "cuộc"}],
    "assignments": [
        {"body": "Công an tỉnh", "role": "lead"},
        {"body": "Đề nghị Ủy ban MTTQ Việt Nam tỉnh", "role": "requested"},
        {"body": "Sở Y tế", "role": "support"},
    ],
    "sections": [{"path": p} for p in ("I", "I/1", "I/2", "II", "II/1/a")],
}

PRED_DOC = {
    "metadata": {
        "doc_type": "KẾ HOẠCH",
        "number": None,
        "symbol": "162/KH-BCD",
        "issuer": "Ban chỉ đạo tỉnh",
        "issued_date": "2022-03-29",
        "title": "Thực hiện công tác năm 2023",
        "signer": {"name": "LÊ VĂN CHIẾN"},
    },
    "citations": [
        {"symbol": "48/CT-TW", "date": "2010-06-22", "relation": "basis"},
        {"symbol": "623/QD-TTg", "date": "2016-04-15"},
        {"symbol": "07/CTr-BCA"},
        {"symbol": None, "name": "Luật phòng chống ma tuý"},
        {"symbol": None, "name": "Chỉ thị về an ninh"},
    ],
    "deadlines": [{"value": "2024-06-30"}, {"value": "2024-Q3"}, {"value": "2024-12-31"}],
    "targets": [{"value": 5, "unit": "%"}, {"value": 100, "unit": None}, {"value": "3", "unit": "cuộc"}, {"value": None}],
    "assignments": [
        {"body": "Công an tỉnh", "role": "lead"},
        {"body": "Công an Tỉnh", "role": "lead"},
        {"body": "Sở Y Tế", "role": "support"},
        {"body": "Sở Giáo dục và Đào tạo", "role": "support"},
    ],
    "sections": [
        {"id": "a", "label": "I.", "parent": None},
        {"id": "b", "label": "1", "parent": "a"},
        {"id": "c", "label": "02", "parent": "a"},
        {"id": "d", "label": "II", "parent": None},
        {"id": "e", "label": "1", "parent": "d"},
    ],
}


def prf(tp: int, pred: int, gold: int, p: float, r: float, f1: float) -> dict:
    return {"tp": tp, "pred": pred, "gold": gold, "p": p, "r": r, "f1": f1}


def test_small_record_scores_by_hand() -> None:
    scores = evaluate([("doc", GOLD_DOC, PRED_DOC)]).scores()
    # symbols 48 (twice) and 623 in gold; 48, 623 and 07/CTr-BCA predicted
    assert scores["citations.numbered.mentions"] == prf(2, 3, 3, 0.6667, 0.6667, 0.6667)
    assert scores["citations.numbered.unique"] == prf(2, 3, 2, 0.6667, 1.0, 0.8)
    # "ma tuý" / "ma túy" is a fuzzy match; "Chỉ thị về an ninh" is extra
    assert scores["citations.named.mentions"] == prf(1, 2, 1, 0.5, 1.0, 0.6667)
    assert scores["citations.basis.unique"] == prf(1, 1, 1, 1.0, 1.0, 1.0)
    # 48 has the right date, 623 the wrong one; the undated second mention of 48 is not checked
    assert scores["citation.date"] == {"ok": 1, "total": 2, "acc": 0.5}
    assert scores["deadlines.values"] == prf(2, 3, 3, 0.6667, 0.6667, 0.6667)
    # 100 without its unit counts for the value only; a target without a value is not counted
    assert scores["targets.value_unit"] == prf(2, 3, 3, 0.6667, 0.6667, 0.6667)
    assert scores["targets.value"] == prf(3, 3, 3, 1.0, 1.0, 1.0)
    # bodies are distinct after folding: one responsible body of two found
    assert scores["assignments.responsible"] == prf(1, 1, 2, 1.0, 0.5, 0.6667)
    assert scores["assignments.support"] == prf(1, 2, 1, 0.5, 1.0, 0.6667)
    assert scores["sections.paths"] == prf(4, 5, 5, 0.8, 0.8, 0.8)  # II/1/a missed, II/1 extra
    for ok_field in ("doc_type", "number", "symbol", "issuer", "title", "signer_name"):
        assert scores[f"metadata.{ok_field}"] == {"ok": 1, "total": 1, "acc": 1.0}, ok_field
    assert scores["metadata.issued_date"] == {"ok": 0, "total": 1, "acc": 0.0}
    assert scores["metadata.place"] == {"ok": 0, "total": 1, "acc": 0.0}
    assert scores["_missing_predictions"] == []


def test_small_record_details_by_hand() -> None:
    d = score_doc(GOLD_DOC, PRED_DOC).details
    assert d["citations.missed"] == []
    assert d["citations.extra"] == [("sym", "7CTRBCA"), ("name", "chỉ thị về an ninh")]
    assert d["deadlines.missed"] == ["2024-06-30"]
    assert d["deadlines.extra"] == ["2024-12-31"]
    assert d["targets.missed"] == [(100.0, "%")]
    assert d["targets.extra"] == [(100.0, "")]
    assert d["assignments.responsible.missed"] == ["ủy ban mttq việt nam tỉnh"]
    assert d["assignments.support.extra"] == ["sở giáo dục và đào tạo"]
    assert d["sections.missed"] == ["II/1/a"]
    assert d["sections.extra"] == ["II/1"]
    assert d["metadata.wrong"] == [("issued_date", "2022-03-28", "2022-03-29"), ("place", "Đắk Nông", None)]


def test_missing_prediction_misses_everything() -> None:
    result = evaluate([("doc", GOLD_DOC, None)])
    scores = result.scores()
    assert scores["_missing_predictions"] == ["doc"]
    assert scores["citations.numbered.mentions"] == prf(0, 0, 3, 0.0, 0.0, 0.0)
    assert scores["sections.paths"] == prf(0, 0, 5, 0.0, 0.0, 0.0)
    # number is null in gold and absent in the (empty) prediction: that is right
    assert scores["metadata.number"] == {"ok": 1, "total": 1, "acc": 1.0}
    assert scores["metadata.doc_type"] == {"ok": 0, "total": 1, "acc": 0.0}


def test_nothing_to_find_and_nothing_found_is_perfect() -> None:
    scores = evaluate([("doc", {"targets": []}, {"targets": []})]).scores()
    assert scores["targets.value"] == prf(0, 0, 0, 1.0, 1.0, 1.0)
    assert "metadata.doc_type" not in scores  # a field the gold does not state is not scored


def test_scores_add_up_over_documents() -> None:
    result = evaluate([("a", GOLD_DOC, PRED_DOC), ("b", GOLD_DOC, None)])
    assert result.scores()["deadlines.values"] == prf(2, 3, 6, 0.6667, 0.3333, 0.4444)
    assert result.scores()["metadata.signer_name"] == {"ok": 1, "total": 2, "acc": 0.5}


# --------------------------------------------------------------------- the CLI


def write_dir(path: Path, docs: dict[str, dict]) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    for stem, doc in docs.items():
        (path / f"{stem}.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def test_cli_json_and_table(tmp_path: Path) -> None:
    gold = write_dir(tmp_path / "gold", {"a": GOLD_DOC, "b": GOLD_DOC})
    pred = write_dir(tmp_path / "pred", {"a": PRED_DOC})
    runner = CliRunner()
    res = runner.invoke(app, ["evaluate", "--gold", str(gold), "--pred", str(pred), "--json", "--details"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["scores"]["_missing_predictions"] == ["b"]
    assert out["scores"]["deadlines.values"]["gold"] == 6
    assert out["details"]["a"]["deadlines.extra"] == ["2024-12-31"]
    res = runner.invoke(app, ["evaluate", "--gold", str(gold), "--pred", str(pred), "--details"])
    assert res.exit_code == 0, res.output
    assert "sections.paths" in res.stdout and "no prediction for" in res.stdout
    assert "07/CTr-BCA" in res.stdout  # citations shown as printed, not as comparison keys


def test_cli_without_gold_files(tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["evaluate", "--gold", str(tmp_path), "--pred", str(tmp_path)])
    assert res.exit_code == 2


# ------------------------------------------------- equality with the kit's scorer


def kit_scores(gold: Path, pred: Path) -> dict:
    out = subprocess.run(
        [sys.executable, str(SCORER), "--gold", str(gold), "--pred", str(pred), "--json", "--details"],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def ours(gold: Path, pred: Path) -> dict:
    # through JSON, so tuples compare as the lists the kit prints
    return json.loads(json.dumps(evaluate_dirs(gold, pred).to_json(details=True), ensure_ascii=False))


def as_prediction(gold: dict, rng: random.Random) -> dict:
    """A plausible, imperfect prediction made from a gold record: items dropped, altered and added."""
    pred = copy.deepcopy(gold)
    pred.pop("notes", None)
    meta = pred.get("metadata", {})
    for k, v in list(meta.items()):
        if isinstance(v, list) and k != "recipients":
            meta[k] = rng.choice(v)
    if meta.get("title") and rng.random() < 0.5:
        meta["title"] = meta["title"][:-3]
    if meta.get("issued_date"):
        meta["issued_date"] = rng.choice([meta["issued_date"], "2020-01-01"])

    def thin(items: list) -> list:
        return [x for x in items if rng.random() > 0.25]

    cits = thin(pred.get("citations", []))
    for c in cits:
        r = rng.random()
        if r < 0.1 and c.get("symbol"):
            c["symbol"] = c["symbol"].replace("/", "-", 1)
        elif r < 0.2:
            c["date"] = "1999-01-01"
        elif r < 0.3 and c.get("name"):
            c["name"] = c["name"][1:]
        if rng.random() < 0.2:
            c["relation"] = "basis"
    cits.append({"symbol": "999/KH-XYZ", "text": "Kế hoạch số 999/KH-XYZ"})
    cits.append({"symbol": None, "name": "Luật Không Có"})
    pred["citations"] = cits
    pred["deadlines"] = thin(pred.get("deadlines", [])) + [{"value": "2024-02-30"}]
    pred["targets"] = [
        {**t, "unit": None} if rng.random() < 0.2 else t for t in thin(pred.get("targets", []))
    ] + [{"value": 7, "unit": "%"}]
    pred["assignments"] = [
        {**a, "body": a["body"][:-2]} if rng.random() < 0.3 and a.get("body") else a
        for a in thin(pred.get("assignments", []))
    ]
    pred["sections"] = thin(pred.get("sections", [])) + [{"path": "IX/9"}]
    return pred


needs_kit = pytest.mark.skipif(not SCORER.exists(), reason="the evaluation kit's score.py is not beside the repository")


@needs_kit
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_equals_kit_on_altered_gold(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    docs = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(GOLD.glob("*.json"))}
    preds = {stem: as_prediction(doc, rng) for stem, doc in list(docs.items())[1:]}  # the first one missing
    pred_dir = write_dir(tmp_path / "pred", preds)
    expected = kit_scores(GOLD, pred_dir)
    assert ours(GOLD, pred_dir) == expected
    assert expected["scores"]["_missing_predictions"]  # the case of a missing prediction is exercised


@needs_kit
def test_equals_kit_on_corpus_extraction(tmp_path: Path, corpus_texts: list[Path]) -> None:
    from pipeline.batch import discover, extract_to_dir

    outcomes = extract_to_dir(discover(corpus_texts), tmp_path)
    assert all(o.record is not None for o in outcomes), [o.error for o in outcomes if o.error]
    assert ours(GOLD, tmp_path) == kit_scores(GOLD, tmp_path)
