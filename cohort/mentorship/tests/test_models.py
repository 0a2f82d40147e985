"""The database holds the placement's rules, whatever a service does."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.db import IntegrityError, transaction
from django.urls import reverse

from cohort.core.models import User
from cohort.mentorship.models import Placement
from cohort.mentorship.tests.conftest import TERM_START, Placed
from cohort.selection.models import Offer

S = Placement.Status


def test_the_database_refuses_a_status_outside_the_table(placed: Placed) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Placement.objects.filter(pk=placed.placement.pk).update(status="paused")
    for status in S.values:  # and accepts every one of them
        Placement.objects.filter(pk=placed.placement.pk).update(status=status)


def test_one_placement_per_mentee_and_term_and_per_application(placed: Placed) -> None:
    p = placed.placement
    other_offer = Offer.objects.get(mentee=placed.world.user("mentee3"))
    with pytest.raises(IntegrityError), transaction.atomic():
        # The same mentee and term again, from another offer and application.
        Placement.objects.create(
            term=p.term,
            project=other_offer.project,
            mentee=p.mentee,
            application=other_offer.application,
            offer=other_offer,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        # Another mentee on the same application.
        Placement.objects.create(
            term=p.term,
            project=p.project,
            mentee=other_offer.mentee,
            application=p.application,
            offer=other_offer,
        )


def test_a_placement_cannot_end_before_it_starts(placed: Placed) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Placement.objects.filter(pk=placed.placement.pk).update(
            ends_at=TERM_START.replace(year=2023)
        )


def test_the_admin_lists_placements_read_only(placed: Placed, client) -> None:
    # Not pytest-django's `admin_client`: the world's "admin" is a program admin, no superuser.
    client.force_login(User.objects.create_superuser("root", email="root@example.org"))
    assert admin.site.is_registered(Placement)
    model_admin = admin.site.get_model_admin(Placement)
    url = reverse("admin:mentorship_placement_changelist")
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "mentee1" in page
    assert "Cilium project" in page
    request = response.wsgi_request
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, placed.placement)
    assert not model_admin.has_delete_permission(request, placed.placement)
