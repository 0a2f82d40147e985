"""The program's reminders page and API (program admins only): the rules and a change to
one, the 7-day preview and the history, the same read models on both."""

from __future__ import annotations

import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohort.applications.tests.conftest import World
from cohort.core.models import AuditEvent, User
from cohort.reminders.models import ReminderRule
from cohort.reminders.services import send_due_reminders
from cohort.reminders.tests.test_services import before, draft
from cohort.terms.models import Program


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(world: World) -> str:
    return reverse("reminders:program", args=[world.program.slug])


def test_only_the_programs_admins_see_its_reminders(world: World) -> None:
    assert Client().get(url(world)).status_code == 302  # to the login page
    for name in ("mentee1", "alice", "maintainer"):
        client = signed_in(world.user(name))
        assert client.get(url(world)).status_code == 404
        assert client.get(f"/api/v1/programs/{world.program.slug}/reminders").status_code == 404
    assert signed_in(world.user("admin")).get(url(world)).status_code == 200
    assert signed_in(world.user("admin")).get("/reminders/no-such/").status_code == 404


def test_the_page_previews_the_next_seven_days_and_lists_what_was_sent(world: World) -> None:
    draft(world, "mentee1")
    draft(world, "mentee2")
    admin = signed_in(world.user("admin"))
    with time_machine.travel(before(24 * 8), tick=False):
        page = admin.get(url(world)).content.decode()
    assert 'id="reminder-preview"' in page
    assert page.count("Application to Antrea project") == 4  # 72 h and 24 h, two mentees
    assert "Tue, Aug 13, 2024, 5:00 PM PDT" in page
    assert 'id="reminder-history-empty"' in page

    send_due_reminders(before(71))
    with time_machine.travel(before(70), tick=False):
        page = admin.get(url(world)).content.decode()
        preview = admin.get(f"/api/v1/programs/{world.program.slug}/reminders/preview").json()
        history = admin.get(f"/api/v1/programs/{world.program.slug}/reminders/history").json()
    assert 'id="reminder-history"' in page
    assert page.count("Sent</td>") == 2
    assert [(r["recipient"], r["rule"]["key"], r["next_run"]) for r in preview] == [
        ("mentee1", "incomplete_application_24h", False),
        ("mentee2", "incomplete_application_24h", False),
    ]
    assert preview[0]["at"] == "2024-08-13T00:00:00Z"
    assert preview[0]["deadline"] == "2024-08-14T00:00:00Z"
    assert preview[0]["zone"] == "America/Los_Angeles"
    assert [(h["recipient"], h["status"], h["hours"]) for h in history] == [
        ("mentee2", "sent", 72),
        ("mentee1", "sent", 72),
    ]


def test_an_admin_changes_a_rule_on_the_page_and_a_bad_change_is_explained(world: World) -> None:
    admin = signed_in(world.user("admin"))
    rule = ReminderRule.objects.get(program=world.program, key="incomplete_application_72h")
    change = reverse("reminders:change", args=[world.program.slug, rule.pk])
    assert admin.get(change).status_code == 405
    done = admin.post(change, {"hours": "96", "message": "Ask on Slack."}, follow=True)
    assert done.redirect_chain == [(url(world), 302)]
    assert "96 hours (4 days) before the deadline, is off" in done.content.decode()
    rule.refresh_from_db()
    assert (rule.enabled, rule.hours, rule.message) == (False, 96, "Ask on Slack.")
    refused = admin.post(change, {"enabled": "on", "hours": "24"})
    assert refused.status_code == 400
    refusal = refused.content.decode()
    assert (
        "Another reminder for “Mentees with an incomplete application, before applications "
        "close” already fires at 24 hours; change that one instead." in refusal
    )
    # The refused form keeps what was typed, marked invalid and pointing at the reason.
    assert 'value="24" min="1"' in refusal
    assert f'aria-invalid="true" aria-describedby="rule-{rule.pk}-error"' in refusal
    assert refusal.count('aria-invalid="true"') == 1
    assert admin.post(change, {"enabled": "on", "hours": "soon"}).status_code == 400
    rule.refresh_from_db()
    assert (rule.enabled, rule.hours) == (False, 96)  # nothing changed by the refusals
    # Another program's rule is not reachable through this one's address.
    other = Program.objects.create(name="Other", slug="other").reminder_rules.first()
    assert other is not None
    foreign = reverse("reminders:change", args=[world.program.slug, other.pk])
    assert admin.post(foreign, {"hours": "5"}).status_code == 404
    assert signed_in(world.user("alice")).post(change, {"hours": "5"}).status_code == 404
    assert AuditEvent.objects.filter(action="reminders.rule.changed").count() == 1


def test_the_api_lists_and_changes_rules(world: World) -> None:
    admin = signed_in(world.user("admin"))
    base = f"/api/v1/programs/{world.program.slug}/reminders"
    rules = admin.get(base).json()
    assert [r["key"] for r in rules][:2] == [
        "incomplete_application_72h",
        "incomplete_application_24h",
    ]
    first = rules[0]["id"]
    changed = admin.patch(f"{base}/{first}", {"enabled": False}, content_type="application/json")
    assert changed.status_code == 200
    assert (changed.json()["enabled"], changed.json()["hours"]) == (False, 72)
    clash = admin.patch(f"{base}/{first}", {"hours": 24}, content_type="application/json")
    assert clash.status_code == 400
    assert "already fires" in clash.json()["detail"]
    assert (
        admin.patch(f"{base}/{first}", {"hours": 0}, content_type="application/json").status_code
        == 422
    )
    assert (
        admin.patch(f"{base}/999999", {"hours": 5}, content_type="application/json").status_code
        == 404
    )


def test_the_page_takes_a_fixed_number_of_queries(world: World) -> None:
    admin = signed_in(world.user("admin"))

    def count() -> int:
        with (
            time_machine.travel(before(70), tick=False),
            CaptureQueriesContext(connection) as ctx,
        ):
            assert admin.get(url(world)).status_code == 200
        return len(ctx.captured_queries)

    draft(world, "mentee1")
    send_due_reminders(before(71))
    small = count()
    for name in ("mentee2", "mentee3", "mentee4"):
        draft(world, name)
    send_due_reminders(before(71))
    assert count() == small
