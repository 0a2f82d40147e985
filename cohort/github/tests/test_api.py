"""The GitHub read API: the same read models as the pages, for program admins only."""

from __future__ import annotations

import pytest
from django.test import Client

from cohort.core.tokens import create_api_token
from cohort.github.models import Connection
from cohort.github.tests.conftest import SECRET, Hub
from cohort.github.tests.payloads import payload

pytestmark = pytest.mark.django_db


def _as(hub: Hub, name: str) -> Client:
    client = Client()
    client.force_login(hub.world.users[name])
    return client


def test_an_admin_reads_the_connection_and_the_deliveries_as_the_pages_show_them(hub: Hub):
    hub.open_issue(2001)
    hub.comment("/approve", by="stranger")
    hub.deliver("ping", payload("ping"))
    base = f"/api/v1/programs/{hub.world.program.slug}/github"

    connection = _as(hub, "admin").get(base)
    deliveries = _as(hub, "admin").get(f"{base}/deliveries")

    assert connection.status_code == 200
    body = connection.json()
    assert body["repository"] == "cncf/mentoring"
    assert body["token_variable"] == "COHORT_GITHUB_TOKEN"  # noqa: S105 (a name)
    assert body["token_set"] is True
    assert body["writes_pending"] == 0
    assert SECRET not in connection.content.decode()
    assert "secret" not in body
    rows = deliveries.json()
    assert [(r["event"], r["action"], r["result"]) for r in rows] == [
        ("ping", "", "processed"),
        ("issue_comment", "created", "refused"),
        ("issues", "opened", "processed"),
    ]
    assert rows[2]["issue_url"] == "https://github.com/cncf/mentoring/issues/2001"
    assert rows[2]["project_id"] is not None
    assert rows[2]["received_at"].endswith("Z")
    page = _as(hub, "admin").get(f"/github/{hub.world.program.slug}/deliveries/").content.decode()
    for row in rows:
        assert row["guid"] in page


def test_a_bearer_token_works_and_everyone_else_gets_404_or_401(hub: Hub):
    base = f"/api/v1/programs/{hub.world.program.slug}/github"
    _token, raw = create_api_token(hub.world.users["admin"], name="ops")
    assert Client().get(base, headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    assert Client().get(base).status_code == 401
    for name in ("maintainer", "alice", "outsider"):
        assert _as(hub, name).get(base).status_code == 404
        assert _as(hub, name).get(f"{base}/deliveries").status_code == 404
    assert _as(hub, "admin").get("/api/v1/programs/no-such/github").status_code == 404


def test_a_program_without_a_connection_is_404_with_no_deliveries(hub: Hub):
    Connection.objects.all().delete()
    base = f"/api/v1/programs/{hub.world.program.slug}/github"
    assert _as(hub, "admin").get(base).status_code == 404
    assert _as(hub, "admin").get(f"{base}/deliveries").json() == []


def test_the_connection_counts_the_writes_waiting_and_given_up(hub: Hub):
    from cohort.github import services
    from cohort.github.models import Write

    services.reply(hub.connection, 2001, "waiting")
    services.reply(hub.connection, 2001, "given up")
    Write.objects.filter(body="given up").update(status=Write.Status.FAILED, error="422")
    body = _as(hub, "admin").get(f"/api/v1/programs/{hub.world.program.slug}/github").json()
    assert (body["writes_pending"], body["writes_failed"]) == (1, 1)
    page = _as(hub, "admin").get(f"/github/{hub.world.program.slug}/").content.decode()
    assert "1 waiting, 1 given up" in page
