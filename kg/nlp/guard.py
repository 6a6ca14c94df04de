"""Bounds on what reaches the tokenizer and the rules: pathological text costs linear time, or is skipped.

Why: spaCy's tokenizer strips prefixes and suffixes from a white-space-delimited chunk one at a time,
re-searching the rest of the chunk each time, so one chunk of n affix characters (20,000 ``%`` signs, quotes,
emoji, ``/``-joined names) costs O(n²): issue 9 measured 15-98 s for single abstracts. Real tokens are
short (the longest names in the corpus are well under 50 characters), so a chunk longer than
:data:`MAX_CHUNK_CHARS` is broken by turning every :data:`MAX_CHUNK_CHARS`-th character into a space, and
so is a run of more than :data:`MAX_SYMBOL_RUN` punctuation/symbol characters. URLs longer than 50
characters get a space too; they are never names, and the offsets stay exact.

The replacement keeps the text's *length*: every character offset of the evidence still points at the same
place in the paper's title or abstract.
"""

from __future__ import annotations

import re

#: Longest run of non-space characters handed to the tokenizer in one piece.
#: Longest run of non-space characters handed to the tokenizer in one piece.
MAX_CHUNK_CHARS = 50
#: Longest run of punctuation/symbol characters (each one a prefix or suffix the tokenizer strips, one
#: regex search at a time: 50-character chunks of ``'`` or ``’`` still cost 0.6 s per 20,000 characters).
MAX_SYMBOL_RUN = 8

_LONG_CHUNK = re.compile(rf"\S{{{MAX_CHUNK_CHARS + 1},}}")
_SYMBOL_RUN = re.compile(rf"[^\w\s]{{{MAX_SYMBOL_RUN + 1},}}")
# The same questions asked the other way round: does the whole text consist of short chunks (of short
# symbol runs and other characters)? Nearly every text does, and one match that steps over it a chunk at a
# time (possessive, so it never backtracks) answers that in a third of the time of searching for a long run
# from every character, which cost a third of the tokenizer's own time on ordinary abstracts.
_SHORT_CHUNKS = re.compile(rf"\s*+(?:\S{{1,{MAX_CHUNK_CHARS}}}+(?:\s++|\Z))*+\Z")
_SHORT_SYMBOL_RUNS = re.compile(rf"(?:[\w\s]++|[^\w\s]{{1,{MAX_SYMBOL_RUN}}}+(?![^\w\s]))*+\Z")


def _break(text: str, pattern: re.Pattern[str], every: int, clean: re.Pattern[str]) -> str:
    """Turn every ``every``-th character of each ``pattern`` match after the first ``every`` into a space
    (``clean`` matches exactly the texts in which ``pattern`` finds nothing)."""
    if clean.match(text) is not None:
        return text
    parts: list[str] = []
    last = 0
    for m in pattern.finditer(text):
        chunk = list(m.group())
        for i in range(every, len(chunk), every + 1):
            chunk[i] = " "
        parts.append(text[last : m.start()])
        parts.append("".join(chunk))
        last = m.end()
    parts.append(text[last:])
    return "".join(parts)


def defuse(text: str) -> str:
    """``text`` with over-long non-space chunks and symbol runs broken by spaces (same length, linear time).

    >>> defuse("%" * 5)
    '%%%%%'
    >>> len(defuse("a" * 1000)) == 1000 and defuse("a" * 1000).count(" ") == 19
    True
    >>> defuse("%" * 12)
    '%%%%%%%% %%%'
    """
    return _break(_break(text, _LONG_CHUNK, MAX_CHUNK_CHARS, _SHORT_CHUNKS), _SYMBOL_RUN, MAX_SYMBOL_RUN,
                  _SHORT_SYMBOL_RUNS)
