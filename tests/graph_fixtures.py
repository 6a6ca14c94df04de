"""Hand-made extraction records for graph tests: small, realistic, and independent of the extractor."""

from __future__ import annotations

from kg.model import (
    Comparison,
    Entity,
    EntityType,
    Evidence,
    Extraction,
    Mention,
    Paper,
    Relation,
    RelationType,
    Result,
    Section,
)

T = EntityType
R = RelationType


def ev(sentence: str, start: int = 0, end: int = 4, rule: str = "test:rule", conf: float = 0.9) -> Evidence:
    return Evidence(sentence, start, end, Section.ABSTRACT, rule, conf)


def ent(key: str, etype: EntityType, *names: str, short: str | None = None, long: str | None = None,
        lexicon_id: str | None = None) -> Entity:
    return Entity(key=key, type=etype, names=names,
                  mentions=tuple(Mention(n, etype, ev(f"… {n} …")) for n in names),
                  lexicon_id=lexicon_id, short_form=short, long_form=long)


def record(pid: str, title: str, entities: list[Entity], relations: list[tuple[RelationType, str]],
           results: tuple[Result, ...] = (), date: str | None = "2024-05-22",
           comparisons: tuple[Comparison, ...] = ()) -> Extraction:
    paper = Paper(id=pid, title=title, abstract=f"Abstract of {title}.", date=date, n_authors=3)
    rels = tuple(Relation(t, k, ev(f"sentence for {t.value} {k}")) for t, k in relations)
    return Extraction(paper=paper, entities=tuple(entities), relations=rels, results=results, extractor="test/1",
                      comparisons=comparisons)


BEATS_SENTENCE = "LoRA-Drop outperforms LoRA by 1.2 points of accuracy on GLUE."


def lora_papers() -> list[Extraction]:
    """Paper A defines "Low-Rank Adaptation (LoRA)"; paper B says only "LoRA" and "the CIFAR-10 dataset";
    paper A also states a change (1.2 points over LoRA) and the comparison it makes;
    paper C says "CIFAR10", "Cifar-10", "ImageNet-1K" and "ImageNet"; paper D defines SGD as
    stochastic gradient descent and paper E as Schema-Guided Dialogue."""
    a = record("t:a", "LoRA-Drop", [
        ent("e0", T.METHOD, "Low-Rank Adaptation", "LoRA", short="LoRA", long="Low-Rank Adaptation"),
        ent("e1", T.METHOD, "LoRA-Drop"),
        ent("e2", T.METRIC, "accuracy", lexicon_id="metric:accuracy"),
        ent("e3", T.BENCHMARK, "GLUE", lexicon_id="benchmark:glue"),
    ], [(R.PROPOSES, "e1"), (R.BEATS, "e0"), (R.MEASURES, "e2"), (R.USES, "e3")],
        results=(Result(88.1, "88.1%", ev("LoRA-Drop achieves 88.1% accuracy on GLUE.", 20, 25), "%", "e1", "e3", "e2"),
                 Result(1.2, "1.2 points", ev(BEATS_SENTENCE, 36, 46), "points", "e1", "e3", "e2", delta=True,
                        relative_to="e0")),
        comparisons=(Comparison("e1", "e0", ev(BEATS_SENTENCE, 21, 25, "test:beats"), "e3", "e2", 1.2, "1.2 points",
                                "points"),))
    b = record("t:b", "Sparse LoRA", [
        ent("e0", T.METHOD, "LoRA"),
        ent("e1", T.DATASET, "the CIFAR-10 dataset"),
        ent("e2", T.METHOD, "SpLoRA"),
    ], [(R.BEATS, "e0"), (R.USES, "e1"), (R.PROPOSES, "e2")], date="--08-08")
    c = record("t:c", "Vision Stuff", [
        ent("e0", T.DATASET, "CIFAR10"),
        ent("e1", T.DATASET, "Cifar-10"),
        ent("e2", T.DATASET, "ImageNet-1K"),
        ent("e3", T.DATASET, "ImageNet"),
        ent("e4", T.DATASET, "ImageNet-C"),
        ent("e5", T.TASK, "image classification"),
        ent("e6", T.TASK, "Image Classification"),
    ], [(R.USES, "e0"), (R.USES, "e2"), (R.USES, "e3"), (R.USES, "e4"), (R.ADDRESSES, "e5")], date="2023-01-02")
    d = record("t:d", "Optimisers", [
        ent("e0", T.METHOD, "stochastic gradient descent", "SGD", short="SGD", long="stochastic gradient descent"),
    ], [(R.BEATS, "e0")])
    e = record("t:e", "Dialogue", [
        ent("e0", T.METHOD, "Schema-Guided Dialogue", "SGD", short="SGD", long="Schema-Guided Dialogue"),
    ], [(R.PROPOSES, "e0")])
    return [a, b, c, d, e]


def record_lines(out):
    """Every extraction record line of a build output (its shards, in order)."""
    from kg.shards import Shards

    shards = Shards(out)
    return [line for s in shards.names() for line in shards.records_path(s).read_text(encoding="utf-8").splitlines()
            if line.strip()]


def first_shard(out):
    """The records file of a build's first shard (a small build has one)."""
    from kg.shards import Shards

    return Shards(out).records_path(Shards(out).names()[0])
