"""An exclusive lock on a build's output directory, held for the whole build.

Why: two ``kg build`` runs into one ``--out`` each read ``extractions.jsonl``, added their own papers and
wrote it back; the last writer won and the other build's papers were gone although both exited 0
(issue 9). With the lock the second build waits (or, with ``--no-wait``, fails at once) and then reads what
the first one wrote, so every paper is kept.

The lock is an advisory ``flock`` on ``OUT/.kg-build.lock``: the kernel releases it when the holder exits,
however it exits (``kill -9`` included), so a crashed build never leaves a stale lock behind. The file
itself is left in place (deleting it would race with a process that has just opened it).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from kg.errors import LockedError

LOCK_FILE = ".kg-build.lock"


def _holder(fd: int) -> str:
    """What the holder wrote into the lock file (its pid), for the message; best effort."""
    try:
        return os.pread(fd, 64, 0).decode("ascii", "replace").strip()
    except OSError:
        return ""


@contextlib.contextmanager
def build_lock(
    out: Path,
    *,
    wait: bool = True,
    timeout: float | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> Iterator[Path]:
    """Hold the exclusive build lock of ``out`` for the duration of the ``with`` block.

    If another process holds it: with ``wait`` (the default) block until it is released, calling
    ``on_wait(message)`` once first so the caller can say why nothing happens; without ``wait``, or when
    ``timeout`` seconds pass, raise :class:`~kg.errors.LockedError`.
    """
    out.mkdir(parents=True, exist_ok=True)
    path = out / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            who = f" (process {holder})" if holder else ""
            if not wait:
                raise LockedError(
                    f"{out} is being written by another kg build{who}; wait for it, or drop --no-wait to queue"
                ) from None
            if on_wait is not None:
                on_wait(f"waiting for another kg build{who} to finish writing {out} …")
            _wait(fd, out, who, timeout)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield path
    finally:
        os.close(fd)  # closing the descriptor releases the flock


def _wait(fd: int, out: Path, who: str, timeout: float | None) -> None:
    if timeout is None:
        fcntl.flock(fd, fcntl.LOCK_EX)
        return
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise LockedError(f"{out} is still locked by another kg build{who} after {timeout:g} s") from None
            time.sleep(0.1)
