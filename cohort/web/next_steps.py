"""The home page's "Your next step" box: what is waiting for the signed-in person, each with
a link to the page where it is done.

- **apply**: a term takes applications now and they have none in it, and no placement of
  theirs bars it (one mentorship at a time; for a person the menu counts as a mentee:
  `navigation.nav_roles`);
- **finish a task**: an application of theirs in progress, while its term takes applications,
  with tasks still to hand in;
- **answer an offer**: an announced offer of theirs, pending, before its deadline;
- **evaluate a mentee**: an open evaluation round of a placement on a project they mentor
  that no mentor has evaluated yet (`mentorship.queries.rounds_to_evaluate`);
- **give feedback**: a round of their own placement that has opened with no feedback from
  them yet (`mentorship.queries.feedback_to_give`);
- **decide overdue evaluations**: as a program admin, rounds that closed with no evaluation
  (`mentorship.queries.overdue_by_term`);
- **approve stipend payments**: as a program admin, pending payments they may approve (none
  on a project they mentor, none they approved already: `stipends.queries.to_approve_by_term`);
- **review N applicants**: complete applications to a project they mentor that they have
  neither scored, noted nor recused from (the queue's "unreviewed" filter), while the term
  takes applications or is in review;
- **approve M proposals**: as an approver of an organization, proposals waiting for the
  maintainer approval; as a program admin, proposals holding both gates (the final
  approval) and approved ones to publish (`proposals.queries.awaiting_decision`).

The link names the action; where (the program and term) follows it as plain text. A fixed
number of queries whatever the number of terms, projects, applications or proposals
(tests/test_next_steps.py counts them); none for a visitor. A kind of step is looked for only
where the person's roles (`nav_roles`, read once per request with the menu's) say there may
be one: offers and applications in progress need an application of theirs, feedback and the
one-mentorship-at-a-time check a placement of theirs, evaluations a placement on a project
they mentor, so a person in one role does not pay the queries of the others.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from cohort.applications.models import Application, Review
from cohort.core.actors import Viewer
from cohort.core.models import User
from cohort.mentorship import queries as mentorship
from cohort.mentorship.bars import barring, live_placements
from cohort.projects.models import Project
from cohort.proposals.access import mentored_by
from cohort.proposals.queries import ProposalRow, awaiting_decision
from cohort.selection.models import Offer
from cohort.stipends.queries import to_approve_by_term
from cohort.terms.models import Milestone, Term
from cohort.web.navigation import NavRoles, nav_roles

APPLY, TASK, OFFER, REVIEW, APPROVE, FINAL, PUBLISH = (
    "apply",
    "task",
    "offer",
    "review",
    "approve",
    "final",
    "publish",
)
EVALUATE, FEEDBACK, OVERDUE = "evaluate", "feedback", "overdue"
PAYMENTS = "payments"


@dataclass(frozen=True)
class Step:
    kind: str  # one of the kinds above
    text: str  # the link's words: the action
    url: str
    detail: str = ""  # after the link: where (the program and term), how much is left
    when: datetime | None = None  # the deadline that goes with it, if any


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _window(key: str, now: datetime, *, open_only: bool) -> Exists:
    """For filtering terms: the milestone `key` has started at `now` and, `open_only`, has
    not ended (else: has not ended, whether or not it has started)."""
    milestones = Milestone.objects.filter(term=OuterRef("pk"), key=key, end__gt=now)
    if open_only:
        milestones = milestones.filter(start__lte=now)
    return Exists(milestones)


def next_steps(user: Viewer, now: datetime, roles: NavRoles | None = None) -> list[Step]:
    """What is waiting for `user` at `now`, most urgent kind first; `roles` are `user`'s
    `nav_roles` if the caller has them already (the home page: the menu's)."""
    if not isinstance(user, User) or not user.is_authenticated:
        return []
    steps: list[Step] = []
    if roles is None:
        roles = nav_roles(user)
    open_terms: QuerySet[Term] = Term.objects.filter(
        _window("applications_open", now, open_only=True)
    )

    # Offers to answer: an offer is made on an application of theirs (its mentee is the
    # application's), so they count as a mentee (`nav_roles`: they applied).
    offers = Offer.objects.filter(
        mentee=user, status=Offer.Status.PENDING, deadline__gt=now
    ).select_related("project", "term__program")
    for offer in offers.order_by("deadline", "id") if roles.mentee else ():
        steps.append(
            Step(
                OFFER,
                f"Answer your offer on “{offer.project.title}”",
                reverse("applications:home"),
                f"({offer.term})",
                offer.deadline,
            )
        )

    # The mentorship period: evaluations to submit (of a placement on a project they mentor:
    # `has_mentees`), feedback to give (on a placement of theirs: `placed`), overdue rounds.
    if roles.has_mentees:
        for r in mentorship.rounds_to_evaluate(user, now):
            placement = r.placement
            steps.append(
                Step(
                    EVALUATE,
                    f"Submit the {r.label.lower()} of {mentorship.mentee_name(placement)}",
                    reverse("mentorship:evaluate", args=[placement.pk, r.key]),
                    f"(“{placement.project.title}”, {placement.term})",
                    r.closes_at,
                )
            )
    for r in mentorship.feedback_to_give(user, now) if roles.placed else ():
        steps.append(
            Step(
                FEEDBACK,
                f"Give your feedback for the {r.label.lower()}",
                reverse("mentorship:feedback", args=[r.placement.pk, r.key]),
                f"(“{r.placement.project.title}”, {r.placement.term})",
                r.due_at,
            )
        )
    if roles.program_admin:
        for term, count in mentorship.overdue_by_term(user, now):
            steps.append(
                Step(
                    OVERDUE,
                    f"Decide {_plural(count, 'overdue evaluation')}",
                    reverse("mentorship:overdue", args=[term.pk]),
                    f"of {term}",
                )
            )
        for term, count in to_approve_by_term(user):
            steps.append(
                Step(
                    PAYMENTS,
                    f"Approve {_plural(count, 'stipend payment')}",
                    reverse("stipends:payments", args=[term.pk]) + "?status=pending",
                    f"of {term}",
                )
            )

    # Applications in progress, while their term takes applications (they applied, so they
    # count as a mentee).
    in_progress: QuerySet[Application] = Application.objects.filter(
        mentee=user, status=Application.Status.DRAFT, term__in=open_terms
    )
    drafts = (
        in_progress.select_related("project", "term")
        .annotate(missing=Count("tasks", filter=Q(tasks__completed_at__isnull=True)))
        .filter(missing__gt=0)
    )
    for draft in drafts.order_by("created_at", "id") if roles.mentee else ():
        steps.append(
            Step(
                TASK,
                f"Finish your application to “{draft.project.title}”",
                reverse("applications:detail", args=[draft.pk]),
                f"({_plural(draft.missing, 'task')} to hand in)",
            )
        )

    # Terms that take applications, where they have none.
    if roles.mentee:
        mine = Application.objects.filter(mentee=user, term=OuterRef("pk"))
        closes = Milestone.objects.filter(term=OuterRef("pk"), key="applications_open")
        terms = (
            open_terms.filter(~Exists(mine))
            .annotate(closes=Subquery(closes.values("end")[:1]))
            .select_related("program")
            .order_by("program__name", "-year", "-number")
        )
        # One mentorship at a time: only someone placed has a placement that may bar it.
        placements = live_placements(user) if roles.placed else []
        begins = Milestone.objects.filter(term=OuterRef("pk"), key="term_start")
        ends = Milestone.objects.filter(term=OuterRef("pk"), key="term_end")
        terms = terms.annotate(
            begins=Subquery(begins.values("start")[:1]),
            ends=Subquery(ends.annotate(last=Coalesce("end", "start")).values("last")[:1]),
        )
        for open_term in terms:
            if barring(placements, open_term, (open_term.begins, open_term.ends)) is not None:
                continue
            steps.append(
                Step(
                    APPLY,
                    f"Apply to a project of {open_term.label}",
                    open_term.get_absolute_url(),
                    f"({open_term.program.name})",
                    open_term.closes,
                )
            )

    # Applicants to review, on the projects they mentor.
    if roles.mentor:
        reviewed = Review.objects.filter(reviewer=user).filter(
            Q(score__isnull=False) | ~Q(notes="") | Q(conflict=True)
        )
        live = Term.objects.filter(
            _window("applications_open", now, open_only=True)
            | (
                Exists(Milestone.objects.filter(term=OuterRef("pk"), key="applications_open"))
                & _window("application_review", now, open_only=True)
            )
        )
        mentored: QuerySet[Project] = Project.objects.filter(mentored_by(user), term__in=live)
        projects = (
            mentored.annotate(
                unreviewed=Count(
                    "applications",
                    filter=Q(applications__status__in=Application.COMPLETE)
                    & ~Q(applications__mentee=user)
                    & ~Q(applications__in=reviewed.values("application_id")),
                )
            )
            .filter(unreviewed__gt=0)
            .select_related("term__program")
            .order_by("term__year", "term__number", "position", "id")
        )
        for project in projects:
            steps.append(
                Step(
                    REVIEW,
                    f"Review {_plural(project.unreviewed, 'applicant')} of “{project.title}”",
                    reverse("applications:queue", args=[project.pk]) + "?state=unreviewed",
                    f"({project.term})",
                )
            )

    # Proposals waiting for their decision.
    if roles.maintainer or roles.program_admin:
        waiting = awaiting_decision(user)
        if waiting.approve:
            steps.append(
                Step(
                    APPROVE,
                    f"Approve {_plural(len(waiting.approve), 'proposal')} as a maintainer",
                    _one_or_list(waiting.approve),
                )
            )
        for term, rows in _by_term(waiting.final):
            steps.append(
                Step(
                    FINAL,
                    f"Give the final approval to {_plural(len(rows), 'proposal')}",
                    _one_or_board(rows, term),
                    f"of {term}",
                )
            )
        for term, rows in _by_term(waiting.publish):
            steps.append(
                Step(
                    PUBLISH,
                    f"Publish {_plural(len(rows), 'approved proposal')}",
                    reverse("proposals:board", args=[term.pk]),
                    f"of {term}",
                )
            )
    return steps


def _by_term(rows: list[ProposalRow]) -> list[tuple[Term, list[ProposalRow]]]:
    groups: dict[int, list[ProposalRow]] = defaultdict(list)
    terms: dict[int, Term] = {}
    for row in rows:
        groups[row.project.term_id].append(row)
        terms[row.project.term_id] = row.project.term
    return [(terms[pk], group) for pk, group in groups.items()]


def _one_or_list(rows: list[ProposalRow]) -> str:
    if len(rows) == 1:
        return reverse("proposals:detail", args=[rows[0].project.pk])
    return reverse("proposals:list")


def _one_or_board(rows: list[ProposalRow], term: Term) -> str:
    if len(rows) == 1:
        return reverse("proposals:detail", args=[rows[0].project.pk])
    return reverse("proposals:board", args=[term.pk])
