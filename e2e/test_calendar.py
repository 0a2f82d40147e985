"""A person's calendar in Chromium, against the demo: mentee1 opens "Calendar" from the menu,
copies the feed's address, fetches it without any login (an iCalendar file holding the
deadline of the offer the demo's selection term makes them), makes a new address, and the
old one is gone (404) while the new one works. axe and overflow at 1280 and 390 px."""

from __future__ import annotations

import urllib.error
import urllib.request
from datetime import UTC, datetime

import icalendar
from playwright.sync_api import Page, expect

from e2e.conftest import Steps, check_page, log_in


def get(url: str) -> tuple[int, str, bytes]:
    """`url` fetched as a calendar application would: no cookie, no session."""
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 (our own server)
            return answer.status, answer.headers["Content-Type"], answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], b""


def test_a_mentee_subscribes_to_their_calendar_and_rotates_its_address(
    page: Page, steps: Steps
) -> None:
    main = page.locator("main")
    log_in(page, "mentee1")
    page.get_by_role("link", name="Calendar", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your calendar")
    steps.shot("calendar")
    check_page(page, "calendar")

    address = main.get_by_label("Calendar address (iCalendar)")
    old = address.input_value()
    assert "/calendar/" in old
    assert old.endswith(".ics")
    status, content_type, body = get(old)
    assert status == 200
    assert content_type.startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(body)
    offers = [e for e in cal.events if str(e["uid"]).startswith("offer-")]
    assert len(offers) == 1, [str(e["summary"]) for e in cal.events]
    offer = offers[0]
    assert "answer your offer for" in str(offer["summary"])
    assert str(offer["url"]).endswith("/applications/")
    deadline = offer.decoded("dtstart")
    assert isinstance(deadline, datetime)
    assert deadline.tzinfo is not None
    assert deadline.utcoffset() == UTC.utcoffset(None)  # written in UTC
    assert deadline > datetime.now(UTC)  # still to answer

    main.get_by_role("button", name="Make a new address").click()
    expect(page.get_by_role("status")).to_contain_text("The old one no longer works")
    new = main.get_by_label("Calendar address (iCalendar)").input_value()
    assert new != old
    steps.shot("rotated")
    check_page(page, "calendar-rotated")
    assert get(old)[0] == 404
    status, _, body = get(new)
    assert status == 200
    again = icalendar.Calendar.from_ical(body)
    assert [str(e["uid"]) for e in again.events if str(e["uid"]).startswith("offer-")] == [
        str(offer["uid"])
    ]
