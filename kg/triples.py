"""The streaming graph writer: extraction records + the name → IRI table → N-Triples lines.

This is the one mapping from records to RDF. Every RDF output (``graph.nt``, the store, Turtle, JSON-LD,
the rdflib view of :meth:`kg.graph.KnowledgeGraph.to_rdf`) is made from these lines.

Why lines and not an rdflib graph: rdflib holds about 1 KB per triple, and a build at scale would hold
the whole corpus that way (137 KiB per paper, 7 GB at 50k papers). Here one paper's triples depend only on
its own record and on the :class:`~kg.link.Linking` (its entities' canonical keys), so a shard of records
is turned into text one paper at a time, in memory proportional to the paper, and the text is what
Oxigraph bulk-loads. The triples are the ones the vocabulary documents (README "Vocabulary",
``schemas/ontology.ttl``, checked by ``schemas/shapes.ttl``); term forms are Oxigraph's N-Triples.

Two rules keep the triples equal to the paper-level networkx graph of :mod:`kg.graph` (which holds one
edge per (relation, entity) pair): a paper that states the same relation to one canonical entity twice
gets one claim, with the evidence of its last statement; and every literal passes through
:func:`kg.io.xml_safe`, the one character rule of all outputs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from kg.io import xml_safe
from kg.link import CanonicalEntity, Linking, name_records
from kg.model import EntityType, Evidence, Extraction
from kg.namespaces import KG_NS
from kg.nlp.direction import higher_is_better
from kg.vocab import claim_iri, comparison_iri, entity_iri, paper_iri, result_iri

_XSD = "http://www.w3.org/2001/XMLSchema#"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_DCT = "http://purl.org/dc/terms/"

TYPE = f"<{_RDF}type>"
SUBJECT, PREDICATE, OBJECT = f"<{_RDF}subject>", f"<{_RDF}predicate>", f"<{_RDF}object>"
LABEL = f"<{_RDFS}label>"
SEE_ALSO = f"<{_RDFS}seeAlso>"
ALT_LABEL = f"<{_SKOS}altLabel>"
RELATED = f"<{_SKOS}related>"
TITLE, ABSTRACT, IDENTIFIER, DATE = (f"<{_DCT}{n}>" for n in ("title", "abstract", "identifier", "date"))
_XSD_TYPES = {name: ox.NamedNode(_XSD + name) for name in ("integer", "decimal", "boolean", "date", "gYearMonth",
                                                             "gMonthDay")}


def kg(term: str) -> str:
    """A ``kg:`` term as an N-Triples IRI (the names are the ontology's; tests check them against it)."""
    return f"<{KG_NS}{term}>"


def iri(value: object) -> str:
    return f"<{value}>"


def text(value: str) -> str:
    """A plain literal, cleaned of characters XML 1.0 cannot hold (so every output carries the same text)."""
    return str(ox.Literal(xml_safe(value)))


def typed(value: str, datatype: str) -> str:
    return str(ox.Literal(value, datatype=_XSD_TYPES[datatype]))


def integer(value: int) -> str:
    return typed(str(int(value)), "integer")


def decimal(value: float) -> str:
    """A result value as ``xsd:decimal``: ``repr`` keeps every digit a float has, and nothing more."""
    return typed(repr(float(value)), "decimal")


def boolean(value: bool) -> str:
    return typed("true" if value else "false", "boolean")


def date(value: str) -> str:
    """Dates as the readers normalise them: ``--MM-DD``, ``YYYY-MM-DD`` or ``YYYY-MM``."""
    dtype = "gMonthDay" if value.startswith("--") else "date" if len(value) == 10 else "gYearMonth"
    return typed(value, dtype)


def line(s: str, p: str, o: str) -> str:
    return f"{s} {p} {o} .\n"


# --------------------------------------------------------------------------------------------- entities
def entity_node(ent: CanonicalEntity) -> str:
    return iri(entity_iri(ent.type, ent.key.split("/", 1)[-1]))


def entity_lines(ent: CanonicalEntity) -> list[str]:
    """The description of one canonical entity: its class(es), labels, lexicon id and metric direction."""
    s = entity_node(ent)
    out = [line(s, TYPE, kg(ent.type.value)), line(s, LABEL, text(ent.label))]
    if ent.type is EntityType.BENCHMARK:  # materialised so `?d a kg:Dataset` finds benchmarks
        out.append(line(s, TYPE, kg("Dataset")))
    out += [line(s, ALT_LABEL, text(alias)) for alias in ent.alt_labels]
    if ent.lexicon_id:
        out.append(line(s, kg("lexiconId"), text(ent.lexicon_id)))
    if ent.type is EntityType.METRIC:
        hib = higher_is_better(ent.label, ent.lexicon_id is not None)
        if hib is not None:
            out.append(line(s, kg("higherIsBetter"), boolean(hib)))
    return out


def linking_lines(linking: Linking) -> Iterator[str]:
    """Every entity's description and the ``skos:related`` links between entities."""
    for _, ent in sorted(linking.entities.items()):
        yield from entity_lines(ent)
    for variant, base in linking.related:
        yield line(entity_node(linking.entities[variant]), RELATED, entity_node(linking.entities[base]))


# --------------------------------------------------------------------------------------------- papers
def _evidence(s: str, ev: Evidence) -> list[str]:
    return [
        line(s, kg("sentence"), text(ev.sentence)),
        line(s, kg("startOffset"), integer(ev.start)),
        line(s, kg("endOffset"), integer(ev.end)),
        line(s, kg("section"), text(ev.section.value)),
        line(s, kg("rule"), text(ev.rule)),
        line(s, kg("confidence"), typed(f"{round(ev.confidence, 4):.4f}", "decimal")),
    ]


def paper_lines(ex: Extraction, linking: Linking) -> list[str]:
    """Every triple one paper's record gives: the paper, its claims, results and comparisons."""
    p = ex.paper
    canon = {rec.key: linking.entities[linking.resolve(rec)] for rec in name_records(ex)}
    node = {key: entity_node(ent) for key, ent in canon.items()}
    s = iri(paper_iri(p.id))
    out = [line(s, TYPE, kg("Paper")), line(s, TITLE, text(p.title)), line(s, ABSTRACT, text(p.abstract)),
           line(s, IDENTIFIER, text(p.id))]
    if p.date:
        out.append(line(s, DATE, date(p.date)))
    if p.n_authors:
        out.append(line(s, kg("authorCount"), integer(p.n_authors)))
    if p.affiliation:
        out.append(line(s, kg("affiliation"), text(p.affiliation)))
    if p.upvotes:
        out.append(line(s, kg("upvotes"), integer(p.upvotes)))
    if p.url:
        out.append(line(s, SEE_ALSO, iri(p.url)))
    if ex.extractor:
        out.append(line(s, kg("extractor"), text(ex.extractor)))
    last = {(rel.type.value, node[rel.target]): rel for rel in ex.relations}  # one claim per (relation, entity)
    for (rtype, target), rel in last.items():
        pred = kg(rtype)
        claim = iri(claim_iri(p.id, rtype, target[1:-1]))
        out += [line(s, pred, target), line(s, kg("evidence"), claim), line(claim, TYPE, kg("Claim")),
                line(claim, SUBJECT, s), line(claim, PREDICATE, pred), line(claim, OBJECT, target),
                *_evidence(claim, rel.evidence)]
    for i, res in enumerate(ex.results):
        r = iri(result_iri(p.id, i))
        out += [line(s, kg("reports"), r), line(r, TYPE, kg("Result")), line(r, kg("value"), decimal(res.value)),
                line(r, kg("valueText"), text(res.value_text)), *_evidence(r, res.evidence)]
        if res.unit:
            out.append(line(r, kg("unit"), text(res.unit)))
        if res.delta:
            out.append(line(r, kg("delta"), boolean(True)))
        for slot in ("method", "dataset", "metric"):
            local = getattr(res, slot)
            if local is not None:
                out.append(line(r, kg(slot), node[local]))
        if res.relative_to is not None:
            out.append(line(r, kg("relativeTo"), node[res.relative_to]))
    for i, comp in enumerate(ex.comparisons):
        c = iri(comparison_iri(p.id, i))
        label = f"{canon[comp.winner].label} > {canon[comp.loser].label}"
        out += [line(s, kg("claims"), c), line(c, TYPE, kg("Comparison")), line(c, LABEL, text(label)),
                *_evidence(c, comp.evidence)]
        if comp.value is not None:
            out.append(line(c, kg("value"), decimal(comp.value)))
        if comp.unit:
            out.append(line(c, kg("unit"), text(comp.unit)))
        for slot in ("winner", "loser", "dataset", "metric"):
            local = getattr(comp, slot)
            if local is not None:
                out.append(line(c, kg(slot), node[local]))
    return out


def graph_lines(records: Iterable[Extraction], linking: Linking) -> Iterator[str]:
    """Every line of the graph of ``records`` (entities first, then each paper's; not sorted, not deduplicated
    across papers — papers own disjoint subjects, so there is nothing to deduplicate)."""
    yield from linking_lines(linking)
    for ex in records:
        yield from paper_lines(ex, linking)
