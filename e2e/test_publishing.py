"""The program admin publishes a proposal in Chromium: from the home page's "Your next step"
box to the proposal board of the demo term that accepts proposals, publish the proposal
that holds every approval, and find it in the public catalog (cohort/demo/phases.py)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from e2e.conftest import Steps, horizontal_overflow, log_in

PROGRAM = "Cohort demo: accepting proposals"
READY = "Zone transfer metrics plugin"  # proposal #3, approved by the admin, not yet published


def card(page: Page, column: str, title: str) -> int:
    """How many cards titled `title` the board's column `column` holds."""
    section = page.locator("section.board__column").filter(
        has=page.get_by_role("heading", name=re.compile(rf"^{re.escape(column)} \(\d+\)$"))
    )
    return section.locator("article.board__card").filter(has_text=title).count()


def test_admin_publishes_an_approved_proposal_to_the_catalog(page: Page, steps: Steps) -> None:
    log_in(page, "admin")
    page.goto("/")
    box = page.locator("section.next-steps")
    expect(box.get_by_role("heading", name="Your next step")).to_be_visible()
    item = box.locator("li").filter(has_text=f"of {PROGRAM} ")
    publish = item.get_by_role("link", name="Publish 1 approved proposal", exact=True)
    expect(publish).to_be_visible()
    steps.shot("next-step")

    publish.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Proposal board")
    expect(page.get_by_role("heading", level=1)).to_contain_text(PROGRAM)
    assert card(page, "CNCF Approved", READY) == 1
    assert card(page, "Exported", READY) == 0
    steps.shot("board")

    page.get_by_role("button", name="Publish approved proposals").click()
    expect(page.get_by_text("Published 1 approved proposal.")).to_be_visible()
    assert card(page, "CNCF Approved", READY) == 0
    assert card(page, "Exported", READY) == 1
    steps.shot("published")

    # The box has nothing more to publish, and the proposal is in the public catalog.
    page.goto("/")
    expect(page.locator("section.next-steps")).not_to_contain_text("Publish")
    page.get_by_role("link", name=PROGRAM, exact=True).click()
    page.locator("main a[href*='-term-']").first.click()
    expect(page.locator("main")).to_contain_text(READY)
    steps.shot("catalog")
    page.locator("main a").filter(has_text=READY).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(READY)
    assert horizontal_overflow(page) == 0
    steps.shot("project")

    # A visitor sees it too.
    page.context.clear_cookies()
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_contain_text(READY)
