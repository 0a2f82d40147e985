"""Every field rule of the CNCF validator (spec/cncf-process.md §2.2), message for message.

The expected messages are written out in full here (not taken from the module's constants),
so a changed character in `rules.py` fails a test.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from cohort.formats.issueform import (
    CUSTOM_OPTION,
    LABEL_CUSTOM,
    LABEL_PREREQUISITES,
    IssueForm,
    issue_form_body,
    parse_issue_form,
)
from cohort.proposals.rules import (
    OtherProposal,
    ValidationResult,
    lfx_title,
    normalize_upstream_url,
    program_name_budget,
    quota_for,
    unwrap_email,
    validate_proposal,
)

TERM = "2026 Term 3 (Sep-Nov)"
URL = "https://github.com/jaegertracing/jaeger/issues/1234"
TWO_MENTORS = (
    "Jane Doe | @janedoe | jane@example.com | janedoe\nJohn Roe | @jroe | john@example.org | jroe"
)
LFID_REMINDER = (
    "LFX LFID/email verification is not yet automated. Please manually confirm mentor emails "
    "are registered on https://mentorship.lfx.linuxfoundation.org."
)


def form(**fields: Any) -> IssueForm:
    """A proposal that passes every rule, with `fields` changed."""
    values: dict[str, Any] = {
        "project": "Jaeger",
        "term": TERM,
        "program_name": "Add Prometheus Metrics",
        "description": "## Description\n\nInstrument the collector.",
        "technologies": "Go, Prometheus",
        "skills_same": True,
        "mentors": TWO_MENTORS,
        "upstream_issue_url": URL,
    }
    values.update(fields)
    return IssueForm.build(**values)


def check(proposal: IssueForm | None = None, **kwargs: Any) -> ValidationResult:
    return validate_proposal(proposal or form(), **kwargs)


def messages(result: ValidationResult) -> list[str]:
    return result.errors + result.warnings


def has_no(result: ValidationResult, fragment: str) -> bool:
    return not any(fragment in m for m in messages(result))


def test_a_complete_proposal_passes_with_the_passed_lines_in_field_order():
    result = check()
    assert result.ok
    assert result.errors == []
    assert result.warnings == [LFID_REMINDER]
    assert result.passed == [
        "CNCF Project: **Jaeger**",
        f"Term: **{TERM}**",
        "Program Name length: 22/71 chars available",
        "Program Description: 41/3000 chars",
        "Technologies: Go, Prometheus",
        "Skills: same as Technologies",
        "Mentors: 2 listed (primary: Jane Doe)",
        f"Upstream Issue URL: {URL}",
        f"Quota: 1/4 proposals for Jaeger in {TERM}",
    ]


def test_the_result_as_json():
    result = ValidationResult(errors=["É"], warnings=["w"], passed=[])
    assert not result.ok
    assert (
        result.to_json()
        == '{\n  "errors": [\n    "É"\n  ],\n  "warnings": [\n    "w"\n  ],\n  "passed": []\n}\n'
    )
    assert json.loads(check().to_json())["errors"] == []


# --- 1, 2, 3 ----------------------------------------------------------------------------------


def test_rule_1_project_must_not_be_empty():
    failing = check(form(project=" "))
    assert "CNCF Project is empty." in failing.errors
    assert not any(p.startswith("CNCF Project:") for p in failing.passed)
    assert "CNCF Project: **Jaeger**" in check().passed
    assert has_no(check(), "CNCF Project is empty.")


def test_rule_1_membership_in_the_project_list_is_not_checked():
    result = check(form(project="Not A CNCF Project"))
    assert result.ok
    assert "CNCF Project: **Not A CNCF Project**" in result.passed


def test_rule_2_term_must_not_be_empty_but_is_not_checked_against_terms():
    assert "Term is empty." in check(form(term="")).errors
    other = check(form(term="2031 Term 9"))
    assert other.ok
    assert "Term: **2031 Term 9**" in other.passed


def test_rule_3_program_name_must_not_be_empty():
    failing = check(form(program_name=""))
    assert "Program Name is empty." in failing.errors
    assert not any(p.startswith("Program Name length") for p in failing.passed)
    assert has_no(check(), "Program Name is empty.")


# --- 4 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("project", "budget"),
    [("Jaeger", 71), ("KServe", 71), ("The Update Framework (TUF)", 51)],
)
def test_rule_4_the_budget_is_88_minus_project_minus_term_token(project, budget):
    assert program_name_budget(project, TERM) == budget
    name = "x" * budget
    result = check(form(project=project, program_name=name))
    assert result.ok
    assert f"Program Name length: {budget}/{budget} chars available" in result.passed
    assert len(lfx_title(project, name, TERM)) == 100


def test_rule_4_a_name_over_budget_fails_with_the_full_length():
    name = "y" * 72  # Jaeger: 71 available
    result = check(form(program_name=name))
    assert (
        "Program Name is 72 chars but only 71 are available (full name would be 101/100 chars). "
        "Please shorten it."
    ) in result.errors
    assert not any(p.startswith("Program Name length") for p in result.passed)
    tuf = check(form(project="The Update Framework (TUF)", program_name="z" * 60))
    assert (
        "Program Name is 60 chars but only 51 are available (full name would be 109/100 chars). "
        "Please shorten it."
    ) in tuf.errors


def test_rule_4_counts_utf16_units():
    name = "🚀" * 36  # 72 UTF-16 units, 36 code points
    assert (
        "Program Name is 72 chars but only 71 are available (full name would be 101/100 chars). "
        "Please shorten it."
    ) in check(form(program_name=name)).errors


def test_rule_4_without_a_term_the_budget_uses_an_empty_token():
    # Reading of #4: the CNCF code computes the budget even when Term is empty (token "").
    result = check(form(term="", program_name="n"))
    assert "Program Name length: 1/82 chars available" in result.passed


def test_lfx_title_drops_the_months_from_the_term():
    assert lfx_title("Apicurio Registry", "Federated AI Agent Search", TERM) == (
        "CNCF - Apicurio Registry: Federated AI Agent Search (2026 Term 3)"
    )


# --- 5, 6 -------------------------------------------------------------------------------------


def test_rule_5_description_must_not_be_empty():
    assert "Program Description is empty." in check(form(description="")).errors
    assert has_no(check(), "Program Description is empty.")


def test_rule_5_description_at_most_3000_chars():
    assert "Program Description: 3000/3000 chars" in check(form(description="a" * 3000)).passed
    result = check(form(description="a" * 3001))
    assert "Program Description is 3001 chars (LFX limit is 3000). Please trim 1 chars." in (
        result.errors
    )
    assert not any(p.startswith("Program Description:") for p in result.passed)


def test_rule_5_an_emoji_counts_two():
    text = "a" * 2998 + "🎉"  # 2999 code points, 3000 UTF-16 units
    assert "Program Description: 3000/3000 chars" in check(form(description=text)).passed
    over = "a" * 2999 + "🎉"
    assert "Program Description is 3001 chars (LFX limit is 3000). Please trim 1 chars." in (
        check(form(description=over)).errors
    )


def test_rule_5_measures_the_trimmed_text():
    result = check(form(description="  \n" + "a" * 3000 + "\n  "))
    assert "Program Description: 3000/3000 chars" in result.passed


def test_rule_6_technologies_must_not_be_empty():
    assert "Technologies is empty." in check(form(technologies="")).errors
    result = check()
    assert has_no(result, "Technologies is empty.")
    assert "Technologies: Go, Prometheus" in result.passed


# --- 7, 7w ------------------------------------------------------------------------------------

SKILLS_MISSING = 'Either check "Skills same as Technologies?" or fill in Required/Desirable Skills.'
SKILLS_BOTH = (
    '"Skills same as Technologies?" is checked but Required/Desirable Skills is also filled in. '
    "The export will use Technologies for both — clear one or the other."
)


def test_rule_7_skills_same_or_skills_filled():
    assert SKILLS_MISSING in check(form(skills_same=False, skills="")).errors
    filled = check(form(skills_same=False, skills="Go, PromQL"))
    assert filled.ok
    assert "Skills: Go, PromQL" in filled.passed
    assert has_no(filled, SKILLS_MISSING)
    assert "Skills: same as Technologies" in check().passed


def test_rule_7w_both_set_warns_and_passes():
    result = check(form(skills_same=True, skills="Go"))
    assert result.ok
    assert SKILLS_BOTH in result.warnings
    assert not any(p.startswith("Skills:") for p in result.passed)
    assert has_no(check(), SKILLS_BOTH)


# --- 8-18w: mentors -------------------------------------------------------------------------


def mentor_line(n: int) -> str:
    return f"Mentor {n} | @mentor{n} | m{n}@example.com | lfid{n}"


def test_rule_8_mentors_must_not_be_empty():
    result = check(form(mentors=" \n "))
    assert "Mentors field is empty. At least one mentor (primary) is required." in result.errors
    assert not any(p.startswith("Mentors:") for p in result.passed)
    assert has_no(check(), "Mentors field is empty.")


def test_rule_9_at_most_four_mentors():
    four = check(form(mentors="\n".join(mentor_line(n) for n in range(1, 5))))
    assert four.ok
    assert "Mentors: 4 listed (primary: Mentor 1)" in four.passed
    five = check(form(mentors="\n\n".join(mentor_line(n) for n in range(1, 6))))
    assert five.errors == [
        "Too many mentors: 5 listed, but the maximum is 4 (primary plus up to 3 co-mentors). "
        "Please remove the extras."
    ]
    assert not any(p.startswith("Mentors:") for p in five.passed)


def test_rule_10_three_or_four_fields_per_line():
    result = check(form(mentors=f"{mentor_line(1)}\n  Two | @two  \n{mentor_line(3)}"))
    assert result.errors == [
        "Mentor 2: expected 3 or 4 pipe-separated fields (Name | @handle | email | LFID), "
        "got 2 in: `Two | @two`"
    ]
    first = check(form(mentors="A | @a | a@x.io | a | extra"))
    # No other check runs on a line with the wrong field count.
    assert first.errors == [
        "Primary mentor: expected 3 or 4 pipe-separated fields (Name | @handle | email | LFID), "
        "got 5 in: `A | @a | a@x.io | a | extra`"
    ]
    assert has_no(check(), "pipe-separated")


def test_rule_11_name_must_not_be_empty():
    result = check(form(mentors=f"{mentor_line(1)}\n | @b | b@x.io | b"))
    assert result.errors == ["Mentor 2: name is empty."]
    assert has_no(check(), "name is empty.")


@pytest.mark.parametrize(
    "handle", ["janedoe", "@", "@-jane", "@jane-", "@ja--ne", "@jane_doe", "@" + "a" * 40]
)
def test_rule_12_handle_must_be_an_at_github_login(handle):
    result = check(form(mentors=f"Jane | {handle} | j@x.io | jane"))
    assert result.errors == [f"Primary mentor: handle `{handle}` doesn't match `@username` format."]


@pytest.mark.parametrize("handle", ["@a", "@jane-doe", "@J4n3", "@" + "a" * 39])
def test_rule_12_valid_handles_pass(handle):
    assert check(form(mentors=f"Jane | {handle} | j@x.io | jane\n{mentor_line(2)}")).ok


@pytest.mark.parametrize("email", ["jane", "jane@x", "jane@@x.io", "ja ne@x.io", "@x.io", ""])
def test_rule_13_email_must_look_valid(email):
    result = check(form(mentors=f"{mentor_line(1)}\nJane | @jane | {email} | jane"))
    assert result.errors == [f"Mentor 2: email `{email}` doesn't look valid."]


@pytest.mark.parametrize(
    "written",
    [
        "jane@x.io",
        "<jane@x.io>",
        "mailto:jane@x.io",
        "MAILTO:jane@x.io",
        "[jane@x.io](mailto:jane@x.io)",
        "<mailto:jane@x.io>",
    ],
)
def test_rule_13_the_email_is_unwrapped_first(written):
    assert unwrap_email(written) == "jane@x.io"
    assert check(form(mentors=f"{mentor_line(1)}\nJane | @jane | {written} | jane")).ok


def test_rule_13_the_message_quotes_the_unwrapped_value():
    # Reading of #13: the value checked (and quoted) is the unwrapped one.
    result = check(form(mentors=f"{mentor_line(1)}\nJane | @jane | <not-an-email> | jane"))
    assert result.errors == ["Mentor 2: email `not-an-email` doesn't look valid."]


def test_rule_14_handles_are_unique_ignoring_case():
    result = check(form(mentors="A | @Jane | a@x.io | a\nB | @jane | b@x.io | b"))
    assert result.errors == ["Mentor 2: duplicate handle `@jane`."]
    assert has_no(check(), "duplicate handle")


def test_rule_15_emails_are_unique_ignoring_case_after_unwrapping():
    result = check(form(mentors="A | @a | Jane@X.io | a\nB | @b | <jane@x.io> | b"))
    assert result.errors == ["Mentor 2: duplicate email `jane@x.io`."]
    assert has_no(check(), "duplicate email")


def test_rule_16_lfid_is_required():
    message = (
        "Mentor 2: LFID (LF Username) is missing. You can add it later by editing this issue, but "
        "every mentor's LFID is required before the proposal can pass validation and be added "
        "to LFX."
    )
    three_fields = check(form(mentors=f"{mentor_line(1)}\nB | @b | b@x.io"))
    assert three_fields.errors == [message]
    blank = check(form(mentors=f"{mentor_line(1)}\nB | @b | b@x.io |  "))
    assert blank.errors == [message]
    assert has_no(check(), "LFID (LF Username) is missing")


@pytest.mark.parametrize("lfid", ["jkowall(?)", "0b3c8a52-6c3e-4f4e-9a57-0c4f1a2b3c4d", "j.doe"])
def test_rule_17_odd_but_single_token_lfids_pass(lfid):
    assert check(form(mentors=f"{mentor_line(1)}\nB | @b | b@x.io | {lfid}")).ok


@pytest.mark.parametrize("lfid", ["a b", "jane@lf", "https://openprofile.dev/jane"])
def test_rule_17_lfid_must_be_one_token_without_at_or_slash(lfid):
    result = check(form(mentors=f"{mentor_line(1)}\nB | @b | b@x.io | {lfid}"))
    assert result.errors == [
        f"Mentor 2: LFID `{lfid}` doesn't look like an LF Username (no spaces, @, or URL; "
        "e.g. `janedoe`)."
    ]


def test_rule_18_lfids_are_unique_ignoring_case():
    result = check(form(mentors="A | @a | a@x.io | JaneDoe\nB | @b | b@x.io | janedoe"))
    assert result.errors == ["Mentor 2: duplicate LFID `janedoe`."]
    assert has_no(check(), "duplicate LFID")


def test_rules_8_to_18_report_every_problem_in_line_order():
    mentors = (
        "A | a | a@x.io\n"  # handle, LFID missing
        "B | @b | bad | b b\n"  # email, LFID format
        "C | @B | a@x.io | c"  # duplicate handle and email
    )
    assert check(form(mentors=mentors)).errors == [
        "Primary mentor: handle `a` doesn't match `@username` format.",
        "Primary mentor: LFID (LF Username) is missing. You can add it later by editing this "
        "issue, but every mentor's LFID is required before the proposal can pass validation and "
        "be added to LFX.",
        "Mentor 2: email `bad` doesn't look valid.",
        "Mentor 2: LFID `b b` doesn't look like an LF Username (no spaces, @, or URL; "
        "e.g. `janedoe`).",
        "Mentor 3: duplicate handle `@B`.",
        "Mentor 3: duplicate email `a@x.io`.",
    ]


ONE_MENTOR = (
    "Only one mentor is listed. We usually prefer at least two mentors per program — "
    "if you can, consider adding a co-mentor."
)


def test_rule_18w_one_valid_mentor_warns():
    result = check(form(mentors=mentor_line(1)))
    assert result.ok
    assert ONE_MENTOR in result.warnings
    assert "Mentors: 1 listed (primary: Mentor 1)" in result.passed
    assert has_no(check(), ONE_MENTOR)


def test_rule_18w_is_silent_when_the_mentors_field_has_errors():
    result = check(form(mentors="Jane | jane | j@x.io | jane"))
    assert has_no(result, ONE_MENTOR)


# --- 19-21 ------------------------------------------------------------------------------------

UPSTREAM_MULTIPLE = (
    "Upstream Issue URL should be a single URL. If the program spans multiple issues, please "
    "consider creating an umbrella issue in your project to group them, and link that here."
)


def test_rule_19_upstream_url_must_not_be_empty():
    result = check(form(upstream_issue_url=""))
    assert "Upstream Issue URL is empty." in result.errors
    assert not any(p.startswith("Upstream Issue URL:") for p in result.passed)
    assert f"Upstream Issue URL: {URL}" in check().passed


@pytest.mark.parametrize(
    "url", ["github.com/a/b/issues/1", "ftp://x.io/1", "https://", "https://x.io/1 https://x.io/2"]
)
def test_rule_20_upstream_url_must_be_http_or_https(url):
    assert (
        f"Upstream Issue URL `{url}` is not a valid URL."
        in check(form(upstream_issue_url=url)).errors
    )


def test_rule_20_http_passes():
    assert check(form(upstream_issue_url="http://x.io/issues/1")).ok


def test_rule_21_a_comma_means_several_urls():
    result = check(form(upstream_issue_url="https://x.io/1,https://x.io/2"))
    assert result.errors == [UPSTREAM_MULTIPLE]
    assert has_no(check(), UPSTREAM_MULTIPLE)


# --- 22 ---------------------------------------------------------------------------------------

CUSTOM_UNCHECKED = (
    "A Custom Prerequisite name or description is filled in, but the Custom Prerequisite box is "
    "not checked, so it will not be sent to LFX. Check the box to include it, or clear the fields."
)
NAME_EMPTY = "Custom Prerequisite Name is empty. Add a name (max 20 chars)."
DESCRIPTION_EMPTY = "Custom Prerequisite Description is empty. Add a description (max 500 chars)."


def test_rule_22_no_custom_prerequisite_no_check_and_no_passed_line():
    result = check()
    assert has_no(result, "Custom Prerequisite")
    assert not any(p.startswith("Custom Prerequisite") for p in result.passed)


def test_rule_22_a_complete_custom_prerequisite_passes():
    result = check(
        form(custom_checked=True, custom_name="Blog post 🚀", custom_description="Write one.")
    )
    assert result.ok
    assert "Custom Prerequisite: name 12/20 chars, description 10/500 chars" in result.passed


def test_rule_22a_filled_in_but_unchecked():
    result = check(form(custom_name="Blog post", custom_description="Write one."))
    assert result.errors == [CUSTOM_UNCHECKED]
    assert not any(p.startswith("Custom Prerequisite:") for p in result.passed)


def test_rule_22a_to_22c_are_reported_together():
    # Only a description, box unchecked: the prerequisite "exists", so 22a and 22b both apply.
    result = check(form(custom_description="Write one."))
    assert result.errors == [CUSTOM_UNCHECKED, NAME_EMPTY]


def test_rule_22b_name_required_and_at_most_20():
    assert check(form(custom_checked=True, custom_description="d")).errors == [NAME_EMPTY]
    exact = check(form(custom_checked=True, custom_name="n" * 20, custom_description="d"))
    assert exact.ok
    long = check(form(custom_checked=True, custom_name="n" * 19 + "🚀", custom_description="d"))
    assert long.errors == [
        "Custom Prerequisite Name is 21 chars (LFX limit is 20). Please trim 1 chars."
    ]


def test_rule_22c_description_required_and_at_most_500():
    assert check(form(custom_checked=True, custom_name="n")).errors == [DESCRIPTION_EMPTY]
    exact = check(form(custom_checked=True, custom_name="n", custom_description="d" * 500))
    assert "Custom Prerequisite: name 1/20 chars, description 500/500 chars" in exact.passed
    long = check(form(custom_checked=True, custom_name="n", custom_description=" " + "d" * 503))
    assert long.errors == [
        "Custom Prerequisite Description is 503 chars (LFX limit is 500). Please trim 3 chars."
    ]


def test_rule_22_a_checked_box_alone_needs_name_and_description():
    assert check(form(custom_checked=True)).errors == [NAME_EMPTY, DESCRIPTION_EMPTY]


def test_rule_22_older_proposals_check_the_box_in_application_prerequisites():
    body = issue_form_body(form(custom_name="Blog", custom_description="Write one."))
    old = parse_issue_form(
        body.replace("- [ ] Coding Challenge\n", f"- [ ] Coding Challenge\n- [X] {CUSTOM_OPTION}\n")
    )
    assert f"- [X] {CUSTOM_OPTION}" in old.sections[LABEL_PREREQUISITES]
    assert f"- [ ] {CUSTOM_OPTION}" in old.sections[LABEL_CUSTOM]
    result = check(old)
    assert result.ok
    assert "Custom Prerequisite: name 4/20 chars, description 10/500 chars" in result.passed


# --- 23, 23b ----------------------------------------------------------------------------------

CHALLENGE_EMPTY = (
    'You selected "Coding Challenge" as a prerequisite, but the Coding Challenge URL is empty. '
    "LFX requires the challenge URL. Add it, or uncheck Coding Challenge."
)
CHALLENGE_UNCHECKED = (
    "A Coding Challenge URL is filled in, but the Coding Challenge box is not checked, so it will "
    "not be sent to LFX. Check the box to include it, or clear the URL."
)


def test_rule_23_a_checked_coding_challenge_needs_a_url():
    result = check(form(prerequisites=["Coding Challenge"]))
    assert result.errors == [CHALLENGE_EMPTY]
    assert "Coding Challenge URL: provided" not in result.passed


def test_rule_23_the_coding_challenge_url_must_be_valid():
    result = check(form(prerequisites=["Coding Challenge"], coding_challenge_url="see README"))
    assert result.errors == ["Coding Challenge URL `see README` is not a valid URL."]


def test_rule_23_a_valid_coding_challenge_passes():
    result = check(
        form(prerequisites=["Resume", "Coding Challenge"], coding_challenge_url="https://x.io/c")
    )
    assert result.ok
    assert "Coding Challenge URL: provided" in result.passed
    assert has_no(result, "Coding Challenge")


def test_rule_23b_a_url_without_the_box():
    result = check(form(prerequisites=["Resume"], coding_challenge_url="https://x.io/c"))
    assert result.errors == [CHALLENGE_UNCHECKED]
    assert has_no(check(), CHALLENGE_UNCHECKED)


# --- 24 ---------------------------------------------------------------------------------------


def test_rule_24_missing_template_sections_in_form_order():
    body = issue_form_body(form())
    for label in ("Custom Prerequisite — File Upload", "Technologies", "Term"):
        start = body.index(f"### {label}\n")
        end = body.find("### ", start + 4)
        body = body[:start] + (body[end:] if end != -1 else "")
    result = check(parse_issue_form(body))
    assert (
        "This proposal is missing required template section(s): **Term**, **Technologies**, "
        "**Custom Prerequisite — File Upload**. Please re-submit using the current proposal "
        "template."
    ) in result.errors
    assert "Term is empty." in result.errors
    assert has_no(check(), "missing required template section")


def test_rule_24_an_empty_section_is_present():
    assert check(parse_issue_form(issue_form_body(form()))).ok


# --- 25w, 26w, 27w, 28w -----------------------------------------------------------------------


def over_quota(count: int, quota: int, numbers: str, project: str = "Jaeger") -> str:
    return (
        f"**Over quota:** {project} has {count} proposals for {TERM} (guideline: {quota}). "
        f"Existing proposals: {numbers}. Going over may be acceptable; please reach out to the "
        "CNCF Mentorship Admins to discuss, and prioritize proposals within your project."
    )


def others(*numbers: int, url: str = "") -> list[OtherProposal]:
    return [OtherProposal(n, url or f"https://x.io/{n}") for n in numbers]


def test_rule_25w_within_the_quota_passes():
    result = check(others=others(11, 12, 13))
    assert f"Quota: 4/4 proposals for Jaeger in {TERM}" in result.passed
    assert has_no(result, "Over quota")


def test_rule_25w_over_the_quota_warns_with_the_other_numbers():
    result = check(others=others(11, 12, 13, 14))
    assert result.ok
    assert over_quota(5, 4, "#11, #12, #13, #14") in result.warnings
    assert not any(p.startswith("Quota:") for p in result.passed)


def test_rule_25w_uses_the_given_quota():
    result = check(form(project="Kubernetes"), others=others(1, 2, 3, 4, 5), quota=8)
    assert f"Quota: 6/8 proposals for Kubernetes in {TERM}" in result.passed
    assert over_quota(2, 1, "#7") in check(others=others(7), quota=1).warnings


def test_rule_25w_needs_a_project_and_a_term():
    result = check(form(term=""), others=others(1, 2, 3, 4, 5))
    assert has_no(result, "Over quota")
    assert not any(p.startswith("Quota:") for p in result.passed)


def test_quota_for_matches_name_then_org_then_slug():
    assert quota_for("Kubernetes") == 8
    assert quota_for("Jaeger") == 4
    assert quota_for("Jaeger", default=5) == 5
    overrides = {"open-telemetry": 6, "OTel": 7, "cdk8s": 3}
    assert quota_for("Open  Telemetry", overrides=overrides) == 6
    assert quota_for("OpenTelemetry", org="otel", overrides=overrides) == 7
    assert quota_for("CDK for Kubernetes (CDK8s)", slug="CDK8s", overrides=overrides) == 3
    # The first key found wins: the name before the org before the slug.
    assert quota_for("Open Telemetry", org="OTel", slug="cdk8s", overrides=overrides) == 6
    assert quota_for("X", org="otel", slug="cdk8s", overrides=overrides) == 7
    assert quota_for("X", overrides=overrides) == 4


def duplicate(numbers: str, project: str = "Jaeger") -> str:
    return (
        "**Duplicate upstream issue:** the same Upstream Issue URL is listed on other open "
        f"{project} proposal(s) for {TERM}: {numbers}. If that's unintentional, please update it; "
        "if the proposals are related, the CNCF Mentorship Admins can help sort out next steps."
    )


def test_rule_26w_the_same_upstream_issue_on_another_open_proposal():
    result = check(others=[*others(5, url=URL), *others(6), *others(7, url=URL + "/")])
    assert result.ok
    assert duplicate("#5, #7") in result.warnings
    assert has_no(check(others=others(5, 6)), "Duplicate upstream issue")


def test_rule_26w_is_checked_only_for_a_valid_url():
    result = check(form(upstream_issue_url="a,b"), others=others(5, url="a,b"))
    assert has_no(result, "Duplicate upstream issue")


def test_rule_26w_a_blank_url_never_matches():
    assert normalize_upstream_url("  ") == ""
    result = check(others=[OtherProposal(5, ""), OtherProposal(6, " ")])
    assert has_no(result, "Duplicate upstream issue")


@pytest.mark.parametrize(
    "other",
    [
        "http://github.com/jaegertracing/jaeger/issues/1234",
        "https://www.github.com/jaegertracing/jaeger/issues/1234",
        "https://github.com/jaegertracing/jaeger/issues/1234#issuecomment-1",
        "https://github.com/jaegertracing/jaeger/issues/1234/",
        "HTTPS://GitHub.com/JaegerTracing/Jaeger/Issues/1234",
        " https://github.com/jaegertracing/jaeger/issues/1234 ",
    ],
)
def test_rule_26w_normalisation_makes_these_the_same(other):
    assert normalize_upstream_url(other) == "github.com/jaegertracing/jaeger/issues/1234"
    assert duplicate("#9") in check(others=[OtherProposal(9, other)]).warnings


@pytest.mark.parametrize(
    "other",
    [
        "https://github.com/jaegertracing/jaeger/issues/1234?x=1",
        "https://github.com/jaegertracing/jaeger/issues/12345",
        "https://gitlab.com/jaegertracing/jaeger/issues/1234",
    ],
)
def test_rule_26w_these_differ(other):
    assert has_no(check(others=[OtherProposal(9, other)]), "Duplicate upstream issue")


def test_rule_26w_the_query_is_kept_verbatim():
    assert normalize_upstream_url("https://WWW.X.io/A/?Q=B#frag") == "x.io/a?Q=B"
    assert normalize_upstream_url("https://x.io/a?q=B") != normalize_upstream_url(
        "https://x.io/a?q=b"
    )
    url = "https://x.io/a?q=B"
    result = check(form(upstream_issue_url=url), others=[OtherProposal(3, "http://X.io/A/?q=B")])
    assert duplicate("#3") in result.warnings


def test_rule_27w_the_lfid_reminder_is_always_the_last_warning():
    assert check().warnings[-1] == LFID_REMINDER
    failing = check(form(project="", mentors=mentor_line(1), skills="Go"))
    assert failing.warnings[-1] == LFID_REMINDER
    assert check(IssueForm()).warnings == [LFID_REMINDER]


def test_rule_28w_a_failed_scan_warns_and_skips_quota_and_duplicates():
    result = check(others=others(1, 2, 3, 4, 5), scan_error="API rate limit exceeded")
    assert result.ok
    assert result.warnings == [
        f"Could not check other Jaeger proposals for {TERM}: API rate limit exceeded",
        LFID_REMINDER,
    ]
    assert not any(p.startswith("Quota:") for p in result.passed)
    assert has_no(check(), "Could not check")


def test_rule_28w_a_failed_quota_lookup_warns():
    result = check(others=others(1, 2, 3, 4, 5, url=URL), quota_error="quotas.yml unreadable")
    assert result.warnings == [
        "Could not check quota: quotas.yml unreadable",
        duplicate("#1, #2, #3, #4, #5"),
        LFID_REMINDER,
    ]


def test_warnings_come_in_rule_order():
    result = check(form(skills="Go", mentors=mentor_line(1)), others=others(1, 2, 3, 4, url=URL))
    assert result.warnings == [
        SKILLS_BOTH,
        ONE_MENTOR,
        over_quota(5, 4, "#1, #2, #3, #4"),
        duplicate("#1, #2, #3, #4"),
        LFID_REMINDER,
    ]


def test_errors_come_in_field_order():
    result = check(IssueForm.build(prerequisites=["Coding Challenge"]))
    assert result.errors == [
        "CNCF Project is empty.",
        "Term is empty.",
        "Program Name is empty.",
        "Program Description is empty.",
        "Technologies is empty.",
        SKILLS_MISSING,
        "Mentors field is empty. At least one mentor (primary) is required.",
        "Upstream Issue URL is empty.",
        CHALLENGE_EMPTY,
    ]
    assert result.passed == []
