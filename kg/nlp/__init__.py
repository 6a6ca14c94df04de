"""The paperkg spaCy pipeline: a blank English pipeline plus our rule components.

Component order (each declares what it ``requires`` and ``assigns``)::

    tokenizer (ML-name rules) → kg_sentences → kg_abbreviations → kg_lexicon → kg_candidates
        → kg_relations [→ kg_ner] → kg_results

Two modes, after spaCy's sm/lg habit. ``fast`` (the default) loads no statistical model: nothing is
downloaded, and a blank pipeline keeps extraction fast (see ``benchmarks/extract_speed.py``). ``accurate``
adds ``kg_ner``, a small NER trained on the guideline gold and shipped as package data, run only on the
sentences that could report a measure (``kg/nlp/ner.py``). Importing this package registers every ``kg_``
factory, so a pipeline saved with ``nlp.to_disk`` loads back with ``spacy.load`` after ``import kg.nlp``.
"""

from __future__ import annotations

import functools

import spacy
from spacy.language import Language

from kg.modes import DEFAULT_MODE, MODE_NAMES

# Importing the component modules registers their factories with spaCy.
from kg.nlp import abbreviation as _abbreviation  # noqa: F401
from kg.nlp import candidates as _candidates  # noqa: F401
from kg.nlp import lexicon_matcher as _lexicon_matcher  # noqa: F401
from kg.nlp import ner as _ner  # noqa: F401
from kg.nlp import relations as _relations  # noqa: F401
from kg.nlp import results as _results  # noqa: F401
from kg.nlp import sentences as _sentences  # noqa: F401
from kg.nlp import spans as _spans  # noqa: F401
from kg.nlp.tokenizer import customize_tokenizer

PIPELINE = ("kg_sentences", "kg_abbreviations", "kg_lexicon", "kg_candidates", "kg_relations", "kg_results")
#: Extraction modes → their components. ``accurate`` runs the NER after the rules and before the results.
MODES = {"fast": PIPELINE, "accurate": (*PIPELINE[:-1], "kg_ner", PIPELINE[-1])}
assert tuple(MODES) == MODE_NAMES

__all__ = ["DEFAULT_MODE", "MODES", "PIPELINE", "customize_tokenizer", "load_nlp", "new_nlp"]


def new_nlp(components: tuple[str, ...] = PIPELINE) -> Language:
    """A fresh pipeline with the given components (all of ours by default)."""
    nlp = spacy.blank("en")
    customize_tokenizer(nlp)
    for name in components:
        nlp.add_pipe(name)
    return nlp


def mode_components(mode: str) -> tuple[str, ...]:
    """The components of an extraction mode; an unknown mode is a :class:`~kg.errors.InputError`."""
    from kg.errors import InputError

    if mode not in MODES:
        raise InputError(f"unknown extraction mode {mode!r}; choose one of: {', '.join(MODES)}")
    return MODES[mode]


@functools.lru_cache(maxsize=2)
def load_nlp(mode: str = DEFAULT_MODE) -> Language:
    """The pipeline of ``mode``, built once per process (building the lexicon matcher takes about a second)."""
    return new_nlp(mode_components(mode))
