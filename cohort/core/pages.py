"""What every page view does the same way around a service call (spec/style.md B7).

`run_service` calls one service; when it refuses (`DomainError`), the refusal becomes an
error message, written after what did not happen ("Nothing was saved."), and the view gets
back a `Refused` carrying the HTTP status to re-render the page with (400, 409 after a lost
race, 429 for a rate limit).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest

from cohort.core.errors import DomainError


@dataclass(frozen=True)
class Refused:
    error: DomainError

    @property
    def status(self) -> int:
        return self.error.http_status


def run_service[T](
    request: HttpRequest, action: Callable[[], T], *, failed: str = ""
) -> T | Refused:
    """`action()`, or, if a rule refused it, `Refused` and the error shown as a message."""
    try:
        return action()
    except DomainError as error:
        messages.error(request, f"{failed} {error}".strip())
        return Refused(error)
