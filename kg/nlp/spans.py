"""``kg_spans``: the pipeline's findings as spaCy objects — ``doc.spans["kg"]``, ``doc.ents``, abbreviation pairs.

Why: spaCy users expect named things as spans, not as positional tuples in extension attributes, and the
extraction record builder (:mod:`kg.records`) reads these same spans, so the spans a user sees are the ones
the graph was built from, and any component that writes ``doc.spans["kg"]`` feeds the records.

* ``doc.spans["kg"]``: every span that names a method, dataset, benchmark, metric or task (label = the
  :class:`~kg.model.EntityType` value), overlapping spans included, in order of precedence (lexicon matches,
  then candidates, then names only a relation or a result gives, then spans other components wrote). Each
  span has ``span._.kg_rule`` (the rule or lexicon that found it; stored as spaCy's own ``span.id_``, the
  id of the pattern that matched), ``span._.kg_lexicon_id`` (stored as ``span.kb_id_``, the knowledge-base
  id: the lexicon is our knowledge base) and ``span._.kg_confidence``;
* ``doc.ents``: the longest non-overlapping of them (``spacy.util.filter_spans``), when the component's
  ``annotate_ents`` is on (spaCy's ``span_ruler`` has the same switch; the extraction pipelines turn it off
  because setting ``doc.ents`` costs as much as writing the whole group, see :data:`kg.nlp.MODES`);
* ``doc.spans["kg_short_forms"]`` and ``doc.spans["kg_long_forms"]``: the abbreviation pairs of
  ``kg_abbreviations``, aligned by position (scispacy keeps ``span._.long_form``; two span groups serialise
  with ``DocBin`` where a Span-valued attribute would not).

Exact offsets: a rule may name part of a token ("CIFAR-10" in "CIFAR-10/100", "GTA" in "GTA-to-Cityscapes":
about 0.7% of the spans of our corpora). Such a span covers the tokens around it, but its ``start_char`` and
``end_char`` keep the characters the rule named, so evidence offsets stay exact and two names inside one
token stay two spans (their extension values are keyed by those offsets). ``DocBin`` keeps both.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span, SpanGroup
from spacy.util import filter_spans

from kg.model import RELATION_RANGE, EntityType, RelationType

KEY = "kg"
SHORT_FORMS = "kg_short_forms"
LONG_FORMS = "kg_long_forms"
#: Marks a ``doc.spans["kg"]`` group that ``kg_spans`` completed (a group without it is another component's).
WRITTEN_BY = "kg_spans"


def _set_id(span: Span, value: str | None) -> None:
    span.id_ = value or ""


def _set_kb_id(span: Span, value: str | None) -> None:
    span.kb_id_ = value or ""


# The rule and lexicon id live in native Span fields (cheap to write, and spaCy tools show them); the
# extensions are the documented names. Only the confidence needs a stored extension value.
Span.set_extension("kg_rule", getter=lambda span: span.id_ or None, setter=_set_id, force=True)
Span.set_extension("kg_lexicon_id", getter=lambda span: span.kb_id_ or None, setter=_set_kb_id, force=True)
if not Span.has_extension("kg_confidence"):
    Span.set_extension("kg_confidence", default=None)

#: What a named span is: (type, rule, confidence, lexicon id or None), keyed by its character offsets.
NamedSpans = dict[tuple[int, int], tuple[EntityType, str, float, str | None]]
#: An abbreviation: ((short form start, end), (long form start, end)).
Abbreviation = tuple[tuple[int, int], tuple[int, int]]


def confidence_key(start: int, end: int) -> tuple[str, str, int, int]:
    """Where ``span._.kg_confidence`` of the span at ``start:end`` lives in ``doc.user_data``.

    spaCy keeps a span's extension values there under ``("._.", name, start_char, end_char)``
    (``spacy.tokens.underscore.Underscore._get_key``). Writing and reading that entry directly costs one
    dict access where ``span._`` builds an ``Underscore`` object each time (a third of the cost of writing
    the group); ``tests/test_spacy_native.py`` checks that ``span._.kg_confidence`` reads the same value.
    """
    return ("._.", "kg_confidence", start, end)


#: Confidence of a lexicon match: a curated or gazetteer name, typed by its entry.
LEXICON_CONFIDENCE = 0.9
#: Rule and confidence of a span in ``doc.spans["kg"]`` whose writer set neither.
OTHER_RULE = "doc.spans"
OTHER_CONFIDENCE = 0.5


def _implied_type(rtype: RelationType) -> EntityType:
    """The type a name takes when only a relation names it: the first of its range (a dataset for uses)."""
    if rtype is RelationType.USES:
        return EntityType.DATASET
    return next(iter(sorted(RELATION_RANGE[rtype], key=lambda x: x.value)))


#: Precomputed lookups (the writer runs once per paper: enum construction was a sixth of its time).
_TYPE_OF_LABEL = {t.value: t for t in EntityType}
_IMPLIED = {rt.value: _implied_type(rt) for rt in RelationType}


def named_spans(doc: Doc) -> NamedSpans:
    """Every character span the rules say names something, with a type guess and where it came from.

    Lexicon matches first, then candidates, then spans that only a relation or a result names (typed by
    the relation's range); the first finding of a span wins, so a lexicon type is never overridden.
    """
    spans: NamedSpans = {}
    for s, e, t, lex_id in doc._.kg_lexicon_matches or []:
        spans[(s, e)] = (_TYPE_OF_LABEL[t], "kg_lexicon", LEXICON_CONFIDENCE, lex_id)
    for s, e, t, rule, conf, _is_proposed in doc._.kg_candidates or []:
        if (s, e) not in spans:
            spans[(s, e)] = (_TYPE_OF_LABEL[t], f"kg_candidates:{rule}", conf, None)
    for rel, s, e, rule, conf in doc._.kg_relations or []:
        if (s, e) not in spans:
            spans[(s, e)] = (_IMPLIED[rel], rule, conf, None)
    for r in doc._.kg_results or []:
        for span, etype in ((r.method, EntityType.METHOD), (r.dataset, EntityType.DATASET),
                            (r.metric, EntityType.METRIC), (r.relative_to, EntityType.METHOD)):
            if span is not None and tuple(span) not in spans:
                spans[tuple(span)] = (etype, r.rule, r.confidence, None)
    return spans


def exact_span(doc: Doc, start: int, end: int, label: str = "", kb_id: str = "", rule: str = "") -> Span:
    """The span of the tokens covering ``doc.text[start:end]``, keeping ``start``/``end`` as its offsets.

    Why not ``doc.char_span`` alone: it can only return token-aligned offsets (or None), and a rule's name
    may be part of a token; the records quote exactly what the rule named.
    """
    span = doc.char_span(start, end, label=label, kb_id=kb_id, span_id=rule, alignment_mode="expand")
    if span is None:  # offsets past the last token: the last token
        i = next((t.i for t in doc if t.idx + len(t) > start), len(doc) - 1)
        span = Span(doc, i, max(i + 1, next((t.i + 1 for t in doc if t.idx >= end), len(doc))), label=label,
                    kb_id=kb_id, span_id=rule)
    if span.start_char != start or span.end_char != end:
        span.start_char, span.end_char = start, end
    return span


def _group(doc: Doc, found: NamedSpans, others: Iterable[Span]) -> list[Span]:
    """``found`` as spans in its order of precedence, then the spans of ``others`` at offsets not found."""
    group: list[Span] = []
    values: dict[Any, Any] = doc.user_data  # spaCy types it dict[str, Any]; its extension keys are tuples
    for (s, e), (etype, rule, conf, lex_id) in found.items():
        group.append(exact_span(doc, s, e, etype.value, lex_id or "", rule))
        values[confidence_key(s, e)] = conf
    group += [span for span in others if (span.start_char, span.end_char) not in found]
    return group


def set_span_annotations(doc: Doc, found: NamedSpans, ents: bool = True) -> Doc:
    """Write ``found`` and the abbreviation pairs onto ``doc`` as span groups (and entities, if ``ents``).

    Spans already in ``doc.spans["kg"]`` (another component's) are kept after ours, unless ours name the
    same characters: the rules' type and rule win there, as a lexicon type wins over a candidate's.
    """
    others = list(doc.spans[KEY]) if KEY in doc.spans and not doc.spans[KEY].attrs.get(WRITTEN_BY) else []
    group = _group(doc, found, others)
    doc.spans[KEY] = SpanGroup(doc, name=KEY, attrs={WRITTEN_BY: True}, spans=group)
    if ents:
        doc.ents = filter_spans(group)
    pairs = doc._.kg_abbreviations or []
    doc.spans[SHORT_FORMS] = [exact_span(doc, ss, se) for (ss, se), _long in pairs]
    doc.spans[LONG_FORMS] = [exact_span(doc, ls, le) for _short, (ls, le) in pairs]
    return doc


def read_named_spans(doc: Doc) -> NamedSpans:
    """``doc.spans["kg"]`` read back as :data:`NamedSpans`, in the group's order (the first of two equal
    offsets wins). A group ``kg_spans`` has not completed is completed first, so a Doc from a pipeline
    without ``kg_spans`` reads the same as one with it.
    """
    if KEY not in doc.spans or not doc.spans[KEY].attrs.get(WRITTEN_BY):
        set_span_annotations(doc, named_spans(doc), ents=False)
    found: NamedSpans = {}
    values: dict[Any, Any] = doc.user_data  # spaCy types it dict[str, Any]; its extension keys are tuples
    for span in doc.spans[KEY]:
        s, e = key = span.start_char, span.end_char
        if key not in found:
            conf = values.get(confidence_key(s, e))
            found[key] = (_TYPE_OF_LABEL[span.label_], span.id_ or OTHER_RULE,
                          OTHER_CONFIDENCE if conf is None else conf, span.kb_id_ or None)
    return found


def read_abbreviations(doc: Doc) -> list[Abbreviation]:
    """The abbreviation pairs of ``doc.spans["kg_short_forms"]``/``["kg_long_forms"]`` as offsets.

    Read after :func:`read_named_spans` (which writes them when no ``kg_spans`` ran).
    """
    return [((s.start_char, s.end_char), (lf.start_char, lf.end_char))
            for s, lf in zip(doc.spans[SHORT_FORMS], doc.spans[LONG_FORMS], strict=True)]


class SpanWriter:
    """Thin component: ``set_span_annotations(doc, named_spans(doc), annotate_ents)``."""

    def __init__(self, nlp: Language, name: str = "kg_spans", annotate_ents: bool = True) -> None:
        self.name = name
        self.annotate_ents = annotate_ents

    def __call__(self, doc: Doc) -> Doc:
        return set_span_annotations(doc, named_spans(doc), self.annotate_ents)


@Language.factory(
    "kg_spans",
    requires=["doc._.kg_lexicon_matches", "doc._.kg_candidates", "doc._.kg_relations", "doc._.kg_results"],
    assigns=["doc.spans", "doc.ents"],
    default_config={"annotate_ents": True},
)
def make_span_writer(nlp: Language, name: str, annotate_ents: bool) -> SpanWriter:
    return SpanWriter(nlp, name, annotate_ents)
