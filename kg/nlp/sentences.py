"""``kg_sentences``: rule-based sentence boundaries that know scientific abbreviations.

spaCy's ``sentencizer`` splits after every period, so "e.g. CLIP" or "et al. show" would end sentences
and cut evidence sentences in half. This splitter ends a sentence at ``.``, ``!`` or ``?`` followed by
white space and an upper-case letter, digit or opening bracket, unless the period closes a known
abbreviation or a single initial; a blank line (title / abstract separator) always ends one.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

_NO_SPLIT_AFTER = re.compile(
    r"(?:\b(?:e\.g|i\.e|et al|etc|vs|cf|Fig|Figs|Eq|Eqs|Sec|Tab|No|approx|resp|w\.r\.t|Dr|Mr|Ms|St|Inc|Ltd|Jr)"
    r"|\b[A-Z])\.$"
)
_BOUNDARY = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[A-Z0-9(\[\"“])|\n\s*\n")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` character spans of the sentences of ``text`` (whitespace between them excluded)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        head = text[start : m.start() + 1].rstrip()
        if text[m.start() : m.end()].strip() == "" and "\n" not in text[m.start() : m.end()] and _NO_SPLIT_AFTER.search(head):
            continue
        end = m.start()
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
        start = m.end()
    end = len(text.rstrip())
    if end > start:
        spans.append((start, end))
    return spans


class SentenceSplitter:
    def __init__(self, nlp: Language, name: str = "kg_sentences") -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        starts = {s for s, _ in split_sentences(doc.text)}
        for token in doc:
            token.is_sent_start = token.i == 0 or token.idx in starts
        return doc


@Language.factory("kg_sentences", assigns=["token.is_sent_start"], default_config={})
def make_sentence_splitter(nlp: Language, name: str) -> SentenceSplitter:
    return SentenceSplitter(nlp, name)
