"""The mentorship period in Chromium, against the demo (`cohort demo`, cohort/demo/mentorship.py):
a mentor evaluates the open midterm, the mentee reads the result without the private
comments and gives feedback, the admin finds who is overdue, and a graduate's completion
page is public. A screenshot per step under e2e/artifacts/."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from e2e.conftest import Steps, check_page, log_in

OPEN_MENTEE = "Mei Tanaka"  # mentee4: the midterm is open now
OVERDUE_MENTEE = "Kwame Mensah"  # mentee7: the midterm closed with no evaluation
PASSED_MENTEE = "Diego Alvarez"  # mentee5: passed, locked
GRADUATE = "Lena Fischer"  # mentee8, in the finished term
FOR_MENTEE = "Well done: the antctl command is merged. Next, its documentation."
PRIVATE = "Between us: ready for the stretch goal, and could co-mentor next term."


def first_link(page: Page, pattern: str) -> str:
    """The first link in <main> whose path (query and fragment left out) matches `pattern`."""
    hrefs: list[str] = page.locator("main a[href]").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    return next(h for h in hrefs if re.fullmatch(pattern, h.split("#")[0].split("?")[0]))


def test_mentor_evaluates_the_midterm_and_the_mentee_reads_it_and_gives_feedback(
    page: Page, steps: Steps
) -> None:
    main = page.locator("main")
    log_in(page, "mentor")
    page.get_by_role("link", name="My mentees").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("My mentees")
    steps.shot("my-mentees")
    main.get_by_role("link", name=OPEN_MENTEE).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(OPEN_MENTEE)
    steps.shot("placement")
    main.get_by_role("link", name=f"Evaluate {OPEN_MENTEE}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Midterm evaluation")
    page.get_by_label("Pass", exact=True).check()
    page.get_by_label("Progress against the plan").select_option("on_track")
    page.get_by_label("Communication").select_option("good")
    page.get_by_label("Hours per week").fill("25")
    page.get_by_label("Comments for the mentee").fill(FOR_MENTEE)
    page.get_by_label("Private comments for the program admins").fill(PRIVATE)
    steps.shot("evaluation-filled")
    page.get_by_role("button", name="Submit the evaluation").click()
    expect(page.locator(".messages")).to_contain_text("is saved: pass")
    expect(main).to_contain_text(PRIVATE)  # the mentors read what they wrote for the admins
    steps.shot("evaluated")

    page.context.clear_cookies()
    log_in(page, "mentee4")
    page.get_by_role("link", name="My mentorship").click()
    main.get_by_role("link", name=re.compile("Evaluations, feedback and history")).click()
    expect(main).to_contain_text("Passed")
    expect(main).to_contain_text(FOR_MENTEE)
    expect(main).not_to_contain_text(PRIVATE)
    assert PRIVATE not in page.content()  # not hidden in the page either
    steps.shot("mentee-result")
    check_page(page, "mentorship-mentee-result")
    main.get_by_role("link", name=re.compile("Give your feedback on the midterm")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your feedback")
    check_page(page, "mentorship-feedback-form")
    page.locator("input[name=mentor_rating][value='5']").check()
    page.get_by_label("About your mentors").fill("Quick reviews and a weekly call.")
    page.locator("input[name=program_rating][value='4']").check()
    page.get_by_label("About the program").fill("Clear dates; the onboarding was short.")
    steps.shot("feedback-filled")
    page.get_by_role("button", name="Send my feedback").click()
    expect(page.locator(".messages")).to_contain_text("your feedback for the midterm evaluation")
    expect(main.get_by_role("heading", name="Your feedback")).to_be_visible()
    steps.shot("feedback-sent")


def test_admin_sees_who_is_overdue(page: Page, steps: Steps) -> None:
    main = page.locator("main")
    log_in(page, "admin")
    page.goto("/console/programs/cohort-demo-mentorship/")
    page.goto(first_link(page, r"/console/terms/\d+/"))
    page.goto(first_link(page, r"/mentorship/terms/\d+/"))
    expect(main).to_contain_text(OVERDUE_MENTEE)
    steps.shot("placements")
    main.get_by_role("link", name=re.compile("Overdue evaluations")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Overdue evaluations")
    expect(main.get_by_role("heading", name=re.compile(OVERDUE_MENTEE))).to_be_visible()
    expect(main).not_to_contain_text(PASSED_MENTEE)
    steps.shot("overdue")


def test_a_graduate_shares_a_public_completion_page(
    page: Page, steps: Steps, browser: Browser, base_url: str
) -> None:
    log_in(page, "mentee8")
    page.get_by_role("link", name="My mentorship").click()
    page.locator("main").get_by_role(
        "link", name=re.compile("Evaluations, feedback and history")
    ).click()
    link = page.locator("main a[href*='/completed/']").first
    expect(link).to_be_visible()
    address = link.get_attribute("href")
    assert address is not None
    steps.shot("graduate")
    visitor = browser.new_context(base_url=base_url)
    try:
        public = visitor.new_page()
        answer = public.goto(address)
        assert answer is not None
        assert answer.status == 200
        expect(public.locator("main")).to_contain_text(GRADUATE)
        expect(public.locator("main")).to_contain_text("Kyverno")
        check_page(public, "mentorship-completion")
    finally:
        visitor.close()
