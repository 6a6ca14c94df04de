"""Text helpers every reader shares: decoding, normalisation, stable ids, dates, record checks.

Kept free of format knowledge so each reader module is only about its format.
"""

from __future__ import annotations

import codecs
import hashlib
import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import date

from kg.errors import InputError
from kg.io import xml_safe
from kg.model import Paper, SkipReport

log = logging.getLogger(__name__)

#: Longest abstract we accept. Real abstracts are < 5,000 characters; anything far beyond is a whole paper
#: or a broken dump glued into one record, and would swamp the extractor and the graph.
MAX_ABSTRACT_CHARS = 20_000
MAX_TITLE_CHARS = 1_000
#: Shortest abstract worth extracting from (a title repeated, a "TBD" placeholder...).
MIN_ABSTRACT_CHARS = 20

# LaTeX escapes seen in dumps of arXiv abstracts: "\%" → "%". Only these five; a lone backslash elsewhere
# (``\ell``, ``\sqrt``) is maths and is kept verbatim.
_LATEX_ESCAPE = re.compile(r"\\([%&_#$])")
_WS = re.compile(r"\s+")
#: An IRI we accept for ``url``: a scheme, then no white space and none of the characters RFC 3987 excludes.
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]+$")
_ARXIV_ID = re.compile(r"(?:arxiv\.org/(?:abs|pdf)/|arxiv:)?"
                       r"((?:\d{4}\.\d{4,5})|(?:[a-z\-]+(?:\.[A-Z]{2})?/\d{7}))(?:v\d+)?", re.I)

MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}


def decode(data: bytes, location: str) -> str:
    """Decode bytes as UTF-8 (with or without BOM); fall back to cp1252/Latin-1 with a warning.

    Why a fallback and not an error: Latin-1 exports from spreadsheets are common and every byte decodes,
    so refusing them would lose data a user can see is fine. Binary garbage is caught by :func:`looks_binary`.
    """
    if looks_binary(data):
        raise InputError(f"{location}: looks like a binary file, not text (NUL bytes or mostly control characters)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        for enc in ("cp1252", "latin-1"):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                continue
            log.warning("%s: not valid UTF-8 (byte %d); decoded as %s", location, exc.start, enc)
            return text
    raise InputError(f"{location}: cannot decode the file as UTF-8 or Latin-1")  # pragma: no cover


def decode_lines(lines: Iterable[bytes], location: str) -> Iterator[tuple[int, str]]:
    """Numbered lines of a file read as bytes, each decoded as :func:`decode` decodes a whole file: UTF-8
    (a BOM dropped), else cp1252/Latin-1 with one warning per file. Why per line: a streamed file is never
    held whole, and one Latin-1 line in a UTF-8 file then costs only that line its fallback."""
    warned = False
    for lineno, raw in enumerate(lines, 1):
        if lineno == 1:
            raw = raw.removeprefix(codecs.BOM_UTF8)
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            try:
                line, enc = raw.decode("cp1252"), "cp1252"
            except UnicodeDecodeError:
                line, enc = raw.decode("latin-1"), "latin-1"
            if not warned:
                log.warning("%s:%d: not valid UTF-8 (byte %d); decoded as %s (and any other such line)",
                            location, lineno, exc.start, enc)
                warned = True
        yield lineno, line.removesuffix("\n")


def looks_binary(data: bytes, sample: int = 4096) -> bool:
    """True for data with NUL bytes or more than 10% control characters in its first ``sample`` bytes."""
    head = data[:sample]
    if not head:
        return False
    if b"\x00" in head:
        return True
    control = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return control / len(head) > 0.10


def normalise(text: str) -> str:
    """NFC, characters XML cannot hold removed, LaTeX escapes unescaped, whitespace collapsed, stripped.

    Why strip control characters and lone surrogates here, at the source boundary: every later stage
    (offsets, GraphML, RDF, the store) then sees only text every output format can hold.
    """
    text = unicodedata.normalize("NFC", xml_safe(text))
    text = _LATEX_ESCAPE.sub(r"\1", text)
    return _WS.sub(" ", text).strip()


def title_key(title: str) -> str:
    """The form of a title used for identity: compatibility forms, case, accents, punctuation and spacing
    removed, letters and digits of *every* script kept.

    Why Unicode-aware: an ASCII-only key maps every Chinese or Russian title to the empty string, so all of
    them got one id and were merged into one paper (issue 9).
    """
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", title).casefold())
    return "".join(c for c in folded if unicodedata.category(c)[0] in "LN")


def valid_iri(value: object) -> str | None:
    """``value`` as an absolute IRI we can put in RDF (``rdfs:seeAlso``), or None when it is not one.

    Why here: an invalid IRI used to pass the readers and fail only at the store stage, after every file
    had been written, and then stayed in the extraction cache for every later build.
    """
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not value or len(value) > 2048 or not _IRI.match(value) or xml_safe(value) != value:
        return None
    return value


def arxiv_id(text: str | None) -> str | None:
    """The arXiv identifier (without version) found in an id, URL or ``arXiv:`` reference, if any."""
    if not text:
        return None
    m = _ARXIV_ID.search(text.strip())
    return m.group(1) if m else None


_BARE_ARXIV = re.compile(r"^(?:arxiv:\s*)?(\d{4}\.\d{4,5})(?:v\d+)?$", re.I)


def arxiv_in(value: object) -> str | None:
    """The arXiv id an id, URL or DOI field names, if it names one.

    Stricter than :func:`arxiv_id`: a value must mention arXiv (``arxiv.org/abs/…``, ``arXiv:…``,
    ``10.48550/arXiv.…``) or *be* a new-style id (``2406.01234``, ``2406.01234v2``), so a DOI such as
    ``10.1234/5678.12345`` or any URL with a number in it is not mistaken for one.
    """
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    m = _BARE_ARXIV.match(text)
    if m:
        return m.group(1)
    return arxiv_id(text) if "arxiv" in text.lower() else None


def paper_id(title: str, arxiv: str | None = None, abstract: str = "") -> str:
    """Stable id: ``arxiv:<id>`` when the arXiv id is known, else ``t:`` + 16 hex of the title key.

    The title hash makes the same paper read from two dumps (or twice from one) the same paper. A title
    without a single letter or digit ("???") has an empty key; such papers take their id from the
    abstract instead, so they are not all merged into one.
    """
    if arxiv:
        return f"arxiv:{arxiv}"
    key = title_key(title)
    if not key:
        key = "abstract:" + title_key(abstract)
    return "t:" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


_DATE_TEXT = re.compile(
    r"^(?P<mon>[A-Za-z]{3})[a-z]*\.?\s+(?P<day>\d{1,2})(?:,\s*(?P<year>\d{4}))?(?:\s+(?P<votes>\d+))?$"
)
_ISO = re.compile(r"^(?P<year>\d{4})-(?P<mon>\d{2})(?:-(?P<day>\d{2}))?")


def parse_date(text: str) -> tuple[str, int | None] | None:
    """Parse a listing date: ``May 22, 2024`` → ``2024-05-22``; ``Aug 8`` → ``--08-08`` (no year invented);
    ``Apr 23 2`` → (``--04-23``, upvotes 2); ISO dates pass through. Returns (date, upvotes) or None.
    """
    text = text.strip()
    m = _ISO.match(text)
    if m:
        year, mon, day = int(m["year"]), int(m["mon"]), int(m["day"] or 1)
        try:
            date(year, mon, day)
        except ValueError:
            return None
        return (f"{year:04d}-{mon:02d}-{day:02d}" if m["day"] else f"{year:04d}-{mon:02d}"), None
    m = _DATE_TEXT.match(text)
    if not m or m["mon"].lower() not in MONTHS:
        return None
    mon, day = MONTHS[m["mon"].lower()], int(m["day"])
    votes = int(m["votes"]) if m["votes"] else None
    try:
        date(int(m["year"]) if m["year"] else 2000, mon, day)  # 2000 is a leap year: Feb 29 stays valid
    except ValueError:
        return None
    if m["year"]:
        return f"{int(m['year']):04d}-{mon:02d}-{day:02d}", votes
    return f"--{mon:02d}-{day:02d}", votes


def make_paper(
    report: SkipReport,
    location: str,
    *,
    title: str | None,
    abstract: str | None,
    **meta: object,
) -> Paper | None:
    """Normalise and check one record; count it as read, or as skipped with the reason. Never raises."""
    report.read += 1
    title = normalise(title or "")
    abstract = normalise(abstract or "")
    reason = None
    if not title:
        reason = "record has no title"
    elif not abstract:
        reason = "record has no abstract"
    elif len(abstract) < MIN_ABSTRACT_CHARS:
        reason = f"abstract too short ({len(abstract)} characters)"
    elif len(abstract) > MAX_ABSTRACT_CHARS:
        reason = f"abstract too long ({len(abstract):,} characters > {MAX_ABSTRACT_CHARS:,})"
    elif len(title) > MAX_TITLE_CHARS:
        reason = f"title too long ({len(title):,} characters)"
    if reason:
        report.skip(location, reason)
        log.warning("%s: skipped: %s", location, reason)
        return None
    meta = check_meta(meta, location)
    arxiv = arxiv_id(meta.pop("arxiv_id", None)) or arxiv_in(meta.get("url")) or None  # type: ignore[arg-type]
    clean = {k: (normalise(v) if isinstance(v, str) else v) for k, v in meta.items()}
    clean = {k: v for k, v in clean.items() if v not in (None, "", ())}
    return Paper(id=paper_id(title, arxiv, abstract), title=title, abstract=abstract, arxiv_id=arxiv,
                 source=location, **clean)  # type: ignore[arg-type]


#: The optional fields of a record and the Python types each may hold after :func:`check_meta`.
_TEXT_FIELDS = ("date", "affiliation", "arxiv_id", "url")
_INT_FIELDS = ("n_authors", "upvotes")


def check_meta(meta: dict[str, object], location: str) -> dict[str, object]:
    """The schema of a record's optional fields, applied at the source boundary.

    A field of the wrong type is dropped with a warning (the paper is kept): numbers become text where
    text is expected (an ``arxiv_id`` of ``2406.01234`` read as a JSON number), a ``url`` must be an
    absolute IRI, counts must be non-negative integers, authors a sequence of names.
    """
    out: dict[str, object] = {}
    for key, value in meta.items():
        if value is None:
            continue
        if key in _TEXT_FIELDS:
            if isinstance(value, bool) or not isinstance(value, (str, int, float)):
                _drop(location, key, value)
                continue
            text = normalise(str(value))
            if key == "url":
                iri = valid_iri(text)
                if iri is None:
                    _drop(location, key, value)
                    continue
                text = iri
            out[key] = text
        elif key in _INT_FIELDS:
            if isinstance(value, bool) or not isinstance(value, int) or value < 0 or value > 10**9:
                _drop(location, key, value)
                continue
            out[key] = value
        elif key == "authors":
            if not isinstance(value, (tuple, list)):
                _drop(location, key, value)
                continue
            names = tuple(n for n in (normalise(str(a)) for a in value if isinstance(a, (str, int, float))) if n)
            out[key] = names[:1000]
        else:
            out[key] = value
    return out


def _drop(location: str, key: str, value: object) -> None:
    log.warning("%s: field %r dropped: %s is not a valid value for it", location, key,
                type(value).__name__ if not isinstance(value, str) else repr(value[:60]))
