"""The proposal workflow (cncf-process.md §1–§3): every write goes through these functions.

A proposal is a `Project` whose issue-form sections are stored as they are, label → value
(`Project.form_fields`), so validation and the material-edit check read exactly what the
proposer wrote, whatever the text holds (docs/decisions/0006). The catalog fields are derived
from them. A body the proposal was pasted or imported from is kept in `raw` for provenance and
never parsed again. Every write is held to one table of size limits
(`cohort.formats.issueform.MAX_LENGTHS`). Approvals and confirmations are immutable
`ProposalEvent`s, and the gates are derived from them (`cohort.proposals.gates`), never stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from cohort.core.errors import DomainError
from cohort.core.models import AuditEvent, Person, User
from cohort.core.text import check_text
from cohort.core.workflow import transition
from cohort.formats import issueform
from cohort.formats.issueform import IssueForm, length_problems
from cohort.formats.lfx import term_dropdown_label
from cohort.projects.models import Mentorship, Organization, Project, UpstreamIssue
from cohort.projects.services import unique_slug
from cohort.proposals import gates, permissions
from cohort.proposals.exports import snapshot_project
from cohort.proposals.models import ProposalEvent
from cohort.proposals.review import proposal_form, review
from cohort.proposals.rules import lfx_title, unwrap_email
from cohort.proposals.tasks import enqueue_proposal_notification
from cohort.terms.access import is_program_admin
from cohort.terms.models import Term, Window
from cohort.terms.services import ensure_open

LFX_URL = re.compile(
    r"^https://mentorship\.lfx\.linuxfoundation\.org/project/"
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
EDITABLE = (Project.Status.DRAFT, Project.Status.SUBMITTED, Project.Status.PUBLISHED)


PROPOSALS_KEY = "proposals_open"


def accepts_proposals(term: Term, at: datetime) -> bool:
    """Whether `term` takes new proposals at `at`: its proposals window is dated and has not
    closed. Drafts may be written before it opens; submitting needs it open."""
    return term.window(PROPOSALS_KEY).state_at(at) in (Window.NOT_YET, Window.OPEN)


def check_proposal_window(term: Term, at: datetime, *, drafting: bool = False) -> None:
    """Raise unless proposals to `term` can be submitted at `at` ([start, end), to the
    second), or, `drafting`, written as drafts (also before the window opens).

    A term whose timeline has no dated proposals window takes no proposals.
    """
    window = term.window(PROPOSALS_KEY)
    state = window.state_at(at)
    if window.start is None or window.end is None:
        raise DomainError(f"{term.label} has no dated proposals window on its timeline.")
    if state == Window.NOT_YET and not drafting:
        raise DomainError(f"Proposals for {term.label} open on {window.local(window.start)}.")
    if state == Window.CLOSED:
        raise DomainError("The proposal deadline for this term has passed.")


# --- writing -------------------------------------------------------------------------------


@transaction.atomic
def create_proposal(
    term: Term,
    form: IssueForm,
    *,
    actor: User | None,
    now: datetime | None = None,
    raw: str = "",
    number: int | None = None,
) -> Project:
    """A draft proposal from an issue form, with the term's next stable number.

    The number takes the place of the CNCF's GitHub issue number: it never changes and is
    never reused within the term. The term row is locked while the number is chosen. `raw`:
    the issue body the form was read from, if any, kept as received. `number`: the proposal's
    GitHub issue number, when it comes from an issue (`cohort.github`); refused if the term
    already has a proposal with that number.
    """
    _check_text(form)
    _check_lengths(form)
    ensure_open(
        Term.objects.select_for_update(no_key=True).select_related("program").get(pk=term.pk)
    )
    check_proposal_window(term, now or timezone.now(), drafting=True)
    organization = _organization(term, form.project)
    if number is None:
        number = (Project.objects.filter(term=term).aggregate(n=Max("number"))["n"] or 0) + 1
    elif number < 1:
        raise DomainError("A proposal number is a positive whole number.")
    elif Project.objects.filter(term=term, number=number).exists():
        raise DomainError(f"{term.label} already has a proposal #{number}.")
    project = Project(
        term=term,
        organization=organization,
        number=number,
        status=Project.Status.DRAFT,
        proposer=actor,
        position=Project.objects.filter(term=term).count(),
        raw=raw,
    )
    _apply_form(project, form, term)
    taken = set(Project.objects.filter(term=term).values_list("slug", flat=True))
    project.slug = unique_slug(project.title or "proposal", taken)
    project.save()
    _replace_children(project, form)
    AuditEvent.record(actor, "proposals.proposal.created", project)
    return project


@transaction.atomic
def update_proposal(project: Project, form: IssueForm, *, actor: User | None) -> bool:
    """Save the form's sections; returns whether the change was material (§3.5).

    The stored sections are compared with the new ones: a material change to a submitted or
    published proposal is recorded as an event, which clears the maintainer and admin
    approvals given before it. Mentor confirmations stay. `raw` is left as received.
    """
    _check_text(form)
    _check_lengths(form)
    project = _locked(project)
    if project.status not in EDITABLE:
        raise DomainError(f"A {project.get_status_display().lower()} proposal cannot be edited.")
    if form.project.strip().casefold() != project.organization.name.casefold():
        project.organization = _organization(project.term, form.project)
    material = gates.is_material_change(proposal_form(project), form)
    _apply_form(project, form, project.term)
    project.save()
    _replace_children(project, form)
    if material and project.status != Project.Status.DRAFT:
        edit = ProposalEvent.objects.create(project=project, kind=gates.EDITED, actor=actor)
        enqueue_proposal_notification(edit)
    AuditEvent.record(actor, "proposals.proposal.edited", project, data={"material": material})
    return material


@transaction.atomic
def patch_proposal(
    project: Project, change: Callable[[IssueForm], IssueForm], *, actor: User
) -> bool:
    """Apply `change` to the proposal's form as it is stored once its row is locked, and
    save the result (`update_proposal`); returns whether the change was material.

    A partial edit (the API's PATCH) must merge into what is stored now, not into what was
    read before the lock: two PATCHes of different fields at once both stay.
    """
    locked = _locked(project)
    return update_proposal(locked, change(proposal_form(locked)), actor=actor)


@transaction.atomic
def submit_proposal(
    project: Project, *, actor: User | None, now: datetime | None = None
) -> Project:
    ensure_open(project.term)
    check_proposal_window(project.term, now or timezone.now())
    _move(project, to=Project.Status.SUBMITTED, kind=gates.SUBMITTED, actor=actor)
    return project


@transaction.atomic
def approve_proposal(project: Project, *, actor: User) -> ProposalEvent:
    """The maintainer approval (§3.2 `/approve`)."""
    project = _locked(project)
    _require_open(project)
    state = review(project)
    if not state.validation.ok:
        raise DomainError("This proposal must pass validation before it can be approved.")
    source = permissions.approver_source(actor, project.organization)
    if not source:
        raise DomainError(
            f"You are not authorized to approve proposals for {project.organization.name}."
        )
    if state.gates.maintainer_approved:
        raise DomainError("This proposal has already been approved by a maintainer.")
    event = ProposalEvent.objects.create(
        project=project,
        kind=gates.MAINTAINER_APPROVED,
        actor=actor,
        data={"source": source},
    )
    AuditEvent.record(
        actor, "proposals.proposal.maintainer_approved", project, data={"source": source}
    )
    enqueue_proposal_notification(event)
    return event


@transaction.atomic
def confirm_mentorship(
    project: Project, *, actor: User | None, handle: str = "", login: str = ""
) -> ProposalEvent | None:
    """A listed mentor confirms their own slot; a program admin may confirm for a mentor.

    `login`: the actor's GitHub login when GitHub vouches for it (a signed webhook's
    commenter, `cohort.github`), so a listed mentor without a Cohort account can confirm their
    own slot; otherwise the actor's own handle is their Person's. Confirming twice changes
    nothing (returns None).
    """
    project = _locked(project)
    _require_open(project)
    state = review(project)
    if not state.validation.ok:
        raise DomainError("This proposal must pass validation before mentors can confirm.")
    roster = [m.github for m in project.mentorships.order_by("position") if m.github]
    mentors = ", ".join(f"@{h}" for h in roster)
    own = login or permissions.github_handle(actor)
    target = handle.removeprefix("@") or own
    is_admin = actor is not None and is_program_admin(actor, project.term.program)
    if target.casefold() != own.casefold() and not is_admin:
        raise DomainError(
            "Only program admins can confirm on behalf of another mentor. "
            "To confirm your own participation, confirm without naming a mentor."
        )
    listed = next((h for h in roster if h.casefold() == target.casefold()), None)
    if listed is None and handle.removeprefix("@"):  # `/confirm @handle` (§3.2)
        raise DomainError(
            f"@{target} is not a listed mentor on this proposal. Current mentors: {mentors}"
        )
    if listed is None:  # a bare confirm by someone not on the roster
        raise DomainError(
            "You are not listed as a mentor on this proposal. Only listed mentors can "
            f"confirm. Current mentors: {mentors}"
        )
    if listed in state.gates.confirmed:
        return None
    event = ProposalEvent.objects.create(
        project=project, kind=gates.MENTOR_CONFIRMED, actor=actor, handle=listed
    )
    AuditEvent.record(
        actor, "proposals.proposal.mentor_confirmed", project, data={"handle": listed}
    )
    enqueue_proposal_notification(event)
    return event


@transaction.atomic
def approve_proposal_as_admin(project: Project, *, actor: User) -> ProposalEvent:
    """The program admin's final approval (§3.2 `/cncf-approve`)."""
    project = _locked(project)
    _require_open(project)
    if not is_program_admin(actor, project.term.program):
        raise DomainError("Only program admins can give the final approval.")
    state = review(project)
    if state.gates.admin_approved:
        raise DomainError("This proposal has already been approved by an admin.")
    if not state.validation.ok:
        raise DomainError("Cannot approve: this proposal is not currently passing validation.")
    missing = [
        name
        for name, held in (
            ("maintainer approval", state.gates.maintainer_approved),
            ("mentor confirmation", state.gates.mentors_confirmed),
        )
        if not held
    ]
    if missing:
        raise DomainError(f"Cannot approve: still missing {' and '.join(missing)}.")
    event = ProposalEvent.objects.create(
        project=project,
        kind=gates.ADMIN_APPROVED,
        actor=actor,
        # The record the CNCF export keeps, frozen, if a later edit clears this approval.
        data={"snapshot": snapshot_project(project)},
    )
    AuditEvent.record(actor, "proposals.proposal.admin_approved", project)
    enqueue_proposal_notification(event)
    return event


@transaction.atomic
def withdraw_proposal(project: Project, *, actor: User, note: str = "") -> Project:
    """The proposer, a listed mentor or a program admin withdraws the proposal."""
    project = _locked(project)
    handle = permissions.github_handle(actor).casefold()
    allowed = (
        (project.proposer_id is not None and project.proposer_id == actor.pk)
        or (handle and project.mentorships.filter(github__iexact=handle).exists())
        or is_program_admin(actor, project.term.program)
    )
    if not allowed:
        raise DomainError("Only the proposer, a listed mentor or a program admin can withdraw it.")
    _move(project, to=Project.Status.WITHDRAWN, kind=gates.WITHDRAWN, actor=actor, note=note)
    return project


@transaction.atomic
def close_proposal_issue(project: Project, *, actor: User | None, note: str = "") -> Project:
    """The proposal's GitHub issue was closed (`cohort.github`): the proposal is withdrawn.

    GitHub has already decided who may do it (the issue's author and the repository's
    triagers), and the signed webhook vouches for it, so there is no role check here; `actor`
    is the closer's Cohort account when they have one. Closing a withdrawn or rejected
    proposal again changes nothing.
    """
    project = _locked(project)
    if project.status in (Project.Status.WITHDRAWN, Project.Status.REJECTED):
        return project
    _move(project, to=Project.Status.WITHDRAWN, kind=gates.WITHDRAWN, actor=actor, note=note)
    return project


@transaction.atomic
def reopen_proposal_issue(project: Project, *, actor: User | None) -> Project:
    """The proposal's GitHub issue was reopened (`cohort.github`): a withdrawn proposal is
    submitted again, its approvals derived afresh from its events. GitHub decided who may
    reopen it, as for `close_proposal_issue`. Anything but a withdrawn proposal stays as it
    is; a term whose proposal deadline has passed refuses it."""
    project = _locked(project)
    if project.status != Project.Status.WITHDRAWN:
        return project
    check_proposal_window(project.term, timezone.now())
    _move(
        project,
        to=Project.Status.SUBMITTED,
        kind=gates.SUBMITTED,
        actor=actor,
        audit_note="issue reopened",
    )
    return project


@transaction.atomic
def reject_proposal(project: Project, *, actor: User, note: str = "") -> Project:
    project = _locked(project)
    if not is_program_admin(actor, project.term.program):
        raise DomainError("Only program admins can reject a proposal.")
    _move(project, to=Project.Status.REJECTED, kind=gates.REJECTED, actor=actor, note=note)
    return project


@transaction.atomic
def publish_proposals(term: Term, *, actor: User) -> list[Project]:
    """Publish every submitted proposal of the term that holds the admin approval."""
    if not is_program_admin(actor, term.program):
        raise DomainError("Only program admins can publish the catalog.")
    ensure_open(term)
    published = []
    for project in Project.objects.filter(term=term, status=Project.Status.SUBMITTED).order_by(
        "number"
    ):
        if review(project).gates.admin_approved:
            _move(project, to=Project.Status.PUBLISHED, kind=gates.PUBLISHED, actor=actor)
            published.append(project)
    return published


@transaction.atomic
def record_lfx_url(project: Project, url: str, *, actor: User) -> Project:
    """An admin records the program's LFX URL once it is published (§3.2 `/lfx-url`)."""
    project = _locked(project)
    if not is_program_admin(actor, project.term.program):
        raise DomainError("Only program admins can record LFX URLs.")
    if project.status != Project.Status.PUBLISHED:
        raise DomainError("Publish the proposal before recording its LFX URL.")
    url = url.strip()
    if not LFX_URL.match(url):
        raise DomainError(
            "That isn't an LFX Mentorship program URL. Expected "
            "`https://mentorship.lfx.linuxfoundation.org/project/<id>`."
        )
    project.lfx_url = url
    project.save(update_fields=["lfx_url", "updated_at"])
    ProposalEvent.objects.create(
        project=project, kind=gates.LFX_URL_RECORDED, actor=actor, data={"url": url}
    )
    AuditEvent.record(actor, "proposals.proposal.lfx_url_recorded", project, data={"url": url})
    return project


# --- helpers -------------------------------------------------------------------------------


def _move(
    project: Project,
    *,
    to: str,
    kind: str,
    actor: User | None,
    note: str = "",
    audit_note: str | None = None,
) -> ProposalEvent:
    """Move the proposal to status `to` (audited, `note` unless `audit_note` is given), record
    its `kind` event with `note`, and queue its notifications for when this commits."""
    transition(project, to=to, actor=actor, note=note if audit_note is None else audit_note)
    event = ProposalEvent.objects.create(project=project, kind=kind, actor=actor, note=note)
    enqueue_proposal_notification(event)
    return event


def _check_lengths(form: IssueForm) -> None:
    """Refuse a section longer than Cohort stores (`issueform.MAX_LENGTHS`), whatever the door."""
    problems = length_problems(form)
    if problems:
        raise DomainError(" ".join(problems))


def _check_text(form: IssueForm) -> None:
    """Refuse control characters in any section (`cohort.core.text`), whatever the door: the
    pages and the API are already checked by the middleware; the CLI and imports are not."""
    for label, value in form.sections.items():
        check_text(label, field="A section heading")
        check_text(value, field=label)


def _locked(project: Project) -> Project:
    """The project row, locked for the rest of the transaction (serialises decisions); a
    closed term's proposals are frozen (issue 16)."""
    found = (
        Project.objects.select_for_update(no_key=True)
        .select_related("term__program", "organization")
        .get(pk=project.pk)
    )
    ensure_open(found.term)
    return found


def _require_open(project: Project) -> None:
    if project.status in (Project.Status.WITHDRAWN, Project.Status.REJECTED, Project.Status.DRAFT):
        raise DomainError(f"This proposal is {project.get_status_display().lower()}.")


def _organization(term: Term, name: str) -> Organization:
    name = name.strip()
    found = (
        Organization.objects.filter(program=term.program)
        .filter(Q(name__iexact=name) | Q(aliases__name__iexact=name))
        .first()
    )
    if not name or found is None:
        raise DomainError(f'"{name}" is not an organization of {term.program.name}.')
    return found


def mentor_lines(form: IssueForm) -> list[list[str]]:
    rows = []
    for line in form.mentors.splitlines():
        if line.strip():
            rows.append([field.strip() for field in line.split("|")])
    return rows


def mentor_handle(row: list[str]) -> str:
    """A mentor line's GitHub handle as the roster keeps it: without "@", at most 200."""
    return row[1].removeprefix("@")[:200] if len(row) > 1 else ""


def _apply_form(project: Project, form: IssueForm, term: Term) -> None:
    """Store the form's sections (the term's label when it names none) and derive the catalog
    fields from them."""
    label = term_dropdown_label(term.year, term.number)
    project.form_fields = {**form.sections, issueform.LABEL_TERM: form.term or label}
    project.title = form.program_name
    project.lfx_title = lfx_title(project.organization.name, form.program_name, label)
    project.description = form.description
    project.technologies = form.technologies
    project.skills = form.technologies if form.skills_same else form.skills
    checked = form.prerequisites
    project.prerequisites = {
        "resume": issueform.PREREQUISITE_RESUME in checked,
        "cover_letter": issueform.PREREQUISITE_COVER_LETTER in checked,
        "school_enrollment": issueform.PREREQUISITE_SCHOOL in checked,
        "participation_permission": issueform.PREREQUISITE_PERMISSION in checked,
        "coding_challenge": issueform.PREREQUISITE_CODING_CHALLENGE in checked,
        "coding_challenge_url": form.coding_challenge_url or None,
        "custom_name": form.custom_name or None,
        "custom_description": form.custom_description or None,
        "custom_file_upload": form.custom_file_upload,
        "has_custom": form.custom_checked,
    }
    words = [project.title, project.lfx_title, project.organization.name, project.skills]
    words += [project.technologies, project.description]
    words += [" ".join(row[:2]) for row in mentor_lines(form)]
    project.search_text = "\n".join(w for w in words if w).casefold()


def _replace_children(project: Project, form: IssueForm) -> None:
    project.mentorships.all().delete()
    project.upstream_issues.all().delete()
    mentors = []
    for i, row in enumerate(mentor_lines(form)):
        name = row[0] if row else ""
        github = mentor_handle(row)
        email = unwrap_email(row[2]) if len(row) > 2 else ""
        lfid = row[3] if len(row) > 3 else ""
        person = Person.objects.filter(github__iexact=github).first() if github else None
        mentors.append(
            Mentorship(
                project=project,
                person=person,
                position=i,
                role=Mentorship.Role.PRIMARY if i == 0 else Mentorship.Role.CO_MENTOR,
                name=name,
                github=github,
                email=email[:254],
                lfid=lfid[:100],
            )
        )
    Mentorship.objects.bulk_create(mentors)
    if form.upstream_issue_url:
        UpstreamIssue.objects.create(project=project, position=0, url=form.upstream_issue_url)
