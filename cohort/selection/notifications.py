"""Selection e-mail: the offers, and a kind notice to everyone not selected.

They go out when a round is announced (cohort.selection.services.announce_round, run by
`cohort run-periodic` on the timeline's `selection_notify` date), and an offer made later
from the waitlist goes out when it is made. Each e-mail has an outbox row unique per (kind,
object, recipient) in core's outbox (`cohort.notifications`): the offer for an offer, the
notice for the round. So a second run, or a run after a crash halfway, sends only what was
not sent.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone

from cohort.applications.models import Application, MenteeProfile
from cohort.core.emails import site_url
from cohort.core.models import User
from cohort.notifications.kinds import register_kind
from cohort.notifications.services import deliver, outbox_row
from cohort.selection.models import Offer, Round
from cohort.terms.models import Term

OFFER_OBJECT = "selection.offer"
ROUND_OBJECT = "selection.round"

OFFER = "selection_offer"
NOT_SELECTED = "selection_not_selected"

register_kind(
    OFFER, "Your offer", essential=True, why="an offer you must answer before its deadline"
)
register_kind(
    NOT_SELECTED, "You were not selected", essential=True, why="a decision about your application"
)
KINDS = (OFFER, NOT_SELECTED)
RESEND_DAYS = 7  # rounds announced this recently are checked for unsent e-mail


def notify_offer(offer_id: int) -> int:
    """Mail the mentee their offer if it is announced and still open; 1 if sent now."""
    offer = (
        Offer.objects.select_related("mentee", "project", "term__program", "round")
        .filter(pk=offer_id, status=Offer.Status.PENDING, announced_at__isnull=False)
        .first()
    )
    if offer is None or not offer.mentee.email:
        return 0
    replaced = (
        Offer.objects.filter(
            round=offer.round_id, mentee=offer.mentee_id, status=Offer.Status.SUPERSEDED
        )
        .select_related("project")
        .order_by("-id")
        .first()
    )
    context = {
        **_base(offer.mentee, offer.term),
        "project": offer.project.title,
        "deadline": _when(offer.deadline, offer.mentee),
        "reason": offer.reason,
        "replaced": replaced.project.title if replaced else "",
    }
    row, _ = outbox_row(OFFER, OFFER_OBJECT, offer.pk, offer.mentee, context)
    return int(row.sent_at is None and deliver(row, offer.mentee, context))


def notify_round(round_id: int) -> int:
    """Send an announced round's e-mails not sent yet: each open offer, and the notice to
    each mentee in the round who holds no offer. Returns how many were sent now."""
    round_ = (
        Round.objects.select_related("term__program")
        .filter(pk=round_id, announced_at__isnull=False)
        .first()
    )
    if round_ is None:
        return 0
    sent = 0
    offers = Offer.objects.filter(round=round_)
    for pk in offers.filter(status=Offer.Status.PENDING).values_list("pk", flat=True):
        sent += notify_offer(pk)
    # Anyone offered a place in this round, even if they declined it since, was selected.
    placed = set(offers.values_list("mentee_id", flat=True))
    mentees = [int(m) for m in round_.inputs.get("applicants", {})]
    for mentee in User.objects.filter(pk__in=mentees).exclude(pk__in=placed).order_by("pk"):
        if mentee.email:
            sent += _not_selected(round_, mentee)
    return sent


def _not_selected(round_: Round, mentee: User) -> int:
    applications = list(
        Application.objects.filter(mentee=mentee, term=round_.term)
        .filter(status__in=[Application.Status.SUBMITTED, Application.Status.SHORTLISTED])
        .select_related("project")
        .order_by("mentee_rank", "created_at")
    )
    context = {
        **_base(mentee, round_.term),
        "projects": [a.project.title for a in applications],
        "waitlisted": [
            a.project.title for a in applications if a.status == Application.Status.SHORTLISTED
        ],
    }
    row, _ = outbox_row(NOT_SELECTED, ROUND_OBJECT, round_.pk, mentee, context)
    return int(row.sent_at is None and deliver(row, mentee, context))


def resend_recent(now: datetime | None = None) -> int:
    """Send what recently announced rounds still owe (after a crash or a failed send)."""
    since = (now or timezone.now()) - timedelta(days=RESEND_DAYS)
    sent = 0
    for pk in Round.objects.filter(announced_at__gte=since).values_list("pk", flat=True):
        sent += notify_round(pk)
    recent = Offer.objects.filter(status=Offer.Status.PENDING, announced_at__gte=since)
    for pk in recent.values_list("pk", flat=True):  # waitlist offers of older rounds
        sent += notify_offer(pk)
    return sent


def _when(at: datetime | None, user: User) -> str:
    """`at` in UTC, and in the mentee's own time zone when their profile has one."""
    if at is None:
        return ""
    text = f"{at.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
    zone = MenteeProfile.objects.filter(user=user).values_list("time_zone", flat=True).first()
    if zone and zone != "UTC":
        local = at.astimezone(ZoneInfo(zone))
        text += f" ({local:%Y-%m-%d %H:%M %Z}, {zone})"
    return text


def _base(user: User, term: Term) -> dict[str, Any]:
    return {
        "name": user.get_full_name() or user.username,
        "term": term.label,
        "program": term.program.name,
        "link": f"{site_url()}{reverse('applications:home')}",
    }
