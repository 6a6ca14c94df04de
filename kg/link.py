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

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from kg.model import EntityType, Extraction

_TRAIL = re.compile(r"\s+(?:dataset|datasets|benchmark|benchmarks|corpus|data set)$", re.I)
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_LEAD = re.compile(r"^(?:the|a|an)\s+", re.I)


def family(etype: EntityType) -> str:
    """Types that may denote the same thing share a family (a Benchmark is a Dataset)."""
    return "Dataset" if etype in (EntityType.DATASET, EntityType.BENCHMARK) else etype.value


def name_key(name: str) -> str:
    """The variant-insensitive key of a name ("the CIFAR-10 dataset" → "cifar10", "LLMs" → "llm")."""
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


@dataclass
class Linking:
    entities: dict[str, CanonicalEntity] = field(default_factory=dict)  # key → entity
    members: dict[tuple[str, str], str] = field(default_factory=dict)  # (paper id, local key) → canonical key
    related: list[tuple[str, str]] = field(default_factory=list)  # (narrower-ish, broader-ish) canonical keys

    def canonical(self, paper_id: str, local_key: str) -> CanonicalEntity:
        return self.entities[self.members[(paper_id, local_key)]]


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


def ambiguous_acronyms(extractions: Iterable[Extraction]) -> set[tuple[str, str]]:
    """(family, acronym key) pairs defined with two or more different long forms somewhere."""
    longs: dict[tuple[str, str], set[str]] = defaultdict(set)
    for ex in extractions:
        for ent in ex.entities:
            if ent.short_form and ent.long_form:
                longs[(family(ent.type), name_key(ent.short_form))].add(name_key(ent.long_form))
    return {k for k, v in longs.items() if len(v) > 1}


def _best(counts: Counter[str]) -> str:
    """The most frequent name; ties go to the longer, then the alphabetically first (deterministic labels)."""
    return min(counts, key=lambda n: (-counts[n], -len(n), n))


def link(extractions: Iterable[Extraction]) -> Linking:
    """Resolve the entities of all ``extractions`` into canonical entities."""
    extractions = list(extractions)
    ambiguous = ambiguous_acronyms(extractions)
    uf = _UnionFind()
    node_of: dict[tuple[str, str], str] = {}

    for ex in extractions:
        for ent in ex.entities:
            fam = family(ent.type)
            keys = []
            if ent.lexicon_id:
                keys.append(f"{fam}|lex|{ent.lexicon_id}")
            short = name_key(ent.short_form) if ent.short_form else None
            for name in ent.names:
                k = name_key(name)
                if not k:
                    continue
                if (fam, k) in ambiguous and k == short:
                    # "SGD" defined two ways: join through the long form only, and keep the pair apart.
                    keys.append(f"{fam}|name|{k}|{name_key(ent.long_form or '')}")
                    continue
                if (fam, k) in ambiguous:
                    continue
                keys.append(f"{fam}|name|{k}")
            if not keys:
                keys.append(f"{fam}|name|{name_key(ent.name) or ent.name}")
            node = f"{ex.paper.id}|{ent.key}"
            node_of[(ex.paper.id, ent.key)] = node
            for k in keys:
                uf.union(node, "@" + k)

    # Collect the surface forms and votes of each group.
    groups: dict[str, list[tuple[Extraction, int]]] = defaultdict(list)
    for ex in extractions:
        for i, ent in enumerate(ex.entities):
            groups[uf.find(node_of[(ex.paper.id, ent.key)])].append((ex, i))

    from kg.lexicon import load_lexicon

    lexicon = load_lexicon()
    linking = Linking()
    for members in groups.values():
        names: Counter[str] = Counter()
        longs: Counter[str] = Counter()
        types: Counter[EntityType] = Counter()
        lex_ids: Counter[str] = Counter()
        shorts: Counter[str] = Counter()
        papers: set[str] = set()
        for ex, i in members:
            ent = ex.entities[i]
            names.update(ent.names)
            types[ent.type] += 1
            papers.add(ex.paper.id)
            if ent.long_form:
                longs[ent.long_form] += 1
            if ent.short_form:
                shorts[ent.short_form] += 1
            if ent.lexicon_id:
                lex_ids[ent.lexicon_id] += 1
        lex_id = min(lex_ids, key=lambda k: (-lex_ids[k], k)) if lex_ids else None
        entry = lexicon.by_id.get(lex_id) if lex_id else None

        etype = min(types, key=lambda t: (-types[t], list(EntityType).index(t)))
        fam = family(etype)
        coined = _best(shorts) if shorts and (fam, name_key(_best(shorts))) not in ambiguous else None
        label = entry.name if entry else coined or (_best(longs) if longs else _best(names))
        # The stable key behind the IRI: lexicon id > an unambiguous acronym > the label's name key.
        if entry:
            key = f"{fam}/{entry.id.split(':', 1)[-1]}"
        elif shorts and (fam, name_key(_best(shorts))) not in ambiguous:
            key = f"{fam}/{name_key(_best(shorts))}"
        elif shorts:
            key = f"{fam}/{name_key(_best(shorts))}-{name_key(label)}"
        else:
            key = f"{fam}/{name_key(label) or label}"
        while key in linking.entities:  # two groups slugging alike: disambiguate deterministically
            key += "-x"
        alt = tuple(sorted({n for n in (*names, *longs, *shorts) if n != label}, key=lambda n: (n.casefold(), n)))
        linking.entities[key] = CanonicalEntity(key, etype, label, alt, lex_id, tuple(sorted(papers)))
        for ex, i in members:
            linking.members[(ex.paper.id, ex.entities[i].key)] = key
    linking.related = related_pairs(linking.entities.values())
    return linking


_VARIANT = re.compile(r"^(?P<base>.+?)[\s\-]+(?:\d+[kKmM]?|[A-Z]|v\d+|V\d+|\d+\.\d+|C|R|A|Sketch|Lite|Large|Base|Small|Tiny|XL|XXL)$")


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
