"""Extraction on Dask distributed: a LocalCluster build gives the same graph as the one-process build."""

from __future__ import annotations

from pathlib import Path

import pytest
from graph_fixtures import record_lines
from typer.testing import CliRunner

from kg.cli import app
from kg.pipeline import build

GOLD = Path(__file__).parent / "data" / "gold"


@pytest.fixture(scope="module")
def local_and_cluster(tmp_path_factory):
    papers = GOLD / "dev.papers.jsonl"
    one = tmp_path_factory.mktemp("one")
    build([papers], one, validate=False, store=False)
    cluster = tmp_path_factory.mktemp("cluster")
    summary = build([papers], cluster, validate=False, store=False, scheduler="local", processes=2)
    return one, cluster, summary


def test_local_cluster_build_equals_the_local_build(local_and_cluster):
    one, cluster, summary = local_and_cluster
    assert summary.papers_extracted == summary.papers_total == 80
    assert record_lines(cluster) == record_lines(one)
    for name in ("graph.nt", "triples/entities.nt", "triples/part-00000.nt"):
        assert (cluster / name).read_bytes() == (one / name).read_bytes(), name


def test_cli_unreachable_scheduler_is_a_message(tmp_path, monkeypatch):
    monkeypatch.setattr("kg.distributed.CONNECT_TIMEOUT", 2)
    res = CliRunner().invoke(app, ["build", str(GOLD / "dev.papers.jsonl"), "--out", str(tmp_path / "o"),
                                   "--no-validate", "--no-store", "--scheduler", "tcp://127.0.0.1:9"])
    assert res.exit_code != 0
    assert "Dask scheduler" in res.output and "Traceback" not in res.output


def test_cluster_workers_run_the_local_extraction_path():
    # the same guard and record as a --processes worker: a pathological paper is defused, not choked on
    from kg.distributed import extract_chunk
    from kg.extract import extract_papers
    from kg.model import Paper

    papers = [Paper("p1", "FooNet", "We propose FooNet. " + "%" * 5000), Paper("p2", "T", "We use ImageNet.")]
    local = [ex.to_dict() for ex in extract_papers(papers, budget=None)]
    assert extract_chunk([p.to_dict() for p in papers], None) == local
