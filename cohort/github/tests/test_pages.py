"""The program admin's GitHub pages: the settings page (`/github/<slug>/`) and the
deliveries page (`/github/<slug>/deliveries/`); who may see them, what they show and never
show, CSRF, and a fixed number of queries however many deliveries there are."""

from __future__ import annotations

import json
import re
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection as db
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cohort.core.models import AuditEvent, User
from cohort.github.models import Connection, Delivery
from cohort.github.tests.conftest import REPOSITORY, SECRET, Hub
from cohort.github.tests.payloads import payload, signed
from cohort.projects.models import Project
from cohort.proposals.tests.conftest import World

pytestmark = pytest.mark.django_db

NEW_SECRET = "a brand new webhook secret, long enough"  # noqa: S105 (made up for the tests)
MAX_PAGE_BYTES = 300 * 1024
MAX_QUERIES = 20


def _settings_url(slug: str = "cncf") -> str:
    return f"/github/{slug}/"


def _deliveries_url(slug: str = "cncf") -> str:
    return f"/github/{slug}/deliveries/"


def _client(user: User | None = None, **kwargs: Any) -> Client:
    client = Client(**kwargs)
    if user is not None:
        client.force_login(user)
    return client


def _admin(hub: Hub) -> Client:
    return _client(hub.world.users["admin"])


def _state() -> list[tuple[str, str, str]]:
    return list(
        Connection.objects.order_by("pk").values_list("repository", "secret", "token_variable")
    )


def _projects(world: World, count: int) -> list[Project]:
    return [
        Project.objects.create(
            term=world.term,
            organization=world.jaeger,
            number=3000 + i,
            slug=f"project-{i}",
            title=f"Project {i}",
        )
        for i in range(count)
    ]


def _add_deliveries(hub: Hub, count: int, *, detail: str = "", start: int = 0) -> list[int]:
    """`count` deliveries made directly, every other one with a proposal, each a minute
    newer than the one before; returns their ids, oldest first."""
    projects = _projects(hub.world, 3) if not Project.objects.exists() else []
    projects = projects or list(Project.objects.order_by("pk")[:3])
    rows = Delivery.objects.bulk_create(
        Delivery(
            connection=hub.connection,
            guid=f"bulk-{start + i}",
            event="issue_comment",
            action="created",
            sender=f"user{i}",
            issue_number=4000 + start + i,
            project=projects[i % 3] if i % 2 else None,
            result=Delivery.Result.REFUSED if i % 3 else Delivery.Result.PROCESSED,
            detail=detail or f"detail {start + i}",
        )
        for i in range(count)
    )
    base = timezone.now() - timedelta(days=1)
    for i, row in enumerate(rows):
        Delivery.objects.filter(pk=row.pk).update(received_at=base + timedelta(minutes=start + i))
    return [row.pk for row in rows]


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(db) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr id="delivery-([^"]+)"', html)


# --- who may see them ----------------------------------------------------------------------


@pytest.mark.parametrize("url", [_settings_url(), _deliveries_url()])
def test_anonymous_cannot_see_the_github_pages_and_is_sent_to_sign_in(hub: Hub, url: str):
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=" in response["Location"]


@pytest.mark.parametrize("url", [_settings_url(), _deliveries_url()])
@pytest.mark.parametrize("who", ["maintainer", "outsider", "alice"])
def test_a_non_admin_cannot_see_the_github_pages(hub: Hub, url: str, who: str):
    response = _client(hub.world.users[who]).get(url)
    assert response.status_code == 404
    assert SECRET not in response.content.decode()


@pytest.mark.parametrize("url", [_settings_url("nope"), _deliveries_url("nope")])
@pytest.mark.parametrize("who", ["admin", "maintainer", "outsider"])
def test_nobody_sees_the_github_pages_of_a_program_that_does_not_exist(
    hub: Hub, url: str, who: str
):
    assert _client(hub.world.users[who]).get(url).status_code == 404


@pytest.mark.parametrize("who", ["maintainer", "outsider"])
def test_a_non_admin_cannot_change_the_connection(hub: Hub, who: str):
    before = _state()
    audited = AuditEvent.objects.count()
    response = _client(hub.world.users[who]).post(
        _settings_url(),
        {"repository": "evil/repo", "secret": NEW_SECRET, "token_variable": "STOLEN"},
    )
    assert response.status_code == 404
    assert _state() == before
    assert AuditEvent.objects.count() == audited


def test_an_anonymous_post_changes_nothing(hub: Hub):
    before = _state()
    response = Client().post(
        _settings_url(), {"repository": "evil/repo", "secret": NEW_SECRET, "token_variable": "X"}
    )
    assert response.status_code == 302
    assert _state() == before


# --- the settings page ---------------------------------------------------------------------


def test_the_admin_sees_the_form_and_the_webhook_address_before_connecting(world: World, settings):
    settings.SITE_URL = "https://cohort.example.org"
    response = _client(world.users["admin"]).get(_settings_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="github-not-connected"' in html
    assert "https://cohort.example.org/webhooks/github/cncf/" in html
    assert 'name="repository"' in html
    assert 'name="secret"' in html
    assert 'name="token_variable"' in html
    assert "Saved (never shown)" not in html


def test_the_admin_sees_the_connection_but_never_the_secret(hub: Hub, settings):
    settings.SITE_URL = "https://cohort.example.org/"
    hub.deliver("ping", payload("ping"))

    response = _admin(hub).get(_settings_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="github-connection"' in html
    assert f'href="https://github.com/{REPOSITORY}"' in html
    assert '<code id="webhook-url">https://cohort.example.org/webhooks/github/cncf/</code>' in html
    assert "Saved (never shown)" in html
    assert "COHORT_GITHUB_TOKEN" in html
    assert 'value="cncf/mentoring"' in html  # the form starts from what is saved
    assert SECRET not in html
    assert SECRET.replace(" ", "&#x20;") not in html
    assert 'id="recent-deliveries"' in html


def test_the_admin_can_change_the_repository_and_an_empty_secret_keeps_the_stored_one(hub: Hub):
    response = _admin(hub).post(
        _settings_url(),
        {"repository": "cncf/mentoring-2027", "secret": "", "token_variable": "CNCF_TOKEN"},
    )

    assert response.status_code == 302
    assert response["Location"] == _settings_url()
    assert _state() == [("cncf/mentoring-2027", SECRET, "CNCF_TOKEN")]
    event = AuditEvent.objects.filter(action="github.connection.saved").latest("pk")
    assert event.actor == hub.world.users["admin"]
    assert event.data["secret_changed"] is False
    assert Connection.objects.get().updated_by == hub.world.users["admin"]


def test_the_admin_can_replace_the_secret_and_it_is_not_shown_after(hub: Hub):
    client = _admin(hub)
    response = client.post(
        _settings_url(),
        {
            "repository": "https://github.com/cncf/mentoring",
            "secret": NEW_SECRET,
            "token_variable": "COHORT_GITHUB_TOKEN",
        },
        follow=True,
    )

    assert response.status_code == 200
    assert _state() == [(REPOSITORY, NEW_SECRET, "COHORT_GITHUB_TOKEN")]
    html = response.content.decode()
    assert "Saved: CNCF LFX Mentorship reads the issues of cncf/mentoring." in html
    assert NEW_SECRET not in html
    event = AuditEvent.objects.filter(action="github.connection.saved").latest("pk")
    assert NEW_SECRET not in json.dumps(event.data)


def test_the_admin_connects_a_program_for_the_first_time(world: World):
    response = _client(world.users["admin"]).post(
        _settings_url(),
        {"repository": "cncf/mentoring", "secret": NEW_SECRET, "token_variable": ""},
    )
    # The form requires a token variable: nothing is saved without one.
    assert response.status_code == 400
    assert not Connection.objects.exists()

    response = _client(world.users["admin"]).post(
        _settings_url(),
        {"repository": "cncf/mentoring", "secret": NEW_SECRET, "token_variable": "GH_TOKEN"},
    )
    assert response.status_code == 302
    assert _state() == [(REPOSITORY, NEW_SECRET, "GH_TOKEN")]


def test_a_first_connection_without_a_secret_is_refused(world: World):
    response = _client(world.users["admin"]).post(
        _settings_url(),
        {"repository": "cncf/mentoring", "secret": "", "token_variable": "GH_TOKEN"},
    )
    assert response.status_code == 400
    assert "A new connection needs a webhook secret." in response.content.decode()
    assert not Connection.objects.exists()


@pytest.mark.parametrize(
    ("repository", "secret", "variable", "error"),
    [
        ("not a repo", NEW_SECRET, "COHORT_GITHUB_TOKEN", "is not a GitHub repository"),
        ("a/b/c", NEW_SECRET, "COHORT_GITHUB_TOKEN", "is not a GitHub repository"),
        ("cncf/other", "too short", "COHORT_GITHUB_TOKEN", "at least 16 characters"),
        ("cncf/other", NEW_SECRET, "A-B", "is not an environment variable name"),
    ],
)
def test_a_bad_connection_is_shown_again_with_the_error_and_nothing_is_saved(
    hub: Hub, repository: str, secret: str, variable: str, error: str
):
    before = _state()
    audited = AuditEvent.objects.count()
    response = _admin(hub).post(
        _settings_url(),
        {"repository": repository, "secret": secret, "token_variable": variable},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was saved:" in html
    assert error in html
    assert 'name="repository"' in html
    assert f'value="{secret}"' not in html  # the secret field is never filled in
    assert NEW_SECRET not in html
    assert SECRET not in html
    assert _state() == before
    assert AuditEvent.objects.count() == audited


# --- CSRF ----------------------------------------------------------------------------------


def test_the_settings_post_needs_a_csrf_token_but_the_signed_webhook_does_not(hub: Hub):
    before = _state()
    client = _client(hub.world.users["admin"], enforce_csrf_checks=True)
    refused = client.post(
        _settings_url(),
        {"repository": "evil/repo", "secret": NEW_SECRET, "token_variable": "X"},
    )
    assert refused.status_code == 403
    assert _state() == before

    body = json.dumps(payload("ping")).encode()
    delivered = Client(enforce_csrf_checks=True).post(
        "/webhooks/github/cncf/",
        data=body,
        content_type="application/json",
        headers={
            "X-GitHub-Event": "ping",
            "X-GitHub-Delivery": str(uuid.uuid4()),
            "X-Hub-Signature-256": signed(body, SECRET.encode()),
        },
    )
    assert delivered.status_code == 200, delivered.content
    assert Delivery.objects.get().event == "ping"


def test_the_settings_post_with_the_pages_csrf_token_is_taken(hub: Hub):
    client = _client(hub.world.users["admin"], enforce_csrf_checks=True)
    page = client.get(_settings_url())
    token = page.context["csrf_token"]
    response = client.post(
        _settings_url(),
        {
            "repository": "cncf/other",
            "secret": "",
            "token_variable": "COHORT_GITHUB_TOKEN",
            "csrfmiddlewaretoken": str(token),
        },
    )
    assert response.status_code == 302
    assert _state()[0][0] == "cncf/other"


# --- the deliveries page -------------------------------------------------------------------


def test_the_deliveries_page_says_when_there_are_none(hub: Hub):
    response = _admin(hub).get(_deliveries_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "No deliveries yet" in html
    assert _rows(html) == []


def test_the_deliveries_page_lists_what_came_of_each_delivery_newest_first(hub: Hub):
    hub.deliver("ping", payload("ping"), guid="guid-ping")
    hub.open_issue(2001, guid="guid-opened")
    hub.deliver(
        "issues",
        payload("issues.labeled", **{"repository.full_name": REPOSITORY}),
        guid="guid-labeled",
    )
    base = timezone.now() - timedelta(hours=1)
    for i, guid in enumerate(["guid-ping", "guid-opened", "guid-labeled"]):
        Delivery.objects.filter(guid=guid).update(received_at=base + timedelta(minutes=i))
    project = Project.objects.get(number=2001)

    response = _admin(hub).get(_deliveries_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert "No deliveries yet" not in html
    assert _rows(html) == ["guid-labeled", "guid-opened", "guid-ping"]
    opened = html.split('id="delivery-guid-opened"')[1].split("</tr>")[0]
    assert "<code>issues.opened</code>" in opened
    assert f'href="https://github.com/{REPOSITORY}/issues/2001"' in opened
    assert "Processed" in opened
    assert f'href="{reverse("proposals:detail", args=[project.pk])}"' in opened
    assert f"#2001 {project.title}" in opened
    labeled = html.split('id="delivery-guid-labeled"')[1].split("</tr>")[0]
    assert "<code>issues.labeled</code>" in labeled
    assert "Ignored" in labeled
    assert "/proposals/" not in labeled
    ping = html.split('id="delivery-guid-ping"')[1].split("</tr>")[0]
    assert "<code>ping</code>" in ping
    assert "github.com" not in ping  # no issue, no link


def test_the_deliveries_page_shows_the_latest_100(hub: Hub):
    ids = _add_deliveries(hub, 130)

    html = _admin(hub).get(_deliveries_url()).content.decode()

    rows = _rows(html)
    assert len(rows) == 100
    expected = list(
        Delivery.objects.filter(pk__in=ids).order_by("-received_at").values_list("guid", flat=True)
    )[:100]
    assert rows == expected
    assert rows[0] == "bulk-129"
    assert rows[-1] == "bulk-30"
    assert "bulk-29" not in rows


def test_the_deliveries_page_of_a_program_shows_only_its_own_deliveries(hub: Hub):
    from cohort.github.services import connect
    from cohort.terms.models import Program

    other = Program.objects.create(name="Other", slug="other")
    theirs = connect(other, repository="other/repo", secret=NEW_SECRET, actor=None)
    Delivery.objects.create(
        connection=theirs, guid="theirs", event="ping", result=Delivery.Result.PROCESSED
    )
    hub.deliver("ping", payload("ping"), guid="ours")

    html = _admin(hub).get(_deliveries_url()).content.decode()

    assert _rows(html) == ["ours"]


# --- queries and size ----------------------------------------------------------------------


@pytest.mark.parametrize("url", [_settings_url(), _deliveries_url()])
def test_a_github_page_takes_as_many_queries_for_150_deliveries_as_for_3(hub: Hub, url: str):
    client = _admin(hub)
    _add_deliveries(hub, 3)
    few = _queries(client, url)
    _add_deliveries(hub, 147, start=3)
    assert Delivery.objects.filter(project__isnull=False).exists()
    assert Delivery.objects.filter(project__isnull=True).exists()
    many = _queries(client, url)

    assert few == many
    assert many <= MAX_QUERIES


@pytest.mark.parametrize("url", [_settings_url(), _deliveries_url()])
def test_a_github_page_is_under_300_kb_with_100_deliveries_with_long_details(hub: Hub, url: str):
    # A refusal names every rule a proposal broke; 2,000 characters is a long one.
    detail = ("The proposal's mentors must be listed with their GitHub handles. " * 32)[:2000]
    _add_deliveries(hub, 100, detail=detail)

    response = _admin(hub).get(url)

    assert response.status_code == 200
    assert len(response.content) < MAX_PAGE_BYTES


def test_the_deliveries_page_stays_under_300_kb_when_signed_deliveries_carry_huge_text(
    hub: Hub,
):
    name = "someone/" + "x" * 20_000
    response = hub.deliver("issues", payload("issues.opened", **{"repository.full_name": name}))
    assert response.status_code == 202
    detail = Delivery.objects.get().detail  # what a signed delivery can make it
    Delivery.objects.all().delete()
    _add_deliveries(hub, 100, detail=detail)

    response = _admin(hub).get(_deliveries_url())

    assert response.status_code == 200
    assert len(response.content) < MAX_PAGE_BYTES


def test_the_admin_of_another_program_cannot_see_or_change_this_ones_github(hub: Hub):
    from cohort.terms.models import Program, ProgramMembership

    other = Program.objects.create(name="Other", slug="other")
    stranger = User.objects.create_user("other-admin", password="x")
    ProgramMembership.objects.create(program=other, user=stranger)
    client = _client(stranger)
    before = _state()

    assert client.get(_settings_url()).status_code == 404
    assert client.get(_deliveries_url()).status_code == 404
    assert client.get(_settings_url("other")).status_code == 200
    response = client.post(
        _settings_url(), {"repository": "evil/repo", "secret": "", "token_variable": "X"}
    )
    assert response.status_code == 404
    assert _state() == before


def test_the_settings_page_never_shows_the_api_token_only_its_variable(hub: Hub):
    html = _admin(hub).get(_settings_url()).content.decode()
    assert "<code>COHORT_GITHUB_TOKEN</code> is set on this server" in html
    assert hub.fake.token not in html


def test_a_deliverys_detail_is_shown_as_text_not_html(hub: Hub):
    _add_deliveries(hub, 1, detail='<script>alert("x")</script>\nsecond line')
    html = _admin(hub).get(_deliveries_url()).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<br>second line" in html
