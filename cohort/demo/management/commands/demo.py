"""cohort demo: the reference term, three past terms to search (the archive), the demo users,
a proposal in review, applications, a live term whose applications are open now, a term at
each later stage (proposals, review, selection), a term in its mentorship period and a
finished one, each dated from now (idempotent). `--site` is the address the server
runs at, for the printed links (`make run` passes `http://$(HOST)`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.urls import reverse
from django.utils import timezone

from cohort.applications.models import Application
from cohort.demo.applications import SHORT, load_demo_applications
from cohort.demo.live import LiveDemo, load_live_demo
from cohort.demo.mentorship import MentorshipDemo, load_mentorship_demo
from cohort.demo.phases import PhaseDemo, load_phase_demo
from cohort.demo.stipends import load_stipend_demo
from cohort.projects.demo import DEMO_PASSWORD, load_demo, load_demo_archive
from cohort.proposals.demo import load_demo_proposals

SITE = "http://127.0.0.1:8000"  # `runserver`'s default address


class Command(BaseCommand):
    # A data command: skip the system checks (about half a second of every run); `cohort
    # check` and `migrate` still run them.
    requires_system_checks = ()
    help = (
        "Load the demo: the CNCF 2024 Term 3 catalog, three past CNCF terms to search and, "
        "with DEBUG on, one user per role, "
        "a proposal in review in an upcoming term, and the demo mentees' applications to "
        "2024 Term 3 projects in every state, a live term whose applications are open now, and "
        "a term in each later stage (accepting proposals, in review, selection), a term in its "
        "mentorship period (midterm open, passed, failed, overdue) and a finished term with a "
        "graduate."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--site",
            default=SITE,
            help=f"the server's address, for the printed links (default {SITE})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        site = str(options["site"]).rstrip("/")
        if "://" not in site:
            site = f"http://{site}"
        result = load_demo()
        term = result.imported.term
        self.stdout.write(f"Demo program {term.program}: {result.imported.summary()}")
        self.stdout.write(f"  {site}{term.get_absolute_url()}")
        archive = load_demo_archive()
        labels = ", ".join(past.label for past in archive.terms)
        self.stdout.write(
            f"Archive: {len(archive.terms)} past terms ({labels}), {archive.projects} projects; "
            f"search them at {site}{reverse('web:search')}?q=ebpf"
        )
        if not result.users:
            self.stdout.write("Demo users are created only when DEBUG is on.")
            return
        proposals = load_demo_proposals(term.program)
        if proposals.proposal is not None:
            self.stdout.write(
                f"Demo proposal #{proposals.proposal.number} in {proposals.term.label}, awaiting "
                "the maintainer's approval and a mentor's confirmation:"
            )
            self.stdout.write(f"  {site}/proposals/{proposals.proposal.pk}/")
        applications = load_demo_applications(term)
        now = timezone.now()
        # Before the live and later-stage terms: see cohort.demo.mentorship on the lists' order.
        mentorship = load_mentorship_demo(now)
        stipends = load_stipend_demo(mentorship, now)
        live = load_live_demo(now)
        phases = load_phase_demo(now)
        login = f"{site}/accounts/login/"
        self.stdout.write(f"Demo users (password “{DEMO_PASSWORD}”); log in at {login}")
        for user in result.users:
            self.stdout.write(f"  {user.username:<11} {user.role}")
        for username, role in mentorship.users:
            self.stdout.write(f"  {username:<11} {role}")
        if applications.mentees:
            self.stdout.write(
                f"Demo applications in {term.label}, dated as if made in its applications "
                f"window ({applications.window}); who sees what:"
            )
        for mentee in applications.mentees:
            self.stdout.write(f"  {mentee.username:<11} {mentee.line}: {site}/applications/")
        project = applications.queue_project
        if project is not None and applications.mentor_sees_queue:
            self.stdout.write(
                f"  {'mentor':<11} review queue of “{project.title}” with "
                f"{applications.queue_size} applicants: {site}/review/projects/{project.pk}/"
            )
            self.stdout.write(
                f"  {'maintainer':<11} how many applied to the organization's projects, not who: "
                f"{site}/review/"
            )
            self.stdout.write(
                f"  {'admin':<11} every project's applicants: {site}/review/terms/{term.pk}/"
            )
            self.stdout.write(
                f"  {'admin':<11} selection (two projects want mentee2 most): "
                f"{site}/selection/terms/{term.pk}/"
            )
        for problem in applications.skipped:
            self.stdout.write(f"  skipped: {problem}")
        self._live(live, site)
        self._phases(phases, site)
        self._phases(mentorship, site)
        if stipends.todo:
            self.stdout.write("Demo stipends (payments pending, approved, sent, paid and failed):")
        for name, what, path in stipends.todo:
            self.stdout.write(f"  {name:<11} {what}: {site}{path}")
        for problem in stipends.skipped:
            self.stdout.write(f"  skipped: {problem}")

    def _live(self, live: LiveDemo, site: str) -> None:
        term = live.term
        if term is None or not live.mentor_projects:
            return
        window = term.window("applications_open")
        closes = window.local(window.end) if window.end is not None else "?"
        self.stdout.write(
            f"Live demo: {term.program.name} {term.label}, applications open until {closes}; "
            f"{len(live.projects)} projects: {site}{term.get_absolute_url()}"
        )
        first = live.mentor_projects[0]
        for name, status in live.statuses.items():
            if status:
                what = f"{SHORT[Application.Status(status)]} on “{first.title}”"
                self.stdout.write(f"  {name:<11} {what}: {site}/applications/")
            else:
                self.stdout.write(
                    f"  {name:<11} no application yet, so apply to “{first.title}” now: "
                    f"{site}/applications/apply/{first.pk}/"
                )
        self.stdout.write(
            f"  {'mentor':<11} the live review queue: {site}/review/projects/{first.pk}/"
        )
        self.stdout.write(f"  {'admin':<11} every live application: {site}/review/terms/{term.pk}/")
        self.stdout.write(
            f"  {'admin':<11} the term's dashboard, timeline and settings, or a new term: "
            f"{site}/console/terms/{term.pk}/"
        )
        for problem in live.skipped:
            self.stdout.write(f"  skipped: {problem}")

    def _phases(self, phases: PhaseDemo | MentorshipDemo, site: str) -> None:
        """Each demo term of a later stage: its page, then what each login does there."""
        for phase in phases.terms:
            term = phase.term
            self.stdout.write(
                f"{term.program.name}: {term.label} reads “{term.stage.label}”: "
                f"{site}{term.get_absolute_url()}"
            )
            for name, what, path in phase.todo:
                self.stdout.write(f"  {name:<11} {what}: {site}{path}")
        for problem in phases.skipped:
            self.stdout.write(f"  skipped: {problem}")
