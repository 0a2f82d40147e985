"""A program's GitHub connection and its latest webhook deliveries through the API (program
admins; 404 for anyone else, as for a program that does not exist). They serialize the read
models of `cohort.github.queries`, as the pages do; the secret is never part of them.

Errors: 400 for a control character in the request; 401 without a user; 404; 422 for a path
that does not match its schema."""

from __future__ import annotations

from typing import Final

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema

from cohort.core.api_auth import api_auth, request_user
from cohort.core.api_errors import errors
from cohort.core.schemas import UtcDatetime
from cohort.github import queries
from cohort.terms.access import access_admin_program

router = Router(tags=["github"], auth=api_auth)

READ_ERRORS: Final = errors(400, 401, 404, 422)


class ConnectionOut(Schema):
    repository: str = Field(description="OWNER/NAME of the repository whose issues are proposals")
    token_variable: str = Field(description="The environment variable holding the API token")
    token_set: bool = Field(description="Whether that variable is set on this server")
    dry_run: bool = Field(description="GITHUB_DRY_RUN: calls are logged, not sent")
    paused_until: UtcDatetime | None = Field(description="GitHub's rate limit pauses writes")
    writes_pending: int
    writes_failed: int
    updated_at: UtcDatetime


class DeliveryOut(Schema):
    guid: str = Field(description="X-GitHub-Delivery")
    received_at: UtcDatetime
    event: str
    action: str
    sender: str = Field(description="The GitHub login that caused it")
    issue_number: int | None
    issue_url: str
    result: str = Field(description="processed, ignored or refused")
    detail: str = Field(description="What came of it, or why not")
    project_id: int | None = Field(description="The proposal it concerned")


@router.get("/programs/{slug}/github", response={200: ConnectionOut, **READ_ERRORS})
def github_connection(request: HttpRequest, slug: str) -> queries.ConnectionView:
    """The program's GitHub connection (never its secret); 404 when it has none."""
    connection = queries.connection_of(access_admin_program(request_user(request), slug))
    if connection is None:
        raise Http404("This program is not connected to GitHub.")
    return connection


@router.get("/programs/{slug}/github/deliveries", response={200: list[DeliveryOut], **READ_ERRORS})
def github_deliveries(request: HttpRequest, slug: str) -> list[queries.DeliveryRow]:
    """The program's last 100 webhook deliveries, newest first."""
    return queries.recent_deliveries(access_admin_program(request_user(request), slug))
