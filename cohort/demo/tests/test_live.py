"""The live demo term: open for applications at the moment it is loaded, mentee1 can apply
through the service, and loading it again changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from cohort.applications import access, queries, services
from cohort.applications.models import Application, Task
from cohort.core.models import AuditEvent, User
from cohort.demo.live import LIVE_PROGRAM, live_term_key, load_live_demo
from cohort.notifications.models import Notification
from cohort.projects.models import Project
from cohort.terms.models import Milestone, Term

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 6, 1, 57, 30, tzinfo=UTC)  # a frozen "now", a Sunday in December


@pytest.fixture
def users(settings) -> None:
    """The reference demo with DEBUG's users (their profiles and résumés), no live term yet."""
    settings.COHORT_DEMO_USERS = True
    from cohort.demo.applications import load_demo_applications
    from cohort.projects.demo import load_demo

    load_demo_applications(load_demo().imported.term)


def snapshot() -> dict[str, list[tuple[object, ...]]]:
    return {
        "terms": list(Term.objects.order_by("pk").values_list("pk", "title", "updated_at")),
        "milestones": list(Milestone.objects.order_by("pk").values_list("pk", "start", "end")),
        "projects": list(Project.objects.order_by("pk").values_list("pk", "status", "updated_at")),
        "applications": list(
            Application.objects.order_by("pk").values_list("pk", "status", "updated_at")
        ),
        "tasks": list(Task.objects.order_by("pk").values_list("pk", "completed_at")),
        "audit": list(AuditEvent.objects.order_by("pk").values_list("pk")),
        "outbox": list(Notification.objects.order_by("pk").values_list("pk")),
    }


def test_the_live_term_is_the_third_of_the_year_that_holds_now():
    assert live_term_key(NOW) == (2026, 3)
    assert live_term_key(datetime(2027, 1, 1, tzinfo=UTC)) == (2027, 1)
    assert live_term_key(datetime(2027, 4, 30, 23, 59, tzinfo=UTC)) == (2027, 1)
    assert live_term_key(datetime(2027, 5, 1, tzinfo=UTC)) == (2027, 2)
    # In UTC: 8:30 PM on Apr 30 in New York (UTC-4) is already May 1.
    new_york = timezone(timedelta(hours=-4))
    assert live_term_key(datetime(2027, 4, 30, 20, 30, tzinfo=new_york)) == (2027, 2)


def test_mentee1_can_apply_to_a_live_project_at_once(users):
    live = load_live_demo(NOW)
    term = live.term
    assert term is not None
    assert (term.program.name, term.label, term.time_zone) == (LIVE_PROGRAM, "2026 Term 3", "UTC")
    assert services.applications_window(term).is_open(NOW)
    assert len(live.projects) == 4
    assert {p.status for p in live.projects} == {Project.Status.PUBLISHED}
    for project in live.projects:
        asks = {k for k, v in (project.prerequisites or {}).items() if v is True}
        assert asks == {"resume", "cover_letter"}

    mentee1 = User.objects.get(username="mentee1")
    assert not Application.objects.filter(mentee=mentee1, term=term).exists()
    first = live.mentor_projects[0]
    application = services.apply_to_project(
        mentee1, first, answers={"cover_letter": {"text": "I would love to."}}, now=NOW
    )
    # The résumé came from the profile and the letter with the request: only LFC102 is left.
    assert application.status == Application.Status.DRAFT
    assert [t.kind for t in application.tasks.all() if not t.is_done] == ["lfc102"]
    # mentee1 can also apply to every other live project, within the three allowed.
    for project in live.projects[1:3]:
        services.apply_to_project(mentee1, project, now=NOW)
    window = services.applications_window(term)
    assert window.end is not None
    assert window.end - NOW > timedelta(days=4)


def test_the_mentor_sees_two_live_applicants_and_the_milestones_follow_the_cncf_keys(users):
    live = load_live_demo(NOW)
    assert live.term is not None
    mentor = User.objects.get(username="mentor")
    assert [p.title for p in live.mentor_projects] == [
        "Antrea: Egress policy status in antctl",
        "Antrea: Flow export dashboard",
    ]
    first = live.mentor_projects[0]
    assert access.is_mentor_of(mentor, first)
    rows = queries.queue(first, mentor)
    assert {r.application.mentee.username: r.application.status for r in rows} == {
        "mentee2": "submitted",
        "mentee3": "draft",
    }
    assert live.statuses == {"mentee1": "", "mentee2": "submitted", "mentee3": "draft"}
    milestones = list(live.term.milestones.order_by("position"))
    assert [m.key for m in milestones] == [
        "proposals_open",
        "applications_open",
        "application_review",
        "selection_notify",
        "term_start",
        "term_end",
    ]
    assert live.term.phase_at(NOW) == "Mentee applications open"
    starts = [m.start for m in milestones if m.start is not None]
    assert len(starts) == len(milestones)
    assert starts == sorted(starts)


def test_loading_the_live_demo_again_changes_nothing_even_later(users):
    first = load_live_demo(NOW)
    assert (first.term_created, first.created) == (True, 2)
    before = snapshot()
    again = load_live_demo(NOW + timedelta(days=3))  # same third of the year
    assert (again.term_created, again.created, again.skipped) == (False, 0, [])
    assert snapshot() == before
    assert again.term == first.term


def test_without_the_demo_users_there_is_no_live_term(settings):
    settings.COHORT_DEMO_USERS = False
    assert load_live_demo(NOW).term is None
    assert not Term.objects.filter(program__name=LIVE_PROGRAM).exists()


def test_the_printed_links_use_the_site_given(settings):
    settings.COHORT_DEMO_USERS = True
    out = StringIO()
    call_command("demo", "--site", "http://0.0.0.0:9000/", stdout=out)
    text = out.getvalue()
    assert "127.0.0.1:8000" not in text
    assert "http://0.0.0.0:9000/accounts/login/" in text
    first = Project.objects.get(
        term__program__name=LIVE_PROGRAM, title="Antrea: Egress policy status in antctl"
    )
    assert f"mentee1     no application yet, so apply to “{first.title}” now: " in text
    assert f"http://0.0.0.0:9000/applications/apply/{first.pk}/" in text
    assert f"http://0.0.0.0:9000/console/terms/{first.term_id}/" in text
    admin = Client()
    admin.force_login(User.objects.get(username="admin"))
    assert admin.get(f"/console/terms/{first.term_id}/").status_code == 200  # the admin's
    out = StringIO()
    call_command("demo", "--site", "localhost:8001", stdout=out)
    assert "http://localhost:8001/review/projects/" in out.getvalue()
