from __future__ import annotations

import copy

import pytest

from cohort.core.errors import DomainError
from cohort.core.models import AuditEvent, Person
from cohort.formats import model as fm
from cohort.projects.interchange import term_data
from cohort.projects.models import Mentorship, Organization, OrganizationAlias, Project
from cohort.projects.services import get_or_create_program, import_term
from cohort.projects.tests.conftest import make_term
from cohort.terms.models import Milestone, Term

pytestmark = pytest.mark.django_db


def test_import_stores_every_part_of_the_term(small_term):
    program = get_or_create_program("CNCF LFX Mentorship")
    result = import_term(small_term, program=program)

    assert result.term_created
    assert result.created == 3
    term = Term.objects.get()
    assert (term.label, term.status, term.time_zone) == (
        "2024 Term 3",
        "Planning",
        "America/Los_Angeles",
    )
    milestone = Milestone.objects.get()
    assert milestone.end is not None
    assert milestone.end.isoformat() == "2024-07-31T00:00:00+00:00"
    assert milestone.raw == "Jul 3 - Jul 30 5:00 PM PDT"
    assert Organization.objects.get(name="CNCF TAG Network").kind == "group"
    dns = Project.objects.get(title="DNS caches")
    assert dns.status == "published"
    assert [m.github for m in dns.mentorships.order_by("position")] == ["tnqn", "craigbox"]
    craig = dns.mentorships.get(github="craigbox")
    assert craig.contact == "craig.box AT gee-mail"
    assert craig.email == ""
    assert craig.flags == ["email_obfuscated"]
    assert [i.url for i in dns.upstream_issues.all()] == [
        "https://github.com/antrea-io/antrea/issues/6229"
    ]


def test_the_stored_term_reads_back_as_the_same_data(small_term):
    program = get_or_create_program("P")
    term = import_term(small_term, program=program).term
    back = term_data(term)
    assert back.organizations == small_term.organizations
    assert back.milestones == small_term.milestones
    assert (back.title, back.status, back.time_zone) == (
        small_term.title,
        small_term.status,
        small_term.time_zone,
    )


def test_reimport_is_idempotent(small_term):
    program = get_or_create_program("P")
    import_term(small_term, program=program)
    counts = (Project.objects.count(), Mentorship.objects.count(), Person.objects.count())
    again = import_term(copy.deepcopy(small_term), program=program)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert not again.term_created
    assert (Project.objects.count(), Mentorship.objects.count(), Person.objects.count()) == counts


def test_reimport_updates_in_place_and_keeps_ids(small_term):
    program = get_or_create_program("P")
    import_term(small_term, program=program)
    before = Project.objects.get(title="DNS caches").pk
    stamp = Project.objects.get(pk=before).updated_at
    changed = make_term()
    changed.organizations[0].projects[0].skills = "Go, eBPF"
    changed.organizations[0].projects[0].mentors.pop()
    result = import_term(changed, program=program)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    dns = Project.objects.get(pk=before)
    assert dns.skills == "Go, eBPF"
    assert dns.updated_at > stamp
    assert Project.objects.get(title="Challenges").updated_at < dns.updated_at
    assert dns.mentorships.count() == 1


def test_a_renamed_project_is_matched_by_its_lfx_url(small_term):
    program = get_or_create_program("P")
    import_term(small_term, program=program)
    renamed = make_term()
    renamed.organizations[0].projects[0].title = "Application-level DNS caches"
    result = import_term(renamed, program=program)
    assert result.created == 0
    assert Project.objects.filter(title="Application-level DNS caches").count() == 1
    assert not Project.objects.filter(title="DNS caches").exists()


def test_projects_missing_from_a_new_page_are_left_alone(small_term):
    program = get_or_create_program("P")
    import_term(small_term, program=program)
    shorter = make_term()
    shorter.organizations.pop()
    result = import_term(shorter, program=program)
    assert result.not_on_page == 2
    assert Project.objects.count() == 3


def test_mentors_become_people_identified_by_handle_then_email():
    program = get_or_create_program("P")
    term = make_term()
    term.organizations[1].projects[1].mentors = [
        fm.Mentor(name="Only Email", email="only@example.org", flags=[fm.FLAG_HANDLE_MISSING]),
        fm.Mentor(name="Bad Handle", github="akash.nayak1", flags=[fm.FLAG_HANDLE_INVALID]),
    ]
    import_term(term, program=program)
    assert Person.objects.filter(github="tnqn").count() == 1
    assert Person.objects.get(email="only@example.org").github == ""
    bad = Mentorship.objects.get(name="Bad Handle")
    assert bad.person is None
    assert bad.github == "akash.nayak1"
    # The same mentor in another term is the same person.
    other = make_term(number=2, title="Term 02")
    import_term(other, program=program)
    assert Person.objects.filter(github="tnqn").count() == 1
    assert Mentorship.objects.filter(github="tnqn").values("person").distinct().count() == 1


def test_an_alias_maps_a_spelling_onto_the_same_organization(small_term):
    program = get_or_create_program("P")
    import_term(small_term, program=program)
    antrea = Organization.objects.get(name="Antrea")
    OrganizationAlias.objects.create(organization=antrea, program=program, name="Project Antrea")
    other = make_term(number=2)
    other.organizations[0].name = "project antrea"
    import_term(other, program=program)
    assert Organization.objects.filter(program=program).count() == 2
    assert Project.objects.filter(organization=antrea).count() == 2


def test_an_lfx_export_does_not_wipe_the_timeline_or_title(small_term):
    program = get_or_create_program("P")
    import_term(small_term, program=program)
    export = make_term(
        milestones=[],
        source_kind="lfx-json",
        title="Term 03 - 2024 September - November",
        status="",
        time_zone="UTC",
        generated="2024-08-04T21:49:16.677Z",
    )
    import_term(export, program=program)
    term = Term.objects.get()
    assert term.milestones.count() == 1
    assert (term.status, term.time_zone, term.lfx_generated) == (
        "Planning",
        "America/Los_Angeles",
        "2024-08-04T21:49:16.677Z",
    )


def test_import_is_audited(small_term):
    program = get_or_create_program("P")
    import_term(small_term, program=program)
    event = AuditEvent.objects.get(action="terms.term.imported")
    assert event.data["created"] == 3


def test_a_term_without_year_and_number_is_refused(small_term):
    small_term.year = None
    with pytest.raises(DomainError, match="--term"):
        import_term(small_term, program=get_or_create_program("P"))


def test_an_unknown_time_zone_is_refused(small_term):
    small_term.time_zone = "Mars/Olympus"
    with pytest.raises(DomainError, match="IANA"):
        import_term(small_term, program=get_or_create_program("P"))
    assert not Term.objects.exists()


def test_a_canonical_page_keeps_what_it_does_not_carry(small_term):
    program = get_or_create_program("P")
    small_term.organizations[0].projects[0].number = 2009
    small_term.organizations[0].projects[
        0
    ].issue_url = "https://github.com/cncf/mentoring/issues/2009"
    small_term.organizations[0].projects[0].prerequisites = fm.Prerequisites(resume=True)
    import_term(small_term, program=program)
    canonical = make_term(source_kind="canonical")
    canonical.organizations[0].projects[0].skills = "Go, Rust"
    import_term(canonical, program=program)
    dns = Project.objects.get(title="DNS caches")
    assert (dns.number, dns.skills) == (2009, "Go, Rust")
    assert dns.issue_url.endswith("/2009")
    assert dns.prerequisites is not None
    assert dns.prerequisites["resume"] is True


def test_a_program_never_takes_a_reserved_url_word():
    program = get_or_create_program("Search")
    assert program.slug == "search-2"
    assert get_or_create_program("Admin").slug == "admin-2"


def test_a_slug_never_takes_a_page_word():
    from cohort.projects.services import unique_slug

    taken: set[str] = set()
    assert unique_slug("Statistics", taken) == "statistics-2"  # /<program>/<term>/statistics/
    assert unique_slug("Statistics", taken) == "statistics-3"
    assert unique_slug("Statistics dashboard", taken) == "statistics-dashboard"


def test_every_top_level_url_word_is_reserved_from_program_slugs():
    """A program slugged like a top-level page would be hidden behind it."""
    from django.urls import get_resolver

    from cohort.projects.services import RESERVED_SLUGS

    words: set[str] = set()

    def walk(patterns, prefix=""):
        for pattern in patterns:
            path = prefix + str(pattern.pattern)
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns, path)
            else:
                first = path.split("/")[0]
                if first and "<" not in first and "." not in first:
                    words.add(first)

    walk(get_resolver().url_patterns)
    assert "search" in words  # the walk saw the site's pages
    assert words - RESERVED_SLUGS == set()
