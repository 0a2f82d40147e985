"""Every write to a placement: one service per transition of `Placement.TRANSITIONS`, each
atomic, holding the placement's row lock, checked against the table and audited
(`cohort.core.workflow.transition`: compare-and-swap, then an `AuditEvent`).

Who may do what: a program admin of the term's program makes every change; the mentee may
also withdraw their own placement; the placement itself is made when the mentee accepts
their offer (`create_placement`, called by `cohort.selection.services.accept_offer` through
the hook registered in `MentorshipConfig.ready()`).

The evaluations (`submit_evaluation`, `edit_evaluation`, `lock_evaluation`,
`reopen_evaluation`, `override_evaluation`), the mentee's feedback (`submit_feedback`), the
placement's own dates (`extend_placement`, and the pause of `hold_placement` and
`resume_placement`) and the completion page (`share_completion`, `unshare_completion`) are
here too; see each for who may call it.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone

from cohort.applications.access import is_mentor_of
from cohort.core.errors import ConflictError, DomainError, NotAllowedError
from cohort.core.models import AuditEvent, User
from cohort.core.text import check_text
from cohort.core.time import format_instant
from cohort.core.workflow import transition, transition_many
from cohort.mentorship import hooks, notifications
from cohort.mentorship.models import (
    COMMENT_MAX,
    MAX_EXTENDED_WEEKS,
    MAX_HOURS,
    MAX_WORK_LINKS,
    REASON_MAX,
    Communication,
    Evaluation,
    EvaluationPolicy,
    EvaluationRound,
    EvaluationStatus,
    Feedback,
    Placement,
    PlacementStatus,
    PolicyRound,
    Progress,
    Rating,
)
from cohort.mentorship.policies import DEFAULT_PRESET, PRESETS
from cohort.mentorship.schedule import local_days_later, plan_rounds, whole_days
from cohort.selection.models import Offer
from cohort.terms.access import is_program_admin
from cohort.terms.models import Program, Term
from cohort.terms.services import ensure_open

Status = PlacementStatus

# What each move is called in a refusal: "This placement is withdrawn; it cannot graduate."
_BECOME = {
    Status.ACTIVE: "become active",
    Status.ON_HOLD: "be put on hold",
    Status.WITHDRAWN: "be withdrawn",
    Status.FAILED: "be marked as failed",
    Status.GRADUATED: "graduate",
}


def _label(status: str) -> str:
    return status.replace("_", " ")


# --- creation ------------------------------------------------------------------------------


@transaction.atomic
def create_placement(offer: Offer, actor: User) -> Placement:
    """The placement of an accepted offer: upcoming, with the dates of the term's timeline
    (`term_start`, `term_end`). Idempotent: the application's placement if it has one.

    Registered as the handler of `cohort.selection.hooks.on_offer_accepted`, so it runs
    inside `accept_offer`'s transaction and a refusal here undoes the acceptance."""
    offer = Offer.objects.select_related("term__program").get(pk=offer.pk)
    ensure_open(offer.term)
    existing = Placement.objects.filter(application_id=offer.application_id).first()
    if existing is not None:
        return existing
    if offer.status != Offer.Status.ACCEPTED:
        raise DomainError(
            f"Only an accepted offer becomes a placement; this one is "
            f"{offer.get_status_display().lower()}."
        )
    if actor.pk != offer.mentee_id and not is_program_admin(actor, offer.term.program):
        raise NotAllowedError("Only the mentee or a program admin can place a mentee.")
    term = offer.term
    starts = term.window("term_start").start
    last_day = term.window("term_end")
    ends = last_day.end or last_day.start
    if starts is not None and ends is not None and ends < starts:
        ends = None  # a timeline whose end precedes its start dates no end
    try:
        with transaction.atomic():
            placement = Placement.objects.create(
                term=term,
                project_id=offer.project_id,
                mentee_id=offer.mentee_id,
                application_id=offer.application_id,
                offer=offer,
                status=Status.UPCOMING,
                status_changed_at=timezone.now(),
                starts_at=starts,
                ends_at=ends,
                policy=policy_for(term.program),
            )
            _plan_rounds(placement)
    except IntegrityError:
        raced = Placement.objects.filter(application_id=offer.application_id).first()
        if raced is not None:
            return raced
        raise ConflictError("This mentee already has a placement in this term.") from None
    AuditEvent.record(
        actor,
        "mentorship.placement.created",
        placement,
        data={
            "offer": offer.pk,
            "application": offer.application_id,
            "starts_at": starts.isoformat() if starts else None,
            "ends_at": ends.isoformat() if ends else None,
        },
    )
    return placement


def on_offer_accepted(offer: Offer, actor: User) -> None:
    """The `cohort.selection.hooks` handler: the accepted offer becomes a placement."""
    create_placement(offer, actor)


# --- transitions ---------------------------------------------------------------------------


def _locked(placement: Placement, *, frozen: bool = True) -> Placement:
    """The placement's row, locked, with its term; refused once the term is closed (issue 16)
    unless `frozen` is False (a mentee still shares their completion after the close)."""
    found = (
        Placement.objects.select_for_update(of=("self",))
        .select_related("term__program")
        .get(pk=placement.pk)
    )
    if frozen:
        ensure_open(found.term)
    return found


def _reason(reason: str, field: str, *, required: bool) -> str:
    reason = check_text(reason.strip(), field=field, max_length=REASON_MAX)
    if required and not reason:
        raise DomainError(f"“{field}” is required: say why, for the record.")
    return reason


def _require_admin(placement: Placement, actor: User, *, or_mentee: bool = False) -> None:
    if or_mentee and actor.pk == placement.mentee_id:
        return
    if not is_program_admin(actor, placement.term.program):
        who = "the mentee or a program admin" if or_mentee else "a program admin"
        raise NotAllowedError(f"Only {who} can change this placement.")


def _move(
    placement: Placement,
    to: str,
    *,
    actor: User,
    note: str = "",
    sources: Collection[str] | None = None,
    outcome: bool = False,
    or_mentee: bool = False,
    also: dict[str, object] | None = None,
) -> Placement:
    """Lock, authorize, check the table (and `sources`, when a service covers only some of
    the edges into `to`), then move and audit."""
    placement = _locked(placement)
    _require_admin(placement, actor, or_mentee=or_mentee)
    if not placement.can_become(to) or (sources is not None and placement.status not in sources):
        raise DomainError(
            f"This placement is {_label(placement.status)}; it cannot {_BECOME[Status(to)]}."
        )
    columns = {**(also or {}), **({"outcome_note": note} if outcome else {})}
    transition(placement, to=to, actor=actor, note=note, also=columns or None)
    return placement


@transaction.atomic
def activate_placement(placement: Placement, *, actor: User) -> Placement:
    """Upcoming → active, by hand (the periodic job does it at `starts_at`)."""
    return _move(placement, Status.ACTIVE, actor=actor, sources={Status.UPCOMING})


@transaction.atomic
def hold_placement(
    placement: Placement, *, actor: User, reason: str, now: datetime | None = None
) -> Placement:
    """Active → on hold (a pause), with a reason. When it resumes, its own dates still
    ahead move by the pause's length in whole days."""
    reason = _reason(reason, "Why it is put on hold", required=True)
    held_since = now or timezone.now()
    return _move(
        placement, Status.ON_HOLD, actor=actor, note=reason, also={"held_since": held_since}
    )


@transaction.atomic
def resume_placement(
    placement: Placement, *, actor: User, note: str = "", now: datetime | None = None
) -> Placement:
    """On hold → active. The placement's end and its rounds not yet due move later by the
    pause's length, in whole days of the term's calendar; nobody else's dates move."""
    now = now or timezone.now()
    note = _reason(note, "A note on resuming", required=False)
    placement = _move(placement, Status.ACTIVE, actor=actor, sources={Status.ON_HOLD}, note=note)
    held_since = placement.held_since
    days = whole_days(now - held_since) if held_since else 0
    if held_since is not None and days:
        # Rounds that fell due during the pause move too: the mentee was not working.
        _move_dates(placement, days, since=held_since)
    Placement.objects.filter(pk=placement.pk).update(
        held_since=None, paused_days=placement.paused_days + days
    )
    placement.refresh_from_db()
    if days:
        AuditEvent.record(
            actor,
            "mentorship.placement.paused",
            placement,
            data={"days": days, "ends_at": _iso(placement.ends_at)},
            note=note,
        )
    # A final round passed and settled while it was on hold graduates it now.
    passed_final = Evaluation.objects.filter(
        placement=placement, round__final=True, passed=True, settled_at__isnull=False
    )
    if passed_final.exists():
        transition(
            placement,
            to=Status.GRADUATED,
            actor=actor,
            note="The final evaluation was passed while the placement was on hold.",
        )
    return placement


@transaction.atomic
def withdraw_placement(placement: Placement, *, actor: User, reason: str) -> Placement:
    """Upcoming, active or on hold → withdrawn, with a reason; the mentee or an admin."""
    reason = _reason(reason, "Why the placement is withdrawn", required=True)
    return _move(
        placement, Status.WITHDRAWN, actor=actor, note=reason, outcome=True, or_mentee=True
    )


@transaction.atomic
def fail_placement(placement: Placement, *, actor: User, reason: str) -> Placement:
    """Active or on hold → failed, with a reason."""
    reason = _reason(reason, "Why the placement failed", required=True)
    return _move(placement, Status.FAILED, actor=actor, note=reason, outcome=True)


@transaction.atomic
def graduate_placement(placement: Placement, *, actor: User, note: str = "") -> Placement:
    """Active → graduated, with an optional note."""
    note = _reason(note, "A note on the graduation", required=False)
    return _move(placement, Status.GRADUATED, actor=actor, note=note, outcome=True)


# --- the periodic job ----------------------------------------------------------------------


@transaction.atomic
def activate_due_placements(now: datetime | None = None) -> int:
    """Make active every upcoming placement whose `starts_at` has come (`<= now`); the
    number activated. Idempotent, and a fixed number of queries however many are due: lock
    the due rows, update them in one statement, write their audit rows in one insert."""
    now = now or timezone.now()
    due = list(
        Placement.objects.select_for_update()
        .filter(status=Status.UPCOMING, starts_at__lte=now)
        .order_by("id")
    )
    if not due:
        return 0
    # The rows are locked (PostgreSQL; SQLite lets one writer at a time): should one have
    # moved anyway, undo this run rather than audit a change that did not happen.
    transition_many(
        [(p, Status.ACTIVE) for p in due],
        actor=None,
        note="The mentorship began (the term's program start).",
        now=now,
        conflict="Placements changed while they were being activated.",
    )
    return len(due)


# --- the program's policy and a placement's rounds -------------------------------------------


@transaction.atomic
def install_policy(
    program: Program, slug: str, *, actor: User | None, default: bool = True
) -> EvaluationPolicy:
    """Give `program` the preset policy `slug` (`cohort.mentorship.policies.PRESETS`) as rows
    its admins can change, and make it the default when `default`. Idempotent: a policy of that
    slug the program already has is kept as it is. `actor` None is the system installing the
    default on a program's first placement."""
    preset = PRESETS.get(slug)
    if preset is None:
        raise DomainError(
            f"“{slug}” is not a known policy; use one of {', '.join(sorted(PRESETS))}."
        )
    if actor is not None and not is_program_admin(actor, program):
        raise NotAllowedError("Only a program admin can change the program's policy.")
    Program.objects.select_for_update().filter(pk=program.pk).first()
    policy = EvaluationPolicy.objects.filter(program=program, slug=slug).first()
    if policy is None:
        policy = EvaluationPolicy.objects.create(
            program=program, slug=slug, name=preset.name, source=preset.source, weeks=preset.weeks
        )
        PolicyRound.objects.bulk_create(
            PolicyRound(
                policy=policy,
                key=r.key,
                label=r.label,
                position=position,
                week=r.week,
                milestone=r.milestone,
                opens_days_before=r.opens_days_before,
                final=r.final,
                ends_on_fail=r.ends_on_fail,
            )
            for position, r in enumerate(preset.rounds, start=1)
        )
        AuditEvent.record(actor, "mentorship.policy.installed", policy, data={"slug": slug})
    if default and not policy.is_default:
        EvaluationPolicy.objects.filter(program=program, is_default=True).update(is_default=False)
        EvaluationPolicy.objects.filter(pk=policy.pk).update(is_default=True)
        policy.is_default = True
        AuditEvent.record(actor, "mentorship.policy.default", policy, data={"slug": slug})
    return policy


def policy_for(program: Program) -> EvaluationPolicy:
    """The program's default policy; the CNCF's (LFX full-time) when it never chose one."""
    policy = EvaluationPolicy.objects.filter(program=program, is_default=True).first()
    return policy or install_policy(program, DEFAULT_PRESET, actor=None)


def _plan_rounds(placement: Placement) -> list[EvaluationRound]:
    """The placement's own rounds from its policy, when it has a start to count from (or its
    term dates the rounds). Run when the placement is made."""
    if placement.policy is None:
        return []
    term = placement.term
    closes = {m.key: m.end for m in term.milestones.all() if m.end is not None and m.has_time}
    rules = list(placement.policy.rounds.order_by("position"))
    start = placement.starts_at
    if start is None:
        if not all(r.milestone in closes for r in rules):
            return []  # nothing to count weeks from
        start = min(closes[r.milestone] for r in rules) - timedelta(weeks=rules[0].week)
    planned = plan_rounds(rules, start=start, zone=term.zone, milestone_closes=closes)
    return EvaluationRound.objects.bulk_create(
        EvaluationRound(
            placement=placement,
            key=r.key,
            label=r.label,
            position=r.position,
            opens_at=r.opens_at,
            due_at=r.due_at,
            closes_at=r.due_at,
            final=r.final,
            ends_on_fail=r.ends_on_fail,
        )
        for r in planned
    )


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _move_dates(placement: Placement, days: int, *, since: datetime) -> None:
    """Move the placement's end and its rounds due after `since` by `days` local days,
    unless their result is settled; rounds due before (evaluated or overdue) stay."""
    zone = placement.term.zone
    if placement.ends_at is not None:
        placement.ends_at = local_days_later(placement.ends_at, days, zone)
        Placement.objects.filter(pk=placement.pk).update(ends_at=placement.ends_at)
    rounds = list(
        EvaluationRound.objects.select_for_update(of=("self",))
        .filter(placement=placement, due_at__gt=since)
        .exclude(evaluation__settled_at__isnull=False)
    )
    for r in rounds:
        reopened = r.closes_at - r.due_at
        r.opens_at = local_days_later(r.opens_at, days, zone)
        r.due_at = local_days_later(r.due_at, days, zone)
        r.closes_at = r.due_at + reopened
    EvaluationRound.objects.bulk_update(rounds, ["opens_at", "due_at", "closes_at"])


@transaction.atomic
def extend_placement(
    placement: Placement, *, actor: User, weeks: int, reason: str, now: datetime | None = None
) -> Placement:
    """Extend an upcoming, active or on-hold placement by `weeks` weeks (a program admin, with
    a reason): its end and its rounds not yet due move later; nobody else's dates move."""
    now = now or timezone.now()
    placement = _locked(placement)
    _require_admin(placement, actor)
    reason = _reason(reason, "Why the placement is extended", required=True)
    if placement.is_terminal:
        raise DomainError(f"This placement is {_label(placement.status)}; it cannot be extended.")
    if not 1 <= weeks <= MAX_EXTENDED_WEEKS - placement.extended_weeks:
        left = MAX_EXTENDED_WEEKS - placement.extended_weeks
        raise DomainError(
            f"Extend by 1 to {left} weeks: a placement is extended by {MAX_EXTENDED_WEEKS} "
            f"weeks at most, and this one already by {placement.extended_weeks}."
            if left
            else f"This placement is already extended by {MAX_EXTENDED_WEEKS} weeks, the most."
        )
    before = placement.ends_at
    _move_dates(placement, 7 * weeks, since=now)
    placement.extended_weeks += weeks
    Placement.objects.filter(pk=placement.pk).update(extended_weeks=placement.extended_weeks)
    AuditEvent.record(
        actor,
        "mentorship.placement.extended",
        placement,
        data={
            "weeks": weeks,
            "extended_weeks": placement.extended_weeks,
            "ends_before": _iso(before),
            "ends_after": _iso(placement.ends_at),
        },
        note=reason,
    )
    return placement


# --- evaluations -----------------------------------------------------------------------------

EvalStatus = EvaluationStatus


@dataclass(frozen=True)
class Answers:
    """What a mentor's evaluation says."""

    passed: bool
    progress: str = ""
    communication: str = ""
    hours_per_week: int | None = None
    comments_for_mentee: str = ""
    private_comments: str = ""


def _comment(value: str, field: str) -> str:
    """A comment as written (trimmed), or `DomainError` naming `field`."""
    return check_text(value.strip(), field=field, max_length=COMMENT_MAX)


def _clean_answers(answers: Answers) -> Answers:
    if answers.progress not in ("", *Progress.values):
        raise DomainError(
            f"“{answers.progress}” is not a progress answer; use one of "
            + ", ".join(Progress.values)
            + "."
        )
    if answers.communication not in ("", *Communication.values):
        raise DomainError(
            f"“{answers.communication}” is not a communication answer; use one of "
            + ", ".join(Communication.values)
            + "."
        )
    hours = answers.hours_per_week
    if hours is not None and not 0 <= hours <= MAX_HOURS:
        raise DomainError(f"Hours per week must be between 0 and {MAX_HOURS}.")
    return Answers(
        passed=answers.passed,
        progress=answers.progress,
        communication=answers.communication,
        hours_per_week=hours,
        comments_for_mentee=_comment(answers.comments_for_mentee, "Comments for the mentee"),
        private_comments=_comment(
            answers.private_comments, "Private comments for the program admins"
        ),
    )


def _round(placement: Placement, key: str) -> EvaluationRound:
    found = (
        EvaluationRound.objects.select_for_update(of=("self",))
        .filter(placement=placement, key=key)
        .first()
    )
    if found is None:
        keys = list(placement.rounds.values_list("key", flat=True))
        raise DomainError(
            f"This placement has no round “{key}”"
            + (f"; its rounds are {', '.join(keys)}." if keys else ".")
        )
    return found


def _closes_text(round_: EvaluationRound, placement: Placement) -> str:
    return format_instant(round_.closes_at.astimezone(placement.term.zone))


def _require_mentor(placement: Placement, actor: User) -> None:
    if not is_mentor_of(actor, placement.project):
        raise NotAllowedError("Only a mentor of the project can evaluate this mentee.")


def _check_open(round_: EvaluationRound, placement: Placement, now: datetime) -> None:
    zone = placement.term.zone
    if now < round_.opens_at:
        raise DomainError(
            f"The {round_.label.lower()} opens {format_instant(round_.opens_at.astimezone(zone))}."
        )
    if now >= round_.closes_at:
        raise DomainError(
            f"The {round_.label.lower()} closed {_closes_text(round_, placement)}; "
            "ask a program admin to reopen it."
        )


@transaction.atomic
def submit_evaluation(
    placement: Placement,
    *,
    actor: User,
    round_key: str,
    answers: Answers,
    now: datetime | None = None,
) -> Evaluation:
    """A mentor of the project evaluates an active placement for an open round: one evaluation
    per round (a database constraint); a second submission is a 409 naming the first, which
    any co-mentor can edit until the round closes."""
    now = now or timezone.now()
    placement = _locked(placement)
    _require_mentor(placement, actor)
    if placement.status != Status.ACTIVE:
        raise DomainError(
            f"This placement is {_label(placement.status)}; only an active one is evaluated."
        )
    round_ = _round(placement, round_key)
    existing = Evaluation.objects.filter(round=round_).select_related("author").first()
    if existing is not None:
        raise _already(existing)
    _check_open(round_, placement, now)
    answers = _clean_answers(answers)
    try:
        with transaction.atomic():
            evaluation = Evaluation.objects.create(
                round=round_,
                placement=placement,
                status=EvalStatus.SUBMITTED,
                status_changed_at=now,
                author=actor,
                edited_by=actor,
                mentor_passed=answers.passed,
                submitted_at=now,
                **vars(answers),
            )
    except IntegrityError:
        raced = Evaluation.objects.filter(round=round_).select_related("author").first()
        if raced is None:
            raise
        raise _already(raced) from None
    AuditEvent.record(
        actor,
        "mentorship.evaluation.submitted",
        evaluation,
        data={"round": round_.key, "passed": answers.passed},
    )
    transaction.on_commit(lambda: notifications.notify_evaluation_submitted(evaluation.pk))
    return evaluation


def _already(existing: Evaluation) -> ConflictError:
    who = existing.author.get_username() if existing.author else "a program admin"
    return ConflictError(
        f"The {existing.round.label.lower()} of this placement was already submitted by {who}; "
        "edit that one instead."
    )


@transaction.atomic
def edit_evaluation(
    placement: Placement,
    *,
    actor: User,
    round_key: str,
    answers: Answers,
    now: datetime | None = None,
) -> Evaluation:
    """A mentor of the project changes the round's evaluation while it is open (submitted or
    reopened, before the round closes, to the second)."""
    now = now or timezone.now()
    placement = _locked(placement)
    _require_mentor(placement, actor)
    round_ = _round(placement, round_key)
    evaluation = Evaluation.objects.filter(round=round_).first()
    if evaluation is None:
        raise DomainError(f"The {round_.label.lower()} has not been submitted yet.")
    if evaluation.status not in Evaluation.EDITABLE:
        raise DomainError(
            f"This evaluation is {evaluation.status}; ask a program admin to reopen it."
        )
    _check_open(round_, placement, now)
    answers = _clean_answers(answers)
    before = {"passed": evaluation.passed}
    for field, value in vars(answers).items():
        setattr(evaluation, field, value)
    evaluation.mentor_passed = answers.passed
    evaluation.edited_by = actor
    evaluation.save()
    AuditEvent.record(
        actor,
        "mentorship.evaluation.edited",
        evaluation,
        data={"round": round_.key, "before": before, "passed": answers.passed},
    )
    return evaluation


def _settle(evaluation: Evaluation, actor: User | None, now: datetime, note: str) -> None:
    """Make the result count: a fail on a round that ends on fail fails the placement, a pass
    on the final round graduates it; tell the apps above (`hooks`) and the mentee."""
    Evaluation.objects.filter(pk=evaluation.pk).update(settled_at=now)
    evaluation.settled_at = now
    placement = evaluation.placement
    round_ = evaluation.round
    if not evaluation.passed and round_.ends_on_fail and placement.can_become(Status.FAILED):
        # The placement's outcome says what happened; an admin's reason stays in the audit
        # log and on the evaluation, for the admins (the mentee never reads it).
        outcome = f"The {round_.label.lower()} was not passed."
        if evaluation.status == EvalStatus.OVERRIDDEN:
            outcome = f"The {round_.label.lower()} was not passed (decided by a program admin)."
        transition(
            placement,
            to=Status.FAILED,
            actor=actor,
            note=note or outcome,
            also={"outcome_note": outcome},
        )
    elif evaluation.passed and round_.final and placement.status == Status.ACTIVE:
        transition(
            placement,
            to=Status.GRADUATED,
            actor=actor,
            note=f"The {round_.label.lower()} was passed.",
        )
    hooks.evaluation_settled(evaluation, actor)
    transaction.on_commit(lambda: notifications.notify_result(evaluation.pk))


def _locked_evaluation(pk: int) -> Evaluation:
    return (
        Evaluation.objects.select_for_update(of=("self",))
        .select_related("round", "placement__term__program")
        .get(pk=pk)
    )


@transaction.atomic
def lock_evaluation(evaluation: Evaluation, *, now: datetime | None = None) -> Evaluation:
    """Submitted or reopened → locked, once its round has closed (the periodic job): the
    result is settled."""
    now = now or timezone.now()
    # The placement's row first, as every other service takes it, then the evaluation's.
    placement_id = (
        Evaluation.objects.filter(pk=evaluation.pk).values_list("placement_id", flat=True).get()
    )
    Placement.objects.select_for_update().filter(pk=placement_id).first()
    evaluation = _locked_evaluation(evaluation.pk)
    ensure_open(evaluation.placement.term)
    if evaluation.round.closes_at > now:
        raise DomainError("This evaluation is still open; it locks when its round closes.")
    if not evaluation.can_become(EvalStatus.LOCKED):
        raise DomainError(f"This evaluation is {evaluation.status}; it cannot be locked.")
    transition(evaluation, to=EvalStatus.LOCKED, actor=None, note="Its round closed.", also=None)
    _settle(evaluation, None, now, note="")
    return evaluation


def lock_due_evaluations(now: datetime | None = None) -> int:
    """Lock every open evaluation whose round has closed; the number locked. Idempotent."""
    now = now or timezone.now()
    due = Evaluation.objects.filter(
        status__in=Evaluation.EDITABLE,
        round__closes_at__lte=now,
        placement__term__state=Term.State.OPEN,  # a closed term's evaluations stay as they are
    ).values_list("pk", flat=True)
    locked = 0
    for pk in list(due):
        try:
            lock_evaluation(Evaluation(pk=pk), now=now)
        except (DomainError, Evaluation.DoesNotExist):
            continue  # another run locked it first, or an admin reopened it meanwhile
        locked += 1
    return locked


def _require_live(placement: Placement) -> None:
    if placement.status in (Status.WITHDRAWN, Status.FAILED, Status.GRADUATED):
        raise DomainError(
            f"This placement is {_label(placement.status)}; its evaluations are final."
        )


@transaction.atomic
def reopen_evaluation(
    placement: Placement,
    *,
    actor: User,
    round_key: str,
    until: datetime,
    reason: str,
    now: datetime | None = None,
) -> EvaluationRound:
    """A program admin reopens a round for the mentors until `until`, with a reason: its
    evaluation (locked or decided) becomes editable again and unsettled, or, when none was
    submitted (overdue), the mentors can now submit one."""
    now = now or timezone.now()
    placement = _locked(placement)
    _require_admin(placement, actor)
    reason = _reason(reason, "Why the evaluation is reopened", required=True)
    _require_live(placement)
    round_ = _round(placement, round_key)
    if until <= now:
        raise DomainError("Reopen it until a time still ahead.")
    if until < round_.due_at:
        raise DomainError(
            f"The round is due {format_instant(round_.due_at.astimezone(placement.term.zone))}; "
            "reopen it until then or later."
        )
    evaluation = Evaluation.objects.filter(round=round_).first()
    if evaluation is not None:
        if not evaluation.can_become(EvalStatus.REOPENED):
            raise DomainError(
                f"This evaluation is {evaluation.status}; it is still open, until "
                f"{_closes_text(round_, placement)}."
            )
        transition(
            evaluation, to=EvalStatus.REOPENED, actor=actor, note=reason, also={"settled_at": None}
        )
    before = round_.closes_at
    round_.closes_at = until
    round_.save(update_fields=["closes_at"])
    AuditEvent.record(
        actor,
        "mentorship.round.reopened",
        round_,
        data={"closes_before": _iso(before), "closes_after": _iso(until), "key": round_.key},
        note=reason,
    )
    return round_


@transaction.atomic
def override_evaluation(
    placement: Placement,
    *,
    actor: User,
    round_key: str,
    passed: bool,
    reason: str,
    now: datetime | None = None,
) -> Evaluation:
    """A program admin decides a round's result, with a reason: over the mentors' evaluation,
    or in place of one never submitted (an overdue round). Settled at once."""
    now = now or timezone.now()
    placement = _locked(placement)
    _require_admin(placement, actor)
    reason = _reason(reason, "Why the result is decided by an admin", required=True)
    _require_live(placement)
    round_ = _round(placement, round_key)
    evaluation = Evaluation.objects.filter(round=round_).first()
    if evaluation is None:
        evaluation = Evaluation.objects.create(
            round=round_,
            placement=placement,
            status=EvalStatus.OVERRIDDEN,
            status_changed_at=now,
            edited_by=actor,
            passed=passed,
            mentor_passed=None,
            submitted_at=now,
            override_reason=reason,
        )
        AuditEvent.record(
            actor,
            f"{Evaluation._meta.label_lower}.{EvalStatus.OVERRIDDEN}",
            evaluation,
            data={"before": None, "after": EvalStatus.OVERRIDDEN.value, "passed": passed},
            note=reason,
        )
    else:
        if not evaluation.can_become(EvalStatus.OVERRIDDEN):
            raise DomainError(
                f"This evaluation is {evaluation.status}; reopen it before deciding again."
            )
        transition(
            evaluation,
            to=EvalStatus.OVERRIDDEN,
            actor=actor,
            note=reason,
            also={"passed": passed, "override_reason": reason, "edited_by": actor},
        )
    evaluation.round = round_
    evaluation.placement = placement
    _settle(evaluation, actor, now, note=reason if not passed else "")
    return evaluation


# --- the mentee's feedback --------------------------------------------------------------------


@dataclass(frozen=True)
class FeedbackAnswers:
    mentor_rating: int
    program_rating: int
    mentor_comments: str = ""
    program_comments: str = ""
    blog_url: str = ""
    work_links: Sequence[str] = ()


_url = URLValidator(schemes=["http", "https"])


def _check_url(value: str, field: str) -> str:
    value = value.strip()
    try:
        _url(value)
    except ValidationError:
        raise DomainError(
            f"“{field}” must be a web address (https://…): “{value[:200]}” is not."
        ) from None
    return value


@transaction.atomic
def submit_feedback(
    placement: Placement,
    *,
    actor: User,
    round_key: str,
    answers: FeedbackAnswers,
    now: datetime | None = None,
) -> Feedback:
    """The mentee's feedback on their mentors and the program for one round, once the round
    has opened: one per round (409 for a second). After the round is due it is still taken,
    and marked late. The final round also needs the blog post and links to the work done."""
    now = now or timezone.now()
    placement = _locked(placement)
    if actor.pk != placement.mentee_id:
        raise NotAllowedError("Only the mentee gives feedback on their placement.")
    if placement.status in (Status.UPCOMING, Status.WITHDRAWN):
        raise DomainError(
            f"This placement is {_label(placement.status)}; there is no feedback to give."
        )
    round_ = _round(placement, round_key)
    if Feedback.objects.filter(round=round_).exists():
        raise ConflictError(f"You already gave your feedback for the {round_.label.lower()}.")
    if now < round_.opens_at:
        raise DomainError(
            f"The {round_.label.lower()} opens "
            f"{format_instant(round_.opens_at.astimezone(placement.term.zone))}."
        )
    for rating, field in ((answers.mentor_rating, "mentor"), (answers.program_rating, "program")):
        if rating not in Rating.values:
            raise DomainError(f"Rate your {field} from 1 to 5.")
    blog = answers.blog_url.strip()
    links = [link.strip() for link in answers.work_links if link.strip()]
    if round_.final:
        if not blog:
            raise DomainError("The final feedback needs the address of your blog post.")
        if not links:
            raise DomainError(
                "The final feedback needs at least one link to your work "
                "(a pull request or an issue)."
            )
    if len(links) > MAX_WORK_LINKS:
        raise DomainError(f"List at most {MAX_WORK_LINKS} links to your work.")
    blog = _check_url(blog, "Blog post") if blog else ""
    links = [_check_url(link, "Links to your work") for link in links]
    try:
        with transaction.atomic():
            feedback = Feedback.objects.create(
                round=round_,
                placement=placement,
                mentor_rating=answers.mentor_rating,
                program_rating=answers.program_rating,
                mentor_comments=_comment(answers.mentor_comments, "About your mentors"),
                program_comments=_comment(answers.program_comments, "About the program"),
                blog_url=blog,
                work_links=links,
                submitted_at=now,
                late=now >= round_.due_at,
            )
    except IntegrityError:
        raise ConflictError(
            f"You already gave your feedback for the {round_.label.lower()}."
        ) from None
    AuditEvent.record(
        actor,
        "mentorship.feedback.submitted",
        feedback,
        data={"round": round_.key, "late": feedback.late},
    )
    return feedback


# --- the completion page ----------------------------------------------------------------------


@transaction.atomic
def share_completion(placement: Placement, *, actor: User) -> Placement:
    """The graduated mentee publishes their completion page at a new unguessable address
    (kept while it is shared)."""
    placement = _locked(placement, frozen=False)
    if actor.pk != placement.mentee_id:
        raise NotAllowedError("Only the mentee can share their completion page.")
    if placement.status != Status.GRADUATED:
        raise DomainError("A completion page is for a graduated mentee.")
    if placement.share_token:
        return placement
    placement.share_token = secrets.token_urlsafe(32)
    placement.save(update_fields=["share_token", "updated_at"])
    AuditEvent.record(actor, "mentorship.completion.shared", placement)
    return placement


@transaction.atomic
def unshare_completion(placement: Placement, *, actor: User) -> Placement:
    """The mentee takes their completion page down; its address stops working for good."""
    placement = _locked(placement, frozen=False)
    if actor.pk != placement.mentee_id:
        raise NotAllowedError("Only the mentee can change their completion page.")
    if placement.share_token is None:
        return placement
    placement.share_token = None
    placement.save(update_fields=["share_token", "updated_at"])
    AuditEvent.record(actor, "mentorship.completion.unshared", placement)
    return placement


# --- the periodic job: rounds that open, and overdue rounds -----------------------------------


def announce_open_rounds(now: datetime | None = None) -> int:
    """Tell the mentors and the mentee of each active placement whose round has opened (once:
    `announced_at`, and the outbox's one row per recipient); the number of rounds announced."""
    now = now or timezone.now()
    with transaction.atomic():
        rounds = list(
            EvaluationRound.objects.select_for_update(skip_locked=True)
            .filter(
                announced_at__isnull=True,
                opens_at__lte=now,
                closes_at__gt=now,
                placement__status=Status.ACTIVE,
            )
            .values_list("pk", flat=True)
        )
        EvaluationRound.objects.filter(pk__in=rounds).update(announced_at=now)
    for pk in rounds:
        notifications.notify_round_open(pk)
    return len(rounds)
