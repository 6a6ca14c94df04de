#!/usr/bin/env python3
"""Query speed: pyoxigraph (the store behind ``kg query`` / ``kg serve``) vs rdflib's own SPARQL engine.

Both engines answer every query of the library (``queries/*.rq``) over the *same* triples:

* ``x1``: the graph built from the embedded sample corpus (~500 papers, ~32k triples);
* ``x100`` (``--scale``): the corpus replicated 100 times. Re-extracting 50,000 abstracts would only
  time the extractor again, so we replicate at the RDF level instead: every per-paper node (paper, claim,
  result IRIs) is copied ``scale`` times under a suffixed IRI, while the shared entities (methods,
  datasets, metrics, tasks) stay single nodes. That is exactly the graph a corpus of ``scale`` copies of
  each paper (with distinct ids) would produce: entity degrees grow ``scale``-fold, as in a real large corpus.

Each query runs ``--repeat`` times per engine (the best time is reported, after one warm-up run); the
row counts of the two engines are compared so that a speed-up never hides a wrong answer. rdflib
queries that exceed ``--timeout`` seconds are stopped (run in a forked child) and reported as ``>T``; library
queries rdflib cannot run (LATERAL, an Oxigraph extension three of them use) are reported as ``n/a``.

    .venv/bin/python benchmarks/query_speed.py [--graph output/graph.nt] [--scale 100] [--timeout 120]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import statistics
import sys
import time
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef

from kg.store import PREFIXES, load_queries

PER_PAPER = ("https://w3id.org/paperkg/id/paper/", "https://w3id.org/paperkg/id/claim/",
             "https://w3id.org/paperkg/id/result/")


def replicate(triples: list[tuple], scale: int) -> list[tuple]:
    """``scale`` copies of every triple, with per-paper IRIs suffixed by the copy number."""
    def rename(term: object, k: int) -> object:
        if k and isinstance(term, URIRef) and str(term).startswith(PER_PAPER):  # rdflib overrides startswith
            return URIRef(f"{term}-r{k}")
        return term

    out = []
    for k in range(scale):
        for s, p, o in triples:
            out.append((rename(s, k), p, rename(o, k)))
    return list(dict.fromkeys(out))  # shared-entity triples (labels, types) are not duplicated


def to_ox(term: object) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    from rdflib import BNode, Literal
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    assert isinstance(term, Literal)
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype:
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    return ox.Literal(str(term))


def _rdflib_rows(graph: Graph, sparql: str, conn) -> None:  # runs in a forked child
    t0 = time.perf_counter()
    try:
        n = len(list(graph.query(sparql, initNs=PREFIXES)))
    except Exception as exc:  # e.g. LATERAL (an Oxigraph extension) that rdflib cannot parse
        conn.send((None, type(exc).__name__))
        return
    conn.send((time.perf_counter() - t0, n))  # timed in the child: fork start-up is not the engine's cost


def time_rdflib(graph: Graph, sparql: str, timeout: float) -> tuple[float | None, int | str | None]:
    """(seconds, rows); (None, None) past the timeout; (None, error name) when rdflib cannot run the query."""
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_rdflib_rows, args=(graph, sparql, child))
    proc.start()
    if parent.poll(timeout):
        secs, n = parent.recv()
        proc.join()
        return secs, n
    proc.kill()
    proc.join()
    return None, None


def time_ox(store: ox.Store, sparql: str) -> tuple[float, int]:
    t0 = time.perf_counter()
    n = len(list(store.query(sparql, prefixes=PREFIXES)))
    return time.perf_counter() - t0, n


def bench(triples: list[tuple], label: str, repeat: int, timeout: float) -> list[float]:
    t0 = time.perf_counter()
    graph = Graph()
    for t in triples:
        graph.add(t)
    t_rdflib_load = time.perf_counter() - t0
    t0 = time.perf_counter()
    store = ox.Store()
    store.bulk_extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in triples)
    t_ox_load = time.perf_counter() - t0
    print(f"\n== {label}: {len(triples):,} triples; load rdflib {t_rdflib_load:.1f} s, pyoxigraph {t_ox_load:.1f} s")
    print(f"{'query':30} {'rows':>7} {'pyoxigraph s':>13} {'rdflib s':>10} {'speed-up':>9}")
    ratios = []
    for name, q in load_queries().items():
        time_ox(store, q.sparql)  # warm-up
        ox_times, rows = zip(*(time_ox(store, q.sparql) for _ in range(repeat)), strict=False)
        t_ox = min(ox_times)
        rd_times = []
        rd_rows: int | str | None = None
        for _ in range(repeat):
            secs, rd_rows = time_rdflib(graph, q.sparql, timeout)
            if secs is None:
                break
            rd_times.append(secs)
        if isinstance(rd_rows, str):
            print(f"{name:30} {rows[0]:7} {t_ox:13.4f} {'n/a':>10} {'':>9}  (rdflib: {rd_rows})")
            continue
        if not rd_times:
            print(f"{name:30} {rows[0]:7} {t_ox:13.4f} {'>' + str(int(timeout)):>10} {'>' + f'{timeout / t_ox:.0f}':>9}")
            continue
        t_rd = min(rd_times)
        ratios.append(t_rd / t_ox)
        flag = "" if rd_rows == rows[0] else f"  (rdflib rows: {rd_rows})"
        print(f"{name:30} {rows[0]:7} {t_ox:13.4f} {t_rd:10.3f} {t_rd / t_ox:8.0f}x{flag}")
    if ratios:
        print(f"geometric-mean speed-up {statistics.geometric_mean(ratios):.0f}x, median {statistics.median(ratios):.0f}x "
              f"over {len(ratios)} queries")
    return ratios


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--graph", type=Path, default=Path("output/graph.nt"), help="a built graph (N-Triples/Turtle)")
    ap.add_argument("--scale", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds per rdflib query before giving up")
    args = ap.parse_args()
    if not args.graph.exists():
        sys.exit(f"{args.graph}: not found; run `make build` first")
    base = Graph().parse(args.graph)
    triples = list(base)
    bench(triples, "sample corpus x1", args.repeat, args.timeout)
    if args.scale > 1:
        bench(replicate(triples, args.scale), f"sample corpus x{args.scale}", 1, args.timeout)


if __name__ == "__main__":
    main()
