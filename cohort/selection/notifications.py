"""Selection e-mail: the offers, and a kind notice to everyone not selected.

They go out when a round is announced (cohort.selection.services.announce_round, run by
`cohort run-periodic` on the timeline's `selection_notify` date), and an offer made later
from the waitlist goes out when it is made. Each e-mail has an outbox row unique per (kind,
object, recipient) in core's outbox (`cohort.notifications`): the offer for an offer, the
notice for the round. So a second run, or a run after a crash halfway, sends only what was
not sent.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import CharField, Exists, OuterRef, Q
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone

from cohort.applications.models import Application, MenteeProfile
from cohort.core.emails import site_url
from cohort.core.models import User
from cohort.notifications.kinds import register_kind
from cohort.notifications.models import Notification
from cohort.notifications.services import create_outbox_rows, deliver_many, outbox_rows, owed
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
BATCH = 500  # offers or mentees read at once by `notify_round`


def notify_offer(offer_id: int) -> int:
    """Mail the mentee their offer if it is announced and still open; 1 if sent now."""
    return _send_offers([offer_id])


def notify_round(round_id: int) -> int:
    """Send an announced round's e-mails not sent yet: each open offer, and the notice to
    each mentee in the round who holds no offer. Returns how many were sent now.

    It reads and plans in batches of `BATCH`, a fixed number of queries each; each e-mail
    then costs only its send, one transaction of three queries (`deliver_many`)."""
    round_ = Round.objects.filter(pk=round_id, announced_at__isnull=False).first()
    if round_ is None:
        return 0
    offers = Offer.objects.filter(round=round_)
    pending = list(
        offers.filter(status=Offer.Status.PENDING).values_list("pk", flat=True).order_by("pk")
    )
    sent = sum(_send_offers(batch) for batch in _batches(pending))
    # Anyone offered a place in this round, even if they declined it since, was selected.
    placed = set(offers.values_list("mentee_id", flat=True))
    mentees = sorted({int(m) for m in round_.inputs.get("applicants", {})} - placed)
    return sent + sum(_send_notices(round_, batch) for batch in _batches(mentees))


def _batches(ids: Sequence[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), BATCH):
        yield list(ids[start : start + BATCH])


def _send_offers(offer_ids: Sequence[int]) -> int:
    """Mail each of `offer_ids` still open and announced whose e-mail was not sent: at most
    six queries to read and plan, then one transaction per e-mail (`deliver_many`)."""
    offers = list(
        Offer.objects.select_related("mentee", "project", "term__program")
        .filter(pk__in=offer_ids, status=Offer.Status.PENDING, announced_at__isnull=False)
        .exclude(mentee__email="")
        .order_by("pk")
    )
    rows = outbox_rows(OFFER, OFFER_OBJECT, [(o.pk, o.mentee_id) for o in offers])
    due = [o for o in offers if owed(rows.get((str(o.pk), o.mentee_id)))]
    if not due:
        return 0
    # The offer each mentee held before in the same round and lost to this one, if any.
    replaced: dict[tuple[int, int], str] = {}
    for round_id, mentee_id, title in (
        Offer.objects.filter(
            round__in={o.round_id for o in due},
            mentee__in={o.mentee_id for o in due},
            status=Offer.Status.SUPERSEDED,
        )
        .order_by("id")
        .values_list("round_id", "mentee_id", "project__title")
    ):
        replaced[(round_id, mentee_id)] = title  # the latest wins
    zones = _zones([o.mentee_id for o in due])
    contexts = {
        o.pk: {
            **_base(o.mentee, o.term),
            "project": o.project.title,
            "deadline": _when(o.deadline, zones.get(o.mentee_id)),
            "reason": o.reason,
            "replaced": replaced.get((o.round_id, o.mentee_id), ""),
        }
        for o in due
    }
    rows |= create_outbox_rows(
        OFFER, OFFER_OBJECT, [(o.pk, o.mentee, contexts[o.pk]) for o in due], rows
    )
    return deliver_many((rows[(str(o.pk), o.mentee_id)], o.mentee, contexts[o.pk]) for o in due)


def _send_notices(round_: Round, mentee_ids: Sequence[int]) -> int:
    """The "not selected" notice of `round_` to each of `mentee_ids` with an address whose
    notice was not sent: at most six queries to read and plan, then one transaction per
    e-mail (`deliver_many`)."""
    rows = outbox_rows(NOT_SELECTED, ROUND_OBJECT, [(round_.pk, m) for m in mentee_ids])
    owed_ids = [m for m in mentee_ids if owed(rows.get((str(round_.pk), m)))]
    if not owed_ids:
        return 0
    mentees = list(User.objects.filter(pk__in=owed_ids).exclude(email="").order_by("pk"))
    if not mentees:
        return 0
    term = Term.objects.select_related("program").get(pk=round_.term_id)
    applications: dict[int, list[Application]] = {m.pk: [] for m in mentees}
    for application in (
        Application.objects.filter(mentee__in=applications.keys(), term=term)
        .filter(status__in=[Application.Status.SUBMITTED, Application.Status.SHORTLISTED])
        .select_related("project")
        .order_by("mentee_rank", "created_at")
    ):
        applications[application.mentee_id].append(application)
    contexts = {
        m.pk: {
            **_base(m, term),
            "projects": [a.project.title for a in applications[m.pk]],
            "waitlisted": [
                a.project.title
                for a in applications[m.pk]
                if a.status == Application.Status.SHORTLISTED
            ],
        }
        for m in mentees
    }
    rows |= create_outbox_rows(
        NOT_SELECTED, ROUND_OBJECT, [(round_.pk, m, contexts[m.pk]) for m in mentees], rows
    )
    return deliver_many((rows[(str(round_.pk), m.pk)], m, contexts[m.pk]) for m in mentees)


def resend_recent(now: datetime | None = None) -> int:
    """Send what recently announced rounds still owe (after a crash or a failed send), and
    the open offers announced recently (the waitlist offers of older rounds).

    It finds what is owed without reading a round's offers: the open offers without a sent
    (or skipped) e-mail by one query on the outbox's unique index, and the notices by one
    query each for the recent rounds' mentees, the ones offered a place and the notices
    already sent, so a run with nothing to send costs the same however large the rounds."""
    since = (now or timezone.now()) - timedelta(days=RESEND_DAYS)
    rounds = {
        pk: inputs.get("applicants", {})
        for pk, inputs in Round.objects.filter(announced_at__gte=since).values_list("pk", "inputs")
    }
    done = Notification.objects.filter(
        kind=OFFER,
        object_type=OFFER_OBJECT,
        object_id=Cast(OuterRef("pk"), CharField()),
        recipient=OuterRef("mentee"),
    ).exclude(status__in=Notification.UNSENT)
    owed = list(
        Offer.objects.filter(status=Offer.Status.PENDING, announced_at__isnull=False)
        .filter(Q(round__in=rounds.keys()) | Q(announced_at__gte=since))
        .exclude(Exists(done))
        .values_list("pk", flat=True)
        .order_by("pk")
    )
    sent = sum(_send_offers(batch) for batch in _batches(owed))
    if not rounds:
        return sent
    placed = set(Offer.objects.filter(round__in=rounds.keys()).values_list("round_id", "mentee_id"))
    told = set(
        Notification.objects.filter(
            kind=NOT_SELECTED,
            object_type=ROUND_OBJECT,
            object_id__in=[str(pk) for pk in rounds],
        )
        .exclude(status__in=Notification.UNSENT)
        .values_list("object_id", "recipient_id")
    )
    for pk, applicants in rounds.items():
        mentees = sorted(
            m for m in map(int, applicants) if (pk, m) not in placed and (str(pk), m) not in told
        )
        if mentees:
            round_ = Round.objects.get(pk=pk)
            sent += sum(_send_notices(round_, batch) for batch in _batches(mentees))
    return sent


def _when(at: datetime | None, zone: str | None) -> str:
    """`at` in UTC, and in the mentee's own time zone (`zone`, their profile's) if any."""
    if at is None:
        return ""
    text = f"{at.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
    if zone and zone != "UTC":
        local = at.astimezone(ZoneInfo(zone))
        text += f" ({local:%Y-%m-%d %H:%M %Z}, {zone})"
    return text


def _zones(user_ids: Sequence[int]) -> dict[int, str]:
    """User id -> their mentee profile's time zone, for those who have one: one query."""
    return dict(MenteeProfile.objects.filter(user__in=user_ids).values_list("user_id", "time_zone"))


def _base(user: User, term: Term) -> dict[str, Any]:
    return {
        "name": user.get_full_name() or user.username,
        "term": term.label,
        "program": term.program.name,
        "link": f"{site_url()}{reverse('applications:home')}",
    }
