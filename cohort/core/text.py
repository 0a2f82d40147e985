"""Text that may be stored: which characters are refused, and one place to check a field.

PostgreSQL cannot store U+0000 in a text column (it fails the whole statement, a 500), while
SQLite stores it silently; the other C0 controls are never typed by a person and only confuse
what reads the text later (exports, e-mails, terminals). So every door refuses them the same
way, before any database sees them:

- HTTP requests: `cohort.core.middleware.refuse_control_characters` (paths, query strings,
  cookies, form fields, upload names, JSON bodies) answers 400 with `message(...)`;
- services that take text from elsewhere (the CLI, an issue body) call `check_text`.

Allowed: tab, line feed and carriage return, so the CRLF line ends that browsers send from
a textarea are accepted as they are (nothing is normalised here). Refused: U+0000–U+0008,
U+000B, U+000C, U+000E–U+001F, and unpaired surrogates (U+D800–U+DFFF, which JSON can
escape but no encoding can store).
"""

from __future__ import annotations

import re
from typing import Final

from cohort.core.errors import DomainError

REFUSED: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


def refused_character(text: str) -> str | None:
    """The first refused character of `text` as "U+0000", or None when `text` is fine."""
    found = REFUSED.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def message(where: str, code: str) -> str:
    """What the user reads when `where` (e.g. 'The field “notes”') holds the character `code`."""
    return (
        f"{where} contains the control character {code}. Text may contain tabs and line "
        "breaks, but no other control characters: remove it and try again."
    )


def check_text(value: str, *, field: str, max_length: int | None = None) -> str:
    """Return `value` unchanged, or raise `DomainError` naming `field` (a label such as
    "Notes") when it holds a refused character or is longer than `max_length` characters."""
    code = refused_character(value)
    if code is not None:
        raise DomainError(message(f"“{field}”", code))
    if max_length is not None and len(value) > max_length:
        raise DomainError(
            f"“{field}” is too long: {len(value):,} characters; the limit is {max_length:,}."
        )
    return value
