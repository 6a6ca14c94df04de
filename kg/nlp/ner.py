"""``kg_ner``: a small trained NER for metric names, run only in ``--mode accurate``.

Why a statistical component at all: the rules know a metric by its lexicon name plus a number or cue in
the sentence; compound and efficiency measures the lexicon lacks ("denoising accuracy", "peak memory",
"tokens per second") slip through. A NER fine-tuned on the guideline gold learns the *role* ("reports X of
N") rather than a list of names. Why only in a mode: it costs speed (see ``benchmarks/extract_speed.py``).

What it does, cheaply:

* **gated**: only sentences that could report a measure (a digit, or one of the ``measure_cues`` words)
  are fed to the model; the rest of the abstract is never vectorised;
* **merged where the rules found nothing**: a predicted ``METRIC`` span becomes a ``measures`` finding in
  ``doc._.kg_relations`` only when no rule finding of that relation overlaps it, so the rules keep their
  spans and the model only adds names they missed; or (``widen``, on by default) when it strictly contains
  the rules' span, the compound measure the rules cut to its head word ("text accuracy" for "accuracy").
  Measured on held-out train folds, widening raised metric F1 (.584 → .590); skipping model spans over
  names the rules had seen and rejected (``respect_rules``) did not (.586 with widening), so it is off;
* **shipped as package data** (``kg/nlp/data/ner``, built by ``scripts/train_ner.py`` from
  ``configs/ner.cfg``): nothing is downloaded at run time.

The model runs on sentence Docs rebuilt from the main Doc's tokens (the project's tokenizer), exactly as
the training script builds its examples, so training and inference see the same tokens.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import minibatch

from kg.errors import KGError
from kg.model import RelationType
from kg.nlp.cues import load_cues
from kg.nlp.relations import doc_mentions
from kg.nlp.sentences import doc_text

#: Entity labels the model predicts and the relation each one feeds.
LABEL_RELATION = {"METRIC": RelationType.MEASURES.value}
RULE = "kg_ner"
CONFIDENCE = 0.6  # below the rules' 0.85 for a reported measure: a model guess, not a cue match

_DIGIT = re.compile(r"\d")


class NERModelError(KGError):
    """The shipped NER weights are missing or unreadable (reinstall the package or run ``make model``)."""


def default_model_path() -> Path:
    """Where the package keeps the trained weights (package data, no download)."""
    return Path(str(resources.files("kg.nlp") / "data" / "ner"))


@functools.lru_cache(maxsize=4)
def load_model(path: str = "") -> Language:
    """The trained pipeline at ``path`` (default: the package's), loaded once per process."""
    where = Path(path) if path else default_model_path()
    if not (where / "config.cfg").is_file():
        raise NERModelError(f"no NER model at {where} (run `make model` to train one)")
    try:
        return spacy.load(where)
    except (OSError, ValueError) as exc:
        raise NERModelError(f"cannot load the NER model at {where}: {exc}") from None


def model_version(path: str = "") -> str:
    """A short hash of the weights, for the extractor id (cached extractions of another model are stale)."""
    where = Path(path) if path else default_model_path()
    h = hashlib.sha1()
    for f in sorted(where.rglob("*")):
        if f.is_file():
            h.update(f.read_bytes())
    return h.hexdigest()[:8]


def gated(sentence: str) -> bool:
    """Whether a sentence could report a measure: a digit, or a measure cue ("in terms of", "achieves")."""
    return bool(_DIGIT.search(sentence)) or load_cues().measure.search(sentence) is not None


def sentence_docs(doc: Doc, vocab: spacy.vocab.Vocab) -> Iterator[tuple[int, Doc]]:
    """``(char offset, sentence Doc)`` for each gated sentence of ``doc``, tokens taken from ``doc``.

    The training script calls this too, so the model is trained on the very token boundaries it sees here.
    """
    text = doc_text(doc)
    title_end = text.find("\n\n")
    for s0, s1 in doc._.kg_sentences or [(0, len(text))]:
        if s1 <= title_end or not gated(text[s0:s1]):  # a title names things, it reports no measure
            continue
        span = doc.char_span(s0, s1, alignment_mode="expand")
        if span is None or not len(span):
            continue
        words = [t.text for t in span]
        spaces = [bool(t.whitespace_) for t in span]
        spaces[-1] = False
        yield span.start_char, Doc(vocab, words=words, spaces=spaces)


def findings(doc: Doc, predicted: Iterable[tuple[int, Doc]], widen: bool = False,
             rejected: Sequence[tuple[int, int]] = ()) -> tuple[list[tuple[str, int, int, str, float]],
                                                                set[tuple[int, int]]]:
    """Predicted spans as relation findings, keeping only those no rule finding of the relation overlaps.

    With ``widen``, a predicted span that strictly contains a rule's span of the same relation ("text
    accuracy" around the rules' "accuracy") replaces it: returned are the new findings and the rule spans
    they replace. A predicted span overlapping one of the ``rejected`` spans (names the rules saw and did
    not take: "with high accuracy" in prose) is dropped unless it widens a rule finding.
    """
    taken: dict[str, list[tuple[int, int]]] = {}
    for rel, s, e, *_ in doc._.kg_relations or []:
        taken.setdefault(rel, []).append((s, e))
    out: list[tuple[str, int, int, str, float]] = []
    replaced: set[tuple[int, int]] = set()
    for base, sent in predicted:
        for ent in sent.ents:
            rel = LABEL_RELATION.get(ent.label_)
            if rel is None:
                continue
            s, e = base + ent.start_char, base + ent.end_char
            hits = [(a, b) for a, b in taken.get(rel, ()) if s < b and a < e]
            if hits and not (widen and all(s <= a and b <= e and (a, b) != (s, e) for a, b in hits)):
                continue
            if not hits and any(s < b and a < e for a, b in rejected):
                continue
            replaced.update(hits)
            taken.setdefault(rel, []).append((s, e))
            out.append((rel, s, e, f"{RULE}:{rel}" if not hits else f"{RULE}:{rel}:widened", CONFIDENCE))
    return out, replaced


class NERComponent:
    """Runs the trained NER over the gated sentences of each Doc and adds what the rules missed."""

    def __init__(self, nlp: Language, name: str = "kg_ner", model: str = "", widen: bool = True,
                 respect_rules: bool = False) -> None:
        self.name = name
        self.widen = widen
        self.respect_rules = respect_rules
        self.model = load_model(model)
        self.ner: Any = self.model.get_pipe("ner")  # spaCy's EntityRecognizer (typed as a plain callable)

    def _annotate(self, docs: list[Doc], batch_size: int) -> None:
        per_doc = [list(sentence_docs(doc, self.model.vocab)) for doc in docs]
        flat = [sent for sents in per_doc for _, sent in sents]
        if flat:
            list(self.ner.pipe(flat, batch_size=batch_size))  # annotates the sentence Docs in place
        for doc, sents in zip(docs, per_doc, strict=True):
            rejected: list[tuple[int, int]] = []
            if self.respect_rules:
                found = {(f[1], f[2]) for f in doc._.kg_relations or []}
                rejected = [(m[0], m[1]) for m in doc_mentions(doc) if (m[0], m[1]) not in found]
            new, replaced = findings(doc, sents, self.widen, rejected)
            if new:
                kept = [f for f in doc._.kg_relations or [] if (f[1], f[2]) not in replaced]
                doc._.kg_relations = [*kept, *new]

    def __call__(self, doc: Doc) -> Doc:
        self._annotate([doc], 64)
        return doc

    def pipe(self, stream: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        # Batching across Docs lets the CNN run over many sentences at once (spaCy calls this from nlp.pipe).
        for batch in minibatch(stream, size=batch_size):
            self._annotate(batch, 256)
            yield from batch


@Language.factory(
    "kg_ner",
    requires=["doc._.kg_sentences", "doc._.kg_relations"],
    assigns=["doc._.kg_relations"],
    default_config={"model": "", "widen": True, "respect_rules": False},
)
def make_ner(nlp: Language, name: str, model: str, widen: bool, respect_rules: bool) -> NERComponent:
    return NERComponent(nlp, name, model, widen, respect_rules)
