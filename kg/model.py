"""The domain vocabulary of paperkg: frozen dataclasses and enums.

This module is the *only* place where the Python side of the vocabulary lives. The OWL ontology
(``schemas/ontology.ttl``) and the SHACL shapes (``schemas/shapes.ttl``) mirror these enums, and a test
checks that every member exists in both, so a new relation type cannot be added in one place only.

Every stage of the pipeline passes these values along::

    sources ──Paper──▶ nlp ──Doc──▶ extract ──Extraction──▶ link ──▶ graph

Offsets are always ``[start, end)`` character offsets into one *section* of the paper (``title`` or
``abstract``) as the source delivered it after normalisation, so a consumer can slice
``paper.abstract[start:end]`` and get the surface form back.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

#: Version of the per-paper extraction record written by ``kg extract`` (``schemas/extraction.schema.json``).
#: Bump it when a field changes meaning or disappears; adding an optional field is a minor bump.
RECORD_VERSION = "1.1"  # 1.1: Result.delta / relative_to, Extraction.comparisons (1.0 records still read)


class EntityType(str, enum.Enum):
    """Kinds of named artifacts; the values are the local names of the ontology classes."""

    METHOD = "Method"
    DATASET = "Dataset"
    BENCHMARK = "Benchmark"  # a Dataset used as a standard evaluation suite (kg:Benchmark ⊑ kg:Dataset)
    METRIC = "Metric"
    TASK = "Task"

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.value


class RelationType(str, enum.Enum):
    """Paper → entity relations; the values are the local names of the ontology properties."""

    PROPOSES = "proposes"  # → any entity type the paper introduces
    USES = "uses"  # → Dataset / Benchmark actually used (trained / evaluated on)
    BEATS = "beats"  # → Method the paper claims to outperform
    MEASURES = "measures"  # → Metric used to report results
    ADDRESSES = "addresses"  # → Task

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.value


class Section(str, enum.Enum):
    """The part of a paper a span's offsets point into."""

    TITLE = "title"
    ABSTRACT = "abstract"

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.value


#: Which entity types each relation may point to (mirrored by the SHACL shapes).
RELATION_RANGE: dict[RelationType, frozenset[EntityType]] = {
    RelationType.PROPOSES: frozenset(EntityType),
    RelationType.USES: frozenset({EntityType.DATASET, EntityType.BENCHMARK}),
    RelationType.BEATS: frozenset({EntityType.METHOD}),
    RelationType.MEASURES: frozenset({EntityType.METRIC}),
    RelationType.ADDRESSES: frozenset({EntityType.TASK}),
}


@dataclass(frozen=True, slots=True)
class Paper:
    """One paper as a source delivered it, after text normalisation.

    ``id`` is stable across runs and inputs: ``arxiv:<id>`` when the arXiv id is known, otherwise
    ``t:<16 hex>`` — a hash of the normalised title — so the same paper read from two dumps merges.
    ``date`` is ISO 8601 when the year is known (``2024-05-22``) and an ``xsd:gMonthDay`` partial date
    (``--08-08``) when the source gave only month and day: we never invent a year.
    """

    id: str
    title: str
    abstract: str
    date: str | None = None
    authors: tuple[str, ...] = ()
    n_authors: int | None = None
    affiliation: str | None = None
    url: str | None = None
    arxiv_id: str | None = None
    upvotes: int | None = None
    source: str | None = None  # "file:line" of the first record this paper was read from

    def text(self, section: Section) -> str:
        """Return the text of ``section`` (what offsets of that section index into)."""
        return self.title if section is Section.TITLE else self.abstract

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form, omitting empty optional fields."""
        out: dict[str, Any] = {"id": self.id, "title": self.title, "abstract": self.abstract}
        for key in ("date", "n_authors", "affiliation", "url", "arxiv_id", "upvotes", "source"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        if self.authors:
            out["authors"] = list(self.authors)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Paper:
        return cls(
            id=data["id"],
            title=data["title"],
            abstract=data["abstract"],
            date=data.get("date"),
            authors=tuple(data.get("authors") or ()),
            n_authors=data.get("n_authors"),
            affiliation=data.get("affiliation"),
            url=data.get("url"),
            arxiv_id=data.get("arxiv_id"),
            upvotes=data.get("upvotes"),
            source=data.get("source"),
        )


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where a fact came from: the sentence, the span, the rule that fired and how sure it is.

    ``start``/``end`` are the character offsets of the supporting span (the entity mention, or the
    whole matched phrase for a relation or result) inside ``section`` of the paper. ``sentence`` is
    the full sentence that contains it, verbatim. ``rule`` names the component and pattern
    (``"kg_relations:outperform"``) so a wrong fact can be traced to the code that made it.
    """

    sentence: str
    start: int
    end: int
    section: Section
    rule: str
    confidence: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "sentence": self.sentence,
            "start": self.start,
            "end": self.end,
            "section": self.section.value,
            "rule": self.rule,
            "confidence": round(self.confidence, 4),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Evidence:
        return cls(
            sentence=data["sentence"],
            start=int(data["start"]),
            end=int(data["end"]),
            section=Section(data["section"]),
            rule=data["rule"],
            confidence=float(data["confidence"]),
        )


@dataclass(frozen=True, slots=True)
class Mention:
    """One occurrence of a name in the text (a span with a type guess)."""

    text: str
    type: EntityType
    evidence: Evidence

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "type": self.type.value, "evidence": self.evidence.to_dict()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Mention:
        return cls(text=data["text"], type=EntityType(data["type"]), evidence=Evidence.from_dict(data["evidence"]))


@dataclass(frozen=True, slots=True)
class Entity:
    """A named artifact as ONE paper refers to it (not yet resolved across papers).

    ``key`` is local to the paper's extraction (``"e0"``, ``"e1"`` …) and is what relations and results
    point at. ``names`` holds every surface form the paper uses, fullest first (long form before its
    acronym). ``short_form``/``long_form`` are set when an abbreviation definition tied two names together
    in this paper; linking uses them to tell an acronym defined one way from the same acronym defined
    another way. ``lexicon_id`` is the curated-lexicon entry the name matched, if any.
    """

    key: str
    type: EntityType
    names: tuple[str, ...]
    mentions: tuple[Mention, ...] = ()
    lexicon_id: str | None = None
    short_form: str | None = None
    long_form: str | None = None
    confidence: float = 1.0

    @property
    def name(self) -> str:
        return self.names[0]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "key": self.key,
            "type": self.type.value,
            "names": list(self.names),
            "confidence": round(self.confidence, 4),
            "mentions": [m.to_dict() for m in self.mentions],
        }
        for key in ("lexicon_id", "short_form", "long_form"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entity:
        return cls(
            key=data["key"],
            type=EntityType(data["type"]),
            names=tuple(data["names"]),
            mentions=tuple(Mention.from_dict(m) for m in data.get("mentions", ())),
            lexicon_id=data.get("lexicon_id"),
            short_form=data.get("short_form"),
            long_form=data.get("long_form"),
            confidence=float(data.get("confidence", 1.0)),
        )


@dataclass(frozen=True, slots=True)
class Relation:
    """``paper --type--> entity`` with the evidence for the claim."""

    type: RelationType
    target: str  # Entity.key within the same Extraction
    evidence: Evidence

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type.value, "target": self.target, "evidence": self.evidence.to_dict()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Relation:
        return cls(
            type=RelationType(data["type"]),
            target=data["target"],
            evidence=Evidence.from_dict(data["evidence"]),
        )


@dataclass(frozen=True, slots=True)
class Result:
    """A numeric result stated in the text: (method?, dataset?, metric?, value, unit?).

    ``value`` is the parsed number (``53.14`` for ``"53.14%"``), ``value_text`` the surface form, and
    ``unit`` what followed the number (``"%"``, ``"x"``, ``"dB"``, ``"points"``…) or ``None``.
    ``method``/``dataset``/``metric`` are ``Entity.key`` values of the same extraction, or ``None``
    when the sentence does not say.

    ``delta`` tells an absolute value ("71.8 EM") from a change ("by 4.5 points", "2x faster", "reduces
    WER by 36%"): a change is not a score and must never be ranked against scores. ``relative_to`` is the
    key of the method a change is measured against, when the sentence names one ("outperforms RAG by 4.5").
    """

    value: float
    value_text: str
    evidence: Evidence
    unit: str | None = None
    method: str | None = None
    dataset: str | None = None
    metric: str | None = None
    delta: bool = False
    relative_to: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"value": self.value, "value_text": self.value_text}
        for key in ("unit", "method", "dataset", "metric"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        if self.delta:
            out["delta"] = True
        if self.relative_to is not None:
            out["relative_to"] = self.relative_to
        out["evidence"] = self.evidence.to_dict()
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Result:
        return cls(
            value=float(data["value"]),
            value_text=data["value_text"],
            evidence=Evidence.from_dict(data["evidence"]),
            unit=data.get("unit"),
            method=data.get("method"),
            dataset=data.get("dataset"),
            metric=data.get("metric"),
            delta=bool(data.get("delta", False)),
            relative_to=data.get("relative_to"),
        )


@dataclass(frozen=True, slots=True)
class Comparison:
    """A method-level comparison claim: ``winner`` does better than ``loser`` (both ``Entity.key`` values).

    Why beside ``paper --beats--> baseline``: a paper that proposes several methods (a system and its
    components) does not claim that each of them beats each baseline; the comparison names which one does,
    and on what (``dataset``/``metric``/``value`` when the sentence gives them). A comparison *stated* by a
    sentence carries the rule of the beats cue; one *derived* from two absolute results on the same dataset
    and metric carries the rule ``derived:results`` and a lower confidence.
    """

    winner: str
    loser: str
    evidence: Evidence
    dataset: str | None = None
    metric: str | None = None
    value: float | None = None
    value_text: str | None = None
    unit: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"winner": self.winner, "loser": self.loser}
        for key in ("dataset", "metric", "value", "value_text", "unit"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        out["evidence"] = self.evidence.to_dict()
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Comparison:
        return cls(
            winner=data["winner"],
            loser=data["loser"],
            evidence=Evidence.from_dict(data["evidence"]),
            dataset=data.get("dataset"),
            metric=data.get("metric"),
            value=None if data.get("value") is None else float(data["value"]),
            value_text=data.get("value_text"),
            unit=data.get("unit"),
        )


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything extracted from one paper: the record ``kg extract`` writes, one JSON line per paper."""

    paper: Paper
    entities: tuple[Entity, ...] = ()
    relations: tuple[Relation, ...] = ()
    results: tuple[Result, ...] = ()
    extractor: str = ""  # name + version of the pipeline that produced it (provenance)
    comparisons: tuple[Comparison, ...] = ()

    def entity(self, key: str) -> Entity:
        for ent in self.entities:
            if ent.key == key:
                return ent
        raise KeyError(key)

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": RECORD_VERSION,
            "extractor": self.extractor,
            "paper": self.paper.to_dict(),
            "entities": [e.to_dict() for e in self.entities],
            "relations": [r.to_dict() for r in self.relations],
            "results": [r.to_dict() for r in self.results],
            "comparisons": [c.to_dict() for c in self.comparisons],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Extraction:
        return cls(
            paper=Paper.from_dict(data["paper"]),
            entities=tuple(Entity.from_dict(e) for e in data.get("entities", ())),
            relations=tuple(Relation.from_dict(r) for r in data.get("relations", ())),
            results=tuple(Result.from_dict(r) for r in data.get("results", ())),
            extractor=data.get("extractor", ""),
            comparisons=tuple(Comparison.from_dict(c) for c in data.get("comparisons", ())),
        )


@dataclass(slots=True)
class SkipReport:
    """What a reader skipped or merged, and why: counted, logged, and summarised by the CLI."""

    read: int = 0
    skipped: int = 0
    merged: int = 0
    reasons: list[tuple[str, str]] = field(default_factory=list)  # (location "file:line", reason)

    def skip(self, location: str, reason: str) -> None:
        self.skipped += 1
        self.reasons.append((location, reason))
