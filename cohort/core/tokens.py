"""API tokens for scripts (DESIGN §5, spec/style.md C): prefixed, hashed, checked in constant time.

A token reads `cohort_<prefix><secret>`: the 8-character prefix finds its row and is what
the user sees in lists; the database keeps only the HMAC-SHA256 of the whole token keyed
with SECRET_KEY (or one of SECRET_KEY_FALLBACKS, so rotating the key can be gradual). The
plaintext is returned once, by `create_api_token`, and never stored.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Final

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from cohort.core.errors import DomainError
from cohort.core.models import ApiToken, AuditEvent, User

SCHEME: Final = "cohort_"
PREFIX_LENGTH: Final = 8
SECRET_BYTES: Final = 32
USE_RECORD_INTERVAL: Final = timedelta(minutes=1)


def token_digest(raw: str, *, key: str | None = None) -> str:
    """The stored form of a token: HMAC-SHA256 of the whole token, hex."""
    secret = settings.SECRET_KEY if key is None else key
    return hmac.new(secret.encode(), raw.encode(), hashlib.sha256).hexdigest()


def create_api_token(user: User, *, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`; the plaintext is in the return value and nowhere else."""
    name = name.strip()
    if not name:
        raise DomainError("Give the token a name, so you can tell your tokens apart.")
    for _attempt in range(5):  # a prefix clash (48 random bits) is rare; try again
        prefix = secrets.token_urlsafe(6)  # 6 bytes -> exactly 8 URL-safe characters
        raw = f"{SCHEME}{prefix}{secrets.token_urlsafe(SECRET_BYTES)}"
        try:
            with transaction.atomic():
                token = ApiToken.objects.create(
                    user=user, name=name[:100], prefix=prefix, digest=token_digest(raw)
                )
                AuditEvent.record(user, "core.api_token.created", token)
        except IntegrityError:
            continue
        return token, raw
    raise DomainError("Could not create a token; please try again.")  # pragma: no cover


def authenticate_token(raw: str) -> User | None:
    """The active user holding the unrevoked token `raw`, else None.

    Records the use at most once a minute, so scripts do not write on every request.
    """
    raw = raw.strip()
    if not raw.startswith(SCHEME) or len(raw) <= len(SCHEME) + PREFIX_LENGTH:
        return None
    prefix = raw[len(SCHEME) : len(SCHEME) + PREFIX_LENGTH]
    token = (
        ApiToken.objects.select_related("user__person")
        .filter(prefix=prefix, revoked_at__isnull=True)
        .first()
    )
    if token is None or not _matches(raw, token.digest):
        return None
    user = token.user
    if not user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= USE_RECORD_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return user


def revoke_api_token(token: ApiToken, *, actor: User) -> ApiToken:
    """Revoke `token` for good; its owner or a superuser may. Revoking twice changes nothing."""
    if not (actor.pk == token.user_id or actor.is_superuser):
        raise DomainError("Only the token's owner or a superuser can revoke it.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        AuditEvent.record(actor, "core.api_token.revoked", token)
    return token


def _matches(raw: str, digest: str) -> bool:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    # Every key is tried, so the time taken does not tell which one matched.
    results = [hmac.compare_digest(token_digest(raw, key=key), digest) for key in keys]
    return any(results)
