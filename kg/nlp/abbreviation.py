"""Abbreviation definitions: "long form (SHORT)", "SHORT (long form)" and "long form, or SHORT".

The algorithm is Schwartz & Hearst (2003), *A simple algorithm for identifying abbreviation definitions in
biomedical text* (PSB), as in scispacy's ``abbreviation.py``, adapted to ML writing:

* the short form may contain digits, lower-case letters and hyphens (``MLICv2``, ``BD-rate``, ``GL-LCM``)
  and a plural ``s`` (``LLMs`` ↔ "Large Language Models");
* the long form is found by matching the short form's characters right-to-left against the words before
  the parenthesis, each short-form character matching a word start for the first character (the
  S&H rule), within ``min(|SHORT| + 5, 2·|SHORT|)`` words;
* parentheses holding ordinary prose (``(i.e., …)``, ``(e.g., …)``, ``(2.3%)``, ``(Fig. 1)``, citations)
  are not short forms, which the shape checks below reject.

Everything is a pure function of the text; :class:`AbbreviationDetector` only stores the result on the Doc.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from kg.nlp.sentences import doc_text

Span = tuple[int, int]
Pair = tuple[Span, Span]  # ((short_start, short_end), (long_start, long_end))

_PAREN = re.compile(r"\(([^()]{1,80})\)")
_OR_SHORT = re.compile(r",\s+or\s+([A-Z][A-Za-z0-9\-]{1,14})\b")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’+]*")
_PROSE_START = re.compile(r"^(?:i\.e\.|e\.g\.|cf\.|see|fig|table|eq|sec|ours|which|where|such|including|et al)", re.I)
#: Characters that may separate a long form from its parenthesis: "Low-Rank Adaptation (LoRA)".
_MAX_SHORT = 15


def is_short_form(text: str) -> bool:
    """True if ``text`` can be an abbreviation: 2–15 chars, one word, starts alnum, has a capital letter.

    Why require a capital: lower-case parentheticals ("(ours)", "(left)") are almost never acronyms in
    abstracts, and requiring one keeps precision high at almost no recall cost.
    """
    text = text.strip()
    if not 2 <= len(text) <= _MAX_SHORT or " " in text:
        return False
    if not text[0].isalnum() or not any(c.isupper() for c in text):
        return False
    if not any(c.isalpha() for c in text):
        return False
    if _PROSE_START.match(text):
        return False
    return sum(c.isalpha() for c in text) >= 2 or text.isupper()


def _strip_plural(short: str) -> str:
    # "LLMs" ↔ "Large Language Models": the trailing lower-case s is the plural, not a letter to match.
    return short[:-1] if len(short) > 2 and short.endswith("s") and short[-2].isupper() else short


_INITIAL = re.compile(r"(?:(?<=^)|(?<=[\s\-/]))[A-Za-z0-9]")


def find_long_form_by_initials(short: str, candidate: str) -> int | None:
    """Start offset of a long form whose *word initials* spell ``short`` (right to left), or None.

    Tried before the character-level S&H search because it prefers the intended reading: for "Singular
    Values and Orthonormal Regularized Singular Vectors Adaptation, or SORSA" S&H stops at the nearest
    match ("Singular Vectors Adaptation"), while the initials S·O·R·S·A span the whole name. Words whose
    initials are not in the short form ("Values", "and") may be skipped; hyphenated parts count as words.
    """
    s_chars = [c.lower() for c in _strip_plural(short) if c.isalpha()]
    if len(s_chars) < 2 or any(c.islower() for c in _strip_plural(short)[1:] if c.isalpha()) and not short.isupper():
        # Mixed-case short forms ("DeGLA", "MLICv2") take letters from inside words: leave them to S&H.
        return None
    initials = list(_INITIAL.finditer(candidate))
    # Minor words ("and", "of") rarely give a letter: "Accuracy and Global-Local … Problem (AGLFOP)" takes
    # its A from "Accuracy". Try without them first, then with them ("Bag of Words (BoW)").
    content = [m for m in initials if candidate[m.start():].split(None, 1)[0].lower() not in _MINOR_WORDS]
    for pool in (content, initials):
        start = _initials_start(s_chars, pool)
        if start is not None:
            return start
    return None


_MINOR_WORDS = frozenset({"and", "or", "of", "the", "for", "with", "to", "in", "on", "a", "an", "via", "by"})


def _initials_start(s_chars: list[str], initials: list[re.Match[str]]) -> int | None:
    s_idx = len(s_chars) - 1
    i = len(initials) - 1
    last_start = None
    # The last short-form letter must be the initial of the last word: "X Adaptation (SA)".
    while s_idx >= 0 and i >= 0:
        if initials[i].group().lower() == s_chars[s_idx]:
            last_start = initials[i].start()
            s_idx -= 1
        elif s_idx == len(s_chars) - 1:
            return None
        i -= 1
    if s_idx >= 0 or last_start is None:
        return None
    return last_start


def find_long_form(short: str, candidate: str) -> int | None:
    """Schwartz–Hearst best long form: the start offset in ``candidate`` of the long form, or None.

    Scans ``short``'s alphanumeric characters right to left; each must appear in ``candidate`` (moving left),
    and the first character of ``short`` must start a word. Returns the offset of that word's start.
    """
    s_chars = [c.lower() for c in _strip_plural(short) if c.isalnum()]
    if not s_chars:
        return None
    s_idx = len(s_chars) - 1
    l_idx = len(candidate) - 1
    while s_idx >= 0:
        c = s_chars[s_idx]
        while l_idx >= 0 and (
            candidate[l_idx].lower() != c
            or (s_idx == 0 and l_idx > 0 and candidate[l_idx - 1].isalnum())
        ):
            l_idx -= 1
        if l_idx < 0:
            return None
        l_idx -= 1
        s_idx -= 1
    # Extend to the start of the word holding the first match.
    start = l_idx + 1
    while start > 0 and candidate[start - 1].isalnum():
        start -= 1
    return start


def _window_start(text: str, end: int, n_words: int) -> int:
    """Offset where the ``n_words`` words before ``end`` begin (within the same sentence-ish clause)."""
    # Only the last few words matter: scan a bounded window, not the text from its start.
    words = list(_WORD.finditer(text, max(0, end - 40 * n_words), end))
    if not words:
        return end
    first = words[max(0, len(words) - n_words)].start()
    # Never cross a sentence end or a semicolon/colon: a long form lives in the same clause.
    cut = max(text.rfind(". ", first, end), text.rfind("; ", first, end), text.rfind(": ", first, end))
    return cut + 2 if cut >= 0 else first


def _valid_long(long: str, short: str) -> bool:
    words = long.split()
    if not words or len(long) <= len(short):
        return False
    if len(words) > min(len(short) + 5, len(short) * 2):
        return False
    # The long form must not be mostly the short form again ("CLIP model (CLIP)").
    return short.lower() not in long.lower().split()


_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z0-9\-]{1,14})\s*$")


def find_abbreviations(text: str) -> list[Pair]:
    """All abbreviation definitions in ``text`` as ((short_start, short_end), (long_start, long_end)).

    >>> t = "Low-Rank Adaptation (LoRA) is popular."
    >>> [(t[s0:s1], t[l0:l1]) for (s0, s1), (l0, l1) in find_abbreviations(t)]
    [('LoRA', 'Low-Rank Adaptation')]
    """
    pairs: list[Pair] = []
    for m in _PAREN.finditer(text):
        inner = m.group(1)
        inner_start = m.start(1)
        # "(SHORT)" or "(SHORT; …)" / "(SHORT, …)": the short form is the first chunk.
        first = re.split(r"[;,]\s", inner, maxsplit=1)[0].strip()
        if is_short_form(first):
            s0 = inner_start + inner.index(first)
            s1 = s0 + len(first)
            n = min(len(first) + 5, len(first) * 2)
            w0 = _window_start(text, m.start(), n)
            window = text[w0 : m.start()].rstrip()
            # "a Decoupled Global-Local Alignment (DeGLA) framework" — drop trailing commas etc.
            start = find_long_form_by_initials(first, window)
            if start is None or not _valid_long(window[start:].strip(" ,"), first):
                start = find_long_form(first, window)
            if start is not None:
                long = window[start:].strip(" ,")
                if _valid_long(long, first):
                    l0 = w0 + start
                    pairs.append(((s0, s1), (l0, l0 + len(long))))
                    continue
        # "SHORT (long form)": the word before the parenthesis is the short form.
        # Searched in a bounded window before the parenthesis: on the whole prefix it was quadratic (issue 9).
        before = _WORD_BEFORE.search(text, max(0, m.start() - 64), m.start())
        if before and is_short_form(before.group(1)) and " " in inner.strip():
            long = inner.strip()
            short = before.group(1)
            if find_long_form(short, long) == 0 and _valid_long(long, short):
                l0 = inner_start + inner.index(long)
                pairs.append(((before.start(1), before.end(1)), (l0, l0 + len(long))))
    for m in _OR_SHORT.finditer(text):
        # "Singular Values and … Adaptation, or SORSA": the S&H search on the text before ", or".
        short = m.group(1)
        if not is_short_form(short):
            continue
        n = min(len(short) + 5, len(short) * 2)
        w0 = _window_start(text, m.start(), n)
        window = text[w0 : m.start()]
        start = find_long_form_by_initials(short, window)
        if start is None:
            start = find_long_form(short, window)
        if start is not None and _valid_long(window[start:], short):
            pairs.append(((m.start(1), m.end(1)), (w0 + start, m.start())))
    return sorted(set(pairs))


if not Doc.has_extension("kg_abbreviations"):
    Doc.set_extension("kg_abbreviations", default=None)


class AbbreviationDetector:
    """Thin component: ``doc._.kg_abbreviations = find_abbreviations(doc_text(doc))``."""

    def __init__(self, nlp: Language, name: str = "kg_abbreviations") -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        doc._.kg_abbreviations = find_abbreviations(doc_text(doc))
        return doc


@Language.factory(
    "kg_abbreviations",
    assigns=["doc._.kg_abbreviations"],
    default_config={},
)
def make_abbreviation_detector(nlp: Language, name: str) -> AbbreviationDetector:
    return AbbreviationDetector(nlp, name)
