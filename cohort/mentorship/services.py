"""Every write to a placement: one service per transition of `Placement.TRANSITIONS`, each
atomic, holding the placement's row lock, checked against the table and audited
(`cohort.core.workflow.transition`: compare-and-swap, then an `AuditEvent`).

Who may do what: a program admin of the term's program makes every change; the mentee may
also withdraw their own placement; the placement itself is made when the mentee accepts
their offer (`create_placement`, called by `cohort.selection.services.accept_offer` through
the hook registered in `MentorshipConfig.ready()`).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from cohort.core.errors import ConflictError, DomainError, NotAllowedError
from cohort.core.models import AuditEvent, User
from cohort.core.text import check_text
from cohort.core.workflow import transition
from cohort.mentorship.models import REASON_MAX, Placement, PlacementStatus
from cohort.selection.models import Offer
from cohort.terms.access import is_program_admin

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
            )
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


def _locked(placement: Placement) -> Placement:
    return (
        Placement.objects.select_for_update(of=("self",))
        .select_related("term__program")
        .get(pk=placement.pk)
    )


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
) -> Placement:
    """Lock, authorize, check the table (and `sources`, when a service covers only some of
    the edges into `to`), then move and audit."""
    placement = _locked(placement)
    _require_admin(placement, actor, or_mentee=or_mentee)
    if not placement.can_become(to) or (sources is not None and placement.status not in sources):
        raise DomainError(
            f"This placement is {_label(placement.status)}; it cannot {_BECOME[Status(to)]}."
        )
    transition(
        placement, to=to, actor=actor, note=note, also={"outcome_note": note} if outcome else None
    )
    return placement


@transaction.atomic
def activate_placement(placement: Placement, *, actor: User) -> Placement:
    """Upcoming → active, by hand (the periodic job does it at `starts_at`)."""
    return _move(placement, Status.ACTIVE, actor=actor, sources={Status.UPCOMING})


@transaction.atomic
def hold_placement(placement: Placement, *, actor: User, reason: str) -> Placement:
    """Active → on hold, with a reason."""
    reason = _reason(reason, "Why it is put on hold", required=True)
    return _move(placement, Status.ON_HOLD, actor=actor, note=reason)


@transaction.atomic
def resume_placement(placement: Placement, *, actor: User) -> Placement:
    """On hold → active."""
    return _move(placement, Status.ACTIVE, actor=actor, sources={Status.ON_HOLD})


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
    changed = Placement.objects.filter(pk__in=[p.pk for p in due], status=Status.UPCOMING).update(
        status=Status.ACTIVE, status_changed_at=now
    )
    # The rows are locked (PostgreSQL; SQLite lets one writer at a time): should one have
    # moved anyway, undo this run rather than audit a change that did not happen.
    if changed != len(due):
        raise ConflictError("Placements changed while they were being activated.")
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=None,
            action=f"mentorship.placement.{Status.ACTIVE}",
            object_type=Placement._meta.label_lower,
            object_id=str(p.pk),
            object_repr=str(p)[:200],
            data={"before": Status.UPCOMING.value, "after": Status.ACTIVE.value},
            note="The mentorship began (the term's program start).",
        )
        for p in due
    )
    return changed
