"""Handlers registered for an accepted offer run inside `accept_offer`'s transaction."""

from __future__ import annotations

import pytest

from cohort.selection import hooks


def test_a_handler_is_registered_once_and_called_with_the_offer_and_actor(monkeypatch):
    monkeypatch.setattr(hooks, "_handlers", [])
    calls: list[tuple[object, object]] = []

    def handler(offer, actor):
        calls.append((offer, actor))

    hooks.on_offer_accepted(handler)
    hooks.on_offer_accepted(handler)
    hooks.offer_accepted("offer", "actor")  # type: ignore[arg-type]  # stand-ins: only passed on
    assert calls == [("offer", "actor")]


def test_a_handler_that_raises_stops_the_caller(monkeypatch):
    monkeypatch.setattr(hooks, "_handlers", [])

    def refuse(offer, actor):
        raise RuntimeError("no placement")

    hooks.on_offer_accepted(refuse)
    with pytest.raises(RuntimeError):
        hooks.offer_accepted("offer", "actor")  # type: ignore[arg-type]  # stand-ins
