"""Accounts: local login and sign-up, allauth's rate limits, GitHub login and Person linking.

GitHub is tested without the network. `test_github_login_links_the_person` runs allauth's
real OAuth2 flow (login POST → redirect with `state` → callback) and replaces only the HTTP
session allauth opens to talk to GitHub (`DefaultSocialAccountAdapter.get_requests_session`,
its one way out): the fake answers the token exchange and `GET /user`. Everything between,
state checking, auto sign-up and the `user_logged_in` receiver, is allauth's and ours as
deployed. Whether the provider is on is tested twice: `github_provider()` for the rule, and
a fresh interpreter that reads `GITHUB_CLIENT_ID` / `GITHUB_SECRET` for the wiring.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from cohort.core.models import AuditEvent, Person, User
from cohort.core.services import link_person_to_user
from config.settings import BASE_DIR, github_provider

GITHUB_ON = {"github": github_provider("client-id", "client-secret")}
GITHUB_OFF: dict[str, Any] = {"github": github_provider("", "")}


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()  # allauth counts attempts in the cache
    yield
    cache.clear()


def per_key_limit(action: str) -> int:
    """The amount of the `…/key` part of allauth's rate limit for `action`."""
    parts = settings.ACCOUNT_RATE_LIMITS[action].split(",")
    return next(int(p.split("/")[0]) for p in parts if p.endswith("/key"))


def per_ip_limit(action: str) -> int:
    parts = settings.ACCOUNT_RATE_LIMITS[action].split(",")
    return next(int(p.split("/")[0]) for p in parts if p.endswith("/ip"))


# --- local accounts ------------------------------------------------------------------------


def test_login_url_is_allauths():
    assert reverse(settings.LOGIN_URL) == "/accounts/login/"


def test_user_can_log_in_with_a_local_account(client, db):
    user = User.objects.create_user("dana", password="a long passphrase")
    page = client.get(reverse("account_login"))
    assert page.status_code == 200
    assert b"Log in with GitHub" not in page.content  # no GitHub app configured in tests
    response = client.post(
        reverse("account_login"), {"login": "dana", "password": "a long passphrase"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_user_cannot_log_in_with_a_wrong_password(client, db):
    User.objects.create_user("dana", password="a long passphrase")
    response = client.post(reverse("account_login"), {"login": "dana", "password": "wrong"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_visitor_can_sign_up(client, db):
    response = client.post(
        reverse("account_signup"),
        {
            "username": "erin",
            "email": "erin@example.org",
            "password1": "correct horse battery",
            "password2": "correct horse battery",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="erin")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert not Person.objects.filter(user=user).exists()  # only GitHub links a Person


def test_visitor_cannot_sign_up_when_sign_up_is_closed(client, db, settings):
    settings.COHORT_SIGNUP_OPEN = False
    page = client.get(reverse("account_signup"))
    assert b"Sign-up is closed" in page.content
    client.post(
        reverse("account_signup"),
        {"username": "erin", "password1": "correct horse", "password2": "correct horse"},
    )
    assert not User.objects.filter(username="erin").exists()


def test_user_can_log_out(client, db):
    user = User.objects.create_user("dana", password="x")
    client.force_login(user)
    assert client.get(reverse("account_logout")).status_code == 200
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_account_pages_send_no_inline_script_or_style(client, db):
    for name in ("account_login", "account_signup", "account_reset_password"):
        body = client.get(reverse(name)).content
        assert b"<script" not in body
        assert b"<style" not in body
        assert b" style=" not in body


# --- rate limits ---------------------------------------------------------------------------


# Addresses from the documentation ranges (RFC 5737, RFC 3849): only REMOTE_ADDR values.
STRANGER, OWNER = "198.51.100.7", "192.0.2.10"


def fail(client: Client, login: str, times: int) -> None:
    for _ in range(times):
        client.post(reverse("account_login"), {"login": login, "password": "wrong"})


def log_in(client: Client, login: str = "dana") -> Any:
    return client.post(reverse("account_login"), {"login": login, "password": "a long passphrase"})


def test_login_is_throttled_after_the_failed_attempts_from_one_address(db):
    User.objects.create_user("dana", password="a long passphrase")
    client = Client(REMOTE_ADDR=STRANGER)
    fail(client, "dana", per_key_limit("login_failed"))
    response = log_in(client)
    assert "_auth_user_id" not in client.session  # the right password is refused too
    assert b"Too many failed login attempts" in response.content


def test_login_works_just_below_the_failed_attempts_limit(db):
    User.objects.create_user("dana", password="a long passphrase")
    client = Client(REMOTE_ADDR=OWNER)
    fail(client, "dana", per_key_limit("login_failed") - 1)
    log_in(client)
    assert "_auth_user_id" in client.session


def test_owner_can_log_in_while_a_stranger_fails_on_their_account(db):
    """A stranger who knows the username cannot lock its owner out (issue 10 finding 13)."""
    User.objects.create_user("dana", password="a long passphrase")
    stranger = Client(REMOTE_ADDR=STRANGER)
    fail(stranger, "dana", 4 * per_key_limit("login_failed"))
    assert b"Too many failed login attempts" in log_in(stranger).content
    owner = Client(REMOTE_ADDR=OWNER)
    log_in(owner)
    assert "_auth_user_id" in owner.session


def test_the_host_header_does_not_reset_the_failed_attempts(db, settings):
    """Hosts that ALLOWED_HOSTS lets in as one (another port, case, a trailing dot), or two
    servers behind different ports, share one count of an account's failures."""
    settings.ALLOWED_HOSTS = ["cohort.example.org"]
    User.objects.create_user("dana", password="a long passphrase")
    hosts = ["cohort.example.org", "cohort.example.org:8001", "COHORT.example.org"]
    for n in range(per_key_limit("login_failed")):
        client = Client(REMOTE_ADDR=STRANGER, HTTP_HOST=hosts[n % len(hosts)])
        fail(client, "dana", 1)
    client = Client(REMOTE_ADDR=STRANGER, HTTP_HOST="cohort.example.org.")
    assert b"Too many failed login attempts" in log_in(client).content


def test_throttle_lifts_after_a_minute(db):
    import time_machine

    User.objects.create_user("dana", password="a long passphrase")
    with time_machine.travel("2026-12-01 12:00:00Z", tick=False) as clock:
        client = Client(REMOTE_ADDR=STRANGER)
        fail(client, "dana", per_key_limit("login_failed"))
        assert b"Too many failed login attempts" in log_in(client).content
        clock.shift(61)
        log_in(client)
        assert "_auth_user_id" in client.session


def test_one_address_is_capped_across_accounts(db):
    """Guessing many accounts from one address hits the per-address limit."""
    User.objects.create_user("dana", password="a long passphrase")
    client = Client(REMOTE_ADDR=STRANGER)
    for n in range(per_ip_limit("login_failed")):
        fail(client, f"someone{n}", 1)
    assert b"Too many failed login attempts" in log_in(client).content


def test_an_ipv6_client_counts_as_its_64() -> None:
    from cohort.core.accounts import client_network

    assert client_network("2001:db8:1:2:aaaa::1") == client_network("2001:db8:1:2:bbbb::9")
    assert client_network("2001:db8:1:3::1") != client_network("2001:db8:1:2::1")
    assert client_network("192.0.2.10") == "192.0.2.10"


def test_sign_up_is_rate_limited_per_ip(db):
    data = {"username": "x", "password1": "one passphrase", "password2": "another one"}
    url = reverse("account_signup")
    for _ in range(per_ip_limit("signup")):
        assert Client().post(url, data).status_code == 200  # a form error, but counted
    response = Client().post(url, data)
    assert response.status_code == 429
    assert b"Too many attempts" in response.content


# --- GitHub --------------------------------------------------------------------------------


def test_github_provider_needs_both_client_id_and_secret():
    assert github_provider("", "") == {}
    assert github_provider("id", "") == {}
    assert github_provider("", "secret") == {}
    apps = github_provider("id", "secret")["APPS"]
    assert [(a["client_id"], a["secret"]) for a in apps] == [("id", "secret")]


@pytest.mark.parametrize(
    ("env", "configured"),
    [
        ({"GITHUB_CLIENT_ID": "id", "GITHUB_SECRET": "secret"}, True),
        ({"GITHUB_CLIENT_ID": "id"}, False),
        ({"GITHUB_SECRET": "secret"}, False),
        ({}, False),
    ],
)
def test_github_provider_is_configured_from_the_environment(env, configured):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.SOCIALACCOUNT_PROVIDERS['github']))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **env, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1"},
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    github = json.loads(out.stdout)
    assert bool(github.get("APPS")) is configured


def test_login_page_offers_github_only_when_configured(client, db, settings):
    settings.SOCIALACCOUNT_PROVIDERS = GITHUB_ON
    assert b"Log in with GitHub" in client.get(reverse("account_login")).content
    settings.SOCIALACCOUNT_PROVIDERS = GITHUB_OFF
    assert b"Log in with GitHub" not in client.get(reverse("account_login")).content


class FakeResponse:
    def __init__(self, payload: dict[str, Any]) -> None:
        self.status_code = 200
        self.headers = {"content-type": "application/json"}
        self.text = json.dumps(payload)
        self.content = self.text.encode()
        self._payload = payload

    def json(self) -> dict[str, Any]:
        return self._payload

    def raise_for_status(self) -> None:
        return None


class FakeGitHub:
    """Stands in for the requests session allauth uses to reach GitHub."""

    def __init__(self, profile: dict[str, Any]) -> None:
        self.profile = profile
        self.calls: list[str] = []

    def __enter__(self) -> FakeGitHub:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def request(self, method: str, url: str, **kwargs: Any) -> FakeResponse:
        self.calls.append(url)
        assert url == "https://github.com/login/oauth/access_token"
        return FakeResponse({"access_token": "gho_test", "token_type": "bearer"})

    def get(self, url: str, **kwargs: Any) -> FakeResponse:
        self.calls.append(url)
        assert url == "https://api.github.com/user"
        return FakeResponse(self.profile)


def github_login(client: Client, profile: dict[str, Any]) -> FakeGitHub:
    """Run allauth's GitHub OAuth2 flow with GitHub's HTTP answers faked."""
    response = client.post(reverse("github_login"), {"process": "login"})
    assert response.status_code == 302
    authorize = urlsplit(response["Location"])
    assert authorize.netloc == "github.com"
    state = parse_qs(authorize.query)["state"][0]
    fake = FakeGitHub(profile)
    with mock.patch.object(DefaultSocialAccountAdapter, "get_requests_session", return_value=fake):
        response = client.get(reverse("github_callback"), {"code": "abc", "state": state})
    assert response.status_code == 302, response.content
    return fake


def test_github_login_links_the_person(client, db, settings):
    settings.SOCIALACCOUNT_PROVIDERS = GITHUB_ON
    person = Person.objects.create(name="Alice Doe", github="AliceDoe")
    fake = github_login(client, {"id": 101, "login": "alicedoe", "name": "Alice Doe"})
    assert len(fake.calls) == 2
    user = User.objects.get(pk=client.session["_auth_user_id"])
    person.refresh_from_db()
    assert person.user == user
    assert AuditEvent.objects.filter(action="core.person.linked").count() == 1


def test_github_login_links_a_person_imported_after_sign_up(client, db, settings):
    settings.SOCIALACCOUNT_PROVIDERS = GITHUB_ON
    profile = {"id": 102, "login": "bobroe", "name": "Bob Roe"}
    github_login(client, profile)
    client.logout()
    person = Person.objects.create(name="Bob Roe", github="bobroe")
    github_login(client, profile)
    person.refresh_from_db()
    assert person.user is not None
    assert person.user.pk == int(client.session["_auth_user_id"])


def test_github_login_never_takes_a_linked_person(client, db, settings):
    settings.SOCIALACCOUNT_PROVIDERS = GITHUB_ON
    owner = User.objects.create_user("carol", password="x")
    person = Person.objects.create(name="Carol", github="carol", user=owner)
    github_login(client, {"id": 103, "login": "carol", "name": "Carol"})
    person.refresh_from_db()
    assert person.user == owner
    assert client.session["_auth_user_id"] != str(owner.pk)


# --- linking rules (the service) -----------------------------------------------------------


def test_link_person_links_when_the_handle_matches_an_unlinked_person(db):
    user = User.objects.create_user("u", password="x")
    person = Person.objects.create(name="Alice", github="alice")
    assert link_person_to_user(user, github="alice") == person
    person.refresh_from_db()
    assert person.user == user


@pytest.mark.parametrize("handle", ["ALICE", "Alice", "@alice", " alice "])
def test_link_person_ignores_case_and_decoration(db, handle):
    user = User.objects.create_user("u", password="x")
    person = Person.objects.create(name="Alice", github="aLiCe")
    assert link_person_to_user(user, github=handle) == person


def test_link_person_never_steals_a_linked_person(db):
    owner = User.objects.create_user("owner", password="x")
    other = User.objects.create_user("other", password="x")
    person = Person.objects.create(name="Alice", github="alice", user=owner)
    assert link_person_to_user(other, github="alice") is None
    person.refresh_from_db()
    assert person.user == owner
    assert not AuditEvent.objects.filter(action="core.person.linked").exists()


def test_link_person_keeps_the_users_own_person(db):
    user = User.objects.create_user("u", password="x")
    mine = Person.objects.create(name="Me", github="me", user=user)
    other = Person.objects.create(name="Alice", github="alice")
    assert link_person_to_user(user, github="alice") is None
    other.refresh_from_db()
    assert other.user is None
    assert link_person_to_user(user, github="ME") == mine  # already linked: unchanged


@pytest.mark.parametrize("handle", ["", "  ", "@", "nobody"])
def test_link_person_does_nothing_without_a_matching_person(db, handle):
    user = User.objects.create_user("u", password="x")
    Person.objects.create(name="Blank", email="blank@example.org")  # no handle
    assert link_person_to_user(user, github=handle) is None
    assert not Person.objects.filter(user=user).exists()


def test_local_sign_up_with_a_mentors_handle_as_username_does_not_link(client, db):
    person = Person.objects.create(name="Alice", github="alice")
    client.post(
        reverse("account_signup"),
        {"username": "alice", "password1": "correct horse 1", "password2": "correct horse 1"},
    )
    assert User.objects.filter(username="alice").exists()
    person.refresh_from_db()
    assert person.user is None
