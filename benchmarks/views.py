"""How long the bounded views of ``kg.views`` take on a build's store, and how much memory they need.

Each measurement runs in a fresh child process (``--child``), so its peak RSS (``ru_maxrss``) is its own:

* ``top``: :func:`kg.views.top_view` with the given bounds + the explorer page written from it;
* ``focus``: :func:`kg.views.neighbourhood_view` of one name + its page;
* ``projection``: :func:`kg.views.write_entity_graphml` (co-usage and beats weights);
* ``whole``: for comparison, what the page costs today: the whole graph rebuilt from ``extractions.jsonl``
  (``kg.pipeline.load_graph``) + the page with the same bounds.

Usage::

    python benchmarks/views.py OUT_DIR [--max-entities 3000] [--max-papers 5000] [--focus ImageNet]
                               [--only top,focus,projection,whole]

``OUT_DIR`` is a ``kg build`` output directory (``store/`` and ``extractions.jsonl``); the files are written to
a temporary directory. Prints one JSON object per measurement.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _child(kind: str, out: Path, max_entities: int, max_papers: int, focus: str, tmp: Path) -> dict[str, object]:
    from kg.export.html import write_html
    from kg.store import Store
    from kg.views import neighbourhood_view, top_view, write_entity_graphml

    t0 = time.perf_counter()
    info: dict[str, object] = {"kind": kind}
    if kind == "whole":
        from kg.pipeline import load_graph

        kg = load_graph(out)
        t1 = time.perf_counter()
        page = write_html(kg, tmp / "page.html", max_entities, max_papers)
        info["nodes"] = len(kg)
    else:
        with Store.open_read_only(out / "store") as st:
            if kind == "projection":
                page = write_entity_graphml(st, tmp / "entities.graphml")
                t1 = time.perf_counter()
            else:
                kg = top_view(st, max_entities, max_papers) if kind == "top" else neighbourhood_view(st, focus)
                t1 = time.perf_counter()
                page = write_html(kg, tmp / "page.html", max_entities, max_papers)
                info["nodes"] = len(kg)
    t2 = time.perf_counter()
    info.update({"view_s": round(t1 - t0, 2), "write_s": round(t2 - t1, 2), "total_s": round(t2 - t0, 2),
                 "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                 "file_mb": round(page.stat().st_size / 1e6, 2)})
    return info


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--max-entities", type=int, default=3000)
    ap.add_argument("--max-papers", type=int, default=5000)
    ap.add_argument("--focus", default="ImageNet")
    ap.add_argument("--only", default="top,focus,projection,whole")
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        with tempfile.TemporaryDirectory() as tmp:
            print(json.dumps(_child(args.child, args.out, args.max_entities, args.max_papers, args.focus, Path(tmp))))
        return
    for kind in args.only.split(","):
        cmd = [sys.executable, __file__, str(args.out), "--max-entities", str(args.max_entities),
               "--max-papers", str(args.max_papers), "--focus", args.focus, "--child", kind]
        res = subprocess.run(cmd, capture_output=True, text=True, check=True)
        print(res.stdout.strip().splitlines()[-1], flush=True)


if __name__ == "__main__":
    main()
