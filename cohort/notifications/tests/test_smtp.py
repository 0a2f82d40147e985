"""A real SMTP round trip: the production mail path (a service queues a task in the database,
the `db_worker` command runs it, `run_periodic` sends the digests and retries) talks to an
aiosmtpd server on loopback through Django's SMTP backend. The server refuses the first
message; the retry delivers it, and every message arrives exactly once."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command

from cohort.applications.notifications import DIGEST, SUBMITTED
from cohort.applications.tests.conftest import World, complete_application
from cohort.notifications.models import Notification
from cohort.notifications.services import unsubscribe_url

AUG_2 = datetime(2024, 8, 2, 0, 30, tzinfo=UTC)  # Aug 1 (UTC) has ended: its digests are due


class Inbox:
    """An aiosmtpd handler that refuses the first `refuse` messages (451) and keeps the rest."""

    def __init__(self, refuse: int) -> None:
        self.refuse = refuse
        self.refused: list[list[str]] = []
        self.received: list[EmailMessage] = []

    async def handle_DATA(  # noqa: N802 (aiosmtpd calls the hook by this name)
        self, server: Any, session: Any, envelope: Any
    ) -> str:
        if self.refuse > 0:
            self.refuse -= 1
            self.refused.append(list(envelope.rcpt_tos))
            return "451 4.3.0 Try again later"
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append(message)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def inbox(settings: Any) -> Iterator[Inbox]:
    handler = Inbox(refuse=1)
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.MAILERS = {  # as config/settings.py builds it from SMTP_HOST and SMTP_PORT
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 10},
        }
    }
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    try:
        yield handler
    finally:
        controller.stop()


def parts(message: EmailMessage) -> dict[str, str]:
    assert message.get_content_type() == "multipart/alternative"
    return {part.get_content_type(): part.get_content() for part in message.iter_parts()}


# Transactional: the worker closes its database connection after each task, as in production.
@pytest.mark.django_db(transaction=True)
def test_mail_goes_out_over_smtp_with_its_headers_and_a_refused_message_is_retried_once(
    world: World, in_window: Any, inbox: Inbox
) -> None:
    from django_tasks_db.models import DBTaskResult

    complete_application(world, "mentee1", world.antrea)  # queues the receipt's task
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert inbox.refused == [["mentee1@example.org"]]
    assert inbox.received == []
    receipt = Notification.objects.get(kind=SUBMITTED)
    assert (receipt.status, receipt.attempts) == ("failed", 1)
    assert "451" in receipt.error

    in_window.move_to(AUG_2)
    call_command("run_periodic", "--quiet")  # the mentors' digests, then the retry
    call_command("run_periodic", "--quiet")  # again: nothing is sent twice
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")

    digests = list(Notification.objects.filter(kind=DIGEST).select_related("recipient"))
    assert digests
    expected = sorted([receipt.email, *(row.email for row in digests)])
    assert sorted(str(m["To"]) for m in inbox.received) == expected  # each one once
    receipt.refresh_from_db()
    assert (receipt.status, receipt.attempts, receipt.error) == ("sent", 2, "")
    assert {(row.status, row.attempts) for row in digests} == {("sent", 1)}

    ids = [str(m["Message-ID"]) for m in inbox.received]
    assert len(set(ids)) == len(ids)
    for message in inbox.received:
        assert str(message["Message-ID"]).startswith("<")
        assert message["Date"].datetime.tzinfo is not None
        text, html = parts(message)["text/plain"], parts(message)["text/html"]
        assert "Hello" in text
        assert "<p>Hello" in html

    (essential,) = [m for m in inbox.received if str(m["To"]) == "mentee1@example.org"]
    assert essential["List-Unsubscribe"] is None
    assert essential["List-Unsubscribe-Post"] is None
    assert "Antrea project" in parts(essential)["text/plain"]
    for row in digests:
        (message,) = [m for m in inbox.received if str(m["To"]) == row.email]
        url = unsubscribe_url(row.recipient, DIGEST)
        assert str(message["List-Unsubscribe"]) == f"<{url}>"
        assert str(message["List-Unsubscribe-Post"]) == "List-Unsubscribe=One-Click"
        assert url in parts(message)["text/plain"]
        assert f'href="{url}"' in parts(message)["text/html"]
