"""Nothing about applicants reaches the public: pages, catalog API and term exports."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from cohort.applications import services as s
from cohort.applications.models import MenteeProfile
from cohort.applications.tests.conftest import World, complete_application
from cohort.core.models import User

pytestmark = pytest.mark.usefixtures("in_window")

EXPORT_FORMATS = ("markdown", "json", "lfx-json", "lfx-csv", "lfx-readme")


@pytest.fixture
def secrets(world: World) -> list[str]:
    """Applications with notes, scores, a recusal and a decline; returns what must not leak."""
    leaks = []
    for n, name in enumerate(("mentee1", "mentee2", "mentee3"), start=1):
        user = world.user(name)
        User.objects.filter(pk=user.pk).update(
            email=f"applicant{n}.private@mail.test", first_name="Quintessa", last_name=f"Z{n}"
        )
        MenteeProfile.objects.filter(user=user).update(
            name=f"Quintessa Zabriskie{n}", github=f"qz-applicant{n}"
        )
        leaks += [f"applicant{n}.private@mail.test", f"Zabriskie{n}", f"qz-applicant{n}"]
    one = complete_application(world, "mentee1", world.antrea)
    two = complete_application(world, "mentee2", world.antrea)
    three = complete_application(world, "mentee3", world.cilium)
    alice, bob = world.user("alice"), world.user("bob")
    s.review_application(one, reviewer=alice, score=5, notes="NOTE-alpha strong Go skills")
    s.review_application(one, reviewer=bob, score=4, notes="NOTE-bravo met at KubeCon")
    s.declare_conflict(two, reviewer=alice, reason="REASON-charlie my former intern")
    s.shortlist_application(one, actor=bob)
    s.decline_applications([three], actor=bob, message="MESSAGE-delta not this time")
    leaks += [
        "NOTE-alpha",
        "NOTE-bravo",
        "REASON-charlie",
        "MESSAGE-delta",
        "I am mentee1 and I want",  # the cover letters
        "Quintessa",
        "@mail.test",
    ]
    return leaks


def assert_clean(text: str, secrets: list[str], where: str) -> None:
    for secret in secrets:
        assert secret.lower() not in text.lower(), f"{secret!r} leaks in {where}"


def test_public_pages_show_no_applicant_data(
    client: Client, world: World, secrets: list[str]
) -> None:
    pages = [
        reverse("web:home"),
        world.term.get_absolute_url(),
        world.antrea.get_absolute_url(),
        world.cilium.get_absolute_url(),
        reverse("web:search") + "?q=Antrea",  # the query itself is echoed
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_clean(response.content.decode(), secrets, url)
    # The project pages are really the project pages.
    assert "Antrea project" in client.get(world.antrea.get_absolute_url()).content.decode()


def test_catalog_api_shows_no_applicant_data(
    client: Client, world: World, secrets: list[str]
) -> None:
    for url in (
        "/api/v1/terms",
        f"/api/v1/terms/{world.term.pk}",
        f"/api/v1/terms/{world.term.pk}/projects",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_clean(response.content.decode(), secrets, url)
    projects = client.get(f"/api/v1/terms/{world.term.pk}/projects").json()
    assert {p["title"] for p in projects} == {"Antrea project", "Cilium project", "Falco project"}


def test_anonymous_gets_nothing_from_the_applications_api(
    client: Client, world: World, secrets: list[str]
) -> None:
    for url in (
        f"/api/v1/projects/{world.antrea.pk}/queue",
        f"/api/v1/terms/{world.term.pk}/application-counts",
    ):
        response = client.get(url)
        assert response.status_code == 401, (url, response.status_code)
        assert_clean(response.content.decode(), secrets, url)


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_term_exports_show_no_applicant_data(world: World, secrets: list[str], fmt: str) -> None:
    out = io.StringIO()
    call_command("export_term", "2024 Term 3", format=fmt, stdout=out, stderr=io.StringIO())
    text = out.getvalue()
    if fmt in ("markdown", "json"):
        assert "Antrea project" in text  # the export carries the projects
    assert_clean(text, secrets, f"export_term --format {fmt}")
