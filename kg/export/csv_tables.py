"""Node and edge tables as CSV, for spreadsheets and bulk loaders (Neo4j ``LOAD CSV``, pandas)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING

from kg.io import atomic_write, xml_safe

if TYPE_CHECKING:
    from kg.graph import KnowledgeGraph


def _safe(row: dict) -> dict:
    """The same character rule as every other output (:func:`kg.io.xml_safe`): one text, one spelling."""
    return {k: xml_safe(v) if isinstance(v, str) else v for k, v in row.items()}


def _columns(rows: list[dict]) -> list[str]:
    cols: dict[str, None] = {}
    for r in rows:
        cols.update(dict.fromkeys(r))
    return list(cols)


def write_nodes_csv(kg: KnowledgeGraph, path: Path) -> Path:
    rows = [_safe({"id": n, **a}) for n, a in sorted(kg.nx.nodes(data=True))]
    with atomic_write(path) as fh:
        w = csv.DictWriter(fh, fieldnames=_columns(rows), extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return path


def write_edges_csv(kg: KnowledgeGraph, path: Path) -> Path:
    rows = [_safe({"source": u, "target": v, "key": k, **a}) for u, v, k, a in sorted(kg.nx.edges(keys=True, data=True),
                                                                           key=lambda e: (e[0], e[1], e[2]))]
    cols = ["source", "target", "key", *[c for c in _columns(rows) if c not in ("source", "target", "key")]]
    with atomic_write(path) as fh:
        w = csv.DictWriter(fh, fieldnames=cols, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return path
