"""Running the pipeline over papers: ``Paper → Doc → Extraction``, within a time budget, in one or more processes.

The record builder itself (``Doc → Extraction``: entities, relations, results, evidence) is
:mod:`kg.records`; this module runs the spaCy pipeline over each paper, keeps a pathological paper from
stalling a build (:data:`PAPER_BUDGET`), fans work out to worker processes, and names the extractor that
made a record (:func:`extractor_id`) so cached records of other code are recognised as stale.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import multiprocessing as mp
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from importlib import resources
from itertools import chain, islice
from typing import Any

from spacy.language import Language

from kg import __version__
from kg.lexicon import load_lexicon
from kg.model import Extraction, Paper, SkipReport
from kg.nlp.guard import defuse
from kg.parallel import chunked, windowed
from kg.records import SEPARATOR, doc_to_extraction
from kg.shards import RecordLines, encode

__all__ = ["EXTRACTOR_ID", "PAPER_BUDGET", "doc_to_extraction", "extract_paper", "extract_papers", "extractor_id",
           "paper_text", "report_skip"]

log = logging.getLogger(__name__)


def _data_hash() -> str:
    """Hash of what decides an extraction besides the lexicon: the cue data *and* the rule code.

    Why the code too: ``kg build`` reuses cached extractions whose extractor id matches; a changed rule
    with an unchanged version number must not silently keep the old extractions.
    """
    h = hashlib.sha1()
    for name in ("cues.json", "generic_terms.txt", "result_cues.json", "metric_direction.txt"):
        h.update((resources.files("kg.nlp") / "data" / name).read_bytes())
    for module in sorted(p.name for p in resources.files("kg.nlp").iterdir() if p.name.endswith(".py")):
        h.update((resources.files("kg.nlp") / module).read_bytes())
    for module in ("extract.py", "records.py", "comparisons.py"):
        h.update((resources.files("kg") / module).read_bytes())
    return h.hexdigest()[:8]


def extractor_id(mode: str = "fast") -> str:
    """Provenance of an extraction: code version + lexicon version + rules (cue data and code) version, and
    in ``accurate`` mode the NER weights' hash (cached extractions of another mode or model are stale)."""
    base = f"paperkg-rules/{__version__}+lexicon/{load_lexicon().version}+rules/{_data_hash()}"
    if mode == "fast":
        return base
    from kg.nlp.ner import model_version

    return f"{base}+{mode}/ner-{model_version()}"


EXTRACTOR_ID = extractor_id()


def paper_text(paper: Paper) -> str:
    return paper.title + SEPARATOR + paper.abstract


#: Default per-paper extraction budget (seconds). Real abstracts take a few milliseconds; a paper that
#: needs more than this is pathological text, skipped with a logged reason so the build goes on.
PAPER_BUDGET = 5.0


class _OverBudget(Exception):
    """Raised inside the pipeline (by SIGPROF or between components) when a paper's budget is spent."""


@contextlib.contextmanager
def _alarm(seconds: float | None) -> Iterator[None]:
    """Interrupt the current paper after ``seconds`` of this process's CPU time (SIGPROF, main thread of a
    POSIX process only).

    Why a signal as well as the check between components: one component stuck in a super-linear loop
    would otherwise run to its end before anyone looked at the clock. Why CPU time and not wall time: on a
    machine busy with other work a normal paper can wait seconds for a core, and it must not be skipped
    for that (a 1M-paper build under load skipped papers that took 0.01 s of CPU).
    """
    usable = (seconds is not None and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def on_alarm(signum: int, frame: object) -> None:
        raise _OverBudget()

    previous = signal.signal(signal.SIGPROF, on_alarm)
    signal.setitimer(signal.ITIMER_PROF, seconds)  # type: ignore[arg-type]
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def _extract_one(nlp: Language, paper: Paper, budget: float | None, ex_id: str = EXTRACTOR_ID) -> Extraction:
    """Tokenise (after :func:`kg.nlp.guard.defuse`) and run every component on one paper within ``budget``."""
    deadline = None if budget is None else time.process_time() + budget  # CPU seconds, as the signal counts
    with _alarm(budget):
        original = paper_text(paper)
        text = defuse(original)
        doc = nlp.make_doc(text)
        doc._.kg_text = text
        for _name, proc in nlp.pipeline:
            doc = proc(doc)
            if deadline is not None and time.process_time() > deadline:
                raise _OverBudget()
        # Evidence quotes the paper as given: the defused text has the same length (so every offset holds)
        # but spaces where over-long chunks were broken, which must not show in an evidence sentence.
        doc._.kg_text = original
        return doc_to_extraction(doc, paper, ex_id)


def extract_paper(paper: Paper, nlp: Language | None = None, mode: str = "fast") -> Extraction:
    from kg.nlp import load_nlp

    return _extract_one(nlp or load_nlp(mode), paper, None, extractor_id(mode) if mode != "fast" else EXTRACTOR_ID)


def _budgeted(nlp: Language, papers: Iterable[Paper], budget: float | None,
              ex_id: str = EXTRACTOR_ID) -> Iterator[Extraction | str]:
    """Each paper's Extraction, or the reason it was skipped (a string) when it ran over ``budget``."""
    for paper in papers:
        try:
            yield _extract_one(nlp, paper, budget, ex_id)
        except _OverBudget:
            yield f"extraction took longer than its budget of {budget:g} s (pathological text?); paper skipped"


_WORKER_NLP: Language | None = None
_WORKER_ID = EXTRACTOR_ID


def _worker_init(mode: str = "fast") -> None:
    global _WORKER_NLP, _WORKER_ID
    from kg.nlp import load_nlp

    _WORKER_NLP = load_nlp(mode)
    _WORKER_ID = extractor_id(mode) if mode != "fast" else EXTRACTOR_ID


def _worker_extract(args: tuple[list[Paper], float | None, bool]) -> list[dict[str, Any] | RecordLines | str]:
    # Workers return plain dicts (or the shard lines, already encoded), never Docs: pickling Docs costs more
    # than the rule components (DESIGN.md).
    assert _WORKER_NLP is not None
    papers, budget, encoded = args
    return [r if isinstance(r, str) else encode(r) if encoded else r.to_dict()
            for r in _budgeted(_WORKER_NLP, papers, budget, _WORKER_ID)]


def report_skip(paper: Paper, reason: str, report: SkipReport | None) -> None:
    """Log a paper extraction gave up on, and count it in ``report`` (located by its source, else its id)."""
    where = paper.source or paper.id
    log.warning("%s: %s", where, reason)
    if report is not None:
        report.skip(where, reason)


def extract_papers(
    papers: Iterable[Paper],
    nlp: Language | None = None,
    n_process: int = 1,
    batch_size: int = 64,
    mode: str = "fast",
    *,
    budget: float | None = PAPER_BUDGET,
    report: SkipReport | None = None,
) -> Iterator[Extraction]:
    """Extract every paper, in input order. ``n_process > 1`` forks workers that each load the pipeline.

    ``mode`` picks the pipeline (``fast``: rules only; ``accurate``: rules plus the trained NER, see
    :mod:`kg.nlp.ner`); an explicit ``nlp`` overrides it but the records still name ``mode``'s extractor.
    A paper whose extraction takes longer than ``budget`` seconds (None: no limit) is not yielded; it is
    logged and counted in ``report`` (``report.skipped``, with the paper's source as location).
    Papers are taken from ``papers`` as the extraction goes, a few chunks ahead: a build streams its
    corpus from disk and holds only the papers in flight (:mod:`kg.sources.corpus`).
    """
    for result in _extract(papers, nlp, n_process, batch_size, mode, budget, report, encoded=False):
        assert not isinstance(result, RecordLines)
        yield result if isinstance(result, Extraction) else Extraction.from_dict(result)


def extract_records(
    papers: Iterable[Paper],
    n_process: int = 1,
    batch_size: int = 64,
    mode: str = "fast",
    *,
    budget: float | None = PAPER_BUDGET,
    report: SkipReport | None = None,
) -> Iterator[RecordLines]:
    """:func:`extract_papers`, each record as the lines its shard stores (:class:`kg.shards.RecordLines`),
    encoded where it was extracted. Why: the build only writes records to shards, and decoding each worker's
    record into objects to encode it again cost the parent process a sixth of the extraction's CPU, on a
    machine whose cores the workers need."""
    for result in _extract(papers, None, n_process, batch_size, mode, budget, report, encoded=True):
        yield result if isinstance(result, RecordLines) else encode(result)  # type: ignore[arg-type]


def _extract(papers: Iterable[Paper], nlp: Language | None, n_process: int, batch_size: int, mode: str,
             budget: float | None, report: SkipReport | None, encoded: bool
             ) -> Iterator[Extraction | RecordLines | dict[str, Any]]:
    papers = iter(papers)
    head = list(islice(papers, 2 * batch_size))
    if not head:
        return  # nothing to do: do not build the pipeline (a no-op rebuild stays fast)
    ex_id = extractor_id(mode) if mode != "fast" else EXTRACTOR_ID
    chunks = chunked(chain(head, papers), batch_size)

    def emit(chunk: list[Paper], results: Iterable[Extraction | RecordLines | dict[str, Any] | str]
             ) -> Iterator[Extraction | RecordLines | dict[str, Any]]:
        for paper, result in zip(chunk, results, strict=True):
            if isinstance(result, str):
                report_skip(paper, result, report)
            else:
                yield result

    if n_process <= 1 or len(head) < 2 * batch_size:
        from kg.nlp import load_nlp

        nlp = nlp or load_nlp(mode)
        for chunk in chunks:
            yield from emit(chunk, _budgeted(nlp, chunk, budget, ex_id))
        return
    ctx = mp.get_context("fork")
    with ctx.Pool(n_process, initializer=_worker_init, initargs=(mode,)) as pool:
        def submit(chunk: list[Paper]) -> Callable[[], tuple[list[Paper], list[Any]]]:
            job = pool.apply_async(_worker_extract, ((chunk, budget, encoded),))
            return lambda: (chunk, job.get())
        for chunk, results in windowed(submit, chunks, 4 * n_process):
            yield from emit(chunk, results)

