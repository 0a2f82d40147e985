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
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core import signing
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cohort.core.emails import render_subject, send_email, site_url
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
        defaults={"email": user.email, "subject": render_subject(kind, context)[:300]},
    )


Key = tuple[str, int]  # an outbox row's (object_id, recipient id), for one kind and object_type


def outbox_rows(
    kind: str, object_type: str, keys: Iterable[tuple[Any, int]]
) -> dict[Key, Notification]:
    """The outbox rows of `kind` that exist for `keys` ((object id, recipient id)), by
    (str(object id), recipient id): one query, on the rows' unique index."""
    wanted = {(str(object_id), recipient) for object_id, recipient in keys}
    if not wanted:
        return {}
    found = Notification.objects.filter(
        kind=kind,
        object_type=object_type,
        object_id__in={object_id for object_id, _ in wanted},
        recipient__in={recipient for _, recipient in wanted},
    )
    return {
        (row.object_id, row.recipient_id): row
        for row in found
        if (row.object_id, row.recipient_id) in wanted
    }


def create_outbox_rows(
    kind: str,
    object_type: str,
    wanted: Sequence[tuple[Any, User, dict[str, Any]]],
    have: Mapping[Key, Notification],
) -> dict[Key, Notification]:
    """`outbox_row` for many e-mails of one kind at once: the rows of `wanted` ((object id,
    recipient, context)) that are not in `have` (what `outbox_rows` found), created with the
    address and subject `outbox_row` gives them, in two queries however many.

    Rows another run inserted meanwhile are kept (the unique constraint makes the INSERT
    skip them), and every row is read back, so the caller gets each planned row once."""
    missing = [(str(o), user, c) for o, user, c in wanted if (str(o), user.pk) not in have]
    if not missing:
        return {}
    Notification.objects.bulk_create(
        [
            Notification(
                kind=kind,
                object_type=object_type,
                object_id=object_id,
                recipient=user,
                email=user.email,
                subject=render_subject(kind, context)[:300],
            )
            for object_id, user, context in missing
        ],
        ignore_conflicts=True,
    )
    return outbox_rows(kind, object_type, [(o, user.pk) for o, user, _c in missing])


def owed(row: Notification | None) -> bool:
    """Whether an e-mail is still owed: never planned, or planned and not sent (queued or
    failed). `deliver` checks it again under the row's lock."""
    return row is None or row.status in Notification.UNSENT


def _from(to: str) -> list[str]:
    """The statuses the transition table lets a row leave for `to`: the condition of the
    compare-and-swap UPDATE that moves it there."""
    return [status for status, targets in Notification.TRANSITIONS.items() if to in targets]


def deliver(
    row: Notification, user: User, context: dict[str, Any], *, enabled: bool | None = None
) -> bool:
    """Send one outbox row unless it was sent or skipped meanwhile; returns whether it was
    sent now. `enabled` is `email_enabled(user, row.kind)`, if the caller read it already
    (`deliver_many` reads it for a whole list).

    One transaction per e-mail: a compare-and-swap UPDATE marks the row sent (with the
    address as it is now) only if it is still unsent, which also locks it; then the e-mail
    is sent; then the COMMIT. So two runs of the same event cannot both send it (the second
    one's UPDATE waits for the first to commit, then matches nothing), and a crash before the
    COMMIT leaves the row unsent for the next run. A failed send turns the row `failed`, with
    the error, in the same transaction, and is left for the next run. An optional kind the
    recipient turned off is not sent: the row becomes `skipped`.
    """
    if enabled is None:
        enabled = email_enabled(user, row.kind)
    this = Notification.objects.filter(pk=row.pk)
    if not enabled:
        if this.filter(status__in=_from(Notification.Status.SKIPPED)).update(
            status=Notification.Status.SKIPPED, email=user.email
        ):
            row.status, row.email = Notification.Status.SKIPPED, user.email
        return False
    now = timezone.now()
    with transaction.atomic():
        claimed = this.filter(status__in=_from(Notification.Status.SENT)).update(
            status=Notification.Status.SENT,
            sent_at=now,
            email=user.email,  # the address as it is now, if it changed since planning
            error="",
            attempts=F("attempts") + 1,
        )
        if not claimed:
            return False
        try:
            send_email(row.kind, user.email, {**context, **unsubscribe_context(user, row.kind)})
        except Exception as error:
            logger.warning("Sending notification %s failed", row.pk, exc_info=True)
            row.status, row.error = Notification.Status.FAILED, f"{type(error).__name__}: {error}"
            # Sent, then failed, in one transaction: what commits is unsent -> failed.
            this.update(status=Notification.Status.FAILED, sent_at=None, error=row.error)
            return False
    row.status, row.sent_at, row.email, row.error = Notification.Status.SENT, now, user.email, ""
    return True


def deliver_many(items: Iterable[tuple[Notification, User, dict[str, Any]]]) -> int:
    """`deliver` each (row, recipient, context) of `items` whose row is still owed, in order;
    how many were sent now. The recipients' choices for optional kinds are read in one
    query for the whole list, so each e-mail costs only its own transaction (BEGIN, the
    UPDATE, COMMIT)."""
    todo = [(row, user, context) for row, user, context in items if owed(row)]
    off = _turned_off({(user.pk, row.kind) for row, user, _c in todo})
    return sum(
        int(deliver(row, user, context, enabled=(user.pk, row.kind) not in off))
        for row, user, context in todo
    )


# --- preferences and one-click unsubscribe ---------------------------------------------------

UNSUBSCRIBE_SALT = "cohort.notifications.unsubscribe"


def email_enabled(user: User, kind: str) -> bool:
    """Whether `user` gets e-mail `kind`: essential kinds always, optional ones unless off."""
    if not is_optional(kind):
        return True
    return not EmailPreference.objects.filter(user=user, kind=kind, enabled=False).exists()


def _turned_off(pairs: set[tuple[int, str]]) -> set[tuple[int, str]]:
    """Of (user id, kind) `pairs`, those whose optional kind the user turned off: one query,
    none if no kind is optional."""
    optional = {(user, kind) for user, kind in pairs if is_optional(kind)}
    if not optional:
        return set()
    rows = EmailPreference.objects.filter(
        user__in={user for user, _ in optional},
        kind__in={kind for _, kind in optional},
        enabled=False,
    ).values_list("user_id", "kind")
    return set(rows) & optional


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
