"""``doc → Extraction``: the only reader of the ``doc._`` values the ``kg_`` components set.

It turns spans into per-paper entities (grouping the surface forms one paper uses for one thing:
acronym and long form, "the X dataset" and "X", case/hyphen variants), relations and results, each with
evidence whose offsets point into the paper's *title* or *abstract* as given.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import multiprocessing as mp
import re
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from importlib import resources
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from kg import __version__
from kg.lexicon import Lexicon, LexiconEntry, load_lexicon, normalise_name
from kg.model import (
    RELATION_RANGE,
    Comparison,
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
    SkipReport,
)
from kg.nlp.direction import higher_is_better
from kg.nlp.guard import defuse
from kg.nlp.relations import TASK_HEADS
from kg.nlp.results import word_occurrences
from kg.nlp.sentences import doc_text, sentence_of
from kg.nlp.spans import named_spans

log = logging.getLogger(__name__)

SEPARATOR = "\n\n"  # between title and abstract in the Doc text
#: Proposal rules explicit enough to override a gazetteer entry sharing the name.
STRONG_PROPOSALS = frozenset({"title", "propose:abbreviation", "propose:named", "propose:coined", "propose:our",
                              "propose:apposition"})


def _data_hash() -> str:
    """Hash of what decides an extraction besides the lexicon: the cue data *and* the rule code.

    Why the code too: ``kg build`` reuses cached extractions whose extractor id matches; a changed rule
    with an unchanged version number must not silently keep the old extractions.
    """
    h = hashlib.sha1()
    for name in ("cues.json", "generic_terms.txt", "result_cues.json", "metric_direction.txt"):
        h.update((resources.files("kg.nlp") / "data" / name).read_bytes())
    for module in sorted(p.name for p in resources.files("kg.nlp").iterdir() if p.name.endswith(".py")):
        h.update((resources.files("kg.nlp") / module).read_bytes())
    h.update((resources.files("kg") / "extract.py").read_bytes())
    return h.hexdigest()[:8]


def extractor_id(mode: str = "fast") -> str:
    """Provenance of an extraction: code version + lexicon version + rules (cue data and code) version, and
    in ``accurate`` mode the NER weights' hash (cached extractions of another mode or model are stale)."""
    base = f"paperkg-rules/{__version__}+lexicon/{load_lexicon().version}+rules/{_data_hash()}"
    if mode == "fast":
        return base
    from kg.nlp.ner import model_version

    return f"{base}+{mode}/ner-{model_version()}"


EXTRACTOR_ID = extractor_id()

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


def _section(offset: int, title_len: int) -> tuple[Section, int]:
    if offset < title_len:
        return Section.TITLE, 0
    return Section.ABSTRACT, title_len + len(SEPARATOR)


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


def doc_to_extraction(doc: Doc, paper: Paper, extractor: str = "") -> Extraction:
    """Read the ``kg_`` extension values of ``doc`` (made from ``paper``) into an :class:`Extraction`."""
    text = doc_text(doc)
    title_len = len(paper.title)
    sentences = doc._.kg_sentences or [(0, len(text))]
    lexicon = load_lexicon()

    def evidence(start: int, end: int, rule: str, conf: float) -> Evidence:
        section, base = _section(start, title_len)
        s0, s1 = sentence_of(sentences, start)
        if not s1:
            s0, s1 = start, end
        return Evidence(text[s0:s1].strip(), start - base, end - base, section, rule, max(0.0, min(1.0, conf)))

    # 1. every span that names something, with a type guess and where it came from (kg.nlp.spans)
    spans = named_spans(doc)
    proposed: dict[tuple[int, int], tuple[str, float]] = {
        (s, e): (f"kg_candidates:{rule}", conf) for s, e, _t, rule, conf, is_proposed in doc._.kg_candidates or []
        if is_proposed
    }
    relation_types: dict[tuple[int, int], RelationType] = {}
    for rel, s, e, _rule, _conf in doc._.kg_relations or []:
        relation_types.setdefault((s, e), RelationType(rel))

    # 2. group surface forms into this paper's entities
    groups = _Groups()
    for (s, e) in spans:
        groups.find(entity_key(text[s:e]))
    # "mean Dice coefficient 0.54", "linear probing mAP": a measure widened by a modifier in front is the
    # lexicon's measure named more precisely; one entity, so both names are kept.
    # Likewise "human action recognition" for a task.
    # And "ImageNet 2012" (an edition year after a dataset).
    widened = (EntityType.METRIC, EntityType.TASK, EntityType.DATASET, EntityType.BENCHMARK)
    # A lexicon *method* whose head noun is a task's ("Knowledge Distillation", "Network Pruning") at the end
    # of a task phrase is that task named by the gazetteer with the wrong type: the head noun is the evidence.
    lex_named = [(s, e, v[0]) for (s, e), v in spans.items() if v[3] and v[0] in widened]
    lex_named += [(s, e, EntityType.TASK) for (s, e), v in spans.items()
                  if v[3] and v[0] is EntityType.METHOD and TASK_HEADS.search(text[s:e].split()[-1])]
    for (s, e), v in list(spans.items()):
        if v[0] in widened and not v[3]:
            inner = next(((a, b) for a, b, t in lex_named if (s < a and b == e or s == a and b < e) and t is v[0]),
                         None)
            if inner is not None:
                groups.union(entity_key(text[s:e]), entity_key(text[inner[0]:inner[1]]))
    short_long: dict[str, tuple[str, str]] = {}
    for (a0, a1), (l0, l1) in doc._.kg_abbreviations or []:
        ka, kl = entity_key(text[a0:a1]), entity_key(text[l0:l1])
        if ka in groups.parent or kl in groups.parent:
            groups.union(ka, kl)
            spans.setdefault((a0, a1), (spans.get((l0, l1), (EntityType.METHOD, "", 0.7, None))[0], "kg_abbreviations", 0.85, None))
            spans.setdefault((l0, l1), (spans[(a0, a1)][0], "kg_abbreviations", 0.85, None))
            short_long[groups.find(ka)] = (text[a0:a1], text[l0:l1])

    unlexiconed: set[tuple[int, int]] = set()  # lexicon matches the paper's own definitions overrule
    # "electron microscopy (EM)": the paper defines EM itself, and not as the lexicon's EM (exact match).
    # A lexicon type for a short form only holds when the lexicon knows this paper's long form for it.
    # Likewise "self-supervised learning (SSL)": the long form is a known task, so SSL here is that task and
    # not the gazetteer's dataset called "SSL".
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
            relation_types.pop(span, None)

    members: dict[str, list[tuple[int, int]]] = {}
    for span in sorted(spans):
        members.setdefault(groups.find(entity_key(text[span[0]:span[1]])), []).append(span)

    # 3. one Entity per group; its type: relation range > lexicon > candidate context
    entities: list[Entity] = []
    key_of_group: dict[str, str] = {}
    for root, group_spans in sorted(members.items(), key=lambda kv: kv[1][0]):
        surface = {text[s:e] for s, e in group_spans}
        lex_ids: list[str] = [lid for sp in group_spans if (lid := spans[sp][3])]
        if lex_ids:
            # "BLEU score" matched the lexicon alias of BLEU: the core name is in the text too, so it is
            # one of the names this paper uses ("SGD-based" likewise carries "SGD").
            core = lexicon.by_id[lex_ids[0]].name
            for form in list(surface):
                i = form.casefold().find(core.casefold())
                if i >= 0 and form != core:
                    surface.add(form[i : i + len(core)])
        names = sorted(surface, key=lambda n: (-len(n), n))
        rel_types = [relation_types[sp] for sp in group_spans if sp in relation_types]
        etype = spans[group_spans[0]][0]
        if lex_ids:
            etype = lexicon.by_id[lex_ids[0]].type
        # A name takes the type its relation demands ("outperforms X" → X is a method), except that a known
        # task stays a task ("better than CL baselines", CL = continual learning, names a family of methods).
        for rt in rel_types if etype is not EntityType.TASK or not lex_ids else ():
            if rt is not RelationType.PROPOSES and etype not in RELATION_RANGE[rt]:
                etype = EntityType.DATASET if rt is RelationType.USES else next(iter(RELATION_RANGE[rt]))
                break
        mentions = tuple(
            Mention(text[s:e], spans[(s, e)][0], evidence(s, e, spans[(s, e)][1], spans[(s, e)][2]))
            for s, e in group_spans
        )
        short_form = short_long[root][0] if root in short_long else None
        long_form = short_long[root][1] if root in short_long else None
        key = f"e{len(entities)}"
        key_of_group[root] = key
        entities.append(Entity(
            key=key, type=etype, names=tuple(names), mentions=mentions,
            lexicon_id=lex_ids[0] if lex_ids else None, short_form=short_form, long_form=long_form,
            confidence=max(m.evidence.confidence for m in mentions),
        ))
    by_key = {e.key: e for e in entities}

    def key_for(span: tuple[int, int]) -> str:
        return key_of_group[groups.find(entity_key(text[span[0]:span[1]]))]

    # 4. relations, one per (type, entity), keeping the most confident evidence
    best: dict[tuple[RelationType, str], Relation] = {}

    def add(rtype: RelationType, span: tuple[int, int], rule: str, conf: float) -> None:
        k = key_for(span)
        ent = by_key[k]
        if ent.type not in RELATION_RANGE[rtype]:
            return
        rel = Relation(rtype, k, evidence(span[0], span[1], rule, conf))
        old = best.get((rtype, k))
        if old is None or rel.evidence.confidence > old.evidence.confidence:
            best[(rtype, k)] = rel

    proposed_keys: set[str] = set()
    for span, (rule, conf) in sorted(proposed.items()):
        k = key_for(span)
        ent = by_key[k]
        entry = lexicon.by_id.get(ent.lexicon_id) if ent.lexicon_id else None
        if entry is not None and (entry.source == "curated" or rule.split(":", 1)[-1] not in STRONG_PROPOSALS):
            continue  # a paper does not "propose" ImageNet or LoRA: the name is known to the field
        if entry is not None:
            # "we propose LIAR, a novel framework": an explicit proposal outweighs a gazetteer entry that
            # happens to share the name (a PwC dataset called "LIAR"); the new thing takes the proposal's type.
            ent = by_key[k] = Entity(ent.key, spans[span][0], ent.names, ent.mentions, None, ent.short_form,
                                     ent.long_form, ent.confidence)
            entities[int(k[1:])] = ent
        add(RelationType.PROPOSES, span, rule, conf)
        proposed_keys.add(k)
    for rel, s, e, rule, conf in doc._.kg_relations or []:
        rtype = RelationType(rel)
        if (s, e) in unlexiconed and rtype in (RelationType.MEASURES, RelationType.USES, RelationType.ADDRESSES):
            continue  # found only because of the lexicon type the paper's definition overrules
        if key_for((s, e)) in proposed_keys and rtype in (RelationType.BEATS, RelationType.USES) \
                and by_key[key_for((s, e))].type not in RELATION_RANGE[RelationType.USES]:
            continue  # "X outperforms …" where X is the paper's own method
        add(rtype, (s, e), rule, conf)

    # 5. results
    results: list[Result] = []

    def slot(span: tuple[int, int] | None, allowed: frozenset[EntityType]) -> str | None:
        # A slot only points at an entity of the right kind (kg:method → a Method, …), as the shapes demand.
        if span is None:
            return None
        k = key_for(tuple(span))  # type: ignore[arg-type]
        return k if by_key[k].type in allowed else None

    for r in doc._.kg_results or []:
        results.append(Result(
            value=r.value, value_text=text[r.start:r.end], unit=r.unit,
            evidence=evidence(r.start, r.end, r.rule, r.confidence),
            method=slot(r.method, RELATION_RANGE[RelationType.BEATS]),
            dataset=slot(r.dataset, RELATION_RANGE[RelationType.USES]),
            metric=slot(r.metric, RELATION_RANGE[RelationType.MEASURES]),
            delta=bool(r.delta),
            relative_to=slot(r.relative_to, RELATION_RANGE[RelationType.BEATS]),
        ))
    relations = sorted(best.values(), key=lambda r: (r.type.value, int(r.target[1:])))
    beats_mentions = [(key_for((s, e)), s, e, rule, conf) for rel, s, e, rule, conf in doc._.kg_relations or []
                      if rel == RelationType.BEATS.value]
    comparisons = stated_comparisons(entities, relations, results, beats_mentions, sentences, evidence)
    comparisons += derived_comparisons(entities, results, comparisons)
    return Extraction(paper=paper, entities=tuple(entities), relations=tuple(relations),
                      results=tuple(results), extractor=extractor, comparisons=tuple(comparisons))


def _main_method(entities: list[Entity], relations: list[Relation]) -> str | None:
    """The paper's main method: its most confident proposed Method, the first one named on a tie."""
    by_key = {e.key: e for e in entities}
    proposals = [r for r in relations if r.type is RelationType.PROPOSES and by_key[r.target].type is EntityType.METHOD]
    if not proposals:
        return None
    return max(proposals, key=lambda r: (r.evidence.confidence, -min(m.evidence.start + (
        0 if m.evidence.section is Section.TITLE else 10**6) for m in by_key[r.target].mentions))).target


def stated_comparisons(entities: list[Entity], relations: list[Relation], results: list[Result],
                       beats_mentions: list[tuple[str, int, int, str, float]],
                       sentences: list[tuple[int, int]],
                       evidence: Callable[[int, int, str, float], Evidence]) -> list[Comparison]:
    """One comparison per beaten baseline: which of the paper's methods beats it, and on what.

    Why not every proposal × every baseline: a paper that proposes a system and its components claims
    that the *system* beats the baseline when the sentence names the system. The winner is the proposed
    method the beats sentence names (the nearest one before the baseline), else the paper's main method.
    Dataset, metric and value come from a change measured against that baseline in the same sentence
    ("outperforms X by 4.5 EM on NQ"), else from the one dataset / metric the sentence names.
    """
    by_key = {e.key: e for e in entities}
    beaten = {r.target for r in relations if r.type is RelationType.BEATS}
    proposed = [r.target for r in relations if r.type is RelationType.PROPOSES
                and by_key[r.target].type is EntityType.METHOD]
    main = _main_method(entities, relations)
    out: list[Comparison] = []
    seen: set[tuple[str, str]] = set()
    for loser, s, e, rule, conf in sorted(beats_mentions, key=lambda m: (m[1], m[2])):
        if loser not in beaten or by_key[loser].type is not EntityType.METHOD:
            continue
        ev = evidence(s, e, rule, conf)
        winner = _named_winner(ev, by_key[loser], [by_key[k] for k in proposed]) or main
        if winner is None or winner == loser or (winner, loser) in seen:
            continue
        seen.add((winner, loser))
        same = [r for r in results if r.evidence.sentence == ev.sentence and r.evidence.section is ev.section]
        margin = next((r for r in same if r.delta and r.relative_to == loser), None)
        if margin is not None:
            out.append(Comparison(winner, loser, ev, margin.dataset, margin.metric, margin.value,
                                  margin.value_text, margin.unit))
            continue
        ds = {r.dataset for r in same if r.dataset} | {
            k for k, ent in by_key.items() if ent.type in RELATION_RANGE[RelationType.USES]
            and any(m.evidence.sentence == ev.sentence for m in ent.mentions)}
        ms = {r.metric for r in same if r.metric} | {
            k for k, ent in by_key.items() if ent.type is EntityType.METRIC
            and any(m.evidence.sentence == ev.sentence for m in ent.mentions)}
        out.append(Comparison(winner, loser, ev, ds.pop() if len(ds) == 1 else None,
                              ms.pop() if len(ms) == 1 else None))
    return out


def _named_winner(ev: Evidence, loser: Entity, proposed: list[Entity]) -> str | None:
    """The proposed method a beats sentence names: the last one before the baseline, else the first after.

    Names are looked up in the sentence text (not only among extracted mentions): a proposal is often
    named by the cue sentence only, and then again as a plain word.
    """
    sentence = ev.sentence
    at = next((i for n in loser.names if (i := sentence.find(n)) >= 0), len(sentence))
    hits: list[tuple[int, str]] = []
    for ent in proposed:
        for name in ent.names:
            hits += [(i, ent.key) for i, _j in word_occurrences(sentence, name)]
    before = [k for i, k in sorted(hits) if i < at]
    if before:
        return before[-1]
    return min(hits)[1] if hits else None


#: How much less a comparison derived from two numbers is trusted than the numbers themselves.
DERIVED_CONFIDENCE = 0.5


def derived_comparisons(entities: list[Entity], results: list[Result],
                        stated: list[Comparison]) -> list[Comparison]:
    """Comparisons the paper implies: two methods' absolute results on the same dataset and metric.

    The metric's direction decides the winner (a lower WER wins). Changes are never compared, nor are
    results of a metric whose direction is unknown, nor ties. Only within one paper: numbers from two
    papers rarely share a set-up. Rule ``derived:results``, confidence ``DERIVED_CONFIDENCE`` × the less
    sure of the two results.
    """
    by_key = {e.key: e for e in entities}
    said = {(c.winner, c.loser) for c in stated}
    best: dict[tuple[str, str, str], Result] = {}  # (dataset, metric, method) → its best result
    for r in results:
        if r.delta or not (r.method and r.dataset and r.metric):
            continue
        ent = by_key[r.metric]
        hib = higher_is_better(ent.name, ent.lexicon_id is not None)
        if hib is None:
            continue
        k = (r.dataset, r.metric, r.method)
        if k not in best or (r.value > best[k].value) == hib:
            best[k] = r
    out: list[Comparison] = []
    for (ds, met, m1), r1 in sorted(best.items()):
        hib = higher_is_better(by_key[met].name, by_key[met].lexicon_id is not None)
        for (ds2, met2, m2), r2 in sorted(best.items()):
            if (ds2, met2) != (ds, met) or m1 == m2 or r1.value == r2.value or (r1.value > r2.value) != hib:
                continue
            if (m1, m2) in said:
                continue
            said.add((m1, m2))
            ev = r1.evidence
            out.append(Comparison(m1, m2, Evidence(ev.sentence, ev.start, ev.end, ev.section, "derived:results",
                                                   DERIVED_CONFIDENCE * min(ev.confidence, r2.evidence.confidence)),
                                  ds, met, r1.value, r1.value_text, r1.unit))
    return out


def paper_text(paper: Paper) -> str:
    return paper.title + SEPARATOR + paper.abstract


#: Default per-paper extraction budget (seconds). Real abstracts take a few milliseconds; a paper that
#: needs more than this is pathological text, skipped with a logged reason so the build goes on.
PAPER_BUDGET = 5.0


class _OverBudget(Exception):
    """Raised inside the pipeline (by SIGPROF or between components) when a paper's budget is spent."""


@contextlib.contextmanager
def _alarm(seconds: float | None) -> Iterator[None]:
    """Interrupt the current paper after ``seconds`` of this process's CPU time (SIGPROF, main thread of a
    POSIX process only).

    Why a signal as well as the check between components: one component stuck in a super-linear loop
    would otherwise run to its end before anyone looked at the clock. Why CPU time and not wall time: on a
    machine busy with other work a normal paper can wait seconds for a core, and it must not be skipped
    for that (a 1M-paper build under load skipped papers that took 0.01 s of CPU).
    """
    usable = (seconds is not None and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def on_alarm(signum: int, frame: object) -> None:
        raise _OverBudget()

    previous = signal.signal(signal.SIGPROF, on_alarm)
    signal.setitimer(signal.ITIMER_PROF, seconds)  # type: ignore[arg-type]
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def _extract_one(nlp: Language, paper: Paper, budget: float | None, ex_id: str = EXTRACTOR_ID) -> Extraction:
    """Tokenise (after :func:`kg.nlp.guard.defuse`) and run every component on one paper within ``budget``."""
    deadline = None if budget is None else time.process_time() + budget  # CPU seconds, as the signal counts
    with _alarm(budget):
        original = paper_text(paper)
        text = defuse(original)
        doc = nlp.make_doc(text)
        doc._.kg_text = text
        for _name, proc in nlp.pipeline:
            doc = proc(doc)
            if deadline is not None and time.process_time() > deadline:
                raise _OverBudget()
        # Evidence quotes the paper as given: the defused text has the same length (so every offset holds)
        # but spaces where over-long chunks were broken, which must not show in an evidence sentence.
        doc._.kg_text = original
        return doc_to_extraction(doc, paper, ex_id)


def extract_paper(paper: Paper, nlp: Language | None = None, mode: str = "fast") -> Extraction:
    from kg.nlp import load_nlp

    return _extract_one(nlp or load_nlp(mode), paper, None, extractor_id(mode) if mode != "fast" else EXTRACTOR_ID)


def _budgeted(nlp: Language, papers: Iterable[Paper], budget: float | None,
              ex_id: str = EXTRACTOR_ID) -> Iterator[Extraction | str]:
    """Each paper's Extraction, or the reason it was skipped (a string) when it ran over ``budget``."""
    for paper in papers:
        try:
            yield _extract_one(nlp, paper, budget, ex_id)
        except _OverBudget:
            yield f"extraction took longer than its budget of {budget:g} s (pathological text?); paper skipped"


_WORKER_NLP: Language | None = None
_WORKER_ID = EXTRACTOR_ID


def _worker_init(mode: str = "fast") -> None:
    global _WORKER_NLP, _WORKER_ID
    from kg.nlp import load_nlp

    _WORKER_NLP = load_nlp(mode)
    _WORKER_ID = extractor_id(mode) if mode != "fast" else EXTRACTOR_ID


def _worker_extract(args: tuple[list[dict[str, Any]], float | None]) -> list[dict[str, Any] | str]:
    # Workers return plain dicts, never Docs: pickling Docs costs more than the rule components (DESIGN.md).
    assert _WORKER_NLP is not None
    papers, budget = args
    return [r if isinstance(r, str) else r.to_dict()
            for r in _budgeted(_WORKER_NLP, (Paper.from_dict(p) for p in papers), budget, _WORKER_ID)]


def report_skip(paper: Paper, reason: str, report: SkipReport | None) -> None:
    """Log a paper extraction gave up on, and count it in ``report`` (located by its source, else its id)."""
    where = paper.source or paper.id
    log.warning("%s: %s", where, reason)
    if report is not None:
        report.skip(where, reason)


def extract_papers(
    papers: Iterable[Paper],
    nlp: Language | None = None,
    n_process: int = 1,
    batch_size: int = 64,
    mode: str = "fast",
    *,
    budget: float | None = PAPER_BUDGET,
    report: SkipReport | None = None,
) -> Iterator[Extraction]:
    """Extract every paper, in input order. ``n_process > 1`` forks workers that each load the pipeline.

    ``mode`` picks the pipeline (``fast``: rules only; ``accurate``: rules plus the trained NER, see
    :mod:`kg.nlp.ner`); an explicit ``nlp`` overrides it but the records still name ``mode``'s extractor.
    A paper whose extraction takes longer than ``budget`` seconds (None: no limit) is not yielded; it is
    logged and counted in ``report`` (``report.skipped``, with the paper's source as location).
    """
    papers = list(papers)
    if not papers:
        return  # nothing to do: do not build the pipeline (a no-op rebuild stays fast)
    ex_id = extractor_id(mode) if mode != "fast" else EXTRACTOR_ID

    def skipped(paper: Paper, reason: str) -> None:
        report_skip(paper, reason, report)

    if n_process <= 1 or len(papers) < 2 * batch_size:
        from kg.nlp import load_nlp

        nlp = nlp or load_nlp(mode)
        for paper, record in zip(papers, _budgeted(nlp, papers, budget, ex_id), strict=True):
            if isinstance(record, str):
                skipped(paper, record)
            else:
                yield record
        return
    chunks = [papers[i : i + batch_size] for i in range(0, len(papers), batch_size)]
    ctx = mp.get_context("fork")
    with ctx.Pool(n_process, initializer=_worker_init, initargs=(mode,)) as pool:
        jobs = (([p.to_dict() for p in chunk], budget) for chunk in chunks)
        for chunk, results in zip(chunks, pool.imap(_worker_extract, jobs), strict=True):
            for paper, result in zip(chunk, results, strict=True):
                if isinstance(result, str):
                    skipped(paper, result)
                else:
                    yield Extraction.from_dict(result)
