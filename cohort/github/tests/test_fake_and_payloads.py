"""The test doubles themselves: the webhook fixtures, the payload helpers and the fake API."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest
import requests

from cohort.formats.issueform import parse_issue_form
from cohort.github.tests.fake_github import FakeGitHub, fake_github
from cohort.github.tests.payloads import DELETE, FIXTURES, PROPOSAL_BODY, payload, signed
from cohort.proposals.rules import validate_proposal

__all__ = ["fake_github"]  # the fixture, used by name below

ISSUE_EVENTS = [
    "issues.opened",
    "issues.edited",
    "issues.closed",
    "issues.reopened",
    "issues.labeled",
    "issue_comment.created",
    "issue_comment.created.pull_request",
]


def test_every_json_fixture_is_listed_here_and_in_the_readme():
    names = sorted(path.name.removesuffix(".json") for path in FIXTURES.glob("*.json"))
    readme = (FIXTURES / "README.md").read_text(encoding="utf-8")

    assert names == sorted([*ISSUE_EVENTS, "ping"])
    for name in names:
        assert f"`{name}.json`" in readme


def test_ping_has_zen_hook_id_repository_and_sender():
    ping = payload("ping")

    assert ping["zen"]
    assert isinstance(ping["hook_id"], int)
    assert ping["hook"]["id"] == ping["hook_id"]
    assert "action" not in ping
    assert ping["repository"]["full_name"] == "Octocoders/Hello-World"
    assert ping["sender"]["login"]


@pytest.mark.parametrize("name", ISSUE_EVENTS)
def test_issue_fixtures_have_the_fields_a_receiver_reads(name):
    data = payload(name)
    event, action = name.split(".")[:2]

    assert data["action"] == action
    issue = data["issue"]
    assert isinstance(issue["number"], int)
    assert isinstance(issue["title"], str)
    assert isinstance(issue["body"], str)
    assert issue["state"] in ("open", "closed")
    assert set(issue["user"]) == {"login", "type"}
    assert all(set(label) == {"name"} for label in issue["labels"])
    assert issue["html_url"].startswith("https://github.com/Codertocat/Hello-World/")
    repository = data["repository"]
    assert repository["full_name"] == f"{repository['owner']['login']}/{repository['name']}"
    assert set(data["sender"]) == {"login", "type"}
    if event == "issue_comment":
        comment = data["comment"]
        assert isinstance(comment["id"], int)
        assert comment["body"]
        assert set(comment["user"]) == {"login", "type"}
        assert comment["html_url"].startswith(issue["html_url"] + "#issuecomment-")


def test_only_the_pull_request_comment_is_on_a_pull_request():
    on_pr = payload("issue_comment.created.pull_request")["issue"]

    assert on_pr["pull_request"]["html_url"] == on_pr["html_url"]
    assert "/pull/" in on_pr["html_url"]
    for name in ISSUE_EVENTS:
        if name != "issue_comment.created.pull_request":
            assert "pull_request" not in payload(name)["issue"]


def test_edited_says_what_the_body_was_and_closed_is_closed():
    edited = payload("issues.edited")
    assert edited["changes"]["body"]["from"] != edited["issue"]["body"]
    assert payload("issues.closed")["issue"]["state"] == "closed"
    assert payload("issues.reopened")["issue"]["state"] == "open"


def test_overrides_apply_by_dotted_path_to_a_fresh_copy():
    data = payload(
        "issues.opened",
        **{
            "issue.number": 42,
            "issue.body": PROPOSAL_BODY,
            "repository.full_name": "cncf/mentoring",
            "installation.id": 7,  # a missing parent is created
            "sender": {"login": "alice", "type": "User"},
        },
    )

    assert data["issue"]["number"] == 42
    assert data["issue"]["body"] == PROPOSAL_BODY
    assert data["issue"]["title"] == "Spelling error in the README file"  # untouched
    assert data["repository"] == {
        "full_name": "cncf/mentoring",
        "name": "Hello-World",
        "owner": {"login": "Codertocat"},
    }
    assert data["installation"] == {"id": 7}
    assert data["sender"] == {"login": "alice", "type": "User"}
    # The next load is the fixture again: nothing leaked into the cache.
    again = payload("issues.opened")
    assert again["issue"]["number"] == 1
    assert again["repository"]["full_name"] == "Codertocat/Hello-World"
    assert "installation" not in again


def test_an_override_can_delete_a_key_and_changes_to_a_copy_stay_in_it():
    data = payload("issue_comment.created.pull_request", **{"issue.pull_request": DELETE})
    assert "pull_request" not in data["issue"]

    data["issue"]["labels"].append({"name": "mine"})
    assert payload("issue_comment.created.pull_request")["issue"]["labels"] == [{"name": "bug"}]


def test_an_override_through_a_non_object_is_an_error():
    with pytest.raises(KeyError):
        payload("issues.opened", **{"issue.number.x": 1})


def test_signed_is_github_hmac_sha256_of_the_body():
    body = json.dumps(payload("ping")).encode()
    secret = b"It's a Secret to Everybody"

    expected = hmac.new(secret, body, hashlib.sha256).hexdigest()
    assert signed(body, secret) == f"sha256={expected}"


def test_signed_matches_githubs_documented_example():
    # docs.github.com, "Validating webhook deliveries": secret "It's a Secret to Everybody",
    # payload "Hello, World!".
    assert signed(b"Hello, World!", b"It's a Secret to Everybody") == (
        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    )


def test_proposal_body_is_a_valid_2026_term_3_jaeger_proposal_by_alice_and_bob():
    form = parse_issue_form(PROPOSAL_BODY)

    assert form.project == "Jaeger"
    assert form.term == "2026 Term 3 (Sep-Nov)"
    assert "@alice" in form.mentors
    assert "@bob" in form.mentors
    assert validate_proposal(form).errors == []


def test_fake_rejects_a_wrong_token_with_401(fake_github):
    response = requests.get(
        f"{fake_github.url}/repos/cncf/mentoring/issues/1/labels",
        headers={"Authorization": "Bearer nope"},
        timeout=5,
    )

    assert response.status_code == 401
    assert response.json()["message"] == "Bad credentials"
    assert fake_github.calls[0].method == "GET"


def test_fake_answers_like_github(fake_github):
    auth = {"Authorization": f"Bearer {fake_github.token}"}
    base = f"{fake_github.url}/repos/cncf/mentoring/issues"

    created = requests.post(f"{base}/3/comments", json={"body": "hi"}, headers=auth, timeout=5)
    assert created.status_code == 201
    comment = created.json()
    assert comment["id"] == 1000
    assert comment["body"] == "hi"
    assert comment["html_url"] == "https://github.com/cncf/mentoring/issues/3#issuecomment-1000"
    assert created.headers["X-RateLimit-Limit"] == "5000"
    assert created.headers["X-RateLimit-Remaining"] == "4999"
    assert created.headers["X-RateLimit-Reset"].isdigit()

    patched = requests.patch(f"{base}/comments/1000", json={"body": "ho"}, headers=auth, timeout=5)
    assert (patched.status_code, patched.json()["body"]) == (200, "ho")
    missing = requests.patch(f"{base}/comments/999", json={"body": "x"}, headers=auth, timeout=5)
    assert missing.status_code == 404

    added = requests.post(f"{base}/3/labels", json={"labels": ["a", "b"]}, headers=auth, timeout=5)
    assert added.status_code == 200
    assert [label["name"] for label in added.json()] == ["a", "b"]
    removed = requests.delete(f"{base}/3/labels/a", headers=auth, timeout=5)
    assert [label["name"] for label in removed.json()] == ["b"]
    absent = requests.delete(f"{base}/3/labels/a", headers=auth, timeout=5)
    assert absent.status_code == 404

    assert fake_github.comments(3) == ["ho"]
    assert fake_github.labels(3) == ["b"]
    assert [(c.method, c.json) for c in fake_github.calls] == [
        ("POST", {"body": "hi"}),
        ("PATCH", {"body": "ho"}),
        ("PATCH", {"body": "x"}),
        ("POST", {"labels": ["a", "b"]}),
        ("DELETE", None),
        ("DELETE", None),
    ]


def test_fake_paginates_labels_with_a_link_header(fake_github):
    fake_github.set_labels(1, [f"l{i}" for i in range(45)])
    auth = {"Authorization": f"Bearer {fake_github.token}"}

    first = requests.get(
        f"{fake_github.url}/repos/cncf/mentoring/issues/1/labels", headers=auth, timeout=5
    )
    assert len(first.json()) == 30  # GitHub's default page size
    assert first.links["next"]["url"].endswith("/issues/1/labels?per_page=30&page=2")
    second = requests.get(first.links["next"]["url"], headers=auth, timeout=5)
    assert [label["name"] for label in second.json()] == [f"l{i}" for i in range(30, 45)]
    assert "Link" not in second.headers


def test_fail_next_fails_that_many_calls_then_serves_again(fake_github):
    fake_github.fail_next(502, times=2)
    auth = {"Authorization": f"Bearer {fake_github.token}"}
    url = f"{fake_github.url}/repos/cncf/mentoring/issues/1/labels"

    statuses = [requests.get(url, headers=auth, timeout=5).status_code for _ in range(3)]

    assert statuses == [502, 502, 200]


def test_fail_next_headers_override_the_rate_limit_headers(fake_github):
    fake_github.fail_next(403, headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1"})
    auth = {"Authorization": f"Bearer {fake_github.token}"}

    response = requests.post(
        f"{fake_github.url}/repos/cncf/mentoring/issues/1/comments",
        json={"body": "x"},
        headers=auth,
        timeout=5,
    )

    assert response.status_code == 403
    assert response.headers["X-RateLimit-Remaining"] == "0"
    assert response.headers["X-RateLimit-Reset"] == "1"
    assert fake_github.comments(1) == []  # a failed call changes nothing


def test_fake_stops_listening_when_its_block_ends():
    with FakeGitHub(token="x") as github:
        url = github.url
        assert requests.get(url, timeout=5).status_code == 401

    with pytest.raises(requests.ConnectionError):
        requests.get(url, timeout=5)
