"""The mentors' slots, set from the selection box on a project's review queue.

The box itself is built in `cohort.selection.queries` and put on the queue page through
`cohort.applications.panels`; a refused POST re-renders the queue through
`cohort.applications.pages` with the form posted back. Slots are the project's mentors'
and the program admins'; anyone else gets a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from cohort.applications import pages
from cohort.applications.access import access_project
from cohort.applications.queries import QueueFilter
from cohort.core.actors import signed_in
from cohort.core.pages import Refused, run_service
from cohort.core.permissions import Perm
from cohort.projects.models import Project
from cohort.selection import services
from cohort.selection.forms import (
    SlotsForm,
)
from cohort.selection.panels import SLOTS_KEY


def _render_queue(
    request: HttpRequest, project: Project, form: SlotsForm, *, status: int
) -> HttpResponse:
    return pages.render_queue(
        request, project, QueueFilter.ALL, bound={SLOTS_KEY: form}, status=status
    )


@require_POST
@login_required
def slots(request: HttpRequest, project_pk: int) -> HttpResponse:
    project = access_project(request.user, project_pk, Perm.APPLICATION_REVIEW)
    form = SlotsForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The slots were not saved: see the form below.")
        return _render_queue(request, project, form, status=400)
    saved = run_service(
        request,
        lambda: services.set_slots(project, form.cleaned_data["slots"], actor=signed_in(request)),
        failed="The slots were not saved.",
    )
    if isinstance(saved, Refused):
        return _render_queue(request, project, form, status=saved.status)
    count = project.slots
    messages.success(request, f"{project.title} takes {count} mentee{'' if count == 1 else 's'}.")
    return redirect("applications:queue", project_pk=project.pk)
