"""E-mail about applications: the mentee on each step, the mentors once a day.

- The mentee hears when their application is submitted (every task in), shortlisted, and
  declined (with the mentors' message). The outbox key is the `ApplicationEvent`, so each
  change is mailed at most once however often its task runs.
- Each mentor gets one digest per day (UTC) listing the complete applications that arrived
  that day on the projects they mentor. `send_review_digests` (run by `cohort run-periodic`
  as the job this app registers, `review_digests_job`) sends the digests of the days that
  have ended, up to a week back, each at most once: its outbox key is the day.

Each e-mail goes through core's outbox (`cohort.notifications`); `replan_unsent` re-runs the
events whose e-mail failed, for `cohort run-periodic`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from cohort.applications.models import Application, ApplicationEvent
from cohort.core.emails import site_url
from cohort.core.models import User
from cohort.notifications.kinds import register_kind
from cohort.notifications.services import deliver, outbox_row
from cohort.projects.models import Mentorship

EVENT_OBJECT = "applications.applicationevent"
DIGEST_OBJECT = "applications.digest"

SUBMITTED = "application_submitted"
SHORTLISTED = "application_shortlisted"
DECLINED = "application_declined"
DIGEST = "applications_digest"

register_kind(
    SUBMITTED,
    "Your application was submitted",
    essential=True,
    why="the receipt for your application",
)
register_kind(
    SHORTLISTED,
    "Your application was shortlisted",
    essential=True,
    why="a decision about your application",
)
register_kind(
    DECLINED,
    "Your application was declined",
    essential=True,
    why="a decision about your application",
)
register_kind(DIGEST, "Mentors' daily digest of applicants to review", essential=False)
KINDS = (SUBMITTED, SHORTLISTED, DECLINED, DIGEST)

_FOR_STATUS = {
    Application.Status.SUBMITTED: SUBMITTED,
    Application.Status.SHORTLISTED: SHORTLISTED,
    Application.Status.REJECTED: DECLINED,
}
DIGEST_LOOKBACK_DAYS = 7


def notify_application_event(event_id: int) -> int:
    """Mail the mentee about status event `event_id` if it calls for it; returns 1 if sent."""
    event = (
        ApplicationEvent.objects.select_related(
            "application__mentee", "application__project__term__program"
        )
        .filter(pk=event_id, kind=ApplicationEvent.Kind.STATUS)
        .first()
    )
    if event is None:
        return 0
    kind = _FOR_STATUS.get(Application.Status(event.status))
    if kind is None:
        return 0
    if kind == SUBMITTED and event.reason:  # back from the shortlist: nothing new to say
        return 0
    if kind == SHORTLISTED and event.reason:  # an offer replaced by a better one: the new
        return 0  # offer's e-mail says so (cohort.selection.notifications)
    mentee = event.application.mentee
    if not mentee.email:
        return 0
    context = _context(event.application, mentee, reason=event.reason)
    row, _ = outbox_row(kind, EVENT_OBJECT, event.pk, mentee, context)
    return int(row.sent_at is None and deliver(row, mentee, context))


def send_review_digests(now: datetime | None = None) -> int:
    """Send the daily digests due at `now` that were not sent before; returns how many."""
    today = timezone.localdate(now or timezone.now(), timezone=UTC)
    sent = 0
    for days_back in range(DIGEST_LOOKBACK_DAYS, 0, -1):
        day = today - timedelta(days=days_back)
        for user, applications in _digests_for(day).items():
            if not user.email:
                continue
            context = {
                "name": user.get_full_name() or user.username,
                "day": day,
                "applications": applications,
                "count": len(applications),
                "program": applications[0].project.term.program.name,
                "link": f"{site_url()}{reverse('applications:review_home')}",
            }
            row, _ = outbox_row(DIGEST, DIGEST_OBJECT, day.isoformat(), user, context)
            if row.sent_at is None and deliver(row, user, context):
                sent += 1
    return sent


def review_digests_job(now: datetime) -> list[str]:
    """The periodic job: the digests of the days that have ended."""
    return [f"Review digests sent: {send_review_digests(now)}"]


def replan_unsent(rows: Sequence[tuple[str, str]]) -> int:
    """Send again the unsent outbox rows `rows` ((kind, object_id) keyed on application
    events) by re-running their events; returns how many e-mails were sent now."""
    events = sorted({int(object_id) for _kind, object_id in rows if object_id.isdigit()})
    return sum(notify_application_event(event_id) for event_id in events)


def _digests_for(day: date) -> dict[User, list[Application]]:
    """Per mentor with a login, the applications to their projects submitted on `day` (UTC)
    and still complete."""
    start = datetime.combine(day, time.min, tzinfo=UTC)
    arrived = list(
        Application.objects.complete()
        .filter(submitted_at__gte=start, submitted_at__lt=start + timedelta(days=1))
        .select_related("project__term__program")
        .order_by("project_id", "submitted_at", "id")
    )
    if not arrived:
        return {}
    mentors: dict[int, list[User]] = defaultdict(list)
    rows = Mentorship.objects.filter(
        project__in={a.project_id for a in arrived}, person__user__isnull=False
    ).select_related("person__user")
    for row in rows:
        user = row.person.user if row.person is not None else None
        if user is not None and user not in mentors[row.project_id]:
            mentors[row.project_id].append(user)
    digests: dict[User, list[Application]] = defaultdict(list)
    for application in arrived:
        for user in mentors[application.project_id]:
            digests[user].append(application)
    return digests


def _context(application: Application, user: User, *, reason: str = "") -> dict[str, Any]:
    project = application.project
    return {
        "name": user.get_full_name() or user.username,
        "project": project.lfx_title or project.title,
        "term": project.term.label,
        "program": project.term.program.name,
        "status": application.get_status_display(),
        "reason": reason,
        "link": f"{site_url()}{reverse('applications:detail', args=[application.pk])}",
    }
