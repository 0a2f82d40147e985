"""Slash commands in a GitHub issue comment (spec/cncf-process.md §3.1, CNCF `lib/commands.js`).

The CNCF automation knows four commands, `/lfx-url`, `/cncf-approve`, `/approve` and
`/confirm`, and reads them the same way here:

* the comment is split at every "\\n"; each line is trimmed (JavaScript `trim()`, so a CRLF
  line end and leading spaces do not matter) and a command must then open the line;
* the command word must be followed by whitespace or the end of the line, so `/approve-now`,
  `/approved` and `/confirm@bob` are not commands;
* the rest of the line, trimmed, is the argument (`/lfx-url <url>`, `/confirm @handle`);
* a comment may hold several commands; they come back in document order, and a command
  given twice keeps only its first line (and that line's argument).

Nothing else is special: a command inside a code fence still counts, a quoted one
(`> /approve`) does not because the line opens with `>`, and prose before the command on
another line is fine. One quirk is kept from the JavaScript: a line whose argument holds a
bare carriage return, U+2028 or U+2029 (which JavaScript's `.` does not match) is not a
command.

Pure code: no Django imports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from cohort.formats.issueform import JS_SPACE, js_trim

LFX_URL: Final = "lfx-url"
CNCF_APPROVE: Final = "cncf-approve"
APPROVE: Final = "approve"
CONFIRM: Final = "confirm"
COMMAND_NAMES: Final = (LFX_URL, CNCF_APPROVE, APPROVE, CONFIRM)

_COMMAND: Final = re.compile(
    f"/({'|'.join(re.escape(name) for name in COMMAND_NAMES)})"
    f"(?=[{JS_SPACE}]|\\Z)[{JS_SPACE}]*([^\\n\\r\\u2028\\u2029]*)"
)


@dataclass(frozen=True)
class Command:
    """One slash command: its name without the slash ("approve") and its trimmed argument."""

    name: str
    argument: str


def parse_commands(body: str) -> list[Command]:
    """The commands in a comment body, in document order, each name at most once."""
    commands: list[Command] = []
    seen: set[str] = set()
    for line in body.split("\n"):
        match = _COMMAND.fullmatch(js_trim(line))
        if match is None or match[1] in seen:
            continue
        seen.add(match[1])
        commands.append(Command(name=match[1], argument=js_trim(match[2])))
    return commands
