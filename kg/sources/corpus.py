"""Many inputs → one corpus of distinct papers, streamed: duplicates merged, nothing held whole.

A paper may come from several inputs (two daily dumps, a dump and an arXiv feed): records with the same
arXiv id, id or normalised title are one paper (:func:`merge_papers`). Which records merge is known only
after the last input is read, yet a build of a million abstracts (1.5 GB of text) must not hold them all
as Python objects (DESIGN.md section 5). So :class:`Corpus` reads every input once, writes each paper to
an unnamed temporary spool file as it arrives (a merged paper: its new version), and keeps in memory only
a hash of each key and each paper's spool offset; iterating reads the papers back one at a time, in
the order of first appearance.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import struct
import tempfile
from array import array
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import fields, replace
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from kg.errors import InputError
from kg.model import Paper, SkipReport
from kg.sources import expand_inputs, read_papers
from kg.sources.text import paper_id, title_key

__all__ = ["Corpus", "merge_papers", "read_corpus"]

log = logging.getLogger(__name__)

_LEN = struct.Struct("<I")


def _richness(p: Paper) -> int:
    return sum(1 for f in fields(Paper) if getattr(p, f.name) not in (None, (), ""))


def merge_papers(a: Paper, b: Paper) -> Paper:
    """One paper from two records of it: the richer record wins, the other fills its gaps.

    The longer abstract is kept (dumps sometimes truncate), and the id is recomputed so that an arXiv id
    learnt from either record becomes the id.
    """
    base, other = (a, b) if _richness(a) >= _richness(b) else (b, a)
    filled = {f.name: getattr(other, f.name) for f in fields(Paper)
              if getattr(base, f.name) in (None, (), "") and getattr(other, f.name) not in (None, (), "")}
    merged = replace(base, **filled)
    if len(other.abstract) > len(merged.abstract):
        merged = replace(merged, abstract=other.abstract)
    if merged.date and other.date and merged.date.startswith("--") and not other.date.startswith("--"):
        merged = replace(merged, date=other.date)  # a full date beats a partial one
    if merged.arxiv_id and not merged.id.startswith(("arxiv:",)) and merged.id.startswith("t:"):
        merged = replace(merged, id=paper_id(merged.title, merged.arxiv_id))
    return merged


def _keys(paper: Paper) -> list[str]:
    """What makes two records one paper: the id, the normalised title, the arXiv id."""
    key = title_key(paper.title)
    return [k for k in (paper.id, f"title:{key}" if key else None,
                        f"arxiv:{paper.arxiv_id}" if paper.arxiv_id else None) if k]


def _hashed(key: str) -> int:
    # 96 bits: among the ~3 million keys of a million papers the chance that two different keys collide
    # (and two papers merge wrongly) is about 1e-16; a 60-character title key would cost ~5x the memory.
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=12).digest(), "little")


class Corpus:
    """The distinct papers of ``sources`` (files, directories, ``-``), duplicates merged, in the order of
    their first appearance; iterate it (again and again) for the papers, ``len()`` for how many.

    Reading happens here, once: a path that does not exist fails before anything is read; a file that
    cannot be read among several is a counted, logged skip (``report``); a lone bad input raises
    :class:`~kg.errors.InputError`. Memory: ``ids`` and ~100 bytes per paper; the papers live in a
    temporary spool file (in ``spool_dir``, default the system's), removed by :meth:`close` or at exit.
    """

    def __init__(
        self,
        sources: Sequence[str | Path],
        fmt: str | None = None,
        report: SkipReport | None = None,
        mapping: Mapping[str, str] | None = None,
        spool_dir: Path | None = None,
    ) -> None:
        self.report = report if report is not None else SkipReport()
        #: each paper's id, in order (a merge that learns an arXiv id changes it)
        self.ids: list[str] = []
        self._offsets = array("q")
        try:
            self._spool: BinaryIO = tempfile.TemporaryFile(prefix="kg-corpus-", dir=spool_dir)
        except OSError as exc:
            raise InputError(f"cannot create a temporary file to read the inputs into ({exc})") from None
        try:
            self._read(expand_inputs(sources), fmt, mapping)
        except BaseException:
            self.close()
            raise

    def _read(self, sources: list[str | Path], fmt: str | None, mapping: Mapping[str, str] | None) -> None:
        alias: dict[int, int] = {}  # hashed key → position of its paper
        failures: list[InputError] = []
        for source in sources:
            try:
                papers = read_papers(source, fmt=fmt, report=self.report, mapping=mapping)
                for paper in papers:
                    hashed = [_hashed(k) for k in _keys(paper)]
                    known = next((alias[h] for h in hashed if h in alias), None)
                    if known is None:
                        for h in hashed:
                            alias[h] = len(self.ids)
                        self.ids.append(paper.id)
                        self._offsets.append(self._dump(paper))
                        continue
                    self.report.merged += 1
                    merged = merge_papers(self._load(self._offsets[known]), paper)
                    self._offsets[known] = self._dump(merged)
                    self.ids[known] = merged.id
                    for h in (*hashed, _hashed(merged.id)):
                        alias.setdefault(h, known)
            except InputError as exc:
                # One bad file among several is a counted, logged skip; a lone bad input is the caller's error.
                if len(sources) == 1:
                    raise
                failures.append(exc)
                self.report.skip(str(source), f"file not read: {exc}")
                log.warning("skipped input %s", exc)
        if sources and len(failures) == len(sources):
            raise InputError(f"no input could be read ({len(failures)} files); first: {failures[0]}")

    def _dump(self, paper: Paper) -> int:
        data = pickle.dumps(paper, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            offset = self._spool.seek(0, 2)
            self._spool.write(_LEN.pack(len(data)))
            self._spool.write(data)
        except OSError as exc:
            raise InputError(f"cannot write the inputs' papers to a temporary file ({exc.strerror or exc}); "
                             "free disk space or set TMPDIR") from None
        return offset

    def _load(self, offset: int) -> Paper:
        self._spool.seek(offset)
        (size,) = _LEN.unpack(self._spool.read(_LEN.size))
        paper: Paper = pickle.loads(self._spool.read(size))
        return paper

    def __len__(self) -> int:
        return len(self.ids)

    def __iter__(self) -> Iterator[Paper]:
        return self.select()

    def select(self, keep: Callable[[str], bool] | None = None) -> Iterator[Paper]:
        """The papers whose id ``keep`` accepts (all by default), in order; the others are not even read
        back, so a build that has most papers already pays for the new ones only."""
        for pid, offset in zip(self.ids, self._offsets, strict=True):
            if keep is None or keep(pid):
                yield self._load(offset)

    def close(self) -> None:
        self._spool.close()

    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def read_corpus(
    sources: Sequence[str | Path],
    fmt: str | None = None,
    report: SkipReport | None = None,
    mapping: Mapping[str, str] | None = None,
) -> list[Paper]:
    """Read many inputs (files, directories, ``-``) and merge duplicates (same arXiv id, id or normalised
    title) into one paper each, as a list (a :class:`Corpus` held whole: for corpora that fit in memory).

    Order is the order of first appearance, so output is deterministic for the same inputs. A path that
    does not exist fails before anything is read; a file that cannot be read among several is a counted,
    logged skip.
    """
    with Corpus(sources, fmt=fmt, report=report, mapping=mapping) as corpus:
        return list(corpus)
