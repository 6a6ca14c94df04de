"""SHACL validation of a built graph against ``schemas/shapes.ttl`` (pySHACL).

The ontology is passed as ``ont_graph`` so class constraints see ``kg:Benchmark rdfs:subClassOf
kg:Dataset`` and ``kg:Method rdfs:subClassOf kg:Entity`` without us writing those triples into every
graph.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import SH

from kg.errors import GraphError


@dataclass(frozen=True)
class ValidationReport:
    conforms: bool
    n_violations: int
    text: str
    results: tuple[tuple[str, str, str], ...]  # (focus node, path, message)


@functools.lru_cache(maxsize=1)
def _schema(name: str) -> Graph:
    g = Graph()
    g.parse(data=(resources.files("kg") / "schemas" / name).read_text(encoding="utf-8"), format="turtle")
    return g


def shapes_graph() -> Graph:
    return _schema("shapes.ttl")


def ontology_graph() -> Graph:
    return _schema("ontology.ttl")


def load_rdf(path: Path) -> Graph:
    """Parse an RDF file, guessing the format from its suffix (.ttl, .nt, .jsonld)."""
    fmt = {".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld", ".json": "json-ld"}.get(path.suffix.lower())
    if fmt is None:
        raise GraphError(f"{path}: unknown RDF file type (use .ttl, .nt or .jsonld)")
    g = Graph()
    try:
        g.parse(path, format=fmt)
    except FileNotFoundError:
        raise GraphError(f"{path}: no such file") from None
    except Exception as exc:  # rdflib raises many parser-specific types
        raise GraphError(f"{path}: cannot parse as {fmt}: {exc}") from exc
    return g


def validate(graph: Graph | Path) -> ValidationReport:
    """Validate ``graph`` (or an RDF file) against the paperkg shapes."""
    from pyshacl import validate as shacl

    data = load_rdf(graph) if isinstance(graph, Path) else graph
    conforms, report_graph, text = shacl(
        data, shacl_graph=shapes_graph(), ont_graph=ontology_graph(), inference="none",
        allow_warnings=False, meta_shacl=False, advanced=False,
    )
    results = []
    for r in report_graph.subjects(predicate=SH.resultSeverity):
        focus = report_graph.value(r, SH.focusNode)
        path = report_graph.value(r, SH.resultPath)
        msg = report_graph.value(r, SH.resultMessage)
        results.append((str(focus), str(path) if path is not None else "", str(msg)))
    return ValidationReport(bool(conforms), len(results), str(text), tuple(sorted(results)))
