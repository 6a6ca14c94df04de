"""K-fold cross-validation over the gold train + dev abstracts: how well does extraction generalise?

Folds are made by paper (a fixed seed shuffles the ids, fold i takes every k-th), so one paper never sits in
two folds. For each fold the extractor is *fitted* on the other k-1 folds and scored on the held-out one;
the table gives the mean and standard deviation of each field's F1 over the folds and the pooled (micro)
precision, recall and F1 over all held-out papers.

The rule-based ``fast`` mode learns nothing from the fold's training papers, so its fold scores differ only by
which papers they hold: the spread says how much one 68-paper sample moves the figures, and the pooled score
is simply the score on train + dev. It is **not** an unseen-text estimate for the rules, because the rules were
written by reading errors of these papers (dev before 2026-11-26, train since). A trained component (a mode
whose ``fit`` uses the training folds) gets an honest held-out estimate from the same script.

The ``accurate`` mode's ``fit`` trains the NER (``scripts/train_ner.py``, ``configs/ner.cfg``) on the training
folds' gold plus the external train splits, then runs the rules plus that model: one training per fold, a few
minutes each on two cores. ``--models-dir`` keeps each fold's model and reuses it when present (delete the
folder after changing the training data or config).

Usage::

    python benchmarks/cv.py [--folds 5] [--seed 13] [--mode fast|accurate] [--models-dir DIR] [--json results.json]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from kg.eval import FIELDS, EvalReport, FieldScore, evaluate, read_gold
from kg.extract import extract_papers
from kg.model import Extraction, Paper
from kg.sources import read_papers

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "data" / "gold"

#: ``fit(train_papers, train_gold) -> extract(papers) -> extractions``: how a mode learns from the training folds.
Fit = Callable[[list[Paper], list[dict[str, Any]]], Callable[[list[Paper]], list[Extraction]]]


def _fit_rules(_papers: list[Paper], _gold: list[dict[str, Any]]) -> Callable[[list[Paper]], list[Extraction]]:
    """The rules learn nothing from the training folds."""
    return lambda papers: list(extract_papers(papers))


def accurate_nlp(model: Path, **config: Any):  # type: ignore[no-untyped-def]
    """The accurate pipeline with the NER read from ``model`` instead of the package's weights."""
    from kg.nlp import EXTRACTION_CONFIG, MODES, new_nlp

    return new_nlp(MODES["accurate"], {**EXTRACTION_CONFIG, "kg_ner": {"model": str(model), **config}})


#: Where ``_fit_accurate`` keeps fold models (``--models-dir``); a temporary folder when unset.
MODELS_DIR: list[Path] = []


def _fit_accurate(papers: list[Paper], gold: list[dict[str, Any]]) -> Callable[[list[Paper]], list[Extraction]]:
    """Train the NER on the training folds (gold + external train splits), then extract with rules + model."""
    import hashlib
    import tempfile

    sys.path.insert(0, str(ROOT / "scripts"))
    from train_ner import DEFAULT_EXTERNAL, train

    if not MODELS_DIR:
        MODELS_DIR.append(Path(tempfile.mkdtemp(prefix="kg-cv-")))
    key = hashlib.sha1("\n".join(sorted(p.id for p in papers)).encode()).hexdigest()[:10]
    model = MODELS_DIR[0] / f"{'+'.join(DEFAULT_EXTERNAL)}-{key}"
    if not (model / "config.cfg").is_file():
        print(f"training the NER on {len(papers)} papers -> {model}", file=sys.stderr)
        train(papers, {g["id"]: g for g in gold}, model, quiet=True, external=DEFAULT_EXTERNAL)
    nlp = accurate_nlp(model)
    return lambda held: list(extract_papers(held, nlp=nlp, mode="accurate"))


MODES: dict[str, Fit] = {"fast": _fit_rules, "accurate": _fit_accurate}


def folds(ids: Sequence[str], k: int, seed: int) -> list[list[str]]:
    """``k`` disjoint folds of ``ids`` after a seeded shuffle (every id in exactly one fold)."""
    order = sorted(ids)
    random.Random(seed).shuffle(order)
    return [order[i::k] for i in range(k)]


def load(splits: Sequence[str] = ("train", "dev")) -> tuple[list[Paper], list[dict[str, Any]]]:
    papers: list[Paper] = []
    gold: list[dict[str, Any]] = []
    for split in splits:
        papers += list(read_papers(GOLD / f"{split}.papers.jsonl"))
        gold += read_gold(GOLD / f"{split}.gold.jsonl")
    return papers, gold


def cross_validate(mode: str = "fast", k: int = 5, seed: int = 13) -> dict[str, Any]:
    papers, gold = load()
    by_id = {p.id: p for p in papers}
    gold_by_id = {g["id"]: g for g in gold}
    fit = MODES[mode]
    per_fold: list[EvalReport] = []
    for held in folds(list(gold_by_id), k, seed):
        held_set = set(held)
        train_ids = [i for i in gold_by_id if i not in held_set]
        extract = fit([by_id[i] for i in train_ids], [gold_by_id[i] for i in train_ids])
        preds = extract([by_id[i] for i in held])
        per_fold.append(evaluate(preds, [gold_by_id[i] for i in held]))
    pooled = {f: FieldScore() for f in (*FIELDS, "overall")}
    for rep in per_fold:
        for f in FIELDS:
            for attr in ("tp", "fp", "fn"):
                setattr(pooled[f], attr, getattr(pooled[f], attr) + getattr(rep.scores[f], attr))
                setattr(pooled["overall"], attr, getattr(pooled["overall"], attr) + getattr(rep.scores[f], attr))
    out: dict[str, Any] = {"mode": mode, "folds": k, "seed": seed, "papers": len(gold_by_id), "fields": {}}
    for f in (*FIELDS, "overall"):
        f1s = [(r.overall if f == "overall" else r.scores[f]).f1 for r in per_fold]
        s = pooled[f]
        out["fields"][f] = {"precision": round(s.precision, 4), "recall": round(s.recall, 4), "f1": round(s.f1, 4),
                            "fold_f1_mean": round(statistics.mean(f1s), 4),
                            "fold_f1_sd": round(statistics.stdev(f1s), 4) if k > 1 else 0.0}
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--mode", choices=sorted(MODES), default="fast")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    ap.add_argument("--models-dir", type=Path, help="accurate mode: keep/reuse each fold's NER here")
    args = ap.parse_args(argv)
    if args.models_dir:
        MODELS_DIR[:] = [args.models_dir]
    res = cross_validate(args.mode, args.folds, args.seed)
    print(f"{args.folds}-fold CV over train+dev ({res['papers']} papers, seed {args.seed}, mode {args.mode})")
    print(f"{'field':<10} {'P':>6} {'R':>6} {'F1':>6}   fold F1 mean ± sd")
    for f, v in res["fields"].items():
        print(f"{f:<10} {v['precision']:6.3f} {v['recall']:6.3f} {v['f1']:6.3f}   "
              f"{v['fold_f1_mean']:.3f} ± {v['fold_f1_sd']:.3f}")
    if args.json:
        args.json.write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
