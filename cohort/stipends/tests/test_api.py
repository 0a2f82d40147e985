"""The stipends API (issue 14): each endpoint's behaviour through `/api/v1`, each actor with
their own token. Who may call what is in test_api_matrix.py.

mentee1 is placed on cilium (mentored by bob) and passed the midterm: one pending payment of
2,282.00 USD (228,200 minor units). admin runs the program.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cohort.mentorship.tests.conftest import Placed
from cohort.mentorship.tests.test_api import Api, ok, refused
from cohort.stipends import services
from cohort.stipends.models import LedgerEntry, PayerExport, Payment, StipendPolicy
from cohort.stipends.tests.conftest import payment_of

pytestmark = pytest.mark.django_db

S = Payment.Status


def api(w: Placed, name: str | None = "admin") -> Api:
    return Api(w.world.user(name) if name else None)


def test_the_terms_payments_in_minor_units_with_a_status_filter(midterm_paid: Placed) -> None:
    w = midterm_paid
    admin = api(w)
    term = w.world.term.pk
    [row] = ok(admin("GET", f"/terms/{term}/payments"))
    assert row["amount_minor"] == row["total_minor"] == 228_200
    assert isinstance(row["amount_minor"], int)
    assert (row["currency"], row["total_text"], row["status"]) == ("USD", "$2,282.00", "pending")
    assert row["reference"] == payment_of(w.placement).reference
    assert ok(admin("GET", f"/terms/{term}/payments?status=paid")) == []
    assert "not a payment status" in refused(admin("GET", f"/terms/{term}/payments?status=x"))


def test_approve_adjust_cancel_and_retry_one_payment(midterm_paid: Placed) -> None:
    w = midterm_paid
    admin = api(w)
    pk = payment_of(w.placement).pk
    out = ok(admin("POST", f"/payments/{pk}/adjust", {"amount": "-100.00", "reason": "Fee."}))
    assert (out["adjusted_minor"], out["total_minor"]) == (-10_000, 218_200)
    assert "not an amount" in refused(
        admin("POST", f"/payments/{pk}/adjust", {"amount": "1e5", "reason": "x"})
    )
    assert ok(admin("POST", f"/payments/{pk}/approve"))["status"] == "approved"
    assert "already approved" in refused(admin("POST", f"/payments/{pk}/approve"), 409)
    assert "only a failed one" in refused(admin("POST", f"/payments/{pk}/retry"))
    out = ok(admin("POST", f"/payments/{pk}/cancel", {"reason": "Left the program."}))
    assert (out["status"], out["cancel_reason"]) == ("cancelled", "Left the program.")
    assert admin("POST", "/payments/987654/approve").status_code == 404


def test_bulk_approve_returns_what_it_approved_and_what_it_refused(midterm_paid: Placed) -> None:
    w = midterm_paid
    pk = payment_of(w.placement).pk
    out = ok(api(w)("POST", f"/terms/{w.world.term.pk}/payments/approve", {"ids": [pk, 987654]}))
    assert out == {
        "approved": [pk],
        "refused": [{"id": 987654, "reason": "No such payment in this term."}],
    }
    assert payment_of(w.placement).status == S.APPROVED


def test_the_csv_listing_is_read_only_and_the_payer_export_sends(midterm_paid: Placed) -> None:
    w = midterm_paid
    admin = api(w)
    term = w.world.term.pk
    payment = payment_of(w.placement)
    services.approve_payment(payment, actor=w.world.user("admin"))
    ledger = LedgerEntry.objects.count()
    listing = admin("GET", f"/terms/{term}/payments.csv")
    assert listing["Content-Type"].startswith("text/csv")
    lines = listing.content.decode().splitlines()
    assert lines[0].endswith(",round,status")
    assert lines[1].startswith(f"{payment.reference},Mentee1,")
    assert lines[1].endswith(",approved")
    assert payment_of(w.placement).status == S.APPROVED  # a GET marks nothing sent
    assert LedgerEntry.objects.count() == ledger
    assert PayerExport.objects.count() == 0
    assert len(admin("GET", f"/terms/{term}/payments.csv?status=paid").content.splitlines()) == 1

    made = ok(admin("POST", f"/terms/{term}/payer-exports", {"format": "json"}), 201)
    assert made["count"] == 1
    assert payment_of(w.placement).status == S.SENT
    file = admin("GET", made["download_url"].removeprefix("/api/v1"))
    assert file["Content-Type"] == "application/json"
    assert file.json()["payments"][0]["reference"] == payment.reference


def test_results_mark_paid_or_refuse_by_line_and_change_nothing(midterm_paid: Placed) -> None:
    w = midterm_paid
    admin = api(w)
    term = w.world.term.pk
    payment = payment_of(w.placement)
    services.approve_payment(payment, actor=w.world.user("admin"))
    services.export_payments(w.world.term, actor=w.world.user("admin"))
    bad = f"reference,status\n{payment.reference},paid\nCOH-X,paid\n"
    detail = refused(admin("POST", f"/terms/{term}/payment-results", {"content": bad}))
    assert "line 3" in detail
    assert payment_of(w.placement).status == S.SENT
    good = f"reference,status,reason\n{payment.reference},failed,Bank refused.\n"
    assert ok(admin("POST", f"/terms/{term}/payment-results", {"content": good})) == {
        "paid": 0,
        "failed": 1,
    }
    assert ok(admin("POST", f"/payments/{payment.pk}/retry"))["status"] == "approved"


def test_ageing_and_the_ledger(midterm_paid: Placed) -> None:
    w = midterm_paid
    admin = api(w)
    term = w.world.term.pk
    payment = payment_of(w.placement)
    services.approve_payment(payment, actor=w.world.user("admin"))
    Payment.objects.filter(pk=payment.pk).update(approved_at=timezone.now() - timedelta(days=40))
    assert [r["id"] for r in ok(admin("GET", f"/terms/{term}/payments/ageing?days=30"))] == [
        payment.pk
    ]
    assert ok(admin("GET", f"/terms/{term}/payments/ageing?days=41")) == []
    assert "1 to 365" in refused(admin("GET", f"/terms/{term}/payments/ageing?days=0"))
    ledger = ok(admin("GET", f"/terms/{term}/ledger"))
    assert ledger["reconciles"] is True
    assert ledger["payments"] == ledger["ledger"]
    [usd] = ledger["payments"]
    assert (usd["currency"], usd["committed_minor"], usd["approved_minor"]) == (
        "USD",
        228_200,
        228_200,
    )


def test_my_payments_are_the_mentees_own(midterm_paid: Placed) -> None:
    w = midterm_paid
    [mine] = ok(api(w, "mentee1")("GET", "/me/payments"))
    assert (mine["total_minor"], mine["expected_text"]) == (
        228_200,
        "After a program admin approves it",
    )
    assert ok(api(w, "mentee2")("GET", "/me/payments")) == []
    assert ok(api(w, "bob")("GET", "/me/payments")) == []


def test_policies_list_download_and_import(midterm_paid: Placed) -> None:
    w = midterm_paid
    admin = api(w)
    slug = w.world.program.slug
    policies = ok(admin("GET", f"/programs/{slug}/stipend-policies"))
    assert [p["kind"] for p in policies] == ["ppp", "ppp"]  # the LFX preset: two dates
    newest = policies[0]
    assert newest["rates"] > 100
    csv = admin("GET", newest["csv_url"].removeprefix("/api/v1"))
    assert csv["Content-Type"].startswith("text/csv")
    text = csv.content.decode()
    # the same rule from a later date imports as a new policy
    later = text.replace(newest["effective_from"], "2030-01-01")
    assert later != text
    out = ok(admin("PUT", f"/programs/{slug}/stipend-policy", {"content": later}))
    assert out[0]["effective_from"] == "2030-01-01"
    assert StipendPolicy.objects.filter(program=w.world.program).count() == 3
    detail = refused(admin("PUT", f"/programs/{slug}/stipend-policy", {"content": "x,y\n"}))
    assert "not imported" in detail
    assert StipendPolicy.objects.filter(program=w.world.program).count() == 3
