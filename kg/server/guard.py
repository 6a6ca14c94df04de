"""What the endpoint refuses before a query reaches the store: updates and federated (SERVICE) queries.

Why SERVICE: Oxigraph evaluates ``SERVICE <http://host/…> { … }`` by sending an HTTP request from the
server and returning what came back, so any client could make the endpoint call hosts only the
server can reach. paperkg never needs the network at run time; the endpoint refuses SERVICE (400), and
the query workers also drop their network access where the OS allows (``kg.server.workers``).

The checks look at SPARQL *keywords*: comments, string literals and IRIs are blanked out first, so a
title that says "update" or a ``FILTER(CONTAINS(?t, "service"))`` is not mistaken for one.
"""

from __future__ import annotations

import re

_OPAQUE = re.compile(
    r"""
      \#[^\n\r]*                               # comment
    | '''(?:[^'\\]|\\.|'(?!''))*'''            # long strings
    | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
    | '(?:[^'\\\n\r]|\\.)*'                    # short strings
    | "(?:[^"\\\n\r]|\\.)*"
    | <[^<>"{}|^`\\\s]*>                       # IRIs (never contain spaces, unlike a < comparison)
    """,
    re.X | re.S,
)
_UPDATE = re.compile(r"(?i)^\s*(?:(?:PREFIX\s+\S*\s*<>|BASE\s*<>)\s*)*"
                     r"(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b")
# A keyword, not a variable (?service), a prefixed name (ex:service) or part of a longer word.
_SERVICE = re.compile(r"(?i)(?<![\w?$:\-])SERVICE(?![\w:\-])")


def keywords_only(sparql: str) -> str:
    """The query with comments removed and every string literal and IRI emptied (``""``, ``<>``)."""

    def blank(m: re.Match[str]) -> str:
        tok = m.group(0)
        return " " if tok.startswith("#") else ("<>" if tok.startswith("<") else '""')

    return _OPAQUE.sub(blank, sparql)


def is_update(sparql: str) -> bool:
    """Whether the text is a SPARQL Update request (INSERT, DELETE, LOAD, DROP, …) rather than a query."""
    return bool(_UPDATE.match(keywords_only(sparql)))


def uses_service(sparql: str) -> bool:
    """Whether the query contains a SERVICE clause (a federated query the endpoint would send out)."""
    return bool(_SERVICE.search(keywords_only(sparql)))
