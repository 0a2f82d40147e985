"""Every check constraint that lists a field's allowed values lists exactly that field's
choices (issue 11: constraints are built from `Status.values`, never from literal lists), so
a status added to a `TextChoices` cannot be refused by a stale constraint, nor the other way
round."""

from __future__ import annotations

from django.apps import apps
from django.db.models import CheckConstraint, Q

COHORT_APPS = ("core", "terms", "projects", "proposals", "applications", "selection")


def whole_list_constraints() -> list[tuple[str, str, str, list[str]]]:
    """(model, constraint, field, listed values) for each `Q(<field>__in=[...])` constraint
    whose field has choices."""
    found = []
    for label in COHORT_APPS:
        for model in apps.get_app_config(label).get_models():
            for constraint in model._meta.constraints:
                if not isinstance(constraint, CheckConstraint):
                    continue
                condition = constraint.condition
                if not isinstance(condition, Q) or len(condition.children) != 1:
                    continue
                child = condition.children[0]
                if not isinstance(child, tuple) or not child[0].endswith("__in"):
                    continue
                field = child[0].removesuffix("__in")
                if getattr(model._meta.get_field(field), "choices", None):
                    found.append((model.__name__, constraint.name, field, list(child[1])))
    return found


def test_each_choices_constraint_lists_exactly_the_choices() -> None:
    checked = whole_list_constraints()
    names = {name for _, name, _, _ in checked}
    assert {
        "application_status_valid",
        "project_status_valid",
        "round_status_valid",
        "offer_status_valid",
        "override_kind_valid",
        "organization_kind_valid",
        "maintainer_kind_valid",
        "mentorship_role_valid",
        "membership_role_valid",
    } <= names
    for model_name, name, field, listed in checked:
        model = next(
            m
            for label in COHORT_APPS
            for m in apps.get_app_config(label).get_models()
            if m.__name__ == model_name
        )
        choices = [value for value, _ in getattr(model._meta.get_field(field), "choices", [])]
        assert listed == choices, (model_name, name)
