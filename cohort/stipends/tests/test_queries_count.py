"""The stipend lists run a fixed number of queries (spec: every list page does): the admin's
queue page, `GET /terms/{id}/payments` and `GET /me/payments` run as many for one payment as
for twelve, across three mentees, with approvals.

The first payment is made by the services (mentee1's passed midterm). The rest are copies of
its row on more installments of three placements (mentee1's, and mentee2's and mentee3's,
accepted as in the mentorship tests): one placement has only two rounds to pass, so the
services alone cannot make twelve payments in this scenario. Half of them are approved through
the service, so the approvals and approvers are read too.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohort.mentorship.models import Placement
from cohort.mentorship.tests.conftest import Placed, accept
from cohort.mentorship.tests.test_api import Api
from cohort.stipends import services
from cohort.stipends.models import Payment
from cohort.stipends.tests.conftest import payment_of

pytestmark = pytest.mark.django_db

MANY = 12


def _more_payments(w: Placed) -> None:
    first = payment_of(w.placement)
    placements = [
        w.placement,
        Placement.objects.get(offer=accept(w.sel, "mentee2", "antrea")),
        Placement.objects.get(offer=accept(w.sel, "mentee3", "falco")),
    ]
    admin = w.world.user("admin")
    for n in range(2, MANY + 1):
        placement = placements[n % len(placements)]
        copy = Payment.objects.create(
            term=first.term,
            placement=placement,
            policy=first.policy,
            evaluation=first.evaluation,
            round=first.round,
            installment=n,
            installments=MANY,
            share=first.share,
            reference=f"COH-TEST-{n}",
            currency=first.currency,
            amount=first.amount + n,
            country=first.country,
            basis=first.basis,
            made_at=first.made_at,
        )
        if n % 2:
            services.approve_payment(copy, actor=admin)
    assert Payment.objects.count() == MANY


def _count(call: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured.captured_queries)


def _queue(w: Placed) -> Callable[[], object]:
    client = Client()
    client.force_login(w.world.user("admin"))
    url = reverse("stipends:payments", args=[w.world.term.pk])

    def call() -> object:
        response = client.get(url)
        assert response.status_code == 200
        return response

    return call


def _api(w: Placed, who: str, path: str) -> Callable[[], object]:
    caller = Api(w.world.user(who))
    caller("GET", path)  # the token's first use writes its last-used time

    def call() -> object:
        response = caller("GET", path)
        assert response.status_code == 200
        return response.json()

    return call


@pytest.mark.parametrize(
    "make",
    [
        _queue,
        lambda w: _api(w, "admin", f"/terms/{w.world.term.pk}/payments"),
        lambda w: _api(w, "mentee1", "/me/payments"),
    ],
    ids=["queue page", "api term payments", "api my payments"],
)
def test_one_payment_or_twelve_run_the_same_queries(
    midterm_paid: Placed, make: Callable[[Placed], Callable[[], object]]
) -> None:
    call = make(midterm_paid)
    one = _count(call)
    _more_payments(midterm_paid)
    many = _count(call)
    assert many == one


def test_the_lists_hold_the_twelve(midterm_paid: Placed) -> None:
    _more_payments(midterm_paid)
    w = midterm_paid
    listed = _api(w, "admin", f"/terms/{w.world.term.pk}/payments")()
    assert isinstance(listed, list)
    assert len(listed) == MANY
    mine = _api(w, "mentee1", "/me/payments")()
    assert isinstance(mine, list)
    assert len(mine) == len(Payment.objects.filter(placement=w.placement))
