"""The proposal pages over HTTP: the whole workflow, who may open what, and page hygiene."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cohort.core.models import AuditEvent
from cohort.formats.issueform import issue_form_body
from cohort.projects.models import Mentorship, Project
from cohort.proposals import services
from cohort.proposals.models import ProposalEvent
from cohort.proposals.review import review
from cohort.proposals.tests.conftest import DEADLINE, World, make_form

BEFORE_DEADLINE = datetime(2026, 7, 10, 12, 0, tzinfo=UTC)
ROLES = ("admin", "maintainer", "other_maintainer", "mentor", "proposer", "outsider", "anon")
USERNAMES = {
    "admin": "admin",
    "maintainer": "maintainer",  # maintainer of Jaeger
    "other_maintainer": "k8s",  # maintainer of Kubernetes
    "mentor": "alice",  # listed mentor
    "proposer": "carol",
    "outsider": "outsider",
}
LOGGED_IN = frozenset(ROLES) - {"anon"}
DETAIL = "detail"


@pytest.fixture(autouse=True)
def _before_deadline() -> Iterator[None]:
    with time_machine.travel(BEFORE_DEADLINE, tick=False):
        yield


@pytest.fixture
def proposal(world: World) -> Project:
    """A draft Jaeger proposal by carol, mentored by alice and bob."""
    return services.create_proposal(world.term, make_form(), actor=world.users["carol"])


def _form_data(world: World, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "project": world.jaeger.pk,
        "program_name": "Jaeger v2 Helm Chart",
        "description": "## Description\n\nShip a Helm chart for Jaeger v2.",
        "technologies": "Go, Helm, Kubernetes",
        "skills_same": "on",
        "skills": "",
        "mentors": (
            "Alice Doe | @alice | alice@example.org | alicelf\n"
            "Bob Roe | @bob | bob@example.org | boblf"
        ),
        "upstream_issue_url": "https://github.com/jaegertracing/helm-charts/issues/1",
        "prerequisites": ["Resume"],
        "coding_challenge_url": "",
        "custom_name": "",
        "custom_description": "",
    }
    data.update(overrides)
    return data


def _as(client: Client, world: World, username: str) -> Client:
    client.logout()
    client.force_login(world.users[username])
    return client


def _html(response: Any) -> str:
    return str(response.content.decode())


def _messages(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _writes() -> tuple[int, ...]:
    return (
        Project.objects.count(),
        ProposalEvent.objects.count(),
        AuditEvent.objects.count(),
        Mentorship.objects.count(),
    )


# --- the Done-when walk ----------------------------------------------------------------------


def test_proposal_goes_from_draft_to_the_public_term_page(client: Client, world: World):
    _as(client, world, "carol")
    assert client.get(reverse("proposals:new", args=[world.term.pk])).status_code == 200
    response = client.post(reverse("proposals:new", args=[world.term.pk]), _form_data(world))
    project = Project.objects.get()
    detail = reverse("proposals:detail", args=[project.pk])
    assert response.status_code == 302
    assert response["Location"] == detail
    assert project.status == Project.Status.DRAFT
    assert project.proposer == world.users["carol"]
    page = _html(client.get(detail))
    assert "CNCF - Jaeger: Jaeger v2 Helm Chart (2026 Term 3)" in page
    assert "(49/100 chars" in page
    assert "All checks passed." in page
    assert "CNCF Project: <strong>Jaeger</strong>" in page  # the CNCF texts' Markdown is rendered
    assert "**Jaeger**" not in page

    response = client.post(reverse("proposals:submit", args=[project.pk]), follow=True)
    assert "Proposal submitted." in _messages(response)
    project.refresh_from_db()
    assert project.status == Project.Status.SUBMITTED
    assert review(project).column == "Awaiting approvals/confirmations"

    _as(client, world, "maintainer")
    response = client.post(reverse("proposals:approve", args=[project.pk]), follow=True)
    assert "Maintainer approval recorded." in _messages(response)
    assert "<strong>Maintainer approval</strong> — ✅ recorded." in _html(response)

    for mentor in ("alice", "bob"):
        _as(client, world, mentor)
        page = _html(client.get(detail))
        assert "Confirm my participation" in page
        response = client.post(reverse("proposals:confirm", args=[project.pk]), follow=True)
        assert "Thanks for confirming." in _messages(response)
        assert f"✅ @{mentor} confirmed" in _html(response)
    assert review(project).column == "Approved/confirmed"

    _as(client, world, "admin")
    response = client.post(reverse("proposals:admin_approve", args=[project.pk]), follow=True)
    assert _messages(response)[0].startswith("Admin approval granted.")
    assert "<strong>Admin approval</strong> — ✅ granted." in _html(response)

    board = reverse("proposals:board", args=[world.term.pk])
    page = _html(client.get(board))
    assert re.search(r"CNCF Approved <span class=\"count\">\(1\)</span></h2>", page)
    response = client.post(reverse("proposals:publish", args=[world.term.pk]), follow=True)
    assert response.redirect_chain[-1][0] == board
    assert "Published 1 approved proposal." in _messages(response)
    project.refresh_from_db()
    assert project.status == Project.Status.PUBLISHED
    assert re.search(r"Exported <span class=\"count\">\(1\)</span></h2>", _html(response))

    client.logout()
    public = _html(client.get(world.term.get_absolute_url()))
    assert "Jaeger v2 Helm Chart" in public
    history = _html(_as(client, world, "carol").get(detail))
    for kind in ("Submitted", "Maintainer approved", "Mentor confirmed", "Admin approved"):
        assert kind in history
    assert "Published" in history


def test_mentor_material_edit_clears_the_approvals(client: Client, world: World, proposal):
    services.submit_proposal(proposal, actor=world.users["carol"])
    services.approve_proposal(proposal, actor=world.users["maintainer"])
    detail = reverse("proposals:detail", args=[proposal.pk])
    assert "Maintainer approval</strong> — ✅ recorded." in _html(
        _as(client, world, "carol").get(detail)
    )

    _as(client, world, "alice")
    edit = reverse("proposals:edit", args=[proposal.pk])
    assert client.get(edit).status_code == 200
    data = _form_data(world, description="## Description\n\nA different plan.")
    response = client.post(edit, data, follow=True)

    assert response.redirect_chain[-1][0] == detail
    assert _messages(response)[0].startswith("Saved. This was a material change")
    page = _html(response)
    assert "Maintainer approval</strong> — ⏳ awaiting" in page
    assert "Edited (material change)" in page
    assert "A different plan." in page


def test_whitespace_only_edit_keeps_the_approval(client: Client, world: World, proposal):
    services.submit_proposal(proposal, actor=world.users["carol"])
    services.approve_proposal(proposal, actor=world.users["maintainer"])
    data = _form_data(world, technologies="Go,   Helm, Kubernetes  ")
    response = _as(client, world, "carol").post(
        reverse("proposals:edit", args=[proposal.pk]), data, follow=True
    )
    assert _messages(response) == ["Saved."]
    assert "Maintainer approval</strong> — ✅ recorded." in _html(response)


def test_admin_approve_before_the_gates_shows_the_service_error(
    client: Client, world: World, proposal
):
    services.submit_proposal(proposal, actor=world.users["carol"])
    response = _as(client, world, "admin").post(
        reverse("proposals:admin_approve", args=[proposal.pk]), follow=True
    )
    assert _messages(response) == [
        "Cannot approve: still missing maintainer approval and mentor confirmation."
    ]
    assert not review(proposal).gates.admin_approved


def test_admin_can_confirm_on_behalf_reject_and_proposer_cannot_submit_late(
    client: Client, world: World, proposal
):
    services.submit_proposal(proposal, actor=world.users["carol"])
    _as(client, world, "admin")
    page = _html(client.get(reverse("proposals:detail", args=[proposal.pk])))
    assert '<option value="bob">@bob</option>' in page
    response = client.post(
        reverse("proposals:confirm", args=[proposal.pk]), {"handle": "bob"}, follow=True
    )
    assert "Confirmation recorded for @bob." in _messages(response)
    assert review(proposal).gates.confirmed == ("bob",)

    response = client.post(
        reverse("proposals:reject", args=[proposal.pk]), {"note": "Out of scope."}, follow=True
    )
    assert "Proposal rejected." in _messages(response)
    assert "Out of scope." in _html(response)
    proposal.refresh_from_db()
    assert proposal.status == Project.Status.REJECTED

    late = services.create_proposal(world.term, make_form(), actor=world.users["carol"])
    with time_machine.travel(DEADLINE, tick=False):
        response = _as(client, world, "carol").post(
            reverse("proposals:submit", args=[late.pk]), follow=True
        )
    assert _messages(response) == ["The proposal deadline for this term has passed."]


def test_admin_records_lfx_url_after_publishing(client: Client, world: World, proposal):
    url = "https://mentorship.lfx.linuxfoundation.org/project/0b3c9f5e-1d2a-4c3b-9e8f-7a6b5c4d3e2f"
    proposal.status = Project.Status.PUBLISHED
    proposal.save()
    _as(client, world, "admin")
    bad = client.post(reverse("proposals:lfx_url", args=[proposal.pk]), {"url": "x"}, follow=True)
    assert _messages(bad)[0].startswith("That isn't an LFX Mentorship program URL.")
    good = client.post(reverse("proposals:lfx_url", args=[proposal.pk]), {"url": url}, follow=True)
    assert "LFX URL recorded." in _messages(good)
    assert review(proposal).column == "Posted to LFX"


def test_proposer_can_withdraw(client: Client, world: World, proposal):
    response = _as(client, world, "carol").post(
        reverse("proposals:withdraw", args=[proposal.pk]), {"note": "Changed plans"}, follow=True
    )
    assert "Proposal withdrawn." in _messages(response)
    proposal.refresh_from_db()
    assert proposal.status == Project.Status.WITHDRAWN
    assert "Closed" in _html(response)


# --- the list and the board ------------------------------------------------------------------


def test_user_sees_own_proposals_grouped_by_term_with_new_link(
    client: Client, world: World, proposal
):
    page = _html(_as(client, world, "alice").get(reverse("proposals:list")))
    assert "CNCF LFX Mentorship 2026 Term 3" in page
    assert reverse("proposals:detail", args=[proposal.pk]) in page
    assert "Draft" in page
    assert "Inbox" in page
    assert reverse("proposals:new", args=[world.term.pk]) in page
    outsider = _html(_as(client, world, "outsider").get(reverse("proposals:list")))
    assert reverse("proposals:detail", args=[proposal.pk]) not in outsider
    assert "You have no proposals in this term yet." in outsider


def test_no_new_proposal_link_or_page_after_the_deadline(client: Client, world: World):
    # Sessions last two weeks, so log in at the frozen time.
    with time_machine.travel(DEADLINE, tick=False):
        _as(client, world, "carol")
        page = _html(client.get(reverse("proposals:list")))
        new = client.get(reverse("proposals:new", args=[world.term.pk]))
    assert reverse("proposals:new", args=[world.term.pk]) not in page
    assert new.status_code == 404


def test_board_filters_by_organization_and_column(client: Client, world: World, proposal):
    services.submit_proposal(proposal, actor=world.users["carol"])
    k8s = services.create_proposal(
        world.term,
        make_form(project="Kubernetes", program_name="Kubelet tracing"),
        actor=world.users["carol"],
    )
    board = reverse("proposals:board", args=[world.term.pk])
    _as(client, world, "admin")
    page = _html(client.get(board))
    assert page.count('class="board__column"') == 12
    assert "Jaeger v2 Helm Chart" in page
    assert "Kubelet tracing" in page
    for column in ("Inbox", "Awaiting approvals/confirmations", "Closed"):
        assert column in page

    by_org = _html(client.get(board, {"org": "kubernetes"}))
    assert "Kubelet tracing" in by_org
    assert "Jaeger v2 Helm Chart" not in by_org

    by_column = _html(client.get(board, {"column": "Awaiting approvals/confirmations"}))
    assert by_column.count('class="board__column"') == 1
    assert "Jaeger v2 Helm Chart" in by_column
    assert k8s.title not in by_column


# --- pasting an issue body -------------------------------------------------------------------


def test_proposer_can_create_a_proposal_from_a_pasted_issue_body(client: Client, world: World):
    body = issue_form_body(make_form(term="2025 Term 1 (Mar-May)"))
    response = _as(client, world, "carol").post(
        reverse("proposals:import", args=[world.term.pk]), {"body": body}
    )
    project = Project.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("proposals:detail", args=[project.pk])
    assert project.title == "Jaeger v2 Helm Chart"
    assert project.lfx_title == "CNCF - Jaeger: Jaeger v2 Helm Chart (2026 Term 3)"
    assert project.form_fields["Term"] == "2026 Term 3 (Sep-Nov)"
    assert project.raw == body  # the body as pasted, kept for provenance
    assert [m.github for m in project.mentorships.all()] == ["alice", "bob"]


def test_proposer_can_upload_an_issue_body_file(client: Client, world: World):
    upload = SimpleUploadedFile("issue.md", issue_form_body(make_form()).encode(), "text/markdown")
    response = _as(client, world, "carol").post(
        reverse("proposals:import", args=[world.term.pk]), {"upload": upload}
    )
    assert response.status_code == 302
    assert Project.objects.get().title == "Jaeger v2 Helm Chart"


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"body": "hello " * 20_000}, "The issue body is larger than 100 kB."),
        ({"body": "Just some text"}, "This does not look like a CNCF proposal issue body"),
        (
            {"body": issue_form_body(make_form(project="Nonexistent"))},
            "&quot;Nonexistent&quot; is not an organization of CNCF LFX Mentorship.",
        ),
        ({"upload": ("x.bin", b"\xff\xfe\x00\x01")}, "The file is not UTF-8 text."),
        ({"upload": ("x.md", b"a\x00b")}, "The file is not a text file."),
        ({"upload": ("x.md", b"a" * (100 * 1024 + 1))}, "The file is larger than 100 kB."),
        ({}, "Paste an issue body or choose a file."),
    ],
)
def test_bad_issue_body_is_refused_with_a_clear_error(
    client: Client, world: World, data: dict[str, Any], error: str
):
    if "upload" in data:
        name, content = data["upload"]
        data = {"upload": SimpleUploadedFile(name, content, "application/octet-stream")}
    response = _as(client, world, "carol").post(
        reverse("proposals:import", args=[world.term.pk]), data
    )
    assert response.status_code == 200
    page = _html(response)
    assert error in page
    assert Project.objects.count() == 0
    if "body" in data and len(data["body"]) < 1000:
        assert data["body"].replace('"', "&quot;").splitlines()[0] in page  # kept as typed


# --- the live counts -------------------------------------------------------------------------


def test_form_has_live_count_attributes_and_server_counts(client: Client, world: World):
    # 2 emoji: 4 UTF-16 code units, as JavaScript and the CNCF validator count them.
    project = services.create_proposal(
        world.term, make_form(description="\U0001f600\U0001f680"), actor=world.users["carol"]
    )
    page = _html(_as(client, world, "carol").get(reverse("proposals:edit", args=[project.pk])))
    assert 'data-proposal-form data-term-token="2026 Term 3"' in page
    assert 'data-title-max="100" data-title-fixed="12"' in page
    assert 'data-role="project"' in page
    assert 'data-role="program-name"' in page
    assert 'data-count-max="3000" data-count-output="description-left"' in page
    assert '<span data-live="description-left">2996</span>' in page
    assert 'data-count-output="custom-name-left"' in page
    assert 'data-count-output="custom-description-left"' in page
    # Jaeger's budget is 71; "Jaeger v2 Helm Chart" takes 20.
    assert '<span data-live="program-name-left">51</span>' in page
    assert '<span data-live="lfx-title-length">49</span>' in page
    assert "CNCF - Jaeger: Jaeger v2 Helm Chart (2026 Term 3)</output>" in page
    assert '<script src="/static/js/proposal_form.js" defer></script>' in page
    assert "Inclusive Open Source Community Orientation (LFC102)" in page


def test_new_form_lists_only_the_terms_organizations(client: Client, world: World):
    page = _html(_as(client, world, "carol").get(reverse("proposals:new", args=[world.term.pk])))
    assert f'<option value="{world.jaeger.pk}">Jaeger</option>' in page
    assert f'<option value="{world.kubernetes.pk}">Kubernetes</option>' in page
    assert "Choose a project to see the full title." in page
    assert "Paste a GitHub issue body" in page
    assert 'enctype="multipart/form-data"' in page


# --- the permission matrix -------------------------------------------------------------------

# url name → roles allowed; everyone else logged in gets a 404, anonymous a login redirect.
PAGES = {
    "list": LOGGED_IN,
    "new": LOGGED_IN,
    "detail": {"admin", "maintainer", "mentor", "proposer"},
    "edit": {"admin", "mentor", "proposer"},
    "board": {"admin"},
}
ACTIONS = {
    "submit": {"admin", "proposer"},
    "approve": {"admin", "maintainer"},
    "confirm": {"admin", "mentor"},
    "admin_approve": {"admin"},
    "withdraw": {"admin", "mentor", "proposer"},
    "reject": {"admin"},
    "lfx_url": {"admin"},
    "publish": {"admin"},
}
TERM_URLS = {"new", "board", "publish"}


def _url(name: str, world: World, proposal: Project) -> str:
    if name == "list":
        return reverse("proposals:list")
    pk = world.term.pk if name in TERM_URLS else proposal.pk
    return reverse(f"proposals:{name}", args=[pk])


def _login(client: Client, world: World, role: str) -> None:
    if role != "anon":
        client.force_login(world.users[USERNAMES[role]])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", PAGES)
def test_page_access_matrix_and_get_never_writes(
    client: Client, world: World, proposal: Project, name: str, role: str
):
    _login(client, world, role)
    url = _url(name, world, proposal)
    before = _writes()
    response = client.get(url)
    assert _writes() == before
    if role == "anon":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login") + "?next=")
    elif role in PAGES[name]:
        assert response.status_code == 200
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ACTIONS)
def test_action_access_matrix(
    client: Client, world: World, proposal: Project, name: str, role: str
):
    _login(client, world, role)
    url = _url(name, world, proposal)
    response = client.post(url, {"handle": "bob", "note": "n", "url": "x"})
    if role == "anon":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login") + "?next=")
    elif role in ACTIONS[name]:
        assert response.status_code == 302
        target = "board" if name in TERM_URLS else DETAIL
        assert response["Location"] == _url(target, world, proposal)
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", [*ACTIONS, "import"])
def test_get_on_an_action_is_refused_and_writes_nothing(
    client: Client, world: World, proposal: Project, name: str, role: str
):
    _login(client, world, role)
    url = reverse("proposals:import", args=[world.term.pk]) if name == "import" else None
    before = _writes()
    response = client.get(url or _url(name, world, proposal))
    assert response.status_code == 405
    assert _writes() == before


def test_missing_proposal_and_term_are_404(client: Client, world: World):
    _as(client, world, "admin")
    assert client.get(reverse("proposals:detail", args=[999])).status_code == 404
    assert client.post(reverse("proposals:submit", args=[999])).status_code == 404
    assert client.get(reverse("proposals:board", args=[999])).status_code == 404
    assert client.get(reverse("proposals:new", args=[999])).status_code == 404


def test_outsider_cannot_create_a_proposal_for_a_closed_term(client: Client, world: World):
    with time_machine.travel(DEADLINE, tick=False):
        response = _as(client, world, "outsider").post(
            reverse("proposals:new", args=[world.term.pk]), _form_data(world)
        )
    assert response.status_code == 404
    assert Project.objects.count() == 0


# --- page hygiene ----------------------------------------------------------------------------


def test_pages_have_no_inline_script_or_style(client: Client, world: World, proposal: Project):
    services.submit_proposal(proposal, actor=world.users["carol"])
    _as(client, world, "admin")
    for name in PAGES:
        response = client.get(_url(name, world, proposal))
        assert response.status_code == 200, name
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        html = _html(response)
        assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", html), name
        assert not re.search(r"\sstyle\s*=", html), name
        assert not re.search(r"<style", html), name
        assert not re.search(r"\son[a-z]+\s*=", html), name


def test_nav_shows_proposals_link_only_to_maintainers_proposers_and_admins(
    client: Client, world: World
):
    home = reverse("web:home")
    assert reverse("proposals:list") not in _html(client.get(home))
    assert reverse("proposals:list") not in _html(_as(client, world, "carol").get(home))
    assert reverse("proposals:list") in _html(_as(client, world, "maintainer").get(home))


def test_csrf_is_enforced_on_actions(world: World, proposal: Project):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["carol"])
    url = reverse("proposals:submit", args=[proposal.pk])
    assert client.post(url).status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == Project.Status.DRAFT

    client.get(reverse("proposals:detail", args=[proposal.pk]))  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    assert client.post(url, {"csrfmiddlewaretoken": token}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Project.Status.SUBMITTED


def test_history_shows_who_and_when_in_term_zone_and_utc(
    client: Client, world: World, proposal: Project
):
    world.term.time_zone = "America/Los_Angeles"
    world.term.save()
    services.submit_proposal(proposal, actor=world.users["carol"])
    page = _html(_as(client, world, "carol").get(reverse("proposals:detail", args=[proposal.pk])))
    assert "Fri, Jul 10, 2026, 5:00 AM PDT" in page
    assert "Fri, Jul 10, 2026, 12:00 UTC" in page
    assert "<td>carol</td>" in page


def test_admins_find_the_board_from_their_proposal_list(client: Client, world: World):
    with time_machine.travel(datetime(2026, 7, 10, 12, tzinfo=UTC), tick=False):
        board = reverse("proposals:board", args=[world.term.pk])
        assert board in _html(_as(client, world, "admin").get(reverse("proposals:list")))
        assert board not in _html(_as(client, world, "maintainer").get(reverse("proposals:list")))


# --- issue 10: fields are stored as fields, with one set of size limits ------------------------

GOALS = "## Description\n\nShip a Helm chart.\n\n### Goals\n\n- a chart\n- its docs"
SMUGGLED = "Go\n\n### CNCF Project\n\nKubernetes"


def _posted(form: Any, **changes: Any) -> dict[str, Any]:
    """What a browser posts for `form` as the page shows it, with `changes`."""
    data: dict[str, Any] = {}
    for name in form.fields:
        value = form[name].value()
        if value is True:
            data[name] = "on"
        elif value not in (None, False):
            data[name] = value
    data.update(changes)
    return data


def test_proposer_can_edit_on_the_page_and_keep_a_heading_inside_a_field(
    client: Client, world: World
):
    project = services.create_proposal(
        world.term,
        make_form(description=GOALS, technologies=SMUGGLED),
        actor=world.users["carol"],
    )
    services.submit_proposal(project, actor=world.users["carol"])
    services.approve_proposal(project, actor=world.users["maintainer"])
    edit = reverse("proposals:edit", args=[project.pk])

    page = _as(client, world, "carol").get(edit)
    form = page.context["form"]
    assert form["description"].value() == GOALS  # pre-filled in full
    assert form["technologies"].value() == SMUGGLED
    assert form["project"].value() == world.jaeger.pk
    assert "### Goals\n\n- a chart\n- its docs</textarea>" in _html(page)

    # Save the page as shown, with only whitespace changed: nothing material happens.
    response = client.post(edit, _posted(form, program_name="Jaeger v2  Helm Chart"), follow=True)

    assert _messages(response) == ["Saved."]
    project.refresh_from_db()
    assert project.description == GOALS
    assert project.technologies == SMUGGLED
    assert project.organization == world.jaeger
    assert review(project).gates.maintainer_approved


def test_proposer_cannot_save_a_field_over_the_size_limit_on_the_page(
    client: Client, world: World, proposal: Project
):
    edit = reverse("proposals:edit", args=[proposal.pk])
    response = _as(client, world, "carol").post(edit, _form_data(world, description="x" * 20_001))
    assert response.status_code == 200
    assert "“Program Description” is too long: 20,001 characters; the limit is 20,000." in (
        _html(response)
    )
    proposal.refresh_from_db()
    assert proposal.description == "## Description\n\nShip a Helm chart for Jaeger v2."
    # Counted as the service counts it: a browser's CRLF line ends are one character each.
    text = "line\r\n" * 3999 + "abcde"
    response = client.post(edit, _form_data(world, description=text), follow=True)
    assert _messages(response) == ["Saved."]
    proposal.refresh_from_db()
    assert len(proposal.description) == 20_000
    assert 'maxlength="20000"' in _html(client.get(edit))


def test_proposer_cannot_paste_an_issue_body_over_the_size_limit(client: Client, world: World):
    body = issue_form_body(make_form(technologies="t" * 1001))
    response = _as(client, world, "carol").post(
        reverse("proposals:import", args=[world.term.pk]), {"body": body}
    )
    assert response.status_code == 200
    assert "“Technologies” is too long: 1,001 characters; the limit is 1,000." in _html(response)
    assert Project.objects.count() == 0
