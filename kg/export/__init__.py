"""Exporters: a registry ``format name → function(kg, path) -> path`` (rdflib's plugin style).

Every exporter reads the :class:`~kg.graph.KnowledgeGraph` and never changes it, and writes atomically
(``kg.io.atomic_write``). ``export_all`` writes every format under its default file name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import GraphError
from kg.export.csv_tables import write_edges_csv, write_nodes_csv
from kg.export.graphml import write_graphml
from kg.export.html import write_html
from kg.export.neo4j import write_neo4j
from kg.export.rdf import write_jsonld, write_ntriples, write_turtle

if TYPE_CHECKING:
    from kg.graph import KnowledgeGraph

Exporter = Callable[..., Path]  # (kg, path, **format-specific options) -> path written

EXPORTERS: dict[str, Exporter] = {
    "turtle": write_turtle,
    "ntriples": write_ntriples,
    "jsonld": write_jsonld,
    "graphml": write_graphml,
    "html": write_html,
    "csv-nodes": write_nodes_csv,
    "csv-edges": write_edges_csv,
    "neo4j": write_neo4j,
}

#: Default file name of each format inside an output directory.
FILENAMES: dict[str, str] = {
    "turtle": "graph.ttl",
    "ntriples": "graph.nt",
    "jsonld": "graph.jsonld",
    "graphml": "graph.graphml",
    "html": "graph.html",
    "csv-nodes": "nodes.csv",
    "csv-edges": "edges.csv",
    "neo4j": "neo4j",  # a directory: CSVs per node/relationship type, import.sh, load.cypher
}


#: What ``kg build`` writes (and ``kg export`` without ``--format``); neo4j is on request only.
BUILD_FORMATS: tuple[str, ...] = ("turtle", "ntriples", "jsonld", "graphml", "html", "csv-nodes", "csv-edges")


def export(kg: KnowledgeGraph, fmt: str, path: Path, **options: Any) -> Path:
    """Write ``kg`` as ``fmt`` to ``path``; ``options`` go to that exporter (html: ``focus``, ``max_entities``)."""
    try:
        exporter = EXPORTERS[fmt]
    except KeyError:
        raise GraphError(f"unknown export format {fmt!r}; choose from: {', '.join(EXPORTERS)}") from None
    return exporter(kg, path, **options)


def export_all(kg: KnowledgeGraph, out_dir: Path, formats: tuple[str, ...] | None = None,
               options: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, Path]:
    """Write the given formats (default: :data:`BUILD_FORMATS`) into ``out_dir``; return format → path.

    ``options`` maps a format name to keyword options of its exporter, e.g. ``{"html": {"focus": "ImageNet"}}``.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    options = options or {}
    return {fmt: export(kg, fmt, out_dir / FILENAMES[fmt], **options.get(fmt, {}))
            for fmt in (formats or BUILD_FORMATS)}
