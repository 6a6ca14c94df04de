"""Which serialisation a SPARQL client gets: content negotiation plus the ``format``/``output`` parameters.

Clients disagree on how to ask. The protocol says ``Accept``; Virtuoso reads ``format``, Joseki/Fuseki
``output``, others ``results``, and SPARQLWrapper sends all three *and* an ``Accept`` header, with values
such as ``xml`` that mean SPARQL XML results for a SELECT but RDF/XML for a CONSTRUCT. So a format is
looked up *for the query form at hand*; a parameter value that this form cannot have (``format=turtle``
on a SELECT) is a hint we cannot use, and ``Accept`` decides. Only when neither names anything we can
write is the answer 406.
"""

from __future__ import annotations

from collections.abc import Sequence

#: Format name → media types that select it, per query form; the first type is the one we answer with.
#: Order matters: for a wildcard (``*/*``, ``text/*``) the first matching format wins.
SOLUTION_TYPES: dict[str, tuple[str, ...]] = {
    "json": ("application/sparql-results+json", "application/json", "text/javascript", "application/javascript"),
    "xml": ("application/sparql-results+xml", "application/xml", "text/xml"),
    "csv": ("text/csv",),
    "tsv": ("text/tab-separated-values",),
}
GRAPH_TYPES: dict[str, tuple[str, ...]] = {
    "turtle": ("text/turtle", "application/turtle", "application/x-turtle", "text/n3", "text/rdf+n3",
               "application/n3", "application/rdf+n3"),
    "ntriples": ("application/n-triples", "text/plain"),
    "rdfxml": ("application/rdf+xml", "application/xml", "text/xml"),
    "jsonld": ("application/ld+json", "application/x-json+ld", "application/json"),
    "csv": ("text/csv",),
    "tsv": ("text/tab-separated-values",),
}
#: Short names clients put in ``format=``/``output=``/``results=`` (lower-cased), per query form.
SOLUTION_ALIASES = {"json": "json", "srj": "json", "xml": "xml", "srx": "xml", "csv": "csv", "tsv": "tsv"}
GRAPH_ALIASES = {
    "turtle": "turtle", "ttl": "turtle", "n3": "turtle",  # Turtle is a subset of N3: every N3 reader takes it
    "nt": "ntriples", "ntriples": "ntriples", "n-triples": "ntriples",
    "rdf": "rdfxml", "rdfxml": "rdfxml", "rdf+xml": "rdfxml", "rdf/xml": "rdfxml", "xml": "rdfxml",
    "jsonld": "jsonld", "json-ld": "jsonld", "json": "jsonld",
    "csv": "csv", "tsv": "tsv",
}
CONTENT_TYPE = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "turtle": "text/turtle; charset=utf-8",
    "ntriples": "application/n-triples",
    "rdfxml": "application/rdf+xml",
    "jsonld": "application/ld+json",
}
DEFAULT = {"select": "json", "ask": "json", "graph": "turtle"}


def _tables(kind: str) -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    return (GRAPH_TYPES, GRAPH_ALIASES) if kind == "graph" else (SOLUTION_TYPES, SOLUTION_ALIASES)


def acceptable(kind: str) -> list[str]:
    """The media types a result of this kind can be served as (for a 406 body)."""
    types, _ = _tables(kind)
    return [t for ts in types.values() for t in ts]


def format_from_param(value: str, kind: str) -> str | None:
    """A ``format=``-style value (short name or media type) → our format name, if this kind has it."""
    types, aliases = _tables(kind)
    value = value.strip().lower()
    if value in aliases:
        return aliases[value]
    mime = value.split(";")[0].strip()
    for fmt, mimes in types.items():
        if mime in mimes:
            return fmt
    return None


def parse_accept(accept: str) -> list[str]:
    """Media ranges of an ``Accept`` header, best first (by q, then by position); q=0 ranges dropped."""
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        mime = fields[0].lower()
        if not mime:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.lower().startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if q > 0:
            ranked.append((-q, i, mime))
    return [mime for _, _, mime in sorted(ranked)]


def negotiate(accept: str, kind: str, override: str | Sequence[str] | None = None) -> str | None:
    """The format to answer a ``kind`` ("select", "ask", "graph") result with, or None (→ 406).

    ``override`` holds the values of the ``format``/``output``/``results`` parameters: the first one
    this kind can be written as wins; otherwise the best media range of ``accept`` that we can serve
    (``*/*`` and ``type/*`` give the default of that kind); no ``Accept`` at all gives the default.
    """
    values = [override] if isinstance(override, str) else list(override or ())
    for value in values:
        fmt = format_from_param(value, kind)
        if fmt is not None:
            return fmt
    if not accept.strip():
        return DEFAULT[kind]
    types, _ = _tables(kind)
    for mime in parse_accept(accept):
        if mime == "*/*":
            return DEFAULT[kind]
        if mime.endswith("/*"):
            major = mime[:-1]
            for fmt, mimes in types.items():
                if mimes[0].startswith(major):  # the type we would answer with must fit the range
                    return fmt
            continue
        for fmt, mimes in types.items():
            if mime in mimes:
                return fmt
    return None
