"""A closed term cannot be imported again (issue 16): the import refuses, naming the file, and
changes nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from cohort.formats.termpage import parse_term_page
from cohort.projects import services
from cohort.projects.tests.conftest import REFERENCE
from cohort.terms.models import Term
from cohort.terms.services import TermClosedError
from cohort.terms.tests.closing import close, snapshot

pytestmark = pytest.mark.django_db


def test_importing_a_closed_terms_page_is_refused_with_the_files_name(capsys) -> None:
    call_command("import_term", str(REFERENCE), stdout=StringIO())
    close(Term.objects.get())
    before = snapshot()
    with pytest.raises(SystemExit) as exc:
        call_command("import_term", str(REFERENCE), stdout=StringIO())
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert f"{REFERENCE}: CNCF LFX Mentorship 2024 Term 3 is closed" in " ".join(err.split())
    assert snapshot() == before


def test_the_import_service_refuses_a_closed_term() -> None:
    data = parse_term_page(REFERENCE.read_text(encoding="utf-8"))
    program = services.get_or_create_program("CNCF LFX Mentorship")
    services.import_term(data, program=program)
    close(Term.objects.get())
    before = snapshot()
    with pytest.raises(TermClosedError, match="is closed"):
        services.import_term(data, program=program)
    assert snapshot() == before
