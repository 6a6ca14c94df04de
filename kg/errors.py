"""One exception hierarchy for the library; only the CLI turns these into messages and exit codes."""

from __future__ import annotations


class KGError(Exception):
    """Base class of every error paperkg raises on purpose. The message must say what to do."""

    exit_code = 1


class InputError(KGError):
    """An input file or stream cannot be read at all (missing, unknown format, unsafe XML...)."""

    exit_code = 2


class FormatError(InputError):
    """The input's format could not be detected or is not the one requested."""


class ExtractionError(KGError):
    """The NLP pipeline could not be built or run."""


class GraphError(KGError):
    """A graph could not be built, loaded or exported."""


class ValidationError(GraphError):
    """A graph does not conform to the SHACL shapes."""


class UnsupportedShapeError(GraphError):
    """A SHACL shape uses a feature that the SPARQL translation (``kg.checks``) does not implement.

    Raised rather than skipping the shape, so that a new constraint can never be silently left unchecked.
    """


class StoreError(KGError):
    """The SPARQL store is missing, locked, or a query is malformed."""


class QueryError(StoreError):
    """A SPARQL query could not be parsed or evaluated (the message carries the position)."""


class QueryTimeout(StoreError):
    """A query ran past its time limit and was stopped (``kg serve`` kills the worker that ran it)."""


class QueryAborted(StoreError):
    """A query was stopped before it finished for another reason, usually the memory limit of its worker."""


class ServerBusy(StoreError):
    """Every query worker of the endpoint stayed busy until the request's deadline."""


class LockedError(KGError):
    """Another ``kg build`` holds the output directory's lock (and the caller asked not to wait)."""

    exit_code = 3
