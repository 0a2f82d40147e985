"""The selection API, each person with their own token: the admin runs, overrides and
confirms a round, a mentor sets slots, mentees rank and answer their offers."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from cohort.core.tokens import create_api_token
from cohort.selection import services
from cohort.selection.models import Offer, Round
from cohort.selection.tests.conftest import NOTIFY_AT, Selection


class Api:
    def __init__(self, token: str | None = None) -> None:
        self.client = Client()
        self.token = token

    def __call__(self, method: str, path: str, body: Any = None) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        send = getattr(self.client, method.lower())
        if method == "GET":
            return send(f"/api/v1{path}", headers=headers)
        data = "" if body is None else json.dumps(body)
        return send(f"/api/v1{path}", data, content_type="application/json", headers=headers)


@pytest.fixture
def as_(ready: Selection):
    def make(name: str | None) -> Api:
        if name is None:
            return Api()
        return Api(create_api_token(ready.world.users[name], name="tests")[1])

    return make


def ids(ready: Selection, *names: str) -> list[int]:
    return [ready.world.user(n).pk for n in names]


def test_a_round_from_run_to_answered_offers(ready: Selection, as_):
    w = ready.world
    admin = as_("admin")
    term = w.term.pk
    response = admin("POST", f"/terms/{term}/selection/run")
    assert response.status_code == 200, response.content
    body = response.json()
    placed = {(p["mentee"], p["project"]) for p in body["assignment"]}
    m1, m2, m3, m4 = ids(ready, "mentee1", "mentee2", "mentee3", "mentee4")
    assert placed == {(m2, w.antrea.pk), (m1, w.cilium.pk), (m3, w.falco.pk)}
    assert (body["unmatched"], body["blocking"]) == ([m4], [])

    # Force mentee4 onto Antrea: mentee2 goes to Falco, and (mentee2, Antrea) blocks.
    forced = admin(
        "POST",
        f"/selection/rounds/{body['id']}/overrides",
        {"application": ready.application("mentee4", "antrea").pk, "kind": "force", "reason": "x"},
    )
    assert forced.status_code == 200, forced.content
    assert {"mentee": m2, "project": w.antrea.pk} in forced.json()["blocking"]
    override = forced.json()["overrides"][0]["id"]
    assert admin("DELETE", f"/selection/overrides/{override}").json()["blocking"] == []

    # A mentor changes a ranking meanwhile: confirming answers 409 and recomputes.
    services.set_slots(w.falco, 2, actor=w.user("admin"))
    stale = admin("POST", f"/selection/rounds/{body['id']}/confirm", {"response_days": 5})
    assert stale.status_code == 409
    assert "changed" in stale.json()["detail"]
    with time_machine.travel(NOTIFY_AT + timedelta(hours=1), tick=False):
        done = admin("POST", f"/selection/rounds/{body['id']}/confirm", {"response_days": 5})
        assert done.status_code == 200, done.content
        assert done.json()["status"] == "confirmed"
        assert len(done.json()["offers"]) == 3

        # mentee2 sees only their own announced offer, and declines it.
        mentee2 = as_("mentee2")
        offers = mentee2("GET", "/me/offers").json()
        assert [(o["project"], o["status"]) for o in offers] == [(w.antrea.pk, "pending")]
        other = Offer.objects.get(mentee=w.user("mentee1"))
        assert mentee2("POST", f"/me/offers/{other.pk}/accept").status_code == 404
        declined = mentee2("POST", f"/me/offers/{offers[0]['id']}/decline", {"reason": "job"})
        assert declined.json()["status"] == "declined"
        # mentee1 moves up to Antrea and accepts.
        mine = as_("mentee1")("GET", "/me/offers").json()
        live = [o for o in mine if o["status"] == "pending"]
        assert [o["project"] for o in live] == [w.antrea.pk]
        accepted = as_("mentee1")("POST", f"/me/offers/{live[0]['id']}/accept")
        assert accepted.json()["status"] == "accepted"


def test_mentors_set_slots_mentees_rank_and_outsiders_get_404(ready: Selection, as_):
    w = ready.world
    assert as_("alice")("PUT", f"/projects/{w.antrea.pk}/slots", {"slots": 2}).json() == {
        "slots": 2
    }
    assert as_("carol")("PUT", f"/projects/{w.antrea.pk}/slots", {"slots": 3}).status_code == 404
    assert as_("alice")("PUT", f"/projects/{w.antrea.pk}/slots", {"slots": 99}).status_code == 400
    order = [ready.application("mentee1", s).pk for s in ("cilium", "antrea")]
    ranked = as_("mentee1")("PUT", f"/me/terms/{w.term.pk}/ranking", {"order": order})
    assert ranked.json() == {"order": order}
    bad = as_("mentee1")("PUT", f"/me/terms/{w.term.pk}/ranking", {"order": order[:1]})
    assert bad.status_code == 400
    for name in ("alice", "maintainer", "mentee1", "outsider"):
        api = as_(name)
        assert api("GET", f"/terms/{w.term.pk}/selection").status_code == 404
        assert api("POST", f"/terms/{w.term.pk}/selection/run").status_code == 404
    assert as_(None)("GET", f"/terms/{w.term.pk}/selection").status_code == 401
    assert as_(None)("GET", "/me/offers").status_code == 401
    assert not Round.objects.exists()


def test_offers_are_hidden_from_mentees_until_announced(ready: Selection, as_):
    w = ready.world
    round_ = services.run_round(w.term, actor=w.user("admin"))
    services.confirm_round(round_, actor=w.user("admin"), now=NOTIFY_AT - timedelta(days=1))
    offer = Offer.objects.get(mentee=w.user("mentee2"))
    assert as_("mentee2")("GET", "/me/offers").json() == []
    assert as_("mentee2")("POST", f"/me/offers/{offer.pk}/accept").status_code == 404
    services.announce_due_rounds(NOTIFY_AT)
    assert [o["id"] for o in as_("mentee2")("GET", "/me/offers").json()] == [offer.pk]
