"""Webhook deliveries arriving at once (PostgreSQL: SQLite serialises all writers).

GitHub redelivers, and its retries can overlap: ten requests with the same delivery id must
make one proposal, and ten `/confirm` comments by one mentor one confirmation. Each request
runs through its own connection; with the immediate tasks backend the writes each one owes
GitHub are sent to the fake on commit, in the request's thread.

Run with DATABASE_URL=postgres://… pytest -p no:xdist cohort/github/tests/test_concurrency_pg.py
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from cohort.github import sending
from cohort.github.models import Delivery, IssueLink, Write
from cohort.github.tests.conftest import REPOSITORY, SECRET, Hub
from cohort.github.tests.payloads import PROPOSAL_BODY, payload, signed
from cohort.projects.models import Project
from cohort.proposals import gates
from cohort.proposals.comment import MARKER
from cohort.proposals.models import ProposalEvent

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]

THREADS = 10
ISSUE = 2001
LABELS = [{"name": "lfx mentorship"}, {"name": "Proposal"}]


def _opened() -> dict[str, Any]:
    return payload(
        "issues.opened",
        **{
            "issue.number": ISSUE,
            "issue.title": "[CNCF LFX Proposal] Jaeger Jaeger v2 Helm Chart",
            "issue.body": PROPOSAL_BODY,
            "issue.user.login": "carol",
            "issue.labels": LABELS,
            "repository.full_name": REPOSITORY,
            "sender.login": "carol",
        },
    )


def _comment(text: str, by: str) -> dict[str, Any]:
    return payload(
        "issue_comment.created",
        **{
            "issue.number": ISSUE,
            "issue.title": "[CNCF LFX Proposal] Jaeger Jaeger v2 Helm Chart",
            "issue.body": PROPOSAL_BODY,
            "issue.labels": LABELS,
            "comment.body": text,
            "comment.user.login": by,
            "repository.full_name": REPOSITORY,
            "sender.login": by,
        },
    )


def _post(hub: Hub, event: str, data: dict[str, Any], guid: str) -> tuple[int, str]:
    body = json.dumps(data).encode()
    response = Client().post(
        f"/webhooks/github/{hub.world.program.slug}/",
        data=body,
        content_type="application/json",
        headers={
            "X-GitHub-Event": event,
            "X-GitHub-Delivery": guid,
            "X-Hub-Signature-256": signed(body, SECRET.encode()),
        },
    )
    return response.status_code, str(response.json().get("result", ""))


def _all_at_once(hub: Hub, deliveries: list[tuple[str, dict[str, Any], str]]) -> list[Any]:
    """POST every delivery from its own thread, all released together; their answers."""
    barrier = threading.Barrier(len(deliveries))
    answers: list[Any] = []
    lock = threading.Lock()

    def deliver(event: str, data: dict[str, Any], guid: str) -> None:
        try:
            barrier.wait(timeout=30)
            answer: Any = _post(hub, event, data, guid)
        except BaseException as exc:  # checked by the main thread
            answer = exc
        finally:
            connections.close_all()
        with lock:
            answers.append(answer)

    threads = [threading.Thread(target=deliver, args=delivery) for delivery in deliveries]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return answers


def test_ten_copies_of_one_delivery_at_once_make_one_proposal(hub: Hub) -> None:
    answers = _all_at_once(hub, [("issues", _opened(), "same-delivery-id")] * THREADS)

    assert len(answers) == THREADS
    assert all(isinstance(a, tuple) for a in answers), answers
    assert Counter(answers) == {(200, "processed"): 1, (200, "duplicate"): THREADS - 1}
    assert Delivery.objects.count() == 1
    assert Delivery.objects.get().guid == "same-delivery-id"
    assert Project.objects.filter(term=hub.world.term, number=ISSUE).count() == 1
    assert Project.objects.count() == 1
    assert IssueLink.objects.count() == 1
    # One sync was owed and sent: one sticky comment on the issue, the one Cohort holds.
    (comment,) = hub.fake.comments(ISSUE)
    assert comment.startswith(MARKER)
    assert IssueLink.objects.get().comment_id == hub.fake.comment_ids(ISSUE)[0]
    assert list(Write.objects.values_list("kind", "status")) == [("sync", "sent")]


def test_ten_confirms_by_one_mentor_at_once_record_one_confirmation(hub: Hub) -> None:
    assert _post(hub, "issues", _opened(), "opened") == (200, "processed")
    project = Project.objects.get(number=ISSUE)

    answers = _all_at_once(
        hub, [("issue_comment", _comment("/confirm", "alice"), f"c-{i}") for i in range(THREADS)]
    )

    assert Counter(answers) == {(200, "processed"): THREADS}, answers
    assert Delivery.objects.filter(event="issue_comment").count() == THREADS
    confirmations = ProposalEvent.objects.filter(project=project, kind=gates.MENTOR_CONFIRMED)
    assert list(confirmations.values_list("handle", flat=True)) == ["alice"]
    # A sync asked for again more than three times while it was being sent is left to the
    # next run-periodic (sending.send_write); one run, past any lease, sends what is left.
    sending.send_due_writes(timezone.now() + sending.LEASE)
    # Every reply and the sticky comment's sync went out; none is left behind.
    assert not Write.objects.exclude(status=Write.Status.SENT).exists()
    assert Write.objects.filter(kind=Write.Kind.REPLY).count() == THREADS
    sticky = [c for c in hub.fake.comments(ISSUE) if c.startswith(MARKER)]
    assert len(sticky) == 1
    assert "1 of 2 confirmed" in sticky[0]
