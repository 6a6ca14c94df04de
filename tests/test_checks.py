"""The SHACL shapes as SPARQL checks in the store (kg.checks) agree with pySHACL (kg.validate).

Why both: pySHACL is the reference implementation of SHACL; the SPARQL translation is what scales. Each
broken graph below breaks one kind of constraint, and both validators must flag the same focus nodes and
paths (messages may differ in wording, not in what they point at).
"""

from __future__ import annotations

import pytest
from graph_fixtures import lora_papers
from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS
from typer.testing import CliRunner

from kg.checks import check_store, owned_nodes
from kg.errors import UnsupportedShapeError
from kg.graph import KnowledgeGraph
from kg.store import Store
from kg.validate import shapes_graph, validate
from kg.vocab import KG, paper_iri

PAPER_A, PAPER_B = paper_iri("t:a"), paper_iri("t:b")


@pytest.fixture(scope="module")
def small() -> Graph:
    """The five hand-made papers' RDF (~280 triples): small enough for pySHACL in well under a second."""
    return KnowledgeGraph.from_extractions(lora_papers()).to_rdf()


def store_of(g: Graph) -> Store:
    st = Store.in_memory()
    st.sync(g)
    return st


def first(g: Graph, cls: URIRef, owner: URIRef = PAPER_A) -> URIRef:
    """The first node of class ``cls`` owned by ``owner`` (sorted: the same node on every run)."""
    prefix = str(owner).replace("/paper/", f"/{str(cls).rsplit('#', 1)[1].lower()}/") + "/"
    nodes = sorted(n for n in g.subjects(RDF.type, cls) if str(n).startswith(prefix))
    return nodes[0] if nodes else sorted(g.subjects(RDF.type, cls))[0]


def entity(g: Graph, label: str) -> URIRef:
    return next(s for s in g.subjects(RDFS.label, Literal(label)))


def _break(g: Graph, case: str) -> set[tuple[str, str]]:
    """Apply one breakage to ``g``; return the (focus, path) pairs it must cause ("" = the node itself)."""
    claim, result = first(g, KG.Claim), first(g, KG.Result)
    title, date = DCTERMS.title, DCTERMS.date
    if case == "missing_title":
        g.remove((PAPER_A, title, None))
        return {(str(PAPER_A), str(title))}
    if case == "two_titles":
        g.add((PAPER_A, title, Literal("A second title")))
        return {(str(PAPER_A), str(title))}
    if case == "wrong_datatype":  # a string where xsd:decimal is required, inside the nested EvidenceShape
        g.set((claim, KG.confidence, Literal("0.9")))
        return {(str(claim), str(KG.confidence)), (str(claim), "")}
    if case == "ill_formed_literal":  # right datatype, impossible lexical form
        g.set((result, KG.value, Literal("abc", datatype=XSD.decimal)))
        return {(str(result), str(KG.value))}
    if case == "wrong_class":  # a paper "uses" a method: kg:uses needs a kg:Dataset
        g.add((PAPER_A, KG.uses, entity(g, "LoRA-Drop")))
        return {(str(PAPER_A), str(KG.uses))}
    if case == "literal_for_class":
        g.add((PAPER_A, KG.uses, Literal("CIFAR-10")))
        return {(str(PAPER_A), str(KG.uses))}
    if case == "not_in_list":
        g.set((claim, KG.section, Literal("body")))
        return {(str(claim), str(KG.section)), (str(claim), "")}
    if case == "below_min_inclusive":
        g.set((claim, KG.startOffset, Literal(-1)))
        return {(str(claim), str(KG.startOffset)), (str(claim), "")}
    if case == "above_max_inclusive":
        g.set((result, KG.confidence, Literal("1.5", datatype=XSD.decimal)))
        return {(str(result), str(KG.confidence)), (str(result), "")}
    if case == "empty_string":
        g.set((entity(g, "accuracy"), RDFS.label, Literal("")))
        return {(str(g.value(predicate=RDFS.label, object=Literal(""))), str(RDFS.label))}
    if case == "or_none_matches":  # a date that is none of xsd:date, gMonthDay, gYearMonth
        g.set((PAPER_A, date, Literal("2024")))
        return {(str(PAPER_A), str(date))}
    if case == "inverse_path_missing":  # a result no paper reports
        g.remove((None, KG.reports, result))
        return {(str(result), f"^{KG.reports}")}
    if case == "inverse_path_twice":
        g.add((PAPER_B, KG.reports, result))
        return {(str(result), f"^{KG.reports}")}
    if case == "subclass_accepted":  # GLUE typed only kg:Benchmark still satisfies sh:class kg:Dataset
        glue = entity(g, "GLUE")
        g.remove((glue, RDF.type, KG.Dataset))
        g.add((PAPER_B, KG.uses, glue))
        return set()
    raise AssertionError(case)


CASES = ["missing_title", "two_titles", "wrong_datatype", "ill_formed_literal", "wrong_class", "literal_for_class",
         "not_in_list", "below_min_inclusive", "above_max_inclusive", "empty_string", "or_none_matches",
         "inverse_path_missing", "inverse_path_twice", "subclass_accepted"]


def pairs(report) -> set[tuple[str, str]]:
    return {(focus, path) for focus, path, _ in report.results}


def test_small_graph_conforms_both_ways(small):
    assert validate(small).conforms
    report = check_store(store_of(small))
    assert report.conforms and report.n_violations == 0 and report.results == ()


@pytest.mark.parametrize("case", CASES)
def test_both_validators_flag_the_same_nodes_and_paths(small, case):
    g = Graph() + small
    expected = _break(g, case)
    shacl, sparql = validate(g), check_store(store_of(g))
    assert pairs(sparql) == pairs(shacl)
    assert pairs(sparql) == expected
    assert sparql.conforms == shacl.conforms == (not expected)
    assert sparql.papers == shacl.papers


def test_messages_read_like_pyshacl(small):
    g = Graph() + small
    _break(g, "two_titles")
    _break(g, "or_none_matches")
    assert set(check_store(store_of(g)).results) == set(validate(g).results)


def test_reports_name_the_papers_and_entities(small):
    g = Graph() + small
    _break(g, "wrong_datatype")        # a claim of paper t:a
    _break(g, "inverse_path_twice")    # a result of t:a
    g.remove((PAPER_B, DCTERMS.title, None))
    accuracy = entity(g, "accuracy")
    g.add((accuracy, RDFS.label, Literal("acc")))  # two labels: the entity, not a paper, is at fault
    for report in (check_store(store_of(g)), validate(g)):
        assert report.papers == ("t:a", "t:b")
        assert report.entities == (str(accuracy),)
        assert "Papers with violations (2): t:a (" in report.text and "t:b (1)" in report.text
        assert f"<{accuracy}> 'accuracy'" in report.text or f"<{accuracy}> 'acc'" in report.text


def test_focus_restricted_to_papers_plus_every_entity(small):
    g = Graph() + small
    g.remove((PAPER_B, DCTERMS.title, None))
    claim_a = first(g, KG.Claim)
    g.set((claim_a, KG.section, Literal("body")))
    label = entity(g, "accuracy")
    g.add((label, RDFS.label, Literal("acc")))
    st = store_of(g)
    whole = check_store(st)
    only_a = check_store(st, papers=["t:a"])
    only_b = check_store(st, papers=[str(PAPER_B)])  # a paper IRI works too
    entity_only = {(str(label), str(RDFS.label))}
    assert pairs(whole) == {(str(PAPER_B), str(DCTERMS.title)), (str(claim_a), str(KG.section)), (str(claim_a), "")} \
        | entity_only
    assert pairs(only_a) == {(str(claim_a), str(KG.section)), (str(claim_a), "")} | entity_only
    assert pairs(only_b) == {(str(PAPER_B), str(DCTERMS.title))} | entity_only
    assert pairs(check_store(st, papers=[])) == entity_only
    assert "the nodes of 1 paper(s) and every entity" in only_a.text


def test_owned_nodes_are_the_papers_claims_results_and_comparisons(small):
    st = store_of(small)
    owned = owned_nodes(st, ["t:a"])
    expected = {str(s) for s in small.subjects() if str(s) == str(PAPER_A)
                or any(f"/{k}/t-a/" in str(s) for k in ("claim", "result", "comparison"))}
    assert owned == expected
    assert {s.split("/id/")[1].split("/")[0] for s in owned} == {"paper", "claim", "result", "comparison"}


def test_sample_build_conforms_exactly_when_pyshacl_does(sample_build):
    out, summary = sample_build  # the build ran pySHACL over the same graph: summary.conforms is its answer
    with Store.open_read_only(out / "store") as st:
        report = check_store(st)
        some = check_store(st, papers=[summary_paper(st)])
    assert report.conforms == summary.conforms is True
    assert report.n_violations == summary.violations == 0
    assert some.conforms


def summary_paper(st: Store) -> str:
    rows = st.query("SELECT ?id WHERE { ?p a kg:Paper ; dcterms:identifier ?id } ORDER BY ?id LIMIT 1").text_rows()
    return rows[0][0]


# ------------------------------------------------------------------ features the translator refuses

SH = "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix kg: <https://w3id.org/paperkg/ontology#> .\n"


@pytest.mark.parametrize("shape, feature", [
    ("kg:S a sh:NodeShape ; sh:targetClass kg:Paper ; sh:property [ sh:path kg:x ; sh:pattern \"^a\" ] .",
     "sh:pattern"),
    ("kg:S a sh:NodeShape ; sh:targetNode kg:x ; sh:property [ sh:path kg:x ; sh:minCount 1 ] .", "sh:targetNode"),
    ("kg:S a sh:NodeShape ; sh:targetClass kg:Paper ; sh:property [ sh:path ( kg:a kg:b ) ; sh:minCount 1 ] .",
     "sh:path"),
    ("kg:S a sh:NodeShape ; sh:targetClass kg:Paper ; sh:closed true .", "sh:closed"),
    ("kg:S a sh:NodeShape ; sh:targetClass kg:Paper ; sh:property [ sh:path kg:x ; sh:severity sh:Warning ] .",
     "sh:severity"),
    ("kg:S a sh:NodeShape ; sh:targetClass kg:Paper ; sh:property [ sh:path kg:x ; "
     "sh:or ( [ sh:path kg:y ; sh:minCount 1 ] ) ] .", "sh:or"),
])
def test_an_untranslated_feature_is_refused_not_ignored(small, shape, feature):
    shapes = Graph().parse(data=SH + shape, format="turtle")
    with pytest.raises(UnsupportedShapeError, match=feature):
        check_store(store_of(small), shapes=shapes)


def test_the_shipped_shapes_are_all_translated(small):
    assert check_store(store_of(small), shapes=shapes_graph()).conforms


# ------------------------------------------------------------------ the command line

def test_cli_validate_store(sample_build, small, tmp_path):
    from kg.cli import app

    out, _ = sample_build
    runner = CliRunner()
    ok = runner.invoke(app, ["validate", str(out), "--store"])
    assert ok.exit_code == 0, ok.output
    assert "conforms" in ok.output and "SPARQL" in ok.output
    g = Graph() + small
    g.remove((PAPER_A, DCTERMS.title, None))
    with Store.open(tmp_path / "store") as st:
        st.sync(g)
    bad = runner.invoke(app, ["validate", str(tmp_path)])  # no graph.nt, a store: the store is checked
    assert bad.exit_code == 1
    assert "t:a (1)" in bad.output and str(DCTERMS.title) in bad.output
    only_b = runner.invoke(app, ["validate", str(tmp_path), "--paper", "t:b"])
    assert only_b.exit_code == 0, only_b.output


def test_focus_restricted_ignores_other_papers_nodes_it_points_to(small):
    g = Graph() + small
    result_a = first(g, KG.Result)
    g.add((PAPER_B, KG.reports, result_a))  # t:b claims t:a's result: t:a's result now has two reporters
    st = store_of(g)
    assert pairs(check_store(st)) == pairs(validate(g)) == {(str(result_a), f"^{KG.reports}")}
    assert pairs(check_store(st, papers=["t:a"])) == {(str(result_a), f"^{KG.reports}")}
    assert check_store(st, papers=["t:b"]).conforms  # t:b's copy types t:a's result, but t:b does not own it


def test_cli_refuses_an_unknown_paper(sample_build):
    from kg.cli import app

    out, _ = sample_build
    res = CliRunner().invoke(app, ["validate", str(out), "--paper", "t:no-such-paper"])
    assert res.exit_code != 0 and "no paper t:no-such-paper" in res.output
