"""The retention pages: a program admin's dry run and purge, the retention setting; a person's
download, the explanation page and the account's deletion."""

from __future__ import annotations

import io
import json
import zipfile

import time_machine
from django.test import Client
from django.urls import reverse

from cohort.core.models import AuditEvent, User
from cohort.retention.tests.conftest import AFTER_DUE, DUE_AT, Closed
from cohort.terms.models import Program, Term


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_admin_sees_the_dry_run_and_purges_once_due(
    closed: Closed, django_capture_on_commit_callbacks
) -> None:
    url = reverse("retention:term", args=[closed.term.pk])
    with time_machine.travel(DUE_AT.replace(month=1, day=1), tick=False):
        admin = signed_in(closed.world.user("admin"))  # sessions expire: sign in at the time
        html = admin.get(url).content.decode()
        assert "kept until" in html
        row = '<tr data-kind="task_answers"><th scope="row">Cover letters and task answers</th>'
        assert f"{row}<td>14</td></tr>" in html
        assert "Purge this term" not in html
        assert admin.post(url, {"action": "purge"}).status_code == 400
        assert Term.objects.get(pk=closed.term.pk).purged_at is None
    with time_machine.travel(AFTER_DUE, tick=False):
        admin = signed_in(closed.world.user("admin"))
        assert "Purge this term" in admin.get(url).content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            response = admin.post(url, {"action": "purge"})
        assert response.status_code == 302
        assert Term.objects.get(pk=closed.term.pk).purged_at == AFTER_DUE
        event = AuditEvent.objects.get(action="retention.term.purged")
        assert event.actor == closed.world.user("admin")
        assert "was purged" in admin.get(url).content.decode()


def test_an_admin_sets_the_retention_period(closed: Closed) -> None:
    url = reverse("retention:term", args=[closed.term.pk])
    admin = signed_in(closed.world.user("admin"))
    assert admin.post(url, {"action": "retention", "months": "121"}).status_code == 400
    assert admin.post(url, {"action": "retention", "months": "24"}).status_code == 302
    assert Program.objects.get(pk=closed.world.program.pk).retention_months == 24


def test_others_get_404_on_a_term_s_retention_page(closed: Closed) -> None:
    url = reverse("retention:term", args=[closed.term.pk])
    for name in ("bob", "mentee1", "maintainer"):
        assert signed_in(closed.world.user(name)).get(url).status_code == 404
        assert signed_in(closed.world.user(name)).post(url, {"action": "purge"}).status_code == 404


def test_a_mentee_downloads_their_data_from_the_page(closed: Closed) -> None:
    client = signed_in(closed.world.user("mentee3"))
    page = client.get(reverse("retention:mine")).content.decode()
    assert reverse("retention:download") in page
    response = client.get(reverse("retention:download"))
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        data = json.loads(archive.read("data.json"))
    assert data["account"]["username"] == "mentee3"
    assert client.get(reverse("retention:kept")).status_code == 200


def test_the_menu_links_your_data_for_signed_in_people_only(closed: Closed) -> None:
    link = f'href="{reverse("retention:mine")}"'
    assert link in signed_in(closed.world.user("mentee1")).get("/").content.decode()
    assert link not in Client().get("/").content.decode()
    assert Client().get(reverse("retention:download")).status_code == 302  # to log in


def test_deleting_needs_the_username_typed(closed: Closed) -> None:
    user = closed.world.user("mentee4")
    client = signed_in(user)
    url = reverse("retention:delete")
    assert client.post(url, {"username": "mentee"}).status_code == 400
    assert User.objects.get(pk=user.pk).username == "mentee4"
    response = client.post(url, {"username": "mentee4"})
    assert response.status_code == 302
    assert User.objects.get(pk=user.pk).username == f"deleted-{user.pk}"
    assert client.get(reverse("retention:mine")).status_code == 302  # signed out


def test_a_person_with_a_running_mentorship_is_told_why_not(closed: Closed) -> None:
    client = signed_in(closed.world.user("mentee1"))
    html = client.get(reverse("retention:delete")).content.decode()
    assert "You cannot delete your account yet" in html
    assert "mentorship has not ended" in html
    assert client.post(reverse("retention:delete"), {"username": "mentee1"}).status_code == 400
    assert User.objects.get(username="mentee1").is_active
