"""RDF exports through rdflib's own serializers (Turtle with the ``kg:`` prefix, N-Triples, JSON-LD).

N-Triples lines are sorted so the file is byte-identical across builds of the same papers (diffable,
and the store sync can rely on it).
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from kg.io import atomic_write

if TYPE_CHECKING:
    from kg.graph import KnowledgeGraph


def write_turtle(kg: KnowledgeGraph, path: Path) -> Path:
    data = kg.to_rdf().serialize(format="turtle")
    with atomic_write(path) as fh:
        fh.write(data)
    return path


def write_ntriples(kg: KnowledgeGraph, path: Path) -> Path:
    lines = sorted(line for line in kg.to_rdf().serialize(format="nt").splitlines() if line.strip())
    with atomic_write(path) as fh:
        fh.write("\n".join(lines) + "\n")
    return path


def jsonld_context() -> dict:
    return json.loads((resources.files("kg") / "schemas" / "context.jsonld").read_text(encoding="utf-8"))


def write_jsonld(kg: KnowledgeGraph, path: Path) -> Path:
    data = kg.to_rdf().serialize(format="json-ld", context=jsonld_context()["@context"], indent=1)
    with atomic_write(path) as fh:
        fh.write(data)
    return path
