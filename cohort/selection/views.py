"""The selection pages: the program admin's round, the mentors' slots and offers (a box on
the review queue), and the mentee's ranking and offers (a box on "My applications").

Thin function views (spec/style.md B7): access → form → service → redirect with a message.
Every write is a POST that calls one service in `cohort.selection.services`; a broken rule
(`DomainError`) re-renders the page with the input kept, the error as a message and its
`http_status` (400, or 409 after a lost race). Objects come through the access helpers, so
someone who may not act on them gets the same 404 as for one that does not exist: a round,
an override and the term page are the program admins'; slots are the project's mentors' and
the admins'; an offer is its mentee's, and only once it is announced.

The boxes shown on the applications pages are built here (`project_selection`,
`mentee_selection`); those pages' views call them, and the POSTs here re-render those pages
through their own render functions (imported where used: they import this module).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from cohort.applications.access import access_project, access_term, project_roles
from cohort.applications.models import Application, MenteeProfile
from cohort.core.errors import ConflictError, DomainError
from cohort.core.permissions import Perm, perms_of
from cohort.projects.models import Project
from cohort.selection import services
from cohort.selection.access import admin_round, announced_offer
from cohort.selection.forms import (
    ConfirmForm,
    DeclineOfferForm,
    MyRankingForm,
    OverrideForm,
    SlotsForm,
)
from cohort.selection.models import Offer, Override, Round
from cohort.selection.plan import Inputs, Proposal, contested
from cohort.terms.models import Milestone, Term
from cohort.web.templatetags.cohort_web import (
    Instant,
    format_day,
    format_instant,
    instant,
    milestone_days,
)

# --- helpers -------------------------------------------------------------------------------


def _names(user_ids: Iterable[int]) -> dict[int, str]:
    """Display names: the mentee profile's name, else the account's name or username."""
    ids = set(user_ids)
    names = {
        user.pk: str(user.get_full_name() or user.username)
        for user in get_user_model().objects.filter(pk__in=ids)
    }
    names.update(
        MenteeProfile.objects.filter(user_id__in=ids)
        .exclude(name="")
        .values_list("user_id", "name")
    )
    return names


def _notify(term: Term) -> Milestone | None:
    return term.milestone(services.NOTIFY_KEY)


def _notify_text(term: Term) -> str:
    """The notification date in the term's zone, for a message."""
    milestone = _notify(term)
    if milestone is None or milestone.start is None:
        return ""
    if milestone.has_time:
        return format_instant(milestone.start.astimezone(term.zone))
    return format_day(milestone_days(milestone, term)[0])


def _error(request: HttpRequest, prefix: str, error: DomainError) -> None:
    messages.error(request, f"{prefix} {error}")


# --- the program admin's term page ---------------------------------------------------------


@dataclass(frozen=True)
class Placed:
    name: str
    choice: int | None  # the mentee's own rank of this project (1 = their first choice)
    mentors_rank: int | None  # where the project's mentors ranked them
    forced: bool


@dataclass
class ProjectPlan:
    project: Project
    slots: int
    placed: list[Placed]
    shortlisted: int  # how many the project's mentors ranked

    @property
    def free(self) -> int:
        return max(self.slots - len(self.placed), 0)


@dataclass(frozen=True)
class Unplaced:
    name: str
    choices: list[str]  # project titles, their first choice first


@dataclass(frozen=True)
class Pairing:
    name: str
    project: str


@dataclass(frozen=True)
class OverrideRow:
    override: Override
    name: str
    project: str
    by: str
    when: Instant


@dataclass(frozen=True)
class Conflict:
    name: str
    wanted_by: list[tuple[str, int | None]]  # (project, where its mentors ranked the mentee)
    placed: str  # the project they got, or ""


@dataclass
class DraftView:
    round: Round
    computed: Instant | None
    projects: list[ProjectPlan]
    conflicts: list[Conflict]
    unmatched: list[Unplaced]
    blocking: list[Pairing]
    overrides: list[OverrideRow]
    override_form: OverrideForm
    confirm_form: ConfirmForm

    @property
    def placed(self) -> int:
        return sum(len(p.placed) for p in self.projects)

    @property
    def contested_projects(self) -> list[ProjectPlan]:
        """The projects with a shortlist or a placement: the ones the round is about."""
        return [p for p in self.projects if p.shortlisted or p.placed]

    @property
    def idle_projects(self) -> int:
        return len(self.projects) - len(self.contested_projects)


@dataclass(frozen=True)
class OfferRow:
    offer: Offer
    name: str
    deadline: Instant | None


@dataclass(frozen=True)
class Waitlist:
    project: Project
    names: list[str]


@dataclass
class ConfirmedView:
    round: Round
    announced: Instant | None
    offers: list[OfferRow]
    waitlists: list[Waitlist]
    overrides: list[OverrideRow]


@dataclass(frozen=True)
class Stats:
    mentees: int
    projects: int
    slots: int


def _override_rows(round_: Round, zone: str) -> list[OverrideRow]:
    overrides = list(
        round_.overrides.select_related("application__project", "created_by").order_by(
            "created_at", "id"
        )
    )
    names = _names(o.application.mentee_id for o in overrides)
    return [
        OverrideRow(
            override=o,
            name=names.get(o.application.mentee_id, ""),
            project=o.application.project.title,
            by=o.created_by.username if o.created_by else "",
            when=Instant(o.created_at, zone),
        )
        for o in overrides
    ]


def _override_choices(term: Term) -> list[tuple[int, str]]:
    """The term's applications in selection, as "Mentee — Project"."""
    applications = list(
        Application.objects.filter(
            term=term,
            status__in=services.IN_SELECTION,
            project__in=services.selection_projects(term),
        ).select_related("project")
    )
    names = _names(a.mentee_id for a in applications)
    labelled = [
        (
            a.pk,
            f"{names.get(a.mentee_id, '')} — {a.project.title} ({a.get_status_display().lower()})",
        )
        for a in applications
    ]
    return sorted(labelled, key=lambda item: item[1].casefold())


def _draft_view(
    round_: Round, override_form: OverrideForm | None, confirm_form: ConfirmForm | None
) -> DraftView:
    term = round_.term
    zone = term.time_zone
    inputs = Inputs.from_json(round_.inputs)
    proposal = Proposal.from_json(round_.result)
    forced = set(proposal.forced)
    pks = set(inputs.capacities) | set(proposal.assignment.values())
    projects = list(Project.objects.filter(pk__in=pks).order_by("position", "id"))
    titles = {p.pk: p.title for p in projects}
    names = _names(inputs.applicants)

    def rank(items: list[int], item: int) -> int | None:
        return items.index(item) + 1 if item in items else None

    plans = [
        ProjectPlan(
            project=project,
            slots=inputs.capacities.get(project.pk, 0),
            placed=[
                Placed(
                    name=names.get(mentee, ""),
                    choice=rank(inputs.applicants.get(mentee, []), project.pk),
                    mentors_rank=rank(inputs.projects.get(project.pk, []), mentee),
                    forced=(mentee, project.pk) in forced,
                )
                for mentee in proposal.holders(project.pk)
            ],
            shortlisted=len(inputs.projects.get(project.pk, [])),
        )
        for project in projects
    ]
    return DraftView(
        round=round_,
        computed=instant(round_.computed_at, zone),
        projects=plans,
        conflicts=[
            Conflict(
                name=names.get(mentee, ""),
                wanted_by=[
                    (titles.get(p, ""), rank(inputs.projects.get(p, []), mentee)) for p in wanted
                ],
                placed=titles.get(proposal.assignment.get(mentee, 0), ""),
            )
            for mentee, wanted in contested(inputs).items()
        ],
        unmatched=[
            Unplaced(names.get(m, ""), [titles.get(p, "") for p in inputs.applicants.get(m, [])])
            for m in proposal.unmatched
        ],
        blocking=[Pairing(names.get(m, ""), titles.get(p, "")) for m, p in proposal.blocking],
        overrides=_override_rows(round_, zone),
        override_form=override_form or OverrideForm(choices=_override_choices(term)),
        confirm_form=confirm_form or ConfirmForm(),
    )


def _offer_rows(offers: Sequence[Offer], zone: str) -> list[OfferRow]:
    names = _names(o.mentee_id for o in offers)
    return [
        OfferRow(offer=o, name=names.get(o.mentee_id, ""), deadline=instant(o.deadline, zone))
        for o in offers
    ]


def _confirmed_view(round_: Round) -> ConfirmedView:
    zone = round_.term.time_zone
    offers = list(
        Offer.objects.filter(round=round_)
        .select_related("project")
        .order_by("project__position", "project_id", "created_at", "id")
    )
    inputs = Inputs.from_json(round_.inputs)
    projects = list(Project.objects.filter(pk__in=inputs.capacities).order_by("position", "id"))
    all_lists = services.waitlists(round_)
    lists = {p.pk: all_lists.get(p.pk, []) for p in projects}
    names = _names(m for waiting in lists.values() for m in waiting)
    return ConfirmedView(
        round=round_,
        announced=instant(round_.announced_at, zone),
        offers=_offer_rows(offers, zone),
        waitlists=[Waitlist(p, [names.get(m, "") for m in lists[p.pk]]) for p in projects],
        overrides=_override_rows(round_, zone),
    )


def _render_term(
    request: HttpRequest,
    term: Term,
    *,
    override_form: OverrideForm | None = None,
    confirm_form: ConfirmForm | None = None,
    status: int = 200,
) -> HttpResponse:
    confirmed = services.confirmed_round(term)
    draft = None if confirmed else services.draft_round(term)
    # Once confirmed, the round's frozen inputs are who took part.
    inputs = Inputs.from_json(confirmed.inputs) if confirmed else services.gather_inputs(term)
    context = {
        "term": term,
        "stats": Stats(
            mentees=len(inputs.applicants),
            projects=len(inputs.capacities),
            slots=sum(inputs.capacities.values()),
        ),
        "notify": _notify(term),
        "draft": _draft_view(draft, override_form, confirm_form) if draft else None,
        "confirmed": _confirmed_view(confirmed) if confirmed else None,
    }
    return render(request, "selection/term.html", context, status=status)


def _term_url(term: Term) -> str:
    return reverse("selection:term", args=[term.pk])


@require_safe
@login_required
def term_page(request: HttpRequest, term_pk: int) -> HttpResponse:
    return _render_term(request, access_term(request.user, term_pk))


@require_POST
@login_required
def run(request: HttpRequest, term_pk: int) -> HttpResponse:
    term = access_term(request.user, term_pk)
    try:
        round_ = services.run_round(term, actor=request.user)
    except DomainError as error:
        _error(request, "Nothing was computed.", error)
        return _render_term(request, term, status=error.http_status)
    proposal = Proposal.from_json(round_.result)
    placed, unmatched = len(proposal.assignment), len(proposal.unmatched)
    messages.success(
        request,
        f"Round {round_.number} computed: {placed} placed, {unmatched} not placed. "
        "Nothing is sent until you confirm.",
    )
    return redirect(_term_url(term))


@require_POST
@login_required
def override_add(request: HttpRequest, round_pk: int) -> HttpResponse:
    round_ = admin_round(request.user, round_pk)
    term = round_.term
    form = OverrideForm(request.POST, choices=_override_choices(term))
    if not form.is_valid():
        messages.error(request, "The override was not added: see the form below.")
        return _render_term(request, term, override_form=form, status=400)
    application = Application.objects.get(pk=form.cleaned_data["application"])
    try:
        services.add_override(
            round_,
            application,
            kind=form.cleaned_data["kind"],
            reason=form.cleaned_data["reason"],
            actor=request.user,
        )
    except DomainError as error:
        _error(request, "The override was not added.", error)
        return _render_term(request, term, override_form=form, status=error.http_status)
    messages.success(request, "Override added, and the assignment computed again.")
    return redirect(_term_url(term))


@require_POST
@login_required
def override_remove(request: HttpRequest, pk: int) -> HttpResponse:
    override = Override.objects.select_related("round").filter(pk=pk).first()
    if override is None:
        raise Http404("No such override.")
    term = access_term(request.user, override.round.term_id)
    try:
        services.remove_override(override, actor=request.user)
    except DomainError as error:
        _error(request, "The override was not removed.", error)
        return _render_term(request, term, status=error.http_status)
    messages.success(request, "Override removed, and the assignment computed again.")
    return redirect(_term_url(term))


@require_POST
@login_required
def confirm(request: HttpRequest, round_pk: int) -> HttpResponse:
    round_ = admin_round(request.user, round_pk)
    term = round_.term
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Nothing was confirmed: see the form below.")
        return _render_term(request, term, confirm_form=form, status=400)
    try:
        round_ = services.confirm_round(
            round_, actor=request.user, response_days=form.cleaned_data["response_days"]
        )
    except ConflictError as error:
        # The round was recomputed: show the new proposal to review.
        messages.warning(request, f"Nothing was confirmed. {error}")
        return redirect(_term_url(term))
    except DomainError as error:
        _error(request, "Nothing was confirmed.", error)
        return _render_term(request, term, confirm_form=form, status=error.http_status)
    count = round_.offers.count()
    made = f"Round {round_.number} confirmed: {count} offer{'' if count == 1 else 's'} made."
    if round_.announced_at is not None:
        messages.success(request, f"{made} The mentees have been told.")
    elif when := _notify_text(term):
        messages.success(request, f"{made} The mentees are told on {when}.")
    else:
        messages.success(request, made)
    return redirect(_term_url(term))


@require_POST
@login_required
def discard(request: HttpRequest, round_pk: int) -> HttpResponse:
    round_ = admin_round(request.user, round_pk)
    try:
        services.discard_round(round_, actor=request.user)
    except DomainError as error:
        _error(request, "Nothing was discarded.", error)
        return _render_term(request, round_.term, status=error.http_status)
    messages.success(request, f"Round {round_.number} discarded. Nothing was sent.")
    return redirect(_term_url(round_.term))


# --- the mentors' box on a project's review queue ------------------------------------------


@dataclass
class ProjectSelection:
    project: Project
    slots_form: SlotsForm | None  # None: the reader may not change them, or it is too late
    confirmed: Round | None
    offers: list[OfferRow] = field(default_factory=list)
    waitlist: list[str] = field(default_factory=list)


def project_selection(
    project: Project, user: Any, slots_form: SlotsForm | None = None
) -> ProjectSelection:
    """What the review queue shows of selection: the slots (a form for those who may set
    them, until selection is confirmed), then this project's offers and its waitlist."""
    confirmed = services.confirmed_round(project.term)
    may_edit = Perm.APPLICATION_REVIEW in perms_of(project_roles(user, project))
    if confirmed is not None or not may_edit:
        box = ProjectSelection(project, None, confirmed)
    else:
        box = ProjectSelection(
            project, slots_form or SlotsForm(initial={"slots": project.slots}), None
        )
    if confirmed is not None:
        offers = list(
            Offer.objects.filter(round=confirmed, project=project).order_by("created_at", "id")
        )
        box.offers = _offer_rows(offers, project.term.time_zone)
        waiting = services.waitlist(confirmed, project)
        names = _names(waiting)
        box.waitlist = [names.get(m, "") for m in waiting]
    return box


@require_POST
@login_required
def slots(request: HttpRequest, project_pk: int) -> HttpResponse:
    from cohort.applications.queries import QueueFilter
    from cohort.applications.review_views import _render_queue as render_queue

    project = access_project(request.user, project_pk, Perm.APPLICATION_REVIEW)
    form = SlotsForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The slots were not saved: see the form below.")
        return render_queue(request, project, QueueFilter.ALL, slots_form=form, status=400)
    try:
        services.set_slots(project, form.cleaned_data["slots"], actor=request.user)
    except DomainError as error:
        _error(request, "The slots were not saved.", error)
        return render_queue(
            request, project, QueueFilter.ALL, slots_form=form, status=error.http_status
        )
    count = project.slots
    messages.success(request, f"{project.title} takes {count} mentee{'' if count == 1 else 's'}.")
    return redirect("applications:queue", project_pk=project.pk)


# --- the mentee's box on "My applications" --------------------------------------------------


@dataclass(frozen=True)
class RankRow:
    application: Application
    field: forms.BoundField | None


@dataclass(frozen=True)
class OfferBox:
    offer: Offer
    deadline: Instant | None  # in the mentee's zone
    can_answer: bool
    decline_form: DeclineOfferForm


@dataclass
class MenteeSelection:
    term: Term
    ranking: MyRankingForm | None = None
    rows: list[RankRow] = field(default_factory=list)
    offers: list[OfferBox] = field(default_factory=list)
    waiting: bool = False  # confirmed, not announced yet
    no_offer: bool = False  # announced, and this mentee holds no offer

    @property
    def notify(self) -> str:
        return _notify_text(self.term)

    @property
    def shown(self) -> bool:
        return bool(self.ranking or self.rows or self.offers or self.waiting or self.no_offer)


def _ranking_key(pk: int) -> str:
    return f"rank-{pk}"


def _decline_key(pk: int) -> str:
    return f"decline-{pk}"


def _ranking_id(term_pk: int) -> str:
    return f"id_term{term_pk}_%s"


def _decline_id(offer_pk: int) -> str:
    return f"id_offer{offer_pk}_%s"


def _complete(user: Any, terms: Iterable[Term]) -> list[Application]:
    """The user's complete applications in `terms`, in their current order: their own
    ranking first, then the ones they did not rank in the order they applied."""
    applications = Application.objects.filter(
        mentee=user, term__in=list(terms), status__in=services.IN_SELECTION
    ).select_related("project__organization")
    return sorted(
        applications,
        key=lambda a: (a.mentee_rank is None, a.mentee_rank or 0, a.created_at, a.pk),
    )


def mentee_selection(
    user: Any,
    terms: Sequence[Term],
    *,
    bound: Mapping[str, forms.Form] | None = None,
    now: datetime | None = None,
) -> list[MenteeSelection]:
    """Per term of `terms`, what "My applications" shows of selection: until it is
    confirmed, the form to rank their complete applications; once announced, their offers
    (never one that is not announced). `bound` holds forms posted back with errors, by key
    (`rank-<term pk>`, `decline-<offer pk>`). A fixed number of queries."""
    now = now or timezone.now()
    bound = bound or {}
    by_pk = {t.pk: t for t in terms}
    profile = MenteeProfile.objects.filter(user=user).first()
    rounds = {
        r.term_id: r
        for r in Round.objects.filter(term__in=list(terms), status=Round.Status.CONFIRMED)
    }
    complete: dict[int, list[Application]] = {}
    for application in _complete(user, terms):
        complete.setdefault(application.term_id, []).append(application)
    offers: dict[int, list[Offer]] = {}
    for offer in (
        Offer.objects.filter(mentee=user, term__in=list(terms), announced_at__isnull=False)
        .select_related("project__organization")
        .order_by("created_at", "id")
    ):
        offers.setdefault(offer.term_id, []).append(offer)
    boxes = []
    for pk, term in by_pk.items():
        box = MenteeSelection(term)
        round_ = rounds.get(pk)
        mine = complete.get(pk, [])
        if round_ is None and mine:
            form = bound.get(_ranking_key(pk))
            if not isinstance(form, MyRankingForm):
                form = MyRankingForm(applications=[a.pk for a in mine], auto_id=_ranking_id(pk))
            box.ranking = form
            box.rows = [RankRow(a, form.rank_field(a.pk)) for a in mine]
        zone = profile.time_zone if profile else term.time_zone
        for offer in offers.get(pk, []):
            decline = bound.get(_decline_key(offer.pk))
            box.offers.append(
                OfferBox(
                    offer=offer,
                    deadline=instant(offer.deadline, zone),
                    can_answer=offer.status == Offer.Status.PENDING
                    and offer.deadline is not None
                    and now < offer.deadline,
                    decline_form=decline
                    if isinstance(decline, DeclineOfferForm)
                    else DeclineOfferForm(auto_id=_decline_id(offer.pk)),
                )
            )
        if round_ is not None and not box.offers:
            in_round = str(user.pk) in round_.inputs.get("applicants", {})
            box.waiting = in_round and round_.announced_at is None
            box.no_offer = in_round and round_.announced_at is not None
        if box.shown:
            boxes.append(box)
    return boxes


def _render_home(
    request: HttpRequest, bound: Mapping[str, forms.Form], status: int
) -> HttpResponse:
    from cohort.applications.views import _render_my_applications

    return _render_my_applications(request, selection_forms=bound, status=status)


@require_POST
@login_required
def my_ranking(request: HttpRequest, term_pk: int) -> HttpResponse:
    term = Term.objects.filter(pk=term_pk).first()
    mine = _complete(request.user, [term]) if term else []
    if term is None or not mine:
        raise Http404("No applications to rank in this term.")
    form = MyRankingForm(
        request.POST, applications=[a.pk for a in mine], auto_id=_ranking_id(term.pk)
    )
    bound = {_ranking_key(term.pk): form}
    if not form.is_valid():
        messages.error(request, "Your ranking was not saved: see the form below.")
        return _render_home(request, bound, 400)
    try:
        services.rank_my_applications(request.user, term, form.cleaned_data["ordered"])
    except DomainError as error:
        _error(request, "Your ranking was not saved.", error)
        return _render_home(request, bound, error.http_status)
    messages.success(request, f"Your ranking for {term.label} is saved.")
    return redirect("applications:home")


@require_POST
@login_required
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    offer = announced_offer(request.user, pk)
    try:
        services.accept_offer(offer, actor=request.user)
    except DomainError as error:
        _error(request, "Your answer was not saved.", error)
        return _render_home(request, {}, error.http_status)
    messages.success(request, f"You accepted your place on {offer.project.title}. Welcome!")
    return redirect("applications:home")


@require_POST
@login_required
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    offer = announced_offer(request.user, pk)
    form = DeclineOfferForm(request.POST, auto_id=_decline_id(offer.pk))
    bound = {_decline_key(offer.pk): form}
    if not form.is_valid():
        messages.error(request, "Your answer was not saved: see the form below.")
        return _render_home(request, bound, 400)
    try:
        services.decline_offer(offer, actor=request.user, reason=form.cleaned_data["reason"])
    except DomainError as error:
        _error(request, "Your answer was not saved.", error)
        return _render_home(request, bound, error.http_status)
    messages.success(
        request,
        f"You declined the offer on {offer.project.title}. You are no longer in "
        f"{offer.term.label}'s selection; the place goes to the next in line.",
    )
    return redirect("applications:home")
