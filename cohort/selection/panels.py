"""Selection's boxes on the applications pages, registered with `cohort.applications.panels`
(from `SelectionConfig.ready`): the mentee's ranking and offers under each term of "My
applications", and the slots, offers and waitlist at the foot of a project's review queue.

`applications` sits below `selection` and never imports it; this is the one place that
ties the two pages together. The selection POSTs re-render those pages through
`cohort.applications.pages` with their form posted back (`SLOTS_KEY`, `queries.ranking_key`,
`queries.decline_key`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from cohort.applications import panels
from cohort.core.models import User
from cohort.projects.models import Project
from cohort.selection import queries
from cohort.selection.forms import SlotsForm
from cohort.terms.models import Term

SLOTS_KEY = "slots"
MENTEE_BOX = "selection/_mentee_box.html"
PROJECT_BOX = "selection/_project_box.html"


def mentee_boxes(
    user: User, terms: Sequence[Term], bound: panels.Bound, now: datetime
) -> dict[int, panels.Panel]:
    return {
        box.term.pk: panels.Panel(MENTEE_BOX, box)
        for box in queries.mentee_selection(user, terms, bound=bound, now=now)
    }


def project_box(project: Project, user: User, bound: panels.Bound) -> panels.Panel:
    form = bound.get(SLOTS_KEY)
    slots_form = form if isinstance(form, SlotsForm) else None
    return panels.Panel(PROJECT_BOX, queries.project_selection(project, user, slots_form))


def register() -> None:
    panels.register_mentee_panel("selection", mentee_boxes)
    panels.register_queue_panel("selection", project_box)
