"""The application services: profiles, applying, tasks, withdrawal, review, decisions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from cohort.applications import services as s
from cohort.applications.eligibility import ATTESTATIONS
from cohort.applications.models import Application, ApplicationEvent, MenteeProfile, Review, Task
from cohort.applications.tests.conftest import (
    DEADLINE,
    WINDOW_OPEN,
    World,
    complete_application,
    make_profile,
    pdf,
)
from cohort.core.errors import ConflictError, DomainError
from cohort.core.models import AuditEvent
from cohort.projects.models import Organization, Project

pytestmark = pytest.mark.usefixtures("in_window")

Status = Application.Status
LETTER = {"cover_letter": {"text": "Hello, I would like to help."}}
CHALLENGE = {"coding_challenge": {"url": "https://github.com/me/answer"}}


def extra_projects(
    world: World, n: int, prerequisites: dict[str, Any] | None = None
) -> list[Project]:
    org = Organization.objects.create(program=world.program, name="Extra", slug="extra")
    return [
        Project.objects.create(
            term=world.term,
            organization=org,
            slug=f"extra-{i}",
            title=f"Extra {i}",
            status=Project.Status.PUBLISHED,
            prerequisites=prerequisites if prerequisites is not None else {"cover_letter": True},
        )
        for i in range(n)
    ]


def statuses(application: Application) -> list[str]:
    return list(
        application.events.filter(kind=ApplicationEvent.Kind.STATUS).values_list(
            "status", flat=True
        )
    )


def audit_actions(application: Application) -> list[str]:
    return list(
        AuditEvent.objects.filter(
            object_type="applications.application", object_id=str(application.pk)
        )
        .order_by("id")
        .values_list("action", flat=True)
    )


def submitted(world: World, mentee: str, project: Project) -> Application:
    application = complete_application(world, mentee, project)
    assert application.status == Status.SUBMITTED
    return application


# --- profiles -----------------------------------------------------------------------------


def test_save_profile_creates_then_updates_with_attestations(world: World) -> None:
    user = world.user("outsider")
    data = s.ProfileData(
        name="  Olga Outsider ",
        country="BR",
        time_zone="America/Sao_Paulo",
        github="@olga",
        is_adult=True,
        can_work=True,
        first_mentorship=True,
        no_coc_violation=None,
    )
    profile = s.save_profile(user, data)
    assert (profile.name, profile.github) == ("Olga Outsider", "olga")
    assert profile.attestations == {
        "is_adult": True,
        "can_work": True,
        "first_mentorship": True,
        "no_coc_violation": None,
    }
    assert profile.is_eligible is False
    first_attested = profile.attested_at
    assert first_attested == WINDOW_OPEN

    data.skills = "Go, Rust"
    with time_machine.travel(WINDOW_OPEN + timedelta(hours=1), tick=False):
        same = s.save_profile(user, data)
    assert same.pk == profile.pk
    assert same.attested_at == first_attested  # attestations did not change

    data.no_coc_violation = True
    with time_machine.travel(WINDOW_OPEN + timedelta(hours=2), tick=False):
        again = s.save_profile(user, data)
    assert again.is_eligible
    assert again.attested_at == WINDOW_OPEN + timedelta(hours=2)
    assert MenteeProfile.objects.filter(user=user).count() == 1
    actions = list(
        AuditEvent.objects.filter(object_type="applications.menteeprofile")
        .filter(object_id=str(profile.pk))
        .order_by("id")
        .values_list("action", "data")
    )
    assert [a for a, _ in actions] == [
        "applications.profile.created",
        "applications.profile.updated",
        "applications.profile.updated",
    ]
    assert actions[-1][1]["attestations"]["no_coc_violation"] is True


@pytest.mark.parametrize(
    ("field", "value"), [("country", "XX"), ("time_zone", "Mars/Olympus"), ("name", "  ")]
)
def test_save_profile_refuses_invalid_data(world: World, field: str, value: str) -> None:
    data = s.ProfileData(name="Olga", country="BR", time_zone="UTC")
    setattr(data, field, value)
    with pytest.raises(DomainError):
        s.save_profile(world.user("outsider"), data)
    assert not MenteeProfile.objects.filter(user=world.user("outsider")).exists()


def test_upload_resume_stores_under_a_random_name(world: World) -> None:
    user = world.user("mentee1")
    profile = s.upload_resume(user.mentee_profile, pdf("../My CV.pdf", 4096), actor=user)
    stored = profile.resume.name or ""
    assert stored.startswith("resumes/")
    assert "CV" not in stored
    assert stored.endswith(".pdf")
    assert (profile.resume_name, profile.resume_size) == ("My CV.pdf", 4096)
    assert profile.resume.storage.exists(stored)
    with pytest.raises(DomainError, match="not a PDF"):
        s.upload_resume(profile, pdf("x.pdf", content=b"GIF89a"), actor=user)
    with pytest.raises(DomainError, match="limit is 5 MB"):
        s.upload_resume(profile, pdf("x.pdf", 5 * 1024 * 1024 + 1), actor=user)


# --- applying -----------------------------------------------------------------------------


def test_apply_without_profile_is_refused(world: World) -> None:
    with pytest.raises(DomainError, match=r"^Create your mentee profile before you apply\.$"):
        s.apply_to_project(world.user("outsider"), world.antrea)
    assert not Application.objects.exists()


@pytest.mark.parametrize("attestation", ATTESTATIONS, ids=lambda a: a.field)
def test_apply_when_ineligible_gives_the_refusal(world: World, attestation) -> None:
    user = world.user("outsider")
    make_profile(user, **{attestation.field: False})
    with pytest.raises(DomainError) as refused:
        s.apply_to_project(user, world.antrea)
    assert str(refused.value) == attestation.refusal
    assert not Application.objects.exists()


def test_apply_with_an_unanswered_attestation_is_refused(world: World) -> None:
    user = world.user("outsider")
    make_profile(user, can_work=None)
    with pytest.raises(DomainError, match="Answer the eligibility questions"):
        s.apply_to_project(user, world.antrea)


@pytest.mark.parametrize("status", ["draft", "submitted", "withdrawn", "rejected"])
def test_apply_to_an_unpublished_project_is_refused(world: World, status: str) -> None:
    Project.objects.filter(pk=world.antrea.pk).update(status=status)
    world.antrea.refresh_from_db()
    with pytest.raises(DomainError, match="not open for applications"):
        s.apply_to_project(world.user("mentee1"), world.antrea)
    assert not Application.objects.exists()


def test_a_fourth_active_application_is_refused(world: World) -> None:
    user = world.user("mentee1")
    (fourth,) = extra_projects(world, 1)
    for project in (world.antrea, world.cilium, world.falco):
        s.apply_to_project(user, project)
    with pytest.raises(DomainError) as refused:
        s.apply_to_project(user, fourth)
    assert str(refused.value) == (
        "You already have 3 active applications in 2024 Term 3, the most allowed. "
        "Withdraw one to apply to another project."
    )
    assert not Application.objects.filter(project=fourth).exists()
    assert sorted(n or 0 for n in Application.objects.values_list("active_slot", flat=True)) == [
        1,
        2,
        3,
    ]


def test_applying_twice_to_the_same_project_is_a_conflict(world: World) -> None:
    user = world.user("mentee1")
    s.apply_to_project(user, world.antrea)
    with pytest.raises(ConflictError, match="already applied to this project"):
        s.apply_to_project(user, world.antrea)
    assert Application.objects.filter(mentee=user).count() == 1


def test_withdrawn_applications_do_not_count(world: World) -> None:
    user = world.user("mentee1")
    (fourth,) = extra_projects(world, 1)
    first = s.apply_to_project(user, world.antrea)
    s.apply_to_project(user, world.cilium)
    s.apply_to_project(user, world.falco)
    s.withdraw_application(first, actor=user)
    first.refresh_from_db()
    assert first.active_slot is None
    fourth_app = s.apply_to_project(user, fourth)
    assert fourth_app.active_slot == 1  # the freed slot
    assert Application.objects.active().filter(mentee=user).count() == 3


def test_reapplying_after_withdrawal_reopens_the_same_row(world: World) -> None:
    user = world.user("mentee1")
    application = submitted(world, "mentee1", world.antrea)
    task_ids = sorted(application.tasks.values_list("pk", flat=True))
    first_submitted_at = application.submitted_at
    s.withdraw_application(application, actor=user, reason="  Changed my mind ")
    application.refresh_from_db()
    assert (application.status, application.active_slot) == (Status.WITHDRAWN, None)

    with time_machine.travel(WINDOW_OPEN + timedelta(hours=1), tick=False):
        again = s.apply_to_project(user, world.antrea)
    assert again.pk == application.pk
    assert Application.objects.filter(mentee=user).count() == 1
    assert again.active_slot == 1
    assert sorted(again.tasks.values_list("pk", flat=True)) == task_ids
    assert all(t.is_done for t in again.tasks.all())
    assert again.status == Status.SUBMITTED  # every task was still in
    assert again.submitted_at == WINDOW_OPEN + timedelta(hours=1) != first_submitted_at
    assert statuses(again) == ["draft", "submitted", "withdrawn", "draft", "submitted"]
    withdrawn = again.events.get(status="withdrawn")
    assert withdrawn.reason == "Changed my mind"


def test_reapplying_with_incomplete_tasks_stays_in_progress(world: World) -> None:
    user = world.user("mentee1")
    application = s.apply_to_project(user, world.antrea)
    s.withdraw_application(application, actor=user)
    again = s.apply_to_project(user, world.antrea)
    assert again.pk == application.pk
    assert again.status == Status.DRAFT
    assert again.active_slot == 1


def test_reapplying_when_three_others_are_active_is_refused(world: World) -> None:
    user = world.user("mentee1")
    (fourth,) = extra_projects(world, 1)
    first = s.apply_to_project(user, world.antrea)
    s.withdraw_application(first, actor=user)
    for project in (world.cilium, world.falco, fourth):
        s.apply_to_project(user, project)
    with pytest.raises(DomainError, match="already have 3 active applications"):
        s.apply_to_project(user, world.antrea)
    first.refresh_from_db()
    assert first.status == Status.WITHDRAWN


def test_the_program_limit_is_configurable(world: World) -> None:
    world.program.max_applications = 5
    world.program.save()
    user = world.user("mentee1")
    projects = extra_projects(world, 6)
    for project in projects[:5]:
        s.apply_to_project(user, project)
    assert sorted(n or 0 for n in Application.objects.values_list("active_slot", flat=True)) == [
        1,
        2,
        3,
        4,
        5,
    ]
    with pytest.raises(DomainError, match="already have 5 active applications"):
        s.apply_to_project(user, projects[5])


def test_tasks_come_from_the_prerequisites(world: World) -> None:
    world.program.require_lfc102 = True
    world.program.save()
    (project,) = extra_projects(
        world,
        1,
        {"resume": True, "coding_challenge": True, "has_custom": True, "custom_name": "Essay"},
    )
    application = s.apply_to_project(world.user("mentee1"), project)
    assert list(application.tasks.values_list("position", "kind", "title")) == [
        (0, "resume", "Résumé"),
        (1, "coding_challenge", "Coding challenge"),
        (2, "custom", "Essay"),
        (3, "lfc102", "LFC102 certificate"),
    ]
    assert not application.tasks.filter(completed_at__isnull=False).exists()
    assert application.status == Status.DRAFT
    assert application.submitted_at is None


def test_apply_takes_the_profile_resume_and_answers(world: World) -> None:
    user = world.user("mentee1")
    profile = s.upload_resume(user.mentee_profile, pdf("me.pdf"), actor=user)
    application = s.apply_to_project(user, world.antrea, answers=LETTER)
    resume = application.tasks.get(kind="resume")
    assert resume.is_done
    assert resume.file.name == profile.resume.name != ""
    assert resume.file_name == "me.pdf"
    assert application.tasks.get(kind="cover_letter").text == LETTER["cover_letter"]["text"]
    assert application.status == Status.DRAFT  # the challenge is still missing


def test_apply_with_an_unknown_task_writes_nothing(world: World) -> None:
    with pytest.raises(DomainError, match="does not ask for a task named 'essay'"):
        s.apply_to_project(world.user("mentee1"), world.antrea, answers={"essay": {"text": "x"}})
    assert not Application.objects.exists()
    assert not Task.objects.exists()


def test_submitted_exactly_when_the_last_task_is_in(world: World) -> None:
    user = world.user("mentee1")
    application = s.apply_to_project(user, world.antrea)
    s.hand_in_task(application, "cover_letter", actor=user, text="Dear mentors")
    application.refresh_from_db()
    assert application.status == Status.DRAFT
    assert application.submitted_at is None
    s.hand_in_task(application, "coding_challenge", actor=user, url="https://github.com/x/y")
    application.refresh_from_db()
    assert application.status == Status.DRAFT
    with time_machine.travel(WINDOW_OPEN + timedelta(minutes=5), tick=False):
        s.hand_in_task(application, "resume", actor=user, file=pdf("cv.pdf"))
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert application.submitted_at == WINDOW_OPEN + timedelta(minutes=5)
    assert statuses(application) == ["draft", "submitted"]
    assert list(
        application.events.filter(kind="task").order_by("id").values_list("task", flat=True)
    ) == ["cover_letter", "coding_challenge", "resume"]
    # Replacing an answer keeps it submitted.
    s.hand_in_task(application, "cover_letter", actor=user, text="Dear mentors, again")
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert statuses(application) == ["draft", "submitted"]


def test_hand_in_use_profile_resume(world: World) -> None:
    user = world.user("mentee1")
    application = s.apply_to_project(user, world.antrea)
    with pytest.raises(DomainError, match="Upload a résumé to your profile first"):
        s.hand_in_task(application, "resume", actor=user, use_profile_resume=True)
    profile = s.upload_resume(user.mentee_profile, pdf(), actor=user)
    with pytest.raises(DomainError, match="Upload a résumé"):
        s.hand_in_task(application, "cover_letter", actor=user, use_profile_resume=True)
    task = s.hand_in_task(application, "resume", actor=user, use_profile_resume=True)
    assert task.is_done
    assert task.file.name == profile.resume.name != ""


@pytest.mark.parametrize(
    ("kind", "answer", "message"),
    [
        ("resume", {"text": "my cv"}, "Résumé takes a PDF file, not text."),
        ("resume", {"url": "https://x.org/cv"}, "Résumé takes a PDF file, not a link."),
        ("cover_letter", {"url": "https://x.org"}, "Cover letter takes text, not a link."),
        ("cover_letter", {"file": True}, "Cover letter takes text, not a file."),
        ("cover_letter", {"text": "   "}, "Cover letter: give text."),
        (
            "coding_challenge",
            {"text": "see my repo"},
            "Coding challenge takes a link or a PDF file, not text.",
        ),
        (
            "coding_challenge",
            {"url": "javascript:alert(1)"},
            "Coding challenge: 'javascript:alert(1)' is not a web address (https://…).",
        ),
        (
            "coding_challenge",
            {"url": "github.com/x"},
            "Coding challenge: 'github.com/x' is not a web address (https://…).",
        ),
        ("coding_challenge", {}, "Coding challenge: give a link or a PDF file."),
        ("lfc102", {"text": "x"}, "This project does not ask for a task named 'lfc102'."),
    ],
)
def test_hand_in_checks_the_kind_of_answer(
    world: World, kind: str, answer: dict[str, Any], message: str
) -> None:
    user = world.user("mentee1")
    application = s.apply_to_project(user, world.antrea)
    file = pdf() if answer.pop("file", False) else None
    with pytest.raises(DomainError) as refused:
        s.hand_in_task(application, kind, actor=user, file=file, **answer)
    assert str(refused.value) == message
    assert not application.tasks.filter(completed_at__isnull=False).exists()
    assert not application.events.filter(kind="task").exists()


def test_hand_in_checks_files_and_text_length(world: World) -> None:
    user = world.user("mentee1")
    application = s.apply_to_project(user, world.antrea)
    for file, problem in (
        (pdf("cv.pdf", content=b""), "The file is empty"),
        (pdf("cv.docx"), "must end in .pdf"),
        (pdf("cv.pdf", content=b"<html>"), "not a PDF"),
        (pdf("cv.pdf", 5 * 1024 * 1024 + 1), "the limit is 5 MB"),
    ):
        with pytest.raises(DomainError, match=problem):
            s.hand_in_task(application, "resume", actor=user, file=file)
    with pytest.raises(DomainError, match="too long: 10,001 characters; the limit is 10,000"):
        s.hand_in_task(application, "cover_letter", actor=user, text="x" * 10_001)
    assert not application.tasks.filter(completed_at__isnull=False).exists()
    # At the limits: accepted.
    s.hand_in_task(application, "cover_letter", actor=user, text="x" * 10_000)
    task = s.hand_in_task(
        application, "coding_challenge", actor=user, file=pdf("a.pdf", 5 * 1024 * 1024)
    )
    assert (task.file.name or "").startswith("tasks/")
    assert task.file_name == "a.pdf"
    # A link replaces the file.
    task = s.hand_in_task(application, "coding_challenge", actor=user, url="https://x.org/pr/1")
    task.refresh_from_db()
    assert (task.url, task.file.name, task.file_name) == ("https://x.org/pr/1", "", "")


@pytest.mark.parametrize("decided", ["shortlisted", "rejected", "withdrawn"])
def test_tasks_cannot_change_once_decided(world: World, decided: str) -> None:
    user, mentor = world.user("mentee1"), world.user("alice")
    application = submitted(world, "mentee1", world.antrea)
    if decided == "shortlisted":
        s.shortlist_application(application, actor=mentor)
    elif decided == "rejected":
        s.decline_applications([application], actor=mentor, message="Sorry")
    else:
        s.withdraw_application(application, actor=user)
    before = application.tasks.get(kind="cover_letter").text
    with pytest.raises(DomainError, match="its tasks can no longer change"):
        s.hand_in_task(application, "cover_letter", actor=user, text="Changed")
    assert application.tasks.get(kind="cover_letter").text == before


def test_withdraw_works_after_the_deadline(world: World) -> None:
    user = world.user("mentee1")
    application = submitted(world, "mentee1", world.antrea)
    with time_machine.travel(DEADLINE + timedelta(days=20), tick=False):
        s.withdraw_application(application, actor=user)
        application.refresh_from_db()
        assert application.status == Status.WITHDRAWN
        assert application.status_changed_at == DEADLINE + timedelta(days=20)
        with pytest.raises(DomainError, match="already withdrawn"):
            s.withdraw_application(application, actor=user)
        with pytest.raises(DomainError, match="closed on"):
            s.apply_to_project(user, world.antrea)  # re-applying is over
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN


def test_withdrawing_clears_the_rank(world: World) -> None:
    mentor = world.user("alice")
    application = submitted(world, "mentee1", world.antrea)
    s.shortlist_application(application, actor=mentor)
    s.rank_shortlist(world.antrea, [application.pk], actor=mentor)
    s.withdraw_application(application, actor=world.user("mentee1"))
    application.refresh_from_db()
    assert (application.mentor_rank, application.active_slot) == (None, None)


# --- review ---------------------------------------------------------------------------------


def test_review_score_bounds_and_notes(world: World) -> None:
    mentor = world.user("alice")
    application = submitted(world, "mentee1", world.antrea)
    for bad in (0, 6, -1):
        with pytest.raises(DomainError, match="whole number from 1 to 5"):
            s.review_application(application, reviewer=mentor, score=bad)
    assert not Review.objects.exists()
    for good in (1, 5):
        review = s.review_application(application, reviewer=mentor, score=good, notes=" ok ")
        assert (review.score, review.notes) == (good, "ok")
    review = s.review_application(application, reviewer=mentor, score=None)
    assert (review.score, review.notes) == (None, "ok")  # notes kept, score cleared
    assert Review.objects.count() == 1
    assert AuditEvent.objects.filter(action="applications.review.saved").count() == 3


def test_declaring_a_conflict_recuses_and_clears_the_score(world: World) -> None:
    alice = world.user("alice")
    app1 = submitted(world, "mentee1", world.antrea)
    app2 = submitted(world, "mentee2", world.antrea)
    s.review_application(app1, reviewer=alice, score=4, notes="good")
    with pytest.raises(DomainError, match="Say briefly why"):
        s.declare_conflict(app1, reviewer=alice, reason="  ")
    assert Review.objects.get(reviewer=alice).score == 4
    review = s.declare_conflict(app1, reviewer=alice, reason="My cousin")
    assert (review.conflict, review.conflict_reason, review.score) == (True, "My cousin", None)

    recused = "you are recused"
    with pytest.raises(DomainError, match=recused):
        s.review_application(app1, reviewer=alice, score=5)
    with pytest.raises(DomainError, match=recused):
        s.shortlist_application(app1, actor=alice)
    with pytest.raises(DomainError, match=recused):
        s.decline_applications([app1], actor=alice, message="No")
    with pytest.raises(DomainError, match=recused):  # all or nothing: app2 is not declined
        s.decline_applications([app2, app1], actor=alice, message="No")
    app1.refresh_from_db()
    app2.refresh_from_db()
    assert app1.status == app2.status == Status.SUBMITTED
    assert Review.objects.get(reviewer=alice).score is None

    # Bob shortlists both; Alice cannot rank a shortlist holding her conflict.
    bob = world.user("bob")
    s.shortlist_application(app1, actor=bob)
    s.shortlist_application(app2, actor=bob)
    with pytest.raises(DomainError, match=recused):
        s.unshortlist_application(app1, actor=alice)
    with pytest.raises(DomainError, match=recused):
        s.rank_shortlist(world.antrea, [app2.pk, app1.pk], actor=alice)
    assert set(Application.objects.values_list("mentor_rank", flat=True)) == {None}
    assert not AuditEvent.objects.filter(action="applications.shortlist.ranked").exists()

    # A program admin lifts it.
    s.lift_conflict(review, actor=world.user("admin"))
    s.rank_shortlist(world.antrea, [app2.pk, app1.pk], actor=alice)
    app1.refresh_from_db()
    assert app1.mentor_rank == 2


def test_shortlist_and_unshortlist(world: World) -> None:
    mentor = world.user("alice")
    draft = s.apply_to_project(world.user("mentee2"), world.antrea)
    with pytest.raises(DomainError, match="once every task is in"):
        s.shortlist_application(draft, actor=mentor)
    with pytest.raises(DomainError, match="Only a shortlisted application"):
        s.unshortlist_application(draft, actor=mentor)
    application = submitted(world, "mentee1", world.antrea)
    s.shortlist_application(application, actor=mentor)
    with pytest.raises(DomainError, match="A shortlisted application cannot be shortlisted"):
        s.shortlist_application(application, actor=mentor)
    s.rank_shortlist(world.antrea, [application.pk], actor=mentor)
    s.unshortlist_application(application, actor=mentor)
    application.refresh_from_db()
    assert (application.status, application.mentor_rank) == (Status.SUBMITTED, None)
    assert application.events.latest("id").reason == "Taken off the shortlist."


def test_rank_shortlist_requires_exactly_the_shortlist(world: World) -> None:
    mentor = world.user("alice")
    apps = [submitted(world, m, world.antrea) for m in ("mentee1", "mentee2", "mentee3")]
    for app in apps[:2]:
        s.shortlist_application(app, actor=mentor)
    a, b, c = (x.pk for x in apps)
    for order, problem in (
        ([a], r"\(1 missing\)"),
        ([a, b, c], r"\(1 not on the shortlist\)"),
        ([a, c], r"\(1 missing\) \(1 not on the shortlist\)"),
        ([a, a, b], "appears once"),
        ([], r"\(2 missing\)"),
    ):
        with pytest.raises(DomainError, match=problem):
            s.rank_shortlist(world.antrea, order, actor=mentor)
    assert set(Application.objects.values_list("mentor_rank", flat=True)) == {None}
    ranked = s.rank_shortlist(world.antrea, [b, a], actor=mentor)
    assert [(x.pk, x.mentor_rank) for x in ranked] == [(b, 1), (a, 2)]
    assert dict(Application.objects.filter(pk__in=[a, b]).values_list("pk", "mentor_rank")) == {
        a: 2,
        b: 1,
    }
    audit = AuditEvent.objects.get(action="applications.shortlist.ranked")
    assert audit.data == {"order": [b, a]}


def test_decline_is_all_or_nothing_and_records_the_message(world: World) -> None:
    mentor = world.user("alice")
    app1 = submitted(world, "mentee1", world.antrea)
    app2 = s.apply_to_project(world.user("mentee2"), world.antrea)  # a draft: declinable
    app3 = submitted(world, "mentee3", world.antrea)
    s.withdraw_application(app3, actor=world.user("mentee3"))
    with pytest.raises(DomainError, match="Write a short message"):
        s.decline_applications([app1], actor=mentor, message="   ")
    with pytest.raises(DomainError, match=rf"withdrawn application cannot be declined.*{app3.pk}"):
        s.decline_applications([app1, app2, app3], actor=mentor, message="Sorry")
    assert list(Application.objects.order_by("id").values_list("status", flat=True)) == [
        "submitted",
        "draft",
        "withdrawn",
    ]
    with pytest.raises(DomainError, match="at least one"):
        s.decline_applications([], actor=mentor, message="Sorry")

    declined = s.decline_applications(
        [app1, app2], actor=mentor, message="  Thank you; we chose others.  "
    )
    assert [a.status for a in declined] == [Status.REJECTED, Status.REJECTED]
    for application in (app1, app2):
        event = application.events.filter(kind="status").latest("id")
        assert (event.status, event.reason, event.actor) == (
            "rejected",
            "Thank you; we chose others.",
            mentor,
        )
        audit = AuditEvent.objects.filter(
            object_type="applications.application", object_id=str(application.pk)
        ).latest("id")
        assert audit.action == "applications.application.rejected"
        assert audit.note == "Thank you; we chose others."
    with pytest.raises(DomainError, match="declined by the mentors application cannot be"):
        s.decline_applications([app1], actor=mentor, message="Again")


def test_every_status_change_is_audited_and_in_the_history(world: World) -> None:
    mentee, mentor = world.user("mentee1"), world.user("alice")
    application = submitted(world, "mentee1", world.antrea)
    s.shortlist_application(application, actor=mentor)
    s.unshortlist_application(application, actor=mentor)
    s.withdraw_application(application, actor=mentee)
    s.apply_to_project(mentee, world.antrea)
    application.refresh_from_db()
    s.decline_applications([application], actor=mentor, message="No")
    expected = ["submitted", "shortlisted", "submitted", "withdrawn", "draft", "submitted"]
    expected.append("rejected")
    assert statuses(application) == ["draft", *expected]
    assert audit_actions(application) == [
        "applications.application.created",
        *(f"applications.application.{to}" for to in expected),
    ]
    transitions = AuditEvent.objects.filter(
        object_id=str(application.pk), action="applications.application.shortlisted"
    ).get()
    assert transitions.data == {"before": "submitted", "after": "shortlisted"}
    assert transitions.actor == mentor


# --- database constraints -----------------------------------------------------------------


def _row(world: World, mentee: str, project: Project, **fields) -> Application:
    values = {"status": Status.DRAFT, "active_slot": 1, **fields}
    return Application.objects.create(
        mentee=world.user(mentee), term=world.term, project=project, **values
    )


def test_one_application_per_mentee_and_project(world: World) -> None:
    _row(world, "mentee1", world.antrea, status=Status.WITHDRAWN, active_slot=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        _row(world, "mentee1", world.antrea, active_slot=2)


def test_two_active_applications_cannot_share_a_slot(world: World) -> None:
    _row(world, "mentee1", world.antrea, active_slot=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        _row(world, "mentee1", world.cilium, active_slot=1)
    _row(world, "mentee2", world.cilium, active_slot=1)  # another mentee: fine


def test_a_withdrawn_application_holds_no_slot(world: World) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        _row(world, "mentee1", world.antrea, status=Status.WITHDRAWN, active_slot=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        _row(world, "mentee1", world.antrea, status=Status.DRAFT, active_slot=None)


def test_a_submitted_application_has_a_time_and_a_rank_needs_the_shortlist(world: World) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        _row(world, "mentee1", world.antrea, status=Status.SUBMITTED)
    with pytest.raises(IntegrityError), transaction.atomic():
        _row(world, "mentee1", world.antrea, submitted_at=timezone.now(), mentor_rank=1)


@pytest.mark.parametrize("score", [0, 6])
def test_score_outside_1_to_5_is_refused_by_the_database(world: World, score: int) -> None:
    application = _row(world, "mentee1", world.antrea)
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(application=application, reviewer=world.user("alice"), score=score)


def test_a_recused_review_has_no_score(world: World) -> None:
    application = _row(world, "mentee1", world.antrea)
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(
            application=application, reviewer=world.user("alice"), score=3, conflict=True
        )


def test_reapplying_after_the_prerequisites_changed_keeps_the_old_tasks(world: World) -> None:
    user = world.user("mentee1")
    (project,) = extra_projects(world, 1, {"cover_letter": True})
    application = s.apply_to_project(user, project, answers=LETTER)
    assert application.status == Status.SUBMITTED
    s.withdraw_application(application, actor=user)
    Project.objects.filter(pk=project.pk).update(prerequisites={"resume": True})
    project.refresh_from_db()
    s.upload_resume(user.mentee_profile, pdf(), actor=user)
    again = s.apply_to_project(user, project)
    assert again.pk == application.pk
    assert again.status == Status.SUBMITTED
    assert list(again.tasks.values_list("kind", flat=True)) == ["cover_letter"]
