"""``KnowledgeGraph``: the resolved graph over a ``networkx.MultiDiGraph``.

* node id = the node's IRI (a string), so every export and the SPARQL store name things identically;
* edge key = the relation type (``"uses"``, ``"reports"``, ``"method"``…);
* attributes are scalars only (str, int, float, bool) — GraphML and CSV cannot hold lists or None —
  and their names are the constants below, the one place they are defined.

The graph is built from extraction records and then only read: exporters and analytics never change it
(``nx`` returns a read-only view).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

import networkx as nx
from rdflib import Graph

from kg.errors import GraphError
from kg.link import Linking, link, name_records
from kg.model import EntityType, Evidence, Extraction
from kg.nlp.direction import higher_is_better
from kg.vocab import PREFIXES, comparison_iri, entity_iri, paper_iri, result_iri

# ---- attribute names (nodes) ----
TYPE = "type"  # "Paper", "Result" or an EntityType value
LABEL = "label"  # title for papers, canonical name for entities, value text for results
ALIASES = "aliases"  # " | "-joined alternative labels
IDENTIFIER = "identifier"
ABSTRACT = "abstract"
DATE = "date"
YEAR = "year"  # int, 0 when unknown (GraphML has no None)
AUTHOR_COUNT = "author_count"
AFFILIATION = "affiliation"
UPVOTES = "upvotes"
URL = "url"
LEXICON_ID = "lexicon_id"
N_PAPERS = "n_papers"
EXTRACTOR = "extractor"
VALUE = "value"
UNIT = "unit"
DELTA = "delta"  # bool on Result nodes: a change ("by 4.5 points"), not an absolute value
HIGHER_IS_BETTER = "higher_is_better"  # bool on Metric nodes whose direction is known
# ---- attribute names (edges; evidence also on Result nodes) ----
RELATION = "relation"
CONFIDENCE = "confidence"
SENTENCE = "sentence"
START = "start"
END = "end"
SECTION = "section"
RULE = "rule"

ALIAS_SEPARATOR = " | "
PAPER_RELATIONS = ("proposes", "uses", "beats", "measures", "addresses")
RESULT_SLOTS = ("method", "dataset", "metric")
#: Node types that are not entities: papers and the claims they make.
CLAIM_NODE_TYPES = ("Paper", "Result", "Comparison")
#: Edges from a Comparison node (attribute names of :class:`kg.model.Comparison`, then the ontology's term).
COMPARISON_SLOTS = (("winner", "winner"), ("loser", "loser"), ("dataset", "dataset"), ("metric", "metric"))


def _evidence_attrs(ev: Evidence) -> dict[str, Any]:
    return {SENTENCE: ev.sentence, START: ev.start, END: ev.end, SECTION: ev.section.value, RULE: ev.rule,
            CONFIDENCE: round(ev.confidence, 4)}


def _year(date: str | None) -> int:
    return int(date[:4]) if date and date[:4].isdigit() else 0


class KnowledgeGraph:
    """The knowledge graph of a set of papers (see module docstring)."""

    def __init__(self, graph: nx.MultiDiGraph, linking: Linking | None = None,
                 records: list[Extraction] | None = None, rdf: Graph | None = None) -> None:
        self._g = graph
        self.linking = linking
        self._records = records  # what the triples are written from (kg.triples)
        self._rdf = rdf

    # ------------------------------------------------------------------ building
    @classmethod
    def from_extractions(cls, extractions: Iterable[Extraction], linking: Linking | None = None) -> KnowledgeGraph:
        """Resolve entities across the records and build the graph (deterministic for the same records).

        ``linking``: the resolution of these same records when the caller has it already (``kg build`` links
        the shards' names once, for the triples and for this graph)."""
        records = sorted(extractions, key=lambda r: r.paper.id)
        if linking is None:
            linking = link(records)
        g = nx.MultiDiGraph()
        iri_of: dict[str, str] = {}
        for key, ent in sorted(linking.entities.items()):
            iri = str(entity_iri(ent.type, key.split("/", 1)[-1]))
            iri_of[key] = iri
            g.add_node(iri, **{TYPE: ent.type.value, LABEL: ent.label, ALIASES: ALIAS_SEPARATOR.join(ent.alt_labels),
                               LEXICON_ID: ent.lexicon_id or "", N_PAPERS: len(ent.papers)})
            if ent.type is EntityType.METRIC:
                hib = higher_is_better(ent.label, ent.lexicon_id is not None)
                if hib is not None:
                    g.nodes[iri][HIGHER_IS_BETTER] = hib
        for variant, base in linking.related:
            g.add_edge(iri_of[variant], iri_of[base], key="related", **{RELATION: "related"})
        for ex in records:
            p = ex.paper
            canon = {rec.key: linking.resolve(rec) for rec in name_records(ex)}  # local key → canonical key
            piri = str(paper_iri(p.id))
            g.add_node(piri, **{
                TYPE: "Paper", LABEL: p.title, IDENTIFIER: p.id, ABSTRACT: p.abstract, DATE: p.date or "",
                YEAR: _year(p.date), AUTHOR_COUNT: p.n_authors or 0, AFFILIATION: p.affiliation or "",
                UPVOTES: p.upvotes or 0, URL: p.url or "", EXTRACTOR: ex.extractor,
            })
            for rel in ex.relations:
                target = iri_of[canon[rel.target]]
                g.add_edge(piri, target, key=rel.type.value,
                           **{RELATION: rel.type.value, **_evidence_attrs(rel.evidence)})
            for i, res in enumerate(ex.results):
                riri = str(result_iri(p.id, i))
                g.add_node(riri, **{TYPE: "Result", LABEL: res.value_text, VALUE: res.value, UNIT: res.unit or "",
                                    DELTA: res.delta, **_evidence_attrs(res.evidence)})
                g.add_edge(piri, riri, key="reports", **{RELATION: "reports"})
                for slot in RESULT_SLOTS:
                    local = getattr(res, slot)
                    if local is not None:
                        g.add_edge(riri, iri_of[canon[local]], key=slot, **{RELATION: slot})
                if res.relative_to is not None:
                    g.add_edge(riri, iri_of[canon[res.relative_to]], key="relativeTo",
                               **{RELATION: "relativeTo"})
            for i, comp in enumerate(ex.comparisons):
                ciri = str(comparison_iri(p.id, i))
                names = {slot: canon[getattr(comp, slot)] for slot, _ in COMPARISON_SLOTS
                         if getattr(comp, slot) is not None}
                label = f"{linking.entities[names['winner']].label} > {linking.entities[names['loser']].label}"
                attrs: dict[str, Any] = {TYPE: "Comparison", LABEL: label, UNIT: comp.unit or "",
                                         **_evidence_attrs(comp.evidence)}
                if comp.value is not None:
                    attrs[VALUE] = comp.value
                g.add_node(ciri, **attrs)
                g.add_edge(piri, ciri, key="claims", **{RELATION: "claims"})
                for slot, term in COMPARISON_SLOTS:
                    if slot in names:
                        g.add_edge(ciri, iri_of[names[slot]], key=term, **{RELATION: term})
        return cls(g, linking, records)

    # ------------------------------------------------------------------ reading
    @property
    def nx(self) -> nx.MultiDiGraph:
        """A read-only view of the underlying networkx graph."""
        return nx.graphviews.subgraph_view(self._g)  # type: ignore[no-any-return]

    def nodes_of_type(self, *types: str) -> list[str]:
        return [n for n, t in self._g.nodes(data=TYPE) if t in types]

    def summary(self) -> dict[str, int]:
        """Counts: papers, entities by type, results, edges by relation."""
        node_types = Counter(t for _, t in self._g.nodes(data=TYPE))
        edge_types = Counter(k for _, _, k in self._g.edges(keys=True))
        out = {"papers": node_types.get("Paper", 0)}
        for et in EntityType:
            out[f"entities: {et.value}"] = node_types.get(et.value, 0)
        out["results"] = node_types.get("Result", 0)
        out["comparisons"] = node_types.get("Comparison", 0)
        for rel in (*PAPER_RELATIONS, "related"):
            out[f"edges: {rel}"] = edge_types.get(rel, 0)
        return out

    def __len__(self) -> int:
        return self._g.number_of_nodes()

    # ------------------------------------------------------------------ RDF
    def nt_lines(self) -> list[str]:
        """The graph as sorted, distinct N-Triples lines, made by the streaming writer (:mod:`kg.triples`)
        from the records and the linking this graph was built from: the same text ``kg build`` writes."""
        if self._records is None or self.linking is None:
            if self._rdf is None:
                raise GraphError("this graph was built from neither records nor RDF; it has no triples")
            return sorted({f"{line}\n" for line in self._rdf.serialize(format="nt").split("\n") if line.strip()})
        from kg.triples import graph_lines

        return sorted(set(graph_lines(self._records, self.linking)))

    def to_rdf(self) -> Graph:
        """The graph in the ``kg:`` vocabulary (see README "Vocabulary") as an rdflib graph, made once.

        The triples are the streaming writer's (:mod:`kg.triples`), parsed: one mapping from records to RDF
        for every output. Callers must treat the result as read-only (copy it with ``Graph() + kg.to_rdf()``
        to change it). For small graphs only: at scale, RDF stays text and goes to Oxigraph.
        """
        if self._rdf is None:
            rdf = Graph()
            for prefix, ns in PREFIXES.items():
                rdf.bind(prefix, ns)
            rdf.parse(data="".join(self.nt_lines()), format="nt")
            self._rdf = rdf
        return self._rdf
