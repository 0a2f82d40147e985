"""The selection API: the same services and access rules as the selection pages.

Every operation needs a user (a token or a session; 401 without). A term, round, override,
project or offer the caller may not act on is 404, as one that does not exist:

- program admins: a term's selection (the round, its proposal, its offers), running a
  round, overrides, confirming;
- a project's mentors and the program admins: the project's slots;
- a mentee: their ranking of their own applications, their announced offers, and the
  answer to them. Offers not yet announced do not exist for the mentee.

Errors: 400 for a broken rule, 409 when the rankings changed since the proposal was
computed (it has been recomputed; look again and confirm again). Datetimes are ISO 8601 UTC.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema

from cohort.applications.access import access_project, access_term
from cohort.applications.api import ERRORS
from cohort.applications.models import Application
from cohort.core.api_auth import api_auth, request_user
from cohort.core.permissions import Perm
from cohort.core.schemas import Id, IdList
from cohort.selection import services
from cohort.selection.access import admin_round, announced_offer
from cohort.selection.models import Offer, Override, Round
from cohort.selection.plan import Proposal
from cohort.terms.models import Term

router = Router(tags=["selection"], auth=api_auth)


class PairOut(Schema):
    mentee: int = Field(description="The mentee's user id")
    project: int = Field(description="The project's id")


class OverrideOut(Schema):
    id: int
    application: int
    kind: str = Field(description="force or forbid")
    reason: str


class OfferOut(Schema):
    id: int
    project: int
    mentee: int
    application: int
    status: str = Field(description="pending, accepted, declined, lapsed or superseded")
    seat: int | None
    reason: str = Field(description="Why this offer was made")
    announced_at: datetime | None
    deadline: datetime | None = Field(description="Answer before this instant")


class RoundOut(Schema):
    id: int
    number: int
    status: str = Field(description="draft, confirmed or discarded")
    response_days: int
    computed_at: datetime | None
    announced_at: datetime | None
    assignment: list[PairOut] = Field(description="The proposed (or confirmed) placements")
    unmatched: list[int] = Field(description="Mentees in the round with no place")
    blocking: list[PairOut] = Field(description="Pairs that would both rather be together")
    overrides: list[OverrideOut]
    offers: list[OfferOut]


class OverrideIn(Schema):
    application: Id = Field(description="The application whose pair is forced or forbidden")
    kind: str = Field(description="force or forbid")
    reason: str = Field(description="Why; kept in the audit log")


class ConfirmIn(Schema):
    response_days: int = Field(7, description="Days a mentee has to answer, from announcement")


class SlotsIn(Schema):
    slots: int = Field(description="How many mentees the project takes")


class RankingIn(Schema):
    order: IdList = Field(description="Every one of your complete applications, best first")


class DeclineIn(Schema):
    reason: str = Field("", description="Optional: why (the mentors see it)")


def _offer(offer: Offer) -> dict[str, Any]:
    return {
        "id": offer.pk,
        "project": offer.project_id,
        "mentee": offer.mentee_id,
        "application": offer.application_id,
        "status": offer.status,
        "seat": offer.seat,
        "reason": offer.reason,
        "announced_at": offer.announced_at,
        "deadline": offer.deadline,
    }


def _round(round_: Round) -> dict[str, Any]:
    proposal = Proposal.from_json(round_.result)
    return {
        "id": round_.pk,
        "number": round_.number,
        "status": round_.status,
        "response_days": round_.response_days,
        "computed_at": round_.computed_at,
        "announced_at": round_.announced_at,
        "assignment": [{"mentee": m, "project": p} for m, p in proposal.assignment.items()],
        "unmatched": proposal.unmatched,
        "blocking": [{"mentee": m, "project": p} for m, p in proposal.blocking],
        "overrides": [
            {"id": o.pk, "application": o.application_id, "kind": o.kind, "reason": o.reason}
            for o in round_.overrides.all()
        ],
        "offers": [_offer(o) for o in round_.offers.order_by("id")],
    }


@router.get("/terms/{pk}/selection", response={200: list[RoundOut], **ERRORS})
def term_rounds(request: HttpRequest, pk: Id) -> list[dict[str, Any]]:
    """Every selection round of the term, newest first (program admins)."""
    term = access_term(request_user(request), pk)
    return [_round(r) for r in Round.objects.filter(term=term).order_by("-number")]


@router.post("/terms/{pk}/selection/run", response={200: RoundOut, **ERRORS})
def run(request: HttpRequest, pk: Id) -> dict[str, Any]:
    """Compute the draft round from the rankings as they are now."""
    user = request_user(request)
    term = access_term(user, pk)
    return _round(services.run_round(term, actor=user))


@router.post("/selection/rounds/{pk}/overrides", response={200: RoundOut, **ERRORS})
def add_override(request: HttpRequest, pk: Id, payload: OverrideIn) -> dict[str, Any]:
    user = request_user(request)
    round_ = admin_round(request_user(request), pk)
    application = Application.objects.filter(pk=payload.application, term=round_.term).first()
    if application is None:
        raise Http404("No such application in this term.")
    services.add_override(round_, application, kind=payload.kind, reason=payload.reason, actor=user)
    return _round(Round.objects.get(pk=pk))


@router.delete("/selection/overrides/{pk}", response={200: RoundOut, **ERRORS})
def remove_override(request: HttpRequest, pk: Id) -> dict[str, Any]:
    user = request_user(request)
    override = Override.objects.select_related("round").filter(pk=pk).first()
    if override is None:
        raise Http404("No such override.")
    round_ = admin_round(request_user(request), override.round_id)
    services.remove_override(override, actor=user)
    return _round(Round.objects.get(pk=round_.pk))


@router.post("/selection/rounds/{pk}/confirm", response={200: RoundOut, **ERRORS})
def confirm(request: HttpRequest, pk: Id, payload: ConfirmIn) -> dict[str, Any]:
    """Make the offers (409 if the rankings changed since the round was computed)."""
    user = request_user(request)
    round_ = admin_round(request_user(request), pk)
    services.confirm_round(round_, actor=user, response_days=payload.response_days)
    return _round(Round.objects.get(pk=pk))


@router.put("/projects/{pk}/slots", response={200: SlotsIn, **ERRORS})
def slots(request: HttpRequest, pk: Id, payload: SlotsIn) -> dict[str, Any]:
    user = request_user(request)
    project = access_project(user, pk, Perm.APPLICATION_REVIEW)
    return {"slots": services.set_slots(project, payload.slots, actor=user).slots}


@router.put("/me/terms/{pk}/ranking", response={200: RankingIn, **ERRORS})
def my_ranking(request: HttpRequest, pk: Id, payload: RankingIn) -> dict[str, Any]:
    """Rank your complete applications in the term, best first."""
    user = request_user(request)
    term = Term.objects.filter(pk=pk).first()
    if term is None:
        raise Http404("No such term.")
    ranked = services.rank_my_applications(user, term, payload.order)
    return {"order": [a.pk for a in ranked]}


@router.get("/me/offers", response={200: list[OfferOut], **ERRORS})
def my_offers(request: HttpRequest) -> list[dict[str, Any]]:
    """Your announced offers, newest first."""
    user = request_user(request)
    offers = Offer.objects.filter(mentee=user, announced_at__isnull=False).order_by("-id")
    return [_offer(o) for o in offers]


@router.post("/me/offers/{pk}/accept", response={200: OfferOut, **ERRORS})
def accept(request: HttpRequest, pk: Id) -> dict[str, Any]:
    offer = services.accept_offer(
        announced_offer(request_user(request), pk), actor=request_user(request)
    )
    return _offer(Offer.objects.get(pk=offer.pk))


@router.post("/me/offers/{pk}/decline", response={200: OfferOut, **ERRORS})
def decline(request: HttpRequest, pk: Id, payload: DeclineIn) -> dict[str, Any]:
    """Decline: you leave this term's selection, and the place goes to the next in line."""
    offer = services.decline_offer(
        announced_offer(request_user(request), pk),
        actor=request_user(request),
        reason=payload.reason,
    )
    return _offer(Offer.objects.get(pk=offer.pk))
