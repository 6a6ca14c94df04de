"""Bounded fan-out: the one helper that lets a stage hand work to a pool without queueing all of it.

``multiprocessing.Pool.imap`` reads its whole input ahead into the task queue, so a build of a million
papers would hold every paper (or shard) in memory at once; :func:`windowed` keeps at most ``window`` jobs
in flight and yields their results in order.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

J = TypeVar("J")
R = TypeVar("R")


def windowed(submit: Callable[[J], Callable[[], R]], jobs: Iterable[J], window: int) -> Iterator[R]:
    """Results of ``submit(job)()`` in job order, with at most ``window`` jobs submitted and not yet
    collected: ``submit`` starts a job (``pool.apply_async(...).get`` is the usual answer) and returns what
    waits for its result."""
    pending: deque[Callable[[], R]] = deque()
    for job in jobs:
        pending.append(submit(job))
        if len(pending) >= window:
            yield pending.popleft()()
    while pending:
        yield pending.popleft()()


def chunked(items: Iterable[J], size: int) -> Iterator[list[J]]:
    """``items`` in lists of ``size`` (the last may be shorter), taken from the iterable as they are asked
    for (``itertools.batched`` arrives with Python 3.12)."""
    chunk: list[J] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
