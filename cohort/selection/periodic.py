"""Selection's periodic job, registered in `SelectionConfig.ready()` (cohort.core.periodic)."""

from __future__ import annotations

from datetime import datetime

from cohort.selection import services
from cohort.selection.notifications import resend_recent


def selection_job(now: datetime) -> list[str]:
    """Lapse the offers whose answer deadline has passed (offering each freed place to the
    next in line), announce the confirmed rounds whose `selection_notify` date has come, and
    send what announced rounds still owe, so a run that crashed halfway is finished by the
    next one."""
    lapsed = services.lapse_due_offers(now)
    announced = services.announce_due_rounds(now)
    sent = resend_recent(now)
    return [
        f"Offers lapsed: {lapsed}",
        f"Selection rounds announced: {len(announced)}",
        f"Selection e-mails sent: {sent}",
    ]
