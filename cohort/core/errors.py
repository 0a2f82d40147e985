"""Errors that services raise and views/API/CLI turn into messages or 4xx responses."""

from __future__ import annotations


class DomainError(Exception):
    """A rule was broken; the message tells the user what to do (400/409)."""

    http_status = 400  # what a page or the API answers with this error


class ConflictError(DomainError):
    """Someone else changed the row first (409)."""

    http_status = 409


class NotAllowedError(DomainError):
    """The actor does not hold the role the change needs (403)."""

    http_status = 403
