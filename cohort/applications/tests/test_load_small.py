"""bench/applications_load.py in small: many mentees applying through the API at once.

Each applicant applies to 5 distinct projects with `POST /api/v1/applications` and their own
token; the program allows 3. Afterwards: every acknowledged (201) application is stored with
its mentee and project, no (mentee, project) is stored twice, no mentee holds more than 3
active applications, and the 201s account for every stored row. The threaded variant needs
PostgreSQL (SQLite serialises all writers):

    DATABASE_URL=postgres://… pytest -p no:xdist cohort/applications/tests/test_load_small.py
"""

from __future__ import annotations

import json
import queue
import random
import threading
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.db.models import Count
from django.test import Client
from django.utils import timezone

from cohort.applications.models import Application
from cohort.applications.tests.conftest import make_profile
from cohort.core.models import User
from cohort.core.tokens import create_api_token
from cohort.projects.models import Organization, Project
from cohort.terms.models import Milestone, Program, Term

LIMIT = 3
PER_APPLICANT = 5
APPLICANTS = 10  # × 5 = 50 requests: a few seconds (each apply is some 25 queries)


@dataclass
class Crowd:
    term: Term
    projects: list[int]
    applicants: list[tuple[int, str]]  # (user id, API token)


@dataclass
class Answer:
    applicant: int
    project: int
    status: int
    app_id: int | None
    detail: str


def make_crowd(n_applicants: int, n_projects: int = 8) -> Crowd:
    now = timezone.now()
    program = Program.objects.create(
        name="Load", slug="load", max_applications=LIMIT, require_lfc102=False
    )
    term = Term.objects.create(program=program, year=now.year, number=1, title="Load term")
    Milestone.objects.create(
        term=term,
        key="applications_open",
        label="Mentee applications open",
        raw="now",
        start=now - timedelta(hours=1),
        end=now + timedelta(hours=1),
        has_time=True,
    )
    org = Organization.objects.create(program=program, name="Load org", slug="load-org")
    projects = [
        Project.objects.create(
            term=term,
            organization=org,
            slug=f"load-{n}",
            title=f"Load {n}",
            status=Project.Status.PUBLISHED,
            prerequisites={"cover_letter": True},
        ).pk
        for n in range(n_projects)
    ]
    applicants = []
    for n in range(n_applicants):
        user = User.objects.create_user(f"load{n}")
        make_profile(user)
        applicants.append((user.pk, create_api_token(user, name="load")[1]))
    return Crowd(term, projects, applicants)


def plan(crowd: Crowd, seed: int = 4) -> list[tuple[int, int]]:
    """(applicant, project) pairs: 5 distinct projects each, an applicant's next to each
    other so that, sent from several threads, they race for the last slot."""
    rng = random.Random(seed)  # noqa: S311  # a test's choices, not a secret
    return [
        (n, project)
        for n in range(len(crowd.applicants))
        for project in rng.sample(crowd.projects, PER_APPLICANT)
    ]


def apply(client: Client, crowd: Crowd, applicant: int, project: int) -> Answer:
    _, token = crowd.applicants[applicant]
    response = client.post(
        "/api/v1/applications",
        json.dumps({"project": project, "answers": {"cover_letter": {"text": "Hello."}}}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    body = response.json()
    return Answer(
        applicant,
        project,
        response.status_code,
        body.get("id") if response.status_code == 201 else None,
        body.get("detail", ""),
    )


def check_invariants(crowd: Crowd, answers: list[Answer]) -> None:
    assert len(answers) == len(crowd.applicants) * PER_APPLICANT
    statuses = Counter(a.status for a in answers)
    assert set(statuses) <= {201, 400, 409}, statuses
    rows = {
        pk: (mentee, project)
        for pk, mentee, project in Application.objects.filter(term=crowd.term).values_list(
            "id", "mentee_id", "project_id"
        )
    }
    acked = [a for a in answers if a.status == 201]
    # Acknowledged ⊆ stored, each with the mentee and project it was acknowledged for.
    for a in acked:
        assert rows.get(a.app_id or 0) == (crowd.applicants[a.applicant][0], a.project), a
    # The 201s account for every stored row: nothing stored that the client was refused.
    assert len(acked) == len(rows)
    # No (mentee, project) twice.
    assert len(set(rows.values())) == len(rows)
    assert not (
        Application.objects.values("mentee", "project").annotate(n=Count("id")).filter(n__gt=1)
    )
    # At most 3 active each, and, with 5 distinct projects and nothing withdrawn, exactly 3.
    active = Counter(
        Application.objects.filter(term=crowd.term).active().values_list("mentee_id", flat=True)
    )
    assert all(active[user_id] == LIMIT for user_id, _ in crowd.applicants), active
    # A refusal says why: the limit (400), or, after a lost race, to reload (409).
    for a in answers:
        if a.status == 400:
            assert f"already have {LIMIT} active applications" in a.detail, a
        if a.status == 409:
            assert "Reload and try again" in a.detail, a


@pytest.mark.django_db
def test_applicants_applying_five_times_each_through_the_api() -> None:
    crowd = make_crowd(APPLICANTS)
    client = Client()
    answers = [apply(client, crowd, n, project) for n, project in plan(crowd)]
    check_invariants(crowd, answers)
    # One request at a time: nothing races, so every refusal is the limit.
    assert Counter(a.status for a in answers) == {
        201: APPLICANTS * LIMIT,
        400: APPLICANTS * (PER_APPLICANT - LIMIT),
    }


THREADS = 10


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_applicants_racing_from_ten_threads_keep_the_invariants() -> None:
    crowd = make_crowd(APPLICANTS)
    todo: queue.SimpleQueue[tuple[int, int]] = queue.SimpleQueue()
    for job in plan(crowd):
        todo.put(job)
    barrier = threading.Barrier(THREADS)
    answers: list[Answer] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def worker() -> None:
        client = Client()
        try:
            barrier.wait(timeout=30)
            while True:
                try:
                    applicant, project = todo.get_nowait()
                except queue.Empty:
                    return
                answer = apply(client, crowd, applicant, project)
                with lock:
                    answers.append(answer)
        except BaseException as exc:  # reported by the main thread
            with lock:
                failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert not failures, failures
    check_invariants(crowd, answers)


def test_the_baseline_healthz_answers_ok_without_a_query(client):
    # No django_db mark: a query would raise "Database access not allowed".
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")
    assert client.post("/healthz").status_code == 405
