"""`cohort validate-proposal`: a CNCF proposal body in, the validation result as JSON out."""

from __future__ import annotations

import io
import json
import sys
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import DatabaseError

from cohort.formats import model as fm
from cohort.formats.issueform import IssueForm, issue_form_body
from cohort.projects.models import Organization, OrganizationAlias, Project
from cohort.projects.services import get_or_create_program, import_term
from cohort.proposals.context import open_proposals_for, project_slug
from cohort.proposals.management.commands import validate_proposal
from cohort.proposals.rules import OtherProposal
from cohort.terms.models import Term

pytestmark = pytest.mark.django_db

TERM = "2026 Term 3 (Sep-Nov)"
PROGRAM = "CNCF LFX Mentorship"
URL = "https://github.com/jaegertracing/jaeger/issues/1234"


def body(**fields: Any) -> str:
    values: dict[str, Any] = {
        "project": "Jaeger",
        "term": TERM,
        "program_name": "Add Prometheus Metrics",
        "description": "Instrument the collector.",
        "technologies": "Go",
        "skills_same": True,
        "mentors": "Jane Doe | @janedoe | jane@example.com | janedoe\n"
        "John Roe | @jroe | john@example.org | jroe",
        "upstream_issue_url": URL,
    }
    values.update(fields)
    return issue_form_body(IssueForm.build(**values))


def run(*args: str) -> tuple[int, dict[str, list[str]]]:
    out = StringIO()
    code = 0
    try:
        call_command("validate_proposal", *args, stdout=out, stderr=StringIO())
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, json.loads(out.getvalue())


def store_term(projects: list[fm.Project], org: str = "Jaeger", slug: str = "jaeger") -> None:
    term = fm.TermData(
        title="Term 03 - 2026 September - November",
        year=2026,
        number=3,
        organizations=[fm.Organization(name=org, slug=slug, projects=projects)],
    )
    import_term(term, program=get_or_create_program(PROGRAM))


def proposal(number: int, url: str = "", status: fm.ProjectStatus = "proposed") -> fm.Project:
    return fm.Project(
        title=f"Proposal {number}",
        status=status,
        number=number,
        upstream_issues=[url or f"https://github.com/jaegertracing/jaeger/issues/{number}"],
    )


def test_a_passing_body_exits_0_with_no_errors(tmp_path):
    path = tmp_path / "issue.md"
    path.write_text(body(), encoding="utf-8")
    code, result = run(str(path), "--term", TERM)
    assert code == 0
    assert result["errors"] == []
    assert f"Quota: 1/4 proposals for Jaeger in {TERM}" in result["passed"]
    assert result["warnings"][-1].startswith("LFX LFID/email verification")


def test_a_failing_body_exits_1_with_the_errors(tmp_path):
    path = tmp_path / "issue.md"
    path.write_text(body(project="", upstream_issue_url="nope"), encoding="utf-8")
    code, result = run(str(path), "--term", TERM)
    assert code == 1
    assert result["errors"] == [
        "CNCF Project is empty.",
        "Upstream Issue URL `nope` is not a valid URL.",
    ]


def test_the_output_is_the_rules_json(tmp_path):
    path = tmp_path / "issue.md"
    path.write_text(body(), encoding="utf-8")
    out = StringIO()
    call_command("validate_proposal", str(path), stdout=out)
    text = out.getvalue()
    assert text.startswith('{\n  "errors": [],\n  "warnings": [\n')
    assert text.endswith("]\n}\n")


def test_dash_reads_stdin(monkeypatch):
    stdin = io.TextIOWrapper(io.BytesIO(body(term="").encode("utf-8")), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    code, result = run("-", "--term", TERM)
    assert code == 1
    assert result["errors"] == ["Term is empty."]


def test_an_unreadable_file_exits_2_with_its_path_on_stderr(tmp_path, capsys):
    missing = tmp_path / "missing.md"
    with pytest.raises(SystemExit) as exc:
        call_command("validate_proposal", str(missing), stdout=StringIO())
    assert exc.value.code == 2
    captured = capsys.readouterr()
    assert captured.err.startswith(f"{missing}: cannot read: ")
    assert "Traceback" not in captured.err
    assert captured.out == ""


def test_a_file_that_is_not_utf8_exits_2(tmp_path, capsys):
    path = tmp_path / "latin1.md"
    path.write_bytes("### CNCF Project\n\nJäger\n".encode("latin-1"))
    with pytest.raises(SystemExit) as exc:
        call_command("validate_proposal", str(path), stdout=StringIO())
    assert exc.value.code == 2
    assert capsys.readouterr().err.startswith(f"{path}: not UTF-8 text")


def test_a_malformed_term_option_exits_2(tmp_path, capsys):
    path = tmp_path / "issue.md"
    path.write_text(body(), encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        call_command("validate_proposal", str(path), "--term", "next term", stdout=StringIO())
    assert exc.value.code == 2
    assert capsys.readouterr().err.startswith("--term: ")


def test_the_quota_counts_the_stored_open_proposals_of_the_term(tmp_path):
    store_term([proposal(101), proposal(102), proposal(103, status="published"), proposal(104)])
    path = tmp_path / "issue.md"
    path.write_text(body(), encoding="utf-8")
    code, result = run(str(path), "--term", TERM)
    assert code == 0
    assert (
        f"**Over quota:** Jaeger has 5 proposals for {TERM} (guideline: 4). Existing proposals: "
        "#101, #102, #103, #104. Going over may be acceptable; please reach out to the CNCF "
        "Mentorship Admins to discuss, and prioritize proposals within your project."
    ) in result["warnings"]
    # The proposal itself, when stored, is left out with --number.
    code, result = run(str(path), "--term", TERM, "--number", "104")
    assert f"Quota: 4/4 proposals for Jaeger in {TERM}" in result["passed"]


def test_a_stored_term_counts_with_its_own_guideline(tmp_path):
    store_term([proposal(101), proposal(102)])
    Term.objects.by_label(TERM).update(proposal_quota=2)
    path = tmp_path / "issue.md"
    path.write_text(body(), encoding="utf-8")
    code, result = run(str(path), "--term", TERM)
    assert code == 0
    assert any("(guideline: 2)" in w for w in result["warnings"])


def test_term_option_chooses_the_term_counted(tmp_path):
    store_term([proposal(n) for n in range(1, 5)])
    path = tmp_path / "issue.md"
    path.write_text(body(term="2027 Term 1 (Mar-May)"), encoding="utf-8")
    _, other_term = run(str(path))
    assert "Quota: 1/4 proposals for Jaeger in 2027 Term 1 (Mar-May)" in other_term["passed"]
    code, stored_term = run(str(path), "--term", "2026 Term 3")
    assert code == 0  # a --term different from the form's Term is no error
    assert any(w.startswith("**Over quota:**") for w in stored_term["warnings"])


def test_an_unknown_term_counts_nothing(tmp_path):
    path = tmp_path / "issue.md"
    path.write_text(body(), encoding="utf-8")
    code, result = run(str(path), "--term", "2030 Term 1")
    assert code == 0
    assert f"Quota: 1/4 proposals for Jaeger in {TERM}" in result["passed"]


def test_duplicate_upstream_issues_are_found_in_the_database(tmp_path):
    store_term([proposal(7, url=URL.replace("https://", "http://www.") + "/"), proposal(8)])
    path = tmp_path / "issue.md"
    path.write_text(body(), encoding="utf-8")
    _, result = run(str(path), "--term", TERM)
    assert any(
        w.startswith("**Duplicate upstream issue:**") and f"for {TERM}: #7." in w
        for w in result["warnings"]
    )


def test_open_proposals_match_names_and_aliases_and_skip_closed_or_unnumbered():
    store_term(
        [
            proposal(3),
            proposal(2),
            proposal(1, status="published"),
            fm.Project(title="No number", status="proposed"),
        ]
    )
    jaeger = Organization.objects.get(name="Jaeger")
    OrganizationAlias.objects.create(
        organization=jaeger, program=jaeger.program, name="Jaeger Tracing"
    )
    Project.objects.filter(number=3).update(status=Project.Status.WITHDRAWN)
    expected = [
        OtherProposal(1, "https://github.com/jaegertracing/jaeger/issues/1"),
        OtherProposal(2, "https://github.com/jaegertracing/jaeger/issues/2"),
    ]
    assert open_proposals_for(PROGRAM, TERM, "jaeger") == expected
    assert open_proposals_for(PROGRAM, "2026 Term 3", "JAEGER TRACING") == expected
    assert open_proposals_for(PROGRAM, TERM, "Jaeger", exclude_number=1) == expected[1:]
    assert open_proposals_for("Other Program", TERM, "Jaeger") == []
    assert open_proposals_for(PROGRAM, TERM, "Argo") == []
    assert project_slug(PROGRAM, "jaeger tracing") == "jaeger"
    assert project_slug(PROGRAM, "Argo") == ""


def test_the_quota_override_matches_the_stored_slug(tmp_path):
    store_term([proposal(n) for n in range(1, 6)], org="Kubernetes Project", slug="kubernetes")
    path = tmp_path / "issue.md"
    path.write_text(body(project="Kubernetes Project"), encoding="utf-8")
    _, result = run(str(path), "--term", TERM)
    assert f"Quota: 6/8 proposals for Kubernetes Project in {TERM}" in result["passed"]


def test_a_failed_database_lookup_is_the_scan_failure_warning(tmp_path, monkeypatch):
    def broken(*args: Any, **kwargs: Any) -> list[OtherProposal]:
        raise DatabaseError("no such table: terms_term")

    monkeypatch.setattr(validate_proposal, "open_proposals_for", broken)
    path = tmp_path / "issue.md"
    path.write_text(body(), encoding="utf-8")
    code, result = run(str(path), "--term", TERM)
    assert code == 0
    assert result["warnings"][0] == (
        f"Could not check other Jaeger proposals for {TERM}: no such table: terms_term"
    )
    assert not any(p.startswith("Quota:") for p in result["passed"])


# --- validate-proposal ---------------------------------------------------------------------


def test_validate_proposal_never_tracebacks_on_mutated_issue_bodies(tmp_path):
    lines = body().split("\n")
    junk: tuple[str, ...] = ("2026 Term 0 (Sep-Nov)", "99999999999999999999 Term 3", "\x00")
    junk += ("`x` [a](b) `y`", "### ", "<!-- lfx-url:start -->", "_No response_", "- [X] x")
    junk += ("a|b|c|d|e", "💯" * 9)
    bodies = ["\n".join(lines[:i] + lines[i + 1 :]) for i in range(len(lines))]
    bodies += ["\n".join(lines[:i] + lines[i:]) for i in range(len(lines))]
    bodies += ["\n".join(lines[:i]) for i in range(len(lines))]
    bodies += [
        "\n".join([*lines[:i], j, *lines[i + 1 :]]) for i in range(0, len(lines), 3) for j in junk
    ]
    for n, text in enumerate(bodies):
        path = tmp_path / f"b{n}.md"
        path.write_text(text, encoding="utf-8")
        out = StringIO()
        try:
            call_command("validate_proposal", str(path), stdout=out, stderr=StringIO())
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        assert code in (0, 1, 2), (n, code)
        if code in (0, 1):
            assert set(json.loads(out.getvalue())) == {"errors", "warnings", "passed"}
    assert len(bodies) > 150
