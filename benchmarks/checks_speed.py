"""SHACL validation time: pySHACL over the build's N-Triples (``kg.validate.validate``) against the same shapes
run as SPARQL checks in the build's Oxigraph store (``kg.checks.check_store``), on finished build directories.

For each build: the whole-graph time of both (pySHACL's includes parsing ``graph.nt`` into rdflib, which it
needs; the store is already on disk), and the store checks restricted to ``--papers K`` papers (what an
incremental build that added K papers runs). Both answers must agree on conformance, or the script fails.

Usage::

    python benchmarks/checks_speed.py OUT_DIR [OUT_DIR ...] [--papers 1000] [--no-pyshacl]

(make build directories with ``kg build`` or ``benchmarks/scale.py N --keep DIR``).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def measure(out: Path, papers: int, pyshacl: bool) -> dict[str, float | int | bool | None]:
    from kg.checks import check_store
    from kg.store import Store

    row: dict[str, float | int | bool | None] = {}
    with Store.open_read_only(out / "store") as st:
        row["triples"] = len(st)
        ids = [r[0] for r in st.query("SELECT ?id WHERE { ?p a kg:Paper ; dcterms:identifier ?id } ORDER BY ?id")
               .text_rows()]
        row["papers"] = len(ids)
        t0 = time.perf_counter()
        whole = check_store(st)
        row["store_s"] = time.perf_counter() - t0
        row["store_conforms"] = whole.conforms
        t0 = time.perf_counter()
        part = check_store(st, papers=ids[:papers])
        row["store_papers_s"] = time.perf_counter() - t0
        row["store_papers_conforms"] = part.conforms
    row["pyshacl_s"] = row["pyshacl_conforms"] = None
    if pyshacl:
        from kg.validate import validate

        t0 = time.perf_counter()
        ref = validate(out / "graph.nt")
        row["pyshacl_s"] = time.perf_counter() - t0
        row["pyshacl_conforms"] = ref.conforms
        if ref.conforms != whole.conforms:
            raise SystemExit(f"{out}: pySHACL says conforms={ref.conforms}, the store checks {whole.conforms}")
    return row


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("builds", type=Path, nargs="+", help="kg build output directories (with store/ and graph.nt)")
    ap.add_argument("--papers", type=int, default=1000, help="papers for the restricted (incremental) check")
    ap.add_argument("--no-pyshacl", action="store_true", help="time only the store checks")
    args = ap.parse_args(argv)
    print("build | papers | triples | pySHACL (s) | store checks, all (s) | store checks, "
          f"{args.papers} papers (s) | conforms")
    for out in args.builds:
        r = measure(out, args.papers, not args.no_pyshacl)
        shacl = "-" if r["pyshacl_s"] is None else f"{r['pyshacl_s']:.2f}"
        print(f"{out} | {r['papers']} | {r['triples']} | {shacl} | {r['store_s']:.2f} | {r['store_papers_s']:.2f} | "
              f"{r['store_conforms']}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
