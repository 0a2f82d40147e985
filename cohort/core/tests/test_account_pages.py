"""allauth's pages in the site's layout and with the site's form errors (issue 12).

Every account page a person can reach extends base.html (the site's header, stylesheet and
skip link, not allauth's bare layout with its "Menu:"), labels say "(optional)" once, and a
form sent wrong shows its errors as the other forms of the site do: a summary with
role="alert" for the form's own errors, and each field's errors under it, marked
`field--error` and named by the input's aria-describedby. How the pages look in a browser
(axe-core, 390 px) is e2e/test_pages.py's job.
"""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from cohort.core.models import User


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()  # allauth counts attempts in the cache
    yield
    cache.clear()


def main_of(body: bytes) -> str:
    text = body.decode()
    assert 'class="skip-link"' in text, "not in the site's layout (base.html)"
    assert 'class="site-header"' in text
    assert "css/cohort.css" in text
    assert "Menu:" not in text  # allauth's own layout
    start, end = text.index("<main"), text.index("</main>")
    return text[start:end]


VISITOR_PAGES = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/password/reset/key/1-not-a-key/",
    "/accounts/password/reset/key/done/",
    "/accounts/3rdparty/login/cancelled/",
    "/accounts/3rdparty/login/error/",
    "/accounts/inactive/",
]
USER_PAGES = [
    "/accounts/logout/",
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/3rdparty/",
    "/accounts/reauthenticate/",
]


@pytest.mark.parametrize("path", VISITOR_PAGES)
def test_a_visitors_account_page_is_in_the_sites_layout(client, db, path):
    response = client.get(path, follow=True)
    assert response.status_code in (200, 401)  # a failed GitHub login answers 401
    main = main_of(response.content)
    assert "<h1" in main


@pytest.mark.parametrize("path", USER_PAGES)
def test_a_users_account_page_is_in_the_sites_layout(client, db, path):
    client.force_login(User.objects.create_user("dana", password="a long passphrase"))
    response = client.get(path, follow=True)
    assert response.status_code == 200
    main = main_of(response.content)
    assert "<h1" in main
    # allauth's own field markup (a <p> around label and input) is replaced by the site's.
    assert not re.search(r"<p>\s*<label", main)


def test_sign_up_says_optional_once(client, db):
    main = main_of(client.get(reverse("account_signup")).content)
    assert "Email (optional)</label>" in main
    assert "(optional) (optional)" not in main
    assert "Username (optional)" not in main  # required fields say nothing


def test_sign_up_help_text_is_tied_to_its_input(client, db):
    main = main_of(client.get(reverse("account_signup")).content)
    assert 'aria-describedby="id_password1_helptext"' in main
    assert 'id="id_password1_helptext"' in main


def test_sign_up_errors_show_under_their_field(client, db):
    User.objects.create_user("dana", password="a long passphrase")
    response = client.post(
        reverse("account_signup"),
        {"username": "dana", "password1": "correct horse battery", "password2": "other"},
    )
    assert response.status_code == 200
    main = main_of(response.content)
    field = re.search(
        r'<div class="field field--error">\s*<label for="id_username">.*?</div>\s*</div>',
        main,
        re.S,
    )
    assert field, "the username field is not marked as wrong"
    assert 'aria-invalid="true"' in field.group()
    assert 'aria-describedby="id_username_error"' in field.group()
    assert re.search(r'<div id="id_username_error"><p class="field-error">[^<]+</p>', field.group())
    assert User.objects.filter(username="dana").count() == 1


def test_a_wrong_password_shows_in_the_error_summary(client, db):
    User.objects.create_user("dana", password="a long passphrase")
    response = client.post(reverse("account_login"), {"login": "dana", "password": "wrong"})
    main = main_of(response.content)
    summary = re.search(r'<div class="error-summary" role="alert">(.*?)</div>', main, re.S)
    assert summary
    assert "not correct" in summary.group(1)


def test_password_reset_errors_show_the_sites_way(client, db):
    response = client.post(reverse("account_reset_password"), {"email": "not an address"})
    main = main_of(response.content)
    assert '<div class="field field--error">' in main
    assert '<div id="id_email_error"><p class="field-error">' in main


def test_a_used_reset_link_says_so_and_offers_a_new_one(client, db):
    main = main_of(client.get("/accounts/password/reset/key/1-not-a-key/", follow=True).content)
    assert "This link no longer works" in main
    assert f'href="{reverse("account_reset_password")}"' in main


def test_the_email_page_lays_out_its_radio_buttons_the_sites_way(client: Client, db):
    user = User.objects.create_user("dana", email="dana@example.org", password="x y z w")
    client.force_login(user)
    client.post(reverse("account_email"), {"action_add": "", "email": "dana@example.org"})
    main = main_of(client.get(reverse("account_email")).content)
    assert 'class="field field--check"' in main
    assert 'class="account-form"' in main


def test_connections_offer_no_empty_connect_section_without_a_provider(client, db, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {"github": {}}
    client.force_login(User.objects.create_user("dana", password="a long passphrase"))
    main = main_of(client.get(reverse("socialaccount_connections")).content)
    assert "No other account is connected" in main
    assert "Connect an account" not in main
