"""A term's README and its project ideas merge into one term (issue 15, spec §7.9).

The ideas the README lists are its programs, with the README's content; the others are
stored as not accepted. The same state results whichever page comes first, in one run or
in two, and a re-import changes nothing.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cohort.core.models import AuditEvent, Person
from cohort.formats import model as fm
from cohort.projects.models import Organization, OrganizationAlias, Project
from cohort.projects.services import get_or_create_program, import_term
from cohort.terms.models import Program, Term

pytestmark = pytest.mark.django_db
Status = Project.Status
LFX = "https://mentorship.lfx.linuxfoundation.org/project/"


def idea(title: str, *, mentor: str = "pat", description: str = "") -> fm.Project:
    return fm.Project(
        title=title,
        status="proposed",
        description=description or f"The idea of {title}.",
        mentors=[fm.Mentor(name=mentor.title(), github=mentor)],
        upstream_issues=[f"https://github.com/x/y/issues/{len(title)}"],
    )


def program(title: str, *, mentor: str = "kim") -> fm.Project:
    return fm.Project(
        title=title,
        description=f"The accepted {title}.",
        lfx_url=LFX + title.casefold().replace(" ", "-"),
        mentors=[fm.Mentor(name=mentor.title(), github=mentor, role="primary")],
    )


def page(kind: str, title: str, orgs: dict[str, list[fm.Project]]) -> fm.TermData:
    return fm.TermData(
        title=title,
        year=2021,
        number=1,
        status="Completed" if kind == "readme" else "Proposals",
        time_zone="UTC",
        duration="12 weeks" if kind == "readme" else "",
        milestones=[
            fm.Milestone(
                key="proposals_open" if kind == "ideas" else "mentorship_begins",
                label="dates",
                raw="Feb 1",
                start=datetime(2021, 2, 1, tzinfo=UTC),
            )
        ],
        organizations=[fm.Organization(name=n, projects=p) for n, p in orgs.items()],
        frontmatter=f"# {title}\n\n---\n",
        source_kind=kind,  # type: ignore[arg-type]  # the two page kinds of the parser's Literal
    )


def readme() -> fm.TermData:
    return page(
        "readme",
        "Spring 2021",
        {
            "Antrea": [program("Support DNS caches"), program("Improving unit test coverage")],
            "Thanos": [program("Compact faster")],  # never an idea
        },
    )


def ideas(extra: int = 0) -> fm.TermData:
    return page(
        "ideas",
        "Spring 2021 project ideas",
        {
            "Antrea": [
                idea("Support DNS caches!"),  # the same title once normalised
                idea("Improvising unit test coverage"),  # a typo the README fixed
                idea("An Antrea idea nobody took"),
            ],
            "Thanos": [idea(f"Thanos idea {n}", mentor=f"m{n}") for n in range(extra)],
        },
    )


@pytest.fixture
def cncf() -> Program:
    return get_or_create_program("CNCF LFX Mentorship")


def state() -> dict[str, Any]:
    """Everything the two pages decide, comparable across databases and orders."""
    term = Term.objects.get()
    projects = Project.objects.filter(term=term).order_by("position")
    return {
        "head": (term.title, term.status, term.duration, term.frontmatter, term.head_source),
        "milestones": list(term.milestones.values_list("key", "raw", "start")),
        "projects": [
            (
                p.position,
                p.slug,
                p.status,
                p.organization.name,
                p.title,
                p.description,
                p.lfx_url,
                p.search_text,
                [(x.name, x.github, x.role) for x in p.mentorships.all()],
                [u.url for u in p.upstream_issues.all()],
            )
            for p in projects.select_related("organization").prefetch_related(
                "mentorships", "upstream_issues"
            )
        ],
    }


def test_an_ideas_page_after_the_readme_adds_its_other_ideas_as_not_accepted(cncf) -> None:
    import_term(readme(), program=cncf)
    result = import_term(ideas(), program=cncf)
    assert (result.accepted, result.not_accepted, result.created) == (2, 1, 1)
    statuses = dict(Project.objects.values_list("title", "status"))
    assert statuses == {
        "Support DNS caches": Status.PUBLISHED,
        "Improving unit test coverage": Status.PUBLISHED,
        "Compact faster": Status.PUBLISHED,
        "An Antrea idea nobody took": Status.NOT_ACCEPTED,
    }
    # The README's content and head stay: nothing of the ideas page was written over them.
    accepted = Project.objects.get(title="Support DNS caches")
    assert accepted.description == "The accepted Support DNS caches."
    assert [m.github for m in accepted.mentorships.all()] == ["kim"]
    assert Term.objects.get().title == "Spring 2021"
    assert Term.objects.get().head_source == Term.HeadSource.TERM_PAGE
    assert "ideas: 2 accepted (the README's programs), 1 not accepted" in result.summary()


def test_a_readme_after_the_ideas_takes_over_the_accepted_ones_audited(cncf) -> None:
    import_term(ideas(), program=cncf)
    assert Term.objects.get().title == "Spring 2021 project ideas"  # no README yet
    assert set(Project.objects.values_list("status", flat=True)) == {Status.PROPOSED}
    proposed = {p.title: p.pk for p in Project.objects.all()}
    result = import_term(readme(), program=cncf)
    assert (result.accepted, result.not_accepted, result.created) == (2, 1, 1)
    typo = Project.objects.get(pk=proposed["Improvising unit test coverage"])
    assert (typo.title, typo.status, typo.slug) == (
        "Improving unit test coverage",
        Status.PUBLISHED,
        "improving-unit-test-coverage",
    )
    assert typo.status_changed_at is not None
    left = Project.objects.get(pk=proposed["An Antrea idea nobody took"])
    assert left.status == Status.NOT_ACCEPTED
    events = AuditEvent.objects.filter(action__startswith="projects.project.")
    assert sorted((e.action, e.object_id, e.data["before"], e.note) for e in events) == sorted(
        [
            (
                "projects.project.published",
                str(proposed["Support DNS caches!"]),
                "proposed",
                "import-term",
            ),
            ("projects.project.published", str(typo.pk), "proposed", "import-term"),
            ("projects.project.not_accepted", str(left.pk), "proposed", "import-term"),
        ]
    )
    assert Term.objects.get().title == "Spring 2021"  # the README's head replaces the ideas'


@pytest.mark.parametrize("order", ["readme first", "ideas first"])
def test_both_orders_and_separate_runs_store_the_same_term(cncf, order) -> None:
    import_term(readme(), program=cncf)
    import_term(ideas(), program=cncf)
    expected = state()
    Term.objects.all().delete()
    Organization.objects.all().delete()
    pages = [ideas(), readme()] if order == "ideas first" else [readme(), ideas()]
    for data in pages:
        import_term(data, program=cncf)
    assert state() == expected
    # And again, in any order: nothing changes.
    for data in [readme(), ideas(), readme()]:
        again = import_term(data, program=cncf)
        assert (again.created, again.updated) == (0, 0)
    assert state() == expected


def test_an_ideas_page_imported_again_leaves_the_readme_s_programs(cncf) -> None:
    import_term(ideas(), program=cncf)
    import_term(readme(), program=cncf)
    before = state()
    changed = ideas()
    changed.title = "Renamed ideas"
    changed.organizations[0].projects[0].description = "An idea's new words."
    changed.organizations[0].projects[2].description = "The idea nobody took, reworded."
    result = import_term(changed, program=cncf)
    assert (result.accepted, result.not_accepted, result.updated) == (2, 1, 1)
    after = state()
    assert after["head"] == before["head"]
    dns = Project.objects.get(title="Support DNS caches")
    assert dns.description == "The accepted Support DNS caches."
    left = Project.objects.get(title="An Antrea idea nobody took")
    assert (left.description, left.status) == (
        "The idea nobody took, reworded.",
        Status.NOT_ACCEPTED,
    )


def test_a_later_readme_that_lists_a_not_accepted_idea_publishes_it(cncf) -> None:
    import_term(readme(), program=cncf)
    import_term(ideas(), program=cncf)
    later = readme()
    later.organizations[0].projects.append(program("An Antrea idea nobody took"))
    result = import_term(later, program=cncf)
    took = Project.objects.get(title="An Antrea idea nobody took")
    assert took.status == Status.PUBLISHED
    assert result.accepted == 1
    event = AuditEvent.objects.get(action="projects.project.published")
    assert event.data == {"before": "not_accepted", "after": "published"}
    assert Project.objects.count() == 4  # the same project, not a second one


def test_organizations_are_compared_after_their_aliases(cncf) -> None:
    antrea = Organization.objects.create(program=cncf, name="Antrea", slug="antrea")
    OrganizationAlias.objects.create(organization=antrea, program=cncf, name="Project Antrea")
    import_term(ideas(), program=cncf)
    aliased = readme()
    aliased.organizations[0].name = "Project Antrea"
    result = import_term(aliased, program=cncf)
    assert result.accepted == 2
    assert Project.objects.filter(status=Status.NOT_ACCEPTED).count() == 1


def test_the_catalog_leaves_out_ideas_not_accepted(cncf) -> None:
    import_term(readme(), program=cncf)
    import_term(ideas(), program=cncf)
    visible = set(Project.objects.visible().values_list("title", flat=True))
    assert "An Antrea idea nobody took" not in visible
    assert "Support DNS caches" in visible


def test_not_accepted_is_reached_only_from_proposed_and_left_only_for_published() -> None:
    reach = {s for s, to in Project.TRANSITIONS.items() if Status.NOT_ACCEPTED in to}
    assert reach == {Status.PROPOSED}
    assert Project.TRANSITIONS[Status.NOT_ACCEPTED] == frozenset({Status.PUBLISHED})


def queries(cncf: Program, extra: int) -> tuple[int, int]:
    """Queries of the ideas page, then of the README that merges them."""
    with CaptureQueriesContext(connection) as first:
        import_term(ideas(extra), program=cncf)
    with CaptureQueriesContext(connection) as second:
        import_term(readme(), program=cncf)
    Term.objects.all().delete()  # the next case starts from the same empty program
    Organization.objects.all().delete()
    Person.objects.all().delete()
    return len(first), len(second)


def test_the_merge_takes_a_fixed_number_of_queries(cncf) -> None:
    small = queries(cncf, extra=2)
    large = queries(cncf, extra=30)
    assert small == large
    # Not accepted, audited, all 30 in the large case: in those same queries.
    assert AuditEvent.objects.filter(action="projects.project.not_accepted").count() == 3 + 31


def test_a_re_import_of_both_pages_writes_nothing(cncf) -> None:
    pages = [ideas(), readme()]
    for data in pages:
        import_term(data, program=cncf)
    events = AuditEvent.objects.filter(action__startswith="projects.project.").count()
    for data in copy.deepcopy(pages):
        result = import_term(data, program=cncf)
        assert (result.created, result.updated, result.status_kept) == (0, 0, 0)
    assert AuditEvent.objects.filter(action__startswith="projects.project.").count() == events


# -- the command, on excerpts of the real pages (fixtures/merge/SOURCE.md) ------------------

MERGE = Path(__file__).resolve().parent / "fixtures" / "merge"


def run(*args: str) -> str:
    out = StringIO()
    call_command("import_term", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def archive_state() -> list[tuple[Any, ...]]:
    terms = {t.pk: (t.label, t.title, t.head_source) for t in Term.objects.all()}
    return sorted(
        (
            terms[p.term_id],
            *(p.position, p.slug, p.status, p.title, p.description, p.lfx_url, p.search_text),
        )
        for p in Project.objects.all()
    )


def test_the_command_merges_a_term_s_pages_in_one_run_or_in_two() -> None:
    output = run(str(MERGE))
    one_run = archive_state()
    assert "ideas: 1 accepted (the README's programs), 1 not accepted" in output
    statuses = dict(Project.objects.values_list("title", "status"))
    assert statuses["Conformance Program"] == Status.NOT_ACCEPTED
    assert statuses["Service mesh playground"] == Status.PUBLISHED
    # 2022 Spring's second KubeArmor program has no heading: its idea is it, by description.
    kubearmor = Project.objects.filter(term__year=2022, organization__name="KubeArmor")
    assert kubearmor.count() == 2
    assert set(kubearmor.values_list("status", flat=True)) == {Status.PUBLISHED}
    # Its idea names it; the README's content is its own.
    webhooks = kubearmor.get(title__startswith="Using mutating webhooks")
    assert webhooks.slug.startswith("using-mutating-webhooks")
    assert webhooks.lfx_url.endswith("81f0d863-30ca-43b5-a368-fd422ec681a6")
    assert "using mutating webhooks" in webhooks.search_text
    assert run(str(MERGE)).count("0 projects new, 0 changed") == 4

    Term.objects.all().delete()
    Organization.objects.all().delete()
    run(*(str(p) for p in sorted(MERGE.rglob("project_ideas.md"))))  # the ideas, alone
    assert set(Project.objects.values_list("status", flat=True)) == {Status.PROPOSED}
    run(*(str(p) for p in sorted(MERGE.rglob("README.md"))))  # then the READMEs
    assert archive_state() == one_run
    assert run(str(MERGE)).count("0 projects new, 0 changed") == 4
    assert archive_state() == one_run


def test_an_export_imported_again_does_not_publish_the_ideas_not_accepted(cncf, tmp_path) -> None:
    import_term(readme(), program=cncf)
    import_term(ideas(), program=cncf)
    # The canonical page has no "not accepted": it writes those ideas as published.
    exported = tmp_path / "term.md"
    call_command("export_term", "2021 Term 1", "--format", "markdown", "--output", str(exported))
    assert "An Antrea idea nobody took" in exported.read_text(encoding="utf-8")
    output = run(str(exported))
    left = Project.objects.get(title="An Antrea idea nobody took")
    assert left.status == Status.NOT_ACCEPTED
    assert "1 kept their status" in output
    assert not AuditEvent.objects.filter(action="projects.project.published").exists()


def test_an_idea_not_accepted_exports_as_a_proposed_idea_and_keeps_its_status(cncf) -> None:
    from cohort.projects.interchange import term_data

    import_term(readme(), program=cncf)
    import_term(ideas(), program=cncf)
    term = Term.objects.get()
    left = Project.objects.get(term=term, status=Status.NOT_ACCEPTED)
    exported = {p.title: p.status for p in term_data(term).projects()}
    assert exported[left.title] == "proposed"  # never "published": it was not accepted
    assert exported["Support DNS caches"] == "published"
    import_term(term_data(term), program=cncf)
    left.refresh_from_db()
    assert left.status == Status.NOT_ACCEPTED
