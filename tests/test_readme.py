"""The README's commands work from a clone of the repository alone: no path outside it, every file it names
exists, and the `kg` commands that need no file of the user's run on the sample build."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```bash\n(.*?)```", README, flags=re.S)
COMMANDS = [line.split("  #")[0].strip() for block in BLOCKS for line in block.splitlines()
            if line.strip() and not line.lstrip().startswith("#")]
KG_COMMANDS = [c for c in COMMANDS if c.startswith(".venv/bin/kg ")]
#: Files the README names as the user's own, to be replaced by theirs: commands on them are not run here.
PLACEHOLDERS = ("my_abstracts.jsonl", "a.txt", "b.csv", "feed.xml", "dump.txt", "big.jsonl", "HOST", "refs.bib")
#: Long-running or networked commands (a server, a benchmark over minutes) are covered by their own tests.
NOT_RUN_HERE = ("kg serve", "kg build")
_REPO_PATH = re.compile(r"(?<![\w./-])((?:tests|queries|benchmarks|scripts|notebooks|schemas|kg|configs)/[\w./-]+\w)")


def test_no_command_reaches_outside_the_repository():
    assert BLOCKS and KG_COMMANDS
    assert not [c for c in COMMANDS if "../" in c]


@pytest.mark.parametrize("path", sorted({p for c in COMMANDS for p in _REPO_PATH.findall(c)}))
def test_every_repository_path_in_a_command_exists(path):
    assert (REPO / path).exists(), path


RUNNABLE = [c for c in KG_COMMANDS if not any(p in c for p in PLACEHOLDERS) and not any(n in c for n in NOT_RUN_HERE)]


def test_some_commands_are_runnable_here():
    assert len(RUNNABLE) >= 5, RUNNABLE


@pytest.mark.parametrize("command", RUNNABLE)
def test_readme_kg_command_runs_on_the_sample_build(command, sample_build, tmp_path, monkeypatch):
    out, _ = sample_build
    # commands name ./output; run them in a scratch folder whose output/ is a copy of the sample build
    work = tmp_path / "clone"
    work.mkdir()
    shutil.copytree(out, work / "output", ignore=shutil.ignore_patterns("*.lock"))
    for name in ("tests", "queries"):
        (work / name).symlink_to(REPO / name)
    monkeypatch.chdir(work)
    args = shlex.split(re.sub(r"\s*\[[^\]]*\]", "", command))[1:]  # "[--json]": optional, left out
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, (command, res.output[-2000:])
