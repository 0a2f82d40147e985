"""Statistics in Chromium, against the demo (`cohort demo`): the admin opens the reference
term's statistics (CNCF LFX Mentorship 2024 Term 3, still open, so marked not public) and the
demo's completed term's, sees the charts (inline SVG images with their captions) and the data
tables, and downloads a table as CSV; a visitor gets a 404 for the open term and sees the
program's page across its public terms. axe at 1280 and 390 px on each page."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from playwright.sync_api import Page, expect

from e2e.conftest import Steps, check_page, log_in

REFERENCE = "/cncf-lfx-mentorship/2024-term-3/statistics/"
COMPLETED = "/cohort-demo-completed/2026-term-3/statistics/"


def test_admin_sees_a_terms_charts_and_tables_and_downloads_a_csv(
    page: Page, steps: Steps, tmp_path: Path
) -> None:
    main = page.locator("main")
    log_in(page, "admin")
    page.goto("/cncf-lfx-mentorship/2024-term-3/")
    main.get_by_role("link", name="Statistics", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Statistics")
    expect(main).to_contain_text("Not public until the term is closed")
    chart = main.get_by_role("img", name="Projects per organization")
    expect(chart.first).to_be_visible()
    table = main.get_by_role("table", name="Projects per organization (data)")
    expect(table).to_be_visible()
    expect(
        main.get_by_role("table", name="Applicants by country of residence (data)")
    ).to_be_visible()
    # 7 applications in the demo's reference term: the people counts are hidden.
    expect(
        main.get_by_role("table", name="CNCF LFX Mentorship 2024 Term 3 in figures (data)")
    ).to_contain_text("fewer than 5")
    steps.shot("reference-term")
    check_page(page, "statistics-term")

    section = main.locator(
        "section", has=page.get_by_role("heading", name="Projects per organization")
    )
    with page.expect_download() as download:
        section.get_by_role("link", name="CSV").click()
    saved = tmp_path / "organizations.csv"
    download.value.save_as(saved)
    rows = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8"))))
    shown = table.locator("tbody tr")
    expect(shown).to_have_count(len(rows))
    assert rows[0]["organization"] == shown.first.locator("th").inner_text()
    assert int(rows[0]["projects"]) >= int(rows[-1]["projects"]) >= 1

    page.goto(COMPLETED)
    expect(main.get_by_role("img", name="Projects per organization")).to_be_visible()
    expect(main.get_by_role("table", name="Projects per organization (data)")).to_contain_text(
        "Kyverno"
    )
    expect(main.get_by_role("table", name="Placements by outcome (data)")).to_contain_text(
        "suppressed"
    )
    steps.shot("completed-term")
    check_page(page, "statistics-completed-term")


def test_a_visitor_sees_the_program_page_but_not_an_open_terms(page: Page, steps: Steps) -> None:
    main = page.locator("main")
    answer = page.goto(REFERENCE)
    assert answer is not None
    assert answer.status == 404
    page.goto("/cncf-lfx-mentorship/statistics/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("across its terms")
    # The imported past terms took no applications: public, projects and organizations only.
    expect(main.get_by_role("img", name="growth per year")).to_be_visible()
    expect(
        main.get_by_role("table", name="CNCF LFX Mentorship: growth per year (data)")
    ).to_contain_text("2021")
    steps.shot("program")
    check_page(page, "statistics-program")
    main.get_by_role("link", name="2021 Term 1").click()
    expect(main.get_by_role("img", name="Projects per organization")).to_be_visible()
    expect(main).not_to_contain_text("Not public")
    check_page(page, "statistics-imported-term")
