"""Setting up a term through the API: the same services, rules and read model as the console.

Program admins only (a token or a session; 401 without). A program or term the caller does not
administer is 404, as one that does not exist. Local dates (`YYYY-MM-DD`) and times (`HH:MM`)
are in the term's zone; instants are ISO 8601 in UTC. A refused change is 400 with one sentence
per problem, each naming its milestone or setting, and nothing is saved.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from cohort.core.api_auth import api_auth, request_user
from cohort.core.api_errors import errors
from cohort.core.schemas import Id, UtcDatetime
from cohort.terms import services
from cohort.terms.access import access_admin_program, access_admin_term
from cohort.terms.models import Program
from cohort.terms.queries import MilestoneView, TermSetup, term_setup

router = Router(tags=["terms"], auth=api_auth)
_CLOCK = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
ERRORS = errors(400, 401, 403, 404, 409, 422)


class TimelineMilestoneOut(Schema):
    key: str = Field(description="proposals_open, applications_open, … (unique in the term)")
    label: str
    raw: str = Field(description="The date text, as the term page writes it")
    has_time: bool = Field(description="False for whole days")
    is_deadline: bool
    start: UtcDatetime | None
    end: UtcDatetime | None = Field(description="The instant the phase closes")
    start_local: str | None = Field(description="The start in the term's zone")
    end_local: str | None
    start_date: date | None = Field(description="The form's values, in the term's zone")
    start_time: str | None = Field(description="HH:MM, in the term's zone", pattern=_CLOCK)
    end_date: date | None
    end_time: str | None = Field(description="HH:MM, in the term's zone", pattern=_CLOCK)


class TermSetupOut(Schema):
    id: int
    program: str = Field(description="The program's slug")
    label: str = Field(description="2027 Term 2")
    title: str
    url: str = Field(description="The public term page")
    time_zone: str = Field(description="IANA zone of the timeline")
    stage: str = Field(description="upcoming, accepting_proposals, … completed (derived)")
    stage_label: str
    proposal_quota: int = Field(description="Proposals per organization (guideline)")
    quota_overrides: dict[str, int] = Field(description="Per organization key, as quotas.yml")
    max_applications: int | None = Field(description="The term's cap; null: the program's")
    applications_cap: int = Field(description="The cap in force")
    default_prerequisites: list[str]
    milestones: list[TimelineMilestoneOut]


def _milestone(m: MilestoneView) -> dict[str, Any]:
    return {
        "key": m.key,
        "label": m.label,
        "raw": m.raw,
        "has_time": m.has_time,
        "is_deadline": m.is_deadline,
        "start": m.start.at if m.start else None,
        "end": m.end.at if m.end else None,
        "start_local": m.start.local if m.start else None,
        "end_local": m.end.local if m.end else None,
        "start_date": m.start_date,
        "start_time": f"{m.start_time:%H:%M}" if m.start_time else None,
        "end_date": m.end_date,
        "end_time": f"{m.end_time:%H:%M}" if m.end_time else None,
    }


def setup_out(setup: TermSetup) -> dict[str, Any]:
    term = setup.term
    return {
        "id": term.pk,
        "program": term.program.slug,
        "label": term.label,
        "title": term.title,
        "url": term.get_absolute_url(),
        "time_zone": term.time_zone,
        "stage": setup.stage.value,
        "stage_label": setup.stage.label,
        "proposal_quota": term.proposal_quota,
        "quota_overrides": dict(term.quota_overrides),
        "max_applications": term.max_applications,
        "applications_cap": setup.applications_cap,
        "default_prerequisites": list(term.default_prerequisites),
        "milestones": [_milestone(m) for m in setup.milestones],
    }


class TermIn(Schema):
    year: int = Field(ge=2000, le=2999)
    number: int = Field(ge=1, le=99, description="1, 2 or 3 on the CNCF's calendar")
    time_zone: str = Field(
        "", max_length=64, description="IANA zone; empty: the program's latest term's"
    )


class MilestoneIn(Schema):
    key: str = Field("", max_length=64, description="Empty for a new milestone: from its label")
    label: str = Field(max_length=services.LABEL_MAX)
    start: date | None = Field(None, description="The first day, in the term's zone")
    start_time: time | None = None
    end: date | None = Field(None, description="The day it closes, or the one day it falls on")
    end_time: time | None = Field(None, description="The time it closes (deadlines need one)")


class TimelineIn(Schema):
    milestones: list[MilestoneIn] = Field(max_length=services.MAX_MILESTONES)


class SettingsIn(Schema):
    time_zone: str | None = Field(None, max_length=64)
    proposal_quota: int | None = Field(None, ge=1, le=services.QUOTA_MAX)
    quota_overrides: dict[str, int] | None = Field(None, max_length=services.OVERRIDES_MAX)
    max_applications: int | None = Field(
        None, ge=1, le=services.APPLICATIONS_CAP_MAX, description="null: the program's cap"
    )
    default_prerequisites: list[str] | None = Field(None, max_length=10)


def _program(request: HttpRequest, slug: str) -> Program:
    return access_admin_program(request_user(request), slug)


@router.post("/programs/{slug}/terms", response={201: TermSetupOut, **ERRORS})
def create_term(request: HttpRequest, slug: str, body: TermIn) -> Status[dict[str, Any]]:
    """Create term `number` of `year` from the program's calendar, its timeline pre-filled."""
    program = _program(request, slug)
    term = services.create_term(
        program,
        year=body.year,
        number=body.number,
        time_zone=body.time_zone,
        actor=request_user(request),
    )
    return Status(201, setup_out(term_setup(term)))


@router.get("/terms/{pk}/setup", response={200: TermSetupOut, **ERRORS})
def get_setup(request: HttpRequest, pk: Id) -> dict[str, Any]:
    """The term's timeline and settings."""
    return setup_out(term_setup(access_admin_term(request_user(request), pk)))


@router.put("/terms/{pk}/timeline", response={200: TermSetupOut, **ERRORS})
def put_timeline(request: HttpRequest, pk: Id, body: TimelineIn) -> dict[str, Any]:
    """Replace the timeline; milestones left out are removed."""
    user = request_user(request)
    term = access_admin_term(user, pk)
    rows = [services.MilestoneInput(**m.model_dump()) for m in body.milestones]
    services.set_timeline(term, rows, actor=user)
    return setup_out(term_setup(access_admin_term(user, pk)))


@router.patch("/terms/{pk}/settings", response={200: TermSetupOut, **ERRORS})
def patch_settings(request: HttpRequest, pk: Id, body: SettingsIn) -> dict[str, Any]:
    """Change the settings sent; `max_applications: null` goes back to the program's cap."""
    user = request_user(request)
    term = access_admin_term(user, pk)
    sent = body.model_dump(exclude_unset=True)
    cap = sent.get("max_applications", -1)
    change = services.SettingsChange(
        time_zone=sent.get("time_zone"),
        proposal_quota=sent.get("proposal_quota"),
        quota_overrides=sent.get("quota_overrides"),
        max_applications=None if cap == -1 else (cap or 0),
        default_prerequisites=sent.get("default_prerequisites"),
    )
    services.update_settings(term, change, actor=user)
    return setup_out(term_setup(access_admin_term(user, pk)))
