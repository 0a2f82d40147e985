"""What happens elsewhere when a mentee accepts an offer, without selection importing the apps
above it (docs/architecture.md, Layers): an app registers a handler from its
`AppConfig.ready()`, and `accept_offer` calls every handler inside its own transaction, after
the offer and the application are accepted. A handler that raises undoes the acceptance."""

from __future__ import annotations

from collections.abc import Callable

from cohort.core.models import User
from cohort.selection.models import Offer

OfferAccepted = Callable[[Offer, User], None]
_handlers: list[OfferAccepted] = []


def on_offer_accepted(handler: OfferAccepted) -> OfferAccepted:
    """Register `handler(offer, actor)`; once per process (a second registration is a no-op)."""
    if handler not in _handlers:
        _handlers.append(handler)
    return handler


def offer_accepted(offer: Offer, actor: User) -> None:
    for handler in _handlers:
        handler(offer, actor)
