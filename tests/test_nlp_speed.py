"""The speed-ups of the rule components give the same answers as the plain code they replace.

Each fast path (literal-start scans, the sentence-boundary and slashed-name scans, the defuse pre-check,
span filtering on offsets) is compared with the straightforward call on the embedded abstracts and on
generated text that stresses its edge cases.
"""

from __future__ import annotations

import random
import re

import pytest
from spacy.util import filter_spans

import kg.nlp.candidates as candidates
import kg.nlp.relations as relations
import kg.nlp.results as results
from kg.extract import paper_text
from kg.nlp import guard, load_nlp
from kg.nlp.cues import FoldedPattern, literal_starts, load_cues, scan
from kg.nlp.lexicon_matcher import _SLASHED_WORD, _longest_first, _slashed_words
from kg.nlp.sentences import _BOUNDARY, _boundaries, split_sentences
from kg.sources import embedded_corpus, read_corpus


@pytest.fixture(scope="module")
def abstracts() -> list[str]:
    return [guard.defuse(paper_text(p)) for p in read_corpus(embedded_corpus())[:150]]


def _generated(alphabet: list[str], n: int, seed: int, longest: int = 60) -> list[str]:
    rnd = random.Random(seed)
    return ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, longest))) for _ in range(n)]


def _module_patterns() -> list[tuple[str, re.Pattern[str]]]:
    """Every compiled pattern (and the case-sensitive twin of every folded one) the components define."""
    found: list[tuple[str, re.Pattern[str]]] = []
    for module in (candidates, relations, results):
        for name, value in vars(module).items():
            if isinstance(value, FoldedPattern):
                value = value.fast
            if isinstance(value, re.Pattern):
                found.append((f"{module.__name__}.{name}", value))
    cues = load_cues()
    for name in cues.__dataclass_fields__:
        value = getattr(cues, name)
        if isinstance(value, FoldedPattern):
            found.append((f"cues.{name}", value.fast))
    for pattern, anchor, _before, _head in relations._TASK_PATTERNS:
        found += [("task pattern", pattern), ("task anchor", anchor)]
    return found


_SCANNED = [(name, p) for name, p in _module_patterns() if literal_starts(p) is not None]


def test_literal_starts_cover_the_anchors() -> None:
    """The rare-word anchors are the point of the scan: each of them must get literal starts."""
    for anchor in (candidates._PASSIVE_ANCHOR, candidates._APPOSITIVE_ANCHOR, candidates._ARTIFACT_ANCHOR,
                   candidates._ARTIFACT_APPOSITION_ANCHOR, *(a for _, a, _, _ in relations._TASK_PATTERNS)):
        assert literal_starts(anchor) is not None, anchor.pattern


@pytest.mark.parametrize(
    ("pattern", "starts", "spaced"),
    [
        (r"\b(?:novel|new|simple)\b", ("new", "novel", "simple"), ()),
        (r"(?<![\w-])(?:outperforms|outperform)(?![\w-])", ("outperform",), ()),
        (r"\s(?:dataset|corpus)s?\b", ("corpus", "dataset"), ()),  # after one character of a class
        (r"(?i)\b(?:Task|problem) of\b", ("problem of", "task of"), ()),  # lower-cased, looked for in lower case
        (r"[Oo]ur\s+model", ("Our", "our"), ()),
        # a short first word is found by the word after its white space
        (r"(?<![\w-])(?:in\s+comparison\s+to|is\s+outperformed|lags\s+behind)", ("lags",),
         (("comparison", "in"), ("outperformed", "is"))),
        (r"\w+ing", None, None),  # no literal start
        (r"(?:a|an)\s+", None, None),  # too short to be worth finding
        (r"x?abc", None, None),  # an optional first item
        (r"\s+abc", None, None),  # white space first
    ],
)
def test_literal_starts(
    pattern: str, starts: tuple[str, ...] | None, spaced: tuple[tuple[str, str], ...] | None
) -> None:
    got = literal_starts(re.compile(pattern))
    assert (got.literals if got else None) == starts
    assert (got.spaced if got else None) == spaced


@pytest.mark.parametrize(("name", "pattern"), _SCANNED, ids=[n for n, _ in _SCANNED])
def test_scan_finds_what_finditer_finds(name: str, pattern: re.Pattern[str], abstracts: list[str]) -> None:
    texts = abstracts + [t.lower() for t in abstracts[:40]]
    # Literal fragments of the pattern, glued by spaces, hyphens and word characters, hit its edge cases.
    pieces = [*re.findall(r"[a-z]{2,}", pattern.pattern)[:40], " ", "-", "x", ",", "\n", "(", "A", "1", ". "]
    pieces += ["\t ", "  "]
    texts += _generated(pieces, 400, seed=len(name))
    for text in texts:
        assert [m.span() for m in scan(pattern, text)] == [m.span() for m in pattern.finditer(text)], text
        assert [m.span() for m in scan(pattern, text, 7, 90)] == [m.span() for m in pattern.finditer(text, 7, 90)]


@pytest.mark.parametrize("text", ["TASK OF segmentation", "the ta\u017fk of x", "Kelvin task of x \u212a"])
def test_scan_folded_pattern_outside_ascii(text: str) -> None:
    """A case-folding pattern on non-ASCII text takes the plain scan (``re`` folds "ſ" to "s")."""
    pattern = re.compile(r"(?i)\b(?:task|problem) of\b")
    assert [m.span() for m in scan(pattern, text)] == [m.span() for m in pattern.finditer(text)]


def test_sentence_boundaries_match_the_pattern(abstracts: list[str]) -> None:
    pieces = ["a", "B", "1", ".", "!", "?", " ", "\n", '"', ")", "]", "(", "“", "e.g.", "et al.", "  ", "\n\n", "\t"]
    for text in abstracts + _generated(pieces, 3000, seed=2, longest=80):
        assert [m.span() for m in _boundaries(text)] == [m.span() for m in _BOUNDARY.finditer(text)], text


def test_defuse_precheck_agrees_with_the_search(abstracts: list[str]) -> None:
    """The clean-text checks say "nothing to break" exactly when the run patterns find nothing."""
    pieces = ["ab", " ", "%", "-", "'", "’", ".", "(", ")", ",", "\n", "😀", "xyz", "/", "\t", "a" * 20, "%" * 5]
    texts = abstracts + _generated(pieces, 3000, seed=3, longest=120)
    texts += ["a" * n + " " + "%" * m for n in range(45, 56) for m in range(6, 12)]
    for text in texts:
        assert (guard._SHORT_CHUNKS.match(text) is None) == (guard._LONG_CHUNK.search(text) is not None), text
        assert (guard._SHORT_SYMBOL_RUNS.match(text) is None) == (guard._SYMBOL_RUN.search(text) is not None), text


def test_load_nlp_is_one_pipeline_however_called() -> None:
    """``load_nlp()`` and ``load_nlp("fast")`` are the same pipeline (it was built twice)."""
    assert load_nlp() is load_nlp("fast")


def test_slashed_words_match_the_pattern(abstracts: list[str]) -> None:
    pieces = ["a", "B", "1", "/", "-", "+", ".", " ", "\n", "ab", "//", "\t", "é", "x/y"]
    for text in abstracts + _generated(pieces, 3000, seed=5):
        assert [m.span() for m in _slashed_words(text)] == [m.span() for m in _SLASHED_WORD.finditer(text)], text


@pytest.mark.parametrize("seed", range(5))
def test_longest_first_is_filter_spans(seed: int) -> None:
    nlp = load_nlp()
    doc = nlp.make_doc(" ".join(["w"] * 40))
    rnd = random.Random(seed)
    for _ in range(300):
        spans = list({(s, s + rnd.randint(1, 5)) for s in (rnd.randint(0, 34) for _ in range(rnd.randint(0, 8)))})
        rnd.shuffle(spans)
        assert _longest_first(spans) == [(x.start, x.end) for x in filter_spans([doc[s:e] for s, e in spans])]


@pytest.mark.parametrize(
    "text",
    [
        "We put\n\nforward X. We propose Y.",  # a cue phrase across the title break: sentence by sentence
        'He said "we propose." Then we introduce Z.',  # a quote after the end mark: sentence by sentence
        "Caf\u00e9 models. We propose Y.",  # not ASCII: sentence by sentence
        "We propose A and introduce B. We design C.",
    ],
)
def test_per_sentence_cues_match_sentence_scans(text: str, abstracts: list[str]) -> None:
    propose = load_cues().propose
    for t in [text, *abstracts[:60]]:
        sentences = split_sentences(t)
        expected = [[m.span() for m in propose.finditer(t[s0:s1])] for s0, s1 in sentences]
        assert candidates._per_sentence(propose, t, sentences) == expected
        assert candidates._per_sentence(propose, t, [(0, len(t))]) == [[m.span() for m in propose.finditer(t)]]
