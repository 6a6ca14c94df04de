"""The SPARQL store, the query library on the sample graph, `kg query`, `kg serve` and analytics."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg import analytics
from kg.cli import app
from kg.errors import QueryError, StoreError
from kg.pipeline import load_graph
from kg.server import make_server, negotiate
from kg.store import Store, load_queries


@pytest.fixture(scope="module")
def store_dir(sample_build) -> Path:
    return sample_build[0] / "store"


@pytest.fixture(scope="module")
def store(store_dir):
    with Store.open_read_only(store_dir) as st:
        yield st


def rows(store, name: str) -> list[list[str]]:
    return store.query(load_queries()[name].sparql).text_rows()


def test_library_has_the_promised_queries():
    assert set(load_queries()) == {
        "most-used-datasets", "metrics-per-task", "method-beats", "beats-chains", "dataset-usage-over-time",
        "datasets-co-used-with-method", "best-result", "proposals-per-year", "claim-evidence",
        "entity-aliases", "proposals-and-baselines", "who-beats-whom"}
    assert all(q.description for q in load_queries().values())


def test_most_used_datasets(store):
    r = rows(store, "most-used-datasets")
    assert r[0][1] == "ImageNet" and int(r[0][2]) >= 30
    labels = [row[1] for row in r]
    assert {"CIFAR-10", "COCO", "CIFAR-100"} <= set(labels)
    counts = [int(row[2]) for row in r]
    assert counts == sorted(counts, reverse=True)


def test_metrics_per_task(store):
    r = rows(store, "metrics-per-task")
    assert ["image classification", "accuracy"] in [row[:2] for row in r]


def test_method_beats_direct_and_two_hop(store):
    r = rows(store, "method-beats")
    direct = {row[1] for row in r if row[3] == "1"}
    assert {"LoRA", "PiSSA"} <= direct  # PiSSA: the short name the paper coins is the label
    assert any(row[3] == "2" and row[1] == "LoRA" for row in r)
    chains = rows(store, "beats-chains")
    assert any(c[2] == "LoRA" for c in chains)


def test_usage_over_time_and_proposals_per_year(store):
    r = rows(store, "dataset-usage-over-time")
    imagenet_years = {int(row[1]) for row in r if row[0] == "ImageNet"}
    assert len(imagenet_years) >= 3 and all(2000 < y < 2030 for y in imagenet_years)
    per_year = rows(store, "proposals-per-year")
    assert [int(y) for y, *_ in per_year] == sorted(int(y) for y, *_ in per_year)
    assert sum(int(n) for _, n, _ in per_year) >= 50


def test_co_used_datasets_and_best_result(store):
    assert {"GLUE", "GSM8K", "MATH"} <= {row[0] for row in rows(store, "datasets-co-used-with-method")}
    best = rows(store, "best-result")
    assert best and all(float(row[2]) == float(row[2]) for row in best)
    cifar = [row for row in best if row[0] == "CIFAR-10"]
    assert cifar


def test_best_result_leaves_out_changes_and_compressions(store):
    best = {(row[0], row[1]): float(row[2]) for row in rows(store, "best-result")}
    # "compresses ResNet-20 to 40.3% without accuracy drop" is no CIFAR-10 accuracy
    assert best.get(("CIFAR-10", "accuracy")) != 40.3
    # "0.21% top-1 accuracy increase" is a change, not the best ImageNet top-1 accuracy
    assert best.get(("ImageNet", "top-1 accuracy")) != 0.21
    deltas = store.query("SELECT (COUNT(?r) AS ?n) WHERE { ?r kg:delta true }").text_rows()
    assert int(deltas[0][0]) >= 20


def test_who_beats_whom(store):
    r = rows(store, "who-beats-whom")
    assert r
    for winner, loser, _dataset, _metric, _value, rule, conf, sentence, _title in r:
        assert winner != loser and sentence and 0 < float(conf) <= 1
        assert rule.startswith("kg_relations:beats:") or rule == "derived:results"
    # a margin over a named baseline, on the dataset the sentence names
    assert ["GLC", "UMAD", "VisDA", "", "14.8"] in [row[:5] for row in r]
    assert ["PaCA", "LoRA", "training time", "22"] in [row[:2] + row[3:5] for row in r]
    # one winner per beaten baseline and sentence: never every proposal paired with every baseline
    pairs = [(row[8], row[1], row[7]) for row in r if row[5] != "derived:results"]
    assert len(pairs) == len(set(pairs))
    cross = store.query("""SELECT (COUNT(*) AS ?n) WHERE { ?p kg:proposes ?m ; kg:beats ?b . ?m a kg:Method .
                           FILTER(?m != ?b) }""").text_rows()
    assert len(r) < int(cross[0][0])


def test_best_result_honours_metric_direction(tmp_path):
    """Lowest word error rate, highest accuracy; a change ("by 1.0 point") is never the best value."""
    from graph_fixtures import ent, ev, record

    from kg.export.rdf import write_ntriples
    from kg.graph import KnowledgeGraph
    from kg.model import EntityType, RelationType, Result

    def paper(pid: str, wer: float, acc: float, delta: bool = False):
        ents = [ent("e0", EntityType.METHOD, f"Method{pid}"), ent("e1", EntityType.DATASET, "LibriSpeech"),
                ent("e2", EntityType.METRIC, "WER"), ent("e3", EntityType.METRIC, "accuracy")]
        res = (Result(wer, f"{wer}%", ev(f"It gets {wer}% WER."), "%", "e0", "e1", "e2", delta=delta),
               Result(acc, f"{acc}%", ev(f"It gets {acc}% accuracy."), "%", "e0", "e1", "e3", delta=delta))
        return record(f"t:{pid}", f"Paper {pid}", ents, [(RelationType.PROPOSES, "e0")], results=res)

    graph = KnowledgeGraph.from_extractions([paper("a", 3.2, 81.0), paper("b", 4.1, 84.5),
                                             paper("c", 1.0, 99.0, delta=True)])
    nt = write_ntriples(graph, tmp_path / "g.nt")
    with Store.open(tmp_path / "store") as st:
        st.sync(nt)
        got = {(row[0], row[1]): (float(row[2]), row[4]) for row in st.query(load_queries()["best-result"].sparql)
               .text_rows()}
    assert got == {("LibriSpeech", "WER"): (3.2, "Methoda"), ("LibriSpeech", "accuracy"): (84.5, "Methodb")}


def test_claim_evidence_and_aliases(store):
    ev = rows(store, "claim-evidence")
    assert ev
    for _title, rel, _target, _sentence, section, start, end, rule, conf in ev:
        assert rel.endswith("#beats") and section in ("title", "abstract")
        assert int(start) < int(end) and 0 <= float(conf) <= 1 and rule.startswith("kg_")
    aliases = {row[2]: row[3] for row in rows(store, "entity-aliases")}
    assert "3DGS" in aliases.get("3D Gaussian Splatting", "")
    pb = rows(store, "proposals-and-baselines")
    assert any("LoRA" in row[2] for row in pb)


def test_query_errors(store, tmp_path):
    with pytest.raises(QueryError, match=r"1:\d+"):
        store.query("SELECT ?x WHERE { ?x ")
    with pytest.raises(StoreError, match="run `kg build` first"):
        Store.open_read_only(tmp_path / "nowhere")


def test_store_sync_is_incremental(sample_build, tmp_path):
    out, _ = sample_build
    with Store.open(tmp_path / "s") as st:
        first = st.sync(out / "graph.nt")
        assert first.added == first.triples > 10_000 and first.removed == 0
        again = st.sync(out / "graph.nt")
        assert (again.added, again.removed) == (0, 0)
        lines = (out / "graph.nt").read_text(encoding="utf-8").splitlines()
        smaller = tmp_path / "smaller.nt"
        smaller.write_text("\n".join(lines[:-10]) + "\n", encoding="utf-8")
        third = st.sync(smaller)
        assert (third.added, third.removed) == (0, 10)
        assert len(st) == third.triples


def test_cli_query_table_and_formats(store_dir):
    runner = CliRunner()
    res = runner.invoke(app, ["query", "queries/most-used-datasets.rq", "--store", str(store_dir)])
    assert res.exit_code == 0, res.output
    assert "ImageNet" in res.stdout
    res = runner.invoke(app, ["query", "most-used-datasets", "--store", str(store_dir), "--format", "json"])
    data = json.loads(res.stdout)
    assert data["head"]["vars"] == ["dataset", "label", "papers"]
    res = runner.invoke(app, ["query", "SELECT ?p WHERE { ?p a kg:Paper } LIMIT 3", "--store", str(store_dir), "-f", "csv"])
    assert res.stdout.splitlines()[0] == "p" and len(res.stdout.splitlines()) == 4


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["SELECT ?x WHERE { ?x "], "SPARQL syntax error"),
        (["most-used-datasets", "--store", "/nonexistent/store"], "no store at /nonexistent/store"),
        (["missing.rq"], "no such query file"),
    ],
)
def test_cli_query_errors(store_dir, args, message):
    if "--store" not in args:
        args = [*args, "--store", str(store_dir)]
    res = CliRunner().invoke(app, ["query", *args])
    assert res.exit_code != 0
    assert message in res.output and "Traceback" not in res.output


# ------------------------------------------------------------------ the endpoint

@pytest.fixture(scope="module")
def endpoint(store_dir):
    server = make_server(store_dir, "127.0.0.1", 0, timeout=5.0, max_rows=2000)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    yield f"http://{host}:{port}/sparql"
    server.shutdown()
    server.server_close()


def _get(url: str, headers: dict[str, str] | None = None, data: bytes | None = None) -> tuple[int, str, bytes]:
    req = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.headers.get("Content-Type", ""), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get("Content-Type", ""), err.read()


SELECT = "SELECT ?l WHERE { ?d a kg:Dataset ; rdfs:label ?l } ORDER BY ?l LIMIT 5"


@pytest.mark.parametrize(
    ("accept", "ctype", "check"),
    [
        ("application/sparql-results+json", "application/sparql-results+json", lambda b: json.loads(b)["head"]["vars"] == ["l"]),
        ("application/sparql-results+xml", "application/sparql-results+xml", lambda b: b.startswith(b"<?xml")),
        ("text/csv", "text/csv", lambda b: b.splitlines()[0] == b"l"),
        ("text/tab-separated-values", "text/tab-separated-values", lambda b: b.splitlines()[0] == b"?l"),
        ("", "application/sparql-results+json", lambda b: len(json.loads(b)["results"]["bindings"]) == 5),
    ],
)
def test_endpoint_get_content_negotiation(endpoint, accept, ctype, check):
    status, got_type, body = _get(f"{endpoint}?query={urllib.parse.quote(SELECT)}", {"Accept": accept} if accept else {})
    assert status == 200 and got_type.startswith(ctype)
    assert check(body)


def test_endpoint_post_construct_and_ask(endpoint):
    q = "CONSTRUCT { ?d rdfs:label ?l } WHERE { ?d a kg:Benchmark ; rdfs:label ?l } LIMIT 3"
    status, ctype, body = _get(endpoint, {"Content-Type": "application/sparql-query", "Accept": "text/turtle"}, q.encode())
    assert status == 200 and ctype.startswith("text/turtle") and b"label" in body
    form = urllib.parse.urlencode({"query": "ASK { ?p a kg:Paper }"}).encode()
    status, _, body = _get(endpoint, {"Content-Type": "application/x-www-form-urlencoded"}, form)
    assert status == 200 and json.loads(body)["boolean"] is True


@pytest.mark.parametrize(
    ("kind", "status"),
    [("update-param", 403), ("update-body", 403), ("update-in-query", 403), ("syntax", 400), ("too-big", 413), ("no-query", 400)],
)
def test_endpoint_refuses_bad_requests(endpoint, kind, status):
    if kind == "update-param":
        got = _get(f"{endpoint}?update={urllib.parse.quote('DELETE WHERE { ?s ?p ?o }')}")
    elif kind == "update-body":
        got = _get(endpoint, {"Content-Type": "application/sparql-update"}, b"INSERT DATA { <a:b> <a:c> <a:d> }")
    elif kind == "update-in-query":
        got = _get(f"{endpoint}?query={urllib.parse.quote('PREFIX x: <a:> DROP ALL')}")
    elif kind == "syntax":
        got = _get(f"{endpoint}?query={urllib.parse.quote('SELECT ?x WHERE {')}")
    elif kind == "too-big":
        got = _get(f"{endpoint}?query={urllib.parse.quote('SELECT * WHERE { ?s ?p ?o }')}")
    else:
        got = _get(endpoint)
    assert got[0] == status, got


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_endpoint_with_curl(endpoint):
    out = subprocess.run(
        ["curl", "-sS", "--max-time", "10", "-H", "Accept: application/sparql-results+json",
         "--data-urlencode", "query=SELECT (COUNT(*) AS ?n) WHERE { ?p a kg:Paper }", endpoint],
        capture_output=True, text=True, timeout=20, check=True)
    assert int(json.loads(out.stdout)["results"]["bindings"][0]["n"]["value"]) == 502


@pytest.mark.parametrize(
    ("accept", "kind", "fmt"),
    [("text/csv, */*;q=0.1", "select", "csv"), ("image/png", "select", None), ("*/*", "graph", "turtle"),
     ("application/n-triples", "graph", "ntriples")],
)
def test_negotiate(accept, kind, fmt):
    assert negotiate(accept, kind) == fmt


# ------------------------------------------------------------------ analytics and kg stats

@pytest.fixture(scope="module")
def G(sample_build):
    return load_graph(sample_build[0]).nx


def test_analytics(G):
    pop = analytics.dataset_popularity(G, 3)
    assert pop[0][0] == "ImageNet" and pop[0][1] >= pop[1][1] >= pop[2][1]
    ranking = analytics.method_ranking(G, 10)
    assert len(ranking) == 10 and abs(sum(s for _, s in analytics.method_ranking(G)) - 1.0) < 1e-3
    assert "LoRA" in [m for m, _ in analytics.method_ranking(G)]
    comms = analytics.co_usage_communities(G)
    assert comms and any("ImageNet" in c for c in comms)
    adoption = analytics.adoption_over_time(G, top=3)
    assert len(adoption["series"]) == 3 and adoption["undated"] > 0
    assert all(len(v) == len(adoption["years"]) for v in adoption["series"].values())
    summary = analytics.graph_summary(G)
    assert summary["nodes_by_type"]["Paper"] == 502 and summary["components"] >= 1


def test_beats_graph_direction():
    import networkx as nx

    G = nx.MultiDiGraph()
    G.add_node("p", type="Paper", label="P")
    G.add_node("new", type="Method", label="New")
    G.add_node("old", type="Method", label="Old")
    G.add_edge("p", "new", key="proposes")
    G.add_edge("p", "old", key="beats")
    D = analytics.beats_graph(G)
    assert list(D.edges) == [("old", "new")]
    assert analytics.method_ranking(G)[0][0] == "New"


def test_beats_graph_uses_the_comparison_winner():
    """A paper proposing a system and its component: only the system the comparison names beats the baseline."""
    import networkx as nx

    G = nx.MultiDiGraph()
    G.add_node("p", type="Paper", label="P")
    for n in ("system", "part", "old"):
        G.add_node(n, type="Method", label=n.title())
    G.add_node("c", type="Comparison", label="System > Old")
    G.add_edge("p", "system", key="proposes")
    G.add_edge("p", "part", key="proposes")
    G.add_edge("p", "old", key="beats")
    G.add_edge("p", "c", key="claims")
    G.add_edge("c", "system", key="winner")
    G.add_edge("c", "old", key="loser")
    assert list(analytics.beats_graph(G).edges) == [("old", "system")]


def test_cli_stats_report(sample_build, tmp_path):
    res = CliRunner().invoke(app, ["stats", str(sample_build[0]), "--report", str(tmp_path / "rep")])
    assert res.exit_code == 0, res.output
    assert "most-used datasets" in res.stdout
    for name in ("dataset_popularity.png", "adoption_over_time.png", "beats_network.png", "dataset_popularity.csv",
                 "method_ranking.csv", "co_usage_communities.csv", "adoption_over_time.csv", "summary.csv"):
        assert (tmp_path / "rep" / name).stat().st_size > 100, name
    assert (tmp_path / "rep" / "dataset_popularity.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def _readme_queries() -> list[str]:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```sparql\n(.*?)```", readme, flags=re.S)


def test_readme_documents_three_queries():
    assert len(_readme_queries()) >= 3


@pytest.mark.parametrize("index", range(3))
def test_readme_queries_run_on_the_sample_graph(store, index):
    result = store.query(_readme_queries()[index])
    assert result.kind == "select"
    assert len(result.rows) >= 3  # each README example shows real rows on the sample graph
    assert all(all(cell is not None for cell in row[:2]) for row in result.rows)


# ------------------------------------------------------------------ the read side: row caps and graph formats


@pytest.mark.parametrize(
    ("sparql", "cap", "n", "complete"),
    [
        ("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }", 1000, 1000, False),  # 10^9 rows: stops after the cap
        ("SELECT ?p WHERE { ?p a kg:Paper }", 502, 502, True),  # exactly the cap is complete
        ("SELECT ?p WHERE { ?p a kg:Paper }", 501, 501, False),
        ("CONSTRUCT WHERE { ?a ?b ?c . ?d ?e ?f }", 50, 50, False),
        ("CONSTRUCT { ?p a kg:Paper } WHERE { ?p a kg:Paper }", None, 502, True),
    ],
)
def test_query_stops_at_the_row_cap(store, sparql, cap, n, complete):
    import time

    t0 = time.perf_counter()
    result = store.query(sparql, max_rows=cap)
    assert len(result.rows or result.triples or []) == n and result.complete is complete
    assert time.perf_counter() - t0 < 5  # the lazy iterator is never drained


@pytest.mark.parametrize(
    ("fmt", "parse"),
    [("turtle", "turtle"), ("ntriples", "nt"), ("rdfxml", "xml"), ("jsonld", "json-ld")],
)
def test_cli_query_construct_formats(store_dir, fmt, parse):
    from rdflib import RDFS, Graph

    q = "CONSTRUCT { ?d rdfs:label ?l } WHERE { ?d a kg:Benchmark ; rdfs:label ?l } ORDER BY ?l LIMIT 5"
    res = CliRunner().invoke(app, ["query", q, "--store", str(store_dir), "--format", fmt])
    assert res.exit_code == 0, res.output
    g = Graph().parse(data=res.stdout, format=parse)
    assert len(set(g.objects(None, RDFS.label))) == 5


def test_cli_query_construct_as_csv(store_dir):
    q = "CONSTRUCT { ?d rdfs:label ?l } WHERE { ?d a kg:Benchmark ; rdfs:label ?l } ORDER BY ?l LIMIT 5"
    res = CliRunner().invoke(app, ["query", q, "--store", str(store_dir), "--format", "csv"])
    lines = res.stdout.splitlines()
    assert lines[0] == "subject,predicate,object" and len(lines) == 6
