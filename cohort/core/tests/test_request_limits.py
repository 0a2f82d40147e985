"""A request body over its limit is refused with 413 before it is read (issue 10 finding 9)."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.test import Client

from cohort.core.request_limits import body_limit

pytestmark = pytest.mark.django_db


class Exploding(io.BytesIO):
    """A body stream that fails the test if anything reads it."""

    def read(self, *args: object) -> bytes:
        raise AssertionError("the body was read")

    readline = read


def call(path: str, *, length: int, content_type: str) -> tuple[str, bytes]:
    """One request through the real WSGI handler with a body that must not be read."""
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "wsgi.input": Exploding(),
        "wsgi.errors": io.StringIO(),
        "CONTENT_LENGTH": str(length),
        "CONTENT_TYPE": content_type,
    }
    seen: list[str] = []

    def start_response(status: str, headers: list[tuple[str, str]], *rest: object) -> Any:
        seen.append(status)
        return seen.append

    body = b"".join(WSGIHandler()(environ, start_response))
    return seen[0], body


def test_a_huge_upload_is_refused_before_it_is_read() -> None:
    status, body = call(
        "/applications/profile/",
        length=200 * 1024 * 1024,
        content_type="multipart/form-data; boundary=x",
    )
    assert status.startswith("413")
    assert b"The request is 200.0 MB; the limit is 6.0 MB." in body


def test_a_huge_json_body_is_refused_before_it_is_read_with_the_api_shape() -> None:
    status, body = call(
        "/api/v1/me/profile", length=50 * 1024 * 1024, content_type="application/json"
    )
    assert status.startswith("413")
    assert json.loads(body)["detail"].startswith("The request is 50.0 MB; the limit is 2.5 MB.")


def test_the_limits_fit_a_five_megabyte_pdf() -> None:
    from cohort.applications.uploads import MAX_BYTES

    class Upload:
        content_type = "multipart/form-data"

    class Form:
        content_type = "application/x-www-form-urlencoded"

    assert body_limit(Upload()) > MAX_BYTES  # type: ignore[arg-type]  # only content_type read
    assert body_limit(Form()) == settings.DATA_UPLOAD_MAX_MEMORY_SIZE  # type: ignore[arg-type]


def test_a_body_at_the_limit_is_read_as_usual(client: Client) -> None:
    """A form post just under the limit reaches the view (here: login, which answers 200)."""
    filler = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE - 100)
    response = client.post("/accounts/login/", {"login": "nobody", "password": "x", "f": filler})
    assert response.status_code == 200
