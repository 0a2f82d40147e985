"""A program's reminders through the API (program admins; 404 for anyone else, as for a
program that does not exist): the rules, a change to one, the 7-day preview and the history.
They serialize the read models of `cohort.reminders.queries`, as the page does.

Errors: 400 for a change a rule refuses (hours out of range, or taken by another rule of the
audience); 401 without a user; 404; 422 for a body that does not match its schema."""

from __future__ import annotations

from typing import Any, Final

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema

from cohort.core.api_auth import api_auth, request_user
from cohort.core.api_errors import errors
from cohort.core.schemas import Id, UtcDatetime
from cohort.reminders import queries, services
from cohort.reminders.models import MAX_HOURS, ReminderRule
from cohort.terms.access import access_admin_program

router = Router(tags=["reminders"], auth=api_auth)

READ_ERRORS: Final = errors(400, 401, 404, 422)
WRITE_ERRORS: Final = errors(400, 401, 404, 409, 422)


class RuleOut(Schema):
    id: int
    key: str = Field(description="The default it began as: incomplete_application_72h, …")
    audience: str = Field(description="incomplete_application, unreviewed_applicants, …")
    audience_label: str
    hours: int
    counts_after: bool = Field(description="Hours after the start (payments), not before")
    when: str = Field(description="“3 days before the deadline”")
    enabled: bool
    message: str = Field(description="The admin's own words, added to the e-mail")


class RuleIn(Schema):
    enabled: bool | None = None
    hours: int | None = Field(None, ge=1, le=MAX_HOURS)
    message: str | None = Field(None, max_length=2000)


class PreviewOut(Schema):
    at: UtcDatetime = Field(description="When it will be sent (now, for the next run)")
    next_run: bool = Field(description="Due already: the next run of run-periodic sends it")
    zone: str = Field(description="The term's time zone")
    rule: RuleOut
    recipient: str
    recipient_id: int
    term: str
    about: str
    deadline: UtcDatetime = Field(description="The deadline, or when the payment was made")
    path: str


class HistoryOut(Schema):
    id: int
    decided_at: UtcDatetime
    rule: RuleOut
    hours: int = Field(description="The rule's hours when it fired")
    recipient: str
    recipient_id: int
    term: str
    about: str
    deadline: UtcDatetime
    status: str = Field(description="The e-mail's: queued, sent, failed or skipped")
    attempts: int


@router.get("/programs/{slug}/reminders", response={200: list[RuleOut], **READ_ERRORS})
def reminder_rules(request: HttpRequest, slug: str) -> list[queries.RuleRow]:
    """The program's reminder rules, by audience, each audience's in the order they fire."""
    return queries.rules_of(access_admin_program(request_user(request), slug))


@router.get("/programs/{slug}/reminders/preview", response={200: list[PreviewOut], **READ_ERRORS})
def reminder_preview(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    """Who will be reminded of what in the next 7 days if nothing is done meanwhile."""
    program = access_admin_program(request_user(request), slug)
    return [
        {
            **vars(row),
            "at": row.at.at,
            "zone": row.at.zone,
            "deadline": row.anchor.at,
        }
        for row in queries.preview(program, timezone.now())
    ]


@router.get("/programs/{slug}/reminders/history", response={200: list[HistoryOut], **READ_ERRORS})
def reminder_history(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    """The last 100 reminders the program's rules sent (or tried to), newest first."""
    program = access_admin_program(request_user(request), slug)
    return [
        {**vars(row), "decided_at": row.created.at, "deadline": row.anchor.at}
        for row in queries.history(program)
    ]


# After the fixed paths (preview, history): ninja tries the routes in order.
@router.patch("/programs/{slug}/reminders/{pk}", response={200: RuleOut, **WRITE_ERRORS})
def change_reminder_rule(
    request: HttpRequest, slug: str, pk: Id, payload: RuleIn
) -> queries.RuleRow:
    """Turn a rule on or off, move its hours, or change its own words (audited)."""
    program = access_admin_program(request_user(request), slug)
    rule = ReminderRule.objects.filter(program=program, pk=pk).first()
    if rule is None:
        raise Http404("No such reminder rule.")
    changed = services.update_rule(
        rule,
        actor=request_user(request),
        enabled=payload.enabled,
        hours=payload.hours,
        message=payload.message,
    )
    return queries.rule_row(changed)
