"""Compose the stages: sources → extraction → linking/graph → exports → validation → SPARQL store.

The facade :func:`build_graph` is the few-line version for library users; :func:`build` is what
``kg build`` runs: it adds the on-disk parts — an extraction cache so that adding input to an existing
output only extracts the new papers, atomic exports, SHACL validation and an incremental store update.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import GraphError, InputError
from kg.io import write_jsonl
from kg.model import Extraction, Paper, SkipReport

if TYPE_CHECKING:  # heavy imports stay lazy
    from spacy.language import Language

    from kg.graph import KnowledgeGraph

log = logging.getLogger(__name__)

#: The per-paper extraction records of a build; also the cache that makes re-builds incremental.
EXTRACTIONS_FILE = "extractions.jsonl"
STORE_DIR = "store"

ProgressCallback = Callable[[int, int], None]  # (done, total)


def build_graph(papers: Iterable[Paper], nlp: Language | None = None) -> KnowledgeGraph:
    """Extract every paper and resolve the mentions into one :class:`~kg.graph.KnowledgeGraph`.

    Examples
    --------
    >>> import kg
    >>> g = kg.build_graph(kg.read_corpus(kg.embedded_corpus()))  # doctest: +SKIP
    >>> g.summary()["papers"]  # doctest: +SKIP
    """
    from kg.extract import extract_papers
    from kg.graph import KnowledgeGraph

    return KnowledgeGraph.from_extractions(list(extract_papers(papers, nlp=nlp)))


@dataclass(slots=True)
class BuildSummary:
    """What one ``kg build`` did, for the closing table and for tests."""

    papers_read: int = 0
    papers_skipped: int = 0
    papers_merged: int = 0
    papers_total: int = 0
    papers_extracted: int = 0
    papers_cached: int = 0
    graph_counts: dict[str, int] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)
    conforms: bool | None = None
    violations: int = 0
    store: dict[str, Any] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    skip_reasons: list[tuple[str, str]] = field(default_factory=list)

    @property
    def wall_seconds(self) -> float:
        return sum(self.seconds.values())


def read_extractions(path: Path) -> list[Extraction]:
    """Read a ``kg extract`` / build cache file; a corrupt line is an error, not a silent skip.

    Why not skip: this file *is* the graph's content; dropping a line would silently lose a paper.
    """
    out: list[Extraction] = []
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                out.append(Extraction.from_dict(json.loads(line)))
            except (ValueError, KeyError, TypeError) as exc:
                raise GraphError(
                    f"{path}:{lineno}: not a valid extraction record ({exc}); delete the file or rebuild with --fresh"
                ) from exc
    return out


def load_graph(path: Path) -> KnowledgeGraph:
    """The graph of a build: ``path`` is an output directory or an extractions (``kg extract``) file.

    Rebuilding from the extraction records is deterministic and gives the same IRIs as the build did.
    """
    from kg.graph import KnowledgeGraph

    path = Path(path)
    source = path / EXTRACTIONS_FILE if path.is_dir() else path
    if not source.exists():
        raise GraphError(f"{source}: not found — pass an output directory of `kg build` or a `kg extract` file")
    return KnowledgeGraph.from_extractions(read_extractions(source))


def _cached_extractions(out: Path, extractor_id: str, fresh: bool) -> dict[str, Extraction]:
    cache = out / EXTRACTIONS_FILE
    if fresh or not cache.exists():
        return {}
    records = read_extractions(cache)
    stale = [r for r in records if r.extractor != extractor_id]
    if stale:
        log.warning(
            "%d cached extraction(s) in %s were made by another extractor version; re-extracting them",
            len(stale),
            cache,
        )
    return {r.paper.id: r for r in records if r.extractor == extractor_id}


def build(
    inputs: Sequence[str | Path] | None,
    out: Path,
    fmt: str | None = None,
    *,
    processes: int = 1,
    fresh: bool = False,
    validate: bool = True,
    store: bool = True,
    progress: ProgressCallback | None = None,
    scheduler: str | None = None,
    mode: str = "fast",
    export_options: dict[str, dict[str, Any]] | None = None,
) -> BuildSummary:
    """Build (or incrementally extend) the graph in ``out`` from ``inputs`` (default: the embedded corpus).

    Papers already extracted into ``out/extractions.jsonl`` by the same extractor version are not
    extracted again; the graph, exports and store are then regenerated from all records, so IRIs and
    files depend only on the set of papers, never on the order in which they were added.
    ``export_options`` go to the exporters by format name (``{"html": {"focus": "ImageNet"}}``).
    """
    from kg.export import export_all
    from kg.extract import extract_papers, extractor_id
    from kg.graph import KnowledgeGraph
    from kg.sources import embedded_corpus, read_corpus

    summary = BuildSummary()
    out.mkdir(parents=True, exist_ok=True)

    t0 = time.perf_counter()
    report = SkipReport()
    papers = read_corpus(list(inputs) if inputs else embedded_corpus(), fmt=fmt, report=report)
    summary.papers_read, summary.papers_skipped, summary.papers_merged = report.read, report.skipped, report.merged
    summary.skip_reasons = list(report.reasons)
    summary.seconds["read"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    cached = _cached_extractions(out, extractor_id(mode), fresh)  # another mode's records are stale
    todo = [p for p in papers if p.id not in cached]
    new: list[Extraction] = []
    if scheduler:  # Dask distributed: a scheduler address, or "local" for a LocalCluster of `processes` workers
        if mode != "fast":  # the workers load the default pipeline and check records against its extractor id
            raise InputError("--scheduler extracts in the fast mode only; drop --mode or --scheduler")
        from kg.distributed import extract_on_cluster

        records_in = extract_on_cluster(todo, scheduler, n_workers=processes)
    else:
        records_in = extract_papers(todo, n_process=processes, mode=mode)
    for i, record in enumerate(records_in, 1):
        new.append(record)
        if progress is not None:
            progress(i, len(todo))
    summary.papers_extracted = len(new)
    records = {**cached, **{r.paper.id: r for r in new}}
    ordered = [records[k] for k in sorted(records)]
    summary.papers_total = len(ordered)
    summary.papers_cached = len(ordered) - len(new)  # carried over from earlier builds into this graph
    write_jsonl(out / EXTRACTIONS_FILE, (r.to_dict() for r in ordered))
    summary.seconds["extract"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    graph = KnowledgeGraph.from_extractions(ordered)
    summary.graph_counts = dict(graph.summary())
    summary.seconds["graph"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    summary.files = {"extractions": out / EXTRACTIONS_FILE, **export_all(graph, out, options=export_options)}
    summary.seconds["export"] = time.perf_counter() - t0

    rdf = None
    if validate:
        from kg.validate import validate as shacl_validate

        t0 = time.perf_counter()
        rdf = graph.to_rdf()
        result = shacl_validate(rdf)
        summary.conforms, summary.violations = result.conforms, result.n_violations
        if not result.conforms:
            log.error("the built graph does not conform to the SHACL shapes:\n%s", result.text[:4000])
        summary.seconds["validate"] = time.perf_counter() - t0

    if store:
        from kg.store import Store

        t0 = time.perf_counter()
        with Store.open(out / STORE_DIR) as st:
            # the sorted N-Triples file just written is the cheapest source: no second serialisation
            nt = summary.files.get("ntriples")
            stats = st.sync(nt if nt is not None else graph.to_rdf())
        summary.store = _as_dict(stats)
        summary.files["store"] = out / STORE_DIR
        summary.seconds["store"] = time.perf_counter() - t0
    return summary


def _as_dict(stats: Any) -> dict[str, Any]:
    if isinstance(stats, dict):
        return stats
    if hasattr(stats, "__dataclass_fields__"):
        from dataclasses import asdict

        return asdict(stats)
    return {"result": str(stats)}

