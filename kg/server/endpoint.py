"""The HTTP side of ``kg serve``: request parsing, limits, status codes; queries go to :mod:`kg.server.workers`.

Why the request checks are strict: this loop is the part a client talks to directly. A
``Content-Length`` that is not a number, negative, repeated with different values or larger than the
limit is answered 400/413 before anything is read; a body shorter than announced is answered 400 after
at most :data:`BODY_IDLE_SECONDS` of silence instead of holding a thread for the socket timeout; and no
error ever reaches the client or the console as a traceback.
"""

from __future__ import annotations

import contextlib
import logging
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from kg.errors import QueryAborted, QueryTimeout, ServerBusy, StoreError
from kg.server.guard import is_update, uses_service
from kg.server.page import CSP, PAGE_ROWS, Table, render_page
from kg.server.workers import QueryPool
from kg.store import load_queries

log = logging.getLogger("kg.server")

#: Largest request body (a query, url-encoded or not).
MAX_BODY = 1_000_000
#: A client that announced a body and then sends nothing for this long gets a 400.
BODY_IDLE_SECONDS = 1.0
#: Largest response body from ``/sparql``.
MAX_RESPONSE_BYTES = 64_000_000
#: Parameters clients use to name a result format (Virtuoso ``format``, Fuseki ``output``, others ``results``).
FORMAT_PARAMS = ("format", "output", "results")


class SparqlServer(ThreadingHTTPServer):
    """A threading HTTP server whose queries run in a :class:`QueryPool` over ``store_dir``."""

    daemon_threads = True
    request_queue_size = 128  # the default 5 makes a burst of clients wait for SYN retries (1 s each)

    def __init__(self, address: tuple[str, int], store_dir: Path, timeout: float = 10.0, max_rows: int = 10_000,
                 workers: int = 6, memory_mb: int = 512) -> None:
        super().__init__(address, SparqlHandler)
        self.store_dir = Path(store_dir)
        self.query_timeout = timeout
        self.max_rows = max_rows
        try:
            self.pool = QueryPool(self.store_dir, size=workers, memory_mb=memory_mb)
        except BaseException:
            super().server_close()
            raise
        self.examples = list(load_queries().values())

    def server_close(self) -> None:
        super().server_close()
        self.pool.close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """One log line instead of socketserver's traceback on stderr (a client hanging up, mostly)."""
        import sys

        exc = sys.exc_info()[1]
        level = logging.INFO if isinstance(exc, (ConnectionError, TimeoutError)) else logging.ERROR
        log.log(level, "request from %s ended early: %s: %s", client_address, type(exc).__name__, exc,
                exc_info=log.isEnabledFor(logging.DEBUG))


class SparqlHandler(BaseHTTPRequestHandler):
    server: SparqlServer
    timeout = 30  # socket timeout while reading the request line and headers
    server_version = "paperkg"

    def log_message(self, fmt: str, *args: object) -> None:
        log.info("%s %s", self.address_string(), fmt % args)

    # -- responses

    def _send(self, code: int, body: bytes, ctype: str = "text/plain; charset=utf-8",
              extra: dict[str, str] | None = None) -> None:
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("X-Content-Type-Options", "nosniff")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _text(self, code: int, message: str, extra: dict[str, str] | None = None) -> None:
        self._send(code, (message.rstrip("\n") + "\n").encode("utf-8"), extra=extra)

    def do_OPTIONS(self) -> None:  # CORS pre-flight for browser clients (YASGUI)
        self.send_response(204)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Content-Type, Accept")
        self.send_header("Content-Length", "0")
        self.end_headers()

    # -- routing

    def handle_one_request(self) -> None:
        """Answer 500 with one line, instead of dropping the connection, when answering raised."""
        try:
            super().handle_one_request()
        except (ConnectionError, TimeoutError):
            raise  # the client is gone: nobody to answer (handle_error logs it)
        except Exception as exc:
            log.error("internal error while answering %s: %s: %s", self.path if hasattr(self, "path") else "?",
                      type(exc).__name__, exc, exc_info=log.isEnabledFor(logging.DEBUG))
            self.close_connection = True
            with contextlib.suppress(OSError):
                self._text(500, f"internal error: {type(exc).__name__}")

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        params = parse_qs(url.query)
        if url.path == "/":
            self._page(params)
        elif url.path == "/sparql":
            self._protocol(params)
        else:
            self._text(404, "not found: the query page is /, the SPARQL endpoint /sparql")

    def do_HEAD(self) -> None:  # monitors and link checkers: the GET answer without its body
        self.do_GET()

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        if url.path not in ("/", "/sparql"):
            self._text(404, "not found: the query page is /, the SPARQL endpoint /sparql")
            return
        body = self._read_body()
        if body is None:
            return
        ctype = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if ctype == "application/sparql-update":
            self._text(403, "updates are not allowed: this endpoint is read-only")
            return
        if url.path == "/sparql" and ctype == "application/sparql-query":
            params = parse_qs(url.query)
            params["query"] = [body.decode("utf-8", errors="replace")]
        else:
            params = {**parse_qs(url.query), **parse_qs(body.decode("utf-8", errors="replace"))}
        if url.path == "/":
            self._page(params)
        else:
            self._protocol(params)

    def _read_body(self) -> bytes | None:
        """The request body, or None after answering a request whose framing is wrong."""
        if self.headers.get("Transfer-Encoding"):
            self._text(411, "send the body with a Content-Length (chunked transfer encoding is not accepted)")
            return None
        values = {v.strip() for v in self.headers.get_all("Content-Length") or []}
        if not values:
            return b""
        if len(values) > 1:
            self._text(400, "conflicting Content-Length headers")
            return None
        raw = values.pop()
        if not raw.isdigit():  # also refuses "-1", "+5", "1e3", ""
            self._text(400, f"Content-Length must be a non-negative integer, not {raw[:40]!r}")
            return None
        length = int(raw)
        if length > MAX_BODY:
            self._text(413, f"request body of {length} bytes is larger than the limit of {MAX_BODY}")
            return None
        chunks: list[bytes] = []
        got = 0
        self.connection.settimeout(BODY_IDLE_SECONDS)
        try:
            while got < length:
                chunk = self.rfile.read1(length - got)
                if not chunk:
                    break
                chunks.append(chunk)
                got += len(chunk)
        except TimeoutError:
            pass
        finally:
            self.connection.settimeout(self.timeout)
        if got < length:
            self._text(400, f"the body is shorter than its Content-Length ({got} of {length} bytes arrived)")
            return None
        return b"".join(chunks)

    # -- the protocol endpoint

    def _refusal(self, sparql: str) -> tuple[int, str] | None:
        if is_update(sparql):
            return 403, "updates are not allowed: this endpoint is read-only"
        if uses_service(sparql):
            return 400, "SERVICE (federated queries) is not allowed: this endpoint never calls other hosts"
        return None

    def _run(self, job: dict[str, Any]) -> tuple[dict[str, Any] | None, tuple[int, str, dict[str, str]] | None]:
        """A reply from the pool, or the (status, message, headers) of why there is none."""
        try:
            return self.server.pool.run(job, self.server.query_timeout), None
        except ServerBusy as exc:
            return None, (503, str(exc), {"Retry-After": "1"})
        except (QueryTimeout, QueryAborted) as exc:
            return None, (503, str(exc), {})
        except StoreError as exc:
            return None, (500, str(exc), {})

    def _protocol(self, params: dict[str, list[str]]) -> None:
        if "update" in params:
            self._text(403, "updates are not allowed: this endpoint is read-only")
            return
        if "query" not in params:
            self._text(400, "missing query parameter (GET /sparql?query=… or POST a form with query=…)")
            return
        sparql = params["query"][0]
        refusal = self._refusal(sparql)
        if refusal is not None:
            self._text(*refusal)
            return
        formats = [v for name in FORMAT_PARAMS for v in params.get(name, [])]
        job = {"mode": "protocol", "query": sparql, "accept": self.headers.get("Accept", ""), "formats": formats,
               "max_rows": self.server.max_rows, "max_bytes": MAX_RESPONSE_BYTES}
        reply, failure = self._run(job)
        if failure is not None:
            self._text(failure[0], failure[1], failure[2])
            return
        assert reply is not None
        if "body" in reply:
            self._send(reply["status"], reply["body"], reply["ctype"])
        else:
            self._text(reply["status"], reply["message"])

    # -- the query page

    def _page(self, params: dict[str, list[str]]) -> None:
        sparql = params.get("query", [""])[0]
        status, table, error = 200, None, None
        if sparql.strip():
            refusal = self._refusal(sparql)
            if refusal is not None:
                status, error = refusal
            else:
                job = {"mode": "table", "query": sparql, "accept": "", "formats": [], "max_rows": PAGE_ROWS,
                       "max_bytes": MAX_RESPONSE_BYTES}
                reply, failure = self._run(job)
                if failure is not None:
                    status, error = failure[0], failure[1]
                elif reply is not None and reply["status"] != 200:
                    status, error = reply["status"], reply.get("message", "")
                elif reply is not None:
                    table = Table(reply["kind"], reply["variables"], reply["rows"], reply["complete"],
                                  reply["seconds"])
        page = render_page(self.server.examples, sparql, table, error)
        self._send(status, page, "text/html; charset=utf-8",
                   {"Content-Security-Policy": CSP, "Cache-Control": "no-store"})


def make_server(store_dir: Path, host: str = "127.0.0.1", port: int = 7878, timeout: float = 10.0,
                max_rows: int = 10_000, workers: int = 6, memory_mb: int = 512) -> SparqlServer:
    """A server bound to (host, port) over the store in ``store_dir`` (port 0: any free port).

    Raises :class:`StoreError` when there is no store there (``kg build`` first).
    """
    from kg.store import Store

    Store.open_read_only(store_dir).close()  # fail now, with the usual message, if there is no store
    return SparqlServer((host, port), store_dir, timeout=timeout, max_rows=max_rows, workers=workers,
                        memory_mb=memory_mb)
