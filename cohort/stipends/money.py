"""Stipend amounts (pure: no Django). Money is an integer number of minor units (cents for
USD) with an ISO 4217 currency code; no float is ever made. A PPP factor is a `Decimal` with
at most four decimal places, used as an integer number of ten-thousandths.

A program's stipend rule is one of three kinds (docs/money.md):

- **ppp**, the LF's and GSoC's rule: `base × factor` of the mentee's country, rounded half-up
  to `rounding`, then clamped to `minimum..maximum`;
- **table**: a published amount per country and column (GSoC's small, medium and large);
- **flat**: one amount for everybody (Outreachy).

A country the rule has no factor or row for is paid `fallback`.

The total is split into installments by shares in basis points (1/100 of a percent) that add
up to 10,000: each installment is the difference of the rounded-down running totals, so the
installments always add up to the total exactly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Final

from babel.numbers import format_currency, get_currency_precision, list_currencies

FACTOR_DIGITS: Final = 4
FACTOR_ONE: Final = 10**FACTOR_DIGITS
ALL_SHARES: Final = 10_000  # basis points in the whole stipend
# The most any one amount may be, in major units (a typo guard: 10 million).
MAX_MAJOR: Final = 10_000_000


_DIGITS: Final = frozenset("0123456789")


class Kind(StrEnum):
    PPP = "ppp"
    TABLE = "table"
    FLAT = "flat"


class MoneyError(ValueError):
    """An amount, a factor or a currency that cannot be read; the message says why."""


def currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def check_currency(code: str) -> str:
    if code not in currencies():
        raise MoneyError(f"“{code}” is not an ISO 4217 currency code.")
    return code


def digits(currency: str) -> int:
    """How many minor-unit digits the currency has (2 for USD, 0 for JPY)."""
    return int(get_currency_precision(check_currency(currency)))


def to_minor(text: str, currency: str) -> int:
    """ "6000", "6000.5" or "6000.50" USD → 600050 … : the amount in minor units. Refuses
    signs, exponents, separators and more decimals than the currency has."""
    places = digits(currency)
    scale = int(10**places)
    raw = text.strip()
    # ASCII digits only: `str.isdigit` also takes "²" and "٣", which `int` refuses or reads.
    if (
        raw.strip(".") == ""
        or not all(ch in _DIGITS or ch == "." for ch in raw)
        or raw.count(".") > 1
    ):
        raise MoneyError(f"“{text}” is not an amount: write digits, and a point before cents.")
    whole, _, cents = raw.partition(".")
    if len(cents) > places:
        raise MoneyError(f"“{text}” has more than {places} decimal places for {currency}.")
    if not whole:
        whole = "0"
    minor = int(whole) * scale + int(cents.ljust(places, "0") or "0")
    if minor > MAX_MAJOR * scale:
        raise MoneyError(f"“{text}” is more than {MAX_MAJOR:,} {currency}.")
    return minor


def signed_to_minor(text: str, currency: str) -> int:
    """Like `to_minor`, with a leading minus allowed (an adjustment that lowers an amount)."""
    raw = text.strip()
    if raw.startswith("-"):
        return -to_minor(raw[1:], currency)
    return to_minor(raw.removeprefix("+"), currency)


def from_minor(minor: int, currency: str) -> str:
    """600050 USD → "6000.50"; 3000 JPY → "3000": the plain figure a file holds."""
    places = digits(currency)
    sign = "-" if minor < 0 else ""
    whole, cents = divmod(abs(minor), 10**places)
    return f"{sign}{whole}.{cents:0{places}d}" if places else f"{sign}{whole}"


def display(minor: int, currency: str) -> str:
    """600050 USD → "$6,000.50": for pages and e-mail (en-US formatting)."""
    return str(format_currency(Decimal(from_minor(minor, currency)), currency, locale="en_US"))


def factor_e4(value: Decimal | str) -> int:
    """A PPP factor as ten-thousandths: "0.2442" → 2442. At most four decimal places, and
    between 0 (excluded) and 100."""
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise MoneyError(f"“{value}” is not a factor: write a number such as 0.2442.") from None
    if not number.is_finite() or number <= 0 or number > 100:
        raise MoneyError(f"“{value}” is not a factor between 0 and 100.")
    scaled = number * FACTOR_ONE
    if scaled != scaled.to_integral_value():
        raise MoneyError(f"“{value}” has more than {FACTOR_DIGITS} decimal places.")
    return int(scaled)


def factor_text(e4: int) -> str:
    whole, rest = divmod(e4, FACTOR_ONE)
    return f"{whole}.{rest:0{FACTOR_DIGITS}d}"


def share_bp(text: str) -> int:
    """A share written as a percentage, "45" or "33.33" → basis points (4500, 3333)."""
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        raise MoneyError(f"“{text}” is not a percentage.") from None
    # Finite and at most 100 before any arithmetic: "sNaN" × 100 or "1e999999" × 100 raise
    # decimal's own errors, not `MoneyError`.
    if not number.is_finite() or not 0 < number <= 100:
        raise MoneyError(f"“{text}” is not a share between 0 and 100 percent.")
    scaled = number * 100
    if scaled != scaled.to_integral_value():
        raise MoneyError(f"“{text}” is not a percentage with at most two decimal places.")
    if not 0 < scaled <= ALL_SHARES:
        raise MoneyError(f"“{text}” is not a share between 0 and 100 percent.")
    return int(scaled)


def share_text(bp: int) -> str:
    whole, rest = divmod(bp, 100)
    return f"{whole}" if not rest else f"{whole}.{rest:02d}"


@dataclass(frozen=True)
class Installment:
    """One part of the stipend, paid when the evaluation round `round_key` passes ("final"
    also matches a placement's final round whatever its key)."""

    round_key: str
    share: int  # basis points


@dataclass(frozen=True)
class Rule:
    """A program's stipend policy as plain data: what `services` stores as rows and the policy
    CSV holds."""

    kind: Kind
    currency: str
    effective_from: date
    installments: tuple[Installment, ...]
    name: str = ""
    source: str = ""
    base: int = 0
    minimum: int = 0
    maximum: int = 0
    rounding: int = 1
    flat: int = 0
    fallback: int = 0
    # Amounts above this need a second approver; None: one approver always suffices.
    second_approval_above: int | None = None
    factors: Mapping[str, int] = field(default_factory=dict)  # country → factor e4
    columns: tuple[str, ...] = ()
    table: Mapping[tuple[str, str], int] = field(default_factory=dict)  # (country, column)


@dataclass(frozen=True)
class Quote:
    """What a mentee in `country` is owed in all, and how it was reached (for the ledger)."""

    total: int
    currency: str
    basis: str


def check(rule: Rule) -> Rule:
    """The rule, or `MoneyError` naming what does not hold."""
    check_currency(rule.currency)
    if not rule.installments:
        raise MoneyError("A policy needs at least one installment.")
    keys = [i.round_key for i in rule.installments]
    if len(set(keys)) != len(keys):
        raise MoneyError("Each installment must name a different evaluation round.")
    if sum(i.share for i in rule.installments) != ALL_SHARES:
        raise MoneyError("The installments' shares must add up to 100 percent.")
    if rule.rounding < 1:
        raise MoneyError("Amounts must round to at least one minor unit.")
    if rule.second_approval_above is not None and rule.second_approval_above < 0:
        raise MoneyError("The second-approval threshold cannot be negative.")
    if rule.kind is Kind.PPP:
        if not 0 < rule.minimum <= rule.maximum:
            raise MoneyError("The minimum must be above zero and at most the maximum.")
        if rule.base <= 0:
            raise MoneyError("The base amount must be above zero.")
    if rule.kind is Kind.TABLE:
        if not rule.columns:
            raise MoneyError("A table policy needs at least one column (a project size).")
        stray = {column for _, column in rule.table} - set(rule.columns)
        if stray:
            raise MoneyError(f"The table has rows for unknown columns: {', '.join(sorted(stray))}.")
    if rule.kind is Kind.FLAT and rule.flat <= 0:
        raise MoneyError("A flat policy needs an amount above zero.")
    return rule


def _round_half_up(numerator: int, denominator: int) -> int:
    return (2 * numerator + denominator) // (2 * denominator)


def quote(rule: Rule, country: str, column: str = "") -> Quote:
    """The whole stipend for a mentee living in `country` (ISO 3166-1 alpha-2), on a project
    of size `column` (table rules; the first column when blank)."""
    if rule.kind is Kind.FLAT:
        return Quote(rule.flat, rule.currency, "flat amount")
    if rule.kind is Kind.TABLE:
        size = column or rule.columns[0]
        amount = rule.table.get((country, size))
        if amount is None:
            return Quote(rule.fallback, rule.currency, f"no {size} row for {country}: fallback")
        return Quote(amount, rule.currency, f"table, {size}, {country}")
    factor = rule.factors.get(country)
    if factor is None:
        return Quote(rule.fallback, rule.currency, f"no PPP factor for {country}: fallback")
    step = rule.rounding
    raw = _round_half_up(rule.base * factor, FACTOR_ONE * step) * step
    total = min(max(raw, rule.minimum), rule.maximum)
    return Quote(total, rule.currency, f"PPP {factor_text(factor)} × base, {country}")


def split(total: int, shares: Sequence[int]) -> list[int]:
    """`total` in parts by `shares` (basis points adding up to 10,000); the parts add up to
    `total` exactly."""
    parts: list[int] = []
    running = 0
    paid = 0
    for share in shares:
        running += share
        upto = total * running // ALL_SHARES
        parts.append(upto - paid)
        paid = upto
    return parts


def installment_amounts(rule: Rule, total: int) -> dict[str, int]:
    """Each installment's round key → its part of `total`."""
    parts = split(total, [i.share for i in rule.installments])
    return {i.round_key: part for i, part in zip(rule.installments, parts, strict=True)}
