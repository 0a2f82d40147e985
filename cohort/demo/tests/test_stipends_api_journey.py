"""Issue 14's "done when", through the API on the demo as `make run` loads it: Diego
Alvarez's midterm pass made his first installment at Mexico's amount; the demo admin approves
it, makes the payer's CSV file (which marks it sent) and downloads it, posts the payer's
result marking it paid, and `mentee5` reads "paid" in their own payments. The term's ledger
reconciles after each step."""

from __future__ import annotations

import csv
import io
from io import StringIO

import pytest
from django.core.management import call_command

from cohort.core.models import User
from cohort.demo.mentorship import MENTORSHIP_PROGRAM
from cohort.mentorship.tests.test_api import Api, ok
from cohort.stipends.models import Payment, PaymentStatus

pytestmark = pytest.mark.django_db


def test_an_admin_pays_diegos_installment_and_he_reads_paid(settings) -> None:
    settings.COHORT_DEMO_USERS = True
    call_command("demo", stdout=StringIO())
    admin = Api(User.objects.get(username="admin"))
    mentee = Api(User.objects.get(username="mentee5"))
    payment = Payment.objects.get(placement__mentee__username="mentee5")
    term = payment.term_id
    assert payment.term.program.name == MENTORSHIP_PROGRAM

    (mine,) = ok(mentee("GET", "/me/payments"))
    # Mexico's price level ratio 0.5440: 6,000 USD × 0.5440 = 3,264 USD, half at the midterm.
    assert (mine["country"], mine["currency"], mine["total_minor"]) == ("MX", "USD", 163_200)
    assert (mine["status"], mine["total_text"]) == (PaymentStatus.PENDING, "$1,632.00")

    assert ok(admin("POST", f"/payments/{payment.pk}/approve"))["status"] == "approved"
    assert ok(admin("GET", f"/terms/{term}/ledger"))["reconciles"] is True

    made = ok(admin("POST", f"/terms/{term}/payer-exports", {"format": "csv"}), 201)
    file = admin("GET", f"/payer-exports/{made['id']}")
    assert file.status_code == 200
    rows = list(csv.DictReader(io.StringIO(file.content.decode("utf-8"))))
    (diego,) = [r for r in rows if r["reference"] == payment.reference]
    assert (diego["name"], diego["amount"], diego["amount_minor"]) == (
        "Diego Alvarez",
        "1632.00",
        "163200",
    )
    assert ok(mentee("GET", "/me/payments"))[0]["status"] == PaymentStatus.SENT

    result = f"reference,status\r\n{payment.reference},paid\r\n"
    counts = ok(admin("POST", f"/terms/{term}/payment-results", {"content": result}))
    assert (counts["paid"], counts["failed"]) == (1, 0)
    (mine,) = ok(mentee("GET", "/me/payments"))
    assert (mine["status"], mine["status_label"], mine["expected_text"]) == ("paid", "Paid", "Paid")
    ledger = ok(admin("GET", f"/terms/{term}/ledger"))
    assert ledger["reconciles"] is True
    # A mentor of the project never sees it: the same 404 as for a payment that is not there.
    mentor = Api(User.objects.get(username="mentor"))
    assert mentor("GET", f"/terms/{term}/payments").status_code == 404
    assert ok(mentor("GET", "/me/payments")) == []
