"""The public site: pages, timeline in explicit zones, filters, search, privacy, queries, CSP."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from cohort.core.markdown import render_markdown
from cohort.formats import model as fm
from cohort.projects.models import Project
from cohort.projects.services import get_or_create_program, import_term
from cohort.terms.models import Program, Term
from cohort.web.tests.conftest import PRIVATE_STRINGS, bulk_term_data, reference_term_data

pytestmark = pytest.mark.django_db


def _html(response) -> str:
    return str(response.content.decode())


def _project(term: Term, title: str) -> Project:
    return term.projects.get(title=title)


def _card_titles(html: str) -> list[str]:
    return re.findall(r'class="card__title"[^>]*><a [^>]*>([^<]+)</a>', html)


# -- home and program -------------------------------------------------------------------


def test_anon_can_see_home_with_programs_and_terms(client: Client, term: Term, other_term: Term):
    html = _html(client.get(reverse("web:home")))
    assert "CNCF LFX Mentorship" in html
    assert html.index("2025 Term 1") < html.index("2024 Term 3")  # newest first
    assert "Term 03 - 2024 September - November" in html
    assert "Completed" in html  # derived from the timeline: every date of 2024 Term 3 passed
    assert "Planning" not in html  # the page's own words are kept for the export only
    # 3 visible projects in 2024 Term 3 (the proposed idea counts; the catalog shows it)
    assert re.search(r'2024-term-3/">2024 Term 3</a></th>.*?<td class="num">3</td>', html, re.S)


def test_home_without_programs_explains_what_to_do(client: Client, db: None):
    html = _html(client.get(reverse("web:home")))
    assert "No programs yet" in html
    assert "make run" in html
    assert "cohort import-term FILE" in html


def test_project_count_leaves_out_withdrawn_projects(client: Client, term: Term):
    Project.objects.filter(title="Harbor CLI").update(status=Project.Status.WITHDRAWN)
    html = _html(client.get(term.program.get_absolute_url()))
    assert re.search(r'<td class="num">2</td>', html)


def test_anon_can_see_program_page_with_its_terms(client: Client, term: Term, other_term: Term):
    response = client.get(reverse("web:program", args=[term.program.slug]))
    html = _html(response)
    assert response.status_code == 200
    assert "<h1>CNCF LFX Mentorship</h1>" in html
    assert term.get_absolute_url() in html
    assert other_term.get_absolute_url() in html


# -- term page ---------------------------------------------------------------------------


def test_term_page_shows_status_zone_and_cards_grouped_by_organization(client: Client, term: Term):
    html = _html(client.get(term.get_absolute_url()))
    assert '<span class="badge badge--completed">Completed</span>' in html
    assert "America/Los_Angeles (PDT, PST)" in html
    assert _card_titles(html) == [
        "Support application-level DNS caches",
        "Harbor CLI",
        "Harbor Satellite",
    ]
    # table of contents by organization, with anchors the sections carry
    assert '<a href="#org-antrea">Antrea</a>' in html
    assert 'id="org-harbor"' in html
    assert "CNCF - Antrea: Application-Level DNS Caches (2024 Term 3)" in html
    assert 'href="https://github.com/tnqn"' in html
    assert "@tnqn" in html
    assert 'href="https://github.com/antrea-io/antrea/issues/6229"' in html
    assert 'href="https://mentorship.lfx.linuxfoundation.org/project/99e8e0a0"' in html
    # only the proposed idea carries the badge
    assert html.count("Proposed idea") == 1
    satellite = html[html.index('id="project-harbor-satellite"') :]
    assert "Proposed idea" in satellite


def test_term_page_shows_deadline_in_term_zone_and_utc(client: Client, term: Term):
    html = _html(client.get(term.get_absolute_url()))
    proposals = html[
        html.index("project proposals</th>") : html.index("mentee applications open</th>")
    ]
    assert "Jul 3 - Jul 30 5:00 PM PDT" in proposals  # the raw text as written
    assert (
        '<time datetime="2024-07-31T00:00:00Z">Tue, Jul 30, 2024, 5:00 PM PDT</time>' in proposals
    )
    utc = '<time class="utc-instant" datetime="2024-07-31T00:00:00Z">Wed, Jul 31, 2024, 00:00 UTC'
    assert utc in proposals
    # the local column is a placeholder that static/js/localtime.js fills in
    assert "<td data-local-time>—</td>" in proposals


def test_whole_day_milestones_show_as_dates_not_midnight(client: Client, term: Term):
    html = _html(client.get(term.get_absolute_url()))
    row = html[html.index("Mentorship program begins</th>") : html.index("Last day of term</th>")]
    assert '<time datetime="2024-09-09">Mon, Sep 9, 2024</time>' in row
    assert "12:00 AM" not in row
    assert "00:00" not in row
    assert "Mon, Sep 9, 2024 –" not in row  # one day, not "Sep 9 – Sep 10"
    assert "data-local-time" not in row  # a date needs no conversion


def test_term_page_marks_the_phase_running_now(client: Client, term: Term):
    with time_machine.travel(datetime(2024, 7, 15, 12, tzinfo=UTC), tick=False):
        html = _html(client.get(term.get_absolute_url()))
    assert '<span class="badge badge--now">Now</span> <strong>project proposals</strong>' in html
    assert '<tr class="is-now" aria-current="step">' in html
    assert html.count('aria-current="step"') == 1


def test_term_page_names_the_next_phase_between_phases(client: Client, term: Term):
    with time_machine.travel(datetime(2024, 8, 20, tzinfo=UTC), tick=False):
        html = _html(client.get(term.get_absolute_url()))
    assert "No phase is running now. Next: <strong>Mentorship program begins</strong>" in html
    assert 'aria-current="step"' not in html


def test_filter_by_organization_changes_the_cards(client: Client, term: Term):
    html = _html(client.get(term.get_absolute_url(), {"org": "harbor"}))
    assert _card_titles(html) == ["Harbor CLI", "Harbor Satellite"]
    assert "Showing 2 of 3 projects" in html
    assert '<option value="harbor" selected>Harbor (2)</option>' in html


def test_filter_by_skill_is_case_insensitive_and_matches_word_starts(client: Client, term: Term):
    html = _html(client.get(term.get_absolute_url(), {"skill": "RUST"}))
    assert _card_titles(html) == ["Harbor Satellite"]
    html = _html(client.get(term.get_absolute_url(), {"skill": "go"}))  # Golang
    assert _card_titles(html) == ["Support application-level DNS caches", "Harbor CLI"]
    html = _html(client.get(term.get_absolute_url(), {"skill": "openapi"}))  # technologies
    assert _card_titles(html) == ["Harbor CLI"]
    html = _html(client.get(term.get_absolute_url(), {"skill": "ang"}))  # not mid-word
    assert _card_titles(html) == []
    assert "No project matches these filters" in html


def test_filters_combine_and_counts_follow_the_other_filter(client: Client, term: Term):
    html = _html(client.get(term.get_absolute_url(), {"skill": "golang", "org": "harbor"}))
    assert _card_titles(html) == ["Harbor CLI"]
    assert "Antrea (1)" in html  # Antrea has one golang project
    assert "Harbor (1)" in html


def test_common_skills_are_offered_as_filter_links(client: Client, term: Term):
    html = _html(client.get(term.get_absolute_url()))
    assert '<a href="?skill=golang">golang <span class="count">(2)</span></a>' in html


# -- project page ------------------------------------------------------------------------


def test_project_page_shows_everything_public(client: Client, term: Term):
    project = _project(term, "Support application-level DNS caches")
    response = client.get(project.get_absolute_url())
    html = _html(response)
    assert response.status_code == 200
    assert "<h1>Support application-level DNS caches</h1>" in html
    assert (
        '<a href="https://antrea.io/docs" rel="nofollow noopener">Network Policy APIs</a>' in html
    )
    assert "<code>minTTL</code>" in html
    assert "<strong>Antrea Agent</strong>" in html
    assert "Quan Tian" in html
    assert "@tnqn" in html
    assert "Antonin Bas" in html
    assert "@antoninbas" in html
    assert "https://github.com/antrea-io/antrea/issues/6229" in html
    assert "https://mentorship.lfx.linuxfoundation.org/project/99e8e0a0" in html
    assert "Key dates of the term" in html
    assert "Tue, Jul 30, 2024, 5:00 PM PDT" in html


def test_project_page_lists_application_prerequisites(client: Client, term: Term):
    html = _html(client.get(_project(term, "Harbor CLI").get_absolute_url()))
    assert "<li>Résumé</li>" in html
    assert '<li>Coding challenge: <a href="https://github.com/goharbor/harbor-cli/issues/1"' in html
    assert "Cover letter" not in html


def test_staff_can_see_mentor_emails_on_project_page(client: Client, term: Term, staff_user):
    client.force_login(staff_user)
    html = _html(
        client.get(_project(term, "Support application-level DNS caches").get_absolute_url())
    )
    assert "tianquan23@example.com" in html
    assert "antonin.bas@example.org" in html
    assert "qtian-lfid" not in html  # LFIDs are not shown to anyone here


def test_logged_in_non_staff_cannot_see_mentor_emails(
    client: Client, term: Term, django_user_model
):
    client.force_login(django_user_model.objects.create_user("mentee", password="pw"))
    html = _html(
        client.get(_project(term, "Support application-level DNS caches").get_absolute_url())
    )
    assert "tianquan23@example.com" not in html


def test_anon_cannot_see_emails_lfids_or_contacts_anywhere(client: Client, term: Term, other_term):
    urls = [reverse("web:home"), reverse("web:program", args=[term.program.slug])]
    urls += [t.get_absolute_url() for t in (term, other_term)]
    urls += [p.get_absolute_url() for p in Project.objects.all()]
    urls += [f"{term.get_absolute_url()}?org=harbor", f"{term.get_absolute_url()}?skill=rust"]
    words = ["golang", "orlin", "tnqn", "rust", "example", "colleague"]
    urls += [f"{reverse('web:search')}?q={w}" for w in words]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        for private in PRIVATE_STRINGS:
            assert private not in _html(response), (url, private)


def test_proposal_links_only_when_http(client: Client, term: Term):
    project = _project(term, "Harbor CLI")
    project.upstream_issues.update(url="javascript:alert(1)")
    Project.objects.filter(pk=project.pk).update(lfx_url="javascript:alert(2)")
    html = _html(client.get(project.get_absolute_url()))
    assert 'href="javascript:' not in html


# -- search ------------------------------------------------------------------------------


def _search_titles(client: Client, q: str) -> list[str]:
    return _card_titles(_html(client.get(reverse("web:search"), {"q": q})))


def test_search_finds_by_title_word_skill_and_mentor_handle(client: Client, term: Term):
    assert _search_titles(client, "Satellite") == ["Harbor Satellite"]
    assert _search_titles(client, "COBRA") == ["Harbor CLI"]
    assert _search_titles(client, "tnqn") == ["Support application-level DNS caches"]
    assert _search_titles(client, "harbor golang") == ["Harbor CLI"]  # every word must match


def test_search_finds_across_terms_and_labels_the_terms(client: Client, term, other_term):
    response = client.get(reverse("web:search"), {"q": "rust"})
    html = _html(response)
    assert _card_titles(html) == ["Fuzzing the WasmEdge runtime", "Harbor Satellite"]
    assert "2 projects match “rust”" in html
    assert "CNCF LFX Mentorship 2025 Term 1</a>" in html
    assert "CNCF LFX Mentorship 2024 Term 3</a>" in html


def test_search_does_not_find_by_email(client: Client, term: Term, other_term: Term):
    for q in ("tianquan23@example.com", "rustacean", "example.com", "qtian-lfid"):
        html = _html(client.get(reverse("web:search"), {"q": q}))
        assert _card_titles(html) == [], q
        assert "No project matches" in html


def test_search_without_query_explains_what_to_do(client: Client, term: Term):
    html = _html(client.get(reverse("web:search"), {"q": "   "}))
    assert "What are you looking for?" in html
    assert _card_titles(html) == []


def test_search_results_are_paginated_by_25(client: Client, program: Program):
    import_term(bulk_term_data(2023, 1, organizations=6, projects=5), program=program)
    first = _html(client.get(reverse("web:search"), {"q": "golang"}))
    assert "30 projects match" in first
    assert len(_card_titles(first)) == 25
    assert "Page 1 of 2" in first
    second = _html(client.get(reverse("web:search"), {"q": "golang", "page": "2"}))
    assert len(_card_titles(second)) == 5


# -- not found ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/no-such-program/",
        "/cncf-lfx-mentorship/2019-term-1/",
        "/cncf-lfx-mentorship/not-a-term/",
        "/cncf-lfx-mentorship/2024-term-3/no-such-project/",
        "/other-program/2024-term-3/harbor-cli/",
    ],
)
def test_unknown_program_term_or_project_is_404(client: Client, term: Term, path: str):
    get_or_create_program("Other Program")
    response = client.get(path)
    assert response.status_code == 404
    assert "Page not found" in _html(response)
    assert path not in _html(response)  # 404.html shows nothing the visitor sent


def test_withdrawn_project_is_404(client: Client, term: Term):
    project = _project(term, "Harbor CLI")
    Project.objects.filter(pk=project.pk).update(status=Project.Status.WITHDRAWN)
    assert client.get(project.get_absolute_url()).status_code == 404


# -- constant queries --------------------------------------------------------------------


def _big_site() -> Term:
    """Another program with three large terms: 8 organizations x 6 projects x 3 mentors each."""
    big = get_or_create_program("Big Program")
    terms = [
        import_term(bulk_term_data(2022 + i, 1, organizations=8, projects=6), program=big).term
        for i in range(3)
    ]
    return terms[0]


def test_list_pages_run_a_constant_number_of_queries(
    client: Client, term: Term, django_assert_num_queries
):
    def urls(t: Term) -> dict[str, tuple[str, int]]:
        project = t.projects.first()
        assert project is not None
        return {
            "home": (reverse("web:home"), 3),  # + every term's timeline, for its status
            "program": (t.program.get_absolute_url(), 3),
            # the term, its timeline, what the filters read of every project, this page's
            # cards with their mentors and issues, and whether the term took applications:
            # its statistics link (cohort.stats)
            "term": (t.get_absolute_url(), 7),
            "term filtered": (
                f"{t.get_absolute_url()}?skill=golang&org={project.organization.slug}",
                7,
            ),
            "project": (project.get_absolute_url(), 5),
            "search": (f"{reverse('web:search')}?q=golang", 4),
            "search empty": (reverse("web:search"), 0),
        }

    small = urls(term)
    for url, count in small.values():
        with django_assert_num_queries(count):
            assert client.get(url).status_code == 200
    large = urls(_big_site())
    assert Project.objects.count() > 100
    for url, count in large.values():
        with django_assert_num_queries(count):
            assert client.get(url).status_code == 200


# -- markdown and security headers -------------------------------------------------------


XSS_PAYLOADS = [
    "<script>alert('x')</script>",
    "[click](javascript:alert('x'))",
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<img src="x" onerror="alert(1)">',
    '<p onmouseover="alert(1)">hover</p>',
    '<svg onload="alert(1)"></svg>',
    '<iframe src="https://evil.example"></iframe>',
    '<a href="data:text/html;base64,PHNjcmlwdD4=">data</a>',
    '<span style="position:fixed">styled</span>',
]


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_markdown_neutralises_xss(payload: str):
    html = str(render_markdown(payload)).lower()
    assert "<script" not in html
    assert not re.search(r"(href|src)=[\"']?(javascript|data):", html)
    assert "onerror" not in html
    assert "onload" not in html
    assert "onmouseover" not in html
    assert "<iframe" not in html
    assert "<svg" not in html
    assert "<img" not in html
    assert 'href="data:' not in html
    assert "style=" not in html


def test_markdown_keeps_formatting_and_marks_links():
    html = str(render_markdown("# Goal\n\n- **bold** and `code`\n- [site](https://x.org)"))
    assert "<h3>Goal</h3>" in html  # headings start below the page's own h1/h2
    assert "<strong>bold</strong>" in html
    assert "<code>code</code>" in html
    assert '<a href="https://x.org" rel="nofollow noopener">site</a>' in html
    assert render_markdown("  ") == ""


def test_xss_in_imported_description_is_neutralised_on_the_page(client: Client, program: Program):
    data = reference_term_data()
    project = data.organizations[0].projects[0]
    project.description = "\n\n".join(XSS_PAYLOADS)
    project.expected_outcome = '<b onclick="alert(1)">x</b> [y](javascript:alert(1))'
    term = import_term(data, program=program).term
    html = _html(client.get(term.projects.get(number=101).get_absolute_url()))
    assert "<script>alert" not in html
    assert not re.search(r"(href|src)=[\"']?(javascript|data):", html, re.IGNORECASE)
    assert not re.search(r"<[^>]+\s(onerror|onload|onclick|onmouseover)=", html)
    assert "<iframe" not in html
    assert "<svg" not in html
    assert "<b>x</b>" in html  # the harmless part survives


def test_pages_send_csp_and_have_no_inline_script_or_style(client: Client, term, other_term):
    urls = [
        reverse("web:home"),
        term.program.get_absolute_url(),
        term.get_absolute_url(),
        term.projects.get(number=101).get_absolute_url(),
        f"{reverse('web:search')}?q=harbor",
        reverse("web:search"),
        "/missing-program/",
    ]
    for url in urls:
        response = client.get(url)
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp
        assert "script-src 'self'" in csp
        html = _html(response)
        assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", html), url
        assert not re.search(r"\sstyle\s*=", html), url
        assert '<html lang="en">' in html


def test_local_time_script_is_external(client: Client, term: Term):
    html = _html(client.get(term.get_absolute_url()))
    assert '<script src="/static/js/localtime.js" defer></script>' in html


def test_staff_sees_admin_link_and_logout_form(client: Client, term: Term, staff_user):
    anon = _html(client.get(reverse("web:home")))
    assert reverse("admin:index") + '"' not in anon
    assert "Log in" in anon
    client.force_login(staff_user)
    html = _html(client.get(reverse("web:home")))
    assert f'href="{reverse("admin:index")}"' in html
    assert f'action="{reverse("account_logout")}"' in html


def test_mentor_with_invalid_handle_is_not_linked(client: Client, program: Program):
    data = reference_term_data()
    data.organizations[0].projects[0].mentors = [
        fm.Mentor(name="Bad Handle", github="not a handle!", flags=[fm.FLAG_HANDLE_INVALID])
    ]
    term = import_term(data, program=program).term
    html = _html(client.get(term.projects.get(number=101).get_absolute_url()))
    assert "Bad Handle" in html
    assert "github.com/not" not in html


def test_500_page_renders_without_context_or_user_data():
    html = render_to_string("500.html")
    assert "Something went wrong on our side" in html
    assert "{{" not in html
    assert "<script" not in html


def test_inline_markdown_renders_bold_and_code_without_a_paragraph():
    from cohort.core.markdown import render_markdown_inline

    html = render_markdown_inline("CNCF Project: **Antrea** and `@username`")
    assert html == "CNCF Project: <strong>Antrea</strong> and <code>@username</code>"
    assert render_markdown_inline("   ") == ""


@pytest.mark.parametrize(
    "payload",
    ["**x**<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[a](javascript:alert(1))"],
)
def test_inline_markdown_neutralises_xss(payload: str):
    from cohort.core.markdown import render_markdown_inline

    html = render_markdown_inline(payload)
    assert "<script" not in html
    assert "<img" not in html
    assert 'href="javascript:' not in html  # at most left as plain text, never a link


# -- long unbroken text ------------------------------------------------------------------------

CSS = Path(__file__).resolve().parents[3] / "static" / "css" / "cohort.css"


def _wrapping_selectors() -> set[str]:
    """Every selector of a rule that sets `overflow-wrap: anywhere` in the site's CSS."""
    css = re.sub(r"/\*.*?\*/", "", CSS.read_text(encoding="utf-8"), flags=re.DOTALL)
    selectors: set[str] = set()
    for head, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        if re.search(r"overflow-wrap:\s*anywhere", body):
            selectors |= {s.strip() for s in head.split(",")}
    return selectors


def test_a_300_character_unbroken_title_wraps_instead_of_widening_the_page(
    client: Client, term: Term
):
    title = "x" * 300
    project = Project.objects.visible().filter(term=term).order_by("pk").first()
    assert project is not None
    Project.objects.filter(pk=project.pk).update(title=title)
    assert {"h1", "h2", "h3", "td", "th", "dd", "p", "li"} <= _wrapping_selectors()
    for url in (project.get_absolute_url(), term.get_absolute_url(), reverse("web:home")):
        html = _html(client.get(url))
        if url != reverse("web:home"):
            assert title in html
        # Every table sits in a box that scrolls sideways, never the page.
        opened = [m.start() for m in re.finditer(r"<table\b", html)]
        for start in opened:
            wrapper = html.rfind("<div", 0, start)
            assert 'class="table-scroll"' in html[wrapper : html.index(">", wrapper) + 1], url


def test_visitor_asking_for_favicon_ico_is_sent_to_the_site_icon(client) -> None:
    """Chromium asks for /favicon.ico on every page; a 404 there was the only console error
    on the visitor's journey."""
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/img/favicon.svg"
