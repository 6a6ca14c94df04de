"""``kg extract`` and ``kg eval``: run the extractor, and score it against gold annotations."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kg.cli.app import app, console, err_console, handle_errors
from kg.errors import InputError
from kg.model import Extraction, SkipReport
from kg.modes import DEFAULT_MODE, MODE_HELP


@app.command("extract")
@handle_errors
def extract_cmd(
    inputs: Annotated[list[Path], typer.Argument(help="Input files (any supported format), or - for stdin.")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write JSON Lines here (default: stdout).")] = None,
    fmt: Annotated[str | None, typer.Option("--format", "-f", help="Force the input format.")] = None,
    processes: Annotated[int, typer.Option("--processes", "-j", min=1, help="Worker processes.")] = 1,
    mode: Annotated[str, typer.Option("--mode", help=MODE_HELP)] = DEFAULT_MODE,
    mapping: Annotated[
        list[str] | None,
        typer.Option("--map", help="Read a field from a differently named CSV/JSON column: "
                     '--map abstract="Abstract Note" (repeatable).'),
    ] = None,
) -> None:
    """Extract entities, relations and results: one JSON object per paper (schemas/extraction.schema.json)."""
    from kg.extract import extract_papers
    from kg.io import write_jsonl
    from kg.sources import parse_mapping, read_corpus

    report = SkipReport()
    papers = read_corpus([str(p) for p in inputs], fmt=fmt, report=report, mapping=parse_mapping(mapping))
    records = (ex.to_dict() for ex in extract_papers(papers, n_process=processes, mode=mode))
    if out is None or str(out) == "-":
        for rec in records:
            sys.stdout.write(json.dumps(rec, ensure_ascii=False) + "\n")
    else:
        write_jsonl(out, records)
    err_console.print(f"{len(papers)} papers extracted ({report.skipped} skipped, {report.merged} merged)")


def _load_predictions(path: Path, mode: str = DEFAULT_MODE) -> list[Extraction]:
    """PAPERS is either a ``kg extract`` output (records with "paper") or papers to extract now."""
    from kg.extract import extract_papers
    from kg.sources import read_papers

    try:
        first = path.open(encoding="utf-8").readline()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    try:
        is_record = '"paper"' in first and "entities" in json.loads(first)
    except json.JSONDecodeError:
        is_record = False
    if is_record:
        from kg.pipeline import read_extractions

        return read_extractions(path)
    return list(extract_papers(list(read_papers(path)), mode=mode))


@app.command("eval")
@handle_errors
def eval_cmd(
    papers: Annotated[Path, typer.Argument(help="JSONL papers with ids (like dev.papers.jsonl) or a kg extract output.")],
    gold: Annotated[Path, typer.Argument(help="Gold annotations (GUIDELINE.md format).")],
    show_errors: Annotated[bool, typer.Option("--show-errors", help="List false positives and misses.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores (and error categories) as JSON.")] = False,
    by_category: Annotated[
        bool, typer.Option("--by-category", help="Count errors per field and category (span, type, missed, ...).")
    ] = False,
    mode: Annotated[str, typer.Option("--mode", help=MODE_HELP)] = DEFAULT_MODE,
) -> None:
    """Precision, recall and F1 per field against gold annotations."""
    from kg.eval import FIELDS, evaluate, read_gold

    report = evaluate(_load_predictions(papers, mode), read_gold(gold))
    if report.missing:
        err_console.print(f"[yellow]warning:[/] {len(report.missing)} gold paper(s) had no prediction: "
                          + ", ".join(report.missing[:10]))
    if show_errors:
        for err in report.errors:
            console.print(f"{err['id']}  {err['field']:<9} {err['kind'].upper()}  {err['category']:<28} {err['item']}",
                          highlight=False)
    if as_json:
        typer.echo(json.dumps(report.as_dict(), indent=2))
        return
    table = Table(title=f"kg eval: {report.n_papers} papers")
    for col in ("field", "P", "R", "F1", "TP", "FP", "FN"):
        table.add_column(col, justify="left" if col == "field" else "right")
    for name in (*FIELDS, "overall"):
        s = report.overall if name == "overall" else report.scores[name]
        table.add_row(name, f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}", str(s.tp), str(s.fp), str(s.fn))
    console.print(table)
    if by_category:
        cats = Table(title="errors by category (kg/eval/categories.py)")
        for col in ("field", "kind", "category", "count"):
            cats.add_column(col, justify="right" if col == "count" else "left")
        for fname, counts in report.categories().items():
            for key, n in counts.items():
                kind, cat = key.split(" ", 1)
                cats.add_row(fname, kind.upper(), cat, str(n))
        console.print(cats)
