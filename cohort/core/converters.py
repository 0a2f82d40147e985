"""Path converters of the pages, registered once in `CoreConfig.ready`.

`<id:pk>` is Django's `<int:pk>` bounded like the API's `Id` (`cohort.core.schemas`): a
number from 1 to 2**63 - 1. Anything else does not match the URL, so it is a 404 on SQLite
and PostgreSQL alike, instead of a query that SQLite cannot bind (a 500).
"""

from __future__ import annotations

from cohort.core.schemas import MAX_ID


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 1 <= number <= MAX_ID:
            raise ValueError(value)  # the resolver reads a ValueError as "no match"
        return number

    def to_url(self, value: int) -> str:
        return str(int(value))
