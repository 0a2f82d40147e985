"""Random sequences of the payment services, valid and not, over six payments of three
placements (issue 14: "the term's totals always equal the sum of their entries, and a test
checks this after random sequences of operations").

The placements are made once; each example runs in a savepoint rolled back at its end, so
every example starts from the same six pending payments."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from cohort.applications.models import MenteeProfile
from cohort.core.errors import DomainError
from cohort.core.models import User
from cohort.mentorship import services as m
from cohort.mentorship.models import EvaluationRound, Placement
from cohort.mentorship.tests.conftest import TERM_START, Placed, accept
from cohort.stipends import queries, services
from cohort.stipends.models import Payment, StipendPolicy
from cohort.stipends.tests.conftest import IN_FINAL, IN_MIDTERM, PASS
from cohort.terms.models import ProgramMembership

S = Payment.Status
THRESHOLD = 200_000  # above it, two approvers
DELTAS = [-10_000_000, -50_000, -1, 0, 1, 25_000, 100_000]


def settle_by(placement: Placement, mentor: User, key: str) -> None:
    at = IN_MIDTERM if key == "midterm" else IN_FINAL
    evaluation = m.submit_evaluation(placement, actor=mentor, round_key=key, answers=PASS, now=at)
    closes = EvaluationRound.objects.get(placement=placement, key=key).closes_at
    m.lock_evaluation(evaluation, now=closes + timedelta(seconds=1))


def six_payments(placed: Placed) -> list[Payment]:
    """mentee1 (DE) on cilium and mentee2 (DE) on antrea, both mentored by bob; mentee3 (IN)
    on falco, mentored by carol; each with their midterm and final passed."""
    w = placed.world
    admin = w.user("admin")
    services.install_preset(w.program, "lfx", actor=admin)
    StipendPolicy.objects.filter(program=w.program).update(second_approval_above=THRESHOLD)
    MenteeProfile.objects.filter(user=w.user("mentee3")).update(country="IN")
    antrea = Placement.objects.get(offer=accept(placed.sel, "mentee2", "antrea"))
    falco = Placement.objects.get(offer=accept(placed.sel, "mentee3", "falco"))
    assert m.activate_due_placements(TERM_START) == 3
    mentors = [(placed.placement, "bob"), (antrea, "bob"), (falco, "carol")]
    for key in ("midterm", "final"):
        for placement, mentor in mentors:
            settle_by(placement, w.user(mentor), key)
    payments = list(Payment.objects.order_by("pk"))
    assert sorted(p.total for p in payments) == [150_000] * 2 + [228_200] * 4
    return payments


class Ledger(RuleBasedStateMachine):
    """Each rule calls a service and checks the outcome against a model of the payments."""

    placed: Placed
    pks: list[int]
    admins: list[User]

    def __init__(self) -> None:
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.term = self.placed.world.term
        self.admin = self.admins[0]
        rows = Payment.objects.filter(pk__in=self.pks)
        self.status = {p.pk: p.status for p in rows}
        self.total = {p.pk: p.total for p in rows}
        self.mentored_by_bob = {p.pk: p.placement.project.slug != "falco-project" for p in rows}
        self.approvers: dict[int, set[int]] = {pk: set() for pk in self.pks}
        self.before = dict(self.status)

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def _call(self, work: Any, ok: bool) -> None:
        """Run `work`; it must succeed when `ok`, and else raise a DomainError."""
        self.before = dict(Payment.objects.values_list("pk", "status"))
        if ok:
            work()
        else:
            with pytest.raises(DomainError):
                work()

    def _payment(self, index: int) -> Payment:
        return Payment.objects.get(pk=self.pks[index])

    @rule(index=st.integers(0, 5), who=st.integers(0, 2))
    def approve(self, index: int, who: int) -> None:
        pk = self.pks[index]
        actor = self.admins[who]
        is_bob = actor.username == "bob"
        ok = (
            self.status[pk] == S.PENDING
            and not (is_bob and self.mentored_by_bob[pk])
            and actor.pk not in self.approvers[pk]
        )
        self._call(lambda: services.approve_payment(self._payment(index), actor=actor), ok)
        if ok:
            self.approvers[pk].add(actor.pk)
            needed = 2 if self.total[pk] > THRESHOLD else 1
            if len(self.approvers[pk]) >= needed:
                self.status[pk] = S.APPROVED

    @rule()
    def export(self) -> None:
        approved = [pk for pk, s in self.status.items() if s == S.APPROVED]
        self.before = dict(Payment.objects.values_list("pk", "status"))
        made = services.export_payments(self.term, actor=self.admin)
        assert made.count == len(approved)
        for pk in approved:
            self.status[pk] = S.SENT

    @rule(index=st.integers(0, 5), paid=st.booleans())
    def import_result(self, index: int, paid: bool) -> None:
        payment = self._payment(index)
        line = f"{payment.reference},paid," if paid else f"{payment.reference},failed,Bounced"
        text = f"reference,status,reason\n{line}\n"
        ok = self.status[payment.pk] == S.SENT
        self._call(lambda: services.import_results(self.term, text, actor=self.admin), ok)
        if ok:
            self.status[payment.pk] = S.PAID if paid else S.FAILED

    @rule(index=st.integers(0, 5))
    def retry(self, index: int) -> None:
        pk = self.pks[index]
        ok = self.status[pk] == S.FAILED
        self._call(lambda: services.retry_payment(self._payment(index), actor=self.admin), ok)
        if ok:
            self.status[pk] = S.APPROVED

    @rule(index=st.integers(0, 5))
    def cancel(self, index: int) -> None:
        pk = self.pks[index]
        ok = self.status[pk] in (S.PENDING, S.APPROVED, S.FAILED)
        self._call(
            lambda: services.cancel_payment(self._payment(index), actor=self.admin, reason="No."),
            ok,
        )
        if ok:
            self.status[pk] = S.CANCELLED

    @rule(index=st.integers(0, 5), delta=st.sampled_from(DELTAS))
    def adjust(self, index: int, delta: int) -> None:
        pk = self.pks[index]
        ok = self.status[pk] in (S.PENDING, S.FAILED) and delta != 0 and self.total[pk] + delta >= 0
        self._call(
            lambda: services.adjust_payment(
                self._payment(index), actor=self.admin, delta=delta, reason="Changed."
            ),
            ok,
        )
        if ok:
            self.total[pk] += delta
            if self.status[pk] == S.PENDING:
                self.approvers[pk].clear()  # approved again for the new amount

    @invariant()
    def the_ledger_reconciles(self) -> None:
        assert queries.reconciles(self.term)
        mine = {c: t.amounts for c, t in queries.totals(self.term).items()}
        ledger = {c: t.amounts for c, t in queries.ledger_totals(self.term).items()}
        assert mine == ledger
        expected_committed = sum(
            self.total[pk] for pk, s in self.status.items() if s != S.CANCELLED
        )
        assert mine["USD"]["committed"] == expected_committed
        for bucket in (S.PENDING, S.APPROVED, S.SENT, S.PAID, S.FAILED):
            want = sum(self.total[pk] for pk, s in self.status.items() if s == bucket)
            assert mine["USD"][bucket] == want, bucket

    @invariant()
    def every_status_moved_as_the_table_allows(self) -> None:
        now = dict(Payment.objects.values_list("pk", "status"))
        totals = {p.pk: p.total for p in Payment.objects.all()}
        assert now == self.status
        assert totals == self.total
        for pk, status in now.items():
            before = self.before[pk]
            assert status == before or status in Payment.TRANSITIONS[before], (before, status)


@pytest.mark.django_db
def test_random_operations_keep_the_ledger_reconciled(placed: Placed) -> None:
    payments = six_payments(placed)
    w = placed.world
    admin2 = User.objects.create_user("admin2", email="admin2@example.org", password="x")
    ProgramMembership.objects.create(program=w.program, user=admin2)
    ProgramMembership.objects.create(program=w.program, user=w.user("bob"))
    Ledger.placed = placed
    Ledger.pks = [p.pk for p in payments]
    Ledger.admins = [w.user("admin"), admin2, w.user("bob")]
    run_state_machine_as_test(
        Ledger,
        settings=settings(
            max_examples=25,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
