"""Cohort JSON: the lossless interchange format for a term (documented in docs/formats.md).

`term_to_json()` writes every field of `TermData`, keys in a fixed documented order (not sorted
by name), lists in the order given; `term_from_json()` reads it back, so
`term_from_json(term_to_json(t)) == t`. Malformed input raises `FormatError` with the line of
the offending value.

`JsonReader` (typed, located access to a parsed JSON document) is shared with the CNCF
lfx-export.json reader in `cohort.formats.lfx`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Final, cast

from cohort.formats.limits import is_time_zone, number_problem, term_problem, url_problem
from cohort.formats.model import (
    MENTOR_FLAGS,
    FormatError,
    Mentor,
    MentorRole,
    Milestone,
    Organization,
    OrgKind,
    Prerequisites,
    Project,
    ProjectStatus,
    TermData,
)

FORMAT_VERSION: Final = 1

JsonPath = tuple[str | int, ...]
JsonObject = dict[str, object]

# One token of (valid) JSON text: a string, a structural character, a newline, or a scalar.
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,\n]|-?[0-9][0-9.eE+-]*|true|false|null')
_LABEL = re.compile(r"([0-9]{4}) Term ([1-9][0-9]*)")


def json_value_lines(text: str) -> dict[JsonPath, int]:
    """Map the path of every value in a valid JSON text to the 1-based line where it starts.

    A path is the keys and array indices leading to the value; the document itself is `()`.
    With duplicate keys the first occurrence wins.
    """
    lines: dict[JsonPath, int] = {}
    path: list[str | int] = []
    containers: list[str] = []  # "{" or "[" for each open container
    expecting_key = False
    line = 1
    for match in _TOKEN.finditer(text):
        piece = match.group()
        if piece == "\n":
            line += 1
        elif piece == ":":
            expecting_key = False
        elif piece == ",":
            if containers[-1] == "[":
                index = path[-1]
                if isinstance(index, int):
                    path[-1] = index + 1
            else:
                expecting_key = True
        elif piece in ("}", "]"):
            containers.pop()
            path.pop()
            expecting_key = False
        elif expecting_key:
            path[-1] = cast(str, json.loads(piece))
        else:
            lines.setdefault(tuple(path), line)
            if piece == "{":
                containers.append("{")
                path.append("")
                expecting_key = True
            elif piece == "[":
                containers.append("[")
                path.append(0)
    return lines


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


class _Required:
    pass


_REQUIRED: Final = _Required()


class JsonReader:
    """Typed access to a parsed JSON document; every error is a located `FormatError`.

    `what` arguments name the thing being read in messages, e.g. "program 3 (issue #2009)",
    giving "program 3 (issue #2009): missing key 'mentors'".
    """

    def __init__(self, text: str, *, source: str = "") -> None:
        self._document = text
        self.source = source
        self._lines: dict[JsonPath, int] | None = None

    def load(self) -> object:
        try:
            return cast(object, json.loads(self._document))
        except json.JSONDecodeError as exc:
            raise FormatError(
                f"invalid JSON: {exc.msg}", line=exc.lineno, source=self.source
            ) from None
        except RecursionError:
            raise FormatError("invalid JSON: nested too deeply", source=self.source) from None

    def line(self, path: JsonPath) -> int:
        """The line of the value at `path`, or of its nearest ancestor; 0 if unknown."""
        if self._lines is None:
            self._lines = json_value_lines(self._document)
        while path and path not in self._lines:
            path = path[:-1]
        return self._lines.get(path, 0)

    def error(self, path: JsonPath, message: str) -> FormatError:
        return FormatError(message, line=self.line(path), source=self.source)

    def mapping(self, value: object, path: JsonPath, what: str) -> JsonObject:
        if not isinstance(value, dict):
            raise self.error(path, f"{what} must be an object, not {_json_type(value)}")
        return cast(JsonObject, value)

    def only(self, obj: JsonObject, keys: Iterable[str], path: JsonPath, what: str) -> None:
        """Reject keys this format does not define (a typo would otherwise be ignored)."""
        known = set(keys)
        for key in obj:
            if key not in known:
                raise self.error((*path, key), f"{what}: unknown key '{key}'")

    def value(
        self, obj: JsonObject, key: str, path: JsonPath, what: str, default: object = _REQUIRED
    ) -> object:
        """`obj[key]`; a missing key is an error unless a default is given."""
        if key in obj:
            return obj[key]
        if isinstance(default, _Required):
            raise self.error(path, f"{what}: missing key '{key}'")
        return default

    def _wrong(
        self, path: JsonPath, key: str, what: str, expected: str, value: object
    ) -> FormatError:
        return self.error(
            (*path, key), f"{what}: '{key}' must be {expected}, not {_json_type(value)}"
        )

    def text(
        self, obj: JsonObject, key: str, path: JsonPath, what: str, default: object = _REQUIRED
    ) -> str:
        value = self.value(obj, key, path, what, default)
        if not isinstance(value, str):
            raise self._wrong(path, key, what, "a string", value)
        return value

    def text_or_null(
        self, obj: JsonObject, key: str, path: JsonPath, what: str, default: object = _REQUIRED
    ) -> str | None:
        value = self.value(obj, key, path, what, default)
        if value is not None and not isinstance(value, str):
            raise self._wrong(path, key, what, "a string or null", value)
        return value

    def boolean(
        self, obj: JsonObject, key: str, path: JsonPath, what: str, default: object = _REQUIRED
    ) -> bool:
        value = self.value(obj, key, path, what, default)
        if not isinstance(value, bool):
            raise self._wrong(path, key, what, "true or false", value)
        return value

    def integer_or_null(
        self, obj: JsonObject, key: str, path: JsonPath, what: str, default: object = _REQUIRED
    ) -> int | None:
        value = self.value(obj, key, path, what, default)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise self._wrong(path, key, what, "an integer", value)
        return value

    def integer(
        self, obj: JsonObject, key: str, path: JsonPath, what: str, default: object = _REQUIRED
    ) -> int:
        value = self.integer_or_null(obj, key, path, what, default)
        if value is None:
            raise self._wrong(path, key, what, "an integer", value)
        return value

    def array(
        self, obj: JsonObject, key: str, path: JsonPath, what: str, default: object = _REQUIRED
    ) -> list[object]:
        value = self.value(obj, key, path, what, default)
        if not isinstance(value, list):
            raise self._wrong(path, key, what, "an array", value)
        return cast(list[object], value)

    def choice(
        self,
        obj: JsonObject,
        key: str,
        path: JsonPath,
        what: str,
        allowed: Iterable[str],
        default: object = _REQUIRED,
    ) -> str:
        value = self.text(obj, key, path, what, default)
        options = tuple(allowed)
        if value not in options:
            shown = ", ".join(f'"{o}"' for o in options)
            raise self.error((*path, key), f"{what}: '{key}' is {value!r}, expected one of {shown}")
        return value

    def web_url(
        self, obj: JsonObject, key: str, path: JsonPath, what: str, default: object = _REQUIRED
    ) -> str:
        """A URL that pages link to: empty, or http(s) (never `javascript:` and the like)."""
        value = self.text(obj, key, path, what, default)
        problem = url_problem(value, f"'{key}'")
        if problem:
            raise self.error((*path, key), f"{what}: {problem}")
        return value

    def number(
        self, obj: JsonObject, key: str, path: JsonPath, what: str, default: object = _REQUIRED
    ) -> int | None:
        """A proposal (issue) number, 1 to `limits.MAX_NUMBER`, or null."""
        value = self.integer_or_null(obj, key, path, what, default)
        problem = "" if value is None else number_problem(value)
        if problem:
            raise self.error((*path, key), f"{what}: '{key}': {problem}")
        return value


# --- datetimes -------------------------------------------------------------------------------


def format_utc(moment: datetime) -> str:
    """ISO 8601 in UTC with a "Z": "2024-07-31T00:00:00Z" (fractions only when present)."""
    if moment.tzinfo is None:
        raise FormatError(f"naive datetime {moment.isoformat()} (Cohort datetimes are aware)")
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_utc(text: str) -> datetime:
    """The inverse of `format_utc`; raises ValueError unless `text` is ISO 8601 ending in "Z"."""
    if not text.endswith("Z"):
        raise ValueError("not UTC")
    moment = datetime.fromisoformat(text)
    if moment.utcoffset() is None:
        raise ValueError("no offset")
    return moment.astimezone(UTC)


# --- writer ----------------------------------------------------------------------------------


def prerequisites_to_dict(pre: Prerequisites | None) -> JsonObject | None:
    """Prerequisites as Cohort JSON (also how the database stores them)."""
    if pre is None:
        return None
    return {
        "resume": pre.resume,
        "cover_letter": pre.cover_letter,
        "school_enrollment": pre.school_enrollment,
        "participation_permission": pre.participation_permission,
        "coding_challenge": pre.coding_challenge,
        "coding_challenge_url": pre.coding_challenge_url,
        "custom_name": pre.custom_name,
        "custom_description": pre.custom_description,
        "custom_file_upload": pre.custom_file_upload,
        "has_custom": pre.has_custom,
    }


def _mentor(mentor: Mentor) -> JsonObject:
    return {
        "name": mentor.name,
        "github": mentor.github,
        "email": mentor.email,
        "lfid": mentor.lfid,
        "role": mentor.role,
        "flags": list(mentor.flags),
        "contact": mentor.contact,
    }


def _project(project: Project) -> JsonObject:
    return {
        "title": project.title,
        "lfx_title": project.lfx_title,
        "status": project.status,
        "subgroup": project.subgroup,
        "number": project.number,
        "issue_url": project.issue_url,
        "description": project.description,
        "expected_outcome": project.expected_outcome,
        "skills": project.skills,
        "technologies": project.technologies,
        "mentors": [_mentor(m) for m in project.mentors],
        "upstream_issues": list(project.upstream_issues),
        "lfx_url": project.lfx_url,
        "prerequisites": prerequisites_to_dict(project.prerequisites),
        "form": None if project.form is None else dict(project.form),
        "raw": project.raw,
    }


def _milestone(milestone: Milestone) -> JsonObject:
    return {
        "key": milestone.key,
        "label": milestone.label,
        "start": None if milestone.start is None else format_utc(milestone.start),
        "end": None if milestone.end is None else format_utc(milestone.end),
        "has_time": milestone.has_time,
        "raw": milestone.raw,
    }


def term_to_json(term: TermData) -> str:
    """The term as Cohort JSON: 2-space indent, non-ASCII unescaped, a final newline."""
    if (term.year is None) != (term.number is None):
        raise FormatError("a term needs both a year and a number, or neither")
    data: JsonObject = {
        "version": FORMAT_VERSION,
        "term": {
            "title": term.title,
            "label": term.label,
            "status": term.status,
            "time_zone": term.time_zone,
            "duration": term.duration,
            "frontmatter": term.frontmatter,
            "generated": term.generated,
        },
        "milestones": [_milestone(m) for m in term.milestones],
        "organizations": [
            {
                "name": org.name,
                "kind": org.kind,
                "slug": org.slug,
                "maturity": org.maturity,
                "projects": [_project(p) for p in org.projects],
            }
            for org in term.organizations
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# --- reader ----------------------------------------------------------------------------------

_TERM_KEYS = (
    "title",
    "label",
    "status",
    "time_zone",
    "duration",
    "frontmatter",
    "generated",
)
_MILESTONE_KEYS = ("key", "label", "start", "end", "has_time", "raw")
_ORG_KEYS = ("name", "kind", "slug", "maturity", "projects")
_PROJECT_KEYS = (
    "title",
    "lfx_title",
    "status",
    "subgroup",
    "number",
    "issue_url",
    "description",
    "expected_outcome",
    "skills",
    "technologies",
    "mentors",
    "upstream_issues",
    "lfx_url",
    "prerequisites",
    "form",
    "raw",
)
_MENTOR_KEYS = ("name", "github", "email", "lfid", "role", "flags", "contact")
_PREREQUISITE_KEYS = (
    "resume",
    "cover_letter",
    "school_enrollment",
    "participation_permission",
    "coding_challenge",
    "coding_challenge_url",
    "custom_name",
    "custom_description",
    "custom_file_upload",
    "has_custom",
)


def _read_datetime(
    r: JsonReader, obj: JsonObject, key: str, path: JsonPath, what: str
) -> datetime | None:
    text = r.text_or_null(obj, key, path, what, None)
    if text is None:
        return None
    try:
        return parse_utc(text)
    except ValueError:
        raise r.error(
            (*path, key),
            f"{what}: '{key}' is {text!r}, expected ISO 8601 UTC like \"2024-07-31T00:00:00Z\"",
        ) from None


def _challenge_url(r: JsonReader, obj: JsonObject, path: JsonPath, what: str) -> str | None:
    url = r.text_or_null(obj, "coding_challenge_url", path, what, None)
    problem = url_problem(url or "", "'coding_challenge_url'")
    if problem:
        raise r.error((*path, "coding_challenge_url"), f"{what}: {problem}")
    return url


def _read_prerequisites(r: JsonReader, value: object, path: JsonPath, what: str) -> Prerequisites:
    obj = r.mapping(value, path, f"{what}: 'prerequisites'")
    r.only(obj, _PREREQUISITE_KEYS, path, f"{what} prerequisites")
    w = f"{what} prerequisites"
    return Prerequisites(
        resume=r.boolean(obj, "resume", path, w, False),
        cover_letter=r.boolean(obj, "cover_letter", path, w, False),
        school_enrollment=r.boolean(obj, "school_enrollment", path, w, False),
        participation_permission=r.boolean(obj, "participation_permission", path, w, False),
        coding_challenge=r.boolean(obj, "coding_challenge", path, w, False),
        coding_challenge_url=_challenge_url(r, obj, path, w),
        custom_name=r.text_or_null(obj, "custom_name", path, w, None),
        custom_description=r.text_or_null(obj, "custom_description", path, w, None),
        custom_file_upload=r.boolean(obj, "custom_file_upload", path, w, False),
        has_custom=r.boolean(obj, "has_custom", path, w, False),
    )


def _read_form(r: JsonReader, value: object, path: JsonPath, what: str) -> dict[str, str]:
    obj = r.mapping(value, path, f"{what}: 'form'")
    form: dict[str, str] = {}
    for label in obj:
        form[label] = r.text(obj, label, path, f"{what} form")
    return form


def _read_mentor(r: JsonReader, value: object, path: JsonPath, what: str) -> Mentor:
    obj = r.mapping(value, path, what)
    r.only(obj, _MENTOR_KEYS, path, what)
    flags: list[str] = []
    for i, flag in enumerate(r.array(obj, "flags", path, what, [])):
        if not isinstance(flag, str) or flag not in MENTOR_FLAGS:
            raise r.error(
                (*path, "flags", i),
                f"{what}: unknown flag {flag!r}; known: {', '.join(MENTOR_FLAGS)}",
            )
        flags.append(flag)
    return Mentor(
        name=r.text(obj, "name", path, what),
        github=r.text(obj, "github", path, what, ""),
        email=r.text(obj, "email", path, what, ""),
        lfid=r.text(obj, "lfid", path, what, ""),
        role=cast(
            MentorRole, r.choice(obj, "role", path, what, ("primary", "co-mentor"), "co-mentor")
        ),
        flags=flags,
        contact=r.text(obj, "contact", path, what, ""),
    )


def _read_project(r: JsonReader, value: object, path: JsonPath, what: str) -> Project:
    obj = r.mapping(value, path, what)
    r.only(obj, _PROJECT_KEYS, path, what)
    title = r.text(obj, "title", path, what)
    what = f"{what} ({title!r})"
    upstream: list[str] = []
    for i, url in enumerate(r.array(obj, "upstream_issues", path, what, [])):
        if not isinstance(url, str):
            raise r.error((*path, "upstream_issues", i), f"{what}: upstream issues must be strings")
        problem = url_problem(url, "upstream issue")
        if problem:
            raise r.error((*path, "upstream_issues", i), f"{what}: {problem}")
        upstream.append(url)
    mentors = [
        _read_mentor(r, m, (*path, "mentors", i), f"{what} mentor {i + 1}")
        for i, m in enumerate(r.array(obj, "mentors", path, what, []))
    ]
    pre_value = obj.get("prerequisites")
    form_value = obj.get("form")
    return Project(
        title=title,
        lfx_title=r.text(obj, "lfx_title", path, what, ""),
        status=cast(
            ProjectStatus,
            r.choice(obj, "status", path, what, ("published", "proposed"), "published"),
        ),
        description=r.text(obj, "description", path, what, ""),
        expected_outcome=r.text(obj, "expected_outcome", path, what, ""),
        skills=r.text(obj, "skills", path, what, ""),
        technologies=r.text(obj, "technologies", path, what, ""),
        mentors=mentors,
        upstream_issues=upstream,
        lfx_url=r.web_url(obj, "lfx_url", path, what, ""),
        raw=r.text(obj, "raw", path, what, ""),
        subgroup=r.text(obj, "subgroup", path, what, ""),
        number=r.number(obj, "number", path, what, None),
        issue_url=r.web_url(obj, "issue_url", path, what, ""),
        prerequisites=None
        if pre_value is None
        else _read_prerequisites(r, pre_value, (*path, "prerequisites"), what),
        form=None if form_value is None else _read_form(r, form_value, (*path, "form"), what),
    )


def _read_organization(r: JsonReader, value: object, path: JsonPath, what: str) -> Organization:
    obj = r.mapping(value, path, what)
    r.only(obj, _ORG_KEYS, path, what)
    name = r.text(obj, "name", path, what)
    what = f"{what} ({name!r})"
    return Organization(
        name=name,
        kind=cast(OrgKind, r.choice(obj, "kind", path, what, ("project", "group"), "project")),
        slug=r.text(obj, "slug", path, what, ""),
        maturity=r.text(obj, "maturity", path, what, ""),
        projects=[
            _read_project(r, p, (*path, "projects", i), f"{what} project {i + 1}")
            for i, p in enumerate(r.array(obj, "projects", path, what, []))
        ],
    )


def _read_milestone(r: JsonReader, value: object, path: JsonPath, what: str) -> Milestone:
    obj = r.mapping(value, path, what)
    r.only(obj, _MILESTONE_KEYS, path, what)
    return Milestone(
        key=r.text(obj, "key", path, what),
        label=r.text(obj, "label", path, what),
        raw=r.text(obj, "raw", path, what, ""),
        start=_read_datetime(r, obj, "start", path, what),
        end=_read_datetime(r, obj, "end", path, what),
        has_time=r.boolean(obj, "has_time", path, what, False),
    )


def term_from_json(text: str, *, source: str = "") -> TermData:
    """Read Cohort JSON. Only titles, names and milestone key/label are required."""
    r = JsonReader(text, source=source)
    doc = r.mapping(r.load(), (), "the document")
    r.only(doc, ("version", "term", "milestones", "organizations"), (), "document")
    version = r.integer(doc, "version", (), "document")
    if version != FORMAT_VERSION:
        raise r.error(("version",), f"unsupported Cohort JSON version {version} (expected 1)")
    path: JsonPath = ("term",)
    head = r.mapping(r.value(doc, "term", (), "document"), path, "'term'")
    r.only(head, _TERM_KEYS, path, "term")
    label = r.text(head, "label", path, "term", "")
    year: int | None = None
    number: int | None = None
    if label:
        match = _LABEL.fullmatch(label)
        if match is None:
            raise r.error(
                (*path, "label"), f'term: label {label!r} is not like "2024 Term 3" (or empty)'
            )
        year, number = int(match[1]), int(match[2])
        problem = term_problem(year, number)
        if problem:
            raise r.error((*path, "label"), f"term: label {label!r}: {problem}")
    time_zone = r.text(head, "time_zone", path, "term", "UTC")
    if not is_time_zone(time_zone):
        raise r.error((*path, "time_zone"), f"term: unknown time zone {time_zone!r}")
    term = TermData(
        title=r.text(head, "title", path, "term"),
        year=year,
        number=number,
        status=r.text(head, "status", path, "term", ""),
        time_zone=time_zone,
        duration=r.text(head, "duration", path, "term", ""),
        milestones=[
            _read_milestone(r, m, ("milestones", i), f"milestone {i + 1}")
            for i, m in enumerate(r.array(doc, "milestones", (), "document", []))
        ],
        organizations=[
            _read_organization(r, o, ("organizations", i), f"organization {i + 1}")
            for i, o in enumerate(r.array(doc, "organizations", (), "document", []))
        ],
        frontmatter=r.text(head, "frontmatter", path, "term", ""),
        generated=r.text(head, "generated", path, "term", ""),
        source_kind="json",
    )
    seen: dict[int, int] = {}  # proposal number -> line of its first project
    for i, org in enumerate(term.organizations):
        for j, project in enumerate(org.projects):
            if project.number is None:
                continue
            where = ("organizations", i, "projects", j, "number")
            if project.number in seen:
                raise r.error(
                    where,
                    f"organization {i + 1} project {j + 1} ({project.title!r}): number "
                    f"{project.number} is already used on line {seen[project.number]}",
                )
            seen[project.number] = r.line(where)
    return term
