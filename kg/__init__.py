"""paperkg: a knowledge graph of the machine-learning literature, built from paper abstracts.

Nothing runs at import time; the heavy stages (spaCy, rdflib) load when first used::

    >>> import kg
    >>> papers = kg.read_corpus(kg.embedded_corpus())          # doctest: +SKIP
    >>> graph = kg.build_graph(papers)                          # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

# Public facade, resolved lazily (PEP 562) so `import kg` stays cheap.
_LAZY = {
    "build_graph": "kg.pipeline",
    "extract_papers": "kg.extract",
    "read_corpus": "kg.sources",
    "read_papers": "kg.sources",
    "embedded_corpus": "kg.sources",
    "KnowledgeGraph": "kg.graph",
    "load_nlp": "kg.nlp",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
