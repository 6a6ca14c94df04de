"""Reader for arXiv Atom feeds (the export API's XML: ``entry/title``, ``summary``, ``id``, ``published``,
``author/name``).

Parsed with :mod:`defusedxml`, so documents that declare entities (the "billion laughs" bomb), reference
external entities or DTDs are refused instead of expanded: a feed never needs them, and expanding them
lets a 1 KB file exhaust memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from kg.errors import InputError
from kg.model import Paper, SkipReport
from kg.sources.text import make_paper, normalise, parse_date

ATOM = "{http://www.w3.org/2005/Atom}"


def _text(entry: Element, tag: str) -> str | None:
    node = entry.find(ATOM + tag)
    return node.text if node is not None and node.text else None


def read_atom(text: str, location: str, report: SkipReport) -> Iterator[Paper]:
    try:
        root = SafeET.fromstring(text.encode("utf-8"), forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise InputError(
            f"{location}: refused unsafe XML ({type(exc).__name__}: entity declarations or external references "
            "are not allowed in a feed)"
        ) from exc
    except ParseError as exc:
        raise InputError(f"{location}: not well-formed XML ({exc})") from exc
    if root.tag != ATOM + "feed":
        raise InputError(f"{location}: XML root is <{root.tag}>, expected an Atom <feed>")
    for n, entry in enumerate(root.iter(ATOM + "entry"), 1):
        authors = tuple(
            normalise(a.text) for a in entry.findall(f"{ATOM}author/{ATOM}name") if a is not None and a.text
        )
        published = _text(entry, "published")
        parsed = parse_date(published) if published else None
        entry_id = _text(entry, "id")
        paper = make_paper(
            report,
            f"{location}:entry {n}",
            title=_text(entry, "title"),
            abstract=_text(entry, "summary"),
            date=parsed[0] if parsed else None,
            url=entry_id,
            arxiv_id=entry_id,
            authors=authors,
            n_authors=len(authors) or None,
        )
        if paper is not None:
            yield paper
