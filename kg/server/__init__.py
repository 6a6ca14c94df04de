"""``kg serve``: a read-only SPARQL 1.1 Protocol endpoint and a query page over a paperkg store.

* ``GET /sparql?query=…`` and ``POST /sparql`` (``application/x-www-form-urlencoded`` with ``query=``,
  or ``application/sparql-query``); ``GET /`` (and the form's ``POST /``) is a query page for people.
* Results by content negotiation (:mod:`kg.server.formats`): SPARQL JSON/XML/CSV/TSV for SELECT/ASK;
  Turtle, N-Triples, RDF/XML, JSON-LD (and CSV/TSV tables of triples) for CONSTRUCT/DESCRIBE; the
  ``format``/``output``/``results`` parameters that SPARQLWrapper and other clients send are honoured.
* Refused before the store sees them (:mod:`kg.server.guard`): updates (403) and SERVICE clauses (400).
* Every query runs in a worker process (:mod:`kg.server.workers`) that is killed at the deadline and
  has a memory limit; results stream from the store and stop at the row cap (413 beyond it); a store
  rebuilt by ``kg build`` is picked up without a restart.
* Requests with a malformed ``Content-Length`` get 400 at once; bodies over 1 MB 413; query strings over
  64 KB 414 (:mod:`kg.server.endpoint`).

The submodules load lazily so a query worker (``python -m kg.server.workers``) starts without the HTTP side.
"""

from __future__ import annotations

from typing import Any

_LAZY = {
    "make_server": "kg.server.endpoint",
    "SparqlServer": "kg.server.endpoint",
    "SparqlHandler": "kg.server.endpoint",
    "negotiate": "kg.server.formats",
    "QueryPool": "kg.server.workers",
}

__all__ = list(_LAZY)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'kg.server' has no attribute {name!r}")
