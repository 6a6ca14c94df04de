"""RDF exports: N-Triples, Turtle with the ``kg:`` prefix, JSON-LD with our context.

N-Triples lines are sorted so the file is byte-identical across builds of the same papers (diffable,
and the store sync can rely on it). Turtle is written by Oxigraph's serialiser from those N-Triples: rdflib's
Turtle writer looks up every new IRI namespace against all earlier ones (``rdflib.namespace.insert_trie``),
and claim and result IRIs give every paper namespaces of its own, so its cost grew with the square of the
papers (59% of a 50k-paper build); Oxigraph writes the same triples in linear time.

Every triple comes from the streaming writer (:mod:`kg.triples`), which applies the one character rule of all
outputs (:func:`kg.io.xml_safe`).
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from kg.io import atomic_write

if TYPE_CHECKING:
    from kg.graph import KnowledgeGraph


def ntriples(kg: KnowledgeGraph) -> str:
    """The graph as sorted N-Triples lines (deterministic text for the same papers), from the streaming
    writer (:mod:`kg.triples`), which also applies the character rule of all outputs."""
    return "".join(kg.nt_lines())


def write_turtle(kg: KnowledgeGraph, path: Path) -> Path:
    return export_ntriples_file(ntriples(kg).encode("utf-8"), "turtle", path)


def write_ntriples(kg: KnowledgeGraph, path: Path) -> Path:
    with atomic_write(path) as fh:
        fh.write(ntriples(kg))
    return path


def jsonld_context() -> dict:
    return json.loads((resources.files("kg") / "schemas" / "context.jsonld").read_text(encoding="utf-8"))


def write_jsonld(kg: KnowledgeGraph, path: Path) -> Path:
    data = kg.to_rdf().serialize(format="json-ld", context=jsonld_context()["@context"], indent=1)
    with atomic_write(path) as fh:
        fh.write(data)
    return path


#: RDF formats ``kg export`` writes straight from a build's ``graph.nt`` by Oxigraph's streaming serialisers:
#: any size, never a Python object per triple. (JSON-LD so written is expanded, without our @context.)
STREAMED_FORMATS = {"turtle": "TURTLE", "ntriples": "N_TRIPLES", "jsonld": "JSON_LD"}


def export_ntriples_file(source: Path | bytes, fmt: str, path: Path) -> Path:
    """Write the triples of N-Triples (a file, or its text as bytes) as ``fmt`` (:data:`STREAMED_FORMATS`,
    Turtle with the ``kg:`` prefixes) to ``path``, by Oxigraph's serialiser: linear time at any size."""
    import pyoxigraph as ox

    from kg.vocab import PREFIXES

    rdf_format = getattr(ox.RdfFormat, STREAMED_FORMATS[fmt])
    nt = ox.RdfFormat.N_TRIPLES
    triples = ox.parse(path=str(source), format=nt) if isinstance(source, Path) else ox.parse(source, format=nt)
    with atomic_write(path, "wb") as fh:
        ox.serialize(triples, fh, format=rdf_format,
                     prefixes=PREFIXES if rdf_format is not ox.RdfFormat.JSON_LD else None)
    return path
