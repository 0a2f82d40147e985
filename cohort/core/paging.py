"""One page of a long list: which page was asked for, where it is ("1–50 of 390", page 1
of 8) and the links to the others, which keep the list's filters. The house pager of the
review queue, the applications overview and "My proposals" (template `core/_pager.html`),
and the round page's lists (`selection.queries.Page`). Plain Python: no Django."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from urllib.parse import urlencode


def page_number(value: str | None) -> int:
    """The page asked for in the query string: a whole number from 1, else 1."""
    try:
        number = int(value or 1)
    except ValueError:
        return 1
    return max(number, 1)


@dataclass(frozen=True)
class PageLink:
    number: int
    href: str
    current: bool


@dataclass(frozen=True)
class Paging:
    """Where one page of a long list is ("1–50 of 390", page 1 of 8) and the links to the
    other pages, which keep the list's filters (`params`, less this list's own `param`) as
    they are. A page with several lists names each list's `param` and the `anchor` of its
    section, which the links go back to."""

    number: int
    total: int
    size: int
    params: Mapping[str, str] = field(default_factory=dict)
    param: str = "page"  # the query-string key of this list's page number
    anchor: str = ""  # the id of the list's section, if the links should go back to it

    @classmethod
    def of(
        cls,
        asked: str | None,
        total: int,
        *,
        size: int,
        params: Mapping[str, str],
        param: str = "page",
        anchor: str = "",
    ) -> Paging:
        """The page `asked` for, kept within a list of `total` rows."""
        pages = max(-(-total // size), 1)
        return cls(min(page_number(asked), pages), total, size, dict(params), param, anchor)

    @property
    def pages(self) -> int:
        return max(-(-self.total // self.size), 1)

    @property
    def start(self) -> int:
        """The index of the page's first row (0-based)."""
        return (self.number - 1) * self.size

    @property
    def first(self) -> int:
        return self.start + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.number * self.size, self.total)

    @property
    def where(self) -> str:
        return f"{self.first:,}–{self.last:,} of {self.total:,}"

    def href(self, number: int) -> str:
        kept = {k: v for k, v in self.params.items() if v and k != self.param}
        if number > 1:
            kept[self.param] = str(number)
        query = f"?{urlencode(kept)}" if kept else "?"  # "?" alone clears the page's own
        return f"{query}#{self.anchor}" if self.anchor else query

    @property
    def previous(self) -> str:
        return self.href(self.number - 1) if self.number > 1 else ""

    @property
    def next(self) -> str:
        return self.href(self.number + 1) if self.number < self.pages else ""

    @property
    def links(self) -> list[PageLink | None]:
        """The numbered links: the first and last pages and three either side of this one;
        None where pages are left out between them."""
        near = {1, self.pages, *range(self.number - 3, self.number + 4)}
        shown = sorted(n for n in near if 1 <= n <= self.pages)
        links: list[PageLink | None] = []
        for before, number in pairwise([0, *shown]):
            if number > before + 1 and before:
                links.append(None)
            links.append(PageLink(number, self.href(number), number == self.number))
        return links
