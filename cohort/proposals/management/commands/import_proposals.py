"""cohort import-proposals --term "YYYY Term N" [--program NAME] [--as USER] [--submit] FILE...

Each FILE is one of (see `cohort.proposals.intake`):

* one GitHub issue-form body (the CNCF proposal template, §1);
* several such bodies, separated by a line that is exactly `---8<---`;
* a JSON array of GitHub issues as the REST "list issues" endpoint returns them; each
  issue's `body` is a proposal (pull requests are skipped).

Every input is read and checked before anything is written; then the proposals are created
(and submitted, with `--submit`) in one transaction, so an error leaves nothing behind.
Exit status 2 on any error.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, NoReturn

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from rich.console import Console
from rich.progress import Progress

from cohort.core.errors import DomainError
from cohort.formats.issueform import LABEL_PROJECT, IssueForm, parse_issue_form
from cohort.formats.model import FormatError
from cohort.projects.models import Project
from cohort.proposals.intake import bodies_from_github_json, looks_like_json, split_bodies
from cohort.proposals.management.commands.export_term import find_term
from cohort.proposals.review import review
from cohort.proposals.services import create_proposal, submit_proposal

DEFAULT_PROGRAM = "CNCF LFX Mentorship"


class Body:
    """One issue body read from a file, ready to become a proposal."""

    def __init__(self, name: str, ordinal: int, form: IssueForm, text: str = "") -> None:
        self.name = name  # the file
        self.ordinal = ordinal  # 1-based position of the body in its file
        self.form = form
        self.text = text  # the body as read, kept with the proposal for provenance


class Command(BaseCommand):
    # A data command: skip the system checks (about half a second of every run); `cohort
    # check` and `migrate` still run them.
    requires_system_checks = ()
    help = (
        "Create proposals from CNCF proposal issue bodies: one body per file, several "
        "separated by a '---8<---' line, or a JSON array of GitHub issues (REST 'list issues')."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--term", required=True, metavar='"YYYY Term N"', help="the term")
        parser.add_argument("--program", help="program name, when several have this term")
        parser.add_argument(
            "--as",
            dest="as_user",
            metavar="USERNAME",
            help="the proposer and actor (an existing user); default: none",
        )
        parser.add_argument("--submit", action="store_true", help="also submit each proposal")

    def handle(self, *args: Any, **options: Any) -> None:
        err = Console(stderr=True, highlight=False, soft_wrap=True)

        def fail(message: str) -> NoReturn:
            err.print(message, markup=False)
            sys.exit(2)

        try:
            term = find_term(options["term"], options["program"] or None)
        except CommandError as exc:
            fail(f"--term: {exc}")
        actor = None
        if options["as_user"]:
            actor = get_user_model().objects.filter(username=options["as_user"]).first()
            if actor is None:
                fail(f"--as: there is no user named {options['as_user']}.")

        # Read everything first: a bad input stops the run before anything is written.
        files: list[str] = options["files"]
        bodies: list[Body] = []
        errors: list[str] = []
        for name in files:
            try:
                bodies.extend(read_bodies(name))
            except FormatError as exc:
                errors.append(exc.located())
        if errors:
            for line in errors:
                err.print(line, markup=False)
            fail(f"Nothing imported: {len(errors)} of {len(files)} files have errors.")

        now = timezone.now()
        created: list[Project] = []
        try:
            with (
                transaction.atomic(),
                Progress(console=err, transient=True, disable=len(bodies) < 2) as progress,
            ):
                task = progress.add_task("Importing", total=len(bodies))
                for body in bodies:
                    try:
                        project = create_proposal(
                            term, body.form, actor=actor, now=now, raw=body.text
                        )
                        if options["submit"]:
                            project = submit_proposal(project, actor=actor, now=now)
                    except DomainError as exc:
                        where = f"{body.name}: proposal {body.ordinal}"
                        raise _RefusedError(f"{where}: {exc}") from None
                    created.append(project)
                    progress.advance(task)
        except _RefusedError as exc:
            err.print(str(exc), markup=False)
            fail("Nothing imported.")

        for project in created:
            project.refresh_from_db()
            result = review(project).validation
            count = len(result.errors)
            summary = "passes" if result.ok else f"{count} error{'s' if count != 1 else ''}"
            self.stdout.write(f"#{project.number} {project.lfx_title}: {summary}")
        verb = "Created and submitted" if options["submit"] else "Created"
        self.stdout.write(f"{verb} {len(created)} proposals in {term.program.name} {term.label}.")


class _RefusedError(Exception):
    """A service refused a proposal: the transaction is rolled back."""


def read_bodies(name: str) -> list[Body]:
    """The proposal bodies of one file; `FormatError` (with file and line) when malformed."""
    try:
        data = Path(name).read_bytes()
    except OSError as exc:
        raise FormatError(f"cannot read: {exc.strerror or exc}", source=name) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise FormatError(f"not UTF-8 text (byte {exc.start})", line=line, source=name) from None
    try:
        found = bodies_from_github_json(text) if looks_like_json(text) else split_bodies(text)
    except FormatError as exc:
        raise FormatError(exc.message, line=exc.line, source=name) from None
    if not found:
        raise FormatError("no issue body in this file", line=1, source=name)
    bodies = []
    for ordinal, (line, text_body) in enumerate(found, start=1):
        form = parse_issue_form(text_body, source=f"{name}:{line}")
        if LABEL_PROJECT not in form.sections:
            raise FormatError(
                f'no "### {LABEL_PROJECT}" section: not a CNCF proposal issue body',
                line=line,
                source=name,
            )
        bodies.append(Body(name, ordinal, form, text_body))
    return bodies
