"""How `kg build` grows with the number of papers: wall time per stage, peak memory, output sizes.

For each N, a corpus of N *distinct* papers is generated from the real abstracts that ship with the repository
(the 502 abstracts of the embedded corpus; the gold papers are drawn from it): paper i takes abstract
``i mod M`` with its sentences rotated by ``i div M`` places and a numbered title, so every paper has its own
id and text.
Caveat: repeated text keeps the vocabulary (distinct entity names) far smaller than a real corpus of the
same size would have, so linking and entity-level stages look cheaper here than on real data.

Each build runs in a fresh child process (``--child``), so its peak RSS (``ru_maxrss`` of that child) is the
build's own. With ``--add K`` the script then adds K new papers to the finished build and times that
incremental build, and with ``--noop`` it times the last build's command again (nothing new).
One JSON file per run goes to
``benchmarks/results/`` and is checked against ``benchmarks/results/scale.schema.json``.

Usage::

    python benchmarks/scale.py 1000 10000 [--processes 2] [--add 1000] [--noop] [--keep DIR]
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "results"
SCHEMA = RESULTS / "scale.schema.json"
_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


@functools.lru_cache(maxsize=1)
def base_abstracts() -> list[tuple[str, str]]:
    """(title, abstract) of every real abstract the repository ships, in a fixed order."""
    from kg.sources import embedded_corpus, read_corpus

    seen: dict[str, tuple[str, str]] = {}
    for p in read_corpus(embedded_corpus()):
        seen.setdefault(p.abstract, (p.title, p.abstract))
    return list(seen.values())


def synthetic_papers(n: int, start: int = 0) -> Iterator[dict[str, str]]:
    """Papers ``start .. start+n-1`` of the endless synthetic corpus (deterministic, all distinct)."""
    base = base_abstracts()
    m = len(base)
    for i in range(start, start + n):
        title, abstract = base[i % m]
        sents = _SENT.split(abstract)
        k = (i // m) % max(1, len(sents))
        yield {"title": f"{title} (variant {i})", "abstract": " ".join(sents[k:] + sents[:k])}


def write_corpus(path: Path, n: int, start: int = 0) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for rec in synthetic_papers(n, start):
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return path


def _sizes(out: Path) -> dict[str, int]:
    sizes: dict[str, int] = {}
    for p in sorted(out.iterdir()):
        if p.is_dir():
            sizes[p.name + "/"] = sum(f.stat().st_size for f in p.rglob("*") if f.is_file())
        else:
            sizes[p.name] = p.stat().st_size
    return sizes


def run_child(corpus: Path, out: Path, processes: int, full_exports_up_to: int = 10_000) -> dict[str, Any]:
    """One build in a fresh interpreter; its stage times from the build summary, its peak RSS from wait4."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", str(corpus), str(out), str(processes),
           str(full_exports_up_to)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    stdout = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"build of {corpus} failed (exit {os.waitstatus_to_exitcode(status)})")
    summary = json.loads(stdout.strip().splitlines()[-1])
    # ru_maxrss covers the child and its (extraction worker) children that it waited for; kilobytes on Linux
    return {"wall_s": round(wall, 3), "stages_s": summary["seconds"], "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
            "papers_total": summary["papers_total"], "papers_extracted": summary["papers_extracted"],
            "graph": summary["graph_counts"], "sizes": _sizes(out)}


def _child(corpus: str, out: str, processes: str, full_exports_up_to: str) -> None:
    from kg.pipeline import build

    s = build([corpus], Path(out), processes=int(processes), full_exports_up_to=int(full_exports_up_to))
    print(json.dumps({"seconds": {k: round(v, 3) for k, v in s.seconds.items()}, "papers_total": s.papers_total,
                      "papers_extracted": s.papers_extracted, "graph_counts": s.graph_counts}))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child":
        _child(*argv[1:5])
        return 0
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sizes", type=int, nargs="+", help="corpus sizes N (papers)")
    ap.add_argument("--processes", "-j", type=int, default=1)
    ap.add_argument("--add", type=int, default=0, help="then add this many new papers to each build")
    ap.add_argument("--noop", action="store_true", help="then time a rebuild with nothing new")
    ap.add_argument("--keep", type=Path, help="keep corpora and outputs under this directory")
    ap.add_argument("--full-exports-up-to", type=int, default=10_000,
                    help="kg build's bound: past it, N-Triples + store + bounded views only (compare like with like)")
    args = ap.parse_args(argv)

    work = args.keep or Path(tempfile.mkdtemp(prefix="kg-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    runs: list[dict[str, Any]] = []
    try:
        for n in sorted(args.sizes):
            corpus = write_corpus(work / f"corpus-{n}.jsonl", n)
            out = work / f"out-{n}"
            shutil.rmtree(out, ignore_errors=True)
            bound = args.full_exports_up_to
            run: dict[str, Any] = {"n": n, "full": run_child(corpus, out, args.processes, bound)}
            if args.add:
                extra = write_corpus(work / f"add-{n}.jsonl", args.add, start=n)
                run["add"] = {"papers": args.add, **run_child(extra, out, args.processes, bound)}
            if args.noop:  # the last command again: same inputs, nothing new
                run["noop"] = run_child(extra if args.add else corpus, out, args.processes, bound)
            runs.append(run)
            full = run["full"]
            print(f"N={n:>8}: {full['wall_s']:8.1f} s wall, {full['peak_rss_mb']:7.0f} MB peak, "
                  f"{1000 * full['wall_s'] / n:6.2f} ms/paper; stages "
                  + ", ".join(f"{k} {v:.1f}" for k, v in full["stages_s"].items())
                  + (f"; +{args.add}: {run['add']['wall_s']:.1f} s" if args.add else "")
                  + (f"; no-op: {run['noop']['wall_s']:.1f} s" if args.noop else ""), flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    smallest = runs[0]
    for run in runs:
        per_paper = run["full"]["wall_s"] / run["n"]
        run["per_paper_ratio"] = round(per_paper / (smallest["full"]["wall_s"] / smallest["n"]), 3)
    result = {
        "benchmark": "scale",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "processes": args.processes,
        "full_exports_up_to": args.full_exports_up_to,
        "base_abstracts": len(base_abstracts()),
        "runs": runs,
    }
    _check(result)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"scale-{result['when'].replace(':', '')}.json"
    path.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"per-paper cost relative to N={smallest['n']}: "
          + ", ".join(f"N={r['n']}: {r['per_paper_ratio']:.2f}x" for r in runs))
    print(f"wrote {path.relative_to(REPO)}")
    return 0


def _check(result: dict[str, Any]) -> None:
    import jsonschema

    jsonschema.validate(result, json.loads(SCHEMA.read_text(encoding="utf-8")))


if __name__ == "__main__":
    sys.exit(main())
