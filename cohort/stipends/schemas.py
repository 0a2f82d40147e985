"""The stipends API's schemas (`cohort.stipends.api`): what a caller sends, and what a payment,
the term's totals, a payer file and a policy look like in answers.

Every class name is the API's own (the OpenAPI document keys its components by name), hence
the `Stipend…` and `Payment…` prefixes. Money is `…_minor`, an integer number of minor units,
with its `currency` and a `…_text` for people; never a float. Every instant is UTC.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from ninja import Field, Schema

from cohort.core.schemas import IdList, UtcDatetime
from cohort.stipends.models import REASON_MAX
from cohort.stipends.payerfile import MAX_RESULT_ROWS

# The largest text body a caller sends: a result file or a policy CSV (2 MB, as the pages).
TEXT_MAX = 2 * 1024 * 1024

# --- input ---------------------------------------------------------------------------------


class PaymentIdsIn(Schema):
    ids: IdList = Field(description="The payments to approve, each in its own transaction")


class PaymentCancelIn(Schema):
    reason: str = Field(description="Why it is cancelled", max_length=REASON_MAX)


class PaymentAdjustIn(Schema):
    amount: str = Field(
        description='The change in major units as text, a minus to lower it: "-100.00", "50"',
        max_length=20,
    )
    reason: str = Field(description="Why the amount changes", max_length=REASON_MAX)


class PayerExportIn(Schema):
    format: Literal["csv", "json"] = Field("csv", description="The payer file's format")


class PaymentResultsIn(Schema):
    content: str = Field(
        description="The payer's result CSV: a header with reference and status (paid or "
        f"failed), reason for a failed row; at most {MAX_RESULT_ROWS:,} rows",
        max_length=TEXT_MAX,
    )


class StipendPolicyIn(Schema):
    content: str = Field(description="A stipend policy CSV, as one downloads", max_length=TEXT_MAX)


# --- output --------------------------------------------------------------------------------


class PaymentOut(Schema):
    id: int
    reference: str = Field(description="The idempotency key the payer sees")
    term: int
    placement: int
    mentee: str
    mentee_email: str
    project: str
    round: str
    installment: str = Field(description='"1 of 2"')
    country: str
    currency: str
    amount_minor: int = Field(description="As frozen when the payment was made")
    adjusted_minor: int = Field(description="The sum of the adjustments")
    total_minor: int = Field(description="What is owed: amount plus adjustments")
    total_text: str
    status: str
    status_label: str
    approvals: list[str]
    approvals_needed: int
    made_at: UtcDatetime
    approved_at: UtcDatetime | None
    sent_at: UtcDatetime | None
    paid_at: UtcDatetime | None
    expected_on: date | None
    expected_text: str
    failure_reason: str
    cancel_reason: str


class PaymentRefusalOut(Schema):
    id: int
    reason: str


class PaymentBulkOut(Schema):
    approved: list[int]
    refused: list[PaymentRefusalOut]


class PayerExportOut(Schema):
    id: int
    format: str
    count: int
    at: UtcDatetime
    download_url: str


class PaymentResultsOut(Schema):
    paid: int
    failed: int


class StipendBucketsOut(Schema):
    currency: str
    committed_minor: int
    pending_minor: int
    approved_minor: int
    sent_minor: int
    paid_minor: int
    failed_minor: int


class StipendLedgerOut(Schema):
    payments: list[StipendBucketsOut] = Field(description="The totals from the payments")
    ledger: list[StipendBucketsOut] = Field(description="The totals from the ledger alone")
    reconciles: bool


class StipendPolicyOut(Schema):
    id: int
    effective_from: date
    kind: str
    name: str
    source: str
    currency: str
    base_text: str
    minimum_text: str
    maximum_text: str
    flat_text: str
    fallback_text: str
    second_approval_above: int | None
    columns: list[str]
    installments: list[str]
    rates: int
    payments: int
    csv_url: str
