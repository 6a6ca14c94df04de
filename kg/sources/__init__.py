"""Read paper collections in the formats people actually have.

Every reader has the same shape, ``reader(text, location, report) -> Iterator[Paper]``, and lives in a
registry keyed by format name (rdflib's plugin style) instead of an if/elif over strings:

========  ==========================================================================
daily     text dumps of daily-papers listing pages (:mod:`kg.sources.daily`)
jsonl     JSON Lines, one object per paper (:mod:`kg.sources.tabular`)
json      one JSON document: an array, an API response (Semantic Scholar, OpenAlex), Papers
          with Code's dump, or a single paper (:mod:`kg.sources.scholarly`)
csv       CSV with a header row, Zotero's export included (:mod:`kg.sources.tabular`)
atom      arXiv export-API Atom feeds (:mod:`kg.sources.atom`)
bibtex    BibTeX exports of Zotero, Mendeley, JabRef (:mod:`kg.sources.bibtex`)
========  ==========================================================================

Directories are read recursively (:func:`expand_inputs`).

Readers never raise for a bad *record* (it is counted in the :class:`~kg.model.SkipReport` and logged
with file and line); they raise :class:`~kg.errors.InputError` only when a whole input is unusable.
"""

from __future__ import annotations

import codecs
import json
import logging
import re
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import BinaryIO

from kg.errors import FormatError, InputError
from kg.model import Paper, SkipReport
from kg.sources.atom import read_atom
from kg.sources.bibtex import read_bibtex
from kg.sources.daily import read_daily
from kg.sources.scholarly import read_json
from kg.sources.tabular import read_csv, read_jsonl, read_jsonl_lines
from kg.sources.text import decode, decode_lines, looks_binary, paper_id

__all__ = [
    "FORMATS",
    "Corpus",
    "Reader",
    "detect_format",
    "embedded_corpus",
    "expand_inputs",
    "merge_papers",
    "parse_mapping",
    "paper_id",
    "read_corpus",
    "read_papers",
]

log = logging.getLogger(__name__)

Reader = Callable[[str, str, SkipReport], Iterator[Paper]]

FORMATS: dict[str, Reader] = {
    "daily": read_daily,
    "jsonl": read_jsonl,
    "json": read_json,
    "csv": read_csv,
    "atom": read_atom,
    "bibtex": read_bibtex,
}
#: Readers that take a field → column ``mapping`` (``--map abstract="Abstract Note"``).
MAPPABLE = frozenset({"jsonl", "json", "csv"})
_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv", ".tsv": "csv",
             ".xml": "atom", ".atom": "atom", ".txt": "daily", ".bib": "bibtex", ".bibtex": "bibtex"}
_BIBTEX_HEAD = re.compile(r"^\s*@[A-Za-z]+\s*[{(]", re.M)


def detect_format(text: str, name: str = "<input>") -> str:
    """Guess the format from the content (first) and the file name (second).

    Content wins because files are often misnamed (a ``.txt`` holding JSON Lines).
    """
    head = text.lstrip()[:2048]
    if head.startswith("<"):
        if "<feed" in head or "http://www.w3.org/2005/Atom" in head:
            return "atom"
        raise FormatError(f"{name}: XML input but not an Atom feed (no <feed> element); use --format to force one")
    if head.startswith("["):
        return "json"
    if head.startswith("{"):
        # One object per line is JSON Lines; one document (pretty-printed, or an API response) is JSON.
        try:
            json.loads(text)
        except ValueError:
            return "jsonl"
        return "json" if "\n" in text.strip() or Path(name).suffix.lower() == ".json" else "jsonl"
    if _BIBTEX_HEAD.search(head) and not head.lower().startswith(("title", "id,")):
        return "bibtex"
    first = head.splitlines()[0].lower() if head else ""
    if "title" in first and "abstract" in first and any(sep in first for sep in (",", ";", "\t")):
        return "csv"
    suffix = Path(name).suffix.lower()
    if suffix in _SUFFIXES and _SUFFIXES[suffix] != "atom":
        return _SUFFIXES[suffix]
    if head:
        return "daily"
    raise FormatError(f"{name}: empty input, nothing to detect")


def _unreadable(path: Path, exc: OSError) -> InputError:
    return InputError(f"{path}: cannot read ({exc.strerror or exc})")


def _open(path: Path) -> BinaryIO:
    try:
        return path.open("rb")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory; pass the files inside it") from None
    except OSError as exc:
        raise _unreadable(path, exc) from None


def _read_bytes(source: str | Path) -> tuple[bytes, str]:
    if str(source) == "-":
        return sys.stdin.buffer.read(), "<stdin>"
    path = Path(source)
    with _open(path) as fh:
        try:
            return fh.read(), str(path)
        except OSError as exc:
            raise _unreadable(path, exc) from None


def _is_json_lines(fh: BinaryIO, fmt: str | None) -> bool:
    """Whether the open file is JSON Lines to stream: ``fmt`` says so, or its first non-empty line is a whole
    JSON object. An empty or binary file is not (it is read whole, where those answers are made)."""
    head = fh.read(4096)
    if not head.strip() or looks_binary(head):
        return False
    if fmt == "jsonl":
        return True
    fh.seek(0)
    first = next((raw for raw in fh if raw.strip()), b"").removeprefix(codecs.BOM_UTF8)
    try:
        return isinstance(json.loads(first), dict)
    except ValueError:
        return False


def _streamed_jsonl(path: Path, fmt: str | None) -> Iterator[tuple[int, str]] | None:
    """The file's numbered lines, read as they are consumed, when it is JSON Lines (``fmt``, or detected
    from its first line: a whole JSON object); None for any other file (it is read whole).

    Why: the format scale comes in. A million abstracts are 1.5 GB of JSON Lines, read whole that is
    1.5 GB of bytes plus 1.5 GB of text before the first paper; streamed, one line. The first-line test
    gives the answer :func:`detect_format` gives for the whole text (a pretty-printed JSON document's first
    line is not a whole object; a one-line ``.json`` file is left to it).
    """
    if fmt not in (None, "jsonl") or (fmt is None and path.suffix.lower() == ".json"):
        return None
    fh = _open(path)
    try:
        streamable = _is_json_lines(fh, fmt)
        fh.seek(0)
    except OSError as exc:
        fh.close()
        raise _unreadable(path, exc) from None
    if not streamable:
        fh.close()
        return None

    def lines() -> Iterator[tuple[int, str]]:
        with fh:
            yield from decode_lines(fh, str(path))
    return lines()


def read_papers(
    source: str | Path,
    fmt: str | None = None,
    report: SkipReport | None = None,
    mapping: Mapping[str, str] | None = None,
) -> Iterator[Paper]:
    """Read the papers of one file (``"-"`` = standard input), detecting its format unless ``fmt`` is given.

    ``mapping`` (field → column, e.g. ``{"abstract": "Abstract Note"}``) applies to CSV and JSON records.
    """
    report = report if report is not None else SkipReport()
    if fmt is not None and fmt not in FORMATS:
        raise FormatError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    streamed = None if str(source) == "-" else _streamed_jsonl(Path(source), fmt)
    if streamed is not None:
        return read_jsonl_lines(streamed, Path(source).name, report, mapping if mapping else None)
    data, location = _read_bytes(source)
    text = decode(data, location)
    if not text.strip():
        log.warning("%s: empty input, no papers", location)
        return iter(())
    name = fmt or detect_format(text, location)
    where = Path(location).name if location != "<stdin>" else location
    if mapping and name in MAPPABLE:
        return FORMATS[name](text, where, report, mapping)  # type: ignore[call-arg]
    return FORMATS[name](text, where, report)


def parse_mapping(items: Sequence[str] | None) -> dict[str, str]:
    """``["abstract=Abstract Note", "title=Title"]`` → ``{"abstract": "Abstract Note", "title": "Title"}``.

    Fields are the record fields (title, abstract, id, date, url, authors, arxiv_id); a typo is an error.
    """
    fields = ("title", "abstract", "id", "date", "url", "authors", "arxiv_id")
    out: dict[str, str] = {}
    for item in items or ():
        field, sep, column = item.partition("=")
        field, column = field.strip().lower(), column.strip().strip("\"'")
        if not sep or not column or field not in fields:
            raise InputError(f"--map {item!r}: expected FIELD=COLUMN with FIELD one of {', '.join(fields)}")
        out[field] = column
    return out


def _sniff(path: Path) -> bool:
    """Whether a file with an unknown extension inside a directory holds one of our formats."""
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    if not head or looks_binary(head):
        return False
    text = head.decode("utf-8", "replace").lstrip()
    return text.startswith(("{", "[", "<feed", "<?xml")) or _BIBTEX_HEAD.search(text) is not None


def expand_inputs(sources: Sequence[str | Path]) -> list[str | Path]:
    """Inputs with each directory replaced by the files under it (recursively, sorted, hidden ones left out).

    Files with a known extension (``.jsonl .json .csv .tsv .xml .atom .txt .bib``) are taken; others only
    when their content looks like one of the formats. A path that does not exist is an
    :class:`~kg.errors.InputError` raised before anything is read.
    """
    missing = [str(s) for s in sources if str(s) != "-" and not Path(s).exists()]
    if missing:
        raise InputError(f"{', '.join(missing)}: no such file or directory")
    out: list[str | Path] = []
    for source in sources:
        path = Path(source)
        if str(source) == "-" or not path.is_dir():
            out.append(source)
            continue
        found = [p for p in sorted(path.rglob("*"))
                 if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)]
        chosen = [p for p in found if p.suffix.lower() in _SUFFIXES or _sniff(p)]
        for p in sorted(set(found) - set(chosen)):
            log.info("%s: not a paper collection (unknown extension and content); left out", p)
        if not chosen:
            log.warning("%s: a directory without any input file", path)
        out.extend(chosen)
    return out


def embedded_corpus() -> list[Path]:
    """The sample corpus shipped inside the package (four daily-papers dumps), sorted by name."""
    root = resources.files("kg") / "resources" / "corpus"
    return sorted(Path(str(p)) for p in root.iterdir() if p.name.endswith(".txt"))


# Reading many inputs into one corpus of distinct papers is its own module; it uses the readers above.
from kg.sources.corpus import Corpus, merge_papers, read_corpus  # noqa: E402
