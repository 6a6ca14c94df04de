"""``Doc → Extraction``: the record builder, in named steps.

It reads what the ``kg_`` components found — the named spans of ``doc.spans["kg"]`` and the abbreviation
span pairs (written by ``kg_spans``, :mod:`kg.nlp.spans`), the proposals of ``kg_candidates``, the
relation findings of ``kg_relations`` and the results of ``kg_results`` — and turns them into one paper's
entities (grouping the surface forms one paper uses for one thing: acronym and long form, "the X dataset"
and "X", case/hyphen variants), relations, results and comparisons, each with evidence whose offsets point
into the paper's *title* or *abstract* as given.

The steps, in order (each a function below):

1. :func:`read_findings`   the Doc's spans, abbreviations, proposals and relation findings, as plain data;
2. :func:`group_names`      which surface forms name one thing (union–find over name keys);
3. :func:`overrule_lexicon` where the paper's own abbreviation definitions overrule a lexicon type;
4. :func:`build_entities`   one :class:`~kg.model.Entity` per group, typed;
5. :func:`build_relations`  one :class:`~kg.model.Relation` per (type, entity), proposals first;
6. :func:`build_results`    the results, their slots pointing at entities of the right type;
7. :func:`~kg.comparisons.stated_comparisons` and :func:`~kg.comparisons.derived_comparisons`: who beats
   whom, and on what.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from spacy.tokens import Doc

from kg.comparisons import derived_comparisons, stated_comparisons
from kg.lexicon import Lexicon, LexiconEntry, load_lexicon, normalise_name
from kg.model import (
    RELATION_RANGE,
    Entity,
    EntityType,
    Evidence,
    Extraction,
    Mention,
    Paper,
    Relation,
    RelationType,
    Result,
    Section,
)
from kg.nlp.relations import TASK_HEADS, setting_variant
from kg.nlp.sentences import doc_text, sentence_of
from kg.nlp.spans import Abbreviation, NamedSpans, read_abbreviations, read_named_spans

SEPARATOR = "\n\n"  # between title and abstract in the Doc text
#: Proposal rules explicit enough to override a gazetteer entry sharing the name.
STRONG_PROPOSALS = frozenset({"title", "propose:abbreviation", "propose:named", "propose:coined", "propose:our",
                              "propose:apposition"})
#: Measures, tasks and datasets whose name a modifier in front (or an edition year after) can widen.
WIDENED = (EntityType.METRIC, EntityType.TASK, EntityType.DATASET, EntityType.BENCHMARK)

Span = tuple[int, int]
#: A relation finding of ``kg_relations``: (relation type value, start, end, rule, confidence).
Finding = tuple[str, int, int, str, float]

_TRAILING_KIND = re.compile(r"\s+(?:dataset|datasets|benchmark|benchmarks|corpus)$", re.I)


@functools.lru_cache(maxsize=65536)
def entity_key(name: str) -> str:
    """Grouping key: case/space/hyphen-insensitive, plural ``s`` and a trailing "dataset" dropped.

    Cached: the same few thousand names recur across a corpus and the key is a pure function of the name.
    """
    key = normalise_name(_TRAILING_KIND.sub("", name.strip()))
    if len(key) > 3 and key.endswith("s") and not key.endswith("ss"):
        key = key[:-1]
    return key


class _Groups:
    """Union–find over name keys (acronym ↔ long form links join two keys)."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, k: str) -> str:
        self.parent.setdefault(k, k)
        while self.parent[k] != k:
            self.parent[k] = self.parent[self.parent[k]]
            k = self.parent[k]
        return k

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


@dataclass(frozen=True)
class PaperText:
    """The Doc text with what evidence needs: where the abstract starts and the sentence bounds."""

    text: str
    title_len: int
    sentences: list[tuple[int, int]]

    def evidence(self, start: int, end: int, rule: str, conf: float) -> Evidence:
        """Evidence for ``text[start:end]``: its sentence, offsets into its section, rule, clamped confidence."""
        if start < self.title_len:
            section, base = Section.TITLE, 0
        else:
            section, base = Section.ABSTRACT, self.title_len + len(SEPARATOR)
        s0, s1 = sentence_of(self.sentences, start)
        if not s1:
            s0, s1 = start, end
        return Evidence(self.text[s0:s1].strip(), start - base, end - base, section, rule,
                        max(0.0, min(1.0, conf)))


@dataclass
class Findings:
    """What the components found in one Doc, as plain data (step 1)."""

    spans: NamedSpans
    abbreviations: list[Abbreviation]
    proposed: dict[Span, tuple[str, float]]
    relations: list[Finding]


def read_findings(doc: Doc) -> Findings:
    """Step 1: the named spans and abbreviation pairs (spaCy spans), proposals and relation findings."""
    spans = read_named_spans(doc)
    proposed = {(s, e): (f"kg_candidates:{rule}", conf)
                for s, e, _t, rule, conf, is_proposed in doc._.kg_candidates or [] if is_proposed}
    return Findings(spans, read_abbreviations(doc), proposed, list(doc._.kg_relations or []))


def _join_widened(text: str, spans: NamedSpans, groups: _Groups, title_len: int = 0) -> None:
    """Join a name widened by a modifier with the lexicon name inside it: one entity, both names kept.

    "mean Dice coefficient 0.54", "linear probing mAP": a measure widened by a modifier in front is the
    lexicon's measure named more precisely; likewise "human action recognition" for a task and "ImageNet
    2012" (an edition year after a dataset). A lexicon *method* whose head noun is a task's ("Knowledge
    Distillation", "Network Pruning") at the end of a task phrase is that task named by the gazetteer with
    the wrong type: the head noun is the evidence. "Few-Shot Out-of-Distribution Detection" in a title
    (``text[:title_len]``) is not joined: a task set in a data or label regime is a task of its own beside
    out-of-distribution detection (:func:`kg.nlp.relations.setting_variant`).
    """
    lex_named = [(s, e, v[0]) for (s, e), v in spans.items() if v[3] and v[0] in WIDENED]
    lex_named += [(s, e, EntityType.TASK) for (s, e), v in spans.items()
                  if v[3] and v[0] is EntityType.METHOD and TASK_HEADS.search(text[s:e].split()[-1])]
    for (s, e), v in list(spans.items()):
        if v[0] in WIDENED and not v[3]:
            inner = next(((a, b) for a, b, t in lex_named if (s < a and b == e or s == a and b < e) and t is v[0]),
                         None)
            if inner is not None and not (v[0] is EntityType.TASK and inner[1] == e and s < title_len
                                          and setting_variant(text[s:inner[0]])):
                groups.union(entity_key(text[s:e]), entity_key(text[inner[0]:inner[1]]))


def _join_abbreviations(text: str, spans: NamedSpans, groups: _Groups,
                        abbreviations: list[Abbreviation]) -> dict[str, tuple[str, str]]:
    """Join each defined acronym with its long form when either names something; group root → (short, long).

    A form only the definition names becomes a span too, typed like its partner ("kg_abbreviations").
    """
    short_long: dict[str, tuple[str, str]] = {}
    for (a0, a1), (l0, l1) in abbreviations:
        ka, kl = entity_key(text[a0:a1]), entity_key(text[l0:l1])
        if ka in groups.parent or kl in groups.parent:
            groups.union(ka, kl)
            spans.setdefault((a0, a1), (spans.get((l0, l1), (EntityType.METHOD, "", 0.7, None))[0],
                                        "kg_abbreviations", 0.85, None))
            spans.setdefault((l0, l1), (spans[(a0, a1)][0], "kg_abbreviations", 0.85, None))
            short_long[groups.find(ka)] = (text[a0:a1], text[l0:l1])
    return short_long


def group_names(text: str, spans: NamedSpans, abbreviations: list[Abbreviation], title_len: int = 0
                ) -> tuple[_Groups, dict[str, tuple[str, str]]]:
    """Step 2: group the surface forms into this paper's things; returns the groups and the acronym pairs.

    Adds the spans only an abbreviation definition names to ``spans``.
    """
    groups = _Groups()
    for (s, e) in spans:
        groups.find(entity_key(text[s:e]))
    _join_widened(text, spans, groups, title_len)
    return groups, _join_abbreviations(text, spans, groups, abbreviations)


def _lexicon_knows(entry: LexiconEntry, long_form: str, lexicon: Lexicon) -> bool:
    """Whether the lexicon accepts ``long_form`` as the expansion of ``entry``'s short name.

    An entry without aliases cannot say (we keep it); otherwise the long form must be one of its names,
    or a known name in its own right ("generative adversarial networks (GANs)").
    """
    if not entry.aliases:
        # A curated entry is vouched for; a bare gazetteer acronym ("SIM") is not, against the paper's own
        # definition ("structured illumination microscopy (SIM)").
        return entry.source == "curated" or lexicon.lookup(long_form) is not None
    names = {normalise_name(n) for n in entry.names()}
    key = normalise_name(long_form)
    return key in names or key.rstrip("s") in names or lexicon.lookup(long_form) is not None


def overrule_lexicon(text: str, spans: NamedSpans, short_long: dict[str, tuple[str, str]],
                     lexicon: Lexicon) -> set[Span]:
    """Step 3: retype lexicon matches of a short form the paper defines otherwise; returns those spans.

    "electron microscopy (EM)": the paper defines EM itself, and not as the lexicon's EM (exact match).
    A lexicon type for a short form only holds when the lexicon knows this paper's long form for it.
    Likewise "self-supervised learning (SSL)": the long form is a known task, so SSL here is that task and
    not the gazetteer's dataset called "SSL".
    """
    unlexiconed: set[Span] = set()
    for short, long in short_long.values():
        long_entry = lexicon.lookup(long)
        for span, (*_, lex_id) in list(spans.items()):
            if not lex_id or text[span[0]:span[1]] != short or lex_id == (long_entry.id if long_entry else None):
                continue
            if long_entry is not None:
                spans[span] = (long_entry.type, "kg_abbreviations", 0.85, long_entry.id)
            elif not _lexicon_knows(lexicon.by_id[lex_id], long, lexicon):
                long_type = next((spans[sp][0] for sp in spans if text[sp[0]:sp[1]] == long
                                  and not spans[sp][3] and spans[sp][1] != "kg_abbreviations"), EntityType.METHOD)
                spans[span] = (long_type, "kg_abbreviations", 0.7, None)
                for sp in [sp for sp in spans if text[sp[0]:sp[1]] == long and spans[sp][1] == "kg_abbreviations"]:
                    spans[sp] = (long_type, *spans[sp][1:])  # it had inherited the short form's lexicon type
            else:
                continue
            unlexiconed.add(span)
    return unlexiconed


@dataclass
class Entities:
    """The paper's entities and how to find the one a span names (steps 4 and 5 update them)."""

    text: str
    groups: _Groups
    entities: list[Entity]
    key_of_group: dict[str, str]
    by_key: dict[str, Entity] = field(init=False)

    def __post_init__(self) -> None:
        self.by_key = {e.key: e for e in self.entities}

    def key_for(self, span: Span) -> str:
        """The key of the entity whose group the name at ``span`` belongs to."""
        return self.key_of_group[self.groups.find(entity_key(self.text[span[0]:span[1]]))]

    def replace(self, ent: Entity) -> None:
        """Put ``ent`` in place of the entity with its key."""
        self.by_key[ent.key] = ent
        self.entities[int(ent.key[1:])] = ent


def _names(text: str, group_spans: list[Span], lexicon: Lexicon, lex_ids: list[str]) -> tuple[str, ...]:
    """Every surface form of a group, fullest first.

    "BLEU score" matched the lexicon alias of BLEU: the core name is in the text too, so it is one of the
    names this paper uses ("SGD-based" likewise carries "SGD").
    """
    surface = {text[s:e] for s, e in group_spans}
    if lex_ids:
        core = lexicon.by_id[lex_ids[0]].name
        for form in list(surface):
            i = form.casefold().find(core.casefold())
            if i >= 0 and form != core:
                surface.add(form[i : i + len(core)])
    return tuple(sorted(surface, key=lambda n: (-len(n), n)))


def _entity_type(first: EntityType, lexicon_type: EntityType | None, rel_types: list[RelationType]) -> EntityType:
    """A group's type: relation range > lexicon > the first span's (candidate context).

    A name takes the type its relation demands ("outperforms X" → X is a method), except that a known task
    stays a task ("better than CL baselines", CL = continual learning, names a family of methods).
    """
    etype = lexicon_type or first
    for rt in rel_types if etype is not EntityType.TASK or lexicon_type is None else ():
        if rt is not RelationType.PROPOSES and etype not in RELATION_RANGE[rt]:
            return EntityType.DATASET if rt is RelationType.USES else next(iter(RELATION_RANGE[rt]))
    return etype


def build_entities(paper: PaperText, spans: NamedSpans, groups: _Groups, short_long: dict[str, tuple[str, str]],
                   relation_types: dict[Span, RelationType], lexicon: Lexicon) -> Entities:
    """Step 4: one Entity per group, in order of first mention, keyed ``e0``, ``e1``, …"""
    text = paper.text
    members: dict[str, list[Span]] = {}
    for span in sorted(spans):
        members.setdefault(groups.find(entity_key(text[span[0]:span[1]])), []).append(span)
    entities: list[Entity] = []
    key_of_group: dict[str, str] = {}
    for root, group_spans in sorted(members.items(), key=lambda kv: kv[1][0]):
        lex_ids: list[str] = [lid for sp in group_spans if (lid := spans[sp][3])]
        etype = _entity_type(spans[group_spans[0]][0], lexicon.by_id[lex_ids[0]].type if lex_ids else None,
                             [relation_types[sp] for sp in group_spans if sp in relation_types])
        mentions = tuple(Mention(text[s:e], spans[(s, e)][0], paper.evidence(s, e, spans[(s, e)][1], spans[(s, e)][2]))
                         for s, e in group_spans)
        short_form, long_form = short_long.get(root, (None, None))
        key = key_of_group[root] = f"e{len(entities)}"
        entities.append(Entity(
            key=key, type=etype, names=_names(text, group_spans, lexicon, lex_ids), mentions=mentions,
            lexicon_id=lex_ids[0] if lex_ids else None, short_form=short_form, long_form=long_form,
            confidence=max(m.evidence.confidence for m in mentions),
        ))
    return Entities(text, groups, entities, key_of_group)


def _proposals(paper: PaperText, found: Findings, ents: Entities, lexicon: Lexicon,
               add: Callable[[RelationType, Span, str, float], None]) -> set[str]:
    """The ``proposes`` relations; returns the proposed entities' keys.

    A paper does not "propose" ImageNet or LoRA: a name the lexicon knows is skipped, unless the proposal
    is explicit ("we propose LIAR, a novel framework") and the entry only a gazetteer's (a PwC dataset
    called "LIAR"): then the new thing takes the proposal's type and loses the lexicon id.
    """
    proposed_keys: set[str] = set()
    for span, (rule, conf) in sorted(found.proposed.items()):
        k = ents.key_for(span)
        ent = ents.by_key[k]
        entry = lexicon.by_id.get(ent.lexicon_id) if ent.lexicon_id else None
        if entry is not None and (entry.source == "curated" or rule.split(":", 1)[-1] not in STRONG_PROPOSALS):
            continue
        if entry is not None:
            ents.replace(Entity(ent.key, found.spans[span][0], ent.names, ent.mentions, None, ent.short_form,
                                ent.long_form, ent.confidence))
        add(RelationType.PROPOSES, span, rule, conf)
        proposed_keys.add(k)
    return proposed_keys


def build_relations(paper: PaperText, found: Findings, ents: Entities, unlexiconed: set[Span],
                    lexicon: Lexicon) -> list[Relation]:
    """Step 5: relations, one per (type, entity), keeping the most confident evidence; sorted by type, key.

    A relation only points at an entity of its range. Skipped: a finding made only because of a lexicon
    type the paper's definition overrules, and "X outperforms …" where X is the paper's own method.
    """
    best: dict[tuple[RelationType, str], Relation] = {}

    def add(rtype: RelationType, span: Span, rule: str, conf: float) -> None:
        k = ents.key_for(span)
        if ents.by_key[k].type not in RELATION_RANGE[rtype]:
            return
        rel = Relation(rtype, k, paper.evidence(span[0], span[1], rule, conf))
        old = best.get((rtype, k))
        if old is None or rel.evidence.confidence > old.evidence.confidence:
            best[(rtype, k)] = rel

    proposed_keys = _proposals(paper, found, ents, lexicon, add)
    for rel, s, e, rule, conf in found.relations:
        rtype = RelationType(rel)
        if (s, e) in unlexiconed and rtype in (RelationType.MEASURES, RelationType.USES, RelationType.ADDRESSES):
            continue
        if ents.key_for((s, e)) in proposed_keys and rtype in (RelationType.BEATS, RelationType.USES) \
                and ents.by_key[ents.key_for((s, e))].type not in RELATION_RANGE[RelationType.USES]:
            continue
        add(rtype, (s, e), rule, conf)
    return sorted(best.values(), key=lambda r: (r.type.value, int(r.target[1:])))


def build_results(paper: PaperText, doc: Doc, ents: Entities) -> list[Result]:
    """Step 6: the results of ``kg_results``; a slot only points at an entity of the kind the shapes demand
    (``kg:method`` → a Method, …), else it is left empty."""

    def slot(span: tuple[int, int] | None, allowed: frozenset[EntityType]) -> str | None:
        if span is None:
            return None
        k = ents.key_for((span[0], span[1]))
        return k if ents.by_key[k].type in allowed else None

    return [Result(value=r.value, value_text=paper.text[r.start:r.end], unit=r.unit,
                   evidence=paper.evidence(r.start, r.end, r.rule, r.confidence),
                   method=slot(r.method, RELATION_RANGE[RelationType.BEATS]),
                   dataset=slot(r.dataset, RELATION_RANGE[RelationType.USES]),
                   metric=slot(r.metric, RELATION_RANGE[RelationType.MEASURES]),
                   delta=bool(r.delta),
                   relative_to=slot(r.relative_to, RELATION_RANGE[RelationType.BEATS]))
            for r in doc._.kg_results or []]


def doc_to_extraction(doc: Doc, paper: Paper, extractor: str = "") -> Extraction:
    """Read what the components found in ``doc`` (made from ``paper``) into an :class:`Extraction`."""
    whole = doc_text(doc)
    text = PaperText(whole, len(paper.title), doc._.kg_sentences or [(0, len(whole))])
    lexicon = load_lexicon()
    found = read_findings(doc)
    groups, short_long = group_names(text.text, found.spans, found.abbreviations, text.title_len)
    unlexiconed = overrule_lexicon(text.text, found.spans, short_long, lexicon)
    relation_types: dict[Span, RelationType] = {}
    for rel, s, e, _rule, _conf in found.relations:
        if (s, e) not in unlexiconed:
            relation_types.setdefault((s, e), RelationType(rel))
    ents = build_entities(text, found.spans, groups, short_long, relation_types, lexicon)
    relations = build_relations(text, found, ents, unlexiconed, lexicon)
    results = build_results(text, doc, ents)
    beats_mentions = [(ents.key_for((s, e)), s, e, rule, conf) for rel, s, e, rule, conf in found.relations
                      if rel == RelationType.BEATS.value]
    comparisons = stated_comparisons(ents.entities, relations, results, beats_mentions, text.evidence)
    comparisons += derived_comparisons(ents.entities, results, comparisons)
    return Extraction(paper=paper, entities=tuple(ents.entities), relations=tuple(relations),
                      results=tuple(results), extractor=extractor, comparisons=tuple(comparisons))
