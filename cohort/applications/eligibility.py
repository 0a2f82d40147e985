"""Who may apply (pure): the four attestations and, for each one answered "no", why not.

From the LFX eligibility rules (cncf-process.md §6 "Mentee eligibility"): 18 or older when
the term starts, eligible to work where the mentee takes part, not a prior or active
participant in another LF mentorship, and no Code of Conduct violation (the LF's or any LF
project's) in the last 12 months. Cohort asks these first, so someone who cannot be
selected learns it before writing an application.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Attestation:
    field: str
    statement: str  # what the mentee confirms
    refusal: str  # why they cannot apply when they do not


ATTESTATIONS: tuple[Attestation, ...] = (
    Attestation(
        "is_adult",
        "I will be 18 or older when the term starts.",
        "Mentees must be 18 or older when the term starts.",
    ),
    Attestation(
        "can_work",
        "I am eligible to work in the country where I will take part.",
        "Mentees must be eligible to work where they take part: the stipend is paid as work.",
    ),
    Attestation(
        "first_mentorship",
        "I have not taken part, and am not taking part, in another Linux Foundation mentorship.",
        "Each person may take part in one Linux Foundation mentorship only.",
    ),
    Attestation(
        "no_coc_violation",
        "I have had no Code of Conduct violation (the Linux Foundation's or any of its "
        "projects') in the last 12 months.",
        "Someone with a Code of Conduct violation in the last 12 months cannot apply.",
    ),
)

FIELDS = tuple(a.field for a in ATTESTATIONS)


def refusals(answers: Mapping[str, bool | None]) -> list[str]:
    """Why someone with these answers cannot apply; empty when they can.

    An unanswered attestation (None) is not a refusal: the form asks for it.
    """
    return [a.refusal for a in ATTESTATIONS if answers.get(a.field) is False]


def unanswered(answers: Mapping[str, bool | None]) -> list[str]:
    return [a.statement for a in ATTESTATIONS if answers.get(a.field) is None]
