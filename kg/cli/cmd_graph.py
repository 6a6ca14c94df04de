"""``kg export`` and ``kg validate``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kg.cli.app import app, console, err_console, handle_errors

if TYPE_CHECKING:
    from kg.store import Store


@app.command("export")
@handle_errors
def export_cmd(
    graph: Annotated[Path, typer.Argument(help="A `kg build` output directory or a `kg extract` JSONL file.")],
    fmt: Annotated[list[str] | None, typer.Option("--format", "-f", help="Format(s); default: the build's.")] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Directory to write into (default: GRAPH's directory).")
    ] = None,
    focus: Annotated[
        str | None, typer.Option("--focus", help="html: only this entity's (or paper's) neighbourhood.")
    ] = None,
    max_entities: Annotated[
        int | None, typer.Option("--max-entities", min=1, help="html: keep the N entities named by most papers.")
    ] = None,
) -> None:
    """Convert a built graph to other formats (turtle, ntriples, jsonld, graphml, html, csv-nodes, csv-edges,
    neo4j), written beside the graph unless --out says where."""
    from kg.export import EXPORTERS, export_all
    from kg.pipeline import load_graph

    unknown = [f for f in fmt or [] if f not in EXPORTERS]
    if unknown:
        err_console.print(f"[bold red]error:[/] unknown format(s) {', '.join(unknown)}; "
                          f"choose from {', '.join(EXPORTERS)}")
        raise typer.Exit(2)
    from kg.assemble import merge_ntriples
    from kg.export import BUILD_FORMATS, FILENAMES
    from kg.export.rdf import STREAMED_FORMATS, export_ntriples_file
    from kg.manifest import read_manifest
    from kg.pipeline import FULL_EXPORTS_UP_TO
    from kg.shards import Shards

    # Where it is told: --out, else the build directory named (never a default ./output that may hold another build).
    target = out if out is not None else graph if graph.is_dir() else graph.parent
    formats = list(fmt or BUILD_FORMATS)
    files = {}
    nt = graph / FILENAMES["ntriples"] if graph.is_dir() else None
    if nt is not None and not nt.is_file() and Shards(graph).names() and any(f in STREAMED_FORMATS for f in formats):
        # past its size bound a build keeps its N-Triples in shards: joined (sorted) into one file on request
        target.mkdir(parents=True, exist_ok=True)
        nt = target / FILENAMES["ntriples"]
        merge_ntriples(Shards(graph), nt)
        if "ntriples" in formats:
            files["ntriples"] = nt
            formats.remove("ntriples")
    if nt is not None and nt.is_file():
        # RDF of a build comes from its graph.nt through Oxigraph (any size); JSON-LD with our @context
        # (rdflib) while the graph is small enough to hold whole.
        big = ((read_manifest(graph) or {}).get("papers") or 0) > FULL_EXPORTS_UP_TO
        for name in [f for f in formats if f in STREAMED_FORMATS and (f != "jsonld" or big)]:
            target.mkdir(parents=True, exist_ok=True)
            path = target / FILENAMES[name]
            if path.resolve() != nt.resolve():
                files[name] = export_ntriples_file(nt, name, path)
            formats.remove(name)
    if formats:
        files.update(export_all(load_graph(graph), target, tuple(formats), options={"html": html_options(
            focus, max_entities)}))
    for name, path in files.items():
        console.print(f"wrote {name}: {path}")


def html_options(focus: str | None, max_entities: int | None) -> dict[str, object]:
    """The explorer's options as given on the command line (absent ones keep the exporter's defaults)."""
    options: dict[str, object] = {}
    if focus:
        options["focus"] = focus
    if max_entities is not None:
        options["max_entities"] = max_entities
    return options


@app.command("validate")
@handle_errors
def validate_cmd(
    graph: Annotated[Path, typer.Argument(help="An RDF file (.ttl, .nt, .jsonld), a `kg build` output directory, "
                                               "or a store directory.")],
    store: Annotated[bool, typer.Option(
        "--store", help="Check the build's Oxigraph store (OUT/store) with the shapes translated to SPARQL, "
                        "instead of pySHACL over OUT/graph.nt: same answer, seconds instead of minutes on big "
                        "graphs. Automatic for a directory with a store and no graph.nt.")] = False,
    paper: Annotated[list[str] | None, typer.Option(
        "--paper", help="With the store checks: check only this paper's nodes (its claims, results, comparisons) "
                        "and every entity. Repeatable; implies --store.")] = None,
) -> None:
    """Check a graph against the paperkg SHACL shapes; exit 1 and list violations (and the papers they belong
    to) if it does not conform."""
    path, use_store = _validation_target(graph, store or bool(paper))
    if use_store:
        from kg.checks import check_store
        from kg.store import Store

        with Store.open_read_only(path) as st:
            _known_papers(st, paper or [])
            report = check_store(st, papers=paper)
        how = "SPARQL checks in the store"
    else:
        from kg.validate import validate

        report = validate(path)
        how = "pySHACL"
    if report.conforms:
        scope = f" (papers {', '.join(paper)} and every entity)" if paper else ""
        console.print(f"[green]{path}: conforms to the paperkg shapes{scope} ({how})[/]", highlight=False)
        return
    for focus, prop, message in report.results[:200]:
        console.print(f"{focus}  {prop}  {message}", highlight=False)
    owners = [line for line in report.text.splitlines() if line.startswith(("Papers with", "Entities with"))]
    for line in owners:
        console.print(line, highlight=False, markup=False)
    err_console.print(f"[bold red]{path}: {report.n_violations} violation(s) ({how})[/]", highlight=False)
    raise typer.Exit(1)


def _validation_target(graph: Path, store: bool) -> tuple[Path, bool]:
    """What ``kg validate GRAPH`` checks: (path, whether it is a store)."""
    if (graph / "CURRENT").is_file():  # a store directory itself (RocksDB keeps CURRENT)
        return graph, True
    if graph.is_dir():
        if store or not (graph / "graph.nt").exists() and (graph / "store").is_dir():
            return graph / "store", True
        return graph / "graph.nt", False
    if store:
        from kg.errors import StoreError

        raise StoreError(f"{graph}: --store needs a `kg build` output directory or a store directory")
    return graph, False


def _known_papers(st: Store, papers: list[str]) -> None:
    """A mistyped --paper would check nothing of that paper and still say "conforms": refuse it instead."""
    from kg.errors import StoreError
    from kg.vocab import ID_NS, paper_iri

    missing = [p for p in papers if not st.query(
        f"ASK {{ <{p if p.startswith(ID_NS) else paper_iri(p)}> ?p ?o }}").boolean]
    if missing:
        raise StoreError(f"no paper {', '.join(missing)} in the store (give ids as in dcterms:identifier, "
                         "e.g. arxiv:2405.12345, or paper IRIs)")
