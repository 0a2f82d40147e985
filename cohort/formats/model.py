"""Plain data for a term as the formats read and write it.

Every reader in `cohort.formats` produces a `TermData`; every writer takes one. The Django
side converts between these and its models (`cohort.projects.interchange`), so the formats
never import Django and can be tested without a database.

Datetimes are aware and in UTC. Strings are never None: a missing value is "".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

ProjectStatus = Literal["published", "proposed"]
MentorRole = Literal["primary", "co-mentor"]
OrgKind = Literal["project", "group"]

# Mentor flags: what the importer could not recover. Never guessed, always kept raw.
FLAG_EMAIL_MISSING = "email_missing"
FLAG_EMAIL_OBFUSCATED = "email_obfuscated"
FLAG_EMAIL_INVALID = "email_invalid"
FLAG_HANDLE_MISSING = "handle_missing"
FLAG_HANDLE_INVALID = "handle_invalid"
MENTOR_FLAGS = (
    FLAG_EMAIL_MISSING,
    FLAG_EMAIL_OBFUSCATED,
    FLAG_EMAIL_INVALID,
    FLAG_HANDLE_MISSING,
    FLAG_HANDLE_INVALID,
)


@dataclass
class Mentor:
    name: str
    github: str = ""  # GitHub login without "@"; kept as written even when invalid (flagged)
    email: str = ""  # a well-formed address, or ""
    lfid: str = ""
    role: MentorRole = "co-mentor"
    flags: list[str] = field(default_factory=list)  # sorted subset of MENTOR_FLAGS
    contact: str = ""  # unrecoverable contact text as written, e.g. "craig.box AT gee-mail"


@dataclass
class Prerequisites:
    """The LFX prerequisite toggles of a program (cncf-process.md §5.1)."""

    resume: bool = False
    cover_letter: bool = False
    school_enrollment: bool = False
    participation_permission: bool = False
    coding_challenge: bool = False
    coding_challenge_url: str | None = None
    custom_name: str | None = None
    custom_description: str | None = None
    custom_file_upload: bool = False
    has_custom: bool = False


@dataclass
class Project:
    title: str  # display title, the page heading
    lfx_title: str = ""  # "CNCF - <Project>: <Name> (<YYYY Term N>)" when known
    status: ProjectStatus = "published"
    description: str = ""
    expected_outcome: str = ""
    skills: str = ""
    technologies: str = ""
    mentors: list[Mentor] = field(default_factory=list)
    upstream_issues: list[str] = field(default_factory=list)
    lfx_url: str = ""
    raw: str = ""  # the entry's original text, verbatim
    subgroup: str = ""  # e.g. "SIG Storage" when the page nests titles one level deeper
    number: int | None = None  # CNCF issue number / Cohort proposal number
    issue_url: str = ""
    prerequisites: Prerequisites | None = None
    # A Cohort proposal's issue-form sections (label → value) as stored; None when the source
    # does not carry them (term pages, CNCF exports), "" values included as they are.
    form: dict[str, str] | None = None
    line: int = 0  # 1-based line of the entry in its source, 0 when unknown


@dataclass
class Organization:
    name: str
    kind: OrgKind = "project"
    slug: str = ""  # CNCF projects.yml slug, when known
    maturity: str = ""  # graduated | incubating | sandbox, when known
    projects: list[Project] = field(default_factory=list)


@dataclass
class Milestone:
    key: str  # snake_case, unique in the term, e.g. "proposals_open"
    label: str  # the activity as written
    raw: str  # the date text as written
    start: datetime | None = None  # aware, UTC
    end: datetime | None = None  # aware, UTC; the instant the phase closes
    has_time: bool = False  # whether the text gave a clock time (else whole days)


@dataclass
class TermData:
    title: str  # the page title as written, e.g. "Term 03 - 2024 September - November"
    year: int | None = None
    number: int | None = None  # 1, 2 or 3 for CNCF terms
    status: str = ""  # as written, e.g. "Planning"
    time_zone: str = "UTC"  # IANA name
    duration: str = ""
    milestones: list[Milestone] = field(default_factory=list)
    organizations: list[Organization] = field(default_factory=list)
    frontmatter: str = ""  # page text up to and including the first "---" line, if any
    generated: str = ""  # lfx-export.json "_generated", kept so a re-export is byte-identical
    # Where the data came from. Not term data: no format writes it.
    source_kind: Literal["readme", "ideas", "lfx-json", "canonical", "json"] = "readme"

    @property
    def label(self) -> str:
        """The term's name everywhere on the command line, e.g. "2024 Term 3"."""
        if self.year is None or self.number is None:
            return ""
        return f"{self.year} Term {self.number}"

    def projects(self) -> list[Project]:
        return [p for org in self.organizations for p in org.projects]


class FormatError(ValueError):
    """Malformed input. `str()` is "file:line: what is wrong" when the file is known."""

    def __init__(self, message: str, *, line: int = 0, source: str = "") -> None:
        self.message = message
        self.line = line
        self.source = source
        super().__init__(self.located())

    def located(self) -> str:
        where = self.source or "<input>"
        if self.line:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}"
