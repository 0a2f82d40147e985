"""The periodic-job registry: what `cohort run-periodic` runs (DESIGN §5).

Each app registers its own time-driven jobs, usually in its `AppConfig.ready()`, so the
command in core imports no app. A job takes the run's instant and returns the lines it
reports (e.g. "Offers lapsed: 0"). Jobs run by `order`; their lines are printed by
`report_order` (the order the command has always printed them in), both ascending, ties by
name. Registering a name again replaces the job, so a second `ready()` adds nothing.

Every job must be idempotent: it picks what is due and sends each e-mail through an outbox
row unique per (kind, object, recipient), so a second run, or two runs at once, does
nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

JobRun = Callable[[datetime], Sequence[str]]


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    run: JobRun
    order: int
    report_order: int


_jobs: dict[str, PeriodicJob] = {}


def register_periodic_job(
    name: str, run: JobRun, *, order: int, report_order: int | None = None
) -> None:
    """Add (or replace) job `name`; `report_order` defaults to `order`."""
    _jobs[name] = PeriodicJob(name, run, order, order if report_order is None else report_order)


def periodic_jobs() -> list[PeriodicJob]:
    """The registered jobs, in the order they run."""
    return sorted(_jobs.values(), key=lambda job: (job.order, job.name))


def run_periodic_jobs(now: datetime) -> list[str]:
    """Run every registered job once at `now`; returns their lines in report order.

    A job that raises stops the run (cron mails the traceback); the jobs before it have
    done their work, and the next run does what is left, since every job is idempotent.
    """
    reports = [(job, list(job.run(now))) for job in periodic_jobs()]
    reports.sort(key=lambda item: (item[0].report_order, item[0].name))
    return [line for _job, lines in reports for line in lines]
