"""Organizations, their projects in a term, and each project's mentors and upstream issues.

A Project is the unit of the catalog: a proposal that, once approved, is published.
Historical projects imported from term pages arrive published; ideas pages arrive proposed,
and the ideas their term's README does not list become not accepted.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse

from cohort.core.models import Person, TimeStampedModel
from cohort.terms.models import Program, Term


class OrganizationKind(models.TextChoices):
    PROJECT = "project", "Project"
    GROUP = "group", "Group (not a project)"


class Organization(TimeStampedModel):
    """A CNCF project such as Antrea, or a group that is not a project (a TAG)."""

    Kind = OrganizationKind

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="organizations")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.PROJECT)
    cncf_slug = models.CharField(max_length=100, blank=True)  # projects.yml slug
    maturity = models.CharField(max_length=20, blank=True)  # graduated | incubating | sandbox
    # False makes the delegates (and program admins) the only approvers, as for Kubernetes.
    maintainers_can_approve = models.BooleanField(default=True)

    class Meta:
        ordering: ClassVar[list[Any]] = [Lower("name")]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["program", "slug"], name="organization_slug_unique"),
            models.UniqueConstraint("program", Lower("name"), name="organization_name_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=OrganizationKind.values), name="organization_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class OrganizationAlias(models.Model):
    """Another spelling of an organization's name on term pages (e.g. "LitmusChaos")."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="aliases")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=200)

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint("program", Lower("name"), name="organization_alias_unique"),
        ]
        verbose_name_plural = "organization aliases"

    def __str__(self) -> str:
        return f"{self.name} → {self.organization.name}"


class MaintainerKind(models.TextChoices):
    MAINTAINER = "maintainer", "Maintainer"
    DELEGATE = "delegate", "Delegate approver"


class OrganizationMaintainer(TimeStampedModel):
    """A user who approves an organization's proposals: a maintainer or a named delegate."""

    Kind = MaintainerKind

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="maintainers"
    )
    user = models.ForeignKey("core.User", on_delete=models.CASCADE, related_name="maintainerships")
    kind = models.CharField(max_length=12, choices=Kind, default=Kind.MAINTAINER)

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["organization", "user"], name="maintainer_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=MaintainerKind.values), name="maintainer_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} maintains {self.organization}"


class ProjectQuerySet(models.QuerySet["Project"]):
    def visible(self) -> ProjectQuerySet:
        """What the public catalog shows."""
        return self.filter(status__in=[Project.Status.PUBLISHED, Project.Status.PROPOSED])

    def on_term_page(self) -> ProjectQuerySet:
        """What a public term page lists: the catalog's projects, and apart from them the
        ideas its README did not accept."""
        shown = [Project.Status.PUBLISHED, Project.Status.PROPOSED, Project.Status.NOT_ACCEPTED]
        return self.filter(status__in=shown)

    def for_catalog(self) -> ProjectQuerySet:
        """With everything a project card needs, in a constant number of queries."""
        return self.select_related("organization", "term__program").prefetch_related(
            models.Prefetch("mentorships", queryset=Mentorship.objects.order_by("position")),
            models.Prefetch("upstream_issues", queryset=UpstreamIssue.objects.order_by("position")),
        )


MAX_SLOTS = 20  # mentees per project; CNCF projects take 1, rarely 2 or 3


class ProjectStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    PROPOSED = "proposed", "Proposed idea"  # imported from a project-ideas page
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn"
    REJECTED = "rejected", "Rejected"
    # An idea from a project-ideas page that its term's README did not accept.
    NOT_ACCEPTED = "not_accepted", "Not accepted"


class Project(TimeStampedModel):
    Status = ProjectStatus

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        Status.DRAFT: frozenset({Status.SUBMITTED, Status.WITHDRAWN}),
        Status.SUBMITTED: frozenset({Status.PUBLISHED, Status.REJECTED, Status.WITHDRAWN}),
        Status.PROPOSED: frozenset(
            {Status.PUBLISHED, Status.REJECTED, Status.WITHDRAWN, Status.NOT_ACCEPTED}
        ),
        Status.PUBLISHED: frozenset({Status.WITHDRAWN}),
        Status.WITHDRAWN: frozenset({Status.SUBMITTED}),  # its GitHub issue reopened
        Status.REJECTED: frozenset(),
        # A README imported later may still list it (cohort.projects.services.import_term).
        Status.NOT_ACCEPTED: frozenset({Status.PUBLISHED}),
    }

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="projects")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="projects"
    )
    number = models.PositiveIntegerField(null=True, blank=True)  # CNCF issue / proposal number
    slug = models.SlugField(max_length=120)
    position = models.PositiveIntegerField(default=0)  # order on the term page
    status = models.CharField(max_length=20, choices=Status, default=Status.DRAFT)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    title = models.CharField(max_length=500)
    lfx_title = models.CharField(max_length=500, blank=True)
    subgroup = models.CharField(max_length=500, blank=True)
    description = models.TextField(blank=True)
    expected_outcome = models.TextField(blank=True)
    skills = models.TextField(blank=True)
    technologies = models.TextField(blank=True)
    lfx_url = models.URLField(max_length=300, blank=True)
    issue_url = models.URLField(max_length=300, blank=True)
    prerequisites = models.JSONField(null=True, blank=True)
    # The entry's original text as it was received (a term-page entry, an LFX program, the
    # issue body a proposal was pasted or imported from), kept for provenance; never parsed
    # again. A proposal made from fields (the form, the API's JSON) has none.
    raw = models.TextField(blank=True)
    # A proposal's issue-form sections, label → value (`cohort.formats.issueform`): what it
    # is edited, validated and exported from. {} for a project that is not a proposal.
    form_fields = models.JSONField(default=dict, blank=True)
    proposer = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="proposals"
    )
    source_line = models.PositiveIntegerField(default=0)
    search_text = models.TextField(blank=True, editable=False)  # lowercased, for search
    # How many mentees the project takes in selection (cohort.selection); set by its mentors.
    slots = models.PositiveSmallIntegerField(default=1)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering: ClassVar[list[str]] = ["term", "position"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["term", "slug"], name="project_slug_unique"),
            models.UniqueConstraint(
                fields=["term", "number"], name="project_number_unique", condition=Q(number__gt=0)
            ),
            models.CheckConstraint(
                condition=Q(status__in=ProjectStatus.values),
                name="project_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(slots__lte=MAX_SLOTS), name="project_slots_at_most_max"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("web:project", args=[self.term.program.slug, self.term.url_key, self.slug])

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.status]


class MentorRole(models.TextChoices):
    PRIMARY = "primary", "Primary mentor"
    CO_MENTOR = "co-mentor", "Co-mentor"


class Mentorship(models.Model):
    """A mentor on a project, as the term page or proposal wrote them."""

    Role = MentorRole

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="mentorships")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="mentorships"
    )
    position = models.PositiveSmallIntegerField(default=0)
    role = models.CharField(max_length=10, choices=Role, default=Role.CO_MENTOR)
    name = models.TextField()
    github = models.CharField(max_length=200, blank=True)  # as written; may be flagged invalid
    email = models.CharField(max_length=254, blank=True)  # never shown to anonymous visitors
    lfid = models.CharField(max_length=100, blank=True)
    contact = models.TextField(blank=True)  # unrecoverable text, e.g. "x AT y"
    flags = models.JSONField(default=list, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["project", "position"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["project", "position"], name="mentorship_position"),
            models.CheckConstraint(
                condition=Q(role__in=MentorRole.values), name="mentorship_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} on {self.project_id}"


class UpstreamIssue(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="upstream_issues")
    position = models.PositiveSmallIntegerField(default=0)
    url = models.URLField(max_length=500)

    class Meta:
        ordering: ClassVar[list[str]] = ["project", "position"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["project", "position"], name="upstream_issue_position"),
        ]

    def __str__(self) -> str:
        return self.url
