"""``kg_sentences``: rule-based sentence boundaries that know scientific abbreviations.

spaCy's ``sentencizer`` splits after every period, so "e.g. CLIP" or "et al. show" would end sentences
and cut evidence sentences in half. This splitter ends a sentence at ``.``, ``!`` or ``?`` followed by
white space and an upper-case letter, digit or opening bracket, unless the period closes a known
abbreviation or a single initial; a blank line (title / abstract separator) always ends one.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator

import numpy
from spacy.attrs import IDX, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

_NO_SPLIT_AFTER = re.compile(
    r"(?:\b(?:e\.g|i\.e|et al|etc|vs|cf|Fig|Figs|Eq|Eqs|Sec|Tab|No|approx|resp|w\.r\.t|Dr|Mr|Ms|St|Inc|Ltd|Jr)"
    r"|\b[A-Z])\.$"
)
_TAIL = 16
_BOUNDARY = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[A-Z0-9(\[\"“])|\n\s*\n")
#: Where a ``_BOUNDARY`` match can start: right after an end mark, or at a line break.
_END_MARK = re.compile(r"[.!?\n]")


def _boundaries(text: str) -> Iterator[re.Match[str]]:
    """``_BOUNDARY.finditer(text)``, tried only where a match can start.

    Why: a pattern that opens with a look-behind is tried at every character (``re`` cannot skip ahead
    to a literal); end marks are found by a fast class scan and are a few dozen per abstract. This was most
    of the sentence splitter's time.
    """
    resume = 0
    for mark in _END_MARK.finditer(text):
        at = mark.start() if mark.group() == "\n" else mark.end()
        if at < resume:
            continue
        m = _BOUNDARY.match(text, at)
        if m is not None:
            yield m
            resume = m.end()


def split_sentences(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` character spans of the sentences of ``text`` (whitespace between them excluded)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _boundaries(text):
        # Only the tail can end in an abbreviation (the longest, "approx.", is 7 characters): looking at the
        # whole pending sentence made "A. A. A. …" quadratic (issue 9).
        head = text[max(start, m.start() - _TAIL) : m.start() + 1].rstrip()
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


if not Doc.has_extension("kg_sentences"):
    Doc.set_extension("kg_sentences", default=None)
if not Doc.has_extension("kg_text"):
    Doc.set_extension("kg_text", default=None)


def doc_text(doc: Doc) -> str:
    """``doc.text``, computed once per Doc.

    Why: ``Doc.text`` re-joins every token on each access; read by every component it was over half of
    the pipeline's time (profiled). The first component stores it; the text of a Doc never changes.
    """
    text = doc._.kg_text
    if text is None:
        text = doc.text
        doc._.kg_text = text
    return text


def sentence_of(sentences: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    """The sentence span containing ``pos``, or ``(0, 0)`` (sentences are sorted and disjoint: binary search)."""
    i = bisect.bisect_right(sentences, (pos, float("inf"))) - 1
    if i >= 0 and sentences[i][0] <= pos < sentences[i][1]:
        return sentences[i]
    return 0, 0


def make_docs(nlp: Language, texts: Iterable[str]) -> Iterator[Doc]:
    """Tokenise ``texts`` into Docs that already know their text, for ``nlp.pipe``.

    Why: spaCy rebuilds ``Doc.text`` from the tokens (a Python object per token); we have the exact
    string in hand, so we keep it instead (measured: a sixth of the whole pipeline's time on 3,000 abstracts).
    """
    for text in texts:
        doc = nlp.make_doc(text)
        doc._.kg_text = text
        yield doc


class SentenceSplitter:
    """Sets token sentence starts *and* ``doc._.kg_sentences`` (char spans), which the other components
    read: iterating ``doc.sents`` builds a Python object per token and cost more than all our rules."""

    def __init__(self, nlp: Language, name: str = "kg_sentences") -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        spans = split_sentences(doc_text(doc))
        doc._.kg_sentences = spans
        if len(doc):
            idx = doc.to_array(IDX)
            # token offsets are sorted: find each sentence start by bisection (numpy.isin sorts both sides)
            wanted = numpy.fromiter((s for s, _ in spans), dtype=idx.dtype, count=len(spans))
            at = numpy.searchsorted(idx, wanted)
            hit = at < len(idx)
            at = at[hit]
            at = at[idx[at] == wanted[hit]]
            starts = numpy.zeros(len(idx), dtype=bool)
            starts[at] = True
            starts[0] = True
            # uint64 is what Doc.from_array expects; -1 ("not a start") wraps as spaCy's own arrays do.
            values = numpy.where(starts, 1, -1).astype("int64").astype("uint64").reshape(-1, 1)
            doc.from_array([SENT_START], values)  # type: ignore[arg-type]  # a numpy uint64 column
        return doc


@Language.factory("kg_sentences", assigns=["token.is_sent_start", "doc._.kg_sentences", "doc._.kg_text"], default_config={})
def make_sentence_splitter(nlp: Language, name: str) -> SentenceSplitter:
    return SentenceSplitter(nlp, name)
