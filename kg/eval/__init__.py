"""Score extractions against gold annotations (``../shared/gold/GUIDELINE.md``).

Matching rules, exactly as the guideline states them:

* an entity matches a gold entity when any of its names equals any gold alias after normalising case,
  spaces, hyphens and a trailing "dataset"/"benchmark";
* a prediction that matches a gold ``maybe`` item of the same field counts neither as TP nor as FP;
* results match on numeric value and, when both sides give one, on metric (metric compared by the entity
  rule above).

Fields map to relations: proposes → ``proposes``; datasets → ``uses``; baselines → ``beats``;
metrics → ``measures``; tasks → ``addresses``; results → ``Extraction.results``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.eval.categories import categorize, count_categories
from kg.eval.matching import norm, parse_value
from kg.model import Extraction, RelationType

FIELDS = ("proposes", "datasets", "baselines", "metrics", "tasks", "results")
FIELD_RELATION = {
    "proposes": RelationType.PROPOSES,
    "datasets": RelationType.USES,
    "baselines": RelationType.BEATS,
    "metrics": RelationType.MEASURES,
    "tasks": RelationType.ADDRESSES,
}
@dataclass
class FieldScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class EvalReport:
    scores: dict[str, FieldScore] = field(default_factory=lambda: {f: FieldScore() for f in FIELDS})
    #: {"id", "field", "kind": "fp"|"fn", "item", "category"} (categories: :mod:`kg.eval_categories`)
    errors: list[dict[str, Any]] = field(default_factory=list)
    n_papers: int = 0
    missing: list[str] = field(default_factory=list)  # gold ids with no prediction

    @property
    def overall(self) -> FieldScore:
        total = FieldScore()
        for s in self.scores.values():
            total.tp += s.tp
            total.fp += s.fp
            total.fn += s.fn
        return total

    def categories(self) -> dict[str, dict[str, int]]:
        """Error counts per field and category, most frequent first (``kg eval --by-category``)."""
        counts = count_categories(self.errors)
        return {f: dict(counts[f].most_common()) for f in FIELDS if f in counts}

    def as_dict(self) -> dict[str, Any]:
        rows = {**self.scores, "overall": self.overall}
        return {
            "papers": self.n_papers,
            "categories": self.categories(),
            "fields": {
                k: {"precision": round(v.precision, 4), "recall": round(v.recall, 4), "f1": round(v.f1, 4),
                    "tp": v.tp, "fp": v.fp, "fn": v.fn}
                for k, v in rows.items()
            },
        }


def predicted_fields(ex: Extraction) -> dict[str, list[Any]]:
    """The extraction in the gold's shape: lists of name lists per field, and result dicts."""
    by_key = {e.key: e for e in ex.entities}
    out: dict[str, list[Any]] = {f: [] for f in FIELDS}
    for fname, rtype in FIELD_RELATION.items():
        out[fname] = [list(by_key[r.target].names) for r in ex.relations if r.type is rtype]
    for r in ex.results:
        item: dict[str, Any] = {"value": r.value_text, "number": r.value}
        if r.metric:
            item["metric_names"] = list(by_key[r.metric].names)
            item["metric"] = by_key[r.metric].name
        out["results"].append(item)
    return out


def _entity_match(pred: Sequence[str], gold: Sequence[str]) -> bool:
    gold_n = {norm(g) for g in gold}
    return any(norm(p) in gold_n for p in pred)


def _greedy_match(
    pred: list[Any], gold: list[Any], match: Callable[[Any, Any], bool], ignore: Sequence[Any] = ()
) -> tuple[int, list[Any], list[Any]]:
    """One-to-one greedy matching of predictions to gold items: (tp, false positives, misses).

    A prediction that matches only an already-used gold item (the same entity or value stated twice) or an
    ``ignore`` item (the gold set's "maybe") counts neither way, as the guideline says.
    """
    used: set[int] = set()
    tp, fps = 0, []
    for p in pred:
        hit = next((i for i, g in enumerate(gold) if i not in used and match(p, g)), None)
        if hit is not None:
            used.add(hit)
            tp += 1
        elif not any(match(p, m) for m in ignore) and not any(match(p, g) for g in gold):
            fps.append(p)
    fns = [g for i, g in enumerate(gold) if i not in used]
    return tp, fps, fns


def _score_entities(pred: list[list[str]], gold: list[list[str]], maybe: list[list[str]]):
    return _greedy_match(pred, gold, _entity_match, maybe)


def _result_match(p: dict[str, Any], g: dict[str, Any]) -> bool:
    gv = parse_value(g.get("value", ""))
    if gv is None or abs(p["number"] - gv) > 1e-6 * max(1.0, abs(gv)):
        return False
    if "metric" in g and "metric" in p:
        return _entity_match(p.get("metric_names", [p["metric"]]), [g["metric"]])
    return True


def _score_results(pred: list[dict[str, Any]], gold: list[dict[str, Any]]):
    tp, fps, fns = _greedy_match(pred, gold, _result_match)
    # A false positive is shown as the guideline writes a result (value, metric), not with internal keys.
    return tp, [{k: v for k, v in p.items() if k in ("value", "metric")} for p in fps], fns


def evaluate(extractions: Iterable[Extraction], gold_records: Iterable[dict[str, Any]]) -> EvalReport:
    """Score ``extractions`` (matched to gold by paper id) field by field."""
    preds = {ex.paper.id: ex for ex in extractions}
    report = EvalReport()
    for gold in gold_records:
        gid = gold["id"]
        report.n_papers += 1
        ex = preds.get(gid)
        if ex is None:
            report.missing.append(gid)
        pf = predicted_fields(ex) if ex is not None else {f: [] for f in FIELDS}
        names = [n for e in ex.entities for n in e.names] if ex is not None else []
        maybe = gold.get("maybe", [])
        for fname in FIELDS:
            score = report.scores[fname]
            if fname == "results":
                tp, fps, fns = _score_results(pf[fname], gold.get(fname, []))
            else:
                maybe_f = [[m[0]] for m in maybe if len(m) > 1 and m[1] == fname]
                tp, fps, fns = _score_entities(pf[fname], gold.get(fname, []), maybe_f)
            score.tp += tp
            score.fp += len(fps)
            score.fn += len(fns)
            for kind, items in (("fp", fps), ("fn", fns)):
                for x in items:
                    err = {"id": gid, "field": fname, "kind": kind, "item": x}
                    err["category"] = categorize(err, pf, gold, names)
                    report.errors.append(err)
    return report


def read_gold(path: Path) -> list[dict[str, Any]]:
    """Gold records (one JSON object per line); a malformed line is an error naming the line."""
    out = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"{path}: cannot read gold annotations ({exc.strerror or exc})") from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{n}: invalid JSON in gold file ({exc.msg})") from None
        if not isinstance(row, dict) or "id" not in row:
            raise InputError(f"{path}:{n}: a gold record needs an \"id\"")
        out.append(row)
    return out
