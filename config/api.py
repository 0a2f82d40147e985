"""The HTTP API at /api/v1 (django-ninja, OpenAPI at /api/v1/docs).

Each app adds its router here. Domain errors and invalid requests become JSON 4xx
responses, each `{"detail": "<sentence>"}` (`cohort.core.api_errors`).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.http.request import RawPostDataException
from ninja import NinjaAPI
from ninja.errors import ValidationError

from cohort.applications.api import router as applications_router
from cohort.calendars.api import router as calendars_router
from cohort.console.api import router as console_router
from cohort.core.api_errors import sentence
from cohort.core.errors import DomainError
from cohort.core.ratelimit import RateLimitError
from cohort.github.api import router as github_router
from cohort.mentorship.api import router as mentorship_router
from cohort.proposals.api import router as proposals_router
from cohort.reminders.api import router as reminders_router
from cohort.retention.api import router as retention_router
from cohort.selection.api import router as selection_router
from cohort.stats.api import router as stats_router
from cohort.stipends.api import router as stipends_router
from cohort.terms.api import router as terms_router
from cohort.web.api import router as catalog_router

api = NinjaAPI(title="Cohort API", version="1", urls_namespace="api")
api.add_router("/", catalog_router)  # public, read-only
# /proposals/… and /terms/{id}/proposals|board|publish; a token or a session (401 without).
api.add_router("/", proposals_router)
# /me/profile…, /applications/…, /projects/{id}/queue|ranking|decline and
# /terms/{id}/application-counts
api.add_router("/", applications_router)
# /terms/{id}/selection…, /selection/…, /projects/{id}/slots, /me/terms/{id}/ranking,
# /me/offers…
api.add_router("/", selection_router)
# /programs/{slug}/terms, /terms/{id}/setup|timeline|settings: setting up a term (admins)
api.add_router("/", terms_router)
api.add_router("/", console_router)  # /terms/{id}/dashboard
api.add_router("/", mentorship_router)  # /me/placements, /placements/{id}/…, evaluations
api.add_router("/", stipends_router)  # /terms/{id}/payments…, /payments/{id}/…, /me/payments
api.add_router("/", stats_router)  # /terms/{id}/statistics, /terms/{id}/close
api.add_router("/", retention_router)  # /me/data, /terms/{id}/retention
api.add_router("/", calendars_router)  # /me/calendar, /me/calendar/rotate
api.add_router("/", reminders_router)  # /programs/{slug}/reminders…
api.add_router("/", github_router)  # /programs/{slug}/github, …/deliveries


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    """A broken rule is 400, a lost race 409, a rate limit 429 (`DomainError.http_status`)."""
    response = api.create_response(request, {"detail": str(exc)}, status=exc.http_status)
    if isinstance(exc, RateLimitError):
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(RawPostDataException)
def form_sent_to_json(request: HttpRequest, exc: RawPostDataException) -> HttpResponse:
    """A form (multipart or urlencoded) posted where a JSON body is read: the middleware
    that checks every text has read the form, so the raw body is gone. A client error."""
    detail = (
        f"This endpoint reads a JSON body, but the request sent {request.content_type or 'a form'}."
        " Send Content-Type: application/json."
    )
    return api.create_response(request, {"detail": detail}, status=400)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """A request that does not match the schema: 422, one sentence and each problem."""
    problems = [
        {
            "loc": list(e.get("loc", ())),
            "msg": str(e.get("msg", "")),
            "type": str(e.get("type", "")),
        }
        for e in exc.errors
    ]
    return api.create_response(
        request, {"detail": sentence(exc.errors), "errors": problems}, status=422
    )
