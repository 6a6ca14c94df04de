"""The notebooks run top to bottom (nbclient), against the session's sample build, so they cannot rot.

They are committed executed, with their plots as image outputs (so a repository viewer shows them), and
running them writes nothing into ``notebooks/`` (pages and files go to a temporary directory).
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK_DIR = Path(__file__).parents[1] / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))


def _images(nb) -> int:
    return sum(1 for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
               if o.output_type in ("display_data", "execute_result") and "image/png" in o.get("data", {}))


def _listing() -> dict[str, float]:
    return {str(p.relative_to(NOTEBOOK_DIR)): p.stat().st_mtime for p in NOTEBOOK_DIR.rglob("*")}


def test_the_notebooks_are_there():
    assert [p.stem for p in NOTEBOOKS] == ["explore_graph", "leaderboard_sparql", "visual_subgraph"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_committed_notebook_shows_its_plots(path):
    """Committed executed: the plots are in the file, without errors, for anyone reading it on a repository viewer."""
    nb = nbformat.read(path, as_version=4)
    assert _images(nb) >= 1
    assert not [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    assert all(c.get("execution_count") for c in nb.cells if c.cell_type == "code"), "not executed top to bottom"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_executes(path, sample_build, tmp_path, monkeypatch):
    monkeypatch.setenv("KG_OUTPUT", str(sample_build[0]))
    monkeypatch.setenv("KG_NOTEBOOK_TMP", str(tmp_path))
    before = _listing()
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    assert _images(nb) >= 1, "no plot came out as an image"
    texts = [o.get("text", "") + str(o.get("data", {}).get("text/plain", ""))
             for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not any(t.startswith("Text(") for t in texts), "a cell ends with a matplotlib object instead of its plot"
    assert _listing() == before, "running the notebook wrote into notebooks/"
    assert os.environ["KG_OUTPUT"] == str(sample_build[0])
