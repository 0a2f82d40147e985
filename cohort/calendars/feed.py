"""A person's own deadlines as an iCalendar feed (issue 17).

What goes in, each only while there is something to do:

- an application in progress (a draft: tasks missing), at the term's application deadline,
  and each of its tasks not handed in;
- an offer awaiting the mentee's answer, at its deadline;
- for a mentor, each published project of an open term: the review and ranking of its
  applicants, due at the end of the timeline's `application_review` milestone;
- for a mentor, each evaluation round of a live placement with no evaluation yet, and for the
  mentee each round without their feedback, at the placement's own due instant (moved by an
  extension or a pause; the term's milestone is not read);
- for a program admin, each pending payment waiting for their approval (not on a project they
  mentor, not approved by them already), from the instant it was made, and the whole timeline
  (`Milestone` rows) of every open term of the programs they administer.

Instants are written in UTC (`...Z`), so "5:00 PM PDT" is the same instant in every client
whatever its zone and across a DST change; whole-day milestones are DATE ranges in the term's
zone, their end exclusive. UIDs are the object's kind and primary key (`offer-12@cohort`),
stable across fetches and rotations; SEQUENCE comes from `services.record_sequences`. Reading
everything takes a fixed number of queries whatever the number of items.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from cohort.applications.models import Application, Task
from cohort.calendars import services
from cohort.calendars.models import CalendarFeed
from cohort.core.models import User
from cohort.mentorship.models import EvaluationRound, Placement
from cohort.projects.models import Project
from cohort.proposals.access import mentored_by
from cohort.selection.models import Offer
from cohort.stipends.queries import awaiting_approval_of
from cohort.terms.models import Milestone, Program, ProgramMembership, Term

PRODID = "-//Cohort//Personal calendar//EN"
UID_HOST = "cohort"
LIVE_PLACEMENTS = (
    Placement.Status.UPCOMING,
    Placement.Status.ACTIVE,
    Placement.Status.ON_HOLD,
)


@dataclass(frozen=True)
class Item:
    """One event: an instant (a deadline) or a whole-day range (`end` exclusive)."""

    uid: str
    start: datetime | date
    end: datetime | date | None
    summary: str
    description: str
    path: str  # the page where the thing is done

    @property
    def dates(self) -> str:
        """The dates as text, to tell whether they moved since the feed last served them."""
        start = self.start.isoformat()
        return start if self.end is None else f"{start}/{self.end.isoformat()}"


def uid(kind: str, pk: int) -> str:
    return f"{kind}-{pk}@{UID_HOST}"


def local(when: datetime, term: Term) -> str:
    """`when` as the term's zone writes it: "Tue Aug 13, 2024 5:00 PM PDT"."""
    moment = when.astimezone(ZoneInfo(term.time_zone))
    return f"{moment:%a %b %-d, %Y %-I:%M %p} {moment.tzname()}"


def _deadline(term: Term, key: str) -> datetime | None:
    return term.window(key).end


def _admin_programs(user: User) -> QuerySet[ProgramMembership, int]:
    return ProgramMembership.objects.filter(
        user=user, role=ProgramMembership.Role.ADMIN
    ).values_list("program_id", flat=True)


def _applications(user: User) -> list[Item]:
    drafts = (
        Application.objects.filter(
            mentee=user, status=Application.Status.DRAFT, term__state=Term.State.OPEN
        )
        .select_related("term__program", "project")
        .prefetch_related(
            "term__milestones",
            Prefetch(
                "tasks",
                queryset=Task.objects.filter(completed_at__isnull=True).order_by("position", "id"),
                to_attr="open_tasks",
            ),
        )
        .order_by("id")
    )
    items: list[Item] = []
    for application in drafts:
        term = application.term
        deadline = _deadline(term, "applications_open")
        if deadline is None:
            continue
        program = term.program.name
        project = application.project.title
        path = reverse("applications:detail", args=[application.pk])
        tasks: list[Task] = application.open_tasks  # type: ignore[attr-defined]  # Prefetch to_attr
        missing = ", ".join(task.title for task in tasks) or "none"
        items.append(
            Item(
                uid("application", application.pk),
                deadline,
                None,
                f"{program}: application deadline for {project}",
                f"Finish your application to {project} ({program} {term.label}) by "
                f"{local(deadline, term)}. Tasks still missing: {missing}.",
                path,
            )
        )
        items.extend(
            Item(
                uid("task", task.pk),
                deadline,
                None,
                f"{program}: hand in “{task.title}” for {project}",
                f"Hand in “{task.title}” for your application to {project} "
                f"({program} {term.label}) by {local(deadline, term)}.",
                path,
            )
            for task in tasks
        )
    return items


def _offers(user: User) -> list[Item]:
    offers = (
        Offer.objects.filter(mentee=user, status=Offer.Status.PENDING, deadline__isnull=False)
        .select_related("term__program", "project")
        .order_by("id")
    )
    path = reverse("applications:home")
    items = []
    for offer in offers:
        deadline = offer.deadline
        if deadline is None:  # filtered above; this narrows the type
            continue
        program = offer.term.program.name
        when = local(deadline, offer.term)
        items.append(
            Item(
                uid("offer", offer.pk),
                deadline,
                None,
                f"{program}: answer your offer for {offer.project.title}",
                f"You have been offered a place on {offer.project.title} ({program} "
                f"{offer.term.label}). Accept or decline it by {when}; "
                "without an answer it lapses.",
                path,
            )
        )
    return items


def _reviews(user: User) -> list[Item]:
    projects = (
        Project.objects.filter(
            mentored_by(user), status=Project.Status.PUBLISHED, term__state=Term.State.OPEN
        )
        .select_related("term__program")
        .prefetch_related("term__milestones")
        .order_by("id")
    )
    items = []
    for project in projects:
        term = project.term
        due = _deadline(term, "application_review")
        if due is None:
            continue
        program = term.program.name
        items.append(
            Item(
                uid("review", project.pk),
                due,
                None,
                f"{program}: review and rank the applicants to {project.title}",
                f"Review the applications to {project.title} ({program} {term.label}), then "
                f"shortlist and rank them, by {local(due, term)}.",
                reverse("applications:queue", args=[project.pk]),
            )
        )
    return items


def _rounds() -> QuerySet[EvaluationRound]:
    return (
        EvaluationRound.objects.filter(
            placement__status__in=LIVE_PLACEMENTS, placement__term__state=Term.State.OPEN
        )
        .select_related("placement__term__program", "placement__project", "placement__mentee")
        .order_by("due_at", "id")
    )


def _evaluations(user: User) -> list[Item]:
    items = []
    mentored = Project.objects.filter(mentored_by(user)).values("pk")
    for round_ in _rounds().filter(placement__project__in=mentored, evaluation__isnull=True):
        placement = round_.placement
        term = placement.term
        program = term.program.name
        mentee = placement.mentee.get_full_name() or placement.mentee.get_username()
        items.append(
            Item(
                uid("evaluation", round_.pk),
                round_.due_at,
                None,
                f"{program}: {round_.label} of {mentee} ({placement.project.title})",
                f"Submit the {round_.label.lower()} of {mentee} on {placement.project.title} "
                f"({program} {term.label}) by {local(round_.due_at, term)}. It opens "
                f"{local(round_.opens_at, term)}.",
                reverse("mentorship:placement", args=[placement.pk]),
            )
        )
    for round_ in _rounds().filter(placement__mentee=user, feedback__isnull=True):
        placement = round_.placement
        term = placement.term
        program = term.program.name
        items.append(
            Item(
                uid("feedback", round_.pk),
                round_.due_at,
                None,
                f"{program}: your {round_.label.lower()} feedback ({placement.project.title})",
                f"Give your feedback for the {round_.label.lower()} of your mentorship on "
                f"{placement.project.title} ({program} {term.label}) by "
                f"{local(round_.due_at, term)}. It opens {local(round_.opens_at, term)}.",
                reverse("mentorship:placement", args=[placement.pk]),
            )
        )
    return items


def _payments(user: User) -> list[Item]:
    payments = (
        awaiting_approval_of(user)
        .filter(term__program__in=_admin_programs(user), term__state=Term.State.OPEN)
        .select_related("term__program", "placement__project")
        .order_by("made_at", "id")
    )
    items = []
    for payment in payments:
        term = payment.term
        program = term.program.name
        items.append(
            Item(
                uid("payment", payment.pk),
                payment.made_at,
                None,
                f"{program}: approve payment {payment.reference}",
                f"Payment {payment.reference} (installment {payment.installment} of "
                f"{payment.installments}, {payment.placement.project.title}, {term.label}) has "
                f"waited for your approval since {local(payment.made_at, term)}.",
                reverse("stipends:payment", args=[payment.pk]),
            )
        )
    return items


def _milestones(user: User) -> list[Item]:
    milestones = (
        Milestone.objects.filter(
            term__program__in=_admin_programs(user), term__state=Term.State.OPEN
        )
        .filter(Q(start__isnull=False) | Q(end__isnull=False))
        .select_related("term__program")
        .order_by("term_id", "position", "id")
    )
    items = []
    for milestone in milestones:
        term = milestone.term
        program: Program = term.program
        start: datetime | date
        end: datetime | date | None
        if milestone.has_time:
            start = milestone.start or milestone.end  # type: ignore[assignment]  # one is set
            end = milestone.end if milestone.end not in (None, start) else None
        else:
            days = milestone.days(term.zone)
            start, end = days[0], days[-1] + timedelta(days=1)
        items.append(
            Item(
                uid("milestone", milestone.pk),
                start,
                end,
                f"{program.name} {term.label}: {milestone.label}",
                f"{milestone.label}: {milestone.raw} (the timeline of {program.name} "
                f"{term.label}, which you administer).",
                reverse("console:term", args=[term.pk]),
            )
        )
    return items


def items_for(user: User) -> list[Item]:
    """Everything on `user`'s calendar, in a fixed number of queries."""
    return [
        *_applications(user),
        *_offers(user),
        *_reviews(user),
        *_evaluations(user),
        *_payments(user),
        *_milestones(user),
    ]


def _utc(value: datetime | date) -> datetime | date:
    return value.astimezone(UTC) if isinstance(value, datetime) else value


def calendar(feed: CalendarFeed, base_url: str) -> bytes:
    """`feed`'s owner's deadlines as iCalendar bytes; `base_url` ("https://host") makes each
    event's URL absolute."""
    user = feed.user
    items = items_for(user)
    sequences = services.record_sequences(feed, {item.uid: item.dates for item in items})
    stamp = timezone.now().astimezone(UTC).replace(microsecond=0)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"Cohort: {user.get_username()}")
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    for item in items:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("sequence", sequences[item.uid])
        event.add("dtstart", _utc(item.start))
        if item.end is not None:
            event.add("dtend", _utc(item.end))
        event.add("summary", item.summary)
        event.add("description", item.description)
        event.add("url", f"{base_url}{item.path}")
        cal.add_component(event)
    body: bytes = cal.to_ical()
    return body
