"""Selection's read models: what the program admin's round page, the mentors' box on a
project's review queue and the mentee's box on "My applications" show.

Names come from `cohort.applications.queries.display_names` (one rule for every page and
the API), instants are `cohort.core.time.Instant`. Each builder runs a fixed number of
queries however many rows it shows. The two boxes are put on the applications pages
through `cohort.applications.panels` (see `cohort.selection.panels`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django import forms
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from cohort.applications.access import held_roles, project_roles
from cohort.applications.models import Application, MenteeProfile
from cohort.applications.queries import display_name, display_names
from cohort.core.models import User
from cohort.core.paging import Paging
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

# Rows per page of each long list on the round page (the placements, the conflicts, who is
# not placed, the blocking pairs, the offers, the waitlists), and the most matches the
# override chooser shows (type more to narrow).
PAGE_SIZE = 50
OVERRIDE_MATCHES = 20
FIND_MAX = 100

# The query-string keys the round page reads; each pager keeps the others as they are.
PARAMS = (
    "find",
    "projects_page",
    "conflicts_page",
    "unplaced",
    "unplaced_page",
    "blocking_page",
    "offers",
    "offers_page",
    "waiting_page",
)

# The filter of who is not placed (`?unplaced=`): its words and whom it keeps.
UNPLACED_FILTERS: dict[str, str] = {
    "shortlisted": "on at least one shortlist (a project wanted them, but not enough places)",
    "not-shortlisted": "on no shortlist (no project's mentors shortlisted them)",
}


@dataclass(frozen=True)
class Page[T](Paging):
    """One page of a list on the round page: its rows, and where it is ("1–50 of 1,220") with
    the links to the other pages (`core.paging.Paging`), which keep the rest of the round
    page's query string and go back to the list's section."""

    items: list[T] = field(default_factory=list)

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return self.total

    def __bool__(self) -> bool:
        return self.total > 0


def _page[T](
    items: list[T], number: int, total: int, param: str, params: Mapping[str, str], anchor: str
) -> Page[T]:
    """`items`, page `number` of a round-page list of `total` rows paged by `param`."""
    kept = {key: value for key, value in params.items() if key in PARAMS}
    return Page(number, total, PAGE_SIZE, kept, param, anchor, items)


def _bounds(params: Mapping[str, str], param: str, total: int) -> tuple[int, int, int]:
    """(page number, start, stop) of the page asked for, kept within the list."""
    at = Paging.of(params.get(param), total, size=PAGE_SIZE, params={})
    return at.number, at.start, at.start + PAGE_SIZE


def _shown[T](items: Sequence[T], params: Mapping[str, str], param: str) -> tuple[int, Sequence[T]]:
    """The page number asked for in `param` and that page of `items`."""
    number, start, stop = _bounds(params, param, len(items))
    return number, items[start:stop]


@dataclass(frozen=True)
class Placed:
    name: str
    choice: int | None  # the mentee's own rank of this project (1 = their first choice)
    mentors_rank: int | None  # where the project's mentors ranked them
    forced: bool


@dataclass
class ProjectPlan:
    project_id: int
    title: str
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
    placed: int  # mentees placed, on every project
    not_placed: int  # mentees in the round with no place
    projects: Page[ProjectPlan]  # the projects with a shortlist or a placement
    idle_projects: int  # the round's other projects, only counted
    conflicts: Page[Conflict]
    unmatched: Page[Unplaced]  # as filtered by `unplaced_filter`
    unplaced_filter: str
    blocking: Page[Pairing]
    overrides: list[OverrideRow]
    find: str  # what the override chooser searched for
    matches: int  # how many applications it shows (at most OVERRIDE_MATCHES)
    more_matches: bool  # more matched than it shows
    override_form: OverrideForm
    confirm_form: ConfirmForm

    @property
    def unplaced_filter_label(self) -> str:
        return UNPLACED_FILTERS.get(self.unplaced_filter, "")

    @property
    def unplaced_filters(self) -> list[tuple[str, str]]:
        return list(UNPLACED_FILTERS.items())


@dataclass(frozen=True)
class OfferRow:
    offer: Offer
    name: str
    deadline: Instant | None


@dataclass(frozen=True)
class Waitlist:
    title: str
    names: list[str]


@dataclass
class ConfirmedView:
    round: Round
    announced: Instant | None
    offers: Page[OfferRow]  # as filtered by the page's offer filter
    waitlists: Page[Waitlist]  # the projects someone waits for; the others are only counted
    no_one_waiting: int  # projects of the round with an empty waitlist, told in one line
    overrides: list[OverrideRow]


@dataclass(frozen=True)
class Stats:
    mentees: int
    projects: int
    slots: int


def _name(user: User) -> str:
    """`display_name` of a user read with `select_related("mentee_profile")`."""
    try:
        profile: MenteeProfile | None = user.mentee_profile
    except MenteeProfile.DoesNotExist:
        profile = None
    return display_name(user, profile)


def override_rows(round_: Round, zone: str) -> list[OverrideRow]:
    """The round's overrides, oldest first: one query."""
    overrides = round_.overrides.select_related(
        "application__project", "application__mentee__mentee_profile", "created_by"
    ).order_by("created_at", "id")
    return [
        OverrideRow(
            override=o,
            name=_name(o.application.mentee),
            project=o.application.project.title,
            by=o.created_by.username if o.created_by else "",
            when=Instant(o.created_at, zone),
        )
        for o in overrides
    ]


def _in_selection(term: Term) -> QuerySet[Application]:
    return Application.objects.filter(
        term=term,
        status__in=services.IN_SELECTION,
        project__in=services.selection_projects(term),
    )


def _labelled(applications: Iterable[Application]) -> list[tuple[int, str]]:
    """ "Mentee — Project (status)" for applications read with their mentee's profile and
    their project, sorted by that text."""
    labelled = [
        (a.pk, f"{_name(a.mentee)} — {a.project.title} ({a.get_status_display().lower()})")
        for a in applications
    ]
    return sorted(labelled, key=lambda item: item[1].casefold())


def override_choices(term: Term, pks: Iterable[int]) -> list[tuple[int, str]]:
    """Of the applications `pks`, those in the term's selection, as "Mentee — Project":
    what an override form posted for `pks` may choose from. One query."""
    wanted = set(pks)
    if not wanted:
        return []
    return _labelled(
        _in_selection(term)
        .filter(pk__in=wanted)
        .select_related("project", "mentee__mentee_profile")
    )


def override_matches(term: Term, find: str) -> tuple[list[tuple[int, str]], bool]:
    """The override chooser's search: at most `OVERRIDE_MATCHES` applications in the term's
    selection whose mentee (name or username) or project title holds every word of `find`,
    as "Mentee — Project", and whether more matched. Nothing for an empty search. One
    query, however many applications the term has."""
    words = find.split()
    if not words:
        return [], False
    found = _in_selection(term)
    for word in words:
        found = found.filter(
            Q(mentee__username__icontains=word)
            | Q(mentee__first_name__icontains=word)
            | Q(mentee__last_name__icontains=word)
            | Q(mentee__mentee_profile__name__icontains=word)
            | Q(project__title__icontains=word)
        )
    rows = list(
        found.select_related("project", "mentee__mentee_profile").order_by(
            "mentee__username", "project__title", "pk"
        )[: OVERRIDE_MATCHES + 1]
    )
    return _labelled(rows[:OVERRIDE_MATCHES]), len(rows) > OVERRIDE_MATCHES


def clean_find(value: str | None) -> str:
    """The override chooser's search text, trimmed to `FIND_MAX` characters."""
    return " ".join((value or "").split())[:FIND_MAX]


def draft_view(
    round_: Round,
    override_form: OverrideForm | None,
    confirm_form: ConfirmForm | None,
    params: Mapping[str, str] | None = None,
) -> DraftView:
    """The draft round as its page shows it: each long list one page at a time (`params`,
    the query string, says which page of each and the filters). A fixed number of queries,
    and names read only for the rows shown."""
    params = params or {}
    term = round_.term
    zone = term.time_zone
    inputs = Inputs.from_json(round_.inputs)
    proposal = round_.proposal
    forced = set(proposal.forced)
    holders = proposal.by_project()
    pks = set(inputs.capacities) | set(holders)
    titles: dict[int, str] = {}
    ordered: list[int] = []
    # The round's projects are all the term's: read the term's and keep them (a list of a
    # thousand ids in the query would cost more than the rows it leaves out).
    for pk, title in (
        Project.objects.filter(term=term).order_by("position", "id").values_list("pk", "title")
    ):
        if pk in pks:
            titles[pk] = title
            ordered.append(pk)

    def rank(items: list[int], item: int) -> int | None:
        return items.index(item) + 1 if item in items else None

    # The projects the round is about: a shortlist or a placement.
    busy = [pk for pk in ordered if inputs.projects.get(pk) or holders.get(pk)]
    projects_at, busy_shown = _shown(busy, params, "projects_page")
    conflicts_all = list(contested(inputs).items())
    conflicts_at, conflicts_shown = _shown(conflicts_all, params, "conflicts_page")
    unplaced_filter = params.get("unplaced", "")
    unplaced_filter = unplaced_filter if unplaced_filter in UNPLACED_FILTERS else ""
    unmatched_all = proposal.unmatched
    if unplaced_filter:
        wanted = {m for mentees in inputs.projects.values() for m in mentees}
        keep = unplaced_filter == "shortlisted"
        unmatched_all = [m for m in unmatched_all if (m in wanted) == keep]
    unmatched_at, unmatched_shown = _shown(unmatched_all, params, "unplaced_page")
    blocking_at, blocking_shown = _shown(proposal.blocking, params, "blocking_page")
    names = display_names(
        [m for pk in busy_shown for m in holders.get(pk, [])]
        + [m for m, _ in conflicts_shown]
        + list(unmatched_shown)
        + [m for m, _ in blocking_shown]
    )
    plans = [
        ProjectPlan(
            project_id=pk,
            title=titles[pk],
            slots=inputs.capacities.get(pk, 0),
            placed=[
                Placed(
                    name=names.get(mentee, ""),
                    choice=rank(inputs.applicants.get(mentee, []), pk),
                    mentors_rank=rank(inputs.projects.get(pk, []), mentee),
                    forced=(mentee, pk) in forced,
                )
                for mentee in holders.get(pk, [])
            ],
            shortlisted=len(inputs.projects.get(pk, [])),
        )
        for pk in busy_shown
    ]
    conflicts = [
        Conflict(
            name=names.get(mentee, ""),
            wanted_by=[
                (titles.get(p, ""), rank(inputs.projects.get(p, []), mentee)) for p in wanted
            ],
            placed=titles.get(proposal.assignment.get(mentee, 0), ""),
        )
        for mentee, wanted in conflicts_shown
    ]
    unmatched = [
        Unplaced(names.get(m, ""), [titles.get(p, "") for p in inputs.applicants.get(m, [])])
        for m in unmatched_shown
    ]
    blocking = [Pairing(names.get(m, ""), titles.get(p, "")) for m, p in blocking_shown]
    find = clean_find(params.get("find"))
    if override_form is None:
        choices, more = override_matches(term, find)
        override_form = OverrideForm(choices=choices)
    else:
        choices, more = [], False
    return DraftView(
        round=round_,
        computed=instant(round_.computed_at, zone),
        placed=len(proposal.assignment),
        not_placed=len(proposal.unmatched),
        projects=_page(
            plans, projects_at, len(busy), "projects_page", params, "selection-proposal"
        ),
        idle_projects=len(ordered) - len(busy),
        conflicts=_page(
            conflicts,
            conflicts_at,
            len(conflicts_all),
            "conflicts_page",
            params,
            "selection-conflicts",
        ),
        unmatched=_page(
            unmatched,
            unmatched_at,
            len(unmatched_all),
            "unplaced_page",
            params,
            "selection-unplaced",
        ),
        unplaced_filter=unplaced_filter,
        blocking=_page(
            blocking,
            blocking_at,
            len(proposal.blocking),
            "blocking_page",
            params,
            "selection-blocking",
        ),
        overrides=override_rows(round_, zone),
        find=find,
        matches=len(choices),
        more_matches=more,
        override_form=override_form,
        confirm_form=confirm_form or ConfirmForm(),
    )


def offer_rows(
    offers: Sequence[Offer], zone: str, names: Mapping[int, str] | None = None
) -> list[OfferRow]:
    """`offers` with their mentees' names (`names`, when the caller read them) and
    deadlines in `zone`."""
    if names is None:
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


def confirmed_view(
    round_: Round, offers_filter: str = "", params: Mapping[str, str] | None = None
) -> ConfirmedView:
    """The confirmed round as its page shows it: the offers (filtered by `offers_filter`)
    and the waitlists one page at a time (`params`, the query string). A fixed number of
    queries, and names read only for the rows shown."""
    params = params or {}
    zone = round_.term.time_zone
    shown = OFFER_FILTERS[offers_filter][1] if offers_filter else Q()
    kept = Offer.objects.filter(round=round_).filter(shown)
    total = kept.count()
    number, start, stop = _bounds(params, "offers_page", total)
    rows = offer_rows(
        list(
            kept.select_related("project").order_by(
                "project__position", "project_id", "created_at", "id"
            )[start:stop]
        ),
        zone,
    )
    offers = _page(rows, number, total, "offers_page", params, "selection-offers")
    in_round = {int(pk) for pk in round_.inputs.get("capacities", {})}
    projects = [
        (pk, title)
        for pk, title in Project.objects.filter(term=round_.term)
        .order_by("position", "id")
        .values_list("pk", "title")
        if pk in in_round
    ]
    all_lists = services.waitlists(round_)
    waiting = [(pk, title) for pk, title in projects if all_lists.get(pk)]
    waiting_at, waiting_shown = _shown(waiting, params, "waiting_page")
    names = display_names(m for pk, _ in waiting_shown for m in all_lists[pk])
    waitlists = _page(
        [Waitlist(title, [names.get(m, "") for m in all_lists[pk]]) for pk, title in waiting_shown],
        waiting_at,
        len(waiting),
        "waiting_page",
        params,
        "selection-waitlists",
    )
    return ConfirmedView(
        round=round_,
        announced=instant(round_.announced_at, zone),
        offers=offers,
        waitlists=waitlists,
        no_one_waiting=len(projects) - len(waiting),
        overrides=override_rows(round_, zone),
    )


def selection_stats(term: Term) -> Stats:
    """Who takes part now, counted in the database: the mentees with an application in
    selection, the published projects and their slots. Two queries."""
    mentees = _in_selection(term).values("mentee_id").distinct().count()
    totals = services.selection_projects(term).aggregate(n=Count("id"), slots=Sum("slots"))
    return Stats(mentees=mentees, projects=totals["n"], slots=totals["slots"] or 0)


def term_context(
    term: Term,
    *,
    override_form: OverrideForm | None = None,
    confirm_form: ConfirmForm | None = None,
    now: datetime | None = None,
    offers_filter: str = "",
    params: Mapping[str, str] | None = None,
) -> dict[str, object]:
    """Everything the round page shows; `offers_filter` (an `OFFER_FILTERS` key) keeps only
    those offers in the confirmed round's table; `params` (the query string) chooses the
    page of each long list, who is not placed and the override chooser's search."""
    params = dict(params or {})
    if offers_filter:
        params["offers"] = offers_filter
    else:
        params.pop("offers", None)
    confirmed = services.confirmed_round(term)
    draft = None if confirmed else services.draft_round(term)
    if confirmed:
        # Once confirmed, the round's frozen inputs are who took part (counted in the stored
        # JSON as it is: no need to build the rankings for three numbers).
        capacities = confirmed.inputs.get("capacities", {})
        stats = Stats(
            mentees=len(confirmed.inputs.get("applicants", {})),
            projects=len(capacities),
            slots=sum(int(c) for c in capacities.values()),
        )
    else:
        stats = selection_stats(term)
    return {
        "term": term,
        "stats": stats,
        "notify": notify_milestone(term),
        "notify_days_late": None if confirmed else notify_days_late(term, now or timezone.now()),
        "draft": draft_view(draft, override_form, confirm_form, params) if draft else None,
        "confirmed": confirmed_view(confirmed, offers_filter, params) if confirmed else None,
        "offers_filter": offers_filter,
        "offers_filter_label": OFFER_FILTERS[offers_filter][0] if offers_filter else "",
        "params": params,
        "override_matches_max": OVERRIDE_MATCHES,
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
    held = held_roles(user, project)  # read by `access_project`, for the page
    roles = held if held is not None else project_roles(user, project)
    may_edit = Perm.APPLICATION_REVIEW in perms_of(roles)
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
        waiting = services.waitlist(confirmed, project)
        # The offers' mentees and the waitlist's, named together.
        names = display_names([o.mentee_id for o in offers] + waiting)
        box.offers = offer_rows(offers, project.term.time_zone, names)
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
