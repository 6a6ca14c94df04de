"""Graph analytics: pure functions over the networkx graph of a :class:`~kg.graph.KnowledgeGraph`.

Every function takes ``G`` (``KnowledgeGraph.nx``: node attribute ``type``/``label``/``year``, edge key =
relation) and returns plain data; none changes ``G``.

Examples
--------
>>> import kg
>>> from kg.analytics import dataset_popularity
>>> G = kg.build_graph(kg.read_corpus(kg.embedded_corpus())).nx   # doctest: +SKIP
>>> dataset_popularity(G)[:1]                                       # doctest: +SKIP
[('ImageNet', 42)]
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import networkx as nx

ENTITY_TYPES = ("Method", "Dataset", "Benchmark", "Metric", "Task")


def _label(G: nx.MultiDiGraph, n: str) -> str:
    return str(G.nodes[n].get("label", n))


def _targets(G: nx.MultiDiGraph, relation: str) -> list[tuple[str, str]]:
    return [(u, v) for u, v, k in G.edges(keys=True) if k == relation]


def dataset_popularity(G: nx.MultiDiGraph, top: int | None = None) -> list[tuple[str, int]]:
    """Datasets and benchmarks by number of papers that use them (ties: by label)."""
    counts = Counter(v for _u, v in set(_targets(G, "uses")))
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], _label(G, kv[0])))
    return [(_label(G, n), c) for n, c in ranked[:top]]


def beats_graph(G: nx.MultiDiGraph) -> nx.DiGraph:
    """Method → method graph: an edge *loser → winner* for every paper that claims ``winner`` beats
    ``loser`` (weight = number of such papers).

    The pairs come from the paper's comparison claims (``claims`` → Comparison → ``winner``/``loser``), which
    name *which* of the paper's methods wins; a paper without comparisons (records made before they
    existed) falls back to pairing each proposed method with each beaten one.
    """
    D = nx.DiGraph()
    for paper in (n for n, t in G.nodes(data="type") if t == "Paper"):
        comparisons = [v for _, v, k in G.out_edges(paper, keys=True) if k == "claims"]
        pairs: set[tuple[str, str]] = set()
        for c in comparisons:
            slots = {k: v for _, v, k in G.out_edges(c, keys=True)}
            if "winner" in slots and "loser" in slots:
                pairs.add((slots["winner"], slots["loser"]))
        if not comparisons:
            proposed = [v for _, v, k in G.out_edges(paper, keys=True)
                        if k == "proposes" and G.nodes[v]["type"] == "Method"]
            beaten = [v for _, v, k in G.out_edges(paper, keys=True) if k == "beats"]
            pairs = {(w, loser) for w in proposed for loser in beaten}
        for w, loser in sorted(pairs):
            if loser != w:
                weight = D.get_edge_data(loser, w, {"weight": 0})["weight"] + 1
                D.add_edge(loser, w, weight=weight)
    return D


def method_ranking(G: nx.MultiDiGraph, top: int | None = None, alpha: float = 0.85) -> list[tuple[str, float]]:
    """Methods ranked by PageRank on the loser → winner ``beats`` graph.

    Why PageRank rather than Bradley–Terry: the claims here are one-sided (papers report only wins, no
    losses and no head-to-head counts), so a Bradley–Terry fit has no negative evidence and diverges for
    every method that never loses; PageRank instead rewards beating methods that themselves beat many
    others, and is defined for any graph.
    """
    D = beats_graph(G)
    if D.number_of_nodes() == 0:
        return []
    pr = nx.pagerank(D, alpha=alpha, weight="weight")
    ranked = sorted(pr.items(), key=lambda kv: (-kv[1], _label(G, kv[0])))
    return [(_label(G, n), round(score, 6)) for n, score in ranked[:top]]


def co_usage_communities(G: nx.MultiDiGraph, min_size: int = 2, seed: int = 0) -> list[list[str]]:
    """Communities of datasets used together (edge weight = papers using both), by greedy modularity.

    Largest community first; labels sorted inside a community, so the result is deterministic.
    """
    W = nx.Graph()
    by_paper: dict[str, set[str]] = defaultdict(set)
    for u, v in _targets(G, "uses"):
        by_paper[u].add(v)
    for datasets in by_paper.values():
        ds = sorted(datasets)
        for i, a in enumerate(ds):
            for b in ds[i + 1:]:
                w = W.get_edge_data(a, b, {"weight": 0})["weight"] + 1
                W.add_edge(a, b, weight=w)
    if W.number_of_edges() == 0:
        return []
    comms = nx.community.greedy_modularity_communities(W, weight="weight")
    out = [sorted(_label(G, n) for n in c) for c in comms if len(c) >= min_size]
    return sorted(out, key=lambda c: (-len(c), c))


def adoption_over_time(G: nx.MultiDiGraph, relation: str = "uses", top: int = 8) -> dict[str, Any]:
    """Papers per year for the ``top`` most-used targets of ``relation``.

    Returns ``{"years": [...], "series": {label: [count per year]}, "undated": n}``; papers whose date has
    no year ("--08-08") cannot be placed in time and are counted in ``undated``.
    """
    per: dict[str, Counter[int]] = defaultdict(Counter)
    undated = 0
    seen_undated: set[str] = set()
    for u, v in set(_targets(G, relation)):
        year = int(G.nodes[u].get("year") or 0)
        if year:
            per[v][year] += 1
        elif u not in seen_undated:
            seen_undated.add(u)
            undated += 1
    totals = sorted(per, key=lambda n: (-sum(per[n].values()), _label(G, n)))[:top]
    years = sorted({y for n in totals for y in per[n]})
    return {"years": years, "series": {_label(G, n): [per[n][y] for y in years] for n in totals}, "undated": undated}


def graph_summary(G: nx.MultiDiGraph) -> dict[str, Any]:
    """Sizes by node type and relation, weakly connected components, and the degree distribution."""
    types = Counter(t for _, t in G.nodes(data="type"))
    rels = Counter(k for _, _, k in G.edges(keys=True))
    comps = sorted((len(c) for c in nx.weakly_connected_components(G)), reverse=True)
    degrees = [d for _, d in G.degree()]
    hist = Counter(degrees)
    return {
        "nodes": G.number_of_nodes(),
        "edges": G.number_of_edges(),
        "nodes_by_type": dict(sorted(types.items())),
        "edges_by_relation": dict(sorted(rels.items())),
        "components": len(comps),
        "largest_component": comps[0] if comps else 0,
        "mean_degree": round(sum(degrees) / len(degrees), 3) if degrees else 0.0,
        "max_degree": max(degrees) if degrees else 0,
        "degree_histogram": dict(sorted(hist.items())),
    }
