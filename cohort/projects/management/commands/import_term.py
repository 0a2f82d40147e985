"""cohort import-term FILE... [--program NAME] [--term "YYYY Term N"]"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError, transaction
from rich.console import Console
from rich.progress import Progress

from cohort.core.errors import DomainError
from cohort.formats.detect import read_term_file
from cohort.formats.model import FormatError, TermData
from cohort.projects.services import ImportRefusedError, get_or_create_program, import_term

DEFAULT_PROGRAM = "CNCF LFX Mentorship"


class Command(BaseCommand):
    help = (
        "Import CNCF term pages (README.md, project_ideas.md), lfx-export.json files or "
        "Cohort JSON into a program. Re-importing updates; it never duplicates."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--program", default=DEFAULT_PROGRAM, help="program name")
        parser.add_argument(
            "--term",
            metavar='"YYYY Term N"',
            help="the term, for pages whose title does not give its year and number",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # emoji=False: rich would print "file:100: …" as "file💯 …".
        err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)
        files: list[str] = options["files"]
        started = time.perf_counter()
        # Parse everything first: a bad file stops the run before anything is written.
        parsed: list[tuple[str, TermData]] = []
        texts: dict[str, bytes] = {}
        errors: list[str] = []
        with Progress(console=err, transient=True, disable=len(files) < 2) as progress:
            task = progress.add_task("Reading", total=len(files))
            for name in files:
                try:
                    data = Path(name).read_bytes()
                    texts[name] = data
                except OSError as exc:
                    errors.append(f"{name}: cannot read: {exc.strerror or exc}")
                else:
                    try:
                        parsed.append(
                            (name, read_term_file(data, source=name, term=options["term"]))
                        )
                    except FormatError as exc:
                        errors.append(exc.located())
                progress.advance(task)
        if errors:
            for line in errors:
                err.print(line, markup=False)
            err.print(f"Nothing imported: {len(errors)} of {len(files)} files have errors.")
            sys.exit(2)

        # One transaction for the whole run: a file the database refuses undoes the files
        # imported before it, so a run imports everything or nothing.
        summaries: list[str] = []
        current = ""
        try:
            with (
                transaction.atomic(),
                Progress(console=err, transient=True, disable=len(parsed) < 2) as progress,
            ):
                program = get_or_create_program(options["program"])
                task = progress.add_task("Importing", total=len(parsed))
                for current, term in parsed:
                    result = import_term(term, program=program)
                    summaries.append(f"{current}: {result.summary()}")
                    progress.advance(task)
        except (DomainError, ValidationError, DatabaseError, OverflowError) as exc:
            where = _where(current, texts.get(current, b""), exc)
            err.print(f"{where}: {_message(exc)}", markup=False)
            err.print(f"Nothing imported: {current} could not be stored.", markup=False)
            sys.exit(2)
        for line in summaries:
            self.stdout.write(line)
        elapsed = time.perf_counter() - started
        projects = sum(len(t.projects()) for _, t in parsed)
        self.stdout.write(
            f"Imported {len(parsed)} files ({projects} projects) into {program.name} "
            f"in {elapsed:.2f} s."
        )


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
