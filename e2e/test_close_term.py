"""Closing a term in Chromium, against the demo (`cohort demo`): the admin opens the finished
term of "Cohort demo: completed" in the console, where Lena Fischer's (mentee8) failed final
installment still blocks the close; they cancel it on its page, close the term, see it closed;
a later change to its settings is refused with the reason. A screenshot per step under
e2e/artifacts/."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from e2e.conftest import Steps, check_page, log_in

MENTEE = "Lena Fischer"


def test_admin_settles_the_last_payment_then_closes_the_finished_term(
    page: Page, steps: Steps
) -> None:
    main = page.locator("main")
    log_in(page, "admin")
    page.goto("/console/programs/cohort-demo-completed/")
    main.locator("a[href^='/console/terms/']").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Term dashboard")
    dashboard = page.url
    section = main.locator("section", has=page.get_by_role("heading", name="Close the term"))
    blockers = section.locator("#close-blockers li")
    expect(blockers).to_have_count(1)
    expect(blockers).to_contain_text(f"Payment of {MENTEE}")
    expect(blockers).to_contain_text("Failed")
    expect(section.get_by_role("button", name="Close the term")).to_be_disabled()
    steps.shot("blocked")
    check_page(page, "close-term-blocked")

    blockers.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Payment")
    main.get_by_text("Cancel the payment", exact=True).first.click()
    page.get_by_label("Why it is cancelled").fill("Paid by bank transfer outside Cohort.")
    page.get_by_role("button", name="Cancel the payment").click()
    expect(page.locator(".messages")).to_contain_text("The payment is cancelled.")
    steps.shot("settled")

    page.goto(dashboard)
    expect(section.locator("#close-ready")).to_contain_text("Nothing blocks closing this term")
    close = section.get_by_role("button", name="Close the term")
    expect(close).to_be_enabled()
    check_page(page, "close-term-ready")
    close.click()
    expect(page.locator(".messages")).to_contain_text("is closed.")
    expect(main.locator("#term-closed").first).to_contain_text(re.compile(r"Closed on .+ by "))
    expect(section.get_by_role("button", name="Close the term")).to_have_count(0)
    steps.shot("closed")
    check_page(page, "close-term-closed")

    main.get_by_role("link", name="Settings", exact=True).first.click()
    expect(main.locator("#term-closed")).to_contain_text("Closed on")
    page.get_by_role("button", name="Save the settings").click()
    expect(page.locator(".messages")).to_contain_text("Nothing was saved.")
    expect(page.locator(".messages")).to_contain_text("is closed: nothing in it can change")
    steps.shot("edit-refused")
    check_page(page, "close-term-edit-refused")
