"""Interactive HTML: one self-contained page (vis-network inlined from the pyvis package, no CDN).

Built from our own node/edge dicts through a pyvis ``Network`` — never ``from_nx`` (it mutates the graph it
is given) and never ``add_node`` per item (quadratic) — and rendered with our own page template, because
pyvis's template links Bootstrap from a CDN and the page must work offline.

Text from abstracts is untrusted. vis-network 9 shows string ``title``/``label`` values as text, and the
data is embedded as JSON with ``<``, ``>`` and ``&`` escaped, so a title such as
``<img src=x onerror=alert(1)>`` can neither close the ``<script>`` element nor become markup.

Graphs too large for a browser are reduced: the ``max_entities`` entities of highest degree and the
papers linked to them (at most ``max_papers``, those with most such links first); the page says so.
"""

from __future__ import annotations

import html
import json
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pyvis.network import Network

from kg.graph import CLAIM_NODE_TYPES
from kg.io import atomic_write

if TYPE_CHECKING:
    from kg.graph import KnowledgeGraph

COLORS = {
    "Paper": "#9aa5b1",
    "Method": "#e4572e",
    "Dataset": "#29a19c",
    "Benchmark": "#1b6f8a",
    "Metric": "#f3a712",
    "Task": "#7b5ea7",
    "Result": "#c9cba3",
}
MAX_ENTITIES = 400
MAX_PAPERS = 600

PHYSICS = {
    "physics": {
        "solver": "forceAtlas2Based",
        "forceAtlas2Based": {"gravitationalConstant": -40, "centralGravity": 0.01, "springLength": 90,
                             "springConstant": 0.08, "avoidOverlap": 0.3},
        "stabilization": {"enabled": True, "iterations": 400, "updateInterval": 50, "fit": True},
        "minVelocity": 1.5,
        "maxVelocity": 40,
    },
    "interaction": {"hover": True, "tooltipDelay": 120, "navigationButtons": False},
    "nodes": {"shape": "dot", "font": {"size": 12}},
    "edges": {"smooth": False, "arrows": {"to": {"enabled": True, "scaleFactor": 0.4}}, "color": {"opacity": 0.5}},
}


def _select(kg: KnowledgeGraph, max_entities: int, max_papers: int) -> tuple[set[str], str]:
    """Nodes to draw, and a sentence saying how they were chosen."""
    g = kg.nx
    entities = [n for n, t in g.nodes(data="type") if t not in CLAIM_NODE_TYPES]
    papers = [n for n, t in g.nodes(data="type") if t == "Paper"]
    if len(entities) <= max_entities and len(papers) <= max_papers:
        return {n for n, t in g.nodes(data="type") if t not in ("Result", "Comparison")}, (
            f"All {len(papers)} papers and {len(entities)} entities are shown (results are listed in tooltips).")
    top = sorted(entities, key=lambda n: (-g.degree(n), n))[:max_entities]
    chosen = set(top)
    score: dict[str, int] = {}
    for n in top:
        for p in g.predecessors(n):
            if g.nodes[p]["type"] == "Paper":
                score[p] = score.get(p, 0) + 1
    kept_papers = sorted(score, key=lambda p: (-score[p], p))[:max_papers]
    return chosen | set(kept_papers), (
        f"Reduced view: the {len(top)} entities of highest degree (of {len(entities)}) and the "
        f"{len(kept_papers)} papers linked to them (of {len(papers)}). Load graph.graphml in Gephi for the whole graph.")


def _tooltip(a: dict[str, Any], results: list[str]) -> str:
    lines = [f"{a['type']}: {a['label']}"]
    if a.get("aliases"):
        lines.append(f"also: {a['aliases']}")
    if a.get("date"):
        lines.append(f"date: {a['date']}")
    if a.get("n_papers"):
        lines.append(f"papers: {a['n_papers']}")
    lines += results[:5]
    return "\n".join(lines)


def network_data(kg: KnowledgeGraph, max_entities: int = MAX_ENTITIES, max_papers: int = MAX_PAPERS
                 ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], str]:
    """vis-network node and edge dicts for the (possibly reduced) graph, and the reduction note."""
    g = kg.nx
    keep, note = _select(kg, max_entities, max_papers)
    results: dict[str, list[str]] = {}
    for u, v, k in g.edges(keys=True):
        if k in ("reports", "claims"):
            r = g.nodes[v]
            kind = "result" if k == "reports" else "comparison"
            results.setdefault(u, []).append(f"{kind}: {r['label']} — {r['sentence'][:160]}")
    nodes = []
    for n in sorted(keep):
        a = g.nodes[n]
        deg = g.degree(n)
        nodes.append({
            "id": n, "label": a["label"][:40] + ("…" if len(a["label"]) > 40 else ""), "group": a["type"],
            "title": _tooltip(a, results.get(n, [])), "color": COLORS.get(a["type"], "#888888"),
            "size": 6 + min(30, 2.2 * deg ** 0.5 * 3) if a["type"] != "Paper" else 6,
        })
    edges = []
    for u, v, k, a in sorted(g.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2])):
        if u in keep and v in keep:
            title = k if "sentence" not in a else f"{k} (confidence {a['confidence']}): {a['sentence']}"
            edges.append({"from": u, "to": v, "title": title, "label": "", "relation": k})
    return nodes, edges, note


def _script_json(value: Any) -> str:
    """JSON safe to embed inside <script>: no "</script>", no "<!--", no markup characters."""
    return (json.dumps(value, ensure_ascii=False)
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def write_html(kg: KnowledgeGraph, path: Path, max_entities: int = MAX_ENTITIES, max_papers: int = MAX_PAPERS) -> Path:
    nodes, edges, note = network_data(kg, max_entities, max_papers)
    net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line")
    net.nodes, net.edges = nodes, edges  # filled directly: add_node/add_edge scan every item (quadratic)
    net.set_options(json.dumps(PHYSICS))
    data_nodes, data_edges, _heading, _h, _w, options = net.get_network_data()
    visjs = (resources.files("pyvis") / "templates" / "lib" / "vis-9.1.2" / "vis-network.min.js").read_text(encoding="utf-8")
    legend = "".join(
        f'<label><input type="checkbox" class="type" value="{html.escape(t)}" checked> '
        f'<span class="dot" style="background:{c}"></span>{html.escape(t)}</label>'
        for t, c in COLORS.items() if t != "Result"
    )
    page = _TEMPLATE.format(
        visjs=visjs.replace("</script", "<\\/script"),
        nodes=_script_json(data_nodes), edges=_script_json(data_edges),
        options=options if isinstance(options, str) else _script_json(options),
        legend=legend, note=html.escape(note),
        counts=html.escape(", ".join(f"{k} {v}" for k, v in kg.summary().items() if v)),
    )
    with atomic_write(path) as fh:
        fh.write(page)
    return path


_TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>paperkg graph</title>
<style>
 html, body {{ margin:0; height:100%; font-family: system-ui, sans-serif; }}
 #bar {{ position:absolute; top:0; left:0; right:0; padding:6px 10px; background:#fafafa; border-bottom:1px solid #ddd; z-index:2; font-size:13px; }}
 #bar label {{ margin-right:10px; white-space:nowrap; }}
 .dot {{ display:inline-block; width:10px; height:10px; border-radius:50%; margin:0 4px 0 2px; }}
 #graph {{ position:absolute; top:64px; bottom:0; left:0; right:0; }}
 #note {{ color:#555; }}
 #search {{ width:220px; }}
</style></head>
<body>
<div id="bar">
 <input id="search" type="search" placeholder="search a label (Enter)" aria-label="search">
 {legend}
 <span id="status"></span>
 <div id="note">{note} <span style="color:#999">{counts}</span></div>
</div>
<div id="graph"></div>
<script>{visjs}</script>
<script>
const allNodes = {nodes};
const allEdges = {edges};
const options = {options};
const nodes = new vis.DataSet(allNodes);
const edges = new vis.DataSet(allEdges.map((e, i) => Object.assign({{id: i}}, e)));
const hidden = new Set();
const view = new vis.DataView(nodes, {{ filter: n => !hidden.has(n.group) }});
const network = new vis.Network(document.getElementById("graph"), {{nodes: view, edges: edges}}, options);
network.once("stabilizationIterationsDone", () => network.setOptions({{ physics: false }}));
document.querySelectorAll("input.type").forEach(box => box.addEventListener("change", () => {{
  if (box.checked) hidden.delete(box.value); else hidden.add(box.value);
  view.refresh();
}}));
document.getElementById("search").addEventListener("keydown", ev => {{
  if (ev.key !== "Enter") return;
  const q = ev.target.value.trim().toLowerCase();
  const hits = allNodes.filter(n => !hidden.has(n.group) && (n.label.toLowerCase().includes(q) || n.title.toLowerCase().includes(q)));
  document.getElementById("status").textContent = q ? hits.length + " match(es)" : "";
  if (hits.length) {{ network.selectNodes(hits.map(n => n.id)); network.fit({{nodes: hits.map(n => n.id), animation: true}}); }}
}});
</script>
</body></html>
"""
