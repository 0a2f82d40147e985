"""For the freeze tests of every app (issue 16): close a term as the close leaves it, and take
a snapshot of every row so that a refused service can be shown to have changed nothing."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.utils import timezone

from cohort.terms.models import Term


def close(term: Term) -> None:
    """Mark `term` closed in the database and in this object (the close's own rules, what
    blocks it and who may, are cohort.stats' tests)."""
    now = timezone.now()
    Term.objects.filter(pk=term.pk).update(state=Term.State.CLOSED, closed_at=now)
    term.state, term.closed_at = Term.State.CLOSED, now


def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of every model (the audit log included), to compare before and after."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }
