"""Selection's read models: what the program admin's round page, the mentors' box on a
project's review queue and the mentee's box on "My applications" show.

Names come from `cohort.applications.queries.display_names` (one rule for every page and
the API), instants are `cohort.core.time.Instant`. Each builder runs a fixed number of
queries however many rows it shows. The two boxes are put on the applications pages
through `cohort.applications.panels` (see `cohort.selection.panels`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django import forms
from django.db.models import Q
from django.utils import timezone

from cohort.applications.access import project_roles
from cohort.applications.models import Application, MenteeProfile
from cohort.applications.queries import display_names
from cohort.core.models import User
from cohort.core.permissions import Perm, perms_of
from cohort.core.time import Instant, format_day, format_instant, instant
from cohort.projects.models import Project
from cohort.selection import services
from cohort.selection.forms import (
    ConfirmForm,
    DeclineOfferForm,
    MyRankingForm,
    OverrideForm,
    SlotsForm,
)
from cohort.selection.models import LIVE, Offer, Override, Round
from cohort.selection.plan import Inputs, contested
from cohort.terms.models import Milestone, Term

# A notification date more than this far in the past is "long past": the round page warns
# before a round is run for it (its offers would be announced at once, long after the date).
NOTIFY_LATE_AFTER = timedelta(days=14)

# --- the notification date -----------------------------------------------------------------


def notify_milestone(term: Term) -> Milestone | None:
    return term.milestone(services.NOTIFY_KEY)


def notify_text(term: Term) -> str:
    """The notification date in the term's zone, for a message."""
    milestone = notify_milestone(term)
    if milestone is None or milestone.start is None:
        return ""
    if milestone.has_time:
        return format_instant(milestone.start.astimezone(term.zone))
    return format_day(milestone.days(term.zone)[0])


def notify_days_late(term: Term, now: datetime) -> int | None:
    """How many whole days ago the notification date passed, when that is long past
    (more than `NOTIFY_LATE_AFTER`); else None."""
    milestone = notify_milestone(term)
    moment = (milestone.end or milestone.start) if milestone else None
    if moment is None or now - moment <= NOTIFY_LATE_AFTER:
        return None
    return (now - moment).days


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
    waitlists: list[Waitlist]  # the projects someone waits for; the others are only counted
    no_one_waiting: int  # projects of the round with an empty waitlist, told in one line
    overrides: list[OverrideRow]


@dataclass(frozen=True)
class Stats:
    mentees: int
    projects: int
    slots: int


def override_rows(round_: Round, zone: str) -> list[OverrideRow]:
    overrides = list(
        round_.overrides.select_related("application__project", "created_by").order_by(
            "created_at", "id"
        )
    )
    names = display_names(o.application.mentee_id for o in overrides)
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


def override_choices(term: Term) -> list[tuple[int, str]]:
    """The term's applications in selection, as "Mentee — Project"."""
    applications = list(
        Application.objects.filter(
            term=term,
            status__in=services.IN_SELECTION,
            project__in=services.selection_projects(term),
        ).select_related("project")
    )
    names = display_names(a.mentee_id for a in applications)
    labelled = [
        (
            a.pk,
            f"{names.get(a.mentee_id, '')} — {a.project.title} ({a.get_status_display().lower()})",
        )
        for a in applications
    ]
    return sorted(labelled, key=lambda item: item[1].casefold())


def draft_view(
    round_: Round, override_form: OverrideForm | None, confirm_form: ConfirmForm | None
) -> DraftView:
    term = round_.term
    zone = term.time_zone
    inputs = Inputs.from_json(round_.inputs)
    proposal = round_.proposal
    forced = set(proposal.forced)
    pks = set(inputs.capacities) | set(proposal.assignment.values())
    projects = list(Project.objects.filter(pk__in=pks).order_by("position", "id"))
    titles = {p.pk: p.title for p in projects}
    names = display_names(inputs.applicants)

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
        overrides=override_rows(round_, zone),
        override_form=override_form or OverrideForm(choices=override_choices(term)),
        confirm_form=confirm_form or ConfirmForm(),
    )


def offer_rows(offers: Sequence[Offer], zone: str) -> list[OfferRow]:
    names = display_names(o.mentee_id for o in offers)
    return [
        OfferRow(offer=o, name=names.get(o.mentee_id, ""), deadline=instant(o.deadline, zone))
        for o in offers
    ]


# The round page's offer filter (`?offers=`): its words and which offers it keeps. The
# console's term dashboard links each of its offer counts to one.
OFFER_FILTERS: dict[str, tuple[str, Q]] = {
    "live": ("pending or accepted", Q(status__in=LIVE)),
    "pending": (
        "announced and awaiting the mentee's answer",
        Q(status=Offer.Status.PENDING, announced_at__isnull=False),
    ),
    "open": ("not answered yet", Q(status=Offer.Status.PENDING)),
    "unannounced": (
        "not announced yet",
        Q(status=Offer.Status.PENDING, announced_at__isnull=True),
    ),
    "accepted": ("accepted", Q(status=Offer.Status.ACCEPTED)),
    "declined": ("declined by the mentee", Q(status=Offer.Status.DECLINED)),
    "lapsed": ("lapsed", Q(status=Offer.Status.LAPSED)),
    "ended": (
        "declined or lapsed",
        Q(status__in=[Offer.Status.DECLINED, Offer.Status.LAPSED]),
    ),
    "superseded": ("replaced by a better offer", Q(status=Offer.Status.SUPERSEDED)),
}


def offer_filter(value: str | None) -> str:
    """The offer filter asked for, or "" (every offer) for an unknown one."""
    return value if value in OFFER_FILTERS else ""


def confirmed_view(round_: Round, offers_filter: str = "") -> ConfirmedView:
    zone = round_.term.time_zone
    shown = OFFER_FILTERS[offers_filter][1] if offers_filter else Q()
    offers = list(
        Offer.objects.filter(round=round_)
        .filter(shown)
        .select_related("project")
        .order_by("project__position", "project_id", "created_at", "id")
    )
    inputs = Inputs.from_json(round_.inputs)
    projects = list(Project.objects.filter(pk__in=inputs.capacities).order_by("position", "id"))
    all_lists = services.waitlists(round_)
    lists = {p.pk: all_lists.get(p.pk, []) for p in projects}
    names = display_names(m for waiting in lists.values() for m in waiting)
    return ConfirmedView(
        round=round_,
        announced=instant(round_.announced_at, zone),
        offers=offer_rows(offers, zone),
        waitlists=[
            Waitlist(p, [names.get(m, "") for m in lists[p.pk]]) for p in projects if lists[p.pk]
        ],
        no_one_waiting=sum(1 for p in projects if not lists[p.pk]),
        overrides=override_rows(round_, zone),
    )


def term_context(
    term: Term,
    *,
    override_form: OverrideForm | None = None,
    confirm_form: ConfirmForm | None = None,
    now: datetime | None = None,
    offers_filter: str = "",
) -> dict[str, object]:
    """Everything the round page shows; `offers_filter` (an `OFFER_FILTERS` key) keeps only
    those offers in the confirmed round's table."""
    confirmed = services.confirmed_round(term)
    draft = None if confirmed else services.draft_round(term)
    # Once confirmed, the round's frozen inputs are who took part.
    inputs = Inputs.from_json(confirmed.inputs) if confirmed else services.gather_inputs(term)
    return {
        "term": term,
        "stats": Stats(
            mentees=len(inputs.applicants),
            projects=len(inputs.capacities),
            slots=sum(inputs.capacities.values()),
        ),
        "notify": notify_milestone(term),
        "notify_days_late": None if confirmed else notify_days_late(term, now or timezone.now()),
        "draft": draft_view(draft, override_form, confirm_form) if draft else None,
        "confirmed": confirmed_view(confirmed, offers_filter) if confirmed else None,
        "offers_filter": offers_filter,
        "offers_filter_label": OFFER_FILTERS[offers_filter][0] if offers_filter else "",
    }


# --- the mentors' box on a project's review queue ------------------------------------------


@dataclass
class ProjectSelection:
    project: Project
    slots_form: SlotsForm | None  # None: the reader may not change them, or it is too late
    confirmed: Round | None
    offers: list[OfferRow] = field(default_factory=list)
    waitlist: list[str] = field(default_factory=list)


def project_selection(
    project: Project, user: User, slots_form: SlotsForm | None = None
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
        box.offers = offer_rows(offers, project.term.time_zone)
        waiting = services.waitlist(confirmed, project)
        names = display_names(waiting)
        box.waitlist = [names.get(m, "") for m in waiting]
    return box


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
        return notify_text(self.term)

    @property
    def shown(self) -> bool:
        return bool(self.ranking or self.rows or self.offers or self.waiting or self.no_offer)


def ranking_key(pk: int) -> str:
    return f"rank-{pk}"


def decline_key(pk: int) -> str:
    return f"decline-{pk}"


def ranking_id(term_pk: int) -> str:
    return f"id_term{term_pk}_%s"


def decline_id(offer_pk: int) -> str:
    return f"id_offer{offer_pk}_%s"


def complete_applications(user: User, terms: Iterable[Term]) -> list[Application]:
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
    user: User,
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
    for application in complete_applications(user, terms):
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
            form = bound.get(ranking_key(pk))
            if not isinstance(form, MyRankingForm):
                form = MyRankingForm(applications=[a.pk for a in mine], auto_id=ranking_id(pk))
            box.ranking = form
            box.rows = [RankRow(a, form.rank_field(a.pk)) for a in mine]
        zone = profile.time_zone if profile else term.time_zone
        for offer in offers.get(pk, []):
            decline = bound.get(decline_key(offer.pk))
            box.offers.append(
                OfferBox(
                    offer=offer,
                    deadline=instant(offer.deadline, zone),
                    can_answer=offer.status == Offer.Status.PENDING
                    and offer.deadline is not None
                    and now < offer.deadline,
                    decline_form=decline
                    if isinstance(decline, DeclineOfferForm)
                    else DeclineOfferForm(auto_id=decline_id(offer.pk)),
                )
            )
        if round_ is not None and not box.offers:
            in_round = str(user.pk) in round_.inputs.get("applicants", {})
            box.waiting = in_round and round_.announced_at is None
            box.no_offer = in_round and round_.announced_at is not None
        if box.shown:
            boxes.append(box)
    return boxes
