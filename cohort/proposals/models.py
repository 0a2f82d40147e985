"""The proposal event log: approvals, confirmations and decisions, never edited.

The gates and the board column are derived from these rows (`cohort.proposals.gates`); a
proposal's status column only records draft / submitted / published / withdrawn / rejected.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from cohort.projects.models import Project
from cohort.proposals import gates


class ProposalEvent(models.Model):
    class Kind(models.TextChoices):
        SUBMITTED = gates.SUBMITTED, "Submitted"
        EDITED = gates.EDITED, "Edited (material change)"
        MAINTAINER_APPROVED = gates.MAINTAINER_APPROVED, "Maintainer approved"
        MENTOR_CONFIRMED = gates.MENTOR_CONFIRMED, "Mentor confirmed"
        ADMIN_APPROVED = gates.ADMIN_APPROVED, "Admin approved"
        WITHDRAWN = gates.WITHDRAWN, "Withdrawn"
        REJECTED = gates.REJECTED, "Rejected"
        PUBLISHED = gates.PUBLISHED, "Published"
        LFX_URL_RECORDED = gates.LFX_URL_RECORDED, "LFX URL recorded"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=24, choices=Kind)
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    handle = models.CharField(max_length=39, blank=True)  # the mentor a confirmation is for
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["project", "id"]
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=Q(kind__in=list(gates.EVENT_KINDS)), name="proposal_event_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(kind=gates.MENTOR_CONFIRMED) | ~Q(handle=""),
                name="proposal_confirmation_names_mentor",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.project_id}"

    def as_gate_event(self) -> gates.Event:
        return gates.Event(self.kind, self.handle)
