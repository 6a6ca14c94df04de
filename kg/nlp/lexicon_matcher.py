"""``kg_lexicon``: find names from the curated lexicon in a Doc (spaCy ``PhraseMatcher``).

Case policy, because the lexicon mixes prose-like and coined names: multi-word names and lower-case
words match case-insensitively ("Object Detection" = "object detection"); a single-token name written with
capitals matches only as written, so the benchmark "MATH" does not fire on "math" and the method "SAM" not
on "Sam". Matches are reduced to the longest non-overlapping spans ("ImageNet-1K" wins over "ImageNet").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from typing import cast

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

from kg.lexicon import Lexicon, LexiconEntry, load_lexicon
from kg.model import EntityType
from kg.nlp.cues import load_cues
from kg.nlp.sentences import doc_text
from kg.nlp.tokenizer import customize_tokenizer

LexiconMatch = tuple[int, int, str, str]  # (start_char, end_char, EntityType value, lexicon entry id)

if not Doc.has_extension("kg_lexicon_matches"):
    Doc.set_extension("kg_lexicon_matches", default=None)


def _case_sensitive(term: str, proper: bool = True) -> bool:
    """Match ``term`` only as written? True for capitalised single tokens ("MATH", "SAM") and for
    multi-word Title Case names made of plain words ("Visual Genome"), whose lower-case reading is prose
    ("experimental results"); lower-case terms and coined names ("ImageNet-1K") fold case."""
    if term == term.lower():
        return False
    words = term.split()
    if len(words) == 1 and len(term) >= 5 and re.search(r"[a-z]", term) and len(re.findall(r"[A-Z]", term)) >= 2:
        return False  # coined mixed case ("SQuAD", "ImageNet"): "Squad", "imagenet" are the same name, never prose
    if len(words) == 1 and len(term) >= 5 and re.search(r"\d", term) and len(re.findall(r"[A-Za-z]", term)) >= 3:
        return False  # letters with digits ("GSM8K", "NQ320K"): "GSM8k" is the same name, never prose
    if len(words) == 1 and "-" not in term:
        return True
    return proper and all(re.fullmatch(r"[A-Z][a-z]+|of|the|and|for|in|on|a|an|with|to", w) for w in words)


def _variants(names: Iterable[str]) -> list[str]:
    """Each name plus its common unhyphenated spelling: "WikiText-2" is also written "WikiText2",
    "ResNet-50" "ResNet50", "CIFAR-10" "CIFAR10"."""
    out = list(dict.fromkeys(names))
    for name in list(out):
        joined = re.sub(r"(?<=[A-Za-z])-(?=\d+[A-Za-z]?$)", "", name)
        if joined != name and joined not in out:
            out.append(joined)
    return out


def _plurals(names: Iterable[str]) -> list[str]:
    """Plural spellings of measure names whose last word is a lower-case noun: abstracts report
    "accuracies", "error rates", "compression ratios" as often as the singular. The prose-like measure words
    of ``gated_measures`` get none: "speeds up" and "it costs" are verbs."""
    gated = load_cues().gated_measures
    out = []
    for name in names:
        if name.lower() in gated:
            continue
        last = name.rsplit(" ", 1)[-1]
        if not re.fullmatch(r"[a-z]{3,}", last) or last.endswith(("s", "x", "sh", "ch")):
            continue
        out.append(name[:-1] + "ies" if re.search(r"[^aeiou]y$", last) else name + "s")
    return out


_SLASHED_WORD = re.compile(r"(?<![\w\-/])[\w\-+.]*\w(?:/[\w\-+.]*\w)+")
_SPACE = re.compile(r"\s")


def _longest_first(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """``spacy.util.filter_spans`` on ``(start, end)`` token offsets: the longest of overlapping spans
    (the first of equally long ones), in text order.

    Why: building a ``Span`` for every match only to read its offsets cost more than the filtering.
    """
    kept: list[tuple[int, int]] = []
    seen: set[int] = set()
    for s, e in sorted(spans, key=lambda se: (se[1] - se[0], -se[0]), reverse=True):
        if s not in seen and e - 1 not in seen:
            kept.append((s, e))
            seen.update(range(s, e))
    return sorted(kept)


def _slashed_words(text: str) -> Iterator[re.Match[str]]:
    """``_SLASHED_WORD.finditer(text)``, searched only in the white-space-delimited chunks that hold a "/".

    Why: the pattern opens with a look-behind, so ``re`` tries it at every character of the abstract; its
    matches hold a "/" and no white space, and the look-behind sees the white space before a chunk either way.
    """
    end = 0
    slash = text.find("/")
    while slash >= 0:
        if slash >= end:
            start = slash
            while start > 0 and not text[start - 1].isspace():
                start -= 1
            space = _SPACE.search(text, slash)
            end = space.start() if space else len(text)
            yield from _SLASHED_WORD.finditer(text, start, end)
        slash = text.find("/", slash + 1)


class LexiconMatcher:
    def __init__(self, nlp: Language, name: str = "kg_lexicon", lexicon: Lexicon | None = None) -> None:
        self.name = name
        self.lexicon = lexicon or load_lexicon()
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.folded = PhraseMatcher(nlp.vocab, attr="LOWER")
        exact_terms: dict[str, list[str]] = {}
        folded_terms: dict[str, list[str]] = {}
        for entry in self.lexicon.entries:
            names = list(entry.names())
            if entry.type is EntityType.METRIC:
                names += _plurals(names)
            for term in _variants(names):
                proper = entry.type in (EntityType.DATASET, EntityType.BENCHMARK, EntityType.METHOD)
                bucket = exact_terms if _case_sensitive(term, proper) else folded_terms
                bucket.setdefault(entry.id, []).append(term)
        # Pattern docs come from a *separate* tokenizer with the same rules and vocab: tokenizing ~20k
        # patterns through nlp.tokenizer filled its cache with them and made every later document
        # tokenize five times slower (measured with benchmarks/extract_speed.py).
        pattern_nlp = spacy.blank(nlp.lang or "en", vocab=nlp.vocab)
        customize_tokenizer(pattern_nlp)
        for matcher, terms in ((self.exact, exact_terms), (self.folded, folded_terms)):
            keys = list(terms)
            flat = [t for k in keys for t in terms[k]]
            docs = iter(cast(Tokenizer, pattern_nlp.tokenizer).pipe(flat))
            for key in keys:
                matcher.add(key, [next(docs) for _ in terms[key]])

    @staticmethod
    @functools.lru_cache(maxsize=4096)
    def _lower_names(entry: LexiconEntry) -> frozenset[str]:
        names = list(entry.names())
        if entry.type is EntityType.METRIC:
            names += _plurals(names)
        return frozenset(n for n in names if n.islower())

    def __call__(self, doc: Doc) -> Doc:
        matches: dict[tuple[int, int], str] = {}
        for matcher in (self.exact, self.folded):
            for match_id, s, e in matcher(doc):
                matches.setdefault((s, e), doc.vocab.strings[match_id])
        out: list[LexiconMatch] = []
        for s, e in _longest_first(matches):
            entry = self.lexicon.by_id[matches[(s, e)]]
            first, last = doc[s], doc[e - 1]
            if e - s == 1 and first.text.islower() and first.text not in self._lower_names(entry):
                continue  # "sets a new record" is not ReCoRD: a coined name written all lower-case is prose
            out.append((first.idx, last.idx + len(last), entry.type.value, entry.id))
        out += self._slashed(doc, out)
        doc._.kg_lexicon_matches = sorted(out)
        return doc

    def _slashed(self, doc: Doc, found: list[LexiconMatch]) -> list[LexiconMatch]:
        """Names joined by slashes in one token ("fMSE/MSE", "CIFAR-10/100"): each part that the lexicon
        knows as written is a match of its own ("MSE", "CIFAR-10"), unless the whole is a name ("ViT-B/16")."""
        text = doc_text(doc)
        if "/" not in text:
            return []
        extra: list[LexiconMatch] = []
        for m in _slashed_words(text):
            if any(s < m.end() and m.start() < e for s, e, _, _ in found):
                continue  # the lexicon knows the whole ("ViT-B/16", "PSNR/SSIM")
            pos = m.start()
            for part in m.group().split("/"):
                entry = self.lexicon.lookup(part) if len(part) >= 2 else None
                if entry is not None and any(n == part for n in entry.names()):
                    extra.append((pos, pos + len(part), entry.type.value, entry.id))
                pos += len(part) + 1
        return extra


@Language.factory("kg_lexicon", assigns=["doc._.kg_lexicon_matches"], default_config={})
def make_lexicon_matcher(nlp: Language, name: str) -> LexiconMatcher:
    return LexiconMatcher(nlp, name)
