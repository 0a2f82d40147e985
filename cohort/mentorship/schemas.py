"""The mentorship API's schemas (`cohort.mentorship.api`): what a caller sends, and what a
placement, its rounds, an evaluation, a feedback and an overdue round look like in answers.

Every class name is the API's own (the OpenAPI document keys its components by name;
cohort/core/tests/test_api_schema_names.py), hence the `Placement…` and `Round…` prefixes.
Every instant answered is a `UtcDatetime`; an instant sent (`until`) must carry its offset.
"""

from __future__ import annotations

from typing import Annotated

from ninja import Field, Schema
from pydantic import AwareDatetime

from cohort.core.schemas import UtcDatetime
from cohort.mentorship.models import (
    COMMENT_MAX,
    MAX_EXTENDED_WEEKS,
    MAX_WORK_LINKS,
    REASON_MAX,
    Communication,
    Progress,
)

# The longest URL a work link or a blog post may be (`Feedback.blog_url`).
URL_MAX = 500
WorkLink = Annotated[str, Field(max_length=URL_MAX)]

# --- input ---------------------------------------------------------------------------------


class PlacementAnswersIn(Schema):
    """What a mentor's evaluation says; the whole of it (fields left out are cleared)."""

    passed: bool = Field(description="Whether the mentee passes this round")
    progress: str = Field(
        "", description="Progress against the plan: " + ", ".join(Progress.values) + " or empty"
    )
    communication: str = Field(
        "", description="Communication: " + ", ".join(Communication.values) + " or empty"
    )
    hours_per_week: int | None = Field(None, description="Hours a week the mentee works")
    comments_for_mentee: str = Field(
        "", description="The mentee reads these", max_length=COMMENT_MAX
    )
    private_comments: str = Field(
        "",
        description="For the program admins and the project's mentors; never the mentee",
        max_length=COMMENT_MAX,
    )


class PlacementEvaluationIn(PlacementAnswersIn):
    round: str = Field(
        description='The round\'s key: "midterm", "final", or another of the placement\'s rounds',
        max_length=30,
    )


class RoundReopenIn(Schema):
    until: AwareDatetime = Field(
        description="Reopen the round for the mentors until this instant (with its offset)"
    )
    reason: str = Field(description="Why; kept in the audit log", max_length=REASON_MAX)


class RoundDecisionIn(Schema):
    passed: bool = Field(description="The result that counts, over the mentors' (or none)")
    reason: str = Field(description="Why; kept in the audit log", max_length=REASON_MAX)


class PlacementFeedbackIn(Schema):
    round: str = Field(description="The round's key", max_length=30)
    mentor_rating: int = Field(description="Your mentors, 1 (poor) to 5 (excellent)")
    program_rating: int = Field(description="The program, 1 (poor) to 5 (excellent)")
    mentor_comments: str = Field("", max_length=COMMENT_MAX)
    program_comments: str = Field("", max_length=COMMENT_MAX)
    blog_url: str = Field(
        "", description="Your blog post (the final round needs it)", max_length=URL_MAX
    )
    work_links: list[WorkLink] = Field(
        default_factory=list,
        description="Links to your pull requests and issues (the final round needs one)",
        max_length=MAX_WORK_LINKS,
    )


class PlacementExtendIn(Schema):
    weeks: int = Field(description=f"Weeks to add, 1 to {MAX_EXTENDED_WEEKS} in all")
    reason: str = Field(description="Why; kept in the audit log", max_length=REASON_MAX)


class PlacementReasonIn(Schema):
    reason: str = Field(description="Why; kept in the audit log", max_length=REASON_MAX)


class PlacementResumeIn(Schema):
    note: str = Field("", description="Optional; kept in the audit log", max_length=REASON_MAX)


# --- output --------------------------------------------------------------------------------


class PlacementMentorOut(Schema):
    name: str
    github: str
    email: str
    role: str


class PlacementDateOut(Schema):
    key: str
    label: str
    at: UtcDatetime = Field(description="When it closes (a whole-day one: its first instant)")
    whole_day: bool


class PlacementEvaluationOut(Schema):
    round: str = Field(description="The round's key")
    status: str = Field(description="submitted, locked, reopened or overridden")
    passed: bool = Field(description="The result that counts")
    mentor_passed: bool | None = Field(
        description="What the mentors said; null when an admin decided a round none evaluated"
    )
    progress: str
    communication: str
    hours_per_week: int | None
    comments_for_mentee: str
    private_comments: str | None = Field(description="null for the mentee")
    override_reason: str | None = Field(description="Why an admin decided; null for the mentee")
    submitted_at: UtcDatetime
    settled_at: UtcDatetime | None = Field(description="When the result became final")
    placement_status: str = Field(description="The placement's status now")


class PlacementFeedbackOut(Schema):
    round: str = Field(description="The round's key")
    mentor_rating: int
    program_rating: int
    mentor_comments: str
    program_comments: str
    blog_url: str
    work_links: list[str]
    submitted_at: UtcDatetime
    late: bool = Field(description="Given after the round was due")


class PlacementRoundOut(Schema):
    key: str
    label: str
    final: bool
    state: str = Field(description="upcoming, open, reopened, closed or overdue")
    opens_at: UtcDatetime
    due_at: UtcDatetime
    closes_at: UtcDatetime = Field(description="When the evaluation locks (later if reopened)")
    result: str | None = Field(description="passed, failed, or null while nobody evaluated")
    settled: bool = Field(description="Whether the result is final")
    evaluation: PlacementEvaluationOut | None
    feedback_given: bool
    feedback: PlacementFeedbackOut | None = Field(
        description="The mentee's feedback: the mentee and the program admins only"
    )
    can_evaluate: bool
    can_give_feedback: bool


class PlacementOut(Schema):
    id: int
    status: str = Field(description="upcoming, active, on_hold, withdrawn, failed or graduated")
    seat: str = Field(description="How the caller sees it: mentee, mentor or admin")
    term: int
    term_label: str
    project: int
    project_title: str
    organization: str
    mentee: int
    mentee_name: str
    starts_at: UtcDatetime | None
    ends_at: UtcDatetime | None
    extended_weeks: int
    paused_days: int
    outcome_note: str
    completion_url: str | None = Field(
        description="The public completion page's path while shared (the mentee only)"
    )
    mentors: list[PlacementMentorOut]
    upstream_issues: list[str]
    dates_ahead: list[PlacementDateOut]
    rounds: list[PlacementRoundOut]


class CompletionShareOut(Schema):
    shared: bool
    url: str | None = Field(description="The public page's path, /completed/<token>/")


class OverdueRoundOut(Schema):
    placement: int
    round: str = Field(description="The round's key")
    label: str
    mentee: int
    mentee_name: str
    project: int
    project_title: str
    organization: str
    placement_status: str
    due_at: UtcDatetime
    closed_at: UtcDatetime


class PolicyRoundOut(Schema):
    key: str
    label: str
    week: int = Field(description="Due this many weeks after the mentorship begins")
    milestone: str = Field(description="Due at this term milestone instead, when the term has it")
    final: bool
    ends_on_fail: bool = Field(description="A fail in this round ends the placement")


class PolicyChoiceOut(Schema):
    slug: str
    name: str
    weeks: int
    source: str
    rounds: list[PolicyRoundOut]
    installed: bool = Field(description="The program has this policy (else: a preset)")
    default: bool = Field(description="New placements take this policy")


class PolicyChoiceIn(Schema):
    policy: str = Field(max_length=50, description="lfx-full-time, lfx-part-time, gsoc, outreachy")
