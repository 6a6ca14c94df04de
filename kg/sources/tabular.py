"""Readers for JSON Lines and CSV: one record per line/row with ``title`` and ``abstract``.

Optional fields: ``id`` (kept as the paper id when given, so gold annotations keyed by id still match),
``date``, ``url``, ``authors`` (a list, or a string separated by ``;``), ``arxiv_id``.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from kg.errors import FormatError
from kg.model import Paper, SkipReport
from kg.sources.text import arxiv_in, make_paper, normalise, parse_date

log = logging.getLogger(__name__)

# Field names we accept for each Paper field, in order of preference (case-insensitive).
# "abstract note", "publication year", "extra": Zotero's CSV export, recognised without a --map.
_ALIASES = {
    "title": ("title",),
    "abstract": ("abstract", "summary", "abstract note"),
    "id": ("id", "paper_id"),
    "date": ("date", "published", "published_date", "publication date", "publication year"),
    "url": ("url", "link"),
    "authors": ("authors", "author"),
    "arxiv_id": ("arxiv_id", "arxiv", "eprint"),
}
#: Further fields that may name an arXiv id ("arXiv: 2401.00001", "10.48550/arXiv.2401.00001").
_ARXIV_HINTS = ("doi", "extra", "note", "journal", "url_abs", "paper_url", "pdf")


def _lower(row: Mapping[str, Any]) -> dict[str, Any]:
    return {str(k).strip().lower(): v for k, v in row.items() if k is not None}


def _get(row: Mapping[str, Any], field: str) -> Any:
    lowered = _lower(row)
    for name in _ALIASES[field]:
        if lowered.get(name) not in (None, ""):
            return lowered[name]
    return None


def apply_mapping(row: Mapping[str, Any], mapping: Mapping[str, str] | None) -> Mapping[str, Any]:
    """``row`` with each mapped field (``{"abstract": "Abstract Note"}``) read from its column (any case)."""
    if not mapping:
        return row
    lowered = _lower(row)
    mapped = {field: lowered.get(column.strip().lower()) for field, column in mapping.items()}
    return {**{k: v for k, v in lowered.items() if k not in mapping}, **mapped}


def _authors(value: Any) -> tuple[str, ...]:
    """Author names from a list (of names, or of ``{"name": ...}`` objects) or a ``;``-separated string."""
    if isinstance(value, list):
        names = (a.get("name") if isinstance(a, dict) else a for a in value)
        return tuple(n for n in (normalise(str(a)) for a in names if isinstance(a, (str, int, float))) if n)
    if isinstance(value, str):
        return tuple(n for n in (normalise(a) for a in value.split(";")) if n)
    return ()


def _text_or_none(value: Any) -> str | None:
    """A scalar id-like value as text (JSON numbers included); containers and booleans are not ids."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    text = normalise(str(value))
    return text or None


def record_to_paper(
    row: Mapping[str, Any], location: str, report: SkipReport, mapping: Mapping[str, str] | None = None
) -> Paper | None:
    """Turn one mapping into a Paper (or a counted skip). ``mapping``: field → column name, for odd headers."""
    row = apply_mapping(row, mapping)
    title, abstract = _get(row, "title"), _get(row, "abstract")
    if not isinstance(title, (str, type(None))) or not isinstance(abstract, (str, type(None))):
        report.read += 1
        report.skip(location, "title/abstract are not strings")
        return None
    authors = _authors(_get(row, "authors"))
    raw_date = _text_or_none(_get(row, "date"))
    parsed = parse_date(raw_date) if raw_date is not None else None
    meta: dict[str, object] = {
        "date": parsed[0] if parsed else None,
        "url": _get(row, "url"),
        "arxiv_id": _text_or_none(_get(row, "arxiv_id")),
        "authors": authors,
        "n_authors": len(authors) or None,
    }
    given_id = _text_or_none(_get(row, "id"))
    if meta["arxiv_id"] is None:
        # An arXiv id in any id-like field: the id ("2406.01234"), the URL, a DOI, Zotero's "Extra".
        lowered = _lower(row)
        hints = [given_id, _get(row, "url"), *(lowered.get(k) for k in _ARXIV_HINTS)]
        meta["arxiv_id"] = next((a for a in (arxiv_in(h) for h in hints if isinstance(h, str)) if a), None)
    paper = make_paper(report, location, title=title, abstract=abstract, **meta)
    if paper is not None and given_id is not None and not (paper.arxiv_id and arxiv_in(given_id) == paper.arxiv_id):
        from dataclasses import replace

        paper = replace(paper, id=given_id[:200])
    return paper


def read_jsonl(
    text: str, location: str, report: SkipReport, mapping: Mapping[str, str] | None = None
) -> Iterator[Paper]:
    """One JSON object per line; a broken line is a counted skip, not the end of the file."""
    # Split on "\n" only: str.splitlines also breaks at U+2028/U+2029/U+0085, which JSON allows unescaped
    # inside strings, so a valid record would be cut in two (issue 9).
    return read_jsonl_lines(enumerate(text.split("\n"), 1), location, report, mapping)


def read_jsonl_lines(
    lines: Iterable[tuple[int, str]], location: str, report: SkipReport, mapping: Mapping[str, str] | None = None
) -> Iterator[Paper]:
    """The papers of numbered JSON Lines, as they come: what :func:`read_jsonl` reads from a text, and
    :func:`kg.sources.read_papers` from a file it streams (a corpus of a million papers is 1.5 GB of text)."""
    for lineno, line in lines:
        line = line.removesuffix("\r")
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
        paper = record_to_paper(row, where, report, mapping)
        if paper is not None:
            yield paper


def read_csv(
    text: str, location: str, report: SkipReport, mapping: Mapping[str, str] | None = None
) -> Iterator[Paper]:
    """CSV with a header row naming at least ``title`` and ``abstract`` (comma, semicolon or tab separated)."""
    # A field may be as long as the whole file: the csv module's default limit (131,072 characters) made one
    # long cell end the file with an error. Over-long abstracts are then a counted skip in make_paper.
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
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
    mapped = {f: c.strip().lower() for f, c in (mapping or {}).items()}
    missing = [f for f in ("title", "abstract")
               if not (mapped.get(f) in header if f in mapped else any(a in header for a in _ALIASES[f]))]
    if missing:
        raise FormatError(
            f"{location}: CSV has no {' or '.join(missing)} column (columns found: {', '.join(header) or 'none'}); "
            "expected title, abstract and optional id, date, url, authors, arxiv_id, or name the columns with "
            '--map abstract="Abstract Note"'
        )
    last_error_line = -1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            # The csv module resets its parser after an error, so the rest of the file is still read.
            if reader.line_num == last_error_line:
                break  # no progress: never loop on one broken line
            last_error_line = reader.line_num
            report.read += 1
            where = f"{location}:{reader.line_num}"
            report.skip(where, f"unreadable CSV row ({exc})")
            log.warning("%s: skipped: unreadable CSV row (%s)", where, exc)
            continue
        where = f"{location}:{reader.line_num}"
        # More cells than header columns are filed under the key None (as a list): ignore them.
        row = {k: v for k, v in row.items() if k is not None}
        paper = record_to_paper(row, where, report, mapping)
        if paper is not None:
            yield paper
