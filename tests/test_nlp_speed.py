"""The speed-ups of the rule components give the same answers as the plain code they replace.

Each fast path (literal-start scans, the sentence-boundary scan, the defuse pre-check) is compared with the
straightforward regex call on the embedded abstracts and on generated text that stresses its edge cases.
"""

from __future__ import annotations

import random

import pytest

from kg.extract import paper_text
from kg.nlp import guard, load_nlp
from kg.sources import embedded_corpus, read_corpus


@pytest.fixture(scope="module")
def abstracts() -> list[str]:
    return [guard.defuse(paper_text(p)) for p in read_corpus(embedded_corpus())[:150]]


def _generated(alphabet: list[str], n: int, seed: int, longest: int = 60) -> list[str]:
    rnd = random.Random(seed)
    return ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, longest))) for _ in range(n)]


def test_defuse_precheck_agrees_with_the_search(abstracts: list[str]) -> None:
    """The clean-text checks say "nothing to break" exactly when the run patterns find nothing."""
    pieces = ["ab", " ", "%", "-", "'", "’", ".", "(", ")", ",", "\n", "😀", "xyz", "/", "\t", "a" * 20, "%" * 5]
    texts = abstracts + _generated(pieces, 3000, seed=3, longest=120)
    texts += ["a" * n + " " + "%" * m for n in range(45, 56) for m in range(6, 12)]
    for text in texts:
        assert (guard._SHORT_CHUNKS.match(text) is None) == (guard._LONG_CHUNK.search(text) is not None), text
        assert (guard._SHORT_SYMBOL_RUNS.match(text) is None) == (guard._SYMBOL_RUN.search(text) is not None), text


def test_load_nlp_is_one_pipeline_however_called() -> None:
    """``load_nlp()`` and ``load_nlp("fast")`` are the same pipeline (it was built twice)."""
    assert load_nlp() is load_nlp("fast")
