"""A small client for the GitHub REST API: the calls Cohort makes on a proposal issue.

Everything it needs comes in through the constructor (no settings), so the webhook code,
a management command and the tests each build their own. Every failure is a `GitHubError`
that says whether trying again later can help (`transient`) and, when GitHub says so,
from when (`retry_at`).

Rate limits (docs.github.com, "Rate limits for the REST API"): a response carries
`X-RateLimit-Remaining` and `X-RateLimit-Reset` (epoch seconds); once the remaining count is
0 the client sends nothing more until the reset, raising a transient error instead. A
`Retry-After` header (secondary rate limits, 5xx) gives the seconds to wait.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import requests

logger = logging.getLogger("cohort.github")

API_URL = "https://api.github.com"
API_VERSION = "2022-11-28"
USER_AGENT = "cohort"
PER_PAGE = 100


def _utc_now() -> datetime:
    return datetime.now(UTC)


class GitHubError(Exception):
    """A GitHub call that failed.

    `status` is the HTTP status, or 0 when no response came: a connection error, a timeout,
    or the client pausing itself until the rate limit resets.
    `transient` is True when the same call may succeed later (5xx, 429, a rate-limited 403,
    no response); `retry_at` is when GitHub said to try again, if it said.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int,
        transient: bool,
        retry_at: datetime | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.transient = transient
        self.retry_at = retry_at

    def __repr__(self) -> str:
        return (
            f"GitHubError(status={self.status}, transient={self.transient}, "
            f"retry_at={self.retry_at!r}, message={self.message!r})"
        )


class GitHubClient:
    """The REST calls on one repository's issues, authenticated with one token."""

    def __init__(
        self,
        *,
        token: str,
        repo: str,
        api_url: str = API_URL,
        dry_run: bool = False,
        timeout: float = 10.0,
        session: requests.Session | None = None,
        now: Callable[[], datetime] = _utc_now,
    ) -> None:
        self._token = token
        self.repo = repo
        self.api_url = api_url.rstrip("/")
        self.dry_run = dry_run
        self.timeout = timeout
        self._session = session if session is not None else requests.Session()
        self._now = now
        # Set when a response said no requests remain: nothing is sent before it.
        self.paused_until: datetime | None = None

    def __repr__(self) -> str:  # the token stays out of reprs and tracebacks
        return f"GitHubClient(repo={self.repo!r}, api_url={self.api_url!r})"

    # The calls.

    def create_comment(self, issue: int, body: str) -> int:
        """Comment on `issue`; the new comment's id (0 in a dry run)."""
        data = self._request("POST", f"{self._issue(issue)}/comments", body={"body": body})
        if data is None:
            return 0
        return int(data["id"])

    def update_comment(self, comment_id: int, body: str) -> None:
        """Replace a comment's body; a comment deleted meanwhile raises a 404 GitHubError."""
        self._request(
            "PATCH", f"/repos/{self.repo}/issues/comments/{comment_id}", body={"body": body}
        )

    def list_labels(self, issue: int) -> list[str]:
        """The names of `issue`'s labels, every page of them ([] in a dry run)."""
        names: list[str] = []
        url: str | None = f"{self.api_url}{self._issue(issue)}/labels?per_page={PER_PAGE}"
        while url is not None:
            response = self._send("GET", url)
            if response is None:
                return []
            names.extend(str(label["name"]) for label in response.json())
            url = response.links.get("next", {}).get("url")
            if url is not None and not url.startswith(f"{self.api_url}/"):
                # The token goes with every request: never to a host a header names.
                raise GitHubError(
                    f"GET {url}: the next page is not on {self.api_url}",
                    status=0,
                    transient=False,
                )
        return names

    def add_labels(self, issue: int, labels: Sequence[str]) -> None:
        """Add labels to `issue` (GitHub creates a label the repository lacks)."""
        if not labels:
            return
        self._request("POST", f"{self._issue(issue)}/labels", body={"labels": list(labels)})

    def remove_label(self, issue: int, label: str) -> None:
        """Take a label off `issue`; one it does not have is no error."""
        path = f"{self._issue(issue)}/labels/{quote(label, safe='')}"
        try:
            self._request("DELETE", path)
        except GitHubError as error:
            if error.status != 404:
                raise

    # The plumbing.

    def _issue(self, number: int) -> str:
        return f"/repos/{self.repo}/issues/{int(number)}"

    def _request(self, method: str, path: str, *, body: dict[str, Any] | None = None) -> Any:
        """Send one call; its decoded JSON body (None for a dry run or an empty body)."""
        response = self._send(method, f"{self.api_url}{path}", body=body)
        if response is None or not response.content:
            return None
        return response.json()

    def _send(
        self, method: str, url: str, *, body: dict[str, Any] | None = None
    ) -> requests.Response | None:
        if self.dry_run:
            path = url.removeprefix(self.api_url)
            logger.info(
                "GitHub dry run: %s %s %s",
                method,
                path,
                json.dumps(body, sort_keys=True) if body is not None else "-",
            )
            return None
        now = self._now()
        if self.paused_until is not None:
            if now < self.paused_until:
                raise GitHubError(
                    f"GitHub rate limit exhausted until {self.paused_until.isoformat()}",
                    status=0,
                    transient=True,
                    retry_at=self.paused_until,
                )
            self.paused_until = None
        try:
            response = self._session.request(
                method, url, json=body, headers=self._headers(), timeout=self.timeout
            )
        except requests.RequestException as error:
            # The exception's text can hold the URL but never the headers, so no token.
            raise GitHubError(
                f"{method} {url}: {type(error).__name__}", status=0, transient=True
            ) from error
        self._note_rate_limit(response)
        if response.status_code >= 400:
            raise self._error(method, url, response)
        return response

    def _headers(self) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self._token}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": API_VERSION,
            "User-Agent": USER_AGENT,
        }

    def _note_rate_limit(self, response: requests.Response) -> None:
        if response.headers.get("X-RateLimit-Remaining") == "0":
            reset = _reset_at(response)
            if reset is not None:
                self.paused_until = reset

    def _error(self, method: str, url: str, response: requests.Response) -> GitHubError:
        status = response.status_code
        rate_limited = response.headers.get("X-RateLimit-Remaining") == "0"
        retry_at = self._retry_after(response)
        if retry_at is None and status in (403, 429) and rate_limited:
            retry_at = _reset_at(response)
        # A 403 is a rate limit when no requests remain (primary) or it says when to retry
        # (secondary); any other 4xx will fail again.
        secondary = retry_at is not None
        transient = (
            status >= 500 or status == 429 or (status == 403 and (rate_limited or secondary))
        )
        return GitHubError(
            f"{method} {url}: {status} {_message(response)}",
            status=status,
            transient=transient,
            retry_at=retry_at,
        )

    def _retry_after(self, response: requests.Response) -> datetime | None:
        value = response.headers.get("Retry-After", "").strip()
        if not value.isdigit():
            return None
        return self._now() + timedelta(seconds=int(value))


def _reset_at(response: requests.Response) -> datetime | None:
    value = response.headers.get("X-RateLimit-Reset", "").strip()
    if not value.isdigit():
        return None
    return datetime.fromtimestamp(int(value), UTC)


def _message(response: requests.Response) -> str:
    """GitHub's own `message` when the body is its JSON error, else the reason phrase."""
    try:
        data = response.json()
    except ValueError:
        return response.reason or ""
    if isinstance(data, dict) and isinstance(data.get("message"), str):
        return str(data["message"])
    return response.reason or ""
