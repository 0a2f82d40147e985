"""The CNCF proposal issue form: reading and writing its GitHub body (spec/cncf-process.md §1).

GitHub writes an issue form as one `### <label>` section per field, the value after a blank
line, `_No response_` for an empty field and `- [X] option` / `- [ ] option` lines for
checkboxes. `parse_issue_form()` reads such a body the way the CNCF `parse.js` does:

* the `<!-- lfx-url:start --> … <!-- lfx-url:end -->` block that `/lfx-url` appends is removed;
* the body is split at every line starting with `### `; the rest of that line is the label,
  everything up to the next such line is the value; a heading with nothing after it on the
  body's last line is no section; a label seen twice keeps its last value;
* values are trimmed (JavaScript `trim()`), `_No response_` reads as "";
* a checkbox option counts as checked when its box holds `x` or `X`.

CRLF line ends are read as LF. `issue_form_body()` writes a body in GitHub's layout, so that
`parse_issue_form(issue_form_body(form)) == form` for every parsed or built form whose values
hold no line starting with `### ` and none that is exactly `_No response_`. A body cannot say
more than that, which is why Cohort stores a proposal's sections as they are
(`Project.form_fields`) and never parses a body it wrote (docs/decisions/0006).

`MAX_LENGTHS` is Cohort's one table of size limits per section: the pages, the API and an
imported body are all held to it (`length_problems`). These are hard caps that keep rows sane,
not the LFX limits, which validation reports (`cohort.proposals.rules`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final

# JavaScript's `\s` and `String.prototype.trim()` set (what the CNCF code uses).
JS_SPACE: Final = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_JS_TRIM: Final = (
    "\t\n\v\f\r \u00a0\u1680"
    + "".join(chr(c) for c in range(0x2000, 0x200B))
    + "\u2028\u2029\u202f\u205f\u3000\ufeff"
)

LABEL_PROJECT: Final = "CNCF Project"
LABEL_TERM: Final = "Term"
LABEL_PROGRAM_NAME: Final = "Program Name"
LABEL_DESCRIPTION: Final = "Program Description"
LABEL_TECHNOLOGIES: Final = "Technologies"
LABEL_SKILLS_SAME: Final = "Skills same as Technologies?"
LABEL_SKILLS: Final = "Required/Desirable Skills"
LABEL_MENTORS: Final = "Mentors"
LABEL_UPSTREAM: Final = "Upstream Issue URL"
LABEL_PREREQUISITES: Final = "Application Prerequisites"
LABEL_CODING_CHALLENGE_URL: Final = "Coding Challenge URL"
LABEL_CUSTOM: Final = "Custom Prerequisites"
LABEL_CUSTOM_NAME: Final = "Custom Prerequisite Name"
LABEL_CUSTOM_DESCRIPTION: Final = "Custom Prerequisite Description"
LABEL_CUSTOM_FILE_UPLOAD: Final = "Custom Prerequisite \u2014 File Upload"

# The 15 non-markdown fields of the current template, in form order (§1).
FORM_LABELS: Final = (
    LABEL_PROJECT,
    LABEL_TERM,
    LABEL_PROGRAM_NAME,
    LABEL_DESCRIPTION,
    LABEL_TECHNOLOGIES,
    LABEL_SKILLS_SAME,
    LABEL_SKILLS,
    LABEL_MENTORS,
    LABEL_UPSTREAM,
    LABEL_PREREQUISITES,
    LABEL_CODING_CHALLENGE_URL,
    LABEL_CUSTOM,
    LABEL_CUSTOM_NAME,
    LABEL_CUSTOM_DESCRIPTION,
    LABEL_CUSTOM_FILE_UPLOAD,
)

SKILLS_SAME_OPTION: Final = (
    "Yes, the required skills are the same as the technologies listed above."
)
PREREQUISITE_RESUME: Final = "Resume"
PREREQUISITE_COVER_LETTER: Final = "Cover Letter"
PREREQUISITE_SCHOOL: Final = "School Enrollment Verification"
PREREQUISITE_PERMISSION: Final = "Participation Permission from school or employer"
PREREQUISITE_CODING_CHALLENGE: Final = "Coding Challenge"
PREREQUISITE_OPTIONS: Final = (
    PREREQUISITE_RESUME,
    PREREQUISITE_COVER_LETTER,
    PREREQUISITE_SCHOOL,
    PREREQUISITE_PERMISSION,
    PREREQUISITE_CODING_CHALLENGE,
)
CUSTOM_OPTION: Final = "Custom Prerequisite (fill in details below)"
FILE_UPLOAD_OPTION: Final = (
    "Yes \u2014 completion of this task requires the mentee to submit a file."
)
NO_RESPONSE: Final = "_No response_"

# The most characters (after `clean_value`) a section may hold, whatever door it came in by.
MAX_LENGTHS: Final[dict[str, int]] = {
    LABEL_PROJECT: 200,
    LABEL_TERM: 100,
    LABEL_PROGRAM_NAME: 300,
    LABEL_DESCRIPTION: 20_000,
    LABEL_TECHNOLOGIES: 1000,
    LABEL_SKILLS_SAME: 500,
    LABEL_SKILLS: 1000,
    LABEL_MENTORS: 4000,
    LABEL_UPSTREAM: 500,
    LABEL_PREREQUISITES: 2000,
    LABEL_CODING_CHALLENGE_URL: 500,
    LABEL_CUSTOM: 500,
    LABEL_CUSTOM_NAME: 200,
    LABEL_CUSTOM_DESCRIPTION: 5000,
    LABEL_CUSTOM_FILE_UPLOAD: 500,
}
OTHER_SECTION_MAX: Final = 5000  # a section that is not in the template (an older form's)
LABEL_MAX: Final = 200  # a section heading
SECTIONS_MAX: Final = 40  # sections in one form: the template's 15 and a few older ones

_LFX_URL_BLOCK = re.compile(r"<!-- lfx-url:start -->.*?<!-- lfx-url:end -->", re.DOTALL)
_HEADING = re.compile(r"^### +", re.MULTILINE)
_BOX = re.compile(r"^- \[(.)\]")
_BOX_PREFIX = re.compile(f"^- \\[.\\][{JS_SPACE}]*")


def js_trim(text: str) -> str:
    """`text.trim()` as JavaScript does it (U+FEFF is whitespace, U+001C-U+001F are not)."""
    return text.strip(_JS_TRIM)


def utf16_len(text: str) -> int:
    """JavaScript's `String.length`: UTF-16 code units, so an emoji counts 2."""
    return len(text.encode("utf-16-le")) // 2


def checkbox_options(value: str) -> list[tuple[str, bool]]:
    """The `- [ ] option` lines of a checkbox value as (option text, checked), in order."""
    options: list[tuple[str, bool]] = []
    for line in value.split("\n"):
        match = _BOX.match(line)
        if match:
            options.append((js_trim(_BOX_PREFIX.sub("", line)), match[1] in "xX"))
    return options


def _checked(value: str) -> list[str]:
    return [text for text, checked in checkbox_options(value) if checked]


def _boxes(options: Iterable[str], checked: Iterable[str]) -> str:
    wanted = set(checked)
    return "\n".join(f"- [{'X' if o in wanted else ' '}] {o}" for o in options)


def _box(option: str, checked: bool) -> str:
    return f"- [{'X' if checked else ' '}] {option}"


@dataclass
class IssueForm:
    """A proposal body as read by the CNCF parser: `sections` maps each label to its value.

    The properties read the fields of §1 from `sections`; a missing section reads as empty.
    """

    sections: dict[str, str] = field(default_factory=dict)
    source: str = field(default="", compare=False)  # where the body came from, for messages

    @classmethod
    def build(
        cls,
        *,
        project: str = "",
        term: str = "",
        program_name: str = "",
        description: str = "",
        technologies: str = "",
        skills_same: bool = False,
        skills: str = "",
        mentors: str = "",
        upstream_issue_url: str = "",
        prerequisites: Iterable[str] = (),
        coding_challenge_url: str = "",
        custom_checked: bool = False,
        custom_name: str = "",
        custom_description: str = "",
        custom_file_upload: bool = False,
    ) -> IssueForm:
        """A form with all 15 sections, checkboxes written as GitHub writes them.

        `prerequisites` are the checked Application Prerequisites; a text that is not one of
        the five standard options is added as an extra option (as in older templates). Values
        are kept as `clean_value` gives them (a `_No response_` typed in a field stays).
        """
        checked = list(prerequisites)
        options = list(PREREQUISITE_OPTIONS) + [o for o in checked if o not in PREREQUISITE_OPTIONS]
        values = {
            LABEL_PROJECT: project,
            LABEL_TERM: term,
            LABEL_PROGRAM_NAME: program_name,
            LABEL_DESCRIPTION: description,
            LABEL_TECHNOLOGIES: technologies,
            LABEL_SKILLS_SAME: _box(SKILLS_SAME_OPTION, skills_same),
            LABEL_SKILLS: skills,
            LABEL_MENTORS: mentors,
            LABEL_UPSTREAM: upstream_issue_url,
            LABEL_PREREQUISITES: _boxes(options, checked),
            LABEL_CODING_CHALLENGE_URL: coding_challenge_url,
            LABEL_CUSTOM: _box(CUSTOM_OPTION, custom_checked),
            LABEL_CUSTOM_NAME: custom_name,
            LABEL_CUSTOM_DESCRIPTION: custom_description,
            LABEL_CUSTOM_FILE_UPLOAD: _box(FILE_UPLOAD_OPTION, custom_file_upload),
        }
        return cls({label: clean_value(value) for label, value in values.items()})

    def get(self, label: str) -> str:
        return self.sections.get(label, "")

    @property
    def project(self) -> str:
        return self.get(LABEL_PROJECT)

    @property
    def term(self) -> str:
        return self.get(LABEL_TERM)

    @property
    def program_name(self) -> str:
        return self.get(LABEL_PROGRAM_NAME)

    @property
    def description(self) -> str:
        return self.get(LABEL_DESCRIPTION)

    @property
    def technologies(self) -> str:
        return self.get(LABEL_TECHNOLOGIES)

    @property
    def skills_same(self) -> bool:
        """Any box checked under "Skills same as Technologies?" (it has one option)."""
        return bool(_checked(self.get(LABEL_SKILLS_SAME)))

    @property
    def skills(self) -> str:
        return self.get(LABEL_SKILLS)

    @property
    def mentors(self) -> str:
        """The Mentors field as written, one `Name | @handle | email | LFID` per line."""
        return self.get(LABEL_MENTORS)

    @property
    def upstream_issue_url(self) -> str:
        return self.get(LABEL_UPSTREAM)

    @property
    def prerequisites(self) -> set[str]:
        """The checked Application Prerequisites, as their option texts."""
        return set(_checked(self.get(LABEL_PREREQUISITES)))

    @property
    def coding_challenge_url(self) -> str:
        return self.get(LABEL_CODING_CHALLENGE_URL)

    @property
    def custom_checked(self) -> bool:
        """The Custom Prerequisite box (§2.2 #22).

        It is looked up in `Custom Prerequisites` (any checked box: the field has one
        option), then, for older proposals, in `Application Prerequisites`, where it was an
        option starting with "Custom Prerequisite".
        """
        if _checked(self.get(LABEL_CUSTOM)):
            return True
        return any(
            o.lower().startswith("custom prerequisite")
            for o in _checked(self.get(LABEL_PREREQUISITES))
        )

    @property
    def custom_name(self) -> str:
        return self.get(LABEL_CUSTOM_NAME)

    @property
    def custom_description(self) -> str:
        return self.get(LABEL_CUSTOM_DESCRIPTION)

    @property
    def custom_file_upload(self) -> bool:
        return bool(_checked(self.get(LABEL_CUSTOM_FILE_UPLOAD)))


def clean_value(value: str) -> str:
    """A section's value as Cohort stores it: CRLF read as LF, trimmed as JavaScript trims.

    Nothing else changes: a heading line or a `_No response_` inside a value stays as written.
    """
    return js_trim(value.replace("\r\n", "\n"))


def _clean(value: str) -> str:
    """A value read from a body: as `clean_value`, and GitHub's `_No response_` reads as ""."""
    value = clean_value(value)
    return "" if value == NO_RESPONSE else value


def max_length(label: str) -> int:
    """The most characters a section's (cleaned) value may hold."""
    return MAX_LENGTHS.get(label, OTHER_SECTION_MAX)


def length_problem(label: str, value: str) -> str | None:
    """Why `value` is too long for the section `label` (after `clean_value`), or None."""
    limit = max_length(label)
    length = len(clean_value(value))
    if length <= limit:
        return None
    return f"“{label}” is too long: {length:,} characters; the limit is {limit:,}."


def length_problems(form: IssueForm) -> list[str]:
    """Every way `form` breaks the size limits (`MAX_LENGTHS`, `LABEL_MAX`, `SECTIONS_MAX`)."""
    problems: list[str] = []
    if len(form.sections) > SECTIONS_MAX:
        problems.append(
            f"The form has too many sections: {len(form.sections):,}; the limit is {SECTIONS_MAX}."
        )
    for label, value in form.sections.items():
        if len(label) > LABEL_MAX:
            problems.append(
                f"A section heading is too long: {len(label):,} characters; "
                f"the limit is {LABEL_MAX}."
            )
        problem = length_problem(label, value)
        if problem:
            problems.append(problem)
    return problems


def form_from_fields(fields: Mapping[str, str], *, source: str = "") -> IssueForm:
    """A form from stored sections (label → value), the template's in form order first.

    The values are taken as they are: nothing is parsed, so any text survives.
    """
    known = [label for label in FORM_LABELS if label in fields]
    others = [label for label in fields if label not in known]
    return IssueForm({label: fields[label] for label in [*known, *others]}, source=source)


def parse_issue_form(text: str, *, source: str = "") -> IssueForm:
    """Read a proposal issue body (§1). Never fails: a body without sections gives none."""
    text = _LFX_URL_BLOCK.sub("", text.replace("\r\n", "\n"))
    sections: dict[str, str] = {}
    for part in _HEADING.split(text)[1:]:
        label, newline, value = part.partition("\n")
        if not newline:
            continue
        sections[js_trim(label)] = _clean(value)
    return IssueForm(sections, source=source)


def issue_form_body(form: IssueForm) -> str:
    """The body GitHub would write for `form`: `### Label\\n\\nvalue\\n\\n` per section."""
    return "".join(
        f"### {label}\n\n{value or NO_RESPONSE}\n\n" for label, value in form.sections.items()
    )
