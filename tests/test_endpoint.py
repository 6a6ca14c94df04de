"""``kg serve`` as clients meet it: a live server on 127.0.0.1 (a subprocess on a free port, always stopped).

Issue 9: a runaway query is cancelled and memory stays bounded, simple queries keep answering while four
slow ones run, malformed request framing gets 400 at once. Issue 10: SPARQLWrapper SELECT/ASK/CONSTRUCT in
every format, a query page at ``/``, a rebuilt store served without a restart. Updates stay refused.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest
from rdflib import RDFS, Graph

from kg.server.formats import negotiate
from kg.server.guard import is_update, uses_service
from kg.store import Store

TIMEOUT = 3.0  # the live server's --timeout
MAX_ROWS = 2000
MEMORY_MB = 256
CROSS = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"  # the runaway query of issue 9: ~10^9 rows on the sample graph
CROSS_SORTED = CROSS + " ORDER BY ?f"  # must hold every row before the first: memory-bound
CROSS_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"  # CPU-bound, constant memory
SIMPLE = "SELECT ?l WHERE { ?d a kg:Dataset ; rdfs:label ?l } ORDER BY ?l LIMIT 5"


@dataclass
class Live:
    """A running ``kg serve`` subprocess."""

    proc: subprocess.Popen[bytes]
    base: str
    log: Path

    @property
    def sparql(self) -> str:
        return f"{self.base}/sparql"

    def tree_rss_mb(self) -> float:
        """Resident memory of the server and all its workers, in MB."""
        root = psutil.Process(self.proc.pid)
        total = 0
        for p in [root, *root.children(recursive=True)]:
            try:
                total += p.memory_info().rss
            except psutil.NoSuchProcess:
                pass
        return total / 2**20

    def server_rss_mb(self) -> float:
        return psutil.Process(self.proc.pid).memory_info().rss / 2**20


def start_server(store: Path, log: Path, *extra: str) -> Live:
    """Start ``kg serve`` on a free port (port 0) and read the address it prints."""
    kg = Path(sys.executable).with_name("kg")
    with log.open("wb") as fh:
        proc = subprocess.Popen([str(kg), "serve", "--store", str(store), "--port", "0", *extra],
                                stdout=subprocess.DEVNULL, stderr=fh)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        m = re.search(r"http://127\.0\.0\.1:(\d+)/sparql", log.read_text(encoding="utf-8", errors="replace"))
        if m:
            return Live(proc, f"http://127.0.0.1:{m.group(1)}", log)
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.kill()
    raise AssertionError(f"kg serve did not start: {log.read_text(errors='replace')}")


def stop_server(live: Live) -> None:
    workers = []
    try:
        workers = psutil.Process(live.proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        pass
    live.proc.send_signal(signal.SIGTERM)
    try:
        live.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        live.proc.kill()
        live.proc.wait(timeout=10)
    _, alive = psutil.wait_procs(workers, timeout=5)
    for p in alive:  # pragma: no cover - only if the server failed to stop its workers
        p.kill()
    assert not alive, "kg serve left query workers running"


@pytest.fixture(scope="module")
def live(sample_build, tmp_path_factory) -> Iterator[Live]:
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    server = start_server(sample_build[0] / "store", log, "--timeout", str(TIMEOUT), "--max-rows", str(MAX_ROWS),
                          "--memory-limit", str(MEMORY_MB), "--workers", "6")
    try:
        yield server
    finally:
        stop_server(server)
    assert "Traceback" not in log.read_text(errors="replace")


def http(url: str, data: bytes | None = None, headers: dict[str, str] | None = None,
         timeout: float = 30) -> tuple[int, str, bytes]:
    req = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.headers.get("Content-Type", ""), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get("Content-Type", ""), err.read()


def ask(live: Live, query: str, accept: str = "application/sparql-results+json") -> tuple[int, bytes, float]:
    t0 = time.perf_counter()
    status, _, body = http(f"{live.sparql}?{urllib.parse.urlencode({'query': query})}", headers={"Accept": accept})
    return status, body, time.perf_counter() - t0


def workers(live: Live) -> list[psutil.Process]:
    return psutil.Process(live.proc.pid).children(recursive=True)


def cpu_percent(procs: list[psutil.Process], seconds: float = 1.0) -> float:
    """CPU used by ``procs`` over ``seconds`` (100 = one core); processes that are gone count 0."""
    for p in procs:
        with contextlib.suppress(psutil.NoSuchProcess):
            p.cpu_percent(None)
    time.sleep(seconds)
    total = 0.0
    for p in procs:
        with contextlib.suppress(psutil.NoSuchProcess):
            total += p.cpu_percent(None)
    return total


def gone(procs: list[psutil.Process]) -> int:
    return sum(1 for p in procs if not p.is_running() or p.status() == psutil.STATUS_ZOMBIE)


# ------------------------------------------------------------------ issue 9: runaway queries


def test_runaway_cross_product_stops_at_the_row_cap(live):
    before = live.tree_rss_mb()
    status, body, seconds = ask(live, CROSS)
    assert status == 413 and b"add a LIMIT" in body
    assert seconds < TIMEOUT  # the rows are streamed and evaluation stops at the cap: no waiting for the timeout
    assert live.tree_rss_mb() < before + 100


def test_memory_hungry_query_is_stopped_by_the_worker_memory_limit(live):
    server_before = live.server_rss_mb()
    peak = [live.tree_rss_mb()]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak.append(live.tree_rss_mb())
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        status, body, seconds = ask(live, CROSS_SORTED)
    finally:
        done.set()
        sampler.join()
    assert status == 503 and f"{MEMORY_MB} MB".encode() in body, body
    # The whole tree never held more than the server, six idle-sized workers and one query at its limit.
    assert max(peak) < peak[0] + MEMORY_MB + 100, (peak[0], max(peak))
    assert live.server_rss_mb() < server_before + 30  # the server itself never saw the rows
    assert ask(live, SIMPLE)[0] == 200  # a fresh worker took the dead one's place


def test_timed_out_query_is_killed_and_frees_its_cpu(live):
    before = workers(live)
    status, body, seconds = ask(live, CROSS_COUNT)
    assert status == 503 and b"was stopped" in body
    assert TIMEOUT - 0.2 < seconds < TIMEOUT + 2.0
    time.sleep(0.3)
    assert gone(before) == 1  # the worker that ran it was killed (and replaced)
    assert cpu_percent(before) < 30  # nothing is still computing the abandoned count


def test_simple_queries_answer_while_four_slow_ones_run(live):
    before = workers(live)
    slow: list[int] = []
    threads = [threading.Thread(target=lambda: slow.append(ask(live, CROSS_COUNT)[0])) for _ in range(4)]
    for t in threads:
        t.start()
    time.sleep(0.5)  # the four are running now
    latencies = []
    for _ in range(10):
        status, body, seconds = ask(live, SIMPLE)
        assert status == 200 and len(json.loads(body)["results"]["bindings"]) == 5
        latencies.append(seconds)
    for t in threads:
        t.join()
    assert slow == [503] * 4
    assert max(latencies) < 1.5, latencies
    time.sleep(0.3)
    assert gone(before) == 4
    assert cpu_percent(before) < 30


# ------------------------------------------------------------------ issue 9 defect 10: request framing


def raw_request(live: Live, head: str, body: bytes = b"", half_close: bool = False) -> tuple[int, float]:
    """Send bytes as they are; return the status code and the seconds until the answer."""
    port = int(live.base.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        t0 = time.perf_counter()
        s.sendall(head.encode("latin-1") + body)
        if half_close:
            s.shutdown(socket.SHUT_WR)
        data = b""
        while b"\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        seconds = time.perf_counter() - t0
    m = re.match(rb"HTTP/1\.[01] (\d{3})", data)
    assert m, data
    return int(m.group(1)), seconds


def _post(length_headers: str) -> str:
    return (f"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
            f"{length_headers}\r\n")


@pytest.mark.parametrize(
    ("head", "body", "status"),
    [
        (_post("Content-Length: abc\r\n"), b"ASK {}", 400),
        (_post("Content-Length: -1\r\n"), b"ASK {}", 400),
        (_post("Content-Length: 1e3\r\n"), b"ASK {}", 400),
        (_post("Content-Length: 6\r\nContent-Length: 7\r\n"), b"ASK {}", 400),
        (_post("Content-Length: 100\r\n"), b"ASK {}", 400),  # short body, connection left open
        (_post("Content-Length: 10000000\r\n"), b"ASK {}", 413),
        (_post("Transfer-Encoding: chunked\r\n"), b"6\r\nASK {}\r\n0\r\n\r\n", 411),
        (_post("Content-Length: 6\r\n"), b"ASK {}", 200),
    ],
    ids=["letters", "negative", "exponent", "conflicting", "short-body", "too-big", "chunked", "well-formed"],
)
def test_request_framing(live, head, body, status):
    got, seconds = raw_request(live, head, body)
    assert got == status
    assert seconds < 2.5  # never the 30 s socket timeout


def test_short_body_with_half_closed_socket_is_answered_at_once(live):
    got, seconds = raw_request(live, _post("Content-Length: 100\r\n"), b"ASK {}", half_close=True)
    assert got == 400 and seconds < 0.5


@pytest.mark.parametrize(
    ("kind", "status"),
    [("update-param", 403), ("update-body", 403), ("update-in-query", 403), ("syntax", 400), ("no-query", 400),
     ("service", 400), ("long-query-string", 414), ("construct-over-cap", 413)],
)
def test_refusals_hold(live, kind, status):
    q = urllib.parse.quote
    if kind == "update-param":
        got = http(f"{live.sparql}?update={q('DELETE WHERE { ?s ?p ?o }')}")
    elif kind == "update-body":
        got = http(live.sparql, b"INSERT DATA { <a:b> <a:c> <a:d> }", {"Content-Type": "application/sparql-update"})
    elif kind == "update-in-query":
        got = http(f"{live.sparql}?query={q('PREFIX x: <a:> # comment' + chr(10) + 'DROP ALL')}")
    elif kind == "syntax":
        got = http(f"{live.sparql}?query={q('SELECT ?x WHERE {')}")
        assert re.search(rb"1:\d+", got[2]), got  # the position of the error
    elif kind == "no-query":
        got = http(live.sparql)
    elif kind == "service":
        got = http(f"{live.sparql}?query={q('SELECT * WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }')}")
    elif kind == "long-query-string":
        got = http(f"{live.sparql}?query={'x' * 1_000_000}")
    else:
        got = http(f"{live.sparql}?query={q('CONSTRUCT WHERE { ?s ?p ?o }')}")
    assert got[0] == status, got


# ------------------------------------------------------------------ issue 10: SPARQLWrapper in every format


def wrapper(live: Live, query: str, fmt: str, method: str = "GET"):
    from SPARQLWrapper import POST, SPARQLWrapper

    sw = SPARQLWrapper(live.sparql)
    sw.setQuery(query)
    sw.setReturnFormat(fmt)
    if method == "POST":
        sw.setMethod(POST)
    return sw.query()


SW_SELECT = "SELECT ?d ?l WHERE { ?d a kg:Benchmark ; rdfs:label ?l } ORDER BY ?l LIMIT 7"
SW_CONSTRUCT = "CONSTRUCT { ?d rdfs:label ?l } WHERE { ?d a kg:Benchmark ; rdfs:label ?l } ORDER BY ?l LIMIT 7"


@pytest.fixture(scope="module")
def benchmark_labels(sample_build) -> list[str]:
    with Store.open_read_only(sample_build[0] / "store") as st:
        return [row[1] for row in st.query(SW_SELECT).text_rows()]


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_select(live, benchmark_labels, fmt, method):
    res = wrapper(live, SW_SELECT, fmt, method)
    data = res.convert()
    if fmt == "json":
        labels = [b["l"]["value"] for b in data["results"]["bindings"]]
    elif fmt == "xml":
        labels = [n.firstChild.data for n in data.getElementsByTagName("literal")]
    elif fmt == "csv":
        labels = [line.split(",")[1] for line in data.decode().splitlines()[1:]]
    else:
        labels = [line.split("\t")[1].strip('"') for line in data.decode().splitlines()[1:]]
    assert labels == benchmark_labels and len(labels) == 7


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_sparqlwrapper_ask(live, fmt):
    for query, expected in (("ASK { ?p a kg:Paper }", True), ("ASK { ?p a kg:NoSuchClass }", False)):
        data = wrapper(live, query, fmt).convert()
        if fmt == "json":
            assert data["boolean"] is expected
        elif fmt == "xml":
            assert data.getElementsByTagName("boolean")[0].firstChild.data == str(expected).lower()
        else:
            assert data.decode().strip().endswith(str(expected).lower())


@pytest.mark.parametrize(
    ("fmt", "ctype"),
    [("xml", "application/rdf+xml"), ("rdf+xml", "application/rdf+xml"), ("rdf", "application/rdf+xml"),
     ("turtle", "text/turtle"),
     ("n3", "text/turtle"), ("json-ld", "application/ld+json"), ("json", "application/ld+json"),
     ("csv", "text/csv")],
)
@pytest.mark.parametrize("form", ["CONSTRUCT", "DESCRIBE"])
def test_sparqlwrapper_construct_and_describe(live, benchmark_labels, fmt, ctype, form):
    import warnings

    query = SW_CONSTRUCT if form == "CONSTRUCT" else "DESCRIBE ?d WHERE { ?d a kg:Benchmark ; rdfs:label ?l } " \
                                                     "ORDER BY ?l LIMIT 7"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # SPARQLWrapper warns that it sends */* for json/csv
        res = wrapper(live, query, fmt)
    assert res.response.headers["Content-Type"].startswith(ctype)
    data = res.convert()
    if fmt == "csv":
        rows = data.decode().splitlines()
        assert rows[0] == "subject,predicate,object" and len(rows) > 7
        labels = {r.split(",", 2)[2] for r in rows[1:] if ",http://www.w3.org/2000/01/rdf-schema#label," in r}
    else:
        g = data if isinstance(data, Graph) else Graph().parse(data=data, format="turtle")
        labels = {str(o) for o in g.objects(None, RDFS.label)}
    assert set(benchmark_labels) <= labels


def test_sparqlwrapper_update_is_refused(live):
    from SPARQLWrapper import POST, SPARQLWrapper

    sw = SPARQLWrapper(live.sparql, updateEndpoint=live.sparql)
    sw.setMethod(POST)
    sw.setQuery("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    with pytest.raises(urllib.error.HTTPError) as err:
        sw.query()
    assert err.value.code == 403
    assert json.loads(ask(live, "ASK { <urn:a> <urn:b> <urn:c> }")[1])["boolean"] is False


@pytest.mark.parametrize(
    ("accept", "params", "kind", "fmt"),
    [
        ("text/csv, */*;q=0.1", [], "select", "csv"),
        ("image/png", [], "select", None),
        ("*/*", [], "graph", "turtle"),
        ("application/n-triples", [], "graph", "ntriples"),
        ("application/rdf+xml", ["xml"], "graph", "rdfxml"),  # SPARQLWrapper's CONSTRUCT default
        ("application/sparql-results+xml", ["xml"], "select", "xml"),  # ... and its SELECT default
        ("*/*", ["json-ld", "application/ld+json"], "graph", "jsonld"),
        ("", ["turtle"], "select", "json"),  # a parameter a SELECT cannot have is only a hint
        ("image/png", ["turtle"], "select", None),
        ("text/turtle;q=0.2, application/ld+json;q=0.9", [], "graph", "jsonld"),
        ("application/json;q=0, text/*", [], "select", "csv"),
        ("", [], "ask", "json"),
        ("", ["application/sparql-results+xml"], "ask", "xml"),
    ],
)
def test_negotiate(accept, params, kind, fmt):
    assert negotiate(accept, kind, params) == fmt


# ------------------------------------------------------------------ issue 10: the query page


def test_query_page_is_an_offline_form_with_the_library(live):
    from kg.store import load_queries

    status, ctype, body = http(f"{live.base}/")
    page = body.decode()
    assert status == 200 and ctype.startswith("text/html")
    assert '<form method="post" action="/">' in page and "<textarea" in page
    for name in load_queries():
        assert f">{name}</a>" in page
    assert "<script" not in page.lower()  # nothing runs, nothing loads from elsewhere
    assert not re.search(r'(?:src|href)="(?:https?:)?//', page)


def test_query_page_runs_a_query_and_escapes_everything(live):
    hostile = 'SELECT ?x ?l WHERE { BIND("<script>alert(1)</script> & \\"q\\"" AS ?x) ?d a kg:Benchmark ; ' \
              'rdfs:label ?l } ORDER BY ?l LIMIT 3'
    status, _, body = http(f"{live.base}/", urllib.parse.urlencode({"query": hostile}).encode())
    page = body.decode()
    assert status == 200
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot;" in page
    assert "<th>x</th><th>l</th>" in page and page.count("<tr>") == 4  # header + 3 rows
    assert "3 rows" in page


@pytest.mark.parametrize(
    ("query", "status", "text"),
    [("SELECT ?x WHERE {", 400, "SPARQL syntax error"), (CROSS, 200, "there are more"),
     ("DELETE WHERE { ?s ?p ?o }", 403, "read-only"), ("ASK { ?p a kg:Paper }", 200, "ASK: <strong>true")],
)
def test_query_page_reports(live, query, status, text):
    got, _, body = http(f"{live.base}/?{urllib.parse.urlencode({'query': query})}")
    assert got == status and text in body.decode()


@pytest.mark.parametrize(
    ("fmt", "ctype", "parse"),
    [("turtle", "text/turtle", "turtle"), ("ntriples", "application/n-triples", "nt"),
     ("rdfxml", "application/rdf+xml", "xml"), ("jsonld", "application/ld+json", "json-ld")],
)
def test_query_page_download_buttons(live, benchmark_labels, fmt, ctype, parse):
    """The page's "Download" button posts the form (query + format) to /sparql."""
    form = urllib.parse.urlencode({"query": SW_CONSTRUCT, "format": fmt}).encode()
    status, got, body = http(live.sparql, form, {"Content-Type": "application/x-www-form-urlencoded",
                                                 "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert status == 200 and got.startswith(ctype)
    g = Graph().parse(data=body, format=parse)
    assert {str(o) for o in g.objects(None, RDFS.label)} == set(benchmark_labels)


def test_head_request(live):
    req = urllib.request.Request(f"{live.base}/", method="HEAD")
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.status == 200 and resp.read() == b"" and int(resp.headers["Content-Length"]) > 1000


def test_query_page_headers_forbid_scripts(live):
    with urllib.request.urlopen(f"{live.base}/", timeout=10) as resp:
        csp = resp.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp


# ------------------------------------------------------------------ issue 10: a rebuild is served without a restart


def test_rebuilt_store_is_served_without_restart(tmp_path, nlp):
    from kg.pipeline import build

    gold = Path(__file__).parent / "data" / "gold" / "dev.papers.jsonl"
    lines = gold.read_text(encoding="utf-8").splitlines()
    (tmp_path / "a.jsonl").write_text("\n".join(lines[:2]) + "\n", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text("\n".join(lines[2:5]) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    build([tmp_path / "a.jsonl"], out, validate=False)
    server = start_server(out / "store", tmp_path / "serve.log", "--timeout", "10")
    count = "SELECT (COUNT(?p) AS ?n) WHERE { ?p a kg:Paper }"

    def papers() -> int:
        status, body, _ = ask(server, count)
        assert status == 200, body
        return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])

    try:
        assert papers() == 2
        build([tmp_path / "b.jsonl"], out, validate=False)  # what `kg build b.jsonl --out out` does
        assert papers() == 5
        assert papers() == 5  # every worker, not only the first, sees the new store
    finally:
        stop_server(server)


# ------------------------------------------------------------------ the guard


@pytest.mark.parametrize(
    ("query", "update", "service"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", False, False),
        ("PREFIX x: <a:>\n# DROP ALL in a comment\nSELECT * WHERE { ?s ?p ?o }", False, False),
        ("prefix x: <a:> insert data { <a:b> <a:c> <a:d> }", True, False),
        ("BASE <http://x/> WITH <g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", True, False),
        ("SELECT * WHERE { service <http://h/> { ?s ?p ?o } }", False, True),
        ("SELECT * WHERE { SERVICE SILENT ?endpoint { ?s ?p ?o } }", False, True),
        ('SELECT * WHERE { ?s ?p "SERVICE <http://h/> { }" }', False, False),
        ("SELECT ?service WHERE { ?service a kg:Method . ?x kg:service ?y }", False, False),
        ("SELECT * WHERE { ?s <http://x/SERVICE> ?o }", False, False),
        ("SELECT * WHERE { ?s ?p ?o } # SERVICE <http://h/> {}", False, False),
    ],
)
def test_guard(query, update, service):
    assert is_update(query) is update
    assert uses_service(query) is service


def test_workers_have_no_network(sample_build):
    """Even a SERVICE query that bypassed the guard cannot reach a host from a worker (where the OS allows)."""
    from kg.server.workers import QueryPool

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    pool = QueryPool(sample_build[0] / "store", size=1)
    try:
        if not pool.isolated:
            pytest.skip("this OS does not let an unprivileged process leave the network namespace")
        job = {"mode": "protocol", "query": f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
               "accept": "", "formats": [], "max_rows": 10, "max_bytes": 10**6}
        reply = pool.run(job, 10)
        assert reply["status"] != 200 and "unreachable" in reply["message"].lower()
        with pytest.raises(TimeoutError):
            listener.accept()  # nobody called
    finally:
        pool.close()
        listener.close()


def test_a_worker_killed_while_idle_is_replaced(sample_build):
    from kg.server.workers import QueryPool

    pool = QueryPool(sample_build[0] / "store", size=2)
    try:
        for pid in pool.pids():
            os.kill(pid, signal.SIGKILL)
        time.sleep(0.2)
        job = {"mode": "protocol", "query": "ASK { ?p a kg:Paper }", "accept": "", "formats": [], "max_rows": 10,
               "max_bytes": 10**6}
        reply = pool.run(job, 30)
        assert reply["status"] == 200 and json.loads(reply["body"])["boolean"] is True
    finally:
        pool.close()


def test_workers_do_not_start_http_code():
    """A worker imports the store and the formats, not the HTTP server (it starts faster, holds less)."""
    code = ("import sys, kg.server.workers; "
            "print(int('kg.server.endpoint' in sys.modules), int('rdflib' in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    assert out.stdout.split() == ["0", "0"]
