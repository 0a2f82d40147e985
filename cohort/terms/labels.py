"""Term labels on the command line: "2024 Term 3", optionally with "(Sep-Nov)"."""

from __future__ import annotations

import re

from cohort.core.errors import DomainError

_LABEL = re.compile(r"^\s*(\d{4})\s+Term\s+(\d{1,2})\s*(?:\([^)]*\))?\s*$", re.IGNORECASE)


def parse_term_label(label: str) -> tuple[int, int]:
    match = _LABEL.match(label)
    if not match:
        raise DomainError(f'"{label}" is not a term label; write it like "2024 Term 3".')
    return int(match[1]), int(match[2])
