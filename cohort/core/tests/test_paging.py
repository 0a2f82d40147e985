"""The house pager (`cohort.core.paging`): the page asked for, where it is, and its links."""

from __future__ import annotations

from cohort.core.paging import PageLink, Paging, page_number


def test_the_page_asked_for_is_a_whole_number_from_1_kept_within_the_list() -> None:
    assert [page_number(v) for v in (None, "", "3", "0", "-2", "x", "2.5")] == [1, 1, 3, 1, 1, 1, 1]
    assert Paging.of("99", 120, size=50, params={}).number == 3
    assert Paging.of("2", 0, size=50, params={}).number == 1


def test_where_it_is_with_thousands_separated() -> None:
    paging = Paging.of("25", 1220, size=50, params={})
    assert (paging.pages, paging.start, paging.where) == (25, 1200, "1,201–1,220 of 1,220")
    assert Paging.of(None, 0, size=50, params={}).where == "0–0 of 0"


def test_links_keep_the_filters_and_leave_out_the_far_pages() -> None:
    paging = Paging.of("10", 1000, size=50, params={"state": "unreviewed", "q": "", "page": "10"})
    assert paging.previous == "?state=unreviewed&page=9"
    assert paging.next == "?state=unreviewed&page=11"
    assert paging.href(1) == "?state=unreviewed"
    numbers = [link.number if link else None for link in paging.links]
    assert numbers == [1, None, 7, 8, 9, 10, 11, 12, 13, None, 20]
    assert [link for link in paging.links if link and link.current] == [
        PageLink(10, "?state=unreviewed&page=10", True)
    ]
    first = Paging.of("1", 60, size=50, params={})
    assert (first.previous, first.next, first.href(1)) == ("", "?page=2", "?")
