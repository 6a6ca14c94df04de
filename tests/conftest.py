"""Shared, session-scoped fixtures: the expensive things (spaCy pipeline, the sample build) are made once.

Owned by the lead; engineers may ADD fixtures here (append-only), never change existing ones.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from spacy.language import Language

    from kg.model import Paper
    from kg.pipeline import BuildSummary

TESTS = Path(__file__).parent
DATA = TESTS / "data"
REPO = TESTS.parent


@pytest.fixture(scope="session")
def nlp() -> Language:
    """The full paperkg spaCy pipeline, loaded once per test session."""
    from kg.nlp import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def embedded_papers() -> list[Paper]:
    """Every unique paper of the embedded sample corpus."""
    from kg.sources import embedded_corpus, read_corpus

    return read_corpus(embedded_corpus())


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildSummary]:
    """The embedded corpus built end to end (extract → graph → exports → SHACL → store) into a tmp dir.

    Tests must treat the directory as read-only: other tests share it.
    """
    from kg.pipeline import build

    out = tmp_path_factory.mktemp("sample_build")
    summary = build(None, out)
    return out, summary
