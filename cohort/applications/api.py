"""The applications API (issue 4 §5; DESIGN §5 and §7, spec/style.md B7 and C).

Every operation needs a user (an API token or a logged-in session, `cohort.core.api_auth`);
without one, 401. What a caller may see or do is decided by `cohort.applications.access`
alone: an application, project or term the caller may not act on is answered 404, exactly
as one that does not exist, never 403. Every write goes through
`cohort.applications.services`; their `DomainError` is 400, `ConflictError` 409 and
`RateLimitError` 429 with Retry-After (config/api.py).

What each role sees:

- the mentee: their profile and their applications, with their own answers and the
  history of each (who moved it is not shown); never a score, a note or a rank;
- a project's mentors and the program admins: the applicant's profile with their e-mail,
  every mentor's score, their own notes (admins: every note), the queue and its CSV;
- a maintainer: how many applied to their organization's projects, never who.

Datetimes are ISO 8601 in UTC ("2024-08-01T12:00:00Z").
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Body, Field, File, P, QueryEx, Router, Schema, Status
from ninja.files import UploadedFile

from cohort.applications import access, limits, queries, services
from cohort.applications.downloads import pdf_attachment
from cohort.applications.models import Application, MenteeProfile, Review, Task
from cohort.applications.queries import QueueFilter
from cohort.core.api_auth import api_auth, request_user
from cohort.core.api_errors import download, errors
from cohort.core.errors import DomainError
from cohort.core.models import User
from cohort.core.permissions import Perm
from cohort.core.ratelimit import hit
from cohort.core.schemas import Id, IdList, UtcDatetime
from cohort.projects.models import Project
from cohort.terms.access import is_program_admin
from cohort.terms.models import Term

router = Router(tags=["applications"], auth=api_auth)


# --- schemas: input ------------------------------------------------------------------------


class ProfileIn(Schema):
    """The whole profile; fields left out are cleared."""

    name: str = Field(description="The name mentors see", max_length=limits.NAME)
    country: str = Field(description='Where you live, ISO 3166-1 alpha-2 ("DE")', max_length=2)
    time_zone: str = Field(
        description='Your IANA time zone ("Europe/Berlin")', max_length=limits.TIME_ZONE
    )
    github: str = Field(
        "", description="Your GitHub handle, with or without @", max_length=limits.GITHUB + 1
    )
    links: str = Field(
        "", description="Portfolio, LinkedIn, blog…: one URL per line", max_length=limits.LINKS
    )
    skills: str = Field("", description="What you know and use", max_length=limits.SKILLS)
    is_adult: bool | None = Field(
        None, description="I will be 18 or older when the term starts (null: not answered)"
    )
    can_work: bool | None = Field(
        None, description="I am eligible to work in the country where I will take part"
    )
    first_mentorship: bool | None = Field(
        None, description="I have not taken part in another Linux Foundation mentorship"
    )
    no_coc_violation: bool | None = Field(
        None, description="I have had no Code of Conduct violation in the last 12 months"
    )


class AnswerIn(Schema):
    text: str = Field(
        "",
        description="A text answer (the cover letter, a custom task)",
        max_length=limits.TASK_TEXT,
    )
    url: str = Field(
        "", description="A link answer (the coding challenge)", max_length=limits.TASK_URL
    )


class ApplyIn(Schema):
    project: Id = Field(description="The id of the published project to apply to")
    answers: dict[str, AnswerIn] = Field(
        default_factory=dict,
        description=(
            "Answers handed in at once, by task kind: "
            '{"cover_letter": {"text": "…"}, "coding_challenge": {"url": "https://…"}}. '
            "The résumé task takes the profile's résumé when there is one."
        ),
    )


class TaskAnswerIn(Schema):
    text: str = Field("", description="For a task that takes text", max_length=limits.TASK_TEXT)
    url: str = Field("", description="For a task that takes a link", max_length=limits.TASK_URL)
    use_profile_resume: bool = Field(
        False, description="For the résumé task: hand in the résumé stored in your profile"
    )


class WithdrawIn(Schema):
    reason: str = Field(
        "",
        description="Optional; kept in the application's history",
        max_length=limits.WITHDRAW_REASON,
    )


class ReviewIn(Schema):
    score: int | None = Field(description="Your score, 1 (weak) to 5 (strong); null clears it")
    notes: str | None = Field(
        None,
        description="Your private notes (only you and program admins see them); "
        "null leaves them as they are",
        max_length=limits.NOTES,
    )


class ConflictIn(Schema):
    reason: str = Field(
        description="Why you are recused; only program admins see it",
        max_length=limits.CONFLICT_REASON,
    )


class RankingIn(Schema):
    order: IdList = Field(description="Every shortlisted application's id, best first")


class DeclineIn(Schema):
    applications: IdList = Field(description="The ids of this project's applications")
    message: str = Field(
        description="Shown to each applicant in their application's history",
        max_length=limits.DECLINE_MESSAGE,
    )


# --- schemas: output -----------------------------------------------------------------------


class ResumeOut(Schema):
    # Read from the `MenteeProfile`.
    name: str = Field(description="The file's name as you uploaded it", alias="resume_name")
    size: int = Field(description="Bytes", alias="resume_size")
    uploaded_at: UtcDatetime | None = Field(alias="resume_uploaded_at")


class ProfileOut(Schema):
    # Read from the `MenteeProfile`, its user selected along.
    name: str
    email: str = Field(description="Your account's e-mail address", alias="user.email")
    github: str
    links: str
    skills: str
    country: str
    time_zone: str
    is_adult: bool | None
    can_work: bool | None
    first_mentorship: bool | None
    no_coc_violation: bool | None
    attested_at: UtcDatetime | None = Field(description="When the attestations last changed")
    resume: ResumeOut | None = Field(description="null until you upload one")
    eligible: bool = Field(
        description="Every attestation is answered yes: you may apply", alias="is_eligible"
    )
    refusals: list[str] = Field(description="Why you cannot apply, one per attestation said no")
    unanswered: list[str] = Field(description="The attestations still to answer")

    @staticmethod
    def resolve_resume(profile: MenteeProfile) -> MenteeProfile | None:
        return profile if profile.resume else None

    @staticmethod
    def resolve_refusals(profile: MenteeProfile) -> list[str]:
        return queries.standing(profile).refusals

    @staticmethod
    def resolve_unanswered(profile: MenteeProfile) -> list[str]:
        return queries.standing(profile).unanswered


class TaskOut(Schema):
    # Read from a `queries.TaskView`.
    kind: str = Field(description="resume, cover_letter, coding_challenge, custom, …")
    title: str
    takes: str = Field(description="text, link, file or link_or_file")
    help: str
    done: bool
    completed_at: UtcDatetime | None
    text: str
    url: str
    file_name: str = Field(description="The uploaded file's name; empty without a file")


class ApplicantOut(Schema):
    # Read from a `queries.Applicant`.
    username: str
    name: str
    email: str
    github: str
    country: str
    time_zone: str
    links: str
    skills: str


class ReviewOut(Schema):
    # Read from a `queries.SeenReview`.
    reviewer: str = Field(description="The reviewer's username")
    mine: bool
    score: int | None
    notes: str = Field(description="Seen by its author and program admins only; else empty")
    recused: bool = Field(description="The reviewer declared a conflict of interest")
    conflict_reason: str = Field(description="Seen by its author and program admins only")


class ApplicationOut(Schema):
    # Read from a `queries.ApplicationView`.
    id: int = Field(alias="application.pk")
    project: int = Field(description="The project's id", alias="application.project_id")
    project_title: str = Field(alias="application.project.title")
    organization: str = Field(alias="application.project.organization.name")
    term: int = Field(description="The term's id", alias="application.term_id")
    term_label: str = Field(alias="application.term.label")
    status: str = Field(
        description="draft, submitted, shortlisted, rejected or withdrawn",
        alias="application.status",
    )
    status_label: str = Field(alias="application.get_status_display")
    status_changed_at: UtcDatetime | None = Field(alias="application.status_changed_at")
    submitted_at: UtcDatetime | None = Field(
        description="When every task was last in", alias="application.submitted_at"
    )
    created_at: UtcDatetime = Field(alias="application.created_at")
    tasks: list[TaskOut]
    # Only for the project's mentors and the program admins; null for the applicant.
    applicant: ApplicantOut | None = Field(
        None, description="Mentors and program admins only; null for the applicant"
    )
    reviews: list[ReviewOut] | None = Field(
        None, description="Mentors and program admins only; null for the applicant"
    )
    mentor_rank: int | None = Field(
        None, description="The mentors' ranking (1 = first); mentors and admins only"
    )
    recused: bool | None = Field(
        None, description="You declared a conflict of interest; mentors and admins only"
    )

    @staticmethod
    def resolve_applicant(view: queries.ApplicationView) -> queries.Applicant | None:
        return view.review.applicant if view.review else None

    @staticmethod
    def resolve_reviews(view: queries.ApplicationView) -> list[queries.SeenReview] | None:
        return view.review.reviews if view.review else None

    @staticmethod
    def resolve_mentor_rank(view: queries.ApplicationView) -> int | None:
        return view.application.mentor_rank if view.review else None

    @staticmethod
    def resolve_recused(view: queries.ApplicationView) -> bool | None:
        return view.review.recused if view.review else None


class EventOut(Schema):
    # Read from a `queries.EventRow`.
    kind: str = Field(description="status (a status change) or task (a task handed in)")
    at: datetime
    status: str = Field(description="The status after a status change")
    status_label: str
    task: str = Field(description="The task's kind, for a task handed in")
    task_label: str
    reason: str = Field(description="What the mentors or the applicant said, if anything")
    actor: str | None = Field(
        None, description="Who did it (a username); mentors and program admins only"
    )


class QueueApplicantOut(Schema):
    # Read from a `queries.Applicant`.
    name: str
    github: str
    email: str
    country: str
    time_zone: str


class QueueRowOut(Schema):
    # Read from a `queries.QueueRow`.
    application: int = Field(description="The application's id", alias="application.pk")
    status: str = Field(alias="application.status")
    rank: int | None = Field(
        description="The mentors' ranking of the shortlist (1 = first)",
        alias="application.mentor_rank",
    )
    submitted_at: UtcDatetime | None = Field(alias="application.submitted_at")
    applicant: QueueApplicantOut
    tasks_done: int
    tasks_total: int
    scores: list[int] = Field(description="Every mentor's score")
    mean_score: float | None
    my_score: int | None
    my_notes: str
    recused: bool = Field(
        description="You may not decide on this applicant: a declared conflict of interest, "
        "or your own application"
    )
    own: bool = Field(description="This is your own application: its reviews are hidden")


class MyReviewOut(Schema):
    # Read from the `Review`.
    application: int = Field(alias="application_id")
    score: int | None
    notes: str
    recused: bool = Field(alias="conflict")
    conflict_reason: str


class RankOut(Schema):
    # Read from the `Application`.
    application: int = Field(alias="pk")
    rank: int = Field(alias="mentor_rank")


class DeclinedOut(Schema):
    declined: list[int] = Field(description="The applications declined")


class CountsOut(Schema):
    # Read from a `queries.Counts`.
    project: int = Field(description="The project's id", alias="project.pk")
    title: str = Field(alias="project.title")
    organization: str = Field(alias="project.organization.name")
    total: int = Field(description="Applications not withdrawn")
    complete: int = Field(description="Every task in (submitted or shortlisted)")
    incomplete: int
    shortlisted: int
    declined: int
    withdrawn: int


STATE_HELP: Final = (
    "all (not withdrawn), complete (every task in), incomplete, shortlisted, "
    "unreviewed (complete, and you neither scored nor noted it), declined"
)

ERRORS: Final = errors(400, 401, 404, 409, 422, 429)


# --- the mentee's profile ------------------------------------------------------------------


@router.get("/me/profile", response={200: ProfileOut, **ERRORS})
def get_profile(request: HttpRequest) -> MenteeProfile:
    """Your mentee profile; 404 until you create it."""
    return _my_profile(request)


@router.put("/me/profile", response={200: ProfileOut, **ERRORS})
def put_profile(request: HttpRequest, payload: ProfileIn) -> MenteeProfile:
    """Create or replace your mentee profile, with the eligibility attestations."""
    user = request_user(request)
    return services.save_profile(user, services.ProfileData(**payload.model_dump()))


@router.post("/me/profile/resume", response={200: ProfileOut, **ERRORS})
def upload_resume(request: HttpRequest, file: File[UploadedFile]) -> MenteeProfile:
    """Upload your résumé: a PDF of at most 5 MB (multipart form, field `file`)."""
    hit("upload", request)
    user = request_user(request)
    profile = MenteeProfile.objects.filter(user=user).first()
    if profile is None:
        raise DomainError("Create your mentee profile before you upload a résumé.")
    return services.upload_resume(profile, file, actor=user)


@router.get(
    "/me/profile/resume",
    response=errors(400, 401, 404, 422),
    openapi_extra=download("application/pdf"),
)
def download_resume(request: HttpRequest) -> FileResponse:
    """Your résumé as an attachment (application/pdf)."""
    profile = _my_profile(request)
    if not profile.resume:
        raise _not_found("No résumé uploaded.")
    return pdf_attachment(profile.resume, profile.resume_name)


# --- the mentee's applications -------------------------------------------------------------


@router.get("/applications", response={200: list[ApplicationOut], **ERRORS})
def list_applications(
    request: HttpRequest,
    term: QueryEx[Id | None, P(description="Only this term's applications (its id)")] = None,
) -> list[queries.ApplicationView]:
    """Your own applications, newest term first."""
    user = request_user(request)
    applications = access.applications_of(user)
    if term is not None:
        applications = applications.filter(term_id=term)
    return [
        queries.application_view(a, user, reviewer=False)
        for a in _with_tasks(applications).order_by(
            "-term__year", "-term__number", "created_at", "id"
        )
    ]


@router.post("/applications", response={201: ApplicationOut, **ERRORS})
def apply(request: HttpRequest, payload: ApplyIn) -> Status[queries.ApplicationView]:
    """Apply to a project, handing in text and link answers at once.

    201: the application (submitted when every task is in); 409: you already applied to
    this project; 400: refused (closed, not eligible, at the per-term limit…); 429: too
    many attempts. Re-applying after a withdrawal reopens the same application.
    """
    hit("apply", request)
    answers = {kind: answer.model_dump() for kind, answer in payload.answers.items()}
    user = request_user(request)
    try:
        # The service reads the project with everything applying checks, in one statement.
        application = services.apply_to_project(user, payload.project, answers=answers)
    except Project.DoesNotExist as error:
        raise _not_found("No such project.") from error
    # The application as written, with its tasks: the applicant's view needs nothing more.
    return Status(201, queries.application_view(application, user, reviewer=False))


@router.get("/applications/{pk}", response={200: ApplicationOut, **ERRORS})
def get_application(request: HttpRequest, pk: Id) -> queries.ApplicationView:
    """One application: yours, or an applicant to a project you mentor (with their profile
    and the reviews), or any in your program if you are a program admin."""
    user = request_user(request)
    access.access_application(user, pk, Perm.APPLICATION_VIEW)
    return _detail(user, _fresh(pk))


@router.get("/applications/{pk}/timeline", response={200: list[EventOut], **ERRORS})
def timeline(request: HttpRequest, pk: Id) -> list[queries.EventRow]:
    """The application's history, oldest first: each status change and each task handed in."""
    user = request_user(request)
    application = access.access_application(user, pk, Perm.APPLICATION_VIEW)
    reviewer = access.has_application_perm(user, application, Perm.APPLICATION_REVIEW)
    return queries.history(application, zone="UTC", with_actor=reviewer)


@router.post("/applications/{pk}/tasks/{kind}", response={200: ApplicationOut, **ERRORS})
def hand_in_task(
    request: HttpRequest, pk: Id, kind: str, payload: TaskAnswerIn
) -> queries.ApplicationView:
    """Hand in (or replace) a task's text or link, or your profile's résumé."""
    user = request_user(request)
    application = access.access_application(user, pk, Perm.APPLICATION_EDIT)
    services.hand_in_task(
        application,
        kind,
        actor=user,
        text=payload.text,
        url=payload.url,
        use_profile_resume=payload.use_profile_resume,
    )
    return queries.application_view(_fresh(pk), user, reviewer=False)


@router.post("/applications/{pk}/tasks/{kind}/file", response={200: ApplicationOut, **ERRORS})
def upload_task_file(
    request: HttpRequest, pk: Id, kind: str, file: File[UploadedFile]
) -> queries.ApplicationView:
    """Hand in a task's PDF of at most 5 MB (multipart form, field `file`)."""
    hit("upload", request)
    user = request_user(request)
    application = access.access_application(user, pk, Perm.APPLICATION_EDIT)
    services.hand_in_task(application, kind, actor=user, file=file)
    return queries.application_view(_fresh(pk), user, reviewer=False)


@router.get(
    "/applications/{pk}/tasks/{kind}/file",
    response=errors(400, 401, 404, 422),
    openapi_extra=download("application/pdf"),
)
def download_task_file(request: HttpRequest, pk: Id, kind: str) -> FileResponse:
    """A task's file as an attachment (application/pdf)."""
    application = access.access_application(request_user(request), pk, Perm.APPLICATION_VIEW)
    task = Task.objects.filter(application=application, kind=kind).first()
    if task is None or not task.file:
        raise _not_found("No file handed in for this task.")
    return pdf_attachment(task.file, task.file_name)


@router.post("/applications/{pk}/withdraw", response={200: ApplicationOut, **ERRORS})
def withdraw(
    request: HttpRequest, pk: Id, payload: Body[WithdrawIn | None] = None
) -> queries.ApplicationView:
    """Withdraw your application, at any time. You may re-apply until the deadline."""
    user = request_user(request)
    application = access.access_application(user, pk, Perm.APPLICATION_EDIT)
    services.withdraw_application(application, actor=user, reason=payload.reason if payload else "")
    return queries.application_view(_fresh(pk), user, reviewer=False)


# --- review: the project's mentors and the program admins ----------------------------------


@router.get("/projects/{pk}/queue", response={200: list[QueueRowOut], **ERRORS})
def queue(
    request: HttpRequest,
    pk: Id,
    state: QueryEx[QueueFilter, P(description=STATE_HELP)] = QueueFilter.ALL,
) -> list[queries.QueueRow]:
    """The project's applicants, in the mentors' ranking, then by submission time."""
    user = request_user(request)
    project = access.access_project(user, pk, Perm.QUEUE_VIEW)
    return queries.queue(project, user, state)


@router.get(
    "/projects/{pk}/queue.csv",
    response=errors(400, 401, 404, 422),
    openapi_extra=download("text/csv"),
)
def queue_csv(
    request: HttpRequest,
    pk: Id,
    state: QueryEx[QueueFilter, P(description=STATE_HELP)] = QueueFilter.ALL,
) -> HttpResponse:
    """The queue as CSV (text/csv), with your own notes only."""
    user = request_user(request)
    project = access.access_project(user, pk, Perm.QUEUE_VIEW)
    response = HttpResponse(
        queries.queue_csv(queries.queue(project, user, state)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="applications-{project.pk}.csv"'
    return response


@router.put("/applications/{pk}/review", response={200: MyReviewOut, **ERRORS})
def review(request: HttpRequest, pk: Id, payload: ReviewIn) -> Review:
    """Set your score and notes on an applicant."""
    user = request_user(request)
    application = access.access_application(user, pk, Perm.APPLICATION_REVIEW)
    return services.review_application(
        application, reviewer=user, score=payload.score, notes=payload.notes
    )


@router.post("/applications/{pk}/conflict", response={200: MyReviewOut, **ERRORS})
def conflict(request: HttpRequest, pk: Id, payload: ConflictIn) -> Review:
    """Declare a conflict of interest: you are recused from this applicant."""
    user = request_user(request)
    application = access.access_application(user, pk, Perm.APPLICATION_REVIEW)
    return services.declare_conflict(application, reviewer=user, reason=payload.reason)


@router.post("/applications/{pk}/shortlist", response={200: ApplicationOut, **ERRORS})
def shortlist(request: HttpRequest, pk: Id) -> queries.ApplicationView:
    """Put a submitted application on the shortlist."""
    user = request_user(request)
    application = access.access_application(user, pk, Perm.APPLICATION_REVIEW)
    services.shortlist_application(application, actor=user)
    return _detail(user, _fresh(pk))


@router.delete("/applications/{pk}/shortlist", response={200: ApplicationOut, **ERRORS})
def unshortlist(request: HttpRequest, pk: Id) -> queries.ApplicationView:
    """Take an application off the shortlist (its rank is cleared)."""
    user = request_user(request)
    application = access.access_application(user, pk, Perm.APPLICATION_REVIEW)
    services.unshortlist_application(application, actor=user)
    return _detail(user, _fresh(pk))


@router.put("/projects/{pk}/ranking", response={200: list[RankOut], **ERRORS})
def ranking(request: HttpRequest, pk: Id, payload: RankingIn) -> list[Application]:
    """Rank the whole shortlist, best first."""
    user = request_user(request)
    project = access.access_project(user, pk, Perm.APPLICATION_REVIEW)
    return services.rank_shortlist(project, payload.order, actor=user)


@router.post("/projects/{pk}/decline", response={200: DeclinedOut, **ERRORS})
def decline(request: HttpRequest, pk: Id, payload: DeclineIn) -> DeclinedOut:
    """Decline several of the project's applications with one message: all or none."""
    user = request_user(request)
    project = access.access_project(user, pk, Perm.APPLICATION_REVIEW)
    declined = services.decline_applications(
        payload.applications, actor=user, message=payload.message, project=project
    )
    return DeclinedOut(declined=[a.pk for a in declined])


# --- counts --------------------------------------------------------------------------------


@router.get("/terms/{pk}/application-counts", response={200: list[CountsOut], **ERRORS})
def application_counts(request: HttpRequest, pk: Id) -> list[queries.Counts]:
    """How many applied to each project you may count (program admins: every project;
    maintainers: their organizations'; mentors: theirs), by state. Never who."""
    user = request_user(request)
    term = get_object_or_404(Term.objects.select_related("program"), pk=pk)
    rows = queries.counts(access.counted_projects(user, term))
    if not rows and not is_program_admin(user, term.program):  # nothing the caller may count
        raise _not_found("No such term.")
    return rows


# --- helpers -------------------------------------------------------------------------------


def _not_found(message: str) -> Http404:
    return Http404(message)


def _my_profile(request: HttpRequest) -> MenteeProfile:
    user = request_user(request)
    profile = MenteeProfile.objects.select_related("user").filter(user=user).first()
    if profile is None:
        raise _not_found("No mentee profile yet; create it with PUT /me/profile.")
    return profile


def _with_tasks(applications: QuerySet[Application]) -> QuerySet[Application]:
    return applications.select_related(
        "project__term__program", "project__organization", "term"
    ).prefetch_related(Prefetch("tasks", queryset=Task.objects.order_by("position")))


def _fresh(pk: int) -> Application:
    return (
        _with_tasks(Application.objects.filter(pk=pk))
        .select_related("mentee__mentee_profile")
        .get()
    )


def _detail(user: User, application: Application) -> queries.ApplicationView:
    """The application as `user` may see it: reviewers also get the applicant and reviews."""
    reviewer = access.has_application_perm(user, application, Perm.APPLICATION_REVIEW)
    return queries.application_view(application, user, reviewer=reviewer)
