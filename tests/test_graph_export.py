"""Graph model, RDF vocabulary, every exporter's round trip, SHACL, schemas."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import networkx as nx
import pytest
from graph_fixtures import ent, ev, lora_papers, record
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.compare import isomorphic, to_isomorphic

from kg.export import EXPORTERS, FILENAMES, export_all
from kg.graph import KnowledgeGraph
from kg.model import EntityType, RelationType, Result
from kg.validate import validate
from kg.vocab import KG

REPO = Path(__file__).parents[1]
GOLDEN = Path(__file__).parent / "data" / "graph" / "golden.ttl"


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    return KnowledgeGraph.from_extractions(lora_papers())


def test_golden_rdf_is_isomorphic(kg):
    """The RDF of a fixed small input equals the checked-in golden Turtle (regenerate it deliberately with
    `python -c "…"` only when the vocabulary changes on purpose)."""
    expected = Graph().parse(GOLDEN, format="turtle")
    got = kg.to_rdf()
    if not isomorphic(got, expected):
        missing = to_isomorphic(expected) - to_isomorphic(got)
        extra = to_isomorphic(got) - to_isomorphic(expected)
        pytest.fail(f"RDF changed: {len(missing)} triples missing, {len(extra)} extra, e.g. {list(extra)[:3]}")


def test_vocabulary_contract(kg):
    g = kg.to_rdf()
    papers = set(g.subjects(RDF.type, KG.Paper))
    assert len(papers) == 5
    q = """SELECT ?title ?value ?unit ?m ?d ?x WHERE {
        ?p kg:reports ?r ; dcterms:title ?title . ?r a kg:Result ; kg:value ?value ; kg:unit ?unit ;
        kg:method/rdfs:label ?m ; kg:dataset/rdfs:label ?d ; kg:metric/rdfs:label ?x . }"""
    rows = list(g.query(q, initNs={"kg": KG._NS, "dcterms": "http://purl.org/dc/terms/",
                                  "rdfs": "http://www.w3.org/2000/01/rdf-schema#"}))
    assert sorted((str(r[0]), float(r[1]), str(r[2]), str(r[3]), str(r[4]), str(r[5])) for r in rows) == [
        ("LoRA-Drop", 1.2, "points", "LoRA-Drop", "GLUE", "accuracy"),
        ("LoRA-Drop", 88.1, "%", "LoRA-Drop", "GLUE", "accuracy")]
    ns = {"kg": KG._NS, "rdfs": "http://www.w3.org/2000/01/rdf-schema#"}
    # a change says so, and what it is relative to; an absolute value carries no kg:delta
    deltas = list(g.query("SELECT ?v ?ref WHERE { ?r kg:delta true ; kg:value ?v ; kg:relativeTo/rdfs:label ?ref }",
                          initNs=ns))
    assert [(float(v), str(ref)) for v, ref in deltas] == [(1.2, "LoRA")]
    # the comparison names the winning method (not every proposal) and what it was measured on
    comps = list(g.query("""SELECT ?w ?l ?d ?x ?v WHERE { ?p kg:claims ?c . ?c a kg:Comparison ;
        kg:winner/rdfs:label ?w ; kg:loser/rdfs:label ?l ; kg:dataset/rdfs:label ?d ; kg:metric/rdfs:label ?x ;
        kg:value ?v ; kg:sentence ?s ; kg:rule ?rule ; kg:confidence ?conf }""", initNs=ns))
    assert [tuple(map(str, row[:4])) + (float(row[4]),) for row in comps] == [
        ("LoRA-Drop", "LoRA", "GLUE", "accuracy", 1.2)]
    accuracy = next(g.subjects(URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("accuracy")))
    assert g.value(accuracy, KG.higherIsBetter) == Literal(True)
    # evidence of every paper → entity edge is reachable through its claim
    claims = list(g.subjects(RDF.type, KG.Claim))
    assert len(claims) == sum(len(ex.relations) for ex in lora_papers())
    for c in claims:
        assert g.value(c, KG.sentence) is not None and g.value(c, KG.confidence) is not None
    # a Benchmark is also typed Dataset so `?d a kg:Dataset` finds it
    glue = next(g.subjects(URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("GLUE")))
    assert (glue, RDF.type, KG.Dataset) in g and (glue, RDF.type, KG.Benchmark) in g
    ttl = kg.to_rdf().serialize(format="turtle")
    assert "@prefix kg: <https://w3id.org/paperkg/ontology#>" in ttl


def test_iris_stable_across_builds_and_additions():
    records = lora_papers()
    one = set(KnowledgeGraph.from_extractions(records).nx.nodes)
    two = set(KnowledgeGraph.from_extractions(list(reversed(records))).nx.nodes)
    assert one == two
    extra = record("t:z", "Another", [ent("e0", EntityType.DATASET, "MNIST")], [(RelationType.USES, "e0")])
    grown = set(KnowledgeGraph.from_extractions([*records, extra]).nx.nodes)
    assert one <= grown


def test_records_of_format_1_0_still_build():
    """A cached 1.0 record (no kg:delta, no comparisons) reads back and builds a conforming graph."""
    from kg.model import Extraction

    old = []
    for ex in lora_papers():
        d = ex.to_dict()
        d["version"] = "1.0"
        d.pop("comparisons")
        for r in d["results"]:
            r.pop("delta", None)
            r.pop("relative_to", None)
        old.append(Extraction.from_dict(d))
    assert all(not ex.comparisons and not any(r.delta for r in ex.results) for ex in old)
    graph = KnowledgeGraph.from_extractions(old)
    assert graph.summary()["comparisons"] == 0 and validate(graph.to_rdf()).conforms


def test_summary_and_scalar_attributes(kg):
    s = kg.summary()
    assert s["papers"] == 5 and s["results"] == 2 and s["comparisons"] == 1 and s["edges: related"] == 2
    for _, attrs in kg.nx.nodes(data=True):
        assert all(isinstance(v, (str, int, float, bool)) for v in attrs.values())
    for *_, attrs in kg.nx.edges(keys=True, data=True):
        assert all(isinstance(v, (str, int, float, bool)) for v in attrs.values())


# ------------------------------------------------------------------ one round trip per exporter

def _roundtrip_rdf(fmt: str):
    def check(kg: KnowledgeGraph, path: Path) -> None:
        assert isomorphic(Graph().parse(path, format=fmt), kg.to_rdf())
    return check


def _roundtrip_graphml(kg: KnowledgeGraph, path: Path) -> None:
    import igraph

    back = nx.read_graphml(path, force_multigraph=True)
    assert (back.number_of_nodes(), back.number_of_edges()) == (kg.nx.number_of_nodes(), kg.nx.number_of_edges())
    node = next(n for n, t in kg.nx.nodes(data="type") if t == "Paper")
    assert back.nodes[node]["year"] == kg.nx.nodes[node]["year"] and isinstance(back.nodes[node]["year"], int)
    ig = igraph.Graph.Read_GraphML(str(path))
    assert (ig.vcount(), ig.ecount()) == (kg.nx.number_of_nodes(), kg.nx.number_of_edges())
    assert "label" in ig.vs.attributes() and "relation" in ig.es.attributes()


def _roundtrip_html(kg: KnowledgeGraph, path: Path) -> None:
    page = path.read_text(encoding="utf-8")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page), "page loads a remote resource"
    assert "new vis.Network" in page
    for _, a in kg.nx.nodes(data=True):
        label = a["label"]
        if len(label) < 40:  # papers, entities, results and comparisons are all in the page
            assert label.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") in page


def _roundtrip_csv(kind: str):
    def check(kg: KnowledgeGraph, path: Path) -> None:
        with path.open(encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        if kind == "nodes":
            assert {r["id"] for r in rows} == set(kg.nx.nodes)
        else:
            assert len(rows) == kg.nx.number_of_edges()
            assert {(r["source"], r["target"], r["key"]) for r in rows} == set(kg.nx.edges(keys=True))
    return check


def _roundtrip_neo4j(kg: KnowledgeGraph, path: Path) -> None:
    """Headers in neo4j-admin's form, one row per node/edge of the graph, and a load script naming every file."""
    g = kg.nx
    node_types: dict[str, int] = {}
    for _, t in g.nodes(data="type"):
        node_types[t] = node_types.get(t, 0) + 1
    rel_types: dict[str, int] = {}
    for *_, k in g.edges(keys=True):
        rel_types[k.upper()] = rel_types.get(k.upper(), 0) + 1
    assert {p.name for p in path.glob("nodes_*.csv")} == {f"nodes_{t}.csv" for t in node_types}
    assert {p.name for p in path.glob("rels_*.csv")} == {f"rels_{r}.csv" for r in rel_types}
    seen: set[str] = set()
    for t, count in node_types.items():
        with (path / f"nodes_{t}.csv").open(encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
        header = rows[0]
        assert header[0] == "iri:ID" and header[-1] == ":LABEL" and "label:string" in header
        assert all(re.fullmatch(r"\w+:(string|int|float|boolean|string\[\])", h) for h in header[1:-1]), header
        assert len(rows) - 1 == count
        assert {r[-1] for r in rows[1:]} == {"Node;Benchmark;Dataset" if t == "Benchmark" else f"Node;{t}"}
        seen |= {r[0] for r in rows[1:]}
    assert seen == set(g.nodes)
    for r, count in rel_types.items():
        with (path / f"rels_{r}.csv").open(encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        assert len(rows) == count
        assert all(row[":TYPE"] == r and row[":START_ID"] in seen and row[":END_ID"] in seen for row in rows)
        if r in ("USES", "PROPOSES", "BEATS", "MEASURES", "ADDRESSES"):
            assert all(row["sentence:string"] and 0 <= float(row["confidence:float"]) <= 1 for row in rows)
    glue = next(n for n, a in g.nodes(data=True) if a["label"] == "GLUE")
    assert f"{glue},GLUE" in (path / "nodes_Benchmark.csv").read_text(encoding="utf-8")
    cypher = (path / "load.cypher").read_text(encoding="utf-8")
    script = (path / "import.sh").read_text(encoding="utf-8")
    for f in path.glob("*.csv"):
        assert f"file:///{f.name}" in cypher and f"={f.name}" in script
    assert cypher.count("LOAD CSV WITH HEADERS") == len(node_types) + len(rel_types)
    assert "MERGE (a)-[r:USES]->(b)" in cypher and "toFloat(row.`confidence:float`)" in cypher


ROUND_TRIPS = {
    "turtle": _roundtrip_rdf("turtle"),
    "ntriples": _roundtrip_rdf("nt"),
    "jsonld": _roundtrip_rdf("json-ld"),
    "graphml": _roundtrip_graphml,
    "html": _roundtrip_html,
    "csv-nodes": _roundtrip_csv("nodes"),
    "csv-edges": _roundtrip_csv("edges"),
    "neo4j": _roundtrip_neo4j,
}


def test_every_exporter_has_a_round_trip_test():
    assert set(EXPORTERS) == set(ROUND_TRIPS), "a format was registered without a round-trip test"


@pytest.mark.parametrize("fmt", sorted(EXPORTERS))
def test_exporter_round_trip_and_no_mutation(kg, tmp_path, fmt):
    before = (nx.to_dict_of_dicts(nx.MultiDiGraph(kg.nx)), dict(kg.nx.nodes(data=True)))
    path = EXPORTERS[fmt](kg, tmp_path / FILENAMES[fmt])
    assert path.exists() and (path.is_dir() or path.stat().st_size > 0)
    ROUND_TRIPS[fmt](kg, path)
    assert (nx.to_dict_of_dicts(nx.MultiDiGraph(kg.nx)), dict(kg.nx.nodes(data=True))) == before
    assert not list(tmp_path.rglob(".*.tmp")), "temporary file left behind"
    assert not (Path.cwd() / "lib").exists() or (Path.cwd() / "lib").stat().st_mtime < path.stat().st_mtime - 60


def test_html_escapes_untrusted_text(tmp_path):
    evil = "<img src=x onerror=alert(1)>"
    rec = record("t:x", evil + "</script><script>alert(2)</script>", [ent("e0", EntityType.METHOD, evil)],
                 [(RelationType.PROPOSES, "e0")])
    kg = KnowledgeGraph.from_extractions([rec])
    page = EXPORTERS["html"](kg, tmp_path / "g.html").read_text(encoding="utf-8")
    assert "<img" not in page
    assert "onerror=alert(1)>" not in page
    assert "<script>alert(2)" not in page and "</script><script>alert" not in page
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in page


def test_neo4j_carries_attributes_added_to_the_graph(tmp_path):
    """Columns follow the graph's attributes: a metric's direction and a result's kind reach Neo4j typed."""
    from kg.export.neo4j import write_neo4j

    g = KnowledgeGraph.from_extractions(lora_papers())
    metric = next(n for n, t in g.nx.nodes(data="type") if t == "Metric")
    result = next(n for n, t in g.nx.nodes(data="type") if t == "Result")
    g._g.nodes[metric]["higher_is_better"] = False
    g._g.nodes[result]["delta"] = True
    out = write_neo4j(g, tmp_path / "neo4j")
    with (out / "nodes_Metric.csv").open(encoding="utf-8") as fh:
        row = next(csv.DictReader(fh))
    assert row["higher_is_better:boolean"] == "false" and row["label:string"] == "accuracy"
    with (out / "nodes_Result.csv").open(encoding="utf-8") as fh:
        row = next(csv.DictReader(fh))
    assert row["delta:boolean"] == "true" and row["value:float"] == "88.1"
    cypher = (out / "load.cypher").read_text(encoding="utf-8")
    assert "n.higher_is_better = (row.`higher_is_better:boolean` = 'true')" in cypher


def test_html_reduces_large_graphs_and_says_so(kg, tmp_path):
    from kg.export.html import explorer_data, write_html

    page = write_html(kg, tmp_path / "small.html", max_entities=3, max_papers=2).read_text(encoding="utf-8")
    assert "Reduced view: the 3 entities named by most papers" in page
    assert "--focus NAME" in page and "--max-entities N" in page and "graph.graphml" in page
    data = explorer_data(kg, max_entities=3, max_papers=2)
    assert sum(1 for n in data["nodes"] if n["t"] != "Paper") == 3
    assert sum(1 for n in data["nodes"] if n["t"] == "Paper") <= 2


@pytest.mark.parametrize(("focus", "center", "papers"), [
    ("GLUE", "GLUE", {"LoRA-Drop"}),
    ("low-rank adaptation", "LoRA", {"LoRA-Drop", "Sparse LoRA"}),  # an alias finds the entity
    ("Vision Stuff", "Vision Stuff", {"Vision Stuff", "Sparse LoRA"}),  # a paper: its entities and their papers
])
def test_html_focus_keeps_one_neighbourhood(kg, focus, center, papers):
    from kg.export.html import explorer_data

    data = explorer_data(kg, focus=focus)
    assert data["note"].startswith(f"Focused on {center}:")
    assert {n["l"] for n in data["nodes"] if n["t"] == "Paper"} == papers


def test_html_focus_on_an_unknown_name_is_an_error(kg, tmp_path):
    from kg.errors import GraphError
    from kg.export.html import write_html

    with pytest.raises(GraphError, match="no paper, entity or alias"):
        write_html(kg, tmp_path / "x.html", focus="NoSuchThing")


@pytest.mark.parametrize(("stored", "higher"),
                         [(None, True), (True, True), (False, False), ("false", False), (0, False)])
def test_leaderboard_direction_comes_from_the_metric_node(stored, higher):
    """The page orders a metric's results by its `higher_is_better` attribute when the node has one (default:
    higher is better), and keeps every result (none is skipped for lack of a method)."""
    from kg.export.html import explorer_data

    papers = lora_papers()
    extra = record("t:f", "Another GLUE paper", [
        ent("e0", EntityType.BENCHMARK, "GLUE", lexicon_id="benchmark:glue"),
        ent("e1", EntityType.METRIC, "accuracy", lexicon_id="metric:accuracy")],
                   [(RelationType.USES, "e0")],
                   results=(Result(70.0, "70.0%", ev("It gets 70.0% accuracy on GLUE."), "%", None, "e0", "e1"),))
    g = KnowledgeGraph.from_extractions([*papers, extra])
    metric = next(n for n, a in g.nx.nodes(data=True) if a["label"] == "accuracy")
    if stored is not None:
        g._g.nodes[metric]["higher_is_better"] = stored
    data = explorer_data(g)
    m = next(i for i, n in enumerate(data["nodes"]) if n["l"] == "accuracy")
    assert data["nodes"][m]["hib"] is higher
    assert sorted(r["v"] for r in data["results"] if r["x"] == m) == [1.2, 70.0, 88.1]


def test_export_all_writes_the_build_files(kg, tmp_path):
    files = export_all(kg, tmp_path)
    assert {p.name for p in files.values()} == {"graph.ttl", "graph.nt", "graph.jsonld", "graph.graphml",
                                                 "graph.html", "nodes.csv", "edges.csv"}


# ------------------------------------------------------------------ SHACL and schemas

def test_built_graph_conforms(kg):
    report = validate(kg.to_rdf())
    assert report.conforms, report.text


@pytest.mark.parametrize(
    "breakage",
    ["drop_title", "bad_confidence", "uses_a_method"],
)
def test_broken_graph_fails_validation(kg, breakage):
    g = Graph() + kg.to_rdf()  # a copy: the graph's own RDF view is shared and read-only
    paper = next(g.subjects(RDF.type, KG.Paper))
    if breakage == "drop_title":
        g.remove((paper, URIRef("http://purl.org/dc/terms/title"), None))
    elif breakage == "bad_confidence":
        claim = next(g.subjects(RDF.type, KG.Claim))
        g.set((claim, KG.confidence, Literal("1.5", datatype=URIRef("http://www.w3.org/2001/XMLSchema#decimal"))))
    else:
        method = next(g.subjects(RDF.type, KG.Method))
        g.add((paper, KG.uses, method))
    report = validate(g)
    assert not report.conforms and report.n_violations >= 1


@pytest.mark.parametrize("breakage", [None, "drop_title", "uses_a_method", "orphan_result"])
def test_batched_validation_gives_the_same_report(kg, breakage):
    from kg.validate import _batches

    g = Graph() + kg.to_rdf()
    papers = sorted(g.subjects(RDF.type, KG.Paper))
    paper = papers[len(papers) // 2]
    if breakage == "drop_title":
        g.remove((paper, URIRef("http://purl.org/dc/terms/title"), None))
    elif breakage == "uses_a_method":
        g.add((paper, KG.uses, next(g.subjects(RDF.type, KG.Method))))
    elif breakage == "orphan_result":  # a result reported by no paper: the inverse-path constraint
        paper, result = next(g.subject_objects(KG.reports))
        g.remove((paper, KG.reports, result))
    whole, batched = validate(g, batch_papers=10**9), validate(g, batch_papers=1)
    assert len(papers) > 1 and len(list(_batches(g, 1))) >= len(papers)
    assert batched.conforms == whole.conforms == (breakage is None)
    assert batched.results == whole.results


@pytest.mark.parametrize("folder", ["schemas", "queries"])
def test_schemas_and_queries_live_once_as_package_data(folder):
    # the top-level folders are links into the package, so a wheel and a checkout read the same files
    assert (REPO / folder).is_symlink() and (REPO / folder).resolve() == (REPO / "kg" / folder).resolve()


def test_every_enum_member_is_in_ontology_and_shapes():
    onto = (REPO / "kg" / "schemas" / "ontology.ttl").read_text(encoding="utf-8")
    shapes = (REPO / "kg" / "schemas" / "shapes.ttl").read_text(encoding="utf-8")
    for member in (*EntityType, *RelationType):
        assert re.search(rf"^kg:{member.value} a owl:", onto, re.M), member
        assert f"kg:{member.value}" in shapes, member
        assert getattr(KG, member.value)  # DefinedNamespace knows it
    with pytest.raises(AttributeError):
        _ = KG.notATerm
