"""Each role's journey through the demo in Chromium: the pages a person sees, their forms and
their answers, with a screenshot per step (e2e/artifacts/)."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from e2e.conftest import Steps, check_page, log_in


def first_link(page: Page, pattern: str) -> str:
    """The first link in the page's main content whose path matches `pattern`."""
    hrefs: list[str] = page.locator("main a[href]").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    return next(h for h in hrefs if re.fullmatch(pattern, h.split("#")[0].split("?")[0]))


def no_console_errors(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "response",
        lambda response: (
            errors.append(f"{response.status} {response.url}") if response.status >= 400 else None
        ),
    )
    return errors


def test_visitor_browses_the_catalog_and_searches(page: Page, steps: Steps) -> None:
    errors = no_console_errors(page)
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    steps.shot("home")
    page.get_by_role("link", name=re.compile("2024 Term 3")).first.click()
    expect(page).to_have_url(re.compile(r"/2024-term-3/$"))
    steps.shot("term")
    # A page of the term (not its calendar or feed, which name their type).
    pages = page.locator("main a[href*='/2024-term-3/']:not([type])")
    pages.filter(has_text=re.compile(r"\w")).nth(1).click()
    expect(page.get_by_role("heading", name="Description")).to_be_visible()
    steps.shot("project")
    page.goto("/search/?q=antrea")
    expect(page.locator("main")).to_contain_text("Antrea")
    steps.shot("search")
    assert errors == []


def test_mentee_sees_their_applications_and_their_history(page: Page, steps: Steps) -> None:
    log_in(page, "mentee1")
    page.goto("/applications/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("application")
    steps.shot("my-applications")
    page.goto(first_link(page, r"/applications/\d+/"))
    expect(page.locator("main")).to_contain_text("History")
    steps.shot("application")


def test_mentor_reviews_and_scores_an_applicant(page: Page, steps: Steps) -> None:
    log_in(page, "mentor")
    page.goto("/review/")
    steps.shot("review-home")
    page.locator("main a[href^='/review/projects/']").filter(has_text="DNS caches").first.click()
    expect(page.get_by_role("heading", name="Applicants")).to_be_visible()
    steps.shot("queue")
    page.goto(first_link(page, r"/review/applications/\d+/"))
    steps.shot("applicant")
    page.locator("input[name=score][value='4']").check()
    page.locator("form[action$='/review/'] button[type=submit]").first.click()
    expect(page.locator("input[name=score][value='4']")).to_be_checked()
    steps.shot("scored")
    check_page(page, "applicant-scored")


def test_maintainer_approves_the_demo_proposal(page: Page, steps: Steps) -> None:
    log_in(page, "maintainer")
    page.goto("/proposals/")
    steps.shot("proposals")
    page.goto(first_link(page, r"/proposals/\d+/"))
    steps.shot("proposal")
    page.get_by_role("button", name=re.compile("^Approve")).click()
    expect(page.locator("main")).to_contain_text("approved")
    steps.shot("approved")
    check_page(page, "proposal-approved")


def test_admin_runs_selection_for_the_reference_term(page: Page, steps: Steps) -> None:
    log_in(page, "admin")
    page.goto("/review/")
    page.locator("main a[href^='/review/terms/']").filter(has_text="2024 Term 3").first.click()
    steps.shot("overview")
    page.goto(first_link(page, r"/selection/terms/\d+/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Selection")
    steps.shot("selection")
    page.get_by_role("button", name=re.compile("Run")).first.click()
    expect(page.locator("main")).to_contain_text(re.compile(r"Round \d+ computed: \d+ placed"))
    steps.shot("round")
    check_page(page, "selection-round")


def test_mentee_applies_to_a_live_project_and_hands_in_every_task(
    page: Page, steps: Steps, tmp_path: Path
) -> None:
    """The newcomer's first minute (issue 12): log in as mentee1, find a project of the live
    demo term, apply, hand in the cover letter and the LFC102 certificate; the application
    is then submitted."""
    log_in(page, "mentee1")
    page.goto("/")
    page.get_by_role("link", name=re.compile("Cohort live demo")).first.click()
    steps.shot("live-program")
    page.locator("main a[href*='-term-']").first.click()
    steps.shot("live-term")
    page.goto(first_link(page, r"/cohort-live-demo/[^/]+/[^/]+/"))
    expect(page.get_by_role("link", name="Apply to this project")).to_be_visible()
    steps.shot("project")
    page.get_by_role("link", name="Apply to this project").click()
    page.get_by_role("button", name=re.compile("Start my application")).click()
    expect(page.locator("main")).to_contain_text("Hand in each task")
    steps.shot("started")
    check_page(page, "application-started")
    certificate = tmp_path / "lfc102.pdf"
    certificate.write_bytes(b"%PDF-1.7\n" + b"0" * 2048)
    for form in page.locator("form.task-form.mentee-form").all():
        if form.locator("textarea").count():
            form.locator("textarea").fill("I have used this project for a year and want to help.")
            form.get_by_role("button", name="Hand in").click()
            break
    steps.shot("cover-letter")
    for form in page.locator("form.task-form.mentee-form").all():
        if form.locator("input[type=file]").count() and not form.locator("textarea").count():
            if "résumé" in form.inner_text().lower():
                continue
            form.locator("input[type=file]").set_input_files(str(certificate))
            form.get_by_role("button", name="Hand in").click()
            break
    expect(page.locator("main")).to_contain_text("Submitted, awaiting review")
    steps.shot("submitted")
    check_page(page, "application-submitted")


def test_mentor_shortlists_and_ranks_in_the_term_under_review(page: Page, steps: Steps) -> None:
    log_in(page, "mentor")
    page.goto("/review/")
    page.locator("main a[href^='/review/projects/']").filter(
        has_text="NetworkPolicy audit log viewer"
    ).first.click()
    expect(page.get_by_role("heading", name="Applicants")).to_be_visible()
    steps.shot("queue-in-review")
    queue = page.url
    hrefs = page.locator("main a[href^='/review/applications/']").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    applicants = list(
        dict.fromkeys(h for h in hrefs if re.fullmatch(r"/review/applications/\d+/", h))
    )
    assert len(applicants) >= 2, applicants
    for number, href in enumerate(applicants[:2]):
        page.goto(href)
        page.locator("input[name=score][value='3']").check()
        page.locator("form[action$='/review/'] button[type=submit]").first.click()
        expect(page.locator(".messages")).to_contain_text("Your review is saved.")
        page.get_by_role("button", name="Shortlist", exact=True).click()
        expect(page.locator(".messages")).to_contain_text("Shortlisted.")
        expect(
            page.get_by_role("button", name="Take off the shortlist", exact=True)
        ).to_be_visible()
        steps.shot(f"shortlisted-{number + 1}")
    page.goto(queue)
    page.get_by_role("link", name=re.compile(r"Rank the shortlist")).click()
    ranks = page.locator("main input[name^='rank']")
    expect(ranks).to_have_count(2)
    names = page.locator(".ranking__who > a").all_inner_texts()
    ranks.nth(0).fill("2")
    ranks.nth(1).fill("1")
    steps.shot("ranking")
    page.get_by_role("button", name="Save the ranking").click()
    expect(page.locator(".messages")).to_contain_text("Ranking saved.")
    expect(page.locator(".ranking__who").first).to_contain_text(names[1])
    expect(page.locator(".ranking__who").first).to_contain_text("saved rank 1")
    steps.shot("ranked")
    check_page(page, "ranking-saved")
