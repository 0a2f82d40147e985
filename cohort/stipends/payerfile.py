"""The payer's files (pure: no Django).

**Out**: one row per approved payment, CSV or JSON, with the same fields:
`reference` (the idempotency key: the payer pays each reference at most once), `name` (the
mentee's name as on their profile), `email`, `country` (ISO 3166-1 alpha-2), `currency`
(ISO 4217), `amount` (in major units, as text: "3000.00"), `amount_minor` (the same as an
integer), `installment` ("1 of 2") and `round`.

**Back**: the payer's result file, CSV with a header holding at least `reference` and `status`
(`paid` or `failed`), and optionally `reason` (required for failed), `paid_on` (YYYY-MM-DD)
and `amount_minor` (checked against the payment when given). Extra columns are ignored, so the
file that went out, with a status column added, comes back as it is.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date
from typing import Final

from cohort.stipends.money import from_minor

COLUMNS: Final = (
    "reference",
    "name",
    "email",
    "country",
    "currency",
    "amount",
    "amount_minor",
    "installment",
    "round",
)
MAX_RESULT_ROWS: Final = 20_000
REASON_MAX: Final = 2_000


@dataclass(frozen=True)
class Row:
    reference: str
    name: str
    email: str
    country: str
    currency: str
    amount: int
    installment: str  # "1 of 2"
    round: str

    def cells(self) -> dict[str, str | int]:
        return {
            "reference": self.reference,
            "name": self.name,
            "email": self.email,
            "country": self.country,
            "currency": self.currency,
            "amount": from_minor(self.amount, self.currency),
            "amount_minor": self.amount,
            "installment": self.installment,
            "round": self.round,
        }


def safe(value: str | int) -> str | int:
    """A cell a spreadsheet would run as a formula gets a leading apostrophe (OWASP CSV
    injection): names and round labels are people's text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def write_csv(rows: list[Row], statuses: list[str] | None = None) -> str:
    """The payer's file; with `statuses` (one a row), a `status` column too: the admins'
    read-only listing of a term's payments, in the same columns."""
    out = io.StringIO()
    columns = COLUMNS if statuses is None else (*COLUMNS, "status")
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    for n, row in enumerate(rows):
        cells = row.cells()
        if statuses is not None:
            cells["status"] = statuses[n]
        writer.writerow({key: safe(value) for key, value in cells.items()})
    return out.getvalue()


def write_json(rows: list[Row]) -> str:
    return json.dumps({"payments": [row.cells() for row in rows]}, indent=2, ensure_ascii=False)


class PayerFileError(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line


@dataclass(frozen=True)
class Result:
    line: int
    reference: str
    paid: bool
    reason: str
    paid_on: date | None
    amount: int | None


def read_results(text: str) -> list[Result]:
    """The rows of a result file, or `PayerFileError` for the first bad line."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip() for name in reader.fieldnames or []]
    if "reference" not in header or "status" not in header:
        raise PayerFileError(1, "the header must name at least the columns reference and status.")
    reader.fieldnames = header
    results: list[Result] = []
    seen: set[str] = set()
    for row in reader:
        line = reader.line_num
        if len(results) >= MAX_RESULT_ROWS:
            raise PayerFileError(line, f"a result file holds at most {MAX_RESULT_ROWS:,} rows.")
        if None in row:
            raise PayerFileError(line, "this row has more cells than the header.")
        cells = {key: (value or "").strip() for key, value in row.items()}
        if not any(cells.values()):
            continue
        reference = cells["reference"].lstrip("'")
        if not reference:
            raise PayerFileError(line, "the reference is empty.")
        if reference in seen:
            raise PayerFileError(line, f"{reference} is listed twice.")
        seen.add(reference)
        status = cells["status"].lower()
        if status not in ("paid", "failed"):
            raise PayerFileError(
                line, f"the status must be paid or failed, not “{cells['status']}”."
            )
        reason = cells.get("reason", "")
        if status == "failed" and not reason:
            raise PayerFileError(line, "a failed payment needs a reason.")
        if len(reason) > REASON_MAX:
            raise PayerFileError(line, f"the reason is longer than {REASON_MAX:,} characters.")
        paid_on = None
        if cells.get("paid_on"):
            try:
                paid_on = date.fromisoformat(cells["paid_on"])
            except ValueError:
                raise PayerFileError(
                    line, f"“{cells['paid_on']}” is not a date (YYYY-MM-DD)."
                ) from None
        amount = None
        if cells.get("amount_minor"):
            if not cells["amount_minor"].isascii() or not cells["amount_minor"].isdigit():
                raise PayerFileError(line, f"“{cells['amount_minor']}” is not a whole number.")
            amount = int(cells["amount_minor"])
        results.append(Result(line, reference, status == "paid", reason, paid_on, amount))
    if not results:
        raise PayerFileError(1, "the file lists no payments.")
    return results
