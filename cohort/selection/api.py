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

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema

from cohort.applications.access import access_project
from cohort.applications.api import ERRORS
from cohort.applications.models import Application
from cohort.core.api_auth import api_auth, request_user
from cohort.core.permissions import Perm
from cohort.core.schemas import Id, IdList, UtcDatetime
from cohort.projects.models import Project
from cohort.selection import services
from cohort.selection.access import admin_round, announced_offer
from cohort.selection.models import Offer, Override, Round
from cohort.selection.plan import Pair
from cohort.terms.access import access_admin_term
from cohort.terms.models import Term

router = Router(tags=["selection"], auth=api_auth)


class PairOut(Schema):
    # Read from a `plan.Pair`, (mentee, project).
    mentee: int = Field(description="The mentee's user id")
    project: int = Field(description="The project's id")

    @staticmethod
    def resolve_mentee(pair: Pair) -> int:
        return pair[0]

    @staticmethod
    def resolve_project(pair: Pair) -> int:
        return pair[1]


class OverrideOut(Schema):
    # Read from the `Override`.
    id: int
    application: int = Field(alias="application_id")
    kind: str = Field(description="force or forbid")
    reason: str


class OfferOut(Schema):
    # Read from the `Offer`.
    id: int
    project: int = Field(alias="project_id")
    mentee: int = Field(alias="mentee_id")
    application: int = Field(alias="application_id")
    status: str = Field(description="pending, accepted, declined, lapsed or superseded")
    seat: int | None
    reason: str = Field(description="Why this offer was made")
    announced_at: UtcDatetime | None
    deadline: UtcDatetime | None = Field(description="Answer before this instant")


class RoundOut(Schema):
    # Read from the `Round`.
    id: int
    number: int
    status: str = Field(description="draft, confirmed or discarded")
    response_days: int
    computed_at: UtcDatetime | None
    announced_at: UtcDatetime | None
    assignment: list[PairOut] = Field(description="The proposed (or confirmed) placements")
    unmatched: list[int] = Field(description="Mentees in the round with no place")
    blocking: list[PairOut] = Field(description="Pairs that would both rather be together")
    overrides: list[OverrideOut]
    offers: list[OfferOut]

    @staticmethod
    def resolve_assignment(round_: Round) -> list[Pair]:
        return list(round_.proposal.assignment.items())

    @staticmethod
    def resolve_unmatched(round_: Round) -> list[int]:
        return round_.proposal.unmatched

    @staticmethod
    def resolve_blocking(round_: Round) -> list[Pair]:
        return round_.proposal.blocking

    @staticmethod
    def resolve_offers(round_: Round) -> list[Offer]:
        return list(round_.offers.order_by("id"))


class OverrideIn(Schema):
    application: Id = Field(description="The application whose pair is forced or forbidden")
    kind: str = Field(description="force or forbid")
    reason: str = Field(description="Why; kept in the audit log")


class RoundConfirmIn(Schema):
    response_days: int = Field(7, description="Days a mentee has to answer, from announcement")


class SlotsIn(Schema):
    slots: int = Field(description="How many mentees the project takes")


class MyRankingIn(Schema):
    order: IdList = Field(description="Every one of your complete applications, best first")


class OfferDeclineIn(Schema):
    reason: str = Field("", description="Optional: why (the mentors see it)")


@router.get("/terms/{pk}/selection", response={200: list[RoundOut], **ERRORS})
def term_rounds(request: HttpRequest, pk: Id) -> list[Round]:
    """Every selection round of the term, newest first (program admins)."""
    term = access_admin_term(request_user(request), pk)
    return list(Round.objects.filter(term=term).order_by("-number"))


@router.post("/terms/{pk}/selection/run", response={200: RoundOut, **ERRORS})
def run(request: HttpRequest, pk: Id) -> Round:
    """Compute the draft round from the rankings as they are now."""
    user = request_user(request)
    term = access_admin_term(user, pk)
    return services.run_round(term, actor=user)


@router.post("/selection/rounds/{pk}/overrides", response={200: RoundOut, **ERRORS})
def add_override(request: HttpRequest, pk: Id, payload: OverrideIn) -> Round:
    user = request_user(request)
    round_ = admin_round(request_user(request), pk)
    application = Application.objects.filter(pk=payload.application, term=round_.term).first()
    if application is None:
        raise Http404("No such application in this term.")
    services.add_override(round_, application, kind=payload.kind, reason=payload.reason, actor=user)
    return Round.objects.get(pk=pk)


@router.delete("/selection/overrides/{pk}", response={200: RoundOut, **ERRORS})
def remove_override(request: HttpRequest, pk: Id) -> Round:
    user = request_user(request)
    override = Override.objects.select_related("round").filter(pk=pk).first()
    if override is None:
        raise Http404("No such override.")
    round_ = admin_round(request_user(request), override.round_id)
    services.remove_override(override, actor=user)
    return Round.objects.get(pk=round_.pk)


@router.post("/selection/rounds/{pk}/confirm", response={200: RoundOut, **ERRORS})
def confirm(request: HttpRequest, pk: Id, payload: RoundConfirmIn) -> Round:
    """Make the offers (409 if the rankings changed since the round was computed)."""
    user = request_user(request)
    round_ = admin_round(request_user(request), pk)
    services.confirm_round(round_, actor=user, response_days=payload.response_days)
    return Round.objects.get(pk=pk)


@router.put("/projects/{pk}/slots", response={200: SlotsIn, **ERRORS})
def slots(request: HttpRequest, pk: Id, payload: SlotsIn) -> Project:
    user = request_user(request)
    project = access_project(user, pk, Perm.APPLICATION_REVIEW)
    return services.set_slots(project, payload.slots, actor=user)


@router.put("/me/terms/{pk}/ranking", response={200: MyRankingIn, **ERRORS})
def my_ranking(request: HttpRequest, pk: Id, payload: MyRankingIn) -> MyRankingIn:
    """Rank your complete applications in the term, best first."""
    user = request_user(request)
    term = Term.objects.filter(pk=pk).first()
    if term is None:
        raise Http404("No such term.")
    ranked = services.rank_my_applications(user, term, payload.order)
    return MyRankingIn(order=[a.pk for a in ranked])


@router.get("/me/offers", response={200: list[OfferOut], **ERRORS})
def my_offers(request: HttpRequest) -> list[Offer]:
    """Your announced offers, newest first."""
    user = request_user(request)
    offers = Offer.objects.filter(mentee=user, announced_at__isnull=False).order_by("-id")
    return list(offers)


@router.post("/me/offers/{pk}/accept", response={200: OfferOut, **ERRORS})
def accept(request: HttpRequest, pk: Id) -> Offer:
    offer = services.accept_offer(
        announced_offer(request_user(request), pk), actor=request_user(request)
    )
    return Offer.objects.get(pk=offer.pk)


@router.post("/me/offers/{pk}/decline", response={200: OfferOut, **ERRORS})
def decline(request: HttpRequest, pk: Id, payload: OfferDeclineIn) -> Offer:
    """Decline: you leave this term's selection, and the place goes to the next in line."""
    offer = services.decline_offer(
        announced_offer(request_user(request), pk),
        actor=request_user(request),
        reason=payload.reason,
    )
    return Offer.objects.get(pk=offer.pk)
