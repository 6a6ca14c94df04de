"""Small file helpers shared by every stage that writes output.

Why atomic writes: a build that dies half-way (Ctrl-C, a full disk) must never leave a truncated
``graph.ttl`` that a later ``kg query`` or a user's script silently reads. We write to a temporary file in
the *same directory* (so ``os.replace`` is an atomic rename on POSIX and Windows) and swap it in only
after the content is complete and flushed.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str], mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO[Any]]:
    """Open a temporary sibling of ``path`` for writing and move it over ``path`` on success.

    On any exception the temporary file is removed and ``path`` is left as it was.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    binary = "b" in mode
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, mode, encoding=None if binary else encoding, newline=None if binary else "") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp creates 0600 files; outputs are meant to be shared like any file the user writes.
        os.chmod(tmp, _default_mode())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _default_mode() -> int:
    """Permission bits a plain ``open(path, "w")`` would give under the current umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_jsonl(path: str | os.PathLike[str], records: Iterable[dict[str, Any]]) -> int:
    """Atomically write one compact JSON object per line; return the number of lines."""
    n = 0
    with atomic_write(path) as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
            fh.write("\n")
            n += 1
    return n


#: Characters XML 1.0 cannot hold (its ``Char`` production): C0 controls other than tab, LF and CR, lone
#: surrogates, and U+FFFE/U+FFFF. One rule for every writer, XML or not, so that a title reads the same in
#: GraphML, HTML, Turtle, N-Triples, JSON-LD and CSV, and a string valid in one output is valid in all.
XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold (see :data:`XML_UNSAFE`).

    Why strip rather than escape: XML 1.0 has no escape for them (``&#1;`` is itself ill-formed), and they
    carry no meaning in a title or abstract; a lone surrogate cannot even be encoded as UTF-8.
    """
    return XML_UNSAFE.sub("", text) if XML_UNSAFE.search(text) else text


def clean_stale_temporaries(directory: str | os.PathLike[str]) -> list[Path]:
    """Remove the ``.NAME.*.tmp`` files :func:`atomic_write` leaves behind when a process is killed.

    Only call this while holding the directory's build lock (``kg.lock``): then no live writer owns them.
    """
    removed: list[Path] = []
    root = Path(directory)
    if not root.is_dir():
        return removed
    for p in (*root.glob(".*.tmp"), *root.glob("*/.*.tmp")):  # the output's files and its shard folders
        with contextlib.suppress(FileNotFoundError, IsADirectoryError, PermissionError):
            p.unlink()
            removed.append(p)
    return removed


def file_sha256(path: str | os.PathLike[str]) -> str:
    """Hex SHA-256 of a file's bytes, read in blocks (outputs can be large)."""
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
