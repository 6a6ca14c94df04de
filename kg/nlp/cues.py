"""Cue-word data (``kg/nlp/data/cues.json``) compiled once into regexes, and name-shape helpers.

Why a data file: cue lists are what people tune; keeping them out of code lets a reviewer see every
phrase a rule fires on, and lets a new cue be added without touching an algorithm.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from importlib import resources

from kg.model import EntityType


@dataclass(frozen=True)
class Cues:
    propose: re.Pattern[str]
    naming: re.Pattern[str]
    beat: re.Pattern[str]
    comparative_than: re.Pattern[str]
    background: re.Pattern[str]
    measure: re.Pattern[str]
    task: re.Pattern[str]
    heads: dict[str, EntityType]
    generic_baselines: frozenset[str]
    generic_terms: frozenset[str]
    generic_heads: frozenset[str]
    metric_before: re.Pattern[str]
    metric_after: re.Pattern[str]
    units: dict[str, str]


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


def _words(words: list[str]) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-])(?:{_alt(words)})(?![\w-])", re.I)


@functools.lru_cache(maxsize=1)
def load_cues() -> Cues:
    data = json.loads((resources.files("kg.nlp") / "data" / "cues.json").read_text(encoding="utf-8"))
    generic = (resources.files("kg.nlp") / "data" / "generic_terms.txt").read_text(encoding="utf-8")
    heads: dict[str, EntityType] = {}
    for etype, words in data["artifact_heads"].items():
        for w in words:
            heads[w.lower()] = EntityType(etype)
    return Cues(
        propose=_words(data["propose_verbs"]),
        naming=_words(data["naming_verbs"]),
        beat=_words(data["beat_cues"]),
        comparative_than=re.compile(rf"(?<![\w-])(?:{_alt(data['comparative_than'])})\b[^.;]{{0,60}}?\bthan\b", re.I),
        background=_words(data["background_cues"]),
        measure=_words([w for w in data["measure_cues"] if w != "%"]),
        task=_words(data["task_cues"]),
        heads=heads,
        generic_baselines=frozenset(w.lower() for w in data["generic_baselines"]),
        generic_terms=frozenset(
            line.strip().lower() for line in generic.splitlines() if line.strip() and not line.startswith("# ")
        ),
        generic_heads=frozenset(w.lower() for w in data["generic_heads"]),
        metric_before=re.compile(rf"(?:{_alt(data['metric_modifiers_before'])})\s+$", re.I),
        metric_after=re.compile(rf"\s+(?:{_alt(data['metric_modifiers_after'])})\b", re.I),
        units=dict(data["result_units"]),
    )


_CAMEL = re.compile(r"[a-z][A-Z]|[A-Z]{2}|\d[A-Za-z]|[A-Za-z]\d|[A-Za-z]-[A-Z]{1,2}\d*$")  # … "Swin-L", "ViT-B"


def is_name_token(token: str) -> bool:
    """True for a token shaped like a coined name: CamelCase, ACRONYM, letters+digits (``GPT-4``, ``MLICv2``).

    Plain capitalised words ("Training", "Global") are not: they start sentences and title words.
    """
    core = token.strip("()[],.;:'\"")
    if len(core) < 2 or not any(c.isalpha() for c in core):
        return False
    if core.isupper() and len(core) >= 2:
        return True
    return bool(_CAMEL.search(core)) and core[0].isalnum()


def head_type(phrase: str, default: EntityType = EntityType.METHOD) -> EntityType:
    """The entity type implied by a phrase's head noun ("… benchmark" → Benchmark), else ``default``."""
    cues = load_cues()
    low = phrase.lower().strip()
    for head in _heads_longest_first():
        if low.endswith(" " + head) or low == head:
            return cues.heads[head]
    return default


@functools.lru_cache(maxsize=1)
def _heads_longest_first() -> tuple[str, ...]:
    return tuple(sorted(load_cues().heads, key=len, reverse=True))


def extend_metric_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a metric mention over the words that make it a different measure.

    "testing accuracy", "GPU memory usage", "memory reduction", "training speedup" are what abstracts
    report; matching only "accuracy" or "memory" loses that the number is a reduction or a test score.
    """
    cues = load_cues()
    m = cues.metric_before.search(text, max(0, start - 40), start)
    if m and m.end() == start:
        start = m.start()
    m = cues.metric_after.match(text, end)
    if m:
        end = m.end()
    return start, end
