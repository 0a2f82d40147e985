"""The CNCF LFX Mentorship export files, byte for byte (spec/cncf-process.md §4.2-4.7, §5).

* `lfx-export.json`: `parse_lfx_export()` reads it, `render_lfx_json()` writes it. Reading an
  export and writing it again gives the same bytes.
* `lfx-tracking.csv`: `render_lfx_csv()`.
* the generated term `README.md`: `render_lfx_readme()`.

Only projects with status "published" are exported (CNCF exports approved programs only), in
export order: issue number descending, projects without a number last in their term order.
"""

from __future__ import annotations

import json
import re
from typing import Final

from cohort.formats.interchange import JsonObject, JsonPath, JsonReader
from cohort.formats.limits import MIN_YEAR, url_problem
from cohort.formats.model import (
    FLAG_EMAIL_MISSING,
    FLAG_HANDLE_MISSING,
    FormatError,
    Mentor,
    Organization,
    Prerequisites,
    Project,
    TermData,
)

# JavaScript's `\s` (what the CNCF generator's regexes use): unlike Python's `\s` it includes
# U+FEFF and excludes U+001C-U+001F and U+0085.
_JS_SPACE: Final = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_SLUG_DROP = re.compile(f"[^A-Za-z0-9_{_JS_SPACE}-]")
_SLUG_SPACE = re.compile(f"[{_JS_SPACE}]+")
_SLUG_DASHES = re.compile("-+")
_JS_TRIM: Final = (
    "\t\n\v\f\r \u00a0\u1680"
    + "".join(chr(c) for c in range(0x2000, 0x200B))
    + "\u2028\u2029\u202f\u205f\u3000\ufeff"
)

# §4.2: term number -> the months of its dropdown label
_TERM_MONTHS: Final = {1: "Mar-May", 2: "Jun-Aug", 3: "Sep-Nov"}
# §4.3: the only month names term-paths.js expands
_MONTH_NAMES: Final = {
    "Mar": "March",
    "May": "May",
    "Jun": "June",
    "Aug": "August",
    "Sep": "September",
    "Nov": "November",
}
# JS `.` stops at \n, \r, U+2028 and U+2029; JS `$` (no m flag) is the very end.
_TOKEN_TAIL = re.compile(f"[{_JS_SPACE}]*\\([^\n\r\u2028\u2029]*\\Z")
_LABEL_YEAR = re.compile("[0-9]{4}")
_LABEL_NUMBER = re.compile("Term ([0-9]+)")
_LABEL_MONTHS = re.compile(r"\(([^)]*)\)")
_MONTHS_OK = re.compile("[A-Za-z]+(?:-[A-Za-z]+)*")
_EXPORT_LABEL = re.compile("([0-9]{4}) Term ([0-9]+)(?![0-9])")

LFC102_NAME: Final = "Inclusive Community"
LFC102_DESCRIPTION: Final = (
    "Please upload the completion certificate for the Inclusive Open Source Community "
    "Orientation (LFC102) course: https://training.linuxfoundation.org/training/"
    "inclusive-open-source-community-orientation-lfc102/\n\nOnce completed you can find the "
    "certificate in your openprofile.dev dashboard under Training & Certifications -> "
    "Certificates of Completion."
)

CSV_HEADER: Final = "PROJECT,LFX URL,Upstream issue,,mentor count," + ",".join(
    f"Mentor {n},Mentor {n} GitHub,Mentor {n} email address,Mentor {n} LFID" for n in range(1, 5)
)

README_STATUS: Final = "Planning"
README_DURATION: Final = "three months (full-time schedule)"


# --- names and labels ------------------------------------------------------------------------


def anchor_slug(text: str) -> str:
    """The README anchor of a heading, exactly as the CNCF `slug.js` computes it (§4.6).

    Lowercase; delete everything but ASCII word characters, whitespace and "-"; turn each
    whitespace run into "-"; collapse "-" runs; trim whitespace (a no-op by then, so
    surrounding spaces stay as "-"). Whitespace is JavaScript's `\\s`, so NBSP and U+FEFF
    become "-".
    """
    slug = _SLUG_DROP.sub("", text.lower())
    slug = _SLUG_SPACE.sub("-", slug)
    slug = _SLUG_DASHES.sub("-", slug)
    return slug.strip(_JS_TRIM)


def term_dropdown_label(year: int, number: int) -> str:
    """The term as the issue form and the export name it: "2026 Term 3 (Sep-Nov)" (§4.2)."""
    if number not in _TERM_MONTHS:
        raise FormatError(f"Invalid term number: {number} (expected 1, 2 or 3)")
    if year < 2000:  # the CNCF rule, §4.2
        raise FormatError(f"Invalid year: {year} (expected a four-digit year)")
    return f"{year} Term {number} ({_TERM_MONTHS[number]})"


def term_token(label: str) -> str:
    """The label without its "(…)" part: "2026 Term 3 (Sep-Nov)" → "2026 Term 3" (§4.7)."""
    return _TOKEN_TAIL.sub("", label, count=1)


def readme_title(label: str) -> str:
    """The README title for a dropdown label, like `term-paths.js` (§4.3).

    "2026 Term 3 (Sep-Nov)" → "Term 03 - 2026 September - November". Unparseable parts become
    "unknown" (year, months) or "00" (number), as in the CNCF code.
    """
    year_match = _LABEL_YEAR.match(label)
    year = year_match[0] if year_match else "unknown"
    number_match = _LABEL_NUMBER.search(label)
    number = number_match[1].rjust(2, "0") if number_match else "00"
    months_match = _LABEL_MONTHS.search(label)
    months = "unknown"
    if months_match:
        text = months_match[1].replace("\u2013", "-").replace("\u2014", "-").strip(_JS_TRIM)
        if _MONTHS_OK.fullmatch(text):
            months = text
    expanded = " - ".join(_MONTH_NAMES.get(m, m) for m in months.split("-"))
    return f"Term {number} - {year} {expanded}"


def program_full_title(project: str, name: str, token: str) -> str:
    """The LFX program name: "CNCF - Volcano: Kthena … (2026 Term 3)" (§4.7)."""
    return f"CNCF - {project}: {name} ({token})"


# --- reading lfx-export.json -----------------------------------------------------------------


def _read_mentor(r: JsonReader, value: object, path: JsonPath, what: str) -> Mentor:
    obj = r.mapping(value, path, what)
    github = r.text(obj, "github_handle", path, what)
    email = r.text(obj, "email", path, what)
    flags = []
    if not email:
        flags.append(FLAG_EMAIL_MISSING)
    if not github:
        flags.append(FLAG_HANDLE_MISSING)
    role = r.choice(obj, "role", path, what, ("primary", "co-mentor"))
    return Mentor(
        name=r.text(obj, "name", path, what),
        github=github,
        email=email,
        lfid=r.text(obj, "lfid", path, what),
        role="primary" if role == "primary" else "co-mentor",
        flags=flags,
    )


def _read_prerequisites(r: JsonReader, obj: JsonObject, path: JsonPath, what: str) -> Prerequisites:
    what = f"{what} prerequisites"
    custom_value = r.value(obj, "custom", path, what)
    r.array(obj, "standard_courses", path, what)  # always the LFC102 item; not stored
    prerequisites = Prerequisites(
        resume=r.boolean(obj, "resume", path, what),
        cover_letter=r.boolean(obj, "cover_letter", path, what),
        school_enrollment=r.boolean(obj, "school_enrollment", path, what),
        participation_permission=r.boolean(obj, "participation_permission", path, what),
        coding_challenge=r.boolean(obj, "coding_challenge", path, what),
        coding_challenge_url=r.text_or_null(obj, "coding_challenge_url", path, what),
    )
    problem = url_problem(prerequisites.coding_challenge_url or "", "'coding_challenge_url'")
    if problem:
        raise r.error((*path, "coding_challenge_url"), f"{what}: {problem}")
    if custom_value is not None:
        custom_path = (*path, "custom")
        custom = r.mapping(custom_value, custom_path, f"{what}: 'custom'")
        prerequisites.has_custom = True
        prerequisites.custom_name = r.text_or_null(custom, "name", custom_path, f"{what} custom")
        prerequisites.custom_description = r.text_or_null(
            custom, "description", custom_path, f"{what} custom"
        )
        prerequisites.custom_file_upload = r.boolean(
            custom, "file_upload", custom_path, f"{what} custom"
        )
    return prerequisites


def _read_program(
    r: JsonReader, value: object, index: int, organizations: dict[str, Organization]
) -> None:
    path: JsonPath = ("programs", index)
    what = f"program {index + 1}"
    obj = r.mapping(value, path, what)
    number = r.number(obj, "issue_number", path, what)
    if number is None:
        raise r.error((*path, "issue_number"), f"{what}: 'issue_number' must be an integer")
    what = f"program {index + 1} (issue #{number})"
    project_name = r.text(obj, "cncf_project", path, what)
    slug = r.text(obj, "cncf_project_slug", path, what)
    maturity = r.text(obj, "cncf_project_maturity", path, what)
    r.text(obj, "term", path, what)  # always the export's `_term`
    upstream = r.web_url(obj, "upstream_issue_url", path, what)
    mentors = [
        _read_mentor(r, m, (*path, "mentors", i), f"{what} mentor {i + 1}")
        for i, m in enumerate(r.array(obj, "mentors", path, what))
    ]
    prerequisites_path = (*path, "prerequisites")
    prerequisites = _read_prerequisites(
        r,
        r.mapping(
            r.value(obj, "prerequisites", path, what),
            prerequisites_path,
            f"{what}: 'prerequisites'",
        ),
        prerequisites_path,
        what,
    )
    project = Project(
        title=r.text(obj, "program_name_short", path, what),
        lfx_title=r.text(obj, "program_name_full", path, what),
        status="published",
        description=r.text(obj, "description", path, what),
        skills=r.text(obj, "skills", path, what),
        technologies=r.text(obj, "technologies", path, what),
        mentors=mentors,
        upstream_issues=[upstream] if upstream else [],
        lfx_url=r.web_url(obj, "lfx_url", path, what),
        raw=json.dumps(obj, indent=2, ensure_ascii=False),
        number=number,
        issue_url=r.web_url(obj, "issue_url", path, what),
        prerequisites=prerequisites,
        line=r.line(path),
    )
    org = organizations.get(project_name)
    if org is None:
        org = organizations[project_name] = Organization(
            name=project_name, kind="project", slug=slug, maturity=maturity
        )
    org.projects.append(project)


def parse_lfx_export(text: str, *, source: str = "") -> TermData:
    """Read a CNCF `lfx-export.json` (§5.1) into a term with `source_kind` "lfx-json".

    Programs are grouped by `cncf_project` in first-seen order. Each project keeps its JSON
    object re-serialised as `raw`, the export's `_generated` is kept in `generated`, so that
    `render_lfx_json(parse_lfx_export(text)) == text` for a file the CNCF generator wrote.
    """
    r = JsonReader(text, source=source)
    doc = r.mapping(r.load(), (), "lfx-export.json")
    what = "lfx-export.json"
    generated = r.text(doc, "_generated", (), what)
    label = r.text(doc, "_term", (), what)
    match = _EXPORT_LABEL.match(label)
    if match is None or int(match[2]) not in _TERM_MONTHS or int(match[1]) < MIN_YEAR:
        raise r.error(("_term",), f'_term {label!r} is not a term like "2026 Term 3 (Sep-Nov)"')
    count = r.integer(doc, "_count", (), what)
    programs = r.array(doc, "programs", (), what)
    if count != len(programs):
        raise r.error(("_count",), f"_count is {count} but there are {len(programs)} programs")
    organizations: dict[str, Organization] = {}
    for index, program in enumerate(programs):
        _read_program(r, program, index, organizations)
    seen: dict[int, int] = {}  # issue number -> line of its first program
    for org in organizations.values():
        for project in org.projects:
            if project.number in seen:
                raise FormatError(
                    f"issue #{project.number} is listed twice (first on line "
                    f"{seen[project.number]})",
                    line=project.line,
                    source=source,
                )
            seen[project.number or 0] = project.line
    return TermData(
        title=readme_title(label),
        year=int(match[1]),
        number=int(match[2]),
        status="",
        time_zone="UTC",
        organizations=list(organizations.values()),
        generated=generated,
        source_kind="lfx-json",
    )


# --- writing ---------------------------------------------------------------------------------


def _label(term: TermData) -> str:
    if term.year is None or term.number is None:
        raise FormatError("cannot export CNCF files for a term without a year and a number")
    return term_dropdown_label(term.year, term.number)


def _exported(term: TermData) -> list[tuple[Organization, Project]]:
    """Published projects in export order: number descending, unnumbered last (stable)."""
    rows = [(org, p) for org in term.organizations for p in org.projects if p.status == "published"]
    return sorted(rows, key=lambda row: (row[1].number is None, -(row[1].number or 0)))


def _full_title(org: Organization, project: Project, token: str) -> str:
    return project.lfx_title or program_full_title(org.name, project.title, token)


def _prerequisites_json(pre: Prerequisites | None) -> JsonObject:
    pre = pre or Prerequisites()
    custom: JsonObject | None = None
    if pre.has_custom:
        custom = {
            "name": pre.custom_name,
            "description": pre.custom_description,
            "file_upload": pre.custom_file_upload,
        }
    return {
        "resume": pre.resume,
        "cover_letter": pre.cover_letter,
        "school_enrollment": pre.school_enrollment,
        "participation_permission": pre.participation_permission,
        "coding_challenge": pre.coding_challenge,
        "coding_challenge_url": pre.coding_challenge_url,
        "custom": custom,
        "standard_courses": [
            {"name": LFC102_NAME, "description": LFC102_DESCRIPTION, "file_upload": True}
        ],
    }


def _program_json(org: Organization, project: Project, label: str) -> JsonObject:
    return {
        "issue_number": project.number,
        "issue_url": project.issue_url,
        "cncf_project": org.name,
        "cncf_project_slug": org.slug,
        "cncf_project_maturity": org.maturity,
        "term": label,
        "program_name_full": _full_title(org, project, term_token(label)),
        "program_name_short": project.title,
        "description": project.description,
        "technologies": project.technologies,
        "skills": project.skills,
        "mentors": [
            {
                "name": m.name,
                "github_handle": m.github,
                "email": m.email,
                "lfid": m.lfid,
                "role": m.role,
            }
            for m in project.mentors
        ],
        "upstream_issue_url": project.upstream_issues[0] if project.upstream_issues else "",
        "lfx_url": project.lfx_url,
        "prerequisites": _prerequisites_json(project.prerequisites),
    }


def render_lfx_json(term: TermData) -> str:
    """`lfx-export.json` exactly as the CNCF generator serialises it (§5.1).

    `_generated` is `term.generated` as given: the caller stamps a fresh time when it is empty.
    A project without a number gets `"issue_number": null`; one without prerequisites gets the
    all-false defaults (LFC102 is always added).
    """
    label = _label(term)
    programs = [_program_json(org, p, label) for org, p in _exported(term)]
    data: JsonObject = {
        "_generated": term.generated,
        "_term": label,
        "_count": len(programs),
        "programs": programs,
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def csv_field(value: str) -> str:
    """One CSV field as `csv.js` writes it: quoted only when it holds `,`, `"` or a newline."""
    if "," in value or '"' in value or "\n" in value:
        return '"' + value.replace('"', '""') + '"'
    return value


def render_lfx_csv(term: TermData) -> str:
    """`lfx-tracking.csv` (§5.2): 21 columns, export order, `\\n` line ends.

    Mentors after the fourth have no columns (the count column still counts them).
    """
    token = term_token(_label(term))
    lines = [CSV_HEADER]
    for org, project in _exported(term):
        fields = [
            _full_title(org, project, token),
            project.lfx_url,
            project.upstream_issues[0] if project.upstream_issues else "",
            "",
            str(len(project.mentors)),
        ]
        for i in range(4):
            if i < len(project.mentors):
                m = project.mentors[i]
                fields += [m.name, m.github.removeprefix("@"), m.email, m.lfid]
            else:
                fields += ["", "", "", ""]
        lines.append(",".join(csv_field(f) for f in fields))
    return "\n".join(lines) + "\n"


def render_lfx_readme(term: TermData) -> str:
    """The generated term `README.md` (§5.3).

    Layout, line by line (each item below is one line; "" is an empty line):

    * the header: `term.frontmatter` (the old page up to and including its first `---` line)
      + "\\n\\n"; without one, the synthesized `# <readme title>`, "", `Status: Planning`, "",
      `Mentorship duration - three months (full-time schedule)`, "", `---`, "", "";
    * `## Table of Contents`, "", then per project (sorted by `str.lower`) `- [P](#slug)` and
      per program `  - [name](#slug)`, then "";
    * `## Accepted Projects`, "", then per project `### P`, "", then per program:
      `#### <short name>`, "", `<full name>`, "", `- Description:`, "", one `  > <line>` per
      description line, "", the five field lines (skills, technologies, `- Mentor(s):` with
      `  - name (@handle, email)` lines, upstream issue, LFX URL or TBD), "".

    The body lines are joined with "\\n" and get a final "\\n"; since the last body line is the
    empty line after the last program, the file ends with "\\n\\n".
    """
    label = _label(term)
    token = term_token(label)
    if term.frontmatter:
        header = term.frontmatter + "\n\n"
    else:
        header = (
            f"# {readme_title(label)}\n\nStatus: {README_STATUS}\n\n"
            f"Mentorship duration - {README_DURATION}\n\n---\n\n"
        )
    groups: dict[str, list[tuple[Organization, Project]]] = {}
    for org, project in _exported(term):
        groups.setdefault(org.name, []).append((org, project))
    names = sorted(groups, key=str.lower)

    lines = ["## Table of Contents", ""]
    for name in names:
        lines.append(f"- [{name}](#{anchor_slug(name)})")
        lines.extend(f"  - [{p.title}](#{anchor_slug(p.title)})" for _, p in groups[name])
    lines += ["", "## Accepted Projects", ""]
    for name in names:
        lines += [f"### {name}", ""]
        for org, p in groups[name]:
            lines += [f"#### {p.title}", "", _full_title(org, p, token), "", "- Description:", ""]
            lines.extend(f"  > {line}" for line in p.description.split("\n"))
            lines += [
                "",
                f"- Recommended Skills: {p.skills}",
                f"- Technologies: {p.technologies}",
                "- Mentor(s):",
            ]
            lines.extend(
                f"  - {m.name} (@{m.github.removeprefix('@')}, {m.email})" for m in p.mentors
            )
            lines += [
                f"- Upstream Issue: {p.upstream_issues[0] if p.upstream_issues else ''}",
                f"- LFX URL: {p.lfx_url or 'TBD'}",
                "",
            ]
    return header + "\n".join(lines) + "\n"
