#!/usr/bin/env python3
"""Load on ``kg serve``: N concurrent clients for T seconds against a server this script starts on 127.0.0.1.

For each of two queries (a simple lookup and the GROUP BY of ``most-used-datasets``) every client sends
one request after another (a new HTTP connection each, as SPARQLWrapper and urllib do) until the time is
up; the script reports requests/s, p50/p99 latency, errors, and the resident memory of the server and
its query workers before and after.

Bounded on purpose: at most 64 clients and 120 s per query, traffic only to the server it started
itself on 127.0.0.1 (port chosen by the OS), and the server is stopped at the end whatever happens.

    .venv/bin/python benchmarks/endpoint_load.py [--store output/store] [--clients 20] [--seconds 30] [--workers 6]
"""

from __future__ import annotations

import argparse
import json
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psutil

from kg.store import load_queries

MAX_CLIENTS = 64
MAX_SECONDS = 120.0
SIMPLE = "SELECT ?p ?t WHERE { ?p a kg:Paper ; dcterms:title ?t } LIMIT 10"


def start(store: Path, workers: int, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    kg = Path(sys.executable).with_name("kg")
    with log.open("wb") as fh:
        proc = subprocess.Popen([str(kg), "serve", "--store", str(store), "--host", "127.0.0.1", "--port", "0",
                                 "--workers", str(workers)], stdout=subprocess.DEVNULL, stderr=fh)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        m = re.search(r"http://127\.0\.0\.1:(\d+)/sparql", log.read_text(errors="replace"))
        if m:
            return proc, f"http://127.0.0.1:{m.group(1)}/sparql"
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.kill()
    raise SystemExit(f"kg serve did not start: {log.read_text(errors='replace')}")


def tree_rss_mb(pid: int) -> float:
    root = psutil.Process(pid)
    total = 0
    for p in [root, *root.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total / 2**20


def load(url: str, query: str, clients: int, seconds: float) -> dict[str, float]:
    """``clients`` threads sending ``query`` back to back for ``seconds``; latencies in ms."""
    target = f"{url}?{urllib.parse.urlencode({'query': query})}"
    headers = {"Accept": "application/sparql-results+json"}
    stop_at = time.monotonic() + seconds
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def client() -> None:
        mine: list[float] = []
        bad = 0
        while time.monotonic() < stop_at:
            t0 = time.perf_counter()
            try:
                with urllib.request.urlopen(urllib.request.Request(target, headers=headers), timeout=30) as r:
                    r.read()
                    ok = r.status == 200
            except (urllib.error.URLError, OSError):
                ok = False
            if ok:
                mine.append((time.perf_counter() - t0) * 1000)
            else:
                bad += 1
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    t0 = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - t0
    q = statistics.quantiles(latencies, n=100) if len(latencies) >= 2 else [float("nan")] * 99
    return {"requests": len(latencies), "errors": errors[0], "req_per_s": len(latencies) / wall,
            "p50_ms": q[49], "p99_ms": q[98]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", type=Path, default=Path("output/store"))
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--workers", type=int, default=6, help="kg serve --workers")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args()
    clients = max(1, min(args.clients, MAX_CLIENTS))
    seconds = max(1.0, min(args.seconds, MAX_SECONDS))
    queries = {"simple": SIMPLE, "group-by": load_queries()["most-used-datasets"].sparql}
    with tempfile.TemporaryDirectory() as tmp:
        proc, url = start(args.store, args.workers, Path(tmp) / "serve.log")
        try:
            # one request each first, so that "before" is the memory of a server that has answered queries
            for q in queries.values():
                urllib.request.urlopen(f"{url}?{urllib.parse.urlencode({'query': q})}", timeout=30).read()
            results = {}
            for name, q in queries.items():
                before = tree_rss_mb(proc.pid)
                res = load(url, q, clients, seconds)
                res["rss_before_mb"], res["rss_after_mb"] = before, tree_rss_mb(proc.pid)
                results[name] = res
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
    if args.json:
        print(json.dumps({"clients": clients, "seconds": seconds, "workers": args.workers, **results}, indent=1))
        return
    print(f"{clients} clients x {seconds:g} s per query, kg serve --workers {args.workers} (server + workers RSS)")
    print(f"{'query':10} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'RSS before':>11} {'RSS after':>10}")
    for name, r in results.items():
        print(f"{name:10} {r['req_per_s']:8.0f} {r['p50_ms']:8.1f} {r['p99_ms']:8.1f} {r['errors']:7d} "
              f"{r['rss_before_mb']:9.0f}MB {r['rss_after_mb']:8.0f}MB")


if __name__ == "__main__":
    main()
