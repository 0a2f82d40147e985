"""Selection services: every write of a selection round, an override, a slot count, a
mentee's ranking or an offer goes through here (spec/style.md B5).

Each write that touches offers first locks the term's row (`_lock_term`), so the writes of
one term run one at a time: seats are counted and chosen under that lock, and the database's
unique constraints (cohort.selection.models) catch anything that slipped past it.

Time: a round's offers are hidden from mentees until it is announced, on the timeline's
`selection_notify` date (or at confirmation, if that date has passed or the term has none).
From the announcement a mentee has `Round.response_days` days to answer; an offer that
lapses, and one that is declined, frees its place, and `refill` offers it to the next in line.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Max, QuerySet
from django.db.models import Window as Over
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from cohort.applications.access import is_own
from cohort.applications.models import Application
from cohort.applications.services import (
    accept_application_offer,
    applications_window,
    close_placed_elsewhere,
    decline_application_offer,
    offer_applications,
    return_application_to_shortlist,
)
from cohort.core.errors import ConflictError, DomainError
from cohort.core.models import AuditEvent, User
from cohort.core.text import check_text
from cohort.core.workflow import transition
from cohort.projects.models import MAX_SLOTS, Project
from cohort.selection import hooks
from cohort.selection.models import REASON_MAX, Offer, Override, Round
from cohort.selection.plan import Inputs, Pair, PlanError, Proposal, propose, refill
from cohort.selection.tasks import enqueue_offer_notification, enqueue_round_notifications
from cohort.terms.models import Term, Window
from cohort.terms.services import ensure_open

logger = logging.getLogger(__name__)

Status = Application.Status
NOTIFY_KEY = "selection_notify"
# The applications that take part in selection: every task in, not declined or withdrawn.
IN_SELECTION = (Status.SUBMITTED, Status.SHORTLISTED)
# Still wanted by both sides after confirmation: what a freed place can go to.
OFFERABLE = (Status.SHORTLISTED, Status.OFFERED, Status.ACCEPTED)


# --- inputs --------------------------------------------------------------------------------


def selection_projects(term: Term) -> QuerySet[Project]:
    """The projects that take part: the term's published ones."""
    return Project.objects.filter(term=term, status=Project.Status.PUBLISHED)


def gather_inputs(term: Term) -> Inputs:
    """The rankings and slots as they are now.

    A mentee's list: their complete applications by their own ranking, then, for those they
    did not rank, in the order they applied. A project's list: its shortlist by the mentors'
    ranking (unranked ones last, in the order they were submitted).
    """
    return _gather(term)[0]


def _gather(term: Term) -> tuple[Inputs, dict[Pair, int]]:
    """`gather_inputs`, and (mentee, project) -> application id of the applications in it,
    from the same two queries.

    Both orders come from the database, so no time is read into Python: the rows by mentee,
    each mentee's by their rank (unranked ones after every ranked one, in the order they
    applied), and each row's place on its project's list (by the mentors' rank, unranked
    ones last in the order they were submitted) as a row number."""
    capacities = dict(
        selection_projects(term).order_by("position", "id").values_list("pk", "slots")
    )
    place = Over(
        RowNumber(),
        partition_by=[F("project_id")],
        order_by=[
            F("mentor_rank").asc(nulls_last=True),
            Coalesce("submitted_at", "created_at").asc(),
            F("pk").asc(),
        ],
    )
    rows = list(
        Application.objects.filter(
            term=term, project__in=selection_projects(term).values("pk"), status__in=IN_SELECTION
        )
        .annotate(place=place)
        .order_by("mentee_id", F("mentee_rank").asc(nulls_last=True), "created_at", "pk")
        .values_list("pk", "mentee_id", "project_id", "status", "place")
    )
    applicants: dict[int, list[int]] = {}
    by_project: dict[int, list[tuple[int, int]]] = {p: [] for p in capacities}
    for _pk, mentee, project, status, row_number in rows:
        applicants.setdefault(mentee, []).append(project)
        if status == Status.SHORTLISTED:
            by_project[project].append((row_number, mentee))
    inputs = Inputs(
        applicants=applicants,
        projects={p: [m for _n, m in sorted(items)] for p, items in by_project.items()},
        capacities=capacities,
    )
    return inputs, {(mentee, project): pk for pk, mentee, project, *_ in rows}


def application_ids(term: Term) -> dict[Pair, int]:
    """(mentee, project) -> application id, for the term's applications in selection."""
    rows = Application.objects.filter(term=term).values_list("mentee_id", "project_id", "pk")
    return {(m, p): pk for m, p, pk in rows}


# --- slots and rankings (before selection) -------------------------------------------------


def _not_confirmed(term: Term, what: str) -> None:
    if Round.objects.filter(term=term, status=Round.Status.CONFIRMED).exists():
        raise DomainError(
            f"Selection for {term.label} is confirmed, so {what} can no longer change. "
            "Freed places are offered to the next in line automatically."
        )


@transaction.atomic
def set_slots(project: Project, slots: int, *, actor: User) -> Project:
    """How many mentees `project` takes (0 to MAX_SLOTS); fixed once selection is confirmed."""
    if not 0 <= slots <= MAX_SLOTS:
        raise DomainError(f"A project takes from 0 to {MAX_SLOTS} mentees.")
    _lock_term(project.term)
    _not_confirmed(project.term, "slots")
    before = Project.objects.values_list("slots", flat=True).get(pk=project.pk)
    Project.objects.filter(pk=project.pk).update(slots=slots)
    project.slots = slots
    AuditEvent.record(
        actor, "selection.slots.set", project, data={"before": before, "after": slots}
    )
    return project


@transaction.atomic
def rank_my_applications(user: User, term: Term, ordered: Sequence[int]) -> list[Application]:
    """The mentee's own order of their applications in `term`, best first: `ordered` is the
    id of every complete application of theirs (submitted or shortlisted), each once."""
    _lock_term(term)
    _not_confirmed(term, "your ranking")
    mine = list(
        Application.objects.select_for_update(no_key=True).filter(
            mentee=user, term=term, status__in=IN_SELECTION
        )
    )
    by_id = {a.pk: a for a in mine}
    if len(set(ordered)) != len(ordered) or set(ordered) != set(by_id):
        raise DomainError(
            "Rank each of your submitted applications once, and nothing else. "
            "Reload: an application may have changed meanwhile."
        )
    Application.objects.filter(mentee=user, term=term).update(mentee_rank=None)
    for rank, pk in enumerate(ordered, start=1):
        Application.objects.filter(pk=pk).update(mentee_rank=rank)
        by_id[pk].mentee_rank = rank
    AuditEvent.record(user, "selection.mentee.ranked", term, data={"order": list(ordered)})
    return [by_id[pk] for pk in ordered]


# --- rounds --------------------------------------------------------------------------------


def _lock_term(term: Term) -> Term:
    """Lock the term's row for the rest of the transaction: selection writes of one term
    run one at a time, and none once the term is closed (issue 16)."""
    locked = Term.objects.select_for_update(no_key=True).get(pk=term.pk)
    ensure_open(locked)
    return locked


def require_applications_closed(term: Term, at: datetime) -> None:
    """Selection starts once the applications window has closed: while it is open, the
    shortlists are still moving. A term whose timeline does not date the window counts as
    closed (an imported term, or a program that takes applications elsewhere)."""
    window = applications_window(term)
    state = window.state_at(at)
    if state == Window.OPEN and window.end is not None:
        raise DomainError(
            f"Applications for {term.label} are open until {window.local(window.end)}: "
            "selection starts once they have closed."
        )
    if state == Window.NOT_YET and window.start is not None:
        raise DomainError(
            f"Applications for {term.label} open on {window.local(window.start)}: "
            "selection starts once they have closed."
        )


def draft_round(term: Term) -> Round | None:
    return Round.objects.filter(term=term, status=Round.Status.DRAFT).first()


def confirmed_round(term: Term) -> Round | None:
    return Round.objects.filter(term=term, status=Round.Status.CONFIRMED).first()


def _overrides(round_: Round) -> tuple[list[Pair], list[Pair]]:
    force: list[Pair] = []
    forbid: list[Pair] = []
    for kind, mentee, project in round_.overrides.values_list(
        "kind", "application__mentee_id", "application__project_id"
    ).order_by("created_at", "id"):
        (force if kind == Override.Kind.FORCE else forbid).append((mentee, project))
    return force, forbid


def _compute(round_: Round, inputs: Inputs) -> Proposal:
    force, forbid = _overrides(round_)
    try:
        proposal = propose(inputs, force=force, forbid=forbid)
    except PlanError as error:
        raise DomainError(f"The overrides cannot all hold: {error}") from error
    round_.inputs = inputs.to_json()
    round_.result = proposal.to_json()
    round_.computed_at = timezone.now()
    round_.save(update_fields=["inputs", "result", "computed_at", "updated_at"])
    return proposal


@transaction.atomic
def run_round(term: Term, *, actor: User, now: datetime | None = None) -> Round:
    """Compute a proposed assignment from the rankings as they are now: a new draft round,
    or the open draft recomputed. Nothing is offered until `confirm_round`."""
    term = _lock_term(term)
    require_applications_closed(term, now or timezone.now())
    _not_confirmed(term, "the assignment")
    round_ = draft_round(term)
    if round_ is None:
        number = (Round.objects.filter(term=term).aggregate(n=Max("number"))["n"] or 0) + 1
        round_ = Round.objects.create(term=term, number=number, created_by=actor)
    proposal = _compute(round_, gather_inputs(term))
    AuditEvent.record(
        actor,
        "selection.round.computed",
        round_,
        data={"placed": len(proposal.assignment), "unmatched": len(proposal.unmatched)},
    )
    return round_


@transaction.atomic
def add_override(
    round_: Round, application: Application, *, kind: str, reason: str, actor: User
) -> Override:
    """Force or forbid one pair in a draft round, and recompute."""
    _lock_term(round_.term)
    round_ = Round.objects.get(pk=round_.pk)
    application = Application.objects.select_for_update(no_key=True).get(pk=application.pk)
    reason = check_text(reason.strip(), field="Reason", max_length=REASON_MAX)
    if round_.status != Round.Status.DRAFT:
        raise DomainError("Overrides can only change while the round is a draft.")
    if kind not in Override.Kind.values:
        raise DomainError("An override either forces or forbids a placement.")
    if not reason:
        raise DomainError("Say why: the reason is kept in the audit log.")
    if application.term_id != round_.term_id or application.status not in IN_SELECTION:
        raise DomainError("Only an application in this term's selection can be overridden.")
    if is_own(actor, application):
        raise DomainError("This is your own application: another program admin decides.")
    if kind == Override.Kind.FORCE:
        if application.status != Status.SHORTLISTED:
            raise DomainError(
                "Only a shortlisted application can be forced: the mentors have to want them."
            )
        if round_.overrides.filter(
            kind=Override.Kind.FORCE, application__mentee_id=application.mentee_id
        ).exists():
            raise DomainError("This mentee is already forced onto a project in this round.")
    if round_.overrides.filter(application=application).exists():
        raise DomainError("This pair already has an override; remove it first.")
    override = Override.objects.create(
        round=round_, application=application, kind=kind, reason=reason, created_by=actor
    )
    _compute(round_, gather_inputs(round_.term))
    AuditEvent.record(
        actor,
        f"selection.override.{kind}",
        round_,
        data={"application": application.pk},
        note=reason,
    )
    return override


@transaction.atomic
def remove_override(override: Override, *, actor: User) -> Round:
    round_ = override.round
    _lock_term(round_.term)
    if Round.objects.get(pk=round_.pk).status != Round.Status.DRAFT:
        raise DomainError("Overrides can only change while the round is a draft.")
    data = {"application": override.application_id, "kind": override.kind}
    override.delete()
    _compute(round_, gather_inputs(round_.term))
    AuditEvent.record(actor, "selection.override.removed", round_, data=data)
    return round_


@transaction.atomic
def discard_round(round_: Round, *, actor: User) -> Round:
    _lock_term(round_.term)
    transition(round_, to=Round.Status.DISCARDED, actor=actor)
    return round_


def confirm_round(
    round_: Round, *, actor: User, response_days: int = 7, now: datetime | None = None
) -> Round:
    """Make the offers of a draft round, exactly as the admin last saw it.

    If the rankings, slots or shortlists changed since it was computed, the round is
    recomputed (and that is kept) and nothing is offered: ConflictError, so the admin
    reviews it again.
    """
    with transaction.atomic():
        confirmed = _confirm(round_, actor=actor, response_days=response_days, now=now)
    if confirmed is None:
        raise ConflictError(
            "The rankings, slots or shortlists changed since this assignment was computed. "
            "It has been computed again: review it and confirm again."
        )
    return confirmed


def _confirm(
    round_: Round, *, actor: User, response_days: int, now: datetime | None
) -> Round | None:
    now = now or timezone.now()
    term = _lock_term(round_.term)
    require_applications_closed(term, now)
    round_ = Round.objects.get(pk=round_.pk)
    if round_.status != Round.Status.DRAFT:
        raise DomainError("This round is not a draft any more.")
    if not 1 <= response_days <= 60:
        raise DomainError("Mentees need from 1 to 60 days to answer an offer.")
    # The assignment's pairs are all in the inputs (each mutually acceptable), so their
    # applications are among the inputs' rows.
    inputs, ids = _gather(term)
    if inputs.to_json() != round_.inputs:
        _compute(round_, inputs)
        return None
    proposal = Proposal.from_json(round_.result)
    forced = dict(proposal.forced)
    notes = {o.application_id: o.reason for o in round_.overrides.all()}
    placed = f"Selection round {round_.number}, placed by the program admins."
    stable = f"Selection round {round_.number}: the stable assignment."
    wanted = [
        (ids[(mentee, project)], placed if mentee in forced else stable)
        for mentee, project in proposal.assignment.items()
    ]
    _offer_many(round_, wanted, actor=actor, notes=notes, now=now)
    round_.response_days = response_days
    round_.save(update_fields=["response_days", "updated_at"])
    transition(round_, to=Round.Status.CONFIRMED, actor=actor)
    if _notify_date_passed(term, now):
        announce_round(round_, now=now)
        round_.refresh_from_db()
    return round_


def _notify_date_passed(term: Term, now: datetime) -> bool:
    """Whether the "selection notifications" phase has begun at `now` (`Term.window`, the
    one timeline API). A term whose timeline does not date it announces at confirmation."""
    return term.window(NOTIFY_KEY).state_at(now) != Window.NOT_YET


def _offer_many(
    round_: Round,
    wanted: Sequence[tuple[int, str]],
    *,
    actor: User | None,
    notes: Mapping[int, str] | None = None,
    now: datetime | None = None,
) -> list[Offer]:
    """Offer each application of `wanted` ((application id, the offer's reason), in order) a
    place on its project, in a fixed number of queries however many (the caller holds the
    term lock): the applications locked, each given its project's lowest free seat in that
    order, the offers inserted, the applications moved shortlisted → offered by one
    compare-and-swap UPDATE, and their history and audit rows inserted (one INSERT each).

    The rows are those one `offer_application` and one `selection.offer.made` audit row per
    offer would write. Raises ConflictError, writing nothing, if an application is not
    shortlisted or a project has no free seat left; `notes` (application id -> the
    override's reason) become the audit rows' notes.
    """
    if not wanted:
        return []
    now = now or timezone.now()
    notes = notes or {}
    locked = {
        a.pk: a
        for a in Application.objects.select_for_update(no_key=True)
        .filter(pk__in=[pk for pk, _reason in wanted])
        .only("pk", "status", "status_changed_at", "term_id", "mentee_id", "project_id")
        .order_by("pk")
    }
    applications = [locked[pk] for pk, _reason in wanted]
    for application in applications:
        if application.status != Status.SHORTLISTED:
            raise ConflictError(
                f"Application {application.pk} is "
                f"{application.get_status_display().lower()}, not shortlisted, so it cannot "
                "be offered."
            )
    project_ids = {a.project_id for a in applications}
    projects = {
        p.pk: p for p in Project.objects.filter(pk__in=project_ids).only("pk", "title", "slots")
    }
    taken: dict[int, set[int]] = {pk: set() for pk in project_ids}
    for project_id, seat in (
        Offer.objects.live().filter(project__in=project_ids).values_list("project_id", "seat")
    ):
        if seat is not None:  # a live offer always holds one (offer_seat_iff_live)
            taken[project_id].add(seat)
    announced = round_.announced_at is not None
    offers = []
    for application, (_pk, reason) in zip(applications, wanted, strict=True):
        project = projects[application.project_id]
        seat = next((s for s in range(1, project.slots + 1) if s not in taken[project.pk]), None)
        if seat is None:
            raise ConflictError(f"{project.title} has no free place left.")
        taken[project.pk].add(seat)
        offers.append(
            Offer(
                round=round_,
                application=application,
                term_id=application.term_id,
                mentee_id=application.mentee_id,
                project_id=application.project_id,
                seat=seat,
                reason=reason,
                announced_at=now if announced else None,
                deadline=now + timedelta(days=round_.response_days) if announced else None,
            )
        )
    Offer.objects.bulk_create(offers)
    offer_applications(applications, actor=actor, now=now)
    AuditEvent.objects.bulk_create(
        AuditEvent.of(
            actor,
            "selection.offer.made",
            offer,
            data={"seat": offer.seat},
            note=notes.get(offer.application_id) or "",
        )
        for offer in offers
    )
    if announced:
        for offer in offers:
            enqueue_offer_notification(offer)
    return offers


# --- announcing ----------------------------------------------------------------------------


@transaction.atomic
def announce_round(round_: Round, *, now: datetime | None = None) -> bool:
    """Tell the mentees: start the answer period of the round's pending offers and queue the
    selection notifications. Returns False if it was announced before (idempotent)."""
    now = now or timezone.now()
    _lock_term(round_.term)
    round_ = Round.objects.get(pk=round_.pk)
    if round_.status != Round.Status.CONFIRMED or round_.announced_at is not None:
        return False
    round_.announced_at = now
    round_.save(update_fields=["announced_at", "updated_at"])
    Offer.objects.filter(round=round_, status=Offer.Status.PENDING, announced_at=None).update(
        announced_at=now, deadline=now + timedelta(days=round_.response_days)
    )
    AuditEvent.record(None, "selection.round.announced", round_)
    enqueue_round_notifications(round_)
    return True


def announce_due_rounds(now: datetime | None = None) -> list[int]:
    """Announce the confirmed rounds whose `selection_notify` date has come; the ids."""
    now = now or timezone.now()
    announced = []
    for round_ in Round.objects.filter(
        status=Round.Status.CONFIRMED, announced_at__isnull=True, term__state=Term.State.OPEN
    ).select_related("term"):
        if _notify_date_passed(round_.term, now) and announce_round(round_, now=now):
            announced.append(round_.pk)
    return announced


# --- the mentee's answer -------------------------------------------------------------------


def _answerable(offer: Offer, actor: User, now: datetime) -> Offer:
    offer = Offer.objects.select_related("project", "application", "round").get(pk=offer.pk)
    if offer.mentee_id != actor.pk:
        raise DomainError("Only the mentee can answer their offer.")
    if offer.status != Offer.Status.PENDING:
        raise DomainError(f"This offer is {offer.get_status_display().lower()} already.")
    if offer.deadline is None:
        raise DomainError("This offer has not been announced yet.")
    if now >= offer.deadline:
        raise DomainError(
            "The deadline to answer this offer has passed "
            f"({offer.deadline:%Y-%m-%d %H:%M} UTC), so it lapsed."
        )
    return offer


@transaction.atomic
def accept_offer(offer: Offer, *, actor: User, now: datetime | None = None) -> Offer:
    now = now or timezone.now()
    _lock_term(offer.term)
    offer = _answerable(offer, actor, now)
    transition(offer, to=Offer.Status.ACCEPTED, actor=actor)
    accept_application_offer(offer.application, actor=actor)
    close_placed_elsewhere(offer.application, actor=actor)
    hooks.offer_accepted(offer, actor)  # e.g. the placement (cohort.mentorship)
    return offer


@transaction.atomic
def decline_offer(
    offer: Offer, *, actor: User, reason: str = "", now: datetime | None = None
) -> Offer:
    """Decline: the mentee leaves this term's selection, and the place goes to the next in
    line."""
    now = now or timezone.now()
    reason = check_text(reason.strip(), field="Why you decline", max_length=REASON_MAX)
    _lock_term(offer.term)
    offer = _answerable(offer, actor, now)
    _release(offer, Offer.Status.DECLINED, actor=actor, note=reason)
    refill_term(
        offer.round,
        freed=offer.project_id,
        actor=actor,
        why=f"A place on {offer.project.title} opened: the mentee offered it declined.",
        now=now,
    )
    return offer


def lapse_due_offers(now: datetime | None = None) -> int:
    """Lapse the announced offers whose deadline has passed, each freeing its place; the
    number lapsed. Each lapse is its own transaction, so one failure stops nothing else."""
    now = now or timezone.now()
    lapsed = 0
    due = Offer.objects.filter(
        status=Offer.Status.PENDING, deadline__lte=now, term__state=Term.State.OPEN
    )
    for pk in due.values_list("pk", flat=True).order_by("deadline", "id"):
        with transaction.atomic():
            offer = Offer.objects.select_related("term").get(pk=pk)
            _lock_term(offer.term)
            offer = Offer.objects.select_related("project", "round", "application").get(pk=pk)
            if offer.status != Offer.Status.PENDING:
                continue  # answered meanwhile
            _release(offer, Offer.Status.LAPSED, actor=None, note="")
            refill_term(
                offer.round,
                freed=offer.project_id,
                actor=None,
                why=f"A place on {offer.project.title} opened: an earlier offer lapsed.",
                now=now,
            )
            lapsed += 1
    return lapsed


def _release(offer: Offer, to: str, *, actor: User | None, note: str) -> None:
    transition(offer, to=to, actor=actor, note=note, also={"seat": None})
    if to == Offer.Status.LAPSED:
        why = "You did not answer the offer by its deadline, so it lapsed."
    else:
        why = note
    decline_application_offer(offer.application, actor=actor, reason=why)


# --- refilling freed places ----------------------------------------------------------------


def refill_term(
    round_: Round, *, freed: int, actor: User | None, why: str, now: datetime | None = None
) -> list[Offer]:
    """Offer freed places to the next in line (the caller holds the term lock). `freed` is
    the project whose place was freed, and `why` the reason its new offer gives.

    Re-solves the round's frozen inputs without the mentees who declined or let an offer
    lapse, keeping accepted placements. A mentee holding an offer can only move up: to a
    project they ranked higher, whose offer replaces theirs, which frees that place in turn.
    Returns the new offers.
    """
    now = now or timezone.now()
    offers = list(Offer.objects.filter(round=round_).select_related("application", "project"))
    removed = {
        o.mentee_id for o in offers if o.status in (Offer.Status.DECLINED, Offer.Status.LAPSED)
    }
    accepted = {o.mentee_id: o.project_id for o in offers if o.status == Offer.Status.ACCEPTED}
    pending = {o.mentee_id: o for o in offers if o.status == Offer.Status.PENDING}
    force, forbid = _overrides(round_)
    inputs = Inputs.from_json(round_.inputs)
    # Pairs whose application left selection since confirmation (withdrawn, declined by the
    # mentors, taken off the shortlist) cannot be offered.
    current = dict(Application.objects.filter(term=round_.term_id).values_list("pk", "status"))
    ids = application_ids(round_.term)
    gone = [
        (m, p)
        for p, mentees in inputs.projects.items()
        for m in mentees
        if current.get(ids.get((m, p), 0)) not in OFFERABLE
    ]
    assignment = refill(
        inputs,
        force=force,
        forbid=[*forbid, *gone],
        removed=removed,
        accepted=accepted,
        pending={m: o.project_id for m, o in pending.items()},
    )
    projects = {p.pk: p for p in Project.objects.filter(pk__in=set(assignment.values()))}
    moves = [
        (mentee, project)
        for mentee, project in assignment.items()
        if mentee not in accepted
        and (mentee not in pending or pending[mentee].project_id != project)
    ]
    # Replace first, so the places they free can be taken in the same pass.
    for mentee, project in moves:
        old = pending.get(mentee)
        if old is not None:
            transition(old, to=Offer.Status.SUPERSEDED, actor=actor, also={"seat": None})
            return_application_to_shortlist(
                old.application,
                actor=actor,
                reason=(
                    f"A place opened on {projects[project].title}, which you ranked higher: "
                    "its offer replaces this one."
                ),
            )
    moved_up = (
        "A place on {} opened: the mentee offered it moved up to a project they ranked higher."
    )
    made = _offer_many(
        round_,
        [
            (
                ids[(mentee, project)],
                why if project == freed else moved_up.format(projects[project].title),
            )
            for mentee, project in moves
        ],
        actor=actor,
        now=now,
    )
    if made:
        AuditEvent.record(
            actor, "selection.round.refilled", round_, data={"offers": [o.pk for o in made]}
        )
    return made


def waitlists(round_: Round) -> dict[int, list[int]]:
    """Project id -> who would be offered a place there next, in the mentors' order: the
    mentees on its list who are still in the round, hold no accepted offer and no live offer
    there or on a project they ranked higher. Two queries, however many projects."""
    inputs = Inputs.from_json(round_.inputs)
    out = set()
    holding: dict[int, int] = {}
    for mentee, status, on in Offer.objects.filter(round=round_).values_list(
        "mentee_id", "status", "project_id"
    ):
        if status in (Offer.Status.DECLINED, Offer.Status.LAPSED, Offer.Status.ACCEPTED):
            out.add(mentee)
        elif status == Offer.Status.PENDING:
            holding[mentee] = on

    def waiting_for(project: int, mentee: int) -> bool:
        if mentee in out:
            return False
        held = holding.get(mentee)
        if held is None:
            return True
        order = inputs.applicants.get(mentee, [])
        if held == project or (held in order and project in order):
            return held != project and order.index(project) < order.index(held)
        return True

    return {
        project: [m for m in mentees if waiting_for(project, m)]
        for project, mentees in inputs.projects.items()
    }


def waitlist(round_: Round, project: Project) -> list[int]:
    """`waitlists` of one project."""
    return waitlists(round_).get(project.pk, [])
