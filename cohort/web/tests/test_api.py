"""The read-only catalog API: terms, a term's timeline and its projects, never e-mails."""

from __future__ import annotations

import pytest
from django.test import Client

from cohort.projects.models import Project
from cohort.projects.services import get_or_create_program, import_term
from cohort.terms.models import Program, Term
from cohort.web.tests.conftest import PRIVATE_STRINGS, bulk_term_data

pytestmark = pytest.mark.django_db


def test_anon_can_list_terms(client: Client, term: Term, other_term: Term):
    response = client.get("/api/v1/terms")
    assert response.status_code == 200
    terms = {t["label"]: t for t in response.json()}
    assert set(terms) == {"2024 Term 3", "2025 Term 1"}
    assert terms["2024 Term 3"] == {
        "id": term.pk,
        "program": "CNCF LFX Mentorship",
        "label": "2024 Term 3",
        "title": "Term 03 - 2024 September - November",
        "status": "completed",  # derived: every date of 2024 Term 3 has passed
        "page_status": "Planning",  # the page's own words, kept
        "time_zone": "America/Los_Angeles",
        "url": "/cncf-lfx-mentorship/2024-term-3/",
    }


def test_anon_can_get_a_term_with_its_timeline_in_utc(client: Client, term: Term):
    data = client.get(f"/api/v1/terms/{term.pk}").json()
    proposals = data["milestones"][0]
    assert proposals["label"] == "project proposals"
    assert proposals["raw"] == "Jul 3 - Jul 30 5:00 PM PDT"
    assert proposals["end"].replace("+00:00", "Z") == "2024-07-31T00:00:00Z"


def test_anon_can_list_a_terms_projects_without_emails(client: Client, term: Term):
    response = client.get(f"/api/v1/terms/{term.pk}/projects")
    assert response.status_code == 200
    projects = response.json()
    assert [p["title"] for p in projects] == [
        "Support application-level DNS caches",
        "Harbor CLI",
        "Harbor Satellite",
    ]
    first = projects[0]
    assert first["organization"] == "Antrea"
    assert first["mentors"][0] == {"name": "Quan Tian", "github": "tnqn", "role": "primary"}
    assert first["upstream_issues"] == ["https://github.com/antrea-io/antrea/issues/6229"]
    assert projects[2]["status"] == "proposed"
    for mentor in (m for p in projects for m in p["mentors"]):
        assert set(mentor) == {"name", "github", "role"}


@pytest.mark.parametrize(
    "path", ["/api/v1/terms", "/api/v1/terms/{id}", "/api/v1/terms/{id}/projects"]
)
def test_api_responses_carry_no_private_data(client: Client, term: Term, path: str):
    body = client.get(path.format(id=term.pk)).content.decode()
    for private in PRIVATE_STRINGS:
        assert private not in body


def test_api_leaves_out_withdrawn_projects(client: Client, term: Term):
    Project.objects.filter(title="Harbor CLI").update(status=Project.Status.WITHDRAWN)
    titles = [p["title"] for p in client.get(f"/api/v1/terms/{term.pk}/projects").json()]
    assert "Harbor CLI" not in titles


def test_unknown_term_is_404(client: Client, db: None):
    assert client.get("/api/v1/terms/999999").status_code == 404
    assert client.get("/api/v1/terms/999999/projects").status_code == 404


def test_api_lists_run_a_constant_number_of_queries(
    client: Client, term: Term, program: Program, django_assert_num_queries
):
    with django_assert_num_queries(2):  # the terms, and every term's timeline for its status
        client.get("/api/v1/terms")
    with django_assert_num_queries(5):  # the term, the count, the page, mentors, issues
        client.get(f"/api/v1/terms/{term.pk}/projects")
    big = get_or_create_program("Big Program")
    large = import_term(bulk_term_data(2023, 2, organizations=8, projects=6), program=big).term
    import_term(bulk_term_data(2022, 2, organizations=2, projects=2), program=big)
    with django_assert_num_queries(2):  # the terms, and every term's timeline for its status
        client.get("/api/v1/terms")
    with django_assert_num_queries(5):
        response = client.get(f"/api/v1/terms/{large.pk}/projects")
    assert len(response.json()) == 48
