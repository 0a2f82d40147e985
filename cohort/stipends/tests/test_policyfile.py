"""The policy CSV: every preset written and read back exactly; a bad row refused by line."""

from __future__ import annotations

from datetime import date

import pytest
from django_countries.data import COUNTRIES

from cohort.stipends import policyfile, presets
from cohort.stipends.money import Installment, Kind, Rule

ISO = frozenset(COUNTRIES)


@pytest.mark.parametrize(
    "rule", [rule for rules in presets.presets().values() for rule in rules], ids=lambda r: r.name
)
def test_every_preset_round_trips(rule: Rule) -> None:
    text = policyfile.write(rule)
    back = policyfile.read(text, countries=ISO)
    assert back == rule
    assert policyfile.write(back) == text


def test_the_file_is_what_the_docstring_shows() -> None:
    rule = Rule(
        kind=Kind.PPP,
        currency="USD",
        effective_from=date(2026, 7, 1),
        installments=(Installment("midterm", 5_000), Installment("final", 5_000)),
        name="LF",
        base=600_000,
        minimum=100_000,
        maximum=660_000,
        rounding=100,
        fallback=100_000,
        second_approval_above=300_000,
        factors={"IN": 2_442, "CH": 10_754},
    )
    assert policyfile.write(rule).splitlines() == [
        "record,key,column,value",
        "policy,kind,,ppp",
        "policy,currency,,USD",
        "policy,effective_from,,2026-07-01",
        "policy,name,,LF",
        "policy,source,,",
        "policy,base,,6000.00",
        "policy,minimum,,1000.00",
        "policy,maximum,,6600.00",
        "policy,rounding,,1.00",
        "policy,flat,,0.00",
        "policy,fallback,,1000.00",
        "policy,second_approval_above,,3000.00",
        "installment,midterm,,50",
        "installment,final,,50",
        "rate,CH,,1.0754",
        "rate,IN,,0.2442",
    ]


GOOD = """record,key,column,value
policy,kind,,ppp
policy,currency,,USD
policy,effective_from,,2026-07-01
policy,base,,6000
policy,minimum,,1000
policy,maximum,,6600
policy,rounding,,1
installment,midterm,,50
installment,final,,50
rate,IN,,0.2442
"""


def test_a_small_file_reads() -> None:
    rule = policyfile.read(GOOD, countries=ISO)
    assert (rule.base, rule.minimum, rule.maximum, rule.rounding) == (
        600_000,
        100_000,
        660_000,
        100,
    )
    assert rule.factors == {"IN": 2_442}
    assert rule.second_approval_above is None


def _error(text: str) -> policyfile.PolicyFileError:
    with pytest.raises(policyfile.PolicyFileError) as caught:
        policyfile.read(text, countries=ISO)
    return caught.value


@pytest.mark.parametrize(
    ("old", "new", "line", "words"),
    [
        ("policy,kind,,ppp", "policy,kind,,percent", 2, "not ppp, table or flat"),
        ("policy,currency,,USD", "policy,currency,,XXQ", 3, "ISO 4217"),
        ("policy,effective_from,,2026-07-01", "policy,effective_from,,1 July", 4, "not a date"),
        ("rate,IN,,0.2442", "rate,QQ,,0.2442", 11, "ISO 3166-1"),
        ("rate,IN,,0.2442", "rate,IN,,zero", 11, "not a factor"),
        ("rate,IN,,0.2442", "rate,IN,,0.24425", 11, "more than 4 decimal places"),
        ("installment,final,,50", "installment,final,,40", 10, "add up to 100 percent"),
        ("installment,final,,50", "installment,final,,fifty", 10, "not a percentage"),
        ("policy,base,,6000", "policy,base,,6000\npolicy,base,,5000", 6, "given twice"),
        ("policy,base,,6000", "policy,base,,6,000", 5, "expected 4 cells"),
        ("policy,minimum,,1000", "policy,minimum,,-1000", 6, "not an amount"),
        ("rate,IN,,0.2442", "rate,IN,,0.2442\nrate,IN,,0.3", 12, "one factor per country"),
        ("rate,IN,,0.2442", "price,IN,,0.2442", 11, "not policy, installment, column or rate"),
        ("record,key,column,value", "key,value", 1, "header"),
    ],
)
def test_a_bad_row_is_refused_with_its_line(old: str, new: str, line: int, words: str) -> None:
    assert old in GOOD
    error = _error(GOOD.replace(old, new))
    assert error.line == line
    assert words in str(error)
    assert str(error).startswith(f"line {line}: ")


def test_a_missing_field_is_blamed_on_the_last_line() -> None:
    error = _error(GOOD.replace("policy,currency,,USD\n", ""))
    assert (error.line, error.message) == (10, "the policy's currency is missing.")


def test_a_table_rate_needs_a_declared_column() -> None:
    text = policyfile.write(presets.gsoc()).replace("column,large,,\n", "")
    error = _error(text)
    assert "“large” is not a declared column" in str(error)
    lines = text.splitlines()
    assert lines[error.line - 1] == "rate,AD,large,3901.00"  # 0.6502 × 6,000, the first row
