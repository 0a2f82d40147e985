"""Every page of the site, as each role meets it, passes `check_page` (issue 12): no serious or
critical axe-core violation and no sideways scrolling, at 1280 px and at 390 px.

The pages are a table, `PAGES`: add a row to check another page. A row opens `path` as each
of its `roles`, then follows links, so rows need no database ids: each step of `follow` is a
regular expression that the path of a link in <main> (query and fragment left out) must match
whole, and opens the first such link; a step `(pattern, n)` opens the n-th (-1: the last), and
`(pattern, "heading")` the first in the <section> whose heading holds that text. The demo
(`cohort demo`) is what the pages show; the journeys (test_journeys.py) run first and may
have moved it on, so rows pick links that survive them. Django's 404 and 500 pages, which
DEBUG (the demo needs it) replaces with its technical pages, are rendered here from
templates/ and served at the row's path.

Not here: the Django admin (/admin/, Django's own templates) and the API's documentation
page (Swagger UI).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from playwright.sync_api import Browser, BrowserContext, Page, expect

from e2e.conftest import check_page, traced_context

VISITOR = ("visitor",)
MENTEE = ("mentee1",)
MENTOR = ("mentor",)
MAINTAINER = ("maintainer",)
ADMIN = ("admin",)
SIGNED_IN = ("mentee1", "mentor", "maintainer", "admin")
EVERYONE = ("visitor", *SIGNED_IN)

REFERENCE_TERM = "/cncf-lfx-mentorship/2024-term-3/"
LIVE_TERM = "/cohort-live-demo/2026-term-3/"
UPCOMING_TERM = "/cncf-lfx-mentorship/2027-term-1/"


@dataclass(frozen=True)
class Visit:
    name: str  # unique: the test id and the screenshot's name
    path: str  # the address to open first
    roles: tuple[str, ...]
    follow: tuple[str | tuple[str, int | str], ...] = ()  # links to open in turn (see above)
    status: int = 200  # the answer expected for the page that is checked
    template: str = ""  # an error page DEBUG replaces: rendered here and served at `path`
    shows: str = ""  # text the checked page's <main> must hold (that the links led right)


REFERENCE = "CNCF LFX Mentorship 2024 Term 3"  # the reference term's heading on the review page

PAGES: tuple[Visit, ...] = (
    # Public pages.
    Visit("home", "/", EVERYONE),
    Visit("program", "/cncf-lfx-mentorship/", VISITOR),
    Visit("program-live", "/cohort-live-demo/", VISITOR),
    Visit("term-reference", REFERENCE_TERM, VISITOR),
    Visit("term-live", LIVE_TERM, ("visitor", "mentee1")),
    Visit("term-upcoming", UPCOMING_TERM, VISITOR),
    Visit("project-reference", REFERENCE_TERM, VISITOR, follow=(r"/[^/]+/2024-term-3/[^/]+/",)),
    Visit(
        "project-live",
        LIVE_TERM,
        ("visitor", "mentee1", "mentor"),
        follow=(r"/[^/]+/2026-term-3/[^/]+/",),
    ),
    Visit("search", "/search/", VISITOR),
    Visit("search-results", "/search/?q=antrea", VISITOR),
    Visit("search-nothing", "/search/?q=zzzzzz", VISITOR),
    Visit("search-facets", "/search/?q=kubernetes&year=2024", VISITOR),
    # Statistics (issue 16): a program's across its public terms; a term's for its admins.
    Visit("statistics-program", "/cncf-lfx-mentorship/statistics/", VISITOR),
    Visit("statistics-term", f"{REFERENCE_TERM}statistics/", ADMIN),
    # A person's own data, calendar and e-mail (issues 16 and 17).
    Visit("my-data", "/my-data/", MENTEE),
    Visit("my-data-kept", "/my-data/what-we-keep/", MENTEE),
    Visit("my-data-delete", "/my-data/delete/", MENTEE),
    Visit("calendar", "/calendar/", MENTEE),
    Visit("email-settings", "/settings/email/", MENTEE),
    Visit("reminders", "/reminders/cohort-live-demo/", ADMIN, shows="The next 7 days"),
    Visit("not-found", "/no-such-program/", VISITOR, status=404, template="404.html"),
    Visit("server-error", "/a-page-that-failed/", VISITOR, status=500, template="500.html"),
    # Accounts (allauth).
    Visit("login", "/accounts/login/", VISITOR),
    Visit("signup", "/accounts/signup/", VISITOR),
    Visit("password-reset", "/accounts/password/reset/", VISITOR),
    Visit("password-reset-done", "/accounts/password/reset/done/", VISITOR),
    Visit("password-reset-bad-key", "/accounts/password/reset/key/1-not-a-key/", VISITOR),
    Visit("password-reset-key-done", "/accounts/password/reset/key/done/", VISITOR),
    Visit("github-login-cancelled", "/accounts/3rdparty/login/cancelled/", VISITOR),
    Visit("github-login-error", "/accounts/3rdparty/login/error/", VISITOR, status=401),
    Visit("account-inactive", "/accounts/inactive/", VISITOR),
    Visit("logout", "/accounts/logout/", MENTEE),
    Visit("email", "/accounts/email/", MENTEE),
    Visit("password-change", "/accounts/password/change/", MENTEE),
    Visit("connections", "/accounts/3rdparty/", MENTEE),
    Visit("reauthenticate", "/accounts/reauthenticate/", MENTEE),
    # The mentee's applications.
    Visit("my-applications", "/applications/", MENTEE),
    Visit("profile", "/applications/profile/", MENTEE),
    Visit(
        "apply",
        LIVE_TERM,
        MENTEE,
        follow=((r"/[^/]+/2026-term-3/[^/]+/", -1), r"/applications/apply/\d+/"),
    ),
    Visit("application", "/applications/", MENTEE, follow=(r"/applications/\d+/",)),
    Visit("application-last", "/applications/", MENTEE, follow=((r"/applications/\d+/", -1),)),
    # Reviewing applicants.
    Visit("review", "/review/", ("mentor", "maintainer", "admin")),
    Visit("review-queue", "/review/", MENTOR, follow=(r"/review/projects/\d+/",)),
    Visit("review-queue-live", "/review/", MENTOR, follow=((r"/review/projects/\d+/", -1),)),
    Visit(
        "review-ranking",
        "/review/",
        MENTOR,
        follow=((r"/review/projects/\d+/", -1), r"/review/projects/\d+/ranking/"),
    ),
    Visit(
        "review-applicant",
        "/review/",
        MENTOR,
        follow=((r"/review/projects/\d+/", -1), r"/review/applications/\d+/"),
    ),
    Visit("review-term", "/review/", ADMIN, follow=(r"/review/terms/\d+/",)),
    Visit("review-term-last", "/review/", ADMIN, follow=((r"/review/terms/\d+/", REFERENCE),)),
    Visit(
        "review-queue-admin",
        "/review/",
        ADMIN,
        follow=((r"/review/terms/\d+/", REFERENCE), r"/review/projects/\d+/"),
    ),
    # The demo's terms at later stages (`cohort demo`; the lists put the newest term first and
    # the reference term last).
    Visit(
        "review-term-in-review",
        "/review/",
        ADMIN,
        follow=((r"/review/terms/\d+/", "Cohort demo: in review"),),
        shows="Cohort demo: in review",
    ),
    Visit(
        "review-queue-offers",
        "/review/",
        MENTOR,
        follow=((r"/review/projects/\d+/", "Cohort demo: selection"),),
        shows="Cohort demo: selection",
    ),
    Visit(
        "selection-confirmed",
        "/review/",
        ADMIN,
        follow=((r"/review/terms/\d+/", "Cohort demo: selection"), r"/selection/terms/\d+/"),
        shows="Cohort demo: selection",
    ),
    # Proposals.
    Visit("proposals", "/proposals/", ("mentor", "maintainer", "admin")),
    Visit("proposal", "/proposals/", ("mentor", "maintainer"), follow=(r"/proposals/\d+/",)),
    Visit("proposal-new", "/proposals/", MENTOR, follow=(r"/proposals/new/\d+/",)),
    Visit(
        "proposal-edit",
        "/proposals/",
        MENTOR,
        follow=((r"/proposals/\d+/", -1), r"/proposals/\d+/edit/"),
    ),
    Visit("proposal-admin", "/proposals/", ADMIN, follow=((r"/proposals/\d+/", -1),)),
    Visit("proposal-board", "/proposals/", ADMIN, follow=(r"/proposals/board/\d+/",)),
    Visit("proposal-board-last", "/proposals/", ADMIN, follow=((r"/proposals/board/\d+/", -1),)),
    # Selection.
    Visit("selection", "/review/", ADMIN, follow=(r"/review/terms/\d+/", r"/selection/terms/\d+/")),
    Visit(
        "selection-reference",
        "/review/",
        ADMIN,
        follow=((r"/review/terms/\d+/", REFERENCE), r"/selection/terms/\d+/"),
    ),
    # The program admin's console.
    Visit(
        "console-retention",
        "/console/programs/cncf-lfx-mentorship/",
        ADMIN,
        follow=(r"/console/terms/\d+/", r"/console/terms/\d+/retention/"),
        shows="purge",
    ),
    Visit("console", "/console/", ADMIN, shows="The programs you run"),
    Visit(
        "console-program",
        "/console/",
        ADMIN,
        follow=(r"/console/programs/cncf-lfx-mentorship/",),
        shows="New term",
    ),
    Visit(
        "console-dashboard",
        "/console/programs/cncf-lfx-mentorship/",
        ADMIN,
        follow=((r"/console/terms/\d+/", -1),),
        shows="Where the term stands",
    ),
    Visit(
        "console-dashboard-live",
        "/console/programs/cohort-live-demo/",
        ADMIN,
        follow=(r"/console/terms/\d+/",),
        shows="Accepting applications",
    ),
    Visit(
        "console-timeline",
        "/console/programs/cncf-lfx-mentorship/",
        ADMIN,
        follow=((r"/console/terms/\d+/timeline/", -1),),
        shows="Saved timeline",
    ),
    # The mentorship period.
    Visit("mentorship-mine", "/mentorship/", MENTEE, shows="My mentorship"),
    Visit("mentorship-mentees", "/mentorship/mentees/", MENTOR, shows="My mentees"),
    Visit(
        "mentorship-term",
        "/console/programs/cohort-demo-selection/",
        ADMIN,
        follow=(r"/console/terms/\d+/", r"/mentorship/terms/\d+/"),
        shows="1 placement",
    ),
    # The demo's term in its mentorship period (cohort/demo/mentorship.py): My mentees lists
    # the mentor's placements by project title, the open midterm (Mei Tanaka's) first.
    Visit(
        "mentorship-placement-mentor",
        "/mentorship/mentees/",
        MENTOR,
        follow=(r"/mentorship/placements/\d+/",),
        shows="Mei Tanaka",
    ),
    Visit(
        "mentorship-evaluate",
        "/mentorship/mentees/",
        MENTOR,
        follow=(r"/mentorship/placements/\d+/", r"/mentorship/placements/\d+/evaluations/midterm/"),
        shows="Private comments for the program admins",
    ),
    Visit(
        "mentorship-term-demo",
        "/console/programs/cohort-demo-mentorship/",
        ADMIN,
        follow=(r"/console/terms/\d+/", r"/mentorship/terms/\d+/"),
        shows="Overdue evaluations: 1",
    ),
    Visit(
        "mentorship-overdue",
        "/console/programs/cohort-demo-mentorship/",
        ADMIN,
        follow=(
            r"/console/terms/\d+/",
            r"/mentorship/terms/\d+/",
            r"/mentorship/terms/\d+/overdue/",
        ),
        shows="Kwame Mensah",
    ),
    Visit(
        "mentorship-placement-admin",
        "/console/programs/cohort-demo-mentorship/",
        ADMIN,
        follow=(
            r"/console/terms/\d+/",
            r"/mentorship/terms/\d+/",
            r"/mentorship/terms/\d+/overdue/",
            r"/mentorship/placements/\d+/",
        ),
        shows="Program admin actions",
    ),
    Visit(
        "mentorship-policy",
        "/console/programs/cohort-demo-mentorship/",
        ADMIN,
        follow=(r"/mentorship/programs/[^/]+/policy/",),
        shows="The policy new placements follow",
    ),
    # Stipends (cohort/demo/stipends.py): the mentorship term's queue holds Diego Alvarez's
    # installment (pending, or paid once test_stipends.py ran); the completed term's holds
    # Lena Fischer's paid and failed ones.
    Visit(
        "stipends-payments",
        "/console/programs/cohort-demo-mentorship/",
        ADMIN,
        follow=(r"/console/terms/\d+/", r"/stipends/terms/\d+/payments/"),
        shows="Diego Alvarez",
    ),
    Visit(
        "stipends-payments-completed",
        "/console/programs/cohort-demo-completed/",
        ADMIN,
        follow=(r"/console/terms/\d+/", r"/stipends/terms/\d+/payments/"),
        shows="Lena Fischer",
    ),
    Visit(
        "stipends-payment-admin",
        "/console/programs/cohort-demo-completed/",
        ADMIN,
        follow=(
            r"/console/terms/\d+/",
            r"/stipends/terms/\d+/payments/",
            r"/stipends/payments/\d+/",
        ),
        shows="Ledger",
    ),
    Visit(
        "stipends-export",
        "/console/programs/cohort-demo-completed/",
        ADMIN,
        follow=(
            r"/console/terms/\d+/",
            r"/stipends/terms/\d+/payments/",
            r"/stipends/terms/\d+/export/",
        ),
        shows="Past files",
    ),
    Visit(
        "stipends-results",
        "/console/programs/cohort-demo-mentorship/",
        ADMIN,
        follow=(
            r"/console/terms/\d+/",
            r"/stipends/terms/\d+/payments/",
            r"/stipends/terms/\d+/results/",
        ),
        shows="Upload the payer's result file",
    ),
    Visit(
        "stipends-ageing",
        "/console/programs/cohort-demo-completed/",
        ADMIN,
        follow=(
            r"/console/terms/\d+/",
            r"/stipends/terms/\d+/payments/",
            r"/stipends/terms/\d+/ageing/",
        ),
        shows="Late stipends",
    ),
    Visit(
        "stipends-policy",
        "/console/programs/cohort-demo-mentorship/",
        ADMIN,
        follow=(r"/stipends/programs/[^/]+/policy/",),
        shows="World Bank",
    ),
    Visit("stipends-mine-empty", "/stipends/me/", MENTEE, shows="No stipend payment yet"),
    Visit(
        "console-settings",
        "/console/programs/cncf-lfx-mentorship/",
        ADMIN,
        follow=((r"/console/terms/\d+/settings/", -1),),
        shows="Proposals per organization",
    ),
)


def _cases() -> Iterator[object]:
    for visit in PAGES:
        for role in visit.roles:
            yield pytest.param(visit, role, id=f"{visit.name}-{role}")


def test_page_names_are_unique() -> None:
    names = [visit.name for visit in PAGES]
    assert len(names) == len(set(names))


def _links(page: Page, pattern: str, within: str = "") -> list[str]:
    where = page.locator("main")
    if within:
        heading = page.get_by_role("heading", name=re.compile(re.escape(within)))
        where = where.locator("section").filter(has=heading)
    hrefs: list[str] = where.locator("a[href]").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    return [h for h in hrefs if re.fullmatch(pattern, h.split("#")[0].split("?")[0])]


@pytest.fixture
def role_context(
    browser: Browser,
    base_url: str,
    logged_in: dict[str, Path | None],
    request: pytest.FixtureRequest,
) -> Iterator[BrowserContext]:
    role: str = request.node.callspec.params["role"]
    state = logged_in[role]
    yield from traced_context(browser, base_url, request, storage_state=state)


@pytest.mark.parametrize(("visit", "role"), list(_cases()))
def test_page(visit: Visit, role: str, role_context: BrowserContext) -> None:
    page = role_context.new_page()
    if visit.template:
        if visit.status == 404:  # the live server answers 404 there, with DEBUG's page
            assert page.request.get(visit.path).status == 404
        html = render_to_string(visit.template)
        page.route(
            f"**{visit.path}",
            lambda route: route.fulfill(status=visit.status, body=html, content_type="text/html"),
        )
    answer = page.goto(visit.path)
    for step in visit.follow:
        pattern, pick = (step, 0) if isinstance(step, str) else step
        within = pick if isinstance(pick, str) else ""
        links = _links(page, pattern, within)
        assert links, f"no link to {pattern} {within} on {page.url} as {role}"
        answer = page.goto(links[0 if within else int(pick)])
    assert answer is not None
    assert answer.status == visit.status, f"{page.url} answered {answer.status} to {role}"
    if visit.shows:
        expect(page.locator("main")).to_contain_text(visit.shows)
    check_page(page, f"{visit.name}-{role}")


def test_account_forms_show_their_errors_the_site_way(page: Page) -> None:
    """allauth's forms, sent wrong, answer in the site's layout: a summary or the field's own
    error, tied to the field, and the page still passes the checks."""
    page.goto("/accounts/signup/")
    expect(page.locator("label[for=id_email]")).to_have_text("Email (optional)")
    page.fill("input[name=username]", "mentee1")
    page.fill("input[name=password1]", "a-long-enough-secret-1")
    page.fill("input[name=password2]", "a-different-secret-2")
    page.click("main button[type=submit]")
    expect(page.locator(".field--error .field-error").first).to_be_visible()
    expect(page.locator(".field--error #id_username")).to_have_count(1)
    check_page(page, "signup-errors")

    page.goto("/accounts/login/")
    page.fill("input[name=login]", "mentee1")
    page.fill("input[name=password]", "not-the-password")
    page.click("main button[type=submit]")
    expect(page.locator(".error-summary[role=alert]")).to_contain_text("not correct")
    check_page(page, "login-errors")
