"""``kg query``, ``kg serve`` and ``kg stats``."""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kg.cli.app import app, console, err_console, handle_errors

DEFAULT_STORE = Path("output") / "store"


@app.command("query")
@handle_errors
def query_cmd(
    query: Annotated[str, typer.Argument(help="SPARQL text, a .rq file, or a library query name (see --list).")] = "",
    store: Annotated[Path, typer.Option("--store", "-s", help="Store directory.")] = DEFAULT_STORE,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, csv, tsv, json, xml; for CONSTRUCT/DESCRIBE also "
                                     "turtle, ntriples, rdfxml, jsonld.")] = "table",
    list_queries: Annotated[bool, typer.Option("--list", help="List the query library.")] = False,
) -> None:
    """Run a SPARQL query against the store (prefixes kg:, dcterms:, rdfs:, skos:, xsd: are predeclared)."""
    from kg.store import Store, load_queries, resolve_query

    if list_queries or not query:
        table = Table(title="query library (kg query NAME)")
        table.add_column("name")
        table.add_column("answers")
        for q in load_queries().values():
            table.add_row(q.name, q.description)
        console.print(table)
        return
    sparql = resolve_query(query)
    with Store.open_read_only(store) as st:
        result = st.query(sparql)
    if fmt == "table":
        table = Table(show_lines=False)
        for var in (result.variables if result.kind != "ask" else ["answer"]):
            table.add_column(var, overflow="fold")
        for row in result.text_rows():
            table.add_row(*row)
        console.print(table)
        err_console.print(f"{len(result.text_rows())} row(s)")
        return
    sys.stdout.buffer.write(result.serialize(fmt))
    sys.stdout.flush()


@app.command("serve")
@handle_errors
def serve_cmd(
    store: Annotated[Path, typer.Option("--store", "-s", help="Store directory.")] = DEFAULT_STORE,
    host: Annotated[str, typer.Option(help="Interface to bind (localhost by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port (0 = any free port).")] = 7878,
    timeout: Annotated[float, typer.Option(help="Seconds a query may run; then its worker is killed (503).")] = 10.0,
    max_rows: Annotated[int, typer.Option(help="Most SELECT rows / CONSTRUCT triples returned (413 beyond).")] = 10_000,
    workers: Annotated[int, typer.Option(min=1, help="Query worker processes: queries that run at once.")] = 6,
    memory_limit: Annotated[int, typer.Option("--memory-limit", min=64, help="MB of memory one query may use.")] = 512,
) -> None:
    """Serve the store read-only: a SPARQL 1.1 Protocol endpoint at /sparql and a query page at /."""
    from kg.server import make_server

    server = make_server(store, host, port, timeout, max_rows, workers=workers, memory_mb=memory_limit)
    h, p = server.server_address[:2]
    h = h.decode() if isinstance(h, bytes) else h
    err_console.print(f"SPARQL endpoint: http://{h}:{p}/sparql, query page: http://{h}:{p}/ "
                      "(read-only; Ctrl-C stops)", soft_wrap=True)
    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt  # SIGTERM (service managers, tests) stops as cleanly as Ctrl-C

    signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()  # also stops the query workers


@app.command("stats")
@handle_errors
def stats_cmd(
    graph: Annotated[Path, typer.Argument(help="A `kg build` output directory or a `kg extract` file.")] = Path("output"),
    report: Annotated[Path | None, typer.Option("--report", help="Write CSV tables and PNG plots here.")] = None,
    top: Annotated[int, typer.Option(help="Rows per table.")] = 10,
) -> None:
    """Graph analytics: sizes, dataset popularity, method ranking (PageRank on beats), communities."""
    from kg import analytics
    from kg.pipeline import load_graph

    G = load_graph(graph).nx
    summary = analytics.graph_summary(G)
    t = Table(title="graph")
    t.add_column("measure")
    t.add_column("value", justify="right")
    for k, v in summary.items():
        if not isinstance(v, dict):
            t.add_row(k, str(v))
    for k, v in summary["nodes_by_type"].items():
        t.add_row(f"nodes: {k}", str(v))
    console.print(t)
    for title, rows, cols in (
        ("most-used datasets", analytics.dataset_popularity(G, top), ("dataset", "papers")),
        ("method ranking (PageRank on beats)", analytics.method_ranking(G, top), ("method", "score")),
    ):
        t = Table(title=title)
        for c in cols:
            t.add_column(c)
        for a, b in rows:
            t.add_row(str(a), str(b))
        console.print(t)
    comms = analytics.co_usage_communities(G)[:top]
    t = Table(title="dataset co-usage communities")
    t.add_column("size", justify="right")
    t.add_column("datasets")
    for comm in comms:
        t.add_row(str(len(comm)), ", ".join(comm[:12]) + (" …" if len(comm) > 12 else ""))
    console.print(t)
    if report is not None:
        from kg.report import write_report

        for name, path in write_report(G, report).items():
            err_console.print(f"wrote {name}: {path}")
