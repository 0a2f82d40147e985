"""Setting up a term in the console: the programs an admin runs, a new term from the
program's calendar, the term's timeline and its settings.

Thin function views (spec/style.md B7): access → form → service → redirect with a message.
Only program admins: a program or term anyone else asks for is the same 404 as one that does
not exist. A refused change re-renders the form with the input kept, each problem beside the
row it concerns, and the status of the refusal; nothing is saved. What the pages show is
`cohort.terms.queries`, the read model the API returns too.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import BaseFormSet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from cohort.console.forms import MilestoneForm, MilestoneFormSet, NewTermForm, SettingsForm
from cohort.core.actors import signed_in
from cohort.core.errors import DomainError
from cohort.core.pages import Refused, run_service
from cohort.formats.limits import time_zone_names
from cohort.terms import services
from cohort.terms.access import access_admin_program, access_admin_term
from cohort.terms.models import Milestone, Program, Term
from cohort.terms.queries import (
    administered_programs,
    milestone_view,
    program_console,
    term_setup,
)
from cohort.terms.services import MilestoneInput, PlannedMilestone, SettingsChange, TimelineError

# The timeline form's fields, named as the service's input is.
INPUT_FIELDS = tuple(f.name for f in dataclasses.fields(MilestoneInput))


def _admin_program(request: HttpRequest, slug: str) -> Program:
    return access_admin_program(request.user, slug)


@require_safe
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The programs the admin runs; straight to the program when there is one."""
    programs = administered_programs(signed_in(request))
    if not programs:
        raise Http404("You do not run a program.")
    if len(programs) == 1:
        return redirect("console:program", programs[0].slug)
    return render(request, "console/setup/home.html", {"programs": programs})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def program(request: HttpRequest, slug: str) -> HttpResponse:
    """The program's terms with their stages, and a new term from its calendar."""
    program_ = _admin_program(request, slug)
    console = program_console(program_)
    latest = console.terms[0].term if console.terms else None
    initial = {"year": latest.year, "number": latest.number + 1} if latest else {}
    if latest is not None and latest.number >= len(console.slots):
        initial = {"year": latest.year + 1, "number": 1}
    form = NewTermForm(request.POST or None, program=program_, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = run_service(
            request,
            lambda: services.create_term(
                program_,
                year=data["year"],
                number=data["number"],
                time_zone=data["time_zone"].strip(),
                actor=signed_in(request),
            ),
            failed="No term was created.",
        )
        if not isinstance(created, Refused):
            messages.success(
                request,
                f"{created.label} created, with the {len(created.milestones.all())} milestones "
                "of the program's calendar. Check the dates, then save the timeline.",
            )
            return redirect("console:timeline", created.pk)
        status = created.status
    elif request.method == "POST":
        status = 400
    context = {"console": console, "form": form, "zones": time_zone_names()}
    return render(request, "console/setup/program.html", context, status=status)


def _rows(formset: BaseFormSet[MilestoneForm]) -> tuple[list[MilestoneInput], list[int]]:
    """The rows to save (blank and deleted ones left out) and each one's form index."""
    rows: list[MilestoneInput] = []
    indexes: list[int] = []
    for index, form in enumerate(formset.forms):
        if not form.is_valid() or form.is_blank() or form.cleaned_data.get("DELETE"):
            continue
        rows.append(MilestoneInput(**{name: form.cleaned_data[name] for name in INPUT_FIELDS}))
        indexes.append(index)
    return rows, indexes


def _initial(term: Term) -> list[dict[str, object]]:
    return [
        {
            "key": m.key,
            "label": m.label,
            "start": m.start_date,
            "start_time": m.start_time,
            "end": m.end_date,
            "end_time": m.end_time,
        }
        for m in term_setup(term).milestones
    ]


def _preview(term: Term, planned: Sequence[PlannedMilestone]) -> list[object]:
    """Planned milestones shown the way saved ones are (term zone, UTC, the reader's own)."""
    return [
        milestone_view(
            Milestone(
                term=term,
                key=p.key,
                label=p.label,
                raw=p.raw,
                start=p.start,
                end=p.end,
                has_time=p.has_time,
            ),
            term,
        )
        for p in planned
    ]


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def timeline(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit the timeline in the term's zone. "Preview" checks it and shows the instants
    without saving; "Save" checks and saves."""
    term = access_admin_term(request.user, pk)
    if request.method != "POST":
        formset = MilestoneFormSet(initial=_initial(term), prefix="ms")
        return _render_timeline(request, term, formset)
    formset = MilestoneFormSet(request.POST, initial=_initial(term), prefix="ms")
    if not formset.is_valid():
        messages.error(request, "Some dates or times could not be read. Nothing was saved.")
        return _render_timeline(request, term, formset, status=400)
    rows, indexes = _rows(formset)
    try:
        if "preview" in request.POST:
            planned = services.plan_timeline(
                rows,
                year=term.year,
                zone=term.time_zone,
                keep={m.key: m for m in term.milestones.all()},
            )
            messages.info(request, "The timeline is valid. It is not saved yet.")
            return _render_timeline(request, term, formset, preview=_preview(term, planned))
        services.set_timeline(term, rows, actor=signed_in(request))
    except TimelineError as refused:
        for row, problem in refused.problems:
            if row is None:
                formset.non_form_errors().append(problem)
            else:
                formset.forms[indexes[row]].add_error(None, problem)
        messages.error(request, "The timeline was not saved: see the problems below.")
        return _render_timeline(request, term, formset, status=refused.http_status)
    except DomainError as error:
        messages.error(request, f"The timeline was not saved. {error}")
        return _render_timeline(request, term, formset, status=error.http_status)
    messages.success(request, f"The timeline of {term.label} is saved.")
    return redirect("console:timeline", term.pk)


def _render_timeline(
    request: HttpRequest,
    term: Term,
    formset: BaseFormSet[MilestoneForm],
    *,
    preview: list[object] | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "term": term,
        "setup": term_setup(term),
        "formset": formset,
        "preview": preview,
        "tab": "timeline",
    }
    return render(request, "console/setup/timeline.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def settings(request: HttpRequest, pk: int) -> HttpResponse:
    """The term's time zone, proposal guideline per organization, applications cap and the
    prerequisites new proposals start with."""
    term = access_admin_term(request.user, pk)
    setup = term_setup(term)
    initial = {
        "time_zone": term.time_zone,
        "proposal_quota": term.proposal_quota,
        "quota_overrides": setup.quota_lines,
        "max_applications": term.max_applications,
        "default_prerequisites": term.default_prerequisites,
    }
    form = SettingsForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            change = SettingsChange(
                time_zone=data["time_zone"].strip(),
                proposal_quota=data["proposal_quota"],
                quota_overrides=data["quota_overrides"],
                max_applications=data["max_applications"] or 0,
                default_prerequisites=data["default_prerequisites"],
            )
            saved = run_service(
                request,
                lambda: services.update_settings(term, change, actor=signed_in(request)),
                failed="Nothing was saved.",
            )
            if not isinstance(saved, Refused):
                messages.success(request, f"The settings of {term.label} are saved.")
                return redirect("console:settings", term.pk)
            status = saved.status
        else:
            status = 400
    context = {
        "term": term,
        "setup": setup,
        "form": form,
        "zones": time_zone_names(),
        "tab": "settings",
    }
    return render(request, "console/setup/settings.html", context, status=status)
