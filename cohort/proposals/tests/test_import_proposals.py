"""`cohort import-proposals`: GitHub issue-form bodies become proposals."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from cohort.formats.issueform import issue_form_body
from cohort.projects.models import Project
from cohort.proposals.models import ProposalEvent
from cohort.proposals.tests.conftest import DEADLINE, make_form

pytestmark = pytest.mark.django_db

BEFORE = DEADLINE - timedelta(days=3)
TERM = "2026 Term 3"


def body(**overrides: object) -> str:
    return issue_form_body(make_form(**overrides))


def run(*args: str) -> str:
    out = StringIO()
    call_command("import_proposals", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def fails(capsys, *args: str) -> str:
    with pytest.raises(SystemExit) as exc:
        call_command("import_proposals", *args, stdout=StringIO())
    assert exc.value.code == 2
    err: str = capsys.readouterr().err
    return err


def test_one_body_per_file_and_several_per_file(world, tmp_path):
    one = tmp_path / "one.md"
    one.write_text(body())
    many = tmp_path / "many.md"
    many.write_text(
        body(program_name="Second")
        + "\n---8<---\n"
        + body(program_name="Third", mentors="Alice Doe | @alice | alice@example.org")
    )
    out = run("--term", TERM, str(one), str(many))
    assert out.splitlines() == [
        "#1 CNCF - Jaeger: Jaeger v2 Helm Chart (2026 Term 3): passes",
        "#2 CNCF - Jaeger: Second (2026 Term 3): passes",
        "#3 CNCF - Jaeger: Third (2026 Term 3): 1 error",
        "Created 3 proposals in CNCF LFX Mentorship 2026 Term 3.",
    ]
    projects = list(Project.objects.order_by("number"))
    assert [(p.status, p.proposer) for p in projects] == [("draft", None)] * 3
    assert not ProposalEvent.objects.exists()


def test_github_json_with_submit_and_as(world, tmp_path):
    issues = [
        {"number": 2009, "title": "[CNCF LFX Proposal] A", "body": body(), "user": {"login": "x"}},
        {"number": 2010, "title": "PR", "body": "", "pull_request": {}, "user": {"login": "x"}},
        {
            "number": 2011,
            "title": "[CNCF LFX Proposal] B",
            "body": body(program_name="B"),
            "user": {"login": "y"},
        },
    ]
    path = tmp_path / "issues.json"
    path.write_text(json.dumps(issues, indent=2))
    with time_machine.travel(BEFORE, tick=False):
        out = run(
            "--term",
            TERM,
            "--program",
            "CNCF LFX Mentorship",
            "--as",
            "carol",
            "--submit",
            str(path),
        )
    assert "Created and submitted 2 proposals" in out
    projects = list(Project.objects.order_by("number"))
    assert [(p.number, p.title, p.status) for p in projects] == [
        (1, "Jaeger v2 Helm Chart", "submitted"),
        (2, "B", "submitted"),
    ]
    assert {p.proposer for p in projects} == {world.users["carol"]}
    assert ProposalEvent.objects.filter(kind="submitted", actor=world.users["carol"]).count() == 2


@pytest.mark.parametrize(
    ("content", "where", "message"),
    [
        (b"\xff\xfe", ":1:", "not UTF-8 text (byte 0)"),
        (b"### Program Name\n\nX\n", ":1:", 'no "### CNCF Project" section'),
        (b'[\n  {"body": }\n]', ":2:", "invalid JSON"),
        (b"", ":1:", "no issue body"),
    ],
)
def test_malformed_input_is_located_and_nothing_is_created(
    world, tmp_path, capsys, content, where, message
):
    good = tmp_path / "good.md"
    good.write_text(body())
    bad = tmp_path / "bad.md"
    bad.write_bytes(content)
    err = fails(capsys, "--term", TERM, str(good), str(bad))
    assert f"{bad}{where} {message}" in err
    assert "Nothing imported" in err
    assert not Project.objects.exists()


def test_a_later_body_without_the_project_section_gives_its_line(world, tmp_path, capsys):
    path = tmp_path / "many.md"
    path.write_text(body() + "---8<---\n\nno sections here\n")
    lines = body().count("\n")
    err = fails(capsys, "--term", TERM, str(path), str(tmp_path / "missing.md"))
    assert f'{path}:{lines + 3}: no "### CNCF Project" section' in err
    assert f"{tmp_path / 'missing.md'}: cannot read:" in err
    assert not Project.objects.exists()


def test_a_refused_proposal_rolls_back_the_whole_run(world, tmp_path, capsys):
    path = tmp_path / "many.md"
    path.write_text(body() + "---8<---\n" + body(project="Nonesuch"))
    err = fails(capsys, "--term", TERM, str(path))
    assert f'{path}: proposal 2: "Nonesuch" is not an organization of CNCF LFX Mentorship.' in err
    assert not Project.objects.exists()


def test_submitting_after_the_deadline_rolls_back(world, tmp_path, capsys):
    path = tmp_path / "one.md"
    path.write_text(body())
    with time_machine.travel(DEADLINE + timedelta(hours=1), tick=False):
        err = fails(capsys, "--term", TERM, "--submit", str(path))
    assert f"{path}: proposal 1: The proposal deadline for this term has passed." in err
    assert not Project.objects.exists()


def test_unknown_user_and_term_are_errors(world, tmp_path, capsys):
    path = tmp_path / "one.md"
    path.write_text(body())
    assert "--as: there is no user named nobody" in fails(
        capsys, "--term", TERM, "--as", "nobody", str(path)
    )
    assert "No term 2031 Term 1" in fails(capsys, "--term", "2031 Term 1", str(path))
    assert not Project.objects.exists()
