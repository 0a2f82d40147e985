"""E-mail subjects and text bodies are plain text; only the HTML part escapes (issue 10
finding 12: subjects read "Prometheus &amp; Thanos")."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.conf import settings

from cohort.core.emails import render_email, render_subject

TITLE = "Prometheus & Thanos <alerts> \"quoted\" 'single'"
ESCAPES = ("&amp;", "&lt;", "&gt;", "&quot;", "&#x27;")
FOLDER = Path(settings.BASE_DIR) / "templates" / "emails"
KINDS = sorted(p.name for p in FOLDER.iterdir() if p.is_dir())
# Every variable any subject reads; the bodies get them too (others render empty).
CONTEXT = {
    "project": TITLE,
    "lfx_title": TITLE,
    "term": TITLE,
    "name": TITLE,
    "program": TITLE,
    "link": "https://cohort.example.org/x",
    "count": 2,
    "day": datetime.date(2024, 8, 20),
}


def test_every_email_folder_has_a_subject() -> None:
    assert {"application_submitted", "proposal_approved", "selection_offer"} <= set(KINDS)
    assert all((FOLDER / kind / "subject.txt").exists() for kind in KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_a_subject_is_plain_text(kind: str) -> None:
    subject = render_email(kind, CONTEXT).subject
    assert not [e for e in ESCAPES if e in subject]
    if kind != "applications_digest":  # the digest's subject names no title
        assert TITLE in subject


@pytest.mark.parametrize("kind", KINDS)
def test_the_subject_alone_is_the_subject_of_the_whole_email(kind: str) -> None:
    # What the outbox stores when it plans an e-mail (render_subject) is what is sent.
    context = {**CONTEXT, "project": "A\nproject  on two lines"}
    assert render_subject(kind, context) == render_email(kind, context).subject
    assert "\n" not in render_subject(kind, context)


def test_the_text_body_is_plain_and_the_html_body_escapes() -> None:
    rendered = render_email("application_submitted", CONTEXT)
    assert rendered.subject == f'Your application to "{TITLE}" is submitted'
    assert f"Hello {TITLE}," in rendered.text
    assert not [e for e in ESCAPES if e in rendered.text]
    assert "<strong>Prometheus &amp; Thanos &lt;alerts&gt;" in rendered.html
    assert "<alerts>" not in rendered.html
