"""Sharded extraction records: the source of truth of a build, written once per paper, read by stream.

Layout under an output directory::

    records/part-00000.jsonl        extraction records (schemas/extraction.schema.json), sorted by paper id
    records/part-00000.names.jsonl  per paper: its id, extractor id and its entities' names (kg.link.NameRecord)
    triples/part-00000.nt           the shard's N-Triples (kg.triples), sorted
    triples/part-00000.sig          what those triples were resolved against (see :func:`resolution_signature`)
    triples/part-00000.tally.json   counts of those triples for the graph counts and entity views (kg.assemble.tally)
    triples/entities.nt             every canonical entity's description and skos:related links

Why shards: a build of a million papers must never hold them all as Python objects, and adding papers must
cost in proportion to the new papers. Each build writes its new papers as new shards of at most
:data:`SHARD_PAPERS` papers; the linking pass reads only the small ``.names.jsonl`` files; a shard's triples
are written again only when what they depend on changed (their records, or the canonical key or label of an
entity they name). Why JSON Lines and not Parquet: the records are nested (entities → mentions → evidence),
are read whole, one paper at a time, and ``kg extract`` already speaks JSON Lines; measured, reading a
shard's names costs less than a tenth of rendering its triples, so a columnar format would not pay.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from kg.io import atomic_write
from kg.link import Linking, NameRecord, name_records
from kg.model import Extraction, SkipReport

log = logging.getLogger(__name__)

RECORDS_DIR = "records"
TRIPLES_DIR = "triples"
ENTITIES_FILE = "entities.nt"
#: Papers per shard: the unit of re-rendering (a changed entity label re-writes the shards that name it).
SHARD_PAPERS = 5000
_SHARD = re.compile(r"^part-(\d{5})\.jsonl$")


@dataclass(frozen=True, slots=True)
class PaperNames:
    """One line of a ``.names.jsonl`` file: what linking and re-rendering need of one paper."""

    paper: str
    extractor: str
    entities: tuple[NameRecord, ...]
    labelled: tuple[str, ...]  # local keys whose canonical *label* goes into a triple (comparison labels)

    @classmethod
    def of(cls, ex: Extraction) -> PaperNames:
        labelled = sorted({k for c in ex.comparisons for k in (c.winner, c.loser)})
        return cls(ex.paper.id, ex.extractor, tuple(name_records(ex)), tuple(labelled))

    def to_json(self) -> str:
        return json.dumps({"id": self.paper, "extractor": self.extractor,
                           "entities": [r.to_list()[1:] for r in self.entities], "labelled": list(self.labelled)},
                          ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> PaperNames:
        data = json.loads(text)
        pid = data["id"]
        ents = tuple(NameRecord.from_list([pid, *e]) for e in data["entities"])
        return cls(pid, data["extractor"], ents, tuple(data.get("labelled", ())))


class RecordLines(NamedTuple):
    """One paper's record as the two lines its shard stores (without newlines): made by :func:`encode`,
    in the extraction workers for a build (:func:`kg.extract.extract_records`)."""

    paper: str  # the paper id, the shard's sort key
    record: str  # the extraction record, JSON
    names: str  # its names line (PaperNames), JSON


def encode(ex: Extraction) -> RecordLines:
    return RecordLines(ex.paper.id, json.dumps(ex.to_dict(), ensure_ascii=False), PaperNames.of(ex).to_json())


class Shards:
    """The record shards of one output directory (see module docstring)."""

    def __init__(self, out: Path) -> None:
        self.out = Path(out)
        self.records_dir = self.out / RECORDS_DIR
        self.triples_dir = self.out / TRIPLES_DIR

    # ---------------------------------------------------------------- paths
    def names(self) -> list[str]:
        """Shard names ("part-00000"), in order."""
        if not self.records_dir.is_dir():
            return []
        return sorted(p.name[:-6] for p in self.records_dir.iterdir() if _SHARD.match(p.name))

    def records_path(self, shard: str) -> Path:
        return self.records_dir / f"{shard}.jsonl"

    def names_path(self, shard: str) -> Path:
        return self.records_dir / f"{shard}.names.jsonl"

    def nt_path(self, shard: str) -> Path:
        return self.triples_dir / f"{shard}.nt"

    def sig_path(self, shard: str) -> Path:
        return self.triples_dir / f"{shard}.sig"

    def tally_path(self, shard: str) -> Path:
        return self.triples_dir / f"{shard}.tally.json"

    @property
    def entities_path(self) -> Path:
        return self.triples_dir / ENTITIES_FILE

    def next_name(self) -> str:
        names = self.names()
        return f"part-{int(names[-1][5:]) + 1 if names else 0:05d}"

    # ---------------------------------------------------------------- reading
    def _names_file(self, shard: str) -> Path:
        """The names file of ``shard``, made again from its records if it is missing."""
        path = self.names_path(shard)
        if not path.is_file():
            self.write(shard, list(self.records(shard)))
        return path

    def paper_names(self, shard: str) -> Iterator[PaperNames]:
        """The names file of ``shard``, line by line (made again from the records if it is missing)."""
        with self._names_file(shard).open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    yield PaperNames.from_json(line)

    def name_records(self) -> Iterator[NameRecord]:
        """Every entity of every shard, paper by paper: the input of :func:`kg.link.link_names`."""
        for shard in self.names():
            for paper in self.paper_names(shard):
                yield from paper.entities

    def index(self) -> dict[str, tuple[str, str]]:
        """paper id → (shard, extractor id), from the names files only (each line parsed, but not made into
        :class:`PaperNames`: building its name records was two thirds of the cost)."""
        out: dict[str, tuple[str, str]] = {}
        for shard in self.names():
            with self._names_file(shard).open(encoding="utf-8") as fh:
                for line in fh:
                    if line.strip():
                        data = json.loads(line)
                        out[data["id"]] = (shard, data["extractor"])
        return out

    def records(self, shard: str, report: SkipReport | None = None) -> Iterator[Extraction]:
        """The valid records of one shard (an invalid line is logged, counted in ``report`` and skipped)."""
        from kg.pipeline import read_extractions

        yield from read_extractions(self.records_path(shard), report)

    def all_records(self, report: SkipReport | None = None) -> Iterator[Extraction]:
        for shard in self.names():
            yield from self.records(shard, report)

    # ---------------------------------------------------------------- writing
    def write(self, shard: str, records: Iterable[Extraction | RecordLines]) -> int:
        """Write ``records`` (sorted by paper id) as ``shard``: the records file, then its names file."""
        ordered = sorted((r if isinstance(r, RecordLines) else encode(r) for r in records), key=lambda r: r.paper)
        self.records_dir.mkdir(parents=True, exist_ok=True)
        with atomic_write(self.records_path(shard)) as fh:
            fh.writelines(r.record + "\n" for r in ordered)
        with atomic_write(self.names_path(shard)) as fh:
            fh.writelines(r.names + "\n" for r in ordered)
        return len(ordered)

    def remove(self, shard: str) -> None:
        for path in (self.records_path(shard), self.names_path(shard), self.nt_path(shard), self.sig_path(shard),
                     self.tally_path(shard)):
            path.unlink(missing_ok=True)

    def clear(self) -> None:
        for shard in self.names():
            self.remove(shard)
        self.entities_path.unlink(missing_ok=True)


def resolution_signature(papers: Iterable[PaperNames], linking: Linking) -> str:
    """A digest of everything outside a shard's records that its triples depend on: each entity's canonical
    key (it names the entity's IRI) and, for the entities a comparison names, the canonical label (it is in
    the comparison's ``rdfs:label``). Equal signatures (and unchanged records) mean equal triples."""
    h = hashlib.sha1()
    for p in papers:
        h.update(p.paper.encode("utf-8") + b"\0")
        keys = {rec.key: linking.resolve(rec) for rec in p.entities}
        for local, key in keys.items():
            h.update(f"{local}={key}\0".encode())
        for local in p.labelled:
            h.update(f"{local}:{linking.entities[keys[local]].label}\0".encode())
    return h.hexdigest()
