"""cohort validate-proposal [--term "YYYY Term N"] [--program NAME] [--number N]
[--format json|comment [--proposer LOGIN] [--repository OWNER/NAME]] FILE"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError

from cohort.core.errors import DomainError
from cohort.core.models import Person, User
from cohort.formats.issueform import IssueForm, parse_issue_form
from cohort.projects.models import Project
from cohort.proposals import gates, permissions
from cohort.proposals.bot import comment_for_body, guide_url
from cohort.proposals.context import open_proposals_for, organizations_named, project_slug
from cohort.proposals.rules import OtherProposal, ValidationResult, quota_for, validate_proposal
from cohort.terms.labels import parse_term_label
from cohort.terms.models import Term

DEFAULT_PROGRAM = "CNCF LFX Mentorship"


class Command(BaseCommand):
    # A data command: skip the system checks (about half a second of every run); `cohort
    # check` and `migrate` still run them.
    requires_system_checks = ()
    help = (
        "Validate a CNCF proposal issue body (GitHub issue-form markdown) with the CNCF rules. "
        "Prints the errors, warnings and passed checks as JSON, or with --format comment the "
        "CNCF bot's validation comment, as Cohort posts it on the proposal's GitHub issue; "
        "exit code 1 when there are errors, 2 when the file cannot be read."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help='the issue body; "-" reads stdin')
        parser.add_argument(
            "--term",
            metavar='"YYYY Term N"',
            help="the term to count quota and duplicates in (default: the form's Term)",
        )
        parser.add_argument("--program", default=DEFAULT_PROGRAM, help="program name")
        parser.add_argument(
            "--number",
            type=int,
            help="this proposal's number, left out of the other proposals; with --format "
            "comment, a stored proposal's approvals and proposer count too",
        )
        parser.add_argument("--format", choices=("json", "comment"), default="json")
        parser.add_argument(
            "--proposer",
            default="",
            metavar="LOGIN",
            help="--format comment: the issue author's GitHub login (a maintainer's proposal "
            "is approved by them, a listed mentor's counts as confirmed)",
        )
        parser.add_argument(
            "--repository",
            default="",
            metavar="OWNER/NAME",
            help="--format comment: the repository whose guide the comment links to "
            "(default cncf/mentoring)",
        )

    def _fail(self, message: str) -> NoReturn:
        self.stderr.write(message)
        sys.exit(2)

    def handle(self, *args: Any, **options: Any) -> None:
        name: str = options["file"]
        source = "<stdin>" if name == "-" else name
        try:
            data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
        except OSError as exc:
            self._fail(f"{source}: cannot read: {exc.strerror or exc}")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            self._fail(f"{source}: not UTF-8 text (byte {exc.start})")

        if options["term"] is not None:
            try:
                parse_term_label(options["term"])
            except DomainError as exc:
                self._fail(f"--term: {exc}")

        form = parse_issue_form(text, source=source)
        project = form.project
        term_label: str = options["term"] or form.term
        others: list[OtherProposal] = []
        slug, scan_error = "", None
        term: Term | None = None
        try:
            if project and term_label:
                try:
                    others = open_proposals_for(
                        options["program"], term_label, project, exclude_number=options["number"]
                    )
                    term = (
                        Term.objects.filter(program__name=options["program"])
                        .by_label(term_label)
                        .first()
                    )
                except DomainError:
                    others = []  # the form's own Term is not a term label: nothing to count
            slug = project_slug(options["program"], project)
        except DatabaseError as exc:  # e.g. a database without migrations: rule #28w
            scan_error = str(exc)
        # The term's guideline when Cohort has the term, else quotas.yml's (§3.6).
        quota = (
            quota_for(
                project, slug=slug, default=term.proposal_quota, overrides=term.quota_overrides
            )
            if term is not None
            else quota_for(project, slug=slug)
        )
        result = validate_proposal(form, others=others, quota=quota, scan_error=scan_error)
        if options["format"] == "comment":
            self.stdout.write(_comment(form, result, term, options), ending="")
        else:
            self.stdout.write(result.to_json(), ending="")
        if not result.ok:
            sys.exit(1)


def _comment(
    form: IssueForm, result: ValidationResult, term: Term | None, options: dict[str, Any]
) -> str:
    """The CNCF validation comment for the body: a stored proposal's events and proposer when
    --number names one in the term, else a new issue's, by --proposer."""
    project = None
    if term is not None and options["number"] is not None:
        project = (
            Project.objects.select_related("proposer__person", "organization")
            .filter(term=term, number=options["number"])
            .first()
        )
    events: list[gates.Event] = []
    proposer: User | None = None
    if project is not None:
        events = [e.as_gate_event() for e in project.events.order_by("id")]
        proposer = project.proposer
    elif options["proposer"]:
        person = Person.objects.filter(
            github__iexact=options["proposer"], user__isnull=False
        ).first()
        proposer = person.user if person is not None else None
    # As on the issue: the proposer counts through their Cohort account.
    handle = permissions.github_handle(proposer) if proposer else ""
    organization = (
        project.organization
        if project is not None
        else next(iter(organizations_named(options["program"], form.project)), None)
    )
    repository = options["repository"] or "cncf/mentoring"
    return comment_for_body(
        form,
        result,
        events=events,
        proposer_handle=handle,
        proposer_is_maintainer=proposer is not None
        and organization is not None
        and permissions.proposer_is_maintainer(proposer, organization),
        guide=guide_url(repository),
    )
