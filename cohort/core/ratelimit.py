"""Rate limits on applying and uploading, per user and per client IP (DESIGN §7).

A limit is written "N/period/scope": at most N hits per period (s, m, h, d, optionally with a
count, "5/10m/ip") per user or per IP; `settings.COHORT_RATE_LIMITS` maps an action to a
comma-separated list of limits. Counts are fixed windows in Django's cache, a key per
action, user or IP, limit and window, counted with an atomic `add` then `incr`. With
CACHE_URL=redis://… (docs/deploy.md) every process counts in the one Redis, so a limit holds
across gunicorn workers; the default local-memory cache counts per process (a limit is then
multiplied by the number of workers): fine for one process, not for production.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from cohort.core.errors import DomainError

_LIMIT = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*/\s*(user|ip)\s*$")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class RateLimitError(DomainError):
    http_status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int
    scope: str  # "user" or "ip"


def parse_limits(text: str) -> list[Limit]:
    limits = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        match = _LIMIT.match(part)
        if match is None:
            raise ValueError(f"{part!r} is not a rate limit such as 20/h/user or 100/10m/ip.")
        count, multiple, unit, scope = match.groups()
        limits.append(Limit(int(count), int(multiple or 1) * _SECONDS[unit], scope))
    return limits


def client_ip(request: HttpRequest) -> str:
    """The client's address; behind a TLS proxy (BEHIND_TLS_PROXY) the proxy's last hop."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        return str(forwarded.split(",")[-1].strip())
    return str(request.META.get("REMOTE_ADDR", ""))


def hit(action: str, request: HttpRequest) -> None:
    """Count one `action` by the request's user and IP; raise `RateLimitError` past a limit.

    The hit that crosses a limit is refused and not counted as done; the caller has written
    nothing yet, so the user can come back after `retry_after` seconds with the same form.
    """
    text = settings.COHORT_RATE_LIMITS.get(action, "")
    now = int(time.time())
    # An API call with a bearer token carries its user in `request.auth`, not `request.user`.
    user = getattr(request, "auth", None) or getattr(request, "user", None)
    for limit in parse_limits(text):
        if limit.scope == "user":
            if not getattr(user, "is_authenticated", False):
                continue
            who = f"u{user.pk}"  # type: ignore[union-attr]  # is_authenticated implies a user
        else:
            who = f"ip{client_ip(request)}"
        window = now // limit.seconds
        # The count is part of the key: two limits of one scope and period ("2/m/user,5/m/user")
        # must not share (and double-count) one counter.
        key = f"rl:{action}:{who}:{limit.count}/{limit.seconds}:{window}"
        cache.add(key, 0, timeout=limit.seconds + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=limit.seconds + 1)
            count = 1
        if count > limit.count:
            retry = (window + 1) * limit.seconds - now
            raise RateLimitError(
                f"Too many attempts: at most {limit.count} per {_describe(limit.seconds)} "
                f"from one {'account' if limit.scope == 'user' else 'network address'}. "
                f"Try again in {_describe(retry)}; what you entered is kept.",
                retry_after=retry,
            )


def _describe(seconds: int) -> str:
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            n = seconds // size
            return f"{n} {unit}{'s' if n != 1 else ''}" if n != 1 else unit
    if seconds >= 60:
        minutes = -(-seconds // 60)
        return f"{minutes} minutes"
    return f"{seconds} second{'s' if seconds != 1 else ''}"
