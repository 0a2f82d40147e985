"""The whole front door: signed deliveries in, proposals changed through the services, and
the CNCF bot's comment, labels and replies written to a fake GitHub on loopback."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from cohort.github.models import Delivery, IssueLink, Write
from cohort.github.tests.conftest import Hub
from cohort.github.tests.payloads import FIXTURES, PROPOSAL_BODY, payload
from cohort.projects.models import Project
from cohort.proposals.comment import MARKER
from cohort.proposals.models import ProposalEvent
from cohort.proposals.review import review

pytestmark = pytest.mark.django_db


def _replies(hub: Hub, number: int = 2001) -> list[str]:
    return [c for c in hub.fake.comments(number) if not c.startswith(MARKER)]


def _sticky(hub: Hub, number: int = 2001) -> str:
    (comment,) = [c for c in hub.fake.comments(number) if c.startswith(MARKER)]
    return comment


def test_an_opened_proposal_issue_becomes_proposal_n_with_the_cncf_comment_and_labels(
    hub: Hub, tmp_path: Path
):
    response = hub.open_issue(2001, author="carol")

    assert response.status_code == 200, response.content
    assert response.json()["result"] == "processed"
    project = Project.objects.get(term=hub.world.term, number=2001)
    assert project.status == Project.Status.SUBMITTED
    assert project.title == "Jaeger v2 Helm Chart"
    assert project.proposer == hub.world.users["carol"]
    assert IssueLink.objects.get(project=project).number == 2001
    # The sticky comment is exactly what `cohort validate-proposal --format comment` prints.
    body = tmp_path / "proposal.md"
    body.write_text(PROPOSAL_BODY, encoding="utf-8")
    out = io.StringIO()
    call_command(  # it exits 1 only when there are errors
        "validate_proposal",
        str(body),
        "--format=comment",
        "--number=2001",
        f"--program={hub.world.program.name}",
        "--repository=cncf/mentoring",
        stdout=out,
    )
    assert _sticky(hub) == out.getvalue()
    assert "✅ **All checks passed.**" in out.getvalue()
    assert (
        "2. **Mentor confirmation** — ⏳ 0 of 2 confirmed. Awaiting `/confirm` from @alice, @bob."
        in out.getvalue()
    )
    assert sorted(hub.fake.labels(2001)) == sorted(
        [
            "lfx mentorship",
            "Proposal",
            "Validation Passed",
            "Awaiting Maintainer/Contribex Approval",
            "Awaiting Mentor Confirmation",
            "2026",
            "Term 3: Sept-Nov",
        ]
    )
    assert _replies(hub) == []
    assert not Write.objects.exclude(status=Write.Status.SENT).exists()


def test_approve_confirm_and_cncf_approve_move_it_to_approved_and_replaying_changes_nothing(
    hub: Hub,
):
    deliveries: list[tuple[str, tuple[object, ...], dict[str, object], str]] = []

    def send(kind: str, *args: object, **kwargs: object) -> None:
        guid = f"guid-{len(deliveries)}"
        deliveries.append((kind, args, kwargs, guid))
        response = getattr(hub, kind)(*args, guid=guid, **kwargs)
        assert response.status_code == 200, response.content

    send("open_issue", 2001, author="carol")
    send("comment", "/approve", by="jaeger-maint")
    send("comment", "/confirm", by="alice")
    send("comment", "Happy to mentor!\n/confirm", by="bob")
    send("comment", "/cncf-approve", by="cncf-admin")

    project = Project.objects.get(number=2001)
    assert review(project).gates.admin_approved
    assert review(project).column == "CNCF Approved"
    assert _replies(hub) == [
        "✅ Maintainer approval recorded from @jaeger-maint (maintainer of Jaeger in Cohort).",
        "✅ Thanks for confirming, @alice! That's 1 of 2 mentors so far. Still waiting on: @bob.",
        "✅ Thanks for confirming, @bob! All 2 listed mentors have confirmed.",
        "🎯 Both maintainer approval and mentor confirmation received. This proposal is now "
        "awaiting final CNCF admin approval.\n\nA CNCF program admin will review and comment "
        "`/cncf-approve` to finalize.",
        "✅ CNCF admin approval granted by @cncf-admin.\n\nThis proposal is approved and will be "
        "included in the next LFX export.",
    ]
    assert "CNCF Approved" in hub.fake.labels(2001)
    assert "Awaiting CNCF Admin Approval" not in hub.fake.labels(2001)
    assert "Maintainer/Contribex Approved" in hub.fake.labels(2001)
    assert "Mentors Confirmed" in hub.fake.labels(2001)
    assert "1. **Maintainer approval** — ✅ recorded." in _sticky(hub)

    # Replaying every delivery (GitHub's "Redeliver") changes nothing and calls nothing.
    rows = {
        model: model.objects.count()
        for model in (Delivery, ProposalEvent, Write, Project, IssueLink)
    }
    calls = len(hub.fake.calls)
    for kind, args, kwargs, guid in deliveries:
        response = getattr(hub, kind)(*args, guid=guid, **kwargs)
        assert response.status_code == 200
        assert response.json()["result"] == "duplicate"
    assert {model: model.objects.count() for model in rows} == rows
    assert len(hub.fake.calls) == calls


def test_someone_who_may_not_run_a_command_gets_the_cncf_refusal_and_nothing_changes(hub: Hub):
    hub.open_issue(2001)
    events = ProposalEvent.objects.count()

    hub.comment("/approve", by="stranger")
    hub.comment("/confirm", by="stranger")
    hub.comment("/cncf-approve", by="jaeger-maint")
    hub.comment("/confirm @alice", by="bob")

    assert ProposalEvent.objects.count() == events
    assert _replies(hub) == [
        "❌ @stranger is not authorized to `/approve` proposals for **Jaeger**.\n\n"
        "Approvers must be:\n- A maintainer of Jaeger in Cohort\n"
        "- An approver delegated for Jaeger in Cohort\n- A program admin in Cohort\n\n"
        "If this is an error, contact a CNCF program admin.",
        "❌ @stranger is not listed as a mentor on this proposal. Only listed mentors can "
        "`/confirm`. Current mentors: @alice, @bob",
        "❌ @jaeger-maint is not authorized to use `/cncf-approve`. This command is restricted "
        "to CNCF program admins.",
        "❌ Only CNCF universal approvers can `/confirm` on behalf of another mentor. To confirm "
        "your own participation, comment `/confirm`.",
    ]
    results = list(Delivery.objects.order_by("id").values_list("result", flat=True))
    assert results == ["processed", "refused", "refused", "refused", "refused"]
    last = Delivery.objects.order_by("id").last()
    assert last is not None
    assert last.detail.startswith("/confirm: ❌ Only CNCF")


def test_a_material_edit_clears_the_approvals_and_says_so(hub: Hub):
    hub.open_issue(2001)
    for text, login in (("/approve", "jaeger-maint"), ("/confirm", "alice"), ("/confirm", "bob")):
        hub.comment(text, by=login)
    hub.comment("/cncf-approve", by="cncf-admin")
    edited = PROPOSAL_BODY.replace("Jaeger v2 Helm Chart", "Jaeger v2 Helm Chart and Operator")
    response = hub.deliver(
        "issues",
        payload(
            "issues.edited",
            **{
                "issue.number": 2001,
                "issue.body": edited,
                "issue.title": "[CNCF LFX Proposal] Jaeger",
                "issue.labels": [{"name": "lfx mentorship"}, {"name": "Proposal"}],
                "changes": {"body": {"from": PROPOSAL_BODY}},
                "repository.full_name": "cncf/mentoring",
                "sender.login": "carol",
            },
        ),
    )

    assert response.status_code == 200
    project = Project.objects.get(number=2001)
    gates = review(project).gates
    assert not gates.maintainer_approved
    assert not gates.admin_approved
    assert gates.mentors_confirmed  # confirmations survive an edit (§3.5)
    assert _replies(hub)[-1] == (
        "♻️ This proposal was edited after approval, so its maintainer approval and CNCF admin "
        "approval have been cleared and must be granted again.\n\n"
        "@jaeger-maint @cncf-admin — please re-review the updated proposal."
    )
    labels = hub.fake.labels(2001)
    assert "Awaiting Maintainer/Contribex Approval" in labels
    assert "CNCF Approved" not in labels
    assert "Mentors Confirmed" in labels


def test_a_whitespace_edit_is_not_material(hub: Hub):
    hub.open_issue(2001)
    hub.comment("/approve", by="jaeger-maint")
    replies = len(_replies(hub))
    hub.deliver(
        "issues",
        payload(
            "issues.edited",
            **{
                "issue.number": 2001,
                "issue.body": "<!-- a note -->\n" + PROPOSAL_BODY.replace("\n\n", "\n\n\n"),
                "issue.labels": [{"name": "lfx mentorship"}, {"name": "Proposal"}],
                "repository.full_name": "cncf/mentoring",
            },
        ),
    )
    assert review(Project.objects.get(number=2001)).gates.maintainer_approved
    assert len(_replies(hub)) == replies


def test_a_bad_or_missing_signature_is_401_and_leaves_nothing(hub: Hub, caplog):
    data = payload("issues.opened", **{"issue.body": PROPOSAL_BODY})
    bad = hub.deliver("issues", data, secret="another secret entirely")
    missing = hub.deliver("issues", data, signature="")
    assert bad.status_code == missing.status_code == 401
    assert not Delivery.objects.exists()
    assert not Project.objects.exists()
    assert hub.fake.calls == []
    assert "bad or missing signature" in caplog.text


def test_unknown_events_and_actions_are_accepted_and_ignored(hub: Hub):
    labeled = hub.deliver(
        "issues", payload("issues.labeled", **{"repository.full_name": "cncf/mentoring"})
    )
    star = hub.deliver("star", {"action": "created", "repository": {"full_name": "cncf/mentoring"}})
    assert labeled.status_code == star.status_code == 202
    assert list(Delivery.objects.values_list("result", flat=True)) == ["ignored", "ignored"]
    assert not Project.objects.exists()


def test_a_ping_is_recorded(hub: Hub):
    response = hub.deliver("ping", payload("ping"))
    assert response.status_code == 200
    assert Delivery.objects.get().event == "ping"


def test_an_issue_that_is_not_a_proposal_is_ignored(hub: Hub):
    data = payload("issues.opened", **{"repository.full_name": "cncf/mentoring"})
    response = hub.deliver("issues", data)
    assert response.status_code == 202
    assert not Project.objects.exists()


def test_a_body_over_1_mb_is_refused(hub: Hub):
    data = payload("issues.opened", **{"issue.body": "x" * 1_100_000})
    response = hub.deliver("issues", data)
    assert response.status_code == 413
    assert not Delivery.objects.exists()


def test_csrf_still_applies_to_the_settings_page(hub: Hub):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(hub.world.users["admin"])
    response = client.post(
        f"/github/{hub.world.program.slug}/", {"repository": "a/b", "token_variable": "X"}
    )
    assert response.status_code == 403


def test_fixtures_note_their_source_and_licence():
    readme = (FIXTURES / "README.md").read_text(encoding="utf-8")
    assert "@octokit/webhooks-examples" in readme
    assert "MIT" in readme
    for path in Path(FIXTURES).glob("*.json"):
        assert path.name in readme


def _issue_event(hub: Hub, action: str, *, number: int = 2001, by: str = "carol", **more: object):
    fixture = "issues.reopened" if action == "reopened" else "issues.closed"
    if action == "edited":
        fixture = "issues.edited"
    return hub.deliver(
        "issues",
        payload(
            fixture,
            **{
                "action": action,
                "issue.number": number,
                "issue.body": PROPOSAL_BODY,
                "issue.state": "closed" if action == "closed" else "open",
                "issue.labels": [{"name": "lfx mentorship"}, {"name": "Proposal"}],
                "repository.full_name": "cncf/mentoring",
                "sender.login": by,
                **more,
            },
        ),
    )


def test_closing_the_issue_withdraws_the_proposal_and_reopening_submits_it_again(hub: Hub):
    hub.open_issue(2001)
    hub.comment("/approve", by="jaeger-maint")

    assert _issue_event(hub, "closed", by="someone-with-triage").status_code == 200
    project = Project.objects.get(number=2001)
    assert project.status == Project.Status.WITHDRAWN
    assert review(project).column == "Closed"

    assert _issue_event(hub, "reopened").status_code == 200
    project.refresh_from_db()
    assert project.status == Project.Status.SUBMITTED
    assert review(project).gates.maintainer_approved  # approvals are events: they came back
    assert "Maintainer/Contribex Approved" in hub.fake.labels(2001)


def test_a_titled_form_without_the_labels_is_read_and_gets_them(hub: Hub):
    response = hub.deliver(
        "issues",
        payload(
            "issues.opened",
            **{
                "issue.number": 2002,
                "issue.title": "[CNCF LFX Proposal] Jaeger v2 Helm Chart",
                "issue.body": PROPOSAL_BODY,
                "issue.labels": [],
                "repository.full_name": "cncf/mentoring",
            },
        ),
    )
    assert response.status_code == 200
    assert Project.objects.filter(number=2002).exists()
    assert {"lfx mentorship", "Proposal"} <= set(hub.fake.labels(2002))


def test_the_title_prefix_is_case_sensitive_and_needs_the_form(hub: Hub):
    for number, title, body in (
        (2003, "[cncf lfx proposal] Jaeger", PROPOSAL_BODY),
        (2004, "[CNCF LFX Proposal] Jaeger", "Please add a chart."),
    ):
        data = payload(
            "issues.opened",
            **{
                "issue.number": number,
                "issue.title": title,
                "issue.body": body,
                "issue.labels": [],
                "repository.full_name": "cncf/mentoring",
            },
        )
        assert hub.deliver("issues", data).status_code == 202
    assert not Project.objects.exists()


def test_a_proposal_for_an_unknown_organization_is_refused_with_a_reply(hub: Hub):
    body = PROPOSAL_BODY.replace("### CNCF Project\n\nJaeger", "### CNCF Project\n\nNot A Project")
    response = hub.open_issue(2005, body=body)
    assert response.status_code == 200
    assert response.json()["result"] == "refused"
    assert not Project.objects.exists()
    assert hub.fake.comments(2005) == [
        '❌ Cohort could not take this proposal: "Not A Project" is not an organization of '
        "CNCF LFX Mentorship."
    ]
    assert Delivery.objects.get().result == Delivery.Result.REFUSED


def test_a_term_cohort_does_not_have_is_refused(hub: Hub):
    body = PROPOSAL_BODY.replace("2026 Term 3 (Sep-Nov)", "2027 Term 1 (Mar-May)")
    response = hub.open_issue(2006, body=body)
    assert response.json()["result"] == "refused"
    assert "is not a term of CNCF LFX Mentorship" in hub.fake.comments(2006)[0]


def test_an_edit_to_a_proposal_issue_cohort_missed_creates_it(hub: Hub):
    response = _issue_event(hub, "edited", number=2007, **{"issue.title": "[CNCF LFX Proposal] X"})
    assert response.status_code == 200
    assert Project.objects.get(number=2007).status == Project.Status.SUBMITTED


def test_comments_on_pull_requests_other_repositories_and_by_bots_are_ignored(hub: Hub):
    hub.open_issue(2001)
    pr = payload(
        "issue_comment.created.pull_request",
        **{"comment.body": "/approve", "repository.full_name": "cncf/mentoring"},
    )
    other = payload(
        "issue_comment.created",
        **{"issue.number": 2001, "comment.body": "/approve", "repository.full_name": "a/b"},
    )
    bot = payload(
        "issue_comment.created",
        **{
            "issue.number": 2001,
            "comment.body": "/approve",
            "comment.user": {"login": "jaeger-maint", "type": "Bot"},
            "repository.full_name": "cncf/mentoring",
        },
    )
    for data in (pr, other, bot):
        assert hub.deliver("issue_comment", data).status_code == 202
    assert not review(Project.objects.get(number=2001)).gates.maintainer_approved
    assert _replies(hub) == []


def test_an_admin_confirms_on_behalf_of_a_mentor(hub: Hub):
    hub.open_issue(2001)
    hub.comment("/confirm @Bob", by="cncf-admin")
    assert review(Project.objects.get(number=2001)).gates.confirmed == ("bob",)
    assert _replies(hub) == [
        "✅ Recorded @bob's confirmation (by @cncf-admin). Thanks! That's 1 of 2 mentors so "
        "far. Still waiting on: @alice."
    ]


def test_a_mentor_without_a_cohort_account_confirms_their_own_slot(hub: Hub):
    body = PROPOSAL_BODY.replace("Bob Roe | @bob |", "Dana Poe | @dana-poe |")
    hub.open_issue(2008, body=body)
    hub.comment("/confirm", by="dana-poe", number=2008)
    assert review(Project.objects.get(number=2008)).gates.confirmed == ("dana-poe",)
    event = ProposalEvent.objects.get(kind="mentor_confirmed")
    assert event.actor is None
    assert event.handle == "dana-poe"


def test_lfx_url_is_recorded_by_an_admin_once_published(hub: Hub):
    from cohort.proposals.services import publish_proposals

    hub.open_issue(2001)
    url = "https://mentorship.lfx.linuxfoundation.org/project/0b1f6e3a-9b7c-4f7e-8c11-2a8f3c4d5e6f"
    hub.comment(f"/lfx-url {url}", by="cncf-admin")  # not published yet
    for text, login in (("/approve", "jaeger-maint"), ("/confirm", "alice"), ("/confirm", "bob")):
        hub.comment(text, by=login)
    hub.comment("/cncf-approve", by="cncf-admin")
    publish_proposals(hub.world.term, actor=hub.world.users["admin"])
    hub.comment(f"/lfx-url {url}", by="jaeger-maint")
    hub.comment("/lfx-url", by="cncf-admin")
    hub.comment("/lfx-url https://example.org/x", by="cncf-admin")
    hub.comment(f"/lfx-url {url}", by="cncf-admin")

    project = Project.objects.get(number=2001)
    assert project.lfx_url == url
    assert review(project).column == "Posted to LFX"
    replies = _replies(hub)
    assert replies[0].startswith("❌ Cannot `/lfx-url` — this proposal has not been exported yet")
    assert replies[-4:-1] == [
        "❌ @jaeger-maint is not authorized to use `/lfx-url`. This command is restricted to "
        "CNCF program admins.",
        "❌ Usage: `/lfx-url <url>` — include the LFX program URL.",
        "❌ That isn't an LFX Mentorship program URL. Expected "
        "`https://mentorship.lfx.linuxfoundation.org/project/<id>`.",
    ]
    assert replies[-1].startswith(f"✅ LFX URL recorded from @cncf-admin: {url}\n\n")
    assert "Exported" in hub.fake.labels(2001)


def test_control_characters_in_an_issue_body_are_refused_by_the_service_and_recorded(hub: Hub):
    body = PROPOSAL_BODY + "\n\x1b[31mpasted terminal output\x1b[0m\n"
    response = hub.open_issue(2009, body=body)
    assert response.status_code == 200
    assert response.json()["result"] == "refused"
    assert Delivery.objects.get().result == Delivery.Result.REFUSED
    assert not Project.objects.exists()
    assert hub.fake.comments(2009)[0].startswith("❌ Cohort could not take this proposal:")


def test_a_form_encoded_delivery_is_read_too(hub: Hub):
    from urllib.parse import urlencode

    from cohort.github.tests.payloads import signed

    data = payload("ping")
    body = urlencode({"payload": json.dumps(data)}).encode()
    response = hub.client.post(
        f"/webhooks/github/{hub.world.program.slug}/",
        data=body,
        content_type="application/x-www-form-urlencoded",
        headers={
            "X-GitHub-Event": "ping",
            "X-GitHub-Delivery": "form-encoded-ping",
            "X-Hub-Signature-256": signed(body, b"a webhook secret of some length"),
        },
    )
    assert response.status_code == 200, response.content
    assert Delivery.objects.get().guid == "form-encoded-ping"
