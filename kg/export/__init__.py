"""Exporters: a registry ``format name → function(kg, path) -> path`` (rdflib's plugin style).

Every exporter reads the :class:`~kg.graph.KnowledgeGraph` and never changes it, and writes atomically
(``kg.io.atomic_write``). ``export_all`` writes every format under its default file name.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import GraphError
from kg.export.csv_tables import write_edges_csv, write_nodes_csv
from kg.export.graphml import write_graphml
from kg.export.html import write_html
from kg.export.rdf import write_jsonld, write_ntriples, write_turtle

if TYPE_CHECKING:
    from kg.graph import KnowledgeGraph

Exporter = Callable[["KnowledgeGraph", Path], Path]

EXPORTERS: dict[str, Exporter] = {
    "turtle": write_turtle,
    "ntriples": write_ntriples,
    "jsonld": write_jsonld,
    "graphml": write_graphml,
    "html": write_html,
    "csv-nodes": write_nodes_csv,
    "csv-edges": write_edges_csv,
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
}


def export(kg: KnowledgeGraph, fmt: str, path: Path) -> Path:
    try:
        exporter = EXPORTERS[fmt]
    except KeyError:
        raise GraphError(f"unknown export format {fmt!r}; choose from: {', '.join(EXPORTERS)}") from None
    return exporter(kg, path)


def export_all(kg: KnowledgeGraph, out_dir: Path, formats: tuple[str, ...] | None = None) -> dict[str, Path]:
    """Write every (or the given) format into ``out_dir``; return format → path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    return {fmt: export(kg, fmt, out_dir / FILENAMES[fmt]) for fmt in (formats or tuple(EXPORTERS))}
