"""The CNCF export files, compared byte for byte with hand-written fixtures (fixtures/lfx/)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cohort.formats.lfx import (
    CSV_HEADER,
    anchor_slug,
    csv_field,
    parse_lfx_export,
    program_full_title,
    readme_title,
    render_lfx_csv,
    render_lfx_json,
    render_lfx_readme,
    term_dropdown_label,
    term_token,
)
from cohort.formats.model import (
    FLAG_EMAIL_MISSING,
    FLAG_HANDLE_MISSING,
    FormatError,
    Mentor,
    Organization,
    Prerequisites,
    Project,
    TermData,
)

FIXTURES = Path(__file__).parent / "fixtures" / "lfx"


def _read(name: str) -> str:
    return (FIXTURES / name).read_bytes().decode("utf-8")


@pytest.fixture
def export_text() -> str:
    return _read("lfx-export.json")


# --- names -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Nebraska Reporting & Metrics Uplift", "nebraska-reporting-metrics-uplift"),
        ("The Update Framework (TUF)", "the-update-framework-tuf"),
        ("AXI - Making mesheryctl Agent-Native", "axi-making-mesheryctl-agent-native"),
        (
            "Support identity provider based on keycloak etc.",
            "support-identity-provider-based-on-keycloak-etc",
        ),
        ("snake_case Title", "snake_case-title"),
        ("Café ümlaut", "caf-mlaut"),
        ("  pad  ", "-pad-"),
        ("a\u00a0b", "a-b"),  # NBSP is JS whitespace
        ("a\ufeffb", "a-b"),  # so is U+FEFF (Python's \s is not)
        ("a\x1cb", "ab"),  # U+001C is Python whitespace but not JS whitespace
        ("Don’t stop", "dont-stop"),
        ("", ""),
    ],
)
def test_anchor_slug(text: str, slug: str) -> None:
    assert anchor_slug(text) == slug


def test_term_names() -> None:
    label = term_dropdown_label(2026, 3)
    assert label == "2026 Term 3 (Sep-Nov)"
    assert term_dropdown_label(2025, 1) == "2025 Term 1 (Mar-May)"
    assert term_dropdown_label(2025, 2) == "2025 Term 2 (Jun-Aug)"
    assert term_token(label) == "2026 Term 3"
    assert term_token("2026 Term 3") == "2026 Term 3"
    assert term_token("2026 Term 3\u00a0(Sep-Nov)") == "2026 Term 3"
    assert term_token("odd (x)\n") == "odd (x)\n"  # JS `$` is the very end, `.` stops at \n
    assert readme_title(label) == "Term 03 - 2026 September - November"
    assert readme_title("2025 Term 2 (Jun-Aug)") == "Term 02 - 2025 June - August"
    assert readme_title("2025 Term 1 (Mar\u2013May)") == "Term 01 - 2025 March - May"
    assert readme_title("2025 Term 1 (../etc)") == "Term 01 - 2025 unknown"
    assert readme_title("nonsense") == "Term 00 - unknown unknown"
    assert (
        program_full_title("Apicurio Registry", "Federated AI Agent Search", "2026 Term 3")
        == "CNCF - Apicurio Registry: Federated AI Agent Search (2026 Term 3)"
    )
    with pytest.raises(FormatError, match="Invalid term number: 4"):
        term_dropdown_label(2026, 4)


# --- lfx-export.json -------------------------------------------------------------------------


def test_parse_export(export_text: str) -> None:
    term = parse_lfx_export(export_text, source="lfx-export.json")
    assert (term.year, term.number, term.label) == (2026, 3, "2026 Term 3")
    assert term.title == "Term 03 - 2026 September - November"
    assert term.generated == "2026-08-04T21:49:16.677Z"
    assert (term.source_kind, term.status, term.time_zone) == ("lfx-json", "", "UTC")
    assert [(o.name, o.slug, o.maturity, o.kind) for o in term.organizations] == [
        ("Volcano", "volcano", "incubating", "project"),
        ("argo", "argo", "graduated", "project"),
    ]
    volcano = term.organizations[0].projects[0]
    assert volcano.title == "Kthena LLM Resource Management in Volcano Dashboard"
    assert volcano.lfx_title.startswith("CNCF - Volcano: Kthena")
    assert volcano.number == 2009
    assert volcano.issue_url == "https://github.com/cncf/mentoring/issues/2009"
    assert volcano.upstream_issues == ["https://github.com/volcano-sh/dashboard/issues/307"]
    assert volcano.status == "published"
    assert volcano.line == 6
    assert volcano.mentors[2] == Mentor(
        name="Zicong Chen (Jesse Stutler)",
        github="JesseStutler",
        email="jessestutler97@gmail.com",
        lfid="ca54663f-6e7b-4839-a779-eaafb23aab59",
        role="co-mentor",
    )
    assert volcano.mentors[0].role == "primary"
    assert volcano.prerequisites == Prerequisites(
        resume=True,
        cover_letter=True,
        coding_challenge=True,
        coding_challenge_url="https://github.com/volcano-sh/dashboard/issues/308",
        custom_name="Dashboard Authn/z",
        custom_description=volcano.prerequisites.custom_description
        if volcano.prerequisites
        else None,
        custom_file_upload=True,
        has_custom=True,
    )
    assert json.loads(volcano.raw)["issue_number"] == 2009
    assert volcano.raw.startswith('{\n  "issue_number": 2009,')
    argo = term.organizations[1].projects[0]
    assert argo.prerequisites == Prerequisites(resume=True)
    assert argo.lfx_url == ""
    assert argo.line > volcano.line


def test_export_round_trip_is_byte_exact(export_text: str) -> None:
    assert render_lfx_json(parse_lfx_export(export_text)) == export_text


def test_csv_matches_fixture(export_text: str) -> None:
    assert render_lfx_csv(parse_lfx_export(export_text)) == _read("lfx-tracking.csv")


def test_readme_matches_fixture(export_text: str) -> None:
    assert render_lfx_readme(parse_lfx_export(export_text)) == _read("README.expected.md")


def test_readme_keeps_frontmatter(export_text: str) -> None:
    term = parse_lfx_export(export_text)
    term.frontmatter = (
        "# Term 03 - 2026 September - November\n\nStatus: Accepting applications\n\n"
        "### Timeline\n\n| Activity | Dates (2026) |\n|---|---|\n| A | B |\n\n---  "
    )
    expected = _read("README.expected.md")
    body = expected[expected.index("## Table of Contents") :]
    assert render_lfx_readme(term) == term.frontmatter + "\n\n" + body


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("plain", "plain"),
        ("", ""),
        ("a,b", '"a,b"'),
        ('say "hi"', '"say ""hi"""'),
        ("two\nlines", '"two\nlines"'),
        ("semi;colon and 'single'", "semi;colon and 'single'"),
        ("carriage\rreturn", "carriage\rreturn"),
    ],
)
def test_csv_quoting(value: str, written: str) -> None:
    assert csv_field(value) == written


def _cohort_term() -> TermData:
    """A term made in Cohort, not imported: no numbers, no prerequisites, 5 mentors."""
    mentors = [Mentor(name=f"M{i}", github=f"m{i}", email=f"m{i}@example.org") for i in range(5)]
    return TermData(
        title="ignored",
        year=2027,
        number=1,
        generated="2027-01-01T00:00:00.000Z",
        organizations=[
            Organization(
                name="Zeta",
                projects=[
                    Project(title="First", mentors=mentors[:1]),
                    Project(title="Idea", status="proposed"),
                    Project(title="Second", number=7, upstream_issues=["u1", "u2"]),
                    Project(title="Third", mentors=mentors),
                ],
            )
        ],
    )


def test_cohort_term_export_fills_in_defaults() -> None:
    term = _cohort_term()
    data = json.loads(render_lfx_json(term))
    assert data["_term"] == "2027 Term 1 (Mar-May)"
    assert data["_count"] == 3  # the proposed idea is not exported
    programs = data["programs"]
    assert [p["program_name_short"] for p in programs] == ["Second", "First", "Third"]
    assert [p["issue_number"] for p in programs] == [7, None, None]
    assert programs[0]["program_name_full"] == "CNCF - Zeta: Second (2027 Term 1)"
    assert programs[0]["upstream_issue_url"] == "u1"
    assert programs[1]["prerequisites"]["custom"] is None
    assert programs[1]["prerequisites"]["coding_challenge_url"] is None
    assert programs[1]["prerequisites"]["standard_courses"][0]["name"] == "Inclusive Community"
    csv = render_lfx_csv(term).split("\n")
    assert csv[0] == CSV_HEADER
    assert csv[3] == (
        "CNCF - Zeta: Third (2027 Term 1),,,,5,M0,m0,m0@example.org,,M1,m1,m1@example.org,,"
        "M2,m2,m2@example.org,,M3,m3,m3@example.org,"
    )
    assert render_lfx_readme(term).startswith("# Term 01 - 2027 March - May\n\nStatus: Planning\n")


def test_export_needs_year_and_number() -> None:
    with pytest.raises(FormatError, match="without a year and a number"):
        render_lfx_json(TermData(title="x"))


def test_empty_generated_is_written_as_given(export_text: str) -> None:
    term = parse_lfx_export(export_text)
    term.generated = ""
    assert render_lfx_json(term).startswith('{\n  "_generated": "",\n')


# --- malformed input -------------------------------------------------------------------------


def test_malformed_json_has_a_line() -> None:
    with pytest.raises(FormatError) as info:
        parse_lfx_export('{\n  "_term": "2026 Term 3 (Sep-Nov)",\n  oops\n}\n', source="x.json")
    assert info.value.line == 3
    assert str(info.value).startswith("x.json:3: invalid JSON")


def _without(text: str, program: int, key: str) -> str:
    data = json.loads(text)
    del data["programs"][program][key]
    return json.dumps(data, indent=2, ensure_ascii=False)


def test_missing_key_is_located(export_text: str) -> None:
    with pytest.raises(FormatError) as info:
        parse_lfx_export(_without(export_text, 1, "mentors"), source="e.json")
    assert info.value.message == "program 2 (issue #1950): missing key 'mentors'"
    assert info.value.line == export_text.split("\n").index("    {", 10) + 1


def test_wrong_type_is_located(export_text: str) -> None:
    bad = export_text.replace(
        '"resume": true,\n        "cover_letter": false',
        '"resume": "yes",\n        "cover_letter": false',
    )
    with pytest.raises(FormatError) as info:
        parse_lfx_export(bad)
    assert info.value.message == (
        "program 2 (issue #1950) prerequisites: 'resume' must be true or false, not a string"
    )
    assert bad.split("\n")[info.value.line - 1].strip() == '"resume": "yes",'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[]", "lfx-export.json must be an object, not an array"),
        ("{}", "lfx-export.json: missing key '_generated'"),
        (
            '{"_generated": "", "_term": "Spring 2021", "_count": 0, "programs": []}',
            "_term 'Spring 2021' is not a term like \"2026 Term 3 (Sep-Nov)\"",
        ),
        (
            '{"_generated": "", "_term": "2026 Term 3 (Sep-Nov)", "_count": 1, "programs": []}',
            "_count is 1 but there are 0 programs",
        ),
        (
            '{"_generated": "", "_term": "2026 Term 3 (Sep-Nov)", "_count": 1, "programs": [3]}',
            "program 1 must be an object, not a number",
        ),
        (
            '{"_generated": "", "_term": "2026 Term 3 (Sep-Nov)", "_count": 1,'
            ' "programs": [{"issue_number": true}]}',
            "program 1: 'issue_number' must be an integer, not a boolean",
        ),
        ("", "invalid JSON: Expecting value"),
    ],
)
def test_malformed_export(text: str, message: str) -> None:
    with pytest.raises(FormatError) as info:
        parse_lfx_export(text)
    assert info.value.message == message


def test_mentor_flags_and_bad_role(export_text: str) -> None:
    data = json.loads(export_text)
    data["programs"][1]["mentors"][1]["email"] = ""
    data["programs"][1]["mentors"][1]["github_handle"] = ""
    mentor = parse_lfx_export(json.dumps(data)).organizations[1].projects[0].mentors[1]
    assert mentor.flags == [FLAG_EMAIL_MISSING, FLAG_HANDLE_MISSING]
    data["programs"][1]["mentors"][1]["role"] = "lead"
    with pytest.raises(FormatError, match=r"program 2 \(issue #1950\) mentor 2: 'role' is 'lead'"):
        parse_lfx_export(json.dumps(data))
