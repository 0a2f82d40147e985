"""E-mail people can control: optional kinds can be turned off (the row is skipped, not
dropped), carry one-click unsubscribe headers and link; essential kinds always go out."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives

from cohort.core.emails import send_email, site_url
from cohort.core.errors import DomainError
from cohort.core.models import AuditEvent, User
from cohort.notifications import services as outbox
from cohort.notifications.kinds import all_kinds, is_optional, mail_kind
from cohort.notifications.models import EmailPreference, Notification

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[3] / "templates" / "emails"
DIGEST = "applications_digest"  # optional
OFFER = "selection_offer"  # essential


@pytest.fixture
def carol() -> User:
    return User.objects.create_user("carol", email="carol@example.org", password="pw")


def send(kind: str, user: User, key: str = "1") -> Notification:
    context = {"name": "Carol", "program": "CNCF", "count": 2, "link": "https://x.test/q"}
    row, _ = outbox.outbox_row(kind, "test.thing", key, user, context)
    outbox.deliver(row, user, context)
    row.refresh_from_db()
    return row


def test_every_email_template_is_declared_and_decisions_are_essential() -> None:
    folders = {path.name for path in TEMPLATES.iterdir() if path.is_dir()}
    assert folders <= {kind.name for kind in all_kinds()}
    assert {DIGEST, "mentorship_overdue"} <= {k.name for k in all_kinds() if not k.essential}
    for name in (OFFER, "selection_not_selected", "stipend_payment", "mentorship_result"):
        kind = mail_kind(name)
        assert kind is not None
        assert kind.essential
        assert kind.why
    assert not is_optional("no_such_kind")  # undeclared: treated as essential, so it is sent


def test_optional_mail_carries_one_click_unsubscribe_and_essential_mail_does_not(carol):
    digest, offer = send(DIGEST, carol), send(OFFER, carol)
    assert (digest.status, digest.attempts, offer.status) == ("sent", 1, "sent")
    optional, essential = (cast(EmailMultiAlternatives, m) for m in mail.outbox)
    url = optional.extra_headers["List-Unsubscribe"].strip("<>")
    token = url.rsplit("/", 2)[-2]
    assert url == f"{site_url()}/unsubscribe/{token}/"
    assert outbox.read_unsubscribe_token(token) == (carol, DIGEST)
    assert optional.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in optional.body
    html, mimetype = optional.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="{url}"' in str(html)
    assert "List-Unsubscribe" not in essential.extra_headers
    assert "unsubscribe" not in essential.body.lower()
    assert essential.alternatives[0][1] == "text/html"


def test_a_kind_turned_off_is_skipped_and_never_retried(carol):
    outbox.set_email_preference(carol, DIGEST, False, actor=carol)
    row = send(DIGEST, carol)
    assert (row.status, row.attempts, row.sent_at) == ("skipped", 0, None)
    assert mail.outbox == []
    assert outbox.deliver(row, carol, {}) is False
    assert Notification.objects.get(pk=row.pk).status == "skipped"
    assert send(OFFER, carol).status == "sent"  # essential mail still goes out
    outbox.set_email_preference(carol, DIGEST, True, actor=carol)
    assert send(DIGEST, carol, key="2").status == "sent"


def test_a_failed_send_is_retried_to_sent_and_counts_its_attempts(carol, monkeypatch):
    real = send_email
    calls: list[str] = []

    def flaky(name: str, to: str, context: dict[str, object]) -> None:
        calls.append(name)
        if len(calls) == 1:
            raise ConnectionRefusedError("down")
        real(name, to, context)

    monkeypatch.setattr(outbox, "send_email", flaky)
    row = send(DIGEST, carol)
    assert (row.status, row.attempts, row.error) == ("failed", 1, "ConnectionRefusedError: down")
    assert outbox.deliver(row, carol, {"name": "Carol"}) is True
    row.refresh_from_db()
    assert (row.status, row.attempts, row.error, row.retried) == ("sent", 2, "", True)
    assert row.sent_at is not None
    assert len(mail.outbox) == 1
    assert outbox.deliver(row, carol, {"name": "Carol"}) is False  # sent: never again
    assert len(mail.outbox) == 1


def test_preferences_are_audited_and_essential_mail_cannot_be_turned_off(carol):
    outbox.set_email_preference(carol, DIGEST, False, actor=carol)
    outbox.set_email_preference(carol, DIGEST, False, actor=carol)  # no change: no audit row
    events = AuditEvent.objects.filter(action__startswith="notifications.emailpreference")
    assert list(events.values_list("action", "actor", "data")) == [
        ("notifications.emailpreference.disabled", carol.pk, {"kind": DIGEST})
    ]
    with pytest.raises(DomainError):
        outbox.set_email_preference(carol, OFFER, False, actor=carol)
    with pytest.raises(DomainError):
        outbox.set_email_preference(carol, "no_such_kind", False, actor=carol)
    assert list(EmailPreference.objects.values_list("kind", "enabled")) == [(DIGEST, False)]
