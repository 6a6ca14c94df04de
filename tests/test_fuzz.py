"""Property-based fuzzing of every reader, the extractor, the exporters and `kg build` (issue 9).

Invariants: no exception but a :class:`~kg.errors.KGError` for a whole unusable input; every record read
is either yielded or counted as skipped (``read == yielded + skipped``); every paper's text can be held by
every output format; every output file parses (Turtle, N-Triples, JSON-LD, well-formed GraphML, CSV); a
build finishes and its manifest verifies.

`make test` runs a few hundred examples (200 inputs through every reader, 25 through the extractor and
the exporters, 3 full builds). `make fuzz` sets ``KG_FUZZ_EXAMPLES=10000`` (10,000 inputs through every
reader, 500 through extraction and export, 50 builds: 10,550 inputs) and
``KG_FUZZ_CORPUS=tests/data/fuzz_corpus``: any failing input is then written to that folder, and
:func:`test_fuzz_corpus_replays` replays every file there in the normal suite (the folder is seeded with
the inputs of issue 9's defects).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import random
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.errors import KGError
from kg.io import XML_UNSAFE
from kg.model import Paper, SkipReport
from kg.sources import FORMATS, read_papers
from kg.sources.text import valid_iri

DATA = Path(__file__).parent / "data"
CORPUS = DATA / "fuzz_corpus"
EXAMPLES = int(os.environ.get("KG_FUZZ_EXAMPLES", "100"))
WRITE_CORPUS = os.environ.get("KG_FUZZ_CORPUS")

#: Characters that broke or could break something: controls, NUL, surrogates, line separators, RTL marks,
#: BOM, non-characters, quoting and markup characters, affixes the tokenizer strips one at a time.
NASTY = ("\x00", "\x01", "\x0b", "\x1f", "\x7f", "\x85", "\u2028", "\u2029", "\u200b", "\u200f", "\u202e",
         "\ufeff", "\ufffe", "\uffff", "\ud800", "\udfff", "\U0001F600", '"', "'", ",", ";", "\t", "\n", "\r",
         "\r\n", "<", ">", "&", "%", "(", ")", "[", "]", "/", "\\", "{", "}", "é", "深", "я", "ا")

nasty_text = st.lists(
    st.one_of(st.sampled_from(NASTY), st.text(st.characters(blacklist_categories=()), max_size=12),
              st.sampled_from(["ImageNet", "we propose", "outperforms", "53.1%", " ", "(LoRA)", "e.g.", "Fig. 2"])),
    max_size=40,
).map("".join)

FIELDS = ("title", "abstract", "id", "date", "url", "authors", "author", "arxiv_id", "summary", "link")
json_scalar = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20),
                        st.floats(allow_nan=False, allow_infinity=False), nasty_text)
json_value = st.recursive(json_scalar, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                               st.dictionaries(st.text(max_size=5), inner, max_size=3)),
                          max_leaves=6)


def _encode(text: str, how: str) -> bytes:
    if how == "latin-1":
        return text.encode("latin-1", "replace")
    return text.encode("utf-8", "surrogatepass")  # lone surrogates become invalid UTF-8, as in broken dumps


@st.composite
def jsonl_files(draw: st.DrawFn) -> bytes:
    lines = []
    for _ in range(draw(st.integers(0, 6))):
        rec = draw(st.dictionaries(st.sampled_from(FIELDS), json_value, max_size=6))
        if draw(st.booleans()):
            rec.setdefault("title", draw(nasty_text))
            rec.setdefault("abstract", draw(nasty_text) + " We propose FooNet and beat BarNet on COCO.")
        line = json.dumps(rec, ensure_ascii=draw(st.booleans()))
        if draw(st.integers(0, 9)) == 0:
            line = line[: draw(st.integers(0, len(line)))]  # truncated JSON
        lines.append(line)
    sep = draw(st.sampled_from(["\n", "\r\n"]))
    return _encode(sep.join(lines), draw(st.sampled_from(["utf-8", "latin-1"])))


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    header = draw(st.lists(st.sampled_from(FIELDS), min_size=1, max_size=5, unique=True))
    if draw(st.booleans()):
        header = ["title", "abstract", *[h for h in header if h not in ("title", "abstract")]]
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=draw(st.sampled_from([",", ";", "\t"])),
                   quoting=draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC])))
    w.writerow(header)
    for _ in range(draw(st.integers(0, 5))):
        w.writerow([draw(nasty_text) for _ in range(draw(st.integers(0, len(header) + 1)))])
    text = buf.getvalue()
    if draw(st.booleans()):
        text = text.replace('"', draw(st.sampled_from(['', '""', '"x'])), 1)  # broken quoting
    return _encode(text, "utf-8")


@st.composite
def atom_files(draw: st.DrawFn) -> bytes:
    entries = []
    for _ in range(draw(st.integers(0, 3))):
        title, summary = draw(nasty_text), draw(nasty_text)
        raw = draw(st.booleans())  # raw: unescaped markup fragments, so often not well-formed
        t, s = (title, summary) if raw else (escape(XML_UNSAFE.sub("", title)), escape(XML_UNSAFE.sub("", summary)))
        entries.append(f"<entry><id>{escape(draw(st.sampled_from(['http://arxiv.org/abs/2401.00001v1', 'x y', ''])))}"
                       f"</id><title>{t}</title><summary>{s} We propose FooNet.</summary>"
                       f"<published>{escape(draw(nasty_text))}</published><author><name>{escape(draw(nasty_text))}"
                       f"</name></author></entry>")
    doc = f"<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'>{''.join(entries)}</feed>"
    if draw(st.integers(0, 5)) == 0:
        doc = doc[: draw(st.integers(0, len(doc)))]
    return _encode(doc, "utf-8")


@st.composite
def daily_files(draw: st.DrawFn) -> bytes:
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        parts += [draw(nasty_text), draw(nasty_text) + " We propose FooNet, which beats BarNet on ImageNet by 2.1%.",
                  draw(st.sampled_from(["• 3 authors", "·", "May 22, 2024", "Aug 8", "Apr 23 2", "Subscribe", ""]))]
    return _encode("\n".join(parts), draw(st.sampled_from(["utf-8", "latin-1"])))


_SEEDS = sorted((DATA / "sources").glob("*"))


@st.composite
def mutated_real_files(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(_SEEDS)).read_bytes()) if _SEEDS else bytearray(b"x")
    rng = random.Random(draw(st.integers(0, 2**32)))
    for _ in range(draw(st.integers(1, 12))):
        pos = rng.randrange(len(data) + 1)
        op = rng.randrange(3)
        if op == 0 and data:
            del data[pos : pos + rng.randrange(1, 40)]
        elif op == 1:
            data[pos:pos] = _encode(rng.choice(NASTY) * rng.randrange(1, 4), "utf-8")
        elif data:
            data[min(pos, len(data) - 1)] = rng.randrange(256)
    return bytes(data)


any_file = st.one_of(st.binary(max_size=600), nasty_text.map(lambda t: _encode(t, "utf-8")), jsonl_files(),
                     csv_files(), atom_files(), daily_files(), mutated_real_files())


def _saving(kind: str, suffix: str, check: Callable[[bytes], None]) -> Callable[[bytes], None]:
    """``check`` that, under `make fuzz`, first writes a failing input into the corpus folder."""

    def run(data: bytes) -> None:
        try:
            check(data)
        except BaseException:
            if WRITE_CORPUS:
                folder = Path(WRITE_CORPUS)
                folder.mkdir(parents=True, exist_ok=True)
                (folder / f"{kind}-{hashlib.sha1(data).hexdigest()[:12]}{suffix}").write_bytes(data)
            raise

    return run


# ----------------------------------------------------------------------------------------------- readers
def check_readers(data: bytes) -> None:
    """Every reader (and format detection) on one input: the reader invariants."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "input.txt"
        path.write_bytes(data)
        for fmt in (None, *FORMATS):
            report = SkipReport()
            try:
                papers = list(read_papers(path, fmt=fmt, report=report))
            except KGError:
                continue
            assert report.read == len(papers) + report.skipped, (fmt, report)
            for p in papers:
                _check_paper(p)


def _check_paper(p: Paper) -> None:
    assert p.id and p.title and p.abstract
    for value in (p.id, p.title, p.abstract, p.date, p.affiliation, p.arxiv_id, *p.authors):
        assert value is None or (isinstance(value, str) and not XML_UNSAFE.search(value)), value
    assert p.url is None or valid_iri(p.url) == p.url


@settings(max_examples=EXAMPLES * 2 if EXAMPLES < 1000 else EXAMPLES, deadline=None,
          suppress_health_check=list(HealthCheck))
@given(data=any_file)
def test_fuzz_readers(data):
    _saving("read", ".bin", check_readers)(data)


# ------------------------------------------------------------------------------- extractor and exporters
def check_extract_and_export(data: bytes) -> None:
    """Records that a reader accepted, through the extractor, the graph and every exporter; outputs parse."""
    from kg.export import export_all
    from kg.extract import extract_papers
    from kg.graph import KnowledgeGraph
    from kg.nlp import load_nlp

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.jsonl"
        src.write_bytes(data)
        try:
            papers = list(read_papers(src, fmt="jsonl"))
        except KGError:
            return
        if not papers:
            return
        records = list(extract_papers(papers, nlp=load_nlp()))
        for r in records:
            for ev in [x.evidence for x in r.relations] + [x.evidence for x in r.results]:
                text = r.paper.text(ev.section)
                assert 0 <= ev.start <= ev.end <= len(text) and not XML_UNSAFE.search(ev.sentence)
        out = Path(tmp) / "out"
        export_all(KnowledgeGraph.from_extractions(records), out,
                   ("turtle", "ntriples", "jsonld", "graphml", "csv-nodes", "csv-edges"))
        assert_outputs_parse(out)


def assert_outputs_parse(out: Path) -> None:
    import pyoxigraph as ox
    from rdflib import Graph

    ET.parse(out / "graph.graphml")
    Graph().parse(out / "graph.ttl", format="turtle")
    nt = (out / "graph.nt").read_text(encoding="utf-8")
    lines = [line for line in nt.split("\n") if line.strip()]
    assert len(list(ox.parse(nt.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES))) == len(lines)
    Graph().parse(data=(out / "graph.jsonld").read_text(encoding="utf-8"), format="json-ld")
    for name in ("nodes.csv", "edges.csv"):
        rows = list(csv.reader(io.StringIO((out / name).read_text(encoding="utf-8"), newline="")))
        assert rows and all(len(r) == len(rows[0]) for r in rows), name


def _jsonl_of(rows: list[dict]) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in rows).encode("utf-8")


paper_rows = st.lists(st.fixed_dictionaries(
    {"title": nasty_text, "abstract": nasty_text.map(lambda t: t + " We propose FooNet; it outperforms BarNet, "
                                                     "BazNet and QuxNet on ImageNet with 80.1% top-1 accuracy.")},
    optional={"url": json_value, "arxiv_id": json_value, "authors": json_value, "id": json_value}),
    min_size=1, max_size=3).map(_jsonl_of)


@settings(max_examples=max(25, EXAMPLES // 20), deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.one_of(paper_rows, jsonl_files()))
def test_fuzz_extract_and_export(data):
    _saving("extract", ".jsonl", check_extract_and_export)(data)


# ------------------------------------------------------------------------------------------------- build
def check_build(data: bytes) -> None:
    """`kg build` end to end (exports, store, manifest) on one input file; the build must finish."""
    from kg.manifest import verify_build
    from kg.pipeline import build

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.jsonl"
        src.write_bytes(data)
        try:
            summary = build([src], Path(tmp) / "out", validate=False)
        except KGError:
            return
        assert summary.papers_read == summary.papers_skipped + summary.papers_total + summary.papers_merged
        assert verify_build(Path(tmp) / "out") == []
        assert_outputs_parse(Path(tmp) / "out")


@settings(max_examples=max(3, EXAMPLES // 200), deadline=None, suppress_health_check=list(HealthCheck))
@given(data=paper_rows)
def test_fuzz_build(data):
    _saving("build", ".jsonl", check_build)(data)


# ------------------------------------------------------------------------------------------------ replay
CHECKS = {"read": check_readers, "extract": check_extract_and_export, "build": check_build}


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*-*")), ids=lambda p: p.name)
def test_fuzz_corpus_replays(path):
    """Every input a fuzz run ever failed on (and the seeds of issue 9) passes its check now."""
    CHECKS[path.name.split("-", 1)[0]](path.read_bytes())
