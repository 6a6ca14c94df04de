"""The paperkg spaCy pipeline: a blank English pipeline plus our rule components.

Component order (each declares what it ``requires`` and ``assigns``)::

    tokenizer (ML-name rules) → kg_sentences → kg_abbreviations → kg_lexicon → kg_candidates
        → kg_relations → kg_results

No statistical model is loaded: nothing is downloaded, and a blank pipeline keeps extraction fast (see
``benchmarks/extract_speed.py``). Importing this package registers every ``kg_`` factory, so a pipeline
saved with ``nlp.to_disk`` loads back with ``spacy.load`` after ``import kg.nlp``.
"""

from __future__ import annotations

import functools

import spacy
from spacy.language import Language

# Importing the component modules registers their factories with spaCy.
from kg.nlp import abbreviation as _abbreviation  # noqa: F401
from kg.nlp import candidates as _candidates  # noqa: F401
from kg.nlp import lexicon_matcher as _lexicon_matcher  # noqa: F401
from kg.nlp import relations as _relations  # noqa: F401
from kg.nlp import results as _results  # noqa: F401
from kg.nlp import sentences as _sentences  # noqa: F401
from kg.nlp.tokenizer import customize_tokenizer

PIPELINE = ("kg_sentences", "kg_abbreviations", "kg_lexicon", "kg_candidates", "kg_relations", "kg_results")

__all__ = ["PIPELINE", "customize_tokenizer", "load_nlp", "new_nlp"]


def new_nlp(components: tuple[str, ...] = PIPELINE) -> Language:
    """A fresh pipeline with the given components (all of ours by default)."""
    nlp = spacy.blank("en")
    customize_tokenizer(nlp)
    for name in components:
        nlp.add_pipe(name)
    return nlp


@functools.lru_cache(maxsize=1)
def load_nlp() -> Language:
    """The full pipeline, built once per process (building the lexicon matcher takes about a second)."""
    return new_nlp()
