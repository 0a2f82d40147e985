"""The round page warns the admin when the term's notification date is long past."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.test import Client
from django.urls import reverse

from cohort.selection import services
from cohort.selection.queries import NOTIFY_LATE_AFTER, notify_days_late
from cohort.selection.tests.conftest import NOTIFY_AT, Selection

WARNING = "The notification date passed"


def _page(client: Client, sel: Selection) -> str:
    response = client.get(reverse("selection:term", args=[sel.world.term.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_admin_sees_no_warning_before_or_just_after_the_notification_date(
    client: Client, ready: Selection, in_window: Any
) -> None:
    client.force_login(ready.world.user("admin"))
    assert WARNING not in _page(client, ready)  # before the date (the fixture's clock)
    in_window.move_to(NOTIFY_AT + NOTIFY_LATE_AFTER)
    client.force_login(ready.world.user("admin"))
    assert WARNING not in _page(client, ready)  # exactly 14 days: not yet long past


def test_admin_is_warned_when_the_notification_date_is_long_past(
    client: Client, ready: Selection, in_window: Any
) -> None:
    in_window.move_to(NOTIFY_AT + timedelta(days=40))
    client.force_login(ready.world.user("admin"))
    page = _page(client, ready)
    assert f"{WARNING} 40 days ago." in page
    assert 'role="alert"' in page
    # The warning does not stop the round: the Run button is still there.
    assert reverse("selection:run", args=[ready.world.term.pk]) in page


def test_admin_sees_no_warning_once_the_round_is_confirmed(
    client: Client, ready: Selection, in_window: Any
) -> None:
    admin = ready.world.user("admin")
    round_ = services.run_round(ready.world.term, actor=admin)
    services.confirm_round(round_, actor=admin, response_days=7)
    in_window.move_to(NOTIFY_AT + timedelta(days=40))
    client.force_login(admin)
    assert WARNING not in _page(client, ready)


def test_notify_days_late_counts_whole_days_past_the_limit(ready: Selection) -> None:
    term = ready.world.term
    assert notify_days_late(term, NOTIFY_AT) is None
    assert notify_days_late(term, NOTIFY_AT + NOTIFY_LATE_AFTER) is None
    assert notify_days_late(term, NOTIFY_AT + NOTIFY_LATE_AFTER + timedelta(hours=1)) == 14
    assert notify_days_late(term, NOTIFY_AT + timedelta(days=15)) == 15
