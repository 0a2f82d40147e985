"""Applying through the API (`POST /api/v1/applications`) costs a fixed, small number of
queries: the token, the project, the profile, the checks and the writes, each once."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cohort.applications import services
from cohort.applications.models import Application, ApplicationEvent, Task
from cohort.applications.tests.conftest import World
from cohort.core.models import ApiToken, AuditEvent
from cohort.core.tokens import create_api_token

pytestmark = pytest.mark.django_db

# The token; the project with its term, program and organization; the term's timeline; the
# profile (locked) with the mentor and maintainer checks; the one-mentorship-at-a-time bar;
# the mentee's applications in the term (read after the lock); the application, its tasks,
# its history and the audit row; and the transaction's two markers (SAVEPOINT and RELEASE
# here, BEGIN and COMMIT in production). Before: 27 with an answer (24 without).
MAX_QUERIES = 12
TRANSACTION = ("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT")


def _apply(
    world: World, mentee: str, project: int, answers: dict[str, Any]
) -> tuple[Any, list[str]]:
    token = create_api_token(world.user(mentee), name="t")[1]
    # A token in use: its last use is recorded at most once in a while, not on every call.
    ApiToken.objects.update(last_used_at=timezone.now())
    client = Client()
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(
            "/api/v1/applications",
            json.dumps({"project": project, "answers": answers}),
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )
    return response, [q["sql"] for q in ctx.captured_queries]


def test_applying_with_an_answer_costs_at_most_10_queries(world: World, in_window: Any) -> None:
    response, sql = _apply(world, "mentee1", world.antrea.pk, {"cover_letter": {"text": "Hello."}})
    assert response.status_code == 201, response.content
    body = response.json()
    application = Application.objects.get(pk=body["id"])
    # Everything an application is made of is written: the tasks, the answer, its history
    # and the audit row.
    assert application.status == "draft"
    assert application.active_slot == 1
    tasks = {t.kind: t for t in Task.objects.filter(application=application)}
    assert set(tasks) == {"resume", "cover_letter", "coding_challenge"}
    assert tasks["cover_letter"].text == "Hello."
    assert tasks["cover_letter"].completed_at is not None
    assert ApplicationEvent.objects.filter(application=application).count() == 2
    assert AuditEvent.objects.filter(action="applications.application.created").count() == 1
    assert len(sql) <= MAX_QUERIES, "\n".join(sql)
    statements = [q for q in sql if not q.startswith(TRANSACTION)]
    assert len(statements) <= MAX_QUERIES - 2


def test_reapplying_after_a_withdrawal_reopens_the_same_application(
    world: World, in_window: Any
) -> None:
    first, _ = _apply(world, "mentee2", world.cilium.pk, {})
    assert first.status_code == 201, first.content
    application = Application.objects.get(pk=first.json()["id"])
    services.withdraw_application(application, actor=world.user("mentee2"))
    again, _ = _apply(world, "mentee2", world.cilium.pk, {"cover_letter": {"text": "Again."}})
    assert again.status_code == 201, again.content
    assert again.json()["id"] == application.pk
    assert again.json()["status"] == "draft"
    assert Task.objects.get(application=application, kind="cover_letter").text == "Again."
    twice, _ = _apply(world, "mentee2", world.cilium.pk, {})
    assert twice.status_code == 409
