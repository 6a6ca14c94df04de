#!/usr/bin/env python3
"""Pathological abstracts: the extraction time of texts built to hit super-linear code paths.

Issue 9 measured 20,000 ``%`` signs at 98 s, 20,000 quotes at 51 s, nested brackets at 40-51 s, 10,000
emoji at 15 s and ``/``-joined names at 7 s for a *single* abstract. The goal: no input of <= 20,000
characters (the abstract cap, ``kg.sources.text.MAX_ABSTRACT_CHARS``) takes over 1 s.

Each text is extracted alone through ``kg.extract.extract_papers`` with the per-paper time budget turned
off (``budget=None``), so the figure is the real cost, not the budget cutting it short. Run:

    .venv/bin/python benchmarks/pathological.py [--size 20000] [--limit 1.0]

Exit status 1 when any text takes longer than ``--limit`` seconds.
"""

from __future__ import annotations

import argparse
import sys
import time

from kg.extract import extract_papers
from kg.model import Paper
from kg.nlp import load_nlp


def cases(n: int) -> dict[str, str]:
    """Name → abstract of about ``n`` characters (each is a shape seen, or suspected, to be quadratic)."""
    rep = lambda unit: (unit * (n // len(unit) + 1))[:n]  # noqa: E731
    return {
        "percent signs": rep("%"),
        "double quotes": rep('"'),
        "single quotes": rep("'"),
        "nested parentheses": rep("(")[: n // 2] + rep(")")[: n // 2],
        "nested brackets spaced": rep("( ")[: n // 2] + rep(") ")[: n // 2],
        "nested mixed brackets": rep("([{")[: n // 2] + rep("}])")[: n // 2],
        "emoji": rep("\U0001F600"),
        "emoji spaced": rep("\U0001F600 "),
        "slash-joined names": rep("ResNet/"),
        "slash-joined spaced": rep("BERT / "),
        "hyphen run": rep("-"),
        "dots": rep("."),
        "periods and capitals": rep("A. "),
        "digits": rep("1"),
        "numbers with percent": rep("53.14% "),
        "one long word": rep("a"),
        "capital words": rep("ImageNet "),
        "dataset list": rep("on CIFAR-10, "),
        "and-coordination": rep("ImageNet and "),
        "acronyms in brackets": rep("Large Language Model (LLM) "),
        "open parens with words": rep("word ("),
        "comparisons": rep("outperforms BERT and "),
        "metric values": rep("accuracy of 53.1% on ImageNet, "),
        "values and methods": rep("ResNet-50 reaches 76.1% top-1 accuracy on ImageNet. "),
        "urls": rep("https://example.org/a/b/c?x=1 "),
        "backslashes": rep("\\"),
        "latex": rep("\\mathcal{O}(n^2) "),
        "newlines": rep("a\n"),
        "tabs and spaces": rep(" \t"),
        "mixed punctuation": rep("!?;:,.()[]{}<>"),
        "arabic and rtl": rep("\u0627\u0644\u0639\u0631\u0628\u064a\u0629 \u200f"),
        "cjk": rep("\u6df1\u5ea6\u5b66\u4e60"),
        "zero-width": rep("a\u200b"),
        "combining marks": rep("e\u0301"),
        "the word we": rep("we "),
        "repeated sentence": rep("We propose FooNet, which outperforms BarNet on ImageNet by 2.3%. "),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, default=20_000, help="characters per abstract (default 20,000)")
    ap.add_argument("--limit", type=float, default=1.0, help="seconds allowed per abstract (default 1.0)")
    args = ap.parse_args()

    nlp = load_nlp()
    list(extract_papers([Paper(id="warm", title="Warm up", abstract="We propose X on ImageNet.")], nlp=nlp))
    slow = 0
    worst = 0.0
    print(f"{'case':<28} {'chars':>7} {'seconds':>8}")
    for name, text in cases(args.size).items():
        paper = Paper(id=f"p:{name}", title=f"Pathological: {name}", abstract=text)
        t0 = time.perf_counter()
        list(extract_papers([paper], nlp=nlp, budget=None))
        secs = time.perf_counter() - t0
        worst = max(worst, secs)
        flag = "  SLOW" if secs > args.limit else ""
        slow += secs > args.limit
        print(f"{name:<28} {len(text):>7} {secs:>8.3f}{flag}", flush=True)
    print(f"worst {worst:.3f} s; {slow} case(s) over {args.limit:g} s")
    sys.exit(1 if slow else 0)


if __name__ == "__main__":
    main()
