"""The applications API (issue 4 §5; DESIGN §7 "Secure"): each actor with their own token."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cohort.applications import services
from cohort.applications.models import Application, MenteeProfile, Review, Task
from cohort.applications.tests.conftest import (
    DEADLINE,
    PREREQS,
    World,
    complete_application,
    pdf,
)
from cohort.core.models import User
from cohort.core.tokens import create_api_token
from cohort.projects.models import Organization, Project
from cohort.terms.models import Term

pytestmark = pytest.mark.django_db

ANSWERS: dict[str, Any] = {
    "cover_letter": {"text": "I have run Antrea on my home lab for a year."},
    "coding_challenge": {"url": "https://github.com/dana/antrea-challenge/pull/1"},
}
PROFILE: dict[str, Any] = {
    "name": "Dana Doe",
    "country": "BR",
    "time_zone": "America/Sao_Paulo",
    "github": "@dana",
    "links": "https://dana.example.net",
    "skills": "Go, Kubernetes",
    "is_adult": True,
    "can_work": True,
    "first_mentorship": True,
    "no_coc_violation": True,
}


class Api:
    """Calls /api/v1 as one user (their own bearer token), or anonymously."""

    def __init__(self, token: str = "", client: Client | None = None) -> None:
        self.token = token
        self.client = client or Client()

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def __call__(self, method: str, path: str, body: Any = None) -> Any:
        send = getattr(self.client, method.lower())
        if method == "GET":
            return _read(send(f"/api/v1{path}", headers=self.headers()))
        data = "" if body is None else json.dumps(body)
        return send(f"/api/v1{path}", data, content_type="application/json", headers=self.headers())

    def upload(self, path: str, file: Any) -> Any:
        return self.client.post(f"/api/v1{path}", {"file": file}, headers=self.headers())


def _read(response: Any) -> Any:
    """A file download is streamed: read it into `response.body`.

    Exhausting the test client's stream closes the file. Calling `response.close()` here would
    also send `request_finished`, whose handler closes the test's database connection
    mid-transaction on PostgreSQL.
    """
    if response.streaming:
        response.body = b"".join(response.streaming_content)
    else:
        response.body = response.content
    return response


@pytest.fixture(autouse=True)
def _uploads_in_tmp(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Uploads go to a throwaway directory: the fields' storage was built when the models
    loaded (a callable `storage` is called once), so the STORAGES override comes too late."""
    storage = FileSystemStorage(location=tmp_path, base_url=None)
    monkeypatch.setattr(MenteeProfile._meta.get_field("resume"), "storage", storage)
    monkeypatch.setattr(Task._meta.get_field("file"), "storage", storage)


@pytest.fixture(autouse=True)
def _fresh_rate_limit_counts() -> Iterator[None]:
    """Rate-limit counts live in the cache, keyed by user id: start every test from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def as_(world: World):
    """`as_("alice")` calls the API with alice's own token; `as_(None)` anonymously."""

    def make(name: str | None) -> Api:
        if name is None:
            return Api()
        return Api(create_api_token(world.users[name], name="tests")[1])

    return make


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return response.json()


def refused(response: Any, status: int = 400) -> str:
    assert response.status_code == status, response.content
    detail: str = response.json()["detail"]
    return detail


def new_user(name: str) -> User:
    return User.objects.create_user(name, email=f"{name}@example.net", password="x")


def extra_project(world: World, slug: str) -> Project:
    org = Organization.objects.create(program=world.program, name=slug.title(), slug=slug)
    return Project.objects.create(
        term=world.term,
        organization=org,
        slug=f"{slug}-project",
        title=f"{slug.title()} project",
        status=Project.Status.PUBLISHED,
        prerequisites=PREREQS,
    )


# --- the whole run, through the API ------------------------------------------------------------


def test_a_mentee_applies_and_the_mentors_review_through_the_api(world, as_, in_window):
    dana_user = new_user("dana")
    dana, alice, bob, admin = (
        Api(create_api_token(dana_user, name="t")[1]),
        *map(as_, ("alice", "bob", "admin")),
    )

    # Profile, then résumé.
    refused(dana("GET", "/me/profile"), 404)
    profile = ok(dana("PUT", "/me/profile", PROFILE))
    assert profile["eligible"] is True
    assert profile["refusals"] == []
    assert profile["github"] == "dana"
    assert profile["email"] == "dana@example.net"
    assert profile["resume"] is None
    uploaded = ok(dana.upload("/me/profile/resume", pdf("Dana CV.pdf")))
    assert uploaded["resume"]["name"] == "Dana CV.pdf"
    assert uploaded["resume"]["size"] == 2048
    assert uploaded["resume"]["uploaded_at"] == "2024-08-01T12:00:00Z"
    download = dana("GET", "/me/profile/resume")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment")
    assert download.body.startswith(b"%PDF-")

    # Apply with every answer at once: submitted.
    applied = ok(
        dana("POST", "/applications", {"project": world.antrea.pk, "answers": ANSWERS}), 201
    )
    assert applied["project"] == world.antrea.pk
    assert applied["term"] == world.term.pk
    assert applied["status"] == "submitted"
    assert applied["submitted_at"] == "2024-08-01T12:00:00Z"
    assert [(t["kind"], t["done"]) for t in applied["tasks"]] == [
        ("resume", True),
        ("cover_letter", True),
        ("coding_challenge", True),
    ]
    assert applied["tasks"][0]["file_name"] == "Dana CV.pdf"
    assert applied["applicant"] is None
    assert applied["reviews"] is None
    dana_app = applied["id"]
    assert [a["id"] for a in ok(dana("GET", "/applications"))] == [dana_app]
    assert ok(dana("GET", f"/applications?term={world.term.pk + 1}")) == []

    other = complete_application(world, "mentee2", world.antrea).pk
    third = complete_application(world, "mentee3", world.antrea).pk

    # The mentor's queue, scores and notes.
    rows = ok(alice("GET", f"/projects/{world.antrea.pk}/queue"))
    assert [r["application"] for r in rows] == [dana_app, other, third]
    assert rows[0]["applicant"] == {
        "name": "Dana Doe",
        "github": "dana",
        "email": "dana@example.net",
        "country": "BR",
        "time_zone": "America/Sao_Paulo",
    }
    assert (rows[0]["tasks_done"], rows[0]["tasks_total"]) == (3, 3)
    mine = ok(alice("PUT", f"/applications/{dana_app}/review", {"score": 5, "notes": "Sharp."}))
    assert mine == {
        "application": dana_app,
        "score": 5,
        "notes": "Sharp.",
        "recused": False,
        "conflict_reason": "",
    }
    ok(bob("PUT", f"/applications/{dana_app}/review", {"score": 3, "notes": "Bob only."}))
    row = ok(alice("GET", f"/projects/{world.antrea.pk}/queue?state=complete"))[0]
    assert (row["scores"], row["mean_score"], row["my_score"], row["my_notes"]) == (
        [5, 3],
        4.0,
        5,
        "Sharp.",
    )
    unreviewed = ok(alice("GET", f"/projects/{world.antrea.pk}/queue?state=unreviewed"))
    assert [r["application"] for r in unreviewed] == [other, third]

    # Shortlist two, rank them, decline the third with a message.
    assert ok(alice("POST", f"/applications/{dana_app}/shortlist"))["status"] == "shortlisted"
    assert ok(alice("POST", f"/applications/{other}/shortlist"))["status"] == "shortlisted"
    ranked = ok(alice("PUT", f"/projects/{world.antrea.pk}/ranking", {"order": [other, dana_app]}))
    assert ranked == [{"application": other, "rank": 1}, {"application": dana_app, "rank": 2}]
    shortlist = ok(alice("GET", f"/projects/{world.antrea.pk}/queue?state=shortlisted"))
    assert [(r["application"], r["rank"]) for r in shortlist] == [(other, 1), (dana_app, 2)]
    message = "Thank you: we chose applicants with more networking experience."
    declined = ok(
        alice(
            "POST",
            f"/projects/{world.antrea.pk}/decline",
            {"applications": [third], "message": message},
        )
    )
    assert declined == {"declined": [third]}
    assert Application.objects.get(pk=third).status == Application.Status.REJECTED

    # The declined mentee reads the message in their timeline; who declined is not shown.
    mentee3 = as_("mentee3")
    last = ok(mentee3("GET", f"/applications/{third}/timeline"))[-1]
    assert last["kind"] == "status"
    assert last["status"] == "rejected"
    assert last["status_label"] == "Declined by the mentors"
    assert last["reason"] == message
    assert last["actor"] is None
    assert last["at"].endswith("Z")
    # The mentors see who did it.
    assert ok(alice("GET", f"/applications/{third}/timeline"))[-1]["actor"] == "alice"

    # The mentee's own view never shows the reviews or the rank.
    seen = dana("GET", f"/applications/{dana_app}")
    body = ok(seen)
    assert body["status"] == "shortlisted"
    assert body["reviews"] is None
    assert body["mentor_rank"] is None
    assert b"Sharp." not in seen.content
    assert b"Bob only." not in seen.content

    # A mentor sees every score, their own notes only; an admin sees every note.
    as_bob = ok(bob("GET", f"/applications/{dana_app}"))
    assert as_bob["applicant"]["email"] == "dana@example.net"
    assert as_bob["mentor_rank"] == 2
    assert [(r["reviewer"], r["score"], r["notes"]) for r in as_bob["reviews"]] == [
        ("alice", 5, ""),
        ("bob", 3, "Bob only."),
    ]
    as_admin = ok(admin("GET", f"/applications/{dana_app}"))
    assert [r["notes"] for r in as_admin["reviews"]] == ["Sharp.", "Bob only."]

    # The CSV and the counts.
    csv = alice("GET", f"/projects/{world.antrea.pk}/queue.csv")
    assert csv.status_code == 200
    assert csv["Content-Type"].startswith("text/csv")
    assert (
        csv["Content-Disposition"] == f'attachment; filename="applications-{world.antrea.pk}.csv"'
    )
    lines = csv.content.decode().splitlines()
    assert lines[0].startswith("application_id,status,mentor_rank")
    assert sorted(line.split(",")[:3] for line in lines[1:]) == [
        [str(dana_app), "shortlisted", "2"],
        [str(other), "shortlisted", "1"],
        [str(third), "rejected", ""],
    ]
    counts = ok(as_("maintainer")("GET", f"/terms/{world.term.pk}/application-counts"))
    assert counts == [
        {
            "project": world.antrea.pk,
            "title": "Antrea project",
            "organization": "Antrea",
            "total": 3,
            "complete": 2,
            "incomplete": 0,
            "shortlisted": 2,
            "declined": 1,
            "withdrawn": 0,
        }
    ]


def test_a_mentee_hands_in_tasks_one_by_one(world, as_, in_window):
    mentee = as_("mentee1")
    applied = ok(mentee("POST", "/applications", {"project": world.cilium.pk}), 201)
    pk = applied["id"]
    assert applied["status"] == "draft"
    assert [t["takes"] for t in applied["tasks"]] == ["file", "text", "link_or_file"]
    assert "example.org/challenge" in applied["tasks"][2]["help"]

    no_resume = mentee("POST", f"/applications/{pk}/tasks/resume", {"use_profile_resume": True})
    assert refused(no_resume) == "Upload a résumé to your profile first."
    ok(mentee.upload("/me/profile/resume", pdf()))
    ok(mentee("POST", f"/applications/{pk}/tasks/resume", {"use_profile_resume": True}))
    ok(mentee("POST", f"/applications/{pk}/tasks/cover_letter", {"text": "Hello."}))
    link_for_text = mentee(
        "POST", f"/applications/{pk}/tasks/cover_letter", {"url": "https://x.org"}
    )
    assert refused(link_for_text) == "Cover letter takes text, not a link."
    unknown = mentee("POST", f"/applications/{pk}/tasks/essay", {"text": "Hi"})
    assert refused(unknown) == "This project does not ask for a task named 'essay'."
    done = ok(mentee.upload(f"/applications/{pk}/tasks/coding_challenge/file", pdf("answer.pdf")))
    assert done["status"] == "submitted"
    assert done["tasks"][2]["file_name"] == "answer.pdf"
    file = mentee("GET", f"/applications/{pk}/tasks/coding_challenge/file")
    assert file.status_code == 200
    assert 'filename="answer.pdf"' in file["Content-Disposition"]
    assert file.body.startswith(b"%PDF-")
    refused(mentee("GET", f"/applications/{pk}/tasks/cover_letter/file"), 404)

    kinds = [e["task"] for e in ok(mentee("GET", f"/applications/{pk}/timeline")) if e["task"]]
    assert kinds == ["resume", "cover_letter", "coding_challenge"]


# --- the rules, as HTTP answers ----------------------------------------------------------------


def test_reapplying_after_a_withdrawal_is_201_with_the_same_id(world, as_, in_window):
    mentee = as_("mentee1")
    ok(mentee.upload("/me/profile/resume", pdf()))
    body = {"project": world.antrea.pk, "answers": ANSWERS}
    first = ok(mentee("POST", "/applications", body), 201)
    withdrawn = ok(mentee("POST", f"/applications/{first['id']}/withdraw", {"reason": "Exams."}))
    assert withdrawn["status"] == "withdrawn"
    again = ok(mentee("POST", "/applications", body), 201)
    assert again["id"] == first["id"]
    assert again["status"] == "submitted"  # the answers were handed in again
    statuses = [e["status"] for e in ok(mentee("GET", f"/applications/{first['id']}/timeline"))]
    assert [s for s in statuses if s] == ["draft", "submitted", "withdrawn", "draft", "submitted"]


def test_applying_twice_to_one_project_is_409(world, as_, in_window):
    mentee = as_("mentee1")
    ok(mentee("POST", "/applications", {"project": world.antrea.pk, "answers": ANSWERS}), 201)
    again = mentee("POST", "/applications", {"project": world.antrea.pk, "answers": ANSWERS})
    assert "already applied" in refused(again, 409)
    assert Application.objects.filter(mentee=world.user("mentee1")).count() == 1


def test_a_fourth_active_application_is_400(world, as_, in_window):
    mentee = as_("mentee1")
    fourth = extra_project(world, "envoy")
    for project in (world.antrea, world.cilium, world.falco):
        ok(mentee("POST", "/applications", {"project": project.pk}), 201)
    response = mentee("POST", "/applications", {"project": fourth.pk})
    assert refused(response) == (
        "You already have 3 active applications in 2024 Term 3, the most allowed. "
        "Withdraw one to apply to another project."
    )
    assert not Application.objects.filter(project=fourth).exists()


def test_applying_is_refused_when_not_eligible_or_without_a_profile(world, as_, in_window):
    MenteeProfile.objects.filter(user=world.user("mentee1")).update(is_adult=False)
    refusal = as_("mentee1")("POST", "/applications", {"project": world.antrea.pk})
    assert refused(refusal) == "Mentees must be 18 or older when the term starts."
    nobody = as_("outsider")("POST", "/applications", {"project": world.antrea.pk})
    assert refused(nobody) == "Create your mentee profile before you apply."


def test_a_draft_or_missing_project_is_404_to_applicants(world, as_, in_window):
    Project.objects.filter(pk=world.falco.pk).update(status=Project.Status.DRAFT)
    mentee = as_("mentee1")
    refused(mentee("POST", "/applications", {"project": world.falco.pk}), 404)
    refused(mentee("POST", "/applications", {"project": 987654}), 404)


def test_after_the_deadline_applying_is_400_and_withdrawing_works(world, as_):
    with time_machine.travel(DEADLINE - timedelta(hours=1), tick=False):
        application = complete_application(world, "mentee1", world.antrea)
    mentee = as_("mentee1")
    with time_machine.travel(DEADLINE, tick=False):
        late = mentee("POST", "/applications", {"project": world.cilium.pk, "answers": ANSWERS})
        detail = refused(late)
        assert detail.startswith(
            "Applications for 2024 Term 3 closed on Tue Aug 13, 2024 5:00:00 PM"
        )
        assert "You can still withdraw" in detail
        edit = mentee("POST", f"/applications/{application.pk}/tasks/cover_letter", {"text": "x"})
        assert "closed" in refused(edit)
        withdrawn = ok(mentee("POST", f"/applications/{application.pk}/withdraw"))
    assert withdrawn["status"] == "withdrawn"
    assert not Application.objects.filter(project=world.cilium).exists()


def test_a_file_of_the_wrong_type_or_too_large_is_400(world, as_, in_window):
    mentee = as_("mentee1")

    def not_pdf() -> Any:
        return pdf("cv.pdf", content=b"GIF89a not a pdf")

    assert refused(mentee.upload("/me/profile/resume", not_pdf())) == (
        "The file is not a PDF. Export or print your document as PDF and upload that."
    )
    wrong_name = pdf("cv.exe")
    assert refused(mentee.upload("/me/profile/resume", wrong_name)) == (
        "The file's name must end in .pdf."
    )
    too_big = pdf("cv.pdf", size=5 * 1024 * 1024 + 1)
    assert refused(mentee.upload("/me/profile/resume", too_big)) == (
        "The file is 5.0 MB; the limit is 5 MB. "
        "Compress the PDF or remove images, then upload it again."
    )
    assert not MenteeProfile.objects.get(user=world.user("mentee1")).resume

    pk = ok(mentee("POST", "/applications", {"project": world.antrea.pk}), 201)["id"]
    task = mentee.upload(f"/applications/{pk}/tasks/coding_challenge/file", not_pdf())
    assert refused(task).startswith("The file is not a PDF.")
    text_task = mentee.upload(f"/applications/{pk}/tasks/cover_letter/file", pdf())
    assert refused(text_task) == "Cover letter takes text, not a file."


def test_applying_too_often_is_429_with_retry_after(world, as_, in_window, settings):
    settings.COHORT_RATE_LIMITS = {"apply": "2/h/user", "upload": "1/h/user"}
    mentee = as_("mentee1")
    ok(mentee("POST", "/applications", {"project": world.antrea.pk}), 201)
    refused(mentee("POST", "/applications", {"project": world.antrea.pk}), 409)
    third = mentee("POST", "/applications", {"project": world.cilium.pk})
    assert "Too many attempts: at most 2 per hour from one account" in refused(third, 429)
    assert third["Retry-After"] == "3600"  # WINDOW_OPEN is on the hour
    assert not Application.objects.filter(project=world.cilium).exists()
    # The count is per user: another mentee still applies.
    ok(as_("mentee2")("POST", "/applications", {"project": world.cilium.pk}), 201)

    ok(mentee.upload("/me/profile/resume", pdf()))
    again = mentee.upload("/me/profile/resume", pdf())
    assert "at most 1 per hour" in refused(again, 429)
    assert again["Retry-After"] == "3600"


def test_invalid_input_is_422(world, as_, in_window):
    mentee, alice = as_("mentee1"), as_("alice")
    assert mentee("POST", "/applications", {"answers": {}}).status_code == 422
    assert mentee("POST", "/applications", {"project": "antrea"}).status_code == 422
    assert alice("GET", f"/projects/{world.antrea.pk}/queue?state=best").status_code == 422


def test_review_rules_are_400(world, as_, in_window):
    application = complete_application(world, "mentee1", world.antrea)
    draft = services.apply_to_project(world.user("mentee2"), world.antrea)
    alice = as_("alice")
    out_of_range = alice("PUT", f"/applications/{application.pk}/review", {"score": 6})
    assert refused(out_of_range) == "A score is a whole number from 1 to 5."
    in_progress = alice("POST", f"/applications/{draft.pk}/shortlist")
    assert "still in progress" in refused(in_progress)
    refused(alice("DELETE", f"/applications/{application.pk}/shortlist"))
    no_reason = alice("POST", f"/applications/{application.pk}/conflict", {"reason": " "})
    assert refused(no_reason).startswith("Say briefly why")

    recused = ok(
        alice("POST", f"/applications/{application.pk}/conflict", {"reason": "My cousin."})
    )
    assert recused["recused"] is True
    assert ok(alice("GET", f"/applications/{application.pk}"))["recused"] is True
    assert "recused" in refused(
        alice("PUT", f"/applications/{application.pk}/review", {"score": 4})
    )
    assert "recused" in refused(alice("POST", f"/applications/{application.pk}/shortlist"))
    [row] = ok(alice("GET", f"/projects/{world.antrea.pk}/queue?state=complete"))
    assert row["recused"] is True
    # Bob, not recused, decides.
    ok(as_("bob")("POST", f"/applications/{application.pk}/shortlist"))


def test_declining_names_only_this_projects_applications(world, as_, in_window):
    mine = complete_application(world, "mentee1", world.antrea)
    elsewhere = complete_application(world, "mentee2", world.falco)
    response = as_("alice")(
        "POST",
        f"/projects/{world.antrea.pk}/decline",
        {"applications": [mine.pk, elsewhere.pk], "message": "Sorry."},
    )
    assert refused(response) == (
        f"Not applications to this project: {elsewhere.pk}. Reload the queue and choose again."
    )
    assert Application.objects.get(pk=mine.pk).status == Application.Status.SUBMITTED
    assert Application.objects.get(pk=elsewhere.pk).status == Application.Status.SUBMITTED
    no_message = as_("alice")(
        "POST", f"/projects/{world.antrea.pk}/decline", {"applications": [mine.pk], "message": ""}
    )
    assert refused(no_message).startswith("Write a short message")


def test_a_ranking_must_hold_the_whole_shortlist(world, as_, in_window):
    first = complete_application(world, "mentee1", world.antrea)
    second = complete_application(world, "mentee2", world.antrea)
    for application in (first, second):
        services.shortlist_application(application, actor=world.user("alice"))
    response = as_("alice")("PUT", f"/projects/{world.antrea.pk}/ranking", {"order": [first.pk]})
    assert refused(response).startswith(
        "Rank every shortlisted applicant and no one else (1 missing)"
    )
    assert not Application.objects.filter(mentor_rank__isnull=False).exists()


def test_the_mentee_updates_the_profile_and_sees_why_they_cannot_apply(world, as_):
    mentee = as_("mentee1")
    changed = ok(mentee("PUT", "/me/profile", {**PROFILE, "can_work": False, "is_adult": None}))
    assert changed["eligible"] is False
    assert changed["refusals"] == [
        "Mentees must be eligible to work where they take part: the stipend is paid as work."
    ]
    assert changed["unanswered"] == ["I will be 18 or older when the term starts."]
    assert ok(mentee("GET", "/me/profile"))["name"] == "Dana Doe"
    bad = mentee("PUT", "/me/profile", {**PROFILE, "time_zone": "Mars/Olympus"})
    assert "Mars/Olympus" in refused(bad)
    assert MenteeProfile.objects.get(user=world.user("mentee1")).time_zone == "America/Sao_Paulo"


# --- the role x endpoint matrix ----------------------------------------------------------------

# owner mentee, another mentee, a mentor of the project, a mentor of another project, a program
# admin, the project's organization's maintainer, someone with no role, no one.
ROLES = ("mentee1", "mentee2", "alice", "carol", "admin", "maintainer", "outsider", None)
REVIEWERS = (404, 404, 200, 404, 200, 404, 404, 401)
VIEWERS = (200, 404, 200, 404, 200, 404, 404, 401)
OWNER = (200, 404, 404, 404, 404, 404, 404, 401)
EVERYONE = (200, 200, 200, 200, 200, 200, 200, 401)

# endpoint: (method, path, body, the application's state, expected status per role, as ROLES)
MATRIX: dict[str, tuple[str, str, Any, str, tuple[int, ...]]] = {
    "profile": ("GET", "/me/profile", None, "submitted", (200, 200, 404, 404, 404, 404, 404, 401)),
    "profile-put": ("PUT", "/me/profile", PROFILE, "submitted", EVERYONE),
    "resume-upload": (
        "UPLOAD",
        "/me/profile/resume",
        None,
        "submitted",
        (200, 200, 400, 400, 400, 400, 400, 401),
    ),
    "resume": (
        "GET",
        "/me/profile/resume",
        None,
        "submitted",
        (200, 404, 404, 404, 404, 404, 404, 401),
    ),
    "list": ("GET", "/applications", None, "submitted", EVERYONE),
    "apply": (
        "POST",
        "/applications",
        {"project": "{other}", "answers": ANSWERS},
        "submitted",
        (201, 201, 400, 400, 400, 400, 400, 401),
    ),
    "detail": ("GET", "/applications/{pk}", None, "submitted", VIEWERS),
    "timeline": ("GET", "/applications/{pk}/timeline", None, "submitted", VIEWERS),
    "task": (
        "POST",
        "/applications/{pk}/tasks/cover_letter",
        {"text": "A better letter."},
        "submitted",
        OWNER,
    ),
    "task-upload": (
        "UPLOAD",
        "/applications/{pk}/tasks/coding_challenge/file",
        None,
        "submitted",
        OWNER,
    ),
    "task-file": ("GET", "/applications/{pk}/tasks/resume/file", None, "submitted", VIEWERS),
    "withdraw": ("POST", "/applications/{pk}/withdraw", {"reason": "x"}, "submitted", OWNER),
    "queue": ("GET", "/projects/{project}/queue", None, "submitted", REVIEWERS),
    "queue-csv": ("GET", "/projects/{project}/queue.csv", None, "submitted", REVIEWERS),
    "review": (
        "PUT",
        "/applications/{pk}/review",
        {"score": 3, "notes": "ok"},
        "submitted",
        REVIEWERS,
    ),
    "conflict": (
        "POST",
        "/applications/{pk}/conflict",
        {"reason": "A friend."},
        "submitted",
        REVIEWERS,
    ),
    "shortlist": ("POST", "/applications/{pk}/shortlist", None, "submitted", REVIEWERS),
    "unshortlist": ("DELETE", "/applications/{pk}/shortlist", None, "shortlisted", REVIEWERS),
    "ranking": (
        "PUT",
        "/projects/{project}/ranking",
        {"order": ["{pk}"]},
        "shortlisted",
        REVIEWERS,
    ),
    "decline": (
        "POST",
        "/projects/{project}/decline",
        {"applications": ["{pk}"], "message": "Sorry."},
        "submitted",
        REVIEWERS,
    ),
    # Counted: admins every project, maintainers and mentors theirs (carol mentors falco).
    "counts": (
        "GET",
        "/terms/{term}/application-counts",
        None,
        "submitted",
        (404, 404, 200, 200, 200, 200, 404, 401),
    ),
}


def _fill(value: Any, ids: dict[str, int]) -> Any:
    """The body with "{pk}"-style placeholders replaced by the ids (as numbers)."""
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return ids[value[1:-1]]
    return value


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
@pytest.mark.parametrize("endpoint", list(MATRIX))
def test_role_endpoint_matrix(world, as_, in_window, endpoint, role):
    method, path, body, state, expected = MATRIX[endpoint]
    application = complete_application(world, "mentee1", world.antrea)
    if state == "shortlisted":
        services.shortlist_application(application, actor=world.user("alice"))
    ids = {
        "pk": application.pk,
        "project": world.antrea.pk,
        "other": world.cilium.pk,
        "term": world.term.pk,
    }
    api = as_(role)
    url = path.format(**ids)
    upload = method == "UPLOAD"
    response = api.upload(url, pdf()) if upload else api(method, url, _fill(body, ids))
    assert response.status_code == expected[ROLES.index(role)], response.content


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/applications/{missing}"),
        ("GET", "/applications/{missing}/timeline"),
        ("POST", "/applications/{missing}/withdraw"),
        ("PUT", "/applications/{missing}/review"),
        ("POST", "/applications/{missing}/shortlist"),
        ("GET", "/applications/{missing}/tasks/resume/file"),
        ("GET", "/projects/{missing}/queue"),
        ("GET", "/projects/{missing}/queue.csv"),
        ("PUT", "/projects/{missing}/ranking"),
        ("POST", "/projects/{missing}/decline"),
        ("GET", "/terms/{missing}/application-counts"),
    ],
)
def test_missing_objects_are_404_even_for_admins(world, as_, method, path):
    body = {"score": 3, "order": [], "applications": [], "message": "x", "reason": "x"}
    response = as_("admin")(method, path.format(missing=987654), body)
    assert response.status_code == 404


# --- privacy -----------------------------------------------------------------------------------


def test_the_mentee_never_sees_scores_notes_or_reviewers(world, as_, in_window):
    application = complete_application(world, "mentee1", world.antrea)
    services.review_application(
        application, reviewer=world.user("alice"), score=2, notes="Zyzzyva concerns."
    )
    services.declare_conflict(application, reviewer=world.user("bob"), reason="Qwertz cousin.")
    services.shortlist_application(application, actor=world.user("alice"))
    services.rank_shortlist(world.antrea, [application.pk], actor=world.user("alice"))
    mentee = as_("mentee1")
    responses = [
        mentee("GET", "/applications"),
        mentee("GET", f"/applications/{application.pk}"),
        mentee("GET", f"/applications/{application.pk}/timeline"),
        mentee("POST", f"/applications/{application.pk}/withdraw", {"reason": "Exams."}),
    ]
    for response in responses:
        assert response.status_code == 200, response.content
        text = response.content.decode()
        for secret in ("Zyzzyva", "Qwertz", "alice", "bob", '"score"', '"notes"'):
            assert secret not in text, (secret, text)
    detail = responses[1].json()
    assert (detail["reviews"], detail["mentor_rank"], detail["applicant"]) == (None, None, None)
    # The same secrets are there for a reviewer, so the check above can fail.
    admin_view = as_("admin")("GET", f"/applications/{application.pk}").content.decode()
    assert "Zyzzyva" in admin_view
    assert "Qwertz" in admin_view


def test_counts_never_name_anyone(world, as_, in_window):
    complete_application(world, "mentee1", world.antrea)
    complete_application(world, "mentee2", world.cilium)
    response = as_("maintainer")("GET", f"/terms/{world.term.pk}/application-counts")
    assert [(c["project"], c["total"]) for c in ok(response)] == [(world.antrea.pk, 1)]
    text = response.content.decode()
    for secret in ("mentee1", "Mentee1", "@", "example.org", "Europe/Berlin"):
        assert secret not in text
    everything = ok(as_("admin")("GET", f"/terms/{world.term.pk}/application-counts"))
    assert [(c["project"], c["total"]) for c in everything] == [
        (world.antrea.pk, 1),
        (world.cilium.pk, 1),
        (world.falco.pk, 0),
    ]
    # A term without projects: nothing to count, which an admin may see and no one else.
    empty = Term.objects.create(program=world.program, year=2025, number=1, title="Term 01")
    assert ok(as_("admin")("GET", f"/terms/{empty.pk}/application-counts")) == []
    refused(as_("maintainer")("GET", f"/terms/{empty.pk}/application-counts"), 404)


def test_another_mentee_never_sees_an_applicants_email(world, as_, in_window):
    application = complete_application(world, "mentee1", world.antrea)
    complete_application(world, "mentee2", world.antrea)
    other = as_("mentee2")
    paths = [
        "/applications",
        f"/applications/{application.pk}",
        f"/applications/{application.pk}/timeline",
        f"/applications/{application.pk}/tasks/resume/file",
        f"/projects/{world.antrea.pk}/queue",
        f"/projects/{world.antrea.pk}/queue.csv",
        f"/terms/{world.term.pk}/application-counts",
        "/me/profile",
    ]
    for path in paths:
        response = other("GET", path)
        assert b"mentee1" not in response.body, path
    [own] = ok(other("GET", "/applications"))
    assert own["id"] != application.pk
    # A mentor of the project does see it.
    assert b"mentee1@example.org" in as_("alice")("GET", f"/applications/{application.pk}").content


# --- authentication ----------------------------------------------------------------------------


def test_session_auth_requires_csrf_for_writes(world, in_window):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.user("mentee1"))
    api = Api(client=browser)
    assert api("GET", "/me/profile").status_code == 200
    assert api("PUT", "/me/profile", PROFILE).status_code == 403
    assert api("POST", "/applications", {"project": world.antrea.pk}).status_code == 403
    assert not Application.objects.exists()

    secret = "k" * 32
    browser.cookies["csrftoken"] = secret
    response = browser.post(
        "/api/v1/applications",
        json.dumps({"project": world.antrea.pk}),
        content_type="application/json",
        headers={"X-CSRFToken": secret},
    )
    assert response.status_code == 201, response.content


def test_a_bearer_token_needs_no_csrf(world, as_, in_window):
    strict = Client(enforce_csrf_checks=True)
    token = create_api_token(world.user("mentee1"), name="load test")[1]
    response = Api(token, strict)(
        "POST", "/applications", {"project": world.antrea.pk, "answers": ANSWERS}
    )
    body = ok(response, 201)
    assert {"id", "project", "term", "status", "submitted_at", "tasks"} <= set(body)
    assert Api("cohort_wrong", strict)("GET", "/applications").status_code == 401


# --- speed -------------------------------------------------------------------------------------


def test_the_queue_takes_the_same_queries_however_long(
    world, as_, in_window, django_assert_max_num_queries
):
    alice = as_("alice")
    complete_application(world, "mentee1", world.antrea)
    alice("GET", f"/projects/{world.antrea.pk}/queue")  # records the token's use
    with CaptureQueriesContext(connection) as one:
        assert len(ok(alice("GET", f"/projects/{world.antrea.pk}/queue"))) == 1
    for name in ("mentee2", "mentee3", "mentee4"):
        application = complete_application(world, name, world.antrea)
        Review.objects.create(application=application, reviewer=world.user("bob"), score=3)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(ok(alice("GET", f"/projects/{world.antrea.pk}/queue"))) == 4


def test_the_openapi_schema_documents_the_applications_api(client):
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    for path, methods in {
        "/api/v1/me/profile": {"get", "put"},
        "/api/v1/me/profile/resume": {"get", "post"},
        "/api/v1/applications": {"get", "post"},
        "/api/v1/applications/{pk}": {"get"},
        "/api/v1/applications/{pk}/timeline": {"get"},
        "/api/v1/applications/{pk}/tasks/{kind}": {"post"},
        "/api/v1/applications/{pk}/tasks/{kind}/file": {"get", "post"},
        "/api/v1/applications/{pk}/withdraw": {"post"},
        "/api/v1/applications/{pk}/review": {"put"},
        "/api/v1/applications/{pk}/conflict": {"post"},
        "/api/v1/applications/{pk}/shortlist": {"post", "delete"},
        "/api/v1/projects/{pk}/queue": {"get"},
        "/api/v1/projects/{pk}/queue.csv": {"get"},
        "/api/v1/projects/{pk}/ranking": {"put"},
        "/api/v1/projects/{pk}/decline": {"post"},
        "/api/v1/terms/{pk}/application-counts": {"get"},
    }.items():
        assert set(paths[path]) == methods, path
    apply = paths["/api/v1/applications"]["post"]
    assert set(apply["responses"]) >= {"201", "400", "401", "409", "429"}
    upload = paths["/api/v1/me/profile/resume"]["post"]["requestBody"]["content"]
    assert "file" in upload["multipart/form-data"]["schema"]["properties"]
    apply_in = schema["components"]["schemas"]["ApplyIn"]["properties"]
    assert "description" in apply_in["project"]
    assert "description" in apply_in["answers"]
