#!/usr/bin/env python3
"""Extraction speed: abstracts per second of the full pipeline vs spaCy's bare tokenizer on the same text.

The embedded corpus (~500 abstracts) is replicated to ``--n`` abstracts (default 20,000). We time:

* ``tokenizer``: ``spacy.blank("en").tokenizer.pipe`` over the same texts (the yardstick);
* ``extract x1``: ``kg.extract.extract_papers`` in one process (spaCy pipeline + Extraction records);
* ``extract xN``: the same with ``--processes`` worker processes (records, not Docs, cross processes);
* ``accurate x1``: ``--mode accurate`` in one process (the rules plus the trained NER on gated sentences),
  unless ``--modes fast``.

The ratio pipeline/tokenizer is the figure that matters (machine-independent-ish). Run:

    .venv/bin/python benchmarks/extract_speed.py [--n 20000] [--processes 2] [--modes fast,accurate]
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace

import spacy

from kg.extract import extract_papers, paper_text
from kg.nlp import load_nlp
from kg.sources import embedded_corpus, read_corpus


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--modes", default="fast,accurate", help="Modes timed in one process (fast is always timed).")
    args = ap.parse_args()

    base = read_corpus(embedded_corpus())
    papers = [replace(base[i % len(base)], id=f"{base[i % len(base)].id}#{i}") for i in range(args.n)]
    texts = [paper_text(p) for p in papers]
    chars = sum(map(len, texts))
    print(f"{len(papers)} abstracts, {chars / 1e6:.1f} M characters")

    tok = spacy.blank("en").tokenizer
    t0 = time.perf_counter()
    n_tokens = sum(len(doc) for doc in tok.pipe(texts, batch_size=256))
    t_tok = time.perf_counter() - t0

    load_nlp()  # build the lexicon matcher outside the timed region (once per process, ~1 s)
    t0 = time.perf_counter()
    n1 = sum(1 for _ in extract_papers(papers, n_process=1, batch_size=128))
    t_one = time.perf_counter() - t0

    t0 = time.perf_counter()
    nn = sum(1 for _ in extract_papers(papers, n_process=args.processes, batch_size=128))
    t_many = time.perf_counter() - t0
    assert n1 == nn == len(papers)

    rows = [("spaCy tokenizer (blank en)", t_tok), ("extract, 1 process", t_one), (f"extract, {args.processes} processes", t_many)]
    for mode in (m for m in args.modes.split(",") if m != "fast"):
        load_nlp(mode)  # load the model outside the timed region too
        t0 = time.perf_counter()
        assert sum(1 for _ in extract_papers(papers, n_process=1, batch_size=128, mode=mode)) == len(papers)
        rows.append((f"extract --mode {mode}, 1 process", time.perf_counter() - t0))
    print(f"{'':32} {'seconds':>8} {'abstracts/s':>12} {'vs tokenizer':>13}")
    for name, secs in rows:
        print(f"{name:32} {secs:8.2f} {len(papers) / secs:12.0f} {t_tok / secs:13.3f}")
    print(f"tokens: {n_tokens}; target: pipeline >= 0.2 x tokenizer speed")


if __name__ == "__main__":
    main()
