"""Term-page parser: the five corpus pages, every variation of spec/term-pages.md §7, the
canonical round trip and malformed input. Pure pytest, no database."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cohort.formats.canonical import render_canonical
from cohort.formats.interchange import term_to_json
from cohort.formats.model import (
    FLAG_EMAIL_MISSING,
    FLAG_EMAIL_OBFUSCATED,
    FLAG_HANDLE_MISSING,
    FormatError,
    Mentor,
    Project,
    TermData,
)
from cohort.formats.termpage import parse_term_page

FIXTURES = Path(__file__).parent / "fixtures"
REFERENCE = "2024-03-Sep-Nov-README.planning.md"
# Old pages do not say which term they are; the importer is told with --term.
TERMS = {
    "2020-q2-project_ideas.md": "2020 Term 2",
    "2021-01-Spring-README.md": "2021 Term 1",
}


def load(name: str) -> TermData:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    return parse_term_page(text, source=name, term=TERMS.get(name))


def project(term: TermData, title: str) -> Project:
    matches = [p for p in term.projects() if p.title == title]
    assert len(matches) == 1, [p.title for p in term.projects()]
    return matches[0]


def mentor_tuples(p: Project) -> list[tuple[str, str, str, str, list[str]]]:
    return [(m.name, m.github, m.email, m.role, m.flags) for m in p.mentors]


def parse(text: str, **kwargs: Any) -> TermData:
    kwargs.setdefault("term", "2024 Term 3")
    return parse_term_page(text, **kwargs)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# --- the reference page ----------------------------------------------------------------------


def test_reference_page_counts_and_identity() -> None:
    term = load(REFERENCE)
    assert (term.year, term.number, term.label) == (2024, 3, "2024 Term 3")
    assert term.title == "Term 03 - 2024 September - November"
    assert term.status == "Planning"
    assert term.duration == "three months (12 weeks - full-time schedule)"
    assert term.time_zone == "America/Los_Angeles"
    assert term.source_kind == "readme"
    assert len(term.projects()) == 48
    assert len(term.organizations) == 20
    assert len(term.milestones) == 8
    assert all(p.status == "published" for p in term.projects())
    assert term.frontmatter.startswith("# Term 03 - 2024 September - November\n")
    assert term.frontmatter.endswith("page.\n\n---")


def test_reference_page_milestones() -> None:
    term = load(REFERENCE)
    assert [m.key for m in term.milestones] == [
        "proposals_open",
        "applications_open",
        "application_review",
        "selection_notify",
        "term_start",
        "midterm_evals",
        "final_evals",
        "term_end",
    ]
    first = term.milestones[0]
    assert first.label == "project proposals"
    assert first.raw == "Jul 3 - Jul 30 5:00 PM PDT"
    assert first.start == utc(2024, 7, 3, 7)
    assert first.end == utc(2024, 7, 31)
    assert first.has_time
    start = term.milestones[4]
    assert start.raw == "Sept 9, 2024"
    assert (start.start, start.end, start.has_time) == (
        utc(2024, 9, 9, 7),
        utc(2024, 9, 10, 7),
        False,
    )
    midterm = term.milestones[5]
    assert midterm.raw.startswith("October 15, 2024 5:00 PM PDT (the week")
    assert midterm.start == midterm.end == utc(2024, 10, 16)


def test_reference_page_organizations() -> None:
    term = load(REFERENCE)
    names = [org.name for org in term.organizations]
    assert names[:4] == ["Antrea", "CNCF TAG Network", "Envoy Gateway", "Harbor"]
    assert names[-1] == "WasmEdge"
    kinds = {org.name: org.kind for org in term.organizations}
    assert kinds["CNCF TAG Network"] == "group"
    assert kinds["Antrea"] == "project"
    assert [len(org.projects) for org in term.organizations if org.name == "KubeEdge"] == [5]


def test_reference_antrea_entry() -> None:
    p = project(
        load(REFERENCE), "Support application-level DNS caches when using FQDN-based security rules"
    )
    assert p.lfx_title == (
        "CNCF - Antrea: Application-Level DNS Caches for FQDN-Based Security Rules (2024 Term 3)"
    )
    assert mentor_tuples(p) == [
        ("Quan Tian", "tnqn", "tianquan23@gmail.com", "primary", []),
        ("Yang Ding", "Dyanngg", "dingyany1995@outlook.com", "co-mentor", []),
        ("Antonin Bas", "antoninbas", "antonin.bas@gmail.com", "co-mentor", []),
    ]
    assert p.upstream_issues == ["https://github.com/antrea-io/antrea/issues/6229"]
    assert p.lfx_url == (
        "https://mentorship.lfx.linuxfoundation.org/project/99e8e0a0-4d82-4ac5-88bc-55b1d1a2c1f4"
    )
    assert p.skills.startswith("familiarity with Golang, some knowledge")
    assert p.description.startswith("Antrea provides [Network Policy APIs]")
    assert p.expected_outcome.startswith("Definition and implementation of a new configuration")
    assert p.line == 105
    assert p.raw.startswith(
        "#### Support application-level DNS caches when using FQDN-based security rules\n\n"
        "CNCF - Antrea:"
    )
    assert p.raw.endswith(
        "- LFX URL: https://mentorship.lfx.linuxfoundation.org/project/"
        "99e8e0a0-4d82-4ac5-88bc-55b1d1a2c1f4\n"
    )


def test_reference_raw_is_the_verbatim_entry_text() -> None:
    text = (FIXTURES / REFERENCE).read_text(encoding="utf-8")
    lines = text.split("\n")
    for p in load(REFERENCE).projects():
        assert lines[p.line - 1].startswith("#### ")
        assert p.raw in text
        assert text.index(p.raw) == len("\n".join(lines[: p.line - 1])) + 1
        assert "\n### " not in p.raw
        assert "\n#### " not in p.raw


def test_reference_kcl_checksum_co_mentor_label() -> None:
    p = project(load(REFERENCE), "The checksum check of the three-party dependencies")
    assert p.lfx_title == ""
    assert mentor_tuples(p) == [
        ("Pengfei Xu", "Peefy", "xpf6677@gmail.com", "primary", []),
        ("Zhe Zong", "zong-zhe", "zongzhe1024@163.com", "co-mentor", []),
        ("Akash Kumar", "AkashKumar7902", "meakash7902@gmail.com", "co-mentor", []),
    ]


def test_reference_unbalanced_parenthesis_mentor() -> None:
    p = project(load(REFERENCE), "CNCF Challenges: Technical Content Creation")
    assert mentor_tuples(p) == [
        ("Lee Calcote", "leecalcote", "leecalcote@gmail.com", "primary", []),
        ("Nic Jackson", "nicholasjackson", "jackson.nic@gmail.com", "co-mentor", []),
    ]
    assert p.description.count("\n\n") == 2  # its unindented paragraphs stay in the description


def test_reference_mentor_name_prefix_two_mentors_on_one_line() -> None:
    title = (
        "Interrelating Kubernetes Resources: Identifying relationships between all standard "
        "and custom resources"
    )
    p = project(load(REFERENCE), title)
    assert mentor_tuples(p) == [
        ("Uzair Shaikh", "muzairs15", "muzair.shaikh810@gmail.com", "primary", []),
        ("Lee Calcote", "leecalcote", "leecalcote@gmail.com", "co-mentor", []),
    ]
    # the same prefix nested under "Recommended Skills" (Meshery) still gives mentors
    meshery = project(load(REFERENCE), "Meshery: End-to-End Testing with Playwright (Round 2)")
    assert [m.github for m in meshery.mentors] == ["aabidsofi19", "leecalcote"]
    assert meshery.skills.endswith("would be helpful, CI/CD")


def test_reference_obfuscated_email_is_flagged_never_recovered() -> None:
    text = (FIXTURES / REFERENCE).read_text(encoding="utf-8")
    assert "craig.box AT gee-mail" in text
    for title in ("Improve documentation build infrastructure", "Implement new site search"):
        (craig,) = project(load(REFERENCE), title).mentors
        assert craig == Mentor(
            name="Craig Box",
            github="craigbox",
            email="",
            role="primary",
            flags=[FLAG_EMAIL_OBFUSCATED],
            contact="craig.box AT gee-mail",
        )


def test_reference_nested_skills_and_multiple_issues() -> None:
    term = load(REFERENCE)
    assert project(term, "Collect and visualize Karmada metrics").skills == (
        "Kubernetes, Go, gin, react, sqlite"
    )
    assert project(
        term, "Testing Inspektor Gadget gadgets on different kernel versions"
    ).upstream_issues == [
        "https://github.com/inspektor-gadget/inspektor-gadget/issues/3195",
        "https://github.com/inspektor-gadget/inspektor-gadget/issues/1343",
    ]
    # an unbulleted "Expected Outcome:" inside the description starts its own field
    p = project(term, "Testing Inspektor Gadget gadgets on different kernel versions")
    assert p.expected_outcome.startswith("Gadget developers have a way")
    assert "Expected Outcome" not in p.description


# --- every corpus page ----------------------------------------------------------------------

# (file, programs, organizations, milestones); the program counts are those of
# spec/term-pages.md §7.1 (2024 T3 as published while planning has 48 of the final 49).
COUNTS = [
    ("2020-q2-project_ideas.md", 31, 14, 0),
    ("2021-01-Spring-README.md", 38, 16, 6),
    ("2023-01-Mar-May-README.md", 65, 28, 7),
    (REFERENCE, 48, 20, 8),
    ("2025-02-Jun-Aug-README.md", 57, 25, 10),
]


@pytest.mark.parametrize(("name", "programs", "orgs", "milestones"), COUNTS)
def test_every_corpus_page_parses_with_its_counts(
    name: str, programs: int, orgs: int, milestones: int
) -> None:
    term = load(name)
    assert len(term.projects()) == programs
    assert len(term.organizations) == orgs
    assert len(term.milestones) == milestones
    for p in term.projects():
        assert p.raw
        assert p.line > 0
        assert p.mentors, p.title
        assert p.description, p.title
        for m in p.mentors:
            assert m.flags == sorted(m.flags)
            assert m.name


def test_all_corpus_pages_parse_fast() -> None:
    texts = [((FIXTURES / name).read_text(encoding="utf-8"), name) for name, *_ in COUNTS]
    for text, name in texts:  # warm up the regular expressions
        parse_term_page(text, source=name, term=TERMS.get(name))
    started = time.perf_counter()
    for text, name in texts:
        parse_term_page(text, source=name, term=TERMS.get(name))
    assert time.perf_counter() - started < 0.5  # measured ~35 ms; fails on quadratic work


def test_2020_q2_ideas_page() -> None:
    term = load("2020-q2-project_ideas.md")
    assert term.source_kind == "ideas"
    assert {p.status for p in term.projects()} == {"proposed"}
    titles = [p.title for p in term.projects()]
    assert "Refactor the APIs for better readability and less maintenance overhead" not in titles
    # `### Complete Katacoda tutorials` sits at the group level: it stays with Thanos
    thanos = next(o for o in term.organizations if o.name == "Thanos")
    assert [p.title for p in thanos.projects][-1] == "Complete Katacoda tutorials"
    # trailing `**` and a `#####` title directly under `###`
    coredns = next(o for o in term.organizations if o.name == "CoreDNS")
    assert [p.title for p in coredns.projects] == [
        "External health check and orchestration of CoreDNS in Kubernetes clusters"
    ]
    csi = project(term, "Kubernetes working group for CSI driver")
    assert csi.upstream_issues == [
        "https://github.com/kubernetes-sigs/azurefile-csi-driver/issues",
        "https://github.com/Azure/kubernetes-volume-drivers/issues/48",
    ]
    assert mentor_tuples(csi) == [("Andy Zhang", "andyzhangx", "", "primary", [FLAG_EMAIL_MISSING])]
    tracking = project(term, "Per Request Query Tracking and Limiting")
    assert tracking.skills == "go, distributed systems, Linux"  # label without a bullet
    assert tracking.upstream_issues == [
        "https://github.com/thanos-io/thanos/issues/1706",
        "https://github.com/thanos-io/thanos/issues/2527",
    ]


def test_2021_spring_page() -> None:
    term = load("2021-01-Spring-README.md")
    assert (term.title, term.status, term.year, term.number) == ("Q1", "Completed", 2021, 1)
    assert term.duration == "three months (12 weeks - full-time schedule)"
    csi = project(term, "Kubernetes working group for CSI driver")
    assert csi.subgroup == "SIG Storage"
    assert csi.lfx_url.endswith("/project/51cb21c9-62eb-4e1c-9897-08e554a78b32")
    kubernetes = term.organizations[0]
    assert kubernetes.name == "Kubernetes"
    assert [p.subgroup for p in kubernetes.projects] == [
        "SIG Storage",
        "WG Policy",
        "SIG Usability",
        "SIG Architecture",
        "SIG Cluster Lifecycle",
    ]
    assert all(p.lfx_url.startswith("https://mentorship.lfx") for p in term.projects())
    tests = project(term, "Design more tests for specific scenarios of edge computing")
    assert tests.description.startswith("- We need to do some designs")
    assert mentor_tuples(tests) == [
        ("Fisher(Fei) Xu", "fisherxu", "", "primary", [FLAG_EMAIL_MISSING])
    ]
    assert [m.github for m in project(term, "Stateless Ruler").mentors] == [
        "bwplotka",
        "squat",
        "kakkoyun",
    ]


def test_2023_t1_page() -> None:
    term = load("2023-01-Mar-May-README.md")
    assert term.status == "Complete"
    kubernetes = next(o for o in term.organizations if o.name == "Kubernetes")
    assert [p.subgroup for p in kubernetes.projects] == [
        "Cluster API Provider GCP (CAPG)",
        "Cluster API Provider AWS (CAPA)",
    ]
    # `#### Meshery` nested under `### KubeEdge` is an organization of its own
    meshery = next(o for o in term.organizations if o.name == "Meshery")
    assert [p.title for p in meshery.projects] == [
        "Distributed workflow engine",
        "Multi-user cloud native playground",
        "Distributed client-side policy evaluation in WASM and Rego",
    ]
    assert all(p.subgroup == "" for p in meshery.projects)
    # two Mentor(s) lines, one mangled, merge per handle
    regex = project(term, "Regex replication rules")
    assert mentor_tuples(regex) == [
        ("Vadim Bauer", "Vad1mo", "vb@container-registry.com", "primary", []),
        ("Yan Wang", "wy65701436", "wangyan@vmware.com", "co-mentor", []),
        ("Orlin Vasilev", "OrlinVasilev", "ovasilev@vmware.com", "co-mentor", []),
    ]
    assert regex.upstream_issues == ["https://github.com/goharbor/harbor/issues/8614"]
    assert project(
        term, "Add complete parsing support for Spatial MySQL functions"
    ).upstream_issues == [
        "https://github.com/vitessio/vitess/issues/8604"  # `Upstraeam Issue`
    ]
    # un-bulleted `LFX URL:` at the end of an entry
    assert project(term, "Adaptive Load Controller II").lfx_url.endswith(
        "2597fc3d-eb2c-411f-b02d-940c8347328d"
    )
    assert project(term, "Multi-Architecture Builds Support").upstream_issues == [
        "https://github.com/buildpacks/pack/issues/1459",
        "https://github.com/buildpacks/pack/issues/1460",
    ]
    landscape = project(term, "UX UI improvement")
    assert [(m.name, m.github, m.email) for m in landscape.mentors] == [
        ("Andrea Velázquez", "", "andrea@buoyant.io"),
        ("Nate W.", "nate-double-u", "natew@cncf.io"),
        ("Chris Aniszczyk", "caniszczyk", "caniszczyk@linuxfoundation.org"),
    ]


def test_2025_t2_page() -> None:
    term = load("2025-02-Jun-Aug-README.md")
    assert (term.year, term.number) == (2025, 2)
    assert all(p.lfx_title.endswith("(2025 Term 2)") for p in term.projects())
    eventing = project(term, "Harbor Satellite: Implementing a Eventing System for Satellite")
    assert eventing.lfx_url == ""  # the bare `- LFX`
    headlamp = project(
        term, "Kubernetes UI Headlamp: Implement Kubernetes API Caching, Pagination, and Search"
    )
    assert headlamp.description.startswith("Headlamp currently fetches Kubernetes API data")
    assert headlamp.expected_outcome.startswith("- A backend caching layer")
    assert headlamp.skills == "Golang (Optional: Kubernetes API)"
    assert [m.github for m in headlamp.mentors] == ["yolossn", "illume", "knrt10"]
    assert headlamp.upstream_issues == ["https://github.com/kubernetes-sigs/headlamp/issues/3230"]
    # prose under the heading with no label is the description
    azure = project(term, "Model relationships for Azure services")
    assert azure.description.startswith("Meshery Models are declarative representations")
    assert [m.name for m in azure.mentors] == ["Lee Calcote", "Sangram Rath", "Mia Grenell"]
    # YAML-ish `description: |` / `expectedOutcome:` labels
    ambient = project(term, "Expand testing for Multi-Cluster in Ambient")
    assert ambient.description.startswith("Istio is a service mesh platform")
    assert ambient.expected_outcome.startswith("- Audit existing ambient integration tests")
    # `- Primary` role suffix
    s390x = project(term, "Port WasmEdge and the WASI-NN ggml backend to the s390x platform")
    assert [(m.name, m.role) for m in s390x.mentors] == [
        ("Hung-Ying Tai", "primary"),
        ("dm4", "co-mentor"),
    ]
    cilium = project(term, "Cilium Technical Outcomes")
    assert mentor_tuples(cilium) == [
        ("Bill Mulligan", "xmulligan", "bill.mulligan@isovalent.com", "primary", [])
    ]
    assert cilium.upstream_issues == ["https://github.com/cilium/cilium.io/issues/492"]
    rollback = project(term, "Chaos scenario rollback feature")
    assert rollback.description.startswith("We intend to refactor")  # `Description:<br/>`
    craig = project(term, "Update documentation CMS build pipeline").mentors[0]
    assert (craig.contact, craig.flags) == ("craig.box AT gee-mail", [FLAG_EMAIL_OBFUSCATED])


# --- canonical round trip --------------------------------------------------------------------

CORPUS = sorted(p.name for p in FIXTURES.glob("20*.md"))


@pytest.mark.parametrize("name", CORPUS)
def test_canonical_roundtrip_gives_identical_json(name: str) -> None:
    """import → export markdown → import gives the same Cohort JSON, for every corpus file."""
    first = load(name)
    text = render_canonical(first)
    second = parse_term_page(text, source=f"{name}.canonical.md")
    assert second.source_kind == "canonical"
    assert term_to_json(second) == term_to_json(first)
    assert second.frontmatter == first.frontmatter
    assert render_canonical(second) == text  # and the page itself is stable
    assert len(first.projects()) > 0


def test_corpus_list_covers_every_corpus_file() -> None:
    assert len(CORPUS) == 5


# --- §7.2 page-level variations -----------------------------------------------------------------

HEADER = (
    "# Term 03 - 2024 September - November\n\nStatus: Planning\n\n---\n\n## Accepted projects\n\n"
)
ENTRY = (
    "### Jaeger\n\n#### Demo\n\n- Description: Build a demo.\n"
    "- Mentor(s): Jonah Kowall (@jkowall, jonah@example.com)\n"
)


def page(body: str, header: str = HEADER) -> str:
    return header + body


@pytest.mark.parametrize(
    ("top", "term", "title", "year", "number"),
    [
        ("## 2019\n\n", "2019 Term 1", "2019", 2019, 1),
        ("Q1\n--\n\n", "2020 Term 1", "Q1", 2020, 1),
        ("# 2020\n\n## Q2\n\n", "2020 Term 2", "2020", 2020, 2),
        ("2020\n====\n\nQ3-Q4\n-----\n\n", "2020 Term 3", "2020", 2020, 3),
        ("## Q1\n\n", "2021 Term 1 (Mar-May)", "Q1", 2021, 1),
        ("# Q3 - Fall'2021\n\n", "2021 Term 3", "Q3 - Fall'2021", 2021, 3),
        ("# Q1\n\n", "2022 Term 1", "Q1", 2022, 1),
        (
            "Status: Completed\n\n# Table of contents\n\n- [Q2](#q2)\n\n# Q2\n\n",
            "2022 Term 2",
            "Q2",
            2022,
            2,
        ),
        (
            "# Term 03 - 2022 September - November \n\n",
            None,
            "Term 03 - 2022 September - November",
            2022,
            3,
        ),
        ("# Term 02 - 2025 Jun - Aug\n\n", None, "Term 02 - 2025 Jun - Aug", 2025, 2),
        ("# Term 03 - 2025 Sept - Nov\n\n", None, "Term 03 - 2025 Sept - Nov", 2025, 3),
    ],
)
def test_title_variants(top: str, term: str | None, title: str, year: int, number: int) -> None:
    data = parse_term_page(top + "## Accepted Projects\n\n" + ENTRY, term=term)
    assert (data.title, data.year, data.number) == (title, year, number)
    assert [p.title for p in data.projects()] == ["Demo"]


def test_term_argument_overrides_the_title() -> None:
    data = parse_term_page(page(ENTRY), term="2023 Term 1")
    assert data.label == "2023 Term 1"


def test_missing_term_is_an_error_with_the_title_line() -> None:
    with pytest.raises(FormatError) as caught:
        parse_term_page("\n\n# Q3 - Fall'2021\n\n## Accepted Projects\n\n" + ENTRY, source="f.md")
    assert caught.value.line == 3
    assert caught.value.message == 'cannot tell which term this page is; pass --term "YYYY Term N"'
    assert str(caught.value).startswith("f.md:3: cannot tell which term")


def test_missing_term_without_a_title_points_at_line_1() -> None:
    with pytest.raises(FormatError) as caught:
        parse_term_page("Some text.\n\n## Accepted Projects\n\n" + ENTRY)
    assert caught.value.line == 1


@pytest.mark.parametrize(
    "bad", ["2024", "Term 3", "2024 Term 7", "24 Term 1", "2024 Term 3 (Sep-", "x"]
)
def test_malformed_term_argument(bad: str) -> None:
    with pytest.raises(FormatError, match="invalid term"):
        parse_term_page(page(ENTRY), term=bad)


def test_canonical_term_line_gives_the_term() -> None:
    text = "# Anything\n\nTerm: 2026 Term 2\n\n---\n\n## Accepted projects\n\n" + ENTRY
    assert parse_term_page(text).label == "2026 Term 2"


@pytest.mark.parametrize(
    ("line", "status"),
    [
        ("*Status: completed*", "completed"),
        ("_Status: completed_", "completed"),
        ("*Status: Completed*", "Completed"),
        ("_Status: Completed_", "Completed"),
        ("Status: Planned", "Planned"),
        ("Status: Complete", "Complete"),
        ("Status: Completed", "Completed"),
        ("Status: Accepting applications", "Accepting applications"),
        ("Status: Ongoing", "Ongoing"),
        ("Status: Planning", "Planning"),
        ("Status: Accepting Applications", "Accepting Applications"),
    ],
)
def test_status_variants(line: str, status: str) -> None:
    text = f"# Term 01 - 2023 March - May\n\n{line}\n\n## Accepted Projects\n\n{ENTRY}"
    assert parse_term_page(text).status == status


@pytest.mark.parametrize(
    ("line", "duration"),
    [
        (
            "Mentorship duration - three months \\(12 weeks - full-time schedule\\)",
            "three months (12 weeks - full-time schedule)",
        ),
        (
            "### **Mentorship duration - three months (11 weeks - full-time schedule)**",
            "three months (11 weeks - full-time schedule)",
        ),
        (
            "Mentorship duration - three months (full-time schedule)",
            "three months (full-time schedule)",
        ),
    ],
)
def test_duration_variants(line: str, duration: str) -> None:
    text = f"# Term 01 - 2023 March - May\n\n{line}\n\n## Accepted Projects\n\n{ENTRY}"
    assert parse_term_page(text).duration == duration


def test_frontmatter_is_the_text_up_to_the_first_rule() -> None:
    text = "# Term 01 - 2023 March - May\n\nStatus: Complete\n\n---  \n\nTOC\n\n---\n\n" + ENTRY
    data = parse_term_page(text)
    assert data.frontmatter == "# Term 01 - 2023 March - May\n\nStatus: Complete\n\n---  "
    no_rule = parse_term_page("# Term 01 - 2023 March - May\n\n## Accepted Projects\n\n" + ENTRY)
    assert no_rule.frontmatter == ""


def test_timeline_bullet_list_with_prose_dates() -> None:
    text = (
        "## Q1\n\n_Status: Completed_\n\n### Timeline\n\n**Spring Term: March 1st - May 31st**\n\n"
        "- project applications open: Jan 20th - Jan 31st \\(1.5 weeks\\)\n"
        "- mentees applications open: Feb 1st - Feb 12th \\(2 weeks\\)\n\n"
        "Mentorship duration - three months \\(12 weeks - full-time schedule\\)\n\n"
        "- March 1 (Week 1): Mentorship program begins with the initial work assignments\n"
        "- April 12 (End of Week 6): Midterm mentee evaluations and first stipend payments\n\n"
        "## Participating Projects\n\n" + ENTRY
    )
    data = parse_term_page(text, term="2021 Term 1")
    assert [(m.key, m.label, m.raw) for m in data.milestones] == [
        ("proposals_open", "project applications open", "Jan 20th - Jan 31st \\(1.5 weeks\\)"),
        ("applications_open", "mentees applications open", "Feb 1st - Feb 12th \\(2 weeks\\)"),
        (
            "term_start",
            "Mentorship program begins with the initial work assignments",
            "March 1 (Week 1)",
        ),
        (
            "midterm_evals",
            "Midterm mentee evaluations and first stipend payments",
            "April 12 (End of Week 6)",
        ),
    ]
    assert data.milestones[0].start == utc(2021, 1, 20, 8)  # PST in January
    assert data.milestones[0].end == utc(2021, 2, 1, 8)
    assert data.milestones[3].start == utc(2021, 4, 12, 7)  # PDT in April
    assert data.time_zone == "America/Los_Angeles"


def test_timeline_activity_date_table() -> None:
    text = (
        "# Term 03 - 2022 September - November \n\nStatus: Completed\n\n"
        "| activity | date |\n| --- | --- |   \n"
        "| mentee applications open | August 1 - August 12, 5:00 PM PDT |\n"
        "| Last day of term | November 30 | \n\n## Accepted Projects\n\n" + ENTRY
    )
    data = parse_term_page(text)
    first, last = data.milestones
    assert (first.key, first.raw, first.start, first.end) == (
        "applications_open",
        "August 1 - August 12, 5:00 PM PDT",
        utc(2022, 8, 1, 7),
        utc(2022, 8, 13, 0),
    )
    assert (last.key, last.start, last.end, last.has_time) == (
        "term_end",
        utc(2022, 11, 30, 8),
        utc(2022, 12, 1, 8),
        False,
    )


def test_timeline_bold_activity_dates_table() -> None:
    text = (
        "# Term 02 - 2025 Jun - Aug\n\nStatus: Planning\n\n### Timeline\n\n"
        "| **Activity**                   | **Dates (2025)**   |\n|---|---|\n"
        "| **Project Proposals Open**     | Wed, April 16 – Tue, May 13, 2025 11AM PDT (18:00 "
        "UTC)  |\n"
        "| **Mentee Applications Open**   | Thurs, May 15, 2025 11AM PDT (18:00 UTC) – Tue, May "
        "27 2025 11AM PDT (18:00 UTC) |\n"
        "| **Selection Notifications**    | Wed, June 4, 2025 |\n\n---\n\n" + ENTRY
    )
    data = parse_term_page(text)
    assert [m.label for m in data.milestones] == [
        "Project Proposals Open",
        "Mentee Applications Open",
        "Selection Notifications",
    ]
    proposals, applications, _ = data.milestones
    assert proposals.raw == "Wed, April 16 – Tue, May 13, 2025 11AM PDT (18:00 UTC)"
    assert (proposals.start, proposals.end) == (utc(2025, 4, 16, 7), utc(2025, 5, 13, 18))
    assert (applications.start, applications.end) == (utc(2025, 5, 15, 18), utc(2025, 5, 27, 18))


def test_timeline_scaffold_format_in_utc() -> None:
    text = (
        "# Term 03 - 2026 September - November\n\nStatus: Planning\n\n### Timeline\n\n"
        "| Activity | Dates (2026) |\n|--------------|------------------|\n"
        "| Project Proposals Open | Wed, Jul 1 – Tue, Jul 28, 18:00 UTC |\n"
        "| Mentee Candidate Info Sessions | Tue, Jul 21, Times TBD (will be multiple timezone "
        "options) |\n"
        "| Mentee Applications Open | Mon, Aug 3, 00:00 UTC – Tue, Aug 18, 23:59 UTC |\n"
        "| Selection Notifications | Wed, Sep 2 – Fri, Sep 4 *(notifications may take a few "
        "days)* |\n"
        "| Mentorship Kick Off Call | Tue, Sep 8, Times TBD (will be multiple timezone options) |\n"
        "| Last Day of Term | Fri, Nov 27 |\n\n---\n\n" + ENTRY
    )
    data = parse_term_page(text)
    assert data.time_zone == "UTC"
    assert [m.key for m in data.milestones] == [
        "proposals_open",
        "candidate_info_sessions",
        "applications_open",
        "selection_notify",
        "kickoff_call",
        "term_end",
    ]
    assert data.milestones[0].start == utc(2026, 7, 1)
    assert data.milestones[0].end == utc(2026, 7, 28, 18)
    assert data.milestones[2].end == utc(2026, 8, 18, 23, 59)
    assert (data.milestones[5].start, data.milestones[5].end) == (
        utc(2026, 11, 27),
        utc(2026, 11, 28),
    )


@pytest.mark.parametrize(
    "toc",
    [
        "- [Accepted Projects](#accepted-projects)\n  - [Jaeger](#jaeger)\n    - [Demo](#demo)\n\n",
        "## Table of Contents\n\n- [Jaeger](#jaeger)\n  - [Demo](#demo)\n\n",
        "<!-- TOC -->\n* [Jaeger](#jaeger)\n  * [Demo](#demo)\n<!-- TOC -->\n\n",
        "Table of Contents\n\n* [Jaeger](#jaeger)\n  * [Demo](#demo)\n\n",
    ],
)
def test_tables_of_contents_are_not_programs(toc: str) -> None:
    text = (
        "# Term 01 - 2023 March - May\n\n---\n\n" + toc + "## Accepted Projects\n\n" + toc + ENTRY
    )
    data = parse_term_page(text)
    assert [(o.name, [p.title for p in o.projects]) for o in data.organizations] == [
        ("Jaeger", ["Demo"])
    ]


def test_instructions_and_templates_before_the_section_are_ignored() -> None:
    text = (
        "# Term 01 - 2023 March - May\n\n### Project Instructions\n\nSubmit a PR.\n\n"
        "### Template\n\n```\n### CNCF Project Name\n\n#### Mentorship project Title\n\n"
        "- Description:\n- Mentor(s):\n  - Mentor Name (@mentor_github, mentor@email.addy)\n```\n\n"
        "### Sample:\n\n#### Prometheus\n##### Refactor the APIs\n\n- Description: sample\n"
        "- Mentor(s): Krasi Georgiev (@krasi-georgiev)\n\n---\n\n## Accepted Projects\n\n" + ENTRY
    )
    assert [p.title for p in parse_term_page(text).projects()] == ["Demo"]


def test_template_fence_inside_the_section_is_ignored() -> None:
    text = page(
        "### Template\n\n```\n### CNCF Project Name\n#### Title\n\n- Description:\n"
        "- Mentor(s):\n```\n\n"
        "### Prometheus (sample)\n\n#### Refactor\n\n- Description: x\n- Mentor(s): A (@a)\n\n"
        + ENTRY
    )
    assert [p.title for p in parse(text).projects()] == ["Demo"]


# --- §7.3 heading schemes -------------------------------------------------------------------------


def test_scheme_s1_project_then_title() -> None:
    text = page(ENTRY + "\n#### Second\n\n- Description: two\n- Mentor(s): B (@b)\n")
    data = parse(text)
    assert [(o.name, [p.title for p in o.projects]) for o in data.organizations] == [
        ("Jaeger", ["Demo", "Second"])
    ]


def test_scheme_s2_and_s3_with_sig_subgroups() -> None:
    text = page(
        "#### Kubernetes\n\n##### SIG Storage\n\n"
        "###### [CSI driver](https://mentorship.lfx.linuxfoundation.org/project/51cb21c9)\n\n"
        "- Description: CSI.\n- Mentors: Andy Zhang (@andyzhangx)\n\n"
        "##### WG Policy\n\n###### [CIS "
        "Benchmarks](https://mentorship.lfx.linuxfoundation.org/project/0fd19dde)\n\n"
        "- Description: CIS.\n- Mentor(s): Jim Bugwadia (@JimBugwadia)\n\n"
        "#### Keptn\n\n##### Generate service skeleton via CLI\n\n- Description: CLI.\n"
        "- Mentor(s): Jürgen Etzlstorfer(@jetzlstorfer)\n"
    )
    data = parse(text)
    assert [(o.name, o.kind) for o in data.organizations] == [
        ("Kubernetes", "project"),
        ("Keptn", "project"),
    ]
    k8s = data.organizations[0].projects
    assert [(p.title, p.subgroup, p.lfx_url) for p in k8s] == [
        (
            "CSI driver",
            "SIG Storage",
            "https://mentorship.lfx.linuxfoundation.org/project/51cb21c9",
        ),
        (
            "CIS Benchmarks",
            "WG Policy",
            "https://mentorship.lfx.linuxfoundation.org/project/0fd19dde",
        ),
    ]
    assert data.organizations[1].projects[0].subgroup == ""


def test_subgroups_one_level_deeper_in_the_modern_scheme() -> None:
    text = page(
        "### Kubernetes\n\n#### Cluster API Provider GCP (CAPG)\n\n##### Add telemetry\n\n"
        "- Description: t\n- Mentors(s): Carlos Panato (@cpanato ctadeu@gmail.com)\n\n"
        "#### Headlamp\n\n##### Add Agones to Headlamp\n\n"
        "CNCF - Kubernetes: Add Agones to Headlamp - Game Server Management UI (2026 Term 2)\n\n"
        "- Description: a\n- Mentor(s):\n  - R (@r, r@x.io)\n\n"
        "#### Graduate kubeadm\n\n- Description: g\n- Mentor(s):\n  - S (@s)\n"
    )
    (k8s,) = parse(text).organizations
    assert [(p.title, p.subgroup) for p in k8s.projects] == [
        ("Add telemetry", "Cluster API Provider GCP (CAPG)"),
        ("Add Agones to Headlamp", "Headlamp"),
        ("Graduate kubeadm", ""),
    ]
    assert k8s.projects[1].lfx_title.startswith("CNCF - Kubernetes: Add Agones")


def test_program_titles_at_the_group_level() -> None:
    text = page(
        "### in-toto\n\n### Add GUAC support\n\nDescription: Integrate GUAC.\n\nMentor(s):\n"
        "- Alice Doe (@alice)\n\n"
        "- LFX URL: https://mentorship.lfx.linuxfoundation.org/project/abfb7093\n\n"
        "### LitmusChaos\n\n### First\n\n- Description: one\n- Mentor(s): A (@a)\n\n"
        "### Second\n\n- Description: two\n- Mentor(s): B (@b)\n"
    )
    data = parse(text)
    assert [(o.name, [p.title for p in o.projects]) for o in data.organizations] == [
        ("in-toto", ["Add GUAC support"]),
        ("LitmusChaos", ["First", "Second"]),
    ]
    guac = data.organizations[0].projects[0]
    assert guac.description == "Integrate GUAC."
    assert [m.github for m in guac.mentors] == ["alice"]
    assert guac.lfx_url.endswith("abfb7093")


def test_level_skip_and_mis_nested_project() -> None:
    text = page(
        "### Kyverno\n\n##### First\n\n- Description: one\n- Mentor(s): A (@a)\n\n"
        "##### Second\n\n- Description: two\n- Mentor(s): B (@b)\n\n"
        "#### kube-burner\n\n##### Enhancements around k8s performance testing\n\n"
        "- Description: perf\n- Mentor(s):\n"
        "  -  Vishnu Challa (@vishnuchalla, vchalla@redhat.com) \n"
        "- Upstream Issues: (https://github.com/kube-burner/kube-burner/issues)\n\n"
        "### kgateway\n\n#### Third\n\n- Description: three\n- Mentor(s): C (@c)\n"
    )
    data = parse(text)
    assert [(o.name, [(p.title, p.subgroup) for p in o.projects]) for o in data.organizations] == [
        ("Kyverno", [("First", ""), ("Second", "")]),
        ("kube-burner", [("Enhancements around k8s performance testing", "")]),
        ("kgateway", [("Third", "")]),
    ]
    burner = data.organizations[1].projects[0]
    assert burner.upstream_issues == ["https://github.com/kube-burner/kube-burner/issues"]


def test_mis_levelled_title_among_deeper_titles() -> None:
    text = page(
        "#### Envoy\n\n##### First\n\n- Description: one\n- Mentor(s): A (@a)\n\n"
        "#### Mis-levelled title\n\n- Description: two\n- Mentor(s): B (@b)\n\n"
        "##### Third\n\n- Description: three\n- Mentor(s): C (@c)\n"
    )
    data = parse(text)
    assert [(o.name, [p.title for p in o.projects]) for o in data.organizations] == [
        ("Envoy", ["First", "Mis-levelled title", "Third"])
    ]


def test_program_without_a_heading_is_split_off() -> None:
    text = page(
        "#### KubeArmor\n\n##### Extending kubearmor-cli-tool filtering options\n\n"
        "- Description: karmor options.\n- Recommended Skills: golang, k8s\n"
        "- Mentor(s): Barun Acharya (@daemon1024), Rahul Jadhav (@nyrahul)\n"
        "- Upstream Issue (URL): <https://github.com/kubearmor/kubearmor-client/issues/40>\n"
        "- LFX URL: <https://mentorship.lfx.linuxfoundation.org/project/aebb67b1>\n\n"
        "- Description: Mutating webhooks.\n- Recommended Skills: golang, k8s\n"
        "- Mentor(s): Jaehyun Nam (@nam-jaehyun), Rahul Jadhav (@nyrahul), Barun Acharya "
        "(@daemon1024)\n"
        "- Upstream Issue (URL): <https://github.com/kubearmor/KubeArmor/issues/360>\n"
        "- LFX URL: <https://mentorship.lfx.linuxfoundation.org/project/81f0d863>\n"
    )
    first, second = parse(text).projects()
    assert first.title == "Extending kubearmor-cli-tool filtering options"
    assert first.description == "karmor options."
    assert first.lfx_url == "https://mentorship.lfx.linuxfoundation.org/project/aebb67b1"
    assert first.raw.endswith("81f0d863>\n") is False
    assert second.title == ""
    assert second.description == "Mutating webhooks."
    assert second.lfx_url == "https://mentorship.lfx.linuxfoundation.org/project/81f0d863"
    assert second.raw.startswith("- Description: Mutating webhooks.")
    assert second.line == first.line + 8
    assert [m.github for m in second.mentors] == ["nam-jaehyun", "nyrahul", "daemon1024"]


@pytest.mark.parametrize(
    ("heading", "title"),
    [
        ("##### External health check of CoreDNS**", "External health check of CoreDNS"),
        ("##### External health check of CoreDNS\\*\\*", "External health check of CoreDNS"),
        ("#### Next-Generation Jaeger Demo (2025 Term 3)", "Next-Generation Jaeger Demo"),
        ("#### Decouple the node cooperation   ", "Decouple the node cooperation"),
        ("#### [PM Mentorship] Traceloop GTM Strategy", "[PM Mentorship] Traceloop GTM Strategy"),
        (
            "#### API to import Prometheus \\& Thanos blocks",
            "API to import Prometheus & Thanos blocks",
        ),
    ],
)
def test_heading_text_cleanup(heading: str, title: str) -> None:
    text = page(f"### CoreDNS\n\n{heading}\n\n- Description: d\n- Mentor(s): Y (@y)\n")
    assert [p.title for p in parse(text).projects()] == [title]


def test_organization_kinds_aliases_and_merging() -> None:
    body = "".join(
        f"### {org}\n\n#### P{i}\n\n- Description: d\n- Mentor(s): M (@m{i})\n\n"
        for i, org in enumerate(
            [
                "CNCF TAG Network",
                "TestGrid",
                "Elekto and Kubernetes SIG-ContribEx",
                "Kubernetes Policy Working Group (WG)",
                "CNCF Landscape",
                "Cilium/Tetragon",
                "Headlamp ",
                "cncf tag network",
                "CNCF  Tag Contributor Strategy",
            ]
        )
    )
    data = parse(page(body))
    assert [(o.name, o.kind, len(o.projects)) for o in data.organizations] == [
        ("CNCF TAG Network", "group", 2),
        ("TestGrid", "group", 1),
        ("Elekto and Kubernetes SIG-ContribEx", "group", 1),
        ("Kubernetes Policy Working Group (WG)", "group", 1),
        ("CNCF Landscape", "group", 1),
        ("Cilium/Tetragon", "project", 1),
        ("Headlamp", "project", 1),
        ("CNCF TAG Contributor Strategy", "group", 1),
    ]


# --- §7.4 the LFX title line ----------------------------------------------------------------


def test_lfx_title_line_is_preferred_and_heading_stays_the_title() -> None:
    text = page(
        "### Antrea\n\n#### Support application-level DNS caches when using FQDN-based security "
        "rules\n\n"
        "CNCF - Antrea: Application-Level DNS Caches for FQDN-Based Security Rules (2024 Term "
        "3)\n\n"
        "- Description: d\n- Mentor(s):\n  - Quan Tian (@tnqn, tianquan23@gmail.com)\n"
    )
    (p,) = parse(text).projects()
    assert p.title == "Support application-level DNS caches when using FQDN-based security rules"
    assert (
        p.lfx_title
        == "CNCF - Antrea: Application-Level DNS Caches for FQDN-Based Security Rules (2024 Term 3)"
    )
    assert p.description == "d"


# --- §7.5 labels ------------------------------------------------------------------------------


def entry(fields: str) -> Project:
    (p,) = parse(page(f"### Org\n\n#### Title\n\n{fields}")).projects()
    return p


@pytest.mark.parametrize(
    "line",
    [
        "- Description: The text.",
        "- Detailed description: The text.",
        "Description: The text.",
        "- **Description**: The text.",
        "-\tDescription: The text.",
        "* Description: The text.",
        "   - Description: The text.",
        "- Description:\n  The text.",
        "- Description:<br/>\nThe text.",
        "description: |\n  The text.",
        "- Description:\n\n  > The text.",
        "The text.",
    ],
)
def test_description_label_variants(line: str) -> None:
    assert entry(f"{line}\n- Mentor(s): A (@a)\n").description == "The text."


@pytest.mark.parametrize(
    "label",
    [
        "Expected Outcome",
        "Expected outcome",
        "Expected outcomes",
        "Expected Outcomes",
        "Expected OUtcome",
        "expectedOutcome",
    ],
)
def test_expected_outcome_label_variants(label: str) -> None:
    p = entry(f"- Description: d\n- {label}: The result.\n- Mentor(s): A (@a)\n")
    assert p.expected_outcome == "The result."


@pytest.mark.parametrize(
    "label",
    [
        "Recommended Skills",
        "Recommended skills",
        "Recommend Skills",
        "Recommended Skill(s)",
        "Recommended Skill",
        "Recommended",
        "**Recommended Skills**",
    ],
)
def test_skills_label_variants(label: str) -> None:
    assert entry(f"- Description: d\n- {label}: Go, Rust\n").skills == "Go, Rust"


def test_skills_as_nested_list_with_or_without_colon() -> None:
    assert (
        entry("- Description: d\n- Recommended Skills\n  - Golang\n  - Docker\n").skills
        == "Golang, Docker"
    )
    assert entry(
        "- Description: d\n- Recommended Skills:\n- UX/UI Design\n- React\n\n- Mentors:\n- A (@a)\n"
    ).skills == ("UX/UI Design, React")
    assert entry("- Description: d\nRecommended Skills: Go\n").skills == "Go"  # no bullet (2020 Q2)
    assert entry(
        "- Description: d\n- Recommended Skills:<br/>\n  - python\n  - kubernetes\n"
    ).skills == ("python, kubernetes")


def test_technologies_label() -> None:
    p = entry("- Description: d\n- Recommended Skills: Java\n- Technologies: Java, Quarkus\n")
    assert (p.skills, p.technologies) == ("Java", "Java, Quarkus")


@pytest.mark.parametrize(
    "label",
    [
        "Mentor(s)",
        "Mentors",
        "Mentor",
        "Mentors(s)",
        "Mentor(-s)",
        "Metor(s)",
        "Potential Mentors",
        "**Mentor(s)**",
    ],
)
def test_mentor_label_variants(label: str) -> None:
    p = entry(f"- Description: d\n- {label}: Ada Lovelace (@ada, ada@example.com)\n")
    assert mentor_tuples(p) == [("Ada Lovelace", "ada", "ada@example.com", "primary", [])]


def test_mentor_role_labels_and_markers() -> None:
    p = entry(
        "- Description: d\nMentor(s):\n"
        "- Primary Mentor: Omar Hammami (@puertomontt, omar@solo.io)\n"
        "- Secondary Mentor: Tim Flannagan (@timflannagan, tim@solo.io)\n"
    )
    assert [(m.name, m.role) for m in p.mentors] == [
        ("Omar Hammami", "primary"),
        ("Tim Flannagan", "co-mentor"),
    ]
    p = entry(
        "- Description: d\n- Mentor(s): # \n  - Jussi Kukkonen (@jku, jku@goto.fi)\n"
        "  - Lukas Pühringer (@lukpueh, lukas@nyu.edu) - primary\n  - TBD\n"
    )
    assert [(m.name, m.role) for m in p.mentors] == [
        ("Jussi Kukkonen", "co-mentor"),
        ("Lukas Pühringer", "primary"),
    ]
    p = entry("- Description: d\n- Mentor(s):\n  - A (@a, a@x.io)\n  - B (@b, b@x.io) (primary)\n")
    assert [(m.name, m.role) for m in p.mentors] == [("A", "co-mentor"), ("B", "primary")]


def test_template_leftover_mentor_text_is_dropped() -> None:
    p = entry(
        "- Description: d\n- Mentor(s):\n"
        "  - Mentor Name (@mentor_github, mentor@email.addy) - please use the same email "
        "address as "
        "you use on the LFX Mentorship Platform at https://mentorship.lfx.linuxfoundation.org\n"
        "  - Jane Doe (@jane, jane@example.com) - please use the same email address as you use on "
        "the LFX Mentorship Platform at https://mentorship.lfx.linuxfoundation.org\n"
        "  - Nico Pazos and Alex Greenbank from Grafana also available to help\n"
    )
    assert mentor_tuples(p) == [("Jane Doe", "jane", "jane@example.com", "primary", [])]


@pytest.mark.parametrize(
    "label",
    [
        "Upstream Issue (URL)",
        "Upstream Issue",
        "Upstream Issues",
        "Upstream Issue(s)",
        "Upstream Issues (URL)",
        "Upstream Issue (Project URL)",
        "Upstream issue",
        "Upstream issue (URL)",
        "Upstraeam Issue",
        "Issue",
        "Issues",
        "Issue(s)",
        "Related Issues",
        "Relevant Issues",
        "GitHub Issue",
        "Enhancement",
        "Associated Repository",
        "Request For Comments (RFC) Description (URL)",
        "**Upstream Issue (URL)**",
    ],
)
def test_upstream_issue_label_variants(label: str) -> None:
    p = entry(f"- Description: d\n- {label}: https://github.com/o/r/issues/1\n")
    assert p.upstream_issues == ["https://github.com/o/r/issues/1"]


@pytest.mark.parametrize(
    ("line", "url"),
    [
        (
            "- LFX URL: https://mentorship.lfx.linuxfoundation.org/project/1",
            "https://mentorship.lfx.linuxfoundation.org/project/1",
        ),
        (
            "- LFX URL: <https://mentorship.lfx.linuxfoundation.org/project/2>",
            "https://mentorship.lfx.linuxfoundation.org/project/2",
        ),
        (
            "- **LFX URL**: https://mentorship.lfx.linuxfoundation.org/project/3",
            "https://mentorship.lfx.linuxfoundation.org/project/3",
        ),
        (
            "- LFX URL: [https://mentorship.lfx.linuxfoundation.org/project/4](https://mentorship.lfx.linuxfoundation.org/project/4)",
            "https://mentorship.lfx.linuxfoundation.org/project/4",
        ),
        (
            "LFX URL: https://mentorship.lfx.linuxfoundation.org/project/5",
            "https://mentorship.lfx.linuxfoundation.org/project/5",
        ),
        (
            "- Apply: https://mentorship.lfx.linuxfoundation.org/project/6",
            "https://mentorship.lfx.linuxfoundation.org/project/6",
        ),
        ("- LFX", ""),
        ("- LFX URL: TBD", ""),
        (
            "- LFX URL: https://crowdfunding.lfx.linuxfoundation.org/projects/7",
            "https://crowdfunding.lfx.linuxfoundation.org/projects/7",
        ),
    ],
)
def test_lfx_url_variants(line: str, url: str) -> None:
    assert entry(f"- Description: d\n- Mentor(s): A (@a)\n{line}\n").lfx_url == url


def test_extra_labels_end_the_previous_field_and_mentee_is_ignored() -> None:
    p = entry(
        "- Description: d\n- Expected Outcome: o\n- Expected project size: 350 Hours\n"
        "- Difficulty: Medium\n"
        "- Mentee: [Jane](https://people.communitybridge.org/mentee/1)\n- Mentor(s): A (@a)\n"
        "- Deliverables:\n-UI Audit Summary\n- Stretch Goal: more\n"
    )
    assert (p.description, p.expected_outcome) == ("d", "o")
    assert [m.github for m in p.mentors] == ["a"]


def test_fields_with_blank_lines_and_values_on_following_lines() -> None:
    p = entry(
        "- Description:\n\nKgateway can be used.\n\nThis project aims high.\n\n"
        "- Expected Outcome:\n  - Design an API.\n  - Write docs.\n\n"
        "- Mentor(s):\n\n  - Nina (@npolshakova, nina@x.io)\n\n"
        "- Upstream Issue:  \n  https://github.com/kgateway-dev/kgateway/issues/11177\n"
    )
    assert p.description == "Kgateway can be used.\n\nThis project aims high."
    assert p.expected_outcome == "- Design an API.\n- Write docs."
    assert [m.github for m in p.mentors] == ["npolshakova"]
    assert p.upstream_issues == ["https://github.com/kgateway-dev/kgateway/issues/11177"]


def test_fenced_lines_inside_a_value_are_never_labels_or_headings() -> None:
    p = entry(
        "- Description: d\n- Expected Outcome:\n  - Coverage in these directories.\n```\n"
        "#### not a heading\n- Mentor(s): not a mentor\n```\n- Mentor(s): A (@a)\n"
    )
    assert "#### not a heading" in p.expected_outcome
    assert [m.github for m in p.mentors] == ["a"]


# --- §7.7 upstream-issue values ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "urls"),
    [
        ("https://github.com/o/r/issues/1 ", ["https://github.com/o/r/issues/1"]),
        ("<https://github.com/o/r/issues/1>", ["https://github.com/o/r/issues/1"]),
        ("[o/r Issue #1](https://github.com/o/r/issues/1)", ["https://github.com/o/r/issues/1"]),
        (
            "[https://github.com/o/r/issues/1](https://github.com/o/r/issues/1)",
            ["https://github.com/o/r/issues/1"],
        ),
        (
            "\n  - https://github.com/o/r/issues/1\n  - https://github.com/o/r/issues/2",
            ["https://github.com/o/r/issues/1", "https://github.com/o/r/issues/2"],
        ),
        (
            "\n\t- https://github.com/o/r/issues/1\n\t- https://github.com/o/r/issues/2",
            ["https://github.com/o/r/issues/1", "https://github.com/o/r/issues/2"],
        ),
        (
            "<https://github.com/cilium/cilium/issues/19282> "
            "<https://github.com/cilium/cilium/issues/20712>",
            [
                "https://github.com/cilium/cilium/issues/19282",
                "https://github.com/cilium/cilium/issues/20712",
            ],
        ),
        (
            "https://github.com/o/r/issues/7947, https://github.com/o/r/issues/7948",
            ["https://github.com/o/r/issues/7947", "https://github.com/o/r/issues/7948"],
        ),
        (
            "https://github.com/o/r/issues/1706 and https://github.com/o/r/issues/2527",
            ["https://github.com/o/r/issues/1706", "https://github.com/o/r/issues/2527"],
        ),
        ("  \nhttps://github.com/o/r/issues/9", ["https://github.com/o/r/issues/9"]),
        (
            "https://github.com/prometheus/prometheus/issues/11.",
            ["https://github.com/prometheus/prometheus/issues/11"],
        ),
        (
            "TBD, https://github.com/o/r/issues/39 (initial ideas)",
            ["https://github.com/o/r/issues/39"],
        ),
        ("", []),
    ],
)
def test_upstream_issue_values(value: str, urls: list[str]) -> None:
    assert entry(f"- Description: d\n- Upstream Issue:{value}\n").upstream_issues == urls


# --- §7.8 verbatim examples -------------------------------------------------------------------


def example(letter: str) -> str:
    """A verbatim excerpt quoted in spec/term-pages.md §7.8."""
    return (FIXTURES / f"spec-7.8-{letter}.md").read_text(encoding="utf-8")


def test_example_a_link_mentors_space_separated_issues_bold_lfx_label() -> None:
    (p,) = parse(page("### Cilium\n\n" + example("a"))).projects()
    assert p.title == "Improving Security posture of the Cilium/Hubble/Tetragon release process"
    assert mentor_tuples(p) == [
        ("André Martins", "aanm", "", "primary", [FLAG_EMAIL_MISSING]),
        ("Natália Réka Ivánkó", "sharlns", "", "co-mentor", [FLAG_EMAIL_MISSING]),
        ("Jed Salazar", "jedsalazar", "", "co-mentor", [FLAG_EMAIL_MISSING]),
    ]
    assert p.upstream_issues == [
        "https://github.com/cilium/cilium/issues/19282",
        "https://github.com/cilium/cilium/issues/20712",
        "https://github.com/cilium/cilium/issues/20850",
    ]
    assert (
        p.lfx_url
        == "https://mentorship.lfx.linuxfoundation.org/project/680e32e5-d056-46fa-a94d-4af453d4e81d"
    )
    assert p.skills == "Golang, GitHub Actions, Kubernetes, Docker, Security"


def test_example_b_two_mentor_lines_and_a_mangled_run() -> None:
    (p,) = parse(page("### Harbor\n\n" + example("b"))).projects()
    assert mentor_tuples(p) == [
        ("Vadim Bauer", "Vad1mo", "vb@container-registry.com", "primary", []),
        ("Yan Wang", "wy65701436", "wangyan@vmware.com", "co-mentor", []),
        ("Orlin Vasilev", "OrlinVasilev", "ovasilev@vmware.com", "co-mentor", []),
    ]
    assert p.upstream_issues == ["https://github.com/goharbor/harbor/issues/8614"]
    assert p.expected_outcome.startswith("Implement regex capability")


def test_example_c_sig_subgroup_heading_link_nested_issues() -> None:
    data = parse(page(example("c")))
    (org,) = data.organizations
    (p,) = org.projects
    assert (org.name, p.subgroup, p.title) == (
        "Kubernetes",
        "SIG Storage",
        "Kubernetes working group for CSI driver",
    )
    assert (
        p.lfx_url
        == "https://mentorship.lfx.linuxfoundation.org/project/51cb21c9-62eb-4e1c-9897-08e554a78b32"
    )
    assert mentor_tuples(p) == [("Andy Zhang", "andyzhangx", "", "primary", [FLAG_EMAIL_MISSING])]
    assert p.upstream_issues == [
        "https://github.com/kubernetes-csi/csi-driver-nfs/issues",
        "https://github.com/kubernetes-csi/csi-driver-smb/issues",
    ]


def test_example_d_co_mentor_list_and_no_lfx_title() -> None:
    (p,) = parse(page("### KCL\n\n" + example("d"))).projects()
    assert p.lfx_title == ""
    assert [(m.name, m.role) for m in p.mentors] == [
        ("Pengfei Xu", "primary"),
        ("Zhe Zong", "co-mentor"),
        ("Akash Kumar", "co-mentor"),
    ]
    assert p.expected_outcome.startswith("Complete the workflow")
    assert p.raw == example("d")


# --- tables (2019, 2020 Q1) ---------------------------------------------------------------------


def test_completed_projects_table_2019() -> None:
    text = (
        "## 2019\n\n#### Completed Projects\n\n"
        "| CNCF Projects | Community Bridge Project | Mentor Name(s) | Mentee Name |\n"
        "|---|---|---|---|\n"
        "| Kubernetes | CSI Driver for Azure Disk | Xia Zhang | [Jane "
        "Mentee](https://www.linkedin.com/in/jane/) |\n"
        "| CoreDNS | DNS backend | Yong Tang and Paul Greenberg | John |\n"
    )
    data = parse_term_page(text, term="2019 Term 1")
    assert [(o.name, [p.title for p in o.projects]) for o in data.organizations] == [
        ("Kubernetes", ["CSI Driver for Azure Disk"]),
        ("CoreDNS", ["DNS backend"]),
    ]
    coredns = data.organizations[1].projects[0]
    assert [(m.name, m.role, m.flags) for m in coredns.mentors] == [
        ("Yong Tang", "primary", [FLAG_EMAIL_MISSING, FLAG_HANDLE_MISSING]),
        ("Paul Greenberg", "co-mentor", [FLAG_EMAIL_MISSING, FLAG_HANDLE_MISSING]),
    ]
    assert coredns.raw == "| CoreDNS | DNS backend | Yong Tang and Paul Greenberg | John |"
    assert coredns.line == 8


def test_completed_projects_table_2020_q1_with_timeline_inside_the_section() -> None:
    text = (
        "Q1\n--\n\n*Status: completed*\n\n### Completed Projects\n\n"
        "| CNCF Projects | Community Bridge Project | Mentor Name(s) | Mentee Name |\n"
        "|---------------|---------------|----------|------------|\n"
        "| Cortex        | Storage Plugins | Goutham Veeramachaneni | "
        "[Vineeth](https://people.communitybridge.org/mentee/1) |\n"
        "| Thanos        | Improving read write coordination | Bartek Plotka and Giedrius "
        "Statkevičius | [K](https://x) |\n\n"
        "#### Timeline\n\n-\tDecember 5 2019 - December 15 2019: applications opened;\n"
        "\t-\tMentees matching to projects/mentors;\n"
        "-\tDecember 16 2019: 5 projects/slots are announced by CNCF;\n\n"
        "### Participating projects:\n\n"
        "-\t[Kubernetes](https://people.communitybridge.org/project/2d43)\n"
    )
    data = parse_term_page(text, term="2020 Term 1")
    assert (data.title, data.status) == ("Q1", "completed")
    assert [p.title for p in data.projects()] == [
        "Storage Plugins",
        "Improving read write coordination",
    ]
    assert [m.key for m in data.milestones] == [
        "applications_open",
        "5_projects_slots_are_announced_by_cncf",
    ]
    assert data.milestones[0].start == utc(2019, 12, 5, 8)
    assert data.milestones[0].end == utc(2019, 12, 16, 8)


# --- ideas pages, sections and malformed input -------------------------------------------------


def test_ideas_page_detected_from_content_or_file_name() -> None:
    ideas = parse_term_page(
        "# Projects ideas\n\n## Proposed Project ideas\n\n" + ENTRY, term="2021 Term 2"
    )
    assert ideas.source_kind == "ideas"
    assert [p.status for p in ideas.projects()] == ["proposed"]
    by_name = parse_term_page(
        "# Q3\n\n## Participating Projects\n\n" + ENTRY,
        term="2021 Term 3",
        source="2021/03-Fall/project_ideas.md",
    )
    assert (by_name.source_kind, by_name.projects()[0].status) == ("ideas", "proposed")


def test_template_only_ideas_page_is_valid_and_empty() -> None:
    text = (
        "# Projects ideas\n\n## Template\n\n```\n### CNCF Project Name\n#### Title\n\n"
        "- Description:\n"
        "- Mentor(s):\n```\n\n---\n\n## Proposed Project ideas\n\n"
        "Accepted ideas have been moved to README.md\n"
    )
    data = parse_term_page(text, term="2022 Term 2", source="project_ideas.md")
    assert (data.source_kind, data.projects()) == ("ideas", [])


def test_template_with_unclosed_fence_is_valid_and_empty() -> None:
    text = (
        "# Projects ideas\n\n## Proposed Project ideas\n\n"
        "```\n#### CNCF Project Name\n##### Title\n- Description:\n"
    )
    assert parse_term_page(text, term="2023 Term 1").projects() == []


@pytest.mark.parametrize(
    "text",
    [
        "# Project proposals have moved\n\nOpen an issue with the form.\n",
        "# Projects ideas\n\n### Template\n\n```\n#### CNCF Project Name\n##### Title\n\n"
        "- Description:\n```\n",
    ],
)
def test_page_without_projects_section_or_projects_is_an_error(text: str) -> None:
    with pytest.raises(FormatError, match="no projects section found") as caught:
        parse_term_page(text, term="2026 Term 3", source="p.md")
    assert caught.value.line == 1


def test_projects_after_the_first_rule_need_no_section_heading() -> None:
    text = "# Term 02 - 2025 Jun - Aug\n\n---\n\n* [Jaeger](#jaeger)\n  * [Demo](#demo)\n\n" + ENTRY
    assert [p.title for p in parse_term_page(text).projects()] == ["Demo"]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("# T\n\nok\n\x00\x01binary", 4),
        ("\x89PNG\r\n\x1a\n\x00\x00", 2),
    ],
)
def test_binary_input_is_an_error_with_a_line(text: str, line: int) -> None:
    with pytest.raises(FormatError, match="not a text file") as caught:
        parse_term_page(text, source="x.md")
    assert caught.value.line == line


def test_bytes_that_are_not_utf8_are_an_error() -> None:
    with pytest.raises(FormatError, match="UTF-8"):
        parse_term_page(b"# T\n\xff\xfe", source="x.md")  # type: ignore[arg-type]  # bytes on purpose


@pytest.mark.parametrize("text", ["", "   \n\n\t\n"])
def test_empty_input_is_an_error(text: str) -> None:
    with pytest.raises(FormatError, match="empty file") as caught:
        parse_term_page(text)
    assert caught.value.line == 1


def test_crlf_line_endings_and_bom() -> None:
    text = "\ufeff" + page(ENTRY).replace("\n", "\r\n")
    (p,) = parse(text).projects()
    assert (p.title, p.description) == ("Demo", "Build a demo.")
    assert "\r" not in p.raw


def test_canonical_page_is_read_literally() -> None:
    text = (
        "# Term 03 - 2024 September - November\n\nTerm: 2024 Term 3\n\nStatus: Planning\n\n"
        "Time zone: America/Los_Angeles\n\n### Timeline\n\n"
        "| Activity | Dates | Start (UTC) | End (UTC) |\n"
        "|---|---|---|---|\n| project proposals | Jul 3 - Jul 30 5:00 PM PDT | "
        "2024-07-03T07:00:00Z | 2024-07-31T00:00:00Z |\n"
        "| odd \\| row | whenever |  |  |\n\n---\n\n## Accepted projects\n\n### Kubernetes\n\n"
        "#### SIG Storage\n\n"
        "##### CSI\n\nCNCF - Kubernetes: CSI (2024 Term 3)\n\n- Description:\n\n  > line one\n"
        "  >\n  >   indented\n\n"
        "- Recommended Skills: Go\n- Mentor(s):\n"
        "  - Craig Box (@craigbox, craig.box AT gee-mail) (primary)\n"
        "  - Mike (@Mike Spreitzer, mike@x.io, lfid: mspreitz)\n  - Kevin(Zefeng) Wang\n"
        "- Upstream Issue(s):\n"
        "  - https://github.com/o/r/issues/1\n"
        "- LFX URL: https://mentorship.lfx.linuxfoundation.org/project/1\n\n"
        "<details><summary>Original text</summary>\n\n`````markdown\n#### CSI\n````\n"
        "- Mentor(s): x\n````\n`````\n\n"
        "</details>\n\n## Proposed Project ideas\n\n### Jaeger\n\n#### Empty\n"
    )
    data = parse_term_page(text, source="canonical.md")
    assert data.source_kind == "canonical"
    assert data.time_zone == "America/Los_Angeles"
    first, odd = data.milestones
    assert (first.start, first.end, first.has_time) == (utc(2024, 7, 3, 7), utc(2024, 7, 31), True)
    assert (odd.label, odd.start, odd.end) == ("odd | row", None, None)
    k8s, jaeger = data.organizations
    (csi,) = k8s.projects
    assert (csi.subgroup, csi.status, csi.lfx_title) == (
        "SIG Storage",
        "published",
        "CNCF - Kubernetes: CSI (2024 Term 3)",
    )
    assert csi.description == "line one\n\n  indented"
    assert csi.raw == "#### CSI\n````\n- Mentor(s): x\n````"
    assert [
        (m.name, m.github, m.email, m.contact, m.lfid, m.role, m.flags) for m in csi.mentors
    ] == [
        (
            "Craig Box",
            "craigbox",
            "",
            "craig.box AT gee-mail",
            "",
            "primary",
            [FLAG_EMAIL_OBFUSCATED],
        ),
        ("Mike", "Mike Spreitzer", "mike@x.io", "", "mspreitz", "co-mentor", ["handle_invalid"]),
        (
            "Kevin(Zefeng) Wang",
            "",
            "",
            "",
            "",
            "co-mentor",
            [FLAG_EMAIL_MISSING, FLAG_HANDLE_MISSING],
        ),
    ]
    (empty,) = jaeger.projects
    assert (empty.title, empty.status, empty.raw) == ("Empty", "proposed", "")


# --- never a traceback ------------------------------------------------------------------------

_FRAGMENTS = [
    "# Term 03 - 2024 September - November",
    "## Accepted projects",
    "## Proposed Project ideas",
    "### Org",
    "#### Title",
    "##### Deeper",
    "###### [Linked](https://mentorship.lfx.linuxfoundation.org/project/x)",
    "- Description: d",
    "Description:",
    "- Mentor(s):",
    "  - A B (@ab, a@x.io) (primary)",
    "- Mentor(s): (@, ), ((",
    "  - (a@ (@",
    "- Co-Mentor:",
    "- Upstream Issue: <https://x/1> [t](https://x/2)",
    "- LFX URL: [",
    "- Recommended Skills",
    "  > quoted",
    "```",
    "````markdown",
    "| activity | date |",
    "|---|---|",
    "| a | Jul 3 - Dec 40 25:99 PM PDT |",
    "- March 1 (Week 1): begins",
    "---",
    "CNCF - X: Y (2024 Term 3)",
    "Term: 2024 Term 3",
    "Time zone: Nowhere/Zone",
    "<details><summary>Original text</summary>",
    "",
    "Status: *",
    "Q1",
    "--",
    "\t-\tIssue:",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_FRAGMENTS) | st.text(max_size=30), max_size=40))
def test_any_input_gives_data_or_a_located_format_error(parts: list[str]) -> None:
    text = "\n".join(parts)
    error: FormatError | None = None
    data: TermData | None = None
    try:
        data = parse_term_page(text, source="fuzz.md", term="2024 Term 3")
    except FormatError as caught:
        error = caught
    if error is not None:
        assert not error.message.startswith("cannot read this page"), error.message
        assert error.line >= 1
    else:
        assert data is not None
        normalized = text.replace("\r\n", "\n").replace("\r", "\n")
        for p in data.projects():
            assert p.raw in normalized or data.source_kind == "canonical"
