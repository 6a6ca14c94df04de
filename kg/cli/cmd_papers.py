"""``kg papers``: show what a source parses to (for checking a new input before building)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kg.cli.app import app, console, err_console, handle_errors
from kg.model import SkipReport
from kg.sources import parse_mapping, read_corpus


@app.command("papers")
@handle_errors
def papers_cmd(
    inputs: Annotated[list[Path], typer.Argument(help="Input files or directories, or - for stdin.")],
    fmt: Annotated[str | None, typer.Option("--format", "-f", help="daily, jsonl, json, csv, atom or bibtex.")] = None,
    jsonl: Annotated[bool, typer.Option("--jsonl", help="One JSON object per paper instead of a table.")] = False,
    mapping: Annotated[
        list[str] | None,
        typer.Option("--map", help="Read a field from a differently named CSV/JSON column: "
                     '--map abstract="Abstract Note" (repeatable).'),
    ] = None,
) -> None:
    """List the papers parsed from INPUTS (duplicates merged), then what was skipped and why."""
    report = SkipReport()
    papers = read_corpus([str(p) for p in inputs], fmt=fmt, report=report, mapping=parse_mapping(mapping))
    if jsonl:
        for paper in papers:
            typer.echo(json.dumps(paper.to_dict(), ensure_ascii=False))
    else:
        table = Table(show_lines=False)
        for col in ("id", "date", "authors", "title"):
            table.add_column(col, overflow="fold" if col == "title" else "ellipsis")
        for p in papers:
            n = str(p.n_authors) if p.n_authors is not None else (p.affiliation or "")
            table.add_row(p.id, p.date or "", n, p.title)
        console.print(table)
    err_console.print(
        f"{len(papers)} papers ({report.read} records read, {report.skipped} skipped, {report.merged} merged)"
    )
    for where, why in report.reasons[:20]:
        err_console.print(f"  skipped {where}: {why}", highlight=False)
