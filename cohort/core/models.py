"""The shared kernel: users, people, and the audit log. Imports nothing from sibling apps."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower


class User(AbstractUser):
    """A login. Roles come from memberships (program admin, org maintainer) and mentorships."""


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Person(TimeStampedModel):
    """Someone named in a program (a mentor, a mentee), with or without a login.

    Identity is the GitHub handle when it is valid, else the e-mail address. People named
    only by a name stay unlinked (Mentorship keeps the name as written).
    """

    name = models.CharField(max_length=300)
    github = models.CharField(max_length=39, blank=True)
    email = models.EmailField(blank=True)
    lfid = models.CharField(max_length=100, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                Lower("github"), name="person_github_unique", condition=~models.Q(github="")
            ),
            models.UniqueConstraint(
                Lower("email"),
                name="person_email_unique_without_github",
                condition=models.Q(github="") & ~models.Q(email=""),
            ),
            models.CheckConstraint(
                condition=~models.Q(github="") | ~models.Q(email=""),
                name="person_has_identity",
            ),
        ]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return f"{self.name} (@{self.github})" if self.github else self.name


class AuditEvent(models.Model):
    """An immutable record of a decision or change: who, what, on which object, when."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    action = models.CharField(max_length=100, db_index=True)  # "terms.term.imported"
    object_type = models.CharField(max_length=100)  # "terms.term"
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200)
    data = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    @classmethod
    def record(
        cls,
        actor: User | None,
        action: str,
        obj: models.Model,
        *,
        data: dict[str, Any] | None = None,
        note: str = "",
    ) -> AuditEvent:
        event = cls.of(actor, action, obj, data=data, note=note)
        event.save(force_insert=True)
        return event

    @classmethod
    def of(
        cls,
        actor: User | None,
        action: str,
        obj: models.Model,
        *,
        data: dict[str, Any] | None = None,
        note: str = "",
    ) -> AuditEvent:
        """The row `record` writes, unsaved: for writing many in one `bulk_create`."""
        return cls(
            actor=actor,
            action=action,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            object_repr=str(obj)[:200],
            data=data or {},
            note=note,
        )


class ApiToken(models.Model):
    """A script's credential for the API (spec/style.md C): only its HMAC digest is stored.

    The token is `cohort_<prefix><secret>`; the prefix (8 chars) finds the row and is shown
    to the user, the digest (HMAC-SHA256 of the whole token with SECRET_KEY) checks it.
    Create, check and revoke tokens through `cohort.core.tokens`.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=8, unique=True)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} (cohort_{self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
