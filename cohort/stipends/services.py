"""Every write to stipends: one service per transition of `Payment.TRANSITIONS`, each atomic,
holding the payment's row lock, checked against the table, audited, and appending one
`LedgerEntry` (docs/money.md).

| from → to | service | who |
|---|---|---|
| (none) → pending | `record_passed_evaluation` (the `evaluation_settled` hook) | the system |
| pending → approved | `approve_payment` (the last approval) | an admin not mentoring it |
| approved → sent | `export_payments` | a program admin |
| sent → paid, sent → failed | `import_results` (`mark_paid`, `mark_failed`) | a program admin |
| failed → approved | `retry_payment` (same reference) | an admin not mentoring it |
| pending, approved, failed → cancelled | `cancel_payment` | a program admin |

`adjust_payment` changes what a pending or failed payment is owed, with a reason (an admin
not mentoring it: approving, adjusting and retrying each decide what the mentee is paid). The policy
services (`install_preset`, `import_policy`, `set_project_size`) are here too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_countries.data import COUNTRIES

from cohort.applications.access import is_mentor_of
from cohort.applications.models import MenteeProfile
from cohort.core.errors import ConflictError, DomainError, NotAllowedError
from cohort.core.models import AuditEvent, User
from cohort.core.text import check_text
from cohort.core.workflow import transition
from cohort.mentorship.models import Evaluation, EvaluationRound, Placement
from cohort.mentorship.queries import mentee_name
from cohort.projects.models import Project
from cohort.stipends import payerfile, policyfile
from cohort.stipends.models import (
    REASON_MAX,
    ExportFormat,
    LedgerEntry,
    PayerExport,
    Payment,
    PaymentAdjustment,
    PaymentApproval,
    PaymentStatus,
    ProjectSize,
    StipendInstallment,
    StipendPolicy,
    StipendRate,
)
from cohort.stipends.money import (
    Installment,
    Kind,
    Rule,
    installment_amounts,
    quote,
)
from cohort.stipends.notifications import TOLD
from cohort.stipends.presets import DEFAULT_PRESET, PRESET_NAMES, presets
from cohort.stipends.tasks import enqueue_payment_notification
from cohort.terms.access import is_program_admin
from cohort.terms.models import Program, Term
from cohort.terms.services import ensure_open

Status = PaymentStatus

# A wire abroad takes up to 30 US business days once the payer sends it (the LF's FAQ: "It may
# take up to 30 US business days for the funds to be processed via wire-transfer").
PAYOUT_BUSINESS_DAYS = 30


# --- policy ---------------------------------------------------------------------------------


def rule_of(policy: StipendPolicy) -> Rule:
    """The stored policy as the pure rule `money.quote` reads (its rates and installments)."""
    rates = list(policy.rates.all())
    return Rule(
        kind=Kind(policy.kind),
        currency=policy.currency,
        effective_from=policy.effective_from,
        installments=tuple(Installment(i.round_key, i.share) for i in policy.installments.all()),
        name=policy.name,
        source=policy.source,
        base=policy.base,
        minimum=policy.minimum,
        maximum=policy.maximum,
        rounding=policy.rounding,
        flat=policy.flat,
        fallback=policy.fallback,
        second_approval_above=policy.second_approval_above,
        factors={r.country: r.factor_e4 for r in rates if r.factor_e4 is not None},
        columns=tuple(policy.columns),
        table={(r.country, r.column): r.amount for r in rates if r.amount is not None},
    )


def _require_program_admin(actor: User, program: Program, what: str) -> None:
    if not is_program_admin(actor, program):
        raise NotAllowedError(f"Only a program admin can {what}.")


def _store(program: Program, rule: Rule, actor: User | None) -> StipendPolicy:
    """Write `rule` as the program's policy from its date, replacing one of the same date that
    no payment used yet."""
    existing = StipendPolicy.objects.filter(program=program, effective_from=rule.effective_from)
    old = existing.first()
    if old is not None:
        if old.payments.exists():
            raise DomainError(
                f"The policy from {rule.effective_from} has paid stipends; add a policy from a "
                "later date instead."
            )
        old.delete()
    policy = StipendPolicy.objects.create(
        program=program,
        effective_from=rule.effective_from,
        kind=rule.kind.value,
        name=rule.name[:200],
        source=rule.source,
        currency=rule.currency,
        base=rule.base,
        minimum=rule.minimum,
        maximum=rule.maximum,
        rounding=rule.rounding,
        flat=rule.flat,
        fallback=rule.fallback,
        second_approval_above=rule.second_approval_above,
        columns=list(rule.columns),
    )
    StipendInstallment.objects.bulk_create(
        StipendInstallment(policy=policy, position=n, round_key=i.round_key, share=i.share)
        for n, i in enumerate(rule.installments, start=1)
    )
    StipendRate.objects.bulk_create(
        [
            *(StipendRate(policy=policy, country=c, factor_e4=f) for c, f in rule.factors.items()),
            *(
                StipendRate(policy=policy, country=c, column=col, amount=a)
                for (c, col), a in rule.table.items()
            ),
        ]
    )
    AuditEvent.record(
        actor,
        "stipends.policy.replaced" if old is not None else "stipends.policy.installed",
        policy,
        data={
            "kind": rule.kind.value,
            "effective_from": rule.effective_from.isoformat(),
            "currency": rule.currency,
            "rates": len(rule.factors) + len(rule.table),
        },
    )
    return policy


@transaction.atomic
def install_preset(program: Program, slug: str, *, actor: User | None) -> list[StipendPolicy]:
    """Give `program` the preset `slug` (`cohort.stipends.presets`): its policies, each from
    its date. `actor` None is the system giving a program the default on its first payment."""
    chosen = presets().get(slug)
    if chosen is None:
        raise DomainError(
            f"“{slug}” is not a known stipend preset; use one of {', '.join(PRESET_NAMES)}."
        )
    if actor is not None:
        _require_program_admin(actor, program, "change the stipend policy")
    Program.objects.select_for_update().filter(pk=program.pk).first()
    return [_store(program, rule, actor) for rule in chosen]


@transaction.atomic
def import_policy(program: Program, text: str, *, actor: User) -> StipendPolicy:
    """Read a policy CSV (`policyfile`) and make it the program's policy from its date. A bad
    line is refused with its number (`DomainError`), and nothing changes."""
    _require_program_admin(actor, program, "change the stipend policy")
    try:
        rule = policyfile.read(text, countries=frozenset(COUNTRIES))
    except policyfile.PolicyFileError as error:
        raise DomainError(f"The policy file was not imported: {error}") from None
    Program.objects.select_for_update().filter(pk=program.pk).first()
    return _store(program, rule, actor)


def export_policy(policy: StipendPolicy) -> str:
    return policyfile.write(rule_of(policy))


def policy_in_effect(program: Program, on: date) -> StipendPolicy | None:
    """The program's policy for a term starting on `on`: the latest that took effect by then."""
    return (
        StipendPolicy.objects.filter(program=program, effective_from__lte=on)
        .order_by("-effective_from")
        .first()
    )


@transaction.atomic
def set_project_size(project: Project, column: str, *, actor: User) -> ProjectSize:
    """Which column of a table policy the project's mentees are paid from."""
    _require_program_admin(actor, project.term.program, "set a project's stipend size")
    ensure_open(project.term)
    column = check_text(column.strip(), field="Size", max_length=30)
    if not column:
        raise DomainError("Name the project's size, as the policy's columns do.")
    size, _ = ProjectSize.objects.update_or_create(project=project, defaults={"column": column})
    AuditEvent.record(actor, "stipends.project.sized", project, data={"column": column})
    return size


# --- the ledger -----------------------------------------------------------------------------


def _entry(
    payment: Payment,
    event: str,
    *,
    source: str = "",
    target: str = "",
    amount: int,
    committed: int = 0,
    actor: User | None,
    note: str = "",
    now: datetime | None = None,
) -> LedgerEntry:
    return LedgerEntry.objects.create(
        term_id=payment.term_id,
        payment=payment,
        currency=payment.currency,
        event=event,
        source=source,
        target=target,
        amount=amount,
        committed=committed,
        actor=actor,
        at=now or timezone.now(),
        note=note,
    )


def _move(
    payment: Payment,
    to: str,
    *,
    actor: User | None,
    note: str = "",
    committed: int = 0,
    also: dict[str, object] | None = None,
    now: datetime | None = None,
) -> None:
    """The payment's transition (compare-and-swap, audited) and its ledger entry, dated `now`
    (the instant the service was told it happened; the real time by default)."""
    before = payment.status
    transition(payment, to=to, actor=actor, note=note, also=also)
    _entry(
        payment,
        to,
        source=before,
        target=to,
        amount=payment.total,
        committed=committed,
        actor=actor,
        note=note,
        now=now,
    )
    if to in TOLD:
        enqueue_payment_notification(payment)  # the mentee hears, once the change commits


# --- creation -------------------------------------------------------------------------------


def _starts_on(placement: Placement) -> date:
    start = placement.starts_at or placement.created_at or timezone.now()
    return timezone.localtime(start, placement.term.zone).date()


def _installment(policy: StipendPolicy, round_: EvaluationRound) -> StipendInstallment | None:
    installments = list(policy.installments.all())
    for item in installments:
        if item.round_key == round_.key:
            return item
    if round_.final:
        return next((i for i in installments if i.round_key == "final"), None)
    return None


def _reference(placement: Placement, position: int) -> str:
    return f"COH-{placement.term_id}-{placement.pk}-{position}"


def record_passed_evaluation(evaluation: Evaluation, actor: User | None) -> None:
    """The `evaluation_settled` hook (`make_payment`, with nothing returned)."""
    make_payment(evaluation, actor)


def make_payment(evaluation: Evaluation, actor: User | None) -> Payment | None:
    """The `evaluation_settled` hook: a passed evaluation of a round the program's policy pays
    for makes that installment's payment, once (the unique constraint holds against retries,
    re-runs and reopened evaluations). A result turned to not passed cancels the installment
    while it is still pending or approved. Runs in the settling service's transaction."""
    placement = evaluation.placement
    round_ = evaluation.round
    existing = Payment.objects.select_for_update().filter(placement=placement, round=round_).first()
    if not evaluation.passed:
        if existing is not None and existing.status in (Status.PENDING, Status.APPROVED):
            _cancel(existing, actor, f"The {round_.label.lower()} was not passed after all.")
        return None
    if existing is not None:
        return existing
    program = placement.term.program
    policy = policy_in_effect(program, _starts_on(placement))
    if policy is None:
        # The program's row first, as `install_preset` takes it: two placements settling at
        # once must not both install the default (the second would replace the first's
        # policy, which by then has a payment, and fail its settling).
        Program.objects.select_for_update().filter(pk=program.pk).first()
        if not StipendPolicy.objects.filter(program=program).exists():
            install_preset(program, DEFAULT_PRESET, actor=None)
        policy = policy_in_effect(program, _starts_on(placement))
    if policy is None:
        return None  # the program's policies all start after this term: it pays no stipend
    installment = _installment(policy, round_)
    if installment is None:
        return None  # this round pays nothing
    if Payment.objects.filter(placement=placement, installment=installment.position).exists():
        return None
    rule = rule_of(policy)
    profile = MenteeProfile.objects.filter(user_id=placement.mentee_id).first()
    country = profile.country if profile is not None else ""
    size = ProjectSize.objects.filter(project_id=placement.project_id).first()
    whole = quote(rule, country, size.column if size is not None else "")
    amount = installment_amounts(rule, whole.total)[installment.round_key]
    above = policy.second_approval_above
    made_at = evaluation.settled_at or timezone.now()
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                term_id=placement.term_id,
                placement=placement,
                policy=policy,
                evaluation=evaluation,
                round=round_,
                installment=installment.position,
                installments=len(rule.installments),
                share=installment.share,
                reference=_reference(placement, installment.position),
                currency=policy.currency,
                amount=amount,
                country=country,
                basis=whole.basis[:200],
                status=Status.PENDING,
                status_changed_at=timezone.now(),
                made_at=made_at,
                approvals_needed=2 if above is not None and amount > above else 1,
            )
    except IntegrityError:
        return None  # made by a concurrent settling: one payment per installment
    _entry(
        payment,
        "committed",
        target=Status.PENDING,
        amount=amount,
        committed=amount,
        actor=actor,
        now=made_at,
    )
    AuditEvent.record(
        actor,
        "stipends.payment.created",
        payment,
        data={"amount": amount, "currency": policy.currency, "country": country},
    )
    return payment


# --- transitions ----------------------------------------------------------------------------


def _locked(payment: Payment) -> Payment:
    found = (
        Payment.objects.select_for_update(of=("self",))
        .select_related("term__program", "placement__project", "round")
        .filter(pk=payment.pk)
        .first()
    )
    if found is None:
        raise DomainError("No such payment.")
    return found


def _reason(text: str, what: str) -> str:
    reason = check_text(text.strip(), field=what, max_length=REASON_MAX)
    if not reason:
        raise DomainError(f"{what} is required.")
    return reason


def _label(status: str) -> str:
    return Status(status).label.lower() if status in Status.values else status


def _require_not_mentor(actor: User, payment: Payment, what: str) -> None:
    """Who decides what a mentee is paid is never one of their mentors: approving, changing
    the amount, and sending a failed payment again are the same decision."""
    if is_mentor_of(actor, payment.placement.project):
        raise NotAllowedError(f"A mentor of this mentee cannot {what} their stipend.")


@transaction.atomic
def approve_payment(payment: Payment, *, actor: User, now: datetime | None = None) -> Payment:
    """A program admin who does not mentor the placement approves it. Above the policy's
    threshold it takes two different approvers: the first is recorded, the second approves."""
    now = now or timezone.now()
    payment = _locked(payment)
    _require_program_admin(actor, payment.term.program, "approve a stipend")
    ensure_open(payment.term)
    _require_not_mentor(actor, payment, "approve")
    if payment.status != Status.PENDING:
        raise ConflictError(f"This payment is already {_label(payment.status)}.")
    if PaymentApproval.objects.filter(payment=payment, approver=actor).exists():
        raise ConflictError("You approved this payment already; it needs a second approver.")
    PaymentApproval.objects.create(payment=payment, approver=actor, at=now)
    given = PaymentApproval.objects.filter(payment=payment).count()
    if given < payment.approvals_needed:
        _entry(payment, "approval", amount=0, actor=actor, note="first of two approvals", now=now)
        AuditEvent.record(actor, "stipends.payment.first_approval", payment)
        return payment
    _move(payment, Status.APPROVED, actor=actor, also={"approved_at": now}, now=now)
    return payment


@dataclass(frozen=True)
class BulkResult:
    approved: list[Payment]
    refused: list[tuple[int, str]]  # payment id, why


def approve_payments(term: Term, ids: Sequence[int], *, actor: User) -> BulkResult:
    """Approve each of `ids` (payments of `term`), each in its own transaction; what could not
    be approved is returned with the reason, and the rest still goes through."""
    ensure_open(term)
    approved: list[Payment] = []
    refused: list[tuple[int, str]] = []
    known = set(Payment.objects.filter(term=term, pk__in=ids).values_list("pk", flat=True))
    for pk in ids:
        if pk not in known:
            refused.append((pk, "No such payment in this term."))
            continue
        try:
            approved.append(approve_payment(Payment(pk=pk), actor=actor))
        except DomainError as error:
            refused.append((pk, str(error)))
    return BulkResult(approved, refused)


def _cancel(payment: Payment, actor: User | None, reason: str) -> None:
    if not payment.can_become(Status.CANCELLED):
        raise DomainError(f"This payment is {_label(payment.status)}; it cannot be cancelled.")
    _move(
        payment,
        Status.CANCELLED,
        actor=actor,
        note=reason,
        committed=-payment.total,
        also={"cancel_reason": reason},
    )


@transaction.atomic
def cancel_payment(payment: Payment, *, actor: User, reason: str) -> Payment:
    payment = _locked(payment)
    _require_program_admin(actor, payment.term.program, "cancel a stipend")
    ensure_open(payment.term)
    _cancel(payment, actor, _reason(reason, "Why it is cancelled"))
    return payment


@transaction.atomic
def adjust_payment(payment: Payment, *, actor: User, delta: int, reason: str) -> Payment:
    """Change what a pending or failed payment is owed by `delta` minor units, with a reason:
    an adjustment row and a ledger entry, never an edit of the amount."""
    payment = _locked(payment)
    _require_program_admin(actor, payment.term.program, "adjust a stipend")
    ensure_open(payment.term)
    _require_not_mentor(actor, payment, "adjust")
    reason = _reason(reason, "Why the amount changes")
    if payment.status not in (Status.PENDING, Status.FAILED):
        raise DomainError(
            f"This payment is {_label(payment.status)}; only a pending or failed one can be "
            "adjusted."
        )
    if delta == 0:
        raise DomainError("An adjustment changes the amount; give a non-zero change.")
    if payment.total + delta < 0:
        raise DomainError("An adjustment cannot make the amount negative.")
    now = timezone.now()
    PaymentAdjustment.objects.create(
        payment=payment, delta=delta, reason=reason, actor=actor, at=now
    )
    changed = Payment.objects.filter(
        pk=payment.pk, status=payment.status, adjusted=payment.adjusted
    )
    above = payment.policy.second_approval_above
    total = payment.total + delta
    needed = 2 if above is not None and total > above else 1
    if changed.update(adjusted=payment.adjusted + delta, approvals_needed=needed) != 1:
        raise ConflictError("This payment changed meanwhile. Reload and try again.")
    payment.adjusted += delta
    payment.approvals_needed = needed
    # An approval was given for the old amount: a pending payment is approved again, in full,
    # for the new one (else a second approver would complete an approval the first never
    # gave for this amount). The audit log keeps who had approved.
    withdrawn = list(
        PaymentApproval.objects.filter(payment=payment).values_list("approver_id", flat=True)
    )
    if payment.status == Status.PENDING and withdrawn:
        PaymentApproval.objects.filter(payment=payment).delete()
    _entry(
        payment,
        "adjusted",
        target=payment.status,
        amount=delta,
        committed=delta,
        actor=actor,
        note=reason,
        now=now,
    )
    data: dict[str, object] = {"delta": delta}
    if payment.status == Status.PENDING and withdrawn:
        data["approvals_withdrawn"] = withdrawn
    AuditEvent.record(actor, "stipends.payment.adjusted", payment, data=data, note=reason)
    return payment


@transaction.atomic
def retry_payment(payment: Payment, *, actor: User) -> Payment:
    """A failed payment goes back to approved, with the same reference, for the next file."""
    payment = _locked(payment)
    _require_program_admin(actor, payment.term.program, "retry a stipend")
    ensure_open(payment.term)
    _require_not_mentor(actor, payment, "retry")
    if payment.status != Status.FAILED:
        raise DomainError(
            f"This payment is {_label(payment.status)}; only a failed one is retried."
        )
    _move(payment, Status.APPROVED, actor=actor, note="retried", also={"failure_reason": ""})
    return payment


def _business_days_after(day: date, count: int) -> date:
    while count:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def mark_paid(payment: Payment, *, actor: User, paid_on: date | None, now: datetime) -> None:
    ensure_open(payment.term)
    paid_at = now
    if paid_on is not None:
        paid_at = datetime.combine(paid_on, datetime.min.time(), tzinfo=payment.term.zone)
    _move(payment, Status.PAID, actor=actor, also={"paid_at": paid_at}, now=now)


def mark_failed(payment: Payment, *, actor: User, reason: str, now: datetime) -> None:
    ensure_open(payment.term)
    _move(
        payment,
        Status.FAILED,
        actor=actor,
        note=reason,
        also={"failure_reason": reason},
        now=now,
    )


# --- the payer's files ----------------------------------------------------------------------


@transaction.atomic
def export_payments(
    term: Term, *, actor: User, fmt: str = ExportFormat.CSV, now: datetime | None = None
) -> PayerExport:
    """The term's approved payments as the payer's file (CSV or JSON), marked sent in the same
    transaction: a payment cancelled meanwhile is either in the file or cancelled, never both
    (the rows are locked, then their status checked)."""
    _require_program_admin(actor, term.program, "export stipends")
    ensure_open(term)
    if fmt not in ExportFormat.values:
        raise DomainError("Export as csv or json.")
    now = now or timezone.now()
    payments = list(
        Payment.objects.select_for_update(of=("self",))
        .filter(term=term, status=Status.APPROVED)
        .select_related("placement__mentee__mentee_profile", "round")
        .order_by("pk")
    )
    expected = _business_days_after(timezone.localtime(now, term.zone).date(), PAYOUT_BUSINESS_DAYS)
    rows = [payerfile_row(p) for p in payments]
    content = payerfile.write_json(rows) if fmt == ExportFormat.JSON else payerfile.write_csv(rows)
    export = PayerExport.objects.create(
        term=term, actor=actor, at=now, format=fmt, count=len(rows), content=content
    )
    for payment in payments:
        _move(
            payment,
            Status.SENT,
            actor=actor,
            note=f"payer file {export.pk}",
            also={"sent_at": now, "export": export, "expected_on": expected},
            now=now,
        )
    AuditEvent.record(actor, "stipends.export", export, data={"count": len(rows), "format": fmt})
    return export


def payerfile_row(payment: Payment) -> payerfile.Row:
    return payerfile.Row(
        reference=payment.reference,
        name=mentee_name(payment.placement),
        email=payment.placement.mentee.email,
        country=payment.country,
        currency=payment.currency,
        amount=payment.total,
        installment=f"{payment.installment} of {payment.installments}",
        round=payment.round.label,
    )


@dataclass(frozen=True)
class ImportResult:
    paid: int
    failed: int


@transaction.atomic
def import_results(
    term: Term, text: str, *, actor: User, now: datetime | None = None
) -> ImportResult:
    """The payer's result file: each row names a payment by its reference and says paid or
    failed (with a reason). Every row is checked before anything changes: a row whose
    reference is unknown, is not this term's, or is not a sent payment is refused with its line
    number, and nothing is marked."""
    _require_program_admin(actor, term.program, "import payment results")
    ensure_open(term)
    try:
        results = payerfile.read_results(text)
    except payerfile.PayerFileError as error:
        raise DomainError(f"Nothing was imported: {error}") from None
    refs = [r.reference for r in results]
    now = now or timezone.now()
    today = timezone.localtime(now, term.zone).date()
    found = {
        p.reference: p
        for p in Payment.objects.select_for_update(of=("self",))
        .select_related("term")
        .filter(reference__in=refs)
    }
    for result in results:
        payment = found.get(result.reference)
        if payment is None or payment.term_id != term.pk:
            raise DomainError(
                f"Nothing was imported: line {result.line}: no payment of this term has the "
                f"reference “{result.reference}”."
            )
        if payment.status != Status.SENT:
            raise DomainError(
                f"Nothing was imported: line {result.line}: payment {result.reference} is "
                f"{_label(payment.status)}, not sent."
            )
        if result.amount is not None and result.amount != payment.total:
            raise DomainError(
                f"Nothing was imported: line {result.line}: payment {result.reference} is for "
                f"{payment.total} minor units, the file says {result.amount}."
            )
        if result.paid_on is not None and result.paid_on > today:
            raise DomainError(
                f"Nothing was imported: line {result.line}: payment {result.reference} is said "
                f"to be paid on {result.paid_on}, which is after today ({today})."
            )
        try:
            check_text(result.reason, field="reason")
        except DomainError as error:
            raise DomainError(f"Nothing was imported: line {result.line}: {error}") from None
    paid = failed = 0
    for result in results:
        payment = found[result.reference]
        if result.paid:
            mark_paid(payment, actor=actor, paid_on=result.paid_on, now=now)
            paid += 1
        else:
            mark_failed(payment, actor=actor, reason=result.reason, now=now)
            failed += 1
    AuditEvent.record(
        actor, "stipends.results.imported", term, data={"paid": paid, "failed": failed}
    )
    return ImportResult(paid, failed)
