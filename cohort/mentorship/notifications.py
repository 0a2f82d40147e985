"""Mentorship e-mail, each through core's outbox (one row per kind, object and recipient, so a
second run, a retry or a run after a crash sends nothing twice):

- a round opens: each mentor of the placement's project (evaluate) and the mentee (feedback);
  keyed on the placement's round;
- an evaluation is submitted: the project's mentors, so co-mentors know; keyed on the
  evaluation;
- the result is settled: the mentee, with the comments meant for them (never the private
  ones); keyed on the evaluation and its settling, so a reopened evaluation that settles again
  tells the mentee again;
- overdue evaluations: each program admin of a term with a round closed and not evaluated,
  once a day (UTC) while any is overdue; keyed on the term and the day.

A send that failed is retried by `cohort run-periodic` (`replan_unsent`, registered for the
round and evaluation keys): it plans the same e-mail again from the row as it is now. The
overdue list needs no retry: the next day's list is sent while anything is still overdue.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone

from cohort.core.emails import site_url
from cohort.core.models import User
from cohort.core.time import format_instant
from cohort.mentorship.models import Evaluation, EvaluationRound, Placement
from cohort.mentorship.queries import overdue_rounds
from cohort.notifications.kinds import register_kind
from cohort.notifications.services import deliver, outbox_row
from cohort.projects.models import Mentorship
from cohort.terms.models import ProgramMembership, Term

ROUND_OPEN = "mentorship_round_open"
SUBMITTED = "mentorship_evaluation_submitted"
RESULT = "mentorship_result"
OVERDUE = "mentorship_overdue"

register_kind(
    ROUND_OPEN,
    "An evaluation round opened",
    essential=True,
    why="an evaluation you must submit; a payment depends on it",
)
register_kind(
    SUBMITTED,
    "An evaluation of your mentee was submitted",
    essential=True,
    why="a pass or fail that decides a payment",
)
register_kind(
    RESULT, "Your evaluation result", essential=True, why="a decision about your internship"
)
register_kind(OVERDUE, "Admins' list of overdue evaluations", essential=False)

ROUND_OBJECT = "mentorship.round"
EVALUATION_OBJECT = "mentorship.evaluation"
OVERDUE_OBJECT = "mentorship.overdue"


def _name(user: User) -> str:
    return user.get_full_name() or user.username


def mentor_users(project_ids: Iterable[int]) -> dict[int, list[User]]:
    """Per project, its mentors who have a login (one query)."""
    mentors: dict[int, list[User]] = defaultdict(list)
    rows = Mentorship.objects.filter(
        project__in=list(project_ids), person__user__isnull=False
    ).select_related("person__user")
    for row in rows.order_by("project_id", "position"):
        user = row.person.user if row.person is not None else None
        if user is not None and user not in mentors[row.project_id]:
            mentors[row.project_id].append(user)
    return mentors


def _send(kind: str, object_type: str, key: str, user: User, context: dict[str, Any]) -> int:
    if not user.email:
        return 0
    context = {"name": _name(user), **context}
    row, _ = outbox_row(kind, object_type, key, user, context)
    return int(row.sent_at is None and deliver(row, user, context))


def _placement_context(placement: Placement) -> dict[str, Any]:
    return {
        "project": placement.project.title,
        "term": placement.term.label,
        "program": placement.term.program.name,
        "mentee": _name(placement.mentee),
        "link": f"{site_url()}{reverse('mentorship:placement', args=[placement.pk])}",
    }


def _when(moment: datetime, placement: Placement) -> str:
    local = format_instant(moment.astimezone(placement.term.zone))
    return f"{local} ({format_instant(moment.astimezone(UTC))})"


def notify_round_open(round_id: int) -> int:
    """The round is open: the mentors evaluate, the mentee gives feedback."""
    round_ = (
        EvaluationRound.objects.select_related(
            "placement__term__program", "placement__project", "placement__mentee"
        )
        .filter(pk=round_id)
        .first()
    )
    if round_ is None:
        return 0
    placement = round_.placement
    context = {
        **_placement_context(placement),
        "round": round_.label,
        "due": _when(round_.due_at, placement),
        "final": round_.final,
    }
    sent = 0
    for mentor in mentor_users([placement.project_id])[placement.project_id]:
        sent += _send(
            ROUND_OPEN, ROUND_OBJECT, str(round_.pk), mentor, {**context, "as_mentor": True}
        )
    sent += _send(
        ROUND_OPEN, ROUND_OBJECT, str(round_.pk), placement.mentee, {**context, "as_mentor": False}
    )
    return sent


def _evaluation(evaluation_id: int) -> Evaluation | None:
    return (
        Evaluation.objects.select_related(
            "round",
            "author",
            "placement__term__program",
            "placement__project",
            "placement__mentee",
        )
        .filter(pk=evaluation_id)
        .first()
    )


def notify_evaluation_submitted(evaluation_id: int) -> int:
    """The project's mentors (the author too: a receipt) learn the round is evaluated."""
    evaluation = _evaluation(evaluation_id)
    if evaluation is None:
        return 0
    placement = evaluation.placement
    context = {
        **_placement_context(placement),
        "round": evaluation.round.label,
        "author": _name(evaluation.author) if evaluation.author else "a program admin",
        "passed": evaluation.passed,
        "closes": _when(evaluation.round.closes_at, placement),
    }
    mentors = mentor_users([placement.project_id])[placement.project_id]
    return sum(_send(SUBMITTED, EVALUATION_OBJECT, str(evaluation.pk), m, context) for m in mentors)


def notify_result(evaluation_id: int) -> int:
    """The mentee learns the settled result and the comments meant for them."""
    evaluation = _evaluation(evaluation_id)
    if evaluation is None or evaluation.settled_at is None:
        return 0
    placement = evaluation.placement
    context = {
        **_placement_context(placement),
        "round": evaluation.round.label,
        "passed": evaluation.passed,
        "comments": evaluation.comments_for_mentee,
        "final": evaluation.round.final,
    }
    key = f"{evaluation.pk}:{evaluation.settled_at.isoformat()}"
    return _send(RESULT, EVALUATION_OBJECT, key, placement.mentee, context)


def send_overdue_digests(now: datetime | None = None) -> int:
    """Each admin of a term with overdue evaluations gets the list once a day (UTC)."""
    now = now or timezone.now()
    by_term: dict[int, list[EvaluationRound]] = defaultdict(list)
    for round_ in overdue_rounds(now):
        by_term[round_.placement.term_id].append(round_)
    if not by_term:
        return 0
    terms = Term.objects.select_related("program").in_bulk(list(by_term))
    admins: dict[int, list[User]] = defaultdict(list)
    memberships = ProgramMembership.objects.filter(
        program__in={t.program_id for t in terms.values()}, role=ProgramMembership.Role.ADMIN
    ).select_related("user")
    for membership in memberships:
        admins[membership.program_id].append(membership.user)
    day = now.astimezone(UTC).date().isoformat()
    sent = 0
    for term_id, rounds in by_term.items():
        term = terms[term_id]
        context = {
            "term": term.label,
            "program": term.program.name,
            "count": len(rounds),
            "rows": [
                {
                    "mentee": _name(r.placement.mentee),
                    "project": r.placement.project.title,
                    "round": r.label,
                    "closed": _when(r.closes_at, r.placement),
                }
                for r in rounds
            ],
            "link": f"{site_url()}{reverse('mentorship:overdue', args=[term.pk])}",
        }
        for admin in admins[term.program_id]:
            sent += _send(OVERDUE, OVERDUE_OBJECT, f"{term.pk}:{day}", admin, context)
    return sent


def replan_unsent(rows: Sequence[tuple[str, str]]) -> int:
    """Send again the unsent outbox rows `rows` ((kind, object_id) keyed on rounds and
    evaluations): the same plans, so only what is still unsent goes out; how many were sent."""
    sent = 0
    for kind, object_id in sorted(set(rows)):
        pk = object_id.split(":", 1)[0]
        if not pk.isdigit():
            continue
        if kind == ROUND_OPEN:
            sent += notify_round_open(int(pk))
        elif kind == SUBMITTED:
            sent += notify_evaluation_submitted(int(pk))
        elif kind == RESULT:
            sent += notify_result(int(pk))
    return sent
