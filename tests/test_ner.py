"""The accurate mode's trained NER (``kg_ner``): shipped weights, gating, merging, and the training script."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import spacy

from kg.errors import InputError
from kg.extract import extract_paper, extractor_id
from kg.model import Paper, RelationType
from kg.nlp import MODES, load_nlp, mode_components, new_nlp
from kg.nlp.ner import NERModelError, default_model_path, findings, gated, load_model

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "data" / "gold"
KG = str(Path(sys.executable).parent / "kg")


def _measured(paper: Paper, mode: str) -> set[str]:
    ex = extract_paper(paper, load_nlp(mode), mode=mode)
    by_key = {e.key: e for e in ex.entities}
    return {by_key[r.target].name.lower() for r in ex.relations if r.type is RelationType.MEASURES}


def test_the_model_loads_from_package_data_in_a_fresh_process():
    code = ("from kg.nlp.ner import default_model_path, load_model; m = load_model(); "
            "print(m.pipe_names, m.get_pipe('ner').labels, default_model_path())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd="/")
    assert "['ner'] ('METRIC',)" in out.stdout
    assert str(Path(__file__).resolve().parent.parent / "kg") in out.stdout or "site-packages" in out.stdout


def test_the_shipped_weights_are_small():
    size = sum(f.stat().st_size for f in default_model_path().rglob("*") if f.is_file())
    assert size < 6_000_000


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Our model reaches 71.8 EM on the test split.", True),  # a number
        ("We evaluate it in terms of latency.", True),  # a measure cue
        ("Transformers have become the dominant architecture.", False),
        ("Graph neural networks model relations between entities.", False),
    ],
)
def test_the_gate_passes_only_sentences_that_could_report_a_measure(sentence, expected):
    assert gated(sentence) is expected


@pytest.mark.parametrize(
    ("text", "fast", "accurate"),
    [
        # A compound measure the rules used to cut to the lexicon's head word: the model's span widens it
        # (since the metrics branch, the rules' extend_metric_span widens over "score" too, so both agree).
        ("Few-Step Diffusion Sampling\n\nThe sampler lowers the FID score from 9.4 to 6.1.", {"fid score"},
         {"fid score"}),
    ],
)
def test_accurate_mode_finds_a_metric_the_rules_miss(text, fast, accurate):
    title, abstract = text.split("\n\n")
    paper = Paper("p-ner", title, abstract)
    assert _measured(paper, "fast") == fast
    assert _measured(paper, "accurate") == accurate


@pytest.mark.parametrize(
    "text",
    [
        "Sparse Relay\n\nIt lowers the training memory by 41% and raises the classification accuracy to 87.2%.",
        "Probing\n\nThe classifier attains a precision of 0.91 and a recall of 0.87 on the test split.",
    ],
)
def test_accurate_mode_keeps_what_the_rules_find(text):
    title, abstract = text.split("\n\n")
    paper = Paper("p-ner", title, abstract)
    assert _measured(paper, "fast") <= _measured(paper, "accurate")


def _rule_measure(text: str) -> tuple[object, int, int]:
    doc = new_nlp(MODES["fast"])(text)
    rule = [f for f in doc._.kg_relations if f[0] == RelationType.MEASURES.value]
    assert len(rule) == 1, rule
    return doc, rule[0][1], rule[0][2]


def _sentence(words: list[str], ent: tuple[int, int]) -> spacy.tokens.Doc:
    sent = spacy.tokens.Doc(spacy.blank("en").vocab, words=words, spaces=[True] * (len(words) - 1) + [False])
    sent.ents = [spacy.tokens.Span(sent, *ent, label="METRIC")]
    return sent


def test_model_spans_never_duplicate_a_rule_finding():
    doc, s, e = _rule_measure("T\n\nWe report an accuracy of 90.1% on the benchmark.")
    assert doc.text[s:e] == "accuracy"
    base = s - len("an ")
    overlapping = _sentence(["an", "accuracy", "rate"], (1, 3))
    assert findings(doc, [(base, overlapping)]) == ([], set())
    own = _sentence(["an", "accuracy", "rate"], (0, 1))  # a span of its own is added
    assert findings(doc, [(base, own)]) == ([("measures", base, base + 2, "kg_ner:measures", 0.6)], set())


@pytest.mark.parametrize("widen", [False, True])
def test_a_wider_model_span_replaces_the_rules_head_word_only_when_widening(widen):
    doc, s, e = _rule_measure("T\n\nIt raises the accuracy of 90.1% to 93.0%.")
    base = s - len("the ")
    sent = _sentence(["the", "accuracy", "of"], (1, 2))
    assert findings(doc, [(base, sent)], widen)[0] == []  # the same span: nothing new
    wider = _sentence(["the", "accuracy"], (0, 2))  # stands for "<modifier> accuracy"
    new, replaced = findings(doc, [(base, wider)], widen)
    if widen:
        assert new == [("measures", base, e, "kg_ner:measures:widened", 0.6)] and replaced == {(s, e)}
    else:
        assert (new, replaced) == ([], set())


def test_modes_and_extractor_ids():
    assert mode_components("fast") == MODES["fast"] and "kg_ner" not in MODES["fast"]
    assert "kg_ner" in mode_components("accurate")
    with pytest.raises(InputError):
        mode_components("turbo")
    assert extractor_id("accurate").startswith(extractor_id("fast") + "+accurate/ner-")


def test_a_missing_model_is_a_kg_error(tmp_path):
    with pytest.raises(NERModelError):
        load_model(str(tmp_path))


def test_the_training_script_runs_end_to_end_on_a_tiny_sample(tmp_path):
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from train_ner import examples, load_split, train
    finally:
        sys.path.pop(0)
    papers, gold = load_split(GOLD / "train.papers.jsonl", GOLD / "train.gold.jsonl")
    sample = [p for p in papers if gold[p.id].get("metrics")][:12]
    docs = examples(sample, gold, spacy.blank("en").vocab)
    assert any(ent.label_ == "METRIC" for d in docs for ent in d.ents)
    out = train(sample, gold, tmp_path / "model", max_epochs=1, quiet=True)
    nlp = new_nlp(MODES["accurate"], {"kg_ner": {"model": str(out)}})
    doc = nlp("T\n\nWe report a top-1 accuracy of 80.2% and a latency of 3 ms.")
    assert doc._.kg_relations is not None  # the fresh model ran over the gated sentence


def test_the_cli_takes_a_mode(tmp_path):
    papers = tmp_path / "p.jsonl"
    papers.write_text('{"id": "x", "title": "T", "abstract": "We reach 90.1% accuracy."}\n', encoding="utf-8")
    for mode in ("fast", "accurate"):
        out = subprocess.run([KG, "extract", str(papers), "--mode", mode], capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        assert f"+{mode}/ner-" in out.stdout if mode == "accurate" else '"extractor"' in out.stdout
    bad = subprocess.run([KG, "extract", str(papers), "--mode", "turbo"],
                         capture_output=True, text=True)
    assert bad.returncode != 0 and "turbo" in bad.stderr


def test_a_dask_build_refuses_the_accurate_mode(tmp_path):
    from kg.pipeline import build

    papers = tmp_path / "p.jsonl"
    papers.write_text('{"id": "x", "title": "T", "abstract": "We reach 90.1% accuracy."}\n', encoding="utf-8")
    with pytest.raises(InputError, match="fast mode only"):
        build([str(papers)], tmp_path / "out", scheduler="local", mode="accurate", validate=False, store=False)
