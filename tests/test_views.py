"""Bounded views read from the store (kg.views): the RDF round trip, the explorer's top and focus views,
the entity projection and its GraphML — each checked against the whole networkx graph of the same build."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from itertools import combinations
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from graph_fixtures import lora_papers

from kg.analytics import beats_graph
from kg.errors import GraphError
from kg.export import EXPORTERS, FILENAMES, export
from kg.export.html import explorer_data, write_html
from kg.graph import N_PAPERS, PAPER_RELATIONS, KnowledgeGraph
from kg.pipeline import load_graph
from kg.store import Store
from kg.views import (
    BEATS,
    CO_USAGE,
    entity_projection,
    from_rdf,
    neighbourhood_view,
    top_view,
    write_entity_graphml,
)


@pytest.fixture(scope="module")
def full(sample_build) -> KnowledgeGraph:
    """The whole sample graph, rebuilt from the build's records (what the store was loaded from)."""
    return load_graph(sample_build[0])


@pytest.fixture(scope="module")
def store(sample_build) -> Iterator[Store]:
    with Store.open_read_only(sample_build[0] / "store") as st:
        yield st


def _papers_naming(g: nx.MultiDiGraph) -> dict[str, set[str]]:
    """Paper → entities it names through a paper relation (independent of kg.views)."""
    named: dict[str, set[str]] = defaultdict(set)
    for u, v, k in g.edges(keys=True):
        if k in PAPER_RELATIONS:
            named[u].add(v)
    return named


def _edge_multiset(g: nx.MultiDiGraph) -> Counter:
    return Counter((u, v, k, tuple(sorted(a.items()))) for u, v, k, a in g.edges(keys=True, data=True))


def _assert_same_graph(got: KnowledgeGraph, want: KnowledgeGraph) -> None:
    """Same nodes, attributes and edge multiset — except ``n_papers``, which the RDF does not carry (it counts
    papers that merely *mention* an entity): read back, it is the number of papers naming it by a relation."""
    g, h = want.nx, got.nx
    assert set(h) == set(g)
    named = Counter(v for es in _papers_naming(g).values() for v in es)
    for n, a in g.nodes(data=True):
        b = dict(h.nodes[n])
        if N_PAPERS in a:
            assert b.pop(N_PAPERS) == named.get(n, 0) <= a[N_PAPERS], n
            a = {k: v for k, v in a.items() if k != N_PAPERS}
        assert b == a, n
        assert {k: type(v) for k, v in b.items()} == {k: type(v) for k, v in a.items()}, n
    assert _edge_multiset(h) == _edge_multiset(g)


@pytest.mark.parametrize("source", ["rdflib", "store"])
def test_from_rdf_inverts_to_rdf_on_the_sample(full, store, source):
    triples = full.to_rdf() if source == "rdflib" else (q.triple for q in store.quads())
    back = from_rdf(triples)
    assert back.linking is None
    _assert_same_graph(back, full)


def test_the_store_read_whole_has_the_triples_of_the_build(full, store):
    """A graph read from the store exports the build's triples (Oxigraph normalises number forms:
    "0.8500" is stored as "0.85", so the build's lines are compared after the same normalisation)."""
    probe = ox.Store()
    probe.bulk_load("".join(full.nt_lines()).encode(), format=ox.RdfFormat.N_TRIPLES)
    normalised = (probe.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()) or b"").decode()
    assert from_rdf(store.quads()).nt_lines() == sorted(f"{line}\n" for line in set(normalised.split("\n")) if line)


def test_a_view_exports_its_own_rdf(store):
    """A view's RDF is the triples of its nodes as stored; read back, it is the same view."""
    view = top_view(store, max_entities=40, max_papers=30)
    back = from_rdf(view.to_rdf())
    assert set(back.nx) == set(view.nx)
    assert _edge_multiset(back.nx) == _edge_multiset(view.nx)
    assert all({k: v for k, v in a.items() if k != N_PAPERS} == {k: v for k, v in back.nx.nodes[n].items()
                                                                if k != N_PAPERS} for n, a in view.nx.nodes(data=True))


@pytest.mark.parametrize("records", [lora_papers()[:1], lora_papers()], ids=["one-paper", "lora-fixtures"])
def test_from_rdf_inverts_to_rdf_on_small_graphs(records):
    kg = KnowledgeGraph.from_extractions(records)
    _assert_same_graph(from_rdf(kg.to_rdf()), kg)


@pytest.mark.parametrize("fmt", sorted(EXPORTERS))
def test_every_exporter_works_on_a_view_read_from_the_store(store, tmp_path, fmt):
    """No exporter needs ``kg.linking`` (None for a graph read from RDF)."""
    view = top_view(store, max_entities=40, max_papers=30)
    path = export(view, fmt, tmp_path / FILENAMES[fmt])
    assert path.exists()


def test_a_view_graphml_states_its_bounds(store, tmp_path):
    view = top_view(store, max_entities=40, max_papers=30)
    path = export(view, "graphml", tmp_path / "view.graphml")
    attrs = nx.read_graphml(path).graph
    assert attrs["view"] == "top" and attrs["max_entities"] == 40 and attrs["max_papers"] == 30
    assert attrs["total_Paper"] == 502 and attrs["view_note"].startswith("Reduced view: the 40 entities")


@pytest.mark.parametrize(("max_entities", "max_papers"), [(3000, 5000), (1250, 501), (200, 1000), (50, 40), (10, 3)])
def test_top_view_page_equals_the_page_of_the_whole_graph(full, store, max_entities, max_papers):
    """Same ranking, same nodes, results, comparisons, counts and note as kg.export.html.select on the
    whole graph — with the bounds holding everything (3000/5000) and cutting entities, papers or both."""
    view = top_view(store, max_entities, max_papers)
    want = explorer_data(full, max_entities, max_papers)
    assert explorer_data(view, max_entities, max_papers) == want
    n_entities = sum(1 for n in want["nodes"] if n["t"] != "Paper")
    # every entity of the sample (however many the extraction rules find) when the bound holds them all
    n_all = sum(1 for n in explorer_data(full, 10**6, 10**6)["nodes"] if n["t"] != "Paper")
    assert n_entities == min(max_entities, n_all)


def test_top_view_page_file_is_identical_when_everything_fits(full, store, tmp_path):
    a = write_html(full, tmp_path / "full.html").read_bytes()
    b = write_html(top_view(store), tmp_path / "view.html").read_bytes()
    assert a == b


def test_top_view_entities_carry_their_store_wide_paper_count(full, store):
    view = top_view(store, max_entities=20, max_papers=5)
    named = Counter(v for es in _papers_naming(full.nx).values() for v in es)
    entities = [n for n, t in view.nx.nodes(data="type") if t not in ("Paper", "Result", "Comparison")]
    assert len(entities) == 20
    assert all(view.nx.nodes[e][N_PAPERS] == named[e] for e in entities)


@pytest.mark.parametrize("name", ["ImageNet", "imagenet", "ILSVRC", "LoRA", "F1", "first-paper-title"])
def test_neighbourhood_view_page_equals_the_focused_page(full, store, name):
    if name == "first-paper-title":
        name = min(a["label"] for _, a in full.nx.nodes(data=True) if a["type"] == "Paper")
    assert explorer_data(neighbourhood_view(store, name)) == explorer_data(full, focus=name)


def test_neighbourhood_view_by_iri_and_two_hops(full, store):
    iri = next(n for n, a in full.nx.nodes(data=True) if a["label"] == "LoRA")
    one = neighbourhood_view(store, iri)
    assert explorer_data(one) == explorer_data(full, focus="LoRA")
    two = neighbourhood_view(store, "LoRA", hops=2)
    assert set(one.nx) < set(two.nx) and two.nx.graph["hops"] == 2


@pytest.mark.parametrize("name", ['no such thing', 'x" } ; DROP ALL ; #', "line\nbreak \\ back"])
def test_neighbourhood_view_of_an_unknown_name_is_a_clear_error(store, name):
    with pytest.raises(GraphError, match="no paper, entity or alias has that name"):
        neighbourhood_view(store, name)


def _independent_projection(g: nx.MultiDiGraph) -> tuple[Counter, dict, Counter]:
    named = _papers_naming(g)
    co: Counter = Counter()
    for es in named.values():
        for a, b in combinations(sorted(es), 2):
            co[(a, b)] += 1
    beats = {(w, loser): d["weight"] for loser, w, d in beats_graph(g).edges(data=True)}
    n_papers = Counter(v for es in named.values() for v in es)
    return co, beats, n_papers


@pytest.mark.parametrize("min_weight", [1, 2, 5])
def test_entity_projection_counts_equal_an_independent_count(full, store, min_weight):
    co, beats, n_papers = _independent_projection(full.nx)
    proj = entity_projection(store, min_weight=min_weight)
    entities = {n: a for n, a in full.nx.nodes(data=True) if a["type"] not in ("Paper", "Result", "Comparison")}
    assert {n: (a["label"], a["type"], a["n_papers"]) for n, a in proj.nodes(data=True)} == {
        n: (a["label"], a["type"], n_papers.get(n, 0)) for n, a in entities.items()}
    got_co = {(u, v): a["weight"] for u, v, k, a in proj.edges(keys=True, data=True) if k == CO_USAGE}
    assert got_co == {pair: n for pair, n in co.items() if n >= min_weight}
    assert {(u, v): a["weight"] for u, v, k, a in proj.edges(keys=True, data=True) if k == BEATS} == beats
    assert proj.graph["min_weight"] == min_weight and proj.graph["co_usage_edges"] == len(got_co)


def test_entity_graphml_is_read_back_by_networkx(store, tmp_path):
    path = write_entity_graphml(store, tmp_path / "entities.graphml", min_weight=2)
    back = nx.read_graphml(path, force_multigraph=True)  # edge ids hold the keys (co_usage, beats)
    proj = entity_projection(store, min_weight=2)
    assert dict(back.nodes(data=True)) == dict(proj.nodes(data=True))
    assert _edge_multiset(back) == _edge_multiset(proj)
    assert back.graph["min_weight"] == 2 and "co_usage" in back.graph["description"]


def test_views_refuse_meaningless_bounds(store):
    with pytest.raises(GraphError):
        entity_projection(store, min_weight=0)
    with pytest.raises(GraphError):
        neighbourhood_view(store, "ImageNet", hops=0)


def test_views_read_a_store_without_holding_it(sample_build, tmp_path):
    """A view is a copy: the store can be closed (and rebuilt) while the view is used."""
    with Store.open_read_only(Path(sample_build[0]) / "store") as st:
        view = top_view(st, max_entities=5, max_papers=5)
    assert len(view) > 10
