"""The program's evaluation policy page (program admins): every choice with its rounds, the
current one marked, and choosing another; anyone else gets the one 404."""

from __future__ import annotations

import pytest
from django.test import Client

from cohort.mentorship.models import EvaluationPolicy
from cohort.mentorship.tests.conftest import Placed

pytestmark = pytest.mark.django_db


def url(placed: Placed) -> str:
    return f"/mentorship/programs/{placed.world.term.program.slug}/policy/"


def as_(client: Client, placed: Placed, name: str) -> Client:
    client.force_login(placed.world.user(name))
    return client


def test_the_admin_sees_each_policy_with_its_rounds_and_the_current_one(
    client: Client, placed: Placed
) -> None:
    page = as_(client, placed, "admin").get(url(placed)).content.decode()
    for name in (
        "LFX Mentorship, full-time (12 weeks)",
        "LFX Mentorship, part-time (24 weeks)",
        "Google Summer of Code (12 weeks)",
        "Outreachy internship (13 weeks)",
    ):
        assert name in page
    assert "Week 18 evaluation" in page
    assert 'value="lfx-full-time" checked' in page
    assert "the term's “midterm_evals” deadline, else week 6" in page


def test_the_admin_chooses_another_policy(client: Client, placed: Placed) -> None:
    admin = as_(client, placed, "admin")
    response = admin.post(url(placed), {"policy": "outreachy"})
    assert response.status_code == 302
    assert response["Location"] == url(placed)
    assert EvaluationPolicy.objects.get(is_default=True).slug == "outreachy"
    page = admin.get(url(placed)).content.decode()
    assert "New placements of" in page
    assert 'value="outreachy" checked' in page


def test_an_unknown_policy_is_refused_and_nothing_changes(client: Client, placed: Placed) -> None:
    response = as_(client, placed, "admin").post(url(placed), {"policy": "monthly"})
    assert response.status_code == 400
    assert "“monthly” is not a known policy" in response.content.decode()
    assert EvaluationPolicy.objects.get(is_default=True).slug == "lfx-full-time"


@pytest.mark.parametrize("name", ["bob", "mentee1", "mentee2", "carol", "outsider", "maintainer"])
def test_anyone_but_a_program_admin_gets_404(client: Client, placed: Placed, name: str) -> None:
    assert as_(client, placed, name).get(url(placed)).status_code == 404
    assert client.post(url(placed), {"policy": "gsoc"}).status_code == 404
    assert EvaluationPolicy.objects.get(is_default=True).slug == "lfx-full-time"


def test_a_visitor_is_asked_to_sign_in(client: Client, placed: Placed) -> None:
    response = client.get(url(placed))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
