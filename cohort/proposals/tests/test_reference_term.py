"""The issue's acceptance walk on the reference term (2024 Term 3, the demo data).

A proposal for Antrea goes from draft to published: the proposer, the Antrea maintainer, two
listed mentors and the program admin each act as themselves, once through the web pages and
once through the API with their own tokens. Time is frozen inside the term's proposal window
(it closed on Jul 30, 2024 at 5:00 PM PDT).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from cohort.core.models import Person, User
from cohort.core.tokens import create_api_token
from cohort.projects.demo import load_demo
from cohort.projects.models import Organization, Project
from cohort.proposals import gates

pytestmark = pytest.mark.django_db

IN_WINDOW = datetime(2024, 7, 20, 17, 0, tzinfo=UTC)
MENTORS = (
    "Quan Tian | @tnqn | tianquan23@gmail.com | tnqn\n"
    "Yang Ding | @Dyanngg | dingyany1995@outlook.com | dyanngg"
)


@pytest.fixture
def reference(settings):
    settings.COHORT_DEMO_USERS = True
    term = load_demo().imported.term
    second = User.objects.create_user("mentor2", password="x")
    Person.objects.filter(github__iexact="Dyanngg").update(user=second)
    User.objects.create_user("proposer", password="x")
    return term


def as_user(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_a_reference_term_proposal_walks_to_published_through_the_web(reference):
    antrea = Organization.objects.get(name="Antrea")
    with time_machine.travel(IN_WINDOW, tick=False):
        created = as_user("proposer").post(
            reverse("proposals:new", args=[reference.pk]),
            {
                "project": antrea.pk,
                "program_name": "FQDN policy metrics",
                "description": "Export metrics for FQDN-based network policies.",
                "technologies": "Go, Kubernetes",
                "skills_same": "on",
                "mentors": MENTORS,
                "upstream_issue_url": "https://github.com/antrea-io/antrea/issues/6229",
                "prerequisites": ["Resume"],
            },
        )
        assert created.status_code == 302
        project = Project.objects.get(term=reference, title="FQDN policy metrics")
        assert project.number == 1  # the imported 2024 projects carry no numbers
        for user, action in (
            ("proposer", "submit"),
            ("maintainer", "approve"),
            ("mentor", "confirm"),
            ("mentor2", "confirm"),
            ("admin", "admin_approve"),
        ):
            response = as_user(user).post(reverse(f"proposals:{action}", args=[project.pk]))
            assert response.status_code == 302, (user, action)
        detail = as_user("admin").get(reverse("proposals:detail", args=[project.pk]))
        assert gates.CNCF_APPROVED in detail.content.decode()
        published = as_user("admin").post(reverse("proposals:publish", args=[reference.pk]))
        assert published.status_code == 302

    project.refresh_from_db()
    assert project.status == "published"
    public = Client().get(reference.get_absolute_url()).content.decode()
    assert "FQDN policy metrics" in public
    assert "tianquan23@gmail.com" not in public
    assert Project.objects.filter(term=reference).count() == 49


def test_a_reference_term_proposal_walks_to_published_through_the_api(reference):
    def api(username: str):
        token = create_api_token(User.objects.get(username=username), name="walk")[1]
        client = Client()

        def call(path: str, body: object = None) -> Any:
            response = client.post(
                f"/api/v1{path}",
                "" if body is None else json.dumps(body),
                content_type="application/json",
                headers={"Authorization": f"Bearer {token}"},
            )
            assert response.status_code in (200, 201), (username, path, response.content)
            return response.json()

        return call

    with time_machine.travel(IN_WINDOW, tick=False):
        created = api("proposer")(
            f"/terms/{reference.pk}/proposals",
            {
                "project": "Antrea",
                "program_name": "FQDN policy metrics",
                "description": "Export metrics for FQDN-based network policies.",
                "technologies": "Go, Kubernetes",
                "skills_same": True,
                "mentors": [
                    {
                        "name": "Quan Tian",
                        "github": "tnqn",
                        "email": "tianquan23@gmail.com",
                        "lfid": "tnqn",
                    },
                    {
                        "name": "Yang Ding",
                        "github": "Dyanngg",
                        "email": "dingyany1995@outlook.com",
                        "lfid": "dyanngg",
                    },
                ],
                "upstream_issue_url": "https://github.com/antrea-io/antrea/issues/6229",
                "prerequisites": {"resume": True},
            },
        )
        pk = created["id"]
        assert created["lfx_title"] == "CNCF - Antrea: FQDN policy metrics (2024 Term 3)"
        api("proposer")(f"/proposals/{pk}/submit")
        api("maintainer")(f"/proposals/{pk}/approve")
        api("mentor")(f"/proposals/{pk}/confirm")
        confirmed = api("mentor2")(f"/proposals/{pk}/confirm")
        assert confirmed["column"] == gates.APPROVED_CONFIRMED
        assert api("admin")(f"/proposals/{pk}/admin-approve")["gates"]["admin_approved"]
        assert api("admin")(f"/terms/{reference.pk}/publish") == {"published": [1]}

    listed = Client().get(f"/api/v1/terms/{reference.pk}/projects").json()
    assert "FQDN policy metrics" in [p["title"] for p in listed]
