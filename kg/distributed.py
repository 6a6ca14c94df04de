"""Extraction and triple writing beyond one machine on Dask (``kg build --scheduler tcp://HOST:8786 | local``).

Why Dask and not a task farm of our own: scheduling, retries of lost workers, data locality and a dashboard
are solved problems there (DESIGN.md section 5). The unit of work is the same as for ``--processes``: a
chunk of papers goes out as plain dicts and comes back as extraction-record dicts, never as spaCy Docs
(pickling Docs costs more than the rule components). Each worker process loads the pipeline once, on its
first chunk, and keeps it for the rest.

On a real cluster every worker needs the same paperkg version installed (``pip install paperkg`` in the
workers' environment; the extractor id in each record names the version, and the client refuses records of
another one). Writing each shard's triples runs on the workers too (:func:`cluster_map`); the linking pass
(names and counts), ``graph.nt``, the store load and the views stay on the client.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, cast

from kg.errors import KGError
from kg.model import Extraction, Paper, SkipReport

if TYPE_CHECKING:
    from kg.assemble import ShardMap, ShardWork

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
    records = extract._worker_extract(([Paper.from_dict(p) for p in papers], budget, False))
    return cast("list[dict[str, Any] | str]", records)  # (dicts: encoded=False)


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
    papers: Iterable[Paper], client: Any, batch_size: int = 64, *,
    budget: float | None = None, report: SkipReport | None = None,
) -> Iterator[Extraction]:
    """Extract ``papers`` on the Dask cluster of ``client`` (:func:`dask_client`); records come back in
    input order.

    Chunks are submitted as the papers stream in, at most four per worker ahead of the one consumed, and
    gathered in order: the client holds only the papers and records in flight, and the order makes the
    result identical to the one-process build. A paper over ``budget`` seconds is skipped, logged and
    counted in ``report``, as in :func:`kg.extract.extract_papers`.
    """
    from kg.extract import EXTRACTOR_ID, report_skip
    from kg.parallel import chunked, windowed

    window = 4 * max(1, len(client.scheduler_info().get("workers", {})))

    def submit(chunk: list[Paper]) -> Callable[[], tuple[list[Paper], list[Any]]]:
        fut = client.submit(extract_chunk, [p.to_dict() for p in chunk], budget=budget, pure=False)

        def result() -> tuple[list[Paper], list[Any]]:
            records = fut.result()
            fut.release()
            return chunk, records
        return result

    for chunk, records in windowed(submit, chunked(papers, batch_size), window):
        for paper, record in zip(chunk, records, strict=True):
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


def cluster_map(client: Any, work: ShardWork) -> ShardMap:
    """A :data:`kg.assemble.ShardMap` on the cluster: ``work`` (the linking tables) goes to every worker once
    (``scatter(broadcast=True)``), then each shard's records text goes to one worker and its sorted triples,
    tally and shapes report come back; at most two shards per worker are in flight. Workers need no shared
    file system."""
    from kg.assemble import ShardResult, run_shard
    from kg.parallel import windowed

    [shared] = client.scatter([work], broadcast=True)
    window = 2 * max(1, len(client.scheduler_info().get("workers", {})))

    def run(jobs: Iterable[tuple[str, str]]) -> Iterator[ShardResult]:
        return windowed(lambda job: client.submit(run_shard, shared, job[1], pure=False).result, jobs, window)
    return run
