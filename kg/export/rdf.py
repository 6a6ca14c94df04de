"""RDF exports: N-Triples, Turtle with the ``kg:`` prefix, JSON-LD with our context.

N-Triples lines are sorted so the file is byte-identical across builds of the same papers (diffable,
and the store sync can rely on it). Turtle is written by Oxigraph's serialiser from those N-Triples: rdflib's
Turtle writer looks up every new IRI namespace against all earlier ones (``rdflib.namespace.insert_trie``),
and claim and result IRIs give every paper namespaces of its own, so its cost grew with the square of the
papers (59% of a 50k-paper build); Oxigraph writes the same triples in linear time.
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
    """The graph as sorted N-Triples lines (deterministic text for the same papers)."""
    lines = sorted(line for line in kg.to_rdf().serialize(format="nt").splitlines() if line.strip())
    return "\n".join(lines) + "\n" if lines else ""


def write_turtle(kg: KnowledgeGraph, path: Path) -> Path:
    import pyoxigraph as ox

    from kg.vocab import PREFIXES

    triples = ox.parse(ntriples(kg).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    data = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    with atomic_write(path) as fh:
        fh.write(data.decode("utf-8") if data else "")
    return path


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
