"""Extraction beyond one machine on Dask distributed (``kg build --scheduler tcp://HOST:8786 | local``).

Why Dask and not a task farm of our own: scheduling, retries of lost workers, data locality and a dashboard
are solved problems there (DESIGN.md section 5). The unit of work is the same as for ``--processes``: a
chunk of papers goes out as plain dicts and comes back as extraction-record dicts, never as spaCy Docs
(pickling Docs costs more than the rule components). Each worker process loads the pipeline once, on its
first chunk, and keeps it for the rest.

On a real cluster every worker needs the same paperkg version installed (``pip install paperkg`` in the
workers' environment; the extractor id in each record names the version, and the client refuses records of
another one). Linking, graph building, exports and the store load stay on the client: they work on names and
records, not on text.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from kg.errors import KGError
from kg.model import Extraction, Paper, SkipReport

#: Seconds to wait for a remote scheduler before giving up with a clear error.
CONNECT_TIMEOUT = 30


def extract_chunk(papers: list[dict[str, Any]], budget: float | None) -> list[dict[str, Any] | str]:
    """Runs on a Dask worker: the record (dict) of each paper (dict), or why it was skipped (str).

    The same code as a ``--processes`` worker (:func:`kg.extract._worker_extract`): the pre-tokenizer guard,
    the per-paper time budget and the record format cannot differ between one machine and a cluster.
    """
    from kg import extract

    if extract._WORKER_NLP is None:  # the first chunk this worker process extracts loads the pipeline
        extract._worker_init()
    return extract._worker_extract((papers, budget))


@contextmanager
def dask_client(scheduler: str, n_workers: int = 2) -> Iterator[Any]:
    """A client of the scheduler at ``scheduler`` (``tcp://host:8786``), or of a fresh ``LocalCluster``
    of ``n_workers`` single-threaded worker processes when ``scheduler`` is ``"local"``."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise KGError("--scheduler needs Dask distributed: pip install 'distributed'") from exc
    if scheduler == "local":
        cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=logging.WARNING)
        try:
            with Client(cluster) as client:
                yield client
        finally:
            cluster.close()
        return
    try:
        client = Client(scheduler, timeout=CONNECT_TIMEOUT)
    except OSError as exc:
        raise KGError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    try:
        yield client
    finally:
        client.close()


def extract_on_cluster(
    papers: Iterable[Paper], scheduler: str, batch_size: int = 64, n_workers: int = 2, *,
    budget: float | None = None, report: SkipReport | None = None,
) -> Iterator[Extraction]:
    """Extract ``papers`` on the Dask cluster at ``scheduler``; records come back in input order.

    Chunks are submitted up front and gathered in order, so the client holds at most the records of the
    chunks not yet consumed; the order makes the result identical to the one-process build. A paper over
    ``budget`` seconds is skipped, logged and counted in ``report``, as in :func:`kg.extract.extract_papers`.
    """
    from kg.extract import EXTRACTOR_ID, report_skip

    papers = list(papers)
    chunks = [papers[i : i + batch_size] for i in range(0, len(papers), batch_size)]
    if not chunks:
        return
    with dask_client(scheduler, n_workers) as client:
        futures = client.map(extract_chunk, [[p.to_dict() for p in c] for c in chunks], budget=budget, pure=False)
        for chunk, fut in zip(chunks, futures, strict=True):
            for paper, record in zip(chunk, fut.result(), strict=True):
                if isinstance(record, str):
                    report_skip(paper, record, report)
                    continue
                ex = Extraction.from_dict(record)
                if ex.extractor != EXTRACTOR_ID:
                    raise KGError(
                        f"a Dask worker runs another paperkg extractor ({ex.extractor}, here {EXTRACTOR_ID}): "
                        "install the same paperkg version on the workers"
                    )
                yield ex
            fut.release()
