"""The guideline's matching rules: when a predicted name or value equals a gold one."""

from __future__ import annotations

import re

_TRAIL = re.compile(r"\s+(?:dataset|benchmark)s?$")
_NUM = re.compile(r"[-+]?\d*\.?\d+")


def norm(name: str) -> str:
    """Guideline normalisation: case, spaces, hyphens and a trailing "dataset"/"benchmark"."""
    n = re.sub(r"[\s\-‐–]+", " ", name.casefold()).strip()
    return _TRAIL.sub("", n).strip()


def parse_value(text: str | float | int) -> float | None:
    if isinstance(text, (int, float)):
        return float(text)
    m = _NUM.search(text.replace(",", "").replace("−", "-"))
    return float(m.group()) if m else None
