"""Applying through the API (`POST /api/v1/applications`) costs a fixed, small number of
queries, the same in a small term as in a large one: the token; one statement for the
project with its term, program, organization and timeline, the applicant's profile (locked),
their applications in the term and whether they mentor the project or maintain its
organization; the one-mentorship-at-a-time bar; one INSERT each for the application, its
tasks, its history and its audit rows, and for a submitted one its e-mail task; and the
transaction's two markers (SAVEPOINT and RELEASE here, BEGIN and COMMIT in production)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cohort.applications import services
from cohort.applications.models import Application, ApplicationEvent, MenteeProfile, Task
from cohort.applications.tests.conftest import PREREQS, World, make_profile, pdf
from cohort.core.models import ApiToken, AuditEvent, User
from cohort.core.tokens import create_api_token
from cohort.projects.models import Organization, Project
from cohort.terms.models import Milestone

pytestmark = pytest.mark.django_db

# Before (2a8a103): 27 with an answer, 24 without; d8be4ed: 17 for a complete application
# with its e-mail task (production's task backend), 12 for a bare draft.
MAX_QUERIES = 10
TRANSACTION = ("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT")
COMPLETE = {
    "cover_letter": {"text": "Hello."},
    "coding_challenge": {"url": "https://github.com/me/challenge"},
}


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


def _with_resume(world: World, mentee: str) -> None:
    user = world.user(mentee)
    services.upload_resume(MenteeProfile.objects.get(user=user), pdf(), actor=user)


def _grow(world: World, mentee: str, n: int = 30) -> None:
    """Make the term large around `mentee`: `n` more projects and mentees, each mentee with
    three applications, more milestones, and two applications of `mentee`'s own."""
    org = Organization.objects.create(program=world.program, name="Big", slug="big")
    projects = [
        Project.objects.create(
            term=world.term,
            organization=org,
            slug=f"big-{i}",
            title=f"Big {i}",
            status=Project.Status.PUBLISHED,
            prerequisites=PREREQS,
        )
        for i in range(n)
    ]
    for i, key in enumerate(("term_start", "term_end", "selection_notify", "midterm")):
        Milestone.objects.create(term=world.term, key=key, label=key, raw="", position=10 + i)
    for i in range(n):
        other = User.objects.create_user(f"big{i}", email=f"big{i}@example.org", password="x")
        make_profile(other)
        for k in range(3):
            services.apply_to_project(other, projects[(i + k) % n])
    for project in projects[:2]:
        services.apply_to_project(world.user(mentee), project)


def _statements(sql: list[str]) -> list[str]:
    return [q for q in sql if not q.startswith(TRANSACTION)]


def test_applying_with_an_answer_costs_the_same_few_queries_in_a_large_term(
    world: World, in_window: Any
) -> None:
    small, small_sql = _apply(world, "mentee1", world.antrea.pk, {"cover_letter": {"text": "Hi"}})
    assert small.status_code == 201, small.content
    _grow(world, "mentee2")
    large, large_sql = _apply(world, "mentee2", world.antrea.pk, {"cover_letter": {"text": "Hi"}})
    assert large.status_code == 201, large.content
    assert large.json()["status"] == "draft"  # no résumé, no challenge yet
    application = Application.objects.get(pk=large.json()["id"])
    # The mentee's third application: the two in the large term hold slots 1 and 2.
    assert application.active_slot == 3
    # Everything an application is made of is written: the tasks, the answer, its history
    # and the audit row.
    tasks = {t.kind: t for t in Task.objects.filter(application=application)}
    assert set(tasks) == {"resume", "cover_letter", "coding_challenge"}
    assert tasks["cover_letter"].text == "Hi"
    assert tasks["cover_letter"].completed_at is not None
    events = ApplicationEvent.objects.filter(application=application).order_by("at", "id")
    assert [(e.kind, e.status or e.task) for e in events] == [
        ("status", "draft"),
        ("task", "cover_letter"),
    ]
    assert AuditEvent.objects.filter(
        action="applications.application.created", object_id=str(application.pk)
    ).exists()
    assert len(large_sql) == len(small_sql), "\n".join(large_sql)
    assert len(large_sql) <= MAX_QUERIES, "\n".join(large_sql)
    assert len(_statements(large_sql)) <= MAX_QUERIES - 2


def test_a_complete_application_is_written_submitted_in_the_same_few_queries(
    world: World, in_window: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # Production's task backend: the e-mail task is a row written in the transaction.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    _with_resume(world, "mentee1")
    small, small_sql = _apply(world, "mentee1", world.antrea.pk, COMPLETE)
    assert small.status_code == 201, small.content
    _grow(world, "mentee2")
    _with_resume(world, "mentee2")
    large, large_sql = _apply(world, "mentee2", world.antrea.pk, COMPLETE)
    assert large.status_code == 201, large.content
    assert large.json()["status"] == "submitted"
    application = Application.objects.get(pk=large.json()["id"])
    assert application.status == "submitted"
    assert application.submitted_at is not None
    assert all(t.completed_at is not None for t in Task.objects.filter(application=application))
    # The same history and audit trail as an application submitted by its last task.
    events = ApplicationEvent.objects.filter(application=application).order_by("at", "id")
    assert [(e.kind, e.status or e.task) for e in events] == [
        ("status", "draft"),
        ("task", "resume"),
        ("task", "cover_letter"),
        ("task", "coding_challenge"),
        ("status", "submitted"),
    ]
    audit = AuditEvent.objects.filter(object_id=str(application.pk)).order_by("id")
    assert [(a.action, a.data) for a in audit] == [
        ("applications.application.created", {}),
        ("applications.application.submitted", {"before": "draft", "after": "submitted"}),
    ]
    assert any("django_tasks_database_dbtaskresult" in q for q in large_sql)
    assert len(large_sql) == len(small_sql), "\n".join(large_sql)
    assert len(large_sql) <= MAX_QUERIES, "\n".join(large_sql)
    assert len(_statements(large_sql)) <= MAX_QUERIES - 2


def test_a_complete_application_gets_its_receipt(
    world: World, in_window: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _with_resume(world, "mentee1")
    with django_capture_on_commit_callbacks(execute=True):
        response, _ = _apply(world, "mentee1", world.antrea.pk, COMPLETE)
    assert response.status_code == 201, response.content
    assert [m.to for m in mail.outbox] == [["mentee1@example.org"]]
    assert "submitted" in mail.outbox[0].subject.lower()


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


def test_a_project_the_catalog_does_not_show_is_not_found(world: World, in_window: Any) -> None:
    Project.objects.filter(pk=world.falco.pk).update(status=Project.Status.DRAFT)
    response, _ = _apply(world, "mentee1", world.falco.pk, {})
    assert response.status_code == 404
    assert not Application.objects.exists()
