"""Metric direction: is a higher value better (accuracy, BLEU) or a lower one (error, FID, latency)?

Why: "the best result" and "which of two methods wins" mean nothing without it; 71.8 is a good accuracy
and a bad error rate. The decision is read from the metric's words, from the end of the name backwards
(the head of an English compound is its last word: "top-1 error rate" is an error), by the word lists in
``kg/nlp/data/metric_direction.txt``. Pure functions; the word table is loaded once.
"""

from __future__ import annotations

import functools
import re
from importlib import resources

_WORD = re.compile(r"[a-z0-9@][a-z0-9@\-]*")
_FLIPPED = re.compile(r"^\s*1\s+[-−]\s+")  # "1 - LPIPS", not "1-of-100 Accuracy"


@functools.lru_cache(maxsize=1)
def direction_words() -> dict[str, bool]:
    """``word → higher_is_better`` from the data file (``#`` comments and blank lines ignored)."""
    text = (resources.files("kg.nlp") / "data" / "metric_direction.txt").read_text(encoding="utf-8")
    table: dict[str, bool] = {}
    for n, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        way, _, word = line.partition(" ")
        if way not in ("higher", "lower") or not word.strip():
            raise ValueError(f"metric_direction.txt:{n}: expected 'higher WORD' or 'lower WORD', got {line!r}")
        table[word.strip()] = way == "higher"
    return table


@functools.lru_cache(maxsize=8192)
def higher_is_better(name: str, known_metric: bool = False) -> bool | None:
    """Whether a higher value of the metric ``name`` is better; ``None`` when its words do not say.

    ``known_metric``: the name is a lexicon metric, so a name no word decides ("Inception Score" aside,
    most such names are accuracies and scores) defaults to higher-is-better.

    >>> higher_is_better("top-1 error rate"), higher_is_better("BLEU-4"), higher_is_better("1 - LPIPS")
    (False, True, True)
    """
    table = direction_words()
    flipped = bool(_FLIPPED.match(name))
    words = _WORD.findall(name.casefold())
    for word in reversed(words):
        # "FID-50k" → "fid", "PA-MPJPE" → "mpjpe", "Recall@K" → "recall", "errors" → "error"
        for form in (word, word.split("-", 1)[0], word.rsplit("-", 1)[-1], word.split("@", 1)[0], word.rstrip("s")):
            if form in table:
                return table[form] != flipped
    return True if known_metric else None
