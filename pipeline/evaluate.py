"""Score predicted records against gold records: precision, recall and F1 per record part.

The measures and their definitions are those of the record contract's scorer,
so a number printed by `vbgraph evaluate` means the same as a number in an
evaluation report: items are compared by normalized keys (a citation by its
symbol, a deadline by its ISO value, a target by value and unit, a section by
its label path), body names and citation names fuzzily, metadata field by
field (a gold field may list acceptable alternatives).

Records are plain JSON objects here, not `models.Record`: gold files carry
things a record does not (lists of alternatives, notes) and omit offsets.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

JSON = Mapping[str, Any]

# Similarity thresholds (difflib ratio) above which two strings are the same thing.
FUZZY_BODY = 0.85
FUZZY_TITLE = 0.90
FUZZY_NAME = 0.80

CitationKey = tuple[str, str]  # ("sym", symbol key) or ("name", folded name)
TargetKey = tuple[float, str]  # (value, folded unit)

# ---------------------------------------------------------------- normalization


def nfc(s: str | None) -> str:
    return unicodedata.normalize("NFC", s or "")


def fold(s: str | None) -> str:
    """Lowercase, NFC, punctuation to spaces, whitespace collapsed."""
    s = nfc(s).lower()
    s = re.sub(r"[^\w%]+", " ", s)
    return re.sub(r"\s+", " ", s).strip()


def symbol_key(symbol: str | None) -> str | None:
    """A symbol without its typography: '07/CTr – BCA-MTTW' -> '7CTRBCAMTTW'; '48/CT-TW' == '48-CT/TW'.

    None when what is left is not a symbol (no digit or no letter).
    """
    if not symbol:
        return None
    s = nfc(symbol).upper().replace("Đ", "D")
    s = re.sub(r"[^0-9A-Z&]", "", s)
    s = re.sub(r"(?<!\d)0+(?=\d)", "", s)
    if not re.search(r"\d", s) or not re.search(r"[A-Z]", s):
        return None
    return s


def citation_key(citation: JSON) -> CitationKey:
    """Numbered citations compare by symbol; the others by their folded name (or text)."""
    key = symbol_key(citation.get("symbol"))
    if key:
        return ("sym", key)
    return ("name", fold(citation.get("name") or citation.get("text") or ""))


def ratio(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b).ratio()


def label_norm(label: str | None) -> str:
    """A section label without punctuation or leading zeros; Roman numerals upper, others lower."""
    s = nfc(label).strip().strip(".)").strip()
    if re.fullmatch(r"[IVXLCDM]+", s.upper()) and s.upper() == s:
        return s.upper()
    s = re.sub(r"(?<!\d)0+(?=\d)", "", s)
    return s.lower()


def section_paths(sections: list[JSON]) -> list[str]:
    """Each section's label path (`III/2`): its `path` when given, else walked up the parent links."""
    by_id = {s.get("id"): s for s in sections}
    out = []
    for s in sections:
        if s.get("path"):
            out.append("/".join(label_norm(x) for x in s["path"].split("/")))
            continue
        labels: list[str] = []
        seen: set = set()
        cur: JSON | None = s
        while cur is not None and cur.get("id") not in seen:
            seen.add(cur.get("id"))
            labels.append(label_norm(cur.get("label")))
            cur = by_id.get(cur.get("parent"))
        out.append("/".join(reversed(labels)))
    return out


def target_key(target: JSON) -> TargetKey | None:
    """(value, unit) of a target; None when the value is not a number."""
    v = target.get("value")
    if v is None:
        return None
    try:
        v = round(float(v), 4)
    except (TypeError, ValueError):
        return None
    return (v, fold(target.get("unit")).replace(" ", ""))


def body_norm(body: str | None) -> str:
    """A body name folded, without the verb or plural word that introduced it."""
    return re.sub(r"^(đề nghị|giao|các|ban chỉ đạo các)\s+", "", fold(body))


def date_norm(d: Any) -> str | None:
    if not d:
        return None
    return nfc(str(d)).strip()


# --------------------------------------------------------------------- matching


def multiset_tp(gold: list, pred: list) -> int:
    """How many items match when each gold item can match one equal predicted item."""
    return sum((Counter(gold) & Counter(pred)).values())


@dataclass
class FuzzyMatch:
    tp: int
    missed: list[str]
    extra: list[str]


def fuzzy_match(gold: list[str], pred: list[str], threshold: float) -> FuzzyMatch:
    """Greedy one-to-one matching of strings, most similar pairs first (ties: later items first)."""
    pairs = sorted(
        ((ratio(g, p), i, j) for i, g in enumerate(gold) for j, p in enumerate(pred)),
        reverse=True,
    )
    used_g: set[int] = set()
    used_p: set[int] = set()
    for score, i, j in pairs:
        if score < threshold:
            break
        if i in used_g or j in used_p:
            continue
        used_g.add(i)
        used_p.add(j)
    return FuzzyMatch(
        tp=len(used_g),
        missed=[g for i, g in enumerate(gold) if i not in used_g],
        extra=[p for j, p in enumerate(pred) if j not in used_p],
    )


# ---------------------------------------------------------------------- results


@dataclass
class Counts:
    """Matched, predicted and gold item counts of one measure, summed over documents."""

    tp: int = 0
    pred: int = 0
    gold: int = 0

    @property
    def precision(self) -> float:
        return self.tp / self.pred if self.pred else (1.0 if not self.gold else 0.0)

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else (1.0 if not self.pred else 0.0)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "tp": self.tp,
            "pred": self.pred,
            "gold": self.gold,
            "p": round(self.precision, 4),
            "r": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass
class Accuracy:
    """Correct / checked, for attributes checked one by one (metadata fields, citation dates)."""

    ok: int = 0
    total: int = 0

    @property
    def value(self) -> float | None:
        return self.ok / self.total if self.total else None

    def to_dict(self) -> dict[str, Any]:
        v = self.value
        return {"ok": self.ok, "total": self.total, "acc": None if v is None else round(v, 4)}


@dataclass
class DocResult:
    """What one document contributes: counts per measure and what was missed or extra.

    `details` keys are `<part>.missed` / `<part>.extra` (and `metadata.wrong`,
    a list of (field, gold, predicted)); values are comparison keys, so a
    citation shows as ("sym", "162KHBCD"). `shown` maps such a key to the
    symbol as printed, for people reading a report.
    """

    counts: dict[str, Counts] = field(default_factory=dict)
    accuracy: dict[str, Accuracy] = field(default_factory=dict)
    details: dict[str, list] = field(default_factory=dict)
    shown: dict[CitationKey, str] = field(default_factory=dict)

    def count(self, measure: str, tp: int, n_pred: int, n_gold: int) -> None:
        self.counts[measure] = Counts(tp, n_pred, n_gold)

    def check(self, measure: str, ok: bool) -> None:
        acc = self.accuracy.setdefault(measure, Accuracy())
        acc.total += 1
        acc.ok += int(ok)


@dataclass
class Evaluation:
    """Scores over a set of documents, with each document's misses and extras."""

    counts: dict[str, Counts] = field(default_factory=dict)
    accuracy: dict[str, Accuracy] = field(default_factory=dict)
    documents: dict[str, DocResult] = field(default_factory=dict)
    missing_predictions: list[str] = field(default_factory=list)

    def add(self, doc_id: str, result: DocResult) -> None:
        self.documents[doc_id] = result
        for name, c in result.counts.items():
            total = self.counts.setdefault(name, Counts())
            total.tp += c.tp
            total.pred += c.pred
            total.gold += c.gold
        for name, a in result.accuracy.items():
            total_a = self.accuracy.setdefault(name, Accuracy())
            total_a.ok += a.ok
            total_a.total += a.total

    def scores(self) -> dict[str, Any]:
        """Every measure: P/R/F1 counts first, then accuracies by name, then missing predictions."""
        out: dict[str, Any] = {name: c.to_dict() for name, c in self.counts.items()}
        for name in sorted(self.accuracy):
            out[name] = self.accuracy[name].to_dict()
        out["_missing_predictions"] = list(self.missing_predictions)
        return out

    def to_json(self, details: bool = False) -> dict[str, Any]:
        """The object `vbgraph evaluate --json` prints (the same shape as the evaluation kit's)."""
        out: dict[str, Any] = {"scores": self.scores()}
        if details:
            out["details"] = {doc_id: r.details for doc_id, r in self.documents.items()}
        return out


# -------------------------------------------------------------------- measures

# Metadata fields compared one by one, each with its notion of "the same".
METADATA_CHECKS: dict[str, Callable[[Any, Any], bool]] = {
    "doc_type": lambda g, p: fold(g) == fold(p),
    "number": lambda g, p: label_norm(g) == label_norm(p),
    "symbol": lambda g, p: symbol_key(g) == symbol_key(p) if symbol_key(g) else fold(g) == fold(p),
    "issued_date": lambda g, p: date_norm(g) == date_norm(p),
    "place": lambda g, p: fold(g) == fold(p),
    "title": lambda g, p: ratio(fold(g), fold(p)) >= FUZZY_TITLE,
    "issuer": lambda g, p: ratio(fold(g), fold(p)) >= FUZZY_BODY,
}


def _citations(gold: JSON, pred: JSON, out: DocResult) -> None:
    """Numbered citations by symbol (every mention, and unique documents); named ones fuzzily."""
    gold_cits, pred_cits = gold.get("citations", []), pred.get("citations", [])
    gc = [citation_key(c) for c in gold_cits]
    pc = [citation_key(c) for c in pred_cits]
    g_sym = [k for k in gc if k[0] == "sym"]
    p_sym = [k for k in pc if k[0] == "sym"]
    out.count("citations.numbered.mentions", multiset_tp(g_sym, p_sym), len(p_sym), len(g_sym))
    out.count("citations.numbered.unique", len(set(g_sym) & set(p_sym)), len(set(p_sym)), len(set(g_sym)))
    g_name = [k[1] for k in gc if k[0] == "name"]
    p_name = [k[1] for k in pc if k[0] == "name"]
    named = fuzzy_match(g_name, p_name, FUZZY_NAME)
    out.count("citations.named.mentions", named.tp, len(p_name), len(g_name))
    out.details["citations.missed"] = sorted(set(g_sym) - set(p_sym)) + [("name", m) for m in named.missed]
    out.details["citations.extra"] = sorted(set(p_sym) - set(g_sym)) + [("name", e) for e in named.extra]
    for c, k in [*zip(gold_cits, gc, strict=True), *zip(pred_cits, pc, strict=True)]:
        if k[0] == "sym":
            out.shown.setdefault(k, str(c.get("symbol")))

    # attributes of matched numbered citations: the date, and which are the legal basis
    pred_by_key: dict[CitationKey, list[JSON]] = {}
    for c, k in zip(pred_cits, pc, strict=True):
        pred_by_key.setdefault(k, []).append(c)
    for c, k in zip(gold_cits, gc, strict=True):
        if k[0] == "sym" and k in pred_by_key and c.get("date"):
            want = date_norm(c.get("date"))
            out.check("citation.date", any(date_norm(p.get("date")) == want for p in pred_by_key[k]))
    g_basis = {k for c, k in zip(gold_cits, gc, strict=True) if c.get("relation") == "basis"}
    p_basis = {k for c, k in zip(pred_cits, pc, strict=True) if c.get("relation") == "basis"}
    out.count("citations.basis.unique", len(g_basis & p_basis), len(p_basis), len(g_basis))


def _deadlines(gold: JSON, pred: JSON, out: DocResult) -> None:
    """Deadlines by normalized value (each value as often as it occurs)."""
    gd = [date_norm(d.get("value")) for d in gold.get("deadlines", []) if d.get("value")]
    pd = [date_norm(d.get("value")) for d in pred.get("deadlines", []) if d.get("value")]
    out.count("deadlines.values", multiset_tp(gd, pd), len(pd), len(gd))
    out.details["deadlines.missed"] = sorted((Counter(gd) - Counter(pd)).elements())
    out.details["deadlines.extra"] = sorted((Counter(pd) - Counter(gd)).elements())


def _targets(gold: JSON, pred: JSON, out: DocResult) -> None:
    """Targets by (value, unit), and by value alone."""
    gt = [k for k in map(target_key, gold.get("targets", [])) if k]
    pt = [k for k in map(target_key, pred.get("targets", [])) if k]
    out.count("targets.value_unit", multiset_tp(gt, pt), len(pt), len(gt))
    out.count("targets.value", multiset_tp([k[0] for k in gt], [k[0] for k in pt]), len(pt), len(gt))
    out.details["targets.missed"] = sorted((Counter(gt) - Counter(pt)).elements())
    out.details["targets.extra"] = sorted((Counter(pt) - Counter(gt)).elements())


def _assignments(gold: JSON, pred: JSON, out: DocResult) -> None:
    """Distinct responsible (lead or requested) and supporting bodies, matched fuzzily."""
    for group, roles in (("responsible", {"lead", "requested"}), ("support", {"support"})):
        ga = sorted({body_norm(a.get("body")) for a in gold.get("assignments", []) if a.get("role") in roles} - {""})
        pa = sorted({body_norm(a.get("body")) for a in pred.get("assignments", []) if a.get("role") in roles} - {""})
        m = fuzzy_match(ga, pa, FUZZY_BODY)
        out.count(f"assignments.{group}", m.tp, len(pa), len(ga))
        out.details[f"assignments.{group}.missed"] = m.missed
        out.details[f"assignments.{group}.extra"] = m.extra


def _sections(gold: JSON, pred: JSON, out: DocResult) -> None:
    """Sections by distinct label path."""
    gs = set(section_paths(gold.get("sections", [])))
    ps = set(section_paths(pred.get("sections", [])))
    out.count("sections.paths", len(gs & ps), len(ps), len(gs))
    out.details["sections.missed"] = sorted(gs - ps)
    out.details["sections.extra"] = sorted(ps - gs)


def _metadata(gold: JSON, pred: JSON, out: DocResult) -> None:
    """Each metadata field the gold states; a gold list is a set of acceptable alternatives."""
    gm, pm = gold.get("metadata") or {}, pred.get("metadata") or {}
    for name, same in METADATA_CHECKS.items():
        if name not in gm:
            continue
        alternatives = gm[name] if isinstance(gm[name], list) else [gm[name]]
        got = pm.get(name)
        ok = any((g is None and got is None) or (g is not None and got is not None and same(g, got))
                 for g in alternatives)
        out.check(f"metadata.{name}", ok)
        if not ok:
            out.details.setdefault("metadata.wrong", []).append((name, gm[name], got))
    gsig, psig = gm.get("signer") or {}, pm.get("signer") or {}
    if gsig.get("name"):
        ok = fold(gsig.get("name")) == fold(psig.get("name"))
        out.check("metadata.signer_name", ok)
        if not ok:
            out.details.setdefault("metadata.wrong", []).append(("signer.name", gsig.get("name"), psig.get("name")))


MEASURES: tuple[Callable[[JSON, JSON, DocResult], None], ...] = (
    _citations,
    _deadlines,
    _targets,
    _assignments,
    _sections,
    _metadata,
)

def score_doc(gold: JSON, pred: JSON) -> DocResult:
    """Compare one predicted record (a JSON object; `{}` when there is none) with its gold record."""
    out = DocResult()
    for measure in MEASURES:
        measure(gold, pred, out)
    return out


def evaluate(pairs: Iterable[tuple[str, JSON, JSON | None]]) -> Evaluation:
    """Scores over (doc_id, gold, prediction or None) triples; a missing prediction misses everything."""
    result = Evaluation()
    for doc_id, gold, pred in pairs:
        if pred is None:
            result.missing_predictions.append(doc_id)
        result.add(doc_id, score_doc(gold, pred or {}))
    return result


def read_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def evaluate_dirs(gold_dir: Path, pred_dir: Path) -> Evaluation:
    """Match GOLD_DIR/<stem>.json with PRED_DIR/<stem>.json and score every gold document.

    Raises FileNotFoundError when the gold folder holds no records.
    """
    gold_files = sorted(Path(gold_dir).glob("*.json"))
    if not gold_files:
        raise FileNotFoundError(f"no gold files in {gold_dir}")

    def pairs() -> Iterable[tuple[str, JSON, JSON | None]]:
        for gf in gold_files:
            pf = Path(pred_dir) / gf.name
            yield gf.stem, read_json(gf), read_json(pf) if pf.exists() else None

    return evaluate(pairs())
