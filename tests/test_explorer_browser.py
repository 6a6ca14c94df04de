"""The explorer page in a real headless browser (Debian's chromium + chromium-driver through selenium).

What a person relies on: the page loads without console errors, every network node has its legend's
colour, searching "ImageNet" opens its leaderboard, clicking an edge shows its sentence, and a hostile
title stays text. Without a browser the tests skip locally and FAIL under CI=true (``.ci/run`` installs it).
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from graph_fixtures import ent, ev, record

from kg.export.html import COLORS, write_html
from kg.graph import KnowledgeGraph
from kg.model import EntityType, RelationType, Result

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
HOSTILE = '<img src=x onerror="window.__pwned=1"></script><script>window.__pwned=2</script>'


@pytest.fixture(scope="module")
def driver():
    missing = [name for name, path in (("chromium", CHROMIUM), ("chromedriver", CHROMEDRIVER)) if not path]
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.options import Options
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        missing.append("selenium")
    if missing:
        message = f"browser test needs {', '.join(missing)} (apt-get install chromium chromium-driver)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    opts = Options()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1600,1000"):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    drv = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    drv.set_script_timeout(30)
    yield drv
    drv.quit()


def _open(drv, page: Path) -> None:
    drv.get(page.resolve().as_uri())
    _wait(drv, "return window.kgStable === true")


def _wait(drv, script: str, timeout: float = 30.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = drv.execute_script(script)
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for: {script}")


def _errors(drv) -> list[dict]:
    """Console errors, and vis's layout complaint (logged, not raised) that the old page showed."""
    return [e for e in drv.get_log("browser")
            if e["level"] in ("SEVERE", "ERROR") or "could not be positioned" in e.get("message", "")]


def _search(drv, text: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    box = drv.find_element(By.ID, "search")
    box.clear()
    box.send_keys(text)
    _wait(drv, "return document.querySelectorAll('#suggest li').length > 0")
    box.send_keys(Keys.ENTER)
    _wait(drv, "return window.kgStable === true")  # the new view is drawn and laid out


_NODE_COLOURS = """
const legend = {};
document.querySelectorAll('#legend .swatch').forEach(s => {
  legend[s.dataset.type] = getComputedStyle(s).backgroundColor; });
const probe = document.createElement('span'); document.body.append(probe);
const rgb = c => { probe.style.color = c; return getComputedStyle(probe).color; };
// [type, colour given, legend colour, colour vis draws with (its resolved options)]
const drawn = id => kgNetwork.body.nodes[id].options.color.background;
const rows = kgNetwork.body.data.nodes.get().map(n => [n.kgType, rgb(n.color.background), legend[n.kgType] || null,
  drawn(n.id) ? rgb(drawn(n.id)) : null]);
probe.remove();
return rows;
"""


def test_sample_page_in_chromium(driver, sample_build):
    page = sample_build[0] / "graph.html"
    _open(driver, page)
    assert _errors(driver) == []

    # every node of every view visited has its legend colour (as drawn, not only as given)
    _search(driver, "ImageNet")
    _wait(driver, "const h = document.querySelector('#view h2'); return h && h.textContent === 'ImageNet'")
    _wait(driver, "return window.kgStable === true")
    title = driver.execute_script("return document.getElementById('leaderboard-title').textContent")
    assert title.startswith("Leaderboard (") and not title.startswith("Leaderboard (0")
    rows = driver.execute_script(
        "return [...document.querySelectorAll('#view table.board tbody tr')].map(r => r.textContent)")
    assert len(rows) >= 5 and any("%" in r for r in rows)
    for view in ("ImageNet", "LoRA", "accuracy"):
        _search(driver, view)
        _wait(driver, "return window.kgStable === true")
        nodes = driver.execute_script(_NODE_COLOURS)
        assert len(nodes) > 5
        assert {t for t, *_ in nodes} <= set(COLORS)
        bad = [n for n in nodes if not (n[1] == n[2] == n[3])]
        assert not bad, f"{len(bad)} nodes not in their legend colour, e.g. {bad[:3]}"
        bound = driver.execute_script(
            "return JSON.parse(document.getElementById('kg-data').textContent).maxNetworkNodes")
        assert len(nodes) <= bound
        # converged and readable: the layout settled, and labels (15-16 px) are drawn at >= 0.75 of their size
        assert driver.execute_script("return kgNetwork.getScale()") >= 0.75 - 1e-9

    # clicking an edge shows the sentence behind it
    _search(driver, "ImageNet")
    _wait(driver, "return window.kgStable === true")
    target = driver.execute_script("""
      const net = kgNetwork, box = document.getElementById('network').getBoundingClientRect();
      const data = JSON.parse(document.getElementById('kg-data').textContent);
      const pos = net.getPositions();
      let best = null;
      for (const e of net.body.data.edges.get()) {
        const edge = data.edges[e.id]; if (edge[3] < 0) continue;
        const a = net.canvasToDOM(pos[e.from]), b = net.canvasToDOM(pos[e.to]);
        const m = {x: (a.x + b.x) / 2, y: (a.y + b.y) / 2};
        if (m.x < 20 || m.y < 20 || m.x > box.width - 20 || m.y > box.height - 20) continue;
        // what vis itself finds at that point: this edge, and no node (nor a node's label)
        if (net.getNodeAt(m) !== undefined || String(net.getEdgeAt(m)) !== String(e.id)) continue;
        // distance from the midpoint to the nearest node: the click must land on the edge, not a node
        let near = Infinity;
        for (const p of Object.values(pos)) {
          const q = net.canvasToDOM(p); near = Math.min(near, Math.hypot(q.x - m.x, q.y - m.y)); }
        if (!best || near > best.near)
          best = {id: e.id, x: m.x, y: m.y, near, w: box.width, h: box.height, sentence: data.sentences[edge[3]]};
      }
      return best;""")
    assert target and target["near"] > 25
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    canvas = driver.find_element(By.ID, "network")
    ActionChains(driver).move_to_element_with_offset(
        canvas, int(target["x"] - target["w"] / 2), int(target["y"] - target["h"] / 2)).click().perform()
    shown = _wait(driver, "const q = document.getElementById('edge-sentence'); return q && q.textContent")
    assert shown == target["sentence"]
    assert _errors(driver) == []


def _hostile_graph() -> KnowledgeGraph:
    a = record("t:h", HOSTILE, [
        ent("e0", EntityType.METHOD, "<b>Bold</b>Net"),
        ent("e1", EntityType.DATASET, "ImageNet", lexicon_id="dataset:imagenet"),
        ent("e2", EntityType.METRIC, "top-1 error", lexicon_id=None),
    ], [(RelationType.PROPOSES, "e0"), (RelationType.USES, "e1"), (RelationType.MEASURES, "e2")],
        results=(Result(21.5, "21.5%", ev("<i>BoldNet</i> reaches 21.5% top-1 error on ImageNet & more."), "%",
                        "e0", "e1", "e2"),))
    b = record("t:g", "A plain paper", [ent("e0", EntityType.DATASET, "ImageNet", lexicon_id="dataset:imagenet")],
               [(RelationType.USES, "e0")])
    return KnowledgeGraph.from_extractions([a, b])


def test_hostile_title_stays_text(driver, tmp_path):
    page = write_html(_hostile_graph(), tmp_path / "hostile.html")
    _open(driver, page)
    _search(driver, "img src")
    _wait(driver, "const h = document.querySelector('#view h2'); return h && h.textContent.includes('onerror')")
    state = driver.execute_script("""return {
      h2: document.querySelector('#view h2').textContent, pwned: window.__pwned === undefined ? null : window.__pwned,
      imgs: document.querySelectorAll('img').length, bold: document.querySelectorAll('#view b, #view i').length,
      method: [...document.querySelectorAll('#view a.node-link')].map(a => a.textContent),
      sentence: [...document.querySelectorAll('#view .sentence')].map(s => s.textContent)}""")
    assert state["h2"] == HOSTILE
    assert state["pwned"] is None and state["imgs"] == 0 and state["bold"] == 0
    assert "<b>Bold</b>Net" in state["method"]
    assert "<i>BoldNet</i> reaches 21.5% top-1 error on ImageNet & more." in state["sentence"]
    assert _errors(driver) == []


@pytest.mark.parametrize(("higher", "order"), [(None, ["30.5", "21.5", "12.0"]), (True, ["30.5", "21.5", "12.0"]),
                                               (False, ["12.0", "21.5", "30.5"])])
def test_leaderboard_follows_the_metric_direction(driver, tmp_path, higher, order):
    """Rows ordered by the metric node's `higher_is_better` (absent: higher is better)."""
    papers = [record(f"t:{i}", f"Paper {i}", [ent("e0", EntityType.METHOD, f"Net{i}"),
                                             ent("e1", EntityType.DATASET, "ImageNet", lexicon_id="dataset:imagenet"),
                                             ent("e2", EntityType.METRIC, "top-1 error")],
                     [(RelationType.PROPOSES, "e0"), (RelationType.USES, "e1")],
                     results=(Result(v, f"{v}", ev(f"Net{i} gets {v} top-1 error on ImageNet."), "",
                                     "e0", "e1", "e2"),))
              for i, v in enumerate((21.5, 12.0, 30.5))]
    graph = KnowledgeGraph.from_extractions(papers)
    metric = next(n for n, a in graph.nx.nodes(data=True) if a["label"] == "top-1 error")
    if higher is None:  # no known direction: the page's default, higher is better
        graph._g.nodes[metric].pop("higher_is_better", None)
    else:
        graph._g.nodes[metric]["higher_is_better"] = higher
    _open(driver, write_html(graph, tmp_path / f"board-{higher}.html"))
    _search(driver, "ImageNet")
    values = driver.execute_script(
        "return [...document.querySelectorAll('#view table.board .value')].map(v => v.textContent)")
    assert values == order
    assert _errors(driver) == []
