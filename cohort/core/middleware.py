"""Request middleware of the whole site."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.http.request import QueryDict

from cohort.core import text

Handler = Callable[[HttpRequest], HttpResponse]
API_PREFIX = "/api/"
# Bodies signed by their sender, checked by their receiver after the signature: a GitHub
# delivery is GitHub's text, and the services it reaches check what they keep of it.
SIGNED_PREFIX = "/webhooks/"


def refuse_control_characters(get_response: Handler) -> Handler:
    """Answer 400 to a request whose text holds a control character (`cohort.core.text`).

    One check for every door, before any view, form, schema or database sees the text: the
    path, the query string, the cookies, form fields (upload names are cleaned by Django), and
    every key and string of a JSON body (not the bodies under `SIGNED_PREFIX`). The API gets
    `{"detail": …}` as its other errors; pages get the message as plain text. The same
    request gets the same answer on SQLite and PostgreSQL.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        problem = _problem(request)
        if problem is None:
            return get_response(request)
        if request.path_info.startswith(API_PREFIX):
            return JsonResponse({"detail": problem}, status=400)
        return HttpResponseBadRequest(problem, content_type="text/plain; charset=utf-8")

    return middleware


def _problem(request: HttpRequest) -> str | None:
    for where, value in _texts(request):
        code = text.refused_character(value)
        if code is not None:
            return text.message(where, code)
    return None


def _texts(request: HttpRequest) -> Iterator[tuple[str, str]]:
    """Every piece of text the request carries, with where it is, as the user would say."""
    yield "The address", request.path_info
    yield from _query_dict("The query parameter", request.GET)
    for name, value in request.COOKIES.items():
        yield "A cookie", name
        yield f"The cookie “{name}”", value
    content_type = request.content_type or ""
    if request.path_info.startswith(SIGNED_PREFIX):
        return
    if content_type in ("application/json", "text/json") or content_type.endswith("+json"):
        yield from _json_body(request)
    elif request.method == "POST" and content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        yield from _query_dict("The form field", request.POST)
        # Upload names need no check: Django's multipart parser drops every non-printable
        # character from them (`MultiPartParser.sanitize_file_name`).
        for field in request.FILES:
            yield "The form field name", field
    elif content_type == "application/x-www-form-urlencoded":  # PUT, PATCH: Django leaves it
        yield from _query_dict("The form field", QueryDict(request.body))


def _query_dict(kind: str, data: QueryDict) -> Iterator[tuple[str, str]]:
    for key, values in data.lists():
        yield f"{kind} name", key
        for value in values:
            yield f"{kind} “{key}”", value


def _json_body(request: HttpRequest) -> Iterator[tuple[str, str]]:
    try:
        data: Any = json.loads(request.body)
    except (ValueError, RecursionError):
        return  # not JSON: the API says so itself
    stack: list[tuple[str, Any]] = [("The request body", data)]
    while stack:  # iterative: a deeply nested body cannot exhaust the Python stack here
        where, item = stack.pop()
        if isinstance(item, str):
            yield where, item
        elif isinstance(item, dict):
            for key, value in item.items():
                yield "A field name in the request body", str(key)
                stack.append((f"The field “{key}”", value))
        elif isinstance(item, list):
            stack.extend((where, value) for value in item)
