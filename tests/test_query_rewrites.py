"""The library queries rewritten for speed on big stores answer exactly what their plain formulations answer.

Why: `kg/queries/*.rq` were rewritten so that each answers in under a second on a 100k-paper store (sub-selects
that make Oxigraph hash-join index scans, LATERAL lookups from a named entity, pairs deduplicated before a
second hop). Such shapes are easy to get subtly wrong, so each rewritten query is checked here against the
plain, readable query it replaced (kept below verbatim): same variables, same rows, same order.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kg.store import Store, load_queries

#: The plain formulations the library had before the rewrite (what each rewritten query must equal).
REFERENCE: dict[str, str] = {
    "beats-chains": """
SELECT DISTINCT ?a ?b ?c
WHERE {
  ?p1 kg:proposes ?ma ; kg:beats ?mb .
  ?p2 kg:proposes ?mb ; kg:beats ?mc .
  FILTER(?p1 != ?p2 && ?ma != ?mc)
  ?ma rdfs:label ?a . ?mb rdfs:label ?b . ?mc rdfs:label ?c .
}
ORDER BY ?a ?b ?c
LIMIT 100
""",
    "dataset-usage-over-time": """
SELECT ?dataset ?year (COUNT(DISTINCT ?paper) AS ?papers)
WHERE {
  ?paper kg:uses ?d ; dcterms:date ?date .
  ?d rdfs:label ?dataset .
  FILTER(DATATYPE(?date) = xsd:date)
  BIND(YEAR(?date) AS ?year)
}
GROUP BY ?dataset ?year
ORDER BY ?dataset ?year
""",
    "datasets-co-used-with-method": """
SELECT ?dataset (COUNT(DISTINCT ?paper) AS ?papers)
WHERE {
  VALUES ?name { "lora" }
  ?m rdfs:label|skos:altLabel ?anyName .
  FILTER(LCASE(STR(?anyName)) = ?name)
  { ?paper kg:proposes ?m } UNION { ?paper kg:beats ?m } UNION { ?paper kg:reports/kg:method ?m }
  ?paper kg:uses ?d .
  ?d rdfs:label ?dataset .
}
GROUP BY ?dataset
ORDER BY DESC(?papers) ?dataset
""",
    "method-beats": """
SELECT DISTINCT ?method ?beaten ?via ?hops
WHERE {
  VALUES ?name { "sorsa" }
  ?m rdfs:label|skos:altLabel ?anyName .
  FILTER(LCASE(STR(?anyName)) = ?name)
  ?m rdfs:label ?method .
  ?p1 kg:proposes ?m .
  {
    ?p1 kg:beats ?b .
    BIND("" AS ?via) BIND(1 AS ?hops)
  } UNION {
    ?p1 kg:beats ?b1 .
    ?p2 kg:proposes ?b1 ; kg:beats ?b .
    FILTER(?p2 != ?p1)
    ?b1 rdfs:label ?via .
    BIND(2 AS ?hops)
  }
  ?b rdfs:label ?beaten .
}
ORDER BY ?hops ?beaten
""",
    "metrics-per-task": """
SELECT ?task ?metric (COUNT(DISTINCT ?paper) AS ?papers)
WHERE {
  ?paper kg:addresses ?t ; kg:measures ?m .
  ?t rdfs:label ?task .
  ?m rdfs:label ?metric .
}
GROUP BY ?task ?metric
ORDER BY DESC(?papers) ?task ?metric
LIMIT 50
""",
    "most-used-datasets": """
SELECT ?dataset ?label (COUNT(DISTINCT ?paper) AS ?papers)
WHERE {
  ?paper kg:uses ?dataset .
  ?dataset rdfs:label ?label .
}
GROUP BY ?dataset ?label
ORDER BY DESC(?papers) ?label
LIMIT 25
""",
    "proposals-per-year": """
SELECT ?year (COUNT(*) AS ?proposals) (COUNT(DISTINCT ?paper) AS ?papers)
WHERE {
  ?paper kg:proposes ?thing ; dcterms:date ?date .
  FILTER(DATATYPE(?date) = xsd:date)
  BIND(YEAR(?date) AS ?year)
}
GROUP BY ?year
ORDER BY ?year
""",
}

#: Queries that name an entity in their VALUES line: checked for several names, hubs and misses included.
NAMES = {
    "method-beats": ["sorsa", "lora", "pissa", "resnet", "no such method"],
    "datasets-co-used-with-method": ["lora", "sorsa", "bert", "resnet-50", "no such method"],
}


def _with_name(sparql: str, name: str) -> str:
    out, n = re.subn(r'VALUES \?name \{ "[^"]*" \}', f'VALUES ?name {{ "{name}" }}', sparql)
    assert n == 1, "the query should have exactly one VALUES ?name line"
    return out


def _rows(store: Store, sparql: str) -> tuple[list[str], list[list[str | None]]]:
    res = store.query(sparql)
    return res.variables, [[None if t is None else str(t) for t in row] for row in res.rows]


@pytest.fixture(scope="module")
def store(sample_build):
    with Store.open_read_only(sample_build[0] / "store") as st:
        yield st


def test_every_rewritten_query_has_a_reference():
    library = load_queries()
    assert set(REFERENCE) <= set(library)
    for name, plain in REFERENCE.items():
        assert library[name].sparql != plain, f"{name}: the reference is the library query itself"


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_rewritten_query_equals_its_plain_formulation(store, name):
    fast = load_queries()[name].sparql
    names = NAMES.get(name, [None])
    for entity in names:
        q_fast = fast if entity is None else _with_name(fast, entity)
        q_plain = REFERENCE[name] if entity is None else _with_name(REFERENCE[name], entity)
        got, want = _rows(store, q_fast), _rows(store, q_plain)
        assert got == want, f"{name} ({entity}): rows differ from the plain formulation"
    # the sample must exercise the query: an empty answer would prove nothing
    assert _rows(store, fast)[1], f"{name}: no rows on the sample"


def _chain_store(tmp_path: Path, papers) -> Store:
    from kg.export.rdf import write_ntriples
    from kg.graph import KnowledgeGraph

    nt = write_ntriples(KnowledgeGraph.from_extractions(papers), tmp_path / "g.nt")
    st = Store.open(tmp_path / "store")
    st.sync(nt)
    return st


def test_chains_need_two_different_papers(tmp_path):
    """A -> B -> C is a chain only if another paper than the one saying A beats B says B beats C.

    The rewritten queries decide this from the first and last paper of each pair, not paper by paper.
    """
    from graph_fixtures import R, T, ent, record

    def paper(pid, proposes, beats, *, title=None):
        ents = [ent("e0", T.METHOD, proposes), *(ent(f"e{i + 1}", T.METHOD, b) for i, b in enumerate(beats))]
        rels = [(R.PROPOSES, "e0"), *((R.BEATS, f"e{i + 1}") for i in range(len(beats)))]
        return record(pid, title or f"Paper {pid}", ents, rels)

    # one paper proposes Alpha and Beta, and beats Beta and Gamma: no chain (p1 = p2)
    lone = record("t:1", "Paper t:1", [ent("e0", T.METHOD, "Alpha"), ent("e1", T.METHOD, "Beta"),
                                       ent("e2", T.METHOD, "Gamma")],
                  [(R.PROPOSES, "e0"), (R.PROPOSES, "e1"), (R.BEATS, "e1"), (R.BEATS, "e2")])
    cases = {
        "one paper says both hops": [lone],
        "two papers": [paper("t:1", "Alpha", ["Beta"]), paper("t:2", "Beta", ["Gamma"])],
        "the same pair in two papers": [lone, paper("t:3", "Beta", ["Gamma"])],
        "no second hop": [paper("t:1", "Alpha", ["Beta", "Gamma"])],
    }
    queries = {n: load_queries()[n].sparql for n in ("beats-chains", "method-beats")}
    seen = {}
    for i, (case, papers) in enumerate(cases.items()):
        d = tmp_path / str(i)
        d.mkdir()
        with _chain_store(d, papers) as st:
            for name, fast in queries.items():
                plain = REFERENCE[name]
                if name == "method-beats":
                    fast, plain = _with_name(fast, "alpha"), _with_name(plain, "alpha")
                got, want = _rows(st, fast), _rows(st, plain)
                assert got == want, f"{name}, {case}"
            seen[case] = _rows(st, queries["beats-chains"])[1]
    assert seen["one paper says both hops"] == []
    assert seen["two papers"] == [['"Alpha"', '"Beta"', '"Gamma"']]
    assert ['"Alpha"', '"Beta"', '"Gamma"'] in seen["the same pair in two papers"]
    assert seen["no second hop"] == []
