"""A stored URL is a link only when it is http(s) (issue 10, finding 10).

Imports now refuse other schemes, but rows stored before (or written another way) may hold
anything: the URLs are put in the database directly here, bypassing the import."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from cohort.projects.models import Project, UpstreamIssue
from cohort.terms.models import Term
from cohort.web.templatetags.cohort_web import url_link

EVIL = "javascript:alert(document.cookie)//https://github.com/x"
HOSTILE = (EVIL, " JavaScript:alert(1)", "data:text/html,<script>x</script>", "vbscript:x")
BAD_HREF = re.compile(r"href\s*=\s*[\"']?\s*(?:javascript|data|vbscript):", re.IGNORECASE)


def _store_hostile_urls(project: Project) -> None:
    Project.objects.filter(pk=project.pk).update(
        lfx_url=EVIL,
        issue_url=HOSTILE[1],
        prerequisites={"coding_challenge": True, "coding_challenge_url": HOSTILE[2]},
    )
    UpstreamIssue.objects.filter(project=project).delete()
    for position, url in enumerate(HOSTILE):
        UpstreamIssue.objects.create(project=project, position=position, url=url)


def test_public_pages_never_link_a_stored_javascript_url(client: Client, term: Term) -> None:
    project = term.projects.order_by("position").first()
    assert project is not None
    _store_hostile_urls(project)
    pages = [
        client.get(term.get_absolute_url()),
        client.get(project.get_absolute_url()),
        client.get(reverse("web:search"), {"q": project.title.split()[0]}),
    ]
    for response in pages:
        assert response.status_code == 200
        html = response.content.decode()
        assert not BAD_HREF.search(html), BAD_HREF.search(html)
    detail = pages[1].content.decode()
    assert "javascript:alert(document.cookie)//https://github.com/x" in detail  # as text


def test_url_link_links_only_http_urls() -> None:
    assert url_link("https://x.example/a?b=1&c=2") == (
        '<a href="https://x.example/a?b=1&amp;c=2" rel="nofollow noopener">'
        "https://x.example/a?b=1&amp;c=2</a>"
    )
    assert url_link("https://github.com/a/b", "a/b") == (
        '<a href="https://github.com/a/b" rel="nofollow noopener">a/b</a>'
    )
    for url in HOSTILE:
        assert "<a" not in url_link(url)
    assert url_link('javascript:"<b>"') == "javascript:&quot;&lt;b&gt;&quot;"
    assert url_link("") == ""
