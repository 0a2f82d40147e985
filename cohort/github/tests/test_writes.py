"""What Cohort owes GitHub: `Write` rows, and how `send_write`, `send_due_writes`,
`request_sync` and `reply` send them to the fake GitHub: backoff, the rate limit, permanent
refusals, a deleted sticky comment, the token, dry run, the lease and the periodic job."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext

from cohort.github import sending, services
from cohort.github.client import GitHubClient
from cohort.github.models import Connection, IssueLink, Write
from cohort.github.tests.conftest import Hub
from cohort.github.tests.fake_github import FIRST_COMMENT_ID
from cohort.proposals.comment import MARKER
from cohort.proposals.services import approve_proposal

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 7, 20, 12, 0, tzinfo=UTC)  # inside the world's proposals window
ISSUE = 2001
COMMENTS = f"/repos/cncf/mentoring/issues/{ISSUE}/comments"


@pytest.fixture
def clock(hub: Hub) -> Iterator[time_machine.Traveller]:
    """A stopped clock at T0, moved by the test (`clock.move_to(...)`)."""
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def _calls(hub: Hub, method: str | None = None, path: str | None = None) -> list[Any]:
    return [
        call
        for call in hub.fake.calls
        if (method is None or call.method == method)
        and (path is None or call.path.split("?")[0] == path)
    ]


def _write(pk: int) -> Write:
    return Write.objects.get(pk=pk)


def _reset_header(at: datetime) -> dict[str, str]:
    return {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(at.timestamp()))}


# --- failures, backoff and giving up --------------------------------------------------------


def test_a_502_leaves_the_write_pending_with_its_error_for_a_later_try(
    hub: Hub, clock: time_machine.Traveller
):
    write = services.reply(hub.connection, ISSUE, "Hello from Cohort.")
    assert (write.status, write.attempts, write.next_attempt_at) == ("pending", 0, T0)
    hub.fake.fail_next(502)

    assert sending.send_write(write.pk, now=T0) == "retrying"
    row = _write(write.pk)
    assert row.status == Write.Status.PENDING
    assert row.attempts == 1
    assert "502 Injected failure 502" in row.error
    assert row.next_attempt_at > T0
    assert row.sent_at is None
    assert hub.fake.comments(ISSUE) == []
    # Not before its next attempt: nothing is sent, nothing counted.
    early = row.next_attempt_at - timedelta(seconds=1)
    assert sending.send_write(write.pk, now=early) == "not due"
    assert sending.send_due_writes(early) == []
    assert len(hub.fake.calls) == 1
    assert _write(write.pk).attempts == 1


def test_a_502_backs_off_1_2_4_minutes(hub: Hub, clock: time_machine.Traveller):
    write = services.reply(hub.connection, ISSUE, "Hello from Cohort.")
    hub.fake.fail_next(502, times=3)
    now = T0
    for attempt, minutes in ((1, 1), (2, 2), (3, 4)):
        clock.move_to(now)
        assert sending.send_write(write.pk, now=now) == "retrying"
        row = _write(write.pk)
        assert row.attempts == attempt
        assert row.next_attempt_at == now + timedelta(minutes=minutes)
        now = row.next_attempt_at


def test_a_write_refused_max_attempts_times_fails_for_good(hub: Hub, clock: time_machine.Traveller):
    write = services.reply(hub.connection, ISSUE, "Hello from Cohort.")
    hub.fake.fail_next(502, times=sending.MAX_ATTEMPTS)
    now = T0
    for attempt in range(1, sending.MAX_ATTEMPTS):
        clock.move_to(now)
        assert sending.send_write(write.pk, now=now) == "retrying", attempt
        assert _write(write.pk).attempts == attempt
        now += timedelta(days=1)  # past any backoff

    clock.move_to(now)
    assert sending.send_write(write.pk, now=now) == "failed"
    row = _write(write.pk)
    assert row.status == Write.Status.FAILED
    assert row.attempts == sending.MAX_ATTEMPTS
    assert row.status_changed_at == now
    assert "502" in row.error
    assert len(_calls(hub, "POST", COMMENTS)) == sending.MAX_ATTEMPTS


def test_a_write_that_keeps_failing_ends_failed_and_is_never_tried_again(
    hub: Hub, clock: time_machine.Traveller
):
    write = services.reply(hub.connection, ISSUE, "Hello from Cohort.")
    hub.fake.fail_next(502, times=sending.MAX_ATTEMPTS)
    now = T0
    results = []
    for _ in range(sending.MAX_ATTEMPTS):
        clock.move_to(now)
        results.append(sending.send_write(write.pk, now=now))
        now += timedelta(days=1)  # past any backoff
        if results[-1] == "failed":
            break
    assert results[-1] == "failed"
    assert set(results[:-1]) == {"retrying"}
    row = _write(write.pk)
    assert row.status == Write.Status.FAILED
    assert "502" in row.error
    assert row.sent_at is None
    calls = len(hub.fake.calls)
    assert calls == len(results)
    assert sending.send_write(write.pk, now=now + timedelta(days=1)) == "not due"
    assert sending.send_due_writes(now + timedelta(days=1)) == []
    assert len(hub.fake.calls) == calls
    assert hub.fake.comments(ISSUE) == []


def test_a_write_that_failed_twice_is_sent_on_its_third_try(
    hub: Hub, clock: time_machine.Traveller
):
    write = services.reply(hub.connection, ISSUE, "Third time lucky.")
    hub.fake.fail_next(502, times=2)
    now = T0
    for _ in range(2):
        clock.move_to(now)
        assert sending.send_write(write.pk, now=now) == "retrying"
        now = _write(write.pk).next_attempt_at

    clock.move_to(now)
    assert sending.send_write(write.pk, now=now) == "sent"
    row = _write(write.pk)
    assert row.status == Write.Status.SENT
    assert row.sent_at == now
    assert row.status_changed_at == now
    assert row.attempts == 3
    assert row.error == ""
    assert hub.fake.comments(ISSUE) == ["Third time lucky."]


@pytest.mark.parametrize("status", [422, 404])
def test_a_permanent_refusal_fails_the_write_at_once(
    hub: Hub, clock: time_machine.Traveller, status: int
):
    write = services.reply(hub.connection, ISSUE, "GitHub will refuse this.")
    hub.fake.fail_next(status)
    assert sending.send_write(write.pk, now=T0) == "failed"
    row = _write(write.pk)
    assert row.status == Write.Status.FAILED
    assert row.attempts == 1
    assert str(status) in row.error
    assert row.sent_at is None
    assert sending.send_due_writes(T0 + timedelta(hours=7)) == []
    assert len(hub.fake.calls) == 1


# --- the rate limit -------------------------------------------------------------------------


def test_a_rate_limited_403_pauses_every_write_of_the_connection_until_the_reset(
    hub: Hub, clock: time_machine.Traveller
):
    reset = T0 + timedelta(minutes=37)
    first = services.reply(hub.connection, ISSUE, "First.")
    second = services.reply(hub.connection, ISSUE, "Second.")
    hub.fake.fail_next(403, headers=_reset_header(reset))

    assert sending.send_write(first.pk, now=T0) == "retrying"
    row = _write(first.pk)
    assert row.status == Write.Status.PENDING
    assert row.attempts == 0  # GitHub said when to come back: a rate-limited try does not count
    assert row.next_attempt_at == reset  # the reset, not the 1-minute backoff
    assert "403" in row.error
    assert Connection.objects.get(pk=hub.connection.pk).paused_until == reset
    assert len(hub.fake.calls) == 1

    # Before the reset nothing of this connection goes out, due or not.
    before = reset - timedelta(seconds=1)
    clock.move_to(T0 + timedelta(minutes=1))
    assert (
        sending.send_write(second.pk, now=T0 + timedelta(minutes=1))
        == "waiting for GitHub's rate limit"
    )
    waiting = _write(second.pk)
    assert waiting.status == Write.Status.PENDING
    assert waiting.attempts == 0  # waiting out the limit is not a try
    assert waiting.next_attempt_at == reset
    clock.move_to(before)
    assert sending.send_due_writes(before) == []
    assert sending.send_write(first.pk, now=before) == "not due"
    assert len(hub.fake.calls) == 1

    # From the reset on, both are sent.
    clock.move_to(reset)
    assert sending.send_due_writes(reset) == ["GitHub writes: 2 sent, 0 still pending"]
    assert [_write(w.pk).status for w in (first, second)] == ["sent", "sent"]
    assert hub.fake.comments(ISSUE) == ["First.", "Second."]


# --- the sticky comment ---------------------------------------------------------------------


def test_a_deleted_sticky_comment_is_posted_again_and_its_new_id_kept(hub: Hub):
    hub.open_issue(ISSUE)
    link = IssueLink.objects.get(number=ISSUE)
    (posted,) = hub.fake.comment_ids(ISSUE)
    assert link.comment_id == posted
    # Someone deleted the comment on GitHub: the id Cohort holds no longer exists there.
    gone = FIRST_COMMENT_ID - 1
    IssueLink.objects.filter(pk=link.pk).update(comment_id=gone)
    calls = len(hub.fake.calls)

    services.request_sync(hub.connection, ISSUE)
    write = Write.objects.get(kind=Write.Kind.SYNC, status=Write.Status.PENDING)
    assert sending.send_write(write.pk) == "sent"

    new = hub.fake.calls[calls:]
    assert [(c.method, c.path.split("?")[0]) for c in new[:2]] == [
        ("PATCH", f"/repos/cncf/mentoring/issues/comments/{gone}"),
        ("POST", COMMENTS),
    ]
    ids = hub.fake.comment_ids(ISSUE)
    assert len(ids) == 2
    assert IssueLink.objects.get(pk=link.pk).comment_id == ids[-1]
    assert hub.fake.comments(ISSUE)[-1].startswith(MARKER)
    assert _write(write.pk).status == Write.Status.SENT

    # The next sync edits the new comment in place.
    services.request_sync(hub.connection, ISSUE)
    again = Write.objects.get(kind=Write.Kind.SYNC, status=Write.Status.PENDING)
    calls = len(hub.fake.calls)
    assert sending.send_write(again.pk) == "sent"
    assert _calls(hub, "PATCH", f"/repos/cncf/mentoring/issues/comments/{ids[-1]}")
    assert not [c for c in hub.fake.calls[calls:] if c.method == "POST" and "comments" in c.path]
    assert len(hub.fake.comment_ids(ISSUE)) == 2


# --- the token and dry run ------------------------------------------------------------------


def test_a_missing_token_variable_keeps_the_write_pending_and_names_the_variable(
    hub: Hub, clock: time_machine.Traveller, monkeypatch: pytest.MonkeyPatch
):
    Connection.objects.filter(pk=hub.connection.pk).update(token_variable="CNCF_BOT_TOKEN")
    monkeypatch.delenv("CNCF_BOT_TOKEN", raising=False)
    write = services.reply(hub.connection, ISSUE, "Needs a token.")

    assert sending.send_write(write.pk, now=T0) == "retrying"
    row = _write(write.pk)
    assert row.status == Write.Status.PENDING
    assert row.attempts == 1
    assert "CNCF_BOT_TOKEN" in row.error
    assert row.next_attempt_at > T0
    assert hub.fake.calls == []

    # Once the variable is set, the next try goes out.
    monkeypatch.setenv("CNCF_BOT_TOKEN", hub.fake.token)
    later = row.next_attempt_at
    clock.move_to(later)
    assert sending.send_write(write.pk, now=later) == "sent"
    assert hub.fake.comments(ISSUE) == ["Needs a token."]


def test_dry_run_sends_nothing_logs_the_call_and_marks_the_write_sent(
    hub: Hub,
    clock: time_machine.Traveller,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
):
    settings.GITHUB_DRY_RUN = True
    monkeypatch.delenv("COHORT_GITHUB_TOKEN")  # dry run needs no token
    caplog.set_level(logging.INFO, logger="cohort.github")
    write = services.reply(hub.connection, ISSUE, "Only in the log.")

    assert sending.send_write(write.pk, now=T0) == "sent"
    assert hub.fake.calls == []
    assert f"GitHub dry run: POST {COMMENTS}" in caplog.text
    assert "Only in the log." in caplog.text
    row = _write(write.pk)
    assert row.status == Write.Status.SENT
    assert row.sent_at == T0


# --- the lease ------------------------------------------------------------------------------


def test_a_second_send_of_the_same_write_at_the_same_instant_sends_nothing(
    hub: Hub, clock: time_machine.Traveller, monkeypatch: pytest.MonkeyPatch
):
    write = services.reply(hub.connection, ISSUE, "Once only.")
    original = GitHubClient.create_comment
    meanwhile: list[str] = []

    def create_comment(self: GitHubClient, issue: int, body: str) -> int:
        # While the first send is under way, the task or run-periodic tries the same write.
        meanwhile.append(sending.send_write(write.pk, now=T0))
        return original(self, issue, body)

    monkeypatch.setattr(GitHubClient, "create_comment", create_comment)
    assert sending.send_write(write.pk, now=T0) == "sent"
    assert meanwhile == ["not due"]
    assert hub.fake.comments(ISSUE) == ["Once only."]
    assert len(_calls(hub, "POST", COMMENTS)) == 1
    assert _write(write.pk).attempts == 1


def test_a_send_that_died_holds_its_write_for_the_lease_then_it_is_sent_again(
    hub: Hub, clock: time_machine.Traveller, monkeypatch: pytest.MonkeyPatch
):
    write = services.reply(hub.connection, ISSUE, "After the lease.")

    def crash(self: GitHubClient, issue: int, body: str) -> int:
        raise RuntimeError("the worker died mid-send")

    with monkeypatch.context() as patched:
        patched.setattr(GitHubClient, "create_comment", crash)
        with pytest.raises(RuntimeError):
            sending.send_write(write.pk, now=T0)
    row = _write(write.pk)
    assert row.status == Write.Status.PENDING
    assert row.next_attempt_at == T0 + sending.LEASE

    held = T0 + sending.LEASE - timedelta(seconds=1)
    assert sending.send_due_writes(held) == []
    clock.move_to(T0 + sending.LEASE)
    assert sending.send_due_writes(T0 + sending.LEASE) == ["GitHub writes: 1 sent, 0 still pending"]
    assert hub.fake.comments(ISSUE) == ["After the lease."]


# --- request_sync ---------------------------------------------------------------------------


def test_two_sync_requests_in_one_transaction_leave_one_pending_sync(
    hub: Hub, clock: time_machine.Traveller, django_capture_on_commit_callbacks: Any
):
    with django_capture_on_commit_callbacks() as callbacks:
        services.request_sync(hub.connection, ISSUE)
        clock.move_to(T0 + timedelta(seconds=5))
        services.request_sync(hub.connection, ISSUE)
    (write,) = Write.objects.filter(kind=Write.Kind.SYNC, issue_number=ISSUE)
    assert write.status == Write.Status.PENDING
    assert write.wanted_at == T0 + timedelta(seconds=5)  # the later request
    assert write.next_attempt_at == T0  # still due from the first
    assert len(callbacks) == 1  # one task queued

    # Another issue gets its own.
    services.request_sync(hub.connection, ISSUE + 1)
    assert Write.objects.filter(kind=Write.Kind.SYNC, status="pending").count() == 2


def test_a_sync_asked_for_again_while_being_sent_is_sent_again_with_the_newer_state(
    hub: Hub, clock: time_machine.Traveller, monkeypatch: pytest.MonkeyPatch
):
    hub.open_issue(ISSUE)
    link = IssueLink.objects.select_related("project").get(number=ISSUE)
    assert "Maintainer/Contribex Approved" not in hub.fake.labels(ISSUE)
    services.request_sync(hub.connection, ISSUE)
    write = Write.objects.get(kind=Write.Kind.SYNC, status=Write.Status.PENDING)

    original = GitHubClient.list_labels
    interrupted: list[bool] = []

    def list_labels(self: GitHubClient, issue: int) -> list[str]:
        if not interrupted:
            # After the first send read the proposal, a maintainer approves and a webhook
            # asks for a sync again, a moment later.
            interrupted.append(True)
            clock.move_to(T0 + timedelta(seconds=2))
            approve_proposal(link.project, actor=hub.world.users["maintainer"])
            services.request_sync(hub.connection, ISSUE)
            pending = Write.objects.get(kind=Write.Kind.SYNC, status=Write.Status.PENDING)
            assert pending.pk == write.pk
            assert pending.wanted_at == T0 + timedelta(seconds=2)
        return original(self, issue)

    monkeypatch.setattr(GitHubClient, "list_labels", list_labels)
    calls = len(hub.fake.calls)
    assert sending.send_write(write.pk) == "sent"

    row = _write(write.pk)
    assert row.status == Write.Status.SENT
    assert row.attempts == 2  # sent twice
    patches = [c for c in hub.fake.calls[calls:] if c.method == "PATCH"]
    assert len(patches) == 2
    assert "Maintainer/Contribex Approved" in hub.fake.labels(ISSUE)
    assert "✅ recorded" in hub.fake.comments(ISSUE)[0]
    assert not Write.objects.filter(status=Write.Status.PENDING).exists()


# --- the periodic job -----------------------------------------------------------------------


def _rows(connection: Connection, count: int, **fields: Any) -> None:
    Write.objects.bulk_create(
        Write(
            connection=connection,
            issue_number=3000 + i,
            kind=Write.Kind.REPLY,
            body=f"Reply {i}",
            wanted_at=T0 - timedelta(days=1),
            next_attempt_at=T0 - timedelta(days=1),
            **fields,
        )
        for i in range(count)
    )


def test_the_periodic_job_sends_only_the_due_pending_writes_and_reports_them(
    hub: Hub, clock: time_machine.Traveller
):
    due = services.reply(hub.connection, ISSUE, "Due now.")
    failing = services.reply(hub.connection, ISSUE, "Due, but GitHub is down.")
    later = services.reply(hub.connection, ISSUE, "Not yet.")
    Write.objects.filter(pk=later.pk).update(next_attempt_at=T0 + timedelta(minutes=5))
    _rows(hub.connection, 2, status=Write.Status.SENT, sent_at=T0 - timedelta(days=1))
    _rows(hub.connection, 2, status=Write.Status.FAILED, attempts=sending.MAX_ATTEMPTS)
    hub.fake.fail_next(502, times=1)  # the first due one, in next_attempt_at then id order

    Write.objects.filter(pk=failing.pk).update(next_attempt_at=T0 - timedelta(seconds=1))
    assert sending.send_due_writes(T0) == ["GitHub writes: 1 sent, 1 still pending"]
    assert _write(failing.pk).status == Write.Status.PENDING
    assert _write(failing.pk).attempts == 1
    assert _write(due.pk).status == Write.Status.SENT
    assert _write(later.pk).attempts == 0
    assert hub.fake.comments(ISSUE) == ["Due now."]
    assert {c.path.split("?")[0] for c in hub.fake.calls} == {COMMENTS}
    assert len(hub.fake.calls) == 2

    # A second run at the same moment has nothing to do.
    assert sending.send_due_writes(T0) == []
    assert len(hub.fake.calls) == 2


def test_the_periodic_job_with_nothing_due_runs_one_query(
    hub: Hub, clock: time_machine.Traveller, django_assert_max_num_queries: Any
):
    services.reply(hub.connection, ISSUE, "Not yet.")
    Write.objects.update(next_attempt_at=T0 + timedelta(minutes=5))
    _rows(hub.connection, 3, status=Write.Status.SENT, sent_at=T0)
    with django_assert_max_num_queries(1):
        assert sending.send_due_writes(T0) == []
    assert hub.fake.calls == []


def test_the_periodic_jobs_queries_do_not_grow_with_the_sent_writes(
    hub: Hub, clock: time_machine.Traveller
):
    def queries() -> int:
        with CaptureQueriesContext(db_connection) as captured:
            assert sending.send_due_writes(T0) == []
        return len(captured.captured_queries)

    _rows(hub.connection, 5, status=Write.Status.SENT, sent_at=T0)
    small = queries()
    _rows(hub.connection, 495, status=Write.Status.SENT, sent_at=T0)
    assert Write.objects.filter(status=Write.Status.SENT).count() == 500
    assert queries() == small
    assert hub.fake.calls == []
