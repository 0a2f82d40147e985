"""The demo applications: every state once, seen by the right users, dated in 2024, and
loaded once however often `cohort demo` runs."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.http import Http404

from cohort.applications import access, queries, uploads
from cohort.applications.models import Application, ApplicationEvent, MenteeProfile, Review, Task
from cohort.applications.tests.conftest import DEADLINE, WINDOW_START
from cohort.core.models import AuditEvent, User
from cohort.core.permissions import Perm
from cohort.demo import mentorship
from cohort.demo.applications import (
    DECLINE_MESSAGE,
    MENTEES,
    MENTOR_NOTE,
    load_demo_applications,
    pdf_bytes,
)
from cohort.notifications.models import Notification
from cohort.projects.demo import load_demo
from cohort.projects.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings) -> str:
    """`cohort demo` with DEBUG's demo users; its output."""
    settings.COHORT_DEMO_USERS = True
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def projects() -> list[Project]:
    return list(Project.objects.filter(term__year=2024).order_by("position")[:5])


def app(username: str, project: Project) -> Application:
    return Application.objects.get(mentee__username=username, project=project)


def snapshot() -> dict[str, list[tuple[object, ...]]]:
    """Every demo row and its timestamps, to compare two runs."""
    return {
        "profiles": list(
            MenteeProfile.objects.order_by("pk").values_list("pk", "updated_at", "resume")
        ),
        "applications": list(
            Application.objects.order_by("pk").values_list(
                "pk", "status", "status_changed_at", "submitted_at", "mentor_rank", "updated_at"
            )
        ),
        "tasks": list(Task.objects.order_by("pk").values_list("pk", "completed_at", "file")),
        "events": list(ApplicationEvent.objects.order_by("pk").values_list("pk", "at")),
        "reviews": list(Review.objects.order_by("pk").values_list("pk", "score", "updated_at")),
        "audit": list(  # re-importing the term is audited; the applications part is not
            AuditEvent.objects.filter(action__startswith="applications.")
            .order_by("pk")
            .values_list("pk", "at")
        ),
        "outbox": list(Notification.objects.order_by("pk").values_list("pk")),
    }


def stored_files() -> set[str]:
    """The files the demo rows point at; each must exist in the private storage."""
    names = set(MenteeProfile.objects.exclude(resume="").values_list("resume", flat=True))
    names |= set(Task.objects.exclude(file="").values_list("file", flat=True))
    storage = MenteeProfile._meta.get_field("resume").storage
    assert all(storage.exists(name) for name in names)
    return names


def test_running_the_demo_twice_changes_nothing(demo, settings):
    before, files = snapshot(), stored_files()
    # Seven in the reference term, two in the live one (cohort/demo/tests/test_live.py),
    # seven in the review and selection terms (test_phases.py), seven in the mentorship terms
    # (test_mentorship_demo.py).
    assert len(before["applications"]) == 7 + 2 + 7 + 7
    # three résumés (shared by the résumé tasks), five LFC102, one in the live term and
    # seven in the review and selection terms; the mentorship terms' seven mentees' résumés
    # and LFC102
    assert len(files) == 3 + 5 + 1 + 7 + 7 + 7
    out = StringIO()
    call_command("demo", stdout=out)
    assert snapshot() == before
    assert stored_files() == files
    # The second run reports the same thing.
    assert "mentee1     3 applications (shortlisted, in progress, withdrawn)" in out.getvalue()


def test_the_mentees_have_eligible_profiles_with_a_pdf_resume(demo):
    for name in ("mentee1", "mentee2", "mentee3"):
        profile = MenteeProfile.objects.get(user__username=name)
        assert profile.is_eligible
        assert profile.resume_name.endswith("-resume.pdf")
        with profile.resume.open("rb") as file:
            content = file.read()
        assert uploads.pdf_problem(profile.resume_name, len(content), content[:5]) == ""
        assert profile.resume_size == len(content)


def test_mentee1_is_shortlisted_in_progress_and_withdrawn(demo):
    first, second, third, *_ = projects()
    submitted = app("mentee1", first)
    assert (submitted.status, submitted.mentor_rank) == ("shortlisted", 2)
    assert {t.kind for t in submitted.tasks.all() if t.is_done} == {
        "resume",
        "cover_letter",
        "lfc102",
    }
    assert submitted.tasks.get(kind="lfc102").file_name == "LFC102-certificate.pdf"
    in_progress = app("mentee1", second)
    assert in_progress.status == "draft"
    assert [t.kind for t in in_progress.tasks.all() if not t.is_done] == ["lfc102"]
    withdrawn = app("mentee1", third)
    assert withdrawn.status == "withdrawn"
    assert withdrawn.active_slot is None
    assert withdrawn.events.get(status="withdrawn").reason.startswith("I want to give")


def test_mentee2_is_shortlisted_and_ranked_first_with_the_mentor_s_review(demo):
    first, *_, fifth = projects()
    shortlisted = app("mentee2", first)
    assert (shortlisted.status, shortlisted.mentor_rank) == ("shortlisted", 1)
    review = Review.objects.get(application=shortlisted)
    assert review.reviewer.username == "mentor"
    assert (review.score, review.notes) == (5, MENTOR_NOTE)
    other = app("mentee2", fifth)
    assert (other.status, other.mentor_rank) == ("shortlisted", 1)
    # mentee2 ranks the fifth project above the first: the conflict selection resolves.
    assert (other.mentee_rank, shortlisted.mentee_rank) == (1, 2)


def test_mentee3_is_declined_kindly_and_shortlisted_elsewhere(demo):
    first, _, _, fourth, _ = projects()
    declined = app("mentee3", first)
    assert declined.status == "rejected"
    event = declined.events.get(status="rejected")
    assert event.reason == DECLINE_MESSAGE
    assert event.actor is not None
    assert event.actor.username == "mentor"
    assert app("mentee3", fourth).status == "shortlisted"
    # The history reads in order: started, tasks handed in, submitted, then declined.
    history = [(e.kind, e.status or e.task) for e in declined.events.all()]
    assert history == [
        ("status", "draft"),
        ("task", "resume"),
        ("task", "cover_letter"),
        ("task", "lfc102"),
        ("status", "submitted"),
        ("status", "rejected"),
    ]


def test_the_mentor_sees_the_first_project_s_queue(demo):
    first = projects()[0]
    mentor = User.objects.get(username="mentor")
    assert access.is_mentor_of(mentor, first)
    assert access.access_project(mentor, first.pk, Perm.QUEUE_VIEW) == first
    assert list(access.reviewable_projects(mentor, first.term)) == [first]
    rows = queries.queue(first, mentor)
    assert {row.application.mentee.username: row.application.status for row in rows} == {
        "mentee1": "shortlisted",
        "mentee2": "shortlisted",
        "mentee3": "rejected",
    }
    shortlist = queries.queue(first, mentor, queries.QueueFilter.SHORTLISTED)
    assert [row.application.mentee.username for row in shortlist] == ["mentee2", "mentee1"]
    # A mentee sees no one else's application, and no queue.
    mentee1 = User.objects.get(username="mentee1")
    with pytest.raises(Http404):
        access.access_project(mentee1, first.pk, Perm.QUEUE_VIEW)
    with pytest.raises(Http404):
        access.access_application(mentee1, app("mentee2", first).pk, Perm.APPLICATION_VIEW)


def test_every_demo_timestamp_lies_in_the_2024_applications_window(demo):
    def inside(when):
        return WINDOW_START <= when < DEADLINE

    stamps = []
    reference = Application.objects.filter(term__year=2024)
    for a in reference:
        stamps += [a.created_at, a.updated_at, a.status_changed_at]
        stamps += [a.submitted_at] if a.submitted_at else []
    tasks = Task.objects.filter(application__in=reference).exclude(completed_at=None)
    stamps += [t.completed_at for t in tasks]
    stamps += list(
        ApplicationEvent.objects.filter(application__in=reference).values_list("at", flat=True)
    )
    for r in Review.objects.filter(application__in=reference):
        stamps += [r.created_at, r.updated_at]
    # The reference term's mentees (the mentorship terms' own mentees, cohort/demo/mentorship.py,
    # are made at the real time).
    for p in MenteeProfile.objects.filter(user__username__in=MENTEES):
        stamps += [p.created_at, p.updated_at, p.attested_at, p.resume_uploaded_at]
    # The live and phase terms' applications are made at the real time (cohort/demo/live.py,
    # phases.py), and so are their reviews and rankings.
    live = {
        ("applications.application", str(pk))
        for pk in Application.objects.exclude(term__year=2024).values_list("pk", flat=True)
    } | {
        ("projects.project", str(pk))
        for pk in Project.objects.exclude(term__year=2024).values_list("pk", flat=True)
    }
    audit = AuditEvent.objects.filter(action__startswith="applications.").exclude(
        object_type="applications.menteeprofile", actor__username__in=mentorship.SCENARIOS
    )
    stamps += [e.at for e in audit if (e.object_type, e.object_id) not in live]
    assert len(stamps) > 60
    assert [s for s in stamps if s is None or not inside(s)] == []
    # Each application was submitted once its last task was in, never before.
    for a in reference.exclude(submitted_at=None):
        done = [t.completed_at for t in a.tasks.all() if t.completed_at is not None]
        assert len(done) == a.tasks.count()
        assert a.created_at <= max(done) == a.submitted_at


def test_the_output_says_who_sees_what(demo):
    first = projects()[0]
    assert "mentee1     3 applications (shortlisted, in progress, withdrawn)" in demo
    assert "mentee2     2 applications (shortlisted, shortlisted)" in demo
    assert "mentee3     2 applications (declined, shortlisted)" in demo
    assert "admin       selection (two projects want mentee2 most): http://" in demo
    assert re.search(
        rf"mentor +review queue of “{re.escape(first.title)}” with 3 applicants: "
        rf"http://127\.0\.0\.1:8000/review/projects/{first.pk}/",
        demo,
    )
    assert "http://127.0.0.1:8000/applications/" in demo


def test_without_the_demo_users_there_are_no_applications(settings):
    settings.COHORT_DEMO_USERS = False
    term = load_demo().imported.term
    result = load_demo_applications(term)
    assert (result.created, result.mentees, result.queue_project) == (0, [], None)
    assert not Application.objects.exists()
    assert not MenteeProfile.objects.exists()


def test_the_demo_pdf_is_well_formed():
    data = pdf_bytes(["Ada (Lovelace)", "back\\slash", "Ünïcode → kept as Latin-1"])
    assert data.startswith(b"%PDF-1.4\n")
    assert data.endswith(b"%%EOF\n")
    startxref = int(data.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert data[startxref:].startswith(b"xref\n0 6\n")
    entries = data[startxref:].split(b"\n")[3:8]
    for number, entry in enumerate(entries, start=1):
        assert len(entry) + 1 == 20  # each cross-reference entry is 20 bytes
        offset = int(entry[:10])
        assert data[offset:].startswith(b"%d 0 obj\n" % number)
    match = re.search(rb"/Length (\d+)", data)
    assert match is not None
    length = int(match.group(1))
    stream = data.split(b"stream\n", 1)[1].split(b"\nendstream", 1)[0]
    assert len(stream) == length
    assert b"(Ada \\(Lovelace\\)) Tj" in stream
    assert b"(back\\\\slash) Tj" in stream
