"""cohort export-term TERM --format markdown|json|lfx-json|lfx-csv|lfx-readme [--output FILE]"""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cohort.core.errors import DomainError
from cohort.formats.canonical import render_canonical
from cohort.formats.interchange import term_to_json
from cohort.formats.lfx import render_lfx_csv, render_lfx_json, render_lfx_readme
from cohort.formats.model import TermData
from cohort.projects.interchange import term_data
from cohort.proposals.exports import export_view
from cohort.terms.models import Term

WRITERS = {
    "markdown": render_canonical,
    "json": term_to_json,
    "lfx-json": render_lfx_json,
    "lfx-csv": render_lfx_csv,
    "lfx-readme": render_lfx_readme,
}
# The CNCF files describe the published catalog only, sticky as the CNCF export is (a program
# keeps its exported record until it is approved again: `export_view`); Cohort's own formats
# carry everything.
PUBLISHED_ONLY = {"lfx-json", "lfx-csv", "lfx-readme"}


class Command(BaseCommand):
    # A data command: skip the system checks (about half a second of every run); `cohort
    # check` and `migrate` still run them.
    requires_system_checks = ()
    help = "Export a term as Cohort Markdown or JSON, or as the CNCF LFX files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("term", metavar="TERM", help='the term label, e.g. "2024 Term 3"')
        parser.add_argument("--format", required=True, choices=sorted(WRITERS))
        parser.add_argument("--program", help="program name, when several have this term")
        parser.add_argument("--output", metavar="FILE", help="write here instead of stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        term = find_term(options["term"], options["program"])
        fmt: str = options["format"]
        data: TermData = export_view(term) if fmt in PUBLISHED_ONLY else term_data(term)
        if fmt == "lfx-json" and not data.generated:
            data.generated = datetime.now(UTC).isoformat(timespec="milliseconds")[:-6] + "Z"
        text = WRITERS[fmt](data)
        if options["output"]:
            write_atomically(Path(options["output"]), text)
            self.stderr.write(f"Wrote {options['output']} ({len(data.projects())} projects).")
        else:
            self.stdout.write(text, ending="")


def find_term(label: str, program: str | None) -> Term:
    try:
        terms = Term.objects.by_label(label).select_related("program")
    except DomainError as exc:
        raise CommandError(str(exc), returncode=2) from None
    if program:
        terms = terms.filter(program__name__iexact=program)
    found = list(terms[:2])
    if not found:
        where = f" in {program}" if program else ""
        raise CommandError(f"No term {label}{where}. Import it first with cohort import-term.")
    if len(found) > 1:
        names = ", ".join(t.program.name for t in terms)
        raise CommandError(f"{label} exists in several programs ({names}); pass --program.")
    return found[0]


def write_atomically(path: Path, text: str) -> None:
    """Write to a temporary file beside `path`, then rename: never a half-written file."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
