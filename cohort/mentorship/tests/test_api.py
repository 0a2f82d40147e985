"""The mentorship API (issue 13): each endpoint's behaviour through `/api/v1`, each actor with
their own token. Who may call what is in test_api_matrix.py.

mentee1 is placed on cilium (mentored by bob); carol mentors falco; admin runs the program.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cohort.core.models import AuditEvent, User
from cohort.core.tokens import create_api_token
from cohort.mentorship import services
from cohort.mentorship.models import Evaluation, EvaluationRound, Feedback, Placement
from cohort.mentorship.tests.conftest import Placed, accept

pytestmark = pytest.mark.django_db

EVALUATION: dict[str, Any] = {
    "round": "midterm",
    "passed": True,
    "progress": "on_track",
    "communication": "good",
    "hours_per_week": 30,
    "comments_for_mentee": "Keep the pull requests small.",
    "private_comments": "Needed help with the CI.",
}
FEEDBACK: dict[str, Any] = {
    "round": "midterm",
    "mentor_rating": 5,
    "program_rating": 4,
    "mentor_comments": "Bob answers within a day.",
    "program_comments": "Clear dates.",
}
FINAL_FEEDBACK: dict[str, Any] = {
    **FEEDBACK,
    "round": "final",
    "blog_url": "https://blog.example.net/my-term",
    "work_links": ["https://github.com/cilium/cilium/pull/1", "https://github.com/x/y/issues/2"],
}


class Api:
    """Calls /api/v1 as one user (their own bearer token), or anonymously (None)."""

    def __init__(self, user: User | None) -> None:
        self.client = Client()
        self.headers = (
            {"Authorization": f"Bearer {create_api_token(user, name='t')[1]}"} if user else {}
        )

    def __call__(self, method: str, path: str, body: Any = None) -> Any:
        send = getattr(self.client, method.lower())
        if method == "GET":
            return send(f"/api/v1{path}", headers=self.headers)
        data = "" if body is None else json.dumps(body)
        return send(f"/api/v1{path}", data, content_type="application/json", headers=self.headers)


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return response.json()


def refused(response: Any, status: int = 400) -> str:
    assert response.status_code == status, response.content
    detail: str = response.json()["detail"]
    return detail


def rnd(placement: Placement, key: str) -> EvaluationRound:
    return EvaluationRound.objects.get(placement=placement, key=key)


@dataclass
class Live:
    """The placement, active, with the clock an hour into its open midterm."""

    placed: Placed
    clock: Any  # the time_machine traveller

    @property
    def placement(self) -> Placement:
        return Placement.objects.get(pk=self.placed.placement.pk)

    @property
    def pk(self) -> int:
        return self.placed.placement.pk

    def as_(self, name: str | None) -> Api:
        return Api(self.placed.world.user(name) if name else None)

    def user(self, name: str) -> User:
        return self.placed.world.user(name)

    def move_to(self, moment: datetime) -> None:
        self.clock.move_to(moment)

    def into(self, key: str, after_opening: timedelta = timedelta(hours=1)) -> None:
        self.move_to(rnd(self.placement, key).opens_at + after_opening)


def go_live(placed: Placed, clock: Any) -> Live:
    """Activate the placement and move `clock` an hour into its midterm."""
    services.activate_placement(placed.placement, actor=placed.world.user("admin"))
    state = Live(placed, clock)
    state.into("midterm")
    return state


@pytest.fixture
def live(placed: Placed, in_window: Any) -> Live:
    return go_live(placed, in_window)


def round_of(body: dict[str, Any], key: str) -> dict[str, Any]:
    rounds: list[dict[str, Any]] = body["rounds"]
    (found,) = [r for r in rounds if r["key"] == key]
    return found


# --- the lists and the detail --------------------------------------------------------------------


def test_the_lists_and_the_detail_show_each_round_with_its_instants(live: Live) -> None:
    midterm = rnd(live.placement, "midterm")
    for who, path in (
        ("mentee1", "/me/placements"),
        ("bob", "/me/mentees"),
        ("admin", f"/terms/{live.placement.term_id}/placements"),
    ):
        (body,) = ok(live.as_(who)("GET", path))
        assert body["id"] == live.pk
        assert [r["key"] for r in body["rounds"]] == ["midterm", "final"]
        first = round_of(body, "midterm")
        assert first["state"] == "open"
        assert first["opens_at"] == midterm.opens_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        assert first["due_at"] == midterm.due_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        assert first["closes_at"] == first["due_at"]
        assert (first["result"], first["settled"], first["evaluation"]) == (None, False, None)
        assert round_of(body, "final")["state"] == "upcoming"
        assert round_of(body, "final")["final"] is True
    mentee = ok(live.as_("mentee1")("GET", f"/placements/{live.pk}"))
    assert mentee["seat"] == "mentee"
    assert round_of(mentee, "midterm")["can_give_feedback"] is True
    assert round_of(mentee, "midterm")["can_evaluate"] is False
    mentor = ok(live.as_("bob")("GET", f"/placements/{live.pk}"))
    assert mentor["seat"] == "mentor"
    assert round_of(mentor, "midterm")["can_evaluate"] is True
    assert round_of(mentor, "midterm")["can_give_feedback"] is False
    assert ok(live.as_("admin")("GET", f"/placements/{live.pk}"))["seat"] == "admin"


def test_my_mentees_lists_only_the_callers_projects(live: Live) -> None:
    assert ok(live.as_("carol")("GET", "/me/mentees")) == []
    assert ok(live.as_("mentee1")("GET", "/me/mentees")) == []
    assert [p["id"] for p in ok(live.as_("bob")("GET", "/me/mentees"))] == [live.pk]


def test_a_terms_placements_filter_by_status_and_refuse_an_unknown_one(live: Live) -> None:
    admin = live.as_("admin")
    term = live.placement.term_id
    assert [p["id"] for p in ok(admin("GET", f"/terms/{term}/placements?status=active"))] == [
        live.pk
    ]
    assert ok(admin("GET", f"/terms/{term}/placements?status=upcoming")) == []
    assert "not a placement status" in refused(
        admin("GET", f"/terms/{term}/placements?status=lost")
    )


def test_a_missing_placement_is_404_even_for_an_admin(live: Live) -> None:
    admin = live.as_("admin")
    assert admin("GET", "/placements/987654").status_code == 404
    assert admin("POST", "/placements/987654/extend", {"weeks": 1, "reason": "x"}).status_code == (
        404
    )
    assert admin("GET", "/placements/0").status_code == 422  # not an id at all


def test_the_terms_list_runs_the_same_queries_for_one_placement_or_three(live: Live) -> None:
    admin = live.as_("admin")
    url = f"/terms/{live.placement.term_id}/placements"
    ok(admin("GET", url))  # the token's first use writes its last-used time
    with CaptureQueriesContext(connection) as one:
        ok(admin("GET", url))
    accept(live.placed.sel, "mentee3", "falco")
    accept(live.placed.sel, "mentee2", "antrea")
    services.submit_evaluation(
        live.placement,
        actor=live.user("bob"),
        round_key="midterm",
        answers=services.Answers(passed=True, private_comments="x"),
    )
    with CaptureQueriesContext(connection) as three:
        assert len(ok(admin("GET", url))) == 3
    assert len(three.captured_queries) == len(one.captured_queries)


@pytest.mark.parametrize(
    ("who", "path", "many"),
    [("admin", "/terms/{term}/overdue", 3), ("bob", "/me/mentees", 2)],
)
def test_the_overdue_list_and_my_mentees_run_a_fixed_number_of_queries(
    live: Live, who: str, path: str, many: int
) -> None:
    api = live.as_(who)
    url = path.format(term=live.placement.term_id)
    live.move_to(rnd(live.placement, "midterm").due_at + timedelta(hours=1))
    ok(api("GET", url))  # the token's first use writes its last-used time
    with CaptureQueriesContext(connection) as one:
        assert len(ok(api("GET", url))) == 1
    for mentee, slug in (("mentee2", "antrea"), ("mentee3", "falco")):
        accept(live.placed.sel, mentee, slug)
        services.activate_placement(
            Placement.objects.get(mentee=live.user(mentee)), actor=live.user("admin")
        )
    with CaptureQueriesContext(connection) as more:
        assert len(ok(api("GET", url))) == many
    assert len(more.captured_queries) == len(one.captured_queries)


# --- evaluations ---------------------------------------------------------------------------------


def test_a_mentor_submits_the_midterm_once_and_a_second_is_409(live: Live) -> None:
    bob = live.as_("bob")
    body = ok(bob("POST", f"/placements/{live.pk}/evaluations", EVALUATION), 201)
    assert body["round"] == "midterm"
    assert body["status"] == "submitted"
    assert (body["passed"], body["mentor_passed"]) == (True, True)
    assert body["private_comments"] == "Needed help with the CI."
    assert body["settled_at"] is None
    assert body["placement_status"] == "active"
    evaluation = Evaluation.objects.get(placement=live.placement)
    assert evaluation.author == live.user("bob")
    assert (evaluation.progress, evaluation.communication, evaluation.hours_per_week) == (
        "on_track",
        "good",
        30,
    )
    again = refused(bob("POST", f"/placements/{live.pk}/evaluations", EVALUATION), 409)
    assert "already submitted by bob" in again
    assert Evaluation.objects.count() == 1


def test_any_round_key_of_the_placement_is_taken_and_an_unknown_one_refused(live: Live) -> None:
    bob = live.as_("bob")
    unknown = {**EVALUATION, "round": "week-6"}
    detail = refused(bob("POST", f"/placements/{live.pk}/evaluations", unknown))
    assert "no round “week-6”" in detail
    assert "midterm, final" in detail
    # The final round exists but has not opened yet.
    early = refused(
        bob("POST", f"/placements/{live.pk}/evaluations", {**EVALUATION, "round": "final"})
    )
    assert "opens" in early
    live.into("final")
    final = ok(
        bob("POST", f"/placements/{live.pk}/evaluations", {**EVALUATION, "round": "final"}), 201
    )
    assert final["round"] == "final"
    assert Evaluation.objects.get().round.key == "final"


def test_a_round_of_another_policy_is_evaluated_by_its_own_key(live: Live) -> None:
    """The rounds are the program's policy's: the LF part-time variant's "week-6"."""
    admin = live.user("admin")
    services.install_policy(live.placement.term.program, "lfx-part-time", actor=admin)
    accept(live.placed.sel, "mentee2", "antrea")
    other = Placement.objects.get(mentee=live.user("mentee2"))
    services.activate_placement(other, actor=admin)
    keys = list(other.rounds.values_list("key", flat=True))
    assert keys == ["week-6", "week-12", "week-18", "week-24"]
    live.move_to(rnd(other, "week-6").opens_at + timedelta(hours=1))
    alice = live.as_("alice")  # she mentors antrea
    body = ok(
        alice("POST", f"/placements/{other.pk}/evaluations", {**EVALUATION, "round": "week-6"}),
        201,
    )
    assert body["round"] == "week-6"
    midterm = refused(alice("POST", f"/placements/{other.pk}/evaluations", EVALUATION))
    assert "no round “midterm”" in midterm
    listed = ok(alice("GET", f"/placements/{other.pk}"))
    assert [r["key"] for r in listed["rounds"]] == keys
    assert round_of(listed, "week-6")["result"] == "passed"


@pytest.mark.parametrize(
    ("change", "status", "words"),
    [
        ({"progress": "great"}, 400, "not a progress answer"),
        ({"communication": "loud"}, 400, "not a communication answer"),
        ({"hours_per_week": 81}, 400, "between 0 and 80"),
        ({"passed": None}, 422, "passed"),
        ({"hours_per_week": "many"}, 422, "hours_per_week"),
        ({"private_comments": "x" * 10_001}, 422, "private_comments"),
    ],
)
def test_an_evaluation_that_breaks_a_rule_is_refused_and_stores_nothing(
    live: Live, change: dict[str, Any], status: int, words: str
) -> None:
    body = {**EVALUATION, **change}
    detail = refused(live.as_("bob")("POST", f"/placements/{live.pk}/evaluations", body), status)
    assert words in detail
    assert not Evaluation.objects.exists()


def test_an_evaluation_without_the_result_is_422(live: Live) -> None:
    body = {k: v for k, v in EVALUATION.items() if k != "passed"}
    response = live.as_("bob")("POST", f"/placements/{live.pk}/evaluations", body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"][-1] == "passed"


def test_a_co_mentor_edits_it_until_the_round_closes_to_the_second(live: Live) -> None:
    bob = live.as_("bob")
    ok(bob("POST", f"/placements/{live.pk}/evaluations", EVALUATION), 201)
    due = rnd(live.placement, "midterm").due_at
    live.move_to(due - timedelta(seconds=1))
    edited = ok(
        bob(
            "PUT",
            f"/placements/{live.pk}/evaluations/midterm",
            {**EVALUATION, "passed": False, "comments_for_mentee": "Let us talk."},
        )
    )
    assert (edited["passed"], edited["comments_for_mentee"]) == (False, "Let us talk.")
    assert Evaluation.objects.get().passed is False
    live.move_to(due)
    closed = refused(bob("PUT", f"/placements/{live.pk}/evaluations/midterm", EVALUATION))
    assert "closed" in closed
    assert Evaluation.objects.get().passed is False


def test_editing_a_round_nobody_submitted_is_refused(live: Live) -> None:
    detail = refused(
        live.as_("bob")("PUT", f"/placements/{live.pk}/evaluations/midterm", EVALUATION)
    )
    assert "has not been submitted yet" in detail


def test_an_upcoming_placement_is_not_evaluated(placed: Placed, in_window: Any) -> None:
    in_window.move_to(rnd(placed.placement, "midterm").opens_at + timedelta(hours=1))
    detail = refused(
        Api(placed.world.user("bob"))(
            "POST", f"/placements/{placed.placement.pk}/evaluations", EVALUATION
        )
    )
    assert "only an active one is evaluated" in detail


# --- reopen and override -------------------------------------------------------------------------


def _locked_midterm(live: Live, passed: bool) -> Evaluation:
    ok(
        live.as_("bob")(
            "POST", f"/placements/{live.pk}/evaluations", {**EVALUATION, "passed": passed}
        ),
        201,
    )
    due = rnd(live.placement, "midterm").due_at
    live.move_to(due + timedelta(hours=1))
    return services.lock_evaluation(Evaluation.objects.get())


def test_a_locked_midterm_fail_fails_the_placement(live: Live) -> None:
    _locked_midterm(live, passed=False)
    body = ok(live.as_("admin")("GET", f"/placements/{live.pk}"))
    assert body["status"] == "failed"
    midterm = round_of(body, "midterm")
    assert (midterm["state"], midterm["result"], midterm["settled"]) == ("closed", "failed", True)
    assert midterm["evaluation"]["status"] == "locked"


def test_an_admin_reopens_a_locked_round_and_the_mentor_edits_again(live: Live) -> None:
    _locked_midterm(live, passed=True)
    admin, bob = live.as_("admin"), live.as_("bob")
    until = rnd(live.placement, "midterm").due_at + timedelta(days=3)
    body = ok(
        admin(
            "POST",
            f"/placements/{live.pk}/evaluations/midterm/reopen",
            {"until": until.isoformat(), "reason": "The mentor was ill."},
        )
    )
    midterm = round_of(body, "midterm")
    assert midterm["state"] == "reopened"
    assert midterm["closes_at"] == until.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert (midterm["evaluation"]["status"], midterm["settled"]) == ("reopened", False)
    assert AuditEvent.objects.filter(
        action="mentorship.round.reopened", note="The mentor was ill."
    ).exists()
    edited = ok(
        bob(
            "PUT",
            f"/placements/{live.pk}/evaluations/midterm",
            {**EVALUATION, "hours_per_week": 12},
        )
    )
    assert edited["hours_per_week"] == 12


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"until": "2024-10-20T12:00:00", "reason": "x"}, 422, "until"),  # no offset
        ({"until": "2024-10-01T12:00:00Z", "reason": "x"}, 400, "a time still ahead"),
        ({"until": "2024-10-10T00:00:00Z", "reason": "x"}, 400, "then or later"),
        ({"until": "2030-01-01T00:00:00Z", "reason": " "}, 400, "is required"),
        ({"until": "2030-01-01T00:00:00Z"}, 422, "reason"),
    ],
)
def test_a_reopening_that_breaks_a_rule_is_refused(
    live: Live, body: dict[str, Any], status: int, words: str
) -> None:
    before = rnd(live.placement, "midterm").closes_at
    response = live.as_("admin")("POST", f"/placements/{live.pk}/evaluations/midterm/reopen", body)
    assert words in refused(response, status)
    assert rnd(live.placement, "midterm").closes_at == before


def test_an_admin_fails_an_overdue_midterm_and_the_placement_fails(live: Live) -> None:
    live.move_to(rnd(live.placement, "midterm").due_at + timedelta(days=1))
    admin = live.as_("admin")
    body = ok(
        admin(
            "POST",
            f"/placements/{live.pk}/evaluations/midterm/override",
            {"passed": False, "reason": "No work since September."},
        )
    )
    assert (body["status"], body["passed"], body["mentor_passed"]) == ("overridden", False, None)
    assert body["override_reason"] == "No work since September."
    assert body["settled_at"] is not None
    assert body["placement_status"] == "failed"
    assert live.placement.status == Placement.Status.FAILED


def test_an_admin_passing_the_final_graduates_the_placement(live: Live) -> None:
    ok(live.as_("bob")("POST", f"/placements/{live.pk}/evaluations", EVALUATION), 201)
    live.into("final")
    body = ok(
        live.as_("admin")(
            "POST",
            f"/placements/{live.pk}/evaluations/final/override",
            {"passed": True, "reason": "The mentor left; the work is merged."},
        )
    )
    assert (body["round"], body["placement_status"]) == ("final", "graduated")
    assert live.placement.status == Placement.Status.GRADUATED
    # A decided placement's evaluations are final.
    again = live.as_("admin")(
        "POST",
        f"/placements/{live.pk}/evaluations/final/override",
        {"passed": False, "reason": "Second thoughts."},
    )
    assert "its evaluations are final" in refused(again)


def test_a_mentors_final_pass_graduates_when_it_locks(live: Live) -> None:
    bob = live.as_("bob")
    ok(bob("POST", f"/placements/{live.pk}/evaluations", EVALUATION), 201)
    live.into("final")
    ok(bob("POST", f"/placements/{live.pk}/evaluations", {**EVALUATION, "round": "final"}), 201)
    assert ok(bob("GET", f"/placements/{live.pk}"))["status"] == "active"
    live.move_to(rnd(live.placement, "final").due_at)
    assert services.lock_due_evaluations() == 2
    body = ok(bob("GET", f"/placements/{live.pk}"))
    assert body["status"] == "graduated"
    assert [r["settled"] for r in body["rounds"]] == [True, True]


def test_the_overdue_list_names_the_round_nobody_evaluated(live: Live) -> None:
    admin = live.as_("admin")
    url = f"/terms/{live.placement.term_id}/overdue"
    midterm = rnd(live.placement, "midterm")
    live.move_to(midterm.due_at - timedelta(seconds=1))
    assert ok(admin("GET", url)) == []
    live.move_to(midterm.due_at)
    (row,) = ok(admin("GET", url))
    assert (row["placement"], row["round"], row["mentee"]) == (
        live.pk,
        "midterm",
        live.user("mentee1").pk,
    )
    assert row["placement_status"] == "active"
    assert row["closed_at"] == midterm.due_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert row["project_title"] == live.placement.project.title
    body = ok(admin("GET", f"/placements/{live.pk}"))
    assert round_of(body, "midterm")["state"] == "overdue"
    # Decided: no longer overdue.
    ok(
        admin(
            "POST",
            f"/placements/{live.pk}/evaluations/midterm/override",
            {"passed": True, "reason": "The mentor said so by mail."},
        )
    )
    assert ok(admin("GET", url)) == []


# --- feedback ------------------------------------------------------------------------------------


def test_the_mentee_gives_feedback_once_on_time_and_a_second_is_409(live: Live) -> None:
    mentee = live.as_("mentee1")
    body = ok(mentee("POST", f"/placements/{live.pk}/feedback", FEEDBACK), 201)
    assert (body["round"], body["late"], body["mentor_rating"]) == ("midterm", False, 5)
    feedback = Feedback.objects.get()
    assert (feedback.mentor_comments, feedback.late) == ("Bob answers within a day.", False)
    assert "already gave" in refused(
        mentee("POST", f"/placements/{live.pk}/feedback", FEEDBACK), 409
    )
    assert Feedback.objects.count() == 1


def test_feedback_given_at_the_due_instant_is_late(live: Live) -> None:
    due = rnd(live.placement, "midterm").due_at
    live.move_to(due)
    body = ok(live.as_("mentee1")("POST", f"/placements/{live.pk}/feedback", FEEDBACK), 201)
    assert body["late"] is True
    assert Feedback.objects.get().late is True


def test_feedback_a_second_before_it_is_due_is_on_time(live: Live) -> None:
    live.move_to(rnd(live.placement, "midterm").due_at - timedelta(seconds=1))
    body = ok(live.as_("mentee1")("POST", f"/placements/{live.pk}/feedback", FEEDBACK), 201)
    assert body["late"] is False


def test_the_final_feedback_needs_the_blog_and_the_work(live: Live) -> None:
    live.into("final")
    mentee = live.as_("mentee1")
    url = f"/placements/{live.pk}/feedback"
    assert "blog post" in refused(mentee("POST", url, {**FINAL_FEEDBACK, "blog_url": ""}))
    assert "link to your work" in refused(mentee("POST", url, {**FINAL_FEEDBACK, "work_links": []}))
    bad = refused(mentee("POST", url, {**FINAL_FEEDBACK, "work_links": ["not a link"]}))
    assert "must be a web address" in bad
    assert (
        mentee("POST", url, {**FINAL_FEEDBACK, "work_links": "https://x.example"}).status_code
        == 422
    )
    assert not Feedback.objects.exists()
    body = ok(mentee("POST", url, FINAL_FEEDBACK), 201)
    assert body["blog_url"] == FINAL_FEEDBACK["blog_url"]
    assert body["work_links"] == FINAL_FEEDBACK["work_links"]
    assert Feedback.objects.get().work_links == FINAL_FEEDBACK["work_links"]


@pytest.mark.parametrize(
    "links",
    [
        [f"https://github.com/x/y/pull/{i}" for i in range(31)],  # more than 30
        ["https://github.com/" + "x" * 500],  # longer than a stored address
    ],
)
def test_too_many_or_too_long_work_links_are_422(live: Live, links: list[str]) -> None:
    live.into("final")
    body = {**FINAL_FEEDBACK, "work_links": links}
    response = live.as_("mentee1")("POST", f"/placements/{live.pk}/feedback", body)
    assert response.status_code == 422, response.content
    assert "work_links" in response.json()["detail"]
    assert not Feedback.objects.exists()


@pytest.mark.parametrize(
    ("change", "status"),
    [({"mentor_rating": 6}, 400), ({"program_rating": 0}, 400), ({"mentor_rating": "a"}, 422)],
)
def test_a_rating_outside_one_to_five_is_refused(
    live: Live, change: dict[str, Any], status: int
) -> None:
    response = live.as_("mentee1")(
        "POST", f"/placements/{live.pk}/feedback", {**FEEDBACK, **change}
    )
    assert response.status_code == status, response.content
    assert not Feedback.objects.exists()


def test_feedback_before_the_round_opens_is_refused(live: Live) -> None:
    response = live.as_("mentee1")("POST", f"/placements/{live.pk}/feedback", {**FINAL_FEEDBACK})
    assert "opens" in refused(response)


# --- the placement's dates and status -----------------------------------------------------------


def test_an_admin_extends_the_placement_and_its_rounds_ahead_move(live: Live) -> None:
    before = live.placement
    due = {r.key: r.due_at for r in before.rounds.all()}
    body = ok(
        live.as_("admin")(
            "POST", f"/placements/{live.pk}/extend", {"weeks": 2, "reason": "Exams in November."}
        )
    )
    after = live.placement
    assert body["extended_weeks"] == after.extended_weeks == 2
    assert after.ends_at is not None
    assert before.ends_at is not None
    assert after.ends_at - before.ends_at == timedelta(days=14)
    assert body["ends_at"] == after.ends_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    for key in ("midterm", "final"):
        assert rnd(after, key).due_at - due[key] == timedelta(days=14)
    assert AuditEvent.objects.filter(
        action="mentorship.placement.extended", note="Exams in November."
    ).exists()


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"weeks": 0, "reason": "x"}, 400),
        ({"weeks": 53, "reason": "x"}, 400),
        ({"weeks": 2, "reason": ""}, 400),
        ({"weeks": "two", "reason": "x"}, 422),
        ({"weeks": 2}, 422),
    ],
)
def test_an_extension_that_breaks_a_rule_moves_nothing(
    live: Live, body: dict[str, Any], status: int
) -> None:
    ends = live.placement.ends_at
    response = live.as_("admin")("POST", f"/placements/{live.pk}/extend", body)
    assert response.status_code == status, response.content
    assert (live.placement.ends_at, live.placement.extended_weeks) == (ends, 0)


def test_an_admin_holds_and_resumes_and_the_dates_move_by_the_pause(live: Live) -> None:
    admin = live.as_("admin")
    ends = live.placement.ends_at
    assert ends is not None
    held = ok(admin("POST", f"/placements/{live.pk}/hold", {"reason": "Family emergency."}))
    assert held["status"] == "on_hold"
    again = refused(admin("POST", f"/placements/{live.pk}/hold", {"reason": "Again."}))
    assert "cannot be put on hold" in again
    held_since = live.placement.held_since
    assert held_since is not None
    # Three days and two hours: any part of a day counts as one.
    live.move_to(held_since + timedelta(days=3, hours=2))
    resumed = ok(admin("POST", f"/placements/{live.pk}/resume", {"note": "Back."}))
    assert (resumed["status"], resumed["paused_days"]) == ("active", 4)
    assert live.placement.ends_at == ends + timedelta(days=4)


def test_holding_needs_a_reason_and_resuming_an_active_one_is_refused(live: Live) -> None:
    admin = live.as_("admin")
    assert "is required" in refused(admin("POST", f"/placements/{live.pk}/hold", {"reason": ""}))
    assert admin("POST", f"/placements/{live.pk}/hold", {}).status_code == 422
    assert "cannot become active" in refused(admin("POST", f"/placements/{live.pk}/resume", {}))
    assert live.placement.status == Placement.Status.ACTIVE


def test_the_mentee_withdraws_with_a_reason(live: Live) -> None:
    mentee = live.as_("mentee1")
    assert "is required" in refused(
        mentee("POST", f"/placements/{live.pk}/withdraw", {"reason": " "})
    )
    body = ok(mentee("POST", f"/placements/{live.pk}/withdraw", {"reason": "A full-time job."}))
    assert (body["status"], body["outcome_note"], body["seat"]) == (
        "withdrawn",
        "A full-time job.",
        "mentee",
    )
    assert live.placement.status == Placement.Status.WITHDRAWN
    again = refused(mentee("POST", f"/placements/{live.pk}/withdraw", {"reason": "Again."}))
    assert "withdrawn" in again


# --- the completion page -------------------------------------------------------------------------


def _graduate(live: Live) -> None:
    live.into("final")
    services.override_evaluation(
        live.placement, actor=live.user("admin"), round_key="final", passed=True, reason="Done."
    )


def test_only_a_graduated_mentee_shares_the_completion_page(live: Live) -> None:
    mentee = live.as_("mentee1")
    url = f"/placements/{live.pk}/share"
    assert "graduated" in refused(mentee("POST", url))
    _graduate(live)
    body = ok(mentee("POST", url))
    token = live.placement.share_token
    assert token
    assert body == {"shared": True, "url": f"/completed/{token}/"}
    assert ok(mentee("POST", url)) == body  # sharing again keeps the address
    assert ok(mentee("GET", f"/placements/{live.pk}"))["completion_url"] == body["url"]
    # Nobody else is told the secret.
    assert ok(live.as_("admin")("GET", f"/placements/{live.pk}"))["completion_url"] is None
    assert ok(live.as_("bob")("GET", f"/placements/{live.pk}"))["completion_url"] is None
    assert token not in live.as_("admin")("GET", f"/placements/{live.pk}").content.decode()


def test_unsharing_revokes_the_address_for_good(live: Live) -> None:
    _graduate(live)
    mentee = live.as_("mentee1")
    url = f"/placements/{live.pk}/share"
    first = ok(mentee("POST", url))["url"]
    assert ok(mentee("DELETE", url)) == {"shared": False, "url": None}
    assert live.placement.share_token is None
    assert ok(mentee("GET", f"/placements/{live.pk}"))["completion_url"] is None
    second = ok(mentee("POST", url))["url"]
    assert second != first


# --- the schema ----------------------------------------------------------------------------------


def test_the_openapi_document_has_every_mentorship_operation() -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    expected = {
        "/api/v1/me/placements": {"get"},
        "/api/v1/me/mentees": {"get"},
        "/api/v1/terms/{pk}/placements": {"get"},
        "/api/v1/terms/{pk}/overdue": {"get"},
        "/api/v1/placements/{pk}": {"get"},
        "/api/v1/placements/{pk}/evaluations": {"post"},
        "/api/v1/placements/{pk}/evaluations/{key}": {"put"},
        "/api/v1/placements/{pk}/evaluations/{key}/reopen": {"post"},
        "/api/v1/placements/{pk}/evaluations/{key}/override": {"post"},
        "/api/v1/placements/{pk}/feedback": {"post"},
        "/api/v1/placements/{pk}/extend": {"post"},
        "/api/v1/placements/{pk}/hold": {"post"},
        "/api/v1/placements/{pk}/resume": {"post"},
        "/api/v1/placements/{pk}/withdraw": {"post"},
        "/api/v1/placements/{pk}/share": {"post", "delete"},
    }
    for path, methods in expected.items():
        assert methods <= set(paths[path]), path
    submit = paths["/api/v1/placements/{pk}/evaluations"]["post"]["responses"]
    assert {"201", "409", "404", "403", "422"} <= set(submit)
    rounds = schema["components"]["schemas"]["PlacementRoundOut"]["properties"]
    assert {"opens_at", "due_at", "closes_at", "result", "settled", "feedback"} <= set(rounds)
