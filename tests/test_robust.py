"""Issue 9: hostile input, pathological text, concurrent and interrupted builds. Each test names its defect."""

from __future__ import annotations

import csv
import io
import json
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from graph_fixtures import record_lines
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import LockedError
from kg.io import XML_UNSAFE, clean_stale_temporaries, xml_safe
from kg.model import Paper, SkipReport
from kg.pipeline import EXTRACTIONS_FILE, build
from kg.sources import read_corpus, read_papers
from kg.sources.text import paper_id, title_key, valid_iri

ABSTRACT = "We propose FooNet, a detector that outperforms BarNet on COCO with 41.2% mAP and runs 2x faster."


def _jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- defect 7: JSONL line splitting
@pytest.mark.parametrize("sep", ["\u2028", "\u2029", "\u0085", "\x0c", "\x1c", "\x1d", "\x1e"])
def test_jsonl_lines_split_on_newline_only(tmp_path, sep):
    rows = [{"title": f"Paper {i} {sep} title", "abstract": f"{ABSTRACT} {sep} more text {i}."} for i in range(8)]
    path = tmp_path / "p.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    report = SkipReport()
    papers = list(read_papers(path, report=report))
    assert len(papers) == 8 and (report.read, report.skipped) == (8, 0)
    assert [p.source for p in papers] == [f"p.jsonl:{i}" for i in range(1, 9)]


# --------------------------------------------------------------------------- defect 6: Unicode-aware ids
@pytest.mark.parametrize(
    ("titles", "distinct"),
    [
        (["深度学习用于图像分类", "基于Transformer的机器翻译", "Нейронные сети для перевода"], 3),
        (["Нейронные Сети", "нейронные  сети", "НЕЙРОННЫЕ-СЕТИ"], 1),  # case and punctuation still fold
        (["Ｆｕｌｌｗｉｄｔｈ Net", "Fullwidth Net"], 1),  # NFKC: compatibility forms are one title
        (["Café Net", "Cafe Net"], 1),  # accents fold, as before
    ],
)
def test_non_latin_titles_keep_distinct_ids(tmp_path, titles, distinct):
    rows = [{"title": t, "abstract": f"{ABSTRACT} Variant {i}."} for i, t in enumerate(titles)]
    papers = read_corpus([_jsonl(tmp_path / "p.jsonl", rows)])
    assert len(papers) == distinct
    assert all(title_key(t) for t in titles)


def test_title_without_letters_takes_its_id_from_the_abstract():
    assert title_key("???") == ""
    assert paper_id("???", None, "first abstract") != paper_id("???", None, "second abstract")
    assert paper_id("!!!", None, "same") == paper_id("...", None, "same")


# --------------------------------------------------------------------------- defect 4: field schema
@pytest.mark.parametrize(
    ("extra", "expect"),
    [
        ({"arxiv_id": 2406.01234}, {"id": "arxiv:2406.01234", "arxiv_id": "2406.01234"}),
        ({"url": 12345}, {"url": None}),
        ({"url": "a b"}, {"url": None}),
        ({"url": "x"}, {"url": None}),
        ({"url": "https://arxiv.org/abs/2401.00001v2"}, {"url": "https://arxiv.org/abs/2401.00001v2",
                                                        "id": "arxiv:2401.00001"}),
        ({"id": "2406.01234"}, {"id": "arxiv:2406.01234"}),  # issue 10: an arXiv id given as the id
        ({"id": {"nested": 1}}, {}),
        ({"authors": [1, None, {"name": "Ada \ud800Lovelace"}, ["x"]]}, {"authors": ("1", "Ada Lovelace")}),
        ({"authors": "A. One;\ud800B. Two"}, {"authors": ("A. One", "B. Two")}),
        ({"date": ["2024"]}, {"date": None}),
        ({"date": True}, {"date": None}),
    ],
)
def test_record_fields_validated_at_the_source(tmp_path, extra, expect):
    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps({"title": "Typed \ud800Fields", "abstract": ABSTRACT + " \ud800\x01", **extra}) + "\n",
                    encoding="utf-8")
    report = SkipReport()
    [paper] = list(read_papers(path, report=report))
    assert paper.title == "Typed Fields" and not XML_UNSAFE.search(paper.abstract)
    for key, value in expect.items():
        assert getattr(paper, key) == value, key
    assert paper.url is None or valid_iri(paper.url) == paper.url


@pytest.mark.parametrize("title", [12, None, ["a"], {"a": 1}, True])
def test_record_with_non_text_title_is_a_counted_skip(tmp_path, title):
    rows = [{"title": title, "abstract": ABSTRACT}, {"title": "Fine", "abstract": ABSTRACT}]
    path = _jsonl(tmp_path / "p.jsonl", rows)
    report = SkipReport()
    papers = list(read_papers(path, report=report))
    assert [p.title for p in papers] == ["Fine"] and (report.read, report.skipped) == (2, 1)


def test_poison_records_build_and_leave_no_poison(tmp_path):
    """The records that aborted `kg build` (or poisoned its output directory) now build, twice."""
    rows = [
        {"title": "Numeric Ids", "abstract": ABSTRACT, "arxiv_id": 2406.01234, "url": 7},
        {"title": "Bad Url One", "abstract": ABSTRACT + " One.", "url": "a b"},
        {"title": "Bad Url Two", "abstract": ABSTRACT + " Two.", "url": "x"},
        {"title": "Surrogates \ud800", "abstract": ABSTRACT + " \udfff Three.", "authors": ["\ud83d"]},
        {"title": "Controls \x01\x02", "abstract": ABSTRACT + " \x00\x1f Four."},
    ]
    src = _jsonl(tmp_path / "poison.jsonl", rows)
    out = tmp_path / "out"
    runner = CliRunner()
    for _ in range(2):
        result = runner.invoke(app, ["build", str(src), "--out", str(out)])
        assert result.exit_code == 0, result.output
    records = [json.loads(x) for x in record_lines(out)]
    assert len(records) == 5
    assert all(r["paper"].get("url") in (None,) for r in records)
    _assert_outputs_parse(out)


# --------------------------------------------------------------------------- defect 8: XML-unsafe characters
def _assert_outputs_parse(out: Path) -> None:
    """Every output of a build parses with a standard reader; no file holds an XML-unsafe character."""
    import pyoxigraph as ox
    from rdflib import Graph

    ET.parse(out / "graph.graphml")  # well-formed XML or ParseError
    Graph().parse(out / "graph.ttl", format="turtle")
    triples = list(ox.parse(path=str(out / "graph.nt"), format=ox.RdfFormat.N_TRIPLES))
    assert len(triples) == sum(1 for line in (out / "graph.nt").open(encoding="utf-8") if line.strip())
    json.loads((out / "graph.jsonld").read_text(encoding="utf-8"))
    for name in ("nodes.csv", "edges.csv"):
        rows = list(csv.reader(io.StringIO((out / name).read_text(encoding="utf-8"), newline="")))
        assert rows and all(len(r) == len(rows[0]) for r in rows), name
    for name in ("graph.graphml", "graph.ttl", "graph.nt", "graph.jsonld", "nodes.csv", "edges.csv"):
        assert not XML_UNSAFE.search((out / name).read_text(encoding="utf-8")), name


@pytest.mark.parametrize("bad", ["\x01", "\x0b", "\x1f", "\ufffe", "\ud800", "\x00"])
def test_exports_are_well_formed_when_records_hold_unsafe_characters(tmp_path, bad):
    """Records made outside the readers (library users) may hold them: every writer strips them."""
    from graph_fixtures import lora_papers

    from kg.export import export_all
    from kg.graph import KnowledgeGraph

    records = lora_papers()
    dirty = [type(r)(paper=Paper(**{**{f: getattr(r.paper, f) for f in r.paper.__dataclass_fields__},
                                    "title": f"Dirty{bad}Title", "affiliation": f"Lab{bad}"}),
                     entities=r.entities, relations=r.relations, results=r.results, extractor=r.extractor)
             for r in records]
    graph = KnowledgeGraph.from_extractions(dirty)
    formats = ("turtle", "ntriples", "jsonld", "graphml", "csv-nodes", "csv-edges", "html")
    export_all(graph, tmp_path, formats)
    _assert_outputs_parse(tmp_path)
    assert not XML_UNSAFE.search((tmp_path / "graph.html").read_text(encoding="utf-8"))
    assert "DirtyTitle" in (tmp_path / "graph.graphml").read_text(encoding="utf-8")


def test_xml_safe_keeps_what_xml_allows():
    text = "tab\tnewline\ncr\r émoji 😀 rtl \u202e ok \u2028"
    assert xml_safe(text) == text
    assert xml_safe("a\x01b\ud800c\uffffd") == "abcd"


# --------------------------------------------------------------------------- defect 9: CSV field limit
def test_csv_field_over_the_default_limit_does_not_end_the_file(tmp_path):
    rows = [["title", "abstract"], ["First", ABSTRACT], ["Huge", "x" * 200_000], ["Third", ABSTRACT + " Third."]]
    path = tmp_path / "big.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    report = SkipReport()
    papers = list(read_papers(path, report=report))
    assert [p.title for p in papers] == ["First", "Third"]
    assert (report.read, report.skipped) == (3, 1)
    assert "abstract too long" in report.reasons[0][1]


# --------------------------------------------------------------------------- defect 5: pathological text
@pytest.mark.parametrize(
    "abstract",
    ["%" * 20_000, '"' * 20_000, "(" * 5_000 + ")" * 5_000, "\U0001F600" * 10_000, "ResNet/" * 2_800,
     "A. " * 6_000, "outperforms BERT and " * 900, "accuracy of 53.1% on ImageNet, " * 600, "'" * 20_000],
    ids=["percent", "quotes", "brackets", "emoji", "slashes", "initials", "beats", "values", "apostrophes"],
)
def test_pathological_abstracts_extract_with_exact_offsets(nlp, abstract):
    from kg.extract import extract_papers

    paper = Paper(id="t:x", title="Pathological", abstract=abstract)
    [record] = list(extract_papers([paper], nlp=nlp))
    for ent in record.entities:
        for m in ent.mentions:
            text = paper.text(m.evidence.section)
            assert 0 <= m.evidence.start < m.evidence.end <= len(text)


def test_paper_over_its_budget_is_skipped_and_counted(nlp):
    from kg.extract import extract_papers

    papers = [Paper(id="t:a", title="Slow", abstract="outperforms BERT and " * 900),
              Paper(id="t:b", title="Fast", abstract=ABSTRACT, source="b.jsonl:1")]
    report = SkipReport()
    got = list(extract_papers(papers, nlp=nlp, budget=1e-4, report=report))
    assert report.skipped >= 1 and "budget" in report.reasons[0][1]
    assert len(got) + report.skipped == 2


# --------------------------------------------------------------------------- defect 3: the build lock
PAPER_A = {"title": "LoRA-Drop: Pruning Low-Rank Adapters", "abstract": ABSTRACT.replace("FooNet", "LoRA-Drop")}
PAPER_B = {"title": "TinyViT-X: Small Vision Transformers", "abstract": ABSTRACT.replace("FooNet", "TinyViT-X")}


def test_no_wait_fails_clearly_while_another_build_holds_the_lock(tmp_path):
    from kg.lock import build_lock

    out = tmp_path / "out"
    src = _jsonl(tmp_path / "a.jsonl", [PAPER_A])
    with build_lock(out):
        result = CliRunner().invoke(app, ["build", str(src), "--out", str(out), "--no-wait"])
        assert result.exit_code == LockedError.exit_code == 3
        assert "being written by another kg build" in result.output
        with pytest.raises(LockedError):
            build([src], out, wait=False, store=False, validate=False)
    assert not (out / EXTRACTIONS_FILE).exists() and not (out / "records").exists()


def test_waiting_build_says_so_and_then_keeps_both_builds_papers(tmp_path):
    from kg.lock import build_lock

    out = tmp_path / "out"
    build([_jsonl(tmp_path / "a.jsonl", [PAPER_A])], out, store=False, validate=False)
    messages: list[str] = []
    held = threading.Event()

    def hold() -> None:
        with build_lock(out):
            held.set()
            time.sleep(1.0)

    t = threading.Thread(target=hold)
    t.start()
    held.wait()
    summary = build([_jsonl(tmp_path / "b.jsonl", [PAPER_B])], out, store=False, validate=False,
                    on_wait=messages.append)
    t.join()
    assert messages and "waiting for another kg build" in messages[0]
    assert summary.papers_total == 2


# --------------------------------------------------------------------------- defect 10: temporaries, manifest
def test_stale_temporaries_are_cleaned_and_the_manifest_describes_the_build(tmp_path):
    from kg.manifest import read_manifest, verify_build

    out = tmp_path / "out"
    out.mkdir()
    stale = out / ".graph.nt.abc123.tmp"
    stale.write_text("half a triple", encoding="utf-8")
    (out / "records").mkdir()
    stale_shard = out / "records" / ".part-00000.jsonl.abc123.tmp"
    stale_shard.write_text("half a record", encoding="utf-8")
    summary = build([_jsonl(tmp_path / "a.jsonl", [PAPER_A, PAPER_B])], out, validate=False)
    assert not stale.exists() and not stale_shard.exists()
    manifest = read_manifest(out)
    assert manifest is not None and manifest["status"] == "complete" and manifest["papers"] == 2
    assert manifest["files"]["records/part-00000.jsonl"]["records"] == 2
    assert manifest["files"]["graph.nt"]["triples"] == manifest["store"]["triples"] == summary.store["triples"]
    assert verify_build(out) == []
    (out / "graph.ttl").write_text("# truncated\n", encoding="utf-8")
    assert verify_build(out) == ["graph.ttl: changed since the build (size or SHA-256 differs)"]


def test_clean_stale_temporaries_leaves_other_files(tmp_path):
    for name in (".graph.nt.x1.tmp", ".nodes.csv.y.tmp", "graph.nt", "notes.tmp", ".hidden"):
        (tmp_path / name).write_text("x")
    removed = sorted(p.name for p in clean_stale_temporaries(tmp_path))
    assert removed == [".graph.nt.x1.tmp", ".nodes.csv.y.tmp"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".hidden", "graph.nt", "notes.tmp"]


# --------------------------------------------------------------------------- issue 10 (4): several inputs
def test_bad_file_among_several_inputs_is_a_counted_skip(tmp_path):
    good = _jsonl(tmp_path / "good.jsonl", [PAPER_A])
    binary = tmp_path / "blob.bin"
    binary.write_bytes(bytes(range(256)) * 8)
    report = SkipReport()
    papers = read_corpus([good, binary], report=report)
    assert [p.title for p in papers] == [PAPER_A["title"]]
    assert report.skipped == 1 and "blob.bin" in report.reasons[0][0]


def test_evidence_quotes_the_paper_verbatim_around_broken_chunks(nlp):
    """The pre-tokenizer breaks over-long chunks (a long URL) but evidence sentences stay as written."""
    from kg.extract import extract_papers

    url = "http://lmb.informatik.uni-freiburg.de/people/ronneberger/u-net/very/long/path/index.html"
    paper = Paper(id="t:u", title="U-Net", abstract=f"We propose U-Net, which outperforms SegNet on ISBI. "
                  f"The U-Net code is at {url} .")
    [record] = list(extract_papers([paper], nlp=nlp))
    sentences = {r.evidence.sentence for r in record.relations} | {m.evidence.sentence for e in record.entities
                                                                   for m in e.mentions}
    assert any(url in s for s in sentences)
    assert all(s in paper.title or s in paper.abstract for s in sentences)


def test_the_paper_budget_counts_cpu_time_not_waiting():
    """A paper waiting for a core on a busy machine is not over its budget; one that computes is."""
    import time as _time

    from kg.extract import _alarm, _OverBudget

    with _alarm(0.2):
        _time.sleep(0.4)  # waiting (as for a core held by other work): no CPU spent
    with pytest.raises(_OverBudget), _alarm(0.2):
        end = _time.process_time() + 5
        while _time.process_time() < end:
            pass
