"""The proposal workspace API (DESIGN §5, spec/style.md B7): access, then the service.

Every operation needs a user (an API token or a logged-in session, `cohort.core.api_auth`);
without one, 401. A proposal or term that does not exist and one the user may not act on
both give 404, never 403 (`cohort.proposals.access`). The services say when an action is
not possible now: `DomainError` is 400 and `ConflictError` 409; a request the schema
refuses is 422 (config/api.py, `cohort.core.api_errors`).

A proposal is edited as JSON with the issue form's fields (§1); the API writes them into
the issue-form sections the services store, mentors as `Name | @handle | email | LFID` lines.
A PATCH rewrites only the sections it names. Each text field has the size limit of its
section (`issueform.MAX_LENGTHS`, shown as `maxLength` in the OpenAPI schema), counted after
trimming; the service refuses a longer one with 400, as it does for the pages and imports.
"""

from __future__ import annotations

from typing import Any, Final

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Body, Field, Router, Schema, Status

from cohort.core.api_auth import api_auth, request_user
from cohort.core.api_errors import errors
from cohort.core.permissions import Perm
from cohort.core.schemas import Id
from cohort.formats import issueform
from cohort.formats.issueform import IssueForm, checkbox_options, parse_issue_form
from cohort.proposals import queries
from cohort.proposals.access import access_proposal
from cohort.proposals.services import (
    approve_proposal,
    approve_proposal_as_admin,
    confirm_mentorship,
    create_proposal,
    patch_proposal,
    publish_proposals,
    record_lfx_url,
    reject_proposal,
    submit_proposal,
    withdraw_proposal,
)
from cohort.terms.access import access_admin_term
from cohort.terms.models import Term

router = Router(tags=["proposals"], auth=api_auth)


# --- schemas -------------------------------------------------------------------------------


class MentorIn(Schema):
    name: str
    github: str = Field("", description="GitHub handle, with or without @")
    email: str = ""
    lfid: str = Field("", description="Linux Foundation ID")


def _limited(label: str, default: Any) -> Any:
    """A text field documented with its section's size limit (the service enforces it)."""
    return Field(default, json_schema_extra={"maxLength": issueform.max_length(label)})


class CustomPrerequisiteIn(Schema):
    name: str = _limited(issueform.LABEL_CUSTOM_NAME, "")
    description: str = _limited(issueform.LABEL_CUSTOM_DESCRIPTION, "")
    file_upload: bool = False


class PrerequisitesIn(Schema):
    resume: bool = False
    cover_letter: bool = False
    school_enrollment: bool = False
    participation_permission: bool = False
    coding_challenge: bool = False
    coding_challenge_url: str = _limited(issueform.LABEL_CODING_CHALLENGE_URL, "")
    custom: CustomPrerequisiteIn | None = None


class ProposalIn(Schema):
    project: str = Field(
        description="The CNCF project (organization) name",
        json_schema_extra={"maxLength": issueform.max_length(issueform.LABEL_PROJECT)},
    )
    program_name: str = _limited(issueform.LABEL_PROGRAM_NAME, ...)
    description: str = _limited(issueform.LABEL_DESCRIPTION, "")
    technologies: str = _limited(issueform.LABEL_TECHNOLOGIES, "")
    skills_same: bool = False
    skills: str = _limited(issueform.LABEL_SKILLS, "")
    mentors: list[MentorIn] = Field(default_factory=list)
    upstream_issue_url: str = _limited(issueform.LABEL_UPSTREAM, "")
    prerequisites: PrerequisitesIn = Field(default_factory=PrerequisitesIn)


class PrerequisitesPatch(Schema):
    """Only the fields given change; `custom: null` removes the custom prerequisite."""

    resume: bool | None = None
    cover_letter: bool | None = None
    school_enrollment: bool | None = None
    participation_permission: bool | None = None
    coding_challenge: bool | None = None
    coding_challenge_url: str | None = _limited(issueform.LABEL_CODING_CHALLENGE_URL, None)
    custom: CustomPrerequisiteIn | None = None


class ProposalPatch(Schema):
    """Only the fields given change; `mentors`, when given, replaces the whole list."""

    project: str | None = _limited(issueform.LABEL_PROJECT, None)
    program_name: str | None = _limited(issueform.LABEL_PROGRAM_NAME, None)
    description: str | None = _limited(issueform.LABEL_DESCRIPTION, None)
    technologies: str | None = _limited(issueform.LABEL_TECHNOLOGIES, None)
    skills_same: bool | None = None
    skills: str | None = _limited(issueform.LABEL_SKILLS, None)
    mentors: list[MentorIn] | None = None
    upstream_issue_url: str | None = _limited(issueform.LABEL_UPSTREAM, None)
    prerequisites: PrerequisitesPatch | None = None


class IssueBodyIn(Schema):
    body: str = Field(max_length=65536, description="A GitHub proposal issue-form body")


class ConfirmIn(Schema):
    handle: str = Field("", description="Program admins only: the mentor confirmed for")


class NoteIn(Schema):
    note: str = ""


class LfxUrlIn(Schema):
    url: str


class ValidationOut(Schema):
    errors: list[str]
    warnings: list[str]
    passed: list[str]


class GatesOut(Schema):
    maintainer_approved: bool
    confirmed: list[str]
    awaiting: list[str]
    admin_approved: bool


class ProposalOut(Schema):
    id: int
    number: int | None
    term_id: int
    term: str
    organization: str
    program_name: str
    lfx_title: str
    status: str
    column: str
    validation: ValidationOut
    gates: GatesOut


class ProposalPatchOut(ProposalOut):
    material: bool


class PublishedOut(Schema):
    published: list[int | None]


class BoardColumnOut(Schema):
    name: str
    count: int
    proposals: list[int | None]


class BoardOut(Schema):
    term_id: int
    term: str
    columns: list[BoardColumnOut]


# A write can break a rule (400), lose a race (409) or send what the schema refuses (422).
ERRORS: Final = errors(400, 401, 404, 409, 422)


# --- reading -------------------------------------------------------------------------------


@router.get("/proposals", response={200: list[ProposalOut], **errors(400, 401, 422)})
def list_proposals(request: HttpRequest, term: Id | None = None) -> list[dict[str, Any]]:
    """The proposals you may see, newest term first; `term` limits them to one term."""
    groups = queries.proposal_list(request_user(request), now=timezone.now(), term_pk=term)
    return [_out(row) for group in groups for row in group.rows]


@router.get("/proposals/{pk}", response={200: ProposalOut, **errors(400, 401, 404, 422)})
def get_proposal(request: HttpRequest, pk: Id) -> dict[str, Any]:
    access_proposal(request_user(request), pk, Perm.PROPOSAL_VIEW)
    return _out(queries.proposal_row(pk))


@router.get("/terms/{term_id}/board", response={200: BoardOut, **errors(400, 401, 404, 422)})
def term_board(request: HttpRequest, term_id: Id) -> dict[str, Any]:
    """The term's proposals by board column (program admins): each column's exact count and
    every proposal's number in it, by number. Not paged (the numbers of a GSoC-size term are
    a few KB); the board page shows the same read model a column or a page at a time. A fixed
    number of queries, whatever the number of proposals."""
    term = access_admin_term(request_user(request), term_id)
    board = queries.board(term, cards=lambda name, count: slice(0))  # numbers only, no cards
    return {
        "term_id": board.term.pk,
        "term": board.term.label,
        "columns": [
            {
                "name": column.name,
                "count": column.count,
                "proposals": [entry.number for entry in column.entries],
            }
            for column in board.columns
        ],
    }


# --- writing -------------------------------------------------------------------------------


@router.post("/terms/{term_id}/proposals", response={201: ProposalOut, **ERRORS})
def create(request: HttpRequest, term_id: Id, payload: ProposalIn) -> Status[dict[str, Any]]:
    """A draft proposal from the form's fields as JSON."""
    term = get_object_or_404(Term.objects.select_related("program"), pk=term_id)
    values = _form_values(IssueForm())
    _apply_changes(values, payload.model_dump())
    project = create_proposal(term, IssueForm.build(**values), actor=request_user(request))
    return Status(201, _out(queries.proposal_row(project.pk)))


@router.post("/terms/{term_id}/proposals/from-issue-body", response={201: ProposalOut, **ERRORS})
def create_from_issue_body(
    request: HttpRequest, term_id: Id, payload: IssueBodyIn
) -> Status[dict[str, Any]]:
    """A draft proposal from a GitHub issue-form body, as the CNCF template writes it."""
    term = get_object_or_404(Term.objects.select_related("program"), pk=term_id)
    form = parse_issue_form(payload.body, source="API")
    project = create_proposal(term, form, actor=request_user(request), raw=payload.body)
    return Status(201, _out(queries.proposal_row(project.pk)))


@router.patch("/proposals/{pk}", response={200: ProposalPatchOut, **ERRORS})
def patch(request: HttpRequest, pk: Id, payload: ProposalPatch) -> dict[str, Any]:
    """Change some fields; `material` says whether the change cleared approvals (§3.5)."""
    user = request_user(request)
    project = access_proposal(user, pk, Perm.PROPOSAL_EDIT)
    material = patch_proposal(project, lambda current: _patched(current, payload), actor=user)
    return {**_out(queries.proposal_row(pk)), "material": material}


@router.post("/proposals/{pk}/submit", response={200: ProposalOut, **ERRORS})
def submit(request: HttpRequest, pk: Id) -> dict[str, Any]:
    user = request_user(request)
    submit_proposal(access_proposal(user, pk, Perm.PROPOSAL_SUBMIT), actor=user)
    return _out(queries.proposal_row(pk))


@router.post("/proposals/{pk}/approve", response={200: ProposalOut, **ERRORS})
def approve(request: HttpRequest, pk: Id) -> dict[str, Any]:
    """The organization's maintainer approval."""
    user = request_user(request)
    approve_proposal(access_proposal(user, pk, Perm.PROPOSAL_APPROVE), actor=user)
    return _out(queries.proposal_row(pk))


@router.post("/proposals/{pk}/confirm", response={200: ProposalOut, **ERRORS})
def confirm(request: HttpRequest, pk: Id, payload: Body[ConfirmIn | None] = None) -> dict[str, Any]:
    """A listed mentor confirms their slot (a program admin may name the mentor)."""
    user = request_user(request)
    project = access_proposal(user, pk, Perm.PROPOSAL_CONFIRM)
    confirm_mentorship(project, actor=user, handle=payload.handle if payload else "")
    return _out(queries.proposal_row(pk))


@router.post("/proposals/{pk}/admin-approve", response={200: ProposalOut, **ERRORS})
def admin_approve(request: HttpRequest, pk: Id) -> dict[str, Any]:
    """The program admin's final approval."""
    user = request_user(request)
    approve_proposal_as_admin(access_proposal(user, pk, Perm.PROPOSAL_DECIDE), actor=user)
    return _out(queries.proposal_row(pk))


@router.post("/proposals/{pk}/withdraw", response={200: ProposalOut, **ERRORS})
def withdraw(request: HttpRequest, pk: Id, payload: Body[NoteIn | None] = None) -> dict[str, Any]:
    user = request_user(request)
    project = access_proposal(user, pk, Perm.PROPOSAL_WITHDRAW)
    withdraw_proposal(project, actor=user, note=payload.note if payload else "")
    return _out(queries.proposal_row(pk))


@router.post("/proposals/{pk}/reject", response={200: ProposalOut, **ERRORS})
def reject(request: HttpRequest, pk: Id, payload: NoteIn) -> dict[str, Any]:
    user = request_user(request)
    reject_proposal(access_proposal(user, pk, Perm.PROPOSAL_DECIDE), actor=user, note=payload.note)
    return _out(queries.proposal_row(pk))


@router.post("/proposals/{pk}/lfx-url", response={200: ProposalOut, **ERRORS})
def lfx_url(request: HttpRequest, pk: Id, payload: LfxUrlIn) -> dict[str, Any]:
    """Record the program's LFX Mentorship URL once it is published."""
    user = request_user(request)
    record_lfx_url(access_proposal(user, pk, Perm.PROPOSAL_DECIDE), payload.url, actor=user)
    return _out(queries.proposal_row(pk))


@router.post("/terms/{term_id}/publish", response={200: PublishedOut, **ERRORS})
def publish(request: HttpRequest, term_id: Id) -> dict[str, Any]:
    """Publish every submitted proposal holding the admin approval (program admins)."""
    user = request_user(request)
    published = publish_proposals(access_admin_term(user, term_id), actor=user)
    return {"published": [p.number for p in published]}


# --- JSON <-> issue form -------------------------------------------------------------------

_PREREQUISITE_OPTIONS: Final = {
    "resume": issueform.PREREQUISITE_RESUME,
    "cover_letter": issueform.PREREQUISITE_COVER_LETTER,
    "school_enrollment": issueform.PREREQUISITE_SCHOOL,
    "participation_permission": issueform.PREREQUISITE_PERMISSION,
    "coding_challenge": issueform.PREREQUISITE_CODING_CHALLENGE,
}
# The form sections each JSON field writes.
_SECTIONS: Final = {
    "project": (issueform.LABEL_PROJECT,),
    "program_name": (issueform.LABEL_PROGRAM_NAME,),
    "description": (issueform.LABEL_DESCRIPTION,),
    "technologies": (issueform.LABEL_TECHNOLOGIES,),
    "skills_same": (issueform.LABEL_SKILLS_SAME,),
    "skills": (issueform.LABEL_SKILLS,),
    "mentors": (issueform.LABEL_MENTORS,),
    "upstream_issue_url": (issueform.LABEL_UPSTREAM,),
    "prerequisites": (
        issueform.LABEL_PREREQUISITES,
        issueform.LABEL_CODING_CHALLENGE_URL,
        issueform.LABEL_CUSTOM,
        issueform.LABEL_CUSTOM_NAME,
        issueform.LABEL_CUSTOM_DESCRIPTION,
        issueform.LABEL_CUSTOM_FILE_UPLOAD,
    ),
}


def _form_values(form: IssueForm) -> dict[str, Any]:
    """The arguments of `IssueForm.build` that rebuild `form`."""
    checked = checkbox_options(form.get(issueform.LABEL_PREREQUISITES))
    return {
        "project": form.project,
        "term": form.term,
        "program_name": form.program_name,
        "description": form.description,
        "technologies": form.technologies,
        "skills_same": form.skills_same,
        "skills": form.skills,
        "mentors": form.mentors,
        "upstream_issue_url": form.upstream_issue_url,
        "prerequisites": [text for text, is_checked in checked if is_checked],
        "coding_challenge_url": form.coding_challenge_url,
        "custom_checked": form.custom_checked,
        "custom_name": form.custom_name,
        "custom_description": form.custom_description,
        "custom_file_upload": form.custom_file_upload,
    }


def _apply_changes(values: dict[str, Any], changes: dict[str, Any]) -> set[str]:
    """Write the JSON fields `changes` into `values`; returns the form sections touched."""
    touched: set[str] = set()
    for key, value in changes.items():
        if value is None:  # null leaves a field as it is
            continue
        if key == "mentors":
            values["mentors"] = "\n".join(_mentor_line(m) for m in value)
        elif key == "prerequisites":
            _apply_prerequisites(values, value)
        else:
            values[key] = value
        touched.update(_SECTIONS[key])
    return touched


def _apply_prerequisites(values: dict[str, Any], changes: dict[str, Any]) -> None:
    checked: list[str] = list(values["prerequisites"])
    for key, option in _PREREQUISITE_OPTIONS.items():
        wanted = changes.get(key)
        if wanted is True and option not in checked:
            checked.append(option)
        elif wanted is False and option in checked:
            checked.remove(option)
    values["prerequisites"] = checked
    if changes.get("coding_challenge_url") is not None:
        values["coding_challenge_url"] = changes["coding_challenge_url"]
    if "custom" in changes:
        custom = changes["custom"] or {}
        values["custom_checked"] = changes["custom"] is not None
        values["custom_name"] = custom.get("name", "")
        values["custom_description"] = custom.get("description", "")
        values["custom_file_upload"] = bool(custom.get("file_upload", False))


def _mentor_line(mentor: dict[str, str]) -> str:
    def clean(text: str) -> str:
        return " ".join(text.split())

    handle = clean(mentor.get("github", "")).removeprefix("@")
    fields = [
        clean(mentor.get("name", "")),
        f"@{handle}" if handle else "",
        clean(mentor.get("email", "")),
        clean(mentor.get("lfid", "")),
    ]
    return " | ".join(fields)


def _patched(current: IssueForm, payload: ProposalPatch) -> IssueForm:
    """`current` with the sections `payload` changes rewritten, every other one as it was."""
    values = _form_values(current)
    touched = _apply_changes(values, payload.model_dump(exclude_unset=True))
    built = IssueForm.build(**values)
    sections = dict(current.sections)
    for label in touched:
        sections[label] = built.get(label)
    return IssueForm(sections)


# --- output --------------------------------------------------------------------------------


def _out(row: queries.ProposalRow) -> dict[str, Any]:
    project, state = row.project, row.review
    return {
        "id": project.pk,
        "number": project.number,
        "term_id": project.term_id,
        "term": project.term.label,
        "organization": project.organization.name,
        "program_name": project.title,
        "lfx_title": project.lfx_title,
        "status": project.status,
        "column": state.column,
        "validation": {
            "errors": state.validation.errors,
            "warnings": state.validation.warnings,
            "passed": state.validation.passed,
        },
        "gates": {
            "maintainer_approved": state.gates.maintainer_approved,
            "confirmed": list(state.gates.confirmed),
            "awaiting": list(state.gates.awaiting),
            "admin_approved": state.gates.admin_approved,
        },
    }
