"""Sort evaluation errors into the categories we fix: span, type, missing relation, missed name, spurious.

A raw error list ("FN metrics ['inference latency']") says *what* went wrong in one document; tuning by reading
it invites fixing strings. Counting errors by *kind* says where a general rule is missing: a missed metric
that is an efficiency measure, a compound metric cut to its head word, a baseline found as a method but
never linked by a comparison wording. Each error gets exactly one category, chosen by the first test
that holds, in the order below (most specific first):

``span``
    a prediction of the same field overlaps the gold name but is wider or narrower (``"accuracy"`` for
    gold ``"denoising accuracy"`` is ``span:narrower``).
``type``
    the name is there under another field (a gold baseline predicted as a proposal is ``type:as-proposes``;
    a false-positive dataset that gold lists as a method's baseline is ``type:gold-baselines``).
``relation``
    (misses only) the extractor recognised the name as an entity but gave it no relation of this field.
``missed``
    (misses only) the name was not recognised at all; for some fields a sub-kind says what kind of name
    (``missed:efficiency-measure``, ``missed:lower-case``, ``missed:acronym``).
``spurious``
    (false positives only) the gold mentions the name in no field; ``spurious:maybe-elsewhere`` and the
    like are not separated out: a prediction matching a gold "maybe" is never an error to begin with.

Results have their own kinds: ``value-missed``, ``metric-differs`` (the value was found with another
metric), ``not-a-result`` (a number gold does not count).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from kg.eval.matching import norm, parse_value

#: Head words of efficiency and cost measures: the metric category the rules missed most on unseen text.
EFFICIENCY_WORDS = frozenset(
    "speed speedup speed-up latency throughput time runtime memory size parameters parameter params flops "
    "cost costs storage energy bandwidth footprint overhead".split()
)
_ACRONYM = re.compile(r"^[A-Z][A-Za-z0-9\-]*[A-Z0-9]$")


def _overlap(a: str, b: str) -> str | None:
    """``"wider"`` when ``a`` contains ``b`` as whole words, ``"narrower"`` when the reverse, else None."""
    if a == b or not a or not b:
        return None
    if f" {b} " in f" {a} ":
        return "wider"
    if f" {a} " in f" {b} ":
        return "narrower"
    return None


def _names(items: Iterable[Sequence[str]]) -> list[str]:
    return [norm(n) for item in items for n in item]


def _missed_kind(field: str, names: Sequence[str]) -> str:
    """What kind of name a missed gold entity is: a hint at the rule family that should have found it."""
    first = names[0]
    words = set(re.findall(r"[a-z][a-z\-]*", first.casefold()))
    if field == "metrics" and words & EFFICIENCY_WORDS:
        return "missed:efficiency-measure"
    if field == "metrics" and len(first.split()) > 1:
        return "missed:compound"
    if any(_ACRONYM.match(n) for n in names) and len(names) > 1:
        return "missed:acronym-pair"
    if first == first.lower() and field in ("baselines", "proposes", "datasets"):
        return "missed:lower-case"
    return "missed"


def categorize(
    error: Mapping[str, Any],
    predicted: Mapping[str, list[Any]],
    gold: Mapping[str, Any],
    entity_names: Iterable[str] = (),
) -> str:
    """The category of one error record of :func:`kg.eval.evaluate` (see the module docstring).

    ``predicted`` is the paper's prediction in the gold's shape (:func:`kg.eval.predicted_fields`), ``gold``
    its gold record, ``entity_names`` every name the extractor recognised in the paper, related or not.

    >>> categorize({"field": "metrics", "kind": "fn", "item": ["top-1 accuracy"]},
    ...            {"metrics": [["accuracy"]]}, {"metrics": [["top-1 accuracy"]]})
    'span:narrower'
    """
    field, kind, item = error["field"], error["kind"], error["item"]
    if field == "results":
        return _result_category(kind, item, predicted.get("results", []))
    names = [norm(n) for n in item]
    if kind == "fn":
        for pred in _names(predicted.get(field, [])):
            for n in names:
                rel = _overlap(pred, n)
                if rel:
                    return f"span:{rel}"
        for other, preds in predicted.items():
            if other not in (field, "results") and set(names) & set(_names(preds)):
                return f"type:as-{other}"
        if set(names) & {norm(n) for n in entity_names}:
            return "relation"
        return _missed_kind(field, list(item))
    # a false positive
    for g in _names(gold.get(field, [])):
        for n in names:
            rel = _overlap(n, g)
            if rel:
                return f"span:{rel}"
    for other in ("proposes", "datasets", "baselines", "metrics", "tasks"):
        if other != field and set(names) & set(_names(gold.get(other, []))):
            return f"type:gold-{other}"
    return "spurious"


def _result_category(kind: str, item: Mapping[str, Any], predicted: list[dict[str, Any]]) -> str:
    if kind == "fp":
        return "not-a-result"
    gv = parse_value(item.get("value", ""))
    same_value = gv is not None and any(abs(p["number"] - gv) <= 1e-6 * max(1.0, abs(gv)) for p in predicted)
    return "metric-differs" if same_value else "value-missed"


def count_categories(errors: Iterable[Mapping[str, Any]]) -> dict[str, Counter[str]]:
    """``{field: Counter({"fn span:narrower": 3, ...})}`` from categorised error records."""
    out: dict[str, Counter[str]] = {}
    for err in errors:
        out.setdefault(err["field"], Counter())[f"{err['kind']} {err.get('category', '?')}"] += 1
    return out
