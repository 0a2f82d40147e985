"""The webhook receiver, and the program admin's GitHub pages (docs/github.md).

`webhook` is the one view without CSRF: GitHub cannot send a token, and the signature
(HMAC-SHA256 of the raw body under the program's secret) stands in for it. Nothing is read,
stored or changed for a request whose signature does not hold, only a log line written.
"""

from __future__ import annotations

import json
import logging
from urllib.parse import parse_qs

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cohort.core.actors import signed_in
from cohort.core.pages import Refused, run_service
from cohort.github import queries, services
from cohort.github.forms import ConnectionForm
from cohort.github.models import Connection
from cohort.terms.access import access_admin_program
from cohort.terms.models import Program

log = logging.getLogger("cohort.github")


def _answer(status: int, detail: str, result: str = "") -> JsonResponse:
    body = {"detail": detail} | ({"result": result} if result else {})
    return JsonResponse(body, status=status)


@csrf_exempt
@require_POST
def webhook(request: HttpRequest, slug: str) -> HttpResponse:
    connection = Connection.objects.select_related("program").filter(program__slug=slug).first()
    if connection is None:
        log.warning("GitHub delivery for %r: no program connected under that name", slug)
        return _answer(404, "No program is connected to GitHub under this address.")
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > services.MAX_BODY_BYTES:
        log.warning("GitHub delivery for %s refused: %d bytes", slug, length)
        return _answer(413, "A delivery may be at most 1 MB.")
    body = request.body
    if not services.signature_ok(
        connection.secret, body, request.headers.get("X-Hub-Signature-256")
    ):
        log.warning(
            "GitHub delivery %r for %s refused: bad or missing signature",
            request.headers.get("X-GitHub-Delivery", "")[:64],
            slug,
        )
        return _answer(401, "The signature does not match this program's webhook secret.")
    guid = request.headers.get("X-GitHub-Delivery", "").strip()
    event = request.headers.get("X-GitHub-Event", "").strip()
    if not guid or len(guid) > 64 or not event:
        return _answer(400, "X-GitHub-Delivery and X-GitHub-Event are required.")
    try:
        payload = json.loads(_json_text(request, body))
    except ValueError:
        return _answer(400, "The body is not JSON (set the webhook's content type to JSON).")
    try:
        outcome = services.receive(connection, guid=guid, event=event, payload=payload)
    except services.BadPayloadError as exc:
        return _answer(400, f"The {event} payload is not what GitHub sends: {exc}.")
    return _answer(outcome.status, outcome.detail, outcome.result)


def _json_text(request: HttpRequest, body: bytes) -> bytes | str:
    """The payload's JSON: the body, or its `payload` field when the webhook's content type
    is GitHub's other one, application/x-www-form-urlencoded."""
    if request.content_type == "application/x-www-form-urlencoded":
        fields = parse_qs(body.decode("utf-8", "replace"), max_num_fields=10)
        return fields.get("payload", [""])[0]
    return body


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def program_settings(request: HttpRequest, slug: str) -> HttpResponse:
    program = access_admin_program(request.user, slug)
    if request.method != "POST":
        connection = queries.connection_of(program)
        initial = (
            {"repository": connection.repository, "token_variable": connection.token_variable}
            if connection is not None
            else {}
        )
        return _settings_page(request, program, ConnectionForm(initial=initial))
    form = ConnectionForm(request.POST)
    if not form.is_valid():
        return _settings_page(request, program, form, status=400)
    data = form.cleaned_data
    done = run_service(
        request,
        lambda: services.connect(
            program,
            repository=data["repository"],
            secret=data["secret"] or None,  # left empty: keep the stored one
            token_variable=data["token_variable"],
            actor=signed_in(request),
        ),
        failed="Nothing was saved:",
    )
    if isinstance(done, Refused):
        return _settings_page(request, program, form, status=done.status)
    messages.success(request, f"Saved: {program.name} reads the issues of {done.repository}.")
    return redirect("github:settings", program.slug)


def _settings_page(
    request: HttpRequest, program: Program, form: ConnectionForm, *, status: int = 200
) -> HttpResponse:
    context = {
        "program": program,
        "form": form,
        "connection": queries.connection_of(program),
        "webhook_url": settings.SITE_URL.rstrip("/")
        + reverse("github:webhook", args=[program.slug]),
        "recent": queries.recent_deliveries(program, limit=5),
    }
    return render(request, "github/settings.html", context, status=status)


@require_safe
@login_required
def deliveries(request: HttpRequest, slug: str) -> HttpResponse:
    program = access_admin_program(request.user, slug)
    context = {
        "program": program,
        "connection": queries.connection_of(program),
        "deliveries": queries.recent_deliveries(program),
        "limit": queries.DELIVERIES_SHOWN,
    }
    return render(request, "github/deliveries.html", context)
