"""``kg build``: sources → extraction → graph → exports → validation → store, with a closing summary."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from kg.cli.app import app, console, err_console, handle_errors
from kg.cli.cmd_graph import html_options
from kg.modes import DEFAULT_MODE, MODE_HELP
from kg.pipeline import BuildSummary, build
from kg.sources import parse_mapping

#: Below this many papers to extract a progress bar is noise.
_PROGRESS_MIN = 50


@app.command("build")
@handle_errors
def build_cmd(
    inputs: Annotated[
        list[Path] | None,
        typer.Argument(help="Input files or directories (daily-papers dumps, JSON Lines, JSON arrays, Semantic "
                       "Scholar, OpenAlex, Papers with Code, CSV, arXiv Atom, BibTeX) or - for stdin. "
                       "Default: the embedded ~500-abstract sample corpus."),
    ] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output directory.")] = Path("output"),
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help="Force the input format (daily, jsonl, json, csv, atom, bibtex)."),
    ] = None,
    processes: Annotated[int, typer.Option("--processes", "-j", min=1, help="Extraction worker processes.")] = 1,
    fresh: Annotated[
        bool, typer.Option("--fresh", help="Ignore papers already extracted into OUT; extract everything again.")
    ] = False,
    no_validate: Annotated[bool, typer.Option("--no-validate", help="Skip SHACL validation.")] = False,
    no_store: Annotated[bool, typer.Option("--no-store", help="Do not load the SPARQL store.")] = False,
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Extract and write triples on a Dask cluster: scheduler tcp://HOST:8786, "
                     "or 'local' for a LocalCluster of --processes workers."),
    ] = None,
    mode: Annotated[str, typer.Option("--mode", help=MODE_HELP)] = DEFAULT_MODE,
    focus: Annotated[
        str | None, typer.Option("--focus", help="graph.html: only this entity's (or paper's) neighbourhood.")
    ] = None,
    max_entities: Annotated[
        int | None, typer.Option("--max-entities", min=1, help="graph.html: keep the N entities named by most papers.")
    ] = None,
    mapping: Annotated[
        list[str] | None,
        typer.Option("--map", help="Read a field from a differently named CSV/JSON column: "
                     '--map abstract="Abstract Note" (repeatable).'),
    ] = None,
    no_wait: Annotated[
        bool, typer.Option("--no-wait", help="If another kg build is writing OUT, fail at once instead of waiting.")
    ] = False,
    budget: Annotated[
        float, typer.Option("--paper-budget", min=0.1, help="CPU seconds one paper's extraction may take before it "
                            "is skipped (logged and counted).")
    ] = 5.0,
    full_exports_up_to: Annotated[
        int, typer.Option("--full-exports-up-to", min=0, help="Above this many papers write N-Triples, the store, "
                          "a bounded explorer page and an entity-level GraphML only (the paper-level GraphML, "
                          "JSON-LD, Turtle and CSV on request: kg export).")
    ] = 10_000,
) -> None:
    """Build the knowledge graph into OUT (adds to what OUT already holds: only new papers are extracted)."""
    with Progress(
        TextColumn("[bold]extracting"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal,
    ) as bar:
        task = bar.add_task("extract", total=None)

        def progress(done: int, total: int) -> None:
            if total >= _PROGRESS_MIN:
                bar.update(task, completed=done, total=total)

        summary = build(
            [str(p) for p in inputs] if inputs else None,
            out,
            fmt,
            processes=processes,
            fresh=fresh,
            validate=not no_validate,
            store=not no_store,
            progress=progress,
            scheduler=scheduler,
            mode=mode,
            export_options={"html": html_options(focus, max_entities)},
            wait=not no_wait,
            on_wait=lambda message: err_console.print(f"[yellow]{message}[/]"),
            budget=budget,
            mapping=parse_mapping(mapping),
            full_exports_up_to=full_exports_up_to,
        )
    console.print(summary_table(summary, out))
    if summary.conforms is False:
        err_console.print(
            f"[bold red]error:[/] the graph has {summary.violations} SHACL violation(s); see `kg validate {out}`"
        )
        raise typer.Exit(code=1)


def summary_table(s: BuildSummary, out: Path | None = None) -> Table:
    """The closing table: what was read, extracted, built and written, how long it took, and what to try next."""
    table = Table(title="kg build", show_header=True, header_style="bold")
    table.add_column("what")
    table.add_column("count", justify="right", overflow="fold")  # paths and commands are never cut
    rows: list[tuple[str, str]] = [
        ("records read", str(s.papers_read)),
        ("records skipped", str(s.papers_skipped)),
        *([("  over the time budget", str(s.papers_over_budget))] if s.papers_over_budget else []),
        *([("invalid cached records skipped", str(s.cache_skipped))] if s.cache_skipped else []),
        *([("nothing new", "outputs of the last build kept")] if s.up_to_date else []),
        ("duplicates merged", str(s.papers_merged)),
        ("papers in graph", str(s.papers_total)),
        ("  extracted now", str(s.papers_extracted)),
        ("  reused from cache", str(s.papers_cached)),
    ]
    rows += [(f"graph: {k}", str(v)) for k, v in s.graph_counts.items()]
    if s.conforms is not None:
        rows.append(("SHACL", "conforms" if s.conforms else f"{s.violations} violation(s)"))
    for key, value in s.store.items():
        rows.append((f"store: {key}", str(value)))
    for key, value in s.shards.items():
        rows.append((f"shards: {key}", str(value)))
    for name, path in s.files.items():
        if "/" not in name:  # shard files are counted above, not listed (a big build has hundreds)
            rows.append((f"wrote {name}", str(path)))
    for note in s.views:
        rows.append(("bounded views", note))
    for stage, secs in s.seconds.items():
        rows.append((f"time: {stage}", f"{secs:.2f} s"))
    rows.append(("wall time", f"{s.wall_seconds:.2f} s"))
    for label, value in rows:
        table.add_row(label, value)
    table.add_section()
    for label, value in next_commands(s, out):
        table.add_row(label, Text(value, justify="left"))  # commands read left to right, even when folded
    if s.skip_reasons:
        shown = s.skip_reasons[:10]
        more = len(s.skip_reasons) - len(shown)
        table.caption = "skipped: " + "; ".join(f"{loc}: {why}" for loc, why in shown) + (
            f"; … {more} more (run with -v)" if more else ""
        )
    return table


def next_commands(s: BuildSummary, out: Path | None) -> list[tuple[str, str]]:
    """What a new user can do with the build just made (only what it actually wrote)."""
    rows: list[tuple[str, str]] = []
    if "html" in s.files:
        rows.append(("next: explore", f"open {s.files['html']}"))
    if "store" in s.files:
        store = "" if out is not None and out == Path("output") else f" --store {s.files['store']}"
        rows.append(("next: query", f"kg query --list; kg query most-used-datasets{store}"))
        rows.append(("next: serve", f"kg serve{store}"))
    if "graphml" in s.files:
        rows.append(("next: whole graph", f"open {s.files['graphml']} in Gephi"))
    return rows
