"""The query page ``kg serve`` shows at ``/``: a form, the library queries as examples, results as a table.

Why rendered on the server, with no script at all: the page must work offline and from any browser, and
every piece of text in it (the query, result values such as paper titles, error messages) comes from
users or papers. Each is escaped with :func:`html.escape` in one place (:func:`_e`), and the response
carries a Content-Security-Policy that forbids scripts and any load from elsewhere, so even a missed
escape could not run code or call out.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from kg.store import PREFIXES, NamedQuery

#: Rows shown in the page's table (the protocol endpoint has its own, larger cap).
PAGE_ROWS = 500
CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
DEFAULT_QUERY = """# What the graph holds: entities and papers by type.
SELECT ?type (COUNT(?s) AS ?n)
WHERE { ?s a ?type }
GROUP BY ?type
ORDER BY DESC(?n)
"""
DOWNLOADS = (("json", "SPARQL JSON"), ("xml", "SPARQL XML"), ("csv", "CSV"), ("tsv", "TSV"),
             ("turtle", "Turtle (CONSTRUCT/DESCRIBE)"), ("ntriples", "N-Triples"), ("rdfxml", "RDF/XML"),
             ("jsonld", "JSON-LD"))

_STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:1.5em auto;max-width:72em;padding:0 1em;color:#1d232b}
h1{font-size:1.4em;margin:0 0 .3em}h2{font-size:1.1em;margin:1.4em 0 .4em}
textarea{width:100%;box-sizing:border-box;font:13px/1.4 ui-monospace,monospace;padding:.5em}
code{background:#f1f3f5;padding:0 .25em;border-radius:3px}
.bar{display:flex;gap:.6em;align-items:center;flex-wrap:wrap;margin:.5em 0}
button{padding:.35em 1em;font:inherit;cursor:pointer}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border:1px solid #d5dae0;padding:.25em .45em;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:#eef1f4;position:sticky;top:0}tr:nth-child(even) td{background:#fafbfc}
.err{background:#fdecea;border:1px solid #f5b5ae;padding:.6em;white-space:pre-wrap;font-family:monospace}
.note{color:#5a6470}.ex li{margin:.2em 0}
"""


@dataclass(frozen=True)
class Table:
    """What a query returned, as text, for the page."""

    kind: str
    variables: Sequence[str]
    rows: Sequence[Sequence[str]]
    complete: bool
    seconds: float


def _e(text: object) -> str:
    """Escape for HTML text *and* attribute values (quotes included)."""
    return html.escape(str(text), quote=True)


def _results(table: Table) -> str:
    n = len(table.rows)
    what = ("triple" if table.kind == "graph" else "row") + ("" if n == 1 else "s")
    if table.kind == "ask":
        head = f"ASK: <strong>{_e(table.rows[0][0] if table.rows else '')}</strong>"
    elif table.complete:
        head = f"{n} {what}"
    else:
        head = (f"the first {n} {what} (there are more: add a LIMIT, or download the full result from "
                "<code>/sparql</code>)")
    parts = [f'<h2>Results</h2><p class="note">{head} · {table.seconds * 1000:.0f} ms</p>']
    if table.kind != "ask" and table.rows:
        parts.append("<table><thead><tr>" + "".join(f"<th>{_e(v)}</th>" for v in table.variables)
                     + "</tr></thead><tbody>")
        parts.extend("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in table.rows)
        parts.append("</tbody></table>")
    return "".join(parts)


def render_page(examples: Sequence[NamedQuery], query: str = "", table: Table | None = None,
                error: str | None = None) -> bytes:
    """The whole page as UTF-8 bytes; ``table`` or ``error`` when a query was run."""
    options = "".join(f'<option value="{_e(k)}">{_e(label)}</option>' for k, label in DOWNLOADS)
    prefixes = " ".join(f"<code>{_e(p)}:</code>" for p in PREFIXES)
    example_items = "".join(
        f'<li><a href="/?{_e(urlencode({"query": q.sparql}))}">{_e(q.name)}</a> — {_e(q.description)}</li>'
        for q in examples)
    body = [
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
        f"<title>paperkg SPARQL</title><style>{_STYLE}</style></head><body>",
        "<h1>paperkg SPARQL endpoint</h1>",
        "<p class=\"note\">Read-only. Programs send queries to <code>/sparql</code> (SPARQL 1.1 Protocol: GET or "
        f"POST). Predeclared prefixes: {prefixes}.</p>",
        "<form method=\"post\" action=\"/\">",
        f"<textarea name=\"query\" rows=\"14\" spellcheck=\"false\" aria-label=\"SPARQL query\">"
        f"{_e(query or DEFAULT_QUERY)}</textarea>",
        "<div class=\"bar\"><button type=\"submit\">Run query</button>",
        f"<span class=\"note\">or download as</span><select name=\"format\" aria-label=\"download format\">{options}"
        "</select><button type=\"submit\" formaction=\"/sparql\">Download</button></div></form>",
    ]
    if error is not None:
        body.append(f"<h2>Error</h2><div class=\"err\">{_e(error)}</div>")
    elif table is not None:
        body.append(_results(table))
    body.append(f"<h2>Examples: the query library</h2><ul class=\"ex\">{example_items}</ul>")
    body.append("</body></html>\n")
    return "".join(body).encode("utf-8")
