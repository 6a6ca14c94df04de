"""Entity resolution across papers: what must merge, and what must stay apart."""

from __future__ import annotations

import pytest
from graph_fixtures import ent, lora_papers, record

from kg.link import link, name_key
from kg.model import EntityType, RelationType


@pytest.fixture(scope="module")
def linking():
    return link(lora_papers())


def _same(linking, a: tuple[str, str], b: tuple[str, str]) -> bool:
    return linking.members[a] == linking.members[b]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("t:a", "e0"), ("t:b", "e0")),  # "Low-Rank Adaptation (LoRA)" in A ↔ bare "LoRA" in B
        (("t:b", "e1"), ("t:c", "e0")),  # "the CIFAR-10 dataset" ↔ "CIFAR10"
        (("t:c", "e0"), ("t:c", "e1")),  # "CIFAR10" ↔ "Cifar-10"
        (("t:c", "e5"), ("t:c", "e6")),  # case variants of a task
    ],
)
def test_variants_merge(linking, a, b):
    assert _same(linking, a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("t:c", "e2"), ("t:c", "e3")),  # ImageNet-1K vs ImageNet
        (("t:c", "e4"), ("t:c", "e3")),  # ImageNet-C vs ImageNet
        (("t:d", "e0"), ("t:e", "e0")),  # SGD = stochastic gradient descent vs SGD = Schema-Guided Dialogue
        (("t:a", "e1"), ("t:a", "e0")),  # LoRA-Drop vs LoRA
    ],
)
def test_distinct_things_stay_apart(linking, a, b):
    assert not _same(linking, a, b)


def test_related_variants_are_linked_not_merged(linking):
    labels = {k: e.label for k, e in linking.entities.items()}
    related = {(labels[a], labels[b]) for a, b in linking.related}
    assert ("ImageNet-1K", "ImageNet") in related
    assert ("ImageNet-C", "ImageNet") in related


def test_canonical_labels_are_deterministic(linking):
    lora = linking.canonical("t:b", "e0")
    assert lora.label == "LoRA"  # the name the paper coins wins; the long form is an alternative label
    assert "Low-Rank Adaptation" in lora.alt_labels
    cifar = linking.canonical("t:c", "e0")
    assert cifar.label in {"CIFAR10", "Cifar-10", "the CIFAR-10 dataset"}
    again = link(list(reversed(lora_papers())))
    assert {k: (e.label, e.alt_labels) for k, e in again.entities.items()} == \
        {k: (e.label, e.alt_labels) for k, e in linking.entities.items()}


@pytest.mark.parametrize(
    ("name", "key"),
    [("the CIFAR-10 dataset", "cifar10"), ("Cifar-10", "cifar10"), ("LLMs", "llm"), ("ImageNet-1K", "imagenet1k"),
     ("Process", "process"), ("GLUE benchmark", "glue")],
)
def test_name_key(name, key):
    assert name_key(name) == key


@pytest.mark.parametrize(
    ("etype", "long", "short"),
    [
        (EntityType.METHOD, "Singular Values and Orthonormal Regularized Singular Vectors Adaptation", "SORSA"),
        (EntityType.DATASET, "Multi-Genre Natural Language Inference", "MultiNLI"),
        (EntityType.METRIC, "Structural Similarity Index Measure", "SSIM"),
    ],
)
def test_label_is_the_coined_short_name(etype, long, short):
    """A paper that coins "long form (SHORT)" gets SHORT as label and the long form as altLabel, for every type."""
    coined = record("t:s", f"{short}: a paper", [ent("e0", etype, long, short, short=short, long=long)],
                    [(RelationType.PROPOSES if etype is EntityType.METHOD else RelationType.USES, "e0")]
                    if etype is not EntityType.METRIC else [(RelationType.MEASURES, "e0")])
    bare = record("t:t", "Another", [ent("e0", etype, short)], [])
    linking = link([coined, bare])
    entity = linking.canonical("t:s", "e0")
    assert (entity.label, entity.alt_labels) == (short, (long,))
    assert linking.canonical("t:t", "e0") is entity


def test_ambiguous_acronym_keeps_long_form_labels(linking):
    """SGD defined two ways: both keep their long form as label, so the two nodes can be told apart."""
    labels = {linking.canonical("t:d", "e0").label, linking.canonical("t:e", "e0").label}
    assert labels == {"stochastic gradient descent", "Schema-Guided Dialogue"}
