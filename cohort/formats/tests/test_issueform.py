"""The CNCF proposal issue form body (spec/cncf-process.md §1)."""

from __future__ import annotations

from cohort.formats.issueform import (
    CUSTOM_OPTION,
    FILE_UPLOAD_OPTION,
    FORM_LABELS,
    LABEL_CUSTOM_FILE_UPLOAD,
    LABEL_PREREQUISITES,
    MAX_LENGTHS,
    IssueForm,
    checkbox_options,
    form_from_fields,
    issue_form_body,
    js_trim,
    length_problem,
    length_problems,
    parse_issue_form,
    utf16_len,
)

# A body as GitHub writes it for the 15 fields of the template, in form order.
BODY = """### CNCF Project

Jaeger

### Term

2026 Term 3 (Sep-Nov)

### Program Name

Add Prometheus Metrics to Control Plane Service

### Program Description

## Description

Instrument the collector.

## Expected outcomes

- Metrics for every queue

### Technologies

Go, Kubernetes, Prometheus

### Skills same as Technologies?

- [X] Yes, the required skills are the same as the technologies listed above.

### Required/Desirable Skills

_No response_

### Mentors

Jane Doe | @janedoe | jane@example.com | janedoe
John Roe | @jroe | <john@example.org> | jroe

### Upstream Issue URL

https://github.com/jaegertracing/jaeger/issues/1234

### Application Prerequisites

- [X] Resume
- [ ] Cover Letter
- [ ] School Enrollment Verification
- [ ] Participation Permission from school or employer
- [x] Coding Challenge

### Coding Challenge URL

https://github.com/jaegertracing/jaeger/issues/1

### Custom Prerequisites

- [X] Custom Prerequisite (fill in details below)

### Custom Prerequisite Name

Blog post

### Custom Prerequisite Description

Write a short blog post about tracing.

### Custom Prerequisite — File Upload

- [ ] Yes — completion of this task requires the mentee to submit a file.
"""


def test_a_full_body_reads_every_field():
    form = parse_issue_form(BODY, source="issue.md")
    assert list(form.sections) == list(FORM_LABELS)
    assert form.source == "issue.md"
    assert form.project == "Jaeger"
    assert form.term == "2026 Term 3 (Sep-Nov)"
    assert form.program_name == "Add Prometheus Metrics to Control Plane Service"
    assert form.description == (
        "## Description\n\nInstrument the collector.\n\n## Expected outcomes\n\n"
        "- Metrics for every queue"
    )
    assert form.technologies == "Go, Kubernetes, Prometheus"
    assert form.skills_same is True
    assert form.skills == ""
    assert form.mentors == (
        "Jane Doe | @janedoe | jane@example.com | janedoe\n"
        "John Roe | @jroe | <john@example.org> | jroe"
    )
    assert form.upstream_issue_url == "https://github.com/jaegertracing/jaeger/issues/1234"
    assert form.prerequisites == {"Resume", "Coding Challenge"}
    assert form.coding_challenge_url == "https://github.com/jaegertracing/jaeger/issues/1"
    assert form.custom_checked is True
    assert form.custom_name == "Blog post"
    assert form.custom_description == "Write a short blog post about tracing."
    assert form.custom_file_upload is False


def test_no_response_reads_as_empty_and_missing_sections_read_as_empty():
    form = parse_issue_form("### Term\n\n_No response_\n\n### Mentors\n\n  _No response_  \n")
    assert form.sections == {"Term": "", "Mentors": ""}
    assert form.term == ""
    assert form.project == ""
    assert form.skills_same is False
    assert form.prerequisites == set()


def test_text_before_the_first_heading_and_a_bare_last_heading_are_no_sections():
    form = parse_issue_form("intro text\n### CNCF Project\n\nArgo\n### Term")
    assert form.sections == {"CNCF Project": "Argo"}


def test_a_label_seen_twice_keeps_the_last_value():
    form = parse_issue_form("### Term\n\nA\n\n### Term\n\nB\n")
    assert form.term == "B"


def test_headings_need_three_hashes_at_the_start_of_a_line():
    form = parse_issue_form("### Program Description\n\n## Goals\n#### Deep\n x ### y\n")
    assert form.description == "## Goals\n#### Deep\n x ### y"


def test_a_box_is_checked_with_x_or_capital_x_and_unchecked_with_a_space():
    value = "- [x] Resume\n- [X] Cover Letter\n- [ ] School Enrollment Verification\n- [-] Other"
    assert checkbox_options(value) == [
        ("Resume", True),
        ("Cover Letter", True),
        ("School Enrollment Verification", False),
        ("Other", False),
    ]
    form = parse_issue_form(f"### {LABEL_PREREQUISITES}\n\n{value}\n")
    assert form.prerequisites == {"Resume", "Cover Letter"}
    lower = parse_issue_form(f"### {LABEL_CUSTOM_FILE_UPLOAD}\n\n- [x] {FILE_UPLOAD_OPTION}\n")
    assert lower.custom_file_upload is True


def test_crlf_bodies_read_like_lf_bodies():
    assert parse_issue_form(BODY.replace("\n", "\r\n")) == parse_issue_form(BODY)
    assert "\r" not in "".join(parse_issue_form(BODY.replace("\n", "\r\n")).sections.values())


def test_the_lfx_url_block_is_stripped_before_parsing():
    block = (
        "\n<!-- lfx-url:start -->\n\n---\n**LFX program:** [CNCF - Jaeger: X (2026 Term 3)]"
        "(https://mentorship.lfx.linuxfoundation.org/project/1)\n<!-- lfx-url:end -->\n"
    )
    form = parse_issue_form(BODY.rstrip("\n") + "\n" + block)
    assert form == parse_issue_form(BODY)
    assert form.custom_file_upload is False
    inside = parse_issue_form("### Term\n\nT\n<!-- lfx-url:start -->\n### Mentors\n\nx\n")
    assert inside.sections == {"Term": "T\n<!-- lfx-url:start -->", "Mentors": "x"}


def test_the_custom_box_of_older_proposals_is_read_from_application_prerequisites():
    old = parse_issue_form(f"### {LABEL_PREREQUISITES}\n\n- [X] Resume\n- [x] {CUSTOM_OPTION}\n")
    assert old.custom_checked is True
    unchecked = parse_issue_form(f"### {LABEL_PREREQUISITES}\n\n- [ ] {CUSTOM_OPTION}\n")
    assert unchecked.custom_checked is False


def test_a_parsed_body_written_again_reads_the_same():
    form = parse_issue_form(BODY)
    body = issue_form_body(form)
    assert parse_issue_form(body) == form
    assert "### Required/Desirable Skills\n\n_No response_\n\n" in body
    assert body.startswith("### CNCF Project\n\nJaeger\n\n### Term\n\n")


def test_a_built_form_writes_github_checkbox_lines_and_round_trips():
    form = IssueForm.build(
        project="Argo",
        term="2026 Term 3 (Sep-Nov)",
        program_name="Name",
        description="  Text\r\nmore  ",
        technologies="Go",
        skills="Go",
        mentors="A | @a | a@x.io | a",
        upstream_issue_url="https://github.com/argoproj/argo-cd/issues/1",
        prerequisites=["Resume", "Coding Challenge", "Old option"],
        coding_challenge_url="https://example.com/c",
        custom_checked=True,
        custom_name="N",
        custom_description="D",
        custom_file_upload=True,
    )
    assert list(form.sections) == list(FORM_LABELS)
    assert form.description == "Text\nmore"
    assert form.prerequisites == {"Resume", "Coding Challenge", "Old option"}
    body = issue_form_body(form)
    assert (
        "### Application Prerequisites\n\n- [X] Resume\n- [ ] Cover Letter\n"
        "- [ ] School Enrollment Verification\n"
        "- [ ] Participation Permission from school or employer\n- [X] Coding Challenge\n"
        "- [X] Old option\n\n"
    ) in body
    assert (
        "### Skills same as Technologies?\n\n"
        "- [ ] Yes, the required skills are the same as the technologies listed above.\n\n"
    ) in body
    assert parse_issue_form(body) == form
    empty = IssueForm.build()
    assert parse_issue_form(issue_form_body(empty)) == empty
    assert issue_form_body(empty).count("_No response_") == 11


def test_js_trim_and_utf16_length():
    assert js_trim("\ufeff x \u00a0") == "x"
    assert js_trim("\x1cx") == "\x1cx"  # not JavaScript whitespace
    assert utf16_len("ok 🚀") == 5


def test_stored_fields_make_a_form_in_form_order_without_parsing():
    fields = {
        "An older section": "kept",
        LABEL_PREREQUISITES: "- [X] Resume",
        "CNCF Project": "Jaeger",
        "Program Description": "Plan\n\n### CNCF Project\n\nKubernetes\n\n_No response_",
    }
    form = form_from_fields(fields)
    assert list(form.sections) == [
        "CNCF Project",
        "Program Description",
        LABEL_PREREQUISITES,
        "An older section",
    ]
    assert form.project == "Jaeger"
    assert form.description == fields["Program Description"]
    assert form.prerequisites == {"Resume"}


def test_a_built_form_keeps_a_typed_no_response_and_heading_lines():
    form = IssueForm.build(description="_No response_", technologies="\r\n### Goals\r\n x ")
    assert form.description == "_No response_"
    assert form.technologies == "### Goals\n x"


def test_size_limits_are_one_table_counted_after_cleaning():
    assert set(MAX_LENGTHS) == set(FORM_LABELS)
    assert length_problem("Program Description", " " + "x" * 20_000 + "\r\n") is None
    assert length_problem("Program Description", "x" * 20_001) == (
        "“Program Description” is too long: 20,001 characters; the limit is 20,000."
    )
    assert length_problem("An older section", "x" * 5001) == (
        "“An older section” is too long: 5,001 characters; the limit is 5,000."
    )
    many = IssueForm({f"S{i}": "" for i in range(41)} | {"H" * 201: "", "Mentors": "m" * 4001})
    assert length_problems(many) == [
        "The form has too many sections: 43; the limit is 40.",
        "A section heading is too long: 201 characters; the limit is 200.",
        "“Mentors” is too long: 4,001 characters; the limit is 4,000.",
    ]
    assert length_problems(IssueForm.build(description="x" * 20_000)) == []
