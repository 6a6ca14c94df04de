"""Neo4j: node and relationship CSVs with ``neo4j-admin database import`` headers, plus a ``LOAD CSV`` script.

Two ways in, from the same files, because Neo4j users have one or the other:

* bulk, into a new database (fast, offline)::

      neo4j-admin database import full --nodes=nodes_Paper.csv --nodes=nodes_Method.csv ... \\
          --relationships=rels_USES.csv ... neo4j

  (``import.sh`` in the directory spells out every file);
* into a running database: copy the CSVs into its ``import/`` folder and run ``load.cypher``
  (``cypher-shell -f load.cypher``): ``LOAD CSV`` with ``MERGE``, so running it twice changes nothing.

One node file per type and one relationship file per relation type, because Cypher cannot take a label or
a relationship type from a CSV column (without APOC), and typed headers differ per type. The node id is the
IRI (property ``iri``), the same name the RDF, GraphML and the SPARQL store use. A Benchmark also gets the
``Dataset`` label, as in RDF (``kg:Benchmark rdfs:subClassOf kg:Dataset``), so ``MATCH (d:Dataset)`` finds it.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.io import atomic_write

if TYPE_CHECKING:
    from kg.graph import KnowledgeGraph

#: Node properties per type: (attribute in the graph, neo4j-admin header type). The IRI comes first.
NODE_PROPERTIES: dict[str, tuple[tuple[str, str], ...]] = {
    "Paper": (("label", "string"), ("identifier", "string"), ("date", "string"), ("year", "int"),
              ("author_count", "int"), ("affiliation", "string"), ("upvotes", "int"), ("url", "string"),
              ("abstract", "string"), ("extractor", "string")),
    "Result": (("label", "string"), ("value", "float"), ("unit", "string"), ("sentence", "string"),
               ("start", "int"), ("end", "int"), ("section", "string"), ("rule", "string"), ("confidence", "float")),
}
_ENTITY_PROPERTIES = (("label", "string"), ("aliases", "string[]"), ("lexicon_id", "string"), ("n_papers", "int"))
#: Relationship properties (evidence) for paper → entity relations; the others carry none.
EVIDENCE_PROPERTIES = (("sentence", "string"), ("start", "int"), ("end", "int"), ("section", "string"),
                       ("rule", "string"), ("confidence", "float"))
_EVIDENCE_RELATIONS = frozenset({"proposes", "uses", "beats", "measures", "addresses"})
#: neo4j-admin's array delimiter (its default); aliases are joined with it.
ARRAY_DELIMITER = ";"


def _props(node_type: str) -> tuple[tuple[str, str], ...]:
    return NODE_PROPERTIES.get(node_type, _ENTITY_PROPERTIES)


def _labels(node_type: str) -> str:
    """Every node is also a ``Node`` (one uniqueness constraint on ``iri`` covers all); a Benchmark is a Dataset."""
    return "Node;Benchmark;Dataset" if node_type == "Benchmark" else f"Node;{node_type}"


def _cell(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == "string[]":
        return ARRAY_DELIMITER.join(x.replace(ARRAY_DELIMITER, ",") for x in str(value).split(" | ") if x)
    if kind == "float":
        return repr(float(value))
    if kind == "int":
        return str(int(value))
    return str(value)


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with atomic_write(path) as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def node_files(kg: KnowledgeGraph) -> dict[str, list[list[str]]]:
    """Node type → rows (iri, properties…, labels), sorted by IRI."""
    by_type: dict[str, list[list[str]]] = defaultdict(list)
    for n, a in sorted(kg.nx.nodes(data=True)):
        t = a["type"]
        by_type[t].append([n, *(_cell(a.get(k), kind) for k, kind in _props(t)), _labels(t)])
    return dict(by_type)


def rel_files(kg: KnowledgeGraph) -> dict[str, list[list[str]]]:
    """Relationship type (upper case, Neo4j's convention) → rows (start iri, end iri, properties…)."""
    by_type: dict[str, list[list[str]]] = defaultdict(list)
    for u, v, k, a in sorted(kg.nx.edges(keys=True, data=True), key=lambda e: (e[2], e[0], e[1])):
        props = [_cell(a.get(p), kind) for p, kind in EVIDENCE_PROPERTIES] if k in _EVIDENCE_RELATIONS else []
        by_type[k.upper()].append([u, v, *props, k.upper()])
    return dict(by_type)


def _cypher_value(column: str, kind: str) -> str:
    ref = f"row.`{column}`"
    if kind == "int":
        return f"toInteger({ref})"
    if kind == "float":
        return f"toFloat({ref})"
    if kind == "string[]":
        return f"CASE WHEN {ref} IS NULL THEN [] ELSE split({ref}, '{ARRAY_DELIMITER}') END"
    return f"coalesce({ref}, '')"


def write_neo4j(kg: KnowledgeGraph, path: Path) -> Path:
    """Write the CSVs, ``import.sh`` (neo4j-admin) and ``load.cypher`` (LOAD CSV) into the directory ``path``."""
    path.mkdir(parents=True, exist_ok=True)
    cypher = ["// paperkg → Neo4j with LOAD CSV: copy the CSV files of this directory into the database's",
              "// import/ folder, then run: cypher-shell -f load.cypher   (MERGE: running it twice changes nothing)",
              "CREATE CONSTRAINT paperkg_iri IF NOT EXISTS FOR (n:Node) REQUIRE n.iri IS UNIQUE;"]
    admin = ["#!/bin/sh",
             "# paperkg → a new Neo4j database with neo4j-admin (run from this directory; database stopped).",
             "neo4j-admin database import full --overwrite-destination \\"]
    for t, rows in sorted(node_files(kg).items()):
        name = f"nodes_{t}.csv"
        header = ["iri:ID", *(f"{k}:{kind}" for k, kind in _props(t)), ":LABEL"]
        _write_csv(path / name, header, rows)
        admin.append(f"  --nodes={name} \\")
        sets = ", ".join(f"n.{k} = {_cypher_value(f'{k}:{kind}', kind)}" for k, kind in _props(t))
        labels = ":".join(_labels(t).split(";"))
        cypher += [f"LOAD CSV WITH HEADERS FROM 'file:///{name}' AS row",
                   f"CALL {{ WITH row MERGE (n:{labels} {{iri: row.`iri:ID`}}) SET {sets} }}",
                   "IN TRANSACTIONS OF 1000 ROWS;"]
    for r, rows in sorted(rel_files(kg).items()):
        name = f"rels_{r}.csv"
        props = EVIDENCE_PROPERTIES if r.lower() in _EVIDENCE_RELATIONS else ()
        header = [":START_ID", ":END_ID", *(f"{k}:{kind}" for k, kind in props), ":TYPE"]
        _write_csv(path / name, header, rows)
        admin.append(f"  --relationships={name} \\")
        sets = ", ".join(f"r.{k} = {_cypher_value(f'{k}:{kind}', kind)}" for k, kind in props)
        sets = f" SET {sets}" if sets else ""
        cypher += [f"LOAD CSV WITH HEADERS FROM 'file:///{name}' AS row",
                   "CALL { WITH row MATCH (a:Node {iri: row.`:START_ID`}), (b:Node {iri: row.`:END_ID`}) "
                   f"MERGE (a)-[r:{r}]->(b){sets} }}", "IN TRANSACTIONS OF 1000 ROWS;"]
    admin.append("  neo4j")
    with atomic_write(path / "load.cypher") as fh:
        fh.write("\n".join(cypher) + "\n")
    with atomic_write(path / "import.sh") as fh:
        fh.write("\n".join(admin) + "\n")
    return path
