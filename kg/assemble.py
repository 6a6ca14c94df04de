"""Records shards → linking → per-shard N-Triples → the store (and ``graph.nt``), touching only what changed.

The steps of a build after extraction (:func:`kg.pipeline.build` calls them in this order):

1. :func:`link_shards`: one linking pass over the entity names of every shard (``.names.jsonl`` only).
2. :func:`render`: the entities' triples, and each shard's triples when its records are new or changed or
   an entity it names got another canonical key or label (:func:`kg.shards.resolution_signature`). The
   work on one shard (:class:`ShardWork`: its triples, their :func:`tally` and, if asked, the shapes'
   check) runs here, in a process pool or on Dask workers; every rewritten file yields a :class:`Change`
   (the lines it lost and gained).
3. :func:`graph_tally`: the graph counts and the entity views' counts, summed from the per-shard tallies.
4. :func:`merge_ntriples` (small graphs, and ``kg export``): ``graph.nt`` as the sorted merge of the sorted
   shard files (streaming, so its bytes depend only on the set of papers, not on which build added them).
5. :func:`update_store`: apply the changes to the Oxigraph store; a store that is not known to hold the
   previous build exactly is loaded again from the shard files (bulk load, about 1 s per 10k papers).

Memory is bounded by a few shards plus the linking tables (names, not papers).
"""

from __future__ import annotations

import heapq
import json
import logging
import shutil
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

from kg.graph import PAPER_RELATIONS
from kg.io import atomic_write
from kg.link import CanonicalEntity, Linking, link_names
from kg.model import EntityType
from kg.parallel import windowed
from kg.shards import Shards, resolution_signature
from kg.triples import RELATED, TYPE, entity_lines, entity_node, kg, linking_lines, paper_lines
from kg.validate import ValidationReport
from kg.vocab import entity_iri

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Change:
    """What one rewrite of one triples file did: the lines it lost and gained. A file that did not exist
    (``new_file``) keeps no lines, only their number: the store bulk-loads it from the file itself, so a
    build of a million papers does not hold all its triples in memory."""

    path: Path
    removed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    new_file: bool = False
    n_added: int = 0

    @property
    def empty(self) -> bool:
        return not (self.removed or self.n_added)


@dataclass(slots=True)
class Rendered:
    """What :func:`render` did: the changes, and which shards (with how many papers) were written again."""

    changes: list[Change] = field(default_factory=list)
    shards_written: list[str] = field(default_factory=list)
    papers_written: int = 0
    reports: list[ValidationReport] = field(default_factory=list)  # with validate: entities, then each shard


def link_shards(shards: Shards) -> Linking:
    return link_names(shards.name_records)


def _read_lines(path: Path) -> list[str]:
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="\n") as fh:
        return [line for line in fh if line.strip()]


def _rewrite(path: Path, lines: list[str]) -> Change:
    """Write ``lines`` (sorted, distinct) to ``path`` and return the difference to what it held."""
    existed = path.is_file()
    old = set(_read_lines(path))
    with atomic_write(path) as fh:
        fh.writelines(lines)
    if not existed:
        return Change(path, new_file=True, n_added=len(lines))
    new = set(lines)
    added = sorted(new - old)
    return Change(path, sorted(old - new), added, n_added=len(added))


#: What the work on one shard gives: its sorted triples, their tally, and the shapes' report on them (None
#: when not validating).
ShardResult = tuple[list[str], dict[str, Any], "ValidationReport | None"]
#: Runs a :class:`ShardWork` over shard jobs, yielding the results in order: in this process, a process pool
#: (``--processes``) or Dask workers (``--scheduler``). A job is (shard name, the shard's records text).
ShardMap = Callable[[Iterable[tuple[str, str]]], Iterator[ShardResult]]


def run_shard(work: ShardWork, records_text: str) -> ShardResult:
    """``work(records_text)``: a module-level function, for task schedulers that pickle by reference."""
    return work(records_text)


def shard_lines(records_text: str, linking: Linking) -> list[str]:
    """The sorted, distinct triples of one shard's records (JSON Lines text), given the linking tables."""
    from kg.model import Extraction

    lines: set[str] = set()
    for raw in records_text.splitlines():
        if raw.strip():
            lines.update(paper_lines(Extraction.from_dict(json.loads(raw)), linking))
    return sorted(lines)


class ShardWork:
    """What writes (and checks) one shard, wherever it runs: the linking tables and whether to validate.

    Sent once to each worker (a forked pool inherits it; Dask gets it by ``scatter``), then called with one
    shard's records text at a time.
    """

    def __init__(self, linking: Linking, validate: bool = False) -> None:
        self.linking = linking
        self.validate = validate
        self._by_iri: dict[str, CanonicalEntity] | None = None

    def __call__(self, records_text: str) -> ShardResult:
        lines = shard_lines(records_text, self.linking)
        return lines, tally(lines), self.check(lines) if self.validate else None

    def check(self, lines: list[str]) -> ValidationReport:
        """The shapes, as SPARQL (:func:`kg.checks.check_store`), over one shard's triples plus the
        descriptions of the entities they point to: every shape is about one node and its direct neighbours,
        and a paper's nodes are all in its shard, so this is the answer a check of the whole graph gives for
        them (DESIGN.md section 5: SHACL per shard, never over the whole graph). Memory: one shard."""
        import pyoxigraph as ox

        from kg.checks import check_store

        if self._by_iri is None:
            self._by_iri = {entity_node(e): e for e in self.linking.entities.values()}
        named = {rest[:-3] for line in lines for rest in (line.split(" ", 2)[2],) if rest[:-3] in self._by_iri}
        store = ox.Store()
        text = "".join(lines) + "".join(line for iri in sorted(named) for line in entity_lines(self._by_iri[iri]))
        store.load(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
        return check_store(store)


_REL = {kg(r): r for r in PAPER_RELATIONS}
_PROPOSES, _BEATS, _CLAIMS, _WINNER, _LOSER = (kg(t) for t in ("proposes", "beats", "claims", "winner", "loser"))
_PAPER_CLASS = "a " + kg("Paper")  # how a tally counts the papers (see graph_counts)
_METHOD_IRI = "<" + str(entity_iri(EntityType.METHOD, "x"))[: -len("x")]


def tally(lines: Iterable[str]) -> dict[str, Any]:
    """What the graph counts and the entity-level views need of a set of triples, counted in one pass.

    ``counts``: triples per predicate and per class (:func:`graph_counts`); ``named``: distinct papers
    naming each entity through a paper relation; ``edges``: paper → entity edges per entity (the explorer's
    ranking of entities); ``papers``: each paper's edges per entity (its ranking of papers); ``co_usage``:
    (a, b, papers naming both) with a < b; ``beats``: (winner, loser, papers), as
    :func:`kg.analytics.beats_graph` counts them (comparison claims; a paper without any: its proposed
    methods × what it beats). The same numbers as the SPARQL aggregates of :mod:`kg.views`, made while the
    triples are in hand, so a build past its size bound sums small per-shard tallies instead of scanning
    the store; a paper's triples are all in its shard, so the tallies of shards add up.
    """
    counts: Counter[str] = Counter()
    by_paper: dict[str, set[str]] = defaultdict(set)
    edges: Counter[str] = Counter()
    per_paper: dict[str, Counter[str]] = defaultdict(Counter)
    proposed: dict[str, set[str]] = defaultdict(set)
    beaten: dict[str, set[str]] = defaultdict(set)
    claims: dict[str, list[str]] = defaultdict(list)
    winner: dict[str, str] = {}
    loser: dict[str, str] = {}
    for line in lines:
        subj, pred, rest = line.split(" ", 2)
        obj = rest[:-3]
        counts["a " + obj if pred == TYPE else pred] += 1
        if pred in _REL:
            by_paper[subj].add(obj)
            edges[obj] += 1
            per_paper[subj][obj] += 1
            if pred == _PROPOSES and obj.startswith(_METHOD_IRI):
                proposed[subj].add(obj)
            elif pred == _BEATS:
                beaten[subj].add(obj)
        elif pred == _CLAIMS:
            claims[subj].append(obj)
        elif pred == _WINNER:
            winner[subj] = obj
        elif pred == _LOSER:
            loser[subj] = obj
    named: Counter[str] = Counter(e for ents in by_paper.values() for e in ents)
    # pairs ordered as SPARQL's STR(?a) < STR(?b): by the IRI text, without the N-Triples brackets (with them,
    # "<…cifar-100>" would sort before "<…cifar-10>")
    co: Counter[tuple[str, str]] = Counter(
        pair for ents in by_paper.values() for pair in combinations(sorted(ents, key=lambda e: e[1:-1]), 2))
    beats: Counter[tuple[str, str]] = Counter()
    for paper in set(by_paper) | set(claims):
        if claims.get(paper):
            pairs = {(winner[c], loser[c]) for c in claims[paper] if c in winner and c in loser}
        else:
            pairs = {(w, lo) for w in proposed.get(paper, ()) for lo in beaten.get(paper, ())}
        beats.update(pair for pair in pairs if pair[0] != pair[1])
    strip = lambda term: term[1:-1]  # noqa: E731 - "<iri>" → "iri"
    return {"counts": dict(counts), "named": {strip(e): n for e, n in named.items()},
            "edges": {strip(e): n for e, n in edges.items()},
            "co_usage": sorted([strip(a), strip(b), n] for (a, b), n in co.items()),
            "beats": sorted([strip(w), strip(lo), n] for (w, lo), n in beats.items()),
            "papers": {strip(p): {strip(e): n for e, n in ents.items()} for p, ents in per_paper.items()}}


def add_tallies(tallies: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The tally of the union of disjoint sets of triples (shards: each paper's triples are in one), without
    the per-paper edges (``papers``): those grow with the corpus; :func:`paper_edges` streams them."""
    counts: Counter[str] = Counter()
    named: Counter[str] = Counter()
    edges: Counter[str] = Counter()
    co: Counter[tuple[str, str]] = Counter()
    beats: Counter[tuple[str, str]] = Counter()
    for t in tallies:
        counts.update(t["counts"])
        named.update(t["named"])
        edges.update(t["edges"])
        co.update({(a, b): n for a, b, n in t["co_usage"]})
        beats.update({(w, lo): n for w, lo, n in t["beats"]})
    return {"counts": dict(counts), "named": dict(named), "edges": dict(edges),
            "co_usage": sorted([a, b, n] for (a, b), n in co.items()),
            "beats": sorted([w, lo, n] for (w, lo), n in beats.items())}


def local_map(work: ShardWork) -> ShardMap:
    def run(jobs: Iterable[tuple[str, str]]) -> Iterator[ShardResult]:
        for _, text in jobs:
            yield work(text)
    return run


_POOL_WORK: ShardWork | None = None


def _pool_job(text: str) -> ShardResult:
    assert _POOL_WORK is not None
    return _POOL_WORK(text)


@contextmanager
def process_map(work: ShardWork, processes: int) -> Iterator[ShardMap]:
    """A :data:`ShardMap` over ``processes`` forked worker processes, which inherit ``work`` (the linking
    tables): nothing is pickled but each shard's records text and what comes back."""
    import multiprocessing as mp

    global _POOL_WORK
    _POOL_WORK = work
    with mp.get_context("fork").Pool(processes) as pool:
        def run(jobs: Iterable[tuple[str, str]]) -> Iterator[ShardResult]:
            return windowed(lambda job: pool.apply_async(_pool_job, (job[1],)).get, jobs, 2 * processes)
        yield run


def render(shards: Shards, linking: Linking, dirty: Iterable[str] = (), shard_map: ShardMap | None = None,
           validate: bool = False) -> Rendered:
    """Write the triples files that are missing or out of date (see module docstring); ``dirty`` shards
    (new or changed records) are always written. ``shard_map`` runs the shards' rendering elsewhere (made
    for a :class:`ShardWork` of the same ``linking`` and ``validate``). With ``validate``, ``report`` holds
    the shapes' answer for the entities and for every shard written now (the others were checked when they
    were written)."""
    out = Rendered()
    described = sorted(set(linking_lines(linking)))
    if validate:  # the entities' own shapes (an entity no paper's triple points to is checked only here)
        out.reports.append(ShardWork(linking, True).check(described))
    change = _rewrite(shards.entities_path, described)
    if not change.empty:
        out.changes.append(change)
    dirty = set(dirty)
    todo: list[tuple[str, str]] = []  # (shard, signature)
    for shard in shards.names():
        sig = resolution_signature(shards.paper_names(shard), linking)
        nt, sig_path = shards.nt_path(shard), shards.sig_path(shard)
        current = sig_path.is_file() and nt.is_file() and sig_path.read_text(encoding="utf-8").strip() == sig
        if not current or shard in dirty:
            todo.append((shard, sig))
    if not todo:
        return out

    def jobs() -> Iterator[tuple[str, str]]:  # read one shard at a time: the map pulls them as it goes
        for shard, _ in todo:
            yield shard, shards.records_path(shard).read_text(encoding="utf-8")

    results = (shard_map or local_map(ShardWork(linking, validate)))(jobs())
    for (shard, sig), (lines, counted, checked) in zip(todo, results, strict=True):
        if checked is not None:
            out.reports.append(checked)
        change = _rewrite(shards.nt_path(shard), lines)
        _write_tally(shards.tally_path(shard), counted)
        with atomic_write(shards.sig_path(shard)) as fh:  # last: a shard with this signature is complete
            fh.write(sig + "\n")
        out.shards_written.append(shard)
        out.papers_written += counted["counts"].get(_PAPER_CLASS, 0)
        if not change.empty:
            out.changes.append(change)
    return out


_TALLY_KEYS = frozenset({"counts", "named", "edges", "co_usage", "beats", "papers"})


def graph_tally(shards: Shards) -> dict[str, Any]:
    """The tally of the whole graph: the entities file's and every shard's (each read from its tally file,
    made again from its triples if it is missing). Costs the size of the tallies, not of the graph."""
    def shard_tallies() -> Iterator[dict[str, Any]]:
        yield tally(_read_lines(shards.entities_path))
        for shard in shards.names():
            yield shard_tally(shards, shard)
    return add_tallies(shard_tallies())


def shard_tally(shards: Shards, shard: str) -> dict[str, Any]:
    """One shard's tally, from its tally file; made again from its triples (and written) when the file is
    missing or was written by a version that counted less."""
    path = shards.tally_path(shard)
    counted = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    if not _TALLY_KEYS <= counted.keys():
        counted = tally(_read_lines(shards.nt_path(shard)))
        _write_tally(path, counted)
    return counted


def _write_tally(path: Path, counted: dict[str, Any]) -> None:
    with atomic_write(path) as fh:
        json.dump(counted, fh, ensure_ascii=False)


def paper_edges(shards: Shards) -> Iterator[tuple[str, dict[str, int]]]:
    """Every paper's edges per entity (paper IRI, {entity IRI: edges}), shard by shard from the tallies:
    what ranks the papers of the explorer page, read as a stream so a build never holds an entry per paper
    (about 1 KB each)."""
    for shard in shards.names():
        yield from shard_tally(shards, shard)["papers"].items()


def merge_ntriples(shards: Shards, path: Path) -> Path:
    """``graph.nt``: the sorted merge of the entities file and every shard's sorted triples (streaming)."""
    files = [shards.entities_path, *(shards.nt_path(s) for s in shards.names())]
    with ExitStack() as stack, atomic_write(path) as out:
        streams = [stack.enter_context(f.open(encoding="utf-8", newline="\n")) for f in files if f.is_file()]
        out.writelines(heapq.merge(*streams))
    return path


def graph_counts(counts: Counter[str]) -> dict[str, int]:
    """The counts of :meth:`kg.graph.KnowledgeGraph.summary`, from a :func:`tally`'s ``counts``."""
    out = {"papers": counts[_PAPER_CLASS]}
    for et in EntityType:
        n = counts["a " + kg(et.value)]
        if et is EntityType.DATASET:  # benchmarks are typed kg:Dataset too; the summary counts them apart
            n -= counts["a " + kg(EntityType.BENCHMARK.value)]
        out[f"entities: {et.value}"] = n
    out["results"] = counts["a " + kg("Result")]
    out["comparisons"] = counts["a " + kg("Comparison")]
    for rel in PAPER_RELATIONS:
        out[f"edges: {rel}"] = counts[kg(rel)]
    out["edges: related"] = counts[RELATED]
    return out


#: Compact the store (RocksDB compaction: pyoxigraph's ``Store.optimize``) after it is loaded, and after
#: incremental changes once the triples changed since the last compaction reach this share of the store.
#: Why: a bulk-loaded store is left in many overlapping files, and every lookup a query makes pays for
#: them: on the 100k store the slowest library query took 1.16 s before and 0.75 s after (compacting it:
#: 6 s). Small additions would each rewrite the whole store if they compacted it, so they wait their turn.
OPTIMIZE_AFTER = 0.10


def update_store(store_dir: Path, rendered: Rendered, sources: list[Path], *, incremental: bool,
                 held_before: int = 0, changed_before: int = 0) -> dict[str, int]:
    """Bring the store to the triples of the N-Triples files ``sources``: by the changes of this build when
    ``incremental`` (the store holds the previous build exactly: ``held_before`` triples), else by loading
    them into an empty store.

    After changes the count is ``held_before`` + added - removed, not ``len(store)``: counting is a scan of
    the whole store (1.2 s at 100k papers, most of what adding a few papers costs the store). The files hold
    each triple once, so the sum is exact; were it ever not, the next build's check of the store against
    the manifest's count would find the difference and load the store again. ``changed_before``: triples
    added or removed since the store was last compacted (see :data:`OPTIMIZE_AFTER`)."""
    import pyoxigraph as ox

    nt = ox.RdfFormat.N_TRIPLES
    if not incremental:
        if store_dir.exists():
            shutil.rmtree(store_dir)
        store = ox.Store(str(store_dir))
        for source in sources:
            if source.is_file():
                store.bulk_load(path=str(source), format=nt)
        store.flush()
        store.optimize()
        held = len(store)
        del store
        return {"triples": held, "added": held, "removed": 0, "reloaded": 1, "changed_since_optimize": 0}
    store = ox.Store(str(store_dir))
    added = removed = 0
    for change in rendered.changes:
        if change.removed:
            for quad in ox.parse("".join(change.removed).encode("utf-8"), format=nt):
                store.remove(quad)
            removed += len(change.removed)
        if change.new_file:
            store.bulk_load(path=str(change.path), format=nt)
        elif change.added:
            store.extend(ox.parse("".join(change.added).encode("utf-8"), format=nt))
        added += change.n_added
    store.flush()
    held = held_before + added - removed
    changed = changed_before + added + removed
    if changed > OPTIMIZE_AFTER * held:
        store.optimize()
        changed = 0
    del store
    return {"triples": held, "added": added, "removed": removed, "reloaded": 0, "changed_since_optimize": changed}
