"""The outbox: every e-mail the apps send goes through a `Notification` row (B8, DESIGN §5).

A row is unique per (kind, object, recipient), so planning an e-mail is `get_or_create`:
running the same plan twice creates nothing new, and only queued or failed rows are sent.
A failed send keeps its row with the error. What to tell whom is each app's own
(`cohort/<app>/notifications.py`); this module only stores, sends and retries, and imports
nothing but `cohort.core`.

Retrying: an app that keys rows on something it can plan again registers a replanner for
that object_type (`register_replanner`, in its `AppConfig.ready()`); `retry_unsent` (run by
`cohort run-periodic`) hands each replanner the unsent rows of the last `RETRY_DAYS` days.
Replanning re-renders the e-mail from the object as it is now, so a notice that is no longer
due stays unsent.

Optional kinds (cohort/notifications/kinds.py) are not sent to a person who turned them off:
their row becomes `skipped`. They carry List-Unsubscribe and List-Unsubscribe-Post (RFC 8058)
with a signed link that turns that kind off in one click.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core import signing
from django.db import transaction
from django.utils import timezone

from cohort.core.emails import render_email, send_email, site_url
from cohort.core.errors import DomainError
from cohort.core.models import AuditEvent, User
from cohort.notifications.kinds import is_optional
from cohort.notifications.models import EmailPreference, Notification

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
    """Send one outbox row unless it was sent or skipped meanwhile; returns whether it was
    sent now.

    The row stays locked while sending, so two runs of the same event cannot both send it.
    A failure is recorded on the row (`failed`) and left for the next run. An optional kind
    the recipient turned off is not sent: the row becomes `skipped`.
    """
    with transaction.atomic():
        row = Notification.objects.select_for_update(no_key=True).get(pk=row.pk)
        if row.status not in Notification.UNSENT:
            return False
        row.email = user.email  # the address as it is now, if it changed since planning
        if not email_enabled(user, row.kind):
            _move(row, Notification.Status.SKIPPED, "email")
            return False
        row.attempts += 1
        try:
            send_email(row.kind, row.email, {**context, **unsubscribe_context(user, row.kind)})
        except Exception as error:
            logger.warning("Sending notification %s failed", row.pk, exc_info=True)
            row.error = f"{type(error).__name__}: {error}"
            _move(row, Notification.Status.FAILED, "email", "error", "attempts")
            return False
        row.sent_at = timezone.now()
        row.error = ""
        _move(row, Notification.Status.SENT, "email", "sent_at", "error", "attempts")
        return True


def _move(row: Notification, status: str, *fields: str) -> None:
    """Save the locked `row` in `status`, which its transition table must allow."""
    if not row.can_become(status):
        raise DomainError(f"A {row.status} e-mail cannot become {status}.")
    row.status = status
    row.save(update_fields=["status", *fields])


# --- preferences and one-click unsubscribe ---------------------------------------------------

UNSUBSCRIBE_SALT = "cohort.notifications.unsubscribe"


def email_enabled(user: User, kind: str) -> bool:
    """Whether `user` gets e-mail `kind`: essential kinds always, optional ones unless off."""
    if not is_optional(kind):
        return True
    return not EmailPreference.objects.filter(user=user, kind=kind, enabled=False).exists()


def unsubscribe_token(user: User, kind: str) -> str:
    """A signed token naming (user, kind), the same every time; it does not expire, so the
    link in an old e-mail still works (it can only turn that person's kind off)."""
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object([user.pk, kind])


def read_unsubscribe_token(token: str) -> tuple[User, str] | None:
    """The (user, optional kind) a token names, or None if it is forged or names neither."""
    try:
        user_id, kind = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not isinstance(kind, str) or not is_optional(kind):
        return None
    return user, kind


def unsubscribe_url(user: User, kind: str) -> str:
    """The one-click link (cohort/notifications/urls.py, "unsubscribe")."""
    return f"{site_url()}/unsubscribe/{unsubscribe_token(user, kind)}/"


def unsubscribe_context(user: User, kind: str) -> dict[str, str]:
    """`unsubscribe_url` for an optional kind, which makes send_email add the List-Unsubscribe
    headers (RFC 2369, RFC 8058) and the link; nothing for essential mail."""
    return {"unsubscribe_url": unsubscribe_url(user, kind)} if is_optional(kind) else {}


@transaction.atomic
def set_email_preference(
    user: User, kind: str, enabled: bool, *, actor: User | None, note: str = ""
) -> EmailPreference:
    """Turn optional e-mail `kind` on or off for `user`; audited when it changes."""
    if not is_optional(kind):
        raise DomainError("This e-mail is always sent; it cannot be turned off.")
    preference, created = EmailPreference.objects.select_for_update().get_or_create(
        user=user, kind=kind, defaults={"enabled": enabled}
    )
    if not created and preference.enabled == enabled:
        return preference
    preference.enabled = enabled
    preference.save(update_fields=["enabled", "updated_at"])
    AuditEvent.record(
        actor,
        f"notifications.emailpreference.{'enabled' if enabled else 'disabled'}",
        preference,
        data={"kind": kind},
        note=note,
    )
    return preference


# --- retrying ------------------------------------------------------------------------------


def register_replanner(object_type: str, replan: Replanner) -> None:
    """Let `retry_unsent` hand the unsent rows keyed on `object_type` to `replan`."""
    _replanners[object_type] = replan


@dataclass(frozen=True)
class RetryResult:
    unsent: int  # queued or failed outbox rows that were looked at
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
            object_type__in=list(_replanners),
            status__in=Notification.UNSENT,
            created_at__gte=since,
        ).values_list("pk", "kind", "object_type", "object_id")
    )
    sent = 0
    for object_type, replan in list(_replanners.items()):
        mine = [(kind, object_id) for _pk, kind, type_, object_id in rows if type_ == object_type]
        if mine:
            sent += replan(mine)
    left = Notification.objects.filter(
        pk__in=[row[0] for row in rows], status__in=Notification.UNSENT
    )
    return RetryResult(unsent=len(rows), sent=sent, left=left.count())


def retry_job(now: datetime) -> list[str]:
    """The periodic job: retry the e-mails that failed to send."""
    return [f"Failed e-mails retried: {retry_unsent(now).summary()}"]
