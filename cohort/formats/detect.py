"""Pick the reader for an input file: a term page, a CNCF lfx-export.json, or Cohort JSON."""

from __future__ import annotations

import json
import re

from cohort.formats.interchange import json_value_lines, term_from_json
from cohort.formats.lfx import parse_lfx_export
from cohort.formats.model import FormatError, TermData
from cohort.formats.termpage import parse_term_page

MAX_BYTES = 5 * 1024 * 1024  # the largest real page is 160 kB
_BRACKETS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[{\]}\n]')


def read_term_file(data: bytes, *, source: str, term: str | None = None) -> TermData:
    """Parse one file's bytes; raise FormatError ("file:line: what is wrong") on bad input."""
    if len(data) > MAX_BYTES:
        raise FormatError(f"file is {len(data)} bytes; the limit is {MAX_BYTES}", source=source)
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise FormatError(
            "this is a binary file, not a Markdown or JSON text", line=line, source=source
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FormatError("not UTF-8 text", line=line, source=source) from None
    if text.lstrip().startswith("{"):
        try:
            head = json.loads(text)
        except json.JSONDecodeError as exc:
            raise FormatError(f"invalid JSON: {exc.msg}", line=exc.lineno, source=source) from None
        except RecursionError:
            line = _too_deep_line(text)
            raise FormatError("invalid JSON: nested too deeply", line=line, source=source) from None
        if isinstance(head, dict) and "programs" in head:
            return parse_lfx_export(text, source=source)
        stored = term_from_json(text, source=source)
        # Cohort JSON does not carry the entries' lines; an error about an entry found later,
        # on import, names the line of its object in this file.
        lines = json_value_lines(text)
        if stored.year is None:
            line = lines.get(("term", "label")) or lines.get(("term",), 1)
            raise FormatError(
                'the term has no label (like "2024 Term 3")', line=line, source=source
            )
        for i, org in enumerate(stored.organizations):
            for j, project in enumerate(org.projects):
                project.line = lines.get(("organizations", i, "projects", j), 0)
        return stored
    return parse_term_page(text, source=source, term=term)


def _too_deep_line(text: str, limit: int = 500) -> int:
    """The line where arrays and objects first nest deeper than `limit`."""
    depth, line = 0, 1
    for match in _BRACKETS.finditer(text):
        piece = match.group()
        if piece == "\n":
            line += 1
        elif piece in "[{":
            depth += 1
            if depth > limit:
                return line
        elif piece in "]}":
            depth -= 1
    return line
