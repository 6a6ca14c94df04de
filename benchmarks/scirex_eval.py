#!/usr/bin/env python3
"""External check: entity-level P/R/F1 of the extractor on SciREX abstracts (Method, Dataset, Metric, Task).

SciREX (Jain et al., ACL 2020) annotates *every* scientific-entity mention of a paper, salient or not
("attention mechanism", "premise", "natural language processing"), while paperkg extracts the *named
artifacts* an abstract is about. The two are different targets, so the absolute recall here is expected to
be well below the dev-set figures; the numbers are reported to show how the extractor behaves on text it was
never tuned on (we never tune on SciREX dev/test; ``../shared/data/SOURCES.md`` describes the files).

Two views, both per document and per type (SciREX ``Material`` = our Dataset; our Benchmark counts as
Dataset):

* **entity level** (the headline): gold entities are the salient coreference clusters (``entity`` field;
  all their surface forms are aliases) plus every distinct non-salient mention string. A predicted entity
  is correct when any of its names equals any alias of a gold entity of the same type after the guideline's
  normalisation (``kg.eval.norm``); recall counts gold entities matched. ``salient recall`` counts only
  the salient clusters, the entities SciREX's relations are about. SciREX annotates the abstract text
  only, so predicted entities mentioned only in the title are left out of the scoring.
* **mention level**: predicted mention spans in the abstract vs gold spans of the same type, exact and
  overlapping.

    .venv/bin/python benchmarks/scirex_eval.py [--split dev] [--show-errors 20]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

from kg.eval import norm
from kg.extract import extract_papers
from kg.model import EntityType, Paper, Section

TYPES = ("Method", "Dataset", "Metric", "Task")
DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "scirex"


def our_type(t: EntityType) -> str:
    return "Dataset" if t in (EntityType.DATASET, EntityType.BENCHMARK) else t.value


def gold_entities(doc: dict) -> dict[str, list[tuple[set[str], bool]]]:
    """type → [(normalised aliases, salient?)] for one SciREX doc."""
    clusters: dict[tuple[str, str], set[str]] = defaultdict(set)
    loose: dict[tuple[str, str], set[str]] = {}
    for m in doc["mentions"]:
        if m["entity"]:
            clusters[(m["type"], m["entity"])].add(norm(m["text"]))
        else:
            loose.setdefault((m["type"], norm(m["text"])), {norm(m["text"])})
    out: dict[str, list[tuple[set[str], bool]]] = defaultdict(list)
    for (t, _), names in clusters.items():
        out[t].append((names, True))
    salient_names = {(t, n) for (t, _), names in clusters.items() for n in names}
    for (t, n), names in loose.items():
        if (t, n) not in salient_names:
            out[t].append((names, False))
    return out


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", default="dev", choices=("dev", "train"))
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--show-errors", type=int, default=0, metavar="N", help="print N false positives per type")
    args = ap.parse_args()
    path = args.data / f"{args.split}.abstracts.jsonl"
    if not path.exists():
        sys.exit(f"{path}: not found (SciREX lives under ../shared/data/scirex, see SOURCES.md)")
    docs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    papers = [Paper(id=d["doc_id"], title=d.get("title") or "", abstract=d["abstract"]) for d in docs]
    extractions = {ex.paper.id: ex for ex in extract_papers(papers)}

    ent = {t: Counter() for t in TYPES}  # tp_pred, pred, tp_gold, gold, sal_tp, sal
    men = {t: Counter() for t in TYPES}
    fps: dict[str, list[str]] = defaultdict(list)
    for doc in docs:
        ex = extractions[doc["doc_id"]]
        gold = gold_entities(doc)
        for t in TYPES:
            # SciREX annotates the abstract only: entities seen only in the title are not scored
            preds = [e for e in ex.entities if our_type(e.type) == t
                     and any(m.evidence.section is Section.ABSTRACT for m in e.mentions)]
            g = gold.get(t, [])
            matched: set[int] = set()
            for e in preds:
                names = {norm(n) for n in e.names}
                hits = [i for i, (aliases, _) in enumerate(g) if names & aliases]
                ent[t]["pred"] += 1
                if hits:
                    ent[t]["tp_pred"] += 1
                    matched.update(hits)
                else:
                    fps[t].append(f"{e.name!r}  ({doc['doc_id'][:8]})")
            ent[t]["gold"] += len(g)
            ent[t]["tp_gold"] += len(matched)
            ent[t]["sal"] += sum(1 for _, s in g if s)
            ent[t]["sal_tp"] += sum(1 for i in matched if g[i][1])
            # mention level: abstract spans only (SciREX offsets are into the abstract)
            gspans = [(m["start_char"], m["end_char"]) for m in doc["mentions"] if m["type"] == t]
            pspans = {(m.evidence.start, m.evidence.end) for e in preds for m in e.mentions
                      if m.evidence.section is Section.ABSTRACT}
            men[t]["pred"] += len(pspans)
            men[t]["gold"] += len(gspans)
            men[t]["exact"] += len(pspans & set(gspans))
            men[t]["overlap_pred"] += sum(1 for a, b in pspans if any(a < d and c < b for c, d in gspans))
            men[t]["overlap_gold"] += sum(1 for c, d in gspans if any(a < d and c < b for a, b in pspans))

    print(f"SciREX {args.split}: {len(docs)} abstracts, extractor never tuned on this split\n")
    print(f"{'entity level':14} {'pred':>5} {'gold':>5} {'P':>6} {'R':>6} {'F1':>6} {'salient R':>10}")
    tot = Counter()
    for t in TYPES:
        c = ent[t]
        tot.update(c)
        p, _, _ = prf(c["tp_pred"], c["pred"], 1)
        r = c["tp_gold"] / c["gold"] if c["gold"] else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        sr = c["sal_tp"] / c["sal"] if c["sal"] else 0.0
        print(f"{t:14} {c['pred']:5} {c['gold']:5} {p:6.3f} {r:6.3f} {f:6.3f} {sr:10.3f}")
    p = tot["tp_pred"] / tot["pred"] if tot["pred"] else 0.0
    r = tot["tp_gold"] / tot["gold"] if tot["gold"] else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    print(f"{'all':14} {tot['pred']:5} {tot['gold']:5} {p:6.3f} {r:6.3f} {f:6.3f} {tot['sal_tp'] / tot['sal']:10.3f}")

    print(f"\n{'mention level':14} {'pred':>5} {'gold':>5} {'exact P':>8} {'exact R':>8} {'overlap P':>10} {'overlap R':>10}")
    for t in TYPES:
        c = men[t]
        print(f"{t:14} {c['pred']:5} {c['gold']:5} {c['exact'] / max(c['pred'], 1):8.3f} {c['exact'] / max(c['gold'], 1):8.3f} "
              f"{c['overlap_pred'] / max(c['pred'], 1):10.3f} {c['overlap_gold'] / max(c['gold'], 1):10.3f}")
    if args.show_errors:
        for t in TYPES:
            print(f"\nfalse positives, {t}: " + "; ".join(fps[t][: args.show_errors]))


if __name__ == "__main__":
    main()
