"""Who acts, as types: a signed-in `User`, or a `Viewer` who may be anonymous.

A write's actor is a `User` when a person must act, `User | None` where the system acts
(periodic jobs, imports, the demo). A read that anyone may make takes a `Viewer`. A view
whose service needs a `User` narrows `request.user` once, with `signed_in`.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from cohort.core.models import User

type Viewer = User | AnonymousUser
"""Whoever reads: a signed-in user or an anonymous visitor."""


def signed_in(request: HttpRequest) -> User:
    """The request's signed-in user; PermissionDenied (403) if no one is signed in.

    For views behind `login_required`, where the refusal cannot happen; it only narrows.
    """
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied
    return user
