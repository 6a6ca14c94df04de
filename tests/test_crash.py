"""Issue 9 defects 3 and 10 as real processes: `kill -9` a build at several stages, and two builds at once.

Each test runs `kg build` in subprocesses on a tiny corpus (a few papers), so the whole file takes seconds
per case rather than minutes.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from graph_fixtures import record_lines

from kg.manifest import read_manifest, verify_build

KG = [str(Path(sys.executable).parent / "kg")]  # the installed console script
ABSTRACT = ("We propose {name}, a detector that outperforms YOLOv8 and DETR on COCO with {v}% mAP, "
            "and reaches 81.2% top-1 accuracy on ImageNet-1K.")


def _corpus(path: Path, names: list[str]) -> Path:
    rows = [{"title": f"{n}: A Method", "abstract": ABSTRACT.format(name=n, v=40 + i)} for i, n in enumerate(names)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*KG, "build", *map(str, args)], capture_output=True, text=True, timeout=300)


def _kill_at(stage: str, *args: str | Path) -> bool:
    """Start `kg -v build ARGS`, kill -9 it as soon as it logs ``build stage: STAGE``; True if it was killed."""
    proc = subprocess.Popen([*KG, "-v", "build", *map(str, args)], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            text=True, env={**os.environ, "COLUMNS": "200"})
    assert proc.stderr is not None
    for line in proc.stderr:
        if f"build stage: {stage}" in line:
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait(timeout=300)
    return proc.returncode == -signal.SIGKILL


@pytest.fixture(scope="module")
def corpora(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("crash")
    first = _corpus(root / "first.jsonl", ["AlphaNet", "BetaNet", "GammaNet"])
    second = _corpus(root / "second.jsonl", ["DeltaNet", "EpsilonNet"])
    base, reference = root / "base", root / "reference"
    assert _run(first, "--out", base).returncode == 0
    shutil.copytree(base, reference)
    assert _run(second, "--out", reference).returncode == 0  # the uninterrupted incremental build
    return {"first": first, "second": second, "base": base, "reference": reference}


@pytest.mark.parametrize("stage", ["extract", "export", "store"])
def test_killed_incremental_build_is_detected_and_a_rerun_restores_it(tmp_path, corpora, stage):
    out = tmp_path / "out"
    shutil.copytree(corpora["base"], out)  # a finished build of the first corpus
    killed = _kill_at(stage, corpora["second"], "--out", out)
    assert killed, f"the build finished before it could be killed at stage {stage}"
    if killed:
        manifest = read_manifest(out)
        assert manifest is not None and manifest["status"] == "building"
        assert verify_build(out) and "did not finish" in verify_build(out)[0]
    for p in out.iterdir():
        if p.is_file() and not p.name.startswith("."):
            assert p.stat().st_size > 0, p  # atomic writes: no truncated file, whatever the stage
    rerun = _run(corpora["second"], "--out", out)
    assert rerun.returncode == 0, rerun.stderr
    assert verify_build(out) == []
    ref = corpora["reference"]
    for name in ("graph.nt", "graph.ttl", "nodes.csv", "edges.csv"):
        assert (out / name).read_bytes() == (ref / name).read_bytes(), name
    assert sorted(record_lines(out)) == sorted(record_lines(ref))  # same records, whatever the shard layout
    assert not list(out.glob(".*.tmp"))
    assert read_manifest(out)["store"]["triples"] == read_manifest(ref)["store"]["triples"]


def test_two_concurrent_builds_into_one_directory_keep_every_paper(tmp_path, corpora):
    out = tmp_path / "out"
    procs = [subprocess.Popen([*KG, "build", str(corpora[k]), "--out", str(out), "--no-validate"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for k in ("first", "second")]
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    titles = {json.loads(line)["paper"]["title"] for line in record_lines(out)}
    assert len(titles) == 5
    assert read_manifest(out)["papers"] == 5 and verify_build(out) == []
