"""Setting up a term without the Django admin: creating it from the program's calendar,
editing its timeline and its settings (issue 12; cncf-process.md §4).

Each change is one service, made by a program admin only (`NotAllowedError` otherwise, also
when a page or the API already checked), in one transaction with the term row locked, and
audited (`AuditEvent`, with what it was before and what it became).

The timeline is entered as local dates and times in the term's zone, the way a person reads a
calendar; `plan_timeline` turns them into exact instants and checks them without writing (the
console's preview uses it), `set_timeline` checks and saves. Its rules:

- every milestone has a label and a date, or is left undated entirely (only a milestone that
  is neither a phase nor a deadline may be undated);
- a deadline (`calendar.DEADLINE_KEYS`: proposals, applications, review, notifications, the two
  evaluations) closes at a clock time: an exact instant, never a whole day, and never a local
  time that the zone skips or repeats (a daylight-saving change);
- a milestone ends no earlier than it starts;
- the phases (`calendar.PHASE_ORDER`) run in that order without overlapping: each starts no
  earlier than the one before it ends.

The date text kept beside the instants (`Milestone.raw`, what the CNCF export writes) is kept as
it was for a milestone whose instants did not change, else written by `formats.timeline.
date_text`, which reads back as exactly the instants.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
import zoneinfo
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cohort.core.errors import ConflictError, DomainError, NotAllowedError
from cohort.core.models import AuditEvent, User
from cohort.core.time import exact_local
from cohort.formats.issueform import PREREQUISITE_OPTIONS
from cohort.formats.scaffold import ScheduleEntry, scaffold_readme
from cohort.formats.timeline import (
    clock_text,
    date_text,
    milestone_key,
    parse_date_text,
    unique_keys,
)
from cohort.terms import calendar
from cohort.terms.access import is_program_admin
from cohort.terms.models import Milestone, Program, Term, validate_time_zone

MAX_MILESTONES: Final = 30
LABEL_MAX: Final = 500
QUOTA_MAX: Final = 99  # a guideline per organization and term; quotas.yml's largest is 8
OVERRIDES_MAX: Final = 200
APPLICATIONS_CAP_MAX: Final = 20
_QUOTA_KEY: Final = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")


class TermClosedError(DomainError):
    """A write to a closed term (issue 16): closing froze everything in it."""

    http_status = 409

    def __init__(self, term: Term) -> None:
        super().__init__(
            f"{term.program.name} {term.label} is closed: nothing in it can change any more."
        )
        self.term = term


def ensure_open(term: Term) -> None:
    """Refuse a change to anything in a closed term. Every service that writes to a term's
    proposals, applications, reviews, selection, mentorships, evaluations or payments calls
    it with the term it already holds (no query); the retention purge alone does not."""
    if term.is_closed:
        raise TermClosedError(term)


def _require_admin(actor: User, program: Program) -> None:
    if not is_program_admin(actor, program):
        raise NotAllowedError(f"Only an admin of {program.name} can set up its terms.")


def _lock(term: Term) -> Term:
    return Term.objects.select_for_update().select_related("program").get(pk=term.pk)


# -- the README head ---------------------------------------------------------------------------


def _schedule_entry(m: Milestone, zone: zoneinfo.ZoneInfo) -> ScheduleEntry:
    first = m.start or m.end
    if first is None or m.end is None:
        return ScheduleEntry(m.label, None)
    start = first.astimezone(zone)
    end = m.end.astimezone(zone)
    last = end.date() if m.has_time else (end - timedelta(days=1)).date()
    return ScheduleEntry(
        m.label,
        start.date(),
        last if last > start.date() else None,
        clock_text(end, abbreviation=end.tzname()) if m.has_time else "",
    )


def scaffold_head(term: Term, milestones: Sequence[Milestone]) -> str:
    """The page head the CNCF's scaffold writes for this term (cncf-process.md §4.5), up to
    and including its `---` line (`Term.frontmatter`, which the LFX README export starts
    with); "" without a dated `proposals_open`, whose deadline the instructions give."""
    zone = zoneinfo.ZoneInfo(term.time_zone)
    proposals = next((m for m in milestones if m.key == "proposals_open"), None)
    deadline = None if proposals is None else proposals.end or proposals.start
    if proposals is None or deadline is None:
        return ""
    if not proposals.has_time and proposals.end is not None:
        deadline -= timedelta(days=1)  # a whole-day end is the midnight after the last day
    entries = [_schedule_entry(m, zone) for m in milestones]
    text = scaffold_readme(term.title, term.year, entries, deadline.astimezone(zone).date())
    return text.removesuffix("\n")


def _refresh_head(term: Term, before: Sequence[Milestone]) -> None:
    """Write the README head again from the timeline now, unless someone wrote it (an
    imported page's head, or one edited by hand): it is ours while it is what we wrote. A
    term without a head keeps none (the export then writes its own short one)."""
    if term.frontmatter and term.frontmatter == scaffold_head(term, before):
        term.frontmatter = scaffold_head(term, list(term.milestones.order_by("position")))
        term.save(update_fields=["frontmatter", "updated_at"])


# -- creating a term ---------------------------------------------------------------------------


def create_term(
    program: Program, *, year: int, number: int, actor: User, time_zone: str = ""
) -> Term:
    """Term `number` of `year` from the program's calendar: its title, its timeline from the
    template (in `time_zone`, else the zone of the program's latest term, else the CNCF's
    America/Los_Angeles) and the settings of the program's latest term."""
    _require_admin(actor, program)
    program_calendar = calendar.Calendar(program.calendar)
    if not 2000 <= year <= 2999:
        raise DomainError(f"Invalid year: {year} (expected a four-digit year)")
    try:
        slot = calendar.slot(program_calendar, number)
    except ValueError as error:
        raise DomainError(str(error)) from None
    latest = Term.objects.filter(program=program).order_by("-year", "-number").first()
    zone = time_zone or (latest.time_zone if latest else "America/Los_Angeles")
    _check_zone(zone)
    term = Term(
        program=program,
        year=year,
        number=number,
        title=calendar.title(slot, year),
        time_zone=zone,
        duration="Mentorship duration - three months (full-time schedule)",
    )
    if latest is not None:
        term.proposal_quota = latest.proposal_quota
        term.quota_overrides = dict(latest.quota_overrides)
        term.max_applications = latest.max_applications
        term.default_prerequisites = list(latest.default_prerequisites)
    rows = [
        MilestoneInput(**dataclasses.asdict(day))
        for day in calendar.timeline(program_calendar, number, year)
    ]
    planned = plan_timeline(rows, year=year, zone=zone)
    try:
        with transaction.atomic():
            term.save()
            _write_milestones(term, planned)
            term.frontmatter = scaffold_head(term, list(term.milestones.order_by("position")))
            term.save(update_fields=["frontmatter", "updated_at"])
    except IntegrityError:
        raise ConflictError(f"{program.name} already has {year} Term {number}.") from None
    AuditEvent.record(
        actor,
        "terms.term.created",
        term,
        data={"calendar": program.calendar, "timeline": [p.as_audit() for p in planned]},
    )
    return term


# -- the timeline ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MilestoneInput:
    """One row of the timeline as a person enters it, in the term's zone. `start` and the
    times may be left out; `key` is derived from the label when blank (a new row)."""

    label: str
    end: date | None
    start: date | None = None
    start_time: time | None = None
    end_time: time | None = None
    key: str = ""


@dataclass(frozen=True)
class PlannedMilestone:
    key: str
    label: str
    start: datetime | None  # UTC
    end: datetime | None  # UTC
    has_time: bool
    raw: str

    def as_audit(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "raw": self.raw,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
        }


@dataclass
class TimelineError(DomainError):
    """The timeline was refused; `problems` holds (row index or None, sentence) pairs."""

    problems: list[tuple[int | None, str]] = field(default_factory=list)

    def __str__(self) -> str:
        return " ".join(message for _, message in self.problems)


def _exact(day: date, clock: time, zone: zoneinfo.ZoneInfo, label: str) -> datetime:
    """`day` at `clock` in `zone` (`core.time.exact_local`), its refusal naming `label`."""
    try:
        return exact_local(day, clock, zone)
    except ValueError as error:
        raise ValueError(f"{label}: {error}") from None


def _instants(
    row: MilestoneInput, zone: zoneinfo.ZoneInfo
) -> tuple[datetime | None, datetime | None, bool]:
    """(start, end, has_time) in UTC, as `formats.timeline.parse_date_text` reads the same
    milestone written out: a clock time makes an exact instant; whole days run from midnight
    of the first to midnight after the last."""
    label = row.label.strip() or "A milestone"
    if row.end is None:
        return None, None, False
    if row.start is None:
        if row.end_time is not None:
            moment = _exact(row.end, row.end_time, zone, label)
            return moment, moment, True
        start = _exact(row.end, time(0, 0), zone, label)
        return start, _exact(row.end + timedelta(days=1), time(0, 0), zone, label), False
    has_time = row.start_time is not None or row.end_time is not None
    start = _exact(row.start, row.start_time or time(0, 0), zone, label)
    if row.end_time is not None:
        end = _exact(row.end, row.end_time, zone, label)
    else:
        end = _exact(row.end + timedelta(days=1), time(0, 0), zone, label)
    return start, end, has_time


def _local(moment: datetime, zone: zoneinfo.ZoneInfo) -> str:
    local = moment.astimezone(zone)
    return f"{local:%a %b %-d, %Y %-I:%M %p} {local.tzname()}"


def plan_timeline(
    rows: Sequence[MilestoneInput],
    *,
    year: int,
    zone: str,
    keep: Mapping[str, Milestone] | None = None,
) -> list[PlannedMilestone]:
    """The rows as milestones with exact instants, checked (module docstring); nothing is
    written. `keep`: the saved milestones by key, whose date text stays when unchanged."""
    tz = zoneinfo.ZoneInfo(zone)
    problems: list[tuple[int | None, str]] = []
    if not rows:
        problems.append((None, "A timeline needs at least one milestone."))
    if len(rows) > MAX_MILESTONES:
        problems.append((None, f"A timeline has at most {MAX_MILESTONES} milestones."))
    keys = unique_keys(
        [row.key.strip() or milestone_key(row.label.strip() or "milestone") for row in rows]
    )
    seen: set[str] = set()
    planned: list[PlannedMilestone | None] = []
    for index, (row, key) in enumerate(zip(rows, keys, strict=True)):
        label = " ".join(row.label.split())
        name = label or f"Milestone {index + 1}"
        problem = _row_problem(row, key, label, name, seen, year)
        seen.add(key)
        if problem:
            problems.append((index, problem))
            planned.append(None)
            continue
        try:
            start, end, has_time = _instants(row, tz)
        except ValueError as error:
            problems.append((index, str(error)))
            planned.append(None)
            continue
        if (
            start is not None
            and end is not None
            and (end < start or (end == start and not has_time))
        ):
            problems.append((index, f"{name} ends before it starts ({_local(start, tz)})."))
            planned.append(None)
            continue
        planned.append(
            PlannedMilestone(
                key, label, start, end, has_time, _raw(keep, key, start, end, has_time, year, zone)
            )
        )
    problems.extend(_order_problems(planned, tz))
    if problems:
        raise TimelineError(problems=problems)
    return [p for p in planned if p is not None]


def _row_problem(
    row: MilestoneInput, key: str, label: str, name: str, seen: set[str], year: int
) -> str:
    if not label:
        return f"{name}: give it a label, such as “Mentee applications open”."
    if len(label) > LABEL_MAX:
        return f"{name}: the label is {len(label)} characters (at most {LABEL_MAX})."
    if key in seen:
        return f"{name}: another milestone already has the key “{key}”."
    if row.end is None:
        if row.start is not None or row.start_time or row.end_time:
            return f"{name}: give the day it ends (or the one day it falls on)."
        if key in calendar.DEADLINE_KEYS or key in calendar.PHASE_ORDER:
            return f"{name}: give its date; a phase of the term cannot be left undated."
        return ""
    if row.start is None and row.start_time is not None:
        return f"{name}: a start time needs a start day."
    for day in (row.start, row.end):
        if day is not None and abs(day.year - year) > 1:
            return (
                f"{name}: {day:%b %-d}, {day.year:04d} is not a date of this term; its dates fall "
                f"between {year - 1} and {year + 1}."
            )
    if key in calendar.DEADLINE_KEYS and row.end_time is None:
        return (
            f"{name} is a deadline: give the time it closes (in the term's zone), "
            "so that it is an exact instant."
        )
    return ""


def _raw(
    keep: Mapping[str, Milestone] | None,
    key: str,
    start: datetime | None,
    end: datetime | None,
    has_time: bool,
    year: int,
    zone: str,
) -> str:
    saved = (keep or {}).get(key)
    if saved is not None and (saved.start, saved.end, saved.has_time) == (start, end, has_time):
        return saved.raw
    return date_text(start, end, has_time=has_time, year=year, zone=zone)


def _order_problems(
    planned: Sequence[PlannedMilestone | None], tz: zoneinfo.ZoneInfo
) -> list[tuple[int | None, str]]:
    """Each phase present starts no earlier than the phase before it ends."""
    phases = sorted(
        (calendar.PHASE_ORDER.index(p.key), index, p.label, p.start or p.end, p.end)
        for index, p in enumerate(planned)
        if p is not None and p.key in calendar.PHASE_ORDER and p.end is not None
    )
    problems: list[tuple[int | None, str]] = []
    for before, after in itertools.pairwise(phases):
        _, _, before_label, _, before_end = before
        _, index, label, starts, _ = after
        if starts is not None and before_end is not None and starts < before_end:
            problems.append(
                (
                    index,
                    f"{label} starts ({_local(starts, tz)}) before {before_label} ends "
                    f"({_local(before_end, tz)}): the phases run in order, without overlapping.",
                )
            )
    return problems


def _write_milestones(term: Term, planned: Sequence[PlannedMilestone]) -> None:
    saved = {m.key: m for m in term.milestones.all()}
    term.milestones.exclude(key__in=[p.key for p in planned]).delete()
    for position, item in enumerate(planned):
        milestone = saved.get(item.key) or Milestone(term=term, key=item.key)
        milestone.position = position
        milestone.label = item.label
        milestone.raw = item.raw
        milestone.start = item.start
        milestone.end = item.end
        milestone.has_time = item.has_time
        milestone.save()


def set_timeline(term: Term, rows: Sequence[MilestoneInput], *, actor: User) -> list[Milestone]:
    """Replace the term's timeline with `rows` (checked as `plan_timeline` does); milestones
    whose key is not among the rows are removed."""
    _require_admin(actor, term.program)
    with transaction.atomic():
        term = _lock(term)
        ensure_open(term)
        saved = {m.key: m for m in term.milestones.all()}
        before = [_audit_milestone(m) for m in saved.values()]
        planned = plan_timeline(rows, year=term.year, zone=term.time_zone, keep=saved)
        _write_milestones(term, planned)
        _refresh_head(term, list(saved.values()))
        AuditEvent.record(
            actor,
            "terms.term.timeline_changed",
            term,
            data={"before": before, "after": [p.as_audit() for p in planned]},
        )
    return list(term.milestones.all())


def _audit_milestone(m: Milestone) -> dict[str, Any]:
    return PlannedMilestone(m.key, m.label, m.start, m.end, m.has_time, m.raw).as_audit()


# -- the settings ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SettingsChange:
    """The settings to change; None leaves a setting as it is. `max_applications=0` goes back
    to the program's cap."""

    time_zone: str | None = None
    proposal_quota: int | None = None
    quota_overrides: Mapping[str, int] | None = None
    max_applications: int | None = None
    default_prerequisites: Sequence[str] | None = None


def _check_zone(zone: str) -> None:
    try:
        validate_time_zone(zone)
    except ValidationError as error:
        raise DomainError(" ".join(error.messages)) from None


def _checked_overrides(overrides: Mapping[str, int]) -> dict[str, int]:
    if len(overrides) > OVERRIDES_MAX:
        raise DomainError(f"At most {OVERRIDES_MAX} organizations can have their own quota.")
    checked: dict[str, int] = {}
    for raw_key, value in overrides.items():
        key = raw_key.strip().lower()
        if not _QUOTA_KEY.match(key):
            raise DomainError(
                f"“{raw_key}” is not an organization key: write it as quotas.yml does, in "
                "lower case, such as kubernetes or open-telemetry."
            )
        if key in checked:
            raise DomainError(f"The organization {key} has two quotas.")
        checked[key] = _checked_quota(value, f"The quota of {key}")
    return checked


def _checked_quota(value: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= QUOTA_MAX:
        raise DomainError(f"{what} must be a whole number from 1 to {QUOTA_MAX}.")
    return value


def update_settings(term: Term, change: SettingsChange, *, actor: User) -> Term:
    """Change the term's settings. A new time zone keeps every exact instant where it is and
    keeps each whole-day milestone on its days, now counted in the new zone's calendar."""
    _require_admin(actor, term.program)
    with transaction.atomic():
        term = _lock(term)
        ensure_open(term)
        before = _settings_snapshot(term)
        if change.proposal_quota is not None:
            term.proposal_quota = _checked_quota(change.proposal_quota, "The default quota")
        if change.quota_overrides is not None:
            term.quota_overrides = _checked_overrides(change.quota_overrides)
        if change.max_applications is not None:
            cap = change.max_applications
            if not 0 <= cap <= APPLICATIONS_CAP_MAX:
                raise DomainError(
                    f"The applications cap must be from 1 to {APPLICATIONS_CAP_MAX} "
                    "(or empty for the program's)."
                )
            term.max_applications = cap or None
        if change.default_prerequisites is not None:
            unknown = [p for p in change.default_prerequisites if p not in PREREQUISITE_OPTIONS]
            if unknown:
                raise DomainError(
                    f"“{unknown[0]}” is not a prerequisite of the proposal form; choose from "
                    + ", ".join(PREREQUISITE_OPTIONS)
                    + "."
                )
            chosen = set(change.default_prerequisites)
            term.default_prerequisites = [p for p in PREREQUISITE_OPTIONS if p in chosen]
        if change.time_zone is not None and change.time_zone != term.time_zone:
            _check_zone(change.time_zone)
            head_is_ours = bool(term.frontmatter) and term.frontmatter == scaffold_head(
                term, list(term.milestones.order_by("position"))
            )
            _move_whole_days(term, change.time_zone)
            term.time_zone = change.time_zone
            if head_is_ours:  # the README's dates and times, now in the new zone
                term.frontmatter = scaffold_head(term, list(term.milestones.order_by("position")))
        term.save()
        after = _settings_snapshot(term)
        changed = {
            k: {"before": before[k], "after": after[k]} for k in after if before[k] != after[k]
        }
        if changed:
            AuditEvent.record(actor, "terms.term.settings_changed", term, data=changed)
    return term


def _settings_snapshot(term: Term) -> dict[str, Any]:
    return {
        "time_zone": term.time_zone,
        "proposal_quota": term.proposal_quota,
        "quota_overrides": dict(term.quota_overrides),
        "max_applications": term.max_applications,
        "default_prerequisites": list(term.default_prerequisites),
    }


def _move_whole_days(term: Term, zone: str) -> None:
    """Whole-day milestones keep their calendar days in the new zone; a timed text that would
    read differently there is written again (`date_text`)."""
    old, new = zoneinfo.ZoneInfo(term.time_zone), zoneinfo.ZoneInfo(zone)
    for milestone in term.milestones.all():
        if not milestone.has_time:
            for name in ("start", "end"):
                moment: datetime | None = getattr(milestone, name)
                if moment is not None:
                    local = moment.astimezone(old).replace(tzinfo=None)
                    setattr(milestone, name, local.replace(tzinfo=new).astimezone(UTC))
        parsed = parse_date_text(milestone.raw, year=term.year, zone=zone)
        if (parsed.start, parsed.end) != (milestone.start, milestone.end):
            milestone.raw = date_text(
                milestone.start,
                milestone.end,
                has_time=milestone.has_time,
                year=term.year,
                zone=zone,
            )
        milestone.save()
