#!/usr/bin/env python3
"""Every library query (``kg query --list``) on a built store, as ``kg query`` runs it: wall time to the last row.

    .venv/bin/python benchmarks/store_queries.py OUT/store [--repeat 3] [--json results.json]

Each query runs once to warm the store's caches, then ``--repeat`` times; the best and the median are
reported with the row count (every row is pulled from Oxigraph's iterator, as ``kg query`` does).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from kg.store import Store, load_queries


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("store", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args(argv)
    rows = []
    with Store.open_read_only(args.store) as st:
        triples = len(st)
        for name, q in sorted(load_queries().items()):
            st.query(q.sparql)  # warm-up
            times = []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                res = st.query(q.sparql)
                n = len(res.rows) if res.kind == "select" else len(res.triples or [])
                times.append(time.perf_counter() - t0)
            rows.append({"query": name, "rows": n, "best_s": round(min(times), 4),
                         "median_s": round(statistics.median(times), 4)})
            print(f"{name:32s} {n:7d} rows  best {min(times):7.3f} s  median {statistics.median(times):7.3f} s",
                  flush=True)
    print(f"{len(rows)} queries on {triples:,} triples; slowest best time {max(r['best_s'] for r in rows):.3f} s")
    if args.json:
        args.json.write_text(json.dumps({"store": str(args.store), "triples": triples, "queries": rows}, indent=1)
                             + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
