"""Issue 10 (4): the inputs people have. Each format parses its hand-written fixture into the expected papers."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from graph_fixtures import record_lines
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import InputError
from kg.model import SkipReport
from kg.sources import detect_format, expand_inputs, parse_mapping, read_corpus, read_papers
from kg.sources.scholarly import rebuild_abstract
from kg.sources.text import arxiv_in

DATA = Path(__file__).parent / "data" / "sources"


@pytest.mark.parametrize(
    ("name", "fmt", "expected", "skipped"),
    [
        ("semantic_scholar.json", "json", [("arxiv:2106.09685", "LoRA: Low-Rank Adaptation of Large Language Models"),
                                           (None, "BERT: Pre-training of Deep Bidirectional Transformers for Language "
                                                  "Understanding")], 1),
        ("openalex_works.json", "json", [("arxiv:2106.09685", "LoRA: Low-Rank Adaptation of Large Language Models"),
                                         (None, "Deep Residual Learning for Image Recognition")], 0),
        ("papers_with_code.json", "json", [("arxiv:2010.11929", "An Image is Worth 16x16 Words: Transformers for "
                                                                "Image Recognition at Scale"),
                                           ("arxiv:2004.10934", "YOLOv4: Optimal Speed and Accuracy of Object "
                                                                "Detection")], 1),
        ("zotero.csv", "csv", [("arxiv:2305.14314", "QLoRA: Efficient Finetuning of Quantized LLMs"),
                               (None, "Highly accurate protein structure prediction with AlphaFold")], 1),
        ("library.bib", "bibtex", [("arxiv:2106.09685", "LoRA: Low-Rank Adaptation of Large Language Models"),
                                   (None, "Instant Neural Graphics Primitives with a Multiresolution Hash Encoding"),
                                   (None, "Café Recommendations with Naïve Bayes: An Étude")], 1),
    ],
)
def test_each_format_parses_its_fixture_without_options(name, fmt, expected, skipped):
    text = (DATA / name).read_text(encoding="utf-8")
    assert detect_format(text, name) == fmt
    report = SkipReport()
    papers = list(read_papers(DATA / name, report=report))
    assert [(p.id if want_id else None, p.title) for p, (want_id, _) in zip(papers, expected, strict=True)] == expected
    assert report.skipped == skipped and report.read == len(papers) + skipped


def test_openalex_abstract_is_rebuilt_from_the_inverted_index():
    [lora, resnet] = read_papers(DATA / "openalex_works.json")
    assert lora.abstract.startswith("We propose Low-Rank Adaptation, or LoRA, which freezes the pre-trained")
    assert lora.abstract.endswith("layer of the Transformer architecture.")
    assert resnet.authors == ("Kaiming He", "Xiangyu Zhang") and resnet.date == "2016-06-01"
    assert rebuild_abstract({"a": [0], "b": ["x"]}) is None and rebuild_abstract({"a": [10**9]}) is None


def test_semantic_scholar_and_papers_with_code_metadata():
    lora, bert = read_papers(DATA / "semantic_scholar.json")
    assert lora.date == "2021-06-17" and lora.authors == ("J. E. Hu", "Yelong Shen")
    assert bert.arxiv_id is None and bert.date is None
    vit, yolo = read_papers(DATA / "papers_with_code.json")
    assert vit.authors[0] == "Alexey Dosovitskiy" and yolo.url == "https://arxiv.org/abs/2004.10934v1"


def test_bibtex_latex_accents_decoded_and_authors_reordered():
    papers = {p.title: p for p in read_papers(DATA / "library.bib")}
    cafe = papers["Café Recommendations with Naïve Bayes: An Étude"]
    assert cafe.authors == ("José García", "Søren Østergaard")
    assert "naïve Bayes for café" in cafe.abstract and "81.2% accuracy & fewer" in cafe.abstract
    assert cafe.arxiv_id is None  # a DOI with a number in it is not an arXiv id
    lora = papers["LoRA: Low-Rank Adaptation of Large Language Models"]
    assert lora.date == "2021-06" and lora.authors[0] == "Edward J. Hu" and "10,000 times" in lora.abstract
    assert papers["Instant Neural Graphics Primitives with a Multiresolution Hash Encoding"].authors[0] == \
        "Thomas Müller"


def test_zotero_csv_reads_abstract_note_and_arxiv_from_doi_or_url():
    qlora, alphafold = read_papers(DATA / "zotero.csv")
    assert qlora.abstract.startswith("We present QLoRA") and qlora.authors[0] == "Dettmers, Tim"
    assert qlora.date == "2023-05-23" and alphafold.date == "2021-08" and alphafold.arxiv_id is None


def test_csv_column_mapping(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text('"Paper Name","Summary Text","Link"\n"MapNet: Mapped Columns","We propose MapNet, which '
                    'outperforms GridNet on KITTI by 2.3%.","https://arxiv.org/abs/2401.00001"\n', encoding="utf-8")
    with pytest.raises(InputError, match="no title or abstract column"):
        list(read_papers(path))
    mapping = parse_mapping(["title=Paper Name", 'abstract="Summary Text"'])
    [paper] = read_papers(path, mapping=mapping)
    assert (paper.title, paper.id) == ("MapNet: Mapped Columns", "arxiv:2401.00001")
    result = CliRunner().invoke(app, ["papers", str(path), "--map", "title=Paper Name", "--map",
                                      "abstract=Summary Text", "--jsonl"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.splitlines()[0])["title"] == "MapNet: Mapped Columns"
    with pytest.raises(InputError, match="FIELD=COLUMN"):
        parse_mapping(["titel=Paper Name"])


def test_plain_json_array_and_single_object(tmp_path):
    rows = [{"title": "ArrayNet", "abstract": "We propose ArrayNet for arrays of papers on ImageNet.",
             "id": "2406.01234"}, {"title": "Second", "abstract": "Another abstract about CIFAR-10 and MNIST."}]
    (tmp_path / "a.json").write_text(json.dumps(rows, indent=2), encoding="utf-8")
    (tmp_path / "one.json").write_text(json.dumps(rows[1], indent=2), encoding="utf-8")
    papers = list(read_papers(tmp_path / "a.json"))
    assert [p.id for p in papers][0] == "arxiv:2406.01234" and len(papers) == 2
    assert [p.title for p in read_papers(tmp_path / "one.json")] == ["Second"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2406.01234", "2406.01234"), ("2406.01234v3", "2406.01234"), ("arXiv:2406.01234", "2406.01234"),
     ("https://arxiv.org/abs/2406.01234v2", "2406.01234"), ("10.48550/arXiv.2406.01234", "2406.01234"),
     ("https://doi.org/10.48550/arxiv.2106.09685", "2106.09685"), ("10.1234/5678.12345", None),
     ("https://example.org/paper/2401.12345", None), ("d000", None), ("", None)],
)
def test_arxiv_ids_recognised_in_id_and_url_fields(value, expected):
    assert arxiv_in(value) == expected


def test_directory_read_recursively_by_extension_and_content(tmp_path):
    nested = tmp_path / "corpus" / "2024" / "may"
    nested.mkdir(parents=True)
    shutil.copy(DATA / "library.bib", tmp_path / "corpus" / "refs.bib")
    shutil.copy(DATA / "semantic_scholar.json", nested / "s2.json")
    shutil.copy(DATA / "papers.csv", nested / "export")  # no extension, recognised by... not by content: left out
    (nested / "feed.data").write_text((DATA / "feed.atom").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "corpus" / "notes.md").write_text("# my notes\n", encoding="utf-8")
    (tmp_path / "corpus" / ".hidden.jsonl").write_text("{}\n", encoding="utf-8")
    files = [Path(p).relative_to(tmp_path / "corpus").as_posix() for p in expand_inputs([tmp_path / "corpus"])]
    assert files == ["2024/may/feed.data", "2024/may/s2.json", "refs.bib"]
    papers = read_corpus([tmp_path / "corpus"])
    assert len(papers) == 2 + 2 + 3 - 1  # LoRA is in both the S2 file and the BibTeX file: merged


def test_missing_path_is_a_usage_error_before_any_work(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["build", str(DATA / "papers.jsonl"), str(tmp_path / "nope.jsonl"),
                                      "--out", str(out)])
    assert result.exit_code == 2 and "nope.jsonl" in result.output and "no such file" in result.output
    assert not out.exists()  # nothing was started


def test_bad_file_among_several_inputs_is_skipped_and_the_build_goes_on(tmp_path):
    blob = tmp_path / "blob.pdf"
    blob.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 16)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["build", str(DATA / "semantic_scholar.json"), str(blob), "--out", str(out),
                                      "--no-store", "--no-validate"])
    assert result.exit_code == 0, result.output
    assert "blob.pdf" in result.output and "binary" in result.output
    assert len(record_lines(out)) == 2
