"""The mentorship pages and their API: the mentee's placement, "My mentees", a term's
placements (filter, CSV), who may see what, and a fixed number of queries."""

from __future__ import annotations

import csv
import io

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cohort.core.models import User
from cohort.core.tokens import create_api_token
from cohort.mentorship.models import Placement
from cohort.mentorship.tests.conftest import Placed, accept
from cohort.selection.tests.conftest import NOTIFY_AT

pytestmark = pytest.mark.django_db


def _login(client: Client, placed: Placed, name: str) -> Client:
    client.force_login(placed.world.user(name))
    return client


def test_the_mentee_sees_mentors_the_project_and_the_dates_ahead_in_their_zone(
    client: Client, placed: Placed
) -> None:
    with time_machine.travel(NOTIFY_AT, tick=False):
        _login(client, placed, "mentee1")
        page = client.get("/mentorship/").content.decode()
    project = placed.placement.project
    assert project.title in page
    for mentor in project.mentorships.all():
        assert mentor.name in page
        if mentor.email:
            assert f"mailto:{mentor.email}" in page
    # The placement's own dates in place of the term's: its start, its rounds, its last day.
    assert "Your mentorship begins" in page
    assert "Midterm evaluation and your feedback due" in page
    assert "Last day of your mentorship" in page
    assert "Mentorship program begins with the initial work assignments" not in page
    assert "(whole day)" in page
    assert "Upcoming" in page


def test_a_mentee_without_a_placement_sees_none_of_the_others(
    client: Client, placed: Placed
) -> None:
    _login(client, placed, "mentee2")
    page = client.get("/mentorship/").content.decode()
    assert "No placement yet" in page
    assert placed.placement.project.title not in page


def test_the_mentor_sees_their_mentees_and_no_one_elses(client: Client, placed: Placed) -> None:
    mentors: list[User] = [
        m.person.user
        for m in placed.placement.project.mentorships.all()
        if m.person is not None and m.person.user is not None
    ]
    assert mentors, "the cilium project has a mentor with an account"
    client.force_login(mentors[0])
    page = client.get("/mentorship/mentees/").content.decode()
    assert placed.placement.mentee.email in page
    # A mentor does not see the term's list: that is the admins'.
    assert client.get(f"/mentorship/terms/{placed.world.term.pk}/").status_code == 404
    client.force_login(placed.world.user("mentee2"))
    assert "No mentees yet" in client.get("/mentorship/mentees/").content.decode()


def test_the_admin_filters_the_terms_placements_and_downloads_them(
    client: Client, placed: Placed
) -> None:
    accept(placed.sel, "mentee3", "falco")
    _login(client, placed, "admin")
    url = f"/mentorship/terms/{placed.world.term.pk}/"
    page = client.get(url).content.decode()
    assert "2 placements" in page
    Placement.objects.filter(pk=placed.placement.pk).update(status=Placement.Status.ACTIVE)
    active = client.get(url, {"status": "active"}).content.decode()
    assert "1 placement with this status" in active
    response = client.get(url, {"status": "active", "format": "csv"})
    assert response["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["placement", "status", "mentee"]
    assert [r[1] for r in rows[1:]] == ["active"]
    assert client.get(url, {"status": "nonsense"}).status_code == 200  # shows them all


@pytest.mark.parametrize("who", ["mentee1", "mentee2", "outsider"])
def test_a_terms_placements_are_the_admins_only(client: Client, placed: Placed, who: str) -> None:
    _login(client, placed, who)
    url = f"/mentorship/terms/{placed.world.term.pk}/"
    assert client.get(url).status_code == 404
    token = create_api_token(placed.world.user(who), name="t")[1]
    api = client.get(
        f"/api/v1/terms/{placed.world.term.pk}/placements",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert api.status_code == 404


def test_the_api_gives_the_same_placements(client: Client, placed: Placed) -> None:
    token = create_api_token(placed.world.user("mentee1"), name="t")[1]
    mine = client.get("/api/v1/me/placements", headers={"Authorization": f"Bearer {token}"})
    assert mine.status_code == 200
    (body,) = mine.json()
    assert (body["id"], body["status"], body["project_title"]) == (
        placed.placement.pk,
        "upcoming",
        placed.placement.project.title,
    )
    admin = create_api_token(placed.world.user("admin"), name="t")[1]
    listed = client.get(
        f"/api/v1/terms/{placed.world.term.pk}/placements?status=upcoming",
        headers={"Authorization": f"Bearer {admin}"},
    )
    assert [p["id"] for p in listed.json()] == [placed.placement.pk]
    bad = client.get(
        f"/api/v1/terms/{placed.world.term.pk}/placements?status=lost",
        headers={"Authorization": f"Bearer {admin}"},
    )
    assert bad.status_code == 400
    assert client.get("/api/v1/me/placements").status_code == 401


def test_the_lists_run_the_same_queries_for_one_placement_or_three(
    client: Client, placed: Placed
) -> None:
    _login(client, placed, "admin")
    url = f"/mentorship/terms/{placed.world.term.pk}/"
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    accept(placed.sel, "mentee3", "falco")
    accept(placed.sel, "mentee2", "antrea")
    assert Placement.objects.count() == 3
    with CaptureQueriesContext(connection) as three:
        page = client.get(url).content.decode()
    assert "3 placements" in page
    assert len(three.captured_queries) == len(one.captured_queries)
