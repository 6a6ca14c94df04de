"""Issue 11: the streaming writer, name-level linking, sharded records and the incremental build.

The reference triples (``tests/data/triples/expected.nt``) were written by the previous implementation
(networkx graph → rdflib graph → sorted N-Triples, commit ea54356) from ``records.jsonl``: 23 sample papers
chosen for comparisons, deltas relative to a baseline, benchmarks, acronym definitions and an acronym defined
two ways. The streaming writer must give the same text, byte for byte.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

import kg.shards
from kg.assemble import graph_counts, graph_tally, merge_ntriples
from kg.cli import app
from kg.extract import extract_papers
from kg.graph import KnowledgeGraph
from kg.link import link, link_names, name_records
from kg.manifest import read_manifest
from kg.pipeline import build, read_extractions
from kg.shards import Shards
from kg.triples import graph_lines

DATA = Path(__file__).parent / "data"
TRIPLES = DATA / "triples"


@pytest.fixture(scope="module")
def records():
    return read_extractions(TRIPLES / "records.jsonl")


def _store_triples(path: Path) -> set[ox.Triple]:
    store = ox.Store.read_only(str(path))
    return {q.triple for q in store}


def _loaded(nt: Path) -> set[ox.Triple]:
    fresh = ox.Store()
    fresh.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
    return {q.triple for q in fresh}


def test_streaming_writer_gives_the_previous_implementations_triples(records):
    text = "".join(sorted(set(graph_lines(records, link(records)))))
    assert text == (TRIPLES / "expected.nt").read_text(encoding="utf-8")


def test_linking_from_names_alone_equals_linking_from_records(records):
    full = link(records)
    by_names = link_names(lambda: (rec for ex in reversed(records) for rec in name_records(ex)))
    assert {k: (e.label, e.alt_labels, e.type, e.papers) for k, e in full.entities.items()} == {
        k: (e.label, e.alt_labels, e.type, e.papers) for k, e in by_names.entities.items()}
    assert full.related == by_names.related
    for ex in records:  # no per-mention table needed: every entity resolves through its names
        for rec in name_records(ex):
            assert by_names.resolve(rec) == full.members[(rec.paper, rec.key)]


def test_merged_file_and_tallied_counts_equal_the_previous_output_and_the_networkx_summary(records, tmp_path):
    shards = Shards(tmp_path)
    shards.write("part-00000", records[:10])
    shards.write("part-00001", records[10:])
    from kg.assemble import render

    rendered = render(shards, link_names(shards.name_records), dirty=shards.names())
    # new files keep only their number of lines (the store bulk-loads them from the file): a big build does
    # not hold its triples in memory
    written = [c for c in rendered.changes if c.path.name.startswith("part-")]
    assert len(written) == 2 and all(c.new_file and not c.added and not c.removed for c in written)
    assert [c.n_added for c in written] == [len(shards.nt_path(s).read_text().splitlines()) for s in shards.names()]
    assert rendered.papers_written == len(records)
    merge_ntriples(shards, tmp_path / "graph.nt")
    assert (tmp_path / "graph.nt").read_text(encoding="utf-8") == (TRIPLES / "expected.nt").read_text(encoding="utf-8")
    counts = Counter(graph_tally(shards)["counts"])
    assert graph_counts(counts) == KnowledgeGraph.from_extractions(records).summary()


def _papers(path: Path, records, ids) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for ex in records:
            if ex.paper.id in ids:
                fh.write(json.dumps(ex.paper.to_dict(), ensure_ascii=False) + "\n")
    return path


@pytest.fixture
def small_shards(monkeypatch):
    monkeypatch.setattr(kg.shards, "SHARD_PAPERS", 4)


def test_adding_papers_equals_building_them_all_at_once(records, tmp_path, small_shards):
    ids = sorted(ex.paper.id for ex in records)
    first, second = set(ids[::2]), set(ids[1::2])
    a, b = _papers(tmp_path / "a.jsonl", records, first), _papers(tmp_path / "b.jsonl", records, second)

    step = tmp_path / "step"
    s1 = build([a], step, validate=False)
    s2 = build([b], step, validate=False)
    assert (s1.papers_extracted, s2.papers_extracted, s2.papers_cached) == (len(first), len(second), len(first))
    assert s2.store["reloaded"] == 0 and s2.store["added"] > 0  # the store was changed, not reloaded

    once = tmp_path / "once"
    s_once = build([a, b], once, validate=False)
    # same papers → same graph.nt, byte for byte, whatever the shard layout; the store holds exactly it
    assert (step / "graph.nt").read_bytes() == (once / "graph.nt").read_bytes()
    assert len(Shards(step).names()) > len(Shards(once).names()) - 1
    assert _store_triples(step / "store") == _loaded(step / "graph.nt")
    # the incremental count (before + added - removed, no scan) is the store's true size
    assert s2.store["triples"] == len(_store_triples(step / "store")) == read_manifest(step)["store"]["triples"]
    # the counts are those of the graph the same papers make in memory (extracted now: the stored records
    # are an older extractor's, and the rules change what they find)
    fresh = list(extract_papers([ex.paper for ex in records]))
    assert s2.graph_counts == s_once.graph_counts == KnowledgeGraph.from_extractions(fresh).summary()


def test_unchanged_shards_are_not_rewritten(records, tmp_path, small_shards):
    ids = sorted(ex.paper.id for ex in records)
    out = tmp_path / "out"
    build([_papers(tmp_path / "a.jsonl", records, set(ids[:-1]))], out, validate=False)
    before = {p.name: p.stat().st_mtime_ns for p in (out / "triples").glob("part-*.nt")}
    build([_papers(tmp_path / "b.jsonl", records, {ids[-1]})], out, validate=False)
    after = {p.name: p.stat().st_mtime_ns for p in (out / "triples").glob("part-*.nt")}
    rewritten = sorted(n for n in before if after[n] != before[n])
    assert len(after) == len(before) + 1
    # only shards naming an entity whose canonical key or label the new paper changed are written again
    assert len(rewritten) < len(before), rewritten


def test_an_edited_shard_is_read_again_and_a_bad_line_is_a_counted_skip(records, tmp_path):
    out = tmp_path / "out"
    papers = _papers(tmp_path / "a.jsonl", records, {ex.paper.id for ex in records[:3]})
    build([papers], out, validate=False)
    shard = Shards(out).records_path("part-00000")
    shard.write_text(shard.read_text(encoding="utf-8") + '{"paper": {"id": ""}}\n', encoding="utf-8")
    summary = build([papers], out, validate=False)
    assert summary.cache_skipped == 1 and summary.papers_total == 3
    assert _store_triples(out / "store") == _loaded(out / "graph.nt")


def test_a_graph_past_the_bound_gets_views_not_full_exports(records, tmp_path):
    out = tmp_path / "out"
    papers = _papers(tmp_path / "a.jsonl", records, {ex.paper.id for ex in records[:6]})
    small = build([papers], out, validate=False)
    assert (out / "graph.graphml").is_file() and not (out / "entities.graphml").exists()
    summary = build([papers], out, full_exports_up_to=5, fresh=True)
    assert summary.conforms is True  # checked by the SPARQL form of the shapes in the store
    assert (out / "store").is_dir() and (out / "triples" / "part-00000.nt").is_file()
    for name in ("graph.jsonld", "graph.ttl", "graph.graphml", "nodes.csv"):  # the small build's: removed
        assert not (out / name).exists(), name
    assert summary.papers_total == small.papers_total == 6
    assert "--full-exports-up-to 5" in summary.views[0] and "kg export" in summary.views[0]
    assert not (out / "graph.nt").exists()  # the shard files are the N-Triples; counts come from their tallies
    assert summary.graph_counts == small.graph_counts
    # the entity-level GraphML from the tallies equals the projection Oxigraph aggregates from the store
    from kg.store import Store
    from kg.views import entity_projection

    with Store.open_read_only(out / "store") as st:
        from_store = entity_projection(st)
    from_tallies = nx.read_graphml(out / "entities.graphml", force_multigraph=True)
    assert {n: (d["type"], d["label"], d["n_papers"]) for n, d in from_tallies.nodes(data=True)} == {
        n: (d["type"], d["label"], d["n_papers"]) for n, d in from_store.nodes(data=True)}
    assert sorted((u, v, k, d["weight"]) for u, v, k, d in from_tallies.edges(keys=True, data=True)) == sorted(
        (u, v, k, d["weight"]) for u, v, k, d in from_store.edges(keys=True, data=True))
    # kg export joins the shards for the paper-level RDF on request
    res = CliRunner().invoke(app, ["export", str(out), "-f", "ntriples", "-f", "turtle"])
    assert res.exit_code == 0, res.output
    assert _loaded(out / "graph.nt") == _store_triples(out / "store")
    entities = nx.read_graphml(out / "entities.graphml")
    assert {d["type"] for _, d in entities.nodes(data=True)} <= {"Method", "Dataset", "Benchmark", "Metric", "Task"}
    assert len(entities) == small.graph_counts["entities: Method"] + sum(
        v for k, v in small.graph_counts.items() if k.startswith("entities: ") and k != "entities: Method")
    page = (out / "graph.html").read_text(encoding="utf-8")
    assert "entities.graphml" in page or "6 papers" in page


def test_unchanged_inputs_are_not_even_parsed(records, tmp_path):
    out = tmp_path / "out"
    src = _papers(tmp_path / "a.jsonl", records, {ex.paper.id for ex in records[:2]})
    first = build([src], out, validate=False)
    assert first.papers_read == 2 and not first.up_to_date
    src.write_bytes(src.read_bytes())  # rewritten with the same bytes: the same input
    again = build([src], out, validate=False)
    assert again.up_to_date and again.papers_read == 0 and again.papers_total == 2  # decided by content hash
    copy = tmp_path / "copy.jsonl"
    copy.write_bytes(src.read_bytes())
    other = build([copy], out, validate=False)  # another file: parsed, found to add nothing
    assert other.up_to_date and other.papers_read == 2
    assert build([copy], out, validate=False).papers_read == 0  # and now known
    src.write_text(src.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # changed bytes: parsed again
    assert build([src], out, validate=False).papers_read == 2


def test_tallies_of_the_sample_give_the_stores_projection_and_ranking(sample_build):
    """The per-shard tallies count what the SPARQL aggregates of kg.views count, on the whole sample."""
    from kg.assemble import graph_tally
    from kg.store import Store
    from kg.views import entity_projection, projection_graph

    out, summary = sample_build
    whole = graph_tally(Shards(out))
    assert graph_counts(Counter(whole["counts"])) == summary.graph_counts
    with Store.open_read_only(out / "store") as st:
        from_store = entity_projection(st)
    entities = {n: (d["type"], d["label"]) for n, d in from_store.nodes(data=True)}
    from_tallies = projection_graph(entities, whole["named"], map(tuple, whole["co_usage"]), map(tuple, whole["beats"]))
    assert dict(from_tallies.nodes(data=True)) == dict(from_store.nodes(data=True))
    assert sorted(from_tallies.edges(keys=True, data=True)) == sorted(from_store.edges(keys=True, data=True))


def test_a_shard_is_checked_with_the_entities_it_names_and_a_violation_names_its_paper(records):
    from kg.assemble import ShardWork, shard_lines
    from kg.vocab import paper_iri

    linking = link(records)
    text = "".join(json.dumps(ex.to_dict()) + "\n" for ex in records[:5])
    lines = shard_lines(text, linking)
    work = ShardWork(linking, validate=True)
    assert work.check(lines).conforms  # the entities it points to come with it (sh:class needs their types)
    victim = records[2].paper
    broken = [x for x in lines if not x.startswith(f"<{paper_iri(victim.id)}> <http://purl.org/dc/terms/title>")]
    report = work.check(broken)
    assert not report.conforms and report.papers == (victim.id,)


def test_a_page_ranked_from_tallies_equals_the_page_ranked_by_the_store(sample_build):
    """The explorer page of a build past its bound ranks entities and papers from the tallies: same page."""
    from kg.assemble import graph_tally, link_shards, paper_edges
    from kg.export.html import explorer_data
    from kg.store import Store
    from kg.triples import entity_node
    from kg.views import top_view

    out, _ = sample_build
    whole = graph_tally(Shards(out))
    iris = [entity_node(e)[1:-1] for e in link_shards(Shards(out)).entities.values()]
    ranking = [(i, whole["edges"].get(i, 0), whole["named"].get(i, 0)) for i in iris]
    with Store.open_read_only(out / "store") as st:
        for bounds in ((40, 60), (300, 150)):
            by_store = top_view(st, *bounds)
            by_tally = top_view(st, *bounds, ranking=ranking, paper_edges=paper_edges(Shards(out)))
            assert explorer_data(by_tally) == explorer_data(by_store), bounds


def test_records_of_another_extractor_version_are_extracted_again(records, tmp_path):
    """A rule change makes cached records stale: their papers are extracted again, given again or not."""
    out = tmp_path / "out"
    papers = _papers(tmp_path / "a.jsonl", records, {ex.paper.id for ex in records[:3]})
    build([papers], out, validate=False)
    shard = Shards(out).records_path("part-00000")
    old = [json.loads(x) for x in shard.read_text(encoding="utf-8").splitlines()]
    shard.write_text("".join(json.dumps({**r, "extractor": "paperkg-rules/0.0.1"}) + "\n" for r in old),
                     encoding="utf-8")
    again = build([_papers(tmp_path / "b.jsonl", records, {records[0].paper.id})], out, validate=False)
    assert again.papers_extracted == 3 and again.papers_total == 3  # two of them were not given this time
    index = Shards(out).index()
    assert len(index) == 3 and {ex for _, ex in index.values()} == {old[0]["extractor"]}
    assert _store_triples(out / "store") == _loaded(out / "graph.nt")


@pytest.mark.parametrize("text", ["ResNet-50", "BERT_base", "  GPT--4 ", "Café au lait", "Ångström-Net",
                                  "ﬁne-tuning", "x" * 80, "!!!", "", "İstanbul NLP", "Straße"])
def test_slug_fast_ascii_path_equals_the_unicode_folding(text):
    """slug() skips Unicode folding for ASCII text (cached as well): the same IRIs as folding everything."""
    import hashlib
    import re
    import unicodedata

    from kg.vocab import slug

    folded = unicodedata.normalize("NFKD", text.casefold())
    s = re.sub(r"[^0-9a-z]+", "-", "".join(c for c in folded if not unicodedata.combining(c))).strip("-")
    if not s:
        expected = "x" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]
    elif len(s) > 60:
        expected = s[:60].rstrip("-") + "-" + hashlib.sha1(s.encode("utf-8")).hexdigest()[:8]
    else:
        expected = s
    assert slug(text) == expected


def test_the_store_is_compacted_after_a_load_and_once_enough_has_changed(records, tmp_path, small_shards, monkeypatch):
    """A loaded store is compacted at once; incremental changes add up in the manifest until they reach
    OPTIMIZE_AFTER of the store, then it is compacted again (queries on the 100k store: 1.16 -> 0.75 s)."""
    import kg.assemble

    ids = sorted(ex.paper.id for ex in records)
    out = tmp_path / "out"
    first = build([_papers(tmp_path / "a.jsonl", records, set(ids[:-2]))], out, validate=False)
    assert first.store["reloaded"] == 1 and read_manifest(out)["store"]["changed_since_optimize"] == 0

    monkeypatch.setattr(kg.assemble, "OPTIMIZE_AFTER", 10.0)  # never: the changes add up
    second = build([_papers(tmp_path / "b.jsonl", records, {ids[-2]})], out, validate=False)
    changed = second.store["added"] + second.store["removed"]
    assert second.store["reloaded"] == 0 and changed > 0
    assert read_manifest(out)["store"]["changed_since_optimize"] == changed

    monkeypatch.setattr(kg.assemble, "OPTIMIZE_AFTER", 0.0)  # at once
    third = build([_papers(tmp_path / "c.jsonl", records, {ids[-1]})], out, validate=False)
    assert third.store["reloaded"] == 0 and read_manifest(out)["store"]["changed_since_optimize"] == 0
    assert _store_triples(out / "store") == _loaded_files(out)


def _loaded_files(out: Path) -> set[ox.Triple]:
    fresh = ox.Store()
    for path in sorted((out / "triples").glob("*.nt")):
        fresh.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES)
    return {q.triple for q in fresh}
