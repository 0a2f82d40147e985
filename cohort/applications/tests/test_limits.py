"""Issue 10, finding 8: one size limit per field (`cohort.applications.limits`) at every door.

Before, the API took a megabyte of review notes or profile skills (the forms stopped at
20,000 and 2,000 characters), and a task link past 500 characters failed on PostgreSQL.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django import forms
from django.test import Client

from cohort.applications import limits, services
from cohort.applications.api import ProfileIn, ReviewIn, TaskAnswerIn
from cohort.applications.forms import ProfileForm, TaskForm, WithdrawForm
from cohort.applications.models import Application, MenteeProfile, Review, Task
from cohort.applications.review_forms import ConflictForm, DeclineForm, ReviewForm
from cohort.applications.tests.conftest import World, complete_application
from cohort.core.errors import DomainError
from cohort.core.tokens import create_api_token

pytestmark = pytest.mark.django_db

MEGABYTE = "x" * 1_000_000


def call(world: World, name: str, method: str, path: str, body: Any) -> Any:
    token = create_api_token(world.user(name), name="t")[1]
    send = getattr(Client(), method.lower())
    return send(
        f"/api/v1{path}",
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


def test_mentee_cannot_save_a_megabyte_of_skills_by_api(world: World) -> None:
    profile = {"name": "Dana", "country": "DE", "time_zone": "UTC", "skills": MEGABYTE}
    response = call(world, "mentee1", "PUT", "/me/profile", profile)
    assert response.status_code == 422
    assert MenteeProfile.objects.get(user=world.user("mentee1")).skills == ""


@pytest.mark.parametrize(
    ("field", "label", "limit"),
    [
        ("name", "Name", limits.NAME),
        ("links", "Links", limits.LINKS),
        ("skills", "Skills", limits.SKILLS),
        ("time_zone", "Time zone", limits.TIME_ZONE),
    ],
)
def test_save_profile_refuses_a_field_past_its_limit(
    world: World, field: str, label: str, limit: int
) -> None:
    data = services.ProfileData(name="Dana", country="DE", time_zone="UTC")
    setattr(data, field, "x" * (limit + 1))
    with pytest.raises(DomainError, match=f"“{label}” is too long: {limit + 1:,} characters; "):
        services.save_profile(world.user("outsider"), data)
    assert not MenteeProfile.objects.filter(user=world.user("outsider")).exists()
    setattr(data, field, "x" * limit if field != "time_zone" else "UTC")
    services.save_profile(world.user("outsider"), data)  # exactly at the limit is fine


@pytest.mark.usefixtures("in_window")
def test_mentor_cannot_write_a_megabyte_of_notes(world: World) -> None:
    application = complete_application(world, "mentee1", world.antrea)
    path = f"/applications/{application.pk}/review"
    assert call(world, "alice", "PUT", path, {"score": 3, "notes": MEGABYTE}).status_code == 422
    with pytest.raises(DomainError, match="“Notes” is too long: 1,000,000 characters; the limit"):
        services.review_application(application, reviewer=world.user("alice"), notes=MEGABYTE)
    assert not Review.objects.filter(application=application).exists()


@pytest.mark.usefixtures("in_window")
def test_mentors_cannot_give_a_megabyte_reason_or_message(world: World) -> None:
    application = complete_application(world, "mentee1", world.antrea)
    alice = world.user("alice")
    with pytest.raises(DomainError, match="“Reason” is too long"):
        services.declare_conflict(application, reviewer=alice, reason=MEGABYTE)
    with pytest.raises(DomainError, match="“Message” is too long"):
        services.decline_applications([application], actor=alice, message=MEGABYTE)
    with pytest.raises(DomainError, match="“Reason” is too long"):
        services.withdraw_application(application, actor=world.user("mentee1"), reason=MEGABYTE)
    assert Application.objects.get(pk=application.pk).status == Application.Status.SUBMITTED


@pytest.mark.usefixtures("in_window")
def test_mentee_cannot_hand_in_a_link_longer_than_its_column(world: World) -> None:
    application = complete_application(world, "mentee1", world.antrea)
    url = "https://github.com/" + "a" * limits.TASK_URL
    path = f"/applications/{application.pk}/tasks/coding_challenge"
    assert call(world, "mentee1", "POST", path, {"url": url}).status_code == 422
    with pytest.raises(DomainError, match=f"the limit is {limits.TASK_URL}"):
        services.hand_in_task(application, "coding_challenge", actor=world.user("mentee1"), url=url)
    task = Task.objects.get(application=application, kind="coding_challenge")
    assert task.url == "https://github.com/mentee1/challenge"


def test_forms_and_schemas_read_the_same_limits() -> None:
    def schema_max(schema: Any, field: str) -> int:
        found: int = schema.model_json_schema()["properties"][field]["maxLength"]
        return found

    def form_max(form: forms.Form, field: str) -> int | None:
        found = form.fields[field]
        assert isinstance(found, forms.CharField)
        return found.max_length

    profile = ProfileForm()
    for field, limit in (
        ("name", limits.NAME),
        ("links", limits.LINKS),
        ("skills", limits.SKILLS),
        ("time_zone", limits.TIME_ZONE),
        ("github", limits.GITHUB + 1),  # with a leading "@"
    ):
        assert form_max(profile, field) == limit == schema_max(ProfileIn, field), field
    assert form_max(TaskForm(), "url") == limits.TASK_URL
    assert schema_max(TaskAnswerIn, "url") == limits.TASK_URL
    assert schema_max(TaskAnswerIn, "text") == limits.TASK_TEXT
    assert form_max(ReviewForm(), "notes") == limits.NOTES
    assert ReviewIn.model_json_schema()["properties"]["notes"]["anyOf"][0]["maxLength"] == (
        limits.NOTES
    )
    assert form_max(ConflictForm(), "reason") == limits.CONFLICT_REASON
    assert form_max(DeclineForm(), "message") == limits.DECLINE_MESSAGE
    assert form_max(WithdrawForm(), "reason") == limits.WITHDRAW_REASON
    assert MenteeProfile._meta.get_field("name").max_length == limits.NAME
    assert Task._meta.get_field("url").max_length == limits.TASK_URL
