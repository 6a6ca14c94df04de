"""Reader for BibTeX exports (Zotero, Mendeley, JabRef, Google Scholar), parsed with :mod:`bibtexparser`.

Why a library and not a regex: BibTeX has nested braces, ``@string`` macros, ``#`` concatenation and
quoted or braced values; bibtexparser (v2) handles them and reports the blocks it cannot parse, which
become counted skips. LaTeX in values (``{\\"o}``, ``\\'{e}``, ``\\&``, ``{BERT}`` case protection) is
decoded to Unicode by its ``LatexDecodingMiddleware`` (pylatexenc).

Fields read: ``title``, ``abstract``, ``author`` (``A and B``, ``Last, First``), ``date`` or
``year``/``month``, ``url``, and the arXiv id from ``eprint`` (+ ``archivePrefix = {arXiv}``), ``doi``
(``10.48550/arXiv.…``), ``url``, ``journal`` ("arXiv preprint arXiv:…") or ``note``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

from kg.model import Paper, SkipReport
from kg.sources.tabular import record_to_paper

log = logging.getLogger(__name__)

_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_BRACES = re.compile(r"[{}]")


def _date(fields: dict[str, str]) -> str | None:
    if fields.get("date"):
        return fields["date"]
    year = (fields.get("year") or "").strip()
    if not re.fullmatch(r"\d{4}", year):
        return None
    month = (fields.get("month") or "").strip().lower()[:3]
    number = _MONTHS.get(month) or (int(month) if month.isdigit() and 1 <= int(month) <= 12 else None)
    return f"{year}-{number:02d}" if number else None  # a year alone is not a date the graph can type


def _authors(value: str) -> list[str]:
    names = []
    for name in re.split(r"\s+and\s+", value.strip()):
        if "," in name:  # "Lovelace, Ada" → "Ada Lovelace"
            last, _, first = name.partition(",")
            name = f"{first.strip()} {last.strip()}"
        if name.strip() and name.strip().lower() != "others":
            names.append(name.strip())
    return names


def read_bibtex(text: str, location: str, report: SkipReport) -> Iterator[Paper]:
    """Every ``@article``/``@inproceedings``/… entry of a BibTeX file; unparsable blocks are counted skips."""
    import bibtexparser
    from bibtexparser.middlewares import LatexDecodingMiddleware

    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    for block in library.failed_blocks:
        report.read += 1
        where = f"{location}:{(block.start_line or 0) + 1}"
        report.skip(where, f"unparsable BibTeX block ({type(block).__name__})")
        log.warning("%s: skipped: unparsable BibTeX block", where)
    for entry in library.entries:
        fields = {f.key.lower(): _BRACES.sub("", str(f.value)).strip() for f in entry.fields}
        is_arxiv = fields.get("archiveprefix", "").lower() == "arxiv" or "arxiv" in fields.get("journal", "").lower()
        eprint = fields.get("eprint") if is_arxiv else None
        record = {
            "title": fields.get("title"),
            "abstract": fields.get("abstract"),
            "date": _date(fields),
            "url": fields.get("url"),
            "authors": _authors(fields.get("author", "")),
            "arxiv_id": eprint,
            "doi": fields.get("doi"),
            "journal": fields.get("journal"),
            "note": fields.get("note"),
        }
        paper = record_to_paper(record, f"{location}:{(entry.start_line or 0) + 1} ({entry.key})", report)
        if paper is not None:
            yield paper
