"""A person's own data in Chromium, against the demo: Diego Alvarez (mentee5) opens "Your
data" from the menu, downloads the zip (his profile, applications and payment in data.json,
his résumé beside it), reads what is kept and why, and sees why he cannot delete his account
yet (his payment is not settled). The admin opens a term's personal-data page: the dry run
and the retention period. Nothing is deleted: the demo server is shared by the suite."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from playwright.sync_api import Page, expect

from e2e.conftest import Steps, check_page, log_in


def test_a_mentee_downloads_their_data_and_reads_what_is_kept(
    page: Page, steps: Steps, tmp_path: Path
) -> None:
    main = page.locator("main")
    log_in(page, "mentee5")
    page.get_by_role("link", name="Your data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your data")
    steps.shot("your-data")
    check_page(page, "my-data")

    with page.expect_download() as download:
        main.get_by_role("link", name="Download your data (zip)").click()
    saved = tmp_path / "data.zip"
    download.value.save_as(saved)
    with zipfile.ZipFile(io.BytesIO(saved.read_bytes())) as archive:
        names = archive.namelist()
        data = json.loads(archive.read("data.json"))
    assert data["account"]["username"] == "mentee5"
    assert data["profile"]["name"] == "Diego Alvarez"
    assert data["applications"]
    assert data["payments"]
    assert all(p["country"] == "MX" for p in data["payments"])
    files = [name for name in names if name.startswith("files/")]
    if data["profile"]["resume"]:
        assert data["profile"]["resume"]["path"] in files

    main.get_by_role("link", name="What is kept and why").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What is kept and why")
    expect(main).to_contain_text("Payment records")
    steps.shot("kept")
    check_page(page, "my-data-kept")

    page.goto("/my-data/delete/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete your account")
    expect(main.locator("#delete-blockers")).to_contain_text("payment")
    expect(main.get_by_role("button", name="Delete my account")).to_have_count(0)
    steps.shot("delete-blocked")
    check_page(page, "my-data-delete")


def test_an_admin_sees_a_term_s_purge_before_it_runs(page: Page, steps: Steps) -> None:
    main = page.locator("main")
    log_in(page, "admin")
    page.goto("/console/programs/cohort-demo-mentorship/")
    main.locator("a[href^='/console/terms/']").first.click()
    page.goto(page.url.rstrip("/") + "/retention/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Personal data")
    expect(main.locator("#retention-status")).to_contain_text("12 months")
    expect(main.locator("#purge-plan")).to_contain_text("Cover letters and task answers")
    expect(page.get_by_label("Months to keep personal data after a term closes")).to_have_value(
        "12"
    )
    steps.shot("term-retention")
    check_page(page, "retention-term")
