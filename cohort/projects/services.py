"""Writes to organizations and projects. Every caller (CLI, admin actions, API) uses these."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify

from cohort.core.errors import DomainError
from cohort.core.models import AuditEvent, Person, User
from cohort.core.workflow import transition_many
from cohort.formats import merge
from cohort.formats import model as fm
from cohort.formats.interchange import prerequisites_to_dict
from cohort.formats.issueform import IssueForm, length_problems
from cohort.formats.mentors import HANDLE_RE
from cohort.projects import models as m
from cohort.terms.models import Milestone, Program, Term, validate_time_zone
from cohort.terms.services import ensure_open

VALID_HANDLE_FLAGS = {fm.FLAG_HANDLE_INVALID, fm.FLAG_HANDLE_MISSING}
NOT_IN_CANONICAL = ("number", "issue_url", "prerequisites")
# Top-level URL words a program's slug must not take (cohort/web/urls.py, config/urls.py).
RESERVED_SLUGS = frozenset(
    {
        "admin",
        "api",
        "search",
        "static",
        "media",
        "accounts",
        "login",
        "proposals",
        "applications",
        "review",
        "healthz",
        "readyz",
        "my-data",  # cohort/retention/urls.py: a person's own data
        "settings",  # cohort/notifications/urls.py: settings/email/
        "unsubscribe",  # cohort/notifications/urls.py: one-click unsubscribe (RFC 8058)
        "calendar",  # cohort/calendars/urls.py: a person's calendar and its feed
        "reminders",  # cohort/reminders/urls.py: a program's reminders
        "github",  # cohort/github/urls.py: a program's GitHub settings and deliveries
        "webhooks",  # cohort/github/urls.py: webhooks/github/<program>/
        "console",
        "feeds",
        "mentorship",
        "selection",
        "stipends",
        "completed",  # cohort/mentorship/urls.py: a graduate's shared completion page
    }
)


class ImportRefusedError(DomainError):
    """An import refused: a value the database cannot hold. `line` is the line of the entry
    in its file (0 when unknown) and `value` the text refused, so that the command can say
    `file:line: message`."""

    def __init__(self, message: str, *, line: int = 0, value: str = "") -> None:
        super().__init__(message)
        self.line = line
        self.value = value


@dataclass
class ImportResult:
    term: Term
    term_created: bool
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    not_on_page: int = 0  # stored projects the page no longer lists; left as they are
    status_kept: int = 0  # stored projects whose status the page could not move (withdrawn…)
    # A README and its term's ideas page (cohort.formats.merge): the ideas that are the
    # README's programs, and the ideas it does not list (status not_accepted).
    accepted: int = 0
    not_accepted: int = 0

    def summary(self) -> str:
        verb = "created" if self.term_created else "updated"
        text = (
            f"{self.term.label} {verb}: {self.created} projects new, {self.updated} changed, "
            f"{self.unchanged} unchanged"
        )
        if self.not_on_page:
            text += f"; {self.not_on_page} stored projects are not on this page (left as they are)"
        if self.accepted or self.not_accepted:
            text += (
                f"; ideas: {self.accepted} accepted (the README's programs), "
                f"{self.not_accepted} not accepted"
            )
        if self.status_kept:
            text += (
                f"; {self.status_kept} kept their status (a withdrawn, rejected or unpublished "
                "proposal is not published by an import)"
            )
        return text


def get_or_create_program(name: str, *, actor: User | None = None) -> Program:
    program = Program.objects.filter(name__iexact=name).first()
    if program is None:
        program = Program.objects.create(
            name=name,
            slug=unique_slug(
                name, set(Program.objects.values_list("slug", flat=True)) | RESERVED_SLUGS
            ),
        )
        AuditEvent.record(actor, "terms.program.created", program)
    return program


@transaction.atomic
def import_term(data: fm.TermData, *, program: Program, actor: User | None = None) -> ImportResult:
    """Store a parsed term; importing the same data again changes nothing.

    Projects are matched to stored ones by number, then LFX URL, then organization and
    title, so a re-import updates in place instead of duplicating. A page that no longer
    lists a stored project leaves it alone: nothing is deleted by an import.
    """
    if data.year is None or data.number is None:
        raise DomainError('The page does not say which term it is; pass --term "YYYY Term N".')
    _check_lengths(Term, {"title": data.title, "status": data.status, "duration": data.duration})
    _check_lengths(Term, {"time_zone": data.time_zone, "lfx_generated": data.generated})
    for ms in data.milestones:
        _check_lengths(Milestone, {"key": ms.key, "label": ms.label, "raw": ms.raw})
    term, term_created = Term.objects.get_or_create(
        program=program,
        year=data.year,
        number=data.number,
        defaults={"title": data.title, "time_zone": data.time_zone},
    )
    ensure_open(term)  # a closed term is frozen (issue 16): its page cannot be imported again
    # An ideas page sets the head of a term only while no term page has (README wins).
    if data.source_kind != "ideas" or term_created or term.head_source == Term.HeadSource.IDEAS:
        _update_term(term, data)
    result = ImportResult(term=term, term_created=term_created)
    _sync_projects(term, data, result, actor=actor)
    AuditEvent.record(
        actor,
        "terms.term.imported",
        term,
        data={
            "source": data.source_kind,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "accepted": result.accepted,
            "not_accepted": result.not_accepted,
        },
    )
    return result


def _update_term(term: Term, data: fm.TermData) -> None:
    from_page = data.source_kind != "lfx-json"  # an export carries no page head or timeline
    try:
        validate_time_zone(data.time_zone)
    except ValidationError as exc:
        raise DomainError(exc.messages[0]) from None
    if from_page:
        ideas = data.source_kind == "ideas"
        term.head_source = Term.HeadSource.IDEAS if ideas else Term.HeadSource.TERM_PAGE
        term.title = data.title
        term.status = data.status
        term.time_zone = data.time_zone
        term.duration = data.duration
        term.frontmatter = data.frontmatter
    elif not term.title:
        term.title = data.title
    if data.generated:
        term.lfx_generated = data.generated
    term.save()
    if not from_page:
        return
    wanted = [
        (i, ms.key, ms.label, ms.raw, ms.start, ms.end, ms.has_time)
        for i, ms in enumerate(data.milestones)
    ]
    stored = [
        (ms.position, ms.key, ms.label, ms.raw, ms.start, ms.end, ms.has_time)
        for ms in term.milestones.order_by("position")
    ]
    if wanted != stored:
        term.milestones.all().delete()
        Milestone.objects.bulk_create(
            Milestone(
                term=term,
                position=i,
                key=key,
                label=label,
                raw=raw,
                start=start,
                end=end,
                has_time=has_time,
            )
            for i, key, label, raw, start, end, has_time in wanted
        )


_PROJECT_FIELDS = (
    "organization_id",
    "number",
    "position",
    "status",
    "title",
    "lfx_title",
    "subgroup",
    "description",
    "expected_outcome",
    "skills",
    "technologies",
    "lfx_url",
    "issue_url",
    "prerequisites",
    "raw",
    "form_fields",
    "source_line",
    "search_text",
)


# Where an ideas page's entries sort: after the term page's programs, in their own order, so
# that a term reads the same whichever of its pages came first.
IDEAS_POSITION = 10_000
# A project an ideas page brought and no README took over (the ideas side of a term).
IDEA_STATUSES = frozenset({m.Project.Status.PROPOSED, m.Project.Status.NOT_ACCEPTED})


@dataclass
class _Item:
    data: fm.Project
    org: m.Organization
    values: dict[str, Any]


def _sync_projects(
    term: Term, data: fm.TermData, result: ImportResult, *, actor: User | None
) -> None:
    """Match the page's entries to the stored projects, then write in bulk.

    A README (or selected_projects.md) and its term's ideas page merge (spec §7.9): an idea
    the README lists is the README's program (`cohort.formats.merge.match` pairs them), with
    the README's content; the ideas it does not list are not accepted. The pairing is the
    same whichever page comes first, so both orders, and one run or two, store the same.
    """
    kind = data.source_kind
    has_readme = term.head_source == Term.HeadSource.TERM_PAGE
    organizations = _OrganizationIndex(term.program)
    people = _PersonIndex(mentor for item in data.projects() for mentor in item.mentors)
    stored = list(term.projects.select_related("organization"))
    stored_children = _stored_children(term)
    if kind == "readme":  # its own programs; the stored ideas are merged below
        own = [p for p in stored if p.status not in IDEA_STATUSES]
        other = [p for p in stored if p.status in IDEA_STATUSES]
    elif kind == "ideas":  # its own ideas; the README's programs are merged first
        own = [p for p in stored if p.status in IDEA_STATUSES]
        other = [p for p in stored if p.status not in IDEA_STATUSES]
    else:
        own, other = stored, []
    other_ids = {p.pk for p in other}
    slugs = {p.slug for p in stored}
    items = _items(data, organizations)
    found: dict[int, m.Project] = {}  # item index → the stored project it is
    kept: set[int] = set()  # item indexes that are a README program an ideas page leaves alone

    if kind == "ideas" and other:
        pairs = merge.match([_entry(p) for p in other], [_entry(x) for x in items])
        for a, k in pairs:
            found[k] = other[a]
            kept.add(k)
    _match_own(items, own, found)
    if kind == "readme" and other:
        rest = [k for k in range(len(items)) if k not in found]
        pairs = merge.match([_entry(items[k]) for k in rest], [_entry(p) for p in other])
        for r, i in pairs:
            found[rest[r]] = other[i]

    matched: set[int] = set()
    status_moves: list[tuple[m.Project, str]] = []
    to_create: list[tuple[m.Project, fm.Project]] = []
    to_update: list[m.Project] = []
    children_changed: list[tuple[m.Project, fm.Project]] = []
    now = timezone.now()
    for k, item in enumerate(items):
        values = item.values
        idea_status = m.Project.Status.NOT_ACCEPTED if has_readme else m.Project.Status.PROPOSED
        if kind == "ideas":
            values["status"] = idea_status
        project = found.get(k)
        if project is None:
            project = m.Project(term=term, slug=unique_slug(item.data.title, slugs))
            for field, value in values.items():
                setattr(project, field, value)
            to_create.append((project, item.data))
            if kind == "ideas" and has_readme:
                result.not_accepted += 1
            continue
        matched.add(project.pk)
        if k in kept:  # the README's program: its content wins over the idea's
            result.accepted += 1
            if project.title or not item.data.title:
                result.unchanged += 1
                continue
            # ...but a README entry without a heading (2022 Spring's second KubeArmor
            # program) is named by its idea, as when the idea came first (below).
            project.title = item.data.title
            project.slug = unique_slug(item.data.title, slugs)
            project.search_text = "\n".join(
                s for s in (item.data.title.casefold(), project.search_text) if s
            )
            project.updated_at = now
            to_update.append(project)
            result.updated += 1
            continue
        if not item.data.title and project.title and kind != "ideas":
            # A term-page entry without a heading keeps the title its idea gave it.
            values = _project_values(item.data, item.org, values["position"], title=project.title)
        if kind == "canonical":
            # The canonical page does not carry these; keep what is stored. Its line
            # numbers are its own, not the entry's place in the page it came from, and its
            # order is the stored one (an ideas page's entries sort after IDEAS_POSITION).
            for field in NOT_IN_CANONICAL:
                if values[field] in (None, ""):
                    values[field] = getattr(project, field)
            values["source_line"] = project.source_line
            values["position"] = project.position
        # A page decides few status changes: an idea is published when the term page
        # lists it, and not accepted when the term page is known and does not; through
        # the transition table and audited, after the bulk update. A draft, submitted,
        # withdrawn or rejected project keeps its status: publishing a proposal needs its
        # approvals (proposals.services), not a file.
        wanted_status = values.pop("status")
        # Only a term page publishes an idea it did not accept: an export (canonical, JSON)
        # writes a not-accepted idea as published (its format has no such status).
        publishes = project.status == m.Project.Status.PROPOSED or kind == "readme"
        if (
            project.status in IDEA_STATUSES
            and wanted_status == m.Project.Status.PUBLISHED
            and publishes
        ):
            status_moves.append((project, wanted_status))
            if kind == "readme" and project.pk in other_ids:
                # The idea becomes the README's program, named (and addressed) as it is.
                result.accepted += 1
                if not _slug_fits(values["title"], project.slug):
                    values["slug"] = unique_slug(values["title"], slugs)
        elif (
            project.status == m.Project.Status.PROPOSED
            and wanted_status == m.Project.Status.NOT_ACCEPTED
        ):
            status_moves.append((project, wanted_status))
        elif wanted_status != project.status and not (
            kind == "ideas" and project.status in IDEA_STATUSES
        ):
            result.status_kept += 1
        if kind == "ideas" and has_readme:
            result.not_accepted += 1
        changed = [f for f, v in values.items() if getattr(project, f) != v]
        for field in changed:
            setattr(project, field, values[field])
        children_differ = stored_children.get(project.pk, ([], [])) != _wanted_children(item.data)
        moved = bool(status_moves) and status_moves[-1][0] is project
        if changed:
            project.updated_at = now  # bulk_update does not apply auto_now
            to_update.append(project)
        if children_differ:
            children_changed.append((project, item.data))
        if changed or children_differ or moved:
            result.updated += 1
        else:
            result.unchanged += 1
    if kind == "readme":
        # The ideas the term page does not list were not accepted.
        for project in other:
            if project.pk not in matched and project.status == m.Project.Status.PROPOSED:
                status_moves.append((project, m.Project.Status.NOT_ACCEPTED))
                result.not_accepted += 1

    m.Project.objects.bulk_create([p for p, _ in to_create])
    if to_update:
        fields = [f for f in _PROJECT_FIELDS if f != "status"]
        m.Project.objects.bulk_update(to_update, [*fields, "slug", "updated_at"])
    transition_many(status_moves, actor=actor, note="import-term")
    refill = to_create + children_changed
    if children_changed:
        ids = [p.pk for p, _ in children_changed]
        m.Mentorship.objects.filter(project_id__in=ids).delete()
        m.UpstreamIssue.objects.filter(project_id__in=ids).delete()
    m.Mentorship.objects.bulk_create(
        m.Mentorship(
            project=project,
            person=people.get(mentor),
            position=i,
            role=mentor.role,
            name=mentor.name,
            github=mentor.github,
            email=mentor.email,
            lfid=mentor.lfid,
            contact=mentor.contact,
            flags=list(mentor.flags),
        )
        for project, item in refill
        for i, mentor in enumerate(item.mentors)
    )
    m.UpstreamIssue.objects.bulk_create(
        m.UpstreamIssue(project=project, position=i, url=url)
        for project, item in refill
        for i, url in enumerate(item.upstream_issues)
    )
    result.created = len(to_create)
    result.not_on_page = sum(1 for p in own if p.pk not in matched)


def _items(data: fm.TermData, organizations: _OrganizationIndex) -> list[_Item]:
    """The page's entries with their organizations resolved and their column values checked;
    an ideas page's entries placed after the term page's programs (IDEAS_POSITION)."""
    items: list[_Item] = []
    position = IDEAS_POSITION if data.source_kind == "ideas" else 0
    for org_data in data.organizations:
        first_line = next((p.line for p in org_data.projects), 0)
        try:
            _check_lengths(m.Organization, {"name": org_data.name, "cncf_slug": org_data.slug})
            _check_lengths(m.Organization, {"maturity": org_data.maturity})
        except ImportRefusedError as exc:
            message = f"Organization {org_data.name[:80]!r}: {exc}"
            raise ImportRefusedError(message, line=first_line, value=exc.value) from None
        org = organizations.resolve(org_data)
        for item in org_data.projects:
            try:
                values = _project_values(item, org, position)
                _check_project_lengths(item, values)
            except ImportRefusedError:
                raise
            except DomainError as exc:
                raise ImportRefusedError(str(exc), line=item.line) from None
            position += 1
            items.append(_Item(item, org, values))
    return items


def _match_own(items: list[_Item], own: list[m.Project], found: dict[int, m.Project]) -> None:
    """The page's own stored projects (a re-import): by number, then LFX URL, then
    organization and title, for the entries not matched yet."""
    by_number = {p.number: p for p in own if p.number}
    by_url = {p.lfx_url: p for p in own if p.lfx_url}
    by_title: dict[tuple[int, str], list[m.Project]] = defaultdict(list)
    for p in own:
        by_title[(p.organization_id, p.title.casefold())].append(p)
    taken = {p.pk for p in found.values()}
    for k, item in enumerate(items):
        if k in found:
            continue
        x = item.data
        candidates = [
            by_number.get(x.number) if x.number else None,
            by_url.get(x.lfx_url) if x.lfx_url else None,
            *by_title.get((item.org.pk, x.title.casefold()), []),
        ]
        project = next((c for c in candidates if c is not None and c.pk not in taken), None)
        if project is not None:
            found[k] = project
            taken.add(project.pk)


def _entry(thing: m.Project | _Item) -> merge.Entry:
    """What `merge.match` compares: the organization by its canonical name (aliases resolved
    by `_OrganizationIndex`)."""
    if isinstance(thing, _Item):
        x = thing.data
        return merge.Entry(x.title, thing.org.name, x.lfx_url, x.description)
    return merge.Entry(thing.title, thing.organization.name, thing.lfx_url, thing.description)


def _project_values(
    item: fm.Project, org: m.Organization, position: int, *, title: str | None = None
) -> dict[str, Any]:
    """The columns `item` sets; `title` in place of its own (a heading-less entry's)."""
    title = item.title if title is None else title
    status = m.Project.Status.PROPOSED if item.status == "proposed" else m.Project.Status.PUBLISHED
    search = [title, item.lfx_title, org.name, item.subgroup, item.skills, item.technologies]
    search += [item.description, item.expected_outcome]
    search += [f"{mentor.name} {mentor.github}" for mentor in item.mentors]
    values: dict[str, Any] = {
        "organization_id": org.pk,
        "number": item.number,
        "position": position,
        "status": status,
        "title": title,
        "lfx_title": item.lfx_title,
        "subgroup": item.subgroup,
        "description": item.description,
        "expected_outcome": item.expected_outcome,
        "skills": item.skills,
        "technologies": item.technologies,
        "lfx_url": item.lfx_url,
        "issue_url": item.issue_url,
        "prerequisites": prerequisites_to_dict(item.prerequisites),
        "raw": item.raw,
        "source_line": item.line,
        "search_text": "\n".join(s for s in search if s).casefold(),
    }
    if item.form is not None:  # a source without a proposal's fields leaves the stored ones
        problems = length_problems(IssueForm(item.form))
        if problems:
            raise DomainError(f"Project {item.title!r}: {problems[0]}")
        values["form_fields"] = dict(item.form)
    return values


def _check_lengths(model: type[Any], values: dict[str, Any]) -> None:
    """Refuse a text longer than its column (SQLite would store it; PostgreSQL would fail)."""
    for name, value in values.items():
        limit = model._meta.get_field(name).max_length
        if isinstance(value, str) and limit is not None and len(value) > limit:
            what = f"{model._meta.verbose_name} {name}"
            message = f"{what} is {len(value)} characters long; the limit is {limit}."
            raise ImportRefusedError(message, value=value)


def _check_project_lengths(item: fm.Project, values: dict[str, Any]) -> None:
    what = f"Project {item.title[:80]!r}"
    try:
        _check_lengths(m.Project, {k: v for k, v in values.items() if k != "organization_id"})
        for mentor in item.mentors:
            fields = {"github": mentor.github, "email": mentor.email, "lfid": mentor.lfid}
            _check_lengths(m.Mentorship, fields)
            if _has_valid_handle(mentor):
                _check_lengths(Person, {"github": mentor.github})
        for url in item.upstream_issues:
            _check_lengths(m.UpstreamIssue, {"url": url})
    except ImportRefusedError as exc:
        raise ImportRefusedError(f"{what}: {exc}", line=item.line, value=exc.value) from None


def _stored_children(term: Term) -> dict[int, tuple[list[tuple[Any, ...]], list[str]]]:
    """Each stored project's mentors and upstream issues as plain tuples, in two queries."""
    children: dict[int, tuple[list[tuple[Any, ...]], list[str]]] = defaultdict(lambda: ([], []))
    mentors = m.Mentorship.objects.filter(project__term=term).order_by("project_id", "position")
    for project_id, *values in mentors.values_list(
        "project_id", "role", "name", "github", "email", "lfid", "contact", "flags"
    ):
        children[project_id][0].append((*values[:-1], list(values[-1])))
    issues = m.UpstreamIssue.objects.filter(project__term=term).order_by("project_id", "position")
    for project_id, url in issues.values_list("project_id", "url"):
        children[project_id][1].append(url)
    return dict(children)


def _wanted_children(item: fm.Project) -> tuple[list[tuple[Any, ...]], list[str]]:
    mentors = [
        (x.role, x.name, x.github, x.email, x.lfid, x.contact, list(x.flags)) for x in item.mentors
    ]
    return mentors, list(item.upstream_issues)


def _slug_fits(text: str, slug: str) -> bool:
    """Whether `slug` is one `unique_slug` could have made of `text`."""
    base = slugify(text)[:90].strip("-") or "item"
    return re.fullmatch(re.escape(base) + r"(-[0-9]+)?", slug) is not None


# Pages below a program and a term (cohort/stats/urls.py: /<program>/<term>/statistics/):
# a project there, or anything else slugged here, must not take their word.
PAGE_WORDS = frozenset({"statistics"})


def unique_slug(text: str, taken: set[str]) -> str:
    """A slug of `text` not in `taken` nor a page's word (suffixed -2, -3, …); it is added
    to `taken`."""
    base = slugify(text)[:90].strip("-") or "item"
    slug, n = base, 2
    while slug in taken or slug in PAGE_WORDS:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


class _OrganizationIndex:
    """The program's organizations by lowercased name and alias, loaded once."""

    def __init__(self, program: Program) -> None:
        self.program = program
        self.by_name: dict[str, m.Organization] = {}
        orgs = list(m.Organization.objects.filter(program=program))
        self.slugs = {o.slug for o in orgs}
        for org in orgs:
            self.by_name[org.name.casefold()] = org
        for alias in m.OrganizationAlias.objects.filter(program=program).select_related(
            "organization"
        ):
            self.by_name.setdefault(alias.name.casefold(), alias.organization)

    def resolve(self, data: fm.Organization) -> m.Organization:
        org = self.by_name.get(data.name.casefold())
        if org is None:
            org = m.Organization.objects.create(
                program=self.program,
                name=data.name,
                slug=unique_slug(data.name, self.slugs),
                kind=data.kind,
                cncf_slug=data.slug,
                maturity=data.maturity,
            )
            self.by_name[data.name.casefold()] = org
        elif (data.slug and org.cncf_slug != data.slug) or (
            data.maturity and org.maturity != data.maturity
        ):
            org.cncf_slug = data.slug or org.cncf_slug
            org.maturity = data.maturity or org.maturity
            org.save(update_fields=["cncf_slug", "maturity", "updated_at"])
        return org


class _PersonIndex:
    """People for the mentors of one import, fetched and created in bulk."""

    def __init__(self, mentors: Any) -> None:
        mentors = list(mentors)
        handles = {x.github.casefold(): x for x in mentors if _has_valid_handle(x)}
        emails = {x.email.casefold(): x for x in mentors if not _has_valid_handle(x) and x.email}
        self.by_handle: dict[str, Person] = {}
        self.by_email: dict[str, Person] = {}
        if handles:
            lowered = Person.objects.annotate(key=Lower("github"))
            for person in lowered.filter(key__in=list(handles)):
                self.by_handle[person.github.casefold()] = person
        if emails:
            lowered = Person.objects.annotate(key=Lower("email"))
            for person in lowered.filter(github="", key__in=list(emails)):
                self.by_email[person.email.casefold()] = person
        new = [
            Person(name=x.name[:300], github=x.github, email=x.email, lfid=x.lfid)
            for key, x in handles.items()
            if key not in self.by_handle
        ] + [
            Person(name=x.name[:300], email=x.email, lfid=x.lfid)
            for key, x in emails.items()
            if key not in self.by_email
        ]
        for created in Person.objects.bulk_create(new):
            if created.github:
                self.by_handle[created.github.casefold()] = created
            else:
                self.by_email[created.email.casefold()] = created

    def get(self, mentor: fm.Mentor) -> Person | None:
        if _has_valid_handle(mentor):
            return self.by_handle.get(mentor.github.casefold())
        if mentor.email:
            return self.by_email.get(mentor.email.casefold())
        return None


def _has_valid_handle(mentor: fm.Mentor) -> bool:
    """A handle that can be a GitHub account: not flagged, and of GitHub's form (a Cohort JSON
    file may carry any handle with no flags, so the flags alone are not trusted)."""
    if not mentor.github or VALID_HANDLE_FLAGS & set(mentor.flags):
        return False
    return HANDLE_RE.fullmatch(mentor.github) is not None
