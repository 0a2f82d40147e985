"""The outbox: every e-mail the apps send goes through a `Notification` row (B8, DESIGN §5).

A row is unique per (kind, object, recipient), so planning an e-mail is `get_or_create`:
running the same plan twice creates nothing new, and only rows without `sent_at` are sent.
A failed send keeps its row with the error. What to tell whom is each app's own
(`cohort/<app>/notifications.py`); this module only stores, sends and retries, and imports
nothing but `cohort.core`.

Retrying: an app that keys rows on something it can plan again registers a replanner for
that object_type (`register_replanner`, in its `AppConfig.ready()`); `retry_unsent` (run by
`cohort run-periodic`) hands each replanner the unsent rows of the last `RETRY_DAYS` days.
Replanning re-renders the e-mail from the object as it is now, so a notice that is no longer
due stays unsent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from cohort.core.emails import render_email, send_email
from cohort.core.models import User
from cohort.notifications.models import Notification

logger = logging.getLogger(__name__)

RETRY_DAYS = 7

# (kind, object_id) of an object_type's unsent rows -> how many e-mails were sent now
Replanner = Callable[[Sequence[tuple[str, str]]], int]
_replanners: dict[str, Replanner] = {}


def outbox_row(
    kind: str, object_type: str, object_id: Any, user: User, context: dict[str, Any]
) -> tuple[Notification, bool]:
    """The outbox row for (kind, object, user), created if it is new.

    `get_or_create` creates inside a savepoint and, when a concurrent run inserted the same
    row first (the unique constraint raises IntegrityError), returns that row instead.
    """
    return Notification.objects.get_or_create(
        kind=kind,
        object_type=object_type,
        object_id=str(object_id),
        recipient=user,
        defaults={"email": user.email, "subject": render_email(kind, context).subject[:300]},
    )


def deliver(row: Notification, user: User, context: dict[str, Any]) -> bool:
    """Send one outbox row unless it was sent meanwhile; returns whether it was sent now.

    The row stays locked while sending, so two runs of the same event cannot both send it.
    A failure is recorded on the row and left for the next run.
    """
    with transaction.atomic():
        row = Notification.objects.select_for_update(no_key=True).get(pk=row.pk)
        if row.sent_at is not None:
            return False
        row.email = user.email  # the address as it is now, if it changed since planning
        try:
            send_email(row.kind, row.email, context)
        except Exception as error:
            logger.warning("Sending notification %s failed", row.pk, exc_info=True)
            row.error = f"{type(error).__name__}: {error}"
            row.save(update_fields=["email", "error"])
            return False
        row.sent_at = timezone.now()
        row.error = ""
        row.save(update_fields=["email", "sent_at", "error"])
        return True


# --- retrying ------------------------------------------------------------------------------


def register_replanner(object_type: str, replan: Replanner) -> None:
    """Let `retry_unsent` hand the unsent rows keyed on `object_type` to `replan`."""
    _replanners[object_type] = replan


@dataclass(frozen=True)
class RetryResult:
    unsent: int  # outbox rows without sent_at that were looked at
    sent: int  # of them, sent now
    left: int  # still unsent: failing again, or no longer due

    def summary(self) -> str:
        return f"{self.sent} of {self.unsent} unsent e-mails sent now, {self.left} still unsent"


def retry_unsent(now: datetime | None = None) -> RetryResult:
    """Replan the unsent rows of the last `RETRY_DAYS` days whose object_type has a
    replanner, in the order the replanners were registered (the apps' order)."""
    since = (now or timezone.now()) - timedelta(days=RETRY_DAYS)
    rows = list(
        Notification.objects.filter(
            object_type__in=list(_replanners), sent_at__isnull=True, created_at__gte=since
        ).values_list("pk", "kind", "object_type", "object_id")
    )
    sent = 0
    for object_type, replan in list(_replanners.items()):
        mine = [(kind, object_id) for _pk, kind, type_, object_id in rows if type_ == object_type]
        if mine:
            sent += replan(mine)
    left = Notification.objects.filter(pk__in=[row[0] for row in rows], sent_at__isnull=True)
    return RetryResult(unsent=len(rows), sent=sent, left=left.count())


def retry_job(now: datetime) -> list[str]:
    """The periodic job: retry the e-mails that failed to send."""
    return [f"Failed e-mails retried: {retry_unsent(now).summary()}"]
