"""API tokens (spec/style.md C): prefixed, stored hashed, checked in constant time, revocable."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from cohort.core import tokens
from cohort.core.errors import DomainError
from cohort.core.models import ApiToken, AuditEvent, User

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 7, 1, 12, tzinfo=UTC)


@pytest.fixture
def alice() -> User:
    return User.objects.create_user("alice", password="x")


def test_a_token_is_prefixed_and_only_its_digest_is_stored(alice):
    token, raw = tokens.create_api_token(alice, name="CI")
    assert raw.startswith("cohort_" + token.prefix)
    assert len(token.prefix) == 8
    assert len(raw) > len("cohort_") + 8 + 40
    stored = ApiToken.objects.values().get(pk=token.pk)
    assert all(raw not in str(value) for value in stored.values())
    assert stored["digest"] == tokens.token_digest(raw)
    assert len(stored["digest"]) == 64
    assert AuditEvent.objects.filter(action="core.api_token.created").count() == 1


def test_the_right_token_authenticates_its_user(alice):
    _, raw = tokens.create_api_token(alice, name="CI")
    assert tokens.authenticate_token(raw) == alice


@pytest.mark.parametrize(
    "mangle",
    [
        lambda raw: raw[:-1] + ("A" if raw[-1] != "A" else "B"),  # right prefix, wrong secret
        lambda raw: raw[: len("cohort_") + 8],  # the prefix alone
        lambda raw: raw.removeprefix("cohort_"),
        lambda raw: "",
        lambda raw: "cohort_",
    ],
)
def test_a_wrong_token_fails(alice, mangle):
    _, raw = tokens.create_api_token(alice, name="CI")
    assert tokens.authenticate_token(mangle(raw)) is None


def test_a_revoked_token_fails_and_revoking_is_audited(alice):
    token, raw = tokens.create_api_token(alice, name="CI")
    tokens.revoke_api_token(token, actor=alice)
    tokens.revoke_api_token(token, actor=alice)  # twice changes nothing
    assert tokens.authenticate_token(raw) is None
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(action="core.api_token.revoked").count() == 1


def test_only_the_owner_or_a_superuser_can_revoke(alice):
    token, raw = tokens.create_api_token(alice, name="CI")
    bob = User.objects.create_user("bob", password="x")
    with pytest.raises(DomainError):
        tokens.revoke_api_token(token, actor=bob)
    assert tokens.authenticate_token(raw) == alice
    root = User.objects.create_superuser("root", password="x")
    tokens.revoke_api_token(token, actor=root)
    assert tokens.authenticate_token(raw) is None


def test_an_inactive_users_token_fails(alice):
    _, raw = tokens.create_api_token(alice, name="CI")
    alice.is_active = False
    alice.save()
    assert tokens.authenticate_token(raw) is None


def test_a_token_survives_a_key_rotation_through_the_fallbacks(alice, settings):
    _, raw = tokens.create_api_token(alice, name="CI")
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-key-" + "x" * 50
    assert tokens.authenticate_token(raw) == alice
    settings.SECRET_KEY_FALLBACKS = []
    assert tokens.authenticate_token(raw) is None


def test_last_used_is_recorded_at_most_once_a_minute(alice):
    token, raw = tokens.create_api_token(alice, name="CI")
    with time_machine.travel(NOW, tick=False):
        tokens.authenticate_token(raw)
    with time_machine.travel(NOW + timedelta(seconds=30), tick=False):
        tokens.authenticate_token(raw)
    token.refresh_from_db()
    assert token.last_used_at == NOW
    with time_machine.travel(NOW + timedelta(seconds=61), tick=False):
        tokens.authenticate_token(raw)
    token.refresh_from_db()
    assert token.last_used_at == NOW + timedelta(seconds=61)


def test_a_token_needs_a_name(alice):
    with pytest.raises(DomainError):
        tokens.create_api_token(alice, name="  ")


def test_the_command_prints_the_token_once(alice):
    out, err = StringIO(), StringIO()
    call_command("create_api_token", "alice", "--name", "laptop", stdout=out, stderr=err)
    raw = out.getvalue().strip()
    assert tokens.authenticate_token(raw) == alice
    assert raw not in err.getvalue()
    assert ApiToken.objects.get(user=alice).name == "laptop"
    with pytest.raises(CommandError, match="No user"):
        call_command("create_api_token", "nobody", "--name", "x", stdout=out, stderr=err)
