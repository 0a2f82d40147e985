"""Pick the reader for an input file: a term page, a CNCF lfx-export.json, or Cohort JSON."""

from __future__ import annotations

import json

from cohort.formats.interchange import term_from_json
from cohort.formats.lfx import parse_lfx_export
from cohort.formats.model import FormatError, TermData
from cohort.formats.termpage import parse_term_page

MAX_BYTES = 5 * 1024 * 1024  # the largest real page is 160 kB


def read_term_file(data: bytes, *, source: str, term: str | None = None) -> TermData:
    """Parse one file's bytes; raise FormatError ("file:line: what is wrong") on bad input."""
    if len(data) > MAX_BYTES:
        raise FormatError(f"file is {len(data)} bytes; the limit is {MAX_BYTES}", source=source)
    if b"\x00" in data:
        raise FormatError("this is a binary file, not a Markdown or JSON text", source=source)
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
        if isinstance(head, dict) and "programs" in head:
            return parse_lfx_export(text, source=source)
        return term_from_json(text, source=source)
    return parse_term_page(text, source=source, term=term)
