// paperkg explorer. Every string from the data is rendered with textContent (never innerHTML): titles and
// sentences come from abstracts and are untrusted. Data: nodes by index, edges [src, dst, relation,
// sentence index, confidence, rule], results {p, m, d, x (node indexes, -1 = not stated), v, t, u, s, delta}.
"use strict";
const D = JSON.parse(document.getElementById("kg-data").textContent);
const N = D.nodes, E = D.edges, R = D.results, S = D.sentences, C = D.colors, K = D.comparisons || [];
const ENTITY_TYPES = ["Method", "Dataset", "Benchmark", "Metric", "Task"];
const REL_TEXT = {proposes: "proposes", uses: "uses", beats: "beats", measures: "measures", addresses: "addresses",
                  related: "is related to"};

// ---------------------------------------------------------------- indexes
const out = N.map(() => []), inc = N.map(() => []);
E.forEach((e, i) => { out[e[0]].push(i); inc[e[1]].push(i); });
const resultsBy = {p: new Map(), m: new Map(), d: new Map(), x: new Map()};
R.forEach((r, i) => { for (const k of ["p", "m", "d", "x"]) if (r[k] >= 0) {
  if (!resultsBy[k].has(r[k])) resultsBy[k].set(r[k], []); resultsBy[k].get(r[k]).push(i); } });

// ---------------------------------------------------------------- tiny DOM helpers (text only)
function el(tag, props, ...kids) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (k === "class") node.className = v;
    else if (k === "on") for (const [ev, fn] of Object.entries(v)) node.addEventListener(ev, fn);
    else if (k === "style") node.style.cssText = v;
    else node.setAttribute(k, v);
  }
  for (const kid of kids.flat(Infinity)) if (kid !== null && kid !== undefined && kid !== false)
    node.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  return node;
}
const dot = t => el("span", {class: "dot", "data-type": t, style: "background:" + C[t]});
function link(i, text) {
  const n = N[i];
  return el("a", {href: "#n" + i, class: "node-link", "data-type": n.t}, dot(n.t), text === undefined ? n.l : text);
}
const fmtConf = c => (c === null || c === undefined) ? "" : c.toFixed(2);

// ---------------------------------------------------------------- header, legend and overview list
const typeOn = new Set(ENTITY_TYPES);
document.getElementById("note").textContent = D.note;
const legend = document.getElementById("legend");
for (const t of ["Paper", ...ENTITY_TYPES]) {
  const [shown, total] = D.counts[t];
  const label = el("label", {class: "legend-item", "data-type": t},
    t === "Paper" ? null : el("input", {type: "checkbox", value: t, checked: "", on: {change: ev => {
      if (ev.target.checked) typeOn.add(t); else typeOn.delete(t); renderList(); }}}),
    el("span", {class: "swatch", "data-type": t, style: "background:" + C[t]}),
    t + " ", el("span", {class: "count"}, shown === total ? String(total) : shown + " of " + total));
  legend.append(label);
}
const ranked = N.map((n, i) => i).filter(i => N[i].t !== "Paper").sort((a, b) => N[b].n - N[a].n || N[a].l.localeCompare(N[b].l));
const filter = document.getElementById("filter");
filter.addEventListener("input", () => renderList());
function renderList() {
  const q = filter.value.trim().toLowerCase();
  const list = document.getElementById("list");
  const hits = ranked.filter(i => typeOn.has(N[i].t) && (!q || N[i].l.toLowerCase().includes(q) ||
    (N[i].a || []).some(a => a.toLowerCase().includes(q))));
  const shown = hits.slice(0, 400);
  list.replaceChildren(...shown.map(i => el("li", {}, link(i), el("span", {class: "count"}, N[i].n + (N[i].n === 1 ? " paper" : " papers")))));
  document.getElementById("listcount").textContent = hits.length + " entities ranked by papers" +
    (hits.length > shown.length ? " (first " + shown.length + " shown; filter to narrow)" : "");
}

// ---------------------------------------------------------------- search with autocomplete (labels and aliases)
const search = document.getElementById("search"), suggest = document.getElementById("suggest");
const searchIndex = N.map((n, i) => ({i, names: [n.l, ...(n.a || [])].map(s => s.toLowerCase())}));
let suggestions = [], active = 0;
function matches(q) {
  const scored = [];
  for (const {i, names} of searchIndex) {
    let best = 99, via = null;
    names.forEach((name, j) => {
      const s = name === q ? 0 : name.startsWith(q) ? 1 : name.includes(q) ? 2 : 99;
      if (s < best) { best = s; via = j ? N[i].a[j - 1] : null; }
    });
    if (best < 99) scored.push({i, best: best + (N[i].t === "Paper" ? 0.5 : 0), via});
  }
  scored.sort((a, b) => a.best - b.best || (N[b.i].n || 0) - (N[a.i].n || 0) || N[a.i].l.localeCompare(N[b.i].l));
  return scored.slice(0, 12);
}
function renderSuggest() {
  suggest.replaceChildren(...suggestions.map((s, k) => el("li", {role: "option", class: k === active ? "active" : "",
    on: {mousedown: ev => { ev.preventDefault(); choose(k); }}},
    dot(N[s.i].t), N[s.i].l, el("span", {class: "meta"}, " " + N[s.i].t + (N[s.i].t === "Paper" ? "" : " · " + N[s.i].n + " papers")
      + (s.via ? " · also " + s.via : "")))));
  suggest.hidden = suggestions.length === 0;
}
function choose(k) {
  if (!suggestions[k]) return;
  const hash = "#n" + suggestions[k].i;
  if (location.hash !== hash) window.kgStable = false;  // a new view is coming: not stable until it is laid out
  location.hash = hash;
  suggestions = []; renderSuggest(); search.blur();
}
search.addEventListener("input", () => {
  const q = search.value.trim().toLowerCase();
  suggestions = q ? matches(q) : []; active = 0; renderSuggest();
});
search.addEventListener("keydown", ev => {
  if (ev.key === "ArrowDown") { active = Math.min(active + 1, suggestions.length - 1); renderSuggest(); ev.preventDefault(); }
  else if (ev.key === "ArrowUp") { active = Math.max(active - 1, 0); renderSuggest(); ev.preventDefault(); }
  else if (ev.key === "Enter") { choose(active); ev.preventDefault(); }
  else if (ev.key === "Escape") { suggestions = []; renderSuggest(); }
});
search.addEventListener("blur", () => setTimeout(() => { suggest.hidden = true; }, 150));

// ---------------------------------------------------------------- views
const view = document.getElementById("view");
function table(headers, rows, cls) {
  return el("table", {class: cls || ""}, el("thead", {}, el("tr", {}, headers.map(h => el("th", {}, h)))),
    el("tbody", {}, rows.map(r => el("tr", {}, r.map(c => el("td", {}, c))))));
}
const sentence = s => el("span", {class: "sentence"}, s >= 0 ? S[s] : "");
function valueCell(r) {
  return el("span", {class: "value"}, r.t, r.delta ? el("span", {class: "delta", title: "a change, not an absolute score"}, " Δ") : null,
    r.rel >= 0 ? el("span", {class: "vs"}, " vs ", link(r.rel)) : null);
}

function leaderboard(resultIdx, groupBy, self) {
  // Group by metric (or dataset, for a metric's own page), unit and kind: 91.1% and 2.6x are not one
  // ranking, and neither are a score (91.1%) and a gain over some baseline (+2.3%). Absolute scores come
  // first; each group is ordered by its metric's direction.
  const groups = new Map();
  for (const k of resultIdx) {
    const r = R[k], key = (r.delta ? "1" : "0") + "|" + r[groupBy] + "|" + r.u;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(r);
  }
  const keys = [...groups.keys()].sort((a, b) => {
    const ga = groups.get(a), gb = groups.get(b), ia = ga[0][groupBy], ib = gb[0][groupBy];
    return !!ga[0].delta - !!gb[0].delta || (ia < 0) - (ib < 0) || gb.length - ga.length || (ia >= 0 && ib >= 0 ? N[ia].l.localeCompare(N[ib].l) : 0)
      || a.localeCompare(b);
  });
  const box = el("div", {class: "leaderboard"});
  for (const key of keys) {
    const rows = groups.get(key), g = rows[0][groupBy], unit = rows[0].u;
    const metricOf = r => r.x >= 0 ? N[r.x] : null;
    rows.sort((a, b) => {
      const hib = metricOf(a) ? metricOf(a).hib !== false : true;
      return (hib ? b.v - a.v : a.v - b.v) || N[a.p].l.localeCompare(N[b.p].l);
    });
    const head = g >= 0 ? N[g].l : (groupBy === "x" ? "metric not stated" : "dataset not stated");
    const dir = groupBy === "x" && g >= 0 ? (N[g].hib === false ? " (lower is better)" : " (higher is better)") : "";
    const kind = rows[0].delta ? " · changes over a baseline (Δ)" : "";
    box.append(el("h4", {}, head + (unit ? " (" + unit + ")" : "") + kind + dir + " · " + rows.length +
      (rows.length === 1 ? " result" : " results")));
    // Columns: the slots that vary within the group (not the group itself, not the page's own entity).
    const slots = [["m", "method"], ["d", "dataset"], ["x", "metric"]].filter(([k]) => k !== groupBy && k !== self);
    box.append(table(["#", ...slots.map(s => s[1]), "value", "paper", "evidence"],
      rows.map((r, k) => [String(k + 1), ...slots.map(([s]) => r[s] >= 0 ? link(r[s]) : "—"),
        valueCell(r), link(r.p), sentence(r.s)]), "board"));
  }
  return box;
}

function papersVia(i, rels) {
  return inc[i].map(k => E[k]).filter(e => rels.includes(e[2]) && N[e[0]].t === "Paper");
}
function paperRows(edges) {
  return edges.sort((a, b) => N[a[0]].l.localeCompare(N[b[0]].l))
    .map(e => [link(e[0]), REL_TEXT[e[2]], sentence(e[3]), fmtConf(e[4])]);
}
function relatedBlock(i) {
  const rel = [...out[i], ...inc[i]].map(k => E[k]).filter(e => e[2] === "related").map(e => e[0] === i ? e[1] : e[0]);
  return rel.length ? el("p", {class: "related"}, "Related: ", rel.map((j, k) => [k ? ", " : "", link(j)])) : null;
}

function entityView(i) {
  const n = N[i];
  const parts = [el("h2", {}, dot(n.t), n.l), el("p", {class: "meta"}, n.t + " · named by " + n.n + (n.n === 1 ? " paper" : " papers")),
    n.a ? el("p", {class: "aliases"}, "Also called: " + n.a.join(", ")) : null, relatedBlock(i)];
  if (n.t === "Dataset" || n.t === "Benchmark") {
    const res = resultsBy.d.get(i) || [];
    parts.push(el("h3", {id: "leaderboard-title"}, "Leaderboard (" + res.length + " results)"));
    parts.push(res.length ? leaderboard(res, "x", "d") : el("p", {class: "empty"}, "No numeric result names this dataset."));
    const users = papersVia(i, ["uses"]);
    parts.push(el("h3", {}, "Papers that use it (" + users.length + ")"), table(["paper", "relation", "evidence", "conf."], paperRows(users)));
  } else if (n.t === "Method") {
    const proposers = papersVia(i, ["proposes"]);
    parts.push(el("h3", {}, "Proposed by (" + proposers.length + ")"),
      proposers.length ? table(["paper", "relation", "evidence", "conf."], paperRows(proposers)) : el("p", {class: "empty"}, "No paper in the corpus proposes it."));
    // Who beats whom: the graph's comparisons (winner, loser, on what, by how much), then the paper-level
    // summary (a paper proposes M and beats B) for pairs no comparison of that paper already states.
    const beats = [], beatenBy = [], seen = new Set();
    for (const c of K) {
      const row = {w: c.w, l: c.l, p: c.p, s: c.s, d: c.d, x: c.x, v: c.v === null || c.v === undefined ? "" : c.v + (c.u ? " " + c.u : "")};
      if (c.w === i) beats.push(row); else if (c.l === i) beatenBy.push(row); else continue;
      seen.add(c.w + "|" + c.l + "|" + c.p);
    }
    for (const p of proposers.map(e => e[0])) for (const k of out[p]) if (E[k][2] === "beats" && E[k][1] !== i && !seen.has(i + "|" + E[k][1] + "|" + p))
      beats.push({w: i, l: E[k][1], p, s: E[k][3], d: -1, x: -1, v: ""});
    for (const e of papersVia(i, ["beats"])) {
      const winners = out[e[0]].map(k => E[k]).filter(x => x[2] === "proposes").map(x => x[1]);
      for (const w of (winners.length ? winners : [-1])) if (!seen.has(w + "|" + i + "|" + e[0])) beatenBy.push({w, l: i, p: e[0], s: e[3], d: -1, x: -1, v: ""});
    }
    const cmpRows = (rows, side) => rows.map(r => [r[side] >= 0 ? link(r[side]) : "(the paper's method)", r.d >= 0 ? link(r.d) : "—",
      r.x >= 0 ? link(r.x) : "—", r.v, link(r.p), sentence(r.s)]);
    const cmpHead = ["method", "dataset", "metric", "by", "paper", "evidence"];
    parts.push(el("h3", {}, "Beats (" + beats.length + ")"), beats.length ? table(cmpHead, cmpRows(beats, "l")) : el("p", {class: "empty"}, "No comparison found."));
    parts.push(el("h3", {}, "Beaten by (" + beatenBy.length + ")"), beatenBy.length ? table(cmpHead, cmpRows(beatenBy, "w")) : el("p", {class: "empty"}, "No comparison found."));
    const res = resultsBy.m.get(i) || [];
    if (res.length) parts.push(el("h3", {}, "Results (" + res.length + ")"), leaderboard(res, "x", "m"));
  } else if (n.t === "Metric") {
    const res = resultsBy.x.get(i) || [];
    parts.push(el("p", {class: "meta"}, n.hib === false ? "Lower is better." : "Higher is better."));
    parts.push(el("h3", {id: "leaderboard-title"}, "Results by dataset (" + res.length + ")"), res.length ? leaderboard(res, "d", "x") : el("p", {class: "empty"}, "No numeric result uses this metric."));
    const users = papersVia(i, ["measures"]);
    parts.push(el("h3", {}, "Papers that measure it (" + users.length + ")"), table(["paper", "relation", "evidence", "conf."], paperRows(users)));
  } else {
    const users = papersVia(i, ["addresses"]);
    const ds = new Map();
    for (const e of users) for (const k of out[e[0]]) if (E[k][2] === "uses") ds.set(E[k][1], (ds.get(E[k][1]) || 0) + 1);
    const top = [...ds.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15);
    if (top.length) parts.push(el("h3", {}, "Datasets its papers use"), el("p", {}, top.map(([d, c], k) => [k ? ", " : "", link(d), " (" + c + ")"])));
    parts.push(el("h3", {}, "Papers that address it (" + users.length + ")"), table(["paper", "relation", "evidence", "conf."], paperRows(users)));
  }
  return parts;
}

function paperView(i) {
  const n = N[i];
  const facts = out[i].map(k => E[k]).sort((a, b) => a[2].localeCompare(b[2]) || N[a[1]].l.localeCompare(N[b[1]].l));
  const res = resultsBy.p.get(i) || [];
  return [el("h2", {}, dot("Paper"), n.l),
    el("p", {class: "meta"}, "Paper" + (n.id ? " · " + n.id : "") + (n.d ? " · " + n.d : ""), n.u ? [" · ", el("a", {href: n.u, rel: "noopener noreferrer", target: "_blank"}, n.u)] : null),
    el("h3", {}, "Facts (" + facts.length + ")"),
    facts.length ? table(["relation", "entity", "evidence", "rule", "conf."], facts.map(e => [REL_TEXT[e[2]], link(e[1]), sentence(e[3]), e[5], fmtConf(e[4])]), "facts")
      : el("p", {class: "empty"}, "Nothing was extracted from this paper."),
    ...(() => { const cs = K.filter(c => c.p === i); return cs.length ? [el("h3", {}, "Comparisons (" + cs.length + ")"),
      table(["winner", "loser", "dataset", "metric", "by", "evidence"], cs.map(c => [link(c.w), link(c.l), c.d >= 0 ? link(c.d) : "—",
        c.x >= 0 ? link(c.x) : "—", c.v === null || c.v === undefined ? "" : c.v + (c.u ? " " + c.u : ""), sentence(c.s)]))] : []; })(),
    el("h3", {}, "Results (" + res.length + ")"),
    res.length ? table(["value", "method", "dataset", "metric", "evidence"], res.map(k => R[k]).map(r =>
      [valueCell(r), r.m >= 0 ? link(r.m) : "—", r.d >= 0 ? link(r.d) : "—", r.x >= 0 ? link(r.x) : "—", sentence(r.s)])) : el("p", {class: "empty"}, "No numeric result.")];
}

function homeView() {
  const top = t => ranked.filter(i => N[i].t === t).slice(0, 8);
  return [el("h2", {}, "Your corpus at a glance"),
    el("p", {}, "Pick an entity on the left, or search above (aliases work: try an acronym). Each page lists the sentences its facts come from."),
    ...["Dataset", "Benchmark", "Method", "Metric", "Task"].filter(t => top(t).length).map(t =>
      el("div", {class: "glance"}, el("h3", {}, dot(t), "Top " + t.toLowerCase() + "s"),
        el("ol", {}, top(t).map(i => el("li", {}, link(i), el("span", {class: "count"}, " " + N[i].n)))))) ];
}

// ---------------------------------------------------------------- the focused network pane
const netContainer = document.getElementById("network");
const nodesDS = new vis.DataSet(), edgesDS = new vis.DataSet();
const network = new vis.Network(netContainer, {nodes: nodesDS, edges: edgesDS}, {
  autoResize: true,
  layout: {improvedLayout: false, randomSeed: 7},
  physics: {solver: "barnesHut", barnesHut: {gravitationalConstant: -16000, centralGravity: 0.2, springLength: 220,
            springConstant: 0.03, damping: 0.35, avoidOverlap: 1},
            stabilization: {enabled: true, iterations: 500, updateInterval: 50, fit: true}, minVelocity: 0.75},
  nodes: {shape: "dot", borderWidth: 1.5, font: {size: 15, face: "system-ui, sans-serif", color: "#1f2328",
          strokeWidth: 4, strokeColor: "#ffffff"}, scaling: {label: {drawThreshold: 4}}},
  edges: {smooth: false, width: 1.2, hoverWidth: 1.5, selectionWidth: 2.5, color: {color: "#b5bcc4", highlight: "#333333", hover: "#555555"},
          arrows: {to: {enabled: true, scaleFactor: 0.45}}, font: {size: 11, color: "#555", strokeWidth: 3, align: "middle"}},
  interaction: {hover: true, tooltipDelay: 200, hideEdgesOnDrag: true},
});
window.kgNetwork = network;  // for tests and the curious (console)
window.kgStable = false;
network.on("stabilizationIterationsDone", () => {
  network.setOptions({physics: false});
  network.fit();
  // Labels must be readable without zooming: never fit below 0.75 (15 px labels draw at >= 11 px); pan to the centre.
  if (network.getScale() < 0.75) network.moveTo({position: network.getViewPosition(), scale: 0.75});
  window.kgStable = true;
});
function shade(hex, f) {
  const v = parseInt(hex.slice(1), 16), ch = s => Math.max(0, Math.min(255, Math.round(((v >> s) & 255) * f)));
  return "#" + [16, 8, 0].map(s => ch(s).toString(16).padStart(2, "0")).join("");
}
function nodeColor(t) {
  const c = C[t], b = shade(c, 0.7);
  return {background: c, border: b, highlight: {background: c, border: "#111111"}, hover: {background: c, border: "#111111"}};
}
const short = (s, k) => s.length > k ? s.slice(0, k - 1) + "…" : s;

function neighbourhood(i) {
  // First hop: every node one relation away (papers of an entity, entities of a paper, related variants);
  // second hop, while room remains: the nodes that share most first-hop neighbours with it.
  const max = D.maxNetworkNodes, keep = [i], seen = new Set([i]);
  const hop1 = [...new Set([...out[i].map(k => E[k][1]), ...inc[i].map(k => E[k][0])])]
    .sort((a, b) => (N[b].n || 0) - (N[a].n || 0) || a - b);
  for (const j of hop1) if (keep.length < max && !seen.has(j)) { keep.push(j); seen.add(j); }
  const score = new Map();
  for (const j of hop1) if (seen.has(j)) for (const k of [...out[j], ...inc[j]]) {
    const o = E[k][0] === j ? E[k][1] : E[k][0];
    if (!seen.has(o)) score.set(o, (score.get(o) || 0) + 1);
  }
  const hop2 = [...score.entries()].filter(([, s]) => s >= (hop1.length > 1 ? 2 : 1))
    .sort((a, b) => b[1] - a[1] || (N[b[0]].n || 0) - (N[a[0]].n || 0) || a[0] - b[0]).map(([o]) => o);
  const room = Math.min(max - keep.length, 60);
  for (const o of hop2.slice(0, Math.max(0, room))) { keep.push(o); seen.add(o); }
  return {keep, hop1: hop1.length, hop2: hop2.length};
}
let current = null;
function drawNetwork(i) {
  const {keep, hop1, hop2} = neighbourhood(i);
  const set = new Set(keep);
  window.kgStable = false;
  // Seed positions on rings (centre, first hop, second hop) so the layout starts untangled and converges fast.
  const ring = (k, n, r) => ({x: r * Math.cos(2 * Math.PI * k / n), y: r * Math.sin(2 * Math.PI * k / n)});
  const n1 = Math.min(hop1, keep.length - 1), n2 = keep.length - 1 - n1;
  const r1 = Math.max(220, n1 * 22), r2 = r1 + Math.max(220, n2 * 12);
  nodesDS.clear(); edgesDS.clear();
  nodesDS.add(keep.map((j, k) => {
    const n = N[j];
    const pos = k === 0 ? {x: 0, y: 0} : k <= n1 ? ring(k - 1, n1, r1) : ring(k - 1 - n1, n2, r2);
    return {id: j, x: pos.x, y: pos.y, label: short(n.l, n.t === "Paper" ? 30 : 36), title: n.t + ": " + n.l,
      color: nodeColor(n.t), kgType: n.t, size: j === i ? 26 : n.t === "Paper" ? 9 : 10 + Math.min(14, Math.sqrt(n.n || 1) * 2),
      font: j === i ? {size: 20} : n.t === "Paper" ? {size: 13, color: "#4a525c"} : {size: 16}};
  }));
  const edges = [];
  E.forEach((e, k) => { if (set.has(e[0]) && set.has(e[1])) edges.push({id: k, from: e[0], to: e[1], title: e[2] === "related" ? "related" : e[2] + " (click for the sentence)",
    dashes: e[2] === "related"}); });
  edgesDS.add(edges);
  const total = new Set([...out[i].map(k => E[k][1]), ...inc[i].map(k => E[k][0])]).size;
  document.getElementById("netinfo").replaceChildren(el("strong", {}, "Neighbourhood of " + short(N[i].l, 60)),
    el("span", {class: "meta"}, " · " + keep.length + " nodes: " + Math.min(total, n1) + " of " + total + " direct neighbours" +
      (n2 ? ", " + n2 + " of " + hop2 + " second-hop nodes sharing several of them" : "") + (total > n1 ? " (bounded at " + D.maxNetworkNodes + ")" : "")),
    el("div", {class: "netlegend"}, ["Paper", ...ENTITY_TYPES].map(t => el("span", {class: "legend-item", "data-type": t},
      el("span", {class: "swatch", "data-type": t, style: "background:" + C[t]}), t))));
  // Repulsion grows with the neighbourhood: small ones stay compact enough to fit at a readable scale.
  const n = keep.length;
  const [gravity, spring] = n <= 30 ? [-4500, 140] : n <= 80 ? [-9000, 180] : [-16000, 220];
  network.setOptions({physics: {enabled: true, barnesHut: {gravitationalConstant: gravity, springLength: spring}}});
  network.stabilize(500);
}
function edgeInfo(k) {
  const e = E[k], box = document.getElementById("edgeinfo");
  box.replaceChildren(el("p", {class: "edge-head"}, link(e[0]), " " + (REL_TEXT[e[2]] || e[2]) + " ", link(e[1])),
    e[3] >= 0 ? el("blockquote", {id: "edge-sentence"}, S[e[3]]) : el("p", {class: "empty"}, "A name variant: no sentence behind it."),
    e[3] >= 0 ? el("p", {class: "meta"}, "rule " + e[5] + " · confidence " + fmtConf(e[4])) : null);
}
network.on("click", params => {
  if (params.nodes.length) { location.hash = "#n" + params.nodes[0]; return; }
  if (params.edges.length) edgeInfo(Number(params.edges[0]));
});

// ---------------------------------------------------------------- routing
function route() {
  const m = /^#n(\d+)$/.exec(location.hash);
  const i = m ? Number(m[1]) : NaN;
  if (!(i >= 0 && i < N.length)) { view.replaceChildren(...homeView()); return; }
  current = i;
  view.replaceChildren(...(N[i].t === "Paper" ? paperView(i) : entityView(i)).flat().filter(x => x !== null && x !== undefined));
  view.scrollTop = 0;
  document.title = N[i].l + " · paperkg explorer";
  document.getElementById("edgeinfo").replaceChildren(el("p", {class: "hint"}, "Click an edge to see the sentence it comes from; click a node to open it."));
  drawNetwork(i);
}
window.addEventListener("hashchange", route);
renderList();
route();
// Land on the corpus's most-used dataset or benchmark (its leaderboard), else on its top entity.
const landing = ranked.find(i => N[i].t === "Dataset" || N[i].t === "Benchmark");
if (!location.hash && ranked.length) location.hash = "#n" + (landing === undefined ? ranked[0] : landing);
