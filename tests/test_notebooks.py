"""The notebooks run top to bottom (nbclient), against the session's sample build, so they cannot rot."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_executes(path, sample_build, tmp_path, monkeypatch):
    monkeypatch.setenv("KG_OUTPUT", str(sample_build[0]))
    monkeypatch.setenv("KG_NOTEBOOK_TMP", str(tmp_path))
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    assert len(NOTEBOOKS) == 2
    assert os.environ["KG_OUTPUT"] == str(sample_build[0])
