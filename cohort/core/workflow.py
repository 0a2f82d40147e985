"""The one way a stateful row changes status: compare-and-swap, then an audit row."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
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


def transition_many(
    moves: Sequence[tuple[models.Model, str]],
    *,
    actor: User | None,
    note: str = "",
    now: datetime | None = None,
    conflict: str = "This item changed meanwhile. Reload and try again.",
) -> None:
    """`transition` for many rows in a fixed number of queries: the transition table checked
    for each, one compare-and-swap UPDATE per (model, from, to), and every audit row in one
    INSERT. Raises ConflictError (`conflict`) if any row had moved meanwhile; the caller's
    transaction then undoes the others. The objects are updated in memory."""
    groups: dict[tuple[type[models.Model], str, str], list[models.Model]] = defaultdict(list)
    befores: list[str] = []
    for obj, to in moves:
        state = cast(Stateful, obj)
        if not state.can_become(to):
            label = state.get_status_display().lower()
            raise DomainError(f"A {label} item cannot become {to}.")
        groups[(type(obj), state.status, to)].append(obj)
        befores.append(state.status)
    now = now or timezone.now()
    for (model, before, to), objs in groups.items():
        ids = [obj.pk for obj in objs]
        changed = model._default_manager.filter(pk__in=ids, status=before).update(
            status=to, status_changed_at=now
        )
        if changed != len(ids):
            raise ConflictError(conflict)
    AuditEvent.objects.bulk_create(
        AuditEvent.of(
            actor,
            f"{obj._meta.label_lower}.{to}",
            obj,
            data={"before": before, "after": to},
            note=note,
        )
        for (obj, to), before in zip(moves, befores, strict=True)
    )
    for obj, to in moves:
        obj.status = to  # type: ignore[attr-defined]  # a Stateful model: checked above
        obj.status_changed_at = now  # type: ignore[attr-defined]  # every workflow model has it
