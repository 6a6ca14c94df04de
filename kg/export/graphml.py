"""GraphML for Gephi, yEd, igraph and networkx.

GraphML holds typed scalar attributes only; our graph keeps only scalars, and each attribute has one
type on every node (``year`` 0 for unknown, "" for missing strings), so readers get one key per name.
Node ``label`` is what Gephi shows; the IRI stays the node id.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx

from kg.io import atomic_write

if TYPE_CHECKING:
    from kg.graph import KnowledgeGraph


def write_graphml(kg: KnowledgeGraph, path: Path) -> Path:
    with atomic_write(path, "wb", encoding=None) as fh:
        # A plain copy: the writer needs a real graph, and must never see (or change) ours.
        nx.write_graphml(nx.MultiDiGraph(kg.nx), fh, encoding="utf-8", prettyprint=False, named_key_ids=True)
    return path
