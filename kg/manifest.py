"""The build manifest, ``OUT/manifest.json``: written first as "building", rewritten last as "complete".

Why: every output file is written atomically, but a build writes many files, so a build killed half-way
leaves complete files from two different builds side by side (a new ``extractions.jsonl`` beside the old
``graph.nt``; a store with 0 quads beside complete exports). The manifest is the one place that says
whether the directory holds one finished build, and what it holds: for each file its size, SHA-256 and
count (records, triples, rows), the graph counts and the store's triple count. :func:`verify_build`
checks a directory against it; rerunning ``kg build`` makes an interrupted directory complete again.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.io import atomic_write, file_sha256

if TYPE_CHECKING:
    from kg.pipeline import BuildSummary

MANIFEST_FILE = "manifest.json"
FORMAT = "paperkg-build-manifest/1"


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _write(out: Path, data: dict[str, Any]) -> Path:
    path = out / MANIFEST_FILE
    with atomic_write(path) as fh:
        json.dump(data, fh, indent=1, ensure_ascii=False, sort_keys=True)
        fh.write("\n")
    return path


def mark_building(out: Path) -> Path:
    """Say, before anything else is written, that ``out`` is being rebuilt (and so is not complete)."""
    from kg import __version__

    return _write(out, {"format": FORMAT, "status": "building", "started": _now(), "pid": os.getpid(),
                        "kg_version": __version__})


def _count_lines(path: Path) -> int:
    with path.open("rb") as fh:
        return sum(1 for line in fh if line.strip())


def describe_file(path: Path, previous: dict[str, Any] | None = None) -> dict[str, Any]:
    """Size, SHA-256 and, where the format makes it cheap, a count of what the file holds.

    ``previous`` is the file's entry in the last manifest: when size and modification time are unchanged,
    the file was not rewritten (every output is replaced atomically, which renews the time), so its entry
    is kept instead of hashing it again — adding papers to a big build rewrites few of its shard files.
    """
    stat = path.stat()
    if previous and previous.get("bytes") == stat.st_size and previous.get("mtime_ns") == stat.st_mtime_ns:
        return previous
    info: dict[str, Any] = {"bytes": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": file_sha256(path)}
    if path.suffix == ".nt":
        info["triples"] = _count_lines(path)
    elif path.suffix == ".jsonl":
        info["records"] = _count_lines(path)
    elif path.suffix == ".csv":
        info["rows"] = max(0, _count_lines(path) - 1)  # the header row; fields never hold a newline unquoted
    return info


def write_manifest(out: Path, summary: BuildSummary, previous: dict[str, Any] | None = None) -> Path:
    """Describe the finished build in ``out`` (call it last, after the store is synced). Files are named by
    their path relative to ``out`` (shards live in ``records/`` and ``triples/``)."""
    from kg import __version__
    from kg.extract import EXTRACTOR_ID

    known = (previous or {}).get("files") or {}
    files = {}
    for name, path in summary.files.items():
        if name in ("manifest", "store") or not Path(path).is_file():
            continue
        rel = Path(path).resolve().relative_to(Path(out).resolve()).as_posix()
        files[rel] = describe_file(Path(path), known.get(rel))
    data: dict[str, Any] = {
        "format": FORMAT,
        "status": "complete",
        "finished": _now(),
        "kg_version": __version__,
        "extractor": EXTRACTOR_ID,
        "papers": summary.papers_total,
        "graph": summary.graph_counts,
        "files": files,
    }
    if summary.export_options:
        data["export_options"] = summary.export_options
    if summary.inputs:
        data["inputs"] = summary.inputs
    if summary.store:
        data["store"] = {"path": "store", "triples": summary.store.get("triples"),
                         "changed_since_optimize": summary.store.get("changed_since_optimize", 0)}
    if summary.conforms is not None:
        data["shacl"] = {"conforms": summary.conforms, "violations": summary.violations}
    return _write(out, data)


def restore_manifest(out: Path, previous: dict[str, Any]) -> Path:
    """Write back the manifest of a finished build whose outputs a no-op build found still right."""
    return _write(out, {**previous, "status": "complete", "checked": _now()})


def read_manifest(out: Path) -> dict[str, Any] | None:
    """The manifest of ``out``, or None when there is none (or it is unreadable)."""
    try:
        data = json.loads((Path(out) / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def file_problems(out: Path, data: dict[str, Any], *, hashes: bool = True) -> list[str]:
    """The files of manifest ``data`` that are missing or not as the build wrote them (size, and SHA-256
    unless ``hashes=False``: a cheap check for a no-op rebuild, where only a crashed or edited file differs)."""
    problems = []
    for name, info in (data.get("files") or {}).items():
        path = Path(out) / name
        if not path.is_file():
            problems.append(f"{name}: missing")
        elif path.stat().st_size != info.get("bytes") or (hashes and file_sha256(path) != info.get("sha256")):
            problems.append(f"{name}: changed since the build (size or SHA-256 differs)")
    return problems


def verify_build(out: Path, *, store: bool = True) -> list[str]:
    """Problems that make ``out`` not one finished build (an empty list: it is one).

    Checks the manifest's status, every listed file's size and hash, and (``store=True``) that the store
    holds the number of triples the manifest records. Opening the store needs no other process to have it
    open for writing.
    """
    out = Path(out)
    data = read_manifest(out)
    if data is None:
        return [f"{out}: no readable {MANIFEST_FILE} (not a kg build output, or one from an older version)"]
    if data.get("status") != "complete":
        return [f"{out}: the last build did not finish (manifest status {data.get('status')!r}); run kg build again"]
    problems = file_problems(out, data)
    expected = (data.get("store") or {}).get("triples")
    if store and expected is not None:
        from kg.errors import StoreError
        from kg.store import Store

        try:
            with Store.open_read_only(out / "store") as st:
                held = len(st)
        except StoreError as exc:
            problems.append(f"store: {exc}")
        else:
            if held != expected:
                problems.append(f"store: holds {held} triples, the build wrote {expected}")
    return problems
