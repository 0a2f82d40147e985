"""Rate limits per user and per IP, counted in the (locmem) cache: no database."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine
from django.conf import LazySettings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.test import RequestFactory

from cohort.core.errors import DomainError
from cohort.core.ratelimit import Limit, RateLimitError, client_ip, hit, parse_limits

# 12:00:10 UTC: 10 s into a minute, 10 s into an hour.
START = datetime(2024, 8, 1, 12, 0, 10, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _locmem(settings: LazySettings) -> Iterator[None]:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def request(user_pk: int | None = None, ip: str = "192.0.2.1") -> Any:
    req: Any = RequestFactory().post("/", REMOTE_ADDR=ip)
    req.user = (
        AnonymousUser() if user_pk is None else SimpleNamespace(pk=user_pk, is_authenticated=True)
    )
    return req


# --- parse_limits ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "limits"),
    [
        ("20/h/user", [Limit(20, 3600, "user")]),
        ("100/10m/ip", [Limit(100, 600, "ip")]),
        (" 5 / s / ip , 3/2d/user ", [Limit(5, 1, "ip"), Limit(3, 172800, "user")]),
        ("20/h/user,60/h/ip", [Limit(20, 3600, "user"), Limit(60, 3600, "ip")]),
        ("", []),
        (" , ", []),
    ],
)
def test_parse_valid_limits(text: str, limits: list[Limit]) -> None:
    assert parse_limits(text) == limits


@pytest.mark.parametrize("text", ["20/h", "20/w/user", "x/h/user", "20/h/email", "20/-1m/ip"])
def test_parse_invalid_limits(text: str) -> None:
    with pytest.raises(ValueError, match="is not a rate limit such as 20/h/user"):
        parse_limits(text)


# --- hit --------------------------------------------------------------------------------------


def test_per_user_limit(settings: LazySettings, clock: Any) -> None:
    settings.COHORT_RATE_LIMITS = {"apply": "3/m/user"}
    for _ in range(3):
        hit("apply", request(1))
    with pytest.raises(RateLimitError) as refused:
        hit("apply", request(1, ip="198.51.100.7"))  # another address: still the same user
    assert isinstance(refused.value, DomainError)
    assert refused.value.retry_after == 50  # the minute ends 50 s after 12:00:10
    assert str(refused.value) == (
        "Too many attempts: at most 3 per minute from one account. "
        "Try again in 50 seconds; what you entered is kept."
    )
    hit("apply", request(2))  # another user is not affected
    clock.shift(50)  # the next window
    hit("apply", request(1))


def test_per_user_limit_ignores_anonymous_requests(settings: LazySettings, clock: Any) -> None:
    settings.COHORT_RATE_LIMITS = {"apply": "1/m/user"}
    for _ in range(5):
        hit("apply", request(None))


def test_per_ip_limit(settings: LazySettings, clock: Any) -> None:
    settings.COHORT_RATE_LIMITS = {"upload": "2/h/ip"}
    hit("upload", request(1))
    hit("upload", request(2))  # another user, the same address
    with pytest.raises(RateLimitError) as refused:
        hit("upload", request(None))
    assert refused.value.retry_after == 3600 - 10
    assert "at most 2 per hour from one network address" in str(refused.value)
    assert "Try again in 60 minutes" in str(refused.value)
    hit("upload", request(1, ip="203.0.113.9"))  # another address


def test_actions_are_counted_apart(settings: LazySettings, clock: Any) -> None:
    settings.COHORT_RATE_LIMITS = {"apply": "1/m/user", "upload": "1/m/user"}
    hit("apply", request(1))
    hit("upload", request(1))
    with pytest.raises(RateLimitError):
        hit("apply", request(1))


def test_an_action_without_limits_is_never_refused(settings: LazySettings, clock: Any) -> None:
    settings.COHORT_RATE_LIMITS = {}
    for _ in range(50):
        hit("apply", request(1))


def test_two_limits_of_the_same_scope_and_period_count_apart(
    settings: LazySettings, clock: Any
) -> None:
    # Each limit keeps its own counter: "2/m" allows two hits even beside "5/m".
    settings.COHORT_RATE_LIMITS = {"apply": "2/m/user,5/m/user"}
    hit("apply", request(1))
    hit("apply", request(1))
    with pytest.raises(RateLimitError) as refused:
        hit("apply", request(1))
    assert "at most 2 per minute" in str(refused.value)


def test_the_longer_window_refuses_after_the_shorter_one_resets(
    settings: LazySettings, clock: Any
) -> None:
    settings.COHORT_RATE_LIMITS = {"apply": "2/m/user,3/h/user"}
    hit("apply", request(1))
    hit("apply", request(1))
    clock.shift(60)
    hit("apply", request(1))
    with pytest.raises(RateLimitError) as refused:
        hit("apply", request(1))
    assert "at most 3 per hour" in str(refused.value)
    assert refused.value.retry_after == 3600 - 70


def test_client_ip_uses_the_proxy_header_only_behind_a_proxy(settings: LazySettings) -> None:
    req = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 192.0.2.50"
    )
    settings.SECURE_PROXY_SSL_HEADER = None
    assert client_ip(req) == "10.0.0.1"
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert client_ip(req) == "192.0.2.50"
