"""cohort import-term FILE|DIR... [--program NAME] [--term "YYYY Term N"]"""

from __future__ import annotations

import io
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError, transaction
from rich import box
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from cohort.core.errors import DomainError
from cohort.formats.cncfpath import is_term_page, term_from_path
from cohort.formats.detect import read_term_file
from cohort.formats.model import FormatError, TermData
from cohort.formats.termpage import NO_SECTION, TERM_HELP
from cohort.projects.models import Project
from cohort.projects.services import (
    ImportRefusedError,
    ImportResult,
    get_or_create_program,
    import_term,
)

DEFAULT_PROGRAM = "CNCF LFX Mentorship"


@dataclass
class _Page:
    name: str  # as given or as found under a directory given
    walked: bool  # found by walking a directory (not named on the command line)


@dataclass
class _Read:
    name: str
    data: bytes
    term: TermData


@dataclass
class _TermRow:
    label: str
    pages: list[str] = field(default_factory=list)
    programs: int = 0
    ideas: int = 0  # entries of its project ideas page
    mentors: set[str] = field(default_factory=set)
    flagged: set[str] = field(default_factory=set)
    results: list[ImportResult] = field(default_factory=list)


class Command(BaseCommand):
    # A data command: skip the system checks (about half a second of every run); `cohort
    # check` and `migrate` still run them.
    requires_system_checks = ()
    help = (
        "Import CNCF term pages (README.md, project_ideas.md, selected_projects.md), "
        "lfx-export.json files or Cohort JSON into a program. Re-importing updates; it never "
        "duplicates. A DIR (e.g. cncf/mentoring's programs/lfx-mentorship/) is searched for "
        "term pages by path shape: README.md, project_ideas.md or selected_projects.md in a "
        "YYYY/<term folder>/ (03-Sep-Nov, q2, q3-q4) and 2019/README.md; other Markdown (the "
        "program's README, automation/) is skipped. A page's term is the one it writes, else "
        "the one its folder names, else --term. A term's README.md (or selected_projects.md) "
        "and its project_ideas.md merge: the ideas the README lists are its programs, the "
        "others are stored as not accepted."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE|DIR")
        parser.add_argument("--program", default=DEFAULT_PROGRAM, help="program name")
        parser.add_argument(
            "--term",
            metavar='"YYYY Term N"',
            help=(
                "the term of the FILEs named, for pages whose title does not give its year "
                "and number; pages found in a DIR use it only when neither the page nor its "
                "folder names one"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # emoji=False: rich would print "file:100: …" as "file💯 …".
        err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)
        started = time.perf_counter()
        errors: list[str] = []
        notes: list[str] = []
        pages = _collect(options["files"], errors)
        # Parse everything first: a bad file stops the run before anything is written.
        read: list[_Read] = []
        with Progress(console=err, transient=True, disable=len(pages) < 2) as progress:
            task = progress.add_task("Reading", total=len(pages))
            for page in pages:
                try:
                    data = Path(page.name).read_bytes()
                except OSError as exc:
                    errors.append(f"{page.name}: cannot read: {exc.strerror or exc}")
                else:
                    try:
                        read.append(_Read(page.name, data, _parse(page, data, options["term"])))
                    except FormatError as exc:
                        if exc.message == NO_SECTION and is_term_page(Path(page.name).resolve()):
                            # A term folder's page that holds no programs (a template, "moved"):
                            # nothing to import, not a mistake.
                            notes.append(f"{page.name}: no programs on this page; skipped")
                        else:
                            errors.append(exc.located())
                progress.advance(task)
        if errors:
            for line in errors:
                err.print(line, markup=False)
            total = len(pages) + sum(1 for line in errors if line.endswith(_NO_PAGES))
            err.print(f"Nothing imported: {len(errors)} of {total} files have errors.")
            sys.exit(2)

        parsed = _choose(read, notes)
        for note in notes:
            self.stdout.write(note)

        # One transaction for the whole run: a file the database refuses undoes the files
        # imported before it, so a run imports everything or nothing.
        summaries: list[str] = []
        rows: dict[str, _TermRow] = {}
        current = ""
        try:
            with (
                transaction.atomic(),
                Progress(console=err, transient=True, disable=len(parsed) < 2) as progress,
            ):
                program = get_or_create_program(options["program"])
                task = progress.add_task("Importing", total=len(parsed))
                for done in parsed:
                    current = done.name
                    result = import_term(done.term, program=program)
                    summaries.append(f"{current}: {result.summary()}")
                    _count(rows, done, result)
                    progress.advance(task)
        except (DomainError, ValidationError, DatabaseError, OverflowError) as exc:
            where = _where(current, next((p.data for p in parsed if p.name == current), b""), exc)
            err.print(f"{where}: {_message(exc)}", markup=False)
            err.print(f"Nothing imported: {current} could not be stored.", markup=False)
            sys.exit(2)
        for line in summaries:
            self.stdout.write(line)
        if len(parsed) > 1:
            self.stdout.write(_table(rows, color=err.is_terminal), ending="")
        elapsed = time.perf_counter() - started
        entries = sum(len(p.term.projects()) for p in parsed)
        terms = {r.term.pk for row in rows.values() for r in row.results}
        stored = Project.objects.filter(term_id__in=terms).count()  # ideas merge into programs
        self.stdout.write(
            f"Imported {len(parsed)} files ({entries} entries; {len(terms)} terms now hold "
            f"{stored} projects) into {program.name} in {elapsed:.2f} s."
        )


# What termpage says of a page without a projects section (`parse_term_page`'s `_fail`).
_NO_PAGES = "no term pages here (README.md, project_ideas.md, selected_projects.md)"


def _collect(names: list[str], errors: list[str]) -> list[_Page]:
    """The files named, and the term pages under each directory named, in path order."""
    pages: list[_Page] = []
    for name in names:
        path = Path(name)
        if not path.is_dir():
            pages.append(_Page(name, walked=False))
            continue
        found = sorted(
            (p for p in path.rglob("*.md") if p.is_file() and is_term_page(p.resolve())),
            key=lambda p: p.parts,
        )
        if not found:
            errors.append(f"{name}: {_NO_PAGES}")
        pages.extend(_Page(str(p), walked=True) for p in found)
    return pages


def _parse(page: _Page, data: bytes, term: str | None) -> TermData:
    """The page read with the term it writes, else the one its path names, else --term.

    A file named on the command line with --term is read with that term, as before."""
    if term is not None and not page.walked:
        return read_term_file(data, source=page.name, term=term)
    try:
        return read_term_file(data, source=page.name)
    except FormatError as exc:
        if exc.message != TERM_HELP:
            raise
        from_path = term_from_path(Path(page.name).resolve())
        fallback = from_path.label if from_path else term
        if fallback is None:
            raise
        return read_term_file(data, source=page.name, term=fallback)


def _choose(pages: list[_Read], notes: list[str]) -> list[_Read]:
    """The pages to import: a page with no programs is skipped, and a term's project ideas
    come after the term pages of the run. The import merges a README and its ideas page in
    either order (`import_term`); README first makes the ideas it does not list `not
    accepted` as they are created instead of proposed, then moved."""
    kept: list[_Read] = []
    for page in pages:
        if not page.term.projects():
            notes.append(f"{page.name}: no programs on this page; skipped")
        else:
            kept.append(page)
    return sorted(kept, key=lambda page: page.term.source_kind == "ideas")


def _count(rows: dict[str, _TermRow], page: _Read, result: ImportResult) -> None:
    row = rows.setdefault(result.term.label, _TermRow(result.term.label))
    row.pages.append(Path(page.name).name)
    row.results.append(result)
    ideas = page.term.source_kind == "ideas"
    for project in page.term.projects():
        if ideas:
            row.ideas += 1
        else:
            row.programs += 1
        for mentor in project.mentors:
            key = (mentor.github or mentor.email or mentor.name).casefold()
            row.mentors.add(key)
            if mentor.flags:
                row.flagged.add(key)


def _accepted(row: _TermRow) -> tuple[int, int]:
    """A term's ideas that are its README's programs and those not accepted. The ideas page
    imported after the README counts them all; the README imported after the ideas counts
    those it moved: the larger figure is the term's, not their sum."""
    return (
        max((r.accepted for r in row.results), default=0),
        max((r.not_accepted for r in row.results), default=0),
    )


def _table(rows: dict[str, _TermRow], *, color: bool) -> str:
    """The run's summary, one line a term: what was read and what the import did."""
    table = Table(box=box.SIMPLE if color else box.ASCII, title=None)
    headings = ("Term", "Pages", "Programs", "Ideas", "Accepted", "Not accepted")
    for heading in (*headings, "Mentors", "Flagged mentors", "New", "Changed"):
        table.add_column(heading, justify="left" if heading in ("Term", "Pages") else "right")

    def order(row: _TermRow) -> tuple[int, ...]:
        year, _, number = row.label.partition(" Term ")
        return (int(year), int(number)) if year.isdigit() and number.isdigit() else (0,)

    everyone: set[str] = set()
    flagged: set[str] = set()
    for row in sorted(rows.values(), key=order):
        everyone |= row.mentors
        flagged |= row.flagged
        table.add_row(
            row.label,
            ", ".join(row.pages),
            str(row.programs),
            str(row.ideas),
            str(_accepted(row)[0]),
            str(_accepted(row)[1]),
            str(len(row.mentors)),
            str(len(row.flagged)),
            str(sum(r.created for r in row.results)),
            str(sum(r.updated for r in row.results)),
        )
    table.add_section()
    table.add_row(
        f"{len(rows)} terms",
        str(sum(len(r.pages) for r in rows.values())) + " pages",
        str(sum(r.programs for r in rows.values())),
        str(sum(r.ideas for r in rows.values())),
        str(sum(_accepted(row)[0] for row in rows.values())),
        str(sum(_accepted(row)[1] for row in rows.values())),
        str(len(everyone)),
        str(len(flagged)),
        str(sum(r.created for row in rows.values() for r in row.results)),
        str(sum(r.updated for row in rows.values() for r in row.results)),
    )
    out = io.StringIO()
    Console(file=out, width=160, force_terminal=color, no_color=not color, emoji=False).print(table)
    return out.getvalue()


def _where(name: str, data: bytes, exc: Exception) -> str:
    """`file:line` of what the import refused, or `file` when that is not known."""
    line = 0
    if isinstance(exc, ImportRefusedError):
        line = exc.line or _line_of(data.decode("utf-8-sig", "replace"), exc.value)
    return f"{name}:{line}" if line else name


def _line_of(text: str, value: str) -> int:
    """The line where `value` (a term-level text: title, status, a timeline cell) is written,
    as it is or JSON-escaped; 0 when it cannot be found."""
    first = value.split("\n", 1)[0][:200]
    for needle in (first, json.dumps(first, ensure_ascii=False)[1:-1]):
        at = text.find(needle) if needle.strip() else -1
        if at != -1:
            return text.count("\n", 0, at) + 1
    return 0


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    if isinstance(exc, DomainError):
        return str(exc)
    # The parsers check every value; reaching here means one of their checks is missing.
    return f"the database refused this file ({type(exc).__name__}: {exc})"
