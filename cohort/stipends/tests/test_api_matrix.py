"""Who may call each stipend endpoint and open each stipend page (issue 14's bar "mentees see
only their own payments, mentors see none, and outsiders get 404").

The payment is mentee1's (cilium, mentored by bob). mentee2 is another mentee, carol mentors
another project, outsider has no seat, admin is a program admin. Anonymous gets 401 from the
API and the login page from the pages.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from cohort.mentorship.tests.conftest import Placed
from cohort.mentorship.tests.test_api import Api
from cohort.stipends import services
from cohort.stipends.models import Payment, StipendPolicy
from cohort.stipends.tests.conftest import payment_of

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "outsider", "mentee2", "carol", "bob", "mentee1", "admin")


def _for(mentee: int, admin: int, *, anonymous: int = 401, others: int = 404) -> tuple[int, ...]:
    """outsider, other mentee, other project's mentor and the mentee's own mentor: `others`."""
    return (anonymous, others, others, others, others, mentee, admin)


ADMIN_ONLY = _for(404, 200)
MINE = _for(200, 200, others=200)

# (method, path with {term} {payment} {slug} {export} {policy}, body, expected by role)
API: list[tuple[str, str, object, tuple[int, ...]]] = [
    ("GET", "/terms/{term}/payments", None, ADMIN_ONLY),
    ("GET", "/terms/{term}/payments.csv", None, ADMIN_ONLY),
    ("GET", "/terms/{term}/payments/ageing?days=30", None, ADMIN_ONLY),
    ("GET", "/terms/{term}/ledger", None, ADMIN_ONLY),
    ("GET", "/payer-exports/{export}", None, ADMIN_ONLY),
    ("GET", "/programs/{slug}/stipend-policies", None, ADMIN_ONLY),
    ("GET", "/stipend-policies/{policy}.csv", None, ADMIN_ONLY),
    ("GET", "/me/payments", None, MINE),
    ("POST", "/terms/{term}/payments/approve", {"ids": [1]}, ADMIN_ONLY),
    ("POST", "/payments/{payment}/approve", None, ADMIN_ONLY),
    ("POST", "/payments/{payment}/adjust", {"amount": "1", "reason": "x"}, ADMIN_ONLY),
    ("POST", "/payments/{payment}/cancel", {"reason": "x"}, ADMIN_ONLY),
    ("POST", "/terms/{term}/payer-exports", {"format": "csv"}, _for(404, 201)),
    ("POST", "/terms/{term}/payment-results", {"content": "reference,status\n"}, _for(404, 400)),
]


def _ids(w: Placed) -> dict[str, object]:
    policy = StipendPolicy.objects.filter(program=w.world.program).first()
    assert policy is not None
    export = services.export_payments(w.world.term, actor=w.world.user("admin"))
    return {
        "term": w.world.term.pk,
        "payment": payment_of(w.placement).pk,
        "slug": w.world.program.slug,
        "export": export.pk,
        "policy": policy.pk,
    }


@pytest.mark.parametrize(("method", "path", "body", "expected"), API)
def test_the_api_matrix(
    midterm_paid: Placed, method: str, path: str, body: object, expected: tuple[int, ...]
) -> None:
    w = midterm_paid
    url = path.format(**_ids(w))
    got = []
    for role in ROLES:
        caller = Api(None if role == "anonymous" else w.world.user(role))
        got.append(caller(method, url, body).status_code)
        if role != "admin":  # nobody but the admin changed anything
            assert payment_of(w.placement).status == Payment.Status.PENDING
    assert tuple(got) == expected, dict(zip(ROLES, got, strict=True))


def test_my_payments_list_only_the_callers_own(midterm_paid: Placed) -> None:
    w = midterm_paid
    pk = payment_of(w.placement).pk
    for role in ROLES[1:]:
        rows = Api(w.world.user(role))("GET", "/me/payments").json()
        assert [r["id"] for r in rows] == ([pk] if role == "mentee1" else []), role


PAGE_ADMIN = ("login", 404, 404, 404, 404, 404, 200)
PAGES: list[tuple[Callable[[dict[str, object]], str], tuple[object, ...]]] = [
    (lambda i: reverse("stipends:payments", args=[i["term"]]), PAGE_ADMIN),
    (lambda i: reverse("stipends:payment", args=[i["payment"]]), ("login", *[404] * 4, 200, 200)),
    (lambda i: reverse("stipends:export", args=[i["term"]]), PAGE_ADMIN),
    (lambda i: reverse("stipends:export_file", args=[i["export"]]), PAGE_ADMIN),
    (lambda i: reverse("stipends:results", args=[i["term"]]), PAGE_ADMIN),
    (lambda i: reverse("stipends:ageing", args=[i["term"]]), PAGE_ADMIN),
    (lambda i: reverse("stipends:policy", args=[i["slug"]]), PAGE_ADMIN),
    (lambda i: reverse("stipends:policy_csv", args=[i["policy"]]), PAGE_ADMIN),
    (lambda i: reverse("stipends:mine"), ("login", *[200] * 6)),
]


@pytest.mark.parametrize(("url", "expected"), PAGES)
def test_the_page_matrix(
    midterm_paid: Placed, url: Callable[[dict[str, object]], str], expected: tuple[object, ...]
) -> None:
    w = midterm_paid
    target = url(_ids(w))
    got: list[object] = []
    for role in ROLES:
        client = Client()
        if role != "anonymous":
            client.force_login(w.world.user(role))
        response = client.get(target)
        login = response.status_code == 302 and "/accounts/login/" in response["Location"]
        got.append("login" if login else response.status_code)
    assert tuple(got) == expected, dict(zip(ROLES, got, strict=True))


def test_only_the_mentee_sees_their_payment_on_their_timeline(midterm_paid: Placed) -> None:
    w = midterm_paid
    link = reverse("stipends:payment", args=[payment_of(w.placement).pk])
    for role in ROLES[1:-1]:
        client = Client()
        client.force_login(w.world.user(role))
        page = client.get(reverse("stipends:mine")).content.decode()
        assert (link in page) is (role == "mentee1"), role
