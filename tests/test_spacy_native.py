"""paperkg as spaCy users meet it: spans and entities, entry points, to_disk / spacy.load, displaCy, DocBin."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
import spacy
from spacy import displacy
from spacy.tokens import DocBin

from kg.extract import doc_to_extraction, paper_text
from kg.model import Paper
from kg.nlp import PIPELINE, RULES, load_nlp, new_nlp
from kg.nlp.sentences import make_docs
from kg.nlp.spans import confidence_key, named_spans

TEXT = ("LoRA-Drop: Pruning Low-Rank Adapters\n"
        "We propose LoRA-Drop, a pruning method for Low-Rank Adaptation (LoRA). On the GLUE benchmark, "
        "LoRA-Drop reaches 88.1% accuracy and outperforms AdaLoRA.")


@pytest.fixture(scope="module")
def doc():
    nlp = new_nlp()  # the factory defaults: kg_spans writes doc.ents too
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
    nlp = new_nlp()
    nlp.to_disk(tmp_path / "pipe")
    out = _fresh_python(f"""
        import spacy
        nlp = spacy.load({str(tmp_path / "pipe")!r})
        print(nlp.pipe_names)
        doc = nlp({TEXT!r})
        print(sorted({{(s.text, s.label_) for s in doc.ents}}))
    """)
    names, ents = out.strip().splitlines()
    assert names == str(list(PIPELINE))
    assert ents == str(sorted(_labelled(doc.ents)))


#: Names inside a token ("CIFAR-10" of "CIFAR-10/100", "GTA" of "GTA-to-Cityscapes"), as in the corpus.
INSIDE_A_TOKEN = [
    "Long-Tailed Recognition\n\nWe report results on CIFAR-10/100-LT and ImageNet-LT with top-1 accuracy.",
    "Domain Adaptation\n\nOur method reaches 58.1 mIoU for GTA-to-Cityscapes and 5.4 more for Synthia-to-Cityscapes.",
]


def _run(nlp, text):
    doc = nlp.make_doc(text)
    doc._.kg_text = text
    for _name, proc in nlp.pipeline:
        doc = proc(doc)
    return doc


@pytest.mark.parametrize("text", INSIDE_A_TOKEN)
def test_spans_keep_the_exact_characters_the_rules_named_through_docbin(text):
    doc = _run(load_nlp(), text)
    found = named_spans(doc)
    group = list(doc.spans["kg"])
    assert [(s.start_char, s.end_char) for s in group] == list(found)
    assert any(s.text != text[s.start_char:s.end_char] for s in group)  # a name inside a token
    back = next(DocBin(store_user_data=True, docs=[doc]).get_docs(spacy.blank("en").vocab))
    for span in back.spans["kg"]:
        etype, rule, conf, lex_id = found[(span.start_char, span.end_char)]
        assert (span.label_, span._.kg_rule, span._.kg_confidence, span._.kg_lexicon_id) == (
            etype.value, rule, conf, lex_id)
        assert back.user_data[confidence_key(span.start_char, span.end_char)] == conf


@pytest.mark.parametrize("text", [TEXT, *INSIDE_A_TOKEN])
def test_records_are_the_same_whether_or_not_kg_spans_ran(text):
    title, abstract = text.replace("\n\n", "\n").split("\n", 1)
    paper = Paper(id="p", title=title, abstract=abstract)
    with_spans = doc_to_extraction(_run(load_nlp(), paper_text(paper)), paper)
    without = _run(new_nlp(RULES), paper_text(paper))
    assert "kg" not in without.spans
    assert doc_to_extraction(without, paper) == with_spans
    assert with_spans.entities


def test_the_extraction_pipeline_writes_spans_but_no_ents_and_displacy_shows_the_spans():
    doc = _run(load_nlp(), TEXT)
    assert not doc.ents and len(doc.spans["kg"]) >= 4
    assert "Benchmark" in displacy.render(doc, style="span", options={"spans_key": "kg"}, page=False)


@spacy.Language.component("test_glossary")
def _glossary(doc):
    """A component of someone else's that writes a name into doc.spans["kg"] before kg_spans runs."""
    at = doc.text.find("zorblax")
    span = doc.char_span(at, at + len("zorblax"), label="Dataset")
    span._.kg_rule = "test_glossary"
    span._.kg_confidence = 0.65
    doc.spans["kg"] = [span]
    return doc


@pytest.mark.parametrize("confidence", [0.65])
def test_spans_another_component_writes_become_entities_of_the_record(confidence):
    nlp = new_nlp(RULES)
    nlp.add_pipe("test_glossary")
    nlp.add_pipe("kg_spans")
    paper = Paper(id="p", title="Adapters for small data", abstract="We train LoRA adapters on the zorblax collection.")
    record = doc_to_extraction(_run(nlp, paper_text(paper)), paper)
    mention = next(m for e in record.entities for m in e.mentions if m.text == "zorblax")
    assert (mention.type.value, mention.evidence.rule, mention.evidence.confidence) == (
        "Dataset", "test_glossary", confidence)
    assert any(m.text == "LoRA" for e in record.entities for m in e.mentions)  # the rules' spans too


@pytest.mark.parametrize(
    ("start", "end", "tokens"),
    [(0, 12, (0, 1)),   # a whole token
     (0, 8, (0, 1)),    # "CIFAR-10" inside "CIFAR-10/100": the covering token
     (18, 21, (3, 4)),  # "GTA" of "GTA-to-Cityscapes" (split by the infix rules)
     (37, 37, (8, 9))],  # past the last token (no rule names that, but no span is ever lost)
)
def test_exact_span_covers_the_tokens_and_keeps_the_characters(start, end, tokens):
    from kg.nlp.spans import exact_span

    doc = spacy.blank("en")("CIFAR-10/100 and  GTA-to-Cityscapes .")
    span = exact_span(doc, start, end, "Dataset")
    assert ((span.start, span.end), (span.start_char, span.end_char), span.label_) == (tokens, (start, end), "Dataset")
