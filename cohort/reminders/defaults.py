"""The rules every program starts with (admins turn them off or change their hours).

Two reminders before each deadline a person can miss, three days and one day ahead, as the
CNCF's program admins send them by hand; an offer lapses sooner after it is made, so its
reminders come two days and half a day ahead; a payment waiting for approval is raised two
days after it was made and again after a week.
"""

from __future__ import annotations

from typing import Final

from cohort.reminders.models import Audience

DEFAULT_RULES: Final[tuple[tuple[str, Audience, int], ...]] = (
    ("incomplete_application_72h", Audience.INCOMPLETE_APPLICATION, 72),
    ("incomplete_application_24h", Audience.INCOMPLETE_APPLICATION, 24),
    ("unreviewed_applicants_72h", Audience.UNREVIEWED_APPLICANTS, 72),
    ("unreviewed_applicants_24h", Audience.UNREVIEWED_APPLICANTS, 24),
    ("unanswered_offer_48h", Audience.UNANSWERED_OFFER, 48),
    ("unanswered_offer_12h", Audience.UNANSWERED_OFFER, 12),
    ("evaluation_due_72h", Audience.EVALUATION_DUE, 72),
    ("evaluation_due_24h", Audience.EVALUATION_DUE, 24),
    ("payment_waiting_48h", Audience.PAYMENT_WAITING, 48),
    ("payment_waiting_7d", Audience.PAYMENT_WAITING, 168),
    ("proposal_to_approve_72h", Audience.PROPOSAL_TO_APPROVE, 72),
    ("proposal_to_approve_24h", Audience.PROPOSAL_TO_APPROVE, 24),
)
