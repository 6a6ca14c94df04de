"""RDF exports: N-Triples, Turtle with the ``kg:`` prefix, JSON-LD with our context.

N-Triples lines are sorted so the file is byte-identical across builds of the same papers (diffable,
and the store sync can rely on it). Turtle is written by Oxigraph's serialiser from those N-Triples: rdflib's
Turtle writer looks up every new IRI namespace against all earlier ones (``rdflib.namespace.insert_trie``),
and claim and result IRIs give every paper namespaces of its own, so its cost grew with the square of the
papers (59% of a 50k-paper build); Oxigraph writes the same triples in linear time.

Every writer applies the one character rule of all outputs (:func:`kg.io.xml_safe`, via :func:`safe_rdf`).
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph, Literal

from kg.io import XML_UNSAFE, atomic_write, xml_safe

if TYPE_CHECKING:
    from kg.graph import KnowledgeGraph


def safe_rdf(kg: KnowledgeGraph) -> Graph:
    """``kg.to_rdf()``, or a copy of it with every literal free of characters XML 1.0 cannot hold.

    Why in the RDF writers too: Turtle and N-Triples could carry them escaped, but then the same title
    would differ between graph.ttl and graph.graphml, and RDF/XML or a SPARQL XML result of it would break.
    Input is already cleaned at the source boundary; this covers graphs built from records made elsewhere.
    The shared RDF view is never changed: a copy is made only when there is something to clean.
    """
    rdf = kg.to_rdf()
    dirty = [(s, p, o) for s, p, o in rdf if isinstance(o, Literal) and XML_UNSAFE.search(str(o))]
    if not dirty:
        return rdf
    clean = Graph() + rdf
    for s, p, o in dirty:
        clean.remove((s, p, o))
        clean.add((s, p, Literal(xml_safe(str(o)), lang=o.language, datatype=o.datatype)))
    return clean


def ntriples(kg: KnowledgeGraph) -> str:
    """The graph as sorted N-Triples lines (deterministic text for the same papers).

    Split on "\\n" only: a literal may hold U+2028 unescaped, which ``str.splitlines`` would cut in two.
    """
    lines = sorted(line for line in safe_rdf(kg).serialize(format="nt").split("\n") if line.strip())
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
    data = safe_rdf(kg).serialize(format="json-ld", context=jsonld_context()["@context"], indent=1)
    with atomic_write(path) as fh:
        fh.write(data)
    return path
