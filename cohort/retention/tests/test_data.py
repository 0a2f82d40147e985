"""A person's own data (the zip) and deleting an account: what the zip holds and what it
never holds; what deleting removes and what it keeps; the API."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from django.core.files.storage import storages
from django.test import Client

from cohort.applications.models import Application, ApplicationEvent, MenteeProfile, Review, Task
from cohort.core.errors import DomainError
from cohort.core.models import ApiToken, AuditEvent, Person, User
from cohort.core.tokens import create_api_token
from cohort.mentorship.models import Evaluation, Feedback, Placement
from cohort.retention import services
from cohort.retention.export import export_zip, personal_data
from cohort.retention.tests.conftest import Closed, aggregates
from cohort.stipends.models import Payment


def unzip(content: bytes) -> tuple[dict[str, Any], dict[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        data = json.loads(archive.read("data.json"))
        files = {n: archive.read(n) for n in archive.namelist() if n.startswith("files/")}
    return data, files


def test_the_zip_holds_the_person_s_data_and_files(closed: Closed) -> None:
    user = closed.world.user("mentee1")
    data, files = unzip(export_zip(user))
    assert data["account"]["username"] == "mentee1"
    assert data["profile"]["name"] == "Mentee1"
    assert data["profile"]["attestations"]["is_adult"] is True
    assert {a["project"] for a in data["applications"]} == {"Antrea project", "Cilium project"}
    cover = [
        t["text"] for a in data["applications"] for t in a["tasks"] if t["kind"] == "cover_letter"
    ]
    assert "I am mentee1 and I want to work on Cilium project." in cover
    [placement] = data["placements"]
    assert placement["status"] == "active"
    assert placement["evaluations"][0]["comments_for_mentee"] == "Good work."
    assert placement["feedback"][0]["mentor_comments"] == "Bob explains well."
    [payment] = data["payments"]
    assert payment["reference"] == Payment.objects.get(placement=closed.placement).reference
    assert data["email_preferences"] == {}  # every optional kind on: no choice made
    # The résumé, once, under the path the JSON names, with the bytes uploaded.
    resume = MenteeProfile.objects.get(user=user).resume
    path = data["profile"]["resume"]["path"]
    assert list(files) == [path]
    with storages["private"].open(str(resume), "rb") as handle:
        assert files[path] == handle.read()
    assert all(
        t["file"]["path"] == path
        for a in data["applications"]
        for t in a["tasks"]
        if t["kind"] == "resume"
    )


def test_the_zip_holds_nothing_a_mentee_may_not_see_nor_anyone_else_s(closed: Closed) -> None:
    data, files = unzip(export_zip(closed.world.user("mentee1")))
    text = json.dumps(data)
    assert "Slow start." not in text  # the mentor's private comment
    assert "Strong candidate." not in text  # alice's review note
    assert "score" not in text
    assert "mentor_rank" not in text
    for other in ("mentee2", "mentee3", "mentee4"):
        assert other not in text
        assert str(MenteeProfile.objects.get(user__username=other).resume) not in "".join(files)


def test_the_export_takes_a_fixed_number_of_queries(closed: Closed) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        personal_data(closed.world.user("mentee4"))  # one application
    with CaptureQueriesContext(connection) as two:
        personal_data(closed.world.user("mentee2"))  # two applications
    with CaptureQueriesContext(connection) as placed:
        personal_data(closed.world.user("mentee1"))  # two, a placement, a payment
    assert len(one) == len(two)
    # A placement adds its two prefetches (evaluations, feedback), which an empty list skips.
    assert len(placed) == len(one) + 2


def test_deleting_an_account_removes_the_personal_data_and_keeps_the_records(
    closed: Closed, django_capture_on_commit_callbacks
) -> None:
    user = closed.world.user("mentee4")
    create_api_token(user, name="script")
    resume = str(MenteeProfile.objects.get(user=user).resume)
    before = aggregates(closed.term)
    with django_capture_on_commit_callbacks(execute=True):
        done = services.delete_account(user, actor=user, confirm=user.username)
    user.refresh_from_db()
    assert user.username == f"deleted-{user.pk}"
    assert (user.email, user.first_name, user.last_name) == ("", "", "")
    assert not user.is_active
    assert not user.has_usable_password()
    assert not MenteeProfile.objects.filter(user=user).exists()
    assert not ApiToken.objects.filter(user=user).exists()
    # mentee4's résumé file is gone; another mentee's is not.
    assert not storages["private"].exists(resume)
    assert storages["private"].exists(
        str(MenteeProfile.objects.get(user__username="mentee2").resume)
    )
    tasks = Task.objects.filter(application__mentee=user)
    assert {(t.url, str(t.file)) for t in tasks} == {("", "")}
    assert not tasks.exclude(text__in=["", services.PURGED]).exists()
    assert set(Review.objects.filter(application__mentee=user).values_list("notes", flat=True)) == {
        ""
    }
    assert not ApplicationEvent.objects.filter(application__mentee=user).exclude(reason="").exists()
    # Kept: the applications and their statuses, and every aggregate.
    assert Application.objects.filter(mentee=user).count() == 1
    assert aggregates(closed.term) == before
    event = AuditEvent.objects.get(action="retention.account.deleted")
    assert event.object_repr == f"deleted-{user.pk}"
    assert "mentee4" not in json.dumps(event.data) + event.object_repr + event.note
    assert not AuditEvent.objects.filter(object_repr__icontains="mentee4").exists()
    assert event.data["counts"]["profile"] == 1
    assert done.counts["api_tokens"] == 1
    with pytest.raises(DomainError, match="deleted already"):
        services.delete_account(user, actor=user, confirm=user.username)


def test_a_placed_mentee_s_records_stay_without_their_words(
    closed: Closed, django_capture_on_commit_callbacks
) -> None:
    """Once their mentorship ended and their payment is settled, mentee1 may delete their
    account: the placement, evaluation result and payment stay; the comments go."""
    placement = closed.placement
    Placement.objects.filter(pk=placement.pk).update(status=Placement.Status.GRADUATED)
    Payment.objects.filter(placement=placement).update(status=Payment.Status.PAID)
    user = closed.world.user("mentee1")
    assert services.account_blockers(user) == []
    mentor = Person.objects.get(github="bob")
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_account(user, actor=user, confirm=user.username)
    assert Placement.objects.get(pk=placement.pk).mentee_id == user.pk
    assert Payment.objects.filter(placement=placement).count() == 1
    evaluation = Evaluation.objects.get(placement=placement)
    assert evaluation.passed is True
    assert (evaluation.comments_for_mentee, evaluation.private_comments) == ("", "")
    feedback = Feedback.objects.get(placement=placement)
    assert feedback.mentor_comments == ""
    assert feedback.mentor_rating == 4
    assert Person.objects.get(pk=mentor.pk).user_id == closed.world.user("bob").pk


def test_deleting_is_refused_while_something_is_in_play(closed: Closed) -> None:
    user = closed.world.user("mentee1")
    blockers = services.account_blockers(user)
    assert any("mentorship has not ended" in line for line in blockers)
    assert any("payment" in line for line in blockers)
    with pytest.raises(DomainError, match="mentorship has not ended"):
        services.delete_account(user, actor=user, confirm=user.username)
    assert User.objects.get(pk=user.pk).username == "mentee1"
    assert MenteeProfile.objects.filter(user=user).exists()


def test_deleting_needs_the_username_typed_again(closed: Closed) -> None:
    user = closed.world.user("mentee4")
    with pytest.raises(DomainError, match="Type your username"):
        services.delete_account(user, actor=user, confirm="mentee")
    assert User.objects.get(pk=user.pk).username == "mentee4"


# --- the API ---------------------------------------------------------------------------------


def bearer(user: User) -> dict[str, str]:
    _token, raw = create_api_token(user, name="test")
    return {"Authorization": f"Bearer {raw}"}


def test_the_api_gives_the_same_zip(closed: Closed) -> None:
    user = closed.world.user("mentee3")
    response = Client().get("/api/v1/me/data", headers=bearer(user))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    data, files = unzip(response.content)
    assert data["account"]["username"] == "mentee3"
    assert len(files) == 1
    assert Client().get("/api/v1/me/data").status_code == 401


def test_the_api_deletes_an_account_only_when_confirmed(closed: Closed) -> None:
    user = closed.world.user("mentee4")
    headers = bearer(user)
    wrong = Client().delete(
        "/api/v1/me", {"confirm": "mentee"}, content_type="application/json", headers=headers
    )
    assert wrong.status_code == 400
    assert User.objects.get(pk=user.pk).is_active
    refused = Client().delete(
        "/api/v1/me",
        {"confirm": "mentee1"},
        content_type="application/json",
        headers=bearer(closed.world.user("mentee1")),
    )
    assert refused.status_code == 400
    assert "mentorship has not ended" in refused.json()["detail"]
    done = Client().delete(
        "/api/v1/me", {"confirm": "mentee4"}, content_type="application/json", headers=headers
    )
    assert done.status_code == 200
    assert done.json()["deleted"] is True
    assert User.objects.get(pk=user.pk).username == f"deleted-{user.pk}"
    # The token went with the account.
    assert Client().get("/api/v1/me/data", headers=headers).status_code == 401


def test_the_zip_holds_the_person_s_e_mail_choices(closed: Closed) -> None:
    from cohort.notifications.models import EmailPreference

    user = closed.world.user("mentee1")
    EmailPreference.objects.create(user=user, kind="applications_digest", enabled=False)
    data, _ = unzip(export_zip(user))
    assert data["email_preferences"] == {"applications_digest": False}
