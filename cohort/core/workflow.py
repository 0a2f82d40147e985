"""The one way a stateful row changes status: compare-and-swap, then an audit row."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol, cast

from django.db import models
from django.utils import timezone

from cohort.core.errors import ConflictError, DomainError
from cohort.core.models import AuditEvent, User


class Stateful(Protocol):
    """What a model with a workflow has: a `status` column and a transition table."""

    status: str

    def can_become(self, status: str) -> bool: ...

    def get_status_display(self) -> str: ...


def transition(
    obj: models.Model,
    *,
    to: str,
    actor: User | None,
    note: str = "",
    also: Mapping[str, Any] | None = None,
) -> None:
    """Move `obj` to status `to`, or raise: DomainError if the table forbids it, ConflictError
    if another request moved it first (the update matched no row).

    `also` sets other columns in the same UPDATE, for rows whose constraints tie a column to
    the status (an application holds a slot exactly while it is not withdrawn).
    """
    state = cast(Stateful, obj)
    if not state.can_become(to):
        raise DomainError(f"A {state.get_status_display().lower()} item cannot become {to}.")
    before = state.status
    changed = (
        type(obj)
        ._default_manager.filter(pk=obj.pk, status=before)
        .update(status=to, status_changed_at=timezone.now(), **(also or {}))
    )
    if changed != 1:
        raise ConflictError("This item changed meanwhile. Reload and try again.")
    obj.refresh_from_db(fields=["status", "status_changed_at", *(also or {})])
    AuditEvent.record(
        actor,
        f"{obj._meta.label_lower}.{to}",
        obj,
        data={"before": before, "after": to},
        note=note,
    )
