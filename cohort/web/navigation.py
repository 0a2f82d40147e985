"""Which menu entries a person sees: the roles they hold, computed once per request.

`nav_roles(user)` answers in a fixed number of queries whatever the number of projects,
terms or applications: none for a visitor, two for a signed-in person (their GitHub
handle, which the mentor rule reads, and one query of `EXISTS` subqueries built from the
apps' own access rules). The `navigation` context processor puts the answer in every page
as `nav`. A view that needs the roles too (the home page's next steps) reads them through
`request_roles(request)`, which keeps the answer for the rest of the request, so that the
menu does not ask again.
"""

from __future__ import annotations

from dataclasses import dataclass
from weakref import WeakKeyDictionary

from django.conf import settings
from django.db.models import Exists, IntegerField, Subquery
from django.http import HttpRequest

from cohort.applications.access import applications_of, mentored_projects
from cohort.applications.models import MenteeProfile
from cohort.core.actors import Viewer
from cohort.core.models import User
from cohort.mentorship.models import Placement
from cohort.projects.models import OrganizationMaintainer, Project
from cohort.terms.models import ProgramMembership, Term


@dataclass(frozen=True)
class NavRoles:
    signed_in: bool = False
    mentee: bool = False  # has applied or has a mentee profile, or holds no other role
    mentor: bool = False  # a listed mentor of a project, in any term
    proposer: bool = False  # proposed a project
    maintainer: bool = False  # maintains (or is a delegate of) an organization
    program_admin: bool = False  # administers a program (superusers administer all)
    staff: bool = False  # may open the Django admin
    admin_term: int | None = None  # the newest term the program admin runs
    placed: bool = False  # has a placement (My mentorship)
    has_mentees: bool = False  # mentors a project with a placement (My mentees)

    @property
    def sees_proposals(self) -> bool:
        return self.proposer or self.maintainer or self.program_admin

    @property
    def sees_review(self) -> bool:
        """Mentors review their projects; maintainers see their projects' counts there."""
        return self.mentor or self.maintainer or self.program_admin


def nav_roles(user: Viewer) -> NavRoles:
    if not isinstance(user, User) or not user.is_authenticated:
        return NavRoles()
    admin_terms = Term.objects.all()
    if not user.is_superuser:
        admin_terms = admin_terms.filter(
            program__memberships__user=user,
            program__memberships__role=ProgramMembership.Role.ADMIN,
        )
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(
            nav_applied=Exists(applications_of(user)),
            nav_profile=Exists(MenteeProfile.objects.filter(user=user)),
            nav_mentor=Exists(mentored_projects(user)),
            # The answer stays in this one query.
            nav_placed=Exists(Placement.objects.filter(mentee=user)),
            nav_mentees=Exists(Placement.objects.filter(project__in=mentored_projects(user))),
            nav_proposer=Exists(Project.objects.filter(proposer=user)),
            nav_maintainer=Exists(OrganizationMaintainer.objects.filter(user=user)),
            nav_admin_term=Subquery(
                admin_terms.order_by("-year", "-number", "pk").values("pk")[:1],
                output_field=IntegerField(),
            ),
            nav_admin=Exists(
                ProgramMembership.objects.filter(user=user, role=ProgramMembership.Role.ADMIN)
            ),
        )
        .values(
            "nav_applied",
            "nav_profile",
            "nav_mentor",
            "nav_placed",
            "nav_mentees",
            "nav_proposer",
            "nav_maintainer",
            "nav_admin_term",
            "nav_admin",
        )
        .get()
    )
    program_admin = bool(user.is_superuser or row["nav_admin"])
    others = row["nav_mentor"] or row["nav_proposer"] or row["nav_maintainer"] or program_admin
    return NavRoles(
        signed_in=True,
        mentee=bool(row["nav_applied"] or row["nav_profile"] or not others),
        mentor=bool(row["nav_mentor"]),
        proposer=bool(row["nav_proposer"]),
        maintainer=bool(row["nav_maintainer"]),
        program_admin=program_admin,
        staff=bool(user.is_staff),
        admin_term=row["nav_admin_term"] if program_admin else None,
        placed=bool(row["nav_placed"]),
        has_mentees=bool(row["nav_mentees"]),
    )


# Each request's answer while it lasts, with the id of the user it was computed for (a view
# that signs someone in or out before rendering gets the new person's roles).
_PER_REQUEST: WeakKeyDictionary[HttpRequest, tuple[int | None, NavRoles]] = WeakKeyDictionary()


def request_roles(request: HttpRequest) -> NavRoles:
    """`nav_roles` of the request's user, computed once per request: the home page's next
    steps and the menu both read it."""
    user = request.user
    key = user.pk  # None for a visitor
    kept = _PER_REQUEST.get(request)
    if kept is not None and kept[0] == key:
        return kept[1]
    roles = nav_roles(user)
    _PER_REQUEST[request] = (key, roles)
    return roles


def navigation(request: HttpRequest) -> dict[str, object]:
    """Context processor (settings.TEMPLATES): `nav`, the roles behind the menu, and
    whether visitors may sign up."""
    return {"nav": request_roles(request), "signup_open": settings.COHORT_SIGNUP_OPEN}
