"""Readers for JSON Lines and CSV: one record per line/row with ``title`` and ``abstract``.

Optional fields: ``id`` (kept as the paper id when given, so gold annotations keyed by id still match),
``date``, ``url``, ``authors`` (a list, or a string separated by ``;``), ``arxiv_id``.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Iterator, Mapping
from typing import Any

from kg.errors import FormatError
from kg.model import Paper, SkipReport
from kg.sources.text import make_paper, normalise, parse_date

log = logging.getLogger(__name__)

# Field names we accept for each Paper field, in order of preference (case-insensitive).
_ALIASES = {
    "title": ("title",),
    "abstract": ("abstract", "summary"),
    "id": ("id", "paper_id"),
    "date": ("date", "published", "published_date"),
    "url": ("url", "link"),
    "authors": ("authors", "author"),
    "arxiv_id": ("arxiv_id", "arxiv"),
}


def _get(row: Mapping[str, Any], field: str) -> Any:
    lowered = {str(k).strip().lower(): v for k, v in row.items() if k is not None}
    for name in _ALIASES[field]:
        if lowered.get(name) not in (None, ""):
            return lowered[name]
    return None


def _authors(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(normalise(str(a)) for a in value if str(a).strip())
    if isinstance(value, str):
        return tuple(a.strip() for a in value.split(";") if a.strip())
    return ()


def record_to_paper(row: Mapping[str, Any], location: str, report: SkipReport) -> Paper | None:
    """Turn one mapping into a Paper (or a counted skip)."""
    title, abstract = _get(row, "title"), _get(row, "abstract")
    if not isinstance(title, (str, type(None))) or not isinstance(abstract, (str, type(None))):
        report.read += 1
        report.skip(location, "title/abstract are not strings")
        return None
    authors = _authors(_get(row, "authors"))
    raw_date = _get(row, "date")
    parsed = parse_date(str(raw_date)) if raw_date is not None else None
    meta: dict[str, object] = {
        "date": parsed[0] if parsed else None,
        "url": _get(row, "url"),
        "arxiv_id": _get(row, "arxiv_id"),
        "authors": authors,
        "n_authors": len(authors) or None,
    }
    paper = make_paper(report, location, title=title, abstract=abstract, **meta)
    given_id = _get(row, "id")
    if paper is not None and given_id is not None and str(given_id).strip():
        from dataclasses import replace

        paper = replace(paper, id=str(given_id).strip())
    return paper


def read_jsonl(text: str, location: str, report: SkipReport) -> Iterator[Paper]:
    """One JSON object per line; a broken line is a counted skip, not the end of the file."""
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{location}:{lineno}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            report.read += 1
            report.skip(where, f"invalid JSON ({exc.msg} at column {exc.colno})")
            log.warning("%s: skipped: invalid JSON (%s)", where, exc.msg)
            continue
        if not isinstance(row, dict):
            report.read += 1
            report.skip(where, f"expected a JSON object, got {type(row).__name__}")
            continue
        paper = record_to_paper(row, where, report)
        if paper is not None:
            yield paper


def read_csv(text: str, location: str, report: SkipReport) -> Iterator[Paper]:
    """CSV with a header row naming at least ``title`` and ``abstract`` (comma, semicolon or tab separated)."""
    sample = text[:8192]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        raise FormatError(f"{location}: not a readable CSV file ({exc})") from exc
    missing = [f for f in ("title", "abstract") if not any(a in header for a in _ALIASES[f])]
    if missing:
        raise FormatError(
            f"{location}: CSV has no {' or '.join(missing)} column (columns found: {', '.join(header) or 'none'}); "
            "expected title, abstract and optional id, date, url, authors, arxiv_id"
        )
    try:
        for row in reader:
            where = f"{location}:{reader.line_num}"
            paper = record_to_paper(row, where, report)
            if paper is not None:
                yield paper
    except csv.Error as exc:
        report.skip(f"{location}:{reader.line_num}", f"CSV error: {exc}; rest of file not read")
        log.warning("%s:%d: CSV error: %s; rest of file not read", location, reader.line_num, exc)
