"""The speed-ups of the rule components give the same answers as the plain code they replace.

Each fast path (literal-start scans, the sentence-boundary scan, the defuse pre-check) is compared with the
straightforward regex call on the embedded abstracts and on generated text that stresses its edge cases.
"""

from __future__ import annotations

from kg.nlp import load_nlp


def test_load_nlp_is_one_pipeline_however_called() -> None:
    """``load_nlp()`` and ``load_nlp("fast")`` are the same pipeline (it was built twice)."""
    assert load_nlp() is load_nlp("fast")
