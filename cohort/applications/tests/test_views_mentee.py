"""The mentee's pages, through HTTP: profile, applying, tasks, files, withdrawing, roles."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohort.applications import services
from cohort.applications.eligibility import ATTESTATIONS
from cohort.applications.models import Application, ApplicationEvent, MenteeProfile, Task
from cohort.applications.tests.conftest import (
    DEADLINE,
    WINDOW_START,
    World,
    complete_application,
    pdf,
)
from cohort.core.markdown import render_markdown
from cohort.core.models import User
from cohort.projects.models import Project

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")
ALL_YES = {a.field: "yes" for a in ATTESTATIONS}


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """Rate-limit counters live in the cache; user ids repeat between tests."""
    cache.clear()


@pytest.fixture(autouse=True)
def _files_in_tmp(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Uploads go to a throwaway directory. The fields' storage was built when the models
    loaded (a callable `storage` is called once), so overriding STORAGES alone is too late."""
    storage = FileSystemStorage(location=tmp_path, base_url=None)
    monkeypatch.setattr(MenteeProfile._meta.get_field("resume"), "storage", storage)
    monkeypatch.setattr(Task._meta.get_field("file"), "storage", storage)


def _profile_post(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        **ALL_YES,
        "name": "Nia Newcomer",
        "github": "@nia-new",
        "links": "https://nia.example.org\n\nhttps://www.linkedin.com/in/nia",
        "skills": "Go, Kubernetes",
        "country": "KE",
        "time_zone": "Africa/Nairobi",
    }
    data.update(overrides)
    return data


def _html(response: Any) -> str:
    return str(response.content.decode())


def _text(response: Any) -> str:
    """The page's text without tags, with whitespace collapsed, for phrase checks."""
    return " ".join(re.sub(r"<[^>]+>", " ", _html(response)).split())


def _login(client: Client, world: World, who: str) -> None:
    if who != "anonymous":
        client.force_login(world.user(who))


def _detail(application: Application) -> str:
    return reverse("applications:detail", args=[application.pk])


# --- the whole way -------------------------------------------------------------------------


def test_mentee_can_go_from_no_profile_to_a_submitted_application(
    client: Client, world: World, in_window
) -> None:
    nia = User.objects.create_user("nia", email="nia@example.org", password="x")
    client.force_login(nia)

    home = client.get(reverse("applications:home"))
    assert home.status_code == 200
    assert "You have no mentee profile yet" in _text(home)
    assert "You have not applied to any project yet" in _text(home)
    assert reverse("web:home") in _html(home)  # the empty state links to the catalog

    apply_url = reverse("applications:apply", args=[world.antrea.pk])
    to_profile = client.get(apply_url)
    assert to_profile.status_code == 302
    assert to_profile["Location"] == f"{reverse('applications:profile')}?next={apply_url}"

    page = client.get(to_profile["Location"])
    assert page.status_code == 200
    html = _html(page)
    # The four attestations come first, as yes/no radio groups with legends.
    assert html.index(ATTESTATIONS[0].statement) < html.index("Full name")
    assert html.count('type="radio"') == 8
    assert html.count("<legend>") >= 4

    saved = client.post(
        reverse("applications:profile"),
        {**_profile_post(), "resume": pdf("My CV.pdf", 4096), "next": apply_url},
    )
    assert saved.status_code == 302
    assert saved["Location"] == apply_url
    profile = MenteeProfile.objects.get(user=nia)
    assert profile.is_eligible
    assert profile.github == "nia-new"
    assert profile.links == "https://nia.example.org\nhttps://www.linkedin.com/in/nia"
    assert (profile.resume_name, profile.resume_size) == ("My CV.pdf", 4096)

    shown = client.get(reverse("applications:profile"))
    assert "My CV.pdf" in _html(shown)
    assert "4.0 KB" in _text(shown)
    assert reverse("applications:resume") in _html(shown)

    before = client.get(apply_url)
    assert before.status_code == 200
    text = _text(before)
    for title in ("Résumé", "Cover letter", "Coding challenge"):
        assert title in text
    assert "0 of 3" in text
    assert "Tue, Aug 13, 2024, 5:00 PM PDT" in text  # the deadline in the term's zone
    assert 'datetime="2024-08-14T00:00:00Z"' in _html(before)  # and for the visitor's zone

    started = client.post(apply_url)
    application = Application.objects.get(mentee=nia, project=world.antrea)
    assert started.status_code == 302
    assert started["Location"] == _detail(application)
    assert application.status == Application.Status.DRAFT

    detail = client.get(_detail(application))
    assert "In progress: 1 of 3 tasks handed in." in _text(detail)  # the profile's résumé

    task = reverse("applications:task", args=[application.pk, "cover_letter"])
    assert client.post(task, {"text": "I love networking."}).status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT
    challenge = reverse("applications:task", args=[application.pk, "coding_challenge"])
    done = client.post(challenge, {"url": "https://github.com/nia/challenge/pull/1"}, follow=True)
    assert done.status_code == 200
    text = _text(done)
    assert "Submitted, awaiting review — nothing more to do." in text
    assert "Every task is in: your application is submitted" in text
    assert "I love networking." in text
    assert "https://github.com/nia/challenge/pull/1" in text
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED

    listing = _text(client.get(reverse("applications:home")))
    assert "Submitted, awaiting review" in listing
    assert "1 of 3 active applications" in listing


def test_history_shows_each_change_and_hand_in(client: Client, world: World, in_window) -> None:
    application = complete_application(world, "mentee1", world.antrea)
    ApplicationEvent.objects.create(
        application=application,
        kind=ApplicationEvent.Kind.STATUS,
        status=Application.Status.REJECTED,
        reason="We chose applicants with more Go experience.",
    )
    client.force_login(world.user("mentee1"))
    text = _text(client.get(_detail(application)))
    history = text[text.index("History") :]
    for line in (
        "In progress",
        "Résumé handed in",
        "Cover letter handed in",
        "Coding challenge handed in",
        "Submitted, awaiting review",
        "Declined by the mentors",
        "We chose applicants with more Go experience.",
        "Thu, Aug 1, 2024, 5:00 AM PDT",  # WINDOW_OPEN in the term's zone
        "Thu, Aug 1, 2024, 12:00 UTC",
    ):
        assert line in history


# --- eligibility ---------------------------------------------------------------------------


def test_mentee_cannot_apply_when_an_attestation_is_no_and_is_told_why(
    client: Client, world: World, in_window
) -> None:
    client.force_login(world.user("mentee1"))
    saved = client.post(reverse("applications:profile"), _profile_post(can_work="no"))
    assert saved.status_code == 302
    assert MenteeProfile.objects.get(user=world.user("mentee1")).can_work is False
    why = "Mentees must be eligible to work where they take part"

    page = _html(client.get(reverse("applications:profile")))
    assert why in page
    assert page.index(why) < page.index(ATTESTATIONS[0].statement)  # before anything else

    apply_url = reverse("applications:apply", args=[world.antrea.pk])
    shown = client.get(apply_url)
    assert shown.status_code == 200
    assert why in _html(shown)
    assert "Start my application" not in _html(shown)

    refused = client.post(apply_url)
    assert refused.status_code == 400
    assert why in _html(refused)
    assert not Application.objects.filter(mentee=world.user("mentee1")).exists()
    assert why in _html(client.get(reverse("applications:home")))


def test_unanswered_attestation_is_asked_for_at_apply(
    client: Client, world: World, in_window
) -> None:
    client.force_login(world.user("mentee1"))
    post = _profile_post()
    del post["is_adult"]
    assert client.post(reverse("applications:profile"), post).status_code == 302
    apply_url = reverse("applications:apply", args=[world.antrea.pk])
    assert ATTESTATIONS[0].statement in _text(client.get(apply_url))
    refused = client.post(apply_url)
    assert refused.status_code == 400
    assert "Answer the eligibility questions" in _text(refused)


# --- uploads -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("cv.docx", b"PK\x03\x04 not a pdf"), "The file is not a PDF."),
        (pdf("big.pdf", 5 * 1024 * 1024 + 1), "the limit is 5 MB"),
    ],
    ids=["wrong-type", "too-big"],
)
def test_refused_resume_keeps_the_rest_of_the_profile(
    client: Client, world: World, upload: SimpleUploadedFile, message: str
) -> None:
    client.force_login(world.user("mentee1"))
    response = client.post(
        reverse("applications:profile"),
        {**_profile_post(name="Renamed Mentee", skills="Rust, eBPF"), "resume": upload},
    )
    assert response.status_code == 400
    html = _html(response)
    assert message in html
    assert "The rest of your profile was saved" in html
    assert 'value="Renamed Mentee"' in html  # what was typed is shown again
    assert "Rust, eBPF" in html
    profile = MenteeProfile.objects.get(user=world.user("mentee1"))
    assert profile.name == "Renamed Mentee"  # and saved
    assert not profile.resume


def test_invalid_profile_fields_are_shown_with_what_was_typed(client: Client, world: World) -> None:
    client.force_login(world.user("mentee1"))
    response = client.post(
        reverse("applications:profile"),
        _profile_post(name="Typed Name", time_zone="Mars/Olympus", links="not a link"),
    )
    assert response.status_code == 400
    html = _html(response)
    assert "is not an IANA time zone name" in html
    assert "is not a web address" in html
    assert 'value="Typed Name"' in html
    assert MenteeProfile.objects.get(user=world.user("mentee1")).name == "Mentee1"


def test_bad_task_answer_is_refused_and_the_input_kept(
    client: Client, world: World, in_window
) -> None:
    application = complete_application(world, "mentee1", world.antrea)
    client.force_login(world.user("mentee1"))
    task = reverse("applications:task", args=[application.pk, "coding_challenge"])
    response = client.post(task, {"url": "github.com/my-answer"})
    assert response.status_code == 400
    assert "is not a web address" in _html(response)
    assert 'value="github.com/my-answer"' in _html(response)

    wrong = client.post(task, {"file": SimpleUploadedFile("answer.pdf", b"<html>")})
    assert wrong.status_code == 400
    assert "The file is not a PDF." in _html(wrong)
    assert application.tasks.get(kind="coding_challenge").url.endswith("/mentee1/challenge")


def test_mentee_can_use_profile_resume_or_upload_one_for_the_resume_task(
    client: Client, world: World, in_window
) -> None:
    application = complete_application(world, "mentee1", world.antrea)
    client.force_login(world.user("mentee1"))
    url = reverse("applications:task", args=[application.pk, "resume"])
    assert "Use my profile résumé (cv.pdf)" in _text(client.get(_detail(application)))

    assert client.post(url, {"file": pdf("special.pdf")}).status_code == 302
    assert application.tasks.get(kind="resume").file_name == "special.pdf"
    assert client.post(url, {"use_profile_resume": "on"}).status_code == 302
    assert application.tasks.get(kind="resume").file_name == "cv.pdf"


# --- files ---------------------------------------------------------------------------------


def test_resume_download_is_an_attachment_of_the_owner_only(client: Client, world: World) -> None:
    profile = MenteeProfile.objects.get(user=world.user("mentee1"))
    client.force_login(world.user("mentee1"))
    assert (
        client.post(
            reverse("applications:profile"),
            {**_profile_post(name="Mentee One"), "resume": pdf("Résumé 2024.pdf")},
        ).status_code
        == 302
    )
    response = client.get(reverse("applications:resume"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert quote("Résumé 2024.pdf") in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")  # type: ignore[attr-defined]  # FileResponse streams
    profile.refresh_from_db()
    assert profile.resume_name == "Résumé 2024.pdf"

    client.force_login(world.user("mentee2"))  # has a profile, no résumé: nobody else's
    assert client.get(reverse("applications:resume")).status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("mentee1", 200),
        ("mentee2", 404),
        ("alice", 200),
        ("bob", 200),
        ("carol", 404),
        ("admin", 200),
        ("maintainer", 404),
        ("outsider", 404),
        ("anonymous", 302),
    ],
)
def test_task_file_download_by_role(
    client: Client, world: World, in_window, who: str, status: int
) -> None:
    application = complete_application(world, "mentee1", world.antrea)
    _login(client, world, who)
    response = client.get(reverse("applications:task_file", args=[application.pk, "resume"]))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Disposition"] == 'attachment; filename="cv.pdf"'
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF-")  # type: ignore[attr-defined]  # FileResponse streams
    if status == 302:
        assert response["Location"].startswith(LOGIN)


def test_task_file_is_404_when_the_task_has_no_file(
    client: Client, world: World, in_window
) -> None:
    application = complete_application(world, "mentee1", world.antrea)
    client.force_login(world.user("mentee1"))
    for kind in ("cover_letter", "no_such_task"):
        url = reverse("applications:task_file", args=[application.pk, kind])
        assert client.get(url).status_code == 404


# --- withdrawing and the deadline ----------------------------------------------------------


def test_mentee_can_withdraw_and_apply_again(client: Client, world: World, in_window) -> None:
    application = complete_application(world, "mentee1", world.antrea)
    client.force_login(world.user("mentee1"))
    response = client.post(
        reverse("applications:withdraw", args=[application.pk]),
        {"reason": "I found a job."},
        follow=True,
    )
    assert response.status_code == 200
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN
    assert application.active_slot is None
    text = _text(response)
    assert "Application withdrawn." in text
    assert "I found a job." in text  # in the history
    assert "Apply again" in text
    assert "0 of 3 active" in _text(client.get(reverse("applications:home")))

    again = client.post(reverse("applications:apply", args=[world.antrea.pk]))
    assert again.status_code == 302
    assert again["Location"] == _detail(application)
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED  # its tasks were kept
    assert Application.objects.filter(mentee=world.user("mentee1")).count() == 1


def test_withdrawing_twice_is_refused_with_a_message(
    client: Client, world: World, in_window
) -> None:
    application = complete_application(world, "mentee1", world.antrea)
    client.force_login(world.user("mentee1"))
    url = reverse("applications:withdraw", args=[application.pk])
    assert client.post(url, {}).status_code == 302
    again = client.post(url, {"reason": "Oops"})
    assert again.status_code == 400
    assert "This application is already withdrawn." in _text(again)
    assert application.events.filter(status=Application.Status.WITHDRAWN).count() == 1


def test_my_applications_takes_the_same_queries_for_one_or_three(
    client: Client, world: World, in_window
) -> None:
    client.force_login(world.user("mentee1"))
    url = reverse("applications:home")
    complete_application(world, "mentee1", world.antrea)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    complete_application(world, "mentee1", world.cilium)
    services.apply_to_project(world.user("mentee1"), world.falco)
    with CaptureQueriesContext(connection) as three:
        page = client.get(url)
    assert "In progress: 1 of 3 tasks" in _text(page)
    assert "3 of 3 active applications" in _text(page)
    assert len(three) == len(one)


def test_applying_twice_is_a_conflict(client: Client, world: World, in_window) -> None:
    application = complete_application(world, "mentee1", world.antrea)
    client.force_login(world.user("mentee1"))
    url = reverse("applications:apply", args=[world.antrea.pk])
    shown = client.get(url)
    assert shown.status_code == 302
    assert shown["Location"] == _detail(application)
    again = client.post(url)
    assert again.status_code == 409
    assert "You have already applied to this project" in _html(again)


def test_after_the_deadline_tasks_are_refused_but_withdrawing_works(
    client: Client, world: World, in_window
) -> None:
    application = complete_application(world, "mentee1", world.antrea)
    client.force_login(world.user("mentee1"))
    in_window.move_to(DEADLINE)

    page = client.get(_detail(application))
    assert "The deadline has passed" in _text(page)
    assert reverse("applications:task", args=[application.pk, "cover_letter"]) not in _html(page)

    refused = client.post(
        reverse("applications:task", args=[application.pk, "cover_letter"]),
        {"text": "A better letter."},
    )
    assert refused.status_code == 400
    assert "closed on" in _html(refused)
    assert "A better letter." not in application.tasks.get(kind="cover_letter").text

    late_apply = client.post(reverse("applications:apply", args=[world.cilium.pk]))
    assert late_apply.status_code == 400
    assert "closed on" in _html(late_apply)

    withdrawn = client.post(reverse("applications:withdraw", args=[application.pk]), {})
    assert withdrawn.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN
    after = _text(client.get(_detail(application)))
    assert "Apply again" not in after
    assert "The deadline has passed" in after
    assert "You can still withdraw" not in after  # withdrawn: there is nothing left to withdraw


def test_before_the_window_the_apply_page_says_when_it_opens(client: Client, world: World) -> None:
    with time_machine.travel(WINDOW_START.replace(day=30), tick=False):
        client.force_login(world.user("mentee1"))
        page = client.get(reverse("applications:apply", args=[world.antrea.pk]))
        assert page.status_code == 200
        assert "have not opened yet" in _text(page)
        assert "Start my application" not in _text(page)


def test_unpublished_project_cannot_be_applied_to(client: Client, world: World, in_window) -> None:
    Project.objects.filter(pk=world.falco.pk).update(status=Project.Status.SUBMITTED)
    client.force_login(world.user("mentee1"))
    url = reverse("applications:apply", args=[world.falco.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert not Application.objects.exists()


# --- rate limits ---------------------------------------------------------------------------


def test_applying_past_the_rate_limit_is_429(
    client: Client, world: World, in_window, settings
) -> None:
    settings.COHORT_RATE_LIMITS = {"apply": "1/h/user", "upload": "100/h/user"}
    client.force_login(world.user("mentee1"))
    assert client.post(reverse("applications:apply", args=[world.antrea.pk])).status_code == 302
    limited = client.post(reverse("applications:apply", args=[world.cilium.pk]))
    assert limited.status_code == 429
    assert "Too many attempts" in _html(limited)
    assert int(limited["Retry-After"]) > 0
    assert "Start my application" in _html(limited)  # the page and its form are still there
    assert Application.objects.filter(mentee=world.user("mentee1")).count() == 1


def test_uploading_past_the_rate_limit_is_429_with_the_form_kept(
    client: Client, world: World, in_window, settings
) -> None:
    settings.COHORT_RATE_LIMITS = {"apply": "100/h/user", "upload": "1/h/user"}
    client.force_login(world.user("mentee1"))
    url = reverse("applications:profile")
    first = client.post(url, {**_profile_post(name="First"), "resume": pdf()})
    assert first.status_code == 302
    limited = client.post(url, {**_profile_post(name="Second Try"), "resume": pdf("b.pdf")})
    assert limited.status_code == 429
    assert "Too many attempts" in _html(limited)
    assert 'value="Second Try"' in _html(limited)
    assert MenteeProfile.objects.get(user=world.user("mentee1")).name == "First"

    application = complete_application(world, "mentee1", world.antrea)
    task = reverse("applications:task", args=[application.pk, "coding_challenge"])
    limited_task = client.post(task, {"file": pdf("answer.pdf")})
    assert limited_task.status_code == 429
    assert "Too many attempts" in _html(limited_task)
    # Links are not uploads: they are not counted.
    assert client.post(task, {"url": "https://example.org/answer"}).status_code == 302


# --- who may open what ---------------------------------------------------------------------

ROLES = ("mentee1", "mentee2", "alice", "admin", "maintainer", "outsider", "anonymous")


@pytest.mark.parametrize("name", ["home", "profile"])
@pytest.mark.parametrize("who", ROLES)
def test_own_pages_by_role(client: Client, world: World, in_window, name: str, who: str) -> None:
    _login(client, world, who)
    response = client.get(reverse(f"applications:{name}"))
    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)
    else:
        assert response.status_code == 200


@pytest.mark.parametrize(
    ("who", "status", "location"),
    [
        ("mentee1", 302, "detail"),  # the owner: already applied
        ("mentee2", 200, None),
        ("alice", 302, "profile"),  # no mentee profile
        ("admin", 302, "profile"),
        ("maintainer", 302, "profile"),
        ("outsider", 302, "profile"),
        ("anonymous", 302, "login"),
    ],
)
def test_apply_page_by_role(
    client: Client, world: World, in_window, who: str, status: int, location: str | None
) -> None:
    application = complete_application(world, "mentee1", world.antrea)
    _login(client, world, who)
    response = client.get(reverse("applications:apply", args=[world.antrea.pk]))
    assert response.status_code == status
    expected = {
        "detail": _detail(application),
        "profile": reverse("applications:profile"),
        "login": LOGIN,
        None: None,
    }[location]
    if expected is not None:
        assert response["Location"].startswith(expected)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("mentee1", 200),
        ("mentee2", 404),
        ("alice", 302),  # a mentor of the project: to the review page
        ("bob", 302),
        ("carol", 404),  # a mentor of another project
        ("admin", 302),
        ("maintainer", 404),
        ("outsider", 404),
        ("anonymous", 302),
    ],
)
def test_application_page_by_role(
    client: Client, world: World, in_window, who: str, status: int
) -> None:
    application = complete_application(world, "mentee1", world.antrea)
    _login(client, world, who)
    response = client.get(_detail(application))
    assert response.status_code == status
    if status == 302:
        expected = (
            LOGIN
            if who == "anonymous"
            else reverse("applications:applicant", args=[application.pk])
        )
        assert response["Location"].startswith(expected)
    if status == 200:
        assert "Hand in" in _html(response)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("mentee1", 302),
        ("mentee2", 404),
        ("alice", 404),  # mentors and admins never write a mentee's application
        ("admin", 404),
        ("maintainer", 404),
        ("outsider", 404),
        ("anonymous", 302),
    ],
)
def test_writes_by_role(client: Client, world: World, in_window, who: str, status: int) -> None:
    application = complete_application(world, "mentee1", world.antrea)
    _login(client, world, who)
    task = client.post(
        reverse("applications:task", args=[application.pk, "cover_letter"]),
        {"text": f"Written by {who}."},
    )
    assert task.status_code == status
    withdraw = client.post(reverse("applications:withdraw", args=[application.pk]), {})
    assert withdraw.status_code == status
    application.refresh_from_db()
    letter = application.tasks.get(kind="cover_letter").text
    if who == "mentee1":
        assert letter == "Written by mentee1."
        assert application.status == Application.Status.WITHDRAWN
    else:
        assert letter.startswith("I am mentee1")
        assert application.status == Application.Status.SUBMITTED
        if who == "anonymous":
            assert task["Location"].startswith(LOGIN)


def test_writes_need_post(client: Client, world: World, in_window) -> None:
    application = complete_application(world, "mentee1", world.antrea)
    client.force_login(world.user("mentee1"))
    assert client.get(reverse("applications:withdraw", args=[application.pk])).status_code == 405
    task = reverse("applications:task", args=[application.pk, "cover_letter"])
    assert client.get(task).status_code == 405
    assert client.post(reverse("applications:resume")).status_code == 405


def test_unknown_task_kind_is_404(client: Client, world: World, in_window) -> None:
    application = complete_application(world, "mentee1", world.antrea)
    client.force_login(world.user("mentee1"))
    url = reverse("applications:task", args=[application.pk, "lfc102"])  # not asked for
    assert client.post(url, {"text": "x"}).status_code == 404


# --- navigation and the catalog ------------------------------------------------------------


def test_navigation_links_for_logged_in_users(client: Client, world: World) -> None:
    home = reverse("applications:home")
    review = reverse("applications:review_home")
    anonymous = _html(client.get(reverse("web:home")))
    assert f'href="{home}"' not in anonymous
    client.force_login(world.user("mentee1"))
    page = _html(client.get(reverse("web:home")))
    assert f'href="{home}"' in page
    assert f'href="{review}"' not in page  # a mentee reviews no one
    mine = _html(client.get(home))
    assert f'href="{home}" aria-current="page"' in mine


def test_project_page_offers_apply_only_while_the_window_is_open(
    client: Client, world: World, in_window
) -> None:
    url = world.antrea.get_absolute_url()
    apply_url = reverse("applications:apply", args=[world.antrea.pk])
    open_page = client.get(url)
    assert open_page.status_code == 200
    html = _html(open_page)
    assert f'href="{apply_url}"' in html
    assert "Tue, Aug 13, 2024, 5:00 PM PDT" in html  # the term's zone
    assert 'datetime="2024-08-14T00:00:00Z"' in html  # for the visitor's zone

    in_window.move_to(DEADLINE)
    closed = _html(client.get(url))
    assert f'href="{apply_url}"' not in closed
    assert "Applications for 2024 Term 3 have closed." in closed

    in_window.move_to(WINDOW_START.replace(day=30))
    early = _html(client.get(url))
    assert f'href="{apply_url}"' not in early
    assert "Applications have not opened yet" in early


def test_mentee_and_mentor_see_the_cover_letter_rendered_the_same(
    client: Client, world: World, in_window
) -> None:
    application = complete_application(world, "mentee1", world.antrea)
    letter = "I *really* want this.\n\n- Go\n- eBPF\n\n<script>alert(1)</script>"
    application.tasks.filter(kind="cover_letter").update(text=letter)
    rendered = str(render_markdown(letter))
    assert "<em>really</em>" in rendered
    assert "<script>" not in rendered

    client.force_login(world.user("mentee1"))
    assert rendered in _html(client.get(_detail(application)))
    client.force_login(world.user("alice"))
    assert rendered in _html(client.get(reverse("applications:applicant", args=[application.pk])))
