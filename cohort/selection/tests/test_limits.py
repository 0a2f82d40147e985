"""The reasons selection stores have one size limit, in the services, for every door (issue
10 finding 8: the API took any size where the forms stopped at 2,000 characters)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from cohort.core.errors import DomainError
from cohort.core.tokens import create_api_token
from cohort.selection import services as s
from cohort.selection.models import REASON_MAX, Offer, Override
from cohort.selection.tests.conftest import NOTIFY_AT, Selection
from cohort.selection.tests.test_services import announced, offer

pytestmark = pytest.mark.django_db


def test_admin_cannot_give_an_override_reason_over_the_limit(ready: Selection) -> None:
    admin = ready.world.user("admin")
    round_ = s.run_round(ready.world.term, actor=admin)
    application = ready.application("mentee4", "antrea")
    with pytest.raises(
        DomainError, match=r"“Reason” is too long: 2,001 characters; the limit is 2,000\."
    ):
        s.add_override(
            round_, application, kind="forbid", reason="x" * (REASON_MAX + 1), actor=admin
        )
    assert not Override.objects.exists()
    s.add_override(round_, application, kind="forbid", reason="x" * REASON_MAX, actor=admin)


def test_admin_cannot_send_a_megabyte_reason_through_the_api(ready: Selection) -> None:
    admin = ready.world.user("admin")
    round_ = s.run_round(ready.world.term, actor=admin)
    token = create_api_token(admin, name="tests")[1]
    response = Client().post(
        f"/api/v1/selection/rounds/{round_.pk}/overrides",
        {
            "application": ready.application("mentee4", "antrea").pk,
            "kind": "forbid",
            "reason": "x" * 1_000_000,
        },
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 400
    assert "the limit is 2,000" in response.json()["detail"]
    assert not Override.objects.exists()


def test_mentee_cannot_decline_with_a_reason_over_the_limit(ready: Selection) -> None:
    announced(ready)
    pending = offer(ready, "mentee2", "antrea")
    with pytest.raises(DomainError, match="the limit is 2,000"):
        s.decline_offer(
            pending,
            actor=ready.world.user("mentee2"),
            reason="x" * (REASON_MAX + 1),
            now=NOTIFY_AT + timedelta(days=1),
        )
    pending.refresh_from_db()
    assert pending.status == Offer.Status.PENDING
