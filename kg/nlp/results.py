"""``kg_results``: numeric results ("53.14% accuracy on ImageNet", "a 2.3x speedup", "0.5 dB PSNR").

A number is a *result* when it carries a result unit (``%``, ``x``/``×``, ``dB``, ``points``) or when it
stands next to a metric name ("BLEU of 30.1", "mAP 84.8"); counts, sizes, years, bit-widths and
hyper-parameters ("160 epochs", "2-bit", "7B", "2024") are not. Each result's slots are filled from the
same sentence: the metric is the metric mention nearest the number (after it within three words, else
before it in the clause), the dataset the nearest dataset mention, the method the nearest method
mention before the number (the paper's proposed method when the sentence speaks for "we/our").

Pure function :func:`find_results`; the component stores plain tuples on ``doc._.kg_results``.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from kg.model import EntityType
from kg.nlp.sentences import doc_text

# (value_start, value_end, value, unit, method_span, dataset_span, metric_span, rule, confidence)
ResultTuple = tuple[int, int, float, str | None, tuple[int, int] | None, tuple[int, int] | None,
                    tuple[int, int] | None, str, float]
Mention = tuple[int, int, str, str]

if not Doc.has_extension("kg_results"):
    Doc.set_extension("kg_results", default=None)

_VALUE = re.compile(
    r"(?<![\w.\-/^{=])(?P<num>[+\-−]?\d{1,3}(?:,\d{3})*(?:\.\d+)?|[+\-−]?\d*\.\d+|[+\-−]?\d+)"
    r"(?:\s?(?P<unit>%|×|x(?![\w])|X(?![\w])|dB\b|pp\b|points?\b|-?fold\b|times\b))?"
    r"(?![\w.]*\d)(?![\w\-]*[A-Za-wyzA-WYZ])"
)
_NOT_RESULT_AFTER = re.compile(
    r"^\s*(?:-?bit|bits|epochs?|layers?|steps?|iterations?|samples?|images?|videos?|tokens?|parameters?|params|"
    r"[KMBT]\b|k\b|GPUs?|hours?|days?|minutes?|seconds?|authors?|datasets?|tasks?|benchmarks?|classes|languages?|"
    r"categories|times\s+(?:more|fewer|larger|smaller)|subjects|participants|users|queries|questions|examples|"
    r"shots?|-shot|words?|frames?|nodes?|edges?|models?|methods?|billion|million|thousand|h\b|M\b|B\b|st\b|nd\b|rd\b|th\b)",
    re.I,
)
# "84.8/85.0 mAP", "7.08/5.15/2.17% gain": several results in one slash-joined group, the unit written once.
_SLASHED = re.compile(r"(?<![\w.\-/])\d+(?:\.\d+)?(?:/\d+(?:\.\d+)?)+(?P<unit>\s?(?:%|×|x(?!\w)))?(?![\w/])")
_ONE = re.compile(r"\d+(?:\.\d+)?")


class _Value:
    """A match-like view of one number of a slash-joined group (``start``/``end``/``group`` as ``re.Match``)."""

    __slots__ = ("_end", "_num", "_start", "_unit")

    def __init__(self, start: int, end: int, num: str, unit: str | None) -> None:
        self._start, self._end, self._num, self._unit = start, end, num, unit

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end

    def group(self, name: str) -> str | None:
        return self._num if name == "num" else self._unit


def _values(sent: str) -> list[re.Match[str] | _Value]:
    """Every candidate number of a sentence, slash-joined groups split into their members."""
    groups = list(_SLASHED.finditer(sent)) if "/" in sent else []
    out: list[re.Match[str] | _Value] = []
    for g in groups:
        unit = (g.group("unit") or "").strip() or None
        body_end = g.start("unit") if g.group("unit") else g.end()
        for n in _ONE.finditer(sent, g.start(), body_end):
            out.append(_Value(n.start(), n.end() if n.end() < body_end else g.end(), n.group(), unit))
    inside = [(g.start(), g.end()) for g in groups]
    out += [m for m in _VALUE.finditer(sent) if not any(a <= m.start() < b for a, b in inside)]
    return sorted(out, key=lambda m: m.start())


_DIGIT = re.compile(r"\d")
_METRIC_NEAR = 40  # characters: "53.14% top-1 accuracy" / "accuracy of 53.14%"


def _nearest(mentions: list[Mention], pos: int, s0: int, s1: int, types: tuple[str, ...],
             before_only: bool = False) -> tuple[int, int] | None:
    best: tuple[int, tuple[int, int]] | None = None
    for start, end, etype, _ in mentions:
        if etype not in types or start < s0 or end > s1:
            continue
        if before_only and start > pos:
            continue
        dist = pos - end if end <= pos else start - pos
        if best is None or dist < best[0]:
            best = (dist, (start, end))
    return best[1] if best else None


def _metric_for(text: str, mentions: list[Mention], v0: int, v1: int, s0: int, s1: int) -> tuple[int, int] | None:
    # After the value: "53.14% accuracy", "56.03% accuracy", "65.03% verified error"
    for start, end, etype, _ in mentions:
        if etype == EntityType.METRIC.value and v1 <= start <= v1 + _METRIC_NEAR and end <= s1:
            between = text[v1:start]
            if not re.search(r"[,;]|\b(?:on|and|in|of|while|with|than)\b", between):
                return start, end
    # Before the value in the same clause: "accuracy of 53.14%", "BD-rate by 16.54%", "mAP: 84.8"
    best = None
    for start, end, etype, _ in mentions:
        if etype == EntityType.METRIC.value and s0 <= start and end <= v0:
            between = text[end:v0]
            if len(between) <= 80 and not re.search(r"[;]|\bwhile\b|, (?:and|while|but)\b", between):
                best = (start, end)
    return best


def find_results(text: str, sentences: list[tuple[int, int]], mentions: list[Mention],
                 proposed: list[tuple[int, int]]) -> list[ResultTuple]:
    out: list[ResultTuple] = []
    for s0, s1 in sentences:
        sent = text[s0:s1]
        if not _DIGIT.search(sent):
            continue  # most sentences state no number at all
        for m in _values(sent):
            v0, v1 = s0 + m.start(), s0 + m.end()
            raw = (m.group("num") or "").replace("−", "-").replace(",", "")
            unit = m.group("unit")
            try:
                value = float(raw)
            except ValueError:
                continue
            if _NOT_RESULT_AFTER.match(sent[m.end():]):
                continue
            if unit is None and (re.match(r"^\d{4}$", raw) and 1900 <= value <= 2100):
                continue  # a year
            if any(s <= v0 < e for s, e, _, _ in mentions):
                continue  # part of a name ("ResNet-50", "Llama 2 7B" handled by lexicon spans)
            metric = _metric_for(text, mentions, v0, v1, s0, s1)
            if unit is None:
                if metric is None or "." not in raw:
                    continue  # a bare integer, or a number with no metric next to it, is a count
                rule, conf = "kg_results:metric-number", 0.65
            else:
                rule, conf = f"kg_results:unit:{unit.strip()}", 0.8 if metric else 0.7
            unit_norm = None if unit is None else {"×": "x", "X": "x", "point": "points", "times": "x"}.get(
                unit.strip(), unit.strip().lstrip("-"))
            dataset = _nearest(mentions, v0, s0, s1, (EntityType.DATASET.value, EntityType.BENCHMARK.value))
            method = None
            if proposed and re.search(r"\b(?:we|our|ours|the proposed)\b", sent, re.I):
                method = next((p for p in proposed if s0 <= p[0] < s1), proposed[0])
            if method is None:
                method = next((p for p in proposed if s0 <= p[0] < v0), None)
            if method is None:
                method = _nearest(mentions, v0, s0, s1, (EntityType.METHOD.value,), before_only=True)
            out.append((v0, v1, value, unit_norm, method, dataset, metric, rule, conf))
    return out


class ResultFinder:
    def __init__(self, nlp: Language, name: str = "kg_results") -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        from kg.nlp.relations import doc_mentions

        text = doc_text(doc)
        sentences = doc._.kg_sentences or [(0, len(text))]
        proposed = [(s, e) for s, e, _t, _r, _c, p in (doc._.kg_candidates or []) if p]
        doc._.kg_results = find_results(text, sentences, doc_mentions(doc), proposed)
        return doc


@Language.factory(
    "kg_results",
    requires=["doc._.kg_sentences", "doc._.kg_lexicon_matches", "doc._.kg_candidates"],
    assigns=["doc._.kg_results"],
    default_config={},
)
def make_result_finder(nlp: Language, name: str) -> ResultFinder:
    return ResultFinder(nlp, name)
