"""The allauth integration: who may sign up, and linking a GitHub login to its Person.

This is the only place Cohort listens to allauth. The receiver is the integration point
allauth offers for "a user just logged in (or signed up) through a provider"; the work is
done by `cohort.core.services.link_person_to_user`.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.signals import user_logged_in
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.dispatch import receiver
from django.http import HttpRequest

from cohort.core.services import link_person_to_user


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]  # allauth is untyped
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Local (username and password) sign-up follows ACCOUNT_SIGNUP_OPEN."""
        return bool(settings.COHORT_SIGNUP_OPEN)


class SocialAccountAdapter(DefaultSocialAccountAdapter):  # type: ignore[misc]  # untyped
    def is_open_for_signup(self, request: HttpRequest, sociallogin: Any) -> bool:
        """GitHub sign-up stays open: it is how listed mentors reach their proposals."""
        return True


@receiver(user_logged_in, dispatch_uid="cohort.core.link_github_person")
def link_github_person(sender: Any, *, user: Any, sociallogin: Any = None, **kwargs: Any) -> None:
    if sociallogin is not None and sociallogin.account.provider == "github":
        link_person_to_user(user, github=str(sociallogin.account.extra_data.get("login", "")))
