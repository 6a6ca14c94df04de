"""paperkg as spaCy users meet it: spans and entities, entry points, to_disk / spacy.load, displaCy, DocBin."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
import spacy
from spacy import displacy
from spacy.tokens import DocBin

from kg.nlp import PIPELINE, new_nlp
from kg.nlp.sentences import make_docs

TEXT = ("LoRA-Drop: Pruning Low-Rank Adapters\n"
        "We propose LoRA-Drop, a pruning method for Low-Rank Adaptation (LoRA). On the GLUE benchmark, "
        "LoRA-Drop reaches 88.1% accuracy and outperforms AdaLoRA.")


@pytest.fixture(scope="module")
def doc():
    nlp = new_nlp((*PIPELINE, "kg_spans"))
    return next(iter(nlp.pipe(make_docs(nlp, [TEXT]))))


def _labelled(spans) -> set[tuple[str, str]]:
    return {(s.text, s.label_) for s in spans}


@pytest.mark.parametrize(
    ("text", "label"),
    [("LoRA-Drop", "Method"), ("GLUE", "Benchmark"), ("accuracy", "Metric"), ("AdaLoRA", "Method")],
)
def test_findings_are_spans_with_rule_and_confidence(doc, text, label):
    found = [s for s in doc.spans["kg"] if s.text == text and s.label_ == label]
    assert found, _labelled(doc.spans["kg"])
    assert all(s._.kg_rule and 0.0 < s._.kg_confidence <= 1.0 for s in found)


def test_entities_do_not_overlap_and_abbreviations_are_span_pairs(doc):
    ents = list(doc.ents)
    assert ents and all(a.end <= b.start for a, b in zip(ents, ents[1:], strict=False))
    pairs = list(zip(doc.spans["kg_short_forms"], doc.spans["kg_long_forms"], strict=True))
    assert ("LoRA", "Low-Rank Adaptation") in {(s.text, lf.text) for s, lf in pairs}


def test_displacy_renders_the_entities(doc):
    html = displacy.render(doc, style="ent", page=False)
    assert "LoRA-Drop" in html and "Benchmark" in html
    html = displacy.render(doc, style="span", options={"spans_key": "kg"}, page=False)
    assert "Metric" in html


def test_docbin_keeps_spans_and_their_attributes(doc):
    data = DocBin(store_user_data=True, docs=[doc]).to_bytes()
    back = next(DocBin().from_bytes(data).get_docs(spacy.blank("en").vocab))
    assert _labelled(back.spans["kg"]) == _labelled(doc.spans["kg"])
    assert [s._.kg_rule for s in back.spans["kg"]] == [s._.kg_rule for s in doc.spans["kg"]]


def _fresh_python(code: str) -> str:
    res = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    return res.stdout


def test_factories_are_found_through_entry_points_without_importing_kg():
    out = _fresh_python("""
        import sys, spacy
        nlp = spacy.blank("en")
        for name in ("kg_sentences", "kg_abbreviations", "kg_lexicon", "kg_candidates", "kg_relations",
                     "kg_results", "kg_spans"):
            nlp.add_pipe(name)
        doc = nlp("We evaluate on ImageNet and COCO with top-1 accuracy.")
        print(sorted({(s.text, s.label_) for s in doc.spans["kg"]}))
    """)
    assert "('ImageNet', 'Dataset')" in out and "('COCO', 'Dataset')" in out


def test_a_saved_pipeline_loads_with_spacy_load_in_a_fresh_process(tmp_path, doc):
    nlp = new_nlp((*PIPELINE, "kg_spans"))
    nlp.to_disk(tmp_path / "pipe")
    out = _fresh_python(f"""
        import spacy
        nlp = spacy.load({str(tmp_path / "pipe")!r})
        print(nlp.pipe_names)
        doc = nlp({TEXT!r})
        print(sorted({{(s.text, s.label_) for s in doc.ents}}))
    """)
    names, ents = out.strip().splitlines()
    assert names == str([*PIPELINE, "kg_spans"])
    assert ents == str(sorted(_labelled(doc.ents)))
