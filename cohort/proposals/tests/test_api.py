"""The proposal API (DESIGN §5, spec/style.md B7 and C): each actor with their own token."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from cohort.core.tokens import create_api_token, revoke_api_token
from cohort.formats.issueform import issue_form_body
from cohort.projects.models import Project
from cohort.proposals import gates
from cohort.proposals import services as s
from cohort.proposals.review import proposal_form
from cohort.proposals.tests.conftest import DEADLINE, make_form

pytestmark = pytest.mark.django_db

BEFORE = DEADLINE - timedelta(days=3)
LFX = "https://mentorship.lfx.linuxfoundation.org/project/b2d21cb7-4380-4375-9384-ca791e652f0d"
PROPOSAL: dict[str, Any] = {
    "project": "Jaeger",
    "program_name": "Jaeger v2 Helm Chart",
    "description": "## Description\n\nShip a Helm chart for Jaeger v2.",
    "technologies": "Go, Helm, Kubernetes",
    "skills_same": True,
    "mentors": [
        {"name": "Alice Doe", "github": "@alice", "email": "alice@example.org", "lfid": "alicelf"},
        {"name": "Bob Roe", "github": "bob", "email": "bob@example.org", "lfid": "boblf"},
    ],
    "upstream_issue_url": "https://github.com/jaegertracing/helm-charts/issues/1",
    "prerequisites": {"resume": True},
}


class Api:
    """Calls /api/v1 as one user (their own token), or anonymously."""

    def __init__(self, token: str = "", client: Client | None = None) -> None:
        self.token = token
        self.client = client or Client()

    def __call__(self, method: str, path: str, body: Any = None) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        send = getattr(self.client, method.lower())
        if method == "GET":
            return send(f"/api/v1{path}", headers=headers)
        data = "" if body is None else json.dumps(body)  # no body: an empty one, as curl sends
        return send(f"/api/v1{path}", data, content_type="application/json", headers=headers)


@pytest.fixture
def as_(world):
    """`as_("carol")` calls the API with carol's own token; `as_(None)` anonymously."""

    def make(name: str | None) -> Api:
        if name is None:
            return Api()
        return Api(create_api_token(world.users[name], name="tests")[1])

    return make


def draft(world, proposer: str = "carol") -> Project:
    return s.create_proposal(world.term, make_form(), actor=world.users[proposer])


def submitted(world, proposer: str = "carol") -> Project:
    return s.submit_proposal(draft(world, proposer), actor=world.users[proposer], now=BEFORE)


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return response.json()


# --- the Done-when walk ------------------------------------------------------------------------


def test_a_proposal_walks_from_json_to_the_public_catalog(world, as_):
    carol, maintainer, alice, bob, admin = (
        as_(n) for n in ("carol", "maintainer", "alice", "bob", "admin")
    )
    term = world.term.pk

    created = ok(carol("POST", f"/terms/{term}/proposals", PROPOSAL), 201)
    pk = created["id"]
    assert created["number"] == 1
    assert created["status"] == "draft"
    assert created["term"] == "2026 Term 3"
    assert created["organization"] == "Jaeger"
    assert created["lfx_title"] == "CNCF - Jaeger: Jaeger v2 Helm Chart (2026 Term 3)"
    assert created["validation"]["errors"] == []
    assert created["column"] == gates.INBOX
    # The JSON becomes exactly the sections the web form (and GitHub) would write.
    assert Project.objects.get(pk=pk).form_fields == draft(world).form_fields

    with time_machine.travel(BEFORE, tick=False):
        assert ok(carol("POST", f"/proposals/{pk}/submit"))["column"] == gates.AWAITING
    assert ok(maintainer("POST", f"/proposals/{pk}/approve"))["gates"]["maintainer_approved"]
    assert ok(alice("POST", f"/proposals/{pk}/confirm"))["gates"]["awaiting"] == ["bob"]
    confirmed = ok(bob("POST", f"/proposals/{pk}/confirm", {"handle": "bob"}))
    assert confirmed["gates"]["confirmed"] == ["alice", "bob"]
    assert confirmed["column"] == gates.APPROVED_CONFIRMED
    approved = ok(admin("POST", f"/proposals/{pk}/admin-approve"))
    assert approved["gates"]["admin_approved"]
    assert approved["column"] == gates.CNCF_APPROVED

    board = ok(admin("GET", f"/terms/{term}/board"))
    columns = {c["name"]: c for c in board["columns"]}
    assert [c["name"] for c in board["columns"]] == list(gates.BOARD_COLUMNS)
    assert columns[gates.CNCF_APPROVED] == {
        "name": gates.CNCF_APPROVED,
        "count": 1,
        "proposals": [1],
    }
    assert columns[gates.INBOX]["proposals"] == [2]  # the draft made above to compare bodies

    assert ok(admin("POST", f"/terms/{term}/publish")) == {"published": [1]}
    assert ok(admin("POST", f"/proposals/{pk}/lfx-url", {"url": LFX}))["column"] == gates.POSTED

    public = Client().get(f"/api/v1/terms/{term}/projects")
    assert public.status_code == 200
    [project] = public.json()
    assert project["title"] == "Jaeger v2 Helm Chart"
    assert project["lfx_url"] == LFX
    assert [m["github"] for m in project["mentors"]] == ["alice", "bob"]
    assert "example.org" not in public.content.decode()


def test_a_proposal_can_be_created_from_an_issue_body(world, as_):
    body = issue_form_body(make_form())
    created = ok(
        as_("carol")("POST", f"/terms/{world.term.pk}/proposals/from-issue-body", {"body": body}),
        201,
    )
    assert created["validation"]["errors"] == []
    assert Project.objects.get(pk=created["id"]).proposer == world.users["carol"]
    unknown = issue_form_body(make_form(project="Nope"))
    response = as_("carol")(
        "POST", f"/terms/{world.term.pk}/proposals/from-issue-body", {"body": unknown}
    )
    assert response.status_code == 400
    assert "not an organization" in response.json()["detail"]


def test_a_material_patch_clears_approvals_and_keeps_confirmations(world, as_):
    project = submitted(world)
    s.approve_proposal(project, actor=world.users["maintainer"])
    s.confirm_mentorship(project, actor=world.users["alice"])
    s.confirm_mentorship(project, actor=world.users["bob"])
    s.approve_proposal_as_admin(project, actor=world.users["admin"])
    carol = as_("carol")
    before = Project.objects.get(pk=project.pk).form_fields

    reflowed = {"description": "## Description\n\nShip a Helm chart   for Jaeger v2.  "}
    same = ok(carol("PATCH", f"/proposals/{project.pk}", reflowed))
    assert same["material"] is False
    assert same["gates"]["admin_approved"]

    changed = ok(carol("PATCH", f"/proposals/{project.pk}", {"program_name": "Jaeger Helm"}))
    assert changed["material"] is True
    assert changed["program_name"] == "Jaeger Helm"
    assert changed["gates"] == {
        "maintainer_approved": False,
        "confirmed": ["alice", "bob"],
        "awaiting": [],
        "admin_approved": False,
    }
    assert changed["column"] == gates.AWAITING
    # Only the sections the PATCH names are rewritten.
    after = Project.objects.get(pk=project.pk).form_fields
    assert after == {
        **before,
        "Program Name": "Jaeger Helm",
        "Program Description": "## Description\n\nShip a Helm chart   for Jaeger v2.",
    }


def test_a_patch_changes_mentors_and_prerequisites(world, as_):
    project = draft(world)
    carol = as_("carol")
    mentors = [
        *PROPOSAL["mentors"],
        {"name": "Carol Poe", "github": "carol", "email": "carol@example.org", "lfid": "carollf"},
    ]
    patch = {
        "mentors": mentors,
        "prerequisites": {
            "cover_letter": True,
            "custom": {"name": "Demo", "description": "A demo."},
        },
    }
    ok(carol("PATCH", f"/proposals/{project.pk}", patch))
    project.refresh_from_db()
    assert project.prerequisites is not None
    assert [m.github for m in project.mentorships.order_by("position")] == ["alice", "bob", "carol"]
    assert project.prerequisites["resume"] is True  # untouched
    assert project.prerequisites["cover_letter"] is True
    assert project.prerequisites["custom_name"] == "Demo"
    assert project.prerequisites["has_custom"] is True
    ok(
        carol(
            "PATCH",
            f"/proposals/{project.pk}",
            {"prerequisites": {"resume": False, "custom": None}},
        )
    )
    project.refresh_from_db()
    assert project.prerequisites is not None
    assert project.prerequisites["resume"] is False
    assert project.prerequisites["has_custom"] is False
    assert project.prerequisites["cover_letter"] is True


def test_domain_errors_are_400_and_invalid_input_422(world, as_):
    project = submitted(world)
    admin = as_("admin")
    response = admin("POST", f"/proposals/{project.pk}/admin-approve")
    assert response.status_code == 400
    assert "still missing" in response.json()["detail"]
    not_lfx = {"url": "https://example.org"}
    assert admin("POST", f"/proposals/{project.pk}/lfx-url", not_lfx).status_code == 400
    no_name = {"project": "Jaeger"}
    refused = admin("POST", f"/terms/{world.term.pk}/proposals", no_name)
    assert refused.status_code == 422
    # One readable sentence, as every other error, and each problem for programs.
    assert refused.json() == {
        "detail": "Field required: program_name (in the body).",
        "errors": [
            {"loc": ["body", "payload", "program_name"], "msg": "Field required", "type": "missing"}
        ],
    }
    # The note may be left out.
    assert admin("POST", f"/proposals/{project.pk}/reject", {}).status_code == 200


def test_admin_cannot_confirm_without_naming_a_mentor_and_is_told_so(world, as_):
    project = submitted(world)
    response = as_("admin")("POST", f"/proposals/{project.pk}/confirm")
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "You are not listed as a mentor on this proposal. Only listed mentors can confirm. "
        "Current mentors: @alice, @bob"
    )
    named = as_("admin")("POST", f"/proposals/{project.pk}/confirm", {"handle": "@dave"})
    assert named.json()["detail"] == (
        "@dave is not a listed mentor on this proposal. Current mentors: @alice, @bob"
    )


def test_submitting_after_the_deadline_is_refused(world, as_):
    project = draft(world)
    with time_machine.travel(DEADLINE + timedelta(minutes=1), tick=False):
        response = as_("carol")("POST", f"/proposals/{project.pk}/submit")
    assert response.status_code == 400
    assert "deadline" in response.json()["detail"]


def test_the_list_shows_what_each_user_may_see(world, as_):
    mine = submitted(world)
    other_form = make_form(
        project="Kubernetes", program_name="K", mentors="Dan Poe | @dan | dan@example.org | danlf"
    )
    other = s.create_proposal(world.term, other_form, actor=world.users["k8s"])
    seen = {
        name: [p["id"] for p in ok(as_(name)("GET", "/proposals"))]
        for name in ("admin", "maintainer", "k8s", "alice", "carol", "outsider")
    }
    assert seen == {
        "admin": [mine.pk, other.pk],
        "maintainer": [mine.pk],
        "k8s": [other.pk],
        "alice": [mine.pk],
        "carol": [mine.pk],
        "outsider": [],
    }
    assert ok(as_("admin")("GET", f"/proposals?term={world.term.pk}")) != []
    assert ok(as_("admin")("GET", f"/proposals?term={world.term.pk + 99}")) == []


# --- the role x endpoint matrix ----------------------------------------------------------------

ROLES = ("admin", "maintainer", "k8s", "alice", "carol", "outsider", None)
# endpoint: (method, path, body, the proposal's state, expected status per role, as ROLES)
MATRIX: dict[str, tuple[str, str, Any, str, tuple[int, ...]]] = {
    "list": ("GET", "/proposals", None, "submitted", (200, 200, 200, 200, 200, 200, 401)),
    "get": ("GET", "/proposals/{pk}", None, "submitted", (200, 200, 404, 200, 200, 404, 401)),
    "create": (
        "POST",
        "/terms/{term}/proposals",
        PROPOSAL,
        "submitted",
        (201, 201, 201, 201, 201, 201, 401),
    ),
    "patch": (
        "PATCH",
        "/proposals/{pk}",
        {"technologies": "Go, Helm"},
        "submitted",
        (200, 404, 404, 200, 200, 404, 401),
    ),
    "submit": (
        "POST",
        "/proposals/{pk}/submit",
        None,
        "draft",
        (200, 404, 404, 404, 200, 404, 401),
    ),
    "approve": (
        "POST",
        "/proposals/{pk}/approve",
        None,
        "submitted",
        (200, 200, 404, 404, 404, 404, 401),
    ),
    # An admin is no listed mentor, so confirming without naming one is a domain error.
    "confirm": (
        "POST",
        "/proposals/{pk}/confirm",
        None,
        "submitted",
        (400, 404, 404, 200, 404, 404, 401),
    ),
    "admin-approve": (
        "POST",
        "/proposals/{pk}/admin-approve",
        None,
        "approved",
        (200, 404, 404, 404, 404, 404, 401),
    ),
    "withdraw": (
        "POST",
        "/proposals/{pk}/withdraw",
        None,
        "submitted",
        (200, 404, 404, 200, 200, 404, 401),
    ),
    "reject": (
        "POST",
        "/proposals/{pk}/reject",
        {"note": "Out of scope."},
        "submitted",
        (200, 404, 404, 404, 404, 404, 401),
    ),
    "lfx-url": (
        "POST",
        "/proposals/{pk}/lfx-url",
        {"url": LFX},
        "published",
        (200, 404, 404, 404, 404, 404, 401),
    ),
    "publish": (
        "POST",
        "/terms/{term}/publish",
        None,
        "approved",
        (200, 404, 404, 404, 404, 404, 401),
    ),
    "board": ("GET", "/terms/{term}/board", None, "submitted", (200, 404, 404, 404, 404, 404, 401)),
}


def in_state(world, state: str) -> Project:
    if state == "draft":
        return draft(world)
    project = submitted(world)
    if state in ("approved", "published"):
        s.approve_proposal(project, actor=world.users["maintainer"])
        s.confirm_mentorship(project, actor=world.users["alice"])
        s.confirm_mentorship(project, actor=world.users["bob"])
    if state == "published":
        s.approve_proposal_as_admin(project, actor=world.users["admin"])
        s.publish_proposals(world.term, actor=world.users["admin"])
    return project


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
@pytest.mark.parametrize("endpoint", list(MATRIX))
def test_role_endpoint_matrix(world, as_, endpoint, role):
    method, path, body, state, expected = MATRIX[endpoint]
    project = in_state(world, state)
    url = path.format(pk=project.pk, term=world.term.pk)
    with time_machine.travel(BEFORE, tick=False):
        response = as_(role)(method, url, body)
    assert response.status_code == expected[ROLES.index(role)], response.content


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/proposals/{missing}"),
        ("PATCH", "/proposals/{missing}"),
        ("POST", "/proposals/{missing}/submit"),
        ("POST", "/terms/{missing}/proposals"),
        ("POST", "/terms/{missing}/publish"),
        ("GET", "/terms/{missing}/board"),
    ],
)
def test_missing_objects_are_404_even_for_admins(world, as_, method, path):
    body = PROPOSAL if method != "GET" else None
    response = as_("admin")(method, path.format(missing=987654), body)
    assert response.status_code == 404


# --- authentication ----------------------------------------------------------------------------


def test_wrong_and_revoked_tokens_are_401(world, as_):
    token, raw = create_api_token(world.users["carol"], name="x")
    assert Api(raw)("GET", "/proposals").status_code == 200
    assert Api(raw[:-2] + "zz")("GET", "/proposals").status_code == 401
    assert Api("not-a-token")("GET", "/proposals").status_code == 401
    revoke_api_token(token, actor=world.users["carol"])
    assert Api(raw)("GET", "/proposals").status_code == 401


def test_session_auth_requires_csrf_for_unsafe_methods(world):
    project = draft(world)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.users["carol"])
    api = Api(client=browser)
    assert api("GET", f"/proposals/{project.pk}").status_code == 200
    assert api("POST", f"/terms/{world.term.pk}/proposals", PROPOSAL).status_code == 403
    assert api("PATCH", f"/proposals/{project.pk}", {"technologies": "Go"}).status_code == 403

    secret = "k" * 32
    browser.cookies["csrftoken"] = secret
    response = browser.post(
        f"/api/v1/terms/{world.term.pk}/proposals",
        json.dumps(PROPOSAL),
        content_type="application/json",
        headers={"X-CSRFToken": secret},
    )
    assert response.status_code == 201


def test_tokens_need_no_csrf_and_no_one_gets_401_not_403(world, as_):
    strict = Client(enforce_csrf_checks=True)
    token = create_api_token(world.users["carol"], name="x")[1]
    assert (
        Api(token, strict)("POST", f"/terms/{world.term.pk}/proposals", PROPOSAL).status_code == 201
    )
    assert Api("", strict)("POST", f"/terms/{world.term.pk}/proposals", PROPOSAL).status_code == 401


def test_the_openapi_schema_documents_the_proposal_api(client):
    schema = client.get("/api/v1/openapi.json").json()
    for path in (
        "/api/v1/proposals",
        "/api/v1/proposals/{pk}",
        "/api/v1/proposals/{pk}/submit",
        "/api/v1/proposals/{pk}/confirm",
        "/api/v1/proposals/{pk}/lfx-url",
        "/api/v1/terms/{term_id}/proposals",
        "/api/v1/terms/{term_id}/proposals/from-issue-body",
        "/api/v1/terms/{term_id}/publish",
        "/api/v1/terms/{term_id}/board",
        "/api/v1/terms/{term_id}/projects",
    ):
        assert path in schema["paths"], path
    assert "patch" in schema["paths"]["/api/v1/proposals/{pk}"]
    schemes = schema["components"]["securitySchemes"]
    assert schemes["TokenAuth"]["scheme"] == "bearer"
    assert "ProposalIn" in schema["components"]["schemas"]
    assert "security" not in schema["paths"]["/api/v1/terms"]["get"]  # the catalog stays public


# --- issue 10: fields are stored as fields, with one set of size limits ------------------------

GOALS = "## Description\n\nShip a Helm chart.\n\n### Goals\n\n- a chart\n- its docs"


def test_proposer_can_patch_one_field_without_cutting_a_heading_in_another(world, as_):
    carol = as_("carol")
    created = ok(
        carol("POST", f"/terms/{world.term.pk}/proposals", {**PROPOSAL, "description": GOALS}),
        201,
    )
    pk = created["id"]

    ok(carol("PATCH", f"/proposals/{pk}", {"technologies": "Go, Helm"}))
    ok(carol("PATCH", f"/proposals/{pk}", {"skills_same": False, "skills": "Go"}))

    project = Project.objects.get(pk=pk)
    assert project.description == GOALS
    assert proposal_form(project).description == GOALS
    assert "Goals" not in project.form_fields  # no section was made of the heading
    assert project.technologies == "Go, Helm"


def test_proposer_cannot_move_a_proposal_by_writing_a_form_heading_in_a_field(world, as_):
    project = submitted(world)
    carol = as_("carol")
    smuggled = "Go\n\n### CNCF Project\n\nKubernetes"
    ok(carol("PATCH", f"/proposals/{project.pk}", {"technologies": smuggled}))
    s.approve_proposal(project, actor=world.users["maintainer"])

    # An unrelated, whitespace-only edit: not material, and nothing else may change.
    reflowed = {"description": "## Description\n\nShip a Helm chart   for Jaeger v2."}
    patched = ok(carol("PATCH", f"/proposals/{project.pk}", reflowed))

    assert patched["material"] is False
    assert patched["organization"] == "Jaeger"
    assert patched["gates"]["maintainer_approved"] is True
    project.refresh_from_db()
    assert project.organization == world.jaeger
    assert project.technologies == smuggled
    assert proposal_form(project).project == "Jaeger"


def test_proposer_cannot_store_a_description_over_the_size_limit_through_the_api(world, as_):
    carol = as_("carol")
    huge = "x" * 1_000_000
    response = carol("POST", f"/terms/{world.term.pk}/proposals", {**PROPOSAL, "description": huge})
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "“Program Description” is too long: 1,000,000 characters; the limit is 20,000."
    )
    assert Project.objects.count() == 0

    project = draft(world)
    response = carol("PATCH", f"/proposals/{project.pk}", {"technologies": "t" * 1001})
    assert response.status_code == 400
    assert (
        "“Technologies” is too long: 1,001 characters; the limit is 1,000."
        in (response.json()["detail"])
    )
    body = issue_form_body(make_form(description=huge))
    response = carol(
        "POST", f"/terms/{world.term.pk}/proposals/from-issue-body", {"body": body[:65536]}
    )
    assert response.status_code == 400
    assert "“Program Description” is too long" in response.json()["detail"]
    assert Project.objects.count() == 1


def test_proposer_can_store_a_description_at_the_size_limit_counted_after_trimming(world, as_):
    carol = as_("carol")
    text = "line\r\n" * 3999 + "abcde \n"  # 20,000 characters once CRLF reads as LF, trimmed
    created = ok(
        carol("POST", f"/terms/{world.term.pk}/proposals", {**PROPOSAL, "description": text}),
        201,
    )
    assert len(Project.objects.get(pk=created["id"]).description) == 20_000


def test_the_openapi_schema_documents_the_size_limits(client):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert schemas["ProposalIn"]["properties"]["description"]["maxLength"] == 20_000
    assert schemas["ProposalIn"]["properties"]["program_name"]["maxLength"] == 300
    assert schemas["ProposalPatch"]["properties"]["technologies"]["maxLength"] == 1000
    assert schemas["CustomPrerequisiteIn"]["properties"]["name"]["maxLength"] == 200
