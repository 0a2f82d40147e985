"""A person's own data through the API (issue 16): `GET /me/data`, everything Cohort holds
about the signed-in person as a zip (the same as the page's download), and `DELETE /me`,
which deletes their account (`retention.services.delete_account`) once `confirm` names their
username. A term's purge is the console's (a page), not the API's.

Errors: 400 when the account cannot be deleted yet (an application in play, a running
mentorship, an unsettled payment: the message says which) or `confirm` is not the username,
401 without a user, 422 for a body that does not match its schema.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from cohort.core.api_auth import api_auth, request_user
from cohort.core.api_errors import download, errors
from cohort.retention import services
from cohort.retention.export import export_zip

router = Router(tags=["retention"], auth=api_auth)


class AccountDeleteIn(Schema):
    confirm: str  # the account's username, typed again


class AccountDeletedOut(Schema):
    deleted: bool
    counts: dict[str, int]


@router.get(
    "/me/data",
    response=errors(400, 401, 422),
    openapi_extra=download("application/zip"),
    url_name="my_data",
)
def my_data(request: HttpRequest) -> HttpResponse:
    """Everything Cohort holds about you, as a zip: `data.json` and your files."""
    user = request_user(request)
    response = HttpResponse(export_zip(user), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="cohort-data-{user.pk}.zip"'
    response["Cache-Control"] = "no-store"
    return response


@router.delete("/me", response={200: AccountDeletedOut, **errors(400, 401, 422)})
def delete_me(request: HttpRequest, body: AccountDeleteIn) -> dict[str, Any]:
    """Delete your account: your personal data and your login go; what accounting and the
    outcomes need stays, without your name. `confirm` must be your username."""
    user = request_user(request)
    done = services.delete_account(user, actor=user, confirm=body.confirm)
    return {"deleted": True, "counts": done.counts}
