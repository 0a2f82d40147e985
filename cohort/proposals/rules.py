"""Proposal validation: every field rule of the CNCF validator (spec/cncf-process.md §2.2).

Pure functions over plain data: no Django, no database. The caller looks up the other open
proposals of the same project and term and passes them in (`OtherProposal`), with the quota
(`quota_for()`), or says that the lookup failed (`scan_error`).

Messages are the CNCF texts, character for character, in the order the CNCF validator lists
them: field order (#1-#24), then the scan of the other proposals (#28w when it failed), the
quota (#25w), the duplicate upstream issue (#26w), and the LFID reminder (#27w). Lengths are
JavaScript lengths (UTF-16 code units) of trimmed values.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

from cohort.formats.issueform import (
    FORM_LABELS,
    JS_SPACE,
    PREREQUISITE_CODING_CHALLENGE,
    IssueForm,
    js_trim,
    utf16_len,
)
from cohort.formats.lfx import program_full_title, term_token

LFX_TITLE_MAX: Final = 100
TITLE_FIXED_CHARS: Final = 12  # "CNCF - ", ": ", " (", ")"
DESCRIPTION_MAX: Final = 3000
MAX_MENTORS: Final = 4
MIN_PREFERRED_MENTORS: Final = 2
CUSTOM_NAME_MAX: Final = 20
CUSTOM_DESCRIPTION_MAX: Final = 500
DEFAULT_QUOTA: Final = 4
QUOTA_OVERRIDES: Final[Mapping[str, int]] = MappingProxyType({"kubernetes": 8})

_EMAIL = re.compile(f"[^{JS_SPACE}@]+@[^{JS_SPACE}@]+\\.[^{JS_SPACE}@]+")
_URL = re.compile(f"https?://[^{JS_SPACE}]+")
_HANDLE = re.compile(r"@[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}")
_LFID = re.compile(f"[^{JS_SPACE}@/]+")
_LINE_BREAK = re.compile(r"\r?\n")
_SPACE_RUN = re.compile(f"[{JS_SPACE}]+")
_MAILTO_LINK = re.compile(r"\[[^\]]*\]\(mailto:([^)]*)\)", re.IGNORECASE)
_ANGLE = re.compile(r"<(.*)>", re.DOTALL)
_MAILTO = re.compile(r"mailto:", re.IGNORECASE)
_SCHEME = re.compile(r"^https?://", re.IGNORECASE)

# --- the messages (§2.2), exactly as the CNCF workflow words them ------------------------------

PROJECT_EMPTY: Final = "CNCF Project is empty."
TERM_EMPTY: Final = "Term is empty."
PROGRAM_NAME_EMPTY: Final = "Program Name is empty."
PROGRAM_NAME_TOO_LONG: Final = (
    "Program Name is {len} chars but only {budget} are available "
    "(full name would be {full}/100 chars). Please shorten it."
)
DESCRIPTION_EMPTY: Final = "Program Description is empty."
DESCRIPTION_TOO_LONG: Final = (
    "Program Description is {len} chars (LFX limit is 3000). Please trim {over} chars."
)
TECHNOLOGIES_EMPTY: Final = "Technologies is empty."
SKILLS_MISSING: Final = (
    'Either check "Skills same as Technologies?" or fill in Required/Desirable Skills.'
)
SKILLS_BOTH: Final = (
    '"Skills same as Technologies?" is checked but Required/Desirable Skills is also filled '
    "in. The export will use Technologies for both \u2014 clear one or the other."
)
MENTORS_EMPTY: Final = "Mentors field is empty. At least one mentor (primary) is required."
MENTORS_TOO_MANY: Final = (
    "Too many mentors: {n} listed, but the maximum is 4 (primary plus up to 3 co-mentors). "
    "Please remove the extras."
)
# The spec's table writes the pipes as `\|` (Markdown table escaping); the message has `|`.
MENTOR_FIELD_COUNT: Final = (
    "{role}: expected 3 or 4 pipe-separated fields (Name | @handle | email | LFID), "
    "got {n} in: `{line}`"
)
MENTOR_NAME_EMPTY: Final = "{role}: name is empty."
MENTOR_HANDLE_INVALID: Final = "{role}: handle `{value}` doesn't match `@username` format."
MENTOR_EMAIL_INVALID: Final = "{role}: email `{value}` doesn't look valid."
MENTOR_HANDLE_DUPLICATE: Final = "{role}: duplicate handle `{value}`."
MENTOR_EMAIL_DUPLICATE: Final = "{role}: duplicate email `{value}`."
MENTOR_LFID_MISSING: Final = (
    "{role}: LFID (LF Username) is missing. You can add it later by editing this issue, but "
    "every mentor's LFID is required before the proposal can pass validation and be added "
    "to LFX."
)
MENTOR_LFID_INVALID: Final = (
    "{role}: LFID `{value}` doesn't look like an LF Username (no spaces, @, or URL; "
    "e.g. `janedoe`)."
)
MENTOR_LFID_DUPLICATE: Final = "{role}: duplicate LFID `{value}`."
ONE_MENTOR: Final = (
    "Only one mentor is listed. We usually prefer at least two mentors per program \u2014 "
    "if you can, consider adding a co-mentor."
)
UPSTREAM_EMPTY: Final = "Upstream Issue URL is empty."
UPSTREAM_INVALID: Final = "Upstream Issue URL `{url}` is not a valid URL."
UPSTREAM_MULTIPLE: Final = (
    "Upstream Issue URL should be a single URL. If the program spans multiple issues, please "
    "consider creating an umbrella issue in your project to group them, and link that here."
)
CUSTOM_UNCHECKED: Final = (
    "A Custom Prerequisite name or description is filled in, but the Custom Prerequisite box "
    "is not checked, so it will not be sent to LFX. Check the box to include it, or clear the "
    "fields."
)
CUSTOM_NAME_EMPTY: Final = "Custom Prerequisite Name is empty. Add a name (max 20 chars)."
CUSTOM_NAME_TOO_LONG: Final = (
    "Custom Prerequisite Name is {len} chars (LFX limit is 20). Please trim {over} chars."
)
CUSTOM_DESCRIPTION_EMPTY: Final = (
    "Custom Prerequisite Description is empty. Add a description (max 500 chars)."
)
CUSTOM_DESCRIPTION_TOO_LONG: Final = (
    "Custom Prerequisite Description is {len} chars (LFX limit is 500). Please trim {over} chars."
)
CHALLENGE_URL_EMPTY: Final = (
    'You selected "Coding Challenge" as a prerequisite, but the Coding Challenge URL is empty. '
    "LFX requires the challenge URL. Add it, or uncheck Coding Challenge."
)
CHALLENGE_URL_INVALID: Final = "Coding Challenge URL `{url}` is not a valid URL."
CHALLENGE_UNCHECKED: Final = (
    "A Coding Challenge URL is filled in, but the Coding Challenge box is not checked, so it "
    "will not be sent to LFX. Check the box to include it, or clear the URL."
)
MISSING_SECTIONS: Final = (
    "This proposal is missing required template section(s): {labels}. "
    "Please re-submit using the current proposal template."
)
OVER_QUOTA: Final = (
    "**Over quota:** {project} has {count} proposals for {term} (guideline: {quota}). "
    "Existing proposals: {numbers}. Going over may be acceptable; please reach out to the CNCF "
    "Mentorship Admins to discuss, and prioritize proposals within your project."
)
DUPLICATE_UPSTREAM: Final = (
    "**Duplicate upstream issue:** the same Upstream Issue URL is listed on other open "
    "{project} proposal(s) for {term}: {numbers}. If that's unintentional, please update it; "
    "if the proposals are related, the CNCF Mentorship Admins can help sort out next steps."
)
LFID_REMINDER: Final = (
    "LFX LFID/email verification is not yet automated. Please manually confirm mentor emails "
    "are registered on https://mentorship.lfx.linuxfoundation.org."
)
SCAN_FAILED: Final = "Could not check other {project} proposals for {term}: {error}"
QUOTA_FAILED: Final = "Could not check quota: {error}"

# Passed-check lines (§2.2 notes).
PASSED_PROJECT: Final = "CNCF Project: **{project}**"
PASSED_TERM: Final = "Term: **{term}**"
PASSED_PROGRAM_NAME: Final = "Program Name length: {len}/{budget} chars available"
PASSED_DESCRIPTION: Final = "Program Description: {len}/3000 chars"
PASSED_TECHNOLOGIES: Final = "Technologies: {technologies}"
PASSED_SKILLS_SAME: Final = "Skills: same as Technologies"
PASSED_SKILLS: Final = "Skills: {skills}"
PASSED_MENTORS: Final = "Mentors: {n} listed (primary: {name})"
PASSED_UPSTREAM: Final = "Upstream Issue URL: {url}"
PASSED_CUSTOM: Final = "Custom Prerequisite: name {n}/20 chars, description {d}/500 chars"
PASSED_CHALLENGE: Final = "Coding Challenge URL: provided"
PASSED_QUOTA: Final = "Quota: {count}/{quota} proposals for {project} in {term}"


@dataclass
class OtherProposal:
    """Another open proposal for the same project and term (never the one being checked)."""

    number: int
    upstream_issue_url: str = ""


@dataclass
class ValidationResult:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    passed: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the proposal passes validation (warnings do not count)."""
        return not self.errors

    def to_json(self) -> str:
        data = {"errors": self.errors, "warnings": self.warnings, "passed": self.passed}
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# --- helpers other features use ---------------------------------------------------------------


def lfx_title(project: str, program_name: str, term: str) -> str:
    """The LFX program name, "CNCF - {project}: {program_name} ({term token})" (§4.7)."""
    return program_full_title(project, program_name, term_token(term))


def program_name_budget(project: str, term: str) -> int:
    """The chars left for the Program Name: 88 - len(project) - len(term token) (§2.2 #4)."""
    return LFX_TITLE_MAX - (TITLE_FIXED_CHARS + utf16_len(project) + utf16_len(term_token(term)))


def quota_for(
    project: str,
    *,
    default: int = DEFAULT_QUOTA,
    overrides: Mapping[str, int] = QUOTA_OVERRIDES,
    slug: str = "",
    org: str = "",
) -> int:
    """The proposal guideline for a project in one term (§3.6).

    Override keys are tried in the order of `approvers.yml` (§3.2): the name lowercased with
    whitespace runs turned into "-", the GitHub org lowercased, the projects.yml slug
    (lowercased, as the project lookup returns it). The first key found wins. Keys compare
    lowercased, as `quotas.yml` is read.
    """
    table = {key.strip().lower(): value for key, value in overrides.items()}
    candidates = [_SPACE_RUN.sub("-", project.lower()), org.lower(), slug.lower()]
    for key in candidates:
        if key and key in table:
            return table[key]
    return default


def normalize_upstream_url(url: str) -> str:
    """The Upstream Issue URL as the duplicate check compares it (§2.2 #26w).

    Drop `http(s)://`, a leading `www.`, any `#fragment` and trailing `/` on the path;
    lowercase host and path; keep `?query` verbatim. Blank stays "" (and never matches).
    """
    text = js_trim(url)
    text = _SCHEME.sub("", text, count=1)
    text = text.split("#", 1)[0]
    path, question, query = text.partition("?")
    path = path.rstrip("/").lower().removeprefix("www.")
    return path + question + query


def unwrap_email(value: str) -> str:
    """The address inside `[x](mailto:x)`, `<x>` or `mailto:x` (§2.2 #13)."""
    text = js_trim(value)
    link = _MAILTO_LINK.fullmatch(text)
    if link:
        text = js_trim(link[1])
    angle = _ANGLE.fullmatch(text)
    if angle:
        text = js_trim(angle[1])
    if _MAILTO.match(text):
        text = js_trim(text[len("mailto:") :])
    return text


# --- putting values into messages ------------------------------------------------------------

_TEMPLATE_FIELD = re.compile(r"`\{(\w+)\}`|\{(\w+)\}")
_BACKTICK_RUN = re.compile(r"`+")
_MARKDOWN_SPECIAL = re.compile(r"[\\`*\[\]<>~]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")


def code_span(value: str) -> str:
    """`value` as a Markdown code span it cannot close early (CommonMark §6.1).

    The fence is one backtick longer than the longest run of backticks in the value, and a
    value that starts or ends with a backtick is padded with a space, which the renderer
    strips. A value without backticks gets the single backticks the CNCF messages use.
    """
    if not value:
        return "``"  # as `{value}` gave: no span, the two backticks stay as they are
    longest = max((len(run) for run in _BACKTICK_RUN.findall(value)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if value[0] == "`" or value[-1] == "`" else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def escape_markdown(value: str) -> str:
    """`value` with the characters that could start a link, tag, code span or emphasis
    backslash-escaped; an `_` inside a word (`cloud_native`) is left alone, as it is inert."""
    return _MARKDOWN_SPECIAL.sub(lambda m: "\\" + m.group(), value)


def _format(template: str, **values: object) -> str:
    """`template.format(**values)`, with every text value made inert Markdown: a value in
    backticks becomes a `code_span`, any other is escaped. The messages are rendered as
    Markdown on the proposal page, where a mentor handle like
    `` x` [Approve here](https://evil.example) `y `` must stay text. Values without Markdown
    characters come out exactly as `str.format` gives them (the CNCF wording).
    """

    def fill(match: re.Match[str]) -> str:
        name = match[1] or match[2]
        value = values[name]
        if not isinstance(value, str):
            return str(value)
        return code_span(value) if match[1] else escape_markdown(value)

    return _TEMPLATE_FIELD.sub(fill, template)


# --- the rules ---------------------------------------------------------------------------------


def _mentor_errors(raw: str) -> tuple[list[str], list[str]]:
    """Rules #8-#18 on the Mentors field: (errors, the non-empty lines)."""
    if not js_trim(raw):
        return [MENTORS_EMPTY], []
    lines = [js_trim(line) for line in _LINE_BREAK.split(raw)]
    lines = [line for line in lines if line]
    errors: list[str] = []
    if len(lines) > MAX_MENTORS:
        errors.append(_format(MENTORS_TOO_MANY, n=len(lines)))
    handles: set[str] = set()
    emails: set[str] = set()
    lfids: set[str] = set()
    for index, line in enumerate(lines):
        role = "Primary mentor" if index == 0 else f"Mentor {index + 1}"
        parts = [js_trim(part) for part in line.split("|")]
        if len(parts) not in (3, 4):
            errors.append(_format(MENTOR_FIELD_COUNT, role=role, n=len(parts), line=line))
            continue
        name, handle, raw_email = parts[:3]
        lfid = parts[3] if len(parts) == 4 else ""
        email = unwrap_email(raw_email)
        if not name:
            errors.append(_format(MENTOR_NAME_EMPTY, role=role))
        if not _HANDLE.fullmatch(handle):
            errors.append(_format(MENTOR_HANDLE_INVALID, role=role, value=handle))
        if not _EMAIL.fullmatch(email):
            errors.append(_format(MENTOR_EMAIL_INVALID, role=role, value=email))
        if handle.lower() in handles:
            errors.append(_format(MENTOR_HANDLE_DUPLICATE, role=role, value=handle))
        handles.add(handle.lower())
        if email.lower() in emails:
            errors.append(_format(MENTOR_EMAIL_DUPLICATE, role=role, value=email))
        emails.add(email.lower())
        if not lfid:
            errors.append(_format(MENTOR_LFID_MISSING, role=role))
        elif not _LFID.fullmatch(lfid):
            errors.append(_format(MENTOR_LFID_INVALID, role=role, value=lfid))
        elif lfid.lower() in lfids:
            errors.append(_format(MENTOR_LFID_DUPLICATE, role=role, value=lfid))
        if lfid:
            lfids.add(lfid.lower())
    return errors, lines


def _numbers(others: Sequence[OtherProposal]) -> str:
    return ", ".join(f"#{other.number}" for other in others)


def validate_proposal(
    form: IssueForm,
    *,
    others: Sequence[OtherProposal] = (),
    quota: int = DEFAULT_QUOTA,
    scan_error: str | None = None,
    quota_error: str | None = None,
) -> ValidationResult:
    """Check a proposal against every rule of §2.2.

    `others` are the other open proposals for the same project and term; `scan_error`, when
    given, says that looking them up failed (#28w: no quota or duplicate check then), and
    `quota_error` that the quota could not be determined (#28w, "Could not check quota").
    """
    result = ValidationResult()
    errors, warnings, passed = result.errors, result.warnings, result.passed

    # 1-2
    project = js_trim(form.project)
    if project:
        passed.append(_format(PASSED_PROJECT, project=project))
    else:
        errors.append(PROJECT_EMPTY)
    term = js_trim(form.term)
    if term:
        passed.append(_format(PASSED_TERM, term=term))
    else:
        errors.append(TERM_EMPTY)

    # 3-4
    name = js_trim(form.program_name)
    if not name:
        errors.append(PROGRAM_NAME_EMPTY)
    else:
        budget = program_name_budget(project, term)
        length = utf16_len(name)
        if length > budget:
            full = LFX_TITLE_MAX - budget + length
            errors.append(_format(PROGRAM_NAME_TOO_LONG, len=length, budget=budget, full=full))
        else:
            passed.append(_format(PASSED_PROGRAM_NAME, len=length, budget=budget))

    # 5
    description = js_trim(form.description)
    length = utf16_len(description)
    if not description:
        errors.append(DESCRIPTION_EMPTY)
    elif length > DESCRIPTION_MAX:
        errors.append(_format(DESCRIPTION_TOO_LONG, len=length, over=length - DESCRIPTION_MAX))
    else:
        passed.append(_format(PASSED_DESCRIPTION, len=length))

    # 6
    technologies = js_trim(form.technologies)
    if technologies:
        passed.append(_format(PASSED_TECHNOLOGIES, technologies=technologies))
    else:
        errors.append(TECHNOLOGIES_EMPTY)

    # 7, 7w
    skills = js_trim(form.skills)
    if not form.skills_same and not skills:
        errors.append(SKILLS_MISSING)
    elif form.skills_same and skills:
        warnings.append(SKILLS_BOTH)
    else:
        passed.append(
            PASSED_SKILLS_SAME if form.skills_same else _format(PASSED_SKILLS, skills=skills)
        )

    # 8-18, 18w
    mentor_errors, lines = _mentor_errors(form.mentors)
    errors.extend(mentor_errors)
    if not mentor_errors:
        primary = js_trim(lines[0].split("|")[0])
        passed.append(_format(PASSED_MENTORS, n=len(lines), name=primary))
        if len(lines) < MIN_PREFERRED_MENTORS:
            warnings.append(ONE_MENTOR)

    # 19-21
    url = js_trim(form.upstream_issue_url)
    url_ok = False
    if not url:
        errors.append(UPSTREAM_EMPTY)
    elif not _URL.fullmatch(url):
        errors.append(_format(UPSTREAM_INVALID, url=url))
    elif "," in url:
        errors.append(UPSTREAM_MULTIPLE)
    else:
        url_ok = True
        passed.append(_format(PASSED_UPSTREAM, url=url))

    # 22, 22a-c
    _check_custom(form, result)

    # 23, 23b
    challenge = js_trim(form.coding_challenge_url)
    if PREREQUISITE_CODING_CHALLENGE in form.prerequisites:
        if not challenge:
            errors.append(CHALLENGE_URL_EMPTY)
        elif not _URL.fullmatch(challenge):
            errors.append(_format(CHALLENGE_URL_INVALID, url=challenge))
        else:
            passed.append(PASSED_CHALLENGE)
    elif challenge:
        errors.append(CHALLENGE_UNCHECKED)

    # 24
    missing = [label for label in FORM_LABELS if label not in form.sections]
    if missing:
        labels = ", ".join(f"**{label}**" for label in missing)
        errors.append(MISSING_SECTIONS.format(labels=labels))

    # 28w, 25w, 26w: only with a project and a term to look for
    if project and term:
        if scan_error is not None:
            warnings.append(_format(SCAN_FAILED, project=project, term=term, error=scan_error))
        else:
            _check_quota(project, term, others, quota, quota_error, result)
            if url_ok:
                key = normalize_upstream_url(url)
                same = [
                    o for o in others if key and normalize_upstream_url(o.upstream_issue_url) == key
                ]
                if same:
                    warnings.append(
                        _format(
                            DUPLICATE_UPSTREAM, project=project, term=term, numbers=_numbers(same)
                        )
                    )

    # 27w
    warnings.append(LFID_REMINDER)
    return result


def _check_custom(form: IssueForm, result: ValidationResult) -> None:
    checked = form.custom_checked
    name = js_trim(form.custom_name)
    description = js_trim(form.custom_description)
    if not (checked or name or description):
        return
    problems: list[str] = []
    if not checked:
        problems.append(CUSTOM_UNCHECKED)
    name_len, description_len = utf16_len(name), utf16_len(description)
    if not name:
        problems.append(CUSTOM_NAME_EMPTY)
    elif name_len > CUSTOM_NAME_MAX:
        problems.append(
            _format(CUSTOM_NAME_TOO_LONG, len=name_len, over=name_len - CUSTOM_NAME_MAX)
        )
    if not description:
        problems.append(CUSTOM_DESCRIPTION_EMPTY)
    elif description_len > CUSTOM_DESCRIPTION_MAX:
        over = description_len - CUSTOM_DESCRIPTION_MAX
        problems.append(_format(CUSTOM_DESCRIPTION_TOO_LONG, len=description_len, over=over))
    if problems:
        result.errors.extend(problems)
    else:
        result.passed.append(_format(PASSED_CUSTOM, n=name_len, d=description_len))


def _check_quota(
    project: str,
    term: str,
    others: Sequence[OtherProposal],
    quota: int,
    quota_error: str | None,
    result: ValidationResult,
) -> None:
    if quota_error is not None:
        result.warnings.append(_format(QUOTA_FAILED, error=quota_error))
        return
    count = len(others) + 1
    if count > quota:
        result.warnings.append(
            _format(
                OVER_QUOTA,
                project=project,
                term=term,
                count=count,
                quota=quota,
                numbers=_numbers(others),
            )
        )
    else:
        result.passed.append(
            _format(PASSED_QUOTA, count=count, quota=quota, project=project, term=term)
        )
