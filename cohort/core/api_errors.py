"""The API's one error body and its table of error statuses (config/api.py makes them).

Every error the API answers with is JSON `{"detail": "<one readable sentence>"}`:

| status | when |
|---|---|
| 400 | a rule was broken (`DomainError`), or a control character (`core.middleware`) |
| 401 | no valid token or session on an endpoint that needs a user |
| 404 | the object does not exist or the user may not see it (one answer for both) |
| 409 | someone else changed the row first (`ConflictError`) |
| 422 | the request does not match the schema; `errors` lists each problem |
| 429 | a rate limit (`RateLimitError`), with `Retry-After` |

Each operation declares the statuses it can give with `errors(...)`, so its OpenAPI
document says what a client may get.
"""

from __future__ import annotations

from typing import Any, Final

from ninja import Field, Schema

__all__ = [
    "ERRORS",
    "ErrorOut",
    "FieldErrorOut",
    "ValidationErrorOut",
    "download",
    "errors",
    "sentence",
]


class ErrorOut(Schema):
    detail: str = Field(description="What went wrong, and what to do about it")


class FieldErrorOut(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorOut(ErrorOut):
    errors: list[FieldErrorOut]


ERRORS: Final[dict[int, type[Schema]]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ValidationErrorOut,
    429: ErrorOut,
}


def errors(*statuses: int) -> dict[int, type[Schema]]:
    """The error responses of an operation: `{200: Out, **errors(400, 401, 404, 422)}`."""
    return {status: ERRORS[status] for status in statuses}


def download(media_type: str) -> dict[str, Any]:
    """`openapi_extra` for an operation whose 200 is a file of `media_type`, not JSON."""
    content = {media_type: {"schema": {"type": "string", "format": "binary"}}}
    return {"responses": {"200": {"description": "The file", "content": content}}}


_WHERE: Final = {"body": "the body", "query": "the query string", "path": "the path"}


def sentence(problems: list[dict[str, Any]]) -> str:
    """One readable sentence for pydantic's validation errors, as ninja reports them."""
    if not problems:
        return "The request is not valid."
    first = problems[0]
    loc = [str(part) for part in first.get("loc", ())]
    where = _WHERE.get(loc[0], "") if loc else ""
    # ninja's loc is (source, parameter, field...): name the field, else the parameter.
    fields = loc[2:] if where == "the body" and len(loc) > 2 else loc[1:] if where else loc
    name = ".".join(fields)
    message = str(first.get("msg", "Invalid value")).rstrip(".")
    text = f"{message}: {name}" if name else message
    if where:
        text += f" (in {where})"
    more = len(problems) - 1
    if more:
        text += f", and {more} more problem{'s' if more > 1 else ''}"
    return text + "."
