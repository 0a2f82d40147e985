"""The periodic-job registry: jobs run by `order`, report by `report_order`, once each."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cohort.core import periodic

NOW = datetime(2026, 9, 3, 17, 0, tzinfo=UTC)


@pytest.fixture
def empty(monkeypatch):
    monkeypatch.setattr(periodic, "_jobs", {})


def test_jobs_run_in_order_and_report_in_report_order(empty):
    ran: list[str] = []

    def job(name: str):
        def run(now: datetime) -> list[str]:
            assert now == NOW
            ran.append(name)
            return [f"{name} done"]

        return run

    periodic.register_periodic_job("late", job("late"), order=30, report_order=10)
    periodic.register_periodic_job("early", job("early"), order=10, report_order=30)
    periodic.register_periodic_job("middle", job("middle"), order=20)

    assert periodic.run_periodic_jobs(NOW) == ["late done", "middle done", "early done"]
    assert ran == ["early", "middle", "late"]


def test_registering_a_name_again_replaces_the_job(empty):
    periodic.register_periodic_job("digest", lambda now: ["old"], order=1)
    periodic.register_periodic_job("digest", lambda now: ["new"], order=1)
    assert periodic.run_periodic_jobs(NOW) == ["new"]


def test_the_apps_register_their_jobs_and_the_command_imports_no_app():
    assert [job.name for job in periodic.periodic_jobs()] == [
        "selection",
        "applications.review_digests",
        "mentorship",
        "reminders",
        "retention.purge",
        "notifications.retry",
        "github.writes",
    ]
    from pathlib import Path

    from cohort.core.tests.test_layering import imported_modules

    command = Path(periodic.__file__).parent / "management/commands/run_periodic.py"
    apps = {m for m in imported_modules(command) if m.startswith("cohort.")}
    assert apps == {"cohort.core.periodic"}
