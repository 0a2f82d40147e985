"""The proposal workspace links a stored URL only when it is http(s) (issue 10, finding 10)."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from cohort.projects.models import Project
from cohort.proposals.tests.conftest import World
from cohort.proposals.tests.test_views import _as, _form_data
from cohort.web.tests.test_stored_urls import BAD_HREF, _store_hostile_urls


def test_the_proposal_workspace_never_links_a_stored_javascript_url(
    client: Client, world: World
) -> None:
    _as(client, world, "carol")
    client.post(reverse("proposals:new", args=[world.term.pk]), _form_data(world))
    project = Project.objects.get()
    _store_hostile_urls(project)
    for user in ("carol", "admin"):
        _as(client, world, user)
        response = client.get(reverse("proposals:detail", args=[project.pk]))
        assert response.status_code == 200
        html = response.content.decode()
        assert not BAD_HREF.search(html), BAD_HREF.search(html)
        assert "javascript:alert(document.cookie)" in html  # shown, not linked
