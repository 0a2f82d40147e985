"""cohort run-periodic: the time-driven jobs, run from cron every few minutes (DESIGN §5).

The command imports no app: it runs the jobs the apps registered in `cohort.core.periodic`
(each in its `AppConfig.ready()`), in their order, and prints their report lines. Each job
is idempotent: it picks the rows that are due and each e-mail goes through an outbox row
unique per (kind, object, recipient), so a second run (or two runs at once) sends nothing
twice. The jobs, in the order they run (docs/architecture.md, "Periodic jobs and tasks"):

1. `selection` (`cohort.selection.periodic`): lapse the offers whose answer deadline has
   passed, offering each freed place to the next in line; announce the confirmed rounds
   whose `selection_notify` date has come; and send what announced rounds still owe, so a
   run that crashed halfway is finished by the next one;
2. `applications.review_digests`: the mentors' daily review digests of the days that have
   ended (which also retries its own failed digests);
3. `notifications.retry`: e-mails that failed to send (an outbox row without `sent_at`) in
   the last `RETRY_DAYS` days, replanned by the app that keyed them, which re-renders them
   and sends only rows not sent yet. A notification that is no longer due (a proposal
   approved since its "needs your approval" failed) stays unsent.
"""

from __future__ import annotations

from argparse import RawDescriptionHelpFormatter
from typing import Any

from django.core.management.base import BaseCommand, CommandParser, DjangoHelpFormatter
from django.utils import timezone

from cohort.core.periodic import run_periodic_jobs

CRON_LINE = "*/5 * * * *  cd /srv/cohort && .venv/bin/cohort run-periodic --quiet"


class _HelpFormatter(DjangoHelpFormatter, RawDescriptionHelpFormatter):
    """Keeps the help's lines as written, so the cron line can be copied."""


class Command(BaseCommand):
    # A data command: skip the system checks (about half a second of every run); `cohort
    # check` and `migrate` still run them.
    requires_system_checks = ()
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
        lines = run_periodic_jobs(timezone.now())
        if not quiet:
            for line in lines:
                self.stdout.write(line)
