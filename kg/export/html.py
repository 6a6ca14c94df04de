"""The explorer: one self-contained, offline HTML page — a Papers-with-Code-style site for the user's corpus.

Why not a drawing of the whole graph: a force layout of ~1,000 papers and entities is an unreadable
hairball whose labels only appear when zoomed in. People ask questions of a corpus ("what is used on
ImageNet, and who scores best?"), so the page is organised around them:

* an **overview**: entities by type, ranked by the number of papers that name them, with counts, a type
  filter and a text filter, and a search box that autocompletes over labels *and* aliases;
* an **entity view**: for a dataset/benchmark, the papers that use it and a leaderboard (method, metric,
  value, paper, evidence sentence) ordered by the metric's direction; for a method, the papers that
  propose it, whom it beats and who beats it; for a paper, each of its facts with its sentence;
* a **focused network pane**: only the selected node's neighbourhood (at most :data:`MAX_NETWORK_NODES`
  nodes), drawn with vis-network; every node's colour is set explicitly from :data:`COLORS` (the legend),
  never left to vis's group palette; clicking an edge shows the sentence behind it.

The page is built from our own dicts, not pyvis's template (which links Bootstrap from a CDN): the
vis-network JavaScript is read from the installed pyvis package and inlined, so the file works offline.

Text from abstracts is untrusted. All data is embedded once, as JSON inside a ``<script
type="application/json">`` element with ``<``, ``>`` and ``&`` escaped (so nothing in it can close the
element), and the page's script renders every string with ``textContent``, never as markup.

Large graphs are bounded: the page holds the ``max_entities`` entities named by the most papers and the
papers linked to them; ``focus`` keeps one entity's neighbourhood instead. The page states what it left
out and how to see it (``--focus NAME``, ``--max-entities N``, ``graph.graphml`` in Gephi).
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import GraphError
from kg.io import atomic_write, xml_safe

if TYPE_CHECKING:
    from kg.graph import KnowledgeGraph

#: The legend: one colour per node type, used for the swatches, the list markers and every network node.
COLORS = {
    "Paper": "#6b7785",
    "Method": "#e4572e",
    "Dataset": "#29a19c",
    "Benchmark": "#1b6f8a",
    "Metric": "#f3a712",
    "Task": "#7b5ea7",
    "Result": "#c9cba3",
}
#: Entities kept in the page (ranked by papers); the sample corpus (~1,150 entities) fits whole.
MAX_ENTITIES = 3000
#: Papers kept with them (those linked to most kept entities first).
MAX_PAPERS = 5000
#: Nodes in the network pane at once: beyond ~150 a neighbourhood is a hairball again.
MAX_NETWORK_NODES = 150
#: Graph attributes of a view read from the store (``kg.views``): the note saying what it left out, and
#: ``total_<Type>``, the number of nodes of each type in the whole store.
VIEW_NOTE = "view_note"
TOTAL_PREFIX = "total_"

_PAPER_RELATIONS = ("proposes", "uses", "beats", "measures", "addresses")
_ENTITY_TYPES = ("Method", "Dataset", "Benchmark", "Metric", "Task")
_RESULT_SLOTS = (("m", "method"), ("d", "dataset"), ("x", "metric"))  # short keys in the page's JSON


def _truthy(value: Any, default: bool = True) -> bool:
    """A direction attribute as stored by networkx or read back from GraphML/CSV (bool, 0/1 or text)."""
    if value is None or value == "":
        return default
    if isinstance(value, str):
        return value.strip().lower() not in ("false", "0", "no")
    return bool(value)


def _find(kg: KnowledgeGraph, name: str) -> str:
    """The node whose label (or, failing that, an alias) is ``name``, case-insensitively."""
    g = kg.nx
    wanted = name.strip().casefold()
    by_label = [n for n, a in g.nodes(data=True) if a["type"] != "Result" and a["label"].casefold() == wanted]
    if not by_label:
        by_label = [n for n, a in g.nodes(data=True) if a["type"] not in ("Result", "Paper")
                    and wanted in (x.strip().casefold() for x in str(a.get("aliases", "")).split(" | "))]
    if not by_label:
        raise GraphError(f"--focus {name!r}: no paper, entity or alias has that name; "
                         "try `kg query entity-aliases` for the names in the graph")
    return sorted(by_label, key=lambda n: (-g.degree(n), n))[0]


def select(kg: KnowledgeGraph, max_entities: int = MAX_ENTITIES, max_papers: int = MAX_PAPERS,
           focus: str | None = None) -> tuple[set[str], str]:
    """The papers and entities the page holds, and a sentence saying what was left out and how to see it."""
    g = kg.nx
    entities = [n for n, t in g.nodes(data="type") if t in _ENTITY_TYPES]
    papers = [n for n, t in g.nodes(data="type") if t == "Paper"]
    if focus is not None:
        center = _find(kg, focus)
        keep = {center}
        if g.nodes[center]["type"] == "Paper":
            first = {v for _, v, k in g.out_edges(center, keys=True) if k in _PAPER_RELATIONS}
            keep |= first
            keep |= {u for n in first for u, _, k in g.in_edges(n, keys=True) if k in _PAPER_RELATIONS}
        else:
            ps = {u for u, _, k in g.in_edges(center, keys=True) if k in _PAPER_RELATIONS}
            keep |= ps
            keep |= {v for p in ps for _, v, k in g.out_edges(p, keys=True) if k in _PAPER_RELATIONS}
        n_p = sum(1 for n in keep if g.nodes[n]["type"] == "Paper")
        totals = graph_totals(kg)
        return keep, focus_note(str(g.nodes[center]["label"]), n_p, totals["Paper"], len(keep) - n_p,
                                sum(totals[t] for t in _ENTITY_TYPES))
    if g.graph.get(VIEW_NOTE):
        # A view read from the store (kg.views) is the selection already, made with its own bounds, and
        # says what it left out.
        return set(entities) | set(papers), str(g.graph[VIEW_NOTE])
    if len(entities) <= max_entities and len(papers) <= max_papers:
        return set(entities) | set(papers), all_note(len(papers), len(entities))
    n_papers = {n: sum(1 for _, _, k in g.in_edges(n, keys=True) if k in _PAPER_RELATIONS) for n in entities}
    top = sorted(entities, key=lambda n: (-n_papers[n], n))[:max_entities]
    chosen = set(top)
    score: Counter[str] = Counter()
    for n in top:
        for p, _, k in g.in_edges(n, keys=True):
            if k in _PAPER_RELATIONS:
                score[p] += 1
    kept_papers = sorted(score, key=lambda p: (-score[p], p))[:max_papers]
    capped = len(score) > len(kept_papers)
    return chosen | set(kept_papers), top_note(len(top), len(entities), len(kept_papers), len(papers), capped,
                                               max_papers)


def all_note(n_papers: int, n_entities: int) -> str:
    """The page's note when it holds the whole corpus."""
    return f"All {n_papers} papers and {n_entities} entities."


def top_note(n_top: int, n_entities: int, n_kept_papers: int, n_papers: int, capped: bool, max_papers: int) -> str:
    """The page's note for the top-entities view (shared with :func:`kg.views.top_view`, which ranks in SPARQL)."""
    return (
        f"Reduced view: the {n_top} entities named by most papers (of {n_entities}) and the "
        f"{n_kept_papers} papers linked to {'most of ' if capped else ''}them (of {n_papers}"
        f"{f'; at most {max_papers} papers are kept' if capped else ''}); {n_entities - n_top} entities and "
        f"{n_papers - n_kept_papers} papers are left out. See one of them with kg export --focus NAME, "
        "change the entity bound with --max-entities N, or open graph.graphml in Gephi for the whole graph "
        "(a build past its size bound writes entities.graphml, the entity-level graph, instead).")


def focus_note(label: str, n_kept_papers: int, n_papers: int, n_kept_entities: int, n_entities: int) -> str:
    """The page's note for one neighbourhood (shared with :func:`kg.views.neighbourhood_view`)."""
    return (f"Focused on {label}: {n_kept_papers} of {n_papers} papers and "
            f"{n_kept_entities} of {n_entities} entities (its papers and what they name). "
            "Run kg export without --focus for the whole corpus; "
            "graph.graphml (or, past the build's size bound, entities.graphml) opens the graph in Gephi.")


def graph_totals(kg: KnowledgeGraph) -> Counter[str]:
    """Nodes per type in the whole corpus: counted here, or stated by a view read from the store.

    Why: a view (``kg.views``) holds a part of the corpus, but its page must say "12 of 80,000 papers";
    the view carries the store's counts as graph attributes ``total_<Type>``.
    """
    g = kg.nx
    stated = {k[len(TOTAL_PREFIX):]: int(v) for k, v in g.graph.items() if k.startswith(TOTAL_PREFIX)}
    if stated:
        return Counter(stated)
    return Counter(t for _, t in g.nodes(data="type"))


def explorer_data(kg: KnowledgeGraph, max_entities: int = MAX_ENTITIES, max_papers: int = MAX_PAPERS,
                  focus: str | None = None) -> dict[str, Any]:
    """Everything the page shows, as plain JSON-able data (nodes by index; sentences stored once)."""
    g = kg.nx
    keep, note = select(kg, max_entities, max_papers, focus)
    order = sorted(keep, key=lambda n: (g.nodes[n]["type"] != "Paper", g.nodes[n]["type"], g.nodes[n]["label"], n))
    index = {n: i for i, n in enumerate(order)}
    sentences: dict[str, int] = {}

    def sid(text: str) -> int:
        return sentences.setdefault(text, len(sentences))

    n_papers: Counter[int] = Counter()
    edges: list[list[Any]] = []
    for u, v, k, a in sorted(g.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2])):
        if u in index and v in index and (k in _PAPER_RELATIONS or k == "related"):
            if k == "related":
                edges.append([index[u], index[v], k, -1, None, ""])
            else:
                edges.append([index[u], index[v], k, sid(str(a.get("sentence", ""))),
                              round(float(a.get("confidence", 0.0)), 3), str(a.get("rule", ""))])
    papers_of: dict[int, set[int]] = defaultdict(set)
    for s, t, k, *_ in edges:
        if k != "related":
            papers_of[t].add(s)
    for t, ps in papers_of.items():
        n_papers[t] = len(ps)

    results = []
    for r, a in sorted(g.nodes(data=True)):
        if a["type"] != "Result":
            continue
        paper = next((u for u, _, k in g.in_edges(r, keys=True) if k == "reports"), None)
        if paper not in index:
            continue
        slots = {k: v for _, v, k in g.out_edges(r, keys=True)}
        results.append({
            "p": index[paper],
            **{key: index.get(slots.get(slot, ""), -1) for key, slot in _RESULT_SLOTS},
            "v": float(a.get("value", 0.0)), "t": str(a.get("label", "")), "u": str(a.get("unit", "")),
            "s": sid(str(a.get("sentence", ""))),
            "delta": _truthy(a.get("delta"), default=False),
            "rel": index.get(slots.get("relativeTo", ""), -1),  # what a delta is relative to
        })

    comparisons = []
    for c, a in sorted(g.nodes(data=True)):
        if a["type"] != "Comparison":
            continue
        paper = next((u for u, _, k in g.in_edges(c, keys=True) if k == "claims"), None)
        slots = {k: v for _, v, k in g.out_edges(c, keys=True)}
        if paper not in index or slots.get("winner") not in index or slots.get("loser") not in index:
            continue
        comparisons.append({
            "p": index[paper], "w": index[slots["winner"]], "l": index[slots["loser"]],
            "d": index.get(slots.get("dataset", ""), -1), "x": index.get(slots.get("metric", ""), -1),
            "lab": str(a.get("label", "")), "v": a.get("value"), "u": str(a.get("unit", "")),
            "s": sid(str(a.get("sentence", ""))), "r": str(a.get("rule", "")),
            "c": round(float(a.get("confidence", 0.0)), 3),
        })

    nodes = []
    for n in order:
        a = g.nodes[n]
        t = a["type"]
        node: dict[str, Any] = {"t": t, "l": str(a["label"])}
        if t == "Paper":
            node["d"] = str(a.get("date", ""))
            url = str(a.get("url", ""))
            if url.startswith(("https://", "http://")):
                node["u"] = url
            node["id"] = str(a.get("identifier", ""))
        else:
            aliases = [x for x in str(a.get("aliases", "")).split(" | ") if x]
            if aliases:
                node["a"] = aliases
            node["n"] = n_papers[index[n]]
            if t == "Metric":
                node["hib"] = _truthy(a.get("higher_is_better"))
        nodes.append(node)

    counts = Counter(g.nodes[n]["type"] for n in keep)
    totals = graph_totals(kg)
    return {
        "note": note,
        "colors": {t: c for t, c in COLORS.items() if t != "Result"},
        "counts": {t: [counts.get(t, 0), totals.get(t, 0)] for t in ("Paper", *_ENTITY_TYPES)},
        "maxNetworkNodes": MAX_NETWORK_NODES,
        "nodes": nodes,
        "edges": edges,
        "results": results,
        "comparisons": comparisons,
        "sentences": list(sentences),
    }


def _script_json(value: Any) -> str:
    """JSON that cannot end its <script> element: no "<", ">" or "&" at all (JSON.parse reads the escapes)."""
    return (json.dumps(value, ensure_ascii=False, separators=(",", ":"))
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _asset(name: str) -> str:
    return (resources.files("pyvis") / "templates" / "lib" / "vis-9.1.2" / name).read_text(encoding="utf-8")


def write_html(kg: KnowledgeGraph, path: Path, max_entities: int = MAX_ENTITIES, max_papers: int = MAX_PAPERS,
               focus: str | None = None) -> Path:
    """Write the explorer page for ``kg`` to ``path`` (see the module docstring)."""
    data = explorer_data(kg, max_entities, max_papers, focus)
    here = resources.files("kg") / "export"
    parts = {
        "VISJS": _asset("vis-network.min.js").replace("</script", "<\\/script"),
        "VISCSS": _asset("vis-network.css").replace("</style", "<\\/style"),
        "CSS": (here / "explorer.css").read_text(encoding="utf-8"),
        "APP": (here / "explorer.js").read_text(encoding="utf-8"),
        "DATA": xml_safe(_script_json(data)),  # the one character rule of every writer (kg.io.xml_safe)
    }
    # One pass over the template: inserted text is never scanned again, so no title can smuggle a placeholder.
    page = re.sub(r"/\*(VISJS|VISCSS|CSS|APP|DATA)\*/", lambda m: parts[m.group(1)], _TEMPLATE)
    with atomic_write(path) as fh:
        fh.write(page)
    return path


_TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>paperkg explorer</title>
<style>/*VISCSS*/</style>
<style>/*CSS*/</style></head>
<body>
<header>
 <h1><a href="#" id="home">paperkg explorer</a></h1>
 <div id="searchbox"><input id="search" type="search" autocomplete="off" aria-label="search"
  placeholder="Search papers, methods, datasets… (aliases too)">
 <ul id="suggest" role="listbox" hidden></ul></div>
 <p id="note"></p>
</header>
<main>
 <nav id="overview" aria-label="overview">
  <div id="legend"></div>
  <input id="filter" type="search" placeholder="filter this list" aria-label="filter the list">
  <p id="listcount"></p>
  <ol id="list"></ol>
 </nav>
 <section id="view" aria-live="polite"></section>
 <section id="netpane">
  <div id="netinfo"></div>
  <div id="network"></div>
  <div id="edgeinfo"><p class="hint">Click an edge to see the sentence it comes from; click a node to open it.</p></div>
 </section>
</main>
<script>/*VISJS*/</script>
<script type="application/json" id="kg-data">/*DATA*/</script>
<script>/*APP*/</script>
</body></html>
"""
