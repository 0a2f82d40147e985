"""A project's decline names only that project's applications: the rule is in the service,
so the queue page and the API are held to it alike."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from cohort.applications import services as s
from cohort.applications.models import Application
from cohort.applications.tests.conftest import World, complete_application
from cohort.core.errors import DomainError

pytestmark = pytest.mark.usefixtures("in_window")

Status = Application.Status


def test_admin_cannot_decline_another_projects_application_through_a_project(
    world: World,
) -> None:
    admin = world.user("admin")
    ours = complete_application(world, "mentee1", world.antrea)
    theirs = complete_application(world, "mentee2", world.cilium)
    with pytest.raises(DomainError, match=rf"Not applications to this project: {theirs.pk}\."):
        s.decline_applications([ours, theirs], actor=admin, message="No", project=world.antrea)
    with pytest.raises(DomainError, match=r"Not applications to this project: 999999\."):
        s.decline_applications([999999], actor=admin, message="No", project=world.antrea)
    # All or nothing: neither was declined.
    assert {a.status for a in Application.objects.all()} == {Status.SUBMITTED}

    declined = s.decline_applications([ours.pk], actor=admin, message="No", project=world.antrea)
    assert [a.pk for a in declined] == [ours.pk]
    assert Application.objects.get(pk=ours.pk).status == Status.REJECTED
    assert Application.objects.get(pk=theirs.pk).status == Status.SUBMITTED


def test_api_decline_naming_another_projects_application_is_refused(
    client: Client, world: World
) -> None:
    ours = complete_application(world, "mentee1", world.antrea)
    theirs = complete_application(world, "mentee2", world.cilium)
    client.force_login(world.user("admin"))
    response = client.post(
        f"/api/v1/projects/{world.antrea.pk}/decline",
        {"applications": [ours.pk, theirs.pk], "message": "No"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["detail"] == (
        f"Not applications to this project: {theirs.pk}. Reload the queue and choose again."
    )
    assert Application.objects.get(pk=theirs.pk).status == Status.SUBMITTED
    assert reverse("applications:bulk_decline", args=[world.antrea.pk])  # same rule, same door
