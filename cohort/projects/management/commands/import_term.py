"""cohort import-term FILE... [--program NAME] [--term "YYYY Term N"]"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from rich.console import Console
from rich.progress import Progress

from cohort.core.errors import DomainError
from cohort.formats.detect import read_term_file
from cohort.formats.model import FormatError, TermData
from cohort.projects.services import get_or_create_program, import_term

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
        err = Console(stderr=True, highlight=False, soft_wrap=True)
        files: list[str] = options["files"]
        started = time.perf_counter()
        # Parse everything first: a bad file stops the run before anything is written.
        parsed: list[tuple[str, TermData]] = []
        errors: list[str] = []
        with Progress(console=err, transient=True, disable=len(files) < 2) as progress:
            task = progress.add_task("Reading", total=len(files))
            for name in files:
                try:
                    data = Path(name).read_bytes()
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

        program = get_or_create_program(options["program"])
        with Progress(console=err, transient=True, disable=len(parsed) < 2) as progress:
            task = progress.add_task("Importing", total=len(parsed))
            for name, term in parsed:
                try:
                    result = import_term(term, program=program)
                except DomainError as exc:
                    err.print(f"{name}: {exc}", markup=False)
                    sys.exit(2)
                self.stdout.write(f"{name}: {result.summary()}")
                progress.advance(task)
        elapsed = time.perf_counter() - started
        projects = sum(len(t.projects()) for _, t in parsed)
        self.stdout.write(
            f"Imported {len(parsed)} files ({projects} projects) into {program.name} "
            f"in {elapsed:.2f} s."
        )
