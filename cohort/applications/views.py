"""The mentee's pages: my applications, the profile, applying, one application and its tasks.

Thin function views (spec/style.md B7): access → form → service → render or redirect. Every
write is a POST that calls one service in `cohort.applications.services`; a broken rule
(`DomainError`) re-renders the page with HTTP 400 and what the user typed, a lost race
(`ConflictError`) with 409, and a rate limit (`RateLimitError`) with 429. An application the
user may not see and one that does not exist give the same 404 (`access_application`).

Mentors and program admins may open an application's page too (they hold APPLICATION_VIEW);
they are sent to the review page, which is theirs, and this page stays the mentee's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cohort.applications import pages, queries, services
from cohort.applications.access import access_application
from cohort.applications.downloads import pdf_attachment
from cohort.applications.forms import ProfileForm, TaskForm, WithdrawForm
from cohort.applications.models import Application, MenteeProfile, Task
from cohort.core import ratelimit
from cohort.core.actors import signed_in
from cohort.core.errors import DomainError
from cohort.core.permissions import Perm
from cohort.core.time import Instant, instant
from cohort.formats.limits import time_zone_names
from cohort.projects.models import Project

Status = Application.Status
EDITABLE = (Status.DRAFT, Status.SUBMITTED)  # the mentee may still hand in or replace tasks

# --- helpers -------------------------------------------------------------------------------


def _with_retry_after(response: HttpResponse, error: DomainError | None) -> HttpResponse:
    if isinstance(error, ratelimit.RateLimitError):
        response["Retry-After"] = str(error.retry_after)
    return response


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


# --- my applications -----------------------------------------------------------------------


@require_safe
@login_required
def my_applications(request: HttpRequest) -> HttpResponse:
    return pages.render_my_applications(request)


# --- the profile ---------------------------------------------------------------------------


def _render_profile(
    request: HttpRequest,
    form: ProfileForm,
    profile: MenteeProfile | None,
    *,
    status: int = 200,
    error: DomainError | None = None,
) -> HttpResponse:
    context = {
        "form": form,
        "profile": profile,
        "standing": queries.standing(profile),
        "time_zones": time_zone_names(),
        "next": _safe_next(request),
    }
    response = render(request, "applications/mentee/profile.html", context, status=status)
    return _with_retry_after(response, error)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    """The profile: attestations, who the mentee is, and the résumé, saved in one go.

    A résumé that is refused (not a PDF, too big) does not lose the rest: the other fields
    are saved, and the page comes back with the résumé's error and everything typed.
    """
    profile = pages.profile_of(signed_in(request))
    if request.method != "POST":
        return _render_profile(
            request, ProfileForm(initial=ProfileForm.initial_from(profile)), profile
        )
    form = ProfileForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_profile(request, form, profile, status=400)
    resume = form.cleaned_data["resume"]
    try:
        if resume is not None:
            ratelimit.hit("upload", request)
        profile = services.save_profile(signed_in(request), form.profile_data())
    except DomainError as error:
        form.add_error(None, str(error))
        return _render_profile(request, form, profile, status=error.http_status, error=error)
    if resume is not None:
        try:
            profile = services.upload_resume(profile, resume, actor=signed_in(request))
        except DomainError as error:
            form.add_error(
                "resume",
                f"{error} The rest of your profile was saved; only the résumé was not.",
            )
            return _render_profile(request, form, profile, status=error.http_status)
    standing = queries.standing(profile)
    if standing.refusals:
        messages.warning(request, "Profile saved. As you answered, you cannot apply (see why).")
    else:
        messages.success(
            request, "Profile saved." + (" Your résumé was uploaded." if resume else "")
        )
    return redirect(_safe_next(request) or reverse("applications:profile"))


@require_safe
@login_required
def resume_download(request: HttpRequest) -> FileResponse:
    """The user's own résumé; there is no way to name anyone else's."""
    profile = pages.profile_of(signed_in(request))
    if profile is None or not profile.resume:
        raise Http404("No résumé uploaded.")
    return pdf_attachment(profile.resume, profile.resume_name)


# --- applying ------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def apply(request: HttpRequest, project_pk: int) -> HttpResponse:
    """Start an application (or re-open a withdrawn one); the tasks are handed in on its page."""
    project = get_object_or_404(
        Project.objects.select_related("organization", "term__program").prefetch_related(
            "term__milestones"
        ),
        pk=project_pk,
        status=Project.Status.PUBLISHED,
    )
    here = reverse("applications:apply", args=[project.pk])
    profile = pages.profile_of(signed_in(request))
    if profile is None:
        messages.info(request, "Create your mentee profile first; then you can apply.")
        return redirect(f"{reverse('applications:profile')}?next={here}")
    existing = Application.objects.filter(mentee_id=request.user.pk, project=project).first()
    if request.method != "POST" and existing is not None and existing.is_active:
        messages.info(
            request, "You have already applied to this project; here is your application."
        )
        return redirect("applications:detail", pk=existing.pk)
    error: DomainError | None = None
    if request.method == "POST":
        try:
            ratelimit.hit("apply", request)
            application = services.apply_to_project(signed_in(request), project)
        except DomainError as raised:
            error = raised
        else:
            messages.success(
                request,
                "Application started. Hand in each task below before the deadline."
                if application.status == Status.DRAFT
                else "Application submitted: every task was already in.",
            )
            return redirect("applications:detail", pk=application.pk)
    term = project.term
    context = {
        "project": project,
        "term": term,
        "specs": services.specs_for(project),
        "window": pages.window_view(term, timezone.now()),
        "active": Application.objects.active().filter(mentee_id=request.user.pk, term=term).count(),
        "limit": term.applications_cap,
        "standing": queries.standing(profile),
        "existing": existing,
        "error": str(error) if error else "",
    }
    status = error.http_status if error else 200
    response = render(request, "applications/mentee/apply.html", context, status=status)
    return _with_retry_after(response, error)


# --- one application -----------------------------------------------------------------------


@dataclass
class TaskRow(queries.TaskView):
    """A task as the API shows it, with its form and when it was handed in, in the term's zone."""

    form: TaskForm
    completed: Instant | None


def _render_detail(
    request: HttpRequest,
    application: Application,
    *,
    forms: Mapping[str, TaskForm] | None = None,
    withdraw_form: WithdrawForm | None = None,
    status: int = 200,
    error: DomainError | None = None,
) -> HttpResponse:
    term = application.term
    zone = term.time_zone
    window = pages.window_view(term, timezone.now())
    tasks = [
        TaskRow(
            view.task,
            view.spec,
            form=(forms or {}).get(view.kind)
            or TaskForm(auto_id=_ids(view.kind), initial=_initial(view.task)),
            completed=instant(view.completed_at, zone),
        )
        for view in queries.task_views(application)
    ]
    events = queries.history(application, zone=zone, with_actor=False)
    profile = pages.profile_of(signed_in(request))
    context = {
        "application": application,
        "project": application.project,
        "term": term,
        "window": window,
        "tasks": tasks,
        "done": sum(1 for row in tasks if row.task.is_done),
        "events": events,
        "profile": profile,
        "can_edit": application.status in EDITABLE and window.is_open,
        "can_reapply": application.status == Status.WITHDRAWN and window.is_open,
        "can_withdraw": application.can_become(Status.WITHDRAWN),
        "withdraw_form": withdraw_form or WithdrawForm(),
    }
    response = render(request, "applications/mentee/detail.html", context, status=status)
    return _with_retry_after(response, error)


def _initial(task: Task) -> dict[str, str]:
    return {"text": task.text, "url": task.url}


def _ids(kind: str) -> str:
    """Each task's form has its own element ids; the field names stay `text`, `url`, `file`."""
    return f"id_{kind}_%s"


@require_safe
@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = access_application(request.user, pk, Perm.APPLICATION_VIEW)
    if application.mentee_id != request.user.pk:
        # A project mentor or program admin: the review page is where they read applicants.
        return redirect("applications:applicant", pk=application.pk)
    return _render_detail(request, application)


@require_POST
@login_required
def task_submit(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Hand in one task: `text`, `url`, `file`, or `use_profile_resume` (the résumé task)."""
    application = access_application(request.user, pk, Perm.APPLICATION_EDIT)
    task = application.tasks.filter(kind=kind).first()
    if task is None:
        raise Http404("No such task.")
    form = TaskForm(request.POST, request.FILES, auto_id=_ids(kind))
    if not form.is_valid():
        return _render_detail(request, application, forms={kind: form}, status=400)
    data = form.cleaned_data
    before = application.status
    try:
        if data["file"] is not None:
            ratelimit.hit("upload", request)
        services.hand_in_task(
            application,
            kind,
            actor=signed_in(request),
            text=data["text"],
            url=data["url"],
            file=data["file"],
            use_profile_resume=data["use_profile_resume"],
        )
    except DomainError as error:
        form.add_error(None, str(error))
        return _render_detail(
            request, application, forms={kind: form}, status=error.http_status, error=error
        )
    application.refresh_from_db(fields=["status", "status_changed_at", "submitted_at"])
    if before == Status.DRAFT and application.status == Status.SUBMITTED:
        messages.success(
            request,
            f"{task.title} handed in. Every task is in: your application is submitted and "
            "awaits the mentors' review. There is nothing more to do.",
        )
    else:
        messages.success(request, f"{task.title} handed in.")
    return redirect(reverse("applications:detail", args=[application.pk]) + f"#task-{kind}")


@require_safe
@login_required
def task_file(request: HttpRequest, pk: int, kind: str) -> FileResponse:
    """A task's uploaded file, for whoever may see the application; always a download."""
    application = access_application(request.user, pk, Perm.APPLICATION_VIEW)
    task = application.tasks.filter(kind=kind).exclude(file="").first()
    if task is None:
        raise Http404("No such file.")
    return pdf_attachment(task.file, task.file_name)


@require_POST
@login_required
def application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw, at any time (after the deadline too), with an optional reason."""
    application = access_application(request.user, pk, Perm.APPLICATION_EDIT)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.withdraw_application(
                application, actor=signed_in(request), reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            form.add_error(None, str(error))
            return _render_detail(
                request, application, withdraw_form=form, status=error.http_status
            )
        messages.success(
            request,
            "Application withdrawn. It no longer counts toward your limit; you can apply "
            "again to this project until the deadline.",
        )
        return redirect("applications:detail", pk=application.pk)
    return _render_detail(request, application, withdraw_form=form, status=400)
