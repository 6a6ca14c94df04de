"""Reader for JSON documents of papers: arrays, API responses, and the record shapes of the big indexes.

One JSON document (not JSON Lines) holding papers, as the services people export from deliver them:

* a JSON array of paper objects (Papers with Code's ``papers-with-abstracts.json``, hand-made lists);
* an API response wrapping the array (Semantic Scholar ``{"data": [...]}``, OpenAlex ``{"results": [...]}``);
* a single paper object.

Each object is recognised by its fields and mapped to the generic record (title, abstract, date, url,
authors, arxiv_id) before :func:`kg.sources.tabular.record_to_paper` applies the usual checks:

* **Semantic Scholar** (``paperId``/``externalIds``): ``externalIds.ArXiv``, ``publicationDate``,
  ``authors[].name``;
* **OpenAlex** works (``abstract_inverted_index``, ``openalex.org`` ids): the abstract is rebuilt from the
  inverted index (word → positions), ``display_name``, ``publication_date``,
  ``authorships[].author.display_name``, arXiv ids from the locations' landing pages and the DOI;
* **Papers with Code** (``paper_url``/``url_abs``): ``arxiv_id``, ``url_abs``, ``date``, ``authors``;
* anything else is read like a JSON Lines record.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping
from typing import Any

from kg.errors import FormatError
from kg.model import Paper, SkipReport
from kg.sources.tabular import record_to_paper

log = logging.getLogger(__name__)

#: Keys under which API responses wrap their list of papers.
WRAPPERS = ("data", "results", "papers", "items", "works", "records", "hits")
#: An inverted index claiming a word beyond this position is not an abstract (and would cost memory).
_MAX_POSITION = 50_000


def rebuild_abstract(index: Any) -> str | None:
    """The text of an OpenAlex ``abstract_inverted_index`` (``{"word": [positions]}``), or None if malformed.

    >>> rebuild_abstract({"We": [0], "propose": [1], "X.": [2]})
    'We propose X.'
    """
    if not isinstance(index, dict) or not index:
        return None
    slots: dict[int, str] = {}
    for word, positions in index.items():
        if not isinstance(word, str) or not isinstance(positions, list):
            return None
        for pos in positions:
            if isinstance(pos, bool) or not isinstance(pos, int) or not 0 <= pos <= _MAX_POSITION:
                return None
            slots[pos] = word
    return " ".join(slots[i] for i in sorted(slots))


def _names(items: Any, *path: str) -> list[str]:
    """``[item[path[0]][path[1]]…]`` for the items that have it as text."""
    out = []
    for item in _list(items):
        for key in path:
            item = item.get(key) if isinstance(item, dict) else None
        if isinstance(item, str):
            out.append(item)
    return out


def _first_arxiv(*values: Any) -> str | None:
    from kg.sources.text import arxiv_in

    for v in values:
        found = arxiv_in(v) if isinstance(v, str) else None
        if found:
            return found
    return None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _openalex(obj: Mapping[str, Any]) -> dict[str, Any]:
    ids = _dict(obj.get("ids"))
    landing = [_dict(loc).get("landing_page_url") for loc in _list(obj.get("locations"))]
    primary = _dict(obj.get("primary_location"))
    doi = obj.get("doi") or ids.get("doi")
    return {
        "title": obj.get("title") or obj.get("display_name"),
        "abstract": rebuild_abstract(obj.get("abstract_inverted_index")),
        "date": obj.get("publication_date"),
        "url": primary.get("landing_page_url") or doi or obj.get("id"),
        "authors": _names(obj.get("authorships"), "author", "display_name"),
        "arxiv_id": _first_arxiv(*landing, primary.get("landing_page_url"), doi, ids.get("arxiv")),
    }


def _semantic_scholar(obj: Mapping[str, Any]) -> dict[str, Any]:
    ext = _dict(obj.get("externalIds"))
    arxiv = ext.get("ArXiv") or ext.get("arXiv")
    return {
        "title": obj.get("title"),
        "abstract": obj.get("abstract"),
        "date": obj.get("publicationDate"),
        "url": obj.get("url"),
        "authors": _names(obj.get("authors"), "name"),
        "arxiv_id": arxiv if isinstance(arxiv, str) else _first_arxiv(ext.get("DOI")),
    }


def _papers_with_code(obj: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "title": obj.get("title"),
        "abstract": obj.get("abstract"),
        "date": obj.get("date"),
        "url": obj.get("url_abs") or obj.get("paper_url"),
        "authors": obj.get("authors"),
        "arxiv_id": obj.get("arxiv_id") or _first_arxiv(obj.get("url_abs"), obj.get("url_pdf")),
    }


def to_record(obj: Mapping[str, Any]) -> Mapping[str, Any]:
    """The generic record of one paper object, whichever index it comes from (see the module docstring)."""
    oid = obj.get("id")
    if "abstract_inverted_index" in obj or (isinstance(oid, str) and "openalex.org/" in oid):
        return _openalex(obj)
    if "paperId" in obj or "externalIds" in obj:
        return _semantic_scholar(obj)
    if "paper_url" in obj or "url_abs" in obj:
        return _papers_with_code(obj)
    return obj


def _items(doc: Any) -> list[Any]:
    if isinstance(doc, list):
        return doc
    if isinstance(doc, dict):
        for key in WRAPPERS:
            if isinstance(doc.get(key), list):
                return doc[key]
        return [doc]
    return []


def read_json(
    text: str, location: str, report: SkipReport, mapping: Mapping[str, str] | None = None
) -> Iterator[Paper]:
    """Every paper of one JSON document; a non-object item is a counted skip, not the end of the file."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(
            f"{location}: not a JSON document ({exc.msg} at line {exc.lineno}, column {exc.colno})") from None
    items = _items(doc)
    if not isinstance(doc, (list, dict)):
        raise FormatError(f"{location}: a JSON {type(doc).__name__}, not an array or object of papers")
    for n, item in enumerate(items, 1):
        where = f"{location}:item {n}"
        if not isinstance(item, dict):
            report.read += 1
            report.skip(where, f"expected a JSON object, got {type(item).__name__}")
            log.warning("%s: skipped: not a JSON object", where)
            continue
        paper = record_to_paper(to_record(item), where, report, mapping)
        if paper is not None:
            yield paper
