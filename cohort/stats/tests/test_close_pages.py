"""The close on the console's term page, on its own page and through the API."""

from __future__ import annotations

import pytest
from django.test import Client

from cohort.mentorship.tests.conftest import Placed
from cohort.mentorship.tests.test_api import Api, ok, refused
from cohort.stats.tests.test_close import settle_everything
from cohort.stipends.tests.conftest import payment_of
from cohort.terms.models import Term

pytestmark = pytest.mark.django_db


def client_of(w: Placed, name: str) -> Client:
    client = Client()
    client.force_login(w.world.user(name))
    return client


def test_the_dashboard_lists_the_blockers_and_disables_the_button(midterm_paid: Placed) -> None:
    w = midterm_paid
    page = client_of(w, "admin").get(f"/console/terms/{w.world.term.pk}/").content.decode()
    assert "Close the term" in page
    assert f'href="/mentorship/placements/{w.placement.pk}/"' in page
    assert f'href="/stipends/payments/{payment_of(w.placement).pk}/"' in page
    assert "2 things still block closing this term" in page
    assert "disabled" in page.split(f'action="/console/terms/{w.world.term.pk}/close/"')[1]


def test_the_admin_closes_a_settled_term_from_the_console(midterm_paid: Placed) -> None:
    w = midterm_paid
    settle_everything(w)
    admin = client_of(w, "admin")
    term = w.world.term
    page = admin.get(f"/console/terms/{term.pk}/").content.decode()
    assert "Nothing blocks closing this term" in page
    assert "disabled" not in page.split(f'action="/console/terms/{term.pk}/close/"')[1][:400]
    response = admin.post(f"/console/terms/{term.pk}/close/")
    assert response.status_code == 302
    assert response["Location"] == f"/console/terms/{term.pk}/"
    term.refresh_from_db()
    assert term.is_closed
    for path in ("", "timeline/", "settings/"):
        page = admin.get(f"/console/terms/{term.pk}/{path}").content.decode()
        assert "Closed</strong> on" in page, path
        assert "by admin." in page, path
    for path in (
        f"/proposals/board/{term.pk}/",
        f"/review/terms/{term.pk}/",
        f"/selection/terms/{term.pk}/",
        f"/mentorship/terms/{term.pk}/",
        f"/stipends/terms/{term.pk}/payments/",
    ):
        page = admin.get(path).content.decode()
        assert "Closed</strong> on" in page, path
        assert "by admin." in page, path
    program = admin.get(f"/console/programs/{term.program.slug}/").content.decode()
    assert "Closed on" in program


def test_a_blocked_close_is_refused_with_the_blockers(midterm_paid: Placed) -> None:
    w = midterm_paid
    term = w.world.term
    response = client_of(w, "admin").post(f"/console/terms/{term.pk}/close/")
    assert response.status_code == 409
    assert "cannot close yet" in response.content.decode()
    term.refresh_from_db()
    assert term.state == Term.State.OPEN


@pytest.mark.parametrize("name", ["bob", "mentee1"])
def test_the_close_page_is_a_404_to_anyone_but_its_admins(midterm_paid: Placed, name: str) -> None:
    w = midterm_paid
    settle_everything(w)
    client = client_of(w, name)
    assert client.get(f"/console/terms/{w.world.term.pk}/close/").status_code == 404
    assert client.post(f"/console/terms/{w.world.term.pk}/close/").status_code == 404
    w.world.term.refresh_from_db()
    assert not w.world.term.is_closed


def test_the_api_lists_the_blockers_then_closes(midterm_paid: Placed) -> None:
    w = midterm_paid
    admin = Api(w.world.user("admin"))
    pk = w.world.term.pk
    out = ok(admin("GET", f"/terms/{pk}/close"))
    assert (out["state"], out["can_close"]) == ("open", False)
    assert [(b["kind"], b["status"]) for b in out["blockers"]] == [
        ("placement", "active"),
        ("payment", "pending"),
    ]
    assert "2 things still block it" in refused(admin("POST", f"/terms/{pk}/close"), 409)
    settle_everything(w)
    assert ok(admin("GET", f"/terms/{pk}/close"))["can_close"] is True
    out = ok(admin("POST", f"/terms/{pk}/close"))
    assert (out["state"], out["closed_by"], out["blockers"]) == ("closed", "admin", [])
    assert out["closed_at"].endswith("Z")
    assert "is closed" in refused(admin("POST", f"/terms/{pk}/close"), 409)
    refused(Api(w.world.user("bob"))("POST", f"/terms/{pk}/close"), 404)
    assert Api(None)("GET", f"/terms/{pk}/close").status_code == 401
