"""Issue 10, findings 4 and 5: control characters and out-of-range ids at every door.

Each door answers a NUL byte (and the other C0 controls but tab, line feed and carriage
return) with a 400 and the same message, on SQLite and PostgreSQL alike: before, SQLite
stored it and PostgreSQL failed with a 500. Ids beyond 2**63 - 1 are a 422 in the API and a
404 on the pages: before, SQLite failed with a 500.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from cohort.applications.models import Application, MenteeProfile, Review, Task
from cohort.applications.tests.conftest import World, complete_application, pdf
from cohort.core.errors import DomainError
from cohort.core.models import AuditEvent
from cohort.core.schemas import MAX_ID
from cohort.core.tokens import create_api_token
from cohort.formats.issueform import IssueForm
from cohort.projects.models import Project
from cohort.proposals.services import create_proposal

pytestmark = pytest.mark.django_db

NUL = "\x00"
SAYS_NUL = "contains the control character U+0000"
TOO_BIG = 2**63  # one more than SQLite and PostgreSQL's bigint hold


def api(world: World, name: str | None) -> Any:
    """`call(method, path, body)` on /api/v1 as `name` (their token), or anonymously."""
    headers = {}
    if name is not None:
        headers["Authorization"] = f"Bearer {create_api_token(world.user(name), name='t')[1]}"
    client = Client()

    def call(method: str, path: str, body: Any = None) -> Any:
        send = getattr(client, method.lower())
        if method == "GET":
            return send(f"/api/v1{path}", headers=headers)
        return send(
            f"/api/v1{path}", json.dumps(body), content_type="application/json", headers=headers
        )

    call.client = client  # type: ignore[attr-defined]  # for the multipart upload
    call.headers = headers  # type: ignore[attr-defined]
    return call


def refused_for_nul(response: Any) -> str:
    assert response.status_code == 400, response.content
    if response["Content-Type"].startswith("application/json"):
        detail: str = response.json()["detail"]
    else:
        detail = response.content.decode()
    assert SAYS_NUL in detail
    return detail


# --- finding 4: NUL and other control characters -------------------------------------------


def test_anyone_cannot_search_with_a_nul_byte(client: Client) -> None:
    detail = refused_for_nul(client.get("/search/?q=%00"))
    assert detail.startswith("The query parameter “q” contains")


def test_anyone_cannot_send_a_nul_byte_in_a_query_parameter_name(client: Client) -> None:
    refused_for_nul(client.get("/search/?q%00=go"))


@pytest.mark.parametrize("character", ["\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f"])
def test_anyone_cannot_search_with_other_control_characters(client: Client, character: str) -> None:
    response = client.get("/search/", {"q": f"go{character}lang"})
    assert response.status_code == 400
    assert f"U+{ord(character):04X}" in response.content.decode()


def test_anyone_can_search_with_tabs_and_line_breaks(client: Client) -> None:
    assert client.get("/search/", {"q": "go\tlang\r\nrust"}).status_code == 200


def test_mentee_cannot_put_a_nul_byte_in_their_profile_by_api(world: World) -> None:
    before = MenteeProfile.objects.get(user=world.user("mentee1")).name
    profile = {"name": f"Dana{NUL}", "country": "DE", "time_zone": "Europe/Berlin"}
    detail = refused_for_nul(api(world, "mentee1")("PUT", "/me/profile", profile))
    assert detail.startswith("The field “name” contains")
    assert MenteeProfile.objects.get(user=world.user("mentee1")).name == before


def test_mentee_cannot_put_a_nul_byte_in_their_profile_by_the_page(world: World) -> None:
    client = Client()
    client.force_login(world.user("mentee1"))
    response = client.post(
        "/applications/profile/",
        {"name": "Dana", "country": "DE", "time_zone": "Europe/Berlin", "skills": f"Go{NUL}"},
    )
    assert refused_for_nul(response).startswith("The form field “skills” contains")
    assert MenteeProfile.objects.get(user=world.user("mentee1")).skills == ""


def test_mentee_uploads_a_resume_whose_name_held_a_nul_byte_without_it(world: World) -> None:
    """Django's multipart parser drops non-printable characters from upload names, so this
    door was already shut; the test keeps it so."""
    call = api(world, "mentee1")
    response = call.client.post(
        "/api/v1/me/profile/resume",
        {"file": pdf(f"c{NUL}v\x01.pdf")},
        headers=call.headers,
    )
    assert response.status_code == 200, response.content
    assert MenteeProfile.objects.get(user=world.user("mentee1")).resume_name == "cv.pdf"


@pytest.mark.usefixtures("in_window")
def test_mentee_cannot_hand_in_task_text_with_a_nul_byte(world: World) -> None:
    application = complete_application(world, "mentee1", world.antrea)
    call = api(world, "mentee1")
    path = f"/applications/{application.pk}/tasks/cover_letter"
    refused_for_nul(call("POST", path, {"text": f"Hello{NUL}"}))
    assert NUL not in Task.objects.get(application=application, kind="cover_letter").text
    refused_for_nul(call("POST", f"/applications/{application.pk}/tasks/{NUL}", {"text": "x"}))


@pytest.mark.usefixtures("in_window")
def test_mentee_cannot_name_a_task_with_a_nul_byte_in_a_page_address(world: World) -> None:
    application = complete_application(world, "mentee1", world.antrea)
    client = Client()
    client.force_login(world.user("mentee1"))
    response = client.post(f"/applications/{application.pk}/tasks/%00/", {"text": "x"})
    assert refused_for_nul(response).startswith("The address contains")


@pytest.mark.usefixtures("in_window")
def test_mentor_cannot_write_review_notes_with_a_nul_byte(world: World) -> None:
    application = complete_application(world, "mentee1", world.antrea)
    call = api(world, "alice")
    refused_for_nul(call("PUT", f"/applications/{application.pk}/review", {"notes": NUL}))
    assert not Review.objects.filter(application=application).exists()


@pytest.mark.usefixtures("in_window")
def test_mentor_can_write_review_notes_with_crlf_line_ends_and_tabs(world: World) -> None:
    application = complete_application(world, "mentee1", world.antrea)
    notes = "Strong Go.\r\n\tNeeds tests."
    response = api(world, "alice")(
        "PUT", f"/applications/{application.pk}/review", {"score": 4, "notes": notes}
    )
    assert response.status_code == 200, response.content
    assert Review.objects.get(application=application).notes == notes


def test_mentor_cannot_send_a_lone_surrogate_in_json(world: World) -> None:
    client = Client()
    token = create_api_token(world.user("alice"), name="t")[1]
    response = client.put(
        "/api/v1/me/profile",
        '{"name": "Dana\\ud800", "country": "DE", "time_zone": "Europe/Berlin"}',
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 400
    assert "U+D800" in response.json()["detail"]


def test_user_cannot_create_a_proposal_with_a_nul_byte_by_api(world: World) -> None:
    proposal = {"project": "Antrea", "program_name": f"DNS{NUL}caches"}
    call = api(world, "alice")
    detail = refused_for_nul(call("POST", f"/terms/{world.term.pk}/proposals", proposal))
    assert detail.startswith("The field “program_name” contains")
    body = f"### CNCF Project\n\nAntrea\n\n### Program name\n\nDNS{NUL}\n"
    path = f"/terms/{world.term.pk}/proposals/from-issue-body"
    refused_for_nul(call("POST", path, {"body": body}))
    assert not Project.objects.filter(status=Project.Status.DRAFT).exists()


def test_create_proposal_refuses_a_nul_byte_whatever_the_door(world: World) -> None:
    form = IssueForm({"CNCF Project": "Antrea", "Program name": f"DNS{NUL}"})
    with pytest.raises(DomainError, match="“Program name” contains the control character U"):
        create_proposal(world.term, form, actor=world.user("alice"))


def test_import_proposals_refuses_a_body_with_a_nul_byte(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = tmp_path / "proposal.md"
    body.write_text(f"### CNCF Project\n\nAntrea\n\n### Program name\n\nDNS{NUL} caches\n")
    with pytest.raises(SystemExit) as exit_:
        call_command("import_proposals", str(body), "--term", "2024 Term 3")
    assert exit_.value.code == 2
    assert "“Program name” contains the control character U+0000" in capsys.readouterr().err
    assert not Project.objects.filter(status=Project.Status.DRAFT).exists()


def test_anyone_cannot_send_a_cookie_with_a_nul_byte(world: World) -> None:
    client = Client()
    client.cookies["sessionid"] = f"abcdefgh{NUL}ijk"
    refused_for_nul(client.get("/applications/"))


# --- finding 5: ids out of range -----------------------------------------------------------


def test_mentee_gets_422_for_a_term_id_out_of_range(world: World) -> None:
    response = api(world, "mentee1")("GET", "/applications?term=99999999999999999999")
    assert response.status_code == 422, response.content


@pytest.mark.usefixtures("in_window")
def test_mentor_gets_422_for_an_application_id_out_of_range(world: World) -> None:
    application = complete_application(world, "mentee1", world.antrea)
    call = api(world, "alice")
    path = f"/projects/{world.antrea.pk}/decline"
    body = {"applications": [TOO_BIG], "message": "Sorry."}
    assert call("POST", path, body).status_code == 422
    assert (
        call("PUT", f"/projects/{world.antrea.pk}/ranking", {"order": [TOO_BIG]}).status_code == 422
    )
    assert call("GET", f"/applications/{TOO_BIG}").status_code == 422
    assert call("GET", f"/applications/{MAX_ID}").status_code == 404  # the largest id is fine
    assert Application.objects.get(pk=application.pk).status == Application.Status.SUBMITTED


def test_admin_gets_422_for_ids_out_of_range_in_every_router(world: World) -> None:
    call = api(world, "admin")
    for path in (
        f"/proposals/{TOO_BIG}",
        f"/proposals?term={TOO_BIG}",
        f"/terms/{TOO_BIG}",  # the public catalog
        f"/terms/{TOO_BIG}/selection",
        f"/terms/{TOO_BIG}/application-counts",
    ):
        assert call("GET", path).status_code == 422, path
    override = {"application": TOO_BIG, "kind": "force", "reason": "x"}
    assert call("POST", "/selection/rounds/1/overrides", override).status_code == 422


@pytest.mark.parametrize(
    "path",
    [
        "/proposals/99999999999999999999/",
        "/proposals/new/99999999999999999999/",
        "/applications/99999999999999999999/",
        "/applications/apply/99999999999999999999/",
        "/review/projects/99999999999999999999/",
        "/review/applications/99999999999999999999/",
        "/selection/terms/99999999999999999999/",
        f"/proposals/{TOO_BIG}/",
        "/proposals/0/",
    ],
)
def test_admin_gets_404_for_a_page_id_out_of_range(world: World, path: str) -> None:
    client = Client()
    client.force_login(world.user("admin"))
    assert client.get(path).status_code == 404


def test_no_audit_row_is_written_by_a_refused_request(world: World) -> None:
    call = api(world, "mentee1")  # creating the token is audited: count after it
    before = AuditEvent.objects.count()
    call("PUT", "/me/profile", {"name": NUL, "country": "DE", "time_zone": "UTC"})
    assert AuditEvent.objects.count() == before
