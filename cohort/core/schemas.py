"""Types the API's schemas share.

Every id a caller sends (in a path, a query string or a body) is an `Id`: a whole number
from 1 to 2**63 - 1, the largest that both SQLite and PostgreSQL (`bigint`) store. A larger
one would make SQLite fail the query (a 500) while PostgreSQL finds nothing; bounded here,
both answer 422 alike, before any query. The pages use the same bound (`cohort.core.converters`).

Every instant the API answers is a `UtcDatetime`: written in UTC ("2024-08-01T12:00:00Z"),
whatever zone the read model holds it in.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Final

from pydantic import AfterValidator, Field

from cohort.core.time import utc

MAX_ID: Final = 2**63 - 1
MAX_IDS: Final = 1_000  # ids in one list: more than any shortlist or queue holds

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
IdList = Annotated[list[Id], Field(max_length=MAX_IDS)]
UtcDatetime = Annotated[datetime, AfterValidator(utc)]
