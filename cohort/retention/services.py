"""The purge of a closed term's personal data, the program's retention period, and deleting an
account (issue 16). Every write here is atomic and audited; files leave storage after commit.

What the purge of a term removes (`plan_purge` counts it, `purge_term` does it):

- files: each task file of the term's applications, and the résumé of each applicant whose
  profile is not needed by another term (below); a file leaves storage once no row points at
  it any more (a résumé task holds the profile's own file);
- answers: each task's text and link (a completed task keeps a marker, `PURGED`, so that it
  still counts as handed in);
- reviews: every note, score and conflict reason on the term's applications (the rows stay:
  who was assigned), and the reasons the mentors gave the mentee on its history;
- evaluations: the comments for the mentee, the private comments and an override's reason
  (the result, progress and hours stay); feedback: the comments, the blog post and links
  (the ratings stay); a placement's outcome note;
- profiles of people not selected: an applicant of the term with no placement in any term
  loses their `MenteeProfile`, unless they applied in a term that is still open or not yet
  purged (a profile belongs to a person, not a term: the purge of the last such term
  removes it). A placed applicant keeps the profile but loses the résumé on the same rule.
  Audit rows about a removed profile keep who did what and when, but name it by its id.

Kept: the rows and their statuses (applications, offers, placements, evaluations' results,
payments, the immutable ledger), the ratings, every count the statistics read, and the
public catalog (projects and their mentors as published).
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Concat
from django.utils import timezone

from cohort.applications.models import (
    Application,
    ApplicationEvent,
    MenteeProfile,
    Review,
    Task,
)
from cohort.core.errors import DomainError
from cohort.core.models import AuditEvent, User
from cohort.mentorship.models import Evaluation, Feedback, Placement
from cohort.terms.models import RETENTION_MAX_MONTHS, Program, Term

# What a completed task's answer becomes: the task was handed in, its content is gone.
PURGED: Final = "(removed after the retention period)"

# The kinds a purge counts, in the order pages list them, with their labels.
KINDS: Final = {
    "profiles": "Profiles of people not selected",
    "resumes": "Résumés",
    "task_files": "Task files",
    "task_answers": "Cover letters and task answers",
    "reviews": "Review notes and scores",
    "decision_reasons": "Reasons given to applicants",
    "evaluations": "Evaluation comments",
    "feedback": "Mentee feedback",
    "outcome_notes": "Placement outcome notes",
}


def add_months(instant: datetime, months: int) -> datetime:
    """`instant` moved `months` calendar months later, the day clamped to the month's end
    (31 January + 1 month = 28 or 29 February)."""
    index = instant.month - 1 + months
    year, month = instant.year + index // 12, index % 12 + 1
    day = min(instant.day, calendar.monthrange(year, month)[1])
    return instant.replace(year=year, month=month, day=day)


def purge_due_at(term: Term) -> datetime | None:
    """When the term's personal data is due to go: `program.retention_months` after it
    closed; None while it is open."""
    if term.closed_at is None:
        return None
    return add_months(term.closed_at, term.program.retention_months)


@dataclass(frozen=True)
class PurgePlan:
    """What purging `term` removes now (a dry run), or what a purge removed."""

    term: Term
    due_at: datetime | None
    is_due: bool
    purged_at: datetime | None
    counts: dict[str, int]
    files: tuple[str, ...] = ()
    profile_ids: tuple[int, ...] = field(default=(), repr=False)
    resume_profile_ids: tuple[int, ...] = field(default=(), repr=False)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def rows(self) -> list[tuple[str, str, int]]:
        """(kind, label, count) in the pages' order."""
        return [(kind, label, self.counts.get(kind, 0)) for kind, label in KINDS.items()]


def _live_elsewhere(term: Term) -> QuerySet[Application]:
    """Applications of the outer row's user in another term that is open or not yet purged."""
    return Application.objects.filter(
        mentee=OuterRef("user"), term__purged_at__isnull=True
    ).exclude(term=term)


def plan_purge(term: Term, *, now: datetime | None = None) -> PurgePlan:
    """The dry run: what `purge_term` would remove from `term` now, in a fixed number of
    queries (6) whatever the size of the term. `files` are the stored files that leave
    storage (a résumé task's file stays while a profile the purge keeps still holds it).
    A purged term plans nothing."""
    now = now or timezone.now()
    due_at = purge_due_at(term)
    is_due = due_at is not None and due_at <= now and term.purged_at is None
    if term.purged_at is not None:
        return PurgePlan(term, due_at, False, term.purged_at, dict.fromkeys(KINDS, 0))
    profiles = list(
        MenteeProfile.objects.filter(user__applications__term=term)
        .annotate(
            placed=Exists(Placement.objects.filter(mentee=OuterRef("user"))),
            elsewhere=Exists(_live_elsewhere(term)),
        )
        .distinct()
        .values_list("pk", "resume", "placed", "elsewhere")
    )
    gone = [(pk, resume, placed) for pk, resume, placed, elsewhere in profiles if not elsewhere]
    kept_resumes = {resume for _pk, resume, _p, elsewhere in profiles if elsewhere and resume}
    profile_ids = tuple(pk for pk, _resume, placed in gone if not placed)
    resume_ids = tuple(pk for pk, resume, placed in gone if placed and resume)
    resumes = [resume for _pk, resume, _placed in gone if resume]
    tasks = Task.objects.filter(application__term=term)
    task_files = list(tasks.exclude(file="").values_list("file", flat=True))
    answers = tasks.filter(~Q(text="") & ~Q(text=PURGED) | ~Q(url="")).count()
    counts = Review.objects.filter(application__term=term).aggregate(
        reviews=Count("pk", filter=Q(score__isnull=False) | ~Q(notes="") | ~Q(conflict_reason=""))
    )
    counts |= Placement.objects.filter(term=term).aggregate(
        outcome_notes=Count("pk", filter=~Q(outcome_note="")),
        evaluations=Count(
            "evaluations",
            filter=~Q(evaluations__comments_for_mentee="")
            | ~Q(evaluations__private_comments="")
            | (~Q(evaluations__override_reason="") & ~Q(evaluations__override_reason=PURGED)),
            distinct=True,
        ),
        feedback=Count(
            "feedback",
            filter=~Q(feedback__mentor_comments="")
            | ~Q(feedback__program_comments="")
            | ~Q(feedback__blog_url="")
            | ~Q(feedback__work_links=[]),
            distinct=True,
        ),
    )
    counts["decision_reasons"] = (
        ApplicationEvent.objects.filter(application__term=term).exclude(reason="").count()
    )
    counts |= {
        "profiles": len(profile_ids),
        "resumes": len(resumes),
        "task_files": len(task_files),
        "task_answers": answers,
    }
    # The files that leave storage: a résumé task's file stays while its profile keeps it.
    files = tuple(sorted({*resumes, *task_files} - kept_resumes))
    ordered = {kind: int(counts.get(kind) or 0) for kind in KINDS}
    return PurgePlan(term, due_at, is_due, None, ordered, files, profile_ids, resume_ids)


def _delete_files_after_commit(names: Sequence[str]) -> None:
    """Once the transaction commits, delete each stored file no row points at any more,
    through the fields' own storage."""
    if not names:
        return

    def delete() -> None:
        still = set(
            MenteeProfile.objects.filter(resume__in=names).values_list("resume", flat=True)
        ) | set(Task.objects.filter(file__in=names).values_list("file", flat=True))
        storage = MenteeProfile._meta.get_field("resume").storage
        task_storage = Task._meta.get_field("file").storage
        for name in names:
            if name in still:
                continue
            for where in {id(storage): storage, id(task_storage): task_storage}.values():
                if where.exists(name):
                    where.delete(name)

    transaction.on_commit(delete)


def _scrub_audit(model: type[MenteeProfile] | type[User], ids: Sequence[int]) -> None:
    """Audit rows about these profiles or users keep who did what and when, but name the
    object by its id instead of the person's name (their `object_repr`)."""
    label = model._meta.label_lower
    AuditEvent.objects.filter(object_type=label, object_id__in=[str(pk) for pk in ids]).update(
        object_repr=Concat(Value(f"{model._meta.verbose_name} "), "object_id")
    )


def _clear_tasks(tasks: QuerySet[Task]) -> None:
    tasks.filter(completed_at__isnull=False).update(text=PURGED, url="", file="", file_name="")
    tasks.filter(completed_at__isnull=True).update(text="", url="", file="", file_name="")


def _clear_evaluations(evaluations: QuerySet[Evaluation]) -> None:
    evaluations.update(comments_for_mentee="", private_comments="")
    evaluations.exclude(override_reason="").update(override_reason=PURGED)


def _clear_feedback(feedback: QuerySet[Feedback]) -> None:
    feedback.update(mentor_comments="", program_comments="", blog_url="", work_links=[])


def purge_term(term: Term, *, actor: User | None, now: datetime | None = None) -> PurgePlan:
    """Remove `term`'s personal data (the module's docstring says what), once it is due.

    Sets `purged_at` and records one `retention.term.purged` audit row with the counts; the
    files leave storage after commit. A term already purged is left alone: the answer is
    its (empty) plan, and nothing is written."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Term.objects.select_for_update().select_related("program").get(pk=term.pk)
        if locked.purged_at is not None:
            term.purged_at = locked.purged_at
            return plan_purge(locked, now=now)
        if not locked.is_closed:
            raise DomainError("This term is still open: only a closed term's data is purged.")
        plan = plan_purge(locked, now=now)
        if not plan.is_due:
            raise DomainError(
                f"This term's personal data is kept until {plan.due_at:%Y-%m-%d %H:%M} UTC."
            )
        applications = Application.objects.filter(term=locked)
        _clear_tasks(Task.objects.filter(application__in=applications))
        Review.objects.filter(application__in=applications).update(
            score=None, notes="", conflict_reason=""
        )
        ApplicationEvent.objects.filter(application__in=applications).exclude(reason="").update(
            reason=""
        )
        placements = Placement.objects.filter(term=locked)
        placements.exclude(outcome_note="").update(outcome_note="")
        _clear_evaluations(Evaluation.objects.filter(placement__in=placements))
        _clear_feedback(Feedback.objects.filter(placement__in=placements))
        MenteeProfile.objects.filter(pk__in=plan.resume_profile_ids).update(
            resume="", resume_name="", resume_size=0, resume_uploaded_at=None
        )
        MenteeProfile.objects.filter(pk__in=plan.profile_ids).delete()
        _scrub_audit(MenteeProfile, plan.profile_ids)
        Term.objects.filter(pk=locked.pk).update(purged_at=now)
        locked.purged_at = now
        AuditEvent.record(
            actor,
            "retention.term.purged",
            locked,
            data={"counts": plan.counts, "files": len(plan.files), "due_at": str(plan.due_at)},
        )
        _delete_files_after_commit(plan.files)
    term.purged_at = now
    return PurgePlan(locked, plan.due_at, False, now, plan.counts, plan.files)


def due_terms(now: datetime) -> list[Term]:
    """Closed terms not yet purged whose retention period has passed at `now`."""
    candidates = Term.objects.filter(
        state=Term.State.CLOSED, purged_at__isnull=True
    ).select_related("program")
    return [term for term in candidates if (due := purge_due_at(term)) and due <= now]


def purge_job(now: datetime) -> list[str]:
    """The periodic job: purge every due term. Quiet when none is due (the run's report
    lists only what happened)."""
    purged = [purge_term(term, actor=None, now=now) for term in due_terms(now)]
    if not purged:
        return []
    return [f"Terms purged of personal data: {len(purged)}"]


@transaction.atomic
def set_retention(program: Program, months: int, *, actor: User) -> Program:
    """How many months a closed term of `program` keeps its personal data (1..120)."""
    if not 1 <= months <= RETENTION_MAX_MONTHS:
        raise DomainError(f"Keep personal data between 1 and {RETENTION_MAX_MONTHS} months.")
    locked = Program.objects.select_for_update().get(pk=program.pk)
    before = locked.retention_months
    if before == months:
        return locked
    Program.objects.filter(pk=locked.pk).update(retention_months=months)
    AuditEvent.record(
        actor,
        "retention.program.retention_changed",
        locked,
        data={"before": before, "after": months},
    )
    program.retention_months = months
    locked.retention_months = months
    return locked


# --- deleting an account --------------------------------------------------------------------

# Applications still in play: the person withdraws them before deleting their account.
_IN_PLAY: Final = (
    Application.Status.DRAFT,
    Application.Status.SUBMITTED,
    Application.Status.SHORTLISTED,
    Application.Status.OFFERED,
)


def account_blockers(user: User) -> list[str]:
    """What stops `user` from deleting their account now, one sentence each (3 queries)."""
    from cohort.stipends.models import Payment

    blockers = []
    in_play = Application.objects.filter(
        mentee=user, status__in=_IN_PLAY, term__state=Term.State.OPEN
    ).select_related("project")
    blockers += [
        f"Your application to {a.project.title} is still open: withdraw it first." for a in in_play
    ]
    live = Placement.objects.filter(mentee=user).exclude(status__in=Placement.TERMINAL)
    if live.exists():
        blockers.append(
            "Your mentorship has not ended yet: ask the program's admins to record its outcome."
        )
    unsettled = Payment.objects.filter(placement__mentee=user).exclude(
        status__in=[Payment.Status.PAID, Payment.Status.CANCELLED]
    )
    if unsettled.exists():
        blockers.append("A stipend payment to you is not settled yet.")
    return blockers


@dataclass(frozen=True)
class Deleted:
    """What deleting an account removed, by kind (no personal data: counts only)."""

    counts: dict[str, int]
    files: tuple[str, ...]


def delete_account(
    user: User, *, actor: User, confirm: str, now: datetime | None = None
) -> Deleted:
    """Remove `user`'s personal data and their login, keeping what accounting and outcomes
    need: the user row stays as an anonymous tombstone (`deleted-<id>`, no e-mail, no name,
    no password, inactive), because placements, offers and payments point at it (PROTECT).

    Removed: the mentee profile and résumé, every task answer and file, review notes and
    reasons about them, evaluation comments on their placements, their feedback's comments,
    a placement's outcome note and share link, their API tokens, notifications, e-mail
    addresses and linked GitHub accounts, their program and organization roles; their
    `Person` (the public catalog's mentor entry) is kept but no longer linked to a login.
    Kept: applications' and placements' statuses, payments and the ledger, ratings.

    Refused while an application is in play, a mentorship runs or a payment is unsettled
    (`account_blockers`), and unless `confirm` is the account's username, typed again (the
    page and the API both ask for it). Audited as `retention.account.deleted` with counts
    only; earlier audit rows about the user or their profile name them by id from then on."""
    if confirm != user.username:
        raise DomainError("Type your username to confirm deleting your account.")
    from allauth.account.models import EmailAddress
    from allauth.socialaccount.models import SocialAccount

    from cohort.core.models import ApiToken, Person
    from cohort.notifications.models import Notification
    from cohort.projects.models import OrganizationMaintainer
    from cohort.terms.models import ProgramMembership

    now = now or timezone.now()
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.username.startswith("deleted-") and not locked.is_active:
            raise DomainError("This account has been deleted already.")
        blockers = account_blockers(locked)
        if blockers:
            raise DomainError(" ".join(blockers))
        applications = Application.objects.filter(mentee=locked)
        tasks = Task.objects.filter(application__in=applications)
        profile = MenteeProfile.objects.filter(user=locked).first()
        files = [*tasks.exclude(file="").values_list("file", flat=True)]
        if profile is not None and profile.resume:
            files.append(str(profile.resume))
        placements = Placement.objects.filter(mentee=locked)
        counts = {
            "profile": int(profile is not None),
            "task_answers": tasks.filter(~Q(text="") & ~Q(text=PURGED) | ~Q(url="")).count(),
            "files": len(set(files)),
        }
        _clear_tasks(tasks)
        counts["reviews"] = (
            Review.objects.filter(application__in=applications)
            .filter(~Q(notes="") | ~Q(conflict_reason=""))
            .update(notes="", conflict_reason="")
        )
        ApplicationEvent.objects.filter(application__in=applications).exclude(reason="").update(
            reason=""
        )
        _clear_evaluations(Evaluation.objects.filter(placement__in=placements))
        _clear_feedback(Feedback.objects.filter(placement__in=placements))
        placements.update(outcome_note="", share_token=None)
        if profile is not None:
            _scrub_audit(MenteeProfile, [profile.pk])
            profile.delete()
        counts["api_tokens"] = ApiToken.objects.filter(user=locked).delete()[0]
        counts["notifications"] = Notification.objects.filter(recipient=locked).delete()[0]
        EmailAddress.objects.filter(user=locked).delete()
        SocialAccount.objects.filter(user=locked).delete()
        counts["roles"] = (
            ProgramMembership.objects.filter(user=locked).delete()[0]
            + OrganizationMaintainer.objects.filter(user=locked).delete()[0]
        )
        Person.objects.filter(user=locked).update(user=None)
        locked.username = f"deleted-{locked.pk}"
        locked.email = ""
        locked.first_name = ""
        locked.last_name = ""
        locked.is_active = False
        locked.is_staff = False
        locked.is_superuser = False
        locked.set_unusable_password()
        locked.save()
        _scrub_audit(User, [locked.pk])
        AuditEvent.record(
            actor,
            "retention.account.deleted",
            locked,
            data={"counts": counts, "by_self": actor.pk == locked.pk, "at": now.isoformat()},
        )
        _delete_files_after_commit(sorted(set(files)))
    return Deleted(counts, tuple(sorted(set(files))))
