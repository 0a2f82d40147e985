"""`GET /api/v1/terms/{id}/statistics`: what the public statistics page shows, with every
suppressed cell as null (cohort/stats/figures.py, suppress.py). The route is in `api.py`."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja import Schema

from cohort.stats import figures
from cohort.stats.suppress import Breakdown


class StatisticsCellOut(Schema):
    key: str
    label: str
    count: int | None  # null: fewer than 5 people, or suppressed to protect such a cell


class StatisticsBreakdownOut(Schema):
    cells: list[StatisticsCellOut]
    total: int | None


class StatisticsMoneyOut(Schema):
    currency: str  # ISO 4217
    committed: int | None  # minor units; null when fewer than 5 people share the currency
    paid: int | None


class TermStatisticsOut(Schema):
    term: int
    program: str
    label: str
    public: bool  # false: only the program's admins see these figures until the term closes
    closed: bool
    has_applications: bool  # false: an imported term, projects and organizations only
    projects: int
    organizations: int
    applicants: int | None
    applications: int | None
    complete_applications: int | None
    complete_share: float | None
    placements: int | None
    acceptance_rate: float | None
    graduated: int | None
    graduation_rate: float | None
    applications_by_status: StatisticsBreakdownOut | None
    countries: StatisticsBreakdownOut | None
    placements_by_outcome: StatisticsBreakdownOut | None
    stipends: list[StatisticsMoneyOut]


def anonymous(request: HttpRequest) -> AnonymousUser:
    """The last of the statistics' auth methods: no token and no session reads as anyone."""
    return AnonymousUser()


def _breakdown(table: figures.Table | None, b: Breakdown) -> dict[str, Any] | None:
    if table is None:
        return None
    cells = [
        {"key": row[0], "label": row[1], "count": row[2]} for row in table.rows if row[0] != "total"
    ]
    return {"cells": cells, "total": b.total}


def statistics_out(stats: figures.TermStatistics, *, public: bool) -> dict[str, Any]:
    term = stats.term
    tables = stats.tables()
    return {
        "term": term.pk,
        "program": term.program.slug,
        "label": term.label,
        "public": public,
        "closed": term.is_closed,
        "has_applications": stats.has_applications,
        "projects": stats.projects,
        "organizations": stats.organizations,
        "applicants": stats.applicants,
        "applications": stats.applications,
        "complete_applications": stats.complete_applications,
        "complete_share": stats.complete_share,
        "placements": stats.placements,
        "acceptance_rate": stats.acceptance_rate,
        "graduated": stats.graduated,
        "graduation_rate": stats.graduation_rate,
        "applications_by_status": _breakdown(tables.get("applications"), stats.by_status),
        "countries": _breakdown(tables.get("countries"), stats.countries),
        "placements_by_outcome": _breakdown(tables.get("placements"), stats.by_outcome),
        "stipends": [
            {"currency": m.currency, "committed": m.committed, "paid": m.paid}
            for m in stats.stipends
        ],
    }
