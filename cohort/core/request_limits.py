"""The size limit of a request body, enforced before the body is read.

Django reads a multipart body whole (file parts go to temporary files) as soon as anything
touches `request.POST` or `request.FILES`, and only then can a view see that a file is too
big; its own `DATA_UPLOAD_MAX_MEMORY_SIZE` check leaves file parts out. So a request is
refused on its `Content-Length` alone, first thing, with 413 and a message:

* a multipart body (an upload) may be `MAX_UPLOAD_REQUEST_BYTES`: the largest file Cohort
  takes (a 5 MB PDF, `cohort.applications.uploads.MAX_BYTES`) and the form around it;
* any other body may be `DATA_UPLOAD_MAX_MEMORY_SIZE`.

A body without a `Content-Length` is read as empty by Django's WSGI handler, so it cannot
slip past. The proxy in front should refuse the same sizes (docs/security.md).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

Handler = Callable[[HttpRequest], HttpResponse]


def body_limit(request: HttpRequest) -> int:
    """The largest body, in bytes, that `request` may carry."""
    if (request.content_type or "") == "multipart/form-data":
        return int(settings.MAX_UPLOAD_REQUEST_BYTES)
    return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


def refuse_large_bodies(get_response: Handler) -> Handler:
    """Answer 413 to a request whose declared body is over its limit, without reading it."""

    def middleware(request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads an unparsable length as no body at all
        limit = body_limit(request)
        if length <= limit:
            return get_response(request)
        message = (
            f"The request is {_megabytes(length)}; the limit is {_megabytes(limit)}. "
            "A file may be at most 5 MB."
        )
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": message}, status=413)
        return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")

    return middleware


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"
