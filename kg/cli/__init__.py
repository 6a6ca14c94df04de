"""``kg`` command line: importing this package registers every command on :data:`kg.cli.app.app`."""

from __future__ import annotations

# Each import registers that module's commands (order = order in ``kg --help``).
from kg.cli import cmd_build as _cmd_build  # noqa: E402,F401  build
from kg.cli import cmd_extract as _cmd_extract  # noqa: E402,F401  extract, eval
from kg.cli import cmd_graph as _cmd_graph  # noqa: E402,F401  export, validate
from kg.cli import cmd_papers as _cmd_papers  # noqa: E402,F401  papers
from kg.cli import cmd_query as _cmd_query  # noqa: E402,F401  query, serve, stats
from kg.cli.app import app

__all__ = ["app", "main"]


def main() -> None:
    """Console-script entry point (``kg``)."""
    app()
