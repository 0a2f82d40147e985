"""GitHub for a program in Chromium, against the demo (issue 19, docs/github.md): the program
admin opens the program in the console, follows "GitHub", connects cncf/mentoring with a
webhook secret that the page never shows again, is refused a repository that is not one
with nothing changed, then GitHub's deliveries (a `ping` and an `issues.labeled`, signed with
that secret and sent to the live server) show on "Deliveries", newest first. A mentor gets
404 there. axe and overflow at 1280 and 390 px; a screenshot per step under e2e/artifacts/."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
import uuid
from typing import Any

from playwright.sync_api import Page, expect

from cohort.github.tests.payloads import payload, signed
from e2e.conftest import WIDTHS, Steps, check_page, log_in

PROGRAM = "CNCF LFX Mentorship"  # the demo's program; its admin is "admin"
REPOSITORY = "cncf/mentoring"
SECRET = "e2e webhook secret 7f3a9c1d"  # noqa: S105 (made up for this journey)
OTHER_SECRET = "a second secret never saved 42"  # noqa: S105 (made up; must not be saved)


def deliver(url: str, event: str, data: dict[str, Any], secret: str) -> tuple[int, str]:
    """POST `data` to the webhook `url` as GitHub does: JSON, signed with `secret`, with the
    event and delivery headers. Returns the status and the delivery's id."""
    body = json.dumps(data).encode()
    guid = str(uuid.uuid4())
    request = urllib.request.Request(  # noqa: S310 (our own server)
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "GitHub-Hookshot/e2e",
            "X-GitHub-Event": event,
            "X-GitHub-Delivery": guid,
            "X-Hub-Signature-256": signed(body, secret.encode()),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 (our own server)
            return answer.status, guid
    except urllib.error.HTTPError as error:
        return error.code, guid


def test_admin_connects_a_repository_and_sees_the_signed_deliveries(
    page: Page, steps: Steps, base_url: str
) -> None:
    main = page.locator("main")
    log_in(page, "admin")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Console").click()
    page.get_by_role("link", name=PROGRAM).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(PROGRAM)
    steps.shot("console-program")
    main.get_by_role("link", name="GitHub", exact=True).click()
    expect(page).to_have_url(re.compile(r"/github/[-\w]+/$"))
    slug = page.url.rstrip("/").rsplit("/", 1)[-1]
    expect(page.get_by_role("heading", level=1)).to_contain_text("GitHub")
    expect(main.locator("#github-not-connected")).to_contain_text("Not connected.")
    webhook_path = f"/webhooks/github/{slug}/"
    expect(main.locator("#webhook-url")).to_have_text(re.compile(re.escape(webhook_path) + "$"))
    steps.shot("not-connected")
    check_page(page, "github-settings-not-connected")

    page.get_by_label("Repository", exact=True).fill(REPOSITORY)
    page.get_by_label("Webhook secret", exact=True).fill(SECRET)
    token_variable = page.get_by_label("Token variable", exact=True).input_value()
    assert token_variable  # the default is kept as it is
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text(
        f"Saved: {PROGRAM} reads the issues of {REPOSITORY}."
    )
    facts = main.locator("#github-connection")
    expect(facts).to_contain_text(REPOSITORY)
    expect(facts).to_contain_text("Saved (never shown)")
    expect(facts).to_contain_text(token_variable)
    expect(facts.locator("#webhook-url")).to_have_text(re.compile(re.escape(webhook_path) + "$"))
    expect(main.locator("#github-not-connected")).to_have_count(0)
    expect(page.get_by_label("Webhook secret", exact=True)).to_have_value("")
    assert SECRET not in page.content()
    steps.shot("connected")
    check_page(page, "github-settings-connected")

    page.get_by_label("Repository", exact=True).fill("not a repo")
    page.get_by_label("Webhook secret", exact=True).fill(OTHER_SECRET)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text(
        'Nothing was saved: "not a repo" is not a GitHub repository: write it OWNER/NAME.'
    )
    expect(facts).to_contain_text(REPOSITORY)
    expect(facts).not_to_contain_text("not a repo")
    html = page.content()
    assert SECRET not in html
    assert OTHER_SECRET not in html
    steps.shot("refused")
    check_page(page, "github-settings-refused")

    # GitHub's side: signed with the saved secret (a secret from the refused form would not
    # be accepted, so this also shows the refusal changed nothing).
    url = base_url + webhook_path
    status, _ = deliver(url, "ping", payload("ping"), OTHER_SECRET)
    assert status == 401
    status, ping = deliver(url, "ping", payload("ping"), SECRET)
    assert status == 200
    labeled_data = payload("issues.labeled", **{"repository.full_name": REPOSITORY})
    status, labeled = deliver(url, "issues", labeled_data, SECRET)
    assert status == 202  # signed and kept, but nothing Cohort reads

    page.goto(f"/github/{slug}/")
    main.get_by_role("link", name="Deliveries", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Deliveries")
    rows = main.locator("#deliveries tbody tr")
    expect(rows).to_have_count(2)  # the badly signed one is not kept
    newest, oldest = rows.nth(0), rows.nth(1)
    expect(newest).to_have_id(f"delivery-{labeled}")
    expect(newest.locator("code")).to_have_text("issues.labeled")
    expect(newest.locator(".badge")).to_have_text("Ignored")
    expect(newest).to_contain_text("#1")
    expect(oldest).to_have_id(f"delivery-{ping}")
    expect(oldest.locator("code")).to_have_text("ping")
    expect(oldest.locator(".badge")).to_have_text("Processed")
    expect(oldest).to_contain_text("the webhook reaches Cohort")
    assert SECRET not in page.content()
    steps.shot("deliveries")
    check_page(page, "github-deliveries")

    page.context.clear_cookies()
    log_in(page, "mentor")
    for path in (f"/github/{slug}/", f"/github/{slug}/deliveries/"):
        answer = page.goto(path)
        assert answer is not None
        assert answer.status == 404, f"{path} answered {answer.status} to a mentor"
    steps.shot("mentor-404")


# How far each form field's box reaches below its last child, in CSS pixels.
_FIELD_SLACK = """() => [...document.querySelectorAll('main form .field')].map(field => {
  const last = field.lastElementChild.getBoundingClientRect().bottom;
  return Math.round(field.getBoundingClientRect().bottom - last);
})"""


def test_the_github_form_fields_are_as_tall_as_their_content(page: Page) -> None:
    log_in(page, "admin")
    page.goto("/console/")
    page.get_by_role("link", name=PROGRAM).click()
    page.locator("main").get_by_role("link", name="GitHub", exact=True).click()
    for size in WIDTHS:
        page.set_viewport_size(size)
        slack: list[int] = page.evaluate(_FIELD_SLACK)
        assert len(slack) == 3
        assert max(slack) <= 8, f"{size['width']} px: blank below the fields {slack}"
