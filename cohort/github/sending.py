"""Sending what Cohort owes GitHub (`Write` rows, written by `cohort.github.services`): by
the task each write is queued with, and again by `run-periodic` until GitHub takes it.

A send claims its row with a compare-and-swap on `next_attempt_at` (a lease), so the task
and a `run-periodic` at the same moment never both send it. A failure GitHub may recover
from leaves the row pending with the next try 1 minute later, doubling to 6 hours; GitHub's
rate limit pauses the whole connection until the reset it names, and such a try does not
count; `MAX_ATTEMPTS` tries, or a refusal that will not change (a 4xx), fail it for good.
"""

from __future__ import annotations

import logging
import os
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from cohort.github.client import GitHubClient, GitHubError
from cohort.github.models import Connection, IssueLink, Write
from cohort.proposals.bot import guide_url, proposal_comment_and_labels
from cohort.proposals.issue_labels import label_changes

log = logging.getLogger("cohort.github")

MAX_ATTEMPTS = 10  # a write still refused after this many tries is given up (failed)
LEASE = timedelta(minutes=2)  # a send in progress holds its write this long
FIRST_RETRY = timedelta(minutes=1)
LAST_RETRY = timedelta(hours=6)


def send_write(write_id: int, *, now: datetime | None = None, again: int = 0) -> str:
    """Send one pending write if it is due; returns what happened, for the job's report.

    The write is claimed by a compare-and-swap that pushes its next attempt past a lease, so
    the task and a `run-periodic` at the same moment never both send it. A sync reads the
    proposal's state after the claim and is marked sent only if no newer request came in
    meanwhile; otherwise it stays pending and is sent again at once.
    """
    now = now or timezone.now()
    claimed = Write.objects.filter(
        pk=write_id, status=Write.Status.PENDING, next_attempt_at__lte=now
    ).update(next_attempt_at=now + LEASE, attempts=F("attempts") + 1)
    if not claimed:
        return "not due"
    write = Write.objects.select_related("connection").get(pk=write_id)
    connection = write.connection
    if connection.paused_until is not None and connection.paused_until > now:
        Write.objects.filter(pk=write.pk).update(
            next_attempt_at=connection.paused_until, attempts=F("attempts") - 1
        )
        return "waiting for GitHub's rate limit"
    started = timezone.now()
    try:
        client = client_for(connection)
        if write.kind == Write.Kind.SYNC:
            _sync(client, connection, write.issue_number)
        else:
            client.create_comment(write.issue_number, write.body)
    except GitHubError as exc:
        return _failed(write, exc, now)
    sent = Write.objects.filter(
        pk=write.pk, status=Write.Status.PENDING, wanted_at__lte=started
    ).update(
        status=Write.Status.SENT, sent_at=timezone.now(), status_changed_at=timezone.now(), error=""
    )
    if not sent:  # asked for again while this one was being sent: send the newer state
        Write.objects.filter(pk=write.pk, status=Write.Status.PENDING).update(
            next_attempt_at=timezone.now()
        )
        # A few times at once; past that the next run-periodic sends it.
        return send_write(write_id, again=again + 1) if again < 3 else "asked for again"
    return "sent"


def _sync(client: GitHubClient, connection: Connection, number: int) -> None:
    link = (
        IssueLink.objects.select_related("project__term__program", "project__organization")
        .filter(connection=connection, number=number)
        .first()
    )
    if link is None:
        return
    text, wanted = proposal_comment_and_labels(link.project, guide=guide_url(connection.repository))
    comment_id = link.comment_id
    if comment_id:
        try:
            client.update_comment(comment_id, text)
        except GitHubError as exc:
            if exc.status != 404:
                raise
            comment_id = None  # deleted on GitHub: post it again
    if not comment_id:
        created = client.create_comment(number, text)
        IssueLink.objects.filter(pk=link.pk).update(comment_id=created or None)
    add, remove = label_changes(client.list_labels(number), wanted)
    client.add_labels(number, add)
    for label in remove:
        client.remove_label(number, label)


def _failed(write: Write, exc: GitHubError, now: datetime) -> str:
    attempts = write.attempts  # read after the claim, which counted this try
    message = str(exc)[:2000] or f"GitHub answered {exc.status}"
    if exc.retry_at is not None:
        Connection.objects.filter(pk=write.connection_id).update(paused_until=exc.retry_at)
    if exc.retry_at is not None and exc.transient:
        # GitHub said when to come back (its rate limit): that try does not count.
        Write.objects.filter(pk=write.pk, status=Write.Status.PENDING).update(
            next_attempt_at=exc.retry_at, error=message, attempts=F("attempts") - 1
        )
        return "retrying"
    if not exc.transient or attempts >= MAX_ATTEMPTS:
        Write.objects.filter(pk=write.pk, status=Write.Status.PENDING).update(
            status=Write.Status.FAILED, status_changed_at=now, error=message
        )
        log.warning("GitHub write %s failed for good: %s", write.pk, message)
        return "failed"
    retry_at = exc.retry_at or now + min(FIRST_RETRY * 2 ** (attempts - 1), LAST_RETRY)
    Write.objects.filter(pk=write.pk, status=Write.Status.PENDING).update(
        next_attempt_at=retry_at, error=message
    )
    return "retrying"


def client_for(connection: Connection) -> GitHubClient:
    """A client for the connection's repository, with the token from its environment
    variable (or none in dry-run mode, which sends nothing)."""
    dry_run = bool(settings.GITHUB_DRY_RUN)
    token = os.environ.get(connection.token_variable, "")
    if not token and not dry_run:
        raise GitHubError(f"{connection.token_variable} is not set.", status=0, transient=True)
    return GitHubClient(
        token=token,
        repo=connection.repository,
        api_url=settings.GITHUB_API_URL,
        dry_run=dry_run,
    )


def send_due_writes(now: datetime) -> list[str]:
    """The periodic job: send every pending write whose next attempt is due."""
    due = list(
        Write.objects.filter(status=Write.Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:500]
    )
    if not due:
        return []
    sent = sum(send_write(pk, now=now) == "sent" for pk in due)
    return [f"GitHub writes: {sent} sent, {len(due) - sent} still pending"]
