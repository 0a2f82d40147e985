"""Slash-command parsing, as the CNCF lib/commands.js reads a comment (cncf-process.md §3.1)."""

from __future__ import annotations

import pytest

from cohort.github.commands import Command, parse_commands

URL = "https://mentorship.lfx.linuxfoundation.org/project/005db8db-7efe-4433-9605-91d14174c72c"


@pytest.mark.parametrize("name", ["approve", "confirm", "cncf-approve", "lfx-url"])
def test_each_command_alone_is_recognized(name):
    assert parse_commands(f"/{name}") == [Command(name=name, argument="")]


@pytest.mark.parametrize(
    "body",
    [
        "/approve-now",
        "/approved",
        "/confirmed",
        "/confirm-now",
        "/confirm@bob",
        "/cncf-approved",
        "/lfx-urls x",
        "/APPROVE",
        "/unknown",
        "please /approve",
        "I think `/approve` works",
        "> /approve",
        "approve",
        "",
    ],
)
def test_non_commands(body):
    assert parse_commands(body) == []


def test_several_commands_run_in_document_order():
    body = "LGTM, and I'm mentoring too.\n/confirm\nSome prose.\n/approve\n/cncf-approve"
    assert parse_commands(body) == [
        Command(name="confirm", argument=""),
        Command(name="approve", argument=""),
        Command(name="cncf-approve", argument=""),
    ]


def test_a_repeated_command_keeps_its_first_line_and_argument():
    body = "/confirm @alice\n/approve\n/confirm @bob\n/approve again"
    assert parse_commands(body) == [
        Command(name="confirm", argument="@alice"),
        Command(name="approve", argument=""),
    ]


def test_leading_whitespace_and_crlf_line_ends_are_ignored():
    body = "Hi\r\n   /approve\r\n\t/lfx-url   " + URL + "  \r\n"
    assert parse_commands(body) == [
        Command(name="approve", argument=""),
        Command(name="lfx-url", argument=URL),
    ]


def test_the_rest_of_the_line_is_the_trimmed_argument():
    assert parse_commands("/confirm   @bob thanks!  ") == [
        Command(name="confirm", argument="@bob thanks!")
    ]
    assert parse_commands("/approve\tfor the team") == [
        Command(name="approve", argument="for the team")
    ]
    # A non-breaking space is whitespace to JavaScript, so it ends the command word too.
    assert parse_commands("/approve\u00a0ok") == [Command(name="approve", argument="ok")]


def test_commands_inside_code_fences_count_as_in_the_cncf_parser():
    body = "```\n/approve\n```"
    assert parse_commands(body) == [Command(name="approve", argument="")]


def test_a_bare_carriage_return_inside_the_argument_spoils_the_line_as_in_javascript():
    # JavaScript's "." does not match "\r", so `(.*)$` fails on this line.
    assert parse_commands("/lfx-url a\rb") == []
    # But a "\r" right after the command word is whitespace, so the rest is the argument.
    assert parse_commands("/approve\r/confirm") == [Command(name="approve", argument="/confirm")]
