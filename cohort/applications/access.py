"""Who sees and does what with applications (issue 4 §4; DESIGN §7 "Secure").

- a mentee: their own profile and applications, nothing of anyone else's;
- a listed mentor of a project: that project's applicants, their tasks and files, every
  mentor's score on them (the mentors decide together) and their own notes (a note is seen
  by its author and the program admins only); a mentor who declared a conflict of interest
  sees the applicant but is recused: no score, ranking or decision;
- an organization maintainer: how many applied to the organization's projects, not who;
- a program admin: everything in the program's terms;
- anyone else: 404, the same answer as for an application that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeIs

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from cohort.applications.models import Application, Review
from cohort.core.actors import Viewer
from cohort.core.models import User
from cohort.core.permissions import Perm, Role, perms_of
from cohort.projects.models import OrganizationMaintainer, Project
from cohort.proposals.access import as_mentor, mentored_by
from cohort.proposals.permissions import maintainer_kind
from cohort.terms.access import is_program_admin
from cohort.terms.models import Term


def _authenticated(user: Viewer) -> TypeIs[User]:
    return isinstance(user, User) and user.is_authenticated


def is_mentor_of(user: Viewer, project: Project) -> bool:
    return _authenticated(user) and project.mentorships.filter(as_mentor(user)).exists()


def mentored_projects(user: Viewer) -> QuerySet[Project]:
    """The projects `user` is a listed mentor of, in any term."""
    if not _authenticated(user):
        return Project.objects.none()
    return Project.objects.filter(mentored_by(user))


def project_roles(user: Viewer, project: Project) -> set[Role]:
    if not _authenticated(user):
        return {Role.ANONYMOUS}
    roles: set[Role] = set()
    if is_program_admin(user, project.term.program):
        roles.add(Role.PROGRAM_ADMIN)
    if maintainer_kind(user, project.organization):
        roles.add(Role.MAINTAINER)
    if is_mentor_of(user, project):
        roles.add(Role.MENTOR)
    return roles or {Role.OUTSIDER}


def is_own(user: Viewer, application: Application) -> bool:
    """Whether `user` is the applicant: on their own application they are only the mentee."""
    return _authenticated(user) and application.mentee_id == user.pk


def application_roles(user: Viewer, application: Application) -> set[Role]:
    """The roles `user` holds on `application`.

    The applicant is only ever the mentee of their own application, even when they also
    mentor the project or administer the program: they never read its reviews or decide on
    it (docs/decisions/0008-no-one-reviews-their-own-application.md).
    """
    if is_own(user, application):
        return {Role.MENTEE}
    roles = project_roles(user, application.project) - {Role.MAINTAINER, Role.OUTSIDER}
    return roles or ({Role.OUTSIDER} if _authenticated(user) else {Role.ANONYMOUS})


def has_application_perm(user: Viewer, application: Application, perm: Perm) -> bool:
    return perm in perms_of(application_roles(user, application))


def access_application(user: Viewer, pk: int, perm: Perm) -> Application:
    """The application `pk` if `user` holds `perm` on it, else `Http404`."""
    application = (
        Application.objects.select_related(
            "project__term__program", "project__organization", "mentee", "term"
        )
        .filter(pk=pk)
        .first()
    )
    if application is None or not has_application_perm(user, application, perm):
        raise Http404("No such application.")
    return application


# Where `access_project` leaves the roles it read on the project it returns (for whom, and
# which), so that the rest of the request reads them with `held_roles` instead of again.
_HELD = "_cohort_roles_held"


def access_project(user: Viewer, pk: int, perm: Perm) -> Project:
    """The project `pk` if `user` holds `perm` on it (its queue, its counts), else `Http404`.

    The roles it read stay on the project returned: `held_roles` gives them back to the
    page's other parts (the queue's rows, selection's box) without reading them again."""
    project = Project.objects.select_related("term__program", "organization").filter(pk=pk).first()
    if project is None:
        raise Http404("No such project.")
    roles = project_roles(user, project)
    if perm not in perms_of(roles):
        raise Http404("No such project.")
    setattr(project, _HELD, (user.pk, frozenset(roles)))
    return project


def held_roles(user: Viewer, project: Project) -> set[Role] | None:
    """The roles `access_project` read for `user` when it returned this `project` (what
    `project_roles(user, project)` answered then), or None if it did not."""
    held = getattr(project, _HELD, None)
    if isinstance(held, tuple) and _authenticated(user) and held[0] == user.pk:
        return set(held[1])
    return None


def counted_projects(user: Viewer, term: Term) -> QuerySet[Project]:
    """The term's projects whose application counts `user` may see."""
    projects = Project.objects.filter(term=term)
    if not _authenticated(user):
        return projects.none()
    if is_program_admin(user, term.program):
        return projects
    return projects.filter(
        Exists(
            OrganizationMaintainer.objects.filter(organization=OuterRef("organization"), user=user)
        )
        | mentored_by(user)
    )


def reviewable_projects(user: Viewer, term: Term) -> QuerySet[Project]:
    """The term's projects whose applicants `user` may see: mentored ones, or all for admins."""
    projects = Project.objects.filter(term=term)
    if not _authenticated(user):
        return projects.none()
    if is_program_admin(user, term.program):
        return projects
    return projects.filter(mentored_by(user))


def is_recused(user: Viewer, application: Application) -> bool:
    """Whether `user` may not score, rank or decide on this applicant: it is their own
    application, or they declared a conflict of interest for them (on this project)."""
    if is_own(user, application):
        return True
    if not _authenticated(user):
        return False
    return Review.objects.filter(application=application, reviewer=user, conflict=True).exists()


# Other apps' reasons a person may not apply, registered from their `AppConfig.ready()` (as
# panels are), so applications imports none of them: e.g. cohort.mentorship, a place in a term
# that overlaps this one. Each answers "" when it does not bar.
ApplyBar = Callable[[User, Project], str]
_bars: list[ApplyBar] = []


def register_apply_bar(bar: ApplyBar) -> ApplyBar:
    """Add `bar(user, project)` to the reasons `bars_from_applying` gives (once per process)."""
    if bar not in _bars:
        _bars.append(bar)
    return bar


def deciding_side(user: User, project: Project) -> dict[str, Exists]:
    """Whether `user` mentors `project` and maintains its organization, as expressions a
    query of the applicant's own rows can carry (`apply_to_project` reads them along with
    the profile it locks): `mentors` and `maintains`."""
    return {
        "mentors": Exists(project.mentorships.filter(as_mentor(user))),
        "maintains": Exists(
            OrganizationMaintainer.objects.filter(organization=project.organization_id, user=user)
        ),
    }


def bars_from_applying(
    user: Viewer,
    project: Project,
    *,
    mentors: bool | None = None,
    maintains: bool | None = None,
) -> str:
    """Why `user` may not apply to `project` ("" when they may): its listed mentors and the
    maintainers of its organization are on the deciding side (CNCF: a mentee must not already
    be a maintainer of the project offering the mentorship); then the registered bars.
    `mentors` and `maintains`, when the caller read them (`deciding_side`), are not read again."""
    if not _authenticated(user):
        return ""
    if mentors if mentors is not None else is_mentor_of(user, project):
        return "You are a mentor of this project, so you cannot apply to it."
    if maintains if maintains is not None else maintainer_kind(user, project.organization):
        return (
            f"You are a maintainer of {project.organization.name}, so you cannot apply to its "
            "projects."
        )
    for bar in _bars:
        reason = bar(user, project)
        if reason:
            return reason
    return ""


def applications_of(user: Viewer) -> QuerySet[Application]:
    """The user's own applications."""
    if not _authenticated(user):
        return Application.objects.none()
    return Application.objects.filter(mentee=user)
