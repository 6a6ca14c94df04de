"""``kg export`` and ``kg validate``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kg.cli.app import app, console, err_console, handle_errors


@app.command("export")
@handle_errors
def export_cmd(
    graph: Annotated[Path, typer.Argument(help="A `kg build` output directory or a `kg extract` JSONL file.")],
    fmt: Annotated[list[str] | None, typer.Option("--format", "-f", help="Format(s); default: all.")] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Directory to write into.")] = Path("output"),
) -> None:
    """Convert a built graph to other formats (turtle, ntriples, jsonld, graphml, html, csv-nodes, csv-edges)."""
    from kg.export import EXPORTERS, export_all
    from kg.pipeline import load_graph

    unknown = [f for f in fmt or [] if f not in EXPORTERS]
    if unknown:
        err_console.print(f"[bold red]error:[/] unknown format(s) {', '.join(unknown)}; choose from {', '.join(EXPORTERS)}")
        raise typer.Exit(2)
    files = export_all(load_graph(graph), out, tuple(fmt) if fmt else None)
    for name, path in files.items():
        console.print(f"wrote {name}: {path}")


@app.command("validate")
@handle_errors
def validate_cmd(
    graph: Annotated[Path, typer.Argument(help="An RDF file (.ttl, .nt, .jsonld) or a `kg build` output directory.")],
) -> None:
    """Check a graph against the paperkg SHACL shapes; exit 1 and list violations if it does not conform."""
    from kg.validate import validate

    path = graph / "graph.nt" if graph.is_dir() else graph
    report = validate(path)
    if report.conforms:
        console.print(f"[green]{path}: conforms to the paperkg shapes[/]")
        return
    for focus, prop, message in report.results[:200]:
        console.print(f"{focus}  {prop}  {message}", highlight=False)
    err_console.print(f"[bold red]{path}: {report.n_violations} violation(s)[/]")
    raise typer.Exit(1)
