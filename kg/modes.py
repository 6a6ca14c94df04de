"""Extraction modes, after spaCy's sm/lg habit: a light module so the CLI can name them without loading spaCy.

``fast``      the rule components only (no statistical model).
``accurate``  the rules plus ``kg_ner``, a small NER trained on the guideline gold (``kg/nlp/ner.py``),
              run on the sentences that could report a measure; slower (see README, "Speed").

The default is chosen by measurement (README: the accurate mode's F1 gain against its speed cost).
"""

from __future__ import annotations

MODE_NAMES = ("fast", "accurate")
DEFAULT_MODE = "fast"
MODE_HELP = "Extraction mode: fast (rules only) or accurate (rules + a small trained NER; slower)."
