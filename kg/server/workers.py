"""Query worker processes for ``kg serve``: every SPARQL query runs in a process that can be killed.

Why processes and not threads: Oxigraph cannot cancel a running query and Python cannot kill a thread.
The thread-pool endpoint answered 503 at the deadline while the abandoned query ran on (issue 9: server
RSS 296 MB → 4 GB in 80 s from one cross product; four slow queries held all four threads for 220 s).
A worker is a child process that

* opens the store **read-only**, and re-opens it when the pool says the store on disk changed (a
  ``kg build`` into the same output directory), so a rebuild is served without a restart;
* is **killed** (SIGKILL) when its query passes the deadline: the CPU and memory it held go back to
  the operating system at once, and a fresh worker takes its place;
* runs under a **memory limit** (``RLIMIT_DATA``, the heap and anonymous mappings; the store's own
  file mappings are not counted): a query that needs more makes Oxigraph's allocator fail, the worker
  dies on its own and the client gets a 503, instead of the machine swapping;
* pulls solutions lazily and stops at the row cap (``Store.query(max_rows=...)``);
* drops its **network** access where the OS lets it (a new network namespace), so not even a SPARQL
  ``SERVICE`` clause that slipped past :mod:`kg.server.guard` can reach another host.

The pool starts ``size`` workers (a killed one is replaced at once), so short queries find a worker
while up to ``size - 1`` slow ones run; a query that runs longer than :data:`SLOW_AFTER` gets a lower CPU
priority, so short ones also get the cores. A request that finds every worker busy waits for one until
its own deadline. Jobs and replies are small dicts sent over a pair of pipes (``multiprocessing.connection``).

Run as ``python -m kg.server.workers --store DIR --rfd N --wfd M --memory-mb MB`` by the pool only.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from kg.errors import QueryAborted, QueryError, QueryTimeout, ServerBusy, StoreError
from kg.server.formats import CONTENT_TYPE, acceptable, negotiate
from kg.store import Store, store_state, writer_active

log = logging.getLogger(__name__)

#: A query still running after this many seconds is "slow": its worker gets a lower CPU priority.
SLOW_AFTER = 1.0
SLOW_NICENESS = 10
#: How long a new worker may take to import its modules and open the store.
READY_SECONDS = 30.0


# ---------------------------------------------------------------------------------------- the worker side


def _drop_network() -> bool:
    """Move this process into a new, empty network namespace (Linux); False where that is not allowed.

    Must run while the process is single-threaded (before the store opens its threads).
    """
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    clone_newnet, clone_newuser = 0x40000000, 0x10000000
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return False
    flags = clone_newnet if os.geteuid() == 0 else clone_newnet | clone_newuser
    return bool(libc.unshare(flags) == 0)


def _exit_with_parent(parent: int) -> None:
    """Exit when the server process is gone (a ``kill -9`` of ``kg serve`` must not leave a query running)."""

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


@dataclass
class _WorkerState:
    """The worker's store handle and the store generation it was opened at."""

    path: Path
    generation: int = -1
    store: Store | None = None

    def store_for(self, generation: int) -> Store:
        if self.store is None or generation != self.generation:
            self.reopen(generation)
        assert self.store is not None
        return self.store

    def reopen(self, generation: int) -> None:
        fresh = Store.open_read_only(self.path)  # raises StoreError: keep the old handle then
        if self.store is not None:
            self.store.close()
        self.store, self.generation = fresh, generation


def answer(state: _WorkerState, job: dict[str, Any]) -> dict[str, Any]:
    """Run one job (in the worker) and return the reply dict the HTTP side turns into a response.

    ``job["mode"]`` is "protocol" (a serialised body for ``/sparql``) or "table" (text rows for the
    query page).
    """
    t0 = time.perf_counter()
    try:
        try:
            result = state.store_for(job["generation"]).query(job["query"], max_rows=job["max_rows"])
        except QueryError:
            raise
        except StoreError:
            # Files can vanish under a long-open read-only handle when a build compacts the store:
            # open it again and try once more before giving up.
            state.reopen(job["generation"])
            assert state.store is not None
            result = state.store.query(job["query"], max_rows=job["max_rows"])
    except QueryError as exc:
        return {"status": 400, "message": str(exc)}
    except StoreError as exc:
        return {"status": 503, "message": f"the store cannot be read right now: {exc}"}
    seconds = time.perf_counter() - t0
    if job["mode"] == "table":
        return {"status": 200, "kind": result.kind, "variables": result.variables if result.kind != "ask" else
                ["answer"], "rows": result.text_rows(), "complete": result.complete, "seconds": seconds}
    if not result.complete:
        what = "triples" if result.kind == "graph" else "rows"
        return {"status": 413, "message": f"the result has more than {job['max_rows']} {what} (the limit of this "
                                          "endpoint); add a LIMIT"}
    fmt = negotiate(job["accept"], result.kind, job["formats"])
    if fmt is None:
        return {"status": 406, "ctype": "application/json",
                "body": json.dumps({"acceptable": acceptable(result.kind)}).encode()}
    body = result.serialize(fmt)
    if len(body) > job["max_bytes"]:
        return {"status": 413, "message": f"the result is {len(body) / 1e6:.1f} MB, more than the limit of "
                                          f"{job['max_bytes'] / 1e6:.0f} MB; add a LIMIT or select fewer variables"}
    return {"status": 200, "ctype": CONTENT_TYPE[fmt], "body": body}


def worker_main(argv: list[str] | None = None) -> None:
    """The worker's loop: receive a job, answer it, until the pool closes the pipe."""
    ap = argparse.ArgumentParser(prog="kg.server.workers")
    ap.add_argument("--store", type=Path, required=True)
    ap.add_argument("--rfd", type=int, required=True)
    ap.add_argument("--wfd", type=int, required=True)
    ap.add_argument("--memory-mb", type=int, default=0)
    ap.add_argument("--parent", type=int, default=0)
    args = ap.parse_args(argv)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C on `kg serve` reaches the whole process group
    isolated = _drop_network()
    if args.parent:
        _exit_with_parent(args.parent)
    if args.memory_mb > 0:
        import resource

        limit = args.memory_mb * 1024 * 1024
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    jobs, replies = Connection(args.rfd, writable=False), Connection(args.wfd, readable=False)
    state = _WorkerState(args.store)
    with contextlib.suppress(StoreError):
        state.reopen(0)  # open now so the first query does not pay for it; a missing store is reported per job
    replies.send({"ready": True, "isolated": isolated})
    while True:
        try:
            job = jobs.recv()
        except (EOFError, OSError):
            return
        try:
            reply = answer(state, job)
        except MemoryError:
            reply = {"status": 503, "retire": True,
                     "message": f"the query needed more than the {args.memory_mb} MB a query may use; it was stopped"}
        except Exception as exc:  # a bug must cost one reply, not the worker's silence
            reply = {"status": 500, "retire": True, "message": f"internal error: {type(exc).__name__}: {exc}"}
        replies.send(reply)


# ---------------------------------------------------------------------------------------- the server side


@dataclass(eq=False)
class _Worker:
    proc: subprocess.Popen[bytes]
    jobs: Connection
    replies: Connection
    slow: bool = False  # ran a query longer than SLOW_AFTER (and was niced)


@dataclass
class QueryPool:
    """Worker processes over one store directory; :meth:`run` answers a job within a deadline.

    ``size`` bounds the concurrent queries (and processes), ``memory_mb`` the memory of each.
    """

    store_dir: Path
    size: int = 6
    memory_mb: int = 512
    _cond: threading.Condition = field(default_factory=threading.Condition, init=False)
    _idle: list[_Worker] = field(default_factory=list, init=False)
    _all: set[_Worker] = field(default_factory=set, init=False)
    _count: int = field(default=0, init=False)
    _closed: bool = field(default=False, init=False)
    _generation: int = field(default=0, init=False)
    _state: Any = field(default=None, init=False)
    #: Whether every worker started so far runs without network access (None before the first one).
    isolated: bool | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.store_dir = Path(self.store_dir)
        self.size = max(1, self.size)
        self._state = store_state(self.store_dir)
        # Every worker starts now: started on demand, under a burst of slow queries that keep the cores
        # busy, a worker took ~0.5 s to come up, and short queries waited that long for it.
        try:
            started = []
            for _ in range(self.size):
                self._count += 1
                started.append(self._spawn())
            for worker in started:
                self._wait_ready(worker)
                self._put_idle(worker)
        except OSError as exc:
            self.close()
            raise StoreError(f"cannot start the query workers: {exc}") from exc

    # -- the store watcher

    def generation(self) -> int:
        """A number that changes when the store on disk changed and no build is writing it any more.

        Workers re-open their read-only handle when a job carries a generation they have not seen.
        """
        state = store_state(self.store_dir)
        with self._cond:
            if state is not None and state != self._state and not writer_active(self.store_dir):
                self._state = state
                self._generation += 1
                log.info("the store in %s changed: workers will re-open it", self.store_dir)
            return self._generation

    # -- workers

    def _spawn(self) -> _Worker:
        job_r, job_w = os.pipe()
        reply_r, reply_w = os.pipe()
        cmd = [sys.executable, "-m", "kg.server.workers", "--store", str(self.store_dir), "--rfd", str(job_r),
               "--wfd", str(reply_w), "--memory-mb", str(self.memory_mb), "--parent", str(os.getpid())]
        try:
            # stderr goes nowhere: a worker that hits its memory limit dies with Rust's allocation-failure
            # message, and the pool already reports why (see :meth:`run`).
            proc = subprocess.Popen(cmd, pass_fds=(job_r, reply_w), stdin=subprocess.DEVNULL,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, close_fds=True)
        finally:
            os.close(job_r)
            os.close(reply_w)
        worker = _Worker(proc, Connection(job_w, readable=False), Connection(reply_r, writable=False))
        with self._cond:
            self._all.add(worker)
        return worker

    def _wait_ready(self, worker: _Worker) -> None:
        """Wait until a new worker has imported its modules and opened the store (OSError if it never does)."""
        try:
            if worker.replies.poll(READY_SECONDS):
                hello = worker.replies.recv()
                if hello.get("ready"):
                    self.isolated = bool(hello.get("isolated")) and self.isolated is not False
                    return
        except (EOFError, OSError):
            pass
        with contextlib.suppress(OSError):
            worker.proc.kill()
        worker.proc.wait()
        with self._cond:
            self._all.discard(worker)
        raise OSError(f"a query worker did not start within {READY_SECONDS:g} s")

    def _start(self) -> _Worker:
        worker = self._spawn()
        self._wait_ready(worker)
        return worker

    def _put_idle(self, worker: _Worker) -> None:
        with self._cond:
            if not self._closed:
                self._idle.append(worker)
                self._cond.notify()
                return
        with contextlib.suppress(OSError):
            worker.jobs.close()  # the pool closed meanwhile: end-of-file makes the worker exit

    def _acquire(self, deadline: float) -> _Worker:
        spawn = False
        with self._cond:
            while True:
                if self._closed:
                    raise ServerBusy("the endpoint is shutting down")
                if self._idle:
                    worker = self._idle.pop()
                    if worker.proc.poll() is None:
                        return worker
                    self._retire(worker)  # died while idle (the OOM killer, a stray kill): replace it
                    continue
                if self._count < self.size:  # a replacement failed to start earlier: try again now
                    self._count += 1
                    spawn = True
                    break
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not self._cond.wait(remaining):
                    raise ServerBusy(f"all {self.size} query workers are busy; try again shortly")
        if spawn:
            try:
                return self._start()
            except OSError as exc:
                with self._cond:
                    self._count -= 1
                raise StoreError(f"cannot start a query worker: {exc}") from exc
        raise AssertionError("unreachable")

    def _retire(self, worker: _Worker, replace: bool = True) -> None:
        """Kill a worker (it may be mid-query) and, in the background, reap it and start a replacement."""
        with contextlib.suppress(ProcessLookupError, OSError):
            worker.proc.kill()

        def reap() -> None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                worker.proc.wait(timeout=10)
            for conn in (worker.jobs, worker.replies):
                with contextlib.suppress(OSError):
                    conn.close()
            with self._cond:
                self._all.discard(worker)
                if self._closed or not replace:
                    self._count -= 1
                    self._cond.notify()
                    return
            try:
                fresh = self._start()
            except OSError:
                with self._cond:
                    self._count -= 1
                    self._cond.notify()
                return
            self._put_idle(fresh)

        threading.Thread(target=reap, name="kg-worker-reaper", daemon=True).start()

    def run(self, job: dict[str, Any], timeout: float) -> dict[str, Any]:
        """Answer ``job`` in a worker within ``timeout`` seconds (waiting for a free worker included).

        Raises :class:`ServerBusy`, :class:`QueryTimeout` (the worker was killed) or
        :class:`QueryAborted` (the worker died: its memory limit, most likely).
        """
        deadline = time.monotonic() + timeout
        job = {**job, "generation": self.generation()}
        worker = self._acquire(deadline)
        keep = False
        try:
            try:
                worker.jobs.send(job)
                if not worker.replies.poll(max(0.0, min(SLOW_AFTER, deadline - time.monotonic()))):
                    # A slow query yields the CPU to short ones. Niceness cannot be lowered again without
                    # privileges, so this worker is replaced once it has answered.
                    with contextlib.suppress(OSError):
                        os.setpriority(os.PRIO_PROCESS, worker.proc.pid, SLOW_NICENESS)
                    worker.slow = True
                    if not worker.replies.poll(max(0.0, deadline - time.monotonic())):
                        raise QueryTimeout(f"the query ran for more than {timeout:g} s and was stopped")
                reply: dict[str, Any] = worker.replies.recv()
            except (EOFError, OSError) as exc:
                code = None
                with contextlib.suppress(subprocess.TimeoutExpired):
                    code = worker.proc.wait(timeout=2)
                # Rust aborts when an allocation fails under RLIMIT_DATA; the kernel's OOM killer sends SIGKILL.
                if code in (-signal.SIGABRT, -signal.SIGKILL):
                    raise QueryAborted(f"the query needed more than the {self.memory_mb} MB a query may use "
                                       "and was stopped") from exc
                raise QueryAborted(f"the query worker stopped unexpectedly (exit code {code})") from exc
            keep = not reply.pop("retire", False) and not worker.slow
            return reply
        finally:
            if keep:
                self._put_idle(worker)
            else:
                self._retire(worker)

    def pids(self) -> list[int]:
        """Process ids of the live workers (for tests and monitoring)."""
        with self._cond:
            return [w.proc.pid for w in self._all]

    def close(self) -> None:
        """Stop every worker: idle ones get end-of-file and exit, busy ones are killed."""
        with self._cond:
            self._closed = True
            workers = list(self._all)
            idle = set(self._idle)
            self._idle.clear()
            self._cond.notify_all()
        for w in workers:
            if w in idle:
                with contextlib.suppress(OSError):
                    w.jobs.close()
            else:
                with contextlib.suppress(ProcessLookupError, OSError):
                    w.proc.kill()
        for w in workers:
            try:
                w.proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                w.proc.kill()
                w.proc.wait(timeout=2)
            with contextlib.suppress(OSError):
                w.replies.close()


if __name__ == "__main__":
    worker_main()
