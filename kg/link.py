"""Entity resolution across papers: one canonical entity per real-world thing.

Pure functions over :class:`~kg.model.Extraction` records; nothing here mints IRIs (``kg.vocab`` does).

How names are joined, in order of trust:

1. **Lexicon ids.** Entities matched to the same curated-lexicon entry are one entity; the entry's
   name is the canonical label.
2. **Name keys.** Within a type family (Method, Dataset+Benchmark, Metric, Task) two entities sharing a
   *name key* — case, spaces, hyphens, punctuation, a trailing "dataset"/"benchmark" and a plural "s"
   removed — are one entity: "the CIFAR-10 dataset", "CIFAR10" and "Cifar-10" all key to ``cifar10``.
   Keys are whole names, so "ImageNet", "ImageNet-1K" and "ImageNet-C" stay three entities
   (:func:`related_pairs` links them with ``skos:related``).
3. **Acronyms.** A paper that defines "Low-Rank Adaptation (LoRA)" joins the two names. An acronym
   defined with *different* long forms in different papers ("SGD" = stochastic gradient descent vs
   Schema-Guided Dialogue) is ambiguous: it is not used as a join key, each definition stays with its
   long form, and bare mentions of the acronym stay a node of their own.

The canonical label is the name the field uses, decided here once for every type (methods, datasets,
metrics, tasks): the lexicon name; else the short name a paper coins when it defines one ("Singular Values
and ... Adaptation, or SORSA" → ``SORSA``, the long form kept as ``skos:altLabel``) — abstracts, tables
and later papers cite the acronym, not the long form; else, for an acronym defined two ways (see 3.), the
long form, because two nodes both labelled "SGD" could not be told apart; else the most frequent surface
form. Every choice is deterministic (ties: more frequent, longer, then alphabetical).
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from kg.model import EntityType, Extraction

_TRAIL = re.compile(r"\s+(?:dataset|datasets|benchmark|benchmarks|corpus|data set)$", re.I)
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_LEAD = re.compile(r"^(?:the|a|an)\s+", re.I)


def family(etype: EntityType) -> str:
    """Types that may denote the same thing share a family (a Benchmark is a Dataset)."""
    return _FAMILY[etype]


_FAMILY = {t: "Dataset" if t in (EntityType.DATASET, EntityType.BENCHMARK) else t.value for t in EntityType}


@functools.lru_cache(maxsize=1 << 20)
def name_key(name: str) -> str:
    """The variant-insensitive key of a name ("the CIFAR-10 dataset" → "cifar10", "LLMs" → "llm").

    Cached: a corpus names the same things over and over, and the linking passes key every name of every
    paper several times (a third of linking 100k papers was spent here)."""
    n = _TRAIL.sub("", _LEAD.sub("", name.strip()))
    key = _NON_ALNUM.sub("", n.casefold())
    if len(key) > 3 and key.endswith("s") and not key.endswith("ss"):
        key = key[:-1]
    return key


@dataclass
class CanonicalEntity:
    """One resolved entity: its stable key (the basis of its IRI), type, labels and provenance."""

    key: str
    type: EntityType
    label: str
    alt_labels: tuple[str, ...]
    lexicon_id: str | None = None
    papers: tuple[str, ...] = ()


class NameRecord(NamedTuple):
    """What linking reads of one entity of one paper: its names, never its mentions or evidence.

    Why a record of its own: at scale the linking pass runs over these alone (a few dozen bytes per entity,
    written beside each records shard), so resolving a million papers' entities never loads their abstracts.
    A named tuple, not a frozen dataclass: the passes make one per entity per pass, and a tuple is made
    several times faster.
    """

    paper: str
    key: str  # the entity's key local to its paper's record ("e0")
    type: EntityType
    names: tuple[str, ...]
    short_form: str | None = None
    long_form: str | None = None
    lexicon_id: str | None = None

    def to_list(self) -> list[Any]:
        return [self.paper, self.key, self.type.value, list(self.names), self.short_form, self.long_form,
                self.lexicon_id]

    @classmethod
    def from_list(cls, data: list[Any]) -> NameRecord:
        paper, key, etype, names, short, long, lex = data
        return cls(paper, key, _TYPES[etype], tuple(names), short, long, lex)


_TYPES = {t.value: t for t in EntityType}


def name_records(extraction: Extraction) -> Iterator[NameRecord]:
    """The :class:`NameRecord` of every entity of one paper's record, in the record's order."""
    pid = extraction.paper.id
    for ent in extraction.entities:
        yield NameRecord(pid, ent.key, ent.type, ent.names, ent.short_form, ent.long_form, ent.lexicon_id)


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # The smaller key wins so the result does not depend on the order of unions.
            self.parent[max(ra, rb)] = min(ra, rb)



@dataclass
class Linking:
    entities: dict[str, CanonicalEntity] = field(default_factory=dict)  # key → entity
    members: dict[tuple[str, str], str] = field(default_factory=dict)  # (paper id, local key) → canonical key
    related: list[tuple[str, str]] = field(default_factory=list)  # (narrower-ish, broader-ish) canonical keys
    # How any entity of the linked records finds its canonical entity without a per-mention table:
    # its first link key → the union-find root of its group → the group's canonical key.
    ambiguous: set[tuple[str, str]] = field(default_factory=set, repr=False)
    groups: _UnionFind = field(default_factory=lambda: _UnionFind(), repr=False)
    key_of_root: dict[str, str] = field(default_factory=dict, repr=False)
    # resolve()'s answers by what decides them (a record's names, not its paper): one entry per distinct
    # named entity, as the tables above
    _resolved: dict[tuple[Any, ...], str] = field(default_factory=dict, repr=False)

    def canonical(self, paper_id: str, local_key: str) -> CanonicalEntity:
        return self.entities[self.members[(paper_id, local_key)]]

    def resolve(self, rec: NameRecord) -> str:
        """The canonical key of one linked entity (``members`` holds the same, for small corpora only)."""
        found = self.members.get((rec.paper, rec.key))
        if found is not None:
            return found
        content = rec[2:]
        found = self._resolved.get(content)
        if found is None:
            found = self._resolved[content] = self.key_of_root[self.groups.find(_link_keys(rec, self.ambiguous)[0])]
        return found


def ambiguous_acronyms(records: Iterable[NameRecord]) -> set[tuple[str, str]]:
    """(family, acronym key) pairs defined with two or more different long forms somewhere."""
    longs: dict[tuple[str, str], set[str]] = defaultdict(set)
    for rec in records:
        if rec.short_form and rec.long_form:
            longs[(family(rec.type), name_key(rec.short_form))].add(name_key(rec.long_form))
    return {k for k, v in longs.items() if len(v) > 1}


def _best(counts: Counter[str]) -> str:
    """The most frequent name; ties go to the longer, then the alphabetically first (deterministic labels)."""
    return min(counts, key=lambda n: (-counts[n], -len(n), n))


def _link_keys(rec: NameRecord, ambiguous: set[tuple[str, str]]) -> list[str]:
    """The join keys of one entity: two entities sharing any of them are one thing (see module docstring)."""
    fam = family(rec.type)
    keys = []
    if rec.lexicon_id:
        keys.append(f"@{fam}|lex|{rec.lexicon_id}")
    short = name_key(rec.short_form) if rec.short_form else None
    for name in rec.names:
        k = name_key(name)
        if not k:
            continue
        if (fam, k) in ambiguous and k == short:
            # "SGD" defined two ways: join through the long form only, and keep the pair apart.
            keys.append(f"@{fam}|name|{k}|{name_key(rec.long_form or '')}")
            continue
        if (fam, k) in ambiguous:
            continue
        keys.append(f"@{fam}|name|{k}")
    if not keys:
        keys.append(f"@{fam}|name|{name_key(rec.names[0]) or rec.names[0]}")
    return keys


@dataclass
class _Votes:
    """What the members of one group say about it: counted surface forms, types, ids and papers."""

    first: tuple[str, int]  # the earliest (paper id, entity index): fixes the order in which keys are chosen
    names: Counter[str] = field(default_factory=Counter)
    longs: Counter[str] = field(default_factory=Counter)
    shorts: Counter[str] = field(default_factory=Counter)
    types: Counter[EntityType] = field(default_factory=Counter)
    lex_ids: Counter[str] = field(default_factory=Counter)
    papers: list[str] = field(default_factory=list)


def link(extractions: Iterable[Extraction]) -> Linking:
    """Resolve the entities of all ``extractions`` into canonical entities (with a full ``members`` table)."""
    extractions = list(extractions)
    linking = link_names(lambda: (rec for ex in extractions for rec in name_records(ex)))
    for ex in extractions:
        for rec in name_records(ex):
            linking.members[(rec.paper, rec.key)] = linking.resolve(rec)
    return linking


def link_names(source: Callable[[], Iterable[NameRecord]]) -> Linking:
    """Resolve entities from their names alone, in two streaming passes over ``source()``.

    ``source`` returns a fresh iterator over every entity's :class:`NameRecord`, one paper's entities
    together and in record order (papers in any order). Memory grows with the distinct names and groups,
    not with the papers' text: the first pass collects the distinct namings (from which the ambiguous
    acronyms are found and the keys joined), the second counts each group's votes. The result does not
    depend on the order of the papers: a group's key is chosen in the order of its earliest (paper id,
    entity index), as when the records are read sorted by paper id.
    """
    # A record's join keys depend on its naming alone (rec[2:]: type, names, short and long form, lexicon id),
    # and a corpus names the same entity the same way in many papers: the first pass keeps one record of each
    # distinct naming (memory: the distinct namings, as the tables here), the joins are made from those.
    namings: dict[tuple[Any, ...], NameRecord] = {}
    for rec in source():
        namings.setdefault(rec[2:], rec)
    ambiguous = ambiguous_acronyms(namings.values())
    uf = _UnionFind()
    first_key: dict[tuple[Any, ...], str] = {}
    for content, rec in namings.items():
        keys = _link_keys(rec, ambiguous)
        first_key[content] = keys[0]
        uf.find(keys[0])  # a lone key is a group too
        for k in keys[1:]:
            uf.union(keys[0], k)
    del namings

    votes: dict[str, _Votes] = {}
    last_paper, index = None, 0
    for rec in source():
        index = index + 1 if rec.paper == last_paper else 0
        last_paper = rec.paper
        root = uf.find(first_key[rec[2:]])
        v = votes.get(root)
        if v is None:
            v = votes[root] = _Votes((rec.paper, index))
        elif (rec.paper, index) < v.first:
            v.first = (rec.paper, index)
        v.names.update(rec.names)
        v.types[rec.type] += 1
        if not v.papers or v.papers[-1] != rec.paper:
            v.papers.append(rec.paper)
        if rec.long_form:
            v.longs[rec.long_form] += 1
        if rec.short_form:
            v.shorts[rec.short_form] += 1
        if rec.lexicon_id:
            v.lex_ids[rec.lexicon_id] += 1

    from kg.lexicon import load_lexicon

    lexicon = load_lexicon()
    linking = Linking(ambiguous=ambiguous, groups=uf)
    for root, v in sorted(votes.items(), key=lambda item: item[1].first):
        lex_id = min(v.lex_ids, key=lambda k: (-v.lex_ids[k], k)) if v.lex_ids else None
        entry = lexicon.by_id.get(lex_id) if lex_id else None
        etype = min(v.types, key=lambda t: (-v.types[t], list(EntityType).index(t)))
        fam = family(etype)
        coined = _best(v.shorts) if v.shorts and (fam, name_key(_best(v.shorts))) not in ambiguous else None
        label = entry.name if entry else coined or (_best(v.longs) if v.longs else _best(v.names))
        # The stable key behind the IRI: lexicon id > an unambiguous acronym > the label's name key.
        if entry:
            key = f"{fam}/{entry.id.split(':', 1)[-1]}"
        elif coined:
            key = f"{fam}/{name_key(coined)}"
        elif v.shorts:
            key = f"{fam}/{name_key(_best(v.shorts))}-{name_key(label)}"
        else:
            key = f"{fam}/{name_key(label) or label}"
        while key in linking.entities:  # two groups slugging alike: disambiguate deterministically
            key += "-x"
        alt = tuple(sorted({n for n in (*v.names, *v.longs, *v.shorts) if n != label},
                           key=lambda n: (n.casefold(), n)))
        linking.entities[key] = CanonicalEntity(key, etype, label, alt, lex_id, tuple(sorted(set(v.papers))))
        linking.key_of_root[root] = key
    linking.related = related_pairs(linking.entities.values())
    return linking


_VARIANT = re.compile(r"^(?P<base>.+?)[\s\-]+"
                      r"(?:\d+[kKmM]?|[A-Z]|v\d+|V\d+|\d+\.\d+|C|R|A|Sketch|Lite|Large|Base|Small|Tiny|XL|XXL)$")


def related_pairs(entities: Iterable[CanonicalEntity]) -> list[tuple[str, str]]:
    """Pairs (variant, base) such as (ImageNet-1K, ImageNet): related, but not the same entity."""
    entities = list(entities)
    by_label = {(family(e.type), name_key(e.label)): e.key for e in entities}
    out = []
    for e in entities:
        m = _VARIANT.match(e.label)
        if m:
            base = by_label.get((family(e.type), name_key(m.group("base"))))
            if base and base != e.key:
                out.append((e.key, base))
    return sorted(out)
