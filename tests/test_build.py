"""End-to-end: `kg build` on the embedded corpus and on added input, through the library and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from graph_fixtures import first_shard, record_lines
from typer.testing import CliRunner

from kg.cli import app
from kg.pipeline import EXTRACTIONS_FILE, build

EXPECTED_FILES = ("graph.ttl", "graph.nt", "graph.jsonld", "graph.graphml", "graph.html", "nodes.csv", "edges.csv")


def test_sample_build_writes_every_output(sample_build):
    out, summary = sample_build
    for name in EXPECTED_FILES:
        assert (out / name).stat().st_size > 0, name
    assert not (out / EXTRACTIONS_FILE).exists()  # records live in shards (records/part-*.jsonl)
    assert summary.conforms is True
    assert summary.papers_total == summary.papers_extracted > 400
    assert summary.papers_cached == 0
    lines = record_lines(out)
    assert len(lines) == summary.papers_total
    assert all(json.loads(line)["paper"]["id"] for line in lines)


def _jsonl(path: Path, rows: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


PAPER_A = {
    "title": "LoRA-Drop: Pruning Low-Rank Adapters",
    "abstract": "We propose LoRA-Drop, a pruning method for Low-Rank Adaptation (LoRA). On the GLUE benchmark, "
    "LoRA-Drop achieves 88.1% accuracy and outperforms LoRA and AdaLoRA.",
}
PAPER_B = {
    "title": "TinyViT-X: Small Vision Transformers",
    "abstract": "We introduce TinyViT-X, a compact vision transformer. TinyViT-X reaches 79.3% top-1 accuracy "
    "on ImageNet-1K, surpassing DeiT-S.",
}


def test_incremental_build_extracts_only_new_papers(tmp_path):
    out = tmp_path / "out"
    first = build([_jsonl(tmp_path / "a.jsonl", [PAPER_A])], out, store=True)
    assert (first.papers_extracted, first.papers_cached) == (1, 0)
    ids_before = {line.split()[0] for line in (out / "graph.nt").read_text(encoding="utf-8").splitlines()}

    second = build([_jsonl(tmp_path / "b.jsonl", [PAPER_B])], out, store=True)
    assert (second.papers_extracted, second.papers_cached, second.papers_total) == (1, 1, 2)
    ids_after = {line.split()[0] for line in (out / "graph.nt").read_text(encoding="utf-8").splitlines()}
    # Every subject IRI of the first build survives unchanged into the extended graph (stable IRIs).
    assert ids_before <= ids_after

    # The same build again extracts nothing and changes nothing.
    nt = (out / "graph.nt").read_bytes()
    third = build([tmp_path / "a.jsonl", tmp_path / "b.jsonl"], out)
    assert (third.papers_extracted, third.papers_cached) == (0, 2)
    assert (out / "graph.nt").read_bytes() == nt


def test_fresh_rebuild_is_identical(tmp_path):
    src = _jsonl(tmp_path / "ab.jsonl", [PAPER_A, PAPER_B])
    build([src], tmp_path / "one", store=False)
    build([src], tmp_path / "two", store=False)
    for name in ("graph.nt", "graph.ttl", "nodes.csv", "edges.csv"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name


@pytest.mark.parametrize(
    "bad_line",
    ['{"paper": ', "[1, 2]", '{"paper": {"id": "t:x", "title": "T", "abstract": "A"}, "relations": '
     '[{"type": "uses", "target": "e9", "evidence": {}}]}',
     '{"paper": {"id": "t:x", "title": "T", "abstract": "An abstract.", "url": "a b"}}',
     '{"paper": {"id": "t:x", "title": "T\\u0001", "abstract": "An abstract."}}'],
    ids=["truncated-json", "not-an-object", "dangling-relation", "url-not-an-iri", "control-character"],
)
def test_bad_cache_record_is_skipped_record_by_record(tmp_path, bad_line):
    """Issue 9: one bad line of a records file used to fail every later build; now it is a counted skip."""
    out = tmp_path / "out"
    build([_jsonl(tmp_path / "a.jsonl", [PAPER_A])], out, store=False, validate=False)
    shard = first_shard(out)
    shard.write_text(shard.read_text(encoding="utf-8") + bad_line + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["build", str(_jsonl(tmp_path / "b.jsonl", [PAPER_B])), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "invalid cached records skipped" in result.output
    lines = record_lines(out)
    titles = sorted(json.loads(line)["paper"]["title"] for line in lines)
    assert titles == sorted([PAPER_A["title"], PAPER_B["title"]])  # the good cached paper is kept


@pytest.mark.parametrize("extra", [[], ["--no-store", "--no-validate"]])
def test_cli_build_prints_summary(tmp_path, extra):
    src = _jsonl(tmp_path / "a.jsonl", [PAPER_A, PAPER_B])
    result = CliRunner().invoke(app, ["build", str(src), "--out", str(tmp_path / "o"), *extra])
    assert result.exit_code == 0, result.output
    assert "papers in graph" in result.output
    assert "wall time" in result.output
    assert (tmp_path / "o" / "graph.ttl").exists()


def test_cli_build_missing_input_is_an_error(tmp_path):
    result = CliRunner().invoke(app, ["build", str(tmp_path / "nope.txt"), "--out", str(tmp_path / "o")])
    assert result.exit_code != 0
    assert "nope.txt" in result.output
    assert "Traceback" not in result.output


def test_atomic_write_keeps_old_file_on_failure(tmp_path):
    from kg.io import atomic_write

    target = tmp_path / "graph.ttl"
    target.write_text("old complete content")
    with pytest.raises(RuntimeError):
        with atomic_write(target) as fh:
            fh.write("half of the new")
            raise RuntimeError("disk full")
    assert target.read_text() == "old complete content"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.ttl"]  # no temporary file left behind


def test_atomic_write_uses_umask_permissions(tmp_path):
    import os
    import stat

    from kg.io import atomic_write

    old = os.umask(0o022)
    try:
        with atomic_write(tmp_path / "out.csv") as fh:
            fh.write("a,b\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "out.csv").stat().st_mode) == 0o644


def test_a_build_with_nothing_new_keeps_the_finished_outputs(tmp_path):
    from kg.manifest import read_manifest, verify_build

    src = _jsonl(tmp_path / "a.jsonl", [PAPER_A])
    out = tmp_path / "out"
    first = build([src], out)
    assert not first.up_to_date and first.papers_extracted == 1
    before = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in out.iterdir() if p.is_file()
              and p.name not in ("manifest.json", ".kg-build.lock")}
    again = build([src], out)
    assert again.up_to_date and again.papers_extracted == 0 and again.papers_total == 1
    assert again.graph_counts == first.graph_counts and again.conforms is True
    assert {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in out.iterdir() if p.is_file()
            and p.name not in ("manifest.json", ".kg-build.lock")} == before  # not one output rewritten
    assert read_manifest(out)["status"] == "complete" and verify_build(out) == []
    # a damaged output is no longer "up to date": the next build writes everything again
    (out / "graph.ttl").write_text("", encoding="utf-8")
    repaired = build([src], out)
    assert not repaired.up_to_date and (out / "graph.ttl").read_bytes() == before["graph.ttl"][1]
    assert verify_build(out) == []
    # and a new paper is a real build
    more = build([_jsonl(tmp_path / "b.jsonl", [PAPER_B])], out)
    assert not more.up_to_date and more.papers_extracted == 1 and more.papers_total == 2


def test_cli_rebuild_with_nothing_new_says_so(tmp_path):
    src = _jsonl(tmp_path / "a.jsonl", [PAPER_A])
    out = tmp_path / "out"
    runner = CliRunner()
    first = runner.invoke(app, ["build", str(src), "--out", str(out)])
    assert first.exit_code == 0 and "nothing new" not in first.output
    again = runner.invoke(app, ["build", str(src), "--out", str(out)])
    assert again.exit_code == 0 and "nothing new" in again.output, again.output
    focused = runner.invoke(app, ["build", str(src), "--out", str(out), "--focus", "LoRA-Drop"])
    assert focused.exit_code == 0 and "nothing new" not in focused.output  # another page: a real build
    plain = runner.invoke(app, ["build", str(src), "--out", str(out)])
    assert plain.exit_code == 0 and "nothing new" not in plain.output  # back to the default page
    assert runner.invoke(app, ["build", str(src), "--out", str(out)]).output.count("nothing new") == 1
