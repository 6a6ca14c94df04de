"""GraphML for Gephi, yEd, igraph and networkx.

GraphML holds typed scalar attributes only; our graph keeps only scalars, and each attribute has one
type on every node (``year`` 0 for unknown, "" for missing strings), so readers get one key per name.
Node ``label`` is what Gephi shows; the IRI stays the node id.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx

from kg.io import XML_UNSAFE, atomic_write, xml_safe

if TYPE_CHECKING:
    from kg.graph import KnowledgeGraph


def _clean(attrs: dict) -> None:
    """Strip the characters XML 1.0 cannot hold from the string attributes of a *copied* node or edge.

    Why: lxml/ElementTree write a ``\x01`` in a label as is, and the file is then not well-formed XML
    (issue 9: 1,401 of 12,517 fuzz inputs), though the readers already strip them from fresh input.
    """
    for key, value in attrs.items():
        if isinstance(value, str) and XML_UNSAFE.search(value):
            attrs[key] = xml_safe(value)


def write_graphml(kg: KnowledgeGraph, path: Path) -> Path:
    # A plain copy: the writer needs a real graph, and must never see (or change) ours.
    g = nx.MultiDiGraph(kg.nx)
    for _, attrs in g.nodes(data=True):
        _clean(attrs)
    for _, _, attrs in g.edges(data=True):
        _clean(attrs)
    with atomic_write(path, "wb", encoding=None) as fh:
        nx.write_graphml(g, fh, encoding="utf-8", prettyprint=False, named_key_ids=True)
    return path
