"""Panels that apps above `applications` put on its pages, without `applications` knowing them.

`applications` sits below `selection` (docs/architecture.md), yet "My applications" shows
each term's selection box and a project's review queue shows its slots and offers. So the
pages ask this registry, never an app above them: an app registers a builder here from its
`AppConfig.ready()`, and the page includes whatever the builders return, each with its own
template. A builder gets the forms posted back with errors (`bound`, by the key the builder
chose), so the app's own POST views can re-render the host page through
`cohort.applications.pages` with the input kept.

Each builder runs a fixed number of queries for the whole page (never one per row).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from django import forms

from cohort.core.models import User
from cohort.projects.models import Project
from cohort.terms.models import Term

Bound = Mapping[str, forms.Form]


@dataclass(frozen=True)
class Panel:
    """What one page shows of another app: `template` is included with `box` in context."""

    template: str
    box: object


# Per term (by pk) of the mentee's terms, the panel under that term's applications.
MenteeBuilder = Callable[[User, Sequence[Term], Bound, datetime], Mapping[int, Panel]]
# The panel at the foot of a project's review queue, or None.
QueueBuilder = Callable[[Project, User, Bound], Panel | None]

_mentee: dict[str, MenteeBuilder] = {}
_queue: dict[str, QueueBuilder] = {}


def register_mentee_panel(name: str, build: MenteeBuilder) -> None:
    _mentee[name] = build


def register_queue_panel(name: str, build: QueueBuilder) -> None:
    _queue[name] = build


def mentee_panels(
    user: User, terms: Sequence[Term], bound: Bound, now: datetime
) -> dict[int, list[Panel]]:
    shown: dict[int, list[Panel]] = {}
    for build in _mentee.values():
        for term_pk, panel in build(user, terms, bound, now).items():
            shown.setdefault(term_pk, []).append(panel)
    return shown


def queue_panels(project: Project, user: User, bound: Bound) -> list[Panel]:
    return [panel for build in _queue.values() if (panel := build(project, user, bound))]
