"""Which tasks an application holds, from the project's toggles (pure: no database)."""

from __future__ import annotations

import pytest

from cohort.applications.prerequisites import (
    COVER_LETTER_HELP,
    LFC102_HELP,
    Answer,
    Kind,
    TaskSpec,
    spec_for,
    task_specs,
)

NOTHING = {
    "resume": False,
    "cover_letter": False,
    "school_enrollment": False,
    "participation_permission": False,
    "coding_challenge": False,
    "coding_challenge_url": None,
    "custom_name": None,
    "custom_description": None,
    "custom_file_upload": False,
    "has_custom": False,
}


def kinds(specs: list[TaskSpec]) -> list[str]:
    return [spec.kind for spec in specs]


def test_no_toggles_means_resume_and_cover_letter() -> None:
    specs = task_specs(None, require_lfc102=False)
    assert kinds(specs) == [Kind.RESUME, Kind.COVER_LETTER]
    resume, letter = specs
    assert resume.answer is Answer.FILE
    assert resume.takes_file
    assert not resume.takes_text
    assert "5 MB" in resume.help
    assert letter.answer is Answer.TEXT
    assert letter.takes_text
    assert not letter.takes_link
    assert letter.help == COVER_LETTER_HELP
    assert letter.title == "Cover letter"


def test_a_form_with_nothing_checked_still_asks_for_resume_and_cover_letter() -> None:
    # Otherwise an application would hold no task and be "submitted" the moment it starts.
    assert kinds(task_specs(NOTHING, require_lfc102=False)) == [Kind.RESUME, Kind.COVER_LETTER]
    assert kinds(task_specs({}, require_lfc102=True)) == [
        Kind.RESUME,
        Kind.COVER_LETTER,
        Kind.LFC102,
    ]


def test_only_the_checked_toggles_become_tasks() -> None:
    assert kinds(task_specs({**NOTHING, "cover_letter": True}, require_lfc102=False)) == [
        Kind.COVER_LETTER
    ]


def test_coding_challenge_takes_a_link_or_a_file_and_names_the_challenge() -> None:
    p = {**NOTHING, "coding_challenge": True, "coding_challenge_url": "https://x.dev/ch"}
    (spec,) = task_specs(p, require_lfc102=False)
    assert spec.kind is Kind.CODING_CHALLENGE
    assert spec.answer is Answer.LINK_OR_FILE
    assert spec.takes_link
    assert spec.takes_file
    assert not spec.takes_text
    assert spec.help.startswith("The challenge is described at https://x.dev/ch. ")


def test_coding_challenge_without_url_has_generic_help() -> None:
    (spec,) = task_specs({**NOTHING, "coding_challenge": True}, require_lfc102=False)
    assert "described at" not in spec.help
    assert spec.help.startswith("Give a link to your answer")


def test_custom_task_without_file_takes_text_with_its_own_name() -> None:
    p = {**NOTHING, "has_custom": True, "custom_name": "Design doc", "custom_description": "Why"}
    (spec,) = task_specs(p, require_lfc102=False)
    assert (spec.kind, spec.title, spec.answer, spec.help) == (
        Kind.CUSTOM,
        "Design doc",
        Answer.TEXT,
        "Why",
    )


def test_custom_task_with_file_takes_a_pdf() -> None:
    p = {**NOTHING, "has_custom": True, "custom_file_upload": True}
    (spec,) = task_specs(p, require_lfc102=False)
    assert spec.answer is Answer.FILE
    assert spec.takes_file
    assert not spec.takes_link
    assert spec.title == "Custom task"  # no name given: the kind's title


def test_custom_name_alone_counts_as_a_custom_task() -> None:
    (spec,) = task_specs({"custom_name": "Essay"}, require_lfc102=False)
    assert spec.kind is Kind.CUSTOM
    assert spec.title == "Essay"


@pytest.mark.parametrize("required", [True, False])
def test_lfc102_follows_the_program_flag(required: bool) -> None:
    specs = task_specs(None, require_lfc102=required)
    assert (Kind.LFC102 in kinds(specs)) is required
    if required:
        assert specs[-1].answer is Answer.FILE
        assert specs[-1].help == LFC102_HELP


def test_every_toggle_in_display_order() -> None:
    p = {
        "resume": True,
        "cover_letter": True,
        "coding_challenge": True,
        "has_custom": True,
        "school_enrollment": True,
        "participation_permission": True,
    }
    specs = task_specs(p, require_lfc102=True)
    assert kinds(specs) == [
        Kind.RESUME,
        Kind.COVER_LETTER,
        Kind.CODING_CHALLENGE,
        Kind.CUSTOM,
        Kind.SCHOOL_ENROLLMENT,
        Kind.PARTICIPATION_PERMISSION,
        Kind.LFC102,
    ]
    assert [s.answer for s in specs[4:]] == [Answer.FILE] * 3
    assert spec_for(specs, "school_enrollment") is specs[4]
    assert spec_for(specs, "nope") is None
