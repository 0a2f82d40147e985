"""GitHub as a front door for proposals (issue 19, docs/github.md): every write goes here.

A signed webhook delivery is handled in one transaction with the program's connection row
locked, so deliveries of one program are handled one at a time and a redelivery of an id
already handled does nothing: its `Delivery` row is found and nothing else runs (the unique
`guid` is the backstop). What an event asks for runs through the proposal services the pages
use, with the same rules; the commenter or sender is the Cohort person whose GitHub handle
is their login. The CNCF bot's words for each outcome come from `cohort.github.replies`.

What Cohort owes GitHub in return (the sticky validation comment and the labels, replies)
is written as `Write` rows in the same transaction and sent by a task once it commits;
`run-periodic` retries what failed, with backoff, and waits out GitHub's rate limit.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from cohort.core.errors import DomainError
from cohort.core.models import AuditEvent, Person, User
from cohort.core.tasks import enqueue_with_transaction
from cohort.core.text import check_text
from cohort.formats.issueform import parse_issue_form
from cohort.github import commands, replies
from cohort.github.models import DEFAULT_TOKEN_VARIABLE, Connection, Delivery, IssueLink, Write
from cohort.github.tasks import send_write_task
from cohort.projects.models import Organization, Project
from cohort.proposals import gates, permissions
from cohort.proposals.review import Review, review
from cohort.proposals.services import (
    LFX_URL,
    accepts_proposals,
    approve_proposal,
    approve_proposal_as_admin,
    close_proposal_issue,
    confirm_mentorship,
    create_proposal,
    record_lfx_url,
    reopen_proposal_issue,
    submit_proposal,
    update_proposal,
)
from cohort.terms.access import is_program_admin
from cohort.terms.models import Program, Term

log = logging.getLogger("cohort.github")

MAX_BODY_BYTES = 1_048_576  # a delivery over 1 MB is refused (GitHub's own cap is 25 MB)
DETAIL_CHARS = 1000  # what a delivery keeps of its outcome's text
ISSUE_EVENTS = ("opened", "edited", "closed", "reopened")
# Proposal issues (cncf-process.md §1, §2.1): the form's labels, or its exact title prefix
# and the four headings every form body has.
PROPOSAL_LABELS = ("lfx mentorship", "proposal")
TITLE_PREFIX = "[CNCF LFX Proposal]"
FORM_HEADINGS = ("CNCF Project", "Term", "Program Description", "Mentors")
REPOSITORY = re.compile(r"^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$")
TOKEN_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class BadPayloadError(ValueError):
    """The delivery is signed but not the shape its event has (400)."""


@dataclass(frozen=True)
class Outcome:
    """What came of a delivery: its result, a line saying why, and the HTTP status."""

    result: str  # a Delivery.Result, or "duplicate"
    detail: str
    status: int


# --- connecting a program ------------------------------------------------------------------


@transaction.atomic
def connect(
    program: Program,
    *,
    repository: str,
    secret: str | None,
    token_variable: str = "",
    actor: User | None,
) -> Connection:
    """Point `program` at `repository` ("owner/name"). `secret` is the webhook secret, stored
    as given (it must be, to check signatures) and never shown again; None keeps the one
    stored. `token_variable` names the environment variable that holds the API token.
    `actor` None is the command line; a person must administer the program."""
    if actor is not None and not is_program_admin(actor, program):
        raise DomainError("Only program admins can connect a program to GitHub.")
    repository = repository.strip().removeprefix("https://github.com/").strip("/")
    if not REPOSITORY.match(repository):
        raise DomainError(f'"{repository}" is not a GitHub repository: write it OWNER/NAME.')
    existing = Connection.objects.select_for_update().filter(program=program).first()
    if secret is not None:
        check_text(secret, field="The webhook secret")
        if secret != secret.strip():
            raise DomainError("The webhook secret must not start or end with a space.")
        if len(secret) < 16:
            raise DomainError("The webhook secret must be at least 16 characters.")
        if len(secret) > 255:
            raise DomainError("The webhook secret must be at most 255 characters.")
    elif existing is None:
        raise DomainError("A new connection needs a webhook secret.")
    variable = token_variable.strip() or (
        existing.token_variable if existing else DEFAULT_TOKEN_VARIABLE
    )
    if not TOKEN_VARIABLE.match(variable):
        raise DomainError(f'"{variable}" is not an environment variable name.')
    connection = existing or Connection(program=program)
    connection.repository = repository
    if secret is not None:
        connection.secret = secret
    connection.token_variable = variable
    connection.updated_by = actor
    connection.save()
    AuditEvent.record(
        actor,
        "github.connection.saved",
        connection,
        data={
            "repository": repository,
            "token_variable": variable,
            "secret_changed": secret is not None,
        },
    )
    return connection


# --- receiving a delivery ------------------------------------------------------------------


def signature_ok(secret: str, body: bytes, header: str | None) -> bool:
    """Whether `header` (X-Hub-Signature-256) is the HMAC-SHA256 of `body` under `secret`,
    compared in constant time."""
    if not header or not header.startswith("sha256="):
        return False
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), header.strip().encode())


def receive(connection: Connection, *, guid: str, event: str, payload: object) -> Outcome:
    """Handle one signed delivery, at most once per `guid` (X-GitHub-Delivery)."""
    with transaction.atomic():
        Connection.objects.select_for_update().filter(pk=connection.pk).first()
        if Delivery.objects.filter(guid=guid).exists():
            return Outcome("duplicate", f"Delivery {guid} was handled already.", 200)
        if not isinstance(payload, dict):
            raise BadPayloadError("the payload is not a JSON object")
        action = _text(payload, "action", required=False)
        handled = _handle(connection, event, action, payload)
        Delivery.objects.create(
            connection=connection,
            guid=guid,
            event=event[:50],
            action=action[:50],
            sender=_login(payload.get("sender")),
            issue_number=handled.number,
            project=handled.project,
            result=handled.result,
            detail=handled.detail[:DETAIL_CHARS],
        )
    status = 202 if handled.result == Delivery.Result.IGNORED else 200
    return Outcome(handled.result, handled.detail, status)


@dataclass(frozen=True)
class _Handled:
    result: str
    detail: str
    number: int | None = None
    project: Project | None = None


def _ignored(detail: str, number: int | None = None) -> _Handled:
    return _Handled(Delivery.Result.IGNORED, detail, number)


def _handle(connection: Connection, event: str, action: str, payload: dict[str, Any]) -> _Handled:
    if event == "ping":
        return _Handled(Delivery.Result.PROCESSED, "GitHub says hello: the webhook reaches Cohort.")
    if event not in ("issues", "issue_comment"):
        return _ignored(f"Cohort does not read {event or 'unnamed'} events.")
    repository = _text(_object(payload, "repository"), "full_name")
    if repository.casefold() != connection.repository.casefold():
        return _ignored(
            f"{repository[:140]} is not {connection.repository}, the connected repository."
        )
    issue = _object(payload, "issue")
    number = _number(issue, "number")
    if "pull_request" in issue:
        return _ignored("A pull request, not an issue.", number)
    if event == "issues" and action not in ISSUE_EVENTS:
        return _ignored(f"issues.{action} changes nothing Cohort keeps.", number)
    if event == "issue_comment" and action != "created":
        return _ignored(f"issue_comment.{action}: only new comments carry commands.", number)
    link = (
        IssueLink.objects.select_related(
            "project__term__program", "project__organization", "connection"
        )
        .filter(connection=connection, number=number)
        .first()
    )
    try:
        with transaction.atomic():
            if event == "issues":
                return _issue_event(connection, link, action, issue, payload)
            if link is None:
                return _ignored("Not an issue Cohort holds as a proposal.", number)
            return _comment_event(link, issue, _object(payload, "comment"))
    except DomainError as exc:
        project = link.project if link is not None else None
        if link is None and event == "issues" and action in ("opened", "edited", "reopened"):
            reply(connection, number, f"{replies.ERROR} Cohort could not take this proposal: {exc}")
        return _Handled(Delivery.Result.REFUSED, str(exc), number, project)


def _issue_event(
    connection: Connection,
    link: IssueLink | None,
    action: str,
    issue: dict[str, Any],
    payload: dict[str, Any],
) -> _Handled:
    number = _number(issue, "number")
    title = _text(issue, "title", required=False)
    body = _text(issue, "body", required=False)
    labels = [_text(label, "name") for label in _list(issue, "labels") if isinstance(label, dict)]
    sender = _login(payload.get("sender"))
    actor = _user_for(sender)
    if link is None:
        if not is_proposal_issue(title, body, labels):
            return _ignored("Not a proposal issue (no proposal labels or form).", number)
        if action == "closed":
            return _ignored("A proposal issue closed before Cohort held it.", number)
        link = _open(connection, issue, body)
        return _Handled(
            Delivery.Result.PROCESSED,
            f"Proposal #{number} created in {link.project.term.label}.",
            number,
            link.project,
        )
    project = link.project
    if action == "closed":
        close_proposal_issue(project, actor=actor, note=f"issue closed by @{sender}")
        return _Handled(
            Delivery.Result.PROCESSED, f"Proposal #{number} withdrawn.", number, project
        )
    if action == "reopened":
        reopen_proposal_issue(project, actor=actor)
        request_sync(connection, number)
        return _Handled(
            Delivery.Result.PROCESSED, f"Proposal #{number} submitted again.", number, project
        )
    form = parse_issue_form(body, source=f"{connection.repository}#{number}")
    before = review(project)
    material = update_proposal(project, form, actor=actor)
    project.refresh_from_db()
    if material:
        after = review(project)
        cleared_maintainer = (
            before.gates.maintainer_approved and not after.gates.maintainer_approved
        )
        cleared_admin = before.gates.admin_approved and not after.gates.admin_approved
        if cleared_maintainer or cleared_admin:
            reply(
                connection,
                number,
                replies.edited_after_approval(
                    cleared_maintainer,
                    cleared_admin,
                    _approvers(project, cleared_maintainer, cleared_admin),
                ),
            )
    request_sync(connection, number)
    change = "a material edit: approvals cleared" if material else "not a material edit"
    return _Handled(Delivery.Result.PROCESSED, f"Proposal #{number}: {change}.", number, project)


def _open(connection: Connection, issue: dict[str, Any], body: str) -> IssueLink:
    number = _number(issue, "number")
    author = _login(issue.get("user"))
    form = parse_issue_form(body, source=f"{connection.repository}#{number}")
    term = _term_for(connection.program, form.term)
    actor = _user_for(author)
    project = create_proposal(term, form, actor=actor, raw=body, number=number)
    submit_proposal(project, actor=actor)
    link = IssueLink.objects.create(
        connection=connection, project=project, number=number, author=author
    )
    request_sync(connection, number)
    return link


def _term_for(program: Program, label: str) -> Term:
    """The term the form names, or, when it names none, the one term taking proposals."""
    if label.strip():
        try:
            term = Term.objects.filter(program=program).by_label(label).first()
        except DomainError:
            term = None
        if term is None:
            raise DomainError(f'"{label.strip()}" is not a term of {program.name}.')
        return term
    now = timezone.now()
    taking = [t for t in program.terms.filter(state=Term.State.OPEN) if accepts_proposals(t, now)]
    if len(taking) != 1:
        raise DomainError(
            f"The proposal names no term, and {program.name} has no single term taking proposals."
        )
    return taking[0]


def _approvers(project: Project, maintainer: bool, admin: bool) -> list[str]:
    """Whoever gave the approvals an edit cleared: the maintainers' handles, then the
    admins', each once (§3.5: the CNCF tags them in that order)."""
    kinds = [
        kind
        for kind, cleared in (
            (gates.MAINTAINER_APPROVED, maintainer),
            (gates.ADMIN_APPROVED, admin),
        )
        if cleared
    ]
    events = project.events.filter(kind__in=kinds).select_related("actor__person")
    handles: dict[str, str] = {}  # casefolded -> as first written
    for event in sorted(events, key=lambda event: kinds.index(event.kind)):  # stable: by id
        handle = permissions.github_handle(event.actor)
        if handle:
            handles.setdefault(handle.casefold(), handle)
    return list(handles.values())


# --- slash commands ------------------------------------------------------------------------


def _comment_event(link: IssueLink, issue: dict[str, Any], comment: dict[str, Any]) -> _Handled:
    number = link.number
    user = comment.get("user")
    if isinstance(user, dict) and user.get("type") == "Bot":
        return _ignored("A bot's comment.", number)
    body = _text(comment, "body", required=False)
    found = commands.parse_commands(body)
    if not found:
        return _ignored("A comment without a command.", number)
    login = _login(user)
    context = _CommandContext(link, login, _user_for(login), issue, body)
    done: list[str] = []
    refused: list[bool] = []  # whether each command's reply was a refusal
    for command in found:
        handler = _COMMANDS[command.name]
        state = review(context.project)  # before the command: what it is checked against
        try:
            with transaction.atomic():
                text = handler(context, state, command.argument)
        except DomainError as exc:  # a rule the service holds, e.g. a change meanwhile
            text = f"{replies.ERROR} {exc}"
        reply(link.connection, number, text)
        if command.name in (commands.APPROVE, commands.CONFIRM):
            _both_gates_reached(context, state.gates.both_gates)
        done.append(f"/{command.name}: {text.split(chr(10), 1)[0][:120]}")
        refused.append(text.startswith(replies.ERROR))
        context.project.refresh_from_db()
    request_sync(link.connection, number)
    result = Delivery.Result.REFUSED if all(refused) else Delivery.Result.PROCESSED
    return _Handled(result, "\n".join(done), number, link.project)


@dataclass
class _CommandContext:
    link: IssueLink
    login: str
    user: User | None
    issue: dict[str, Any]
    body: str

    @property
    def project(self) -> Project:
        return self.link.project


def _both_gates_reached(context: _CommandContext, held_before: bool) -> None:
    """Announce the admin's turn once both gates hold after a command (§3.4)."""
    state = review(context.project)
    if not held_before and state.gates.both_gates and not state.gates.admin_approved:
        reply(context.link.connection, context.link.number, replies.both_gates_met())


def _approve(context: _CommandContext, state: Review, _argument: str) -> str:
    project = context.project
    if not state.validation.ok:
        return replies.approve_needs_validation()
    if state.gates.maintainer_approved:
        return replies.approve_already_approved()
    organization = project.organization
    source = permissions.approver_source(context.user, organization) if context.user else ""
    if not source or context.user is None:
        return replies.approve_not_authorized(
            context.login, organization.name, _approvers_text(organization)
        )
    approve_proposal(project, actor=context.user)
    return replies.maintainer_approval_recorded(
        context.login, _source_words(source, organization.name)
    )


def _source_words(source: str, organization: str) -> str:
    return {
        "maintainer": f"maintainer of {organization} in Cohort",
        "delegate": f"approver for {organization} in Cohort",
        "program admin": "program admin in Cohort",
    }.get(source, source)


def _approvers_text(organization: Organization) -> str:
    """Who may `/approve` for `organization`, in Cohort's roles (the CNCF names its files)."""
    if not organization.maintainers_can_approve:
        return replies.exclusive_approvers_note(
            organization.name, "Cohort (its delegated approvers)"
        )
    return replies.approver_list(
        [
            f"A maintainer of {organization.name} in Cohort",
            f"An approver delegated for {organization.name} in Cohort",
            "A program admin in Cohort",
        ]
    )


def _confirm(context: _CommandContext, state: Review, _argument: str) -> str:
    project = context.project
    if not state.validation.ok:
        return replies.confirm_needs_validation()
    roster = [m.github for m in project.mentorships.order_by("position") if m.github]
    listed = {h.casefold(): h for h in roster}
    me = context.login.casefold()
    is_admin = context.user is not None and is_program_admin(context.user, project.term.program)
    credited: list[str] = []
    problems: list[str] = []
    for target in confirm_targets(context.body):
        subject = (target or context.login).casefold()
        if subject not in listed:
            if target is not None:
                problems.append(replies.confirm_problem_not_listed(subject, roster))
            elif is_admin:
                problems.append(replies.confirm_problem_name_a_mentor(context.login, roster))
            else:
                problems.append(replies.confirm_problem_not_a_mentor(context.login, roster))
        elif subject == me or is_admin:
            if subject not in credited:
                credited.append(subject)
        else:
            problems.append(replies.confirm_problem_on_behalf())
    problems = list(dict.fromkeys(problems))
    if not credited:
        return replies.confirm_refused(problems)
    was_complete = state.gates.mentors_confirmed
    for subject in credited:
        confirm_mentorship(
            project,
            actor=context.user,
            handle="" if subject == me else "@" + listed[subject],
            login=context.login,
        )
    after = review(project).gates
    text = replies.confirm_recorded(
        context.login,
        credited,
        already_complete=was_complete,
        count=len(after.confirmed),
        total=len(after.confirmed) + len(after.awaiting),
        remaining=[h.casefold() for h in after.awaiting],
        problems=problems,
    )
    return text


def _cncf_approve(context: _CommandContext, state: Review, _argument: str) -> str:
    project = context.project
    if context.user is None or not is_program_admin(context.user, project.term.program):
        return replies.cncf_approve_not_authorized(context.login)
    if state.gates.admin_approved:
        return replies.cncf_approve_already_approved()
    if not state.validation.ok:
        return replies.cncf_approve_not_validated()
    if not state.gates.both_gates:
        return replies.cncf_approve_missing(
            maintainer_approved=state.gates.maintainer_approved,
            mentors_confirmed=state.gates.mentors_confirmed,
        )
    approve_proposal_as_admin(project, actor=context.user)
    return replies.cncf_approval_granted(context.login)


def _lfx_url(context: _CommandContext, _state: Review, argument: str) -> str:
    project = context.project
    if context.user is None or not is_program_admin(context.user, project.term.program):
        return replies.lfx_url_not_authorized(context.login)
    closed = context.issue.get("state") == "closed" or project.status in (
        Project.Status.WITHDRAWN,
        Project.Status.REJECTED,
    )
    if closed:
        return replies.lfx_url_closed()
    if project.status != Project.Status.PUBLISHED:
        return replies.lfx_url_not_exported()
    url = argument.split()[0] if argument.split() else ""
    if not url:
        return replies.lfx_url_usage()
    if not LFX_URL.match(url):
        return replies.lfx_url_invalid()
    record_lfx_url(project, url, actor=context.user)
    return replies.lfx_url_recorded(context.login, url)


_COMMANDS: Mapping[str, Callable[[_CommandContext, Review, str], str]] = {
    commands.APPROVE: _approve,
    commands.CONFIRM: _confirm,
    commands.CNCF_APPROVE: _cncf_approve,
    commands.LFX_URL: _lfx_url,
}


def confirm_targets(body: str) -> list[str | None]:
    """Each `/confirm` line of a comment, in order: the handle it names (lowercased, no "@")
    or None for a bare `/confirm` (the commenter's own slot). Words after `/confirm` that do
    not start with "@" are ignored (`/confirm thanks!` confirms oneself, §3.5)."""
    targets: list[str | None] = []
    for line in body.splitlines():
        for command in commands.parse_commands(line):
            if command.name == commands.CONFIRM:
                word = command.argument.split()[0] if command.argument.split() else ""
                targets.append(word[1:].casefold() if word.startswith("@") and word[1:] else None)
    return targets or [None]


# --- writing back to GitHub ----------------------------------------------------------------


def request_sync(connection: Connection, number: int) -> None:
    """Ask for issue `number`'s validation comment and labels to be brought in step with
    the proposal once this transaction commits. One pending sync per issue: a later request
    marks it wanted again, so a send that read older state is sent again."""
    now = timezone.now()
    pending = Write.objects.filter(
        connection=connection,
        issue_number=number,
        kind=Write.Kind.SYNC,
        status=Write.Status.PENDING,
    )
    if pending.update(wanted_at=now):
        return
    try:
        with transaction.atomic():
            _owe(connection, number, Write.Kind.SYNC)
    except IntegrityError:  # another request created the pending sync meanwhile
        pending.update(wanted_at=now)


def reply(connection: Connection, number: int, body: str) -> Write:
    """Post `body` as a comment on issue `number` once this transaction commits."""
    return _owe(connection, number, Write.Kind.REPLY, body)


def _owe(connection: Connection, number: int, kind: str, body: str = "") -> Write:
    """A write owed to GitHub, due now, and its task, queued for when this commits."""
    now = timezone.now()
    write = Write.objects.create(
        connection=connection,
        issue_number=number,
        kind=kind,
        body=body,
        wanted_at=now,
        next_attempt_at=now,
    )
    enqueue_with_transaction(send_write_task, write.pk)
    return write


# --- reading payloads ----------------------------------------------------------------------


def is_proposal_issue(title: str, body: str, labels: list[str]) -> bool:
    """Whether an issue is a proposal (§2.1): both proposal labels, or the form's exact
    title prefix and its four headings as start-of-line `### ` sections."""
    names = {label.casefold() for label in labels}
    if all(label in names for label in PROPOSAL_LABELS):
        return True
    return title.startswith(TITLE_PREFIX) and all(
        re.search(rf"^### {re.escape(heading)}[ \t]*$", body, re.MULTILINE)
        for heading in FORM_HEADINGS
    )


def _user_for(login: str) -> User | None:
    """The Cohort account of the person whose GitHub handle is `login`, if any."""
    if not login:
        return None
    person = (
        Person.objects.select_related("user")
        .filter(github__iexact=login, user__isnull=False)
        .first()
    )
    return person.user if person is not None else None


def _object(data: Mapping[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    if not isinstance(value, dict):
        raise BadPayloadError(f'"{key}" is not an object')
    return value


def _list(data: Mapping[str, Any], key: str) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise BadPayloadError(f'"{key}" is not a list')
    return value


def _text(data: Mapping[str, Any], key: str, *, required: bool = True) -> str:
    value = data.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise BadPayloadError(f'"{key}" is not a string')
    return value


def _number(data: Mapping[str, Any], key: str) -> int:
    value = data.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value < 2**31:
        raise BadPayloadError(f'"{key}" is not an issue number')
    return value


def _login(user: object) -> str:
    if not isinstance(user, dict):
        return ""
    login = user.get("login")
    return login[:39] if isinstance(login, str) else ""
