"""A program's GitHub repository, the issues that are its proposals, the webhook deliveries
received and the writes Cohort owes GitHub (docs/github.md).

- `Connection`: one per program: the repository whose issues are proposals, the webhook's
  secret (kept as given, never shown again) and the name of the environment variable that
  holds the API token (the token itself is never stored).
- `IssueLink`: a proposal and the issue it came from; the issue number is the proposal's
  number. It remembers the sticky validation comment Cohort edits in place.
- `Delivery`: one row per `X-GitHub-Delivery` id, written once, with what came of it. A
  redelivery of the same id finds its row and does nothing.
- `Write`: a call Cohort owes GitHub (bring an issue's comment and labels in step, or post
  a reply), sent by a task and retried with backoff by `run-periodic` until GitHub takes it.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from cohort.projects.models import Project
from cohort.terms.models import Program

DEFAULT_TOKEN_VARIABLE = "COHORT_GITHUB_TOKEN"  # noqa: S105 (a variable's name, not a secret)


class Connection(models.Model):
    program = models.OneToOneField(Program, on_delete=models.CASCADE, related_name="github")
    repository = models.CharField(max_length=140)  # "owner/name", as GitHub spells it
    secret = models.CharField(max_length=255)  # the webhook secret; write-only on every page
    token_variable = models.CharField(max_length=100, default=DEFAULT_TOKEN_VARIABLE)
    # GitHub said to wait (rate limit) until then: no write is sent before it.
    paused_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=Q(repository__regex=r"^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$"),
                name="github_connection_repository_form",
            ),
            models.CheckConstraint(condition=~Q(secret=""), name="github_connection_has_secret"),
            models.CheckConstraint(
                condition=Q(token_variable__regex=r"^[A-Za-z_][A-Za-z0-9_]*$"),  # noqa: S106 (a name)
                name="github_connection_token_variable_form",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program} ← {self.repository}"


class IssueLink(models.Model):
    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="issues")
    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="github_issue")
    number = models.PositiveIntegerField()
    author = models.CharField(max_length=39, blank=True)  # the issue's author's login
    comment_id = models.BigIntegerField(null=True, blank=True)  # the sticky validation comment
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["connection", "number"], name="github_issue_once_per_repository"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.connection.repository}#{self.number}"

    @property
    def url(self) -> str:
        return f"https://github.com/{self.connection.repository}/issues/{self.number}"


class DeliveryResult(models.TextChoices):
    PROCESSED = "processed", "Processed"
    IGNORED = "ignored", "Ignored"
    REFUSED = "refused", "Refused"


class Delivery(models.Model):
    """A webhook delivery, written once when it has been handled (never changed)."""

    Result = DeliveryResult

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="deliveries")
    guid = models.CharField(max_length=64, unique=True)  # X-GitHub-Delivery
    event = models.CharField(max_length=50)  # X-GitHub-Event
    action = models.CharField(max_length=50, blank=True)
    sender = models.CharField(max_length=39, blank=True)
    issue_number = models.PositiveIntegerField(null=True, blank=True)
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    result = models.CharField(max_length=16, choices=DeliveryResult.choices)
    detail = models.TextField(blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-received_at", "-id"]
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=Q(result__in=DeliveryResult.values), name="github_delivery_result_valid"
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(
                fields=["connection", "-received_at", "-id"], name="github_delivery_recent"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event}.{self.action} {self.guid}"


class WriteKind(models.TextChoices):
    SYNC = "sync", "Validation comment and labels"
    REPLY = "reply", "Reply"


class WriteStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class Write(models.Model):
    """A call Cohort owes GitHub. A pending write is tried by its task at once, and again by
    `run-periodic` from `next_attempt_at` on, until GitHub takes it (sent) or it has been
    tried `MAX_ATTEMPTS` times (failed). A sync is idempotent: it reads the proposal's state
    when it is sent, so one pending sync per issue is enough (a newer request marks it
    `wanted_at`, and a send that read older state leaves it pending)."""

    Kind = WriteKind
    Status = WriteStatus
    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        Status.PENDING: frozenset({Status.SENT, Status.FAILED}),
        Status.SENT: frozenset(),
        Status.FAILED: frozenset(),
    }

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="writes")
    issue_number = models.PositiveIntegerField()
    kind = models.CharField(max_length=8, choices=WriteKind.choices)
    body = models.TextField(blank=True)  # a reply's text; a sync computes its own
    status = models.CharField(max_length=8, choices=WriteStatus.choices, default=Status.PENDING)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    wanted_at = models.DateTimeField()  # the latest request this write answers
    next_attempt_at = models.DateTimeField()  # also the lease of a send in progress
    attempts = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)  # the last failure
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["id"]
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=Q(status__in=WriteStatus.values), name="github_write_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=WriteKind.values), name="github_write_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(kind=WriteKind.REPLY) | ~Q(body=""), name="github_reply_has_body"
            ),
            models.CheckConstraint(
                condition=Q(status=WriteStatus.SENT, sent_at__isnull=False)
                | (~Q(status=WriteStatus.SENT) & Q(sent_at__isnull=True)),
                name="github_write_sent_has_time",
            ),
            models.UniqueConstraint(
                fields=["connection", "issue_number"],
                condition=Q(kind=WriteKind.SYNC, status=WriteStatus.PENDING),
                name="github_one_pending_sync_per_issue",
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status=WriteStatus.PENDING),
                name="github_write_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for #{self.issue_number}"

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.status]
