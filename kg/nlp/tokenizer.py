"""Tokenizer rules for the names of ML artifacts.

spaCy's English tokenizer splits hyphens between letters ("Global-Local" → 3 tokens) and keeps
"2.3x" as one token. For names that is backwards: ``ImageNet-1K``, ``CROWN-IBP``, ``3D-ALiBi``,
``Text-Video`` are single names, while a value such as ``2.3x`` is a number plus a unit. We edit the
prefix/suffix/infix *regexes* (rather than wrapping the tokenizer in Python) so the tokenizer stays a
compiled, serialisable spaCy ``Tokenizer`` and keeps its speed.

Choices (tested in ``tests/test_tokenizer.py``):

* hyphens and slashes *inside* a word never split: ``ImageNet-1K``, ``top-1``, ``BLEU-4``, ``ViT-B/16``;
  ``CIFAR-10/100`` therefore stays one token too (its two datasets are recovered by the lexicon matcher
  on the text, which is what needs them);
* ``+`` inside a name is kept (``NTU RGB+D 120`` → ``NTU``, ``RGB+D``, ``120``), ``@`` likewise (``mAP@0.5``);
* a number followed by ``%``, ``x``/``×``, or a unit is split into number + unit: ``53.14%`` → ``53.14 %``,
  ``2.3x`` → ``2.3 x``, ``2.3×`` → ``2.3 ×``; ``\\%`` (a LaTeX escape that survived) → ``\\ %``.
"""

from __future__ import annotations

from typing import cast

from spacy.lang.char_classes import ALPHA, ALPHA_LOWER, ALPHA_UPPER, CONCAT_QUOTES, LIST_ELLIPSES, LIST_ICONS
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.util import compile_infix_regex, compile_suffix_regex

# spaCy's default English infixes minus the two rules that split hyphens and slashes between letters.
_INFIXES = (
    *LIST_ELLIPSES,
    *LIST_ICONS,
    r"(?<=[0-9])[+\-\*^](?=[0-9-])",
    rf"(?<=[{ALPHA_LOWER}{CONCAT_QUOTES}])\.(?=[{ALPHA_UPPER}{CONCAT_QUOTES}])",
    rf"(?<=[{ALPHA}]),(?=[{ALPHA}])",
    rf"(?<=[{ALPHA}0-9])[:<>=](?=[{ALPHA}])",
)

#: Units that follow a number and must be their own token for results to parse.
_UNIT_SUFFIXES = (
    r"(?<=[0-9])(?:x|×|X)",
    r"(?<=[0-9])%",
    r"(?<=\\)%",
    r"\\(?=%)",
)


def customize_tokenizer(nlp: Language) -> None:
    """Install the ML-name rules on ``nlp.tokenizer`` in place (idempotent)."""
    tok = cast(Tokenizer, nlp.tokenizer)
    tok.infix_finditer = compile_infix_regex(_INFIXES).finditer
    # spaCy's unit rule ("(?<=[0-9])(?:km|K|…)") would cut "ImageNet-1K" into "ImageNet-1" + "K": drop it;
    # the only units our results need split are the ones in _UNIT_SUFFIXES.
    defaults = [s for s in (nlp.Defaults.suffixes or ()) if "km" not in str(s)]
    tok.suffix_search = compile_suffix_regex([*_UNIT_SUFFIXES, *defaults]).search
    # Reset the cache so strings seen before are re-split with the new rules (setting rules does that).
    tok.rules = dict(tok.rules or {})
