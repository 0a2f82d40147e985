"""`GET /api/v1/terms/{id}/dashboard`: the term dashboard's read model as JSON, for the
program's admins only (404 for anyone else, 401 without a user)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from cohort.console import queries
from cohort.console.tests.test_dashboard import (
    NOW,
    World,
    _clock,  # noqa: F401 (the autouse clock, for this module too)
    fill,
    make_world,
)
from cohort.core.tokens import create_api_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world()


def _get(world: World, name: str | None, pk: object) -> Any:
    headers = {}
    if name is not None:
        token = create_api_token(world.users[name], name="tests")[1]
        headers = {"Authorization": f"Bearer {token}"}
    return Client().get(f"/api/v1/terms/{pk}/dashboard", headers=headers)


def test_the_api_gives_the_same_dashboard_as_the_page(world: World):
    fill(world, 1)
    response = _get(world, "admin", world.term.pk)
    assert response.status_code == 200, response.content
    body = response.json()
    board = queries.dashboard(world.term, now=NOW)
    assert body["term"] == world.term.pk
    assert body["now"] == "2026-09-10T12:00:00Z"
    assert body["stage"] == "in_review"
    assert body["stage_label"] == "In review"
    assert [p["key"] for p in body["current"]] == ["application_review"]
    assert body["current"][0]["end"] == "2026-09-12T17:00:00Z"
    assert body["next"]["key"] == "selection_notify"
    assert body["deadlines"][0] == {
        "key": "application_review",
        "label": "Application review",
        "edge": "ends",
        "at": "2026-09-12T17:00:00Z",
        "seconds_left": 2 * 86_400 + 5 * 3_600,
        "countdown": "in 2 days 5 hours",
    }
    assert len(body["deadlines"]) == 3
    for section in ("proposals", "applications", "selection"):
        assert body[section] == [
            {"key": c.key, "label": c.label, "count": c.count, "url": c.url}
            for c in getattr(board, section)
        ]
    assert body["proposals_total"] == 6
    assert body["proposals_url"] == f"/proposals/board/{world.term.pk}/"
    attention = {a["key"]: a for a in body["attention"]}
    assert {k: a["count"] for k, a in attention.items()} == {
        "to_approve": 1,
        "to_publish": 1,
        "no_slots": 1,
        "unreviewed": 1,
        "unanswered_offers": 1,
    }
    assert attention["no_slots"]["projects"][0]["title"] == "Project 1501"
    assert attention["unreviewed"]["url"] == f"/review/terms/{world.term.pk}/?state=unreviewed"


def test_a_browser_session_reads_it_too(world: World):
    client = Client()
    client.force_login(world.users["admin"])
    response = client.get(f"/api/v1/terms/{world.term.pk}/dashboard")
    assert response.status_code == 200
    assert response.json()["attention"] == []


@pytest.mark.parametrize(
    ("name", "status"),
    [("admin", 200), ("root", 200), ("other_admin", 404), ("outsider", 404), (None, 401)],
)
def test_only_the_programs_admins_get_it(world: World, name: str | None, status: int):
    response = _get(world, name, world.term.pk)
    assert response.status_code == status, response.content
    if status == 404:  # the same answer as for a term that does not exist
        assert response.json() == _get(world, "admin", 999_999).json()


def test_a_missing_term_is_404_and_a_bad_id_422(world: World):
    assert _get(world, "admin", 999_999).status_code == 404
    assert _get(world, "admin", 0).status_code == 422


def test_the_schema_documents_it(world: World):
    schema = Client().get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/terms/{pk}/dashboard"]["get"]
    assert operation["tags"] == ["console"]
    assert "404" in operation["responses"]
