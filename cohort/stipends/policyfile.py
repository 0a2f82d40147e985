"""A stipend policy as a CSV file (pure: no Django), written and read back exactly.

One header, `record,key,column,value`, then one row per fact:

    policy,kind,,ppp
    policy,currency,,USD
    policy,effective_from,,2026-07-01
    policy,base,,6000.00
    installment,midterm,,50
    rate,IN,,0.2442           (ppp: the country's factor)
    rate,IN,large,3000.00     (table: the country's amount in that column)
    column,large,,            (table: the columns, in order)

Amounts are in major units with the currency's decimals; shares are percentages. A row that
cannot be read is reported with its line number, and nothing is taken from the file.
"""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date

from cohort.stipends.money import (
    ALL_SHARES,
    Installment,
    Kind,
    MoneyError,
    Rule,
    check,
    check_currency,
    factor_e4,
    factor_text,
    from_minor,
    share_bp,
    share_text,
    to_minor,
)

HEADER = ("record", "key", "column", "value")
_AMOUNTS = ("base", "minimum", "maximum", "rounding", "flat", "fallback")
_TEXTS = ("name", "source")
MAX_ROWS = 5_000


class PolicyFileError(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


def write(rule: Rule) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    cur = rule.currency
    writer.writerow(("policy", "kind", "", rule.kind.value))
    writer.writerow(("policy", "currency", "", cur))
    writer.writerow(("policy", "effective_from", "", rule.effective_from.isoformat()))
    for key in _TEXTS:
        writer.writerow(("policy", key, "", getattr(rule, key)))
    for key in _AMOUNTS:
        writer.writerow(("policy", key, "", from_minor(getattr(rule, key), cur)))
    above = rule.second_approval_above
    writer.writerow(
        ("policy", "second_approval_above", "", "" if above is None else from_minor(above, cur))
    )
    for item in rule.installments:
        writer.writerow(("installment", item.round_key, "", share_text(item.share)))
    for column in rule.columns:
        writer.writerow(("column", column, "", ""))
    for country, e4 in sorted(rule.factors.items()):
        writer.writerow(("rate", country, "", factor_text(e4)))
    for (country, column), amount in sorted(rule.table.items()):
        writer.writerow(("rate", country, column, from_minor(amount, cur)))
    return out.getvalue()


def read(text: str, *, countries: frozenset[str]) -> Rule:
    """The rule a policy CSV holds, or `PolicyFileError` for its first bad line. `countries`:
    the ISO 3166-1 alpha-2 codes a rate may name."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    if not rows or tuple(cell.strip() for cell in rows[0]) != HEADER:
        raise PolicyFileError(1, f"the first line must be the header {','.join(HEADER)}.")
    if len(rows) > MAX_ROWS:
        raise PolicyFileError(MAX_ROWS + 1, f"a policy file holds at most {MAX_ROWS:,} rows.")
    fields: dict[str, tuple[int, str]] = {}
    installments: list[tuple[int, str, str]] = []
    columns: list[str] = []
    rates: list[tuple[int, str, str, str]] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(HEADER):
            raise PolicyFileError(number, f"expected {len(HEADER)} cells, found {len(row)}.")
        record, key, column, value = (cell.strip() for cell in row)
        if record == "policy":
            if key in fields:
                raise PolicyFileError(number, f"“{key}” is given twice.")
            fields[key] = (number, value)
        elif record == "installment":
            installments.append((number, key, value))
        elif record == "column":
            if not key or key in columns:
                raise PolicyFileError(number, "each column needs a name of its own.")
            columns.append(key)
        elif record == "rate":
            rates.append((number, key, column, value))
        else:
            raise PolicyFileError(number, f"“{record}” is not policy, installment, column or rate.")
    return _rule(fields, installments, columns, rates, countries, last=len(rows))


def _field(fields: dict[str, tuple[int, str]], key: str, last: int) -> tuple[int, str]:
    if key not in fields:
        raise PolicyFileError(last, f"the policy's {key} is missing.")
    return fields[key]


def _rule(
    fields: dict[str, tuple[int, str]],
    installments: list[tuple[int, str, str]],
    columns: list[str],
    rates: list[tuple[int, str, str, str]],
    countries: frozenset[str],
    *,
    last: int,
) -> Rule:
    line, kind_text = _field(fields, "kind", last)
    try:
        kind = Kind(kind_text)
    except ValueError:
        raise PolicyFileError(line, f"“{kind_text}” is not ppp, table or flat.") from None
    line, currency = _field(fields, "currency", last)
    try:
        check_currency(currency)
    except MoneyError as error:
        # Here, on its own line: else the first amount read with it would be blamed.
        raise PolicyFileError(line, str(error)) from None
    line, when = _field(fields, "effective_from", last)
    try:
        effective_from = date.fromisoformat(when)
    except ValueError:
        raise PolicyFileError(line, f"“{when}” is not a date (YYYY-MM-DD).") from None
    values: dict[str, int] = {}
    try:
        for key in _AMOUNTS:
            line, text = fields.get(key, (last, ""))
            values[key] = to_minor(text, currency) if text else 0
        line, text = fields.get("second_approval_above", (last, ""))
        above = to_minor(text, currency) if text else None
    except MoneyError as error:
        raise PolicyFileError(line, str(error)) from None
    shares: list[Installment] = []
    for line, key, value in installments:
        try:
            shares.append(Installment(key, share_bp(value)))
        except MoneyError as error:
            raise PolicyFileError(line, str(error)) from None
    if installments and sum(i.share for i in shares) != ALL_SHARES:
        raise PolicyFileError(
            installments[-1][0], "the installments' shares must add up to 100 percent."
        )
    factors: dict[str, int] = {}
    table: dict[tuple[str, str], int] = {}
    for line, country, column, value in rates:
        if country not in countries:
            raise PolicyFileError(line, f"“{country}” is not an ISO 3166-1 alpha-2 country code.")
        try:
            if kind is Kind.PPP:
                if column or country in factors:
                    raise MoneyError(f"a ppp policy has one factor per country ({country}).")
                factors[country] = factor_e4(value)
            else:
                if column not in columns or (country, column) in table:
                    raise MoneyError(f"“{column}” is not a declared column, or is given twice.")
                table[(country, column)] = to_minor(value, currency)
        except MoneyError as error:
            raise PolicyFileError(line, str(error)) from None
    rule = Rule(
        kind=kind,
        currency=currency,
        effective_from=effective_from,
        installments=tuple(shares),
        name=fields.get("name", (0, ""))[1],
        source=fields.get("source", (0, ""))[1],
        second_approval_above=above,
        factors=factors,
        columns=tuple(columns),
        table=table,
    )
    rule = replace(
        rule,
        base=values["base"],
        minimum=values["minimum"],
        maximum=values["maximum"],
        rounding=values["rounding"] or 1,
        flat=values["flat"],
        fallback=values["fallback"],
    )
    try:
        return check(rule)
    except MoneyError as error:
        raise PolicyFileError(last, str(error)) from None
