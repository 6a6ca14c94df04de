"""Read paper collections in the formats people actually have.

Every reader has the same shape, ``reader(text, location, report) -> Iterator[Paper]``, and lives in a
registry keyed by format name (rdflib's plugin style) instead of an if/elif over strings:

========  ==========================================================================
daily     text dumps of daily-papers listing pages (:mod:`kg.sources.daily`)
jsonl     JSON Lines, one object per paper (:mod:`kg.sources.tabular`)
csv       CSV with a header row (:mod:`kg.sources.tabular`)
atom      arXiv export-API Atom feeds (:mod:`kg.sources.atom`)
========  ==========================================================================

Readers never raise for a bad *record* (it is counted in the :class:`~kg.model.SkipReport` and logged
with file and line); they raise :class:`~kg.errors.InputError` only when a whole input is unusable.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import fields, replace
from importlib import resources
from pathlib import Path

from kg.errors import FormatError, InputError
from kg.model import Paper, SkipReport
from kg.sources.atom import read_atom
from kg.sources.daily import read_daily
from kg.sources.tabular import read_csv, read_jsonl
from kg.sources.text import decode, paper_id, title_key

__all__ = [
    "FORMATS",
    "Reader",
    "detect_format",
    "embedded_corpus",
    "merge_papers",
    "paper_id",
    "read_corpus",
    "read_papers",
]

log = logging.getLogger(__name__)

Reader = Callable[[str, str, SkipReport], Iterator[Paper]]

FORMATS: dict[str, Reader] = {
    "daily": read_daily,
    "jsonl": read_jsonl,
    "csv": read_csv,
    "atom": read_atom,
}
_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".csv": "csv", ".tsv": "csv",
             ".xml": "atom", ".atom": "atom", ".txt": "daily"}


def detect_format(text: str, name: str = "<input>") -> str:
    """Guess the format from the content (first) and the file name (second).

    Content wins because files are often misnamed (a ``.txt`` holding JSON Lines).
    """
    head = text.lstrip()[:2048]
    if head.startswith("<"):
        if "<feed" in head or "http://www.w3.org/2005/Atom" in head:
            return "atom"
        raise FormatError(f"{name}: XML input but not an Atom feed (no <feed> element); use --format to force one")
    if head.startswith("{"):
        return "jsonl"
    first = head.splitlines()[0].lower() if head else ""
    if "title" in first and "abstract" in first and any(sep in first for sep in (",", ";", "\t")):
        return "csv"
    suffix = Path(name).suffix.lower()
    if suffix in _SUFFIXES and _SUFFIXES[suffix] != "atom":
        return _SUFFIXES[suffix]
    if head:
        return "daily"
    raise FormatError(f"{name}: empty input, nothing to detect")


def _read_bytes(source: str | Path) -> tuple[bytes, str]:
    if str(source) == "-":
        return sys.stdin.buffer.read(), "<stdin>"
    path = Path(source)
    try:
        return path.read_bytes(), str(path)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory; pass the files inside it") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None


def read_papers(source: str | Path, fmt: str | None = None, report: SkipReport | None = None) -> Iterator[Paper]:
    """Read the papers of one file (``"-"`` = standard input), detecting its format unless ``fmt`` is given."""
    report = report if report is not None else SkipReport()
    if fmt is not None and fmt not in FORMATS:
        raise FormatError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    data, location = _read_bytes(source)
    text = decode(data, location)
    if not text.strip():
        log.warning("%s: empty input, no papers", location)
        return iter(())
    name = fmt or detect_format(text, location)
    return FORMATS[name](text, Path(location).name if location != "<stdin>" else location, report)


def _richness(p: Paper) -> int:
    return sum(1 for f in fields(Paper) if getattr(p, f.name) not in (None, (), ""))


def merge_papers(a: Paper, b: Paper) -> Paper:
    """One paper from two records of it: the richer record wins, the other fills its gaps.

    The longer abstract is kept (dumps sometimes truncate), and the id is recomputed so that an arXiv id
    learnt from either record becomes the id.
    """
    base, other = (a, b) if _richness(a) >= _richness(b) else (b, a)
    filled = {f.name: getattr(other, f.name) for f in fields(Paper)
              if getattr(base, f.name) in (None, (), "") and getattr(other, f.name) not in (None, (), "")}
    merged = replace(base, **filled)
    if len(other.abstract) > len(merged.abstract):
        merged = replace(merged, abstract=other.abstract)
    if merged.date and other.date and merged.date.startswith("--") and not other.date.startswith("--"):
        merged = replace(merged, date=other.date)  # a full date beats a partial one
    if merged.arxiv_id and not merged.id.startswith(("arxiv:",)) and merged.id.startswith("t:"):
        merged = replace(merged, id=paper_id(merged.title, merged.arxiv_id))
    return merged


def read_corpus(
    sources: Sequence[str | Path], fmt: str | None = None, report: SkipReport | None = None
) -> list[Paper]:
    """Read many inputs and merge duplicates (same arXiv id, id or normalised title) into one paper each.

    Order is the order of first appearance, so output is deterministic for the same inputs.
    """
    report = report if report is not None else SkipReport()
    by_key: dict[str, Paper] = {}
    alias: dict[str, str] = {}
    failures: list[InputError] = []
    for source in sources:
        try:
            papers = list(read_papers(source, fmt=fmt, report=report))
        except InputError as exc:
            # One bad file among several is a counted, logged skip; a lone bad input is the caller's error.
            if len(sources) == 1:
                raise
            failures.append(exc)
            report.skip(str(source), f"file not read: {exc}")
            log.warning("skipped input %s", exc)
            continue
        for paper in papers:
            key = title_key(paper.title)
            keys = [k for k in (paper.id, f"title:{key}" if key else None,
                                f"arxiv:{paper.arxiv_id}" if paper.arxiv_id else None) if k]
            known = next((alias[k] for k in keys if k in alias), None)
            if known is None:
                by_key[paper.id] = paper
                for k in keys:
                    alias[k] = paper.id
                continue
            report.merged += 1
            merged = merge_papers(by_key[known], paper)
            by_key[known] = merged
            for k in (*keys, merged.id):
                alias.setdefault(k, known)
    if sources and len(failures) == len(sources):
        raise InputError(f"no input could be read ({len(failures)} files); first: {failures[0]}")
    return [by_key[k] for k in by_key]


def embedded_corpus() -> list[Path]:
    """The sample corpus shipped inside the package (four daily-papers dumps), sorted by name."""
    root = resources.files("kg") / "resources" / "corpus"
    return sorted(Path(str(p)) for p in root.iterdir() if p.name.endswith(".txt"))
