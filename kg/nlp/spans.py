"""``kg_spans``: the pipeline's findings as spaCy objects — ``doc.spans["kg"]``, ``doc.ents``, abbreviation pairs.

Why: spaCy users expect named things as spans, not as positional tuples in extension attributes. With this
component last in the pipeline, ``displacy.render(doc, style="ent")`` shows what paperkg found, a ``DocBin``
keeps it, and other spaCy components (a linker, a relation extractor) can read it.

* ``doc.spans["kg"]``: every span that names a method, dataset, benchmark, metric or task (label = the
  :class:`~kg.model.EntityType` value), overlapping spans included, each with ``span._.kg_rule`` (the rule or
  lexicon that found it), ``span._.kg_confidence`` and ``span._.kg_lexicon_id``;
* ``doc.ents``: the longest non-overlapping of them (``spacy.util.filter_spans``);
* ``doc.spans["kg_short_forms"]`` and ``doc.spans["kg_long_forms"]``: the abbreviation pairs of
  ``kg_abbreviations``, aligned by position (scispacy keeps ``span._.long_form``; two span groups serialise
  with ``DocBin`` where a Span-valued attribute would not).

:func:`named_spans` is the one definition of "a span that names something": the extraction record builder
(:mod:`kg.extract`) reads it too, so the spans a user sees are the ones the graph was built from.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from kg.model import RELATION_RANGE, EntityType, RelationType

for _name in ("kg_rule", "kg_confidence", "kg_lexicon_id"):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=None)

#: What a named span is: (type, rule, confidence, lexicon id or None), keyed by its character offsets.
NamedSpans = dict[tuple[int, int], tuple[EntityType, str, float, str | None]]

#: Confidence of a lexicon match: a curated or gazetteer name, typed by its entry.
LEXICON_CONFIDENCE = 0.9


def named_spans(doc: Doc) -> NamedSpans:
    """Every character span the rules say names something, with a type guess and where it came from.

    Lexicon matches first, then candidates, then spans that only a relation or a result names (typed by
    the relation's range); the first finding of a span wins, so a lexicon type is never overridden.
    """
    spans: NamedSpans = {}
    for s, e, t, lex_id in doc._.kg_lexicon_matches or []:
        spans[(s, e)] = (EntityType(t), "kg_lexicon", LEXICON_CONFIDENCE, lex_id)
    for s, e, t, rule, conf, _is_proposed in doc._.kg_candidates or []:
        if (s, e) not in spans:
            spans[(s, e)] = (EntityType(t), f"kg_candidates:{rule}", conf, None)
    for rel, s, e, rule, conf in doc._.kg_relations or []:
        if (s, e) not in spans:
            rtype = RelationType(rel)
            implied = next(iter(sorted(RELATION_RANGE[rtype], key=lambda x: x.value)))
            if rtype is RelationType.USES:
                implied = EntityType.DATASET
            spans[(s, e)] = (implied, rule, conf, None)
    for r in doc._.kg_results or []:
        for span, etype in ((r.method, EntityType.METHOD), (r.dataset, EntityType.DATASET),
                            (r.metric, EntityType.METRIC), (r.relative_to, EntityType.METHOD)):
            if span is not None and tuple(span) not in spans:
                spans[tuple(span)] = (etype, r.rule, r.confidence, None)
    return spans


def set_span_annotations(doc: Doc, found: NamedSpans) -> Doc:
    """Write ``found`` and the abbreviation pairs onto ``doc`` as span groups and entities."""
    group: list[Span] = []
    for (s, e), (etype, rule, conf, lex_id) in sorted(found.items()):
        span = doc.char_span(s, e, label=etype.value, alignment_mode="expand")
        if span is None:
            continue
        span._.kg_rule = rule
        span._.kg_confidence = float(conf)
        span._.kg_lexicon_id = lex_id
        group.append(span)
    doc.spans["kg"] = group
    doc.ents = filter_spans(group)
    shorts: list[Span] = []
    longs: list[Span] = []
    for (ss, se), (ls, le) in doc._.kg_abbreviations or []:
        short = doc.char_span(ss, se, alignment_mode="expand")
        long = doc.char_span(ls, le, alignment_mode="expand")
        if short is not None and long is not None:
            shorts.append(short)
            longs.append(long)
    doc.spans["kg_short_forms"] = shorts
    doc.spans["kg_long_forms"] = longs
    return doc


class SpanWriter:
    """Thin component: ``set_span_annotations(doc, named_spans(doc))``."""

    def __init__(self, nlp: Language, name: str = "kg_spans") -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        return set_span_annotations(doc, named_spans(doc))


@Language.factory(
    "kg_spans",
    requires=["doc._.kg_lexicon_matches", "doc._.kg_candidates", "doc._.kg_relations", "doc._.kg_results"],
    assigns=["doc.spans", "doc.ents"],
    default_config={},
)
def make_span_writer(nlp: Language, name: str) -> SpanWriter:
    return SpanWriter(nlp, name)
