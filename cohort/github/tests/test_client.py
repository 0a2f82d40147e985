"""The REST client, driven over HTTP against the fake GitHub on loopback."""

from __future__ import annotations

import logging
import socket
from datetime import UTC, datetime, timedelta

import pytest

from cohort.github.client import GitHubClient, GitHubError
from cohort.github.tests.fake_github import FakeGitHub, fake_github

__all__ = ["fake_github"]  # the fixture, used by name below

NOW = datetime(2026, 7, 20, 12, 0, tzinfo=UTC)


def make_client(github: FakeGitHub, **options) -> GitHubClient:
    options.setdefault("token", github.token)
    options.setdefault("now", lambda: NOW)
    return GitHubClient(repo=github.repo, api_url=github.url, **options)


def test_create_comment_posts_the_body_and_returns_the_new_id(fake_github):
    client = make_client(fake_github)

    first = client.create_comment(7, "Thanks for the proposal.")
    second = client.create_comment(7, "A second one.")

    assert fake_github.comments(7) == ["Thanks for the proposal.", "A second one."]
    assert fake_github.comment_ids(7) == [first, second]
    assert second > first >= 1000
    call = fake_github.calls[0]
    assert (call.method, call.path) == ("POST", "/repos/cncf/mentoring/issues/7/comments")
    assert call.json == {"body": "Thanks for the proposal."}


def test_every_call_sends_the_token_and_github_headers(fake_github):
    make_client(fake_github).list_labels(1)

    headers = fake_github.calls[0].headers
    assert headers["Authorization"] == f"Bearer {fake_github.token}"
    assert headers["Accept"] == "application/vnd.github+json"
    assert headers["X-GitHub-Api-Version"] == "2022-11-28"
    assert headers["User-Agent"] == "cohort"


def test_update_comment_replaces_the_body(fake_github):
    comment_id = fake_github.add_comment(3, "old")
    other = fake_github.add_comment(3, "someone else's")

    make_client(fake_github).update_comment(comment_id, "new")

    assert fake_github.comments(3) == ["new", "someone else's"]
    assert fake_github.comment_ids(3) == [comment_id, other]
    call = fake_github.calls[-1]
    assert (call.method, call.path) == (
        "PATCH",
        f"/repos/cncf/mentoring/issues/comments/{comment_id}",
    )


def test_update_of_a_deleted_comment_is_a_permanent_404(fake_github):
    with pytest.raises(GitHubError) as caught:
        make_client(fake_github).update_comment(4242, "new")

    assert caught.value.status == 404
    assert caught.value.transient is False
    assert caught.value.retry_at is None


def test_list_labels_follows_pagination_past_100(fake_github):
    names = [f"label-{i:03}" for i in range(230)]
    fake_github.set_labels(5, names)

    assert make_client(fake_github).list_labels(5) == names

    paths = [call.path for call in fake_github.calls]
    assert paths == [
        "/repos/cncf/mentoring/issues/5/labels?per_page=100",
        "/repos/cncf/mentoring/issues/5/labels?per_page=100&page=2",
        "/repos/cncf/mentoring/issues/5/labels?per_page=100&page=3",
    ]


def test_list_labels_never_follows_a_next_page_on_another_host(fake_github):
    fake_github.set_labels(5, [f"label-{i:03}" for i in range(150)])
    elsewhere = FakeGitHub(token=fake_github.token)
    with elsewhere:
        # The same server under another name: Link's URLs are built from `url`.
        fake_github.url = elsewhere.url
        client = GitHubClient(
            token=fake_github.token,
            repo="cncf/mentoring",
            api_url=f"http://localhost:{fake_github.port}",
        )

        with pytest.raises(GitHubError) as caught:
            client.list_labels(5)

    assert caught.value.transient is False
    assert len(fake_github.calls) == 1
    assert elsewhere.calls == []


def test_list_labels_of_an_issue_without_labels_is_empty(fake_github):
    assert make_client(fake_github).list_labels(5) == []


def test_add_labels_adds_them_and_an_empty_list_sends_nothing(fake_github):
    fake_github.set_labels(2, ["proposal"])
    client = make_client(fake_github)

    client.add_labels(2, ["needs-changes", "2026-term-3"])
    client.add_labels(2, [])

    assert fake_github.labels(2) == ["proposal", "needs-changes", "2026-term-3"]
    assert len(fake_github.calls) == 1
    assert fake_github.calls[0].json == {"labels": ["needs-changes", "2026-term-3"]}


def test_remove_label_quotes_the_name(fake_github):
    fake_github.set_labels(2, ["needs changes/mentor", "proposal"])

    make_client(fake_github).remove_label(2, "needs changes/mentor")

    assert fake_github.labels(2) == ["proposal"]
    call = fake_github.calls[0]
    assert (call.method, call.path) == (
        "DELETE",
        "/repos/cncf/mentoring/issues/2/labels/needs%20changes%2Fmentor",
    )


def test_remove_of_an_absent_label_is_ignored(fake_github):
    fake_github.set_labels(2, ["proposal"])

    make_client(fake_github).remove_label(2, "approved")

    assert fake_github.labels(2) == ["proposal"]
    assert len(fake_github.calls) == 1  # it was asked, and GitHub's 404 was not an error


def test_remove_label_still_raises_other_errors(fake_github):
    fake_github.set_labels(2, ["proposal"])
    fake_github.fail_next(500)

    with pytest.raises(GitHubError) as caught:
        make_client(fake_github).remove_label(2, "proposal")

    assert caught.value.status == 500
    assert fake_github.labels(2) == ["proposal"]


def test_a_bad_token_is_a_permanent_401(fake_github):
    with pytest.raises(GitHubError) as caught:
        make_client(fake_github, token="wrong").create_comment(1, "hi")

    assert caught.value.status == 401
    assert caught.value.transient is False
    assert "Bad credentials" in caught.value.message
    assert fake_github.comments(1) == []


def test_a_502_is_transient_and_the_next_call_goes_through(fake_github):
    fake_github.fail_next(502)
    client = make_client(fake_github)

    with pytest.raises(GitHubError) as caught:
        client.create_comment(1, "hi")
    assert caught.value.status == 502
    assert caught.value.transient is True
    assert caught.value.retry_at is None

    client.create_comment(1, "hi")
    assert fake_github.comments(1) == ["hi"]


def test_a_422_is_permanent(fake_github):
    fake_github.fail_next(422)

    with pytest.raises(GitHubError) as caught:
        make_client(fake_github).add_labels(1, ["x"])

    assert (caught.value.status, caught.value.transient) == (422, False)


def test_a_rate_limited_403_retries_at_the_reset(fake_github):
    reset = NOW + timedelta(minutes=17)
    fake_github.fail_next(
        403,
        headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(reset.timestamp()))},
    )

    with pytest.raises(GitHubError) as caught:
        make_client(fake_github).create_comment(1, "hi")

    assert caught.value.status == 403
    assert caught.value.transient is True
    assert caught.value.retry_at == reset


def test_a_403_with_requests_remaining_is_permanent(fake_github):
    fake_github.fail_next(403)  # e.g. the token lacks the issues permission

    with pytest.raises(GitHubError) as caught:
        make_client(fake_github).create_comment(1, "hi")

    assert (caught.value.status, caught.value.transient, caught.value.retry_at) == (
        403,
        False,
        None,
    )


@pytest.mark.parametrize("status", [429, 403, 503])
def test_retry_after_gives_retry_at(fake_github, status):
    fake_github.fail_next(status, headers={"Retry-After": "90"})

    with pytest.raises(GitHubError) as caught:
        make_client(fake_github).list_labels(1)

    assert caught.value.status == status
    assert caught.value.transient is True
    assert caught.value.retry_at == NOW + timedelta(seconds=90)


def test_after_the_last_request_the_client_pauses_until_the_reset_without_sending(fake_github):
    reset = NOW + timedelta(minutes=30)
    fake_github.remaining = 1  # this call spends the last request of the hour
    fake_github.reset = int(reset.timestamp())
    clock = [NOW]
    client = make_client(fake_github, now=lambda: clock[0])

    client.create_comment(1, "the last one")  # succeeds; the response says 0 remain
    assert client.paused_until == reset

    clock[0] = reset - timedelta(seconds=1)
    with pytest.raises(GitHubError) as caught:
        client.create_comment(1, "too early")
    assert caught.value.transient is True
    assert caught.value.retry_at == reset
    assert len(fake_github.calls) == 1  # the second call was never sent
    assert fake_github.comments(1) == ["the last one"]

    clock[0] = reset
    fake_github.remaining = 5000
    client.create_comment(1, "after the reset")
    assert client.paused_until is None
    assert fake_github.comments(1) == ["the last one", "after the reset"]


def test_a_rate_limited_403_also_pauses_the_client(fake_github):
    reset = NOW + timedelta(minutes=5)
    fake_github.fail_next(
        403,
        headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(reset.timestamp()))},
    )
    client = make_client(fake_github)
    with pytest.raises(GitHubError):
        client.list_labels(1)

    with pytest.raises(GitHubError) as caught:
        client.list_labels(1)

    assert caught.value.retry_at == reset
    assert len(fake_github.calls) == 1


def test_dry_run_sends_nothing_and_logs_each_call_without_the_token(fake_github, caplog):
    client = make_client(fake_github, token="ghp_secret_value_123", dry_run=True)

    with caplog.at_level(logging.INFO, logger="cohort.github"):
        assert client.create_comment(9, "Hello **there**") == 0
        client.update_comment(1001, "edited")
        assert client.list_labels(9) == []
        client.add_labels(9, ["proposal"])
        client.remove_label(9, "needs changes")

    assert fake_github.calls == []
    records = [r for r in caplog.records if r.name == "cohort.github"]
    assert [r.levelno for r in records] == [logging.INFO] * 5
    lines = [r.getMessage() for r in records]
    assert all("\n" not in line for line in lines)
    assert "POST /repos/cncf/mentoring/issues/9/comments" in lines[0]
    assert '{"body": "Hello **there**"}' in lines[0]
    assert "PATCH /repos/cncf/mentoring/issues/comments/1001" in lines[1]
    assert "GET /repos/cncf/mentoring/issues/9/labels" in lines[2]
    assert '{"labels": ["proposal"]}' in lines[3]
    assert "DELETE /repos/cncf/mentoring/issues/9/labels/needs%20changes" in lines[4]
    assert "ghp_secret_value_123" not in caplog.text
    assert "ghp_secret_value_123" not in repr(client)


def test_a_refused_connection_is_transient_with_status_0():
    with socket.socket() as sock:  # a port that was free a moment ago, and nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = GitHubClient(token="t0ken", repo="cncf/mentoring", api_url=f"http://127.0.0.1:{port}")

    with pytest.raises(GitHubError) as caught:
        client.create_comment(1, "hi")

    assert caught.value.status == 0
    assert caught.value.transient is True
    assert "t0ken" not in str(caught.value)


def test_a_timeout_is_transient_with_status_0():
    with socket.socket() as server:  # accepts the connection and never answers
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        port = server.getsockname()[1]
        client = GitHubClient(
            token="t", repo="cncf/mentoring", api_url=f"http://127.0.0.1:{port}", timeout=0.2
        )

        with pytest.raises(GitHubError) as caught:
            client.list_labels(1)

    assert (caught.value.status, caught.value.transient) == (0, True)
