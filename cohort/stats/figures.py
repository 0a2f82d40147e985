"""Read models of the statistics pages and API (issue 16): per term and across a program's
terms, each in a fixed number of queries whatever the size, with every count of people
passed through `suppress` before it leaves this module. (`queries.py` holds the close page's.)"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Final

from django.db.models import Count, F, Q, Sum
from django_countries import countries

from cohort.applications.models import COMPLETE, Application, ApplicationStatus
from cohort.core.actors import Viewer
from cohort.mentorship.models import Placement, PlacementStatus
from cohort.projects.models import Project
from cohort.stats import suppress
from cohort.stats.suppress import Breakdown
from cohort.stipends.models import Payment, PaymentStatus
from cohort.terms.access import is_program_admin
from cohort.terms.models import Program, Term

# Outcomes a placement ends with: the graduation rate's denominator.
ENDED: Final = (PlacementStatus.GRADUATED, PlacementStatus.FAILED, PlacementStatus.WITHDRAWN)
TOP_ORGANIZATIONS: Final = 8
OTHER: Final = "Other"

Cell = str | int | float | None


@dataclass(frozen=True)
class Table:
    """A chart's data, as the page's <table>, the CSV and the JSON all give it."""

    key: str
    caption: str
    columns: tuple[tuple[str, str], ...]  # (key, heading)
    rows: tuple[tuple[Cell, ...], ...]

    def records(self) -> list[dict[str, Cell]]:
        keys = [key for key, _ in self.columns]
        return [dict(zip(keys, row, strict=True)) for row in self.rows]


@dataclass(frozen=True)
class Money:
    currency: str
    committed: int | None  # minor units; None when fewer than 5 people share it
    paid: int | None


@dataclass
class TermStatistics:
    term: Term
    has_applications: bool
    projects: int
    organizations: int
    applicants: int | None = None
    applications: int | None = None
    complete_applications: int | None = None
    complete_share: float | None = None
    placements: int | None = None
    acceptance_rate: float | None = None
    graduated: int | None = None
    graduation_rate: float | None = None
    by_status: Breakdown = field(default_factory=lambda: Breakdown({}, None))
    countries: Breakdown = field(default_factory=lambda: Breakdown({}, None))
    by_outcome: Breakdown = field(default_factory=lambda: Breakdown({}, None))
    stipends: list[Money] = field(default_factory=list)
    per_organization: list[tuple[str, int]] = field(default_factory=list)  # not people

    def tables(self) -> dict[str, Table]:
        result = {
            "summary": self._summary(),
            "organizations": Table(
                "organizations",
                "Projects per organization",
                (("organization", "Organization"), ("projects", "Projects")),
                tuple(self.per_organization),
            ),
        }
        if self.has_applications:
            result["applications"] = _breakdown_table(
                "applications",
                "Applications by status",
                "status",
                "Status",
                self.by_status,
                {s.value: str(s.label) for s in ApplicationStatus},
            )
            result["countries"] = _breakdown_table(
                "countries",
                "Applicants by country of residence",
                "country",
                "Country",
                self.countries,
                {**dict(countries), OTHER: "Other countries"},
            )
            result["placements"] = _breakdown_table(
                "placements",
                "Placements by outcome",
                "outcome",
                "Outcome",
                self.by_outcome,
                {s.value: str(s.label).split(":")[0] for s in PlacementStatus},
            )
            result["stipends"] = Table(
                "stipends",
                "Stipends committed and paid (minor units of each currency)",
                (("currency", "Currency"), ("committed", "Committed"), ("paid", "Paid")),
                tuple((m.currency, m.committed, m.paid) for m in self.stipends),
            )
        return result

    def _summary(self) -> Table:
        rows: list[tuple[Cell, ...]] = [
            ("projects", "Projects", self.projects),
            ("organizations", "Organizations", self.organizations),
        ]
        if self.has_applications:
            rows += [
                ("applicants", "Applicants", self.applicants),
                ("applications", "Applications", self.applications),
                ("complete_applications", "Complete applications", self.complete_applications),
                ("complete_share", "Share of applications complete", self.complete_share),
                ("placements", "Placements", self.placements),
                ("acceptance_rate", "Acceptance rate (placed / applicants)", self.acceptance_rate),
                ("graduated", "Graduated", self.graduated),
                ("graduation_rate", "Graduation rate (of placements ended)", self.graduation_rate),
            ]
        return Table(
            "summary",
            f"{self.term.program.name} {self.term.label} in figures",
            (("figure", "Figure"), ("label", "Label"), ("value", "Value")),
            tuple(rows),
        )


def _breakdown_table(
    key: str, caption: str, column: str, heading: str, b: Breakdown, labels: dict[str, str]
) -> Table:
    rows: list[tuple[Cell, ...]] = [(k, labels.get(k, k), value) for k, value in b.cells.items()]
    rows.append(("total", "Total", b.total))
    return Table(
        key, caption, ((column, "Code"), ("label", heading), ("count", "People")), tuple(rows)
    )


def is_public(term: Term, *, has_applications: bool) -> bool:
    """A term's statistics are public once it is closed, or when it never took applications
    (an imported past term: projects and organizations only)."""
    return term.is_closed or not has_applications


def can_view(user: Viewer, term: Term, *, has_applications: bool) -> bool:
    return is_public(term, has_applications=has_applications) or is_program_admin(
        user, term.program
    )


def term_has_applications(term: Term) -> bool:
    return Application.objects.filter(term=term).exists()


def term_statistics(term: Term) -> TermStatistics:
    """Every figure of one term: six queries, whatever its size."""
    per_org = Counter(
        {
            row["organization__name"]: row["n"]
            for row in Project.objects.filter(term=term)
            .visible()
            .values("organization__name")
            .annotate(n=Count("pk"))
        }
    )
    apps = Application.objects.filter(term=term)
    people = apps.aggregate(
        applicants=Count("mentee", distinct=True),
        applications=Count("pk"),
        complete=Count("pk", filter=Q(status__in=COMPLETE)),
    )
    stats = TermStatistics(
        term=term,
        has_applications=people["applications"] > 0,
        projects=sum(per_org.values()),
        organizations=len(per_org),
        per_organization=sorted(per_org.items(), key=lambda item: (-item[1], item[0])),
    )
    if not stats.has_applications:
        return stats
    statuses = Counter(
        {row["status"]: row["n"] for row in apps.values("status").annotate(n=Count("pk"))}
    )
    by_country = {
        row["country"] or OTHER: row["n"]
        for row in apps.values(country=F("mentee__mentee_profile__country")).annotate(
            n=Count("mentee", distinct=True)
        )
    }
    outcomes = Counter(
        {
            row["status"]: row["n"]
            for row in Placement.objects.filter(term=term)
            .values("status")
            .annotate(n=Count("mentee", distinct=True))
        }
    )
    stats.applicants = suppress.count(people["applicants"])
    stats.applications = suppress.count(people["applications"])
    stats.complete_applications = suppress.count(people["complete"])
    stats.complete_share = suppress.rate(stats.complete_applications, stats.applications)
    stats.by_status = suppress.breakdown(
        {s.value: statuses[s.value] for s in ApplicationStatus if statuses[s.value]}
    )
    stats.countries = suppress.grouped(by_country, other=OTHER)
    placed = sum(outcomes.values())
    stats.placements = suppress.count(placed)
    stats.acceptance_rate = suppress.rate(stats.placements, stats.applicants)
    stats.by_outcome = suppress.breakdown({s.value: outcomes[s.value] for s in PlacementStatus})
    stats.graduated = suppress.count(outcomes[PlacementStatus.GRADUATED])
    stats.graduation_rate = suppress.rate(
        stats.graduated, suppress.count(sum(outcomes[s] for s in ENDED))
    )
    stats.stipends = _stipends(term)
    return stats


def _stipends(term: Term) -> list[Money]:
    """Per currency: committed (not cancelled) and paid, after adjustments; a sum over fewer
    than 5 people is hidden, since it would tell one person's stipend."""
    live = ~Q(status=PaymentStatus.CANCELLED)
    paid = Q(status=PaymentStatus.PAID)
    total = F("amount") + F("adjusted")
    rows = (
        Payment.objects.filter(term=term)
        .values("currency")
        .annotate(
            committed=Sum(total, filter=live),
            paid=Sum(total, filter=paid),
            committed_people=Count("placement__mentee", distinct=True, filter=live),
            paid_people=Count("placement__mentee", distinct=True, filter=paid),
        )
        .order_by("currency")
    )
    return [
        Money(
            row["currency"],
            _money(row["committed"], row["committed_people"]),
            _money(row["paid"], row["paid_people"]),
        )
        for row in rows
    ]


def _money(amount: int | None, people: int) -> int | None:
    """A sum of stipends, hidden when it is the money of 1 to 4 people."""
    if people and suppress.count(people) is None:
        return None
    return amount or 0


# --- across terms ---------------------------------------------------------------------------


@dataclass
class ProgramStatistics:
    program: Program
    terms: list[Term]
    growth: Table
    organizations: Table
    returning: Table
    years: list[int]
    top: list[tuple[str, list[int]]]  # organization, projects per year

    def tables(self) -> dict[str, Table]:
        return {t.key: t for t in (self.growth, self.organizations, self.returning)}


def public_terms(program: Program) -> list[Term]:
    """The program's terms whose statistics are public: closed, or with no applications."""
    return list(
        Term.objects.filter(program=program)
        .filter(Q(state=Term.State.CLOSED) | Q(applications__isnull=True))
        .distinct()
        .order_by("year", "number")
    )


def program_statistics(program: Program) -> ProgramStatistics:
    """Growth per year, projects per organization over time and returning organizations,
    from the program's public terms only: four queries."""
    terms = public_terms(program)
    for term in terms:
        term.program = program
    year_of = {t.pk: t.year for t in terms}
    years = sorted(set(year_of.values()))
    rows = (
        Project.objects.filter(term__in=terms)
        .visible()
        .values("term", "organization", "organization__name")
        .annotate(n=Count("pk"))
    )
    projects: Counter[int] = Counter()
    orgs_in_year: dict[int, set[int]] = defaultdict(set)
    per_org: dict[str, Counter[int]] = defaultdict(Counter)
    org_terms: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        year = year_of[row["term"]]
        projects[year] += row["n"]
        orgs_in_year[year].add(row["organization"])
        per_org[row["organization__name"]][year] += row["n"]
        org_terms[row["organization__name"]].add(row["term"])
    applicants = {
        row["term__year"]: row["n"]
        for row in Application.objects.filter(term__in=terms)
        .values("term__year")
        .annotate(n=Count("mentee", distinct=True))
    }
    placements = {
        row["term__year"]: row["n"]
        for row in Placement.objects.filter(term__in=terms)
        .values("term__year")
        .annotate(n=Count("mentee", distinct=True))
    }
    terms_in_year = Counter(year_of.values())
    growth = Table(
        "growth",
        f"{program.name}: growth per year",
        (
            ("year", "Year"),
            ("terms", "Terms"),
            ("projects", "Projects"),
            ("organizations", "Organizations"),
            ("applicants", "Applicants"),
            ("placements", "Placements"),
        ),
        tuple(
            (
                year,
                terms_in_year[year],
                projects[year],
                len(orgs_in_year[year]),
                suppress.count(applicants[year]) if year in applicants else None,
                suppress.count(placements[year]) if year in placements else None,
            )
            for year in years
        ),
    )
    ranked = sorted(per_org.items(), key=lambda item: (-sum(item[1].values()), item[0]))
    top = [(name, [counts[y] for y in years]) for name, counts in ranked[:TOP_ORGANIZATIONS]]
    organizations = Table(
        "organizations",
        f"{program.name}: projects per organization and year (the {TOP_ORGANIZATIONS} with most)",
        (("organization", "Organization"), *((str(y), str(y)) for y in years)),
        tuple((name, *counts) for name, counts in top),
    )
    returning_rows = sorted(
        (
            (name, len(ts), sum(per_org[name].values()))
            for name, ts in org_terms.items()
            if len(ts) >= 2
        ),
        key=lambda r: (-r[1], -r[2], r[0]),
    )
    returning = Table(
        "returning",
        f"{program.name}: organizations in two terms or more",
        (("organization", "Organization"), ("terms", "Terms"), ("projects", "Projects")),
        tuple(returning_rows),
    )
    return ProgramStatistics(program, terms, growth, organizations, returning, years, top)
