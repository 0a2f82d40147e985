"""Who hears about a proposal event (spec/style.md B8), sent through core's outbox.

Every e-mail goes through an outbox row (`cohort.notifications`), unique per (kind, object,
recipient), keyed on a `ProposalEvent` (object_type "proposals.proposalevent", object_id its
pk): planning a notification is `get_or_create`, so running the same event twice creates
nothing new, and only rows without `sent_at` are sent. A failed send keeps its row with the
error, and `cohort run-periodic` re-runs the event (`replan_unsent`), which sends it (once).

Recipients per event kind (a person gets at most one e-mail per event; users without an
e-mail address are skipped):

- submitted: the organization's approvers ("needs your approval", unless the maintainer
  gate already holds), each listed mentor with a login who has not confirmed yet ("needs
  your confirmation"), and the proposer ("your proposal is submitted").
- maintainer_approved, mentor_confirmed: when both gates now hold, the program admins
  ("awaiting your final approval"), once per approval round.
- admin_approved, withdrawn, rejected, published: the proposer and the mentors.
- edited (a material edit): when it cleared approvals, the people who gave them ("needs
  your approval again", cncf-process.md §3.5) and the proposer ("approvals were cleared").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from cohort.core.emails import site_url
from cohort.core.models import User
from cohort.notifications.kinds import register_kind
from cohort.notifications.services import deliver, outbox_row
from cohort.projects.models import OrganizationMaintainer, Project
from cohort.proposals import gates
from cohort.proposals.models import ProposalEvent
from cohort.proposals.review import review
from cohort.terms.models import ProgramMembership

EVENT_OBJECT = "proposals.proposalevent"

# The e-mails (each one a folder under templates/emails/).
SUBMITTED = "proposal_submitted"
NEEDS_APPROVAL = "proposal_needs_approval"
NEEDS_CONFIRMATION = "proposal_needs_confirmation"
READY_FOR_ADMIN = "proposal_ready_for_admin"
APPROVED = "proposal_approved"
NEEDS_REAPPROVAL = "proposal_needs_reapproval"
APPROVALS_CLEARED = "proposal_approvals_cleared"
WITHDRAWN = "proposal_withdrawn"
REJECTED = "proposal_rejected"
PUBLISHED = "proposal_published"
KINDS = (
    SUBMITTED,
    NEEDS_APPROVAL,
    NEEDS_CONFIRMATION,
    READY_FOR_ADMIN,
    APPROVED,
    NEEDS_REAPPROVAL,
    APPROVALS_CLEARED,
    WITHDRAWN,
    REJECTED,
    PUBLISHED,
)

for _kind, _label in {
    SUBMITTED: "A proposal was submitted",
    NEEDS_APPROVAL: "A proposal needs your approval",
    NEEDS_CONFIRMATION: "A proposal needs your confirmation as a mentor",
    READY_FOR_ADMIN: "A proposal awaits your final approval",
    APPROVED: "A proposal was approved",
    NEEDS_REAPPROVAL: "An edited proposal needs your approval again",
    APPROVALS_CLEARED: "An edit cleared a proposal's approvals",
    WITHDRAWN: "A proposal was withdrawn",
    REJECTED: "A proposal was rejected",
    PUBLISHED: "A proposal was published",
}.items():
    register_kind(
        _kind, _label, essential=True, why="a decision about a proposal, or a request to make one"
    )

CLOSED = (Project.Status.WITHDRAWN, Project.Status.REJECTED)

Plan = list[tuple[str, ProposalEvent, User]]  # (e-mail, the event it is keyed on, recipient)


def notify_proposal_event(event_id: int) -> int:
    """Send the e-mails `event_id` calls for that were not sent before; returns how many."""
    event = (
        ProposalEvent.objects.select_related(
            "project__term__program", "project__organization", "project__proposer"
        )
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        return 0
    sent = 0
    for kind, key, user in plan_proposal_event(event):
        if not user.email:
            continue
        context = _context(event, user)
        row, _ = outbox_row(kind, EVENT_OBJECT, key.pk, user, context)
        if row.sent_at is None and deliver(row, user, context):
            sent += 1
    return sent


def plan_proposal_event(event: ProposalEvent) -> Plan:
    """Who hears about `event`, and which e-mail each gets (one per person, first wins)."""
    project = event.project
    plan: Plan = []
    kind = event.kind
    if kind == gates.SUBMITTED:
        state = review(project)
        if project.status not in CLOSED:
            if not state.gates.maintainer_approved:
                plan += _each(NEEDS_APPROVAL, event, _approvers(project))
            plan += _each(NEEDS_CONFIRMATION, event, _mentor_users(project, state.gates.awaiting))
        plan += _each(SUBMITTED, event, _proposer(project))
    elif kind in (gates.MAINTAINER_APPROVED, gates.MENTOR_CONFIRMED):
        state = review(project)
        if (
            project.status not in CLOSED
            and state.gates.both_gates
            and not state.gates.admin_approved
        ):
            plan += _each(READY_FOR_ADMIN, _round_opener(event), _program_admins(project))
    elif kind == gates.EDITED:
        approvers = _cleared_approvers(event)
        if approvers:
            if project.status not in CLOSED:
                plan += _each(NEEDS_REAPPROVAL, event, approvers)
            plan += _each(APPROVALS_CLEARED, event, _proposer(project))
    else:
        notice = {
            gates.ADMIN_APPROVED: APPROVED,
            gates.WITHDRAWN: WITHDRAWN,
            gates.REJECTED: REJECTED,
            gates.PUBLISHED: PUBLISHED,
        }.get(kind)
        if notice:
            plan += _each(notice, event, [*_proposer(project), *_mentor_users(project)])
    seen: set[int] = set()
    unique: Plan = []
    for item in plan:
        if item[2].pk not in seen:
            seen.add(item[2].pk)
            unique.append(item)
    return unique


# --- recipients ----------------------------------------------------------------------------


def _each(kind: str, key: ProposalEvent, users: Iterable[User]) -> Plan:
    return [(kind, key, user) for user in users]


def _proposer(project: Project) -> list[User]:
    return [project.proposer] if project.proposer is not None else []


def _approvers(project: Project) -> list[User]:
    """The organization's maintainers (when they may approve) and its delegates."""
    rows = OrganizationMaintainer.objects.filter(organization=project.organization)
    if not project.organization.maintainers_can_approve:
        rows = rows.filter(kind=OrganizationMaintainer.Kind.DELEGATE)
    return [row.user for row in rows.select_related("user").order_by("id")]


def _mentor_users(project: Project, handles: Iterable[str] | None = None) -> list[User]:
    """The listed mentors who have a login, optionally only those with one of `handles`."""
    wanted = None if handles is None else {h.casefold() for h in handles}
    users = []
    for mentorship in project.mentorships.select_related("person__user").order_by("position"):
        person = mentorship.person
        if person is None or person.user is None:
            continue
        if wanted is not None and mentorship.github.casefold() not in wanted:
            continue
        users.append(person.user)
    return users


def _program_admins(project: Project) -> list[User]:
    rows = ProgramMembership.objects.filter(
        program=project.term.program, role=ProgramMembership.Role.ADMIN
    )
    return [row.user for row in rows.select_related("user").order_by("id")]


def _round_opener(event: ProposalEvent) -> ProposalEvent:
    """The submission or material edit that opened the approval round `event` belongs to."""
    opener = (
        ProposalEvent.objects.filter(
            project_id=event.project_id,
            id__lte=event.pk,
            kind__in=[gates.SUBMITTED, gates.EDITED],
        )
        .order_by("-id")
        .first()
    )
    return opener or event


def _cleared_approvers(edit: ProposalEvent) -> list[User]:
    """Who gave the maintainer or admin approvals that the material edit `edit` cleared."""
    earlier = ProposalEvent.objects.filter(project_id=edit.project_id, id__lt=edit.pk)
    previous_edit = earlier.filter(kind=gates.EDITED).order_by("-id").first()
    if previous_edit is not None:
        earlier = earlier.filter(id__gt=previous_edit.pk)
    users: list[User] = []
    approvals = earlier.filter(
        kind__in=[gates.MAINTAINER_APPROVED, gates.ADMIN_APPROVED], actor__isnull=False
    )
    for approval in approvals.select_related("actor").order_by("id"):
        if approval.actor is not None and approval.actor not in users:
            users.append(approval.actor)
    return users


# --- the e-mails' context ---------------------------------------------------------------


def _context(event: ProposalEvent, user: User) -> dict[str, Any]:
    project = event.project
    term = project.term
    published = project.status == Project.Status.PUBLISHED
    return {
        "name": user.get_full_name() or user.username,
        "project": project,
        "lfx_title": project.lfx_title or project.title,
        "term": term.label,
        "term_title": term.title,
        "program": term.program.name,
        "organization": project.organization.name,
        "note": event.note,
        "link": f"{site_url()}{project.get_absolute_url()}" if published else f"{site_url()}/",
    }


# --- retrying ------------------------------------------------------------------------------


def replan_unsent(rows: Sequence[tuple[str, str]]) -> int:
    """Send again the unsent outbox rows `rows` ((kind, object_id) keyed on proposal events);
    returns how many e-mails were sent now.

    Running an event's notification again re-renders its e-mails from the event as it is now
    and sends the rows not sent yet; one that is no longer due (a proposal approved since its
    "needs your approval" failed) stays unsent. The admins' "awaiting your final approval" is
    keyed on the event that opened the approval round, but it is planned by that round's
    approvals and confirmations, so those are the events run again.
    """
    events: set[int] = set()
    for kind, object_id in rows:
        if not object_id.isdigit():
            continue
        if kind == READY_FOR_ADMIN:
            events.update(_round_approvals(int(object_id)))
        else:
            events.add(int(object_id))
    return sum(notify_proposal_event(event_id) for event_id in sorted(events))


def _round_approvals(opener_id: int) -> list[int]:
    """The approvals and confirmations of the approval round that event `opener_id` opened
    (up to the next submission or material edit of the same proposal)."""
    opener = ProposalEvent.objects.filter(pk=opener_id).first()
    if opener is None:
        return []
    later = ProposalEvent.objects.filter(project_id=opener.project_id, id__gt=opener.pk)
    next_opener = later.filter(kind__in=[gates.SUBMITTED, gates.EDITED]).order_by("id").first()
    if next_opener is not None:
        later = later.filter(id__lt=next_opener.pk)
    return list(
        later.filter(kind__in=[gates.MAINTAINER_APPROVED, gates.MENTOR_CONFIRMED]).values_list(
            "pk", flat=True
        )
    )
