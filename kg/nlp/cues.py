"""Cue-word data (``kg/nlp/data/cues.json``) compiled once into regexes, and name-shape helpers.

Why a data file: cue lists are what people tune; keeping them out of code lets a reviewer see every
phrase a rule fires on, and lets a new cue be added without touching an algorithm.
"""

from __future__ import annotations

import functools
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Any, NamedTuple

from kg.model import EntityType

try:  # the regex parser's tree, read by literal_starts (private modules: without them the plain scan runs)
    from re import _constants as _sre  # type: ignore[attr-defined]
    from re._parser import parse as _sre_parse  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover
    _sre = None


@dataclass(frozen=True)
class Cues:
    propose: FoldedPattern
    naming: FoldedPattern
    beat: FoldedPattern
    beat_left: FoldedPattern
    beat_heads: frozenset[str]
    lowercase_method_heads: frozenset[str]
    comparative_than: FoldedPattern
    background: FoldedPattern
    measure: FoldedPattern
    task: FoldedPattern
    heads: dict[str, EntityType]
    generic_baselines: frozenset[str]
    generic_terms: frozenset[str]
    generic_heads: frozenset[str]
    metric_before: FoldedPattern
    metric_after: FoldedPattern
    units: dict[str, str]
    metric_widen_stop: frozenset[str]
    metric_widen_verb: re.Pattern[str]
    gated_measures: frozenset[str]
    measure_change_before: FoldedPattern
    number_format: FoldedPattern
    definition_metric_heads: frozenset[str]
    metric_list: FoldedPattern
    metric_list_phrases: tuple[str, ...]
    metric_list_not_items: frozenset[str]
    moved_by_value: FoldedPattern
    moved_not_heads: frozenset[str]
    task_framing: FoldedPattern
    task_settings: frozenset[str]
    non_task_heads: frozenset[str]
    paradigm_heads: frozenset[str]
    non_data_heads: frozenset[str]


#: Head nouns of task names ("… recognition", "… learning"): a phrase ending in one names a problem or a
#: paradigm, not a method or a component.
TASK_NOUNS = ("learning", "prediction", "classification", "detection", "segmentation", "recognition", "generation",
              "estimation", "translation", "retrieval", "forecasting", "understanding", "reasoning")


_LAST_LOWERED: list[str] = ["", ""]


def _lowered(text: str) -> str:
    """``text.lower()``, remembered for the last text seen (by identity).

    Why: the result rules search one abstract with many folded patterns at many positions
    (``search(text, pos, endpos)``); lower-casing the whole abstract on every call made a text with
    thousands of values quadratic (issue 9).
    """
    if _LAST_LOWERED[0] is not text:
        _LAST_LOWERED[0], _LAST_LOWERED[1] = text, text.lower()
    return _LAST_LOWERED[1]


class FoldedPattern:
    """A case-insensitive pattern that runs as a case-*sensitive* one on the lower-cased text.

    Why: Python's ``re`` is slow on long word alternations under ``re.IGNORECASE``; the same pattern on
    ``text.lower()`` is about three times faster (benchmarked on the sample corpus: the "beats" cues
    114 → 38 µs per abstract). The pattern's literal words must be lower-case (escapes such as ``\\w`` are).
    Offsets are those of the original text because ``str.lower`` keeps the length of almost every text;
    when it does not (a few Unicode letters expand), the ``re.IGNORECASE`` twin runs on the original.
    Match objects carry the lower-cased text: use their offsets, not ``group()``, for names.
    """

    __slots__ = ("fast", "pattern", "requires", "safe")

    def __init__(self, pattern: str, flags: int = 0, requires: str | None = None) -> None:
        """``requires``: a lower-case literal that every match contains ("than"). A text without it is
        answered "no match" by one substring test instead of a regex scan of every position."""
        if any(c.isupper() for c in re.sub(r"\\.", "", pattern)):
            raise ValueError(f"a folded pattern must be written in lower case: {pattern[:60]!r}")
        self.pattern = pattern
        self.requires = requires
        self.fast = re.compile(pattern, flags & ~re.I)
        self.safe = re.compile(pattern, flags | re.I)

    def _pick(self, text: str) -> tuple[re.Pattern[str], str]:
        low = _lowered(text)
        return (self.fast, low) if len(low) == len(text) else (self.safe, text)

    def _absent(self, text: str) -> bool:
        return self.requires is not None and self.requires not in _lowered(text)

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        if self._absent(text):
            return None
        pattern, subject = self._pick(text)
        if pattern is self.fast and min(endpos, len(subject)) - pos > _SCAN_FROM:
            return next(scan(pattern, subject, pos, endpos), None)
        return pattern.search(subject, pos, endpos)

    def match(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        pattern, subject = self._pick(text)
        return pattern.match(subject, pos, endpos)

    def window(self, text: str, pos: int, endpos: int) -> tuple[int, int] | None:
        """Offsets (into ``text``) of the first match inside ``text[pos:endpos]``, or None.

        Why: :meth:`search` lower-cases the whole text on every call; a rule that looks a few words around
        each mention would make that quadratic in the abstract's length. Only the window is lower-cased
        here (the window's edges count as word boundaries).
        """
        pos = max(0, pos)
        m = self.search(text[pos:endpos])
        return (pos + m.start(), pos + m.end()) if m else None

    def finditer(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        if self._absent(text):
            return iter(())
        pattern, subject = self._pick(text)
        if pattern is self.fast and min(endpos, len(subject)) - pos > _SCAN_FROM:
            return scan(pattern, subject, pos, endpos)
        return pattern.finditer(subject, pos, endpos)


#: Texts longer than this are searched by :func:`scan` (in a few words, the regex scan costs no more).
_SCAN_FROM = 120
#: Literal starts shorter than this are too common to be worth finding one by one ("a", "of").
_MIN_LITERAL = 3
#: At most this many literal starts are looked for: each is one ``str.find`` over the text (about 2 µs for
#: an abstract), so longer lists are cut to shorter common prefixes ("has been", "has become" → "has").
_MAX_LITERALS = 24


#: Stands for ``\\s+`` in a literal start ("in\\s+comparison" → "in" + _GAP + "comparison").
_GAP = "\x00"


def _is_space_run(op: object, av: Any) -> bool:
    """Whether a parsed item is ``\\s+`` (one or more white-space characters)."""
    if op not in (_sre.MAX_REPEAT, _sre.POSSESSIVE_REPEAT):
        return False
    low, _high, item = av
    return bool(low >= 1 and list(item.data) == [(_sre.IN, [(_sre.CATEGORY, _sre.CATEGORY_SPACE)])])


def _literal_prefixes(items: list[tuple[object, object]]) -> tuple[set[str], bool]:
    """The strings one of which every match of the parsed ``items`` starts with, and whether they are
    whole matches (so that what follows the items may be appended to them). ``\\s+`` is written _GAP."""
    out = {""}
    for op, av in items:
        if op in (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT):
            continue  # zero-width: checked when the pattern is matched at a candidate position
        if op is _sre.LITERAL and av != 0:
            add, complete = {chr(av)}, True  # type: ignore[arg-type]
        elif _is_space_run(op, av):
            add, complete = {_GAP}, True
        elif op is _sre.IN and all(o is _sre.LITERAL for o, _ in av):  # type: ignore[attr-defined]
            add, complete = {chr(a) for _, a in av}, True  # type: ignore[attr-defined]
        elif op is _sre.SUBPATTERN and not av[1] and not av[2]:  # type: ignore[index]  # no inline flags
            add, complete = _literal_prefixes(av[3].data)  # type: ignore[index]
        elif op is _sre.BRANCH:
            add, complete = set(), True
            for alt in av[1]:  # type: ignore[index]
                sub, sub_complete = _literal_prefixes(alt.data)
                add |= sub
                complete = complete and sub_complete
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT) and av[0] >= 1:  # type: ignore[index]
            add, _ = _literal_prefixes(av[2].data)  # type: ignore[index]
            complete = False  # one repetition is a prefix; what follows it is not known here
        else:
            return out, False
        combined = {a + b for a in out for b in add}
        if len(combined) > 8 * _MAX_LITERALS:
            return out, False
        out = combined
        if not complete:
            return out, False
    return out, True


class LiteralStarts(NamedTuple):
    """Where the matches of a pattern can start: ``offset`` characters before one of ``literals``, or
    before a ``word`` that ends a run of white space followed by ``literal`` (each of ``spaced``:
    "in\\s+comparison" is found as "comparison", then checked for "in" and white space before it)."""

    literals: tuple[str, ...]
    spaced: tuple[tuple[str, str], ...]  # (literal, word before it)
    folded: bool  # the pattern ignores case: the literals are lower-case, looked for in the lower-cased text
    offset: int  # the pattern opens with one character of a class ("\\s"), then the literal


#: pattern → its starts; keyed by ``id`` because hashing a compiled pattern hashes its whole program.
_STARTS: dict[int, tuple[re.Pattern[str], LiteralStarts | None]] = {}
#: Items that match exactly one character of a class.
_ONE_CHAR = ("IN", "ANY", "NOT_LITERAL")


def _shortened(starts: set[str]) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]] | None:
    """``starts`` as strings to look for: a start whose first word is short ("in" of "in\\s+comparison")
    is looked for by its second word; the others are cut to at most _MAX_LITERALS strings by shortening
    them to common prefixes, longest first (a string that begins with another one is dropped: its places
    are found by the shorter one). None if a start gives nothing long enough to look for."""
    plain: set[str] = set()
    spaced: set[tuple[str, str]] = set()
    for start in starts:
        word, _, rest = start.partition(_GAP)
        if len(word) >= _MIN_LITERAL or not rest:
            plain.add(word)
            continue
        second = rest.partition(_GAP)[0]
        if not word or len(second) < _MIN_LITERAL or any(c.isspace() for c in word + second):
            return None
        spaced.add((second, word))
    if plain and min(map(len, plain)) < _MIN_LITERAL or not plain and not spaced:
        return None
    room = _MAX_LITERALS - len(spaced)
    for width in range(max(map(len, plain), default=0), _MIN_LITERAL - 1, -1):
        cut = {s[:width] for s in plain}
        kept = tuple(sorted(s for s in cut if not any(o != s and s.startswith(o) for o in cut)))
        if len(kept) <= room:
            return kept, tuple(sorted(spaced))
    return ((), tuple(sorted(spaced))) if not plain and room >= 0 else None


def literal_starts(pattern: re.Pattern[str]) -> LiteralStarts | None:
    """The literal strings one of which every match of ``pattern`` starts with (possibly after one
    character of a class), or None when the pattern does not say (it opens with ``\\w+`` or a name-shaped
    group), or its starts are too many or too short.

    Why: ``re`` tries a pattern that opens with a look-behind or ``\\b`` ("(?<![\\w-])(?:outperforms|…)") at
    every character of the text, 50 ns or more each, and a few dozen such scans of every abstract were a
    large part of the pipeline's time. ``str.find`` finds a literal word some twenty times faster, so
    :func:`scan` looks for the literal starts and tries the pattern only where one stands. The starts are
    read from the pattern's own parse tree, so they cannot drift from it.
    """
    known = _STARTS.get(id(pattern))
    if known is not None and known[0] is pattern:
        return known[1]
    result = None
    if _sre is not None:
        try:
            parsed = _sre_parse(pattern.pattern, pattern.flags)
        except Exception:  # a parser of another Python version: the plain scan is always right
            parsed = None
        if parsed is not None:
            folded = bool((pattern.flags | parsed.state.flags) & re.IGNORECASE)
            for offset in (0, 1):
                items = parsed.data[offset:]
                if offset and not (items and str(parsed.data[0][0]) in _ONE_CHAR):
                    break
                starts, _ = _literal_prefixes(items)
                if folded:
                    starts = {s.lower() for s in starts} if all(s.isascii() for s in starts) else set()
                shortened = _shortened(starts) if starts else None
                if shortened is not None:
                    result = LiteralStarts(*shortened, folded, offset)
                    break
    _STARTS[id(pattern)] = (pattern, result)
    return result


def scan(pattern: re.Pattern[str], text: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
    """The matches of ``pattern.finditer(text, pos, endpos)``, found from the pattern's literal starts.

    Same matches, same order: a match can start only where :func:`literal_starts` says, the pattern is
    tried at those places left to right (``match`` sees the text before ``pos`` as ``search`` does, for
    look-behinds), and the scan resumes after each match as ``finditer`` does. A pattern that ignores case
    has its starts looked for in the lower-cased text when that is ASCII (then case-insensitive equality is
    lower-case equality; other texts get the plain scan).
    """
    starts = literal_starts(pattern)
    if starts is None or starts.folded and not text.isascii():
        yield from pattern.finditer(text, pos, endpos)
        return
    subject = _lowered(text) if starts.folded else text
    endpos = min(endpos, len(text))
    places: list[int] = []
    for lit in starts.literals:
        i = subject.find(lit, pos + starts.offset, endpos)
        while i >= 0:
            places.append(i - starts.offset)
            i = subject.find(lit, i + 1, endpos)
    for lit, word in starts.spaced:
        i = subject.find(lit, pos, endpos)
        while i >= 0:
            j = i
            while j > 0 and subject[j - 1].isspace():
                j -= 1
            if j < i and subject.endswith(word, 0, j):
                places.append(j - len(word) - starts.offset)
            i = subject.find(lit, i + 1, endpos)
    if len(starts.literals) + len(starts.spaced) > 1:
        places.sort()
    resume = pos
    for i in places:
        if i < resume:
            continue
        m = pattern.match(text, i, endpos)
        if m is not None:
            yield m
            resume = max(m.end(), i + 1)


def anchored_finditer(pattern: re.Pattern[str], anchor: re.Pattern[str], text: str, before: int) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)`` for a pattern whose every match contains an ``anchor`` match that starts at
    most ``before`` characters after the match does.

    Why: a pattern that opens with a name-shaped group is tried at every character of the abstract; its
    anchor word ("dataset", "novel") is rare and cheap to find. Running the pattern only in the window
    before each anchor gives the same matches several times faster (benchmarks/extract_speed.py).
    """
    last_end = 0
    for a in scan(anchor, text):
        m = pattern.search(text, max(last_end, a.start() - before), min(len(text), a.end() + 80))
        while m is not None and m.end() <= last_end:
            m = pattern.search(text, m.end(), min(len(text), a.end() + 80))
        if m is None or m.start() > a.start():
            continue
        last_end = m.end()
        yield m


def _alt(words: list[str]) -> str:
    words = [w.lower() for w in words]
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(set(words), key=len, reverse=True))


def _words(words: list[str]) -> FoldedPattern:
    return FoldedPattern(rf"(?<![\w-])(?:{_alt(words)})(?![\w-])")


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
        beat_left=_words(data["beat_left_cues"]),
        beat_heads=frozenset(w.lower() for w in data["beat_head_nouns"]),
        lowercase_method_heads=frozenset(w.lower() for w in data["lowercase_method_heads"]),
        comparative_than=FoldedPattern(rf"(?<![\w-])(?:{_alt(data['comparative_than'])})\b[^.;]{{0,60}}?\bthan\b",
                                        requires="than"),
        background=_words(data["background_cues"]),
        measure=_words([w for w in data["measure_cues"] if w != "%"]),
        task=_words(data["task_cues"]),
        heads=heads,
        generic_baselines=frozenset(w.lower() for w in data["generic_baselines"]),
        generic_terms=frozenset(
            line.strip().lower() for line in generic.splitlines() if line.strip() and not line.startswith("# ")
        ),
        generic_heads=frozenset(w.lower() for w in data["generic_heads"]),
        metric_before=FoldedPattern(rf"(?<![\w-])(?:{_alt(data['metric_modifiers_before'])})\s+$"),
        metric_after=FoldedPattern(rf"\s+(?:{_alt(data['metric_modifiers_after'])})\b"),
        units=dict(data["result_units"]),
        metric_widen_stop=frozenset(w.lower() for w in data["metric_widen_stop"]),
        gated_measures=frozenset(w.lower() for w in data["gated_measures"]),
        measure_change_before=FoldedPattern(
            rf"(?<![\w-])(?:{_alt(data['measure_change_before'])})"
            r"(?:\s+(?:the|its|their|our|a|an|much|significantly|substantially|greatly|further|dramatically|"
            r"considerably|consistently))*\s+$"),
        number_format=FoldedPattern(
            rf"(?:(?<![\w-])(?:{_alt(data['number_format_before'])})[\s-]+precision(?![\w-])"
            rf"|(?<![\w-])precision[\s-]+(?:{_alt(data['number_format_after'])})(?![\w-]))"),
        definition_metric_heads=frozenset(w.lower() for w in data["definition_metric_heads"]),
        metric_list=FoldedPattern(rf"(?<![\w-])(?:{_alt(data['metric_list_cues'])})\s+(?:(?:both|the)\s+)?"),
        metric_list_phrases=tuple(w.lower() for w in data["metric_list_cues"]),
        metric_list_not_items=frozenset(w.lower() for w in data["metric_list_not_items"]),
        moved_by_value=FoldedPattern(
            rf"(?<![\w-])(?:{_alt(data['moved_by_value_verbs'])})\s+(?:(?:the|its|their|our)\s+)?"
            r"((?:[\w\-]+\s+){0,4}?[\w\-]+)\s+by\s+(?:a factor of\s+|up to\s+|over\s+|about\s+|nearly\s+|"
            r"around\s+|approximately\s+|~\s*)?\d"),
        moved_not_heads=frozenset(w.lower() for w in data["moved_by_value_not_heads"]),
        metric_widen_verb=re.compile(rf"^(?:{'|'.join(map(re.escape, data['metric_widen_verbs']))})(?:e|es|s|ing)?$"),
        task_framing=FoldedPattern(rf"(?:(?:{_alt(data['task_framing_words'])})\s+)+"),
        task_settings=frozenset(w.lower() for w in data["task_setting_modifiers"]),
        non_task_heads=frozenset(w.lower() for w in data["non_task_heads"]),
        paradigm_heads=frozenset(w.lower() for w in data["paradigm_task_heads"]),
        non_data_heads=frozenset(w.lower() for w in data["non_data_heads"])
        | frozenset(w.lower() for w in data["artifact_heads"]["Method"]),
    )


_CAMEL = re.compile(r"[a-z][A-Z]|[A-Z]{2}|\d[A-Za-z]|[A-Za-z]\d|[A-Za-z]-[A-Z]{1,2}\d*$")  # … "Swin-L", "ViT-B"


def is_name_token(token: str) -> bool:
    """True for a token shaped like a coined name: CamelCase, ACRONYM, letters+digits (``GPT-4``, ``MLICv2``).

    Plain capitalised words ("Training", "Global") are not: they start sentences and title words.
    """
    core = token.strip("()[],.;:'\"“”‘’")
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


def extend_metric_span(text: str, start: int, end: int, max_words: int = 3) -> tuple[int, int]:
    """Widen a metric mention over the words that make it a different measure.

    "testing accuracy", "GPU memory usage", "memory reduction", "training speedup" are what abstracts
    report; matching only "accuracy" or "memory" loses that the number is a reduction or a test score.
    Leftwards, the listed modifiers ("GPU", "top-1") are taken, then up to ``max_words`` lower-case content
    words ("per-epoch training time", "final test accuracy", "surface reconstruction accuracy"): abstracts
    name their measures by stacking nouns before a head, and the lexicon cannot list every stack. A
    function word, an evaluative or comparative word ("higher", "competitive"), an adverb, a participle
    ("reduced error rate") or a verb in -ing ("improving accuracy") ends the widening: they say how the
    measure moved, not which measure it is. Capitalised words stop it too ("ImageNet top-1 accuracy" is
    top-1 accuracy measured on a dataset).
    """
    cues = load_cues()
    # An acronym ("SIM", "MAE") is already a specific name: prose words before it more often modify what
    # it stands in ("rolling SIM imaging"), so only the listed modifiers widen it ("validation mAP").
    prose_head = any(c.islower() for c in text[start:end]) and not is_name_token(text[start:end])
    for _ in range(max_words):
        hit = cues.metric_before.window(text, start - 40, start)
        if hit and hit[1] == start:
            start = hit[0]
            continue
        w = _PREV_METRIC_WORD.search(text, max(0, start - 40), start) if prose_head else None
        if not w:
            break
        word = w.group(1)
        if word in cues.metric_widen_stop or word in _TASK_STOP or word.endswith(("ly", "ed", "ous", "ive", "ble")) \
                or cues.metric_widen_verb.match(word):
            break
        start = w.start(1)
    hit = cues.metric_after.window(text, end, end + 40)
    if hit and hit[0] == end:
        end = hit[1]
    return start, end


# The word before a position: lower-case letters, digits inside ("top-5"), hyphens ("per-epoch").
_PREV_METRIC_WORD = re.compile(r"(?<![\w-])([a-z][a-z0-9\-]*[a-z0-9]) +$")


# Words that never belong to a task's name when they stand before it: function words, evaluative and
# framing adjectives ("challenging object detection", "downstream segmentation").
_TASK_STOP = frozenset("""
a an the this that these those our their its his her your my we they it and or but nor of for in on at to
from by with via into onto over under than as both either each every all any some many several various
most more less few other such same own new novel existing previous prior recent current modern popular
standard common typical traditional conventional classic classical important key main major critical
challenging difficult hard complex simple general generic downstream upstream diverse different
multiple single real-world practical efficient effective accurate robust fast scalable large-scale
state-of-the-art sota is are was were be been being has have had do does did can could may might will
would should must not also further which who whose where when while via using based
address addresses tackle tackles solve solves improve improves enable enables perform performs
study studies investigate investigates consider considers explore explores propose proposes present presents
introduce introduces achieve achieves target targets focus focuses boost boosts benchmark benchmarks
""".split())
#: The same words, for the task rules in ``kg_relations`` that read a phrase leftwards from a head noun.
TASK_STOP = _TASK_STOP


# Verbs, numbers and comparison words that stood before task names in train abstracts ("adapt powerful
# interactive segmentation", "four image classification", "tasks like human action recognition").
_WIDEN_STOP = frozenset("""
adapt use apply facilitate support allow help make like unlike real better worse two three four five six seven
eight nine ten
""".split())


_PREV_WORD = re.compile(r"(?<![\w-])([a-z][a-z\-]*[a-z]) +$")


def extend_task_span(text: str, start: int, end: int, max_words: int = 3) -> tuple[int, int]:
    """Widen a task mention leftwards over the modifiers that make it the paper's task.

    "human action recognition", "acoustic event detection", "stroke lesion segmentation" are what papers
    address; the lexicon knows "action recognition". Lower-case content words (and hyphenated ones) are
    taken, at most ``max_words``; a function word, an evaluative adjective, a capitalised word, a number or
    punctuation stops the widening.
    """
    pos = start
    for _ in range(max_words):
        m = _PREV_WORD.search(text, max(0, pos - 40), pos)
        if not m:
            break
        word = m.group(1)
        if word in _TASK_STOP or word in _WIDEN_STOP or word.endswith(("ly", "ed", "ing", "ous")):
            break
        if word.endswith("s") and not word.endswith(("ss", "ics", "sis", "us")):
            break  # "converts semantic segmentation", "harnesses continual learning": a verb or a plural
            # (English modifiers are singular: "image classification"), not part of the task's name
        pos = m.start(1)
    return pos, end


_EDITION = re.compile(r" (?:19|20)\d\d(?![\d\w.%-])")


def extend_dataset_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a dataset mention over the edition year that follows it: "ImageNet 2012", "PASCAL VOC 2007",
    "COCO 2017" name one release of the collection (the entity stays the lexicon's dataset)."""
    m = _EDITION.match(text, end)
    return (start, m.end()) if m else (start, end)

