"""``kg stats --report DIR``: the analytics as CSV tables and PNG plots (matplotlib, Agg backend)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg import analytics
from kg.io import atomic_write

if TYPE_CHECKING:
    import networkx as nx


def _csv(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    with atomic_write(path) as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    return path


def _save(fig: Any, path: Path) -> Path:
    with atomic_write(path, "wb", encoding=None) as fh:
        fig.savefig(fh, format="png", dpi=110, bbox_inches="tight")
    return path


def write_report(G: nx.MultiDiGraph, out: Path, top: int = 15) -> dict[str, Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import networkx as nx

    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}
    pop = analytics.dataset_popularity(G)
    files["dataset_popularity.csv"] = _csv(out / "dataset_popularity.csv", ["dataset", "papers"], [list(r) for r in pop])
    rank = analytics.method_ranking(G)
    files["method_ranking.csv"] = _csv(out / "method_ranking.csv", ["method", "pagerank"], [list(r) for r in rank])
    comms = analytics.co_usage_communities(G)
    files["co_usage_communities.csv"] = _csv(out / "co_usage_communities.csv", ["community", "size", "datasets"],
                                             [[i, len(c), " | ".join(c)] for i, c in enumerate(comms)])
    adoption = analytics.adoption_over_time(G, top=6)
    files["adoption_over_time.csv"] = _csv(out / "adoption_over_time.csv", ["dataset", *map(str, adoption["years"])],
                                           [[k, *v] for k, v in adoption["series"].items()])
    summary = analytics.graph_summary(G)
    files["summary.csv"] = _csv(out / "summary.csv", ["measure", "value"],
                                [[k, v] for k, v in summary.items() if not isinstance(v, dict)]
                                + [[f"nodes: {k}", v] for k, v in summary["nodes_by_type"].items()]
                                + [[f"edges: {k}", v] for k, v in summary["edges_by_relation"].items()])

    fig, ax = plt.subplots(figsize=(8, 0.35 * max(4, min(top, len(pop))) + 1))
    shown = pop[:top][::-1]
    ax.barh([n for n, _ in shown], [c for _, c in shown], color="#29a19c")
    ax.set_xlabel("papers using the dataset")
    ax.set_title(f"Most-used datasets and benchmarks (top {len(shown)})")
    files["dataset_popularity.png"] = _save(fig, out / "dataset_popularity.png")
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(8, 4.5))
    for name, counts in adoption["series"].items():
        ax.plot(adoption["years"], counts, marker="o", label=name)
    ax.set_xlabel("year")
    ax.set_ylabel("papers using it")
    ax.set_title(f"Dataset adoption over time ({adoption['undated']} papers without a year left out)")
    if adoption["series"]:
        ax.legend(fontsize=8)
    ax.xaxis.get_major_locator().set_params(integer=True)  # type: ignore[call-arg]  # MaxNLocator
    ax.yaxis.get_major_locator().set_params(integer=True)  # type: ignore[call-arg]  # counts of papers
    files["adoption_over_time.png"] = _save(fig, out / "adoption_over_time.png")
    plt.close(fig)

    D = analytics.beats_graph(G)
    pr = dict(nx.pagerank(D, weight="weight")) if D.number_of_nodes() else {}
    # The strongest winners *with the methods they beat*: top PageRank nodes alone are mostly winners that
    # never meet each other, which draws as dots without a single arrow.
    keep: list[str] = []
    winners = [n for n in sorted(pr, key=lambda n: (-pr[n], n)) if D.in_degree(n)]
    for w in winners:
        if len(keep) >= 36:
            break
        keep += [n for n in (w, *sorted(D.predecessors(w))) if n not in keep]
    H = D.subgraph(keep)
    fig, ax = plt.subplots(figsize=(11, 8))
    if H.number_of_nodes():
        pos = nx.spring_layout(H, seed=1, k=1.2 / max(1, H.number_of_nodes()) ** 0.5)
        won = [n for n in H.nodes if H.in_degree(n)]
        lost = [n for n in H.nodes if not H.in_degree(n)]
        nx.draw_networkx_nodes(H, pos, nodelist=won, ax=ax, node_color="#e4572e", alpha=0.85,
                               node_size=[300 + 8000 * pr[n] for n in won], label="claims to beat others")
        nx.draw_networkx_nodes(H, pos, nodelist=lost, ax=ax, node_color="#9bc1bc", alpha=0.85,
                               node_size=200, label="beaten (baseline)")
        nx.draw_networkx_edges(H, pos, ax=ax, arrows=True, alpha=0.6, arrowsize=12, edge_color="#555555",
                               node_size=400)
        nx.draw_networkx_labels(H, pos, ax=ax, font_size=7,
                                labels={n: G.nodes[n]["label"][:24] for n in H.nodes})
        ax.legend(loc="lower left", fontsize=8, markerscale=0.5)
    n_won = sum(1 for n in H.nodes if H.in_degree(n))
    ax.set_title(f"Who beats whom: the {n_won} top-ranked methods "
                 "and the baselines they beat\n(arrow: beaten → winner; size: PageRank)")
    ax.axis("off")
    files["beats_network.png"] = _save(fig, out / "beats_network.png")
    plt.close(fig)
    return files
