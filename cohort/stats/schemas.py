"""The stats API's schemas (`cohort.stats.api`). Every class name is the API's own (the OpenAPI
document keys its components by name), hence the `TermClose…` prefix."""

from __future__ import annotations

from typing import Literal

from ninja import Field, Schema

from cohort.core.schemas import UtcDatetime


class TermCloseBlockerOut(Schema):
    kind: Literal["placement", "evaluation", "payment"] = Field(description="What blocks the close")
    id: int = Field(description="The placement's or payment's id")
    who: str = Field(description="The mentee it concerns")
    what: str = Field(description="The project, or the installment and its amount")
    status: str
    status_label: str
    url: str = Field(description="The page that settles it (a path)")


class TermCloseOut(Schema):
    term: int
    state: Literal["open", "closed"]
    closed_at: UtcDatetime | None
    closed_by: str | None = Field(description="Who closed it (their login)")
    can_close: bool = Field(description="Open, and nothing blocks it")
    blockers: list[TermCloseBlockerOut] = Field(
        description="Every placement without an outcome, then every payment not settled"
    )
