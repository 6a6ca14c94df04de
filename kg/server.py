"""A read-only SPARQL 1.1 Protocol endpoint over a store (``kg serve``), standard library only.

* ``GET /sparql?query=…`` and ``POST /sparql`` (``application/x-www-form-urlencoded`` with ``query=`` or
  ``application/sparql-query``);
* results by content negotiation: SPARQL JSON (default), XML, CSV, TSV for SELECT/ASK; Turtle (default)
  or N-Triples for CONSTRUCT/DESCRIBE; a ``format=`` parameter overrides ``Accept``;
* updates are refused (403): the store is opened read-only, and ``update=`` or
  ``application/sparql-update`` requests are rejected before they reach it;
* each query runs in a worker thread with a timeout (503 when exceeded) and SELECT results are capped
  at ``max_rows`` (413 beyond it), so one bad query cannot take the endpoint down.
"""

from __future__ import annotations

import concurrent.futures
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from kg.errors import QueryError, StoreError
from kg.store import QueryResult, Store

log = logging.getLogger(__name__)

SELECT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {"text/turtle": "turtle", "application/n-triples": "ntriples", "text/plain": "ntriples"}
CONTENT_TYPE = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
                "csv": "text/csv; charset=utf-8", "tsv": "text/tab-separated-values; charset=utf-8",
                "turtle": "text/turtle; charset=utf-8", "ntriples": "application/n-triples"}


def negotiate(accept: str, kind: str, override: str | None = None) -> str | None:
    """The result format for an Accept header (first acceptable type wins; */* → the default)."""
    table = GRAPH_TYPES if kind == "graph" else SELECT_TYPES
    default = "turtle" if kind == "graph" else "json"
    if override:
        fmt = override.lower()
        return fmt if fmt in table.values() else None
    if not accept:
        return default
    for part in accept.split(","):
        mime = part.split(";")[0].strip().lower()
        if mime in table:
            return table[mime]
        if mime in ("*/*", "application/*", "text/*"):
            return default
    return None


class SparqlServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], store: Store, timeout: float = 10.0, max_rows: int = 10_000):
        super().__init__(address, SparqlHandler)
        self.store = store
        self.query_timeout = timeout
        self.max_rows = max_rows
        self.pool = concurrent.futures.ThreadPoolExecutor(max_workers=4)
        self.lock = threading.Lock()


class SparqlHandler(BaseHTTPRequestHandler):
    server: SparqlServer
    timeout = 30  # socket timeout: a client that stops sending is dropped

    def log_message(self, fmt: str, *args: object) -> None:
        log.info("%s %s", self.address_string(), fmt % args)

    def _send(self, code: int, body: bytes, ctype: str = "text/plain; charset=utf-8") -> None:
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_OPTIONS(self) -> None:  # CORS pre-flight for browser clients (YASGUI)
        self.send_response(204)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Content-Type, Accept")
        self.end_headers()

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path != "/sparql":
            self._send(404, b"not found: the endpoint is /sparql\n")
            return
        self._answer_params(parse_qs(url.query))

    def _answer_params(self, params: dict[str, list[str]]) -> None:
        """The protocol's form parameters (a GET query string or a url-encoded POST body)."""
        if "update" in params:
            self._send(403, b"updates are not allowed: this endpoint is read-only\n")
            return
        if "query" not in params:
            self._send(400, b"missing query parameter\n")
            return
        self._answer(params["query"][0], params.get("format", [None])[0])

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        if url.path != "/sparql":
            self._send(404, b"not found: the endpoint is /sparql\n")
            return
        ctype = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        length = int(self.headers.get("Content-Length") or 0)
        if length > 1_000_000:
            self._send(413, b"query too large\n")
            return
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        if ctype == "application/sparql-update":
            self._send(403, b"updates are not allowed: this endpoint is read-only\n")
            return
        if ctype == "application/sparql-query":
            self._answer(body, parse_qs(url.query).get("format", [None])[0])
            return
        self._answer_params(parse_qs(body))

    def _answer(self, sparql: str, override: str | None) -> None:
        if _looks_like_update(sparql):
            self._send(403, b"updates are not allowed: this endpoint is read-only\n")
            return
        future = self.server.pool.submit(self.server.store.query, sparql)
        try:
            result: QueryResult = future.result(timeout=self.server.query_timeout)
        except concurrent.futures.TimeoutError:
            self._send(503, f"query timed out after {self.server.query_timeout:g} s\n".encode())
            return
        except QueryError as exc:
            self._send(400, f"{exc}\n".encode())
            return
        except StoreError as exc:
            self._send(500, f"{exc}\n".encode())
            return
        if result.kind == "select" and len(result.rows) > self.server.max_rows:
            self._send(413, f"result has {len(result.rows)} rows, more than the limit of {self.server.max_rows}; "
                            "add a LIMIT\n".encode())
            return
        fmt = negotiate(self.headers.get("Accept", ""), result.kind, override)
        if fmt is None:
            self._send(406, json.dumps({"acceptable": list(GRAPH_TYPES if result.kind == 'graph' else SELECT_TYPES)})
                       .encode(), "application/json")
            return
        self._send(200, result.serialize(fmt), CONTENT_TYPE[fmt])


def _looks_like_update(sparql: str) -> bool:
    import re

    body = re.sub(r"#[^\n]*", "", sparql)
    body = re.sub(r"(?is)^\s*(?:(?:PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*", "", body)
    return bool(re.match(r"(?i)(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", body))


def make_server(store_dir: Path, host: str = "127.0.0.1", port: int = 7878, timeout: float = 10.0,
                max_rows: int = 10_000) -> SparqlServer:
    """A server bound to (host, port) over the read-only store in ``store_dir`` (port 0: any free port)."""
    store = Store.open_read_only(store_dir)
    return SparqlServer((host, port), store, timeout=timeout, max_rows=max_rows)
