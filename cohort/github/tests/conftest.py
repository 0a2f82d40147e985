"""A connected program inside its proposals window, a fake GitHub on loopback, and a way
to deliver signed webhooks to Cohort through Django's test client."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from cohort.core.models import Person
from cohort.github.models import Connection
from cohort.github.services import connect
from cohort.github.tests.fake_github import FakeGitHub, fake_github  # noqa: F401 (a fixture)
from cohort.github.tests.payloads import PROPOSAL_BODY, payload, signed
from cohort.proposals.tests.conftest import World, world  # noqa: F401 (a fixture)

SECRET = "a webhook secret of some length"  # noqa: S105 (made up for the tests)
REPOSITORY = "cncf/mentoring"  # the fake GitHub serves this one


@dataclass
class Hub:
    world: World
    connection: Connection
    fake: FakeGitHub
    client: Client
    # pytest-django's django_capture_on_commit_callbacks: a test runs in one transaction, so
    # the tasks a delivery queues on commit are run when the request returns.
    on_commit: Any

    def deliver(
        self,
        event: str,
        data: dict[str, Any],
        *,
        guid: str | None = None,
        secret: str = SECRET,
        signature: str | None = None,
    ) -> Any:
        body = json.dumps(data).encode()
        with self.on_commit(execute=True):
            return self._post(body, event, guid, secret, signature)

    def _post(
        self, body: bytes, event: str, guid: str | None, secret: str, signature: str | None
    ) -> Any:
        return self.client.post(
            f"/webhooks/github/{self.world.program.slug}/",
            data=body,
            content_type="application/json",
            headers={
                "X-GitHub-Event": event,
                "X-GitHub-Delivery": guid or str(uuid.uuid4()),
                "X-Hub-Signature-256": signature
                if signature is not None
                else signed(body, secret.encode()),
            },
        )

    def open_issue(
        self,
        number: int = 2001,
        *,
        author: str = "carol",
        body: str = PROPOSAL_BODY,
        guid: str | None = None,
    ) -> Any:
        return self.deliver(
            "issues",
            payload(
                "issues.opened",
                **{
                    "issue.number": number,
                    "issue.title": "[CNCF LFX Proposal] Jaeger Jaeger v2 Helm Chart",
                    "issue.body": body,
                    "issue.user.login": author,
                    "issue.labels": [{"name": "lfx mentorship"}, {"name": "Proposal"}],
                    "repository.full_name": REPOSITORY,
                    "sender.login": author,
                },
            ),
            guid=guid,
        )

    def comment(self, text: str, *, by: str, number: int = 2001, guid: str | None = None) -> Any:
        return self.deliver(
            "issue_comment",
            payload(
                "issue_comment.created",
                **{
                    "issue.number": number,
                    "issue.title": "[CNCF LFX Proposal] Jaeger Jaeger v2 Helm Chart",
                    "issue.body": PROPOSAL_BODY,
                    "issue.labels": [{"name": "lfx mentorship"}, {"name": "Proposal"}],
                    "comment.body": text,
                    "comment.user.login": by,
                    "repository.full_name": REPOSITORY,
                    "sender.login": by,
                },
            ),
            guid=guid,
        )


@pytest.fixture
def hub(
    world: World,  # noqa: F811
    fake_github: FakeGitHub,  # noqa: F811
    settings: Any,
    monkeypatch: Any,
    django_capture_on_commit_callbacks: Any,
) -> Hub:
    settings.GITHUB_API_URL = fake_github.url
    settings.GITHUB_DRY_RUN = False
    monkeypatch.setenv("COHORT_GITHUB_TOKEN", fake_github.token)
    # The program admin and the Jaeger maintainer, by their GitHub logins.
    Person.objects.create(name="Admin", github="cncf-admin", user=world.users["admin"])
    Person.objects.create(name="Maintainer", github="jaeger-maint", user=world.users["maintainer"])
    connection = connect(world.program, repository=REPOSITORY, secret=SECRET, actor=None)
    return Hub(world, connection, fake_github, Client(), django_capture_on_commit_callbacks)
