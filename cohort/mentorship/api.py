"""Placements through the API: the same read model as the pages (`mentorship.queries`), every
write through `mentorship.services`.

Every operation needs a user (a token or a session; 401 without). A placement the caller has
no seat at (`mentorship.access`: its mentee, a mentor of its project, a program admin of its
term) is 404, exactly as one that does not exist; a term's lists are its program admins' (404
for anyone else). What each seat sees of a placement's rounds:

- the mentee: the results and the comments meant for them, their own feedback; never the
  mentors' private comments (null) or an admin's reason for deciding;
- the project's mentors: the evaluations whole; never the mentee's feedback (null: only
  whether it was given);
- the program admins: everything.

Errors: 400 for a broken rule, 403 for a seat that may see the placement but not make this
change (a mentor extending it), 409 when the round's evaluation or feedback already exists,
422 for a body that does not match its schema. Instants are ISO 8601 in UTC.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Router, Status

from cohort.core.api_auth import api_auth, request_user
from cohort.core.api_errors import errors
from cohort.core.errors import DomainError
from cohort.core.schemas import Id
from cohort.mentorship import queries, services
from cohort.mentorship.access import Seat, access_placement
from cohort.mentorship.models import Evaluation, Feedback, Placement
from cohort.mentorship.schemas import (
    CompletionShareOut,
    OverdueRoundOut,
    PlacementAnswersIn,
    PlacementEvaluationIn,
    PlacementEvaluationOut,
    PlacementExtendIn,
    PlacementFeedbackIn,
    PlacementFeedbackOut,
    PlacementOut,
    PlacementReasonIn,
    PlacementResumeIn,
    PolicyChoiceIn,
    PolicyChoiceOut,
    RoundDecisionIn,
    RoundReopenIn,
)
from cohort.terms.access import access_admin_program, access_admin_term
from cohort.terms.models import Program

router = Router(tags=["mentorship"], auth=api_auth)
ERRORS: Final = errors(400, 401, 404, 422)
WRITE_ERRORS: Final = errors(400, 401, 403, 404, 409, 422)

# --- what each seat sees -------------------------------------------------------------------


def completion_path(token: str) -> str:
    """The public completion page of `token` (its path)."""
    return reverse("mentorship:completion", args=[token])


def evaluation_out(evaluation: Evaluation, seat: Seat, placement_status: str) -> dict[str, Any]:
    private = seat.sees_private_comments
    return {
        "round": evaluation.round.key,
        "status": evaluation.status,
        "passed": evaluation.passed,
        "mentor_passed": evaluation.mentor_passed,
        "progress": evaluation.progress,
        "communication": evaluation.communication,
        "hours_per_week": evaluation.hours_per_week,
        "comments_for_mentee": evaluation.comments_for_mentee,
        "private_comments": evaluation.private_comments if private else None,
        "override_reason": evaluation.override_reason if private else None,
        "submitted_at": evaluation.submitted_at,
        "settled_at": evaluation.settled_at,
        "placement_status": placement_status,
    }


def feedback_out(feedback: Feedback) -> dict[str, Any]:
    return {
        "round": feedback.round.key,
        "mentor_rating": feedback.mentor_rating,
        "program_rating": feedback.program_rating,
        "mentor_comments": feedback.mentor_comments,
        "program_comments": feedback.program_comments,
        "blog_url": feedback.blog_url,
        "work_links": list(feedback.work_links),
        "submitted_at": feedback.submitted_at,
        "late": feedback.late,
    }


def _result(view: queries.RoundView) -> str | None:
    if view.evaluation is None:
        return None
    return "passed" if view.evaluation.passed else "failed"


def rounds_out(placement: Placement, seat: Seat, now: datetime) -> list[dict[str, Any]]:
    """The placement's rounds as `seat` sees them (`queries.round_views` decides)."""
    out = []
    for view in queries.round_views(placement, seat, now):
        r = view.round
        out.append(
            {
                "key": r.key,
                "label": r.label,
                "final": r.final,
                "state": view.state,
                "opens_at": r.opens_at,
                "due_at": r.due_at,
                "closes_at": r.closes_at,
                "result": _result(view),
                "settled": view.settled,
                "evaluation": evaluation_out(view.evaluation, seat, placement.status)
                if view.evaluation is not None
                else None,
                "feedback_given": view.feedback_given,
                "feedback": feedback_out(view.feedback)
                if view.feedback is not None and seat.sees_feedback
                else None,
                "can_evaluate": view.can_evaluate,
                "can_give_feedback": view.can_give_feedback,
            }
        )
    return out


def placement_out(row: queries.PlacementRow, seat: Seat, now: datetime) -> dict[str, Any]:
    p = row.placement
    shared = seat is Seat.MENTEE and p.share_token
    return {
        "id": p.pk,
        "status": p.status,
        "seat": seat.value,
        "term": p.term_id,
        "term_label": p.term.label,
        "project": p.project_id,
        "project_title": p.project.title,
        "organization": p.project.organization.name,
        "mentee": p.mentee_id,
        "mentee_name": row.mentee_name,
        "starts_at": p.starts_at,
        "ends_at": p.ends_at,
        "extended_weeks": p.extended_weeks,
        "paused_days": p.paused_days,
        "outcome_note": p.outcome_note,
        "completion_url": completion_path(p.share_token) if shared and p.share_token else None,
        "mentors": [vars(m) for m in row.mentors],
        "upstream_issues": row.upstream,
        "dates_ahead": [
            {"key": d.key, "label": d.label, "at": d.closes.at, "whole_day": d.whole_day}
            for d in row.ahead
        ],
        "rounds": rounds_out(p, seat, now),
    }


def _detail(pk: int, seat: Seat) -> dict[str, Any]:
    now = timezone.now()
    return placement_out(queries.placement_row(pk, now), seat, now)


def _placement(request: HttpRequest, pk: int) -> tuple[Placement, Seat]:
    return access_placement(request_user(request), pk)


# --- lists ---------------------------------------------------------------------------------


@router.get("/me/placements", response={200: list[PlacementOut], **ERRORS})
def my_placements(request: HttpRequest) -> list[dict[str, Any]]:
    """Your placements as a mentee, newest term first, with their rounds: your results, the
    comments meant for you and your own feedback."""
    now = timezone.now()
    rows = queries.mentee_placements(request_user(request), now)
    return [placement_out(row, Seat.MENTEE, now) for row in rows]


@router.get("/me/mentees", response={200: list[PlacementOut], **ERRORS})
def my_mentees(request: HttpRequest) -> list[dict[str, Any]]:
    """The placements on the projects you mentor, newest term first, with their rounds and
    evaluations (never the mentee's feedback, only whether it was given)."""
    now = timezone.now()
    rows = queries.mentor_placements(request_user(request), now)
    return [placement_out(row, Seat.MENTOR, now) for row in rows]


@router.get("/terms/{pk}/placements", response={200: list[PlacementOut], **ERRORS})
def term_placements(request: HttpRequest, pk: Id, status: str = "") -> list[dict[str, Any]]:
    """The term's placements (program admins), optionally of one `status`."""
    term = access_admin_term(request_user(request), pk)
    if status and status not in Placement.Status.values:
        raise DomainError(
            f"“{status}” is not a placement status; use one of "
            + ", ".join(Placement.Status.values)
            + "."
        )
    now = timezone.now()
    rows = queries.term_placements(term, now, status=status)
    return [placement_out(row, Seat.ADMIN, now) for row in rows]


@router.get("/terms/{pk}/overdue", response={200: list[OverdueRoundOut], **ERRORS})
def term_overdue(request: HttpRequest, pk: Id) -> list[dict[str, Any]]:
    """The term's rounds closed with no evaluation, of placements still running (program
    admins), oldest first: decide each (override) or reopen it for the mentors."""
    term = access_admin_term(request_user(request), pk)
    rows = queries.term_overdue(term, timezone.now())
    return [
        {
            "placement": row.round.placement_id,
            "round": row.round.key,
            "label": row.round.label,
            "mentee": row.round.placement.mentee_id,
            "mentee_name": row.mentee_name,
            "project": row.round.placement.project_id,
            "project_title": row.round.placement.project.title,
            "organization": row.round.placement.project.organization.name,
            "placement_status": row.round.placement.status,
            "due_at": row.round.due_at,
            "closed_at": row.closed.at,
        }
        for row in rows
    ]


# --- one placement -------------------------------------------------------------------------


@router.get("/placements/{pk}", response={200: PlacementOut, **ERRORS})
def placement_detail(request: HttpRequest, pk: Id) -> dict[str, Any]:
    """One placement, for its mentee, its project's mentors and the program admins."""
    placement, seat = _placement(request, pk)
    return _detail(placement.pk, seat)


def _answers(payload: PlacementAnswersIn) -> services.Answers:
    return services.Answers(
        passed=payload.passed,
        progress=payload.progress,
        communication=payload.communication,
        hours_per_week=payload.hours_per_week,
        comments_for_mentee=payload.comments_for_mentee,
        private_comments=payload.private_comments,
    )


def _evaluation(evaluation: Evaluation, seat: Seat) -> dict[str, Any]:
    fresh = Evaluation.objects.select_related("round", "placement").get(pk=evaluation.pk)
    return evaluation_out(fresh, seat, fresh.placement.status)


@router.post("/placements/{pk}/evaluations", response={201: PlacementEvaluationOut, **WRITE_ERRORS})
def submit_evaluation(
    request: HttpRequest, pk: Id, payload: PlacementEvaluationIn
) -> Status[dict[str, Any]]:
    """A mentor of the project evaluates an open round: 201; 409 when the round already has
    its evaluation (edit that one with PUT)."""
    placement, seat = _placement(request, pk)
    evaluation = services.submit_evaluation(
        placement, actor=request_user(request), round_key=payload.round, answers=_answers(payload)
    )
    return Status(201, _evaluation(evaluation, seat))


@router.put(
    "/placements/{pk}/evaluations/{key}", response={200: PlacementEvaluationOut, **WRITE_ERRORS}
)
def edit_evaluation(
    request: HttpRequest, pk: Id, key: str, payload: PlacementAnswersIn
) -> dict[str, Any]:
    """A mentor of the project changes the round's evaluation while the round is open."""
    placement, seat = _placement(request, pk)
    evaluation = services.edit_evaluation(
        placement, actor=request_user(request), round_key=key, answers=_answers(payload)
    )
    return _evaluation(evaluation, seat)


@router.post(
    "/placements/{pk}/evaluations/{key}/reopen", response={200: PlacementOut, **WRITE_ERRORS}
)
def reopen_evaluation(
    request: HttpRequest, pk: Id, key: str, payload: RoundReopenIn
) -> dict[str, Any]:
    """A program admin reopens the round for the mentors until `until`, with a reason."""
    placement, seat = _placement(request, pk)
    services.reopen_evaluation(
        placement,
        actor=request_user(request),
        round_key=key,
        until=payload.until,
        reason=payload.reason,
    )
    return _detail(placement.pk, seat)


@router.post(
    "/placements/{pk}/evaluations/{key}/override",
    response={200: PlacementEvaluationOut, **WRITE_ERRORS},
)
def override_evaluation(
    request: HttpRequest, pk: Id, key: str, payload: RoundDecisionIn
) -> dict[str, Any]:
    """A program admin decides the round's result, with a reason; it counts at once (a fail
    that ends the placement fails it, a final pass graduates it)."""
    placement, seat = _placement(request, pk)
    evaluation = services.override_evaluation(
        placement,
        actor=request_user(request),
        round_key=key,
        passed=payload.passed,
        reason=payload.reason,
    )
    return _evaluation(evaluation, seat)


@router.post("/placements/{pk}/feedback", response={201: PlacementFeedbackOut, **WRITE_ERRORS})
def submit_feedback(
    request: HttpRequest, pk: Id, payload: PlacementFeedbackIn
) -> Status[dict[str, Any]]:
    """The mentee's feedback on their mentors and the program for a round that has opened:
    201 (`late` when given after the round was due); 409 for a second one."""
    placement, _seat = _placement(request, pk)
    feedback = services.submit_feedback(
        placement,
        actor=request_user(request),
        round_key=payload.round,
        answers=services.FeedbackAnswers(
            mentor_rating=payload.mentor_rating,
            program_rating=payload.program_rating,
            mentor_comments=payload.mentor_comments,
            program_comments=payload.program_comments,
            blog_url=payload.blog_url,
            work_links=payload.work_links,
        ),
    )
    fresh = Feedback.objects.select_related("round").get(pk=feedback.pk)
    return Status(201, feedback_out(fresh))


@router.post("/placements/{pk}/extend", response={200: PlacementOut, **WRITE_ERRORS})
def extend(request: HttpRequest, pk: Id, payload: PlacementExtendIn) -> dict[str, Any]:
    """A program admin extends the placement by `weeks`: its end and its rounds not yet due
    move later."""
    placement, seat = _placement(request, pk)
    services.extend_placement(
        placement, actor=request_user(request), weeks=payload.weeks, reason=payload.reason
    )
    return _detail(placement.pk, seat)


@router.post("/placements/{pk}/hold", response={200: PlacementOut, **WRITE_ERRORS})
def hold(request: HttpRequest, pk: Id, payload: PlacementReasonIn) -> dict[str, Any]:
    """A program admin pauses an active placement, with a reason."""
    placement, seat = _placement(request, pk)
    services.hold_placement(placement, actor=request_user(request), reason=payload.reason)
    return _detail(placement.pk, seat)


@router.post("/placements/{pk}/resume", response={200: PlacementOut, **WRITE_ERRORS})
def resume(request: HttpRequest, pk: Id, payload: PlacementResumeIn) -> dict[str, Any]:
    """A program admin resumes a paused placement: its dates ahead move by the pause."""
    placement, seat = _placement(request, pk)
    services.resume_placement(placement, actor=request_user(request), note=payload.note)
    return _detail(placement.pk, seat)


@router.post("/placements/{pk}/withdraw", response={200: PlacementOut, **WRITE_ERRORS})
def withdraw(request: HttpRequest, pk: Id, payload: PlacementReasonIn) -> dict[str, Any]:
    """The mentee or a program admin withdraws the placement, with a reason."""
    placement, seat = _placement(request, pk)
    services.withdraw_placement(placement, actor=request_user(request), reason=payload.reason)
    return _detail(placement.pk, seat)


def _share_out(placement: Placement) -> dict[str, Any]:
    token = placement.share_token
    return {"shared": bool(token), "url": completion_path(token) if token else None}


@router.post("/placements/{pk}/share", response={200: CompletionShareOut, **WRITE_ERRORS})
def share(request: HttpRequest, pk: Id) -> dict[str, Any]:
    """The graduated mentee publishes their completion page; its path is in `url`."""
    placement, _seat = _placement(request, pk)
    return _share_out(services.share_completion(placement, actor=request_user(request)))


@router.delete("/placements/{pk}/share", response={200: CompletionShareOut, **WRITE_ERRORS})
def unshare(request: HttpRequest, pk: Id) -> dict[str, Any]:
    """The mentee takes their completion page down; its address stops working for good."""
    placement, _seat = _placement(request, pk)
    return _share_out(services.unshare_completion(placement, actor=request_user(request)))


# --- the program's evaluation policy -------------------------------------------------------


def _policies(program: Program) -> list[dict[str, Any]]:
    return [
        {**vars(choice), "rounds": [vars(r) for r in choice.rounds]}
        for choice in queries.policy_choices(program)
    ]


@router.get("/programs/{slug}/evaluation-policies", response={200: list[PolicyChoiceOut], **ERRORS})
def evaluation_policies(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    """The evaluation policies the program can use (program admins): the ones it has and the
    presets (LFX full-time and part-time, GSoC, Outreachy), its default first."""
    return _policies(access_admin_program(request_user(request), slug))


@router.put(
    "/programs/{slug}/evaluation-policy", response={200: list[PolicyChoiceOut], **WRITE_ERRORS}
)
def choose_evaluation_policy(
    request: HttpRequest, slug: str, payload: PolicyChoiceIn
) -> list[dict[str, Any]]:
    """Make `policy` the program's default: placements made from now on take its rounds;
    placements already made keep theirs."""
    program = access_admin_program(request_user(request), slug)
    services.install_policy(program, payload.policy, actor=request_user(request))
    return _policies(program)
