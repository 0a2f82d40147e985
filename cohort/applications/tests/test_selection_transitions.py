"""Selection moves an application along named edges, one service each (issue 11), and each
refuses an application that is not where its edge starts."""

from __future__ import annotations

import pytest

from cohort.applications import services
from cohort.applications.models import Application, ApplicationEvent
from cohort.applications.tests.conftest import World, complete_application
from cohort.core.errors import DomainError

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_window")]
Status = Application.Status


def test_an_offer_walks_its_named_edges_with_history(world: World) -> None:
    admin = world.user("admin")
    application = complete_application(world, "mentee1", world.antrea)
    application = services.shortlist_application(application, actor=admin)
    services.offer_application(application, actor=admin)
    services.return_application_to_shortlist(application, actor=admin, reason="Replaced.")
    services.offer_application(application, actor=admin)
    services.decline_application_offer(application, actor=admin, reason="Lapsed.")
    application.refresh_from_db()
    assert application.status == Status.OFFER_DECLINED
    history = list(
        ApplicationEvent.objects.filter(
            application=application, kind=ApplicationEvent.Kind.STATUS
        ).values_list("status", "reason")
    )
    assert history[-4:] == [
        (Status.OFFERED, ""),
        (Status.SHORTLISTED, "Replaced."),
        (Status.OFFERED, ""),
        (Status.OFFER_DECLINED, "Lapsed."),
    ]


@pytest.mark.parametrize(
    "edge",
    [
        services.offer_application,
        services.accept_application_offer,
        lambda a, actor: services.decline_application_offer(a, actor=actor, reason="x"),
        lambda a, actor: services.return_application_to_shortlist(a, actor=actor, reason="x"),
    ],
)
def test_a_named_edge_refuses_an_application_not_at_its_start(world: World, edge) -> None:
    # Submitted: not yet shortlisted, so not one of these edges starts here.
    application = complete_application(world, "mentee1", world.antrea)
    with pytest.raises(DomainError):
        edge(application, actor=world.user("admin"))
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
