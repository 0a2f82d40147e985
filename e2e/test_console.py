"""The program admin sets up a term in the console, in Chromium: "2027 Term 2" from the
program's calendar, a deadline moved in the term's zone, a preview, a save, and the public
term page showing the eight milestones."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from e2e.conftest import Steps, log_in

EIGHT = [
    "Project proposals",
    "Mentee applications open",
    "Application review/admission decisions",
    "Selection notifications",
    "Mentorship program begins with the initial work assignments",
    "Midterm mentee evaluations and first stipend payments",
    "Final mentee evaluations and mentee feedback/blog submission due",
    "Last day of term",
]


def test_admin_sets_up_a_term_in_the_console(page: Page, steps: Steps) -> None:
    log_in(page, "admin")
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Console").click()
    steps.shot("console")
    page.get_by_role("link", name="CNCF LFX Mentorship").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("CNCF LFX Mentorship")
    page.get_by_label("Year").fill("2027")
    page.get_by_label("Term", exact=True).select_option(label="Term 2 (June - August)")
    page.get_by_label("Time zone").fill("America/Los_Angeles")
    steps.shot("new-term")
    page.get_by_role("button", name="Create the term").click()
    expect(page.locator(".messages")).to_contain_text("2027 Term 2 created, with the 8 milestones")
    expect(page.locator("fieldset.milestone-row")).to_have_count(10)  # eight and two blank
    steps.shot("timeline-created")

    applications = page.locator("fieldset.milestone-row").nth(1)
    applications.get_by_label("Closes at").fill("23:59")
    page.get_by_role("button", name="Preview").click()
    preview = page.get_by_role("region", name="The timeline as it would be saved")
    expect(preview).to_contain_text("Tue, May 11, 2027, 11:59 PM PDT")
    expect(preview).to_contain_text("Wed, May 12, 2027, 06:59 UTC")
    # The reader's own zone, filled in by the page's script (Chromium runs in UTC here).
    expect(preview.locator("td[data-local-time]").nth(1)).not_to_have_text("—")
    steps.shot("timeline-preview")
    page.get_by_role("button", name="Save the timeline").click()
    expect(page.locator(".messages")).to_contain_text("The timeline of 2027 Term 2 is saved.")
    steps.shot("timeline-saved")

    page.get_by_role("link", name="Settings").click()
    page.get_by_label("Applications per mentee").fill("2")
    page.get_by_role("button", name="Save the settings").click()
    expect(page.locator(".messages")).to_contain_text("The settings of 2027 Term 2 are saved.")
    steps.shot("settings-saved")

    page.get_by_role("link", name="Public page").click()
    expect(page).to_have_url(re.compile(r"/2027-term-2/$"))
    main = page.locator("main")
    for label in EIGHT:
        expect(main).to_contain_text(label)
    expect(main).to_contain_text("Apr 28 - May 11 11:59 PM PDT")
    steps.shot("public-term-page")
