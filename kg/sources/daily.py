"""Reader for text dumps of daily-paper listing pages ("Daily Papers — byAK and the research community").

The dumps come in several variants (all present in the embedded corpus):

* records separated by blank lines: title, abstract, then ``• N authors`` / ``·`` / date lines;
* title and abstract on consecutive lines with no blank line and no metadata at all;
* page boilerplate ("new", "Get trending papers in your email inbox!", "Subscribe", "Daily Papers",
  "byAK and the research community", a header date such as "Dec 10"), sometimes glued to the first
  title ("SubscribeBenchmarking Neural Network Training Algorithms");
* an affiliation ("UniBonn Univerity of Bonn") where the author count usually is;
* dates "May 22, 2024", "Aug 8" (no year: kept partial) and "Apr 23 2" (date followed by upvotes).

The parser classifies each line and runs a small state machine: a content line after a finished record
is a title, the next content line is its abstract, metadata lines attach to the current record.
Why classify lines instead of splitting on blank lines: one variant has no blank lines at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from kg.model import Paper, SkipReport
from kg.sources.text import make_paper, parse_date

#: Page furniture, matched on a whole stripped line (case-sensitive: these are fixed UI strings).
BOILERPLATE = (
    "Get trending papers in your email inbox once a day!",
    "Get trending papers in your email inbox!",
    "byAK and the research community",
    "Daily Papers",
    "Subscribe",
    "new",
)
_AUTHORS = re.compile(r"^•\s*(\d+)\s+authors?$")
_BULLET = re.compile(r"^•\s*(.+)$")
#: A title is short and has no sentence-final period followed by more sentences; an abstract is long.
_MIN_ABSTRACT = 120


def _strip_glued_boilerplate(line: str) -> str:
    """Remove page furniture glued to the front of a line ("SubscribeBenchmarking …" → "Benchmarking …")."""
    changed = True
    while changed:
        changed = False
        for b in BOILERPLATE:
            if line.startswith(b) and len(line) > len(b) and (line[len(b)].isupper() or line[len(b)].isdigit()):
                line = line[len(b):].lstrip()
                changed = True
    return line


@dataclass
class _Record:
    line: int
    title: str
    abstract: str | None = None
    abstract_line: int | None = None
    meta: dict[str, object] = field(default_factory=dict)


def _looks_like_abstract(text: str) -> bool:
    return len(text) >= _MIN_ABSTRACT or (text.count(". ") >= 1 and len(text) > 60)


def read_daily(text: str, location: str, report: SkipReport) -> Iterator[Paper]:
    """Parse a daily-papers dump; ``location`` is the file name used in skip messages (``file:line``)."""
    lines = text.splitlines()
    current: _Record | None = None

    def finish(rec: _Record | None) -> Iterator[Paper]:
        if rec is not None:
            paper = make_paper(report, f"{location}:{rec.line}", title=rec.title, abstract=rec.abstract, **rec.meta)
            if paper is not None:
                yield paper

    for index, raw in enumerate(lines):
        line = _strip_glued_boilerplate(raw.strip())
        if not line or line in BOILERPLATE or line == "·":
            continue
        if current is not None and _attach_metadata(current, line, _next_content(lines, index)):
            continue
        if current is None and parse_date(line) is not None and len(line) <= 20:
            continue  # a page-header date ("Dec 10") before the first record is not a paper's date
        if current is not None and current.abstract is None and _looks_like_abstract(line):
            current.abstract, current.abstract_line = line, index + 1
            continue
        # A new title. (Two short lines in a row: the previous "title" had no abstract and is skipped.)
        yield from finish(current)
        current = _Record(line=index + 1, title=line)
    yield from finish(current)


def _next_content(lines: list[str], index: int) -> str:
    for nxt in lines[index + 1 : index + 3]:
        if nxt.strip():
            return nxt.strip()
    return ""


def _attach_metadata(rec: _Record, line: str, next_line: str) -> bool:
    """Attach ``line`` to ``rec`` if it is a metadata line (author count, affiliation, date); else False."""
    m = _AUTHORS.match(line)
    if m:
        rec.meta["n_authors"] = int(m.group(1))
        return True
    m = _BULLET.match(line)
    if m:  # "• UniBonn Univerity of Bonn": an affiliation in place of the author count
        rec.meta["affiliation"] = m.group(1).strip()
        return True
    if rec.abstract is None:
        return False
    parsed = parse_date(line) if len(line) <= 20 else None
    if parsed is not None:
        rec.meta["date"], votes = parsed
        if votes is not None:
            rec.meta["upvotes"] = votes
        return True
    # An affiliation stands where "• N authors" does: right before the "·" separator line.
    if next_line == "·" and not rec.meta and not _looks_like_abstract(line):
        rec.meta["affiliation"] = line
        return True
    return False
