"""The ``kg:`` ontology namespace and :func:`mint_iri`, the one place IRIs are made.

IRIs are deterministic functions of *what a thing is* (a paper's stable id, an entity's canonical key, a
result's paper and position), never of build order, so two builds of the same papers — or a build that
adds papers to an earlier one — give the same IRIs for the same things.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

from kg.model import EntityType
from kg.namespaces import ID_NS, KG_NS, PREFIXES  # noqa: F401  (re-exported: the vocabulary in one import)

ID = Namespace(ID_NS)


class KG(DefinedNamespace):
    """Terms of the paperkg ontology (``schemas/ontology.ttl``). A mistyped term raises AttributeError."""

    _NS = Namespace(KG_NS)
    _fail = True

    # classes
    Paper: URIRef
    Method: URIRef
    Dataset: URIRef
    Benchmark: URIRef
    Metric: URIRef
    Task: URIRef
    Result: URIRef
    Claim: URIRef
    Comparison: URIRef
    # paper → entity relations
    proposes: URIRef
    uses: URIRef
    beats: URIRef
    measures: URIRef
    addresses: URIRef
    # results
    reports: URIRef
    method: URIRef
    dataset: URIRef
    metric: URIRef
    value: URIRef
    valueText: URIRef
    unit: URIRef
    delta: URIRef
    relativeTo: URIRef
    higherIsBetter: URIRef
    # method-level comparisons
    claims: URIRef
    winner: URIRef
    loser: URIRef
    # evidence
    evidence: URIRef
    sentence: URIRef
    startOffset: URIRef
    endOffset: URIRef
    section: URIRef
    rule: URIRef
    confidence: URIRef
    extractor: URIRef
    # paper metadata beyond dcterms
    authorCount: URIRef
    affiliation: URIRef
    upvotes: URIRef
    lexiconId: URIRef


#: Path segment of each entity type in instance IRIs.
TYPE_SEGMENT = {
    EntityType.METHOD: "method",
    EntityType.DATASET: "dataset",
    EntityType.BENCHMARK: "dataset",  # a Benchmark is a Dataset: one IRI space, so retyping never renames
    EntityType.METRIC: "metric",
    EntityType.TASK: "task",
}

_SLUG = re.compile(r"[^0-9a-z]+")


@functools.lru_cache(maxsize=1 << 16)
def slug(text: str, max_len: int = 60) -> str:
    """URL-safe, readable, deterministic: accents folded, lower case, runs of other characters → "-".

    Names that slug to nothing (all symbols) or are too long get a short hash so IRIs stay unique.
    Cached, and ASCII text (nearly all) skips the Unicode folding that cannot change it: writing a shard's
    triples slugs each paper id about ten times and each entity key once per mention, and slugging was a
    third of that work.
    """
    if text.isascii():
        folded = text.lower()  # (casefold, NFKD and dropping combining marks are the identity on ASCII)
        s = _SLUG.sub("-", folded).strip("-")
    else:
        folded = unicodedata.normalize("NFKD", text.casefold())
        s = _SLUG.sub("-", "".join(c for c in folded if not unicodedata.combining(c))).strip("-")
    if not s:
        return "x" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]
    if len(s) > max_len:
        return s[:max_len].rstrip("-") + "-" + hashlib.sha1(s.encode("utf-8")).hexdigest()[:8]
    return s


def mint_iri(kind: str, *parts: str) -> URIRef:
    """The IRI of a ``kind`` ("paper", "method", "dataset", "metric", "task", "result", "claim",
    "comparison") from parts.

    >>> str(mint_iri("paper", "arxiv:2405.12345"))
    'https://w3id.org/paperkg/id/paper/arxiv-2405-12345'
    """
    if not parts:
        raise ValueError("mint_iri needs at least one part")
    return URIRef(f"{ID_NS}{kind}/{'/'.join(slug(p) for p in parts)}")


def paper_iri(paper_id: str) -> URIRef:
    return mint_iri("paper", paper_id)


def entity_iri(etype: EntityType, key: str) -> URIRef:
    return mint_iri(TYPE_SEGMENT[etype], key)


def result_iri(paper_id: str, index: int) -> URIRef:
    return mint_iri("result", paper_id, str(index))


def comparison_iri(paper_id: str, index: int) -> URIRef:
    """A comparison claim is, like a result, the ``index``-th of its paper's record (stable per extractor)."""
    return mint_iri("comparison", paper_id, str(index))


def claim_iri(paper_id: str, relation: str, entity: str) -> URIRef:
    digest = hashlib.sha1(f"{paper_id}|{relation}|{entity}".encode()).hexdigest()[:12]
    return mint_iri("claim", paper_id, relation, digest)
