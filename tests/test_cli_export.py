"""The command line around exports: `kg --version`, `kg export` writes where it is told, explorer options,
and the closing table of `kg build` ends with the next commands to try."""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path

import pytest
from graph_fixtures import record_lines
from typer.testing import CliRunner

from kg.cli import app

REPO = Path(__file__).parents[1]
PAPERS = [
    {"title": "LoRA-Drop: Pruning Low-Rank Adapters",
     "abstract": "We propose LoRA-Drop, a pruning method for Low-Rank Adaptation (LoRA). On the GLUE benchmark, "
                 "LoRA-Drop achieves 88.1% accuracy and outperforms LoRA and AdaLoRA."},
    {"title": "TinyViT-X: Small Vision Transformers",
     "abstract": "We introduce TinyViT-X, a compact vision transformer. TinyViT-X reaches 79.3% top-1 accuracy "
                 "on ImageNet-1K, surpassing DeiT-S."},
]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("cli_export")
    src = root / "papers.jsonl"
    src.write_text("".join(json.dumps(p) + "\n" for p in PAPERS), encoding="utf-8")
    out = root / "build"
    result = CliRunner().invoke(app, ["build", str(src), "--out", str(out), "--no-validate"])
    assert result.exit_code == 0, result.output
    return out, result.output


def test_version():
    result = CliRunner().invoke(app, ["--version"])
    expected = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert result.exit_code == 0 and result.output.strip() == f"paperkg {expected}"


def test_build_table_ends_with_next_commands(built):
    from rich.console import Console

    from kg.cli.cmd_build import next_commands, summary_table
    from kg.pipeline import BuildSummary

    out, output = built
    rows = [line for line in output.splitlines() if line.startswith("│")]
    assert [r.split("│")[1].strip() for r in rows if "next:" in r] == [
        "next: explore", "next: query", "next: serve", "next: whole graph"]
    last = max(i for i, r in enumerate(rows) if "next: whole graph" in r)
    assert all(not r.split("│")[1].strip() for r in rows[last + 1:])  # only its folded continuation follows
    summary = BuildSummary(files={"html": out / "graph.html", "store": out / "store", "graphml": out / "graph.graphml"})
    assert next_commands(summary, out) == [
        ("next: explore", f"open {out / 'graph.html'}"),
        ("next: query", f"kg query --list; kg query most-used-datasets --store {out / 'store'}"),
        ("next: serve", f"kg serve --store {out / 'store'}"),
        ("next: whole graph", f"open {out / 'graph.graphml'} in Gephi"),
    ]
    console = Console(width=300, record=True)
    console.print(summary_table(summary, out))
    assert console.export_text().rstrip().splitlines()[-2].split("│")[1].strip() == "next: whole graph"
    assert next_commands(BuildSummary(files={"html": Path("output/graph.html"), "store": Path("output/store")}),
                         Path("output"))[1] == ("next: query", "kg query --list; kg query most-used-datasets")


@pytest.mark.parametrize("fmt", ["graphml", "html", "turtle"])
def test_export_writes_into_the_directory_named(built, tmp_path, monkeypatch, fmt):
    """Regression: `kg export DIR --format graphml` wrote ./output/graph.graphml instead of into DIR."""
    out, _ = built
    monkeypatch.chdir(tmp_path)
    name = {"graphml": "graph.graphml", "html": "graph.html", "turtle": "graph.ttl"}[fmt]
    target = out / name
    os.utime(target, (0, 0))
    result = CliRunner().invoke(app, ["export", str(out), "--format", fmt])
    assert result.exit_code == 0, result.output
    assert target.stat().st_mtime > 0, "the build directory's file was not rewritten"
    assert not (tmp_path / "output").exists(), "wrote into ./output instead of the directory named"
    elsewhere = tmp_path / "elsewhere"
    result = CliRunner().invoke(app, ["export", str(out), "--format", fmt, "--out", str(elsewhere)])
    assert result.exit_code == 0 and (elsewhere / name).exists()


def test_export_from_an_extractions_file_writes_beside_it(built, tmp_path):
    out, _ = built
    records = tmp_path / "ex.jsonl"
    records.write_text("".join(line + "\n" for line in record_lines(out)), encoding="utf-8")
    result = CliRunner().invoke(app, ["export", str(records), "--format", "csv-nodes"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "nodes.csv").exists()


def test_export_neo4j_and_focus_options(built, tmp_path):
    out, _ = built
    result = CliRunner().invoke(app, ["export", str(out), "-f", "neo4j", "-f", "html", "--focus", "GLUE",
                                      "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "neo4j" / "load.cypher").exists() and (tmp_path / "neo4j" / "nodes_Paper.csv").exists()
    assert "Focused on GLUE: 1 of 2 papers" in (tmp_path / "graph.html").read_text(encoding="utf-8")
    result = CliRunner().invoke(app, ["export", str(out), "-f", "html", "--max-entities", "2", "--out", str(tmp_path)])
    assert result.exit_code == 0 and "Reduced view: the 2 entities" in (tmp_path / "graph.html").read_text("utf-8")


def test_export_focus_on_an_unknown_name_is_a_clear_error(built, tmp_path):
    out, _ = built
    result = CliRunner().invoke(app, ["export", str(out), "-f", "html", "--focus", "NoSuchThing",
                                      "--out", str(tmp_path)])
    assert result.exit_code != 0
    assert "NoSuchThing" in result.output and "Traceback" not in result.output


def test_build_passes_explorer_options(tmp_path):
    src = tmp_path / "papers.jsonl"
    src.write_text("".join(json.dumps(p) + "\n" for p in PAPERS), encoding="utf-8")
    result = CliRunner().invoke(app, ["build", str(src), "--out", str(tmp_path / "o"), "--no-validate", "--no-store",
                                      "--max-entities", "2"])
    assert result.exit_code == 0, result.output
    assert "Reduced view: the 2 entities" in (tmp_path / "o" / "graph.html").read_text(encoding="utf-8")
    assert "next: serve" not in result.output  # no store was written, so no serve hint
