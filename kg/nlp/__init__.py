"""The paperkg spaCy pipeline: a blank English pipeline plus our rule components.

Component order (each declares what it ``requires`` and ``assigns``)::

    tokenizer (ML-name rules) → kg_sentences → kg_abbreviations → kg_lexicon → kg_candidates
        → kg_relations [→ kg_ner] → kg_results → kg_spans

``kg_spans`` comes last: it turns every finding into ``doc.spans["kg"]`` (and abbreviation span pairs), the
interface the record builder (:mod:`kg.records`) reads, so whatever a component adds before it reaches the
records the same way.

Two modes, after spaCy's sm/lg habit. ``fast`` (the default) loads no statistical model: nothing is
downloaded, and a blank pipeline keeps extraction fast (see ``benchmarks/extract_speed.py``). ``accurate``
adds ``kg_ner``, a small NER trained on the guideline gold and shipped as package data, run only on the
sentences that could report a measure (``kg/nlp/ner.py``). Importing this package registers every ``kg_``
factory, so a pipeline saved with ``nlp.to_disk`` loads back with ``spacy.load`` after ``import kg.nlp``.
"""

from __future__ import annotations

import functools
from typing import Any

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

#: The rule components, in order.
RULES = ("kg_sentences", "kg_abbreviations", "kg_lexicon", "kg_candidates", "kg_relations", "kg_results")
PIPELINE = (*RULES, "kg_spans")
#: Extraction modes → their components. ``accurate`` runs the NER after the rules and before the results.
MODES = {"fast": PIPELINE, "accurate": (*RULES[:-1], "kg_ner", RULES[-1], "kg_spans")}
assert tuple(MODES) == MODE_NAMES
#: Component settings of the extraction pipelines (:func:`load_nlp`). ``doc.ents`` is for people looking at
#: a Doc (displaCy); the records read ``doc.spans["kg"]``, and setting ``doc.ents`` would add about half
#: again to the cost of writing the spans (README, "Speed"). :func:`new_nlp` keeps the factory defaults.
EXTRACTION_CONFIG: dict[str, dict[str, Any]] = {"kg_spans": {"annotate_ents": False}}

__all__ = ["DEFAULT_MODE", "EXTRACTION_CONFIG", "MODES", "PIPELINE", "RULES", "customize_tokenizer", "load_nlp",
           "new_nlp"]


def new_nlp(components: tuple[str, ...] = PIPELINE, config: dict[str, dict[str, Any]] | None = None) -> Language:
    """A fresh pipeline with the given components (all of ours by default), ``config`` overriding the
    factory settings of the components it names (``{"kg_ner": {"model": path}}``)."""
    nlp = spacy.blank("en")
    customize_tokenizer(nlp)
    for name in components:
        nlp.add_pipe(name, config=(config or {}).get(name, {}))
    return nlp


def mode_components(mode: str) -> tuple[str, ...]:
    """The components of an extraction mode; an unknown mode is a :class:`~kg.errors.InputError`."""
    from kg.errors import InputError

    if mode not in MODES:
        raise InputError(f"unknown extraction mode {mode!r}; choose one of: {', '.join(MODES)}")
    return MODES[mode]


def load_nlp(mode: str = DEFAULT_MODE) -> Language:
    """The pipeline of ``mode``, built once per process (building the lexicon matcher takes about a second).

    It writes no ``doc.ents`` (:data:`EXTRACTION_CONFIG`); for displaCy, use :func:`new_nlp`.

    Why the cached function is a separate one: ``lru_cache`` keys on how it was called, so ``load_nlp()``
    and ``load_nlp("fast")`` were two entries, and a caller that warmed the pipeline one way then extracted
    (``extract_papers`` calls ``load_nlp(mode)``) built a second one: two seconds and a second lexicon
    matcher in memory (it showed in ``benchmarks/extract_speed.py``'s timed region).
    """
    return _load_nlp(mode)


@functools.lru_cache(maxsize=2)
def _load_nlp(mode: str) -> Language:
    return new_nlp(mode_components(mode), EXTRACTION_CONFIG)
