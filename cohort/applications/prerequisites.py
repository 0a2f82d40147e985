"""Which tasks an application holds, from the project's prerequisite toggles (pure, no Django).

A project's prerequisites are the LFX toggles of its proposal (cncf-process.md §1 field 10,
§5.1; `cohort.formats.model.Prerequisites` as a dict). Each checked toggle becomes one task
the applicant completes; the LFC102 certificate is added when the program requires it
(the CNCF has required it of every program since 2026, `A/lib/prerequisites.js`).
Projects imported from a historical term page carry no toggles, and a proposal may check
none; they get the two tasks every CNCF program has always asked for, a résumé and a cover
letter.

Each task kind takes one sort of answer:

- text: written in the form (the cover letter; a custom task without a file);
- link: a URL (a coding challenge answered by a link);
- file: a PDF upload (résumé, certificates, a custom task that requires a file);
- link or file: the coding challenge may be either.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    RESUME = "resume"
    COVER_LETTER = "cover_letter"
    CODING_CHALLENGE = "coding_challenge"
    CUSTOM = "custom"
    SCHOOL_ENROLLMENT = "school_enrollment"
    PARTICIPATION_PERMISSION = "participation_permission"
    LFC102 = "lfc102"


class Answer(StrEnum):
    TEXT = "text"
    LINK = "link"
    FILE = "file"
    LINK_OR_FILE = "link_or_file"


@dataclass(frozen=True)
class TaskSpec:
    kind: Kind
    title: str
    answer: Answer
    help: str = ""

    @property
    def takes_text(self) -> bool:
        return self.answer is Answer.TEXT

    @property
    def takes_link(self) -> bool:
        return self.answer in (Answer.LINK, Answer.LINK_OR_FILE)

    @property
    def takes_file(self) -> bool:
        return self.answer in (Answer.FILE, Answer.LINK_OR_FILE)


TITLES: Mapping[Kind, str] = {
    Kind.RESUME: "Résumé",
    Kind.COVER_LETTER: "Cover letter",
    Kind.CODING_CHALLENGE: "Coding challenge",
    Kind.CUSTOM: "Custom task",
    Kind.SCHOOL_ENROLLMENT: "School enrollment verification",
    Kind.PARTICIPATION_PERMISSION: "Participation permission from school or employer",
    Kind.LFC102: "LFC102 certificate",
}

# The cover letter is what LFX also calls the "statement of purpose" (cncf/mentoring#1172).
COVER_LETTER_HELP = (
    "Also called a statement of purpose: why this project, what you bring to it, and what "
    "you want to learn. Plain text or Markdown."
)
LFC102_HELP = (
    "The certificate of the free course “Inclusive Open Source Community Orientation” "
    "(LFC102), as a PDF. Every accepted mentee must complete it."
)

# The toggles that each add a task (the LFC102 certificate comes from the program).
TOGGLES = (
    "resume",
    "cover_letter",
    "coding_challenge",
    "has_custom",
    "custom_name",
    "custom_description",
    "school_enrollment",
    "participation_permission",
)

# The most a cover letter or a custom task's text may hold (characters).
MAX_TEXT = 10_000


def task_specs(prerequisites: Mapping[str, Any] | None, *, require_lfc102: bool) -> list[TaskSpec]:
    """The tasks an application to a project with `prerequisites` holds, in display order."""
    p = dict(prerequisites or {})
    if not any(p.get(toggle) for toggle in TOGGLES):
        # No toggles (an imported project), or none checked: what every program asks for.
        # An application without a task would be "submitted" the moment it starts.
        p = {**p, "resume": True, "cover_letter": True}
    specs: list[TaskSpec] = []
    if p.get("resume"):
        specs.append(
            TaskSpec(Kind.RESUME, TITLES[Kind.RESUME], Answer.FILE, "A PDF of 5 MB or less.")
        )
    if p.get("cover_letter"):
        specs.append(
            TaskSpec(Kind.COVER_LETTER, TITLES[Kind.COVER_LETTER], Answer.TEXT, COVER_LETTER_HELP)
        )
    if p.get("coding_challenge"):
        where = p.get("coding_challenge_url") or ""
        specs.append(
            TaskSpec(
                Kind.CODING_CHALLENGE,
                TITLES[Kind.CODING_CHALLENGE],
                Answer.LINK_OR_FILE,
                (f"The challenge is described at {where}. " if where else "")
                + "Give a link to your answer (a pull request, a repository, a gist) "
                "or upload it.",
            )
        )
    if p.get("has_custom") or p.get("custom_name") or p.get("custom_description"):
        specs.append(
            TaskSpec(
                Kind.CUSTOM,
                str(p.get("custom_name") or TITLES[Kind.CUSTOM]),
                Answer.FILE if p.get("custom_file_upload") else Answer.TEXT,
                str(p.get("custom_description") or ""),
            )
        )
    if p.get("school_enrollment"):
        specs.append(TaskSpec(Kind.SCHOOL_ENROLLMENT, TITLES[Kind.SCHOOL_ENROLLMENT], Answer.FILE))
    if p.get("participation_permission"):
        specs.append(
            TaskSpec(
                Kind.PARTICIPATION_PERMISSION, TITLES[Kind.PARTICIPATION_PERMISSION], Answer.FILE
            )
        )
    if require_lfc102:
        specs.append(TaskSpec(Kind.LFC102, TITLES[Kind.LFC102], Answer.FILE, LFC102_HELP))
    return specs


def spec_for(specs: list[TaskSpec], kind: str) -> TaskSpec | None:
    return next((spec for spec in specs if spec.kind == kind), None)
