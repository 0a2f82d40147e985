"""A fake GitHub REST API on loopback, for tests that drive the real client over HTTP.

It serves exactly the endpoints `cohort.github.client` calls, with GitHub's status codes
and response shapes (docs.github.com, "REST API endpoints for issue comments" and "…for
labels"), keeps per-issue labels and comments, records every call, and can be told to fail
the next calls (`fail_next`). Every response carries the rate-limit headers.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

FIRST_COMMENT_ID = 1000
RATE_LIMIT = 5000
DEFAULT_PER_PAGE = 30  # GitHub's default page size
MAX_PER_PAGE = 100


@dataclass(frozen=True)
class Call:
    method: str
    path: str  # with its query string, as sent
    json: Any  # the decoded body, or None when there was none
    headers: dict[str, str]


@dataclass
class _Issue:
    labels: list[str] = field(default_factory=list)
    comments: dict[int, str] = field(default_factory=dict)


@dataclass
class _Failure:
    status: int
    headers: dict[str, str]
    times: int


class FakeGitHub:
    """`with FakeGitHub() as github:` serves on `github.url` until the block ends."""

    def __init__(
        self,
        *,
        token: str = "fake-token",  # noqa: S107  # made up: the fake accepts only this one
        repo: str = "cncf/mentoring",
    ) -> None:
        self.token = token
        self.repo = repo
        self.calls: list[Call] = []
        self.remaining = RATE_LIMIT
        self.reset = int(time.time()) + 3600
        self._lock = threading.Lock()
        self._issues: dict[int, _Issue] = {}
        self._comment_issue: dict[int, int] = {}  # comment id -> its issue number
        self._next_comment_id = FIRST_COMMENT_ID
        self._failures: list[_Failure] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.url = ""
        self.port = 0

    # Lifecycle.

    def start(self) -> FakeGitHub:
        handler = type("_BoundHandler", (_Handler,), {"fake": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self.port = int(self._server.server_address[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeGitHub:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    # Helpers for tests.

    def fail_next(
        self, status: int, *, headers: dict[str, str] | None = None, times: int = 1
    ) -> None:
        """Answer the next `times` authorised calls with `status` (and `headers`, which
        override the rate-limit headers), before any state changes."""
        with self._lock:
            self._failures.append(_Failure(status, dict(headers or {}), times))

    def comments(self, issue: int) -> list[str]:
        with self._lock:
            return list(self._issue(issue).comments.values())

    def comment_ids(self, issue: int) -> list[int]:
        with self._lock:
            return list(self._issue(issue).comments)

    def labels(self, issue: int) -> list[str]:
        with self._lock:
            return list(self._issue(issue).labels)

    def set_labels(self, issue: int, labels: list[str]) -> None:
        with self._lock:
            self._issue(issue).labels = list(labels)

    def add_comment(self, issue: int, body: str) -> int:
        """A comment already on the issue (as if someone wrote it); its id."""
        with self._lock:
            return self._create_comment(issue, body)

    # Inside: called by the handler, under the lock.

    def _issue(self, number: int) -> _Issue:
        return self._issues.setdefault(number, _Issue())

    def _create_comment(self, issue: int, body: str) -> int:
        comment_id = self._next_comment_id
        self._next_comment_id += 1
        self._issue(issue).comments[comment_id] = body
        self._comment_issue[comment_id] = issue
        return comment_id

    def _take_failure(self) -> _Failure | None:
        if not self._failures:
            return None
        failure = self._failures[0]
        failure.times -= 1
        if failure.times <= 0:
            self._failures.pop(0)
        return failure

    def _rate_headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(RATE_LIMIT),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset),
            "X-RateLimit-Used": str(RATE_LIMIT - self.remaining),
            "X-RateLimit-Resource": "core",
        }

    def _comment(self, comment_id: int) -> dict[str, Any]:
        issue = self._comment_issue[comment_id]
        return {
            "id": comment_id,
            "body": self._issue(issue).comments[comment_id],
            "html_url": f"https://github.com/{self.repo}/issues/{issue}#issuecomment-{comment_id}",
        }

    def _labels(self, names: list[str]) -> list[dict[str, Any]]:
        return [{"name": name, "color": "ededed", "default": False} for name in names]

    def handle(self, call: Call) -> tuple[int, dict[str, str], Any]:
        """Status, headers and JSON body for one call."""
        with self._lock:
            self.calls.append(call)
            if _header(call.headers, "Authorization") != f"Bearer {self.token}":
                return 401, self._rate_headers(), _message("Bad credentials")
            if self.remaining > 0:
                self.remaining -= 1
            failure = self._take_failure()
            if failure is not None:
                headers = {**self._rate_headers(), **failure.headers}
                return failure.status, headers, _message(f"Injected failure {failure.status}")
            status, body, extra = self._route(call)
            return status, {**self._rate_headers(), **extra}, body

    def _route(self, call: Call) -> tuple[int, Any, dict[str, str]]:
        split = urlsplit(call.path)
        parts = split.path.strip("/").split("/")
        prefix = ["repos", *self.repo.split("/"), "issues"]
        if parts[: len(prefix)] != prefix:
            return 404, _message("Not Found"), {}
        rest = parts[len(prefix) :]
        method = call.method
        if rest[:1] == ["comments"] and len(rest) == 2 and rest[1].isdigit():
            comment_id = int(rest[1])
            if comment_id not in self._comment_issue:
                return 404, _message("Not Found"), {}
            if method == "PATCH":
                body = _text(call.json, "body")
                if body is None:
                    return 422, _message("Validation Failed"), {}
                self._issue(self._comment_issue[comment_id]).comments[comment_id] = body
                return 200, self._comment(comment_id), {}
            if method == "GET":
                return 200, self._comment(comment_id), {}
            return 404, _message("Not Found"), {}
        if not rest or not rest[0].isdigit():
            return 404, _message("Not Found"), {}
        number = int(rest[0])
        issue = self._issue(number)
        tail = rest[1:]
        if tail == ["comments"] and method == "POST":
            body = _text(call.json, "body")
            if body is None:
                return 422, _message("Validation Failed"), {}
            return 201, self._comment(self._create_comment(number, body)), {}
        if tail == ["labels"] and method == "GET":
            return self._labels_page(issue, split.path, parse_qs(split.query))
        if tail == ["labels"] and method == "POST":
            labels = call.json.get("labels") if isinstance(call.json, dict) else None
            if not isinstance(labels, list) or not all(isinstance(n, str) for n in labels):
                return 422, _message("Validation Failed"), {}
            for name in labels:
                if name not in issue.labels:
                    issue.labels.append(name)
            return 200, self._labels(issue.labels), {}
        if len(tail) == 2 and tail[0] == "labels" and method == "DELETE":
            name = unquote(tail[1])
            if name not in issue.labels:
                return 404, _message("Label does not exist"), {}
            issue.labels.remove(name)
            return 200, self._labels(issue.labels), {}
        return 404, _message("Not Found"), {}

    def _labels_page(
        self, issue: _Issue, path: str, query: dict[str, list[str]]
    ) -> tuple[int, Any, dict[str, str]]:
        per_page = min(int(query.get("per_page", [DEFAULT_PER_PAGE])[0]), MAX_PER_PAGE)
        page = int(query.get("page", ["1"])[0])
        start = (page - 1) * per_page
        names = issue.labels[start : start + per_page]
        headers = {}
        last = max(1, -(-len(issue.labels) // per_page))
        if page < last:
            links = [
                f'<{self.url}{path}?per_page={per_page}&page={page + 1}>; rel="next"',
                f'<{self.url}{path}?per_page={per_page}&page={last}>; rel="last"',
            ]
            headers["Link"] = ", ".join(links)
        return 200, self._labels(names), headers


def _header(headers: dict[str, str], name: str) -> str | None:
    """A header by name, in any case (HTTP header names are case-insensitive)."""
    return next((v for k, v in headers.items() if k.lower() == name.lower()), None)


def _message(text: str) -> dict[str, str]:
    return {"message": text, "documentation_url": "https://docs.github.com/rest"}


def _text(data: Any, key: str) -> str | None:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


class _Handler(BaseHTTPRequestHandler):
    fake: FakeGitHub  # set on the subclass FakeGitHub.start makes
    protocol_version = "HTTP/1.1"

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            data = json.loads(raw) if raw else None
        except ValueError:
            data = None
        call = Call(self.command, self.path, data, dict(self.headers.items()))
        status, headers, body = self.fake.handle(call)
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PATCH = do_DELETE = _serve  # noqa: N815  # http.server's names

    def log_message(self, format: str, *args: Any) -> None:  # quiet in tests
        pass


@pytest.fixture
def fake_github() -> Iterator[FakeGitHub]:
    """A running FakeGitHub for the repository "cncf/mentoring", token "fake-token"."""
    with FakeGitHub() as github:
        yield github
