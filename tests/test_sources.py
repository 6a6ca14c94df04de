"""Readers: the embedded daily dumps, JSONL, CSV, Atom; malformed input; merging; the `kg papers` CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import FormatError, InputError, KGError
from kg.model import SkipReport
from kg.sources import FORMATS, detect_format, embedded_corpus, read_corpus, read_papers
from kg.sources.text import parse_date

DATA = Path(__file__).parent / "data" / "sources"


@pytest.fixture(scope="module")
def corpus() -> tuple[list, SkipReport]:
    report = SkipReport()
    return read_corpus(embedded_corpus(), report=report), report


def test_embedded_corpus_every_paper_once(corpus):
    papers, report = corpus
    # 508 records in the four dumps (each abstract line preceded by its title line; counted independently
    # by listing the long lines and their predecessors), 6 of them repeats of papers seen before.
    assert (report.read, report.skipped, report.merged) == (508, 0, 6)
    assert len(papers) == 502
    assert len({p.id for p in papers}) == 502
    assert len({p.title.casefold() for p in papers}) == 502


def _by_title(papers, prefix):
    hits = [p for p in papers if p.title.startswith(prefix)]
    assert len(hits) == 1, prefix
    return hits[0]


@pytest.mark.parametrize(
    ("title", "date", "n_authors", "upvotes", "affiliation"),
    [
        ("MagicPose4D: Crafting Articulated Models", "2024-05-22", 5, None, None),  # variant with blank lines
        ("Mask & Match: Learning to Recognize Handwritten Math", "--08-08", 3, None, None),  # no year
        ("Decoupled Global-Local Alignment for Improving", "--04-23", 6, 2, None),  # "Apr 23 2"
        ("RiverMamba: A State Space Model", "2025-05-28", None, None, "UniBonn Univerity of Bonn"),
        ("PD-Quant: Post-Training Quantization", "2022-12-14", 6, None, None),
        ("SORSA: Singular Values", None, None, None, None),  # variant without metadata lines
    ],
)
def test_embedded_corpus_metadata(corpus, title, date, n_authors, upvotes, affiliation):
    p = _by_title(corpus[0], title)
    assert (p.date, p.n_authors, p.upvotes, p.affiliation) == (date, n_authors, upvotes, affiliation)
    assert len(p.abstract) > 200


def test_glued_boilerplate_and_consecutive_lines(corpus):
    papers = corpus[0]
    p = _by_title(papers, "Benchmarking Neural Network Training Algorithms")  # was "SubscribeBenchmarking…"
    assert p.abstract.startswith("Training algorithms, broadly construed")
    assert not any(x.title.startswith(("Subscribe", "Get trending", "Daily Papers", "new")) for x in papers)


def test_latex_escapes_normalised(corpus):
    with_pct = [p for p in corpus[0] if "%" in p.abstract]
    assert with_pct
    assert not any("\\%" in p.abstract for p in corpus[0])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("May 22, 2024", ("2024-05-22", None)),
        ("Aug 8", ("--08-08", None)),
        ("Apr 23 2", ("--04-23", 2)),
        ("Jul 3, 2024 5", ("2024-07-03", 5)),
        ("2024-05-20T12:00:00Z", ("2024-05-20", None)),
        ("Feb 30, 2024", None),
        ("Subscribe", None),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


def test_jsonl_reader_keeps_ids_and_counts_bad_lines():
    report = SkipReport()
    papers = list(read_papers(DATA / "papers.jsonl", report=report))
    assert [p.id for p in papers] == ["p1", papers[1].id]
    assert papers[1].id.startswith("t:")
    assert papers[0].authors == ("Ada Lovelace", "Alan Turing")
    assert papers[0].arxiv_id == "2405.12345"
    assert report.skipped == 2
    reasons = dict(report.reasons)
    assert "invalid JSON" in reasons["papers.jsonl:3"]
    assert reasons["papers.jsonl:4"] == "record has no abstract"


def test_csv_reader_semicolons_and_authors():
    papers = list(read_papers(DATA / "papers.csv"))
    assert [p.title for p in papers] == ["A CSV Paper", "Second CSV Paper"]
    assert papers[0].authors == ("A. One", "B. Two")
    assert papers[0].date == "2023-03-04"


def test_atom_reader():
    report = SkipReport()
    papers = list(read_papers(DATA / "feed.atom", report=report))
    assert [p.id for p in papers] == ["arxiv:2405.12345", "arxiv:2401.00001"]
    first = papers[0]
    assert first.title == "LoRA-Drop: Efficient Pruning of Low-Rank Adapters"  # multi-line title joined
    assert "99% of the accuracy" in first.abstract  # LaTeX escape normalised
    assert first.authors == ("Ada Lovelace", "Alan Turing")
    assert first.date == "2024-05-20"
    assert report.skipped == 1 and report.reasons[0][1] == "record has no abstract"


def test_latin1_file_is_decoded(caplog):
    papers = list(read_papers(DATA / "latin1.csv"))
    assert papers[0].title == "Café Networks: Naïve Approaches"
    assert "résumé" in papers[0].abstract
    assert "not valid UTF-8" in caplog.text


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>&lol3;</title><summary>x</summary></entry></feed>"""


@pytest.mark.parametrize(
    ("name", "content", "error", "message"),
    [
        ("bomb.xml", BILLION_LAUGHS.encode(), InputError, "refused unsafe XML"),
        ("garbage.bin", bytes(range(256)) * 4, InputError, "binary"),
        ("nocol.csv", b"title,summary_text\nA,B\n", FormatError,
         "no abstract column (columns found: title, summary_text)"),
        ("notatom.xml", b"<html><body>hi</body></html>", FormatError, "not an Atom feed"),
        ("broken.xml", b"<feed xmlns='http://www.w3.org/2005/Atom'><entry>", InputError, "not well-formed XML"),
    ],
)
def test_malformed_inputs_raise_clear_errors(tmp_path, name, content, error, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
        list(read_papers(path))


def test_missing_and_empty_files(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        list(read_papers(tmp_path / "missing.txt"))
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    assert list(read_papers(tmp_path / "empty.txt")) == []
    with pytest.raises(FormatError, match="unknown format"):
        list(read_papers(tmp_path / "empty.txt", fmt="pdf"))


def test_absurdly_long_abstract_is_a_counted_skip(tmp_path):
    path = tmp_path / "long.jsonl"
    path.write_text(json.dumps({"title": "Huge", "abstract": "word " * 10_000}) + "\n", encoding="utf-8")
    report = SkipReport()
    assert list(read_papers(path, report=report)) == []
    assert "abstract too long" in report.reasons[0][1]


def test_same_paper_from_two_formats_is_merged(tmp_path):
    a = tmp_path / "a.jsonl"
    a.write_text(json.dumps({"title": "Fast Certified Robust Training with Short Warmup",
                             "abstract": "Short version of the abstract about certified training.",
                             "arxiv_id": "2103.17268"}) + "\n", encoding="utf-8")
    report = SkipReport()
    papers = read_corpus([a, *embedded_corpus()], report=report)
    merged = [p for p in papers if p.title == "Fast Certified Robust Training with Short Warmup"]
    assert len(merged) == 1
    assert merged[0].id == "arxiv:2103.17268"
    assert merged[0].abstract.startswith("Recently, bound propagation")  # the longer abstract wins
    assert report.merged == 7


@pytest.mark.parametrize(
    ("head", "fmt"),
    [("{\"title\": 1}", "jsonl"), ("title,abstract\n", "csv"),
     ("<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'>", "atom"),
     ("Some Title\n\nSome abstract.", "daily")],
)
def test_detect_format(head, fmt):
    assert detect_format(head, "x.txt") == fmt


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(st.text(max_size=400).map(lambda s: s.encode("utf-8")), st.binary(max_size=400)),
       fmt=st.sampled_from([None, *FORMATS]))
def test_random_input_never_raises_anything_but_kgerror(tmp_path, data, fmt):
    path = tmp_path / "random.txt"
    path.write_bytes(data)
    try:
        papers = list(read_papers(path, fmt=fmt))
    except KGError:
        return
    assert all(p.title and p.abstract for p in papers)


def test_cli_papers_jsonl_and_table():
    runner = CliRunner()
    result = runner.invoke(app, ["papers", str(DATA / "feed.atom"), "--jsonl"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [r["id"] for r in lines] == ["arxiv:2405.12345", "arxiv:2401.00001"]
    table = runner.invoke(app, ["papers", str(DATA / "papers.csv")])
    assert table.exit_code == 0
    assert "A CSV Paper" in table.stdout
    assert "2 papers (2 records read, 0 skipped, 0 merged)" in table.output


def test_cli_papers_bad_file_is_a_message_not_a_traceback(tmp_path):
    bad = tmp_path / "nocol.csv"
    bad.write_text("name,text\nA,B\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["papers", str(bad)])
    assert result.exit_code == 2
    assert "no title or abstract column" in result.output
    assert "Traceback" not in result.output


# --- streaming: a corpus is spooled, JSON Lines files are read line by line (issue 11) -------------------------

def _reference_read_corpus(sources):
    """The in-memory merge read_corpus did before it streamed (commit 216a4f7): the oracle for Corpus."""
    from kg.sources import expand_inputs, merge_papers
    from kg.sources.text import title_key

    by_key, alias = {}, {}
    for source in expand_inputs(sources):
        for paper in read_papers(source):
            key = title_key(paper.title)
            keys = [k for k in (paper.id, f"title:{key}" if key else None,
                                f"arxiv:{paper.arxiv_id}" if paper.arxiv_id else None) if k]
            known = next((alias[k] for k in keys if k in alias), None)
            if known is None:
                by_key[paper.id] = paper
                for k in keys:
                    alias[k] = paper.id
                continue
            merged = merge_papers(by_key[known], paper)
            by_key[known] = merged
            for k in (*keys, merged.id):
                alias.setdefault(k, known)
    return list(by_key.values())


def test_corpus_streams_the_papers_of_the_in_memory_merge_in_first_appearance_order(tmp_path):
    from kg.sources import Corpus

    extra = tmp_path / "extra.jsonl"
    extra.write_text(
        json.dumps({"title": "Fast Certified Robust Training with Short Warmup",
                    "abstract": "A shorter abstract about certified training, from another source.",
                    "arxiv_id": "2103.17268"}) + "\n"
        + json.dumps({"title": "A Paper Only Here",
                      "abstract": "It proposes nothing at all, but says so at some length."}) + "\n",
        encoding="utf-8")
    sources = [*embedded_corpus(), extra]  # the merged paper was first seen in a dump, its arXiv id comes last
    report = SkipReport()
    with Corpus(sources, report=report) as corpus:
        assert len(corpus) == 503 and report.merged == 7
        papers = list(corpus)
        assert list(corpus) == papers  # iterable again
        assert corpus.ids == [p.id for p in papers]
        assert [p.id for p in corpus.select(lambda pid: pid.startswith("arxiv:"))] == \
            [p.id for p in papers if p.id.startswith("arxiv:")]
    assert papers == _reference_read_corpus(sources)
    assert "arxiv:2103.17268" in {p.id for p in papers}


def test_corpus_spool_is_removed_on_close(tmp_path):
    from kg.sources import Corpus

    spool = tmp_path / "spool"
    spool.mkdir()
    with Corpus(embedded_corpus(), spool_dir=spool) as corpus:
        assert len(corpus) == 502
    assert not any(spool.iterdir())  # (an unnamed temporary file: never visible, gone with the process too)


def test_a_streamed_jsonl_file_decodes_line_by_line_and_keeps_unicode_line_separators(tmp_path, caplog):
    path = tmp_path / "mixed.jsonl"
    good = json.dumps({"title": "Line\u2028Separated Title", "abstract": "An abstract\u2029with separators."},
                      ensure_ascii=False).encode("utf-8")
    latin = json.dumps({"title": "Café Networks", "abstract": "Naïve résumé of the method."},
                       ensure_ascii=False).encode("cp1252")
    path.write_bytes(b"\xef\xbb\xbf" + good + b"\r\n" + latin + b"\n{broken\n")
    report = SkipReport()
    papers = list(read_papers(path, report=report))
    assert [p.title for p in papers] == ["Line Separated Title", "Café Networks"]
    assert papers[1].abstract == "Naïve résumé of the method."
    assert "mixed.jsonl:2: not valid UTF-8" in caplog.text
    assert report.skipped == 1 and report.reasons[0][0] == "mixed.jsonl:3"


def _paper(title: str, lead: str) -> dict[str, str]:
    return {"title": title, "abstract": f"{lead} An abstract that is long enough to be read as a paper."}


@pytest.mark.parametrize(("text", "fmt", "n"), [
    (json.dumps(_paper("Pretty", "A pretty-printed JSON document."), indent=2) + "\n", None, 1),  # read whole
    (json.dumps([_paper("Array", "A JSON array of papers.")]) + "\n", None, 1),
    (json.dumps(_paper("One", "First line.")) + "\n" + json.dumps(_paper("Two", "Second line.")) + "\n", None, 2),
    (json.dumps(_paper("One", "First line.")) + "\n", "jsonl", 1),
])
def test_json_documents_are_not_mistaken_for_streamable_json_lines(tmp_path, text, fmt, n):
    path = tmp_path / "papers.txt"
    path.write_text(text, encoding="utf-8")
    assert len(list(read_papers(path, fmt=fmt))) == n
