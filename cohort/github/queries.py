"""What the GitHub pages read (program admins): the connection and the latest deliveries,
each in a fixed number of queries."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Count, Q

from cohort.github.models import Connection, Delivery, Write
from cohort.terms.models import Program

DELIVERIES_SHOWN = 100


@dataclass(frozen=True)
class ConnectionView:
    """A program's connection as its settings page shows it: never the secret."""

    repository: str
    token_variable: str
    token_set: bool
    dry_run: bool
    paused_until: datetime | None
    writes_pending: int
    writes_failed: int
    updated_at: datetime


@dataclass(frozen=True)
class DeliveryRow:
    guid: str
    received_at: datetime
    event: str
    action: str
    sender: str
    issue_number: int | None
    issue_url: str
    result: str
    result_label: str
    detail: str
    project_id: int | None
    project_label: str


def connection_of(program: Program) -> ConnectionView | None:
    connection = Connection.objects.filter(program=program).first()
    if connection is None:
        return None
    counts = Write.objects.filter(connection=connection).aggregate(
        pending=Count("pk", filter=Q(status=Write.Status.PENDING)),
        failed=Count("pk", filter=Q(status=Write.Status.FAILED)),
    )
    return ConnectionView(
        repository=connection.repository,
        token_variable=connection.token_variable,
        token_set=bool(os.environ.get(connection.token_variable)),
        dry_run=bool(settings.GITHUB_DRY_RUN),
        paused_until=connection.paused_until,
        writes_pending=counts["pending"],
        writes_failed=counts["failed"],
        updated_at=connection.updated_at,
    )


def recent_deliveries(program: Program, limit: int = DELIVERIES_SHOWN) -> list[DeliveryRow]:
    """The program's latest deliveries, newest first, in one query."""
    rows = (
        Delivery.objects.filter(connection__program=program)
        .select_related("connection", "project")
        .order_by("-received_at", "-id")[:limit]
    )
    return [
        DeliveryRow(
            guid=d.guid,
            received_at=d.received_at,
            event=d.event,
            action=d.action,
            sender=d.sender,
            issue_number=d.issue_number,
            issue_url=(
                f"https://github.com/{d.connection.repository}/issues/{d.issue_number}"
                if d.issue_number
                else ""
            ),
            result=d.result,
            result_label=d.get_result_display(),
            detail=d.detail,
            project_id=d.project_id,
            project_label=(
                f"#{d.project.number} {d.project.title}" if d.project is not None else ""
            ),
        )
        for d in rows
    ]
