"""The curated lexicon of ML artifacts (``kg/resources/lexicon.jsonl``), built by ``scripts/build_lexicon.py``.

Each entry: ``id`` (stable, ``dataset:cifar-10``), ``name``, ``type`` (an :class:`~kg.model.EntityType` value),
``aliases``, ``source`` (where it came from) and ``sources``. The first line of the file is a header with the
lexicon version (a hash of the entries), which becomes part of the extractor's provenance id.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources

from kg.errors import ExtractionError
from kg.model import EntityType

_NORM = re.compile(r"[\s\-_]+")


def normalise_name(name: str) -> str:
    """Case-, hyphen- and space-insensitive key of a name (the form lookups and linking compare)."""
    return _NORM.sub(" ", name.casefold()).strip()


@dataclass(frozen=True, slots=True)
class LexiconEntry:
    id: str
    name: str
    type: EntityType
    aliases: tuple[str, ...]
    source: str

    def names(self) -> Iterator[str]:
        yield self.name
        yield from self.aliases


@dataclass(frozen=True)
class Lexicon:
    version: str
    entries: tuple[LexiconEntry, ...]

    @functools.cached_property
    def by_id(self) -> dict[str, LexiconEntry]:
        return {e.id: e for e in self.entries}

    @functools.cached_property
    def by_name(self) -> dict[str, LexiconEntry]:
        """Normalised name or alias → entry (the entry listed first wins: curated entries come first)."""
        out: dict[str, LexiconEntry] = {}
        for e in sorted(self.entries, key=lambda e: (e.source != "curated", e.id)):
            for n in e.names():
                out.setdefault(normalise_name(n), e)
        return out

    def lookup(self, name: str) -> LexiconEntry | None:
        return self.by_name.get(normalise_name(name))

    def __len__(self) -> int:
        return len(self.entries)


def parse_lexicon(lines: Iterator[str] | list[str]) -> Lexicon:
    version = "unknown"
    entries: list[LexiconEntry] = []
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        row = json.loads(line)
        if i == 0 and "lexicon_version" in row:
            version = row["lexicon_version"]
            continue
        entries.append(
            LexiconEntry(
                id=row["id"],
                name=row["name"],
                type=EntityType(row["type"]),
                aliases=tuple(row.get("aliases", ())),
                source=row.get("source", ""),
            )
        )
    return Lexicon(version=version, entries=tuple(entries))


@functools.lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """The packaged lexicon (cached: it is read once per process)."""
    path = resources.files("kg") / "resources" / "lexicon.jsonl"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:  # pragma: no cover - a broken install
        raise ExtractionError(f"the packaged lexicon is missing ({exc}); reinstall paperkg") from exc
    return parse_lexicon(text.splitlines())
