"""The console's term set-up pages and API: an admin creates "2027 Term 2" with its eight
milestones, edits the timeline and the settings; the public term page shows the result."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cohort.core.models import AuditEvent, User
from cohort.core.tokens import create_api_token
from cohort.terms import services
from cohort.terms.models import Program, ProgramMembership, Term

pytestmark = pytest.mark.django_db
LA = zoneinfo.ZoneInfo("America/Los_Angeles")

LABELS = [
    "Project proposals",
    "Mentee applications open",
    "Application review/admission decisions",
    "Selection notifications",
    "Mentorship program begins with the initial work assignments",
    "Midterm mentee evaluations and first stipend payments",
    "Final mentee evaluations and mentee feedback/blog submission due, second and final "
    "stipend payment approvals",
    "Last day of term",
]


@pytest.fixture
def program() -> Program:
    return Program.objects.create(name="CNCF LFX Mentorship", slug="lfx")


@pytest.fixture
def admin(program: Program) -> User:
    user = User.objects.create_user("admin", "admin@example.org", "pw")
    ProgramMembership.objects.create(program=program, user=user)
    return user


@pytest.fixture
def admin_client(client: Client, admin: User) -> Client:
    client.force_login(admin)
    return client


def _timeline_post(term: Term, client: Client, **changes: str) -> dict[str, str]:
    """The timeline form as the page fills it, with `changes` ("ms-1-end": "2027-05-12")."""
    page = client.get(f"/console/terms/{term.pk}/timeline/")
    formset = page.context["formset"]
    data: dict[str, str] = {
        "ms-TOTAL_FORMS": str(formset.total_form_count()),
        "ms-INITIAL_FORMS": str(formset.initial_form_count()),
        "ms-MIN_NUM_FORMS": "0",
        "ms-MAX_NUM_FORMS": "30",
    }
    for form in formset.forms:
        for name, field in form.fields.items():
            value = form.initial.get(name)
            if name == "DELETE" or value is None:
                continue
            data[f"{form.prefix}-{name}"] = field.widget.format_value(value) or ""
    data.update(changes)
    return data


def test_an_admin_creates_2027_term_2_from_the_console_and_the_public_page_shows_it(
    admin_client, program
):
    page = admin_client.get("/console/programs/lfx/")
    assert page.status_code == 200
    assert b"Term 2 (June - August)" in page.content
    response = admin_client.post(
        "/console/programs/lfx/", {"year": "2027", "number": "2", "time_zone": ""}
    )
    term = Term.objects.get(program=program, year=2027, number=2)
    assert response.status_code == 302
    assert response["Location"] == f"/console/terms/{term.pk}/timeline/"
    assert term.title == "Term 02 - 2027 June - August"
    timeline = admin_client.get(response["Location"])
    assert "2027 Term 2 created, with the 8 milestones" in timeline.content.decode()
    public = Client().get("/lfx/2027-term-2/")
    assert public.status_code == 200
    text = public.content.decode()
    positions = [text.index(label) for label in LABELS]
    assert positions == sorted(positions)  # all eight, in order
    assert "Mar 31 - Apr 27 5:00 PM PDT" in text  # proposals, 68 and 41 days before Jun 7
    assert AuditEvent.objects.filter(action="terms.term.created", actor__username="admin").exists()


def test_the_timeline_is_edited_in_the_term_zone_and_shown_in_three_zones(admin_client, program):
    admin_client.post("/console/programs/lfx/", {"year": "2027", "number": "2"})
    term = Term.objects.get(year=2027, number=2)
    data = _timeline_post(term, admin_client, **{"ms-1-end_time": "23:59"})
    data["save"] = "1"
    response = admin_client.post(f"/console/terms/{term.pk}/timeline/", data)
    assert response.status_code == 302
    applications = term.milestones.get(key="applications_open")
    assert applications.end == datetime(2027, 5, 11, 23, 59, tzinfo=LA).astimezone(UTC)
    page = admin_client.get(f"/console/terms/{term.pk}/timeline/").content.decode()
    assert "Tue, May 11, 2027, 11:59 PM PDT" in page  # the term's zone
    assert 'datetime="2027-05-12T06:59:00Z"' in page  # UTC, which the script turns local
    assert "Wed, May 12, 2027, 06:59 UTC" in page
    assert "data-local-time" in page


def test_preview_shows_the_instants_and_saves_nothing(admin_client, program):
    admin_client.post("/console/programs/lfx/", {"year": "2027", "number": "2"})
    term = Term.objects.get(year=2027, number=2)
    before = term.milestones.get(key="applications_open").end
    data = _timeline_post(term, admin_client, **{"ms-1-end_time": "09:15"})
    data["preview"] = "1"
    response = admin_client.post(f"/console/terms/{term.pk}/timeline/", data)
    assert response.status_code == 200
    assert "Preview (not saved)" in response.content.decode()
    assert "Tue, May 11, 2027, 9:15 AM PDT" in response.content.decode()
    assert term.milestones.get(key="applications_open").end == before


def test_an_overlap_is_shown_beside_its_row_and_the_input_is_kept(admin_client, program):
    admin_client.post("/console/programs/lfx/", {"year": "2027", "number": "2"})
    term = Term.objects.get(year=2027, number=2)
    data = _timeline_post(term, admin_client, **{"ms-2-start": "2027-05-01"})
    data["save"] = "1"
    response = admin_client.post(f"/console/terms/{term.pk}/timeline/", data)
    assert response.status_code == 400
    formset = response.context["formset"]
    assert "before Mentee applications open ends" in formset.forms[2].non_field_errors()[0]
    assert 'value="2027-05-01"' in response.content.decode()
    assert term.milestones.get(key="application_review").start == datetime(
        2027, 5, 12, tzinfo=LA
    ).astimezone(UTC)


def test_settings_are_saved_and_audited(admin_client, program):
    admin_client.post("/console/programs/lfx/", {"year": "2027", "number": "2"})
    term = Term.objects.get(year=2027, number=2)
    response = admin_client.post(
        f"/console/terms/{term.pk}/settings/",
        {
            "time_zone": "UTC",
            "proposal_quota": "5",
            "quota_overrides": "kubernetes: 8\nopentelemetry: 6\n",
            "max_applications": "2",
            "default_prerequisites": ["Resume", "Coding Challenge"],
        },
    )
    assert response.status_code == 302
    term.refresh_from_db()
    assert term.time_zone == "UTC"
    assert term.quota_overrides == {"kubernetes": 8, "opentelemetry": 6}
    assert term.applications_cap == 2
    assert term.default_prerequisites == ["Resume", "Coding Challenge"]
    event = AuditEvent.objects.get(action="terms.term.settings_changed")
    assert set(event.data) == {
        "time_zone",
        "proposal_quota",
        "quota_overrides",
        "max_applications",
        "default_prerequisites",
    }
    bad = admin_client.post(
        f"/console/terms/{term.pk}/settings/",
        {"time_zone": "Mars/Base", "proposal_quota": "5", "quota_overrides": "kubernetes 8"},
    )
    assert bad.status_code == 400
    assert "Line 1: write “organization-key: number”" in bad.content.decode()


@pytest.mark.parametrize("who", ["visitor", "outsider"])
def test_only_program_admins_reach_the_console(client, program, admin, who):
    term = Term.objects.create(program=program, year=2027, number=1, title="T")
    if who == "outsider":
        client.force_login(User.objects.create_user("x", "x@example.org", "pw"))
    for url in (
        "/console/programs/lfx/",
        f"/console/terms/{term.pk}/timeline/",
        f"/console/terms/{term.pk}/settings/",
    ):
        response = client.get(url)
        assert response.status_code == (302 if who == "visitor" else 404), url
    response = client.post("/console/programs/lfx/", {"year": "2027", "number": "2"})
    assert not Term.objects.filter(year=2027, number=2).exists()


def test_the_api_creates_the_term_edits_it_and_the_public_page_shows_it(client, program, admin):
    token = create_api_token(admin, name="t")[1]
    auth = {"Authorization": f"Bearer {token}"}
    created = client.post(
        "/api/v1/programs/lfx/terms",
        {"year": 2027, "number": 2},
        content_type="application/json",
        headers=auth,
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["label"] == "2027 Term 2"
    assert [m["label"] for m in body["milestones"]] == LABELS
    assert body["milestones"][1]["end"] == "2027-05-12T00:00:00Z"
    assert body["milestones"][1]["end_local"] == "Tue, May 11, 2027, 5:00 PM PDT"
    assert body["stage"] in {"upcoming", "accepting_proposals", "completed"}
    rows = [
        {k: m[k] for k in ("key", "label", "start", "end")}
        | {"start": m["start_date"], "start_time": m["start_time"], "end": m["end_date"]}
        | {"end_time": m["end_time"]}
        for m in body["milestones"]
    ]
    rows[1]["end_time"] = "12:00:00"
    updated = client.put(
        f"/api/v1/terms/{body['id']}/timeline",
        {"milestones": rows},
        content_type="application/json",
        headers=auth,
    )
    assert updated.status_code == 200, updated.content
    assert updated.json()["milestones"][1]["raw"] == "Apr 28 - May 11 12:00 PM PDT"
    rows[2]["start"] = "2027-05-01"
    refused = client.put(
        f"/api/v1/terms/{body['id']}/timeline",
        {"milestones": rows},
        content_type="application/json",
        headers=auth,
    )
    assert refused.status_code == 400
    assert "before Mentee applications open ends" in refused.json()["detail"]
    settings = client.patch(
        f"/api/v1/terms/{body['id']}/settings",
        {"max_applications": 2, "quota_overrides": {"envoy": 6}},
        content_type="application/json",
        headers=auth,
    )
    assert settings.status_code == 200
    assert (settings.json()["applications_cap"], settings.json()["quota_overrides"]) == (
        2,
        {"envoy": 6},
    )
    back = client.patch(
        f"/api/v1/terms/{body['id']}/settings",
        {"max_applications": None},
        content_type="application/json",
        headers=auth,
    )
    assert back.json()["applications_cap"] == 3
    assert "Apr 28 - May 11 12:00 PM PDT" in Client().get("/lfx/2027-term-2/").content.decode()
    again = client.post(
        "/api/v1/programs/lfx/terms",
        {"year": 2027, "number": 2},
        content_type="application/json",
        headers=auth,
    )
    assert again.status_code == 409


def test_the_api_hides_programs_and_terms_from_others(client, program, admin):
    other = User.objects.create_user("other", "o@example.org", "pw")
    auth = {"Authorization": f"Bearer {create_api_token(other, name='t')[1]}"}
    term = Term.objects.create(program=program, year=2027, number=1, title="T")
    assert client.get(f"/api/v1/terms/{term.pk}/setup", headers=auth).status_code == 404
    created = client.post(
        "/api/v1/programs/lfx/terms",
        {"year": 2027, "number": 2},
        content_type="application/json",
        headers=auth,
    )
    assert created.status_code == 404
    assert client.get(f"/api/v1/terms/{term.pk}/setup").status_code == 401


def test_the_program_page_runs_the_same_queries_for_one_term_or_nine(admin_client, program):
    admin = User.objects.get(username="admin")
    services.create_term(program, year=2024, number=1, actor=admin)
    with CaptureQueriesContext(connection) as small:
        assert admin_client.get("/console/programs/lfx/").status_code == 200
    for year in (2025, 2026):
        for number in (1, 2, 3):
            services.create_term(program, year=year, number=number, actor=admin)
    services.create_term(program, year=2024, number=2, actor=admin)
    services.create_term(program, year=2024, number=3, actor=admin)
    with CaptureQueriesContext(connection) as large:
        page = admin_client.get("/console/programs/lfx/")
    assert page.content.decode().count("/timeline/") == 9
    assert len(large.captured_queries) == len(small.captured_queries)
