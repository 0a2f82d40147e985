"""The calendar page, the feed's address and its rotation, on the page and through the API."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from cohort.applications.tests.conftest import World
from cohort.calendars.models import CalendarFeed
from cohort.core.models import AuditEvent, User


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_page_shows_the_address_and_rotating_kills_the_old_one(world: World) -> None:
    mentee = world.user("mentee1")
    client = signed_in(mentee)
    page = client.get(reverse("calendars:mine"))
    assert page.status_code == 200
    feed = CalendarFeed.objects.get(user=mentee)
    old = f"http://testserver/calendar/{feed.token}.ics"
    assert old in page.content.decode()
    assert len(feed.token) >= 43  # 32 random bytes
    assert Client().get(old).status_code == 200  # public: no login

    # Rotating is a POST with the CSRF token, never a GET.
    assert client.get(reverse("calendars:rotate")).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(mentee)
    assert strict.post(reverse("calendars:rotate")).status_code == 403
    assert CalendarFeed.objects.get(user=mentee).token == feed.token

    response = client.post(reverse("calendars:rotate"))
    assert response.status_code == 302
    fresh = CalendarFeed.objects.get(user=mentee)
    assert fresh.token != feed.token
    assert fresh.rotated_at > feed.rotated_at
    assert Client().get(old).status_code == 404
    assert Client().get(f"/calendar/{fresh.token}.ics").status_code == 200
    assert AuditEvent.objects.filter(action="calendars.feed.rotated", actor=mentee).count() == 1


def test_unknown_tokens_and_strangers(world: World) -> None:
    assert Client().get("/calendar/not-a-token.ics").status_code == 404
    page = Client().get(reverse("calendars:mine"))
    assert page.status_code == 302
    assert "/accounts/login/" in page["Location"]
    # An account that was deactivated no longer has a feed.
    mentee = world.user("mentee2")
    signed_in(mentee).get(reverse("calendars:mine"))
    token = CalendarFeed.objects.get(user=mentee).token
    User.objects.filter(pk=mentee.pk).update(is_active=False)
    assert Client().get(f"/calendar/{token}.ics").status_code == 404


def test_the_api_gives_the_address_and_rotates_it(world: World) -> None:
    mentee = world.user("mentee1")
    client = signed_in(mentee)
    got = client.get("/api/v1/me/calendar")
    assert got.status_code == 200
    body = got.json()
    feed = CalendarFeed.objects.get(user=mentee)
    assert body["url"] == f"http://testserver/calendar/{feed.token}.ics"
    assert body["rotated_at"]
    assert client.get("/api/v1/me/calendar").json()["url"] == body["url"]  # stable

    rotated = client.post("/api/v1/me/calendar/rotate")
    assert rotated.status_code == 200
    assert rotated.json()["url"] != body["url"]
    assert Client().get(body["url"]).status_code == 404
    assert Client().get(rotated.json()["url"]).status_code == 200
    # Each person has their own feed.
    other = signed_in(world.user("mentee2")).get("/api/v1/me/calendar").json()["url"]
    assert other != rotated.json()["url"]

    assert Client().get("/api/v1/me/calendar").status_code == 401
    assert Client().post("/api/v1/me/calendar/rotate").status_code == 401
