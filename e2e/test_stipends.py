"""Stipends in Chromium, against the demo (`cohort demo`, cohort/demo/stipends.py): the admin
approves the pending first installment of Diego Alvarez (mentee5, Mexico) at the amount of his
country, makes the payer's CSV file and downloads it, uploads the payer's result file marking
its reference paid, and the mentee sees "Paid". A screenshot per step under e2e/artifacts/."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from playwright.sync_api import Page, expect

from e2e.conftest import Steps, check_page, log_in

MENTEE = "Diego Alvarez"  # mentee5: passed the midterm, the demo leaves the payment pending
# Mexico's price level ratio 0.5440 × the LF's base of 6,000 USD = 3,264 USD; half of it at
# the midterm (docs/money.md).
AMOUNT = "$1,632.00"
AMOUNT_MINOR = "163200"


def test_admin_approves_exports_and_imports_a_result_and_the_mentee_sees_paid(
    page: Page, steps: Steps, tmp_path: Path
) -> None:
    main = page.locator("main")
    log_in(page, "admin")
    page.goto("/console/programs/cohort-demo-mentorship/")
    main.locator("a[href^='/console/terms/']").first.click()
    main.get_by_role("link", name="Payments", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Stipend payments")
    row = main.locator("tbody tr", has_text=MENTEE)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(AMOUNT)
    expect(row).to_contain_text("MX")
    expect(row).to_contain_text("Pending approval")
    expect(main.locator("#reconciles")).to_have_text("yes")
    steps.shot("queue")
    check_page(page, "stipends-payments-pending")

    row.get_by_role("checkbox").check()
    page.get_by_role("button", name="Approve selected").click()
    expect(page.locator(".messages")).to_contain_text("1 payment approved.")
    expect(row).to_contain_text("Approved")
    expect(main.locator("#reconciles")).to_have_text("yes")
    steps.shot("approved")

    main.get_by_role("link", name="Export for the payer").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("The payer's file")
    # Diego's, and Priya Raman's (mentee9), which the demo approved after its last file.
    expect(main.locator("#waiting")).to_contain_text("2 approved payments wait")
    page.get_by_label("CSV").check()
    page.get_by_role("button", name="Make the payer file").click()
    expect(page.locator(".messages")).to_contain_text("2 payments marked sent")
    steps.shot("exported")
    check_page(page, "stipends-export-made")
    with page.expect_download() as download:
        main.get_by_role("link", name=re.compile(r"Payer file \d+")).first.click()
    saved = tmp_path / "payer.csv"
    download.value.save_as(saved)
    rows = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8"))))
    assert sorted(r["name"] for r in rows) == [MENTEE, "Priya Raman"]
    (sent,) = [r for r in rows if r["name"] == MENTEE]
    assert re.fullmatch(r"COH-\d+-\d+-1", sent["reference"])
    assert (sent["name"], sent["country"], sent["currency"]) == (MENTEE, "MX", "USD")
    assert (sent["amount"], sent["amount_minor"]) == ("1632.00", AMOUNT_MINOR)
    assert sent["installment"] == "1 of 2"

    # The payer's result: the file that went out with a status column added.
    result = tmp_path / "results.csv"
    with result.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*sent, "status", "paid_on"])
        writer.writeheader()
        writer.writerow({**sent, "status": "paid", "paid_on": ""})
    main.get_by_role("link", name="Import the payer's results").click()
    # The two just sent, and Chinedu Okafor's (mentee10), sent by the demo.
    expect(main.locator("#sent-count")).to_contain_text("3 payments sent")
    page.get_by_label("CSV file").set_input_files(result)
    steps.shot("results-chosen")
    page.get_by_role("button", name="Import the results").click()
    expect(page.locator(".messages")).to_contain_text("Results imported: 1 paid, 0 failed.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Stipend payments")
    paid = main.locator("tbody tr", has_text=MENTEE)
    expect(paid).to_contain_text("Paid")
    expect(main.locator("#reconciles")).to_have_text("yes")
    steps.shot("paid")

    page.context.clear_cookies()
    log_in(page, "mentee5")
    page.get_by_role("link", name="My mentorship").click()
    main.get_by_role("link", name=re.compile("Evaluations, feedback and history")).click()
    main.get_by_role("link", name="Stipend payments").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My stipend")
    mine = main.locator("tbody tr", has_text="Midterm")
    expect(mine).to_contain_text(AMOUNT)
    expect(mine.locator(".badge")).to_have_text("Paid")
    steps.shot("mentee-paid")
    check_page(page, "stipends-mine-paid")
