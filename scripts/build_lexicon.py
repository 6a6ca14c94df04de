#!/usr/bin/env python3
"""Build the curated lexicon ``kg/resources/lexicon.jsonl`` from general sources, reproducibly.

Inputs (never committed; see ``../shared/data/SOURCES.md``):
  * ``<data>/gazetteer/{datasets,methods,metrics,tasks}.jsonl`` — names from Papers with Code, NLP-TDMS and
    SciREX *train*; noisy: spam, dataset splits, table headers, leaderboard row names;
  * ``scripts/lexicon_additions.jsonl`` — names added by hand from general knowledge of the field.

Nothing is taken from the sample corpus or the gold annotations, so the lexicon measures how well the
extractor generalises instead of memorising its test data.

Usage::

    python scripts/build_lexicon.py [--data ../shared/data] [--out kg/resources/lexicon.jsonl]

Prints how many entries each filter dropped. The output is sorted and stable: the same inputs give the
same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GENERIC_FILE = REPO / "kg" / "nlp" / "data" / "generic_terms.txt"

FILES = {"datasets": "Dataset", "methods": "Method", "metrics": "Metric", "tasks": "Task"}

# Filters, each a (reason, predicate on the name) pair, applied in order: the first that fires names the drop.
_SPAM = re.compile(r"[?!]|https?:|www\.|\.com\b|@\w+\.|\b(?:how to|claim|refund|customer|call|phone|number)\b", re.I)
_SPLIT = re.compile(
    r"(?:\b(?:test[- ]?dev|test[- ]?std|test|val|validation|dev|train|training|split|subset|fold|"
    r"zero[- ]shot|few[- ]shot|\d+[- ]shot|unsupervised|supervised|full|small|large|easy|hard|medium)\)?$)|->|→|\bto\b.*\b(?:transfer|adaptation)\b|\bvs\.?\b",
    re.I,
)
_HEADER = re.compile(r"#|\((?:%|m|b|k|s|ms|sec|seconds|mb|gb|x|dB)\)|\bparams?\b|\(.*\)|\[.*\]|%|\^|\$|\\|=|:", re.I)
_LEADERBOARD = re.compile(r"\+|\bsingle\b|\bensemble\b|\bet al\b|\(\d{4}\)|\bours\b|\bbaseline\b|/", re.I)
_DIGITS_ONLY = re.compile(r"^[\d\W_]+$")
_WORD = re.compile(r"[A-Za-z]")


from kg.nlp.relations import TASK_HEADS  # noqa: E402  (the one definition of a task head)


def load_generic() -> frozenset[str]:
    terms = (line.strip().lower() for line in GENERIC_FILE.read_text(encoding="utf-8").splitlines())
    return frozenset(t for t in terms if t and not t.startswith("# ") and t != "#")


def slug(text: str) -> str:
    s = re.sub(r"[^0-9a-z]+", "-", text.lower()).strip("-")
    return s or hashlib.sha1(text.encode()).hexdigest()[:10]


def _metric_heads() -> frozenset[str]:
    cues = json.loads((REPO / "kg" / "nlp" / "data" / "cues.json").read_text(encoding="utf-8"))
    return frozenset(cues["metric_heads"])


def _is_metric_like(name: str) -> bool:
    heads = _metric_heads()
    words = re.findall(r"[\w@\-]+", name.lower())
    if any(w in heads or w.split("-")[0] in heads or w.rstrip("s") in heads for w in words):
        return True
    core = re.sub(r"[^A-Za-z]", "", name)
    return len(core) >= 3 and name.isupper() and len(words) == 1


def _task_head_ok(name: str) -> bool:
    """The head word of a task name ("Image Generation from Scene Graphs" → generation) is an action noun."""
    core = re.sub(r"\s*\([^)]*\)", "", name)
    core = re.split(r"\s+(?:from|for|of|in|on|with|using|via)\s+", core)[0].split()
    return bool(core) and bool(TASK_HEADS.search(core[-1]))


def reject_reason(name: str, etype: str, generic: frozenset[str], stop: frozenset[str]) -> str | None:
    """Why a gazetteer name is not a usable lexicon entry (None = keep it)."""
    words = name.split()
    low = name.lower()
    if not _WORD.search(name) or _DIGITS_ONLY.match(name):
        return "no letters"
    if len(name) < 2 or len(name) > 50 or len(words) > 6:
        return "length"
    if _SPAM.search(name):
        return "spam/question"
    if _HEADER.search(name):
        return "table header/units/markup"
    if etype in ("Dataset", "Benchmark") and _SPLIT.search(name):
        return "split/variant"
    if etype == "Method" and _LEADERBOARD.search(name):
        return "leaderboard row"
    if low in generic or all(w.lower() in generic or w.lower() in stop for w in words):
        return "generic words"
    if low in stop:
        return "stop word"
    if len(words) == 1 and name.islower() and etype != "Metric":
        # A single lower-case word ("transformer", "reddit") is mostly prose; names are capitalised or coined.
        return "single common word"
    if len(words) == 1 and name[:1].isupper() and name[1:].islower() and etype == "Task":
        return "single common word"
    if etype in ("Dataset", "Benchmark", "Method") and not re.search(r"[A-Z0-9]", name):
        # Datasets and models are proper names ("ImageNet", "ResNet-50"); an all-lower-case gazetteer
        # entry of these types is a description ("experimental results", "self-supervised learning").
        return "not a proper name"
    if etype in ("Dataset", "Benchmark", "Method") and len(words) > 1 and not any(
        re.search(r"[A-Z].*[A-Z]|\d|[a-z][A-Z]", w) for w in words
    ) and any(w[:1].islower() and w.lower() not in stop for w in words):
        # Multi-word proper names are title-cased ("Visual Genome", "Stanford Cars"); "Experimental
        # results" is a phrase.
        return "not a proper name"
    if etype in ("Dataset", "Benchmark", "Method") and re.fullmatch(r"[A-Z][a-z]+", name):
        # One plain capitalised word ("Discovery", "Wisconsin") is mostly a sentence- or title-initial
        # English word; the well-known ones of this shape ("Cora", "Reddit") are in the curated additions.
        return "ambiguous common word"
    if len(name) <= 2 and etype in ("Dataset", "Benchmark"):
        return "too short to be unambiguous"
    if etype == "Metric" and not _is_metric_like(name):
        # Gazetteer metric columns include things that are no measure at all ("detector", "face",
        # "Adversarial"); keep names with a measure head word, or acronyms (BLEU, FID, SSIM).
        return "not a measure"
    if len(name) <= 2 and etype != "Metric":
        return "too short to be unambiguous"
    if etype == "Task" and not _task_head_ok(name):
        # Gazetteer task lists mix in modalities and properties ("X-Ray", "Time Series", "Point Clouds",
        # "Computational Efficiency", "Inductive Bias"): a task is named by what is done, so its head
        # word is an action noun ("segmentation", "retrieval", "learning", "attacks").
        return "not a task phrase"
    return None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--additions", type=Path, default=REPO / "scripts" / "lexicon_additions.jsonl")
    ap.add_argument("--out", type=Path, default=REPO / "kg" / "resources" / "lexicon.jsonl")
    args = ap.parse_args(argv)

    from spacy.lang.en.stop_words import STOP_WORDS

    stop = frozenset(w.lower() for w in STOP_WORDS)
    generic = load_generic()
    entries: dict[str, dict] = {}  # id -> entry
    by_norm: dict[str, str] = {}  # normalised name/alias -> id (first source wins: curated first)
    dropped: Counter[str] = Counter()
    kept: Counter[str] = Counter()

    def norm(s: str) -> str:
        return re.sub(r"[\s\-_]+", " ", s.lower()).strip()

    def add(name: str, etype: str, aliases: list[str], source: str) -> None:
        name = " ".join(name.split())
        key = norm(name)
        if key in by_norm:  # already known (e.g. curated): record the extra source and aliases
            entry = entries[by_norm[key]]
            if source not in entry["sources"]:
                entry["sources"].append(source)
            return
        eid = f"{etype.lower()}:{slug(name)}"
        while eid in entries:
            eid += "_"
        clean_aliases = []
        for a in aliases:
            a = " ".join(a.split())
            # Case variants ("Pubmed" for "PubMed") are kept: capitalised names match case-sensitively.
            if a and a != name and (norm(a) not in by_norm or norm(a) == key) and a not in clean_aliases:
                if source == "curated" or reject_reason(a, etype, generic, stop) is None:
                    clean_aliases.append(a)
        entries[eid] = {"id": eid, "name": name, "type": etype, "aliases": clean_aliases, "sources": [source]}
        by_norm[key] = eid
        for a in clean_aliases:
            by_norm.setdefault(norm(a), eid)
        kept[source] += 1

    for line in args.additions.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            add(row["name"], row["type"], row.get("aliases", []), "curated")

    gaz = args.data / "gazetteer"
    if not gaz.is_dir():
        print(f"error: {gaz} not found (pass --data)", file=sys.stderr)
        return 2
    for fname, etype in FILES.items():
        for line in (gaz / f"{fname}.jsonl").read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            name = row["name"].strip()
            reason = reject_reason(name, etype, generic, stop)
            if reason:
                dropped[f"{etype}: {reason}"] += 1
                continue
            src = row.get("source") or "gazetteer"
            add(name, etype, [a for a in row.get("aliases", []) if not re.search(r"\(\d{4}\)$", a)], f"gazetteer/{fname}:{src}")

    version = hashlib.sha1(
        json.dumps(sorted(entries.values(), key=lambda e: e["id"]), sort_keys=True).encode()
    ).hexdigest()[:12]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write(json.dumps({"lexicon_version": version, "entries": len(entries)}) + "\n")
        for eid in sorted(entries):
            e = entries[eid]
            fh.write(json.dumps({**e, "source": e["sources"][0]}, ensure_ascii=False, sort_keys=True) + "\n")
    tmp.replace(args.out)

    types = Counter(e["type"] for e in entries.values())
    print(f"wrote {len(entries)} entries to {args.out} (version {version})")
    print("by type:", dict(sorted(types.items())))
    print("by first source:", dict(sorted(kept.items())))
    print("dropped:")
    for reason, n in sorted(dropped.items()):
        print(f"  {n:6d}  {reason}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
