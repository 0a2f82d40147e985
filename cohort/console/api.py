"""The console API: the term dashboard, the same read model as `/console/terms/<id>/`.

`GET /terms/{id}/dashboard` needs a user (a token or a session; 401 without) who administers
the term's program; for anyone else the term does not exist (404). Instants are ISO 8601 UTC;
every count carries `url`, the path of the page that lists what it counts.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema

from cohort.applications.api import ERRORS
from cohort.console import queries
from cohort.core.api_auth import api_auth, request_user
from cohort.core.schemas import Id, UtcDatetime
from cohort.core.time import Instant
from cohort.terms.access import access_admin_term

router = Router(tags=["console"], auth=api_auth)


def _at(value: Instant | None) -> object:
    return value.at if value is not None else None


class PhaseOut(Schema):
    # Read from a `queries.Phase`.
    key: str = Field(description="The milestone's key, e.g. applications_open")
    label: str
    start: UtcDatetime | None
    end: UtcDatetime | None

    @staticmethod
    def resolve_start(phase: queries.Phase) -> object:
        return _at(phase.start)

    @staticmethod
    def resolve_end(phase: queries.Phase) -> object:
        return _at(phase.end)


class DeadlineOut(Schema):
    # Read from a `queries.Deadline`.
    key: str = Field(description="The milestone's key")
    label: str = Field(description="The milestone's label")
    edge: str = Field(description='"starts", "ends", or "" for a milestone of one instant')
    at: UtcDatetime
    seconds_left: int
    countdown: str = Field(description='The time left in words: "in 3 days 4 hours"')

    @staticmethod
    def resolve_at(deadline: queries.Deadline) -> object:
        return deadline.at.at


class CountOut(Schema):
    key: str
    label: str
    count: int
    url: str = Field(description="The page listing what is counted")


class ProjectLinkOut(Schema):
    title: str
    organization: str
    url: str


class AttentionOut(Schema):
    key: str = Field(
        description="to_approve, to_publish, no_slots, unreviewed or unanswered_offers"
    )
    label: str
    count: int
    url: str
    detail: str
    projects: list[ProjectLinkOut] = Field(description="no_slots: the first projects")


class DashboardOut(Schema):
    # Read from a `queries.Dashboard`.
    term: int
    now: UtcDatetime = Field(description="The instant the dashboard was computed at")
    stage: str = Field(
        description="upcoming, accepting_proposals, accepting_applications, in_review, "
        "selection, in_progress or completed"
    )
    stage_label: str
    current: list[PhaseOut] = Field(description="The milestones running now")
    next: PhaseOut | None = Field(description="The next milestone to start")
    deadlines: list[DeadlineOut] = Field(description="The next three starts or ends")
    proposals_total: int
    proposals_url: str
    proposals: list[CountOut] = Field(description="By board column, in board order")
    applications: list[CountOut]
    selection: list[CountOut]
    attention: list[AttentionOut] = Field(description="Only what needs the admin now")

    @staticmethod
    def resolve_term(dashboard: queries.Dashboard) -> int:
        return dashboard.term.pk


@router.get("/terms/{pk}/dashboard", response={200: DashboardOut, **ERRORS})
def term_dashboard(request: HttpRequest, pk: Id) -> queries.Dashboard:
    """The term dashboard: where the term stands, the next deadlines, counts and what needs
    the program admin. Program admins only (404 otherwise)."""
    term = access_admin_term(request_user(request), pk)
    return queries.dashboard(term, now=timezone.now())
