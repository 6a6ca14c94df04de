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

#: neo4j-admin's array delimiter (its default); aliases are joined with it.
ARRAY_DELIMITER = ";"
#: Attributes that are not properties: the type is the node label, the relation the relationship type.
_NOT_PROPERTIES = frozenset({"type", "relation"})
_ARRAYS = frozenset({"aliases"})  # " | "-joined in the graph, a string[] in Neo4j


def _kind(values: list[Any]) -> str:
    """neo4j-admin header type for one attribute's values (the graph keeps scalars of one type per attribute)."""
    if all(isinstance(v, bool) for v in values):
        return "boolean"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "int"
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return "float"
    return "string"


def _columns(attrs: list[dict[str, Any]]) -> tuple[tuple[str, str], ...]:
    """(attribute, header type) for every attribute these nodes or edges carry: label first, then by name.

    Read from the data rather than listed here, so an attribute added to the graph (a metric's
    ``higher_is_better``, a result's ``delta``) reaches Neo4j without a change to this exporter.
    """
    names = sorted({k for a in attrs for k in a} - _NOT_PROPERTIES, key=lambda k: (k != "label", k))
    return tuple((k, "string[]" if k in _ARRAYS else _kind([a[k] for a in attrs if k in a])) for k in names)


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
    if kind == "boolean":
        return "true" if value else "false"
    return str(value)


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with atomic_write(path) as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def node_files(kg: KnowledgeGraph) -> dict[str, tuple[tuple[tuple[str, str], ...], list[list[str]]]]:
    """Node type → (property columns, rows (iri, properties…, labels) sorted by IRI)."""
    by_type: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    for n, a in sorted(kg.nx.nodes(data=True)):
        by_type[a["type"]].append((n, a))
    out = {}
    for t, nodes in by_type.items():
        cols = _columns([a for _, a in nodes])
        out[t] = (cols, [[n, *(_cell(a.get(k), kind) for k, kind in cols), _labels(t)] for n, a in nodes])
    return out


def rel_files(kg: KnowledgeGraph) -> dict[str, tuple[tuple[tuple[str, str], ...], list[list[str]]]]:
    """Relationship type (upper case, Neo4j's convention) → (property columns, rows (start, end, properties…, type))."""
    by_type: dict[str, list[tuple[str, str, dict[str, Any]]]] = defaultdict(list)
    for u, v, k, a in sorted(kg.nx.edges(keys=True, data=True), key=lambda e: (e[2], e[0], e[1])):
        by_type[k.upper()].append((u, v, a))
    out = {}
    for r, edges in by_type.items():
        cols = _columns([a for *_, a in edges])
        out[r] = (cols, [[u, v, *(_cell(a.get(k), kind) for k, kind in cols), r] for u, v, a in edges])
    return out


def _cypher_value(column: str, kind: str) -> str:
    ref = f"row.`{column}`"
    if kind == "int":
        return f"toInteger({ref})"
    if kind == "float":
        return f"toFloat({ref})"
    if kind == "boolean":
        return f"({ref} = 'true')"
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
             "# --multiline-fields: abstracts and sentences may hold line breaks (quoted, as CSV allows).",
             "neo4j-admin database import full --overwrite-destination --multiline-fields=true \\"]
    for t, (props, rows) in sorted(node_files(kg).items()):
        name = f"nodes_{t}.csv"
        header = ["iri:ID", *(f"{k}:{kind}" for k, kind in props), ":LABEL"]
        _write_csv(path / name, header, rows)
        admin.append(f"  --nodes={name} \\")
        sets = ", ".join(f"n.{k} = {_cypher_value(f'{k}:{kind}', kind)}" for k, kind in props)
        labels = ":".join(_labels(t).split(";"))
        cypher += [f"LOAD CSV WITH HEADERS FROM 'file:///{name}' AS row",
                   f"CALL {{ WITH row MERGE (n:{labels} {{iri: row.`iri:ID`}}) SET {sets} }}",
                   "IN TRANSACTIONS OF 1000 ROWS;"]
    for r, (props, rows) in sorted(rel_files(kg).items()):
        name = f"rels_{r}.csv"
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
