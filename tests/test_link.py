"""Entity resolution across papers: what must merge, and what must stay apart."""

from __future__ import annotations

import pytest
from graph_fixtures import lora_papers

from kg.link import link, name_key


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
    assert lora.label == "Low-Rank Adaptation"  # the long form wins over the acronym
    assert "LoRA" in lora.alt_labels
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
