"""``kg build``: sources → extraction → graph → exports → store, with a closing summary."""

from __future__ import annotations

from kg.cli.app import app  # noqa: F401  (commands are added by the lead; see kg/pipeline.py)
