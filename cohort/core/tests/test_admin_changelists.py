"""Every Django admin changelist reads its page in a fixed number of queries.

A changelist shows related objects through their `__str__` (`Term.__str__` reads the
program's name, an application's the mentee's and the project's): without
`list_select_related` each row costs queries of its own. For each of our models this
test fills its changelist with 2 rows, then with 30, each row with related rows of its
own, and asserts the page costs the same number of queries both times.
"""

from __future__ import annotations

import datetime
import decimal
import itertools
import uuid
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import IntegrityError, models, transaction
from django.db.models import Model
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

_serial = itertools.count(1)

# Values the models' check constraints ask for, where the generic ones would not do.
FIXED: dict[str, dict[str, object]] = {
    "terms.Term": {"year": 2030},
    "core.Person": {"github": lambda: f"someone-{next(_serial)}"},
    "applications.Application": {"active_slot": 1},
    "selection.Offer": {"seat": 1},
    "mentorship.Placement": {"share_token": None},
    "stipends.StipendRate": {"factor_e4": 10_000, "amount": None},
    "applications.ApplicationEvent": {"kind": "status", "status": "draft"},
    "cohort_github.Connection": {"repository": lambda: f"owner/repo-{next(_serial)}"},
    "cohort_github.Write": {"body": "a reply"},
}


def _value(field: models.Field[Any, Any]) -> object:
    """A value the field accepts, unique each call where it matters."""
    n = next(_serial)
    if field.choices:
        return field.choices[0][0]
    if isinstance(field, models.EmailField):
        return f"u{n}@example.org"
    if isinstance(field, models.URLField):
        return f"https://example.org/{n}"
    if isinstance(field, models.FileField):
        return f"x/{n}.pdf"
    if isinstance(field, models.BooleanField):
        return False
    if isinstance(field, (models.CharField, models.TextField)):
        text = f"{field.name[:8]}-{n}"
        return text[-field.max_length :] if field.max_length else text
    if isinstance(field, models.DateTimeField):
        return timezone.now()
    if isinstance(field, models.DateField):
        return datetime.date(2030, 1, 1)
    if isinstance(field, models.DurationField):
        return datetime.timedelta(days=1)
    if isinstance(field, models.DecimalField):
        return decimal.Decimal(1)
    if isinstance(field, models.UUIDField):
        return uuid.uuid4()
    if isinstance(field, models.JSONField):
        return {}
    if isinstance(field, models.BinaryField):
        return b"x"
    if isinstance(field, models.IntegerField):
        return n if field.unique else 1
    raise NotImplementedError(f"{field.model.__name__}.{field.name}: {type(field).__name__}")


def make(model: type[Model], depth: int = 0) -> Model:
    """One row of `model`, with a fresh row behind every relation (nullable ones too, when
    the model's constraints allow them), so no unique constraint is met twice."""
    for fill_optional in (True, False):
        values = {
            name: value() if callable(value) else value
            for name, value in FIXED.get(model._meta.label, {}).items()
        }
        for field in model._meta.concrete_fields:
            if field.name in values:
                continue
            if field.primary_key and isinstance(field, models.AutoField):
                continue
            if isinstance(field, models.ForeignKey):
                if field.null and (not fill_optional or depth > 2):
                    continue
                values[field.name] = make(field.related_model, depth + 1)
                continue
            if field.has_default() or getattr(field, "auto_now", False):
                continue
            if getattr(field, "auto_now_add", False):
                continue
            text = isinstance(field, (models.CharField, models.TextField))
            if (field.null or (field.blank and text)) and not (field.unique and text):
                continue  # left empty, unless it must be unique
            values[field.name] = _value(field)
        try:
            with transaction.atomic():
                return model._default_manager.create(**values)
        except IntegrityError:
            if not fill_optional:
                raise
    raise AssertionError("unreachable")


def _ours() -> list[type[Model]]:
    return [
        m
        for m in apps.get_models()
        if m.__module__.startswith("cohort.") and admin.site.is_registered(m)
    ]


def _changelist_queries(client: Any, model: type[Model]) -> int:
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    with CaptureQueriesContext(transaction.get_connection()) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize("model", _ours(), ids=lambda m: m._meta.label)
def test_a_changelist_costs_the_same_queries_for_2_rows_as_for_30(
    admin_client: Any, model: type[Model]
) -> None:
    for _ in range(2):
        make(model)
    assert model._default_manager.count() >= 2
    small = _changelist_queries(admin_client, model)
    for _ in range(28):
        make(model)
    assert model._default_manager.count() >= 30
    large = _changelist_queries(admin_client, model)
    assert large == small, f"{model._meta.label}: {small} queries for 2 rows, {large} for 30"
