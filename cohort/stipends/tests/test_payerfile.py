"""The payer's files: what goes out (CSV, JSON) and the result file that comes back."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest

from cohort.stipends import payerfile
from cohort.stipends.payerfile import PayerFileError, Result, Row

ROW = Row(
    reference="COH-1-2-1",
    name="Ana Pérez",
    email="ana@example.org",
    country="DE",
    currency="USD",
    amount=228_200,
    installment="1 of 2",
    round="Midterm evaluation",
)


def test_the_csv_row() -> None:
    assert payerfile.write_csv([ROW]) == (
        "reference,name,email,country,currency,amount,amount_minor,installment,round\r\n"
        "COH-1-2-1,Ana Pérez,ana@example.org,DE,USD,2282.00,228200,1 of 2,Midterm evaluation\r\n"
    )


def test_the_json_row() -> None:
    assert json.loads(payerfile.write_json([ROW])) == {
        "payments": [
            {
                "reference": "COH-1-2-1",
                "name": "Ana Pérez",
                "email": "ana@example.org",
                "country": "DE",
                "currency": "USD",
                "amount": "2282.00",
                "amount_minor": 228200,
                "installment": "1 of 2",
                "round": "Midterm evaluation",
            }
        ]
    }


@pytest.mark.parametrize("name", ["=cmd|' /C calc'!A0", "+1", "-2", "@SUM(A1)", "\tx"])
def test_a_formula_in_a_name_is_defused(name: str) -> None:
    text = payerfile.write_csv([replace(ROW, name=name)])
    second = text.split("\r\n")[1]
    assert second.startswith("COH-1-2-1,")
    cell = second.split(",")[1]
    assert cell.strip('"').startswith("'" + name[0])
    # the JSON file is no spreadsheet: the name is as given
    assert (
        json.loads(payerfile.write_json([replace(ROW, name=name)]))["payments"][0]["name"] == name
    )


def test_a_result_file_reads() -> None:
    text = (
        "reference,status,reason,paid_on,amount_minor,extra\n"
        "COH-1-2-1,paid,,2024-11-02,228200,x\n"
        "'COH-1-3-1,FAILED,Account closed,,,\n"
    )
    assert payerfile.read_results(text) == [
        Result(2, "COH-1-2-1", True, "", date(2024, 11, 2), 228_200),
        Result(3, "COH-1-3-1", False, "Account closed", None, None),
    ]


def test_the_exported_file_with_a_status_column_comes_back() -> None:
    out = payerfile.write_csv([ROW]).replace("round\r\n", "round,status\r\n", 1)
    out = out.replace("Midterm evaluation\r\n", "Midterm evaluation,paid\r\n")
    (result,) = payerfile.read_results(out)
    assert (result.reference, result.paid, result.amount) == ("COH-1-2-1", True, 228_200)


HEAD = "reference,status,reason,paid_on,amount_minor\n"


@pytest.mark.parametrize(
    ("body", "line", "words"),
    [
        ("A,paid,,,\nB,bounced,,,\n", 3, "paid or failed, not “bounced”"),
        ("A,paid,,,\nB,failed,,,\n", 3, "needs a reason"),
        ("A,paid,,,\nB,paid,,,\nA,paid,,,\n", 4, "A is listed twice"),
        ("A,paid,,2024-13-01,\n", 2, "not a date"),
        ("A,paid,,,,surplus\n", 2, "more cells than the header"),
        ("A,paid,,,12.50\n", 2, "not a whole number"),
        ("A,paid,,,²\n", 2, "not a whole number"),
        (",paid,,,\n", 2, "reference is empty"),
        ("", 1, "lists no payments"),
    ],
)
def test_a_bad_result_row_is_refused_with_its_line(body: str, line: int, words: str) -> None:
    with pytest.raises(PayerFileError) as caught:
        payerfile.read_results(HEAD + body)
    assert caught.value.line == line
    assert words in str(caught.value)


def test_the_header_needs_reference_and_status() -> None:
    with pytest.raises(PayerFileError, match="line 1: the header"):
        payerfile.read_results("ref,state\nA,paid\n")
