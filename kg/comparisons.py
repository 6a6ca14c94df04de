"""Method-level comparisons of one paper: who beats whom, and on what (``kg:Comparison``).

Pure functions over one paper's entities, relations and results (:mod:`kg.records` calls them last):
:func:`stated_comparisons` reads the paper's "X outperforms Y" findings, :func:`derived_comparisons` the
pairs of absolute results the paper reports on one dataset and metric.
"""

from __future__ import annotations

from collections.abc import Callable

from kg.model import RELATION_RANGE, Comparison, Entity, EntityType, Evidence, Relation, RelationType, Result, Section
from kg.nlp.direction import higher_is_better
from kg.nlp.results import word_occurrences


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
