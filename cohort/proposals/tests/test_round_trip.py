"""A proposal's fields survive create → edit → export → import, whatever text they hold.

Issue 10, finding 1: a proposal used to be stored as its issue-form body and parsed again on
every edit, so a `### ` line inside a field cut that field (or, naming a form label, replaced
another section). The fields are now stored as fields (docs/decisions/0006); these tests hold
every path a proposal takes to that: the services, Cohort JSON (`export-term --format json`,
`import-term`), and the import into another program.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cohort.formats import issueform
from cohort.formats.detect import read_term_file
from cohort.formats.interchange import term_to_json
from cohort.formats.issueform import IssueForm, clean_value, issue_form_body
from cohort.projects.interchange import term_data
from cohort.projects.models import Project
from cohort.projects.services import import_term
from cohort.proposals import services
from cohort.proposals.review import proposal_form
from cohort.proposals.tests.conftest import World, make_form
from cohort.terms.models import Program

pytestmark = pytest.mark.django_db

# The text fields of the form, by `IssueForm.build` argument and section label.
TEXT_FIELDS = {
    "program_name": issueform.LABEL_PROGRAM_NAME,
    "description": issueform.LABEL_DESCRIPTION,
    "technologies": issueform.LABEL_TECHNOLOGIES,
    "skills": issueform.LABEL_SKILLS,
    "mentors": issueform.LABEL_MENTORS,
    "upstream_issue_url": issueform.LABEL_UPSTREAM,
    "coding_challenge_url": issueform.LABEL_CODING_CHALLENGE_URL,
    "custom_name": issueform.LABEL_CUSTOM_NAME,
    "custom_description": issueform.LABEL_CUSTOM_DESCRIPTION,
}
# Lines that an issue-form body gives a meaning to, and text that has tripped parsers.
TRICKY_LINES = [
    "### Goals",
    "### CNCF Project",
    "### Technologies",
    "###  Mentors",
    f"### {issueform.LABEL_CUSTOM_FILE_UPLOAD}",
    "_No response_",
    "- [X] Resume",
    "- [ ] Coding Challenge",
    "<!-- lfx-url:start -->https://example.org<!-- lfx-url:end -->",
    "Ada | @ada | ada@example.org | adalf",
    "",
    "  indented",
    "\tTabbed",
    "ünïcødé ✓ 🚀 中文",
    "\u00a0no-break space\u00a0",
    "```",
]
# Any character Cohort stores (no C0 controls: `cohort.core.text` refuses them; no surrogates).
CHARACTERS = st.characters(blacklist_categories=("Cs", "Cc"))
LINE = st.one_of(st.sampled_from(TRICKY_LINES), st.text(CHARACTERS, max_size=12))
FIELD_TEXT = st.builds(
    lambda lines, crlf: ("\r\n" if crlf else "\n").join(lines),
    st.lists(LINE, max_size=5),
    st.booleans(),
)
# The URL fields: any http(s) URL, or none. The Cohort JSON reader refuses another text in
# the catalog's upstream-issue and coding-challenge URLs (`cohort.formats.limits`).
URL_TEXT = st.one_of(
    st.just(""),
    st.builds(
        "https://github.com/o/r/issues/{}{}".format,
        st.integers(1, 99999),
        st.sampled_from(["", "####Goals", "#_No_response_", "?q=ü"]),
    ),
)
FIELD_STRATEGIES = {name: URL_TEXT if name.endswith("_url") else FIELD_TEXT for name in TEXT_FIELDS}


def _create(world: World, texts: dict[str, str], *, raw: str = "") -> Project:
    form = make_form(**texts, custom_checked=True, custom_file_upload=True)
    return services.create_proposal(world.term, form, actor=world.users["carol"], raw=raw)


def _edit(project: Project, label: str, text: str, world: World) -> None:
    """The services' edit, as the page and the API call it: every other section as stored."""
    form = proposal_form(project)
    changed = IssueForm({**form.sections, label: clean_value(text)})
    services.update_proposal(project, changed, actor=world.users["carol"])


def _export_and_import(project: Project, program: Program) -> Project:
    """`export-term --format json` of the proposal's term, then `import-term` into `program`."""
    text = term_to_json(term_data(project.term))
    data = read_term_file(text.encode(), source="term.json")
    import_term(data, program=program)
    return Project.objects.get(term__program=program, number=project.number)


def _assert_same_fields(imported: Project, expected: dict[str, str]) -> None:
    form = proposal_form(imported)
    for label, text in expected.items():
        assert form.get(label) == text, label
    assert imported.description == expected[issueform.LABEL_DESCRIPTION]
    assert imported.technologies == expected[issueform.LABEL_TECHNOLOGIES]


@settings(
    max_examples=50,
    deadline=None,
    # `world` is made once for all examples; each example runs in a transaction rolled back.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    texts=st.fixed_dictionaries(FIELD_STRATEGIES),
    edited=st.sampled_from(sorted(TEXT_FIELDS)),
    data=st.data(),
)
def test_proposer_can_round_trip_any_field_text_through_edit_export_and_import(
    world: World, texts: dict[str, str], edited: str, data: st.DataObject
):
    new_text = data.draw(FIELD_STRATEGIES[edited], label="new_text")
    with transaction.atomic():
        project = _create(world, texts)
        expected = {TEXT_FIELDS[name]: clean_value(text) for name, text in texts.items()}
        assert {label: project.form_fields[label] for label in expected} == expected

        _edit(project, TEXT_FIELDS[edited], new_text, world)
        expected[TEXT_FIELDS[edited]] = clean_value(new_text)
        project.refresh_from_db()
        assert {label: project.form_fields[label] for label in expected} == expected

        elsewhere = Program.objects.create(name="Elsewhere", slug="elsewhere")
        imported = _export_and_import(project, elsewhere)
        _assert_same_fields(imported, expected)
        assert imported.form_fields == project.form_fields
        assert imported.organization.name == "Jaeger"
        transaction.set_rollback(True)


def test_clean_value_changes_only_line_ends_and_the_outer_whitespace():
    text = "\u00a0 ### CNCF Project\r\n\r\n_No response_\r\n\t"
    assert clean_value(text) == "### CNCF Project\n\n_No response_"
    assert clean_value(clean_value(text)) == clean_value(text)


def test_admin_can_export_and_import_a_proposal_with_the_commands(world: World, tmp_path: Path):
    texts: dict[str, Any] = {
        "description": "## Description\r\n\r\nA plan.\r\n\r\n### Goals\r\n\r\n_No response_",
        "technologies": "Go\n\n### CNCF Project\n\nKubernetes",
        "skills_same": False,
        "skills": "### Mentors\n\nEve | @eve | eve@example.org | evelf",
    }
    body = issue_form_body(make_form(**texts))
    project = services.create_proposal(
        world.term, make_form(**texts), actor=world.users["carol"], raw=body
    )
    _edit(project, issueform.LABEL_PROGRAM_NAME, "Jaeger v2 Helm Chart, again", world)
    project.refresh_from_db()
    out = tmp_path / "term.json"

    call_command("export_term", "2026 Term 3", "--format", "json", "--output", str(out))
    call_command("import_term", str(out), "--program", "Elsewhere", stdout=None)

    imported = Project.objects.get(term__program__name="Elsewhere", number=project.number)
    assert imported.form_fields == project.form_fields
    assert imported.description == "## Description\n\nA plan.\n\n### Goals\n\n_No response_"
    assert proposal_form(imported).skills.startswith("### Mentors")
    assert imported.organization.name == "Jaeger"  # not Kubernetes
    assert imported.raw == body  # the text as received, kept
