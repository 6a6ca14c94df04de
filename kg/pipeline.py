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
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import GraphError, InputError
from kg.model import Extraction, Paper, SkipReport

if TYPE_CHECKING:  # heavy imports stay lazy
    from spacy.language import Language

    from kg.graph import KnowledgeGraph
    from kg.link import Linking
    from kg.shards import RecordLines, Shards
    from kg.sources import Corpus

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
    papers_over_budget: int = 0  # papers whose extraction ran over the per-paper time budget (skipped)
    cache_skipped: int = 0  # invalid records of an existing extractions.jsonl (skipped, logged)
    up_to_date: bool = False  # nothing new: the outputs of the last finished build were kept as they are
    export_options: dict[str, dict[str, Any]] = field(default_factory=dict)  # non-default exporter options
    inputs: dict[str, Any] = field(default_factory=dict)  # what was read, by content hash (see input_fingerprint)
    shards: dict[str, int] = field(default_factory=dict)  # record shards, and how many were rendered again
    views: list[str] = field(default_factory=list)  # what a build past the size bound left out, and how to get it

    @property
    def wall_seconds(self) -> float:
        return sum(self.seconds.values())


def read_extractions(path: Path, report: SkipReport | None = None) -> list[Extraction]:
    """Read a ``kg extract`` / build cache file, record by record.

    A line that is not a valid record (broken JSON, wrong types, a paper field no output can hold, an IRI
    that is not one) is skipped with a logged warning and counted in ``report``: one bad record must not
    make every later build fail (issue 9). ``kg build`` re-extracts a skipped record's paper when its input
    is given again.
    """
    out: list[Extraction] = []
    with path.open(encoding="utf-8", errors="replace", newline="\n") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            where = f"{path}:{lineno}"
            try:
                data = json.loads(line)
                if not isinstance(data, dict):
                    raise TypeError(f"a JSON {type(data).__name__}, not an object")
                record = Extraction.from_dict(data)
                problem = check_extraction(record)
            except (ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
                problem = f"{type(exc).__name__}: {exc}"
            if problem:
                log.warning("%s: not a valid extraction record (%s); skipped", where, problem[:200])
                if report is not None:
                    report.read += 1
                    report.skip(where, f"invalid extraction record: {problem[:200]}")
                continue
            if report is not None:
                report.read += 1
            out.append(record)
    return out


def check_extraction(ex: Extraction) -> str | None:
    """Why ``ex`` cannot go into a graph, or None. The checks the readers apply to fresh input, applied to
    records read back from disk (which anyone may have edited), plus the record's internal references."""
    import math

    from kg.io import xml_safe
    from kg.sources.text import valid_iri

    p = ex.paper
    if not isinstance(p.id, str) or not p.id.strip():
        return "paper id is empty or not text"
    for name in ("id", "title", "abstract", "date", "affiliation", "arxiv_id", "source"):
        value = getattr(p, name)
        if value is not None and (not isinstance(value, str) or xml_safe(value) != value):
            return f"paper {name} is not clean text"
    if not p.title or not p.abstract:
        return "paper has no title or abstract"
    if p.url is not None and valid_iri(p.url) != p.url:
        return f"paper url {str(p.url)[:60]!r} is not an IRI"
    for name in ("n_authors", "upvotes"):
        value = getattr(p, name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            return f"paper {name} is not an integer"
    if any(not isinstance(a, str) or xml_safe(a) != a for a in p.authors):
        return "an author name is not clean text"
    keys = {e.key for e in ex.entities}
    if len(keys) != len(ex.entities):
        return "two entities share a key"
    for e in ex.entities:
        if not e.names or any(not isinstance(n, str) or not n or xml_safe(n) != n for n in e.names):
            return f"entity {e.key} has an empty or unclean name"
    evidences = [r.evidence for r in ex.relations] + [r.evidence for r in ex.results]
    evidences += [m.evidence for e in ex.entities for m in e.mentions]
    for ev in evidences:
        if not isinstance(ev.sentence, str) or xml_safe(ev.sentence) != ev.sentence or not isinstance(ev.rule, str):
            return "an evidence sentence is not clean text"
        if not math.isfinite(ev.confidence):
            return "an evidence confidence is not a number"
    if any(r.target not in keys for r in ex.relations):
        return "a relation points at no entity of the record"
    for r in ex.results:
        if not math.isfinite(r.value) or not isinstance(r.value_text, str):
            return "a result value is not a finite number"
        if any(k is not None and k not in keys for k in (r.method, r.dataset, r.metric)):
            return "a result points at no entity of the record"
    return None


def load_graph(path: Path) -> KnowledgeGraph:
    """The graph of a build: ``path`` is an output directory (its record shards) or an extractions
    (``kg extract``) file.

    Rebuilding from the extraction records is deterministic and gives the same IRIs as the build did. It holds
    the whole paper-level graph: for a graph past the build's size bound, query the store or use
    :mod:`kg.views` instead.
    """
    from kg.graph import KnowledgeGraph
    from kg.shards import Shards

    path = Path(path)
    if path.is_dir() and Shards(path).names():
        return KnowledgeGraph.from_extractions(Shards(path).all_records())
    source = path / EXTRACTIONS_FILE if path.is_dir() else path
    if not source.exists():
        raise GraphError(f"{source}: not found — pass an output directory of `kg build` or a `kg extract` file")
    return KnowledgeGraph.from_extractions(read_extractions(source))


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
    wait: bool = True,
    on_wait: Callable[[str], None] | None = None,
    budget: float | None = None,
    mapping: dict[str, str] | None = None,
    full_exports_up_to: int = 10_000,
) -> BuildSummary:
    """Build (or incrementally extend) the graph in ``out`` from ``inputs`` (default: the embedded corpus).

    Papers already extracted into ``out/extractions.jsonl`` by the same extractor version are not
    extracted again; the graph, exports and store are then regenerated from all records, so IRIs and
    files depend only on the set of papers, never on the order in which they were added.
    ``export_options`` go to the exporters by format name (``{"html": {"focus": "ImageNet"}}``).

    The whole build holds ``out``'s lock (:func:`kg.lock.build_lock`: another build waits, or with
    ``wait=False`` fails with :class:`~kg.errors.LockedError`), so concurrent builds into one directory
    keep every paper. ``out/manifest.json`` says "building" from the start and is rewritten last with
    what every file holds (:mod:`kg.manifest`), so a reader can tell a finished build from an interrupted
    one; rerunning an interrupted build makes every file and the store consistent again.
    """
    from contextlib import ExitStack

    from kg.extract import PAPER_BUDGET
    from kg.io import clean_stale_temporaries
    from kg.lock import build_lock
    from kg.manifest import mark_building, read_manifest, restore_manifest, write_manifest
    from kg.sources import Corpus, embedded_corpus

    sources = list(inputs) if inputs else embedded_corpus()
    report = SkipReport()
    t0 = time.perf_counter()
    asked = any((export_options or {}).values())
    fingerprint = input_fingerprint(sources, fmt=fmt, mapping=mapping, mode=mode, validate=validate, store=store,
                                    full_exports_up_to=full_exports_up_to)
    if not fresh and not asked and _same_inputs(out, read_manifest(out), fingerprint, validate, store):
        with build_lock(out, wait=wait, on_wait=on_wait):
            previous = read_manifest(out)  # again, under the lock: another build may have finished meanwhile
            if previous is not None and _same_inputs(out, previous, fingerprint, validate, store):
                # The inputs are byte for byte those the last finished build read, with the same options
                # and extractor: its outputs are the answer, and nothing is even parsed.
                summary = _unchanged(out, previous)
                summary.seconds = {"read": time.perf_counter() - t0}
                summary.files["manifest"] = restore_manifest(out, previous)
                return summary
    # Read before taking the lock: a missing or unreadable input fails without touching ``out``. The papers
    # wait in the corpus's spool file, not in memory (kg.sources.corpus).
    papers = Corpus(sources, fmt=fmt, report=report, mapping=mapping)
    read_seconds = time.perf_counter() - t0
    with papers, build_lock(out, wait=wait, on_wait=on_wait):
        for stale in clean_stale_temporaries(out):
            log.info("removed %s, left by an interrupted build", stale)
        previous = read_manifest(out)
        mark_building(out)
        # What a finished build of the same records already wrote: when nothing is new, it is the answer.
        # (explorer options such as --focus change what graph.html holds: such a build is always a real one)
        reusable = None if fresh or asked else _complete_outputs(out, previous, validate, store)
        with ExitStack() as stack:
            client = None
            if scheduler:  # Dask distributed: an address, or "local" for a LocalCluster of `processes` workers
                if mode != "fast":  # the workers load the default pipeline and check records against its id
                    raise InputError("--scheduler extracts in the fast mode only; drop --mode or --scheduler")
                from kg.distributed import dask_client

                client = stack.enter_context(dask_client(scheduler, processes))
            summary = _build_locked(papers, report, out, processes=processes, fresh=fresh, validate=validate,
                                    store=store, progress=progress, client=client, mode=mode,
                                    budget=PAPER_BUDGET if budget is None else budget,
                                    export_options=export_options, reusable=reusable,
                                    previous=None if fresh else previous, full_exports_up_to=full_exports_up_to)
        summary.seconds = {"read": read_seconds, **summary.seconds}
        summary.inputs = fingerprint
        summary.export_options = {fmt: dict(opts) for fmt, opts in (export_options or {}).items() if opts}
        log.info("build stage: manifest")
        if summary.up_to_date and previous is not None:  # (these inputs, too, are now known to add nothing)
            summary.files["manifest"] = restore_manifest(out, {**previous, "inputs": fingerprint})
        else:
            summary.files["manifest"] = write_manifest(out, summary, previous)
        log.info("build stage: done")
    return summary


#: Above this many papers ``kg build`` writes bounded views (the explorer page of the most-named entities and
#: an entity-level GraphML) beside N-Triples and the store, instead of every paper-level export; ``kg export``
#: writes those on request. Why 10,000: below it a full build holds the paper-level graph in about 2 GB.
FULL_EXPORTS_UP_TO = 10_000


def input_fingerprint(sources: Sequence[str | Path], **options: Any) -> dict[str, Any]:
    """What a build reads, by content: every input file's path, size and SHA-256 (a folder's files, each),
    the options that change what is built from them, and the extractor id.

    Why content and not modification times: a copied or re-downloaded file with the same bytes is the
    same input. Hashing costs about a second per GB; parsing the same inputs costs about a minute per GB.
    """
    from kg.extract import extractor_id
    from kg.io import file_sha256

    files = []
    for src in sources:
        path = Path(src)
        members = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for p in members:
            try:
                files.append([str(p.resolve()), p.stat().st_size, file_sha256(p)])
            except OSError:
                files.append([str(p), None, None])  # the read reports it; never equal to a finished build's
    return {"files": files, "extractor": extractor_id(options.get("mode", "fast")),
            **{k: v for k, v in sorted(options.items()) if v is not None}}


def _same_inputs(out: Path, previous: dict[str, Any] | None, fingerprint: dict[str, Any], validate: bool,
                 store: bool) -> bool:
    """Whether the finished build ``previous`` (a manifest) read exactly these inputs and left every output."""
    return (previous is not None and previous.get("inputs") == fingerprint
            and _complete_outputs(out, previous, validate, store) is not None)


def _unchanged(out: Path, previous: dict[str, Any]) -> BuildSummary:
    """The summary of a build that found its inputs and outputs as the last finished build left them."""
    summary = BuildSummary(up_to_date=True, papers_total=previous.get("papers") or 0,
                           papers_cached=previous.get("papers") or 0, inputs=previous.get("inputs") or {})
    summary.graph_counts = dict(previous.get("graph") or {})
    summary.files = {name: out / name for name in previous.get("files") or {}}
    if "shacl" in previous:
        summary.conforms = previous["shacl"].get("conforms")
        summary.violations = previous["shacl"].get("violations", 0)
    if "store" in previous:
        summary.store = {"triples": previous["store"].get("triples"), "added": 0, "removed": 0,
                         "changed_since_optimize": previous["store"].get("changed_since_optimize", 0)}
        summary.files["store"] = out / STORE_DIR
    return summary


def _complete_outputs(
    out: Path, previous: dict[str, Any] | None, validate: bool, store: bool
) -> dict[str, Any] | None:
    """The previous manifest when ``out`` holds one finished build with everything this build would write
    (every listed file present at its recorded size, SHACL and store if asked for), else None."""
    if not previous or previous.get("status") != "complete" or previous.get("export_options"):
        return None  # (a page made with --focus/--max-entities is not the default one this build would write)
    from kg.manifest import file_problems

    if previous.get("papers") is None or (validate and "shacl" not in previous) or (store and "store" not in previous):
        return None
    if file_problems(out, previous, hashes=False):
        return None
    if store and not (out / STORE_DIR / "CURRENT").is_file():
        return None
    return previous


def _write_shards(shards: Shards, records: Iterable[Extraction | RecordLines],
                  progress: Callable[[int], None] | None = None) -> tuple[list[str], int]:
    """Write ``records`` as new shards of at most :data:`kg.shards.SHARD_PAPERS` papers, as they stream in."""
    from kg.shards import SHARD_PAPERS

    written: list[str] = []
    buf: list[Extraction | RecordLines] = []
    n = 0
    for record in records:
        buf.append(record)
        n += 1
        if progress is not None:
            progress(n)
        if len(buf) >= SHARD_PAPERS:
            written.append(shards.next_name())
            shards.write(written[-1], buf)
            buf = []
    if buf:
        written.append(shards.next_name())
        shards.write(written[-1], buf)
    return written, n


def _checked_shards(shards: Shards, out: Path, previous: dict[str, Any] | None, report: SkipReport) -> set[str]:
    """Shards whose records file is not the one the last finished build recorded: read again (an invalid
    record is logged, counted and dropped, issue 9) and rewritten. Returns them: their triples are stale."""
    from kg.shards import RECORDS_DIR

    trusted = previous.get("files", {}) if previous and previous.get("status") == "complete" else {}
    dirty = set()
    legacy = out / EXTRACTIONS_FILE
    if legacy.is_file():  # an output of an older version: its records move into shards
        if not shards.names():
            _write_shards(shards, read_extractions(legacy, report))
            dirty.update(shards.names())
        legacy.unlink()
    for shard in shards.names():
        info = trusted.get(f"{RECORDS_DIR}/{shard}.jsonl")
        path = shards.records_path(shard)
        if info and path.stat().st_size == info.get("bytes") and shards.names_path(shard).is_file():
            continue
        records = list(shards.records(shard, report))
        if records:
            shards.write(shard, records)
        else:
            shards.remove(shard)
        dirty.add(shard)
    return dirty


def _drop_stale(shards: Shards, stale: set[str], where: set[str]) -> list[Paper]:
    """Remove the records of ``stale`` paper ids from the shards ``where`` they are; return their papers."""
    papers = []
    for shard in sorted(where):
        keep = []
        for record in shards.records(shard):
            (papers.append(record.paper) if record.paper.id in stale else keep.append(record))
        if keep:
            shards.write(shard, keep)
        else:
            shards.remove(shard)
    return papers


def _build_locked(
    papers: Corpus,
    report: SkipReport,
    out: Path,
    *,
    processes: int,
    fresh: bool,
    validate: bool,
    store: bool,
    progress: ProgressCallback | None,
    client: Any,
    mode: str,
    budget: float,
    export_options: dict[str, dict[str, Any]] | None,
    reusable: dict[str, Any] | None,
    previous: dict[str, Any] | None,
    full_exports_up_to: int,
) -> BuildSummary:
    """Extract what is new into shards, then assemble (or find that the last build's outputs stand).
    ``client``: a Dask client (:func:`kg.distributed.dask_client`) that extracts and writes triples, or None."""
    from kg.extract import extract_records, extractor_id
    from kg.shards import Shards

    summary = BuildSummary()
    log.info("build stage: extract")
    t0 = time.perf_counter()
    shards = Shards(out)
    if fresh:
        shards.clear()
        (out / EXTRACTIONS_FILE).unlink(missing_ok=True)
    cache_report = SkipReport()
    dirty = _checked_shards(shards, out, None if fresh else previous, cache_report)
    if cache_report.skipped:
        summary.cache_skipped = cache_report.skipped
        report.reasons.extend(cache_report.reasons)
    ex_id = extractor_id(mode)
    index = shards.index()
    stale_ids = {pid for pid, (_, ex) in index.items() if ex != ex_id}  # another mode or version: extract again
    def new(pid: str) -> bool:
        return pid not in index or pid in stale_ids

    todo: Iterable[Paper] = papers.select(new)  # streamed from the corpus's spool as extraction goes
    n_todo = sum(1 for pid in papers.ids if new(pid))
    if stale_ids:
        log.warning("%d cached extraction(s) in %s were made by another extractor version; re-extracting them",
                    len(stale_ids), out)
        where = {index[pid][0] for pid in stale_ids}
        given = set(papers.ids)
        again = [p for p in _drop_stale(shards, stale_ids, where) if p.id not in given]
        todo, n_todo = chain(todo, again), n_todo + len(again)
        dirty |= where
    extract_report = SkipReport()
    if client is not None:  # Dask distributed
        from kg.distributed import extract_on_cluster

        records_in: Iterable[Extraction | RecordLines] = extract_on_cluster(todo, client, budget=budget,
                                                                             report=extract_report)
    else:
        records_in = extract_records(todo, n_process=processes, mode=mode, budget=budget, report=extract_report)
    new_shards, n_new = _write_shards(shards, records_in,
                                      None if progress is None else (lambda i: progress(i, n_todo)))
    dirty.update(new_shards)
    summary.papers_read, summary.papers_merged = report.read, report.merged
    summary.papers_skipped = report.skipped + extract_report.skipped
    summary.papers_over_budget = extract_report.skipped
    summary.skip_reasons = [*report.reasons, *extract_report.reasons]
    summary.papers_extracted = n_new
    summary.papers_total = len(index) - len(stale_ids) + n_new
    summary.papers_cached = summary.papers_total - n_new  # carried over from earlier builds into this graph
    if (reusable is not None and not dirty and not stale_ids and not cache_report.skipped
            and reusable.get("extractor") == ex_id and reusable.get("papers") == summary.papers_total):
        # Nothing new: the records are the ones the last finished build was made from, so every output
        # it wrote (graph, exports, SHACL result, store) is already the answer. Cost: reading the inputs
        # and the shards' paper ids, instead of a whole rebuild.
        kept = _unchanged(out, reusable)
        kept.papers_read, kept.papers_merged, kept.papers_skipped = summary.papers_read, summary.papers_merged, \
            summary.papers_skipped
        kept.skip_reasons = summary.skip_reasons
        kept.seconds["extract"] = time.perf_counter() - t0
        return kept
    summary.seconds["extract"] = time.perf_counter() - t0
    _assemble(shards, out, summary, dirty, previous, validate=validate, store=store, export_options=export_options,
              full_exports_up_to=full_exports_up_to, processes=processes, client=client)
    return summary


def _assemble(shards: Shards, out: Path, summary: BuildSummary, dirty: set[str], previous: dict[str, Any] | None,
              *, validate: bool, store: bool, export_options: dict[str, dict[str, Any]] | None,
              full_exports_up_to: int, processes: int = 1, client: Any = None) -> None:
    """Linking, triples, ``graph.nt``, store, validation and views: everything after extraction."""
    from collections import Counter
    from contextlib import ExitStack

    from kg.assemble import (
        ShardWork,
        graph_counts,
        graph_tally,
        link_shards,
        merge_ntriples,
        process_map,
        render,
        update_store,
    )
    from kg.export import BUILD_FORMATS, FILENAMES, export_all
    from kg.export.rdf import export_ntriples_file

    log.info("build stage: graph")
    t0 = time.perf_counter()
    linking = link_shards(shards)
    small = summary.papers_total <= full_exports_up_to
    # past the bound the shapes are checked per shard, where its triples are written (small: pySHACL below)
    work = ShardWork(linking, validate=validate and not small)
    with ExitStack() as stack:
        if client is not None:
            from kg.distributed import cluster_map

            shard_map = cluster_map(client, work)
        elif processes > 1 and len(shards.names()) > 1:
            shard_map = stack.enter_context(process_map(work, processes))
        else:
            shard_map = None
        rendered = render(shards, linking, dirty, shard_map, validate=work.validate)
    summary.shards = {"record shards": len(shards.names()), "triples files written": len(rendered.shards_written),
                      "papers written as triples": rendered.papers_written}
    whole = graph_tally(shards)
    summary.graph_counts = graph_counts(Counter(whole["counts"]))
    graph_nt = out / FILENAMES["ntriples"]
    summary.files = {f"records/{s}": shards.records_path(s) for s in shards.names()}
    summary.files.update({f"names/{s}": shards.names_path(s) for s in shards.names()})
    summary.files.update({f"triples/{s}": shards.nt_path(s) for s in shards.names()})
    summary.files["entities"] = shards.entities_path
    if small:  # one sorted file; past the bound the shard files are the N-Triples (kg export -f ntriples joins them)
        merge_ntriples(shards, graph_nt)
        summary.files["ntriples"] = graph_nt
    else:
        graph_nt.unlink(missing_ok=True)
    summary.seconds["graph"] = time.perf_counter() - t0

    if store:
        log.info("build stage: store")
        t0 = time.perf_counter()
        incremental = _store_matches(out / STORE_DIR, previous)
        sources = [shards.entities_path, *(shards.nt_path(s) for s in shards.names())]
        known = (previous or {}).get("store") or {}
        summary.store = update_store(out / STORE_DIR, rendered, sources, incremental=incremental,
                                     held_before=known.get("triples", 0),
                                     changed_before=known.get("changed_since_optimize", 0))
        summary.files["store"] = out / STORE_DIR
        summary.seconds["store"] = time.perf_counter() - t0

    log.info("build stage: export")
    t0 = time.perf_counter()
    graph = None
    if small:
        from kg.graph import KnowledgeGraph

        graph = KnowledgeGraph.from_extractions(shards.all_records(), linking)
        summary.files["turtle"] = export_ntriples_file(graph_nt, "turtle", out / FILENAMES["turtle"])
        formats = tuple(f for f in BUILD_FORMATS if f not in ("ntriples", "turtle"))
        summary.files.update(export_all(graph, out, formats, options=export_options))
    elif store:
        summary.files.update(_bounded_views(out, (export_options or {}).get("html") or {}, whole, linking,
                                                   shards))
        summary.views.append(f"{summary.papers_total} papers > --full-exports-up-to {full_exports_up_to}: graph.html "
                             f"holds the entities named by most papers and their papers, {ENTITY_GRAPHML} the "
                             f"entity-level graph (co-usage and beats weights); get the paper-level files with "
                             f"`kg export {out} -f turtle` (or jsonld, graphml, csv-nodes, csv-edges)")
    else:
        summary.views.append(f"{summary.papers_total} papers > --full-exports-up-to {full_exports_up_to} and no "
                             f"store: only the shards' N-Triples (triples/) written; `kg export {out} -f ntriples` "
                             "(or turtle, jsonld, graphml, csv-nodes, csv-edges, html) writes the paper-level files")
    written = {Path(p).name for p in summary.files.values()}
    for name in (*(FILENAMES[f] for f in BUILD_FORMATS), ENTITY_GRAPHML):
        if name not in written:  # a file of the other kind of build (the graph crossed the bound): not this one's
            (out / name).unlink(missing_ok=True)
    summary.seconds["export"] = time.perf_counter() - t0

    if validate:
        log.info("build stage: validate")
        t0 = time.perf_counter()
        if graph is not None:  # small: pySHACL over the whole graph (the reference the store checks are tested on)
            from kg.validate import validate as shacl_validate

            result = shacl_validate(graph.to_rdf())
        else:  # past the bound: checked per shard as it was written (the entities, and the shards written now)
            from kg.checks import merge_reports

            result = merge_reports(rendered.reports)
        summary.conforms, summary.violations = result.conforms, result.n_violations
        if not result.conforms:
            log.error("the built graph does not conform to the SHACL shapes:\n%s", result.text[-4000:])
        summary.seconds["validate"] = time.perf_counter() - t0


#: The entity-level GraphML a build past its size bound writes (:func:`kg.views.write_entity_graphml`).
ENTITY_GRAPHML = "entities.graphml"
#: Papers on the explorer page of a build past its size bound (the page says so). Reading a paper's nodes
#: from the store costs ~3 ms, the same at any corpus size: 2,000 papers keep the page and the time of an
#: incremental build small (5,000, the small builds' bound, took 16 s of adding 1,000 papers to 100k).
BIG_PAGE_PAPERS = 2000


def _bounded_views(out: Path, html_options: dict[str, Any], whole: dict[str, Any], linking: Linking,
                   shards: Shards) -> dict[str, Path]:
    """The explorer page of the most-named entities (or ``--focus``'s neighbourhood), read from the store
    (its cost follows its bounds), and the entity-level GraphML. The counts both rank by come from the
    per-shard tallies (``whole``), so neither scans the store: that made up most of adding 1,000 papers to a
    100k-paper build."""
    from kg.assemble import paper_edges
    from kg.export import FILENAMES
    from kg.export.html import MAX_ENTITIES, write_html
    from kg.store import Store
    from kg.triples import entity_node
    from kg.views import neighbourhood_view, projection_graph, top_view, write_projection

    entities = {entity_node(e)[1:-1]: (e.type.value, e.label) for e in linking.entities.values()}
    named, edges = whole["named"], whole["edges"]
    with Store.open_read_only(out / STORE_DIR) as st:
        if html_options.get("focus"):
            view = neighbourhood_view(st, str(html_options["focus"]))
        else:
            ranking = [(iri, edges.get(iri, 0), named.get(iri, 0)) for iri in entities]
            view = top_view(st, int(html_options.get("max_entities") or MAX_ENTITIES), BIG_PAGE_PAPERS,
                            ranking=ranking, paper_edges=paper_edges(shards))
        page = write_html(view, out / FILENAMES["html"])
    projection = projection_graph(entities, named, map(tuple, whole["co_usage"]), map(tuple, whole["beats"]))
    return {"html": page, "entity-graphml": write_projection(projection, out / ENTITY_GRAPHML)}


def _store_matches(store_dir: Path, previous: dict[str, Any] | None) -> bool:
    """Whether the store holds exactly the previous finished build's triples (then changes can be applied)."""
    if not previous or previous.get("status") != "complete" or not (store_dir / "CURRENT").is_file():
        return False
    expected = (previous.get("store") or {}).get("triples")
    if expected is None:
        return False
    from kg.errors import StoreError
    from kg.store import Store

    try:
        with Store.open_read_only(store_dir) as st:
            return len(st) == expected
    except StoreError:
        return False


def _as_dict(stats: Any) -> dict[str, Any]:
    if isinstance(stats, dict):
        return stats
    if hasattr(stats, "__dataclass_fields__"):
        from dataclasses import asdict

        return asdict(stats)
    return {"result": str(stats)}

