#!/usr/bin/env python3
"""Train the accurate mode's NER (``kg_ner``) from the guideline gold and ship it as package data.

Gold gives names per field, not offsets, so the examples are made by locating every gold name of a labelled
field in its paper's title+abstract (case-insensitive, on word boundaries; longest first, no overlaps).
Names the gold marks "maybe" for that field are marked *missing* (neither entity nor outside), so the
model is not taught that a borderline measure is not one. Only the sentences ``kg_ner`` will see (the
gated ones, :func:`kg.nlp.ner.gated`) become examples, tokenised exactly as at run time.

A fixed tenth of the papers (seeded) is held out as spaCy's own dev set, to pick the best checkpoint; the
project's dev gold is never used. Run (about two minutes on two cores)::

    .venv/bin/python scripts/train_ner.py                      # train on train gold → kg/nlp/data/ner
    .venv/bin/python scripts/train_ner.py --limit 20 --max-epochs 1 --out /tmp/ner   # smoke run, seconds
"""

from __future__ import annotations

import argparse
import contextlib
import io
import random
import re
import shutil
import sys
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import spacy
from spacy.tokens import Doc, DocBin

from kg.eval import read_gold
from kg.extract import paper_text
from kg.model import Paper
from kg.nlp import new_nlp
from kg.nlp.ner import default_model_path, sentence_docs
from kg.sources import read_papers

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "data" / "gold"
CONFIG = ROOT / "configs" / "ner.cfg"
#: External corpora (train splits only; see ../shared/data/SOURCES.md): file, text field, entity list field.
EXTERNAL_DIR = ROOT.parent / "shared" / "data"
EXTERNAL = {
    "scirex": ("scirex/train.abstracts.jsonl", "abstract", "mentions"),
    "tdmsci": ("tdmsci/train.jsonl", "text", "entities"),
}
DEFAULT_EXTERNAL = ("scirex", "tdmsci")
#: external entity type → our label
EXTERNAL_LABEL = {"Metric": "METRIC"}
#: gold field → entity label the model learns
FIELD_LABEL = {"metrics": "METRIC"}


def _occurrences(text: str, names: Iterable[str]) -> list[tuple[int, int]]:
    out = []
    for name in {n.strip() for n in names if n.strip()}:
        pat = re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])", re.I)
        out += [(m.start(), m.end()) for m in pat.finditer(text)]
    return out


def _non_overlapping(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    kept: list[tuple[int, int, str]] = []
    for s, e, lab in sorted(spans, key=lambda x: (x[0] - x[1], x[0])):  # longest first
        if not any(s < b and a < e for a, b, _ in kept):
            kept.append((s, e, lab))
    return sorted(kept)


def gold_spans(text: str, gold: dict[str, Any], fields: dict[str, str]) -> tuple[list[tuple[int, int, str]],
                                                                                  list[tuple[int, int]]]:
    """Labelled character spans of the gold names in ``text``, and the spans of "maybe" names (missing)."""
    spans = [(s, e, label) for field, label in fields.items() for entity in gold.get(field, [])
             for s, e in _occurrences(text, entity)]
    maybe = [(s, e) for name, *rest in gold.get("maybe", []) if rest and rest[0] in fields
             for s, e in _occurrences(text, [name])]
    kept = _non_overlapping(spans)
    return kept, [(s, e) for s, e in maybe if not any(s < b and a < e for a, b, _ in kept)]


def examples(papers: Sequence[Paper], gold: dict[str, dict[str, Any]], vocab: spacy.vocab.Vocab,
             fields: dict[str, str] = FIELD_LABEL) -> list[Doc]:
    """One Doc per gated sentence, with the gold names as entities (every other token "outside")."""
    nlp = new_nlp(("kg_sentences",))
    out: list[Doc] = []
    for paper in papers:
        if paper.id not in gold:
            continue
        text = paper_text(paper)
        spans, maybe = gold_spans(text, gold[paper.id], fields)
        doc = nlp(text)
        for base, sent in sentence_docs(doc, vocab):
            end = base + len(sent.text)
            ents = [sp for s, e, lab in spans if base <= s and e <= end
                    and (sp := sent.char_span(s - base, e - base, label=lab)) is not None]
            missing = [sp for s, e in maybe if base <= s and e <= end
                       and (sp := sent.char_span(s - base, e - base)) is not None]
            sent.set_ents(ents, missing=missing, default="outside")
            out.append(sent)
    return out


def external_examples(vocab: spacy.vocab.Vocab, names: Sequence[str], data_dir: Path = EXTERNAL_DIR) -> list[Doc]:
    """Gated sentences of external corpora with their metric mentions (every other token "outside").

    Why: the gold alone holds about two hundred metric mentions, too few for the model to learn the many
    ways a measure is named; SciREX and TDMSci annotate measures in the same kind of text. They label any
    measure term, not only a reported one, which is why the model is only trusted where the rules are
    silent (:func:`kg.nlp.ner.findings`).
    """
    import json

    nlp = new_nlp(("kg_sentences",))
    out: list[Doc] = []
    for name in names:
        path, text_key, ents_key = EXTERNAL[name]
        for line in (data_dir / path).read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            text = rec.get(text_key) or ""
            spans = _non_overlapping([(m["start_char"], m["end_char"], EXTERNAL_LABEL[m["type"]])
                                      for m in rec.get(ents_key, []) if m["type"] in EXTERNAL_LABEL])
            doc = nlp(text)
            for base, sent in sentence_docs(doc, vocab):
                end = base + len(sent.text)
                ents = [sp for s, e, lab in spans if base <= s and e <= end
                        and (sp := sent.char_span(s - base, e - base, label=lab)) is not None]
                sent.set_ents(ents, default="outside")
                out.append(sent)
    return out


def train(papers: Sequence[Paper], gold: dict[str, dict[str, Any]], out: Path, *, config: Path = CONFIG,
          max_epochs: int | None = None, seed: int = 0, quiet: bool = False,
          external: Sequence[str] = (), overrides: dict[str, Any] | None = None, pick: str = "best") -> Path:
    """Train on ``papers`` (their gold, plus the ``external`` corpora) and write the pipeline to ``out``.

    spaCy's own dev set (for the best checkpoint) is a seeded tenth of the gold papers only: the model is
    picked for the guideline's notion of a metric, not the external corpora's. ``pick="last"`` ships the
    last checkpoint instead (with few gold mentions in that dev set, "best" can be an early, noisy pick).
    """
    from spacy.cli.train import train as spacy_train

    vocab = spacy.blank("en").vocab
    ids = sorted(p.id for p in papers if p.id in gold)
    random.Random(seed).shuffle(ids)
    held = set(ids[: max(1, len(ids) // 10)])
    train_docs = examples([p for p in papers if p.id not in held], gold, vocab)
    train_docs += external_examples(vocab, external)
    dev_docs = examples([p for p in papers if p.id in held], gold, vocab)
    with tempfile.TemporaryDirectory(prefix="kg-ner-") as tmp:
        work = Path(tmp)
        DocBin(docs=train_docs).to_disk(work / "train.spacy")
        DocBin(docs=dev_docs).to_disk(work / "dev.spacy")
        settings: dict[str, Any] = {"paths.train": str(work / "train.spacy"), "paths.dev": str(work / "dev.spacy"),
                                     "system.seed": seed}
        if max_epochs is not None:
            settings["training.max_epochs"] = max_epochs
        settings.update(overrides or {})
        if quiet:  # spaCy's training table goes to stdout
            with contextlib.redirect_stdout(io.StringIO()):
                spacy_train(config, work / "model", overrides=settings, use_gpu=-1)
        else:
            spacy_train(config, work / "model", overrides=settings, use_gpu=-1)
        best = work / "model" / ("model-last" if pick == "last" else "model-best")
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(best, out)
    return out


def load_split(papers_path: Path, gold_path: Path) -> tuple[list[Paper], dict[str, dict[str, Any]]]:
    return list(read_papers(papers_path)), {g["id"]: g for g in read_gold(gold_path)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--papers", type=Path, default=GOLD / "train.papers.jsonl")
    ap.add_argument("--gold", type=Path, default=GOLD / "train.gold.jsonl")
    ap.add_argument("--out", type=Path, default=default_model_path())
    ap.add_argument("--config", type=Path, default=CONFIG)
    ap.add_argument("--limit", type=int, default=0, help="Use only the first N papers (smoke runs).")
    ap.add_argument("--max-epochs", type=int, default=None)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--external", default=",".join(DEFAULT_EXTERNAL),
                    help="Comma-separated external corpora to add (scirex, tdmsci; empty for none).")
    args = ap.parse_args(argv)
    papers, gold = load_split(args.papers, args.gold)
    if args.limit:
        papers = papers[: args.limit]
    train(papers, gold, args.out, config=args.config, max_epochs=args.max_epochs, seed=args.seed,
          external=[x for x in args.external.split(",") if x])
    print(f"model written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
