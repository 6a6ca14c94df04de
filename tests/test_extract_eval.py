"""Extraction records (schema, CLI) and the evaluator (matching rules, dev-set floors, CLI)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.eval import FIELDS, evaluate, norm, read_gold
from kg.extract import extract_papers
from kg.model import Entity, EntityType, Evidence, Extraction, Paper, Relation, RelationType, Result, Section
from kg.sources import read_papers

REPO = Path(__file__).parents[1]
GOLD = Path(__file__).parent / "data" / "gold"
SCHEMA = json.loads((REPO / "schemas" / "extraction.schema.json").read_text(encoding="utf-8"))

#: F1 the extractor must not fall below, per gold split (measured 2026-11-26 with `kg eval` on tests/data/gold).
#: dev: proposes .870, datasets .883, baselines .759, metrics .872, tasks .606, results .855;
#: train: proposes .878, datasets .897, baselines .889, metrics .831, tasks .625, results .893.
#: Just under those figures: a change that loses quality fails here. Raise them when extraction improves.
FLOORS = {
    "dev": {"proposes": 0.85, "datasets": 0.87, "baselines": 0.74, "metrics": 0.85, "tasks": 0.61, "results": 0.84},
    "train": {"proposes": 0.87, "datasets": 0.89, "baselines": 0.88, "metrics": 0.82, "tasks": 0.65, "results": 0.89},
}
N_PAPERS = {"dev": 80, "train": 262}


@pytest.fixture(scope="module")
def dev_extractions() -> list[Extraction]:
    return list(extract_papers(list(read_papers(GOLD / "dev.papers.jsonl"))))


def test_records_validate_against_the_json_schema(dev_extractions):
    validator = jsonschema.Draft202012Validator(SCHEMA)
    for ex in dev_extractions:
        validator.validate(json.loads(json.dumps(ex.to_dict())))
        assert Extraction.from_dict(ex.to_dict()) == ex  # lossless round trip


@pytest.mark.parametrize("split", ["dev", "train"])
def test_f1_does_not_fall_below_the_floors(split, dev_extractions):
    extractions = dev_extractions if split == "dev" else list(
        extract_papers(list(read_papers(GOLD / f"{split}.papers.jsonl"))))
    report = evaluate(extractions, read_gold(GOLD / f"{split}.gold.jsonl"))
    assert report.n_papers == N_PAPERS[split] and not report.missing
    scores = {f: round(report.scores[f].f1, 3) for f in FIELDS}
    low = {f: (scores[f], floor) for f, floor in FLOORS[split].items() if scores[f] < floor}
    assert not low, f"{split} F1 fell below the floor: {low}"


def _ex(names: list[tuple[str, ...]], rtype: RelationType, results: tuple[Result, ...] = ()) -> Extraction:
    ev = Evidence("s", 0, 1, Section.ABSTRACT, "r", 0.5)
    ents = tuple(Entity(f"e{i}", EntityType.METHOD if rtype is not RelationType.MEASURES else EntityType.METRIC, n)
                 for i, n in enumerate(names))
    rels = tuple(Relation(rtype, e.key, ev) for e in ents)
    return Extraction(Paper("p", "T", "A"), ents, rels, results)


@pytest.mark.parametrize(
    ("a", "b"),
    [("CIFAR-10 dataset", "cifar 10"), ("GLUE benchmark", "GLUE"), ("Low-Rank  Adaptation", "low rank adaptation")],
)
def test_norm_matches_guideline(a, b):
    assert norm(a) == norm(b)


def test_entity_matching_any_alias_and_maybe_items():
    pred = _ex([("Low-Rank Adaptation", "LoRA"), ("PiSSA",), ("Full FT",)], RelationType.BEATS)
    gold = [{"id": "p", "proposes": [], "datasets": [], "metrics": [], "tasks": [], "results": [],
             "baselines": [["LoRA"], ["DoRA"]], "maybe": [["Full FT", "baselines"]]}]
    s = evaluate([pred], gold).scores["baselines"]
    assert (s.tp, s.fp, s.fn) == (1, 1, 1)  # LoRA matched; PiSSA false; Full FT a maybe; DoRA missed


def test_result_matching_on_value_and_metric():
    ev = Evidence("s", 0, 1, Section.ABSTRACT, "r", 0.5)
    acc = Entity("e0", EntityType.METRIC, ("accuracy",))
    f1 = Entity("e1", EntityType.METRIC, ("F1",))
    pred = Extraction(Paper("p", "T", "A"), (acc, f1), (), (
        Result(53.14, "53.14%", ev, "%", metric="e0"),
        Result(7.0, "7%", ev, "%", metric="e1"),
        Result(2.3, "2.3x", ev, "x"),
    ))
    gold = [{"id": "p", **{f: [] for f in FIELDS}, "results": [
        {"metric": "accuracy", "value": "53.14%"}, {"metric": "accuracy", "value": "7%"}, {"value": "2.3×"}]}]
    s = evaluate([pred], gold).scores["results"]
    assert (s.tp, s.fp, s.fn) == (2, 1, 1)


def test_cli_extract_and_eval(tmp_path):
    runner = CliRunner()
    out = tmp_path / "ex.jsonl"
    res = runner.invoke(app, ["extract", str(GOLD / "dev.papers.jsonl"), "--out", str(out)])
    assert res.exit_code == 0, res.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 80 and json.loads(lines[0])["paper"]["id"] == "d000"
    res = runner.invoke(app, ["eval", str(out), str(GOLD / "dev.gold.jsonl"), "--json"])
    assert res.exit_code == 0, res.output
    scores = json.loads(res.stdout)
    assert scores["papers"] == 80 and set(scores["fields"]) == {*FIELDS, "overall"}
    res = runner.invoke(app, ["eval", str(GOLD / "dev.papers.jsonl"), str(GOLD / "dev.gold.jsonl"), "--show-errors"])
    assert res.exit_code == 0
    assert "proposes" in res.stdout and " FN " in res.stdout


def test_cli_eval_bad_gold_is_a_message(tmp_path):
    bad = tmp_path / "gold.jsonl"
    bad.write_text('{"id": "d000"}\n{oops\n', encoding="utf-8")
    res = CliRunner().invoke(app, ["eval", str(GOLD / "dev.papers.jsonl"), str(bad)])
    assert res.exit_code == 2
    assert "gold.jsonl:2: invalid JSON" in res.output


@pytest.mark.parametrize(
    ("error", "predicted", "gold", "names", "category"),
    [
        # a compound metric cut to its head word
        ({"field": "metrics", "kind": "fn", "item": ["top-1 accuracy"]}, {"metrics": [["accuracy"]]},
         {"metrics": [["top-1 accuracy"]]}, (), "span:narrower"),
        ({"field": "metrics", "kind": "fp", "item": ["accuracy"]}, {"metrics": [["accuracy"]]},
         {"metrics": [["top-1 accuracy"]]}, (), "span:narrower"),
        # a baseline span running on past the name
        ({"field": "baselines", "kind": "fp", "item": ["LoRA baselines"]}, {"baselines": [["LoRA baselines"]]},
         {"baselines": [["LoRA"]]}, (), "span:wider"),
        # the name is there, under another field
        ({"field": "baselines", "kind": "fn", "item": ["PiSSA"]}, {"baselines": [], "proposes": [["PiSSA"]]},
         {"baselines": [["PiSSA"]]}, (), "type:as-proposes"),
        ({"field": "datasets", "kind": "fp", "item": ["GraphSAGE"]}, {"datasets": [["GraphSAGE"]]},
         {"baselines": [["GraphSAGE"]]}, (), "type:gold-baselines"),
        # recognised as an entity, no relation of this field
        ({"field": "metrics", "kind": "fn", "item": ["BLEU"]}, {"metrics": []}, {"metrics": [["BLEU"]]},
         ("BLEU",), "relation"),
        # not recognised: the kind of name says which rule family is missing
        ({"field": "metrics", "kind": "fn", "item": ["inference latency"]}, {"metrics": []},
         {"metrics": [["inference latency"]]}, (), "missed:efficiency-measure"),
        ({"field": "metrics", "kind": "fn", "item": ["denoising accuracy"]}, {"metrics": []},
         {"metrics": [["denoising accuracy"]]}, (), "missed:compound"),
        ({"field": "baselines", "kind": "fn", "item": ["random forest"]}, {"baselines": []},
         {"baselines": [["random forest"]]}, (), "missed:lower-case"),
        ({"field": "proposes", "kind": "fn", "item": ["Mixture of Adapters", "MoA"]}, {"proposes": []},
         {"proposes": [["Mixture of Adapters", "MoA"]]}, (), "missed:acronym-pair"),
        ({"field": "datasets", "kind": "fp", "item": ["Real Data"]}, {"datasets": [["Real Data"]]},
         {"datasets": [["COCO"]]}, (), "spurious"),
        # results: a value found with another metric vs. a value never found
        ({"field": "results", "kind": "fn", "item": {"value": "71.8", "metric": "EM"}},
         {"results": [{"number": 71.8, "value": "71.8", "metric": "F1"}]}, {}, (), "metric-differs"),
        ({"field": "results", "kind": "fn", "item": {"value": "71.8"}}, {"results": []}, {}, (), "value-missed"),
        ({"field": "results", "kind": "fp", "item": {"value": "3"}}, {"results": []}, {}, (), "not-a-result"),
    ],
)
def test_error_categories(error, predicted, gold, names, category):
    from kg.eval.categories import categorize

    assert categorize(error, predicted, gold, names) == category


def test_cli_eval_by_category_counts_every_error():
    res = CliRunner().invoke(app, ["eval", str(GOLD / "dev.papers.jsonl"), str(GOLD / "dev.gold.jsonl"), "--json",
                                   "--by-category"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    errors = {f: v["fp"] + v["fn"] for f, v in data["fields"].items() if f != "overall"}
    counted = {f: sum(c.values()) for f, c in data["categories"].items()}
    assert counted == {f: n for f, n in errors.items() if n}
    res = CliRunner().invoke(app, ["eval", str(GOLD / "dev.papers.jsonl"), str(GOLD / "dev.gold.jsonl"),
                                   "--by-category"])
    assert res.exit_code == 0 and "errors by category" in res.stdout


@pytest.mark.parametrize(("n", "k"), [(342, 5), (10, 3), (4, 4)])
def test_cv_folds_partition_the_papers(n, k):
    import importlib.util

    spec = importlib.util.spec_from_file_location("cv", REPO / "benchmarks" / "cv.py")
    cv = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cv)
    ids = [f"p{i:03d}" for i in range(n)]
    parts = cv.folds(ids, k, seed=13)
    assert len(parts) == k and sorted(i for p in parts for i in p) == ids
    assert max(map(len, parts)) - min(map(len, parts)) <= 1
    assert parts == cv.folds(list(reversed(ids)), k, seed=13)  # depends on the ids, not their order


@pytest.mark.parametrize("n_process", [1, 2])
def test_extraction_pulls_papers_as_it_goes_and_keeps_their_order(dev_extractions, n_process):
    """A build streams its papers from disk: extraction takes them a few chunks ahead of what it has
    yielded (a pool's imap would read the whole input into its queue first), and yields in input order."""
    papers = list(read_papers(GOLD / "dev.papers.jsonl")) * 3
    pulled = 0

    def source():
        nonlocal pulled
        for paper in papers:
            pulled += 1
            yield paper

    records = extract_papers(source(), n_process=n_process, batch_size=8, budget=None)
    first = next(records)
    ahead = pulled
    rest = list(records)
    assert ahead <= 2 * 8 + 4 * n_process * 8 + 8  # the first chunks (the one-process test) and the window
    assert [r.paper.id for r in [first, *rest]] == [p.id for p in papers]
    assert [r.to_dict() for r in [first, *rest][:80]] == [r.to_dict() for r in dev_extractions]
