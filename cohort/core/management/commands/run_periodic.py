"""cohort run-periodic: the time-driven jobs, run from cron every few minutes (DESIGN §5).

Each job is idempotent: it picks the rows that are due and each e-mail goes through an
outbox row unique per (kind, object, recipient), so a second run (or two runs at once) sends
nothing twice. The jobs:

0. selection (`cohort.selection.services`): lapse the offers whose answer deadline has
   passed, offering each freed place to the next in line; announce the confirmed rounds
   whose `selection_notify` date has come; and send what announced rounds still owe
   (`cohort.notifications.selection.resend_recent`), so a run that crashed halfway is
   finished by the next one;
1. the mentors' daily review digests of the days that have ended
   (`cohort.notifications.applications.send_review_digests`, which also retries its own
   failed digests);
2. e-mails that failed to send (an outbox row without `sent_at`) in the last
   `RETRY_DAYS` days, sent again by re-running their event's notification, which re-renders
   them from the event and sends only rows not sent yet. A notification that is no longer
   due (a proposal approved since its "needs your approval" failed) stays unsent.

This is the cron entry point of DESIGN B3, so it is the one module of `core` that calls into
the other apps; their jobs stay in their apps.
"""

from __future__ import annotations

from argparse import RawDescriptionHelpFormatter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser, DjangoHelpFormatter
from django.db.models import Q
from django.utils import timezone

from cohort.notifications import applications as application_mail
from cohort.notifications import selection as selection_mail
from cohort.notifications import services as proposal_mail
from cohort.notifications.models import Notification
from cohort.proposals import gates
from cohort.proposals.models import ProposalEvent
from cohort.selection import services as selection

RETRY_DAYS = 7
CRON_LINE = "*/5 * * * *  cd /srv/cohort && .venv/bin/cohort run-periodic --quiet"


@dataclass(frozen=True)
class RetryResult:
    unsent: int  # outbox rows without sent_at that were looked at
    sent: int  # of them, sent now
    left: int  # still unsent: failing again, or no longer due

    def summary(self) -> str:
        return f"{self.sent} of {self.unsent} unsent e-mails sent now, {self.left} still unsent"


def retry_unsent_notifications(now: datetime | None = None) -> RetryResult:
    """Send again the proposal and application e-mails whose sending failed.

    Each row is keyed on the event that caused it; running that event's notification again
    re-renders the e-mail from the event as it is now and sends the rows not sent yet. The
    admins' "awaiting your final approval" is keyed on the event that opened the approval
    round, but it is planned by that round's approvals and confirmations, so those are the
    events run again. Digests are not retried here: `send_review_digests` retries its own.
    """
    since = (now or timezone.now()) - timedelta(days=RETRY_DAYS)
    rows = list(
        Notification.objects.filter(
            Q(object_type=proposal_mail.EVENT_OBJECT)
            | Q(object_type=application_mail.EVENT_OBJECT),
            sent_at__isnull=True,
            created_at__gte=since,
        ).values_list("pk", "kind", "object_type", "object_id")
    )
    proposal_events: set[int] = set()
    application_events: set[int] = set()
    for _pk, kind, object_type, object_id in rows:
        if not object_id.isdigit():
            continue
        event_id = int(object_id)
        if object_type == application_mail.EVENT_OBJECT:
            application_events.add(event_id)
        elif kind == proposal_mail.READY_FOR_ADMIN:
            proposal_events.update(_round_approvals(event_id))
        else:
            proposal_events.add(event_id)
    sent = 0
    for event_id in sorted(proposal_events):
        sent += proposal_mail.notify_proposal_event(event_id)
    for event_id in sorted(application_events):
        sent += application_mail.notify_application_event(event_id)
    left = Notification.objects.filter(pk__in=[row[0] for row in rows], sent_at__isnull=True)
    return RetryResult(unsent=len(rows), sent=sent, left=left.count())


def _round_approvals(opener_id: int) -> list[int]:
    """The approvals and confirmations of the approval round that event `opener_id` opened
    (up to the next submission or material edit of the same proposal)."""
    opener = ProposalEvent.objects.filter(pk=opener_id).first()
    if opener is None:
        return []
    later = ProposalEvent.objects.filter(project_id=opener.project_id, id__gt=opener.pk)
    next_opener = later.filter(kind__in=[gates.SUBMITTED, gates.EDITED]).order_by("id").first()
    if next_opener is not None:
        later = later.filter(id__lt=next_opener.pk)
    return list(
        later.filter(kind__in=[gates.MAINTAINER_APPROVED, gates.MENTOR_CONFIRMED]).values_list(
            "pk", flat=True
        )
    )


class _HelpFormatter(DjangoHelpFormatter, RawDescriptionHelpFormatter):
    """Keeps the help's lines as written, so the cron line can be copied."""


class Command(BaseCommand):
    help = (
        "Run the time-driven jobs once: lapse overdue offers, announce selection on its\n"
        "date, send the mentors' review digests that are due and retry e-mails that failed\n"
        "to send. Idempotent and safe to run concurrently.\n"
        "Run it from cron every 5 minutes, as the user that runs Cohort and with the same\n"
        "environment variables (DATABASE_URL, SECRET_KEY, the mail settings…):\n"
        "\n"
        f"    {CRON_LINE}\n"
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--quiet", action="store_true", help="Print nothing (for cron); errors still show."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        quiet = options["quiet"] or options["verbosity"] == 0
        now = timezone.now()
        lapsed = selection.lapse_due_offers(now)
        announced = selection.announce_due_rounds(now)
        selection_sent = selection_mail.resend_recent(now)
        digests = application_mail.send_review_digests(now)
        retried = retry_unsent_notifications(now)
        if not quiet:
            self.stdout.write(f"Review digests sent: {digests}")
            self.stdout.write(f"Failed e-mails retried: {retried.summary()}")
            self.stdout.write(f"Offers lapsed: {lapsed}")
            self.stdout.write(f"Selection rounds announced: {len(announced)}")
            self.stdout.write(f"Selection e-mails sent: {selection_sent}")
