"""SHACL validation of a built graph against ``schemas/shapes.ttl`` (pySHACL).

The ontology is passed as ``ont_graph`` so class constraints see ``kg:Benchmark rdfs:subClassOf
kg:Dataset`` and ``kg:Method rdfs:subClassOf kg:Entity`` without us writing those triples into every
graph.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from rdflib import RDF, RDFS, BNode, Graph, URIRef
from rdflib.namespace import DCTERMS, SH

from kg.errors import GraphError
from kg.vocab import ID_NS, KG


@dataclass(frozen=True)
class ValidationReport:
    conforms: bool
    n_violations: int
    text: str
    results: tuple[tuple[str, str, str], ...]  # (focus node, path, message)
    #: The ids of the papers that own a violating node (the paper, its claims, results, comparisons), sorted.
    papers: tuple[str, ...] = ()
    #: The violating nodes no paper owns (entities), sorted IRIs.
    entities: tuple[str, ...] = ()


@dataclass(frozen=True)
class ViolationOwners:
    """Whom a report's violations belong to: what a reader fixes (a paper's record, an entity's names)."""

    papers: tuple[str, ...]
    entities: tuple[str, ...]
    text: str


def name_violations(results: Iterable[tuple[str, str, str]], paper_id: Callable[[str], str | None],
                    label: Callable[[str], str | None], show: int = 50) -> ViolationOwners:
    """Group violations by the paper that owns each focus node (``_owner``), or by entity.

    ``paper_id(paper IRI)`` and ``label(entity IRI)`` look names up in the data (an rdflib graph or the store),
    so both validators name papers the same way: by ``dcterms:identifier`` (the paper IRI's slug when missing).
    """
    by_paper: Counter[str] = Counter()
    by_entity: Counter[str] = Counter()
    for focus, _, _ in results:
        owner = _owner(focus)
        if owner is None:
            by_entity[focus] += 1
        else:
            by_paper[paper_id(f"{ID_NS}paper/{owner}") or owner] += 1
    lines = []
    if by_paper:
        shown = ", ".join(f"{p} ({n})" for p, n in sorted(by_paper.items())[:show])
        more = f" … and {len(by_paper) - show} more" if len(by_paper) > show else ""
        lines.append(f"Papers with violations ({len(by_paper)}): {shown}{more}")
    if by_entity:
        shown = ", ".join(f"<{e}> {label(e) or ''!r} ({n})" for e, n in sorted(by_entity.items())[:show])
        more = f" … and {len(by_entity) - show} more" if len(by_entity) > show else ""
        lines.append(f"Entities with violations ({len(by_entity)}): {shown}{more}")
    return ViolationOwners(tuple(sorted(by_paper)), tuple(sorted(by_entity)), "\n".join(lines))


def _named(report: ValidationReport, data: Graph) -> ValidationReport:
    """``report`` with the papers and entities of its violations named (looked up in ``data``)."""
    if report.conforms:
        return report

    def lookup(iri: str, prop: URIRef) -> str | None:
        value = data.value(URIRef(iri), prop)
        return None if value is None else str(value)

    naming = name_violations(report.results, lambda p: lookup(p, DCTERMS.identifier), lambda e: lookup(e, RDFS.label))
    return ValidationReport(report.conforms, report.n_violations, f"{report.text}\n{naming.text}", report.results,
                            naming.papers, naming.entities)


@functools.lru_cache(maxsize=1)
def _schema(name: str) -> Graph:
    g = Graph()
    g.parse(data=(resources.files("kg") / "schemas" / name).read_text(encoding="utf-8"), format="turtle")
    return g


def shapes_graph() -> Graph:
    return _schema("shapes.ttl")


def ontology_graph() -> Graph:
    return _schema("ontology.ttl")


def load_rdf(path: Path) -> Graph:
    """Parse an RDF file, guessing the format from its suffix (.ttl, .nt, .jsonld)."""
    fmt = {".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld", ".json": "json-ld"}.get(path.suffix.lower())
    if fmt is None:
        raise GraphError(f"{path}: unknown RDF file type (use .ttl, .nt or .jsonld)")
    g = Graph()
    try:
        g.parse(path, format=fmt)
    except FileNotFoundError:
        raise GraphError(f"{path}: no such file") from None
    except Exception as exc:  # rdflib raises many parser-specific types
        raise GraphError(f"{path}: cannot parse as {fmt}: {exc}") from exc
    return g


#: Above this many papers a graph is validated in batches of this many papers (see :func:`validate`).
BATCH_PAPERS = 5000

#: IRI kinds that belong to one paper (``id/<kind>/<paper>/...``): a batch takes them with their paper.
_PAPER_KINDS = frozenset({"paper", "claim", "result", "comparison"})


def validate(graph: Graph | Path, batch_papers: int = BATCH_PAPERS) -> ValidationReport:
    """Validate ``graph`` (or an RDF file) against the paperkg shapes.

    A graph of more than ``batch_papers`` papers is validated batch by batch: each batch holds the triples
    of ``batch_papers`` papers and of their claims, results and comparisons, plus the descriptions of the
    entities they point to. Why this is the same answer: every shape is about one node and its direct
    neighbours (a paper's title, the class of what it ``uses``, a result's one reporting paper), and a batch
    holds every triple those constraints read. Why bother: pySHACL copies the data graph and its cost grows
    faster than the graph, so one call over a 50k-paper graph took 277 s and gigabytes.
    """
    data = load_rdf(graph) if isinstance(graph, Path) else graph
    batches = list(_batches(data, batch_papers))
    if len(batches) <= 1:
        return _named(_validate_one(data), data)
    reports = [_validate_one(b) for b in batches]
    results = tuple(sorted(set().union(*(r.results for r in reports))))
    text = "\n".join(r.text for r in reports if not r.conforms) or reports[0].text
    return _named(ValidationReport(all(r.conforms for r in reports), len(results), text, results), data)


def _owner(node: object) -> str | None:
    """The paper a paper-kind IRI belongs to (its slug), or None for entities and everything else."""
    iri = str(node)
    if not iri.startswith(ID_NS):
        return None
    kind, _, rest = iri[len(ID_NS):].partition("/")
    return rest.split("/", 1)[0] if kind in _PAPER_KINDS else None


def _batches(data: Graph, batch_papers: int) -> Iterator[Graph]:
    papers = sorted({str(p) for p in data.subjects(RDF.type, KG.Paper)})
    if len(papers) <= batch_papers:
        yield data
        return
    owned: dict[str, list[tuple[Any, Any, Any]]] = {}
    other: dict[Any, list[tuple[Any, Any, Any]]] = {}
    for t in data:
        key = _owner(t[0])
        if key is None:
            other.setdefault(t[0], []).append(t)
        else:
            owned.setdefault(key, []).append(t)
    slugs = [_owner(p) or "" for p in papers]
    for i in range(0, len(slugs), batch_papers):
        g = Graph()
        described: set[Any] = set()
        for slug in slugs[i : i + batch_papers]:
            for t in owned.get(slug, ()):
                g.add(t)
                if t[2] in other and t[2] not in described:
                    described.add(t[2])
                    for et in other[t[2]]:
                        g.add(et)
        yield g
    # entities no paper points to still get validated once
    orphans = set(other) - {o for ts in owned.values() for _, _, o in ts}
    if orphans:
        g = Graph()
        for node in orphans:
            for t in other[node]:
                g.add(t)
        yield g


def _validate_one(data: Graph) -> ValidationReport:
    from pyshacl import validate as shacl

    conforms, report_graph, text = shacl(
        data, shacl_graph=shapes_graph(), ont_graph=ontology_graph(), inference="none",
        allow_warnings=False, meta_shacl=False, advanced=False,
    )
    results = []
    for r in report_graph.subjects(predicate=SH.resultSeverity):
        focus = report_graph.value(r, SH.focusNode)
        path = report_graph.value(r, SH.resultPath)
        msg = report_graph.value(r, SH.resultMessage)
        if isinstance(path, BNode):  # a path expression: name it stably (blank node ids differ per run)
            inverse = report_graph.value(path, SH.inversePath)
            path = f"^{inverse}" if inverse is not None else "(path)"
        results.append((str(focus), str(path) if path is not None else "", str(msg)))
    return ValidationReport(bool(conforms), len(results), str(text), tuple(sorted(results)))
