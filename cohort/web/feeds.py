"""Atom feeds of the public catalog (issue 15, open data): terms, and the projects the
public site shows, of all terms or of one.

Built with Django's syndication framework. Entries carry only what the public pages show:
titles, organization, term, skills and links; never a mentor's e-mail or any personal data.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from cohort.projects.models import Project
from cohort.terms.models import Term
from cohort.web import queries

SITE_AUTHOR = "Cohort"


class TermsFeed(Feed[Term, None]):
    feed_type = Atom1Feed
    title = "Mentorship terms"
    subtitle = "Terms of the mentorship programs, newest first."
    author_name = SITE_AUTHOR

    def link(self) -> str:
        return reverse("web:home")

    def items(self) -> list[Term]:
        return queries.feed_terms()

    def item_title(self, item: Term) -> str:
        return f"{item.program.name} {item.label}"

    def item_description(self, item: Term) -> str:
        parts = [item.title, f"Status: {item.stage.label}"]
        if item.duration:
            parts.append(f"Duration: {item.duration}")
        return " · ".join(parts)

    def item_link(self, item: Term) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: Term) -> datetime:
        return item.created_at

    def item_updateddate(self, item: Term) -> datetime:
        return item.updated_at


class _ProjectEntries:
    """The entry fields both project feeds share."""

    def item_title(self, item: Project) -> str:
        return f"{item.title} ({item.organization.name}, {item.term.label})"

    def item_description(self, item: Project) -> str:
        parts = [f"{item.organization.name} · {item.term.program.name} {item.term.label}"]
        if item.status == Project.Status.PROPOSED:
            parts.append("Proposed idea")
        if item.skills:
            parts.append(f"Skills: {item.skills}")
        return " · ".join(parts)

    def item_link(self, item: Project) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: Project) -> datetime:
        return item.created_at

    def item_updateddate(self, item: Project) -> datetime:
        return item.updated_at

    def item_categories(self, item: Project) -> list[str]:
        return [item.organization.name]


class ProjectsFeed(_ProjectEntries, Feed[Project, None]):
    feed_type = Atom1Feed
    title = "Mentorship projects"
    subtitle = f"Projects of every term, newest term first (at most {queries.FEED_LIMIT})."
    author_name = SITE_AUTHOR

    def link(self) -> str:
        return reverse("web:home")

    def items(self) -> list[Project]:
        return queries.feed_projects()


class TermProjectsFeed(_ProjectEntries, Feed[Project, Term]):
    feed_type = Atom1Feed
    author_name = SITE_AUTHOR

    def get_object(self, request: HttpRequest, program: str, term: str) -> Term:
        return queries.public_term(program, term)

    def title(self, obj: Term) -> str:
        return f"{obj.program.name} {obj.label}: projects"

    def subtitle(self, obj: Term) -> str:
        return obj.title

    def link(self, obj: Term) -> str:
        return obj.get_absolute_url()

    def items(self, obj: Term) -> list[Project]:
        return queries.feed_projects(obj)
