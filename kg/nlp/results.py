"""``kg_results``: numeric results ("53.14% accuracy on ImageNet", "a 2.3x speedup", "0.5 dB PSNR").

A number is a *result* when it carries a result unit (``%``, ``x``/``×``, ``dB``, ``points``) or when it
stands next to a metric name ("BLEU of 30.1", "mAP 84.8"); counts, sizes, years, bit-widths,
hyper-parameters ("160 epochs", "2-bit", "7B", "2024"), spreads ("± 0.17") and shares of the set-up
("using only 50% of the annotations") are not.

Each result says what kind of number it is: an absolute value ("71.8 EM") or a *change* ("by 4.5 points",
"2x faster", "reduces WER by 36%", "+3.1"), and for a change the method it is measured against when the
sentence names one ("outperforming RAG and FiD by 4.5 and 2.3 points": 4.5 against RAG, 2.3 against FiD).
Slots are filled from the sentence *structure*, not only the nearest name:

* dataset: a "respectively" list pairs values with datasets in order; else the dataset the value's own
  phrase introduces ("71.8 EM on TriviaQA"); else the dataset named since the previous value ("On NQ, it
  reaches 45.1"); else the sentence's only dataset; with several and no structure, none (a guess is worse
  than a gap: it puts numbers on the wrong leaderboard);
* metric: the metric right after the value, else one before it in the clause, but not across a verb that
  starts a new measurement ("91.2% accuracy and compresses ResNet-20 to 40.3%": 40.3% is no accuracy)
  nor for a value followed by its own noun ("83.7% average preference");
* method: the paper's proposed method when the sentence speaks for "we/our", else the nearest method before.

Pure function :func:`find_results`; the component stores :class:`FoundResult` tuples on ``doc._.kg_results``.
Cue words live in ``kg/nlp/data/result_cues.json``.
"""

from __future__ import annotations

import bisect
import functools
import json
import re
from importlib import resources
from typing import NamedTuple

from spacy.language import Language
from spacy.tokens import Doc

from kg.model import EntityType
from kg.nlp.cues import FoldedPattern
from kg.nlp.sentences import doc_text

Span = tuple[int, int]
Mention = tuple[int, int, str, str]


class FoundResult(NamedTuple):
    """One result as character spans into the Doc text (``kg/extract.py`` turns spans into entity keys)."""

    start: int
    end: int
    value: float
    unit: str | None
    method: Span | None
    dataset: Span | None
    metric: Span | None
    rule: str
    confidence: float
    delta: bool = False
    relative_to: Span | None = None

if not Doc.has_extension("kg_results"):
    Doc.set_extension("kg_results", default=None)

_VALUE = re.compile(
    r"(?<![\w.\-/^{=])(?P<num>[+\-−]?\d{1,3}(?:,\d{3})*(?:\.\d+)?|[+\-−]?\d*\.\d+|[+\-−]?\d+)"
    r"(?:\s?(?P<unit>%|×|x(?![\w])|X(?![\w])|dB\b|pp\b|(?:absolute\s+|relative\s+|percentage\s+)?points?\b|-?fold\b|times\b|ms\b|seconds\b|(?-i:[A-Za-z]{1,6}(?:\^\d)?/(?:s|sec|min|h|hr|hour|day|clk|cycle)(?:\^\d)?)(?![\w/])))?"
    r"(?![\w.]*\d)(?![\w\-]*[A-Za-wyzA-WYZ])"
)
_NOT_RESULT_AFTER = re.compile(
    r"^\s*(?:-?bit|bits|epochs?|layers?|steps?|iterations?|samples?|images?|videos?|tokens?|parameters?|params|"
    r"[KMBT]\b|k\b|GPUs?|hours?|days?|minutes?|second\b|authors?|datasets?|tasks?|benchmarks?|classes|languages?|"
    r"categories|times\s+(?:more|fewer|larger|smaller)|subjects|participants|users|queries|questions|examples|"
    r"shots?|-shot|words?|frames?|nodes?|edges?|models?|methods?|billion|million|thousand|h\b|M\b|B\b|st\b|nd\b|rd\b|th\b)",
    re.I,
)
# "84.8/85.0 mAP", "7.08/5.15/2.17% gain": several results in one slash-joined group, the unit written once.
_PARAMS = re.compile(r"\s*(?:of\s+(?:the\s+)?)?(?:trainable\s+)?(?:parameters|params)\b", re.I)
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
    for r in _RANGE.finditer(sent):
        if " to " in r.group() and _FROM.search(sent, 0, r.start()):
            continue  # "from 70.1% to 75.3%": a before and an after value, two results
        if any(a <= r.start() < b for a, b in inside):
            continue
        out.append(_Value(r.start(), r.end(), r.group("num"), r.group("unit")))
        inside.append((r.start(), r.end()))
    out += [m for m in _VALUE.finditer(sent) if not any(a <= m.start() < b for a, b in inside)]
    out.sort(key=lambda m: m.start())
    # "by 4.5 and 2.3 points", "49.36, 50.1 and 8.8%": a coordinated list writes its unit once, at the end.
    for i in range(len(out) - 2, -1, -1):
        here, nxt = out[i], out[i + 1]
        if here.group("unit") is None and nxt.group("unit") and _SEPARATOR.match(sent[here.end():nxt.start()]):
            out[i] = _Value(here.start(), here.end(), here.group("num") or "", nxt.group("unit"))
    return out


_DIGIT = re.compile(r"\d")
_NEAR = 200  # characters around a sentence where a mention that matters to its values can start
_LONGEST_NAME = 200  # characters: no mention is longer (names are a few words; the tokenizer sees <= 50)


def _start(mention: Mention) -> int:
    return mention[0]
_UNIT_NAMES = {"×": "x", "X": "x", "point": "points", "times": "x", "seconds": "s", "absolute points": "points",
               "relative points": "points", "percentage points": "points", "percentage point": "points"}
_METRIC_NEAR = 40  # characters: "53.14% top-1 accuracy" / "accuracy of 53.14%"
# "12.4% to 17.5%", "6-7%", "1.6-2.1x": one result (the guideline writes the range as the value).
_RANGE = re.compile(
    r"(?<![\w.\-/])(?P<num>\d+(?:\.\d+)?)(?:\s?(?:%|×|x))?(?:\s?[-–]\s?|\s+to\s+)\d+(?:\.\d+)?"
    r"\s?(?P<unit>%|×|x(?!\w))(?![\w.]*\d)"
)
_FROM = re.compile(r"\bfrom\s+$", re.I)
# Words that may follow a value without being its own measure ("65.1 on NQ", "2%, respectively").
_LINK_WORDS = frozenset({
    "on", "in", "for", "across", "over", "at", "and", "or", "with", "while", "than", "compared", "respectively",
    "vs", "versus", "when", "to", "from", "of", "relative", "absolute", "percent", "percentage", "points",
    "point", "pp", "improvement", "improvements", "gain", "gains", "higher", "lower", "better", "faster",
    "increase", "reduction", "which", "that", "without", "by", "under", "within", "using",
    "after", "before", "as", "is", "are", "was", "were", "against", "even", "only", "overall",
})
_WORD_AFTER = re.compile(r"\s*(?:\([^)]*\)\s*)?([A-Za-z][\w\-]*)")
_SEPARATOR = re.compile(r"^\s*(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+|/\s*|&\s*)$", re.I)


@functools.lru_cache(maxsize=1)
def _result_cues() -> dict[str, FoldedPattern]:
    """The cue lists of ``result_cues.json`` compiled once (lower-case patterns run on lower-cased text)."""
    data = json.loads((resources.files("kg.nlp") / "data" / "result_cues.json").read_text(encoding="utf-8"))

    def alt(key: str) -> str:
        return "|".join(sorted(data[key], key=len, reverse=True))

    qual = rf"(?:(?:{alt('qualifiers')})\s+)*"
    # up to two words of a metric's name between a value and its change word ("31% FVD improvement"), but
    # not a function word: "to 40.3% without accuracy drop" is no drop of 40.3%
    gap = r"(?:(?!(?:with|without|on|in|and|or|of|to|for|than|while|at|over|from|by)\b)[\w@-]+\s+){0,2}?"
    return {
        "delta_before": FoldedPattern(rf"(?<![\w-])(?:{alt('delta_before')})\s+{qual}[+~]?$"),
        "delta_after": FoldedPattern(
            rf"\s*(?:(?:percentage\s+)?points?\s+|pp\s+)?(?:\(\s*)?{gap}(?:{alt('delta_after')})(?![\w-])"),
        "new_measure": FoldedPattern(rf"(?<![\w-])(?:{alt('new_measure_verbs')})(?![\w-])"),
        "dataset_intro": FoldedPattern(rf"[^,;\d]*?(?<![\w-])(?:{alt('dataset_before')})\s+(?:the\s+)?$"),
        "spread": FoldedPattern(rf"(?:{alt('spread_before')})\s*$"),
        "setup_share": FoldedPattern(
            r"\s*(?:\([^)]*\)\s*)?of\s+(?:the\s+)?(?:[\w\-']+\s+){0,3}?(?:data|annotations?|labels?|labell?ed|"
            r"training|samples|examples|ground[\s-]truth|supervision)\b"),
    }


def _nearest(mentions: list[Mention], pos: int, s0: int, s1: int, types: tuple[str, ...],
             before_only: bool = False) -> Span | None:
    best: tuple[int, Span] | None = None
    for start, end, etype, _ in mentions:
        if etype not in types or start < s0 or end > s1:
            continue
        if before_only and start > pos:
            continue
        dist = pos - end if end <= pos else start - pos
        if best is None or dist < best[0]:
            best = (dist, (start, end))
    return best[1] if best else None


def _own_head(text: str, v1: int, s1: int, mentions: list[Mention]) -> bool:
    """Whether the value is followed by a noun of its own ("83.7% average preference", "5x the compute").

    Such a value measures what that noun names; a metric named earlier in the clause is not its metric.
    """
    m = _WORD_AFTER.match(text, v1, s1)
    if m is None or m.group(1).lower() in _LINK_WORDS:
        return False
    i = bisect.bisect_left(mentions, m.start(1), key=_start)  # mentions are sorted by start
    while i < len(mentions) and mentions[i][0] == m.start(1):
        if mentions[i][2] == EntityType.METRIC.value:
            return False
        i += 1
    return True


def _metric_for(text: str, mentions: list[Mention], v0: int, v1: int, s0: int, s1: int,
                has_unit: bool = True) -> Span | None:
    # ``mentions`` are sorted by start: only those within reach of the value are looked at (a sentence of
    # many values and names stays linear, issue 9).
    # After the value: "53.14% accuracy", "56.03% accuracy", "65.03% verified error"
    near = mentions[bisect.bisect_left(mentions, v1, key=_start):
                    bisect.bisect_right(mentions, v1 + _METRIC_NEAR, key=_start)]
    for start, end, etype, _ in near:
        if etype == EntityType.METRIC.value and v1 <= start <= v1 + _METRIC_NEAR and end <= s1:
            between = text[v1:start]
            if not re.search(r"[,;]|\b(?:on|and|in|of|while|with|without|than)\b", between) \
                    or _CHANGE_IN.match(between):  # "a 2.4x reduction in training memory"
                return start, end
    if has_unit and _own_head(text, v1, s1, mentions):
        return None  # a bare number keeps the clause's metric: without one it would not be a result at all
    if _OTHER_DIMENSION.match(text, v1, s1):
        return None  # "same accuracy but 1.5x faster": the comparative names what the number measures
    # Before the value in the same clause: "accuracy of 53.14%", "BD-rate by 16.54%", "mAP: 84.8" — but not
    # across a verb that starts a new measurement ("… accuracy and compresses ResNet-20 to 40.3%").
    floor = s0
    for m in _result_cues()["new_measure"].finditer(text, max(s0, v0 - 80), v0):
        floor = m.end()
    best = None
    before = mentions[bisect.bisect_left(mentions, max(floor, v0 - 80 - _LONGEST_NAME), key=_start):
                      bisect.bisect_left(mentions, v0, key=_start)]
    for start, end, etype, _ in before:
        if etype == EntityType.METRIC.value and floor <= start and end <= v0:
            between = text[end:v0]
            if len(between) <= 80 and not re.search(r"[;]|\b(?:while|but|whereas)\b|, and\b", between):
                best = (start, end)
    return best


# "a 2.4x reduction in training memory": the change's measure comes after "in"/"of".
_CHANGE_IN = re.compile(r"^\s*(?:\w+\s+)?(?:reductions?|improvements?|increases?|decreases?|gains?|boosts?|drops?)"
                        r"\s+(?:in|of|on)\s+(?:the\s+)?$", re.I)
# Comparatives that name a dimension of their own (speed, size, count), unlike "higher"/"better".
_OTHER_DIMENSION = re.compile(r"\s*(?:faster|slower|smaller|larger|fewer|less|cheaper|shorter|longer|lighter)\b",
                              re.I)
# "an R2 of 0.93", "AIME24 scores of 74.0 and 60.2": a decimal a measure name introduces, though not a
# lexicon metric, is a result.
_SCORE_OF = re.compile(r"(?:\b[A-Z][A-Za-z]*\d*[A-Z0-9]|\bscores?|\bmeasures?)\s+(?:of|=|:)\s+"
                       r"(?:about\s+|around\s+|nearly\s+)?$")


# "91.11 → 92.69" (also "->", LaTeX "\rightarrow" flattened to "rightarrow"): a before and an after value.
_ARROW = r"(?:→|⟶|->|\\?rightarrow|\\to\b)"
_ARROW_AFTER = re.compile(rf"\s*{_ARROW}\s*(?=[+\-−]?\d)")
_ARROW_BEFORE = re.compile(rf"\d\s*{_ARROW}\s*$")


_FOR_NAME = re.compile(r"(?:\s*[A-Za-z%]{0,8})?\s+(?:for|by|of)\s+(?:the\s+)?")
_OPEN_PAREN = re.compile(r"\s*[(\[]\s*(?:[A-Za-z@\-]+\s*[:=]?\s*)?")


_ACHIEVES = re.compile(r"\s*(?:\([^)]*\)\s*)?(?:only\s+|also\s+)?(?:achieves|achieved|obtains|obtained|reaches|"
                       r"reached|gets|scores|scored|attains|attained|yields|reports|has|had)\b")


def _method_for(text: str, mentions: list[Mention], proposed: list[Span], beaten: list[Span], v0: int, v1: int,
                s0: int, s1: int, method_spans: list[Span] | None = None) -> Span | None:
    """The method a value is about.

    A method that is the subject of its own measurement verb after the paper's method ("FooNet gets 3.2%
    while Whisper obtains 4.1%") owns the values after it; otherwise a sentence that speaks for "we/our"
    is about the paper's proposed method; otherwise the nearest method named before the value. A name the
    sentence says is beaten ("outperforms DETR by 2.1 AP") is never the method of the number, unless the
    number is bracketed right after it ("VAR (3.3 FID)"). A name right after the number's own phrase
    ("732 m^2/s^2 for GraphCast") is its method.
    """
    if method_spans is None:  # the sentence's method mentions, computed once per sentence by find_results
        method_spans = [(s, e) for s, e, t, _ in mentions if t == EntityType.METHOD.value]
    named = method_spans + beaten
    inside = next((sp for sp in named if s0 <= sp[0] and sp[1] <= v0 and _OPEN_PAREN.fullmatch(text, sp[1], v0)), None)
    if inside is not None:
        return inside  # "outperforming VAR (3.3 FID) and FlexVAR (3.05 FID)": the name the bracket follows
    after = next((sp for sp in named
                  if v1 <= sp[0] <= v1 + 60 and sp[1] <= s1 and _FOR_NAME.fullmatch(text, v1, sp[0])), None)
    if after is not None:
        return after  # "compared to 732 for GraphCast", "4.1% for the Transformer baseline"
    beaten_set = set(beaten)
    methods = [(s, e) for s, e in method_spans if s0 <= s and e <= v0 and (s, e) not in beaten_set]
    subject = next((sp for sp in reversed(methods) if _ACHIEVES.match(text, sp[1], v0)), None)
    own = next((p for p in reversed(proposed) if s0 <= p[0] < v0), None)
    if subject is not None and (own is None or subject[0] > own[0]):
        return subject
    if own is not None:
        return own
    if proposed and re.search(r"\b(?:we|our|ours|the proposed)\b", text[s0:s1], re.I):
        return next((p for p in proposed if s0 <= p[0] < s1), proposed[0])
    return methods[-1] if methods else None


def _list_metrics(values: list[re.Match[str] | _Value], sent: str, text: str, mentions: list[Mention], s0: int,
                  s1: int) -> dict[int, Span | None]:
    """For each value that opens a coordinated list ("85.1 and 90.3 F1"), the metric written after the list."""
    out: dict[int, Span | None] = {}
    for i in range(len(values) - 2, -1, -1):
        here, nxt = values[i], values[i + 1]
        if _SEPARATOR.match(sent[here.end():nxt.start()]):
            out[here.start()] = out.get(nxt.start()) or _metric_for(text, mentions, s0 + nxt.start(),
                                                                     s0 + nxt.end(), s0, s1, False)
    return out


def _scored_values(values: list[re.Match[str] | _Value], sent: str) -> set[int]:
    """Starts of the unitless values that are results without a known metric: those a measure name introduces
    ("scores of 74.0 and 60.2", lists included), the two ends of an arrow ("91.11 → 92.69"), and a decimal
    written with its plus sign ("an increase of +1.47"), which only a change is."""
    out: set[int] = set()
    for i, v in enumerate(values):
        if (v.group("num") or "").startswith("+") or _SCORE_OF.search(sent, max(0, v.start() - 40), v.start()) \
                or _ARROW_AFTER.match(sent, v.end()) \
                or _ARROW_BEFORE.search(sent, max(0, v.start() - 16), v.start()):
            out.add(v.start())
        elif i and values[i - 1].start() in out and _SEPARATOR.match(sent[values[i - 1].end():v.start()]):
            out.add(v.start())
    return out


def _is_delta(text: str, s0: int, v0: int, v1: int, num: str) -> bool:
    """A change, not a value: "by 4.5 points", "an improvement of 3%", "2x faster", "3.1% higher", "+1.2"."""
    if num[:1] in "+−" or (num[:1] == "-" and v0 > s0 and text[v0 - 1] == " "):
        return True
    cues = _result_cues()
    return bool(cues["delta_before"].search(text, max(s0, v0 - 60), v0)
                or cues["delta_after"].match(text, v1, v1 + 40))


def _groups(spans: list[Span], text: str) -> list[list[Span]]:
    """Coordinated runs ("A, B and C", "4.5 and 2.3"): consecutive spans joined only by separators."""
    out: list[list[Span]] = []
    for span in sorted(set(spans)):
        if out and _SEPARATOR.match(text[out[-1][-1][1]:span[0]]):
            out[-1].append(span)
        else:
            out.append([span])
    return out


def _pair_lists(values: list[Span], others: list[Span], text: str, before_only: bool) -> dict[Span, Span]:
    """Pair each coordinated run of values with a run of names of the same length, in order.

    "49.36 and 8.8 on GSM8K and MATH respectively", "outperforming RAG and FiD by 4.5 and 2.3 points":
    the i-th value goes with the i-th name. A run of names before the values is preferred when
    ``before_only`` (the baselines of "outperforming X and Y by …"), the nearest run otherwise.
    """
    pairs: dict[Span, Span] = {}
    name_runs = [g for g in _groups(others, text) if len(g) > 1]
    for run in _groups(values, text):
        if len(run) < 2:
            continue
        fits = [g for g in name_runs if len(g) == len(run) and (not before_only or g[-1][1] <= run[0][0])]
        if not fits:
            continue
        best = min(fits, key=lambda g: abs(g[0][0] - run[0][0]))
        pairs.update(zip(run, best, strict=True))
    return pairs


def _dataset_for(text: str, datasets: list[Mention], v0: int, v1: int, prev_end: int, s0: int,
                 s1: int) -> Span | None:
    """The dataset the sentence structure links a value to (see the module docstring for the order)."""
    intro = _result_cues()["dataset_intro"]
    for start, end, _t, _r in datasets:  # "71.8 EM on TriviaQA"
        if v1 <= start <= v1 + 60 and intro.match(text, v1, start):
            return start, end
    since = [(s, e) for s, e, _t, _r in datasets if prev_end <= s and e <= v0]  # "On NQ, it reaches 45.1"
    if since:
        return since[-1]
    # Otherwise only a sentence that names one dataset says which: with two, the nearest is a guess.
    named = [(s, e) for s, e, _t, _r in datasets if s0 <= s and e <= s1]
    return named[0] if len({text[s:e] for s, e in named}) == 1 else None


def _relative_to(beaten: list[Span], v0: int, v1: int, s0: int, s1: int, text: str) -> Span | None:
    """The one baseline a change is measured against: the last named before it, else the first after it.

    A coordinated list ("than X and Y by 3%") names no single reference, so it gives none.
    """
    runs = _groups([b for b in beaten if s0 <= b[0] and b[1] <= s1], text)
    before = [g for g in runs if g[-1][1] <= v0]
    after = [g for g in runs if g[0][0] >= v1]
    run = before[-1] if before else after[0] if after else None
    return run[0] if run is not None and len(run) == 1 else None


def find_results(text: str, sentences: list[tuple[int, int]], mentions: list[Mention],
                 proposed: list[Span], beaten: list[Span] | None = None) -> list[FoundResult]:
    """Every result of ``text`` (see the module docstring). ``beaten``: spans of the names a beats cue found."""
    out: list[FoundResult] = []
    cues = _result_cues()
    ds_types = (EntityType.DATASET.value, EntityType.BENCHMARK.value)
    every = sorted(mentions)
    starts = [m[0] for m in every]
    every_beaten = sorted(beaten or [])
    for s0, s1 in sentences:
        sent = text[s0:s1]
        if not _DIGIT.search(sent):
            continue  # most sentences state no number at all
        # Every use below stays inside the sentence (or a few words past a value): the mentions and beaten
        # names near it are all that can matter. Scanning the whole abstract's lists for every value was
        # quadratic on long texts (issue 9).
        lo, hi = bisect.bisect_left(starts, s0 - _NEAR), bisect.bisect_right(starts, s1 + _NEAR)
        mentions = every[lo:hi]
        datasets = [m for m in mentions if m[2] in ds_types]
        method_spans = [(s, e) for s, e, t, _ in mentions if t == EntityType.METHOD.value]
        beaten = every_beaten[bisect.bisect_left(every_beaten, (s0 - _NEAR, -1)):
                              bisect.bisect_right(every_beaten, (s1 + _NEAR, len(text) + 1))]
        found: list[FoundResult] = []
        prev_end = s0
        values = _values(sent)
        nxt_metric = _list_metrics(values, sent, text, mentions, s0, s1)
        scored = _scored_values(values, sent)
        for m in values:
            v0, v1 = s0 + m.start(), s0 + m.end()
            raw = (m.group("num") or "").replace("−", "-").replace(",", "")
            unit = m.group("unit")
            try:
                value = float(raw)
            except ValueError:
                continue
            if _NOT_RESULT_AFTER.match(sent[m.end():]) and not (unit == "%" and _PARAMS.match(sent, m.end())):
                continue  # a count, a size, a setting — but "only 0.7% parameters" is what the method achieves
            if unit is None and (re.match(r"^\d{4}$", raw) and 1900 <= value <= 2100):
                continue  # a year
            if any(s <= v0 < e for s, e, _, _ in
                   mentions[bisect.bisect_left(mentions, v0 - _LONGEST_NAME, key=_start):
                            bisect.bisect_right(mentions, v0, key=_start)]):
                continue  # part of a name ("ResNet-50", "Llama 2 7B" handled by lexicon spans)
            if cues["spread"].search(text, max(s0, v0 - 25), v0):
                continue  # "44.43 ± 0.17": the spread of a result, not a result
            if unit is not None and unit.strip() == "%" and cues["setup_share"].match(text, v1, s1):
                continue  # "using only 50% of the annotations": a share of the set-up
            metric = _metric_for(text, mentions, v0, v1, s0, s1, unit is not None)
            if metric is None and unit is None and nxt_metric.get(m.start()) is not None:
                metric = nxt_metric[m.start()]  # "85.1 and 90.3 F1": the list names its metric once
            if unit is None:
                if "." not in raw or (metric is None and m.start() not in scored):
                    continue  # a bare integer, or a number with no metric next to it, is a count
                rule, conf = ("kg_results:metric-number", 0.65) if metric else ("kg_results:score-of", 0.6)
            else:
                rule, conf = f"kg_results:unit:{unit.strip()}", 0.8 if metric else 0.7
            unit_norm = None if unit is None else _UNIT_NAMES.get(unit.strip(), unit.strip().lstrip("-"))
            dataset = _dataset_for(text, datasets, v0, v1, prev_end, s0, s1)
            prev_end = v1
            method = _method_for(text, mentions, proposed, beaten, v0, v1, s0, s1, method_spans)
            delta = _is_delta(text, s0, v0, v1, raw)
            relative = _relative_to(beaten, v0, v1, s0, s1, text) if delta else None
            found.append(FoundResult(v0, v1, value, unit_norm, method, dataset, metric, rule, conf, delta, relative))
        if len(found) > 1:
            found = _pair_by_structure(found, text, s0, s1, datasets, beaten)
        out += found
    return out


def _pair_by_structure(found: list[FoundResult], text: str, s0: int, s1: int, datasets: list[Mention],
                       beaten: list[Span]) -> list[FoundResult]:
    """Respectively-lists and coordinated baselines override the per-value guesses of one sentence."""
    # A coordinated list of values is one kind of number: "by 4.5 and 2.3 points" are both changes.
    runs = _groups([(r.start, r.end) for r in found], text)
    delta_spans = {(r.start, r.end) for r in found if r.delta}  # a set: one pass, not one per span (issue 9)
    delta_runs = {span for run in runs if any(sp in delta_spans for sp in run) for span in run}
    found = [r._replace(delta=True) if (r.start, r.end) in delta_runs else r for r in found]
    spans = [(r.start, r.end) for r in found]
    by_dataset = _pair_lists(spans, [(s, e) for s, e, _t, _r in datasets if s0 <= s and e <= s1], text, False) \
        if "respectively" in text[s0:s1].lower() else {}
    deltas = [(r.start, r.end) for r in found if r.delta]
    by_baseline = _pair_lists(deltas, [b for b in beaten if s0 <= b[0] and b[1] <= s1], text, True)
    return [r._replace(dataset=by_dataset.get((r.start, r.end), r.dataset),
                       relative_to=by_baseline.get((r.start, r.end), r.relative_to)) for r in found]


def proposal_occurrences(text: str, proposed: list[Span]) -> list[Span]:
    """Every occurrence of the names the paper proposes, not only the one the proposal cue found.

    "We propose FooNet. … FooNet reaches 71.8 EM": the second sentence's number is FooNet's. Linear in the
    text per proposed name (a handful per abstract), word-bounded so "FooNet" does not match "FooNet-L".
    """
    out = set(proposed)
    for name in {text[s:e] for s, e in proposed}:
        out.update(word_occurrences(text, name))
    return sorted(out)


def word_occurrences(text: str, name: str) -> list[Span]:
    """Where ``name`` occurs in ``text`` as a whole word (not inside "FooNet-L" or "MyFooNet").

    ``str.find`` rather than a regex per name: compiling one pattern per proposed name of every abstract
    cost more than all the result rules together.
    """
    out: list[Span] = []
    if not name.strip():
        return out
    i = text.find(name)
    while i >= 0:
        j = i + len(name)
        if (i == 0 or not (text[i - 1].isalnum() or text[i - 1] in "-_")) and \
                (j == len(text) or not (text[j].isalnum() or text[j] in "-_")):
            out.append((i, j))
        i = text.find(name, i + 1)
    return out


class ResultFinder:
    def __init__(self, nlp: Language, name: str = "kg_results") -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        from kg.nlp.relations import doc_mentions

        text = doc_text(doc)
        sentences = doc._.kg_sentences or [(0, len(text))]
        proposed = proposal_occurrences(text, [(s, e) for s, e, _t, _r, _c, p in (doc._.kg_candidates or []) if p])
        beaten = [(s, e) for rel, s, e, _r, _c in (doc._.kg_relations or []) if rel == "beats"]
        doc._.kg_results = find_results(text, sentences, doc_mentions(doc), proposed, beaten)
        return doc


@Language.factory(
    "kg_results",
    requires=["doc._.kg_sentences", "doc._.kg_lexicon_matches", "doc._.kg_candidates", "doc._.kg_relations"],
    assigns=["doc._.kg_results"],
    default_config={},
)
def make_result_finder(nlp: Language, name: str) -> ResultFinder:
    return ResultFinder(nlp, name)
