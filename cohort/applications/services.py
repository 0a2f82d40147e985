"""Every write on profiles, applications, tasks and reviews (spec/style.md B5–B6).

Permissions (who) are checked by the caller through `cohort.applications.access`; these
services check when and what: the applications window (to the second, from the term's
timeline), eligibility, the per-term limit, the answer each task takes, and recusal.
Each raises `DomainError` with a message the user can act on, and writes nothing then.

The per-term limit and one application per project hold by the database's constraints: the
slot an active application holds (1..N, chosen below the term's limit) is unique per mentee
and term, and the (mentee, project) pair is unique. A request of the mentee's that clashed
with another of theirs applies again, reading what the other wrote (`apply_to_project`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import IntegrityError, models, transaction
from django.db.models import Aggregate, Exists, JSONField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import JSONObject
from django.utils import timezone

from cohort.applications import eligibility, limits, uploads
from cohort.applications.access import bars_from_applying, is_own, is_recused
from cohort.applications.models import (
    Application,
    ApplicationEvent,
    MenteeProfile,
    Review,
    Task,
)
from cohort.applications.prerequisites import Answer, TaskSpec, spec_for, task_specs
from cohort.applications.tasks import enqueue_application_notification
from cohort.core.errors import ConflictError, DomainError
from cohort.core.models import AuditEvent, User
from cohort.core.text import check_text
from cohort.core.workflow import transition, transition_many
from cohort.projects.models import OrganizationMaintainer, Project
from cohort.proposals.access import mentored_by
from cohort.terms.models import Milestone, Term, Window
from cohort.terms.services import ensure_open

Status = Application.Status
WINDOW_KEY = "applications_open"


# --- the window ----------------------------------------------------------------------------


def applications_window(term: Term) -> Window:
    """The term's applications window: the "Mentee applications" milestone, [start, end)."""
    return term.window(WINDOW_KEY)


def check_window(term: Term, at: datetime) -> None:
    """Raise unless applications to `term` are open at `at` (the end is exclusive)."""
    window = applications_window(term)
    state = window.state_at(at)
    if window.start is None or window.end is None:
        raise DomainError(f"{term.label} has no dated applications window on its timeline.")
    if state == Window.NOT_YET:
        raise DomainError(f"Applications for {term.label} open on {window.local(window.start)}.")
    if state == Window.CLOSED:
        raise DomainError(
            f"Applications for {term.label} closed on {window.local(window.end)}. "
            "You can still withdraw an application."
        )


# --- profiles ------------------------------------------------------------------------------


@dataclass
class ProfileData:
    name: str
    country: str
    time_zone: str
    github: str = ""
    links: str = ""
    skills: str = ""
    is_adult: bool | None = None
    can_work: bool | None = None
    first_mentorship: bool | None = None
    no_coc_violation: bool | None = None


# Each text field of the profile: its label in messages and its limit (`limits`).
PROFILE_TEXT = {
    "name": ("Name", limits.NAME),
    "github": ("GitHub handle", limits.GITHUB),
    "links": ("Links", limits.LINKS),
    "skills": ("Skills", limits.SKILLS),
    "country": ("Country", 2),
    "time_zone": ("Time zone", limits.TIME_ZONE),
}


@transaction.atomic
def save_profile(user: User, data: ProfileData) -> MenteeProfile:
    """Create or update `user`'s mentee profile. Attesting "no" is kept, and blocks applying."""
    values = {k: v.strip() if isinstance(v, str) else v for k, v in vars(data).items()}
    values["github"] = values["github"].removeprefix("@")
    for field, (label, limit) in PROFILE_TEXT.items():
        check_text(values[field], field=label, max_length=limit)
    profile = MenteeProfile.objects.select_for_update(no_key=True).filter(user=user).first()
    created = profile is None
    if profile is None:
        profile = MenteeProfile(user=user)
    before = profile.attestations
    for field, value in values.items():
        setattr(profile, field, value)
    if profile.attestations != before:
        profile.attested_at = timezone.now()
    try:
        profile.full_clean(exclude=["user", "resume"])
    except ValidationError as error:
        raise DomainError(" ".join(error.messages)) from error
    profile.save()
    AuditEvent.record(
        user,
        "applications.profile.created" if created else "applications.profile.updated",
        profile,
        data={"attestations": profile.attestations},
    )
    return profile


def _read_pdf(file: UploadedFile[bytes]) -> None:
    """Raise a `DomainError` unless `file` is a PDF of at most 5 MB (by content and name)."""
    file.seek(0)
    head = file.read(len(uploads.PDF_MAGIC))
    file.seek(0)
    problem = uploads.pdf_problem(file.name or "", file.size or 0, head)
    if problem:
        raise DomainError(problem)


@transaction.atomic
def upload_resume(
    profile: MenteeProfile, file: UploadedFile[bytes], *, actor: User
) -> MenteeProfile:
    """Store `file` as the profile's résumé, under a random name. The previous file stays
    stored while applications that handed it in still point at it, and is deleted once none
    does (`_release_file`)."""
    _read_pdf(file)
    profile = MenteeProfile.objects.select_for_update(no_key=True).get(pk=profile.pk)
    replaced = profile.resume.name or ""
    profile.resume.save("resume.pdf", file, save=False)
    profile.resume_name = uploads.display_name(file.name or "")
    profile.resume_size = file.size or 0
    profile.resume_uploaded_at = timezone.now()
    profile.save()
    _release_file(replaced)
    AuditEvent.record(actor, "applications.profile.resume_uploaded", profile)
    return profile


def _release_file(name: str) -> None:
    """Once this transaction commits, delete the stored file `name` unless a profile's
    résumé or a handed-in task still points at it.

    Only the mentee's own requests can point a row at their files, and each of them holds
    the mentee's profile row lock while it does (`upload_resume`, `apply_to_project`,
    `hand_in_task`), so no new reference can appear between the check and the delete.
    """
    if not name:
        return

    def delete() -> None:
        if MenteeProfile.objects.filter(resume=name).exists():
            return
        if Task.objects.filter(file=name).exists():
            return
        MenteeProfile.resume.field.storage.delete(name)

    transaction.on_commit(delete)


# --- applying ------------------------------------------------------------------------------


def specs_for(project: Project) -> list[TaskSpec]:
    return task_specs(project.prerequisites, require_lfc102=project.term.program.require_lfc102)


class _JsonRows(Aggregate):
    """The rows of a group as one JSON array (PostgreSQL `JSONB_AGG`, SQLite
    `JSON_GROUP_ARRAY`), so a statement can carry a handful of related rows as one column."""

    function = "JSONB_AGG"
    output_field = JSONField()

    def as_sqlite(
        self, compiler: Any, connection: Any, **extra_context: Any
    ) -> tuple[str, tuple[str | int, ...]]:
        return self.as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra_context)


def _rows(queryset: QuerySet[Any], group: str, **columns: Any) -> Subquery:
    """`queryset`'s rows, grouped by `group` (one value), as one JSON array of `columns`."""
    return Subquery(
        queryset.order_by()
        .values(group)
        .annotate(rows=_JsonRows(JSONObject(**columns)))
        .values("rows")
    )


def _instant(value: str | None) -> datetime | None:
    """A datetime read from JSON: ISO 8601 with an offset (PostgreSQL) or naive UTC (SQLite)."""
    if value is None:
        return None
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _flag(value: object) -> bool | None:
    """A nullable boolean read from JSON (SQLite gives 0 and 1)."""
    return None if value is None else bool(value)


class _RetryError(Exception):
    """A concurrent request of the same mentee committed a row this one clashed with (the
    slot, or the project): apply again, reading what it wrote."""

    def __init__(self, attempts: int) -> None:
        super().__init__("applied meanwhile")
        self.attempts = attempts


@dataclass
class _Mine:
    """One of the mentee's applications in the term, as `_read_for_applying` reads it."""

    pk: int
    project_id: int
    slot: int | None


@dataclass
class _Applicant:
    """What applying reads of the mentee's profile."""

    attestations: dict[str, bool | None]  # `MenteeProfile.attestations`
    resume_path: str  # the stored résumé's name; "" without one
    resume_name: str  # as the mentee named it


@dataclass
class _Reading:
    """What applying reads, in one statement (`_read_for_applying`)."""

    project: Project  # with its term (and its timeline), program and organization
    applicant: _Applicant | None  # None: they have no mentee profile
    mine: list[_Mine]  # the applicant's applications in the term
    mentors: bool  # the applicant is a listed mentor of the project
    maintains: bool  # the applicant maintains the project's organization


def apply_to_project(
    user: User,
    project: Project | int,
    *,
    answers: dict[str, dict[str, str]] | None = None,
    now: datetime | None = None,
) -> Application:
    """Start (or, after a withdrawal, re-open) `user`'s application to `project` (or to the
    project of that id, one the catalog shows; `Project.DoesNotExist` if there is none).

    `answers` may hand in text and link tasks at once ({"cover_letter": {"text": …}}), so a
    script can apply in one request; the résumé task takes the profile's résumé when there is
    one. An application with every task in is written submitted at once, with the same
    history, audit trail and e-mail as one submitted by its last task.

    The rules hold by the database's constraints: one application per mentee and project
    (`application_once_per_project`), and each active application holds a slot 1..N unique
    per mentee and term (`application_active_slot_unique`), chosen here among the free ones
    up to the term's limit. The profile row is locked while applying (so a résumé replaced
    meanwhile is not deleted under the new application, `_release_file`); the mentee's
    applications are read in the same statement, so a request that waited for the lock
    (another of the same mentee's) may have read them before the other committed: its slot
    or project then clashes, and it applies again, now reading what the other wrote.

    A new application costs a fixed handful of queries whatever the term's size: one
    statement reads the project, its term, program, organization and timeline, the profile
    (locked), the mentee's applications in the term and whether they mentor the project or
    maintain its organization; then the registered bars; then one INSERT each for the
    application, its tasks, its history and its audit rows, and the submitted one's e-mail
    task. The returned application holds its tasks.
    """
    # By id (the API): only a project the catalog shows, as any other is not found.
    projects = Project.objects.visible() if isinstance(project, int) else Project.objects.all()
    pk = project if isinstance(project, int) else project.pk
    attempt = 0
    while True:
        attempt += 1
        try:
            with transaction.atomic():
                # After a clash, their applications are read after the lock is held, in a
                # statement of their own, so they are what the other request committed.
                read = _read_for_applying(user, projects, pk, mine_after_lock=attempt > 1)
                return _apply(user, read, answers=answers, at=now or timezone.now())
        except _RetryError as clash:
            if attempt >= clash.attempts:
                raise _raced() from clash


def _read_for_applying(
    user: User, projects: QuerySet[Project], project_pk: int, *, mine_after_lock: bool = False
) -> _Reading:
    """The project `project_pk` of `projects` with everything applying checks, in one
    statement; `Project.DoesNotExist` if there is none. The profile row is locked (in a
    sub-select) until the transaction ends."""
    profile = (
        MenteeProfile.objects.select_for_update(no_key=True)
        .filter(user=user)
        .values(
            row=JSONObject(
                **{field: field for field in eligibility.FIELDS},
                resume="resume",
                resume_name="resume_name",
            )
        )
    )
    found: Any = (
        projects.select_related("term__program", "organization")
        .annotate(
            timeline=_rows(
                Milestone.objects.filter(term=OuterRef("term")),
                "term",
                id="id",
                position="position",
                key="key",
                label="label",
                raw="raw",
                start="start",
                end="end",
                has_time="has_time",
            ),
            applicant=Subquery(profile, output_field=JSONField()),
            mine=_rows(
                Application.objects.filter(mentee=user, term=OuterRef("term")),
                "mentee",
                pk="pk",
                project="project_id",
                slot="active_slot",
            )
            if not mine_after_lock
            else Value(None, output_field=JSONField()),
            # As `deciding_side` asks it: a listed mentor, or a maintainer of the organization.
            mentors=mentored_by(user),
            maintains=Exists(
                OrganizationMaintainer.objects.filter(
                    organization=OuterRef("organization"), user=user
                )
            ),
        )
        .get(pk=project_pk)
    )
    _hold_timeline(found.term, found.timeline)
    row = found.applicant
    applicant = None
    if row is not None:
        applicant = _Applicant(
            attestations={field: _flag(row[field]) for field in eligibility.FIELDS},
            resume_path=row["resume"] or "",
            resume_name=row["resume_name"],
        )
    return _Reading(
        project=found,
        applicant=applicant,
        mine=[
            _Mine(pk, project, slot)
            for pk, project, slot in (
                Application.objects.filter(mentee=user, term=found.term_id).values_list(
                    "pk", "project_id", "active_slot"
                )
                if mine_after_lock
                else ((r["pk"], r["project"], r["slot"]) for r in found.mine or [])
            )
        ],
        mentors=bool(found.mentors),
        maintains=bool(found.maintains),
    )


def _hold_timeline(term: Term, rows: list[dict[str, Any]] | None) -> None:
    """Let `term.milestones.all()` (and `term.window`) answer with `rows`, read along with the
    project, as `prefetch_related("term__milestones")` would."""
    milestones = []
    for row in sorted(rows or [], key=lambda r: (r["position"], r["id"])):
        milestone = Milestone(
            id=row["id"],
            term=term,
            position=row["position"],
            key=row["key"],
            label=row["label"],
            raw=row["raw"],
            start=_instant(row["start"]),
            end=_instant(row["end"]),
            has_time=bool(row["has_time"]),
        )
        milestone._state.adding, milestone._state.db = False, term._state.db
        milestones.append(milestone)
    _hold(term, "milestones", Milestone.objects.filter(term=term), milestones)


def _apply(
    user: User,
    read: _Reading,
    *,
    answers: dict[str, dict[str, str]] | None,
    at: datetime,
) -> Application:
    project, profile = read.project, read.applicant
    term = project.term
    ensure_open(term)
    if profile is None:
        raise DomainError("Create your mentee profile before you apply.")
    refusals = eligibility.refusals(profile.attestations)
    if refusals:
        raise DomainError(" ".join(refusals))
    if eligibility.unanswered(profile.attestations):
        raise DomainError("Answer the eligibility questions in your profile before you apply.")
    if project.status != Project.Status.PUBLISHED:
        raise DomainError("This project is not open for applications.")
    barred = bars_from_applying(user, project, mentors=read.mentors, maintains=read.maintains)
    if barred:
        raise DomainError(barred)
    check_window(term, at)

    clash = _RetryError(term.applications_cap + 2)  # each clash: one more of theirs committed
    existing = next((a for a in read.mine if a.project_id == project.pk), None)
    if existing is not None and existing.slot is not None:  # active: it holds a slot
        raise ConflictError(
            "You have already applied to this project; there is no need to apply again."
        )
    slot = _free_slot(term, {a.slot for a in read.mine if a.slot is not None})
    if existing is not None:  # re-applying after a withdrawal
        return _reopen(existing.pk, project, profile, slot, answers, actor=user, clash=clash)

    specs = specs_for(project)
    asked = {spec.kind for spec in specs}
    for kind in answers or {}:
        if kind not in asked:
            raise DomainError(f"This project does not ask for a task named {kind!r}.")
    application = Application(mentee=user, term=term, project=project)
    tasks = [
        Task(application=application, kind=spec.kind, title=spec.title, position=i)
        for i, spec in enumerate(specs)
    ]
    by_kind = {task.kind: task for task in tasks}
    # The history in the order it happened: the draft, the résumé, each answer, and the
    # submission when every task is in.
    history: list[tuple[str, str]] = [(ApplicationEvent.Kind.STATUS, Status.DRAFT)]
    resume_task = by_kind.get("resume")
    if profile.resume_path and resume_task is not None:
        _fill(resume_task, file_name=profile.resume_name, file_path=profile.resume_path)
        history.append((ApplicationEvent.Kind.TASK, "resume"))
    for kind, answer in (answers or {}).items():
        task = by_kind[kind]
        text, url = _checked_answer(project, task, answer.get("text", ""), answer.get("url", ""))
        _fill(task, text=text, url=url)
        history.append((ApplicationEvent.Kind.TASK, kind))
    complete = all(task.is_done for task in tasks)
    written = timezone.now()
    application.status = Status.SUBMITTED if complete else Status.DRAFT
    application.status_changed_at = written
    application.submitted_at = written if complete else None
    application.active_slot = slot
    try:
        application.save(force_insert=True)
    except IntegrityError as error:  # another request of theirs took the slot or the project
        raise clash from error
    if complete:
        history.append((ApplicationEvent.Kind.STATUS, Status.SUBMITTED))
    Task.objects.bulk_create(tasks)
    events = ApplicationEvent.objects.bulk_create(
        ApplicationEvent(
            application=application,
            kind=kind,
            actor=user,
            status=what if kind == ApplicationEvent.Kind.STATUS else "",
            task=what if kind == ApplicationEvent.Kind.TASK else "",
        )
        for kind, what in history
    )
    audit = [AuditEvent.of(user, "applications.application.created", application)]
    if complete:  # as `transition` records it
        audit.append(
            AuditEvent.of(
                user,
                "applications.application.submitted",
                application,
                data={"before": Status.DRAFT, "after": Status.SUBMITTED},
            )
        )
        enqueue_application_notification(events[-1])
    AuditEvent.objects.bulk_create(audit)
    _hold(application, "tasks", Task.objects.filter(application=application), tasks)
    return application


def _reopen(
    pk: int,
    project: Project,
    profile: _Applicant,
    slot: int,
    answers: dict[str, dict[str, str]] | None,
    *,
    actor: User,
    clash: _RetryError,
) -> Application:
    """Re-open the withdrawn application `pk` in `slot`: it keeps the tasks it was created with."""
    application = Application.objects.select_for_update(no_key=True).get(pk=pk)
    application.project, application.term = project, project.term  # read already
    if application.is_active:  # re-opened meanwhile by another request of theirs
        raise ConflictError(
            "You have already applied to this project; there is no need to apply again."
        )
    try:
        _change_status(application, Status.DRAFT, actor=actor, also={"active_slot": slot})
    except IntegrityError as error:  # another request of theirs took the slot
        raise clash from error
    if profile.resume_path:
        # `filter().first()`: a re-opened application keeps the tasks it was created with.
        resume_task = application.tasks.filter(kind="resume").first()
        if resume_task is not None and not resume_task.is_done:
            _complete(
                resume_task,
                file_name=profile.resume_name,
                file_path=profile.resume_path,
                actor=actor,
            )
    for kind, answer in (answers or {}).items():
        task = application.tasks.filter(kind=kind).first()
        if task is None:
            raise DomainError(f"This project does not ask for a task named {kind!r}.")
        _answer(
            application, task, text=answer.get("text", ""), url=answer.get("url", ""), actor=actor
        )
    _submit_if_complete(application, actor=actor)
    return application


def _free_slot(term: Term, taken: set[int]) -> int:
    limit = term.applications_cap
    free = next((n for n in range(1, limit + 1) if n not in taken), None)
    if free is None:
        raise DomainError(
            f"You already have {limit} active applications in {term.label}, the most allowed. "
            "Withdraw one to apply to another project."
        )
    return free


def _raced() -> ConflictError:
    return ConflictError(
        "Another request changed your applications meanwhile. Reload and try again."
    )


@transaction.atomic
def hand_in_task(
    application: Application,
    kind: str,
    *,
    actor: User,
    text: str = "",
    url: str = "",
    file: UploadedFile[bytes] | None = None,
    use_profile_resume: bool = False,
    now: datetime | None = None,
) -> Task:
    """Hand in (or replace) one task's answer, before the deadline, while the mentors have not
    decided yet. Completing the last task submits the application."""
    # The profile row first, as `apply_to_project` locks them (one order: no deadlock); it
    # also keeps a résumé replaced meanwhile from being deleted under this task.
    profile = (
        MenteeProfile.objects.select_for_update(no_key=True)
        .filter(user=application.mentee_id)
        .first()
        if use_profile_resume
        else None
    )
    application = (
        Application.objects.select_for_update(no_key=True)
        .select_related("term__program", "project")
        .get(pk=application.pk)
    )
    ensure_open(application.term)
    if application.status not in (Status.DRAFT, Status.SUBMITTED):
        raise DomainError(
            f"This application is {application.get_status_display().lower()}; its tasks can no "
            "longer change."
        )
    check_window(application.term, now or timezone.now())
    task = application.tasks.filter(kind=kind).first()
    if task is None:
        raise DomainError(f"This project does not ask for a task named {kind!r}.")
    if use_profile_resume:
        if kind != "resume" or profile is None or not profile.resume:
            raise DomainError("Upload a résumé to your profile first.")
        _complete(task, file_name=profile.resume_name, file_path=profile.resume.name, actor=actor)
    else:
        _answer(application, task, text=text, url=url, file=file, actor=actor)
    _submit_if_complete(application, actor=actor)
    return task


def _checked_answer(project: Project, task: Task, text: str, url: str) -> tuple[str, str]:
    """The (text, url) that hand in `task`, checked against what it takes; DomainError if
    neither fits."""
    spec = spec_for(specs_for(project), task.kind)
    answer = spec.answer if spec is not None else Answer.TEXT
    text, url = text.strip(), url.strip()
    if url:
        if answer not in (Answer.LINK, Answer.LINK_OR_FILE):
            raise DomainError(f"{task.title} takes {_takes(answer)}, not a link.")
        check_text(url, field=task.title, max_length=limits.TASK_URL)
        try:
            URLValidator(schemes=["https", "http"])(url)
        except ValidationError as error:
            raise DomainError(f"{task.title}: {url!r} is not a web address (https://…).") from error
        return "", url
    if text:
        if answer is not Answer.TEXT:
            raise DomainError(f"{task.title} takes {_takes(answer)}, not text.")
        check_text(text, field=task.title, max_length=limits.TASK_TEXT)
        return text, ""
    raise DomainError(f"{task.title}: give {_takes(answer)}.")


def _answer(
    application: Application,
    task: Task,
    *,
    text: str,
    url: str,
    actor: User,
    file: UploadedFile[bytes] | None = None,
) -> None:
    if file is not None:
        spec = spec_for(specs_for(application.project), task.kind)
        answer = spec.answer if spec is not None else Answer.TEXT
        if answer not in (Answer.FILE, Answer.LINK_OR_FILE):
            raise DomainError(f"{task.title} takes {_takes(answer)}, not a file.")
        _read_pdf(file)
        replaced = task.file.name or ""
        task.file.save("task.pdf", file, save=False)
        _release_file(replaced)
        _complete(task, file_name=uploads.display_name(file.name or ""), actor=actor)
        return
    text, url = _checked_answer(application.project, task, text, url)
    _complete(task, text=text, url=url, actor=actor)


def _takes(answer: Answer) -> str:
    return {
        Answer.TEXT: "text",
        Answer.LINK: "a link",
        Answer.FILE: "a PDF file",
        Answer.LINK_OR_FILE: "a link or a PDF file",
    }[answer]


def _complete(
    task: Task,
    *,
    actor: User | None,
    text: str = "",
    url: str = "",
    file_name: str = "",
    file_path: str | None = None,
) -> None:
    replaced = task.file.name or ""
    _fill(task, text=text, url=url, file_name=file_name, file_path=file_path)
    if replaced != task.file.name:
        _release_file(replaced)
    task.save()
    _event(task.application, ApplicationEvent.Kind.TASK, actor=actor, task=task.kind)


def _fill(
    task: Task,
    *,
    text: str = "",
    url: str = "",
    file_name: str = "",
    file_path: str | None = None,
) -> None:
    """Hand in `task` in memory: its answer, done now."""
    task.text, task.url = text, url
    if file_path is not None:
        task.file.name = file_path
    elif not file_name:
        task.file.name = ""
    task.file_name = file_name
    task.completed_at = timezone.now()


def _submit_if_complete(application: Application, *, actor: User | None) -> None:
    if application.status != Status.DRAFT:
        return
    if application.tasks.filter(completed_at__isnull=True).exists():
        return
    _change_status(
        application, Status.SUBMITTED, actor=actor, also={"submitted_at": timezone.now()}
    )


def _hold[M: models.Model](
    owner: models.Model, relation: str, related: QuerySet[M], rows: list[M]
) -> None:
    """Let `owner.<relation>.all()` answer with `rows`, already read or just written, as
    `prefetch_related(relation)` would: `related` is that relation's queryset."""
    related._result_cache = rows  # what prefetch_related sets
    related._prefetch_done = True  # type: ignore[attr-defined]  # what prefetch_related sets
    cache: Any = owner  # the attribute prefetch_related keeps its rows in
    cache._prefetched_objects_cache = {relation: related}


def _event(
    application: Application,
    kind: str,
    *,
    actor: User | None,
    status: str = "",
    task: str = "",
    reason: str = "",
) -> ApplicationEvent:
    return ApplicationEvent.objects.create(
        application=application,
        kind=kind,
        actor=actor,
        status=status,
        task=task,
        reason=reason,
    )


def _change_status(
    application: Application,
    to: str,
    *,
    actor: User | None,
    reason: str = "",
    also: dict[str, Any] | None = None,
) -> ApplicationEvent:
    """Move `application` to `to`, record it in its history, and queue its notifications."""
    transition(application, to=to, actor=actor, note=reason, also=also)
    event = _event(application, ApplicationEvent.Kind.STATUS, actor=actor, status=to, reason=reason)
    enqueue_application_notification(event)
    return event


# --- selection's transitions (cohort.selection calls these, one per edge) -----------------


def offer_application(application: Application, *, actor: User | None) -> ApplicationEvent:
    """shortlisted → offered: selection made this application an offer."""
    return _change_status(application, Status.OFFERED, actor=actor)


def offer_applications(
    applications: Sequence[Application], *, actor: User | None, now: datetime
) -> None:
    """shortlisted → offered for each of `applications` (locked by the caller), as
    `offer_application` does one at a time, in three queries:
    one compare-and-swap UPDATE with its audit rows in one INSERT (`transition_many`, a
    ConflictError if any moved meanwhile), and their history in one INSERT. No e-mail is
    queued: the applications' notifications say nothing of an offer (the offer's own e-mail,
    cohort.selection.notifications, does), so the one-at-a-time path's task would send none.
    """
    transition_many(
        [(application, Status.OFFERED) for application in applications],
        actor=actor,
        now=now,
        conflict="An application changed meanwhile, so nothing was offered. Reload and try again.",
    )
    ApplicationEvent.objects.bulk_create(
        ApplicationEvent(
            application=application,
            kind=ApplicationEvent.Kind.STATUS,
            actor=actor,
            status=Status.OFFERED,
        )
        for application in applications
    )


def accept_application_offer(application: Application, *, actor: User | None) -> ApplicationEvent:
    """offered → accepted: the mentee took the place."""
    return _change_status(application, Status.ACCEPTED, actor=actor)


def close_placed_elsewhere(accepted: Application, *, actor: User | None) -> list[Application]:
    """The mentee took a place (`accepted`, now accepted): their other open applications in
    the term (in progress, submitted or shortlisted) close as placed elsewhere. They leave
    every queue and selection, free their slot and lose their ranks; each one's history says
    why. An application with an offer of its own is selection's to settle, not closed here."""
    others = (
        Application.objects.select_for_update(no_key=True)
        .filter(mentee_id=accepted.mentee_id, term_id=accepted.term_id)
        .filter(status__in=[Status.DRAFT, Status.SUBMITTED, Status.SHORTLISTED])
        .exclude(pk=accepted.pk)
        .order_by("pk")
    )
    closed = list(others)
    reason = f"You accepted a place on {accepted.project.title}, so this application is closed."
    for application in closed:
        _change_status(
            application,
            Status.PLACED_ELSEWHERE,
            actor=actor,
            reason=reason,
            also={"active_slot": None, "mentor_rank": None, "mentee_rank": None},
        )
    return closed


def decline_application_offer(
    application: Application, *, actor: User | None, reason: str
) -> ApplicationEvent:
    """offered → offer_declined: the mentee declined, or the offer lapsed (`reason` says which
    and is shown in the application's history)."""
    return _change_status(application, Status.OFFER_DECLINED, actor=actor, reason=reason)


def return_application_to_shortlist(
    application: Application, *, actor: User | None, reason: str
) -> ApplicationEvent:
    """offered → shortlisted: an offer the mentee ranked higher replaced this one. (A
    submitted application is shortlisted by its mentors, `shortlist_application`, not here.)"""
    if application.status != Status.OFFERED:
        raise DomainError(
            "Only an offered application goes back to the shortlist, not a "
            f"{application.get_status_display().lower()} one."
        )
    return _change_status(application, Status.SHORTLISTED, actor=actor, reason=reason)


# --- the mentee's own decisions ------------------------------------------------------------


def _locked(application: Application) -> Application:
    """The application's row, locked, with its term: refused once the term is closed."""
    found = (
        Application.objects.select_for_update(no_key=True, of=("self",))
        .select_related("term__program")
        .get(pk=application.pk)
    )
    ensure_open(found.term)
    return found


@transaction.atomic
def withdraw_application(application: Application, *, actor: User, reason: str = "") -> Application:
    """Withdraw, at any time, even after the deadline. It frees a slot; re-applying to the same
    project is possible until the deadline."""
    reason = check_text(reason.strip(), field="Reason", max_length=limits.WITHDRAW_REASON)
    application = _locked(application)
    if application.status == Status.WITHDRAWN:
        raise DomainError("This application is already withdrawn.")
    if application.status == Status.OFFERED:
        raise DomainError(
            "You have an offer for this project: decline the offer instead of withdrawing."
        )
    if not application.can_become(Status.WITHDRAWN):
        raise DomainError(
            f"A {application.get_status_display().lower()} application can no longer be withdrawn."
        )
    _change_status(
        application,
        Status.WITHDRAWN,
        actor=actor,
        reason=reason,
        also={"active_slot": None, "mentor_rank": None},
    )
    return application


# --- mentor review -------------------------------------------------------------------------


def _not_own(application: Application, actor: User) -> None:
    if is_own(actor, application):
        raise DomainError("This is your own application: other mentors or a program admin decide.")


def _not_recused(application: Application, actor: User) -> None:
    _not_own(application, actor)
    if is_recused(actor, application):
        raise DomainError(
            "You declared a conflict of interest for this applicant, so you are recused: "
            "another mentor or a program admin decides."
        )


@transaction.atomic
def review_application(
    application: Application,
    *,
    reviewer: User,
    score: int | None = None,
    notes: str | None = None,
) -> Review:
    """Set the reviewer's private score (1–5, or None to clear) and/or notes."""
    ensure_open(application.term)
    _not_recused(application, reviewer)
    if score is not None and not 1 <= score <= 5:
        raise DomainError("A score is a whole number from 1 to 5.")
    if notes is not None:
        notes = check_text(notes.strip(), field="Notes", max_length=limits.NOTES)
    review, _ = Review.objects.select_for_update(no_key=True).get_or_create(
        application=application, reviewer=reviewer
    )
    review.score = score
    if notes is not None:
        review.notes = notes
    review.save()
    AuditEvent.record(
        reviewer, "applications.review.saved", application, data={"scored": score is not None}
    )
    return review


@transaction.atomic
def declare_conflict(application: Application, *, reviewer: User, reason: str) -> Review:
    """Declare a conflict of interest: the reviewer is recused from this applicant, and their
    score on them is cleared. Only a program admin can lift it (`lift_conflict`)."""
    ensure_open(application.term)
    _not_own(application, reviewer)
    reason = check_text(reason.strip(), field="Reason", max_length=limits.CONFLICT_REASON)
    if not reason:
        raise DomainError(
            "Say briefly why (a family member, a close friend, your own student…); only "
            "program admins see it."
        )
    review, _ = Review.objects.select_for_update(no_key=True).get_or_create(
        application=application, reviewer=reviewer
    )
    review.conflict, review.conflict_reason, review.score = True, reason, None
    review.save()
    AuditEvent.record(reviewer, "applications.review.conflict_declared", application, note=reason)
    return review


@transaction.atomic
def lift_conflict(review: Review, *, actor: User) -> Review:
    review = (
        Review.objects.select_for_update(no_key=True, of=("self",))
        .select_related("application__term__program")
        .get(pk=review.pk)
    )
    ensure_open(review.application.term)
    review.conflict, review.conflict_reason = False, ""
    review.save()
    AuditEvent.record(actor, "applications.review.conflict_lifted", review.application)
    return review


@transaction.atomic
def shortlist_application(application: Application, *, actor: User) -> Application:
    _not_recused(application, actor)
    application = _locked(application)
    if application.status != Status.SUBMITTED:
        raise DomainError(_why_not(application, "shortlisted"))
    _change_status(application, Status.SHORTLISTED, actor=actor)
    return application


@transaction.atomic
def unshortlist_application(application: Application, *, actor: User) -> Application:
    _not_recused(application, actor)
    application = _locked(application)
    if application.status != Status.SHORTLISTED:
        raise DomainError("Only a shortlisted application can be taken off the shortlist.")
    _change_status(
        application,
        Status.SUBMITTED,
        actor=actor,
        reason="Taken off the shortlist.",
        also={"mentor_rank": None},
    )
    return application


def _why_not(application: Application, what: str) -> str:
    if application.status == Status.DRAFT:
        return f"An application can be {what} once every task is in; this one is still in progress."
    return f"A {application.get_status_display().lower()} application cannot be {what}."


@transaction.atomic
def rank_shortlist(project: Project, ordered: Sequence[int], *, actor: User) -> list[Application]:
    """Rank the project's shortlist: `ordered` is every shortlisted application's id, best
    first. A recused mentor cannot rank a shortlist that holds their conflict."""
    ensure_open(project.term)
    shortlist = list(
        Application.objects.select_for_update(no_key=True)
        .filter(project=project, status=Status.SHORTLISTED)
        .order_by("id")
    )
    by_id = {a.pk: a for a in shortlist}
    if len(set(ordered)) != len(ordered):
        raise DomainError("Each shortlisted applicant appears once in a ranking.")
    if set(ordered) != set(by_id):
        missing = len(set(by_id) - set(ordered))
        extra = len(set(ordered) - set(by_id))
        raise DomainError(
            "Rank every shortlisted applicant and no one else"
            + (f" ({missing} missing)" if missing else "")
            + (f" ({extra} not on the shortlist)" if extra else "")
            + ". Reload: the shortlist may have changed meanwhile."
        )
    for application in shortlist:
        _not_recused(application, actor)
    for rank, pk in enumerate(ordered, start=1):
        Application.objects.filter(pk=pk).update(mentor_rank=rank)
        by_id[pk].mentor_rank = rank
    AuditEvent.record(
        actor, "applications.shortlist.ranked", project, data={"order": list(ordered)}
    )
    return [by_id[pk] for pk in ordered]


@transaction.atomic
def decline_applications(
    applications: Iterable[Application | int],
    *,
    actor: User,
    message: str,
    project: Project | None = None,
) -> list[Application]:
    """Decline several applications (or their ids) at once with one message to each
    applicant. All or nothing: if one cannot be declined (recused, already decided), none
    is. With `project`, each must be one of that project's applications: a queue's decline
    never reaches another project's applicants, whatever ids it is sent."""
    ids = [a if isinstance(a, int) else a.pk for a in applications]
    if project is not None:
        theirs = set(
            Application.objects.filter(project=project, pk__in=ids).values_list("pk", flat=True)
        )
        strangers = sorted(set(ids) - theirs)
        if strangers:
            raise DomainError(
                "Not applications to this project: "
                + ", ".join(str(n) for n in strangers)
                + ". Reload the queue and choose again."
            )
    message = check_text(message.strip(), field="Message", max_length=limits.DECLINE_MESSAGE)
    if not message:
        raise DomainError(
            "Write a short message to the applicants: they see it in their application's history."
        )
    rows = list(
        Application.objects.select_for_update(no_key=True, of=("self",))
        .select_related("term__program")
        .filter(pk__in=ids)
        .order_by("id")
    )
    if not rows:
        raise DomainError("Choose at least one application to decline.")
    for application in rows:
        ensure_open(application.term)
        _not_recused(application, actor)
        if not application.can_become(Status.REJECTED):
            raise DomainError(
                _why_not(application, "declined") + f" (application {application.pk})"
            )
    for application in rows:
        _change_status(
            application, Status.REJECTED, actor=actor, reason=message, also={"mentor_rank": None}
        )
    return rows
