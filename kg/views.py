"""Bounded views of a big graph, read from the Oxigraph store (issue 11, DESIGN.md section 5).

Above a certain size no stage holds the whole corpus as networkx or rdflib objects: the store and the
extraction records are the truth. People still want a page to browse and a graph to open in Gephi, so
this module reads *projections with stated bounds* from the store:

* :func:`from_rdf` — the inverse of :meth:`KnowledgeGraph.to_rdf`: triples in the ``kg:`` vocabulary
  (an rdflib ``Graph`` or pyoxigraph triples) back to a :class:`KnowledgeGraph`, so every exporter works on
  a view read from the store;
* :func:`top_view` — the entities named by the most papers and the papers linked to them (the ranking of
  the explorer page, :func:`kg.export.html.select`), ranked by SPARQL aggregates and fetched node by node;
* :func:`neighbourhood_view` — one entity's or paper's neighbourhood (the page's ``--focus``);
* :func:`entity_projection` / :func:`write_entity_graphml` — methods, datasets, benchmarks, metrics and
  tasks with co-usage and beats weights, aggregated inside Oxigraph (no paper becomes a Python object).

A view states what it is a part of: the graph attributes ``view``, ``view_note`` (the sentence the
explorer page shows) and ``total_<Type>`` (nodes of each type in the whole store), which the explorer page
and the GraphML writer carry along.

What the RDF does not hold, a view cannot give back: ``n_papers`` on an entity built from extraction
records counts every paper that *mentions* it (also without any relation, e.g. a background mention);
the RDF only links papers through relations, so here ``n_papers`` is the number of papers that name the
entity through ``proposes``/``uses``/``beats``/``measures``/``addresses`` — the count the explorer ranks by.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx
import pyoxigraph as ox

from kg.errors import GraphError
from kg.export.html import (
    MAX_ENTITIES,
    MAX_PAPERS,
    TOTAL_PREFIX,
    VIEW_NOTE,
    all_note,
    focus_note,
    top_note,
)
from kg.graph import (
    ABSTRACT,
    AFFILIATION,
    ALIAS_SEPARATOR,
    ALIASES,
    AUTHOR_COUNT,
    CONFIDENCE,
    DATE,
    DELTA,
    END,
    EXTRACTOR,
    HIGHER_IS_BETTER,
    IDENTIFIER,
    LABEL,
    LEXICON_ID,
    N_PAPERS,
    PAPER_RELATIONS,
    RELATION,
    RULE,
    SECTION,
    SENTENCE,
    START,
    TYPE,
    UNIT,
    UPVOTES,
    URL,
    VALUE,
    YEAR,
    KnowledgeGraph,
)
from kg.io import XML_UNSAFE, atomic_write, xml_safe
from kg.namespaces import KG_NS

if TYPE_CHECKING:
    from rdflib import Graph

    from kg.store import Store

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_DCT = "http://purl.org/dc/terms/"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_TYPE = _RDF + "type"
ENTITY_TYPES = ("Method", "Dataset", "Benchmark", "Metric", "Task")
#: Node types a view is made of (a ``kg:Claim`` is not a node: it is the evidence of a paper → entity edge).
_NODE_CLASSES = {KG_NS + t: t for t in ("Paper", "Result", "Comparison", *ENTITY_TYPES)}
#: Predicates that are edges of the KnowledgeGraph (edge key = the term's local name; skos:related → "related").
_EDGE_TERMS = (*PAPER_RELATIONS, "reports", "method", "dataset", "metric", "relativeTo", "claims", "winner", "loser")
_EDGE_PREDICATES = {KG_NS + t: t for t in _EDGE_TERMS} | {_SKOS + "related": "related"}
_PAPER_PREDICATES = {KG_NS + t for t in PAPER_RELATIONS}
#: Literal predicates → (attribute, converter) per kind of node; missing ones get the default of from_extractions.
_Table = dict[str, tuple[str, Callable[[str], Any]]]
_EVIDENCE: _Table = {KG_NS + "sentence": (SENTENCE, str), KG_NS + "startOffset": (START, int),
             KG_NS + "endOffset": (END, int), KG_NS + "section": (SECTION, str), KG_NS + "rule": (RULE, str),
             KG_NS + "confidence": (CONFIDENCE, float)}


def _bool(text: str) -> bool:
    return text.strip().lower() in ("true", "1")


_PAPER_ATTRS: _Table = {_DCT + "title": (LABEL, str), _DCT + "abstract": (ABSTRACT, str),
                _DCT + "identifier": (IDENTIFIER, str), _DCT + "date": (DATE, str),
                KG_NS + "authorCount": (AUTHOR_COUNT, int), KG_NS + "affiliation": (AFFILIATION, str),
                KG_NS + "upvotes": (UPVOTES, int), _RDFS + "seeAlso": (URL, str), KG_NS + "extractor": (EXTRACTOR, str)}
_PAPER_DEFAULTS = {DATE: "", AUTHOR_COUNT: 0, AFFILIATION: "", UPVOTES: 0, URL: "", EXTRACTOR: ""}
_RESULT_ATTRS: _Table = {KG_NS + "value": (VALUE, float), KG_NS + "valueText": (LABEL, str),
                         KG_NS + "unit": (UNIT, str), KG_NS + "delta": (DELTA, _bool), **_EVIDENCE}
_RESULT_DEFAULTS = {UNIT: "", DELTA: False}
_COMPARISON_ATTRS: _Table = {_RDFS + "label": (LABEL, str), KG_NS + "value": (VALUE, float),
                             KG_NS + "unit": (UNIT, str), **_EVIDENCE}
_COMPARISON_DEFAULTS = {UNIT: ""}
_ENTITY_ATTRS: _Table = {_RDFS + "label": (LABEL, str), KG_NS + "lexiconId": (LEXICON_ID, str),
                 KG_NS + "higherIsBetter": (HIGHER_IS_BETTER, _bool)}
_ENTITY_DEFAULTS = {LEXICON_ID: ""}


# ---------------------------------------------------------------------------------------------- from_rdf
class _Iri(str):
    """An IRI object, told apart from a literal's lexical form of the same text."""

    __slots__ = ()


Triple = tuple[str, str, str]  # subject IRI, predicate IRI, object (an _Iri or a literal's lexical form)


def _rdflib_triples(graph: Graph) -> Iterator[Triple]:
    from rdflib import BNode, Literal

    for s, p, o in graph:
        if isinstance(s, BNode) or isinstance(o, BNode):
            continue  # our vocabulary has no blank nodes
        yield str(s), str(p), str(o) if isinstance(o, Literal) else _Iri(o)


#: Triples serialised together while a view is read (their N-Triples text is kept, not the objects).
_CHUNK = 10_000


def _ox_triples(triples: Iterable[Any], nt_chunks: list[bytes]) -> Iterator[Triple]:
    """Pyoxigraph triples (or quads) as :data:`Triple`, keeping their N-Triples text in ``nt_chunks``.

    Why keep text: a view must export its RDF too, and ~200 bytes of N-Triples per triple cost a third of
    the memory of the pyoxigraph objects (~590 bytes each, measured on 114k triples).
    """
    buf: list[Any] = []
    literal, blank = ox.Literal, ox.BlankNode
    for t in triples:  # (a quad of the default graph reads as its triple: no Triple object made of it)
        s, o = t.subject, t.object
        if type(s) is blank or type(o) is blank:
            continue
        buf.append(t if type(t) is not ox.Quad or type(t.graph_name) is ox.DefaultGraph else t.triple)
        if len(buf) == _CHUNK:
            nt_chunks.append(ox.serialize(buf, format=ox.RdfFormat.N_TRIPLES) or b"")
            buf = []
        yield s.value, t.predicate.value, o.value if type(o) is literal else _Iri(o.value)
    if buf:
        nt_chunks.append(ox.serialize(buf, format=ox.RdfFormat.N_TRIPLES) or b"")


class RdfGraph(KnowledgeGraph):
    """A :class:`KnowledgeGraph` read from the store: its RDF is the N-Triples it was read from.

    A view keeps every triple of the nodes it holds, including their links to nodes it left out (a
    paper's ``kg:uses`` of an entity outside the view stays in its RDF, as in the store; the networkx
    graph has no edge there), so ``from_rdf(view.to_rdf())`` gives the view back.
    """

    def __init__(self, graph: nx.MultiDiGraph, nt_chunks: list[bytes]) -> None:
        super().__init__(graph)
        self._nt_chunks = nt_chunks

    def nt_lines(self) -> list[str]:
        return sorted({f"{line}\n" for chunk in self._nt_chunks for line in chunk.decode("utf-8").split("\n")
                       if line.strip()})


def from_rdf(graph: Graph | Iterable[Any], graph_attrs: dict[str, Any] | None = None) -> KnowledgeGraph:
    """The :class:`KnowledgeGraph` that ``graph`` (an rdflib Graph or pyoxigraph triples/quads) describes.

    The inverse of :meth:`KnowledgeGraph.to_rdf`: the same node ids (IRIs), node types and attributes,
    and the same edges and keys; a ``kg:Claim`` becomes the evidence attributes of its paper → entity edge.
    Edges whose other end is not described in ``graph`` are left out, so a part of the store read by
    :func:`top_view` is a consistent graph. ``n_papers`` is the number of papers that name the entity
    through a paper relation *in* ``graph`` (module docstring: the RDF has no mention counts).
    ``graph_attrs`` become the networkx graph attributes (a view's note and totals).

    >>> from kg.views import from_rdf
    >>> kg2 = from_rdf(kg.to_rdf())          # doctest: +SKIP
    """
    from rdflib import Graph as RdflibGraph

    if isinstance(graph, RdflibGraph):
        return KnowledgeGraph(_build(_rdflib_triples(graph), graph_attrs or {}), rdf=graph)
    nt_chunks: list[bytes] = []
    return RdfGraph(_build(_ox_triples(graph, nt_chunks), graph_attrs or {}), nt_chunks)


def _build(triples: Iterable[Triple], graph_attrs: dict[str, Any]) -> nx.MultiDiGraph:
    types: dict[str, set[str]] = defaultdict(set)
    lits: dict[str, list[tuple[str, str]]] = defaultdict(list)
    links: list[tuple[str, str, str]] = []
    claims: dict[str, dict[str, str]] = defaultdict(dict)  # claim IRI → predicate → value (subject/object/evidence)
    for s, p, o in triples:
        if p == _TYPE:
            types[s].add(o)
        elif isinstance(o, _Iri):
            if p in (_RDF + "subject", _RDF + "predicate", _RDF + "object"):
                claims[s][p] = o
            elif p in _EDGE_PREDICATES:
                links.append((s, p, o))
            elif p == _RDFS + "seeAlso":
                lits[s].append((p, str(o)))
            # kg:evidence (paper → claim) needs no edge: the claim names its subject itself
        else:
            lits[s].append((p, o))

    g = nx.MultiDiGraph(**graph_attrs)
    kinds: dict[str, str] = {}
    for s, ts in types.items():
        names = {_NODE_CLASSES[t] for t in ts if t in _NODE_CLASSES}
        if not names:
            continue  # kg:Claim (evidence, read below) or a class we do not show
        # a Benchmark is also typed kg:Dataset (materialised for queries): the narrower type wins
        kinds[s] = "Benchmark" if "Benchmark" in names else min(names)
    for s in sorted(kinds, key=lambda n: (kinds[n] not in ENTITY_TYPES, n)):
        kind = kinds[s]
        table: _Table
        attrs: dict[str, Any]
        if kind == "Paper":
            table, attrs = _PAPER_ATTRS, {TYPE: kind, **_PAPER_DEFAULTS}
        elif kind == "Result":
            table, attrs = _RESULT_ATTRS, {TYPE: kind, **_RESULT_DEFAULTS}
        elif kind == "Comparison":
            table, attrs = _COMPARISON_ATTRS, {TYPE: kind, **_COMPARISON_DEFAULTS}
        else:
            table, attrs = _ENTITY_ATTRS, {TYPE: kind, **_ENTITY_DEFAULTS}
        aliases: list[str] = []
        for p, text in lits.get(s, ()):
            if p == _SKOS + "altLabel":
                aliases.append(text)
            elif p in table:
                name, convert = table[p]
                attrs[name] = convert(text)
        if kind == "Paper":
            date = str(attrs[DATE])
            attrs[YEAR] = int(date[:4]) if date[:4].isdigit() else 0
        elif kind in ENTITY_TYPES:
            # from_extractions sorts aliases this way (kg.link); RDF keeps them as an unordered set
            attrs[ALIASES] = ALIAS_SEPARATOR.join(sorted(aliases, key=lambda n: (n.casefold(), n)))
            attrs[N_PAPERS] = 0
        g.add_node(s, **attrs)

    evidence: dict[tuple[str, str, str], dict[str, Any]] = {}
    for c, spo in claims.items():
        if len(spo) == 3:
            ev = {}
            for p, text in lits.get(c, ()):
                if p in _EVIDENCE:
                    name, convert = _EVIDENCE[p]
                    ev[name] = convert(text)
            evidence[(spo[_RDF + "subject"], spo[_RDF + "predicate"], spo[_RDF + "object"])] = ev
    papers_of: dict[str, set[str]] = defaultdict(set)
    for s, p, o in sorted(links):
        if s not in kinds or o not in kinds:
            continue  # the other end lies outside this view
        key = _EDGE_PREDICATES[p]
        if p in _PAPER_PREDICATES:
            g.add_edge(s, o, key=key, **{RELATION: key, **evidence.get((s, p, o), {})})
            papers_of[o].add(s)
        else:
            g.add_edge(s, o, key=key, **{RELATION: key})
    for e, ps in papers_of.items():
        if kinds[e] in ENTITY_TYPES:
            g.nodes[e][N_PAPERS] = len(ps)
    return g


# ---------------------------------------------------------------------------------------------- views of the store
#: IRIs per VALUES block: one query per batch keeps each query text small (~40 KB) whatever the bounds.
BATCH = 500
#: ``?p`` names ``?e`` by a paper relation. Two spellings, measured on a 10k-paper store: a UNION keeps one
#: solution per triple (the explorer counts edges: a paper that proposes *and* uses X counts twice) and is
#: 4x faster than ``VALUES ?rel {…} ?p ?rel ?e`` joined with a VALUES of entities; the alternative path is
#: as fast but Oxigraph evaluates it as a set (one solution per paper–entity pair), so it serves DISTINCT.
_REL_UNION = "{ " + " UNION ".join(f"{{ ?p kg:{r} ?e }}" for r in PAPER_RELATIONS) + " }"
_REL_PATH = "|".join(f"kg:{r}" for r in PAPER_RELATIONS)
_ENTITY_CLASS_VALUES = "kg:Method kg:Dataset kg:Metric kg:Task"  # kg:Benchmark ⊑ kg:Dataset is materialised
_EDGE_VALUES = " ".join(f"<{p}>" for p in _EDGE_PREDICATES)


def _values(iris: Iterable[str]) -> str:
    return " ".join(f"<{i}>" for i in iris)


def _batches(iris: Iterable[str]) -> Iterator[list[str]]:
    batch: list[str] = []
    for i in sorted(iris):
        batch.append(i)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _select(store: Store, sparql: str) -> list[list[Any]]:
    return store.query(sparql).rows


def _int(term: Any) -> int:
    return int(term.value) if term is not None else 0


def store_totals(store: Store) -> dict[str, int]:
    """Nodes per type in the store: papers and each entity type (a Benchmark counts as Benchmark only)."""
    rows = _select(store, "SELECT ?t (COUNT(?s) AS ?n) WHERE { VALUES ?t { kg:Paper kg:Method kg:Dataset "
                          "kg:Benchmark kg:Metric kg:Task } ?s a ?t } GROUP BY ?t")
    counts = {r[0].value[len(KG_NS):]: _int(r[1]) for r in rows}
    totals = {t: counts.get(t, 0) for t in ("Paper", *ENTITY_TYPES)}
    totals["Dataset"] -= totals["Benchmark"]  # every kg:Benchmark is also typed kg:Dataset
    return totals


#: A paper's dependents: the claims (evidence of its edges), results and comparisons it points to.
_DEPENDENTS = frozenset(KG_NS + t for t in ("evidence", "reports", "claims"))


def _describe(store: Store, nodes: set[str], papers: set[str]) -> Iterator[Any]:
    """The triples of ``nodes``, and of the claims, results and comparisons of ``papers``.

    Index lookups per node (:meth:`Store.triples_of`), not a query: the cost is that of the triples read,
    whatever the store's size. A batched ``CONSTRUCT { ?x ?p ?o } WHERE { VALUES ?s {…} ?s
    kg:evidence|kg:reports|kg:claims ?x . ?x ?p ?o }`` gives the same triples 1.7x slower (10k store).
    """
    named = ox.NamedNode
    for s in sorted(nodes):
        if s not in papers:
            yield from store.triples_of(s)
            continue
        for t in store.triples_of(s):
            yield t
            o = t.object
            if type(o) is named and t.predicate.value in _DEPENDENTS:
                yield from store.triples_of(o.value)


def _paper_counts(store: Store, entities: set[str]) -> dict[str, int]:
    """Distinct papers naming each entity through a paper relation, in the whole store."""
    out: dict[str, int] = {}
    for batch in _batches(entities):
        for e, n in _select(store, f"SELECT ?e (COUNT(DISTINCT ?p) AS ?n) WHERE {{ VALUES ?e {{ {_values(batch)} }} "
                                   f"?p {_REL_PATH} ?e }} GROUP BY ?e"):
            out[e.value] = _int(n)
    return out


def _view(store: Store, entities: set[str], papers: set[str], attrs: dict[str, Any],
          counts: dict[str, int] | None = None) -> KnowledgeGraph:
    """The KnowledgeGraph of the chosen entities and papers (with the papers' results and comparisons).

    ``n_papers`` of each entity is its count in the whole store (``counts``, else asked for), not in the view.
    """
    view = from_rdf(_describe(store, entities | papers, papers), attrs)
    if counts is None:
        counts = _paper_counts(store, entities)
    g = view.nx
    for e in entities:
        if e in g:
            g.nodes[e][N_PAPERS] = counts.get(e, 0)
    return view


def _attrs(kind: str, note: str, totals: dict[str, int], **bounds: Any) -> dict[str, Any]:
    return {"view": kind, VIEW_NOTE: note, **{TOTAL_PREFIX + t: n for t, n in totals.items()}, **bounds}


def top_view(store: Store, max_entities: int = MAX_ENTITIES, max_papers: int = MAX_PAPERS,
             ranking: Iterable[tuple[str, int, int]] | None = None,
             paper_edges: Iterable[tuple[str, dict[str, int]]] | None = None) -> KnowledgeGraph:
    """The ``max_entities`` entities named by the most papers and the (at most ``max_papers``) papers linked
    to most of them, with those papers' results and comparisons: what the explorer page shows.

    Same rules as :func:`kg.export.html.select`: entities ranked by their paper → entity edges (ties by
    IRI), papers by their edges to the chosen entities (ties by IRI); when the whole store fits both
    bounds, everything. The ranking is two SPARQL aggregates (``ORDER BY … LIMIT`` inside Oxigraph); the
    chosen nodes are then read with batched CONSTRUCTs, so the Python objects made are bounded by the
    bounds, not by the store. The ranking itself scans the paper → entity triples once (an aggregate over
    the store: no index gives "most-named" for free).
    ``ranking`` (entity IRI, paper → entity edges, distinct papers) for every entity replaces that aggregate
    when the counts are already known (``kg build`` sums them from per-shard tallies), and ``paper_edges``
    ((paper IRI, {entity IRI: edges}) for every paper, streamed: only the best ``max_papers`` are kept)
    replaces the aggregate that ranks the papers.
    """
    totals = store_totals(store)
    n_entities = sum(totals[t] for t in ENTITY_TYPES)
    fits = n_entities <= max_entities and totals["Paper"] <= max_papers
    # One aggregate ranks the entities (edges, as the page counts) and gives their distinct papers (n_papers).
    if ranking is None:
        ranked = [(r[0].value, _int(r[1]), _int(r[2])) for r in _select(store, f"""
            SELECT ?e (COUNT(?p) AS ?n) (COUNT(DISTINCT ?p) AS ?d) WHERE {{
              {{ SELECT DISTINCT ?e WHERE {{ VALUES ?t {{ {_ENTITY_CLASS_VALUES} }} ?e a ?t }} }}
              OPTIONAL {_REL_UNION}
            }} GROUP BY ?e ORDER BY DESC(?n) ?e {"" if fits else f"LIMIT {int(max_entities)}"}""")]
    else:
        ranked = sorted(ranking, key=lambda r: (-r[1], r[0]))[: None if fits else max_entities]
    top = [r[0] for r in ranked]
    counts = {r[0]: r[2] for r in ranked}
    bounds = {"max_entities": max_entities, "max_papers": max_papers}
    if fits:
        papers = {r[0].value for r in _select(store, "SELECT ?p WHERE { ?p a kg:Paper }")}
        note = all_note(len(papers), len(top))
        return _view(store, set(top), papers, _attrs("top", note, totals, **bounds), counts)
    if paper_edges is None:
        scored = [r[0].value for r in _select(store, f"""
            SELECT ?p (COUNT(*) AS ?n) WHERE {{ VALUES ?e {{ {_values(top)} }} {_REL_UNION} }}
            GROUP BY ?p ORDER BY DESC(?n) ?p LIMIT {int(max_papers) + 1}""")] if top else []
    else:
        chosen = set(top)
        scores = ((sum(n for e, n in ents.items() if e in chosen), p) for p, ents in paper_edges)
        scored = [p for _, p in heapq.nsmallest(max_papers + 1, ((-n, p) for n, p in scores if n))]
    capped = len(scored) > max_papers
    kept = scored[:max_papers]
    note = top_note(len(top), n_entities, len(kept), totals["Paper"], capped, max_papers)
    return _view(store, set(top), set(kept), _attrs("top", note, totals, **bounds), counts)


def _sparql_string(text: str) -> str:
    """A SPARQL string literal holding ``text`` exactly (no query injection through a --focus name)."""
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
               .replace("\t", "\\t"))
    return f'"{escaped}"'


def _degree(store: Store, iri: str) -> int:
    rows = _select(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?p {{ {_EDGE_VALUES} }} "
                          f"{{ ?x ?p <{iri}> }} UNION {{ <{iri}> ?p ?y }} }}")
    return _int(rows[0][0]) if rows else 0


def find_node(store: Store, name_or_iri: str) -> str:
    """The node a ``--focus`` names: an IRI in the store, else the paper, entity or comparison whose label
    is ``name`` case-insensitively, else the entity with that alias (ties: most edges, then IRI).

    The same rule as the explorer's ``_find`` on a whole graph. An exact label is an index lookup; a label
    in another case costs one scan of the labels (SPARQL ``LCASE``, then Python's ``casefold`` to confirm).
    """
    name = name_or_iri.strip()
    if name.startswith(("http://", "https://")) and _select(
            store, f"SELECT ?t WHERE {{ <{name}> a ?t }} LIMIT 1"):
        return name
    wanted = name.casefold()
    lit = _sparql_string(name)
    label = "rdfs:label|dcterms:title"
    shown = "FILTER NOT EXISTS { ?n a kg:Result } FILTER NOT EXISTS { ?n a kg:Claim }"
    queries = (f"SELECT DISTINCT ?n ?l WHERE {{ ?n {label} ?l . FILTER(?l = {lit}) {shown} }}",
               f"SELECT DISTINCT ?n ?l WHERE {{ ?n {label} ?l . FILTER(LCASE(STR(?l)) = LCASE({lit})) {shown} }}",
               f"SELECT DISTINCT ?n ?l WHERE {{ ?n skos:altLabel ?l . FILTER(LCASE(STR(?l)) = LCASE({lit})) }}")
    for q in queries:
        found = sorted({r[0].value for r in _select(store, q) if str(r[1].value).strip().casefold() == wanted})
        if found:
            return min(found, key=lambda n: (-_degree(store, n), n))
    raise GraphError(f"--focus {name_or_iri!r}: no paper, entity or alias has that name; "
                     "try `kg query entity-aliases` for the names in the graph")


def _linked(store: Store, nodes: Iterable[str], given: str) -> set[str]:
    """The other ends of the paper → entity relations of ``nodes``: ``given`` is ``"p"`` (nodes are papers,
    answer their entities) or ``"e"`` (nodes are entities, answer the papers naming them)."""
    free = "e" if given == "p" else "p"
    out: set[str] = set()
    for batch in _batches(nodes):
        out |= {r[0].value for r in _select(store, f"SELECT DISTINCT ?{free} WHERE {{ VALUES ?{given} "
                                                   f"{{ {_values(batch)} }} ?p {_REL_PATH} ?e }}")}
    return out


def _named_by(store: Store, papers: Iterable[str]) -> set[str]:
    return _linked(store, papers, "p")


def _naming(store: Store, entities: Iterable[str]) -> set[str]:
    return _linked(store, entities, "e")


def neighbourhood_view(store: Store, name_or_iri: str, hops: int = 1) -> KnowledgeGraph:
    """One node's neighbourhood, as the explorer's ``--focus`` shows it.

    From an entity: the papers that name it and the entities those papers name (one hop); from a paper:
    the entities it names and the papers that name those. Each further hop repeats the step from the
    entities (or papers) just reached. A hop around a popular dataset reaches much of a corpus: the
    cost is that of the neighbourhood, which ``hops=1`` keeps to one entity's papers.
    """
    if hops < 1:
        raise GraphError(f"hops must be at least 1, not {hops}")
    center = find_node(store, name_or_iri)
    kinds = {r[0].value[len(KG_NS):] for r in _select(store, f"SELECT ?t WHERE {{ <{center}> a ?t }}")}
    is_paper = "Paper" in kinds
    papers: set[str] = {center} if is_paper else set()
    entities: set[str] = set() if is_paper else {center}
    frontier_p, frontier_e = set(papers), set(entities)
    for _ in range(hops):
        if is_paper:
            frontier_e = _named_by(store, frontier_p) - entities
            entities |= frontier_e
            frontier_p = _naming(store, frontier_e) - papers
            papers |= frontier_p
        else:
            frontier_p = _naming(store, frontier_e) - papers
            papers |= frontier_p
            frontier_e = _named_by(store, frontier_p) - entities
            entities |= frontier_e
    totals = store_totals(store)
    label_rows = _select(store, f"SELECT ?l WHERE {{ <{center}> rdfs:label|dcterms:title ?l }} LIMIT 1")
    label = str(label_rows[0][0].value) if label_rows else center
    note = focus_note(label, len(papers), totals["Paper"], len(entities), sum(totals[t] for t in ENTITY_TYPES))
    return _view(store, entities, papers, _attrs("neighbourhood", note, totals, focus=center, hops=hops))


# ---------------------------------------------------------------------------------------------- entity projection
CO_USAGE = "co_usage"
BEATS = "beats"
PROJECTION_DESCRIPTION = (
    "paperkg entity projection: nodes are methods, datasets, benchmarks, metrics and tasks (label, type, "
    "n_papers = papers naming it through proposes/uses/beats/measures/addresses). Edges with key co_usage "
    "(one per unordered pair, written from the smaller IRI to the larger: read it as undirected): weight = "
    "papers naming both, through any of those relations; pairs below min_weight are left out. Edges with key "
    "beats, winner -> loser: weight = papers claiming the winner beats the loser (their kg:Comparison "
    "claims; a paper without comparisons pairs each method it proposes with each method it beats).")


def _co_usage(store: Store, min_weight: int) -> Iterator[tuple[str, str, int]]:
    """(a, b, papers naming both) with a < b, aggregated inside Oxigraph (one row per pair)."""
    having = f"HAVING (COUNT(DISTINCT ?p) >= {int(min_weight)})" if min_weight > 1 else ""
    rows = store.query(f"""
        SELECT ?a ?b (COUNT(DISTINCT ?p) AS ?n) WHERE {{
          ?p {_REL_PATH} ?a . ?p {_REL_PATH} ?b . FILTER(STR(?a) < STR(?b))
        }} GROUP BY ?a ?b {having}""").rows
    for a, b, n in rows:
        yield a.value, b.value, _int(n)


def _beats(store: Store) -> Iterator[tuple[str, str, int]]:
    """(winner, loser, papers): the pairs of :func:`kg.analytics.beats_graph`, counted by Oxigraph."""
    rows = store.query("""
        SELECT ?w ?l (COUNT(DISTINCT ?p) AS ?n) WHERE {
          { ?p kg:claims ?c . ?c kg:winner ?w ; kg:loser ?l }
          UNION
          { ?p kg:proposes ?w . ?w a kg:Method . ?p kg:beats ?l . FILTER NOT EXISTS { ?p kg:claims ?any } }
          FILTER(?w != ?l)
        } GROUP BY ?w ?l""").rows
    for w, loser, n in rows:
        yield w.value, loser.value, _int(n)


def entity_projection(store: Store, min_weight: int = 1) -> nx.MultiDiGraph:
    """The entity-level graph of the store: who is used with whom, and who beats whom.

    Shape (also :data:`PROJECTION_DESCRIPTION`, written into the graph attributes):

    * a node per method, dataset, benchmark, metric and task (id = IRI): ``label``, ``type``, ``n_papers``
      (papers naming it through a paper relation);
    * an edge keyed ``co_usage`` per unordered pair named by the same paper (through any of ``proposes``,
      ``uses``, ``beats``, ``measures``, ``addresses``), from the smaller IRI to the larger, ``weight`` =
      the number of such papers; pairs under ``min_weight`` are left out (the bound on the edge count);
    * an edge keyed ``beats`` from winner to loser, ``weight`` = the number of papers claiming it, counted
      as :func:`kg.analytics.beats_graph` does (comparison claims; a paper without any falls back to
      proposed method × beaten method). ``beats_graph`` has the same edges reversed (loser → winner).

    Why these counts are made by Oxigraph (``GROUP BY``): memory then grows with the entities and pairs
    returned, never with the papers, and no paper becomes a Python object.
    """
    if min_weight < 1:
        raise GraphError(f"min_weight must be at least 1, not {min_weight}")
    kinds: dict[str, str] = {}
    labels: dict[str, str] = {}
    for e, t, label in _select(store, "SELECT ?e ?t ?l WHERE { VALUES ?t { kg:Method kg:Dataset kg:Benchmark "
                                      "kg:Metric kg:Task } ?e a ?t ; rdfs:label ?l }"):
        name = t.value[len(KG_NS):]
        if kinds.get(e.value) != "Benchmark":  # a Benchmark is also typed kg:Dataset
            kinds[e.value] = name
        labels[e.value] = str(label.value)
    per_entity = f"SELECT ?e (COUNT(DISTINCT ?p) AS ?n) WHERE {{ ?p {_REL_PATH} ?e }} GROUP BY ?e"
    counts = {r[0].value: _int(r[1]) for r in _select(store, per_entity)}
    return projection_graph({e: (kinds[e], labels[e]) for e in kinds}, counts, _co_usage(store, min_weight),
                            _beats(store), min_weight)


def projection_graph(entities: dict[str, tuple[str, str]], named: dict[str, int],
                     co_usage: Iterable[tuple[str, str, int]], beats: Iterable[tuple[str, str, int]],
                     min_weight: int = 1) -> nx.MultiDiGraph:
    """The graph of :func:`entity_projection` from its counts, wherever they were made: ``entities`` maps an
    entity IRI to (type, label); ``named`` to its papers; pairs under ``min_weight`` co-usage are left out.
    (``kg build`` past its size bound passes the per-shard tallies of :func:`kg.assemble.tally`.)"""
    g = nx.MultiDiGraph()
    for e in sorted(entities):
        g.add_node(e, label=entities[e][1], type=entities[e][0], n_papers=named.get(e, 0))
    n_co = n_beats = 0
    for a, b, n in sorted(co_usage):
        if a in entities and b in entities and n >= min_weight:
            g.add_edge(a, b, key=CO_USAGE, relation=CO_USAGE, weight=n)
            n_co += 1
    for w, loser, n in sorted(beats):
        if w in entities and loser in entities:
            g.add_edge(w, loser, key=BEATS, relation=BEATS, weight=n)
            n_beats += 1
    g.graph.update({"description": PROJECTION_DESCRIPTION, "min_weight": min_weight, "entities": len(entities),
                    "co_usage_edges": n_co, "beats_edges": n_beats})
    return g


def write_entity_graphml(store: Store, path: Path, min_weight: int = 1) -> Path:
    """Write :func:`entity_projection` as GraphML (networkx, Gephi, igraph, yEd read it), atomically."""
    return write_projection(entity_projection(store, min_weight), path)


def write_projection(g: nx.MultiDiGraph, path: Path) -> Path:
    """Write an entity projection (:func:`projection_graph`) as GraphML, atomically."""
    for _, attrs in g.nodes(data=True):
        if XML_UNSAFE.search(attrs["label"]):
            attrs["label"] = xml_safe(attrs["label"])
    with atomic_write(path, "wb", encoding=None) as fh:
        nx.write_graphml(g, fh, encoding="utf-8", prettyprint=False, named_key_ids=True)
    return path
