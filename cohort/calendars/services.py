"""Every write of cohort.calendars: a person's feed (made on first use, rotated on request) and
the SEQUENCE of each event it serves."""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from cohort.calendars.models import CalendarEntry, CalendarFeed
from cohort.core.models import AuditEvent, User


def new_token() -> str:
    return secrets.token_urlsafe(32)  # 32 random bytes, 43 URL-safe characters


def feed_of(user: User) -> CalendarFeed:
    """`user`'s feed, made with a fresh token the first time it is asked for."""
    feed = CalendarFeed.objects.filter(user=user).first()
    if feed is not None:
        return feed
    try:
        with transaction.atomic():
            return CalendarFeed.objects.create(
                user=user, token=new_token(), rotated_at=timezone.now()
            )
    except IntegrityError:  # made at the same moment by another request
        return CalendarFeed.objects.get(user=user)


@transaction.atomic
def rotate_feed(user: User, *, actor: User) -> CalendarFeed:
    """A new secret for `user`'s feed: the old address answers 404 from now on."""
    feed = feed_of(user)
    feed = CalendarFeed.objects.select_for_update().get(pk=feed.pk)
    feed.token = new_token()
    feed.rotated_at = timezone.now()
    feed.save(update_fields=["token", "rotated_at"])
    AuditEvent.record(actor, "calendars.feed.rotated", feed)
    return feed


def record_sequences(feed: CalendarFeed, dates: dict[str, str]) -> dict[str, int]:
    """The SEQUENCE of each event (uid → its dates as text): 0 the first time the feed serves
    it, one more each time its dates differ from those last served. Three queries at most,
    whatever the number of events; two fetches at once agree (each computes from the row)."""
    now = timezone.now()
    known = {e.uid: e for e in CalendarEntry.objects.filter(feed=feed, uid__in=list(dates))}
    fresh = [
        CalendarEntry(feed=feed, uid=uid, dates=text, sequence=0, changed_at=now)
        for uid, text in dates.items()
        if uid not in known
    ]
    moved: list[CalendarEntry] = []
    for uid, text in dates.items():
        entry = known.get(uid)
        if entry is not None and entry.dates != text:
            entry.dates = text
            entry.sequence += 1
            entry.changed_at = now
            moved.append(entry)
    if fresh:
        CalendarEntry.objects.bulk_create(fresh, ignore_conflicts=True)
    if moved:
        CalendarEntry.objects.bulk_update(moved, ["dates", "sequence", "changed_at"])
    sequences = dict.fromkeys(dates, 0)
    sequences.update({uid: e.sequence for uid, e in known.items()})
    return sequences
