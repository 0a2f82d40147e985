"""The selection pages: the admin's round, the mentors' box on the queue, the mentee's ranking
and offers on "My applications", and who may open or post what."""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cohort.applications.models import Application
from cohort.core.models import AuditEvent
from cohort.projects.models import Project
from cohort.selection import services
from cohort.selection.models import Offer, Override, Round
from cohort.selection.tests.conftest import NOTIFY_AT, Selection

Status = Application.Status
AFTER_NOTIFY = NOTIFY_AT + timedelta(hours=1)


# --- helpers -------------------------------------------------------------------------------


def _html(response: Any) -> str:
    return str(response.content.decode())


def _text(html: str) -> str:
    """The page's text without tags, with whitespace collapsed, for phrase checks."""
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _between(html: str, start: str, end: str) -> str:
    """The text of the page from the heading `start` up to `end`."""
    text = _text(html)
    assert start in text, start
    rest = text[text.index(start) :]
    return rest[: rest.index(end)] if end in rest else rest


def _row(html: str, start: str) -> str:
    """The text of the one table row whose text starts with `start`."""
    rows = [_text(row) for row in re.findall(r"<tr[ >].*?</tr>", html, flags=re.S)]
    matches = [row for row in rows if row.startswith(start)]
    assert len(matches) == 1, (start, matches)
    return matches[0]


def _term_url(sel: Selection) -> str:
    return reverse("selection:term", args=[sel.world.term.pk])


def _home(client: Client) -> str:
    response = client.get(reverse("applications:home"))
    assert response.status_code == 200
    return _html(response)


def _messages(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _offer(sel: Selection, mentee: str, slug: str, status: str = Offer.Status.PENDING) -> Offer:
    return Offer.objects.get(
        mentee=sel.world.user(mentee), project=sel.project(slug), status=status
    )


def _confirm(sel: Selection) -> Round:
    """Run and confirm a round through the services, before the notification date."""
    admin = sel.world.user("admin")
    round_ = services.run_round(sel.world.term, actor=admin)
    return services.confirm_round(round_, actor=admin)


# --- the admin's round, through the page ---------------------------------------------------


def test_admin_runs_overrides_and_confirms_a_round(client: Client, ready: Selection) -> None:
    client.force_login(ready.world.user("admin"))
    page = _html(client.get(_term_url(ready)))
    assert "No selection round yet" in page
    assert "Nothing is sent until you confirm." in _text(page)
    stats = _between(page, "Who takes part", "No selection round yet")
    assert "Mentees in selection 4" in stats
    assert "Projects 3" in stats
    assert "Places 3" in stats
    # Sep 3, 10:00 AM in the term's zone, 17:00 in UTC.
    assert "Tue, Sep 3, 2024, 10:00 AM PDT" in stats
    assert "Tue, Sep 3, 2024, 17:00 UTC" in stats

    response = client.post(reverse("selection:run", args=[ready.world.term.pk]))
    assert response.status_code == 302
    assert response["Location"] == _term_url(ready)
    round_ = Round.objects.get(term=ready.world.term, status=Round.Status.DRAFT)
    page = _html(client.get(_term_url(ready)))
    # The conflict over mentee2 is resolved by mentee2's own ranking.
    assert "Mentee2: their choice #1, mentors' #1" in _row(page, "Antrea project")
    assert "Mentee3: their choice #2, mentors' #2" in _row(page, "Falco project")
    assert "Mentee1: their choice #2, mentors' #1" in _row(page, "Cilium project")
    unplaced = _between(page, "Not placed", "Blocking pairs")
    assert "Mentee4: their choices #1 Antrea project" in unplaced
    assert "None: the assignment is stable." in _text(page)
    assert not Offer.objects.exists()

    # Force mentee4 onto antrea: placed, marked, and two blocking pairs appear.
    forced_app = ready.application("mentee4", "antrea")
    response = client.post(
        reverse("selection:override_add", args=[round_.pk]),
        {"application": forced_app.pk, "kind": "force", "reason": "Local meetup organiser."},
    )
    assert response.status_code == 302
    page = _html(client.get(_term_url(ready)))
    antrea = _row(page, "Antrea project")
    assert "Mentee4" in antrea
    assert "Forced by an override" in antrea
    assert "Mentee2" not in antrea
    blocking = _between(page, "Blocking pairs", "Overrides")
    assert "Mentee2 and Antrea project would both rather be together" in blocking
    assert "Mentee1 and Antrea project would both rather be together" in blocking
    listed = _row(page, "Force this placement")
    assert "Mentee4 — Antrea project Local meetup organiser." in listed
    assert "admin" in listed
    override = Override.objects.get(round=round_)
    added = AuditEvent.objects.get(action="selection.override.force")
    assert (added.note, added.data) == ("Local meetup organiser.", {"application": forced_app.pk})
    assert added.actor == ready.world.user("admin")

    response = client.post(reverse("selection:override_remove", args=[override.pk]))
    assert response.status_code == 302
    assert not Override.objects.exists()
    removed = AuditEvent.objects.get(action="selection.override.removed")
    assert removed.data == {"application": forced_app.pk, "kind": "force"}
    page = _html(client.get(_term_url(ready)))
    assert "Mentee2" in _row(page, "Antrea project")
    assert "None: the assignment is stable." in _text(page)

    response = client.post(reverse("selection:confirm", args=[round_.pk]), {"response_days": "10"})
    assert response.status_code == 302
    round_.refresh_from_db()
    assert (round_.status, round_.response_days, round_.announced_at) == ("confirmed", 10, None)
    made = {
        (o.mentee.username, o.project.slug)
        for o in Offer.objects.select_related("mentee", "project")
    }
    assert made == {
        ("mentee2", "antrea-project"),
        ("mentee3", "falco-project"),
        ("mentee1", "cilium-project"),
    }
    response = client.get(_term_url(ready))
    assert (
        "3 offers made. The mentees are told on Tue, Sep 3, 2024, 10:00 AM PDT."
        in _messages(response)[0]
    )
    page = _html(response)
    assert "Round 1: confirmed" in page
    assert "Not announced yet:" in _text(page)
    row = _row(page, "Antrea project")
    assert "Mentee2" in row
    assert "Offered, awaiting the mentee's answer" in row
    assert "not announced yet" in row
    waitlists = _between(page, "Waitlists", "Overrides of this round")
    assert "Antrea project Mentee1 Mentee4" in waitlists
    # The projects nobody waits for share one line, not a box each.
    assert waitlists.count("No one is waiting") == 1
    assert "Cilium project Mentee3 No one is waiting for the other project." in waitlists
    assert "Run selection round" not in page


def test_admin_sees_the_recomputed_round_when_confirming_stale_rankings(
    client: Client, ready: Selection
) -> None:
    admin = ready.world.user("admin")
    round_ = services.run_round(ready.world.term, actor=admin)
    services.set_slots(ready.project("antrea"), 2, actor=admin)
    client.force_login(admin)
    response = client.post(reverse("selection:confirm", args=[round_.pk]), {"response_days": "7"})
    assert response.status_code == 302
    assert not Offer.objects.exists()
    response = client.get(response["Location"])
    assert [m.tags for m in response.context["messages"]] == ["warning"]
    assert "changed since this assignment was computed" in _messages(response)[0]
    page = _html(response)
    assert "message--warning" in page
    antrea = _row(page, "Antrea project")
    assert "Mentee1" in antrea
    assert "Mentee2" in antrea
    response = client.post(reverse("selection:confirm", args=[round_.pk]), {"response_days": "7"})
    assert response.status_code == 302
    assert Offer.objects.filter(project=ready.project("antrea")).count() == 2


def test_admin_forms_refuse_bad_input_with_the_error(client: Client, ready: Selection) -> None:
    admin = ready.world.user("admin")
    round_ = services.run_round(ready.world.term, actor=admin)
    client.force_login(admin)
    app = ready.application("mentee4", "antrea")
    url = reverse("selection:override_add", args=[round_.pk])

    response = client.post(url, {"application": app.pk, "kind": "force", "reason": "  "})
    assert response.status_code == 400
    assert "This field is required." in _html(response)
    # A rule of the service: one override per pair.
    services.add_override(round_, app, kind="forbid", reason="Conflict.", actor=admin)
    response = client.post(url, {"application": app.pk, "kind": "force", "reason": "Again."})
    assert response.status_code == 400
    assert "This pair already has an override; remove it first." in _text(_html(response))
    assert Override.objects.count() == 1

    response = client.post(reverse("selection:confirm", args=[round_.pk]), {"response_days": "61"})
    assert response.status_code == 400
    assert "less than or equal to 60" in _html(response)
    assert not Offer.objects.exists()

    response = client.post(reverse("selection:discard", args=[round_.pk]))
    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.status == Round.Status.DISCARDED
    assert "No selection round yet" in _html(client.get(_term_url(ready)))
    response = client.post(reverse("selection:confirm", args=[round_.pk]), {"response_days": "7"})
    assert response.status_code == 400
    assert "This round is not a draft any more." in _text(_html(response))


def test_term_overview_links_to_selection(client: Client, ready: Selection) -> None:
    client.force_login(ready.world.user("admin"))
    page = _html(client.get(reverse("applications:term_overview", args=[ready.world.term.pk])))
    assert f'href="{_term_url(ready)}"' in page


# --- who may open and post what ------------------------------------------------------------

USERS = ("admin", "alice", "maintainer", "mentee1", "outsider", "anonymous")


@dataclass
class Endpoint:
    method: str
    url: Callable[[Selection], str]
    data: Callable[[Selection], dict[str, Any]]
    allowed: tuple[str, ...]
    done: Callable[[Selection], bool]  # whether the allowed user's request took effect
    setup: Callable[[Selection], object] = lambda sel: None


def _draft(sel: Selection) -> Round:
    round_ = services.draft_round(sel.world.term)
    if round_ is None:
        round_ = services.run_round(sel.world.term, actor=sel.world.user("admin"))
    return round_


def _with_override(sel: Selection) -> None:
    services.add_override(
        _draft(sel),
        sel.application("mentee4", "antrea"),
        kind="forbid",
        reason="Test.",
        actor=sel.world.user("admin"),
    )


def _announced(sel: Selection) -> None:
    _confirm(sel)
    services.announce_due_rounds(NOTIFY_AT)


def _mentee1_offer(sel: Selection) -> Offer:
    return Offer.objects.get(mentee=sel.world.user("mentee1"))


ADMIN_ONLY = ("admin",)
ENDPOINTS = {
    "term": Endpoint(
        "get",
        lambda sel: _term_url(sel),
        lambda sel: {},
        ADMIN_ONLY,
        lambda sel: True,
    ),
    "run": Endpoint(
        "post",
        lambda sel: reverse("selection:run", args=[sel.world.term.pk]),
        lambda sel: {},
        ADMIN_ONLY,
        lambda sel: Round.objects.filter(status=Round.Status.DRAFT).exists(),
    ),
    "override_add": Endpoint(
        "post",
        lambda sel: reverse("selection:override_add", args=[_draft(sel).pk]),
        lambda sel: {
            "application": sel.applications[("mentee4", "antrea")].pk,
            "kind": "forbid",
            "reason": "Test.",
        },
        ADMIN_ONLY,
        lambda sel: Override.objects.exists(),
        setup=_draft,
    ),
    "override_remove": Endpoint(
        "post",
        lambda sel: reverse("selection:override_remove", args=[Override.objects.get().pk]),
        lambda sel: {},
        ADMIN_ONLY,
        lambda sel: not Override.objects.exists(),
        setup=_with_override,
    ),
    "confirm": Endpoint(
        "post",
        lambda sel: reverse("selection:confirm", args=[_draft(sel).pk]),
        lambda sel: {"response_days": "7"},
        ADMIN_ONLY,
        lambda sel: Offer.objects.count() == 3,
        setup=_draft,
    ),
    "discard": Endpoint(
        "post",
        lambda sel: reverse("selection:discard", args=[_draft(sel).pk]),
        lambda sel: {},
        ADMIN_ONLY,
        lambda sel: Round.objects.get().status == Round.Status.DISCARDED,
        setup=_draft,
    ),
    "slots": Endpoint(
        "post",
        lambda sel: reverse("selection:slots", args=[sel.project("antrea").pk]),
        lambda sel: {"slots": "2"},
        ("admin", "alice"),
        lambda sel: Project.objects.get(pk=sel.project("antrea").pk).slots == 2,
    ),
    "slots_not_mentored": Endpoint(
        "post",
        lambda sel: reverse("selection:slots", args=[sel.project("falco").pk]),
        lambda sel: {"slots": "2"},
        ADMIN_ONLY,
        lambda sel: Project.objects.get(pk=sel.project("falco").pk).slots == 2,
    ),
    "my_ranking": Endpoint(
        "post",
        lambda sel: reverse("selection:my_ranking", args=[sel.world.term.pk]),
        lambda sel: {
            "ids": f"{sel.applications[('mentee1', 'antrea')].pk} "
            f"{sel.applications[('mentee1', 'cilium')].pk}",
            f"rank-{sel.applications[('mentee1', 'antrea')].pk}": "2",
            f"rank-{sel.applications[('mentee1', 'cilium')].pk}": "1",
        },
        ("mentee1",),
        lambda sel: sel.application("mentee1", "cilium").mentee_rank == 1,
    ),
    "accept": Endpoint(
        "post",
        lambda sel: reverse("selection:accept", args=[_mentee1_offer(sel).pk]),
        lambda sel: {},
        ("mentee1",),
        lambda sel: _mentee1_offer(sel).status == Offer.Status.ACCEPTED,
        setup=_announced,
    ),
    "decline": Endpoint(
        "post",
        lambda sel: reverse("selection:decline", args=[_mentee1_offer(sel).pk]),
        lambda sel: {"confirm": "on"},
        ("mentee1",),
        lambda sel: _mentee1_offer(sel).status == Offer.Status.DECLINED,
        setup=_announced,
    ),
}


@pytest.mark.parametrize("name", ENDPOINTS)
def test_who_may_open_and_post_each_selection_url(
    name: str, ready: Selection, in_window: Any
) -> None:
    endpoint = ENDPOINTS[name]
    endpoint.setup(ready)
    if name in ("accept", "decline"):
        in_window.move_to(AFTER_NOTIFY)
    url, data = endpoint.url(ready), endpoint.data(ready)
    # Everyone who may not: nothing changes. The allowed ones go last.
    order = sorted(USERS, key=lambda who: who in endpoint.allowed)
    for who in order:
        client = Client()
        if who != "anonymous":
            client.force_login(ready.world.user(who))
        response = getattr(client, endpoint.method)(url, data)
        if who == "anonymous":
            assert response.status_code == 302, who
            assert response["Location"].startswith(reverse("account_login")), who
        elif who in endpoint.allowed:
            expected = 200 if endpoint.method == "get" else 302
            assert response.status_code == expected, (who, _text(_html(response))[:500])
        else:
            assert response.status_code == 404, who
        if who not in endpoint.allowed:
            assert not endpoint.done(ready) or name == "term", who
    assert endpoint.done(ready)


def test_writes_are_post_only(client: Client, ready: Selection) -> None:
    client.force_login(ready.world.user("admin"))
    for url in (
        reverse("selection:run", args=[ready.world.term.pk]),
        reverse("selection:slots", args=[ready.project("antrea").pk]),
        reverse("selection:my_ranking", args=[ready.world.term.pk]),
    ):
        assert client.get(url).status_code == 405
    assert not Round.objects.exists()


def test_a_mentee_cannot_answer_another_mentees_offer(
    client: Client, ready: Selection, in_window: Any
) -> None:
    _announced(ready)
    in_window.move_to(AFTER_NOTIFY)
    theirs = _offer(ready, "mentee2", "antrea")
    client.force_login(ready.world.user("mentee1"))
    assert client.post(reverse("selection:accept", args=[theirs.pk])).status_code == 404
    response = client.post(reverse("selection:decline", args=[theirs.pk]), {"confirm": "on"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Offer.Status.PENDING


# --- the mentee's ranking and offers -------------------------------------------------------


def _ranking_data(sel: Selection, ranks: dict[str, int]) -> dict[str, str]:
    pks = [sel.applications[("mentee1", slug)].pk for slug in ("antrea", "cilium")]
    data = {"ids": " ".join(str(pk) for pk in pks)}
    for slug, rank in ranks.items():
        data[f"rank-{sel.applications[('mentee1', slug)].pk}"] = str(rank)
    return data


def test_mentee_ranks_their_applications(client: Client, ready: Selection) -> None:
    client.force_login(ready.world.user("mentee1"))
    page = _home(client)
    box = _between(page, "Rank your applications for selection", "Save my ranking")
    assert "If more than one project wants you, you get the one you rank highest." in box
    # Their current order: antrea first (mentee_rank 1), cilium second.
    assert box.index("Antrea project") < box.index("Cilium project")
    antrea = ready.applications[("mentee1", "antrea")].pk
    assert f'name="rank-{antrea}" value="1"' in page

    url = reverse("selection:my_ranking", args=[ready.world.term.pk])
    response = client.post(url, _ranking_data(ready, {"antrea": 1, "cilium": 1}))
    assert response.status_code == 400
    assert "Give each application a different rank" in _html(response)
    assert ready.application("mentee1", "antrea").mentee_rank == 1

    response = client.post(url, _ranking_data(ready, {"antrea": 2, "cilium": 1}))
    assert response.status_code == 302
    assert response["Location"] == reverse("applications:home")
    assert ready.application("mentee1", "cilium").mentee_rank == 1
    assert ready.application("mentee1", "antrea").mentee_rank == 2
    box = _between(_home(client), "Rank your applications for selection", "Save my ranking")
    assert box.index("Cilium project") < box.index("Antrea project")
    assert AuditEvent.objects.filter(action="selection.mentee.ranked").count() == 5


def test_mentee_ranking_refused_after_confirmation(client: Client, ready: Selection) -> None:
    client.force_login(ready.world.user("mentee1"))
    data = _ranking_data(ready, {"antrea": 2, "cilium": 1})
    _confirm(ready)
    assert "Rank your applications for selection" not in _home(client)
    response = client.post(reverse("selection:my_ranking", args=[ready.world.term.pk]), data)
    assert response.status_code == 400
    assert "your ranking can no longer change" in _text(_html(response))
    assert ready.application("mentee1", "antrea").mentee_rank == 1


def test_offers_are_hidden_until_announced_then_accepted_or_declined(
    client: Client, ready: Selection, in_window: Any
) -> None:
    _confirm(ready)
    antrea = _offer(ready, "mentee2", "antrea")
    client.force_login(ready.world.user("mentee2"))
    page = _home(client)
    assert "Your offer" not in page
    assert reverse("selection:accept", args=[antrea.pk]) not in page
    assert "being finalised" in page
    assert client.post(reverse("selection:accept", args=[antrea.pk])).status_code == 404

    assert services.announce_due_rounds(NOTIFY_AT) == [antrea.round_id]
    in_window.move_to(AFTER_NOTIFY)
    client.force_login(ready.world.user("mentee2"))  # a month later: a new session
    page = _home(client)
    offer_box = _between(page, "Your offer", "Decline the offer")
    assert "Antrea project" in offer_box
    assert "Offered, awaiting the mentee's answer" in offer_box
    # Seven days from the announcement, in the mentee's zone (Europe/Berlin) and UTC.
    assert "Tue, Sep 10, 2024, 7:00 PM CEST (Europe/Berlin)" in offer_box
    assert "Tue, Sep 10, 2024, 17:00 UTC" in offer_box
    assert reverse("selection:accept", args=[antrea.pk]) in page
    assert "I understand that declining means I will not be placed in this term" in page

    # mentee3 accepts falco.
    mentee3 = Client()
    mentee3.force_login(ready.world.user("mentee3"))
    falco = _offer(ready, "mentee3", "falco")
    response = mentee3.post(reverse("selection:accept", args=[falco.pk]))
    assert response.status_code == 302
    falco.refresh_from_db()
    assert falco.status == Offer.Status.ACCEPTED
    assert ready.application("mentee3", "falco").status == Status.ACCEPTED
    assert "Accepted" in _between(_home(mentee3), "Your offer", "Rank your")
    response = mentee3.post(reverse("selection:accept", args=[falco.pk]))
    assert response.status_code == 400
    assert "This offer is accepted already." in _text(_html(response))

    # mentee2 declines antrea: without ticking the box nothing happens.
    url = reverse("selection:decline", args=[antrea.pk])
    response = client.post(url, {"reason": "I got a job."})
    assert response.status_code == 400
    assert "Tick the box to confirm that you decline." in _html(response)
    antrea.refresh_from_db()
    assert antrea.status == Offer.Status.PENDING
    response = client.post(url, {"reason": "I got a job.", "confirm": "on"})
    assert response.status_code == 302
    antrea.refresh_from_db()
    assert antrea.status == Offer.Status.DECLINED
    assert ready.application("mentee2", "antrea").status == Status.OFFER_DECLINED

    # The place goes to mentee1, who ranked antrea above the cilium place they held.
    moved = _offer(ready, "mentee1", "antrea")
    mentee1 = Client()
    mentee1.force_login(ready.world.user("mentee1"))
    page = _home(mentee1)
    assert reverse("selection:accept", args=[moved.pk]) in page
    assert "A place on Antrea project opened: the mentee offered it declined." in page
    assert "Replaced by an offer the mentee ranked higher" in page
    assert _offer(ready, "mentee1", "cilium", Offer.Status.SUPERSEDED).announced_at is not None


def test_an_offer_past_its_deadline_cannot_be_accepted(
    client: Client, ready: Selection, in_window: Any
) -> None:
    _announced(ready)
    offer = _offer(ready, "mentee1", "cilium")
    assert offer.deadline is not None
    in_window.move_to(offer.deadline + timedelta(minutes=1))
    client.force_login(ready.world.user("mentee1"))
    assert reverse("selection:accept", args=[offer.pk]) not in _home(client)
    response = client.post(reverse("selection:accept", args=[offer.pk]))
    assert response.status_code == 400
    assert "The deadline to answer this offer has passed" in _text(_html(response))
    offer.refresh_from_db()
    assert offer.status == Offer.Status.PENDING


# --- the mentors' box on the queue ---------------------------------------------------------


def test_mentor_sets_slots_and_later_sees_offers_and_waitlist(
    client: Client, ready: Selection
) -> None:
    client.force_login(ready.world.user("alice"))
    queue = reverse("applications:queue", args=[ready.project("antrea").pk])
    page = _html(client.get(queue))
    box = _between(page, "Selection", "Save slots")
    assert "Places on Antrea project" in box
    assert 'name="slots" value="1"' in page

    url = reverse("selection:slots", args=[ready.project("antrea").pk])
    response = client.post(url, {"slots": "99"})
    assert response.status_code == 400
    assert "less than or equal to 20" in _html(response)
    assert "Applicants" in _html(response)  # the queue, shown again
    response = client.post(url, {"slots": "2"})
    assert response.status_code == 302
    assert response["Location"] == queue
    assert Project.objects.get(pk=ready.project("antrea").pk).slots == 2
    assert AuditEvent.objects.filter(action="selection.slots.set").exists()
    assert 'name="slots" value="2"' in _html(client.get(queue))

    services.set_slots(ready.project("antrea"), 1, actor=ready.world.user("admin"))
    _confirm(ready)
    page = _html(client.get(queue))
    assert 'name="slots"' not in page
    assert "Selection is confirmed, so this no longer changes." in _text(page)
    row = _row(page, "Mentee2")
    assert "Offered, awaiting the mentee's answer" in row
    assert "not announced yet" in row
    waitlist = _between(page, "Waitlist", "Cohort runs open-source")
    assert waitlist.index("Mentee1") < waitlist.index("Mentee4")

    response = client.post(url, {"slots": "2"})
    assert response.status_code == 400
    assert "slots can no longer change" in _text(_html(response))
    assert Project.objects.get(pk=ready.project("antrea").pk).slots == 1


def test_mentor_sees_deadlines_once_announced(
    client: Client, ready: Selection, in_window: Any
) -> None:
    _announced(ready)
    client.force_login(ready.world.user("carol"))
    page = _html(client.get(reverse("applications:queue", args=[ready.project("falco").pk])))
    row = _row(page, "Mentee3")
    assert "Selection round 1: the stable assignment." in row
    assert "Tue, Sep 10, 2024, 10:00 AM PDT" in row
    assert "Tue, Sep 10, 2024, 17:00 UTC" in row


def test_an_application_closed_by_a_place_elsewhere_says_so_to_its_mentee(
    client: Client, ready: Selection
) -> None:
    _confirm(ready)
    services.announce_due_rounds(NOTIFY_AT)
    mentee = ready.world.user("mentee1")
    services.accept_offer(_offer(ready, "mentee1", "cilium"), actor=mentee, now=NOTIFY_AT)
    other = ready.application("mentee1", "antrea")
    client.force_login(mentee)
    page = client.get(reverse("applications:detail", args=[other.pk])).content.decode()
    assert "Closed: you accepted a place on another project this term." in page
    assert "You can still withdraw" not in page
    assert "so this application is closed" in page  # its history gives the reason
