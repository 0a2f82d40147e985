"""The stipend pages (issue 14): the admin's queue with bulk approve, one payment and its
actions, the payer's file out and back, the ageing list, the policy page and the mentee's
timeline; who gets which page (the mentee their own payment read-only, a mentor and an
outsider 404, anonymous to the login page).

mentee1 is placed on cilium (mentored by bob) and passed the midterm: one pending payment of
$2,282.00. admin runs the program; carol mentors falco; outsider has no seat.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cohort.mentorship.tests.conftest import Placed
from cohort.stipends import services
from cohort.stipends.models import LedgerEntry, PayerExport, Payment, StipendPolicy
from cohort.stipends.tests.conftest import payment_of

pytestmark = pytest.mark.django_db

S = Payment.Status


def client_for(w: Placed, name: str | None) -> Client:
    client = Client()
    if name:
        client.force_login(w.world.user(name))
    return client


def text(response: HttpResponseBase) -> str:
    assert isinstance(response, HttpResponse)
    return response.content.decode()


def test_the_queue_shows_totals_the_payment_and_reconciles(midterm_paid: Placed) -> None:
    w = midterm_paid
    response = client_for(w, "admin").get(reverse("stipends:payments", args=[w.world.term.pk]))
    assert response.status_code == 200
    page = text(response)
    assert "$2,282.00" in page
    assert "Pending approval" in page
    assert "0/1" in page  # approvals given of needed
    assert 'id="reconciles">yes<' in page
    assert f'name="ids" value="{payment_of(w.placement).pk}"' in page
    assert "Approve selected" in page


def test_the_status_filter_keeps_only_that_status(midterm_paid: Placed) -> None:
    w = midterm_paid
    url = reverse("stipends:payments", args=[w.world.term.pk])
    admin = client_for(w, "admin")
    link = reverse("stipends:payment", args=[payment_of(w.placement).pk])
    assert link not in text(admin.get(url, {"status": "paid"}))
    assert link in text(admin.get(url, {"status": "pending"}))
    assert admin.get(url, {"status": "nonsense"}).status_code == 200  # ignored: all


def test_bulk_approve_approves_some_and_says_why_it_refused_the_rest(midterm_paid: Placed) -> None:
    w = midterm_paid
    payment = payment_of(w.placement)
    url = reverse("stipends:payments", args=[w.world.term.pk])
    response = client_for(w, "admin").post(url, {"ids": [str(payment.pk), "987654"]})
    assert response.status_code == 200
    page = text(response)
    assert "1 payment approved." in page
    assert "No such payment in this term." in page
    payment.refresh_from_db()
    assert payment.status == S.APPROVED
    # approving it again is refused by the service, with its reason; nothing checked is a 400
    again = client_for(w, "admin").post(url, {"ids": [str(payment.pk)]})
    assert "already approved" in text(again)
    assert client_for(w, "admin").post(url, {}).status_code == 400
    assert client_for(w, "admin").post(url, {"ids": ["x"]}).status_code == 400


def test_the_payment_page_approves_adjusts_and_cancels(midterm_paid: Placed) -> None:
    w = midterm_paid
    payment = payment_of(w.placement)
    url = reverse("stipends:payment", args=[payment.pk])
    admin = client_for(w, "admin")
    page = text(admin.get(url))
    assert "Ledger" in page
    assert "committed" in page
    bad = admin.post(url, {"action": "adjust", "adjust-amount": "12.345", "adjust-reason": "x"})
    assert bad.status_code == 400
    assert "more than 2 decimal places" in text(bad)
    response = admin.post(
        url, {"action": "adjust", "adjust-amount": "-100.00", "adjust-reason": "Bank fee."}
    )
    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.total == 228_200 - 10_000
    page = text(admin.get(url))
    assert "−$100.00" in page
    assert "Bank fee." in page
    assert admin.post(url, {"action": "cancel", "cancel-reason": ""}).status_code == 400
    assert admin.post(url, {"action": "approve"}).status_code == 302
    payment.refresh_from_db()
    assert payment.status == S.APPROVED
    refused = admin.post(url, {"action": "retry"})
    assert refused.status_code == 400
    assert "only a failed one is retried" in text(refused)
    assert admin.post(url, {"action": "cancel", "cancel-reason": "Left."}).status_code == 302
    payment.refresh_from_db()
    assert (payment.status, payment.cancel_reason) == (S.CANCELLED, "Left.")
    assert admin.post(url, {"action": "nonsense"}).status_code == 400


def test_the_mentee_reads_their_payment_and_cannot_act_on_it(midterm_paid: Placed) -> None:
    w = midterm_paid
    payment = payment_of(w.placement)
    url = reverse("stipends:payment", args=[payment.pk])
    mentee = client_for(w, "mentee1")
    page = text(mentee.get(url))
    assert "$2,282.00" in page
    assert "After a program admin approves it" in page
    assert "Ledger" not in page
    assert 'name="action"' not in page
    assert mentee.post(url, {"action": "approve"}).status_code == 404
    payment.refresh_from_db()
    assert payment.status == S.PENDING


@pytest.mark.parametrize("who", ["bob", "carol", "outsider", "mentee2"])
def test_a_mentor_or_an_outsider_gets_404_on_every_stipend_page(
    midterm_paid: Placed, who: str
) -> None:
    w = midterm_paid
    term, payment = w.world.term.pk, payment_of(w.placement)
    export = services.export_payments(w.world.term, actor=w.world.user("admin"))
    policy = StipendPolicy.objects.filter(program=w.world.program).first()
    assert policy is not None
    client = client_for(w, who)
    for url in (
        reverse("stipends:payments", args=[term]),
        reverse("stipends:payment", args=[payment.pk]),
        reverse("stipends:export", args=[term]),
        reverse("stipends:export_file", args=[export.pk]),
        reverse("stipends:results", args=[term]),
        reverse("stipends:ageing", args=[term]),
        reverse("stipends:policy", args=[w.world.program.slug]),
        reverse("stipends:policy_csv", args=[policy.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(reverse("stipends:payments", args=[term]), {"ids": [payment.pk]}).status_code
        == 404
    )
    payment.refresh_from_db()
    assert payment.status == S.PENDING


def test_anonymous_is_sent_to_the_login_page(midterm_paid: Placed) -> None:
    w = midterm_paid
    for url in (
        reverse("stipends:payments", args=[w.world.term.pk]),
        reverse("stipends:payment", args=[payment_of(w.placement).pk]),
        reverse("stipends:mine"),
        reverse("stipends:policy", args=[w.world.program.slug]),
    ):
        response = Client().get(url)
        assert response.status_code == 302, url
        assert "/accounts/login/" in response["Location"]


def test_export_then_download_the_file_then_import_the_results(midterm_paid: Placed) -> None:
    w = midterm_paid
    payment = payment_of(w.placement)
    services.approve_payment(payment, actor=w.world.user("admin"))
    admin = client_for(w, "admin")
    url = reverse("stipends:export", args=[w.world.term.pk])
    assert "1 approved payment waits" in text(admin.get(url))
    response = admin.post(url, {"format": "csv"})
    assert response.status_code == 302
    assert response["Location"] == url
    export = PayerExport.objects.get()
    page = text(admin.get(url))
    assert "0 approved payments wait" in page
    assert reverse("stipends:export_file", args=[export.pk]) in page
    download = admin.get(reverse("stipends:export_file", args=[export.pk]))
    assert download["Content-Type"].startswith("text/csv")
    assert "attachment" in download["Content-Disposition"]
    lines = download.content.decode().splitlines()
    assert lines[0].startswith("reference,name,email,country,currency,amount")
    assert lines[1].startswith(f"{payment.reference},Mentee1,")
    assert admin.post(url, {"format": "xml"}).status_code == 400

    results = reverse("stipends:results", args=[w.world.term.pk])
    body = f"reference,status\n{payment.reference},paid\n".encode()
    done = admin.post(results, {"file": SimpleUploadedFile("r.csv", body, "text/csv")})
    assert done.status_code == 302
    payment.refresh_from_db()
    assert payment.status == S.PAID
    mine = text(client_for(w, "mentee1").get(reverse("stipends:mine")))
    assert "Paid" in mine
    assert "$2,282.00" in mine


def test_a_json_export_downloads_as_json(midterm_paid: Placed) -> None:
    w = midterm_paid
    services.approve_payment(payment_of(w.placement), actor=w.world.user("admin"))
    admin = client_for(w, "admin")
    admin.post(reverse("stipends:export", args=[w.world.term.pk]), {"format": "json"})
    download = admin.get(reverse("stipends:export_file", args=[PayerExport.objects.get().pk]))
    assert download["Content-Type"] == "application/json"
    assert download.json()["payments"][0]["amount_minor"] == 228_200


def test_a_bad_results_file_names_its_line_and_changes_nothing(midterm_paid: Placed) -> None:
    w = midterm_paid
    payment = payment_of(w.placement)
    admin_user = w.world.user("admin")
    services.approve_payment(payment, actor=admin_user)
    services.export_payments(w.world.term, actor=admin_user)
    entries = LedgerEntry.objects.count()
    body = f"reference,status\n{payment.reference},paid\nCOH-NOPE,paid\n".encode()
    response = client_for(w, "admin").post(
        reverse("stipends:results", args=[w.world.term.pk]),
        {"file": SimpleUploadedFile("r.csv", body, "text/csv")},
    )
    assert response.status_code == 400
    assert "line 3" in text(response)
    assert "COH-NOPE" in text(response)
    payment.refresh_from_db()
    assert payment.status == S.SENT
    assert LedgerEntry.objects.count() == entries
    latin = client_for(w, "admin").post(
        reverse("stipends:results", args=[w.world.term.pk]),
        {"file": SimpleUploadedFile("r.csv", "é".encode("latin-1"), "text/csv")},
    )
    assert latin.status_code == 400
    assert "not UTF-8" in text(latin)


def test_the_ageing_list_shows_what_is_late_and_checks_its_days(midterm_paid: Placed) -> None:
    w = midterm_paid
    payment = payment_of(w.placement)
    services.approve_payment(payment, actor=w.world.user("admin"))
    Payment.objects.filter(pk=payment.pk).update(approved_at=timezone.now() - timedelta(days=40))
    admin = client_for(w, "admin")
    url = reverse("stipends:ageing", args=[w.world.term.pk])
    assert "Mentee1" in text(admin.get(url, {"days": "30"}))
    assert "Mentee1" not in text(admin.get(url, {"days": "45"}))
    assert admin.get(url, {"days": "0"}).status_code == 400
    assert admin.get(url, {"days": "366"}).status_code == 400


def test_a_preset_cannot_replace_a_policy_that_paid(midterm_paid: Placed) -> None:
    w = midterm_paid
    admin = client_for(w, "admin")
    url = reverse("stipends:policy", args=[w.world.program.slug])
    page = text(admin.get(url))
    assert "ppp" in page
    assert "$6,000.00" in page  # the LFX preset the first payment installed
    refused = admin.post(url, {"action": "preset", "preset-preset": "gsoc"})
    assert refused.status_code == 400
    assert "has paid stipends" in text(refused)


def test_the_policy_page_installs_a_preset_imports_and_downloads_a_csv(active: Placed) -> None:
    w = active
    admin = client_for(w, "admin")
    url = reverse("stipends:policy", args=[w.world.program.slug])
    assert "No stipend policy yet" in text(admin.get(url))
    response = admin.post(url, {"action": "preset", "preset-preset": "gsoc"})
    assert response.status_code == 302
    gsoc = StipendPolicy.objects.filter(program=w.world.program, kind="table").get()
    download = admin.get(reverse("stipends:policy_csv", args=[gsoc.pk]))
    assert download["Content-Type"].startswith("text/csv")
    content = download.content
    # the downloaded file imports again (it replaces the same date's policy)
    again = admin.post(
        url,
        {"action": "upload", "upload-file": SimpleUploadedFile("p.csv", content, "text/csv")},
    )
    assert again.status_code == 302, [m.message for m in again.context["messages"]]
    bad = admin.post(
        url,
        {
            "action": "upload",
            "upload-file": SimpleUploadedFile("p.csv", b"kind,nope\n", "text/csv"),
        },
    )
    assert bad.status_code == 400
    assert "The policy file was not imported" in text(bad)
    sized = admin.post(
        url, {"action": "size", "size-project": str(w.world.cilium.pk), "size-column": "large"}
    )
    assert sized.status_code == 302
    assert w.world.cilium.stipend_size.column == "large"


def test_the_mentee_without_payments_sees_an_empty_state(midterm_paid: Placed) -> None:
    page = text(client_for(midterm_paid, "mentee2").get(reverse("stipends:mine")))
    assert "No stipend payment yet" in page
    mine = text(client_for(midterm_paid, "mentee1").get(reverse("stipends:mine")))
    assert "$2,282.00" in mine
    assert "Pending approval" in mine


def test_the_links_from_the_console_and_the_placement_page(midterm_paid: Placed) -> None:
    w = midterm_paid
    dashboard = text(client_for(w, "admin").get(reverse("console:term", args=[w.world.term.pk])))
    assert reverse("stipends:payments", args=[w.world.term.pk]) in dashboard
    placement = reverse("mentorship:placement", args=[w.placement.pk])
    assert reverse("stipends:mine") in text(client_for(w, "mentee1").get(placement))
