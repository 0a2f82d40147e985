"""Placements through the API: the same read model as the pages (`mentorship.queries`).

`GET /me/placements` is the caller's own, as a mentee. `GET /terms/{id}/placements` is a
term's, for its program admins (404 for anyone else, as for a term that does not exist),
optionally of one status. Instants are ISO 8601 in UTC.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema

from cohort.core.api_auth import api_auth, request_user
from cohort.core.api_errors import errors
from cohort.core.errors import DomainError
from cohort.core.schemas import Id, UtcDatetime
from cohort.mentorship import queries
from cohort.mentorship.models import Placement
from cohort.terms.access import access_admin_term

router = Router(tags=["mentorship"], auth=api_auth)
ERRORS = errors(400, 401, 404, 422)


class PlacementMentorOut(Schema):
    name: str
    github: str
    email: str
    role: str


class PlacementDateOut(Schema):
    key: str
    label: str
    at: UtcDatetime = Field(description="When it closes (a whole-day one: its first instant)")
    whole_day: bool


class PlacementOut(Schema):
    id: int
    status: str = Field(description="upcoming, active, on_hold, withdrawn, failed or graduated")
    term: int
    term_label: str
    project: int
    project_title: str
    organization: str
    mentee: int
    mentee_name: str
    starts_at: UtcDatetime | None
    ends_at: UtcDatetime | None
    extended_weeks: int
    mentors: list[PlacementMentorOut]
    upstream_issues: list[str]
    dates_ahead: list[PlacementDateOut]


def placement_out(row: queries.PlacementRow) -> dict[str, Any]:
    p = row.placement
    return {
        "id": p.pk,
        "status": p.status,
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
        "mentors": [vars(m) for m in row.mentors],
        "upstream_issues": row.upstream,
        "dates_ahead": [
            {"key": d.key, "label": d.label, "at": d.closes.at, "whole_day": d.whole_day}
            for d in row.ahead
        ],
    }


@router.get("/me/placements", response={200: list[PlacementOut], **ERRORS})
def my_placements(request: HttpRequest) -> list[dict[str, Any]]:
    """Your placements as a mentee, newest term first."""
    rows = queries.mentee_placements(request_user(request), timezone.now())
    return [placement_out(row) for row in rows]


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
    rows = queries.term_placements(term, timezone.now(), status=status)
    return [placement_out(row) for row in rows]
