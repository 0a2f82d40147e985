"""The e-mail pages: the one-click unsubscribe (RFC 8058) and a person's e-mail settings."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from cohort.core.emails import site_url
from cohort.core.models import AuditEvent, User
from cohort.notifications import services as outbox
from cohort.notifications.kinds import all_kinds, mail_kind
from cohort.notifications.models import EmailPreference

pytestmark = pytest.mark.django_db

DIGEST = "applications_digest"  # optional
OFFER = "selection_offer"  # essential


@pytest.fixture
def carol() -> User:
    return User.objects.create_user("carol", email="carol@example.org", password="pw")


def test_the_link_in_the_mail_is_the_unsubscribe_page(carol):
    token = outbox.unsubscribe_token(carol, DIGEST)
    path = reverse("notifications:unsubscribe", args=[token])
    assert outbox.unsubscribe_url(carol, DIGEST) == f"{site_url()}{path}"


def test_one_click_post_needs_no_session_or_csrf_and_get_only_asks(carol):
    token = outbox.unsubscribe_token(carol, DIGEST)
    client = Client(enforce_csrf_checks=True)
    page = client.get(f"/unsubscribe/{token}/")
    assert page.status_code == 200
    assert b"<button" in page.content
    assert outbox.email_enabled(carol, DIGEST)
    done = client.post(f"/unsubscribe/{token}/", {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert not outbox.email_enabled(carol, DIGEST)
    assert AuditEvent.objects.get(action="notifications.emailpreference.disabled").note == (
        "one-click unsubscribe"
    )


def test_a_forged_or_essential_token_changes_nothing(carol):
    client = Client(enforce_csrf_checks=True)
    forged = outbox.unsubscribe_token(carol, DIGEST)[:-2] + "xx"
    essential = outbox.unsubscribe_token(carol, OFFER)
    for token in (forged, essential, "nonsense"):
        assert client.post(f"/unsubscribe/{token}/").status_code == 400
    assert not EmailPreference.objects.exists()


def test_the_settings_page_turns_optional_kinds_off_and_lists_essential_ones(carol):
    assert Client().get("/settings/email/").status_code == 302  # sign in first
    client = Client()
    client.force_login(carol)
    page = client.get("/settings/email/").content.decode()
    assert f'value="{DIGEST}" checked' in page
    assert 'value="selection_offer"' not in page  # essential: no checkbox
    offer = mail_kind(OFFER)
    assert offer is not None
    assert f"{offer.label}: {offer.why}" in page
    others = [k.name for k in all_kinds() if not k.essential and k.name != DIGEST]
    response = client.post("/settings/email/", {"kind": others})
    assert response.status_code == 302
    assert not outbox.email_enabled(carol, DIGEST)
    assert all(outbox.email_enabled(carol, name) for name in others)
    assert EmailPreference.objects.count() == 1
    assert f'value="{DIGEST}">' in client.get("/settings/email/").content.decode()
