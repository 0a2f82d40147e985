"""Reading proposal issue bodies in bulk, for `cohort import-proposals` (pure: no Django).

Two inputs besides a file holding a single issue body:

* **Several bodies in one text file**, separated by a line that is exactly `---8<---`
  (scissors; a trailing carriage return is allowed). Parts holding only whitespace are
  skipped, so a separator at the start or the end of the file is harmless.
  `split_bodies()` reads them.
* **A JSON array of GitHub issue objects**, as GitHub's REST "list issues" endpoint returns
  them (`number`, `title`, `body`, `user.login`, ...). The `body` of each issue is the
  proposal; a `null` body reads as "". Pull requests (objects with a `pull_request` key,
  which "list issues" also returns) are skipped. `bodies_from_github_json()` reads them.

Both return `(line, body)` pairs: the 1-based line of the file where the body starts (for a
JSON issue, the line of its opening `{`), so that messages can say `file:line: …`.
"""

from __future__ import annotations

import json
from typing import Final

from cohort.formats.model import FormatError

SEPARATOR: Final = "---8<---"
_JSON_SPACE: Final = " \t\n\r"


def split_bodies(text: str) -> list[tuple[int, str]]:
    """The bodies of a text file, split at `---8<---` lines, with their first line numbers.

    The line given is that of the body's first non-blank line; the body keeps its text as
    written (line ends normalised to `\\n`).
    """
    bodies: list[tuple[int, str]] = []
    chunk: list[str] = []
    start = 1

    def flush() -> None:
        for offset, line in enumerate(chunk):
            if line.strip():
                bodies.append((start + offset, "\n".join(chunk)))
                return

    lines = text.replace("\r\n", "\n").split("\n")
    for number, line in enumerate(lines, start=1):
        if line == SEPARATOR:
            flush()
            chunk, start = [], number + 1
        else:
            chunk.append(line)
    flush()
    return bodies


def looks_like_json(text: str) -> bool:
    """Whether a file's text is meant as JSON (its first non-blank character is `[`)."""
    return text.lstrip(_JSON_SPACE + "\ufeff").startswith("[")


def bodies_from_github_json(text: str) -> list[tuple[int, str]]:
    """The issue bodies of a GitHub "list issues" JSON array, with each issue's line.

    Raises `FormatError` (with a line) for invalid JSON, a top level that is not an array,
    an element that is not an object, or a `body` that is neither a string nor null.
    """
    text = text.removeprefix("\ufeff")
    decoder = json.JSONDecoder()
    pos = _skip_space(text, 0)
    if not text.startswith("[", pos):
        raise FormatError("expected a JSON array of GitHub issues", line=_line(text, pos))
    bodies: list[tuple[int, str]] = []
    pos = _skip_space(text, pos + 1)
    if text.startswith("]", pos):
        return _end(text, pos + 1, bodies)
    while True:
        try:
            item, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise FormatError(f"invalid JSON: {exc.msg}", line=exc.lineno) from None
        line = _line(text, pos)
        if not isinstance(item, dict):
            raise FormatError("expected a GitHub issue object", line=line)
        if "pull_request" not in item:
            body = item.get("body")
            if body is not None and not isinstance(body, str):
                raise FormatError('the issue\'s "body" is not a string', line=line)
            bodies.append((line, body or ""))
        pos = _skip_space(text, end)
        if text.startswith("]", pos):
            return _end(text, pos + 1, bodies)
        if not text.startswith(",", pos):
            raise FormatError("invalid JSON: expected ',' or ']'", line=_line(text, pos))
        pos = _skip_space(text, pos + 1)


def _end(text: str, pos: int, bodies: list[tuple[int, str]]) -> list[tuple[int, str]]:
    pos = _skip_space(text, pos)
    if pos < len(text):
        raise FormatError("invalid JSON: extra data after the array", line=_line(text, pos))
    return bodies


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _JSON_SPACE:
        pos += 1
    return pos


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1
