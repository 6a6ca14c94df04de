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
from kg.model import Extraction, Paper

log = logging.getLogger(__name__)

#: Seconds to wait for a remote scheduler before giving up with a clear error.
CONNECT_TIMEOUT = 30

#: The pipeline of this worker process, loaded by the first chunk it extracts.
_NLP: Any = None


def extract_chunk(papers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Runs on a Dask worker: extraction records (dicts) of one chunk of papers (dicts)."""
    global _NLP
    from kg.extract import EXTRACTOR_ID, doc_to_extraction, paper_text
    from kg.nlp import load_nlp
    from kg.nlp.sentences import make_docs

    if _NLP is None:
        _NLP = load_nlp()
    batch = [Paper.from_dict(p) for p in papers]
    docs = _NLP.pipe(make_docs(_NLP, (paper_text(p) for p in batch)))
    return [doc_to_extraction(doc, paper, EXTRACTOR_ID).to_dict() for paper, doc in zip(batch, docs, strict=True)]


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
    papers: Iterable[Paper], scheduler: str, batch_size: int = 64, n_workers: int = 2
) -> Iterator[Extraction]:
    """Extract ``papers`` on the Dask cluster at ``scheduler``; records come back in input order.

    Chunks are submitted up front and gathered in order, so the client holds at most the records of the
    chunks not yet consumed; the order makes the result identical to the one-process build.
    """
    from kg.extract import EXTRACTOR_ID

    papers = list(papers)
    chunks = [[p.to_dict() for p in papers[i : i + batch_size]] for i in range(0, len(papers), batch_size)]
    if not chunks:
        return
    with dask_client(scheduler, n_workers) as client:
        futures = client.map(extract_chunk, chunks, pure=False)
        for fut in futures:
            for record in fut.result():
                ex = Extraction.from_dict(record)
                if ex.extractor != EXTRACTOR_ID:
                    raise KGError(
                        f"a Dask worker runs another paperkg extractor ({ex.extractor}, here {EXTRACTOR_ID}): "
                        "install the same paperkg version on the workers"
                    )
                yield ex
            fut.release()
