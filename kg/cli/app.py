"""The typer application object and the one place that turns library errors into exit codes.

Command modules (``kg/cli/*.py``) import :data:`app` and register their commands on it; ``kg/cli/__init__``
imports them all. Commands stay thin: parse options, call the library, print with :data:`console`.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.logging import RichHandler
from rich.markup import escape

from kg.errors import KGError

app = typer.Typer(
    name="kg",
    help="paperkg: build a knowledge graph of methods, datasets, tasks, metrics and results from ML abstracts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
#: Normal output (tables, records) goes to stdout; messages, progress and logs go to stderr.
console = Console()
err_console = Console(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])


def setup_logging(verbose: bool = False) -> None:
    """Log skipped input etc. to stderr through rich (WARNING by default, DEBUG with --verbose)."""
    root = logging.getLogger("kg")
    root.handlers[:] = [RichHandler(console=err_console, show_path=False, markup=False)]
    root.setLevel(logging.DEBUG if verbose else logging.WARNING)
    root.propagate = False


def handle_errors(func: F) -> F:
    """Decorate a command so a :class:`KGError` becomes a red one-line message and its exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except KGError as exc:
            err_console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
            raise typer.Exit(code=exc.exit_code) from None

    return wrapper  # type: ignore[return-value]


def _print_version(value: bool) -> None:
    if value:
        from kg import __version__

        console.print(f"paperkg {__version__}", highlight=False)
        raise typer.Exit()


@app.callback()
def _root(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log debug messages to stderr."),
    version: bool = typer.Option(False, "--version", help="Print the version and exit.", callback=_print_version,
                                 is_eager=True),
) -> None:
    """paperkg command line."""
    setup_logging(verbose)
