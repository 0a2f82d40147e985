"""Term-page regressions from issue 15, on hand-written pages in the style of the real ones:
distinct headings stay distinct programs (a program titled `Sample …` is not a sample block),
and a field label indented by mistake under the previous field is still read."""

from __future__ import annotations

from pathlib import Path

import pytest

from cohort.formats.model import Project, TermData
from cohort.formats.termpage import parse_term_page

FIXTURES = Path(__file__).parent / "fixtures" / "regressions"


def load(name: str) -> TermData:
    return parse_term_page((FIXTURES / name).read_text(encoding="utf-8"), source=name)


def by_title(term: TermData) -> dict[str, Project]:
    return {project.title: project for project in term.projects()}


# --- distinct headings stay distinct programs ----------------------------------------------------


def test_programs_sharing_their_opening_sentences_stay_three_programs() -> None:
    term = load("shared-opening.md")
    assert [org.name for org in term.organizations] == ["Flotilla"]
    assert [p.title for p in term.projects()] == [
        "Conformance Tests For The Rollout API",
        "Sample Manifests For The Rollout API",
        "Examples Gallery For The CLI",
    ]


def test_a_program_titled_sample_keeps_its_own_fields() -> None:
    project = by_title(load("shared-opening.md"))["Sample Manifests For The Rollout API"]
    assert project.line == 32
    assert project.description.endswith("writes sample manifests that users can copy.")
    assert [m.name for m in project.mentors] == ["Bo Lindqvist"]
    assert [m.github for m in project.mentors] == ["bolind"]
    assert project.upstream_issues == ["https://github.com/flotilla-example/flotilla/issues/402"]
    assert project.lfx_url.endswith("000000000402")
    assert project.raw.startswith("#### Sample Manifests For The Rollout API\n")


def test_the_program_before_it_does_not_take_its_text() -> None:
    project = by_title(load("shared-opening.md"))["Conformance Tests For The Rollout API"]
    assert project.description.endswith("end-to-end conformance tests for it.")
    assert [m.name for m in project.mentors] == ["Ada Quill"]
    assert project.lfx_url.endswith("000000000401")
    assert "Sample Manifests" not in project.raw


def test_a_sample_block_is_still_left_out() -> None:
    term = load("shared-opening.md")
    assert all("Nobody Real" not in [m.name for m in p.mentors] for p in term.projects())
    assert all("not a program" not in p.description for p in term.projects())


@pytest.mark.parametrize(
    "heading",
    ["### Sample", "### Sample:", "### Template", "### Example - layout"],
)
def test_a_marker_heading_leaves_out_the_program_under_it(heading: str) -> None:
    text = (
        "# LFX Mentorship 2025 Term 2\n\n---\n\n## Accepted Projects\n\n"
        f"{heading}\n\n#### Refactor The API\n\n- Description: layout only\n"
        "- Mentor(s): Nobody Real (@nobody)\n\n"
        "### Flotilla\n\n#### Real Work\n\n"
        "- Description: real\n- Mentor(s): Ada Quill (@adaquill)\n"
    )
    term = parse_term_page(text, source="marker.md")
    assert [p.title for p in term.projects()] == ["Real Work"]


def test_a_program_titled_example_with_its_own_fields_is_read() -> None:
    project = by_title(load("shared-opening.md"))["Examples Gallery For The CLI"]
    assert project.description.endswith("collects runnable CLI examples.")
    assert [m.name for m in project.mentors] == ["Ada Quill"]


# --- a field label indented by mistake -----------------------------------------------------------


def test_an_indented_mentor_line_under_the_outcome_list_is_read() -> None:
    project = by_title(load("indented-label.md"))["Query Planner For The Trace Store"]
    assert [(m.name, m.github, m.email) for m in project.mentors] == [
        ("Cleo Marsh", "cleomarsh", "cleo@lanternfish.example"),
        ("Dev Patil", "devpatil", "dev@lanternfish.example"),
    ]
    assert project.expected_outcome == (
        "- A planner behind a feature flag.\n- Benchmarks on a public data set."
    )
    assert project.upstream_issues == [
        "https://github.com/lanternfish-example/lanternfish/issues/77"
    ]
    assert project.lfx_url.endswith("000000000077")


def test_an_indented_upstream_line_is_read_too() -> None:
    project = by_title(load("indented-label.md"))["Retention Policies Per Tenant"]
    assert project.upstream_issues == [
        "https://github.com/lanternfish-example/lanternfish/issues/78"
    ]
    assert project.expected_outcome == "- Retention set per tenant in the config file."
    assert [m.name for m in project.mentors] == ["Cleo Marsh"]


def test_an_indented_label_the_program_already_has_stays_text() -> None:
    project = by_title(load("indented-label.md"))["Compaction Metrics"]
    assert [m.name for m in project.mentors] == ["Dev Patil"]
    assert project.expected_outcome.endswith(
        "Mentors: will review the dashboards weekly with the mentee."
    )


def test_every_program_on_the_page_has_mentors() -> None:
    term = load("indented-label.md")
    assert len(term.projects()) == 3
    assert all(p.mentors for p in term.projects())


def test_an_indented_code_block_is_not_read_as_a_label() -> None:
    text = (
        "# LFX Mentorship 2026 Term 1\n\n---\n\n## Accepted Projects\n\n### Lanternfish\n\n"
        "#### Config Docs\n\n- Description: Document the config file:\n\n"
        "      Mentor(s): this is sample config text\n\n"
        "- Expected Outcome: docs\n"
    )
    project = parse_term_page(text, source="code.md").projects()[0]
    assert project.mentors == []
    assert "Mentor(s): this is sample config text" in project.description
