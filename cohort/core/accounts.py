"""The allauth integration: who may sign up, failed-login throttling, and linking a GitHub
login to its Person.

This is the only place Cohort listens to allauth. The receiver is the integration point
allauth offers for "a user just logged in (or signed up) through a provider"; the work is
done by `cohort.core.services.link_person_to_user`.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.signals import user_logged_in
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.dispatch import receiver
from django.http import HttpRequest

from cohort.core.models import User
from cohort.core.services import link_person_to_user


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]  # allauth is untyped
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Local (username and password) sign-up follows ACCOUNT_SIGNUP_OPEN."""
        return bool(settings.COHORT_SIGNUP_OPEN)

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        """The key of allauth's per-account failed-login limit ("…/key" in
        ACCOUNT_RATE_LIMITS["login_failed"]): the account *and* the client's address.

        allauth keys it on the account alone, so anyone who knows a username can lock its
        owner out by failing on purpose (issue 10 finding 13). With the address in the key, a
        stranger's failures count against their own address only; the per-address limit
        ("…/ip") still caps guessing across accounts. See docs/security.md for the policy.
        allauth calls this private hook from `pre_authenticate` and after a password reset;
        `test_accounts` fails if an upgrade stops calling it.
        """
        # Not allauth's "<site domain>:<login>": without django.contrib.sites the domain is the
        # request's Host header as sent, port and case and trailing dot included. The client
        # chooses it (ALLOWED_HOSTS ignores all three), so each variant counted its own five;
        # and servers behind different ports counted apart.
        login = str(credentials.get("email", credentials.get("username", ""))).lower()
        return f"{login}:{client_network(self.get_client_ip(request))}"


class SocialAccountAdapter(DefaultSocialAccountAdapter):  # type: ignore[misc]  # untyped
    def is_open_for_signup(self, request: HttpRequest, sociallogin: Any) -> bool:
        """GitHub sign-up stays open: it is how listed mentors reach their proposals."""
        return True


def client_network(ip: str) -> str:
    """An IPv4 address as it is; an IPv6 address as its /64, which one client usually holds
    whole (as allauth counts its "…/ip" limits)."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network(f"{address}/64", strict=False).network_address)
    return str(address)


@receiver(user_logged_in, dispatch_uid="cohort.core.link_github_person")
def link_github_person(sender: Any, *, user: User, sociallogin: Any = None, **kwargs: Any) -> None:
    if sociallogin is not None and sociallogin.account.provider == "github":
        link_person_to_user(user, github=str(sociallogin.account.extra_data.get("login", "")))
