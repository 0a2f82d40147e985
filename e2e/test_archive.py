"""The archive search in Chromium (issue 15): a visitor searches every term of the demo from the
home page, narrows the result by year and lets the filter go, pages through a longer result,
and follows a result to its term; the API, asked from the page's origin, counts the same.

The demo (`cohort demo`) holds the reference term (2024 Term 3) and three past terms (2021
Term 1, 2023 Term 1, 2025 Term 2), so "ebpf" finds projects of more than one year."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from e2e.conftest import Steps, check_page
from e2e.test_journeys import no_console_errors

TERM_PATH = re.compile(r"/[^/]+/(\d{4})-term-\d/")
COUNT = re.compile(r"^(\d+) projects? match")


def total(page: Page) -> int:
    """The number of matches the page's status line reports."""
    found = COUNT.match(page.locator("main .result-count").inner_text())
    assert found, page.locator("main .result-count").inner_text()
    return int(found.group(1))


def term_links(page: Page) -> Locator:
    """Each result card's link to its term (the card's "Term" line)."""
    return page.locator("ol.search-results article.card div:has(> dt:text-is('Term')) a")


def years_shown(page: Page) -> set[str]:
    hrefs: list[str] = term_links(page).evaluate_all("links => links.map(a => a.pathname)")
    years = set()
    for href in hrefs:
        match = TERM_PATH.fullmatch(href)
        assert match, f"a result's term link is {href}"
        years.add(match.group(1))
    return years


def api_total(page: Page, query: str) -> int:
    """GET /api/v1/search from the page itself (same origin, the visitor's cookies)."""
    answer: dict[str, object] = page.evaluate(
        "async (q) => (await fetch('/api/v1/search?q=' + encodeURIComponent(q))).json()", query
    )
    value = answer["total"]
    assert isinstance(value, int), answer
    return value


def test_visitor_searches_every_term_narrows_pages_and_opens_a_term(
    page: Page, steps: Steps
) -> None:
    errors = no_console_errors(page)
    page.goto("/")
    steps.shot("home")
    # The home page's own search box.
    box = page.get_by_role("search").get_by_role("searchbox")
    box.fill("ebpf")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=ebpf$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Search every term")
    everything = total(page)
    assert everything >= 2
    results = page.locator("ol.search-results > li")
    expect(results).to_have_count(min(everything, 25))
    expect(term_links(page)).to_have_count(min(everything, 25))
    years = years_shown(page)
    assert len(years) >= 2, f"ebpf found projects of {years} only"
    steps.shot("results")
    check_page(page, "search-ebpf")

    # The API, from the page's origin, counts the same.
    assert api_total(page, "ebpf") == everything

    # Narrow by the year with the fewest matches: fewer results, all of that year, a chip.
    facet = page.locator("#facet-year li")
    counts = {
        item.locator("a").inner_text(): int(item.locator(".count").inner_text())
        for item in facet.all()
    }
    assert set(counts) == years
    assert sum(counts.values()) == everything
    year = min(counts, key=lambda y: counts[y])
    facet.locator("a", has_text=year).click()
    expect(page).to_have_url(re.compile(rf"[?&]year={year}(&|$)"))
    assert total(page) == counts[year] < everything
    assert years_shown(page) == {year}
    chip = page.get_by_role("link", name=f"Remove Year: {year}")
    expect(chip).to_be_visible()
    expect(page.locator("#facet-year a[aria-current='true']")).to_contain_text(year)
    steps.shot("narrowed")
    check_page(page, "search-ebpf-year")

    # Let the year go: every match again, no chip.
    chip.click()
    expect(page).to_have_url(re.compile(r"/search/\?q=ebpf$"))
    assert total(page) == everything
    expect(page.locator(".chosen-facets")).to_have_count(0)

    # A result leads to its term's page.
    first = term_links(page).first
    href = first.evaluate("a => a.pathname")
    term = re.search(r"\d{4} Term \d", first.inner_text())
    assert term, first.inner_text()
    first.click()
    expect(page).to_have_url(re.compile(re.escape(href) + "$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(term.group())
    steps.shot("term")
    page.go_back()

    # A longer result comes in pages of 25: the next page goes on where the first stopped.
    field = page.get_by_role("searchbox", name="Words to find")
    field.fill("kubernetes")
    page.get_by_role("button", name="Search").click()
    many = total(page)
    pages = -(-many // 25)
    assert pages > 1, f"kubernetes found {many} projects only"
    expect(page.locator("main .result-count")).to_contain_text(f"page 1 of {pages}")
    titles = page.locator("ol.search-results .card__title").all_inner_texts()
    page.get_by_role("navigation", name="Result pages").get_by_role("link", name="Next").click()
    expect(page.locator("main .result-count")).to_contain_text(f"page 2 of {pages}")
    expect(page.locator("ol.search-results")).to_have_attribute("start", "26")
    after = page.locator("ol.search-results .card__title").all_inner_texts()
    assert after
    assert not set(after) & set(titles)
    expect(page.get_by_role("link", name="Previous")).to_be_visible()
    assert api_total(page, "kubernetes") == many
    steps.shot("page-2")
    check_page(page, "search-kubernetes-page-2")
    assert errors == []
