from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_every_model_has_an_admin_page_that_renders(admin_client):
    from django.apps import apps

    ours = [m for m in apps.get_models() if m.__module__.startswith("cohort.")]
    assert len(ours) >= 11
    for model in ours:
        assert admin.site.is_registered(model), model
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert admin_client.get(url).status_code == 200, url


def test_outsiders_cannot_reach_the_admin(client, django_user_model):
    user = django_user_model.objects.create_user("outsider", password="x")
    client.force_login(user)
    response = client.get(reverse("admin:projects_project_changelist"))
    assert response.status_code == 302
