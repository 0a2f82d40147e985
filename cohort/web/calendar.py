"""A term's timeline as an iCalendar file (issue 15, open data): public, no personal data.

One VEVENT per dated milestone. A milestone with a clock time is an instant or a range of
instants, written in UTC; a whole-day milestone is a DATE range in the term's zone, its end
exclusive as RFC 5545 wants (`Milestone.days`). UIDs name the milestone and the site's host,
so a calendar that subscribes to the file updates its events instead of duplicating them.
"""

from __future__ import annotations

from datetime import UTC, timedelta

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe
from icalendar import Calendar, Event

from cohort.terms.models import Milestone, Term
from cohort.web import queries

PRODID = "-//Cohort//Term timeline//EN"


def milestone_uid(milestone: Milestone, host: str) -> str:
    return f"milestone-{milestone.pk}@{host}"


def _event(term: Term, milestone: Milestone, host: str, term_url: str) -> Event | None:
    if milestone.start is None:
        return None  # undated: nothing to put on a calendar
    event = Event()
    event.add("uid", milestone_uid(milestone, host))
    event.add("dtstamp", term.updated_at.astimezone(UTC))
    event.add("summary", milestone.label)
    event.add("description", milestone.raw)
    event.add("url", term_url)
    if milestone.has_time:
        event.add("dtstart", milestone.start.astimezone(UTC))
        if milestone.end is not None and milestone.end != milestone.start:
            event.add("dtend", milestone.end.astimezone(UTC))
    else:
        days = milestone.days(term.zone)
        event.add("dtstart", days[0])
        event.add("dtend", days[-1] + timedelta(days=1))  # exclusive
    return event


def term_calendar(term: Term, host: str, term_url: str) -> bytes:
    """The term's timeline as iCalendar bytes; the milestones from the prefetch if any."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"{term.program.name} {term.label}")
    calendar.add("x-wr-timezone", term.time_zone)
    for milestone in term.milestones.all():
        event = _event(term, milestone, host, term_url)
        if event is not None:
            calendar.add_component(event)
    body: bytes = calendar.to_ical()
    return body


@require_safe
def term_ics(request: HttpRequest, program: str, term: str) -> HttpResponse:
    term_obj = queries.public_term(program, term)
    term_url = request.build_absolute_uri(term_obj.get_absolute_url())
    body = term_calendar(term_obj, request.get_host(), term_url)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = (
        f'inline; filename="{term_obj.program.slug}-{term_obj.url_key}.ics"'
    )
    return response
