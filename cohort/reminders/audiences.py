"""Who is due which reminder: one reader per audience, each a fixed number of queries.

Each reader returns the targets of its audience in the open terms of the given programs
whose anchor falls in (`now`, `latest`] (a "before" audience: the deadline is still ahead),
or that started by `latest` (a payment waiting since it was made). A target is a thing not
done yet and the person who must do it; a thing already done is never read, so it is never
reminded of (an application handed in, an applicant reviewed, an offer answered, an
evaluation submitted, a payment approved by this admin, a proposal approved by a maintainer
since its last material edit).

- incomplete_application: a mentee's application still in progress (a task missing), before
  the term's `applications_open` window closes;
- unreviewed_applicants: a mentor of a published project with submitted applications they
  have not reviewed (a recusal counts as done), before `application_review` ends;
- unanswered_offer: a mentee's announced offer, before its deadline;
- evaluation_due: a mentor of a live placement whose evaluation round has no evaluation,
  before the round's own due instant (moved by an extension), once the round is open;
- payment_waiting: a program admin who may approve a pending payment (not a mentor of its
  project, not an approver of it already), counted from when it was made;
- proposal_to_approve: a maintainer (or delegate) of the organization of a submitted
  proposal with no maintainer approval since its last material edit, before `proposals_open`
  closes; not the proposer, whose own approval is implied (cncf-process.md §3.2).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.urls import reverse

from cohort.applications.models import Application, Review, Task
from cohort.core.models import Person, User
from cohort.mentorship.models import EvaluationRound, Placement
from cohort.mentorship.notifications import mentor_users
from cohort.projects.models import Mentorship, OrganizationMaintainer, Project
from cohort.proposals import gates
from cohort.proposals.models import ProposalEvent
from cohort.reminders.models import Audience
from cohort.reminders.schedule import Anchor
from cohort.selection.models import Offer
from cohort.stipends.models import Payment
from cohort.terms.models import Milestone, ProgramMembership, Term

LIVE_PLACEMENTS = (Placement.Status.UPCOMING, Placement.Status.ACTIVE, Placement.Status.ON_HOLD)


@dataclass(frozen=True)
class Target:
    """A thing not done yet, and the person who must do it."""

    audience: str
    object_type: str  # "applications.application"
    object_id: int
    recipient: User
    term: Term
    anchor: Anchor
    about: str  # "Your application to Antrea: …" (no one's name: it is kept in the history)
    path: str  # the page where it is done
    details: dict[str, Any] = field(default_factory=dict)  # the e-mail's own fields

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.object_type, str(self.object_id), self.recipient.pk)


def _open_terms(programs: Sequence[int] | None) -> Q:
    scope = Q(term__state=Term.State.OPEN)
    return scope if programs is None else scope & Q(term__program__in=programs)


def _milestone_end(key: str, term: str = "term") -> Subquery:
    return Subquery(Milestone.objects.filter(term=OuterRef(term), key=key).values("end")[:1])


def _closing(
    key: str, programs: Sequence[int] | None, now: datetime, latest: datetime
) -> list[int]:
    """The open terms whose milestone `key` ends in (`now`, `latest`]: read first from the
    milestones (one small query), so a reader whose window no term is in reads nothing
    else, and one that is reads only those terms' rows, however many other rows there are
    (an idle run at GSoC scale no longer scans every project of every open term)."""
    milestones = Milestone.objects.filter(
        _open_terms(programs), key=key, end__gt=now, end__lte=latest
    )
    return list(milestones.values_list("term_id", flat=True))


def incomplete_applications(
    programs: Sequence[int] | None, now: datetime, latest: datetime
) -> list[Target]:
    terms = _closing("applications_open", programs, now, latest)
    if not terms:
        return []
    drafts = (
        Application.objects.filter(term__in=terms, status=Application.Status.DRAFT)
        .annotate(closes=_milestone_end("applications_open"))
        .select_related("term__program", "project", "mentee")
        .prefetch_related(
            Prefetch(
                "tasks",
                queryset=Task.objects.filter(completed_at__isnull=True).order_by("position", "id"),
                to_attr="open_tasks",
            )
        )
        .order_by("closes", "id")
    )
    targets = []
    for application in drafts:
        tasks: list[Task] = application.open_tasks  # type: ignore[attr-defined]  # Prefetch to_attr
        targets.append(
            Target(
                Audience.INCOMPLETE_APPLICATION,
                "applications.application",
                application.pk,
                application.mentee,
                application.term,
                Anchor(application.closes),  # type: ignore[attr-defined]  # annotated
                f"Application to {application.project.title}",
                reverse("applications:detail", args=[application.pk]),
                {"project": application.project.title, "tasks": [t.title for t in tasks]},
            )
        )
    return targets


def unreviewed_applicants(
    programs: Sequence[int] | None, now: datetime, latest: datetime
) -> list[Target]:
    terms = _closing("application_review", programs, now, latest)
    if not terms:
        return []
    projects = list(
        Project.objects.filter(term__in=terms, status=Project.Status.PUBLISHED)
        .annotate(review_ends=_milestone_end("application_review"))
        .select_related("term__program")
        .order_by("review_ends", "id")
    )
    waiting = (
        Application.objects.filter(project__in=projects, status=Application.Status.SUBMITTED)
        .prefetch_related(
            Prefetch("reviews", queryset=Review.objects.only("application", "reviewer"))
        )
        .only("id", "project_id")
    )
    reviewers: dict[int, list[set[int]]] = defaultdict(list)  # project -> each applicant's
    for application in waiting:
        reviewers[application.project_id].append({r.reviewer_id for r in application.reviews.all()})
    mentors = mentor_users(project.pk for project in projects)
    targets = []
    for project in projects:
        for mentor in mentors.get(project.pk, []):
            left = sum(mentor.pk not in done for done in reviewers.get(project.pk, []))
            if left:
                targets.append(
                    Target(
                        Audience.UNREVIEWED_APPLICANTS,
                        "projects.project",
                        project.pk,
                        mentor,
                        project.term,
                        Anchor(project.review_ends),  # type: ignore[attr-defined]  # annotated
                        f"Applicants to {project.title}",
                        reverse("applications:queue", args=[project.pk]),
                        {"project": project.title, "count": left},
                    )
                )
    return targets


def unanswered_offers(
    programs: Sequence[int] | None, now: datetime, latest: datetime
) -> list[Target]:
    offers = (
        Offer.objects.filter(
            _open_terms(programs),
            status=Offer.Status.PENDING,
            deadline__gt=now,
            deadline__lte=latest,
        )
        .select_related("term__program", "project", "mentee")
        .order_by("deadline", "id")
    )
    path = reverse("applications:home")
    return [
        Target(
            Audience.UNANSWERED_OFFER,
            "selection.offer",
            offer.pk,
            offer.mentee,
            offer.term,
            Anchor(offer.deadline),  # type: ignore[arg-type]  # filtered: not null
            f"Offer of a place on {offer.project.title}",
            path,
            {"project": offer.project.title},
        )
        for offer in offers
    ]


def evaluations_due(
    programs: Sequence[int] | None, now: datetime, latest: datetime
) -> list[Target]:
    scope = Q(placement__term__state=Term.State.OPEN)
    if programs is not None:
        scope &= Q(placement__term__program__in=programs)
    rounds = list(
        EvaluationRound.objects.filter(
            scope,
            placement__status__in=LIVE_PLACEMENTS,
            evaluation__isnull=True,
            due_at__gt=now,
            due_at__lte=latest,
        )
        .select_related("placement__term__program", "placement__project")
        .order_by("due_at", "id")
    )
    mentors = mentor_users({round_.placement.project_id for round_ in rounds})
    targets = []
    for round_ in rounds:
        placement = round_.placement
        for mentor in mentors.get(placement.project_id, []):
            targets.append(
                Target(
                    Audience.EVALUATION_DUE,
                    "mentorship.evaluationround",
                    round_.pk,
                    mentor,
                    placement.term,
                    Anchor(round_.due_at, not_before=round_.opens_at),
                    f"{round_.label} on {placement.project.title}",
                    reverse("mentorship:placement", args=[placement.pk]),
                    {"project": placement.project.title, "round": round_.label},
                )
            )
    return targets


def payments_waiting(
    programs: Sequence[int] | None, now: datetime, latest: datetime
) -> list[Target]:
    payments = list(
        Payment.objects.filter(
            _open_terms(programs), status=Payment.Status.PENDING, made_at__lte=latest
        )
        .select_related("term__program", "placement__project")
        .prefetch_related("approvals")
        .order_by("made_at", "id")
    )
    admins: dict[int, list[User]] = defaultdict(list)
    memberships = ProgramMembership.objects.filter(
        program__in={payment.term.program_id for payment in payments},
        role=ProgramMembership.Role.ADMIN,
        user__is_active=True,
    ).select_related("user")
    for membership in memberships.order_by("user_id"):
        admins[membership.program_id].append(membership.user)
    mentors = _mentoring_admins(
        {payment.placement.project_id for payment in payments},
        {admin.pk for program in admins.values() for admin in program},
    )
    targets = []
    for payment in payments:
        approved = {approval.approver_id for approval in payment.approvals.all()}
        barred = approved | mentors.get(payment.placement.project_id, set())
        for admin in admins.get(payment.term.program_id, []):
            if admin.pk in barred:
                continue
            targets.append(
                Target(
                    Audience.PAYMENT_WAITING,
                    "stipends.payment",
                    payment.pk,
                    admin,
                    payment.term,
                    Anchor(payment.made_at, after=True),
                    f"Payment {payment.reference} ({payment.placement.project.title})",
                    reverse("stipends:payment", args=[payment.pk]),
                    {"reference": payment.reference, "project": payment.placement.project.title},
                )
            )
    return targets


def _mentoring_admins(project_ids: set[int], admin_ids: set[int]) -> dict[int, set[int]]:
    """Per project, which of the admins mentor it, by their person or their GitHub handle as
    `approve_payment` tells (`proposals.access.as_mentor`): they may not approve its
    payments, so they are not reminded of them. Two queries."""
    handles = {
        github.casefold(): user_id
        for user_id, github in Person.objects.filter(user__in=admin_ids)
        .exclude(github="")
        .values_list("user_id", "github")
    }
    found: dict[int, set[int]] = defaultdict(set)
    rows = Mentorship.objects.filter(project__in=project_ids).values_list(
        "project_id", "person__user_id", "github"
    )
    for project_id, user_id, github in rows:
        if user_id in admin_ids:
            found[project_id].add(user_id)
        if github and github.casefold() in handles:
            found[project_id].add(handles[github.casefold()])
    return found


def proposals_to_approve(
    programs: Sequence[int] | None, now: datetime, latest: datetime
) -> list[Target]:
    terms = _closing("proposals_open", programs, now, latest)
    if not terms:
        return []
    proposals = list(
        Project.objects.filter(term__in=terms, status=Project.Status.SUBMITTED)
        .annotate(closes=_milestone_end("proposals_open"))
        .select_related("term__program", "organization")
        .prefetch_related(
            Prefetch("events", queryset=ProposalEvent.objects.order_by("id"), to_attr="log")
        )
        .order_by("closes", "id")
    )
    approvers: dict[int, list[User]] = defaultdict(list)
    rows = OrganizationMaintainer.objects.filter(
        Q(kind=OrganizationMaintainer.Kind.DELEGATE)
        | Q(
            kind=OrganizationMaintainer.Kind.MAINTAINER, organization__maintainers_can_approve=True
        ),
        organization__in={proposal.organization_id for proposal in proposals},
        user__is_active=True,
    ).select_related("user")
    maintainers: dict[int, set[int]] = defaultdict(set)  # whose own proposals need no approval
    for row in rows.order_by("user_id"):
        approvers[row.organization_id].append(row.user)
        if row.kind == OrganizationMaintainer.Kind.MAINTAINER:
            maintainers[row.organization_id].add(row.user_id)
    targets = []
    for proposal in proposals:
        if proposal.proposer_id in maintainers[proposal.organization_id]:
            continue  # a maintainer's own proposal is approved by their proposing it
        log: list[ProposalEvent] = proposal.log  # type: ignore[attr-defined]  # Prefetch to_attr
        if _maintainer_approved(log):
            continue
        for approver in approvers.get(proposal.organization_id, []):
            if approver.pk == proposal.proposer_id:
                continue
            targets.append(
                Target(
                    Audience.PROPOSAL_TO_APPROVE,
                    "projects.project",
                    proposal.pk,
                    approver,
                    proposal.term,
                    Anchor(proposal.closes),  # type: ignore[attr-defined]  # annotated
                    f"Proposal #{proposal.number}: {proposal.title}",
                    reverse("proposals:detail", args=[proposal.pk]),
                    {"project": proposal.title, "number": proposal.number},
                )
            )
    return targets


def _maintainer_approved(log: Iterable[ProposalEvent]) -> bool:
    """Whether a maintainer approved since the last material edit (§3.5)."""
    approved = False
    for event in log:
        if event.kind == gates.EDITED:
            approved = False
        elif event.kind == gates.MAINTAINER_APPROVED:
            approved = True
    return approved


Reader = Callable[[Sequence[int] | None, datetime, datetime], list[Target]]

READERS: dict[str, Reader] = {
    Audience.INCOMPLETE_APPLICATION: incomplete_applications,
    Audience.UNREVIEWED_APPLICANTS: unreviewed_applicants,
    Audience.UNANSWERED_OFFER: unanswered_offers,
    Audience.EVALUATION_DUE: evaluations_due,
    Audience.PAYMENT_WAITING: payments_waiting,
    Audience.PROPOSAL_TO_APPROVE: proposals_to_approve,
}
