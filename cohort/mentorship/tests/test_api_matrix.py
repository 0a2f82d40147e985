"""Who may call each mentorship endpoint (issue 13's bars; DESIGN §7 "Secure"): the role ×
endpoint matrix, the lists each role finds the placement in, and what each seat reads of the
evaluations and the feedback.

The placement is mentee1's on cilium (mentored by bob). mentee2 is another mentee, carol
mentors another project (falco), admin is a program admin. Outsiders, other mentees and other
projects' mentors get 404, as for a placement that does not exist; the placement's own people
get 403 for a change their seat may not make.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from cohort.mentorship import services
from cohort.mentorship.tests.conftest import Placed
from cohort.mentorship.tests.test_api import EVALUATION, FEEDBACK, Api, Live, go_live, ok, rnd

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "outsider", "mentee2", "mentee1", "carol", "bob", "admin")


def _for(mentee: int, mentor: int, admin: int, *, everyone: int = 404) -> tuple[int, ...]:
    """Anonymous 401; outsider, other mentee and other project's mentor `everyone`."""
    return (401, everyone, everyone, mentee, everyone, mentor, admin)


SEATED = _for(200, 200, 200)
ADMIN_ONLY = _for(403, 403, 200)
TERM_ADMIN = _for(404, 404, 200)
LISTS = _for(200, 200, 200, everyone=200)


def _evaluated(live: Live) -> None:
    services.submit_evaluation(
        live.placement,
        actor=live.user("bob"),
        round_key="midterm",
        answers=services.Answers(passed=True, private_comments="Only for us."),
    )


def _on_hold(live: Live) -> None:
    services.hold_placement(live.placement, actor=live.user("admin"), reason="Exams.")


def _graduated(live: Live) -> None:
    live.into("final")
    services.override_evaluation(
        live.placement, actor=live.user("admin"), round_key="final", passed=True, reason="Done."
    )


def _shared(live: Live) -> None:
    _graduated(live)
    services.share_completion(live.placement, actor=live.user("mentee1"))


def _overdue(live: Live) -> None:
    live.move_to(rnd(live.placement, "midterm").due_at + timedelta(hours=1))


def _open(live: Live) -> None:
    """The midterm open, nobody has evaluated it yet (the `live` fixture as it is)."""


REOPEN = {"until": "2030-01-01T00:00:00Z", "reason": "The mentor was away."}

# endpoint: (method, path, body, state, expected status by ROLES)
MATRIX: dict[str, tuple[str, str, Any, Callable[[Live], None], tuple[int, ...]]] = {
    "my-placements": ("GET", "/me/placements", None, _evaluated, LISTS),
    "my-mentees": ("GET", "/me/mentees", None, _evaluated, LISTS),
    "term-placements": ("GET", "/terms/{term}/placements", None, _evaluated, TERM_ADMIN),
    "term-overdue": ("GET", "/terms/{term}/overdue", None, _overdue, TERM_ADMIN),
    "detail": ("GET", "/placements/{pk}", None, _evaluated, SEATED),
    "evaluate": ("POST", "/placements/{pk}/evaluations", EVALUATION, _open, _for(403, 201, 403)),
    "evaluate-edit": (
        "PUT",
        "/placements/{pk}/evaluations/midterm",
        {k: v for k, v in EVALUATION.items() if k != "round"},
        _evaluated,
        _for(403, 200, 403),
    ),
    "reopen": ("POST", "/placements/{pk}/evaluations/midterm/reopen", REOPEN, _open, ADMIN_ONLY),
    "override": (
        "POST",
        "/placements/{pk}/evaluations/midterm/override",
        {"passed": False, "reason": "No work."},
        _overdue,
        ADMIN_ONLY,
    ),
    "feedback": ("POST", "/placements/{pk}/feedback", FEEDBACK, _open, _for(201, 403, 403)),
    "extend": (
        "POST",
        "/placements/{pk}/extend",
        {"weeks": 1, "reason": "Ill."},
        _open,
        ADMIN_ONLY,
    ),
    "hold": ("POST", "/placements/{pk}/hold", {"reason": "Exams."}, _open, ADMIN_ONLY),
    "resume": ("POST", "/placements/{pk}/resume", {"note": "Back."}, _on_hold, ADMIN_ONLY),
    "withdraw": (
        "POST",
        "/placements/{pk}/withdraw",
        {"reason": "A job."},
        _open,
        _for(200, 403, 200),
    ),
    "share": ("POST", "/placements/{pk}/share", None, _graduated, _for(200, 403, 403)),
    "unshare": ("DELETE", "/placements/{pk}/share", None, _shared, _for(200, 403, 403)),
    "policies": ("GET", "/programs/{program}/evaluation-policies", None, _open, TERM_ADMIN),
    "choose-policy": (
        "PUT",
        "/programs/{program}/evaluation-policy",
        {"policy": "gsoc"},
        _open,
        TERM_ADMIN,
    ),
}


@pytest.fixture(name="live")
def live_placement(placed: Placed, in_window: Any) -> Live:
    return go_live(placed, in_window)


def _api(live: Live, role: str) -> Api:
    return live.as_(None if role == "anonymous" else role)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", list(MATRIX))
def test_role_endpoint_matrix(live: Live, endpoint: str, role: str) -> None:
    method, path, body, state, expected = MATRIX[endpoint]
    state(live)
    url = path.format(
        pk=live.pk, term=live.placement.term_id, program=live.placement.term.program.slug
    )
    response = _api(live, role)(method, url, body)
    assert response.status_code == expected[ROLES.index(role)], response.content


@pytest.mark.parametrize("endpoint", [e for e, row in MATRIX.items() if "{pk}" in row[1]])
def test_a_missing_placement_and_a_forbidden_one_are_the_same_404(
    live: Live, endpoint: str
) -> None:
    method, path, body, state, _expected = MATRIX[endpoint]
    state(live)
    forbidden = _api(live, "outsider")(method, path.format(pk=live.pk), body)
    assert forbidden.status_code == 404, forbidden.content
    for role in ("mentee1", "bob", "admin"):
        missing = _api(live, role)(method, path.format(pk=987654), body)
        assert missing.status_code == 404, (role, missing.content)
        assert missing.content == forbidden.content


# Which list shows the placement to whom.
SHOWN_IN = {
    "/me/placements": {"mentee1"},
    "/me/mentees": {"bob"},
    "/terms/{term}/placements": {"admin"},
}


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_each_list_shows_the_placement_to_its_own_people_only(live: Live, role: str) -> None:
    for path, seen_by in SHOWN_IN.items():
        response = _api(live, role)("GET", path.format(term=live.placement.term_id))
        ids = [p["id"] for p in response.json()] if response.status_code == 200 else []
        assert (live.pk in ids) == (role in seen_by), (path, role, response.content)


# --- what each seat reads ----------------------------------------------------------------------

PRIVATE = "Zyzzyva: needed help with every rebase."
FOR_MENTEE = "Keep the pull requests small."
OVERRIDE = "Xenon: the admins agreed by mail."
MENTOR_FEEDBACK = "Qwertz: Bob answers within a day."
PROGRAM_FEEDBACK = "Plover: the dates were clear."


@pytest.fixture
def written(live: Live) -> Live:
    """The midterm evaluated by bob (private comments), decided by an admin (a reason), and the
    mentee's feedback on it."""
    services.submit_evaluation(
        live.placement,
        actor=live.user("bob"),
        round_key="midterm",
        answers=services.Answers(
            passed=True, comments_for_mentee=FOR_MENTEE, private_comments=PRIVATE
        ),
    )
    services.override_evaluation(
        live.placement, actor=live.user("admin"), round_key="midterm", passed=True, reason=OVERRIDE
    )
    services.submit_feedback(
        live.placement,
        actor=live.user("mentee1"),
        round_key="midterm",
        answers=services.FeedbackAnswers(
            mentor_rating=4,
            program_rating=5,
            mentor_comments=MENTOR_FEEDBACK,
            program_comments=PROGRAM_FEEDBACK,
        ),
    )
    return live


def _midterm(placement: dict[str, Any]) -> dict[str, Any]:
    rounds: list[dict[str, Any]] = placement["rounds"]
    (found,) = [r for r in rounds if r["key"] == "midterm"]
    return found


def _reads(live: Live, role: str, path: str) -> tuple[str, list[dict[str, Any]]]:
    response = _api(live, role)("GET", path.format(pk=live.pk, term=live.placement.term_id))
    body = ok(response)
    return response.content.decode(), body if isinstance(body, list) else [body]


def test_the_mentee_reads_their_result_and_comments_but_never_the_private_ones(
    written: Live,
) -> None:
    for path in ("/me/placements", "/placements/{pk}"):
        text, (placement,) = _reads(written, "mentee1", path)
        midterm = _midterm(placement)
        evaluation = midterm["evaluation"]
        assert (midterm["result"], midterm["settled"]) == ("passed", True)
        assert evaluation["comments_for_mentee"] == FOR_MENTEE
        assert evaluation["private_comments"] is None
        assert evaluation["override_reason"] is None
        assert midterm["feedback"]["mentor_comments"] == MENTOR_FEEDBACK
        for secret in ("Zyzzyva", "Xenon"):
            assert secret not in text, (path, secret)


def test_the_mentor_reads_the_evaluation_but_never_the_mentees_feedback(written: Live) -> None:
    for path in ("/me/mentees", "/placements/{pk}"):
        text, (placement,) = _reads(written, "bob", path)
        midterm = _midterm(placement)
        assert midterm["evaluation"]["private_comments"] == PRIVATE
        assert midterm["evaluation"]["override_reason"] == OVERRIDE
        assert midterm["feedback_given"] is True
        assert midterm["feedback"] is None
        for secret in ("Qwertz", "Plover"):
            assert secret not in text, (path, secret)


def test_the_admin_reads_everything(written: Live) -> None:
    for path in ("/terms/{term}/placements", "/placements/{pk}"):
        text, (placement,) = _reads(written, "admin", path)
        midterm = _midterm(placement)
        assert midterm["evaluation"]["private_comments"] == PRIVATE
        assert midterm["evaluation"]["override_reason"] == OVERRIDE
        assert midterm["feedback"]["program_comments"] == PROGRAM_FEEDBACK
        for secret in ("Zyzzyva", "Xenon", "Qwertz", "Plover", FOR_MENTEE):
            assert secret in text, (path, secret)


def test_the_mentees_answers_after_a_change_keep_the_private_comments_out(written: Live) -> None:
    """The placement a write answers with is the caller's view too (here the mentee's)."""
    response = written.as_("mentee1")(
        "POST", f"/placements/{written.pk}/withdraw", {"reason": "A job."}
    )
    body = ok(response)
    assert body["status"] == "withdrawn"
    assert _midterm(body)["evaluation"]["private_comments"] is None
    assert "Zyzzyva" not in response.content.decode()


def test_an_upcoming_placement_answers_its_own_people_only(placed: Placed) -> None:
    """Before the mentorship begins (no open round), the seats are the same."""
    pk = placed.placement.pk
    for name, status in (("mentee1", 200), ("bob", 200), ("admin", 200), ("carol", 404)):
        assert Api(placed.world.user(name))("GET", f"/placements/{pk}").status_code == status
