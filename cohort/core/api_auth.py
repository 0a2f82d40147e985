"""How API callers prove who they are (DESIGN §5, spec/style.md C).

Two ways, tried in order, the first that succeeds wins (the user is `request.auth`):

1. `Authorization: Bearer cohort_…`, an API token for scripts (`cohort.core.tokens`). A
   header the browser never adds by itself, so no CSRF check is needed.
2. The browser's session cookie (ninja's `django_auth`), which checks the CSRF token on
   unsafe methods. Only a logged-in session is checked, so a caller with neither a token nor
   a session gets 401, not a CSRF 403.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from cohort.core.models import User
from cohort.core.tokens import authenticate_token


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; the token's user, else None (401)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return authenticate_token(token)


class BrowserSessionAuth(SessionAuth):
    """ninja's `django_auth` (session cookie + CSRF), skipped when no one is logged in."""

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


token_auth = TokenAuth()
session_auth = BrowserSessionAuth()
api_auth = [token_auth, session_auth]


def request_user(request: HttpRequest) -> User:
    """The user an authenticated operation runs as; 401 if there is none.

    Every operation behind `api_auth` has one (the auth classes return a `User` or refuse),
    so the refusal only narrows the type.
    """
    auth = getattr(request, "auth", None)
    if not isinstance(auth, User):
        raise AuthenticationError
    return auth
