"""Who sees and does what with applications, and what the review queue shows each reader."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from cohort.applications import access, queries
from cohort.applications import services as s
from cohort.applications.models import Application
from cohort.applications.tests.conftest import World, complete_application
from cohort.core.models import Person, User
from cohort.core.permissions import Perm, Role
from cohort.projects.models import Mentorship
from cohort.terms.access import access_admin_term
from cohort.terms.models import Program, ProgramMembership

pytestmark = pytest.mark.usefixtures("in_window")

VIEW, EDIT, REVIEW = Perm.APPLICATION_VIEW, Perm.APPLICATION_EDIT, Perm.APPLICATION_REVIEW


@pytest.fixture
def application(world: World) -> Application:
    return complete_application(world, "mentee1", world.antrea)


@pytest.fixture
def dora(world: World) -> User:
    """A mentor of cilium by GitHub handle only: the roster row is not linked to her person."""
    user = User.objects.create_user("dora", email="dora@example.org", password="x")
    Person.objects.create(name="Dora", github="DoraTheDev", user=user)
    Mentorship.objects.create(
        project=world.cilium, person=None, position=5, name="Dora", github="doraTHEdev"
    )
    return user


def who(world: World, name: str) -> User | AnonymousUser:
    return AnonymousUser() if name == "anonymous" else world.user(name)


@pytest.mark.parametrize(
    ("name", "roles", "perms"),
    [
        ("mentee1", {Role.MENTEE}, {VIEW, EDIT}),
        ("mentee2", {Role.OUTSIDER}, set()),
        ("alice", {Role.MENTOR}, {VIEW, REVIEW}),
        ("bob", {Role.MENTOR}, {VIEW, REVIEW}),
        ("carol", {Role.OUTSIDER}, set()),  # a mentor of another project
        ("maintainer", {Role.OUTSIDER}, set()),  # counts only
        ("admin", {Role.PROGRAM_ADMIN}, {VIEW, REVIEW}),
        ("outsider", {Role.OUTSIDER}, set()),
        ("anonymous", {Role.ANONYMOUS}, set()),
    ],
)
def test_application_roles_and_perms(
    world: World, application: Application, name: str, roles: set[Role], perms: set[Perm]
) -> None:
    user = who(world, name)
    assert access.application_roles(user, application) == roles
    for perm in (VIEW, EDIT, REVIEW):
        assert access.has_application_perm(user, application, perm) is (perm in perms)
    if VIEW in perms:
        assert access.access_application(user, application.pk, VIEW).pk == application.pk
    else:
        with pytest.raises(Http404):
            access.access_application(user, application.pk, VIEW)


def test_missing_and_forbidden_are_the_same_404(world: World, application: Application) -> None:
    with pytest.raises(Http404) as missing:
        access.access_application(world.user("admin"), application.pk + 1000, VIEW)
    with pytest.raises(Http404) as forbidden:
        access.access_application(world.user("mentee2"), application.pk, VIEW)
    assert str(missing.value) == str(forbidden.value)
    with pytest.raises(Http404):  # the owner cannot review their own
        access.access_application(world.user("mentee1"), application.pk, REVIEW)


def test_a_mentor_by_github_handle(world: World, dora: User) -> None:
    application = complete_application(world, "mentee2", world.cilium)
    assert access.application_roles(dora, application) == {Role.MENTOR}
    assert access.has_application_perm(dora, application, REVIEW)
    assert access.is_mentor_of(dora, world.cilium)
    assert not access.is_mentor_of(dora, world.antrea)
    assert list(access.mentored_projects(dora)) == [world.cilium]
    assert list(access.reviewable_projects(dora, world.term)) == [world.cilium]


def test_a_superuser_is_an_admin(world: World, application: Application) -> None:
    root = User.objects.create_superuser("root", email="root@example.org", password="x")
    assert access.application_roles(root, application) == {Role.PROGRAM_ADMIN}
    assert access_admin_term(root, world.term.pk) == world.term


def test_a_mentee_who_also_mentors_the_project_is_only_the_mentee_of_their_application(
    world: World, application: Application
) -> None:
    person = Person.objects.create(name="M1", github="mentee1", user=world.user("mentee1"))
    Mentorship.objects.create(project=world.antrea, person=person, position=9, name="M1")
    assert access.application_roles(world.user("mentee1"), application) == {Role.MENTEE}
    assert access.is_recused(world.user("mentee1"), application)


def test_project_and_term_access(world: World) -> None:
    maintainer, alice = world.user("maintainer"), world.user("alice")
    assert access.access_project(maintainer, world.antrea.pk, Perm.COUNTS_VIEW) == world.antrea
    with pytest.raises(Http404):
        access.access_project(maintainer, world.antrea.pk, Perm.QUEUE_VIEW)
    with pytest.raises(Http404):
        access.access_project(maintainer, world.cilium.pk, Perm.COUNTS_VIEW)
    assert access.access_project(alice, world.antrea.pk, Perm.QUEUE_VIEW) == world.antrea
    with pytest.raises(Http404):
        access.access_project(alice, world.falco.pk, Perm.QUEUE_VIEW)
    with pytest.raises(Http404):
        access.access_project(AnonymousUser(), world.antrea.pk, Perm.COUNTS_VIEW)
    assert access_admin_term(world.user("admin"), world.term.pk) == world.term
    for user in (alice, maintainer, AnonymousUser()):
        with pytest.raises(Http404):
            access_admin_term(user, world.term.pk)


@pytest.mark.parametrize(
    ("name", "counted", "reviewable"),
    [
        ("admin", {"antrea", "cilium", "falco"}, {"antrea", "cilium", "falco"}),
        ("maintainer", {"antrea"}, set()),
        ("alice", {"antrea"}, {"antrea"}),
        ("bob", {"antrea", "cilium"}, {"antrea", "cilium"}),
        ("carol", {"falco"}, {"falco"}),
        ("mentee1", set(), set()),
        ("anonymous", set(), set()),
    ],
)
def test_counted_and_reviewable_projects(
    world: World, name: str, counted: set[str], reviewable: set[str]
) -> None:
    user = who(world, name)
    slugs = lambda qs: {p.slug.removesuffix("-project") for p in qs}  # noqa: E731
    assert slugs(access.counted_projects(user, world.term)) == counted
    assert slugs(access.reviewable_projects(user, world.term)) == reviewable


def test_applications_of_and_recusal(world: World, application: Application) -> None:
    assert list(access.applications_of(world.user("mentee1"))) == [application]
    assert not access.applications_of(world.user("mentee2")).exists()
    assert not access.applications_of(AnonymousUser()).exists()
    assert not access.is_recused(world.user("alice"), application)
    s.declare_conflict(application, reviewer=world.user("alice"), reason="My student")
    assert access.is_recused(world.user("alice"), application)
    assert not access.is_recused(world.user("bob"), application)


# --- what the queue shows -------------------------------------------------------------------


def test_the_queue_blanks_other_mentors_notes_but_not_for_an_admin(
    world: World, application: Application
) -> None:
    alice, bob, admin = world.user("alice"), world.user("bob"), world.user("admin")
    s.review_application(application, reviewer=alice, score=4, notes="Alice's private note")
    s.review_application(application, reviewer=bob, score=2, notes="Bob's private note")

    (row,) = queries.queue(world.antrea, alice)
    assert row.mine is not None
    assert row.mine.notes == "Alice's private note"
    assert {r.reviewer_id: r.notes for r in row.reviews} == {
        alice.pk: "Alice's private note",
        bob.pk: "",
    }
    assert sorted(row.scores) == [2, 4]
    assert row.mean_score == 3.0
    assert row.tasks_done == len(row.tasks) == 3
    assert row.profile is not None
    assert row.profile.name == "Mentee1"

    (row,) = queries.queue(world.antrea, admin)
    assert {r.notes for r in row.reviews} == {"Alice's private note", "Bob's private note"}
    assert row.mine is None


def test_the_queue_blanks_another_mentors_conflict_reason(
    world: World, application: Application
) -> None:
    s.declare_conflict(application, reviewer=world.user("bob"), reason="Bob's cousin")
    (row,) = queries.queue(world.antrea, world.user("alice"))
    assert [r.conflict_reason for r in row.reviews] == [""]
    assert not row.recused
    (row,) = queries.queue(world.antrea, world.user("bob"))
    assert row.recused
    assert row.mine is not None
    assert row.mine.conflict_reason == "Bob's cousin"
    (row,) = queries.queue(world.antrea, world.user("admin"))
    assert [r.conflict_reason for r in row.reviews] == ["Bob's cousin"]


def test_queue_filters(world: World, application: Application) -> None:
    alice = world.user("alice")
    draft = s.apply_to_project(world.user("mentee2"), world.antrea)
    withdrawn = complete_application(world, "mentee3", world.antrea)
    s.withdraw_application(withdrawn, actor=world.user("mentee3"))
    declined = complete_application(world, "mentee4", world.antrea)
    s.decline_applications([declined], actor=alice, message="No")

    def ids(state: str) -> set[int]:
        return {row.application.pk for row in queries.queue(world.antrea, alice, state)}

    assert ids("all") == {application.pk, draft.pk, declined.pk}
    assert ids("complete") == ids("unreviewed") == {application.pk}
    assert ids("incomplete") == {draft.pk}
    assert ids("declined") == {declined.pk}
    assert ids("shortlisted") == set()
    s.review_application(application, reviewer=alice, score=3)
    assert ids("unreviewed") == set()
    assert {
        r.application.pk for r in queries.queue(world.antrea, world.user("bob"), "unreviewed")
    } == {application.pk}
    s.shortlist_application(application, actor=alice)
    assert ids("shortlisted") == ids("complete") == {application.pk}


def test_counts(world: World) -> None:
    alice = world.user("alice")
    a1 = complete_application(world, "mentee1", world.antrea)
    complete_application(world, "mentee2", world.antrea)
    s.apply_to_project(world.user("mentee3"), world.antrea)
    a4 = complete_application(world, "mentee4", world.antrea)
    s.shortlist_application(a1, actor=alice)
    s.decline_applications([a4], actor=alice, message="No")
    c1 = complete_application(world, "mentee1", world.cilium)
    s.withdraw_application(c1, actor=world.user("mentee1"))
    rows = {
        c.project.slug: c
        for c in queries.counts(access.counted_projects(world.user("admin"), world.term))
    }
    antrea, cilium, falco = rows["antrea-project"], rows["cilium-project"], rows["falco-project"]
    assert (
        antrea.total,
        antrea.complete,
        antrea.incomplete,
        antrea.shortlisted,
        antrea.declined,
        antrea.withdrawn,
    ) == (4, 2, 1, 1, 1, 0)
    assert (cilium.total, cilium.complete, cilium.withdrawn) == (0, 0, 1)
    assert (falco.total, falco.withdrawn) == (0, 0)
    maintainer_rows = queries.counts(access.counted_projects(world.user("maintainer"), world.term))
    assert [c.project.slug for c in maintainer_rows] == ["antrea-project"]


def test_queue_csv_escapes_formulas(world: World, application: Application) -> None:
    alice = world.user("alice")
    profile = world.user("mentee1").mentee_profile
    profile.name = '=HYPERLINK("http://evil.example","click")'
    profile.github = "+cmd"
    profile.save()
    User.objects.filter(pk=application.mentee_id).update(email="-2+3@example.org")
    s.review_application(application, reviewer=alice, score=5, notes="@SUM(A1:A2)")

    text = queries.queue_csv(queries.queue(world.antrea, alice))
    header, row = list(csv.reader(io.StringIO(text)))
    assert tuple(header) == queries.CSV_HEADER
    cells = dict(zip(header, row, strict=True))
    assert cells["name"] == '\'=HYPERLINK("http://evil.example","click")'
    assert cells["github"] == "'+cmd"
    assert cells["email"] == "'-2+3@example.org"
    assert cells["my_notes"] == "'@SUM(A1:A2)"
    assert cells["my_score"] == "5"
    assert cells["status"] == "submitted"
    assert cells["tasks_done"] == cells["tasks_total"] == "3"
    assert cells["submitted_at_utc"] == "2024-08-01T12:00:00Z"
    for cell in row:
        assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r")


def test_queue_csv_shows_only_the_readers_notes(world: World, application: Application) -> None:
    s.review_application(application, reviewer=world.user("bob"), score=1, notes="Bob's secret")
    text = queries.queue_csv(queries.queue(world.antrea, world.user("alice")))
    assert "Bob's secret" not in text
    assert "Bob's secret" in queries.queue_csv(queries.queue(world.antrea, world.user("bob")))


def test_an_admin_of_another_program_is_an_outsider(world: World, application: Application) -> None:
    other = Program.objects.create(name="Other", slug="other")
    stranger = User.objects.create_user("stranger", password="x")
    ProgramMembership.objects.create(program=other, user=stranger)
    assert access.application_roles(stranger, application) == {Role.OUTSIDER}
    assert not access.counted_projects(stranger, world.term).exists()
    with pytest.raises(Http404):
        access_admin_term(stranger, world.term.pk)
