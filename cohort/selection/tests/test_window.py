"""Selection starts once the applications window has closed (issue 10 finding 7): the rule
is in the services, so the page, the API and a script are all refused alike."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from cohort.applications.tests.conftest import DEADLINE, WINDOW_START
from cohort.core.errors import DomainError
from cohort.selection import services as s
from cohort.selection.models import Round
from cohort.selection.tests.conftest import Selection
from cohort.terms.models import Milestone

pytestmark = pytest.mark.django_db


def test_admin_cannot_run_selection_while_applications_are_open(ready: Selection) -> None:
    admin, term = ready.world.user("admin"), ready.world.term
    with pytest.raises(
        DomainError,
        match=r"Applications for 2024 Term 3 are open until Tue Aug 13, 2024 5:00:00 PM PDT",
    ):
        s.run_round(term, actor=admin, now=DEADLINE - timedelta(seconds=1))
    assert not Round.objects.exists()


def test_admin_cannot_run_selection_before_applications_open(ready: Selection) -> None:
    with pytest.raises(DomainError, match="open on Wed Jul 31, 2024 12:00:00 AM PDT"):
        s.run_round(
            ready.world.term, actor=ready.world.user("admin"), now=WINDOW_START - timedelta(days=1)
        )


def test_admin_can_run_selection_from_the_deadline_to_the_second(ready: Selection) -> None:
    round_ = s.run_round(ready.world.term, actor=ready.world.user("admin"), now=DEADLINE)
    assert round_.status == Round.Status.DRAFT


def test_admin_cannot_confirm_a_round_while_applications_are_open(ready: Selection) -> None:
    """A round computed after the deadline cannot be confirmed if the window is moved
    (extended) so that applications are open again."""
    admin, term = ready.world.user("admin"), ready.world.term
    round_ = s.run_round(term, actor=admin)
    Milestone.objects.filter(term=term, key="applications_open").update(
        end=DEADLINE + timedelta(days=30)
    )
    with pytest.raises(DomainError, match="selection starts once they have closed"):
        s.confirm_round(round_, actor=admin)
    round_.refresh_from_db()
    assert round_.status == Round.Status.DRAFT


def test_a_term_without_an_applications_window_counts_as_closed(ready: Selection) -> None:
    """An imported term has no dated window: selection is not blocked by it."""
    Milestone.objects.filter(term=ready.world.term, key="applications_open").delete()
    round_ = s.run_round(ready.world.term, actor=ready.world.user("admin"))
    assert round_.status == Round.Status.DRAFT


def test_admin_page_and_api_refuse_to_run_while_applications_are_open(
    ready: Selection, in_window
) -> None:
    in_window.move_to(DEADLINE - timedelta(hours=1))
    client = Client()
    client.force_login(ready.world.user("admin"))
    term = ready.world.term
    page = client.post(f"/selection/terms/{term.pk}/run/")
    assert "selection starts once they have closed" in page.content.decode()
    api = client.post(f"/api/v1/terms/{term.pk}/selection/run", content_type="application/json")
    assert api.status_code == 400
    assert "selection starts once they have closed" in api.json()["detail"]
    assert not Round.objects.exists()
