"""Mentor lines (spec/term-pages.md §7.6): every format, roles and flags."""

from __future__ import annotations

import pytest

from cohort.formats.mentors import (
    MentorItem,
    finalize_mentors,
    mentor_flags,
    parse_canonical_mentor,
    parse_mentor_items,
    parse_mentor_text,
    split_chunks,
)
from cohort.formats.model import (
    FLAG_EMAIL_INVALID,
    FLAG_EMAIL_MISSING,
    FLAG_EMAIL_OBFUSCATED,
    FLAG_HANDLE_INVALID,
    FLAG_HANDLE_MISSING,
    Mentor,
)

Row = tuple[str, str, str, str]


def mentors(text: str, *, inline: bool = True) -> list[Mentor]:
    return finalize_mentors(parse_mentor_text(text, inline=inline))


def rows(text: str, *, inline: bool = True) -> list[Row]:
    return [(m.name, m.github, m.email, m.contact) for m in mentors(text, inline=inline)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 2020-2022: one line, comma-separated
        (
            "Andy Lok (@andylokandy), Alex Chi (@skyzh)",
            [("Andy Lok", "andylokandy", "", ""), ("Alex Chi", "skyzh", "", "")],
        ),
        ("Andy Zhang @andyzhangx", [("Andy Zhang", "andyzhangx", "", "")]),
        (
            "Wang Xiang (@[WangXiangUSTC](https://github.com/WangXiangUSTC))",
            [("Wang Xiang", "WangXiangUSTC", "", "")],
        ),
        (
            "[Manan Gupta](https://github.com/GuptaManan100) (manan@planetscale.com)",
            [("Manan Gupta", "GuptaManan100", "manan@planetscale.com", "")],
        ),
        ("[Lee](https://twitter.com/lcalcote) (@leecalcote)", [("Lee", "leecalcote", "", "")]),
        (
            "Vyankatesh Kudtarkar, Chip Zoller,",
            [("Vyankatesh Kudtarkar", "", "", ""), ("Chip Zoller", "", "", "")],
        ),
        ("@SergeyKanzhelev", [("SergeyKanzhelev", "SergeyKanzhelev", "", "")]),
        (
            "@hasheddan, @muvaf, @jbw976",
            [
                ("hasheddan", "hasheddan", "", ""),
                ("muvaf", "muvaf", "", ""),
                ("jbw976", "jbw976", "", ""),
            ],
        ),
        (
            "[@yashrsharma44](https://github.com/yashrsharma44)",
            [("yashrsharma44", "yashrsharma44", "", "")],
        ),
        # 2023-2026: e-mail is the norm
        (
            "Quan Tian (@tnqn, tianquan23@gmail.com)",
            [("Quan Tian", "tnqn", "tianquan23@gmail.com", "")],
        ),
        (
            "Ashna Mehrotra (ashnamehrotra, ashnamehrotra@gmail.com)",
            [("Ashna Mehrotra", "ashnamehrotra", "ashnamehrotra@gmail.com", "")],
        ),
        (
            "Chris Aniszczyk @caniszczyk caniszczyk@linuxfoundation.org",
            [("Chris Aniszczyk", "caniszczyk", "caniszczyk@linuxfoundation.org", "")],
        ),
        ("Waldemar Quevedo (@wallyqs)", [("Waldemar Quevedo", "wallyqs", "", "")]),
        (
            "Ashish Tiwari (ashishjaitiwari15112000@gmail.com)",
            [("Ashish Tiwari", "", "ashishjaitiwari15112000@gmail.com", "")],
        ),
        ("Yash (@ysh, [yash@x.io](mailto:yash@x.io))", [("Yash", "ysh", "yash@x.io", "")]),
        (
            "Qiuyang Liu (@chrisliu1995, [chrisliu1995@163.com](mailto:chrisliu1995@163.com))",
            [("Qiuyang Liu", "chrisliu1995", "chrisliu1995@163.com", "")],
        ),
        ("Gabe (email: gabe@x.io, github: gabeh)", [("Gabe", "gabeh", "gabe@x.io", "")]),
        (
            "Peter Hunt, haircommander, pehunt@redhat.com",
            [("Peter Hunt", "haircommander", "pehunt@redhat.com", "")],
        ),
        (
            "Franco (fstellari@gmail.com, @francostellari)",
            [("Franco", "francostellari", "fstellari@gmail.com", "")],
        ),
        (
            "Michael Yuan (@juntao michael@secondstate.io)",
            [("Michael Yuan", "juntao", "michael@secondstate.io", "")],
        ),
        (
            "[Franco Stellari] (@francostellari, fstellari@gmail.com)",
            [("Franco Stellari", "francostellari", "fstellari@gmail.com", "")],
        ),
        (
            "Bill Mulligan(xmulligan, <bill.mulligan@isovalent.com>)",
            [("Bill Mulligan", "xmulligan", "bill.mulligan@isovalent.com", "")],
        ),
        (
            "Paolo Dettori: (@pdettori, dettori@us.ibm.com)",
            [("Paolo Dettori", "pdettori", "dettori@us.ibm.com", "")],
        ),
        (
            "Alex Meijer (@ameijer , alexander.meijer@ibm.com)",
            [("Alex Meijer", "ameijer", "alexander.meijer@ibm.com", "")],
        ),
        (
            "Kevin(Zefeng) Wang (@[kevin-wangzefeng](https://github.com/kevin-wangzefeng))",
            [("Kevin(Zefeng) Wang", "kevin-wangzefeng", "", "")],
        ),
        (
            "A Person\u00a0(@ap，ap@x.io)，B Person (@bp, bp@x.io)",
            [("A Person", "ap", "ap@x.io", ""), ("B Person", "bp", "bp@x.io", "")],
        ),
        (
            "Sangram Rath (@sangramrath, s@x.io, Mia Grenell (@miacycle, m@x.io))",
            [
                ("Sangram Rath", "sangramrath", "s@x.io", ""),
                ("Mia Grenell", "miacycle", "m@x.io", ""),
            ],
        ),
        (
            "Qiao (@chivalryq, q@x.io) Zeng (@barnettZQG, z@x.io)",
            [("Qiao", "chivalryq", "q@x.io", ""), ("Zeng", "barnettZQG", "z@x.io", "")],
        ),
        (
            "Krasi Georgiev and Julius Volz",
            [("Krasi Georgiev", "", "", ""), ("Julius Volz", "", "", "")],
        ),
        (
            "Alice Doe & Bob Roe (@bob, bob@x.io)",
            [("Alice Doe", "", "", ""), ("Bob Roe", "bob", "bob@x.io", "")],
        ),
    ],
)
def test_mentor_formats(text: str, expected: list[Row]) -> None:
    assert rows(text) == expected


def test_nested_items_split_only_between_mentors() -> None:
    assert rows("Hung-Ying, Tai (@hydai, hydai@secondstate.io)", inline=False) == [
        ("Hung-Ying, Tai", "hydai", "hydai@secondstate.io", "")
    ]
    assert rows("Mentor Name: A B (@ab, a@x.io), C D (@cd, c@x.io),", inline=False) == [
        ("A B", "ab", "a@x.io", ""),
        ("C D", "cd", "c@x.io", ""),
    ]


def test_last_contact_group_wins_and_names_keep_parentheses() -> None:
    assert rows("Jane (Red Hat) (@jane, jane@x.io)") == [
        ("Jane (Red Hat)", "jane", "jane@x.io", "")
    ]


def test_unbalanced_parenthesis_joins_the_stray_address() -> None:
    assert rows(
        "Lee Calcote (@leecalcote, l@x.io), Nic Jackson (@nicholasjackson), jackson.nic@gmail.com)"
    ) == [
        ("Lee Calcote", "leecalcote", "l@x.io", ""),
        ("Nic Jackson", "nicholasjackson", "jackson.nic@gmail.com", ""),
    ]
    assert rows(
        "Vadim Bauer, vb@container-registry.com); @wy65701436 - Yan Wang(wangyan@vmware.com);"
    ) == [
        ("Vadim Bauer", "", "vb@container-registry.com", ""),
        ("Yan Wang", "wy65701436", "wangyan@vmware.com", ""),
    ]


@pytest.mark.parametrize(
    "contact",
    [
        "hydai[at]secondstate.io",
        "pierdipi AT redhat DOT com",
        "ben AT armosec.io",
        "yiying at secondstate dot io",
        "craig.box AT gee-mail",
    ],
)
def test_obfuscated_addresses_are_kept_and_flagged(contact: str) -> None:
    (m,) = mentors(f"Some One (@someone, {contact})")
    assert (m.email, m.contact, m.flags) == ("", contact, [FLAG_EMAIL_OBFUSCATED])


def test_fake_domain_is_obfuscated_not_an_address() -> None:
    (m,) = mentors("Craig (@craigbox, craig.box@gee-mail.com)")
    assert (m.email, m.contact, m.flags) == ("", "craig.box@gee-mail.com", [FLAG_EMAIL_OBFUSCATED])


def test_invalid_address_in_the_email_slot() -> None:
    (m,) = mentors("X Y (@xy, mentor@email)")
    assert (m.email, m.contact, m.flags) == ("", "mentor@email", [FLAG_EMAIL_INVALID])


def test_invalid_handles_are_kept_as_written() -> None:
    (spaced,) = mentors("Mike Spreitzer (@Mike Spreitzer, mspreitz@us.ibm.com)")
    assert (spaced.github, spaced.flags) == ("Mike Spreitzer", [FLAG_HANDLE_INVALID])
    (dotted,) = mentors("Akash Nayak (@akash.nayak1, akash.nayak1@ibm.com)")
    assert (dotted.github, dotted.flags) == ("akash.nayak1", [FLAG_HANDLE_INVALID])
    (long,) = mentors(f"L ({'@' + 'a' * 40}, l@x.io)")
    assert long.flags == [FLAG_HANDLE_INVALID]


def test_flags_are_sorted_and_complete() -> None:
    assert mentor_flags("", "", "") == [FLAG_EMAIL_MISSING, FLAG_HANDLE_MISSING]
    assert mentor_flags("ok-name", "a@b.io", "") == []
    assert mentor_flags("bad--name", "", "x AT y") == [FLAG_EMAIL_OBFUSCATED, FLAG_HANDLE_INVALID]
    assert mentor_flags("-x", "", "junk@") == [FLAG_EMAIL_INVALID, FLAG_HANDLE_INVALID]


@pytest.mark.parametrize(
    "text",
    [
        "Nico Pazos and Alex Greenbank from Grafana also available to help",
        "Mentor Name (@mentor_github, mentor@email.addy) - please use the same email address as "
        "you use on the LFX Mentorship Platform at https://mentorship.lfx.linuxfoundation.org",
        "2nd Mentor Name (@mentor_github, mentor@email.addy)",
        "TBD",
        "#",
        "(please include email info, either here, or contact on the CNCF slack)",
    ],
)
def test_free_text_and_template_leftovers_are_not_mentors(text: str) -> None:
    assert mentors(text) == []


def test_template_tail_after_a_real_mentor_is_dropped() -> None:
    assert rows(
        "Jane Doe (@jane, jane@x.io) - please use the same email address as you use on the LFX "
        "Mentorship Platform at https://mentorship.lfx.linuxfoundation.org"
    ) == [("Jane Doe", "jane", "jane@x.io", "")]


def test_roles_first_is_primary_unless_marked() -> None:
    assert [m.role for m in mentors("A (@a), B (@b), C (@c)")] == [
        "primary",
        "co-mentor",
        "co-mentor",
    ]
    assert [m.role for m in mentors("A (@a), B (@b) (primary), C (@c) - Primary")] == [
        "co-mentor",
        "primary",
        "primary",
    ]
    pieces = parse_mentor_items(
        [
            MentorItem("Co One (@co1)", inline=False, co_mentor=True),
            MentorItem("Main (@main)", inline=False),
            MentorItem("Co Two (@co2)", inline=False, co_mentor=True),
        ]
    )
    assert [(m.name, m.role) for m in finalize_mentors(pieces)] == [
        ("Co One", "co-mentor"),
        ("Main", "primary"),
        ("Co Two", "co-mentor"),
    ]
    marked = parse_mentor_items(
        [MentorItem("Omar (@omar)", primary=True), MentorItem("Tim (@tim)")]
    )
    assert [m.role for m in finalize_mentors(marked)] == ["primary", "co-mentor"]
    assert [
        m.role for m in finalize_mentors(parse_mentor_text("A (@a), B (@b)"), canonical=True)
    ] == [
        "co-mentor",
        "co-mentor",
    ]


def test_mentions_of_one_handle_merge_into_the_first() -> None:
    pieces = parse_mentor_text(
        "vb@container-registry.com@Vad1mo @wy65701436 @OrlinVasilev"
    ) + parse_mentor_text(
        "@Vad1mo - Vadim Bauer, vb@container-registry.com); @wy65701436 - Yan "
        "Wang(wangyan@vmware.com); "
        "@OrlinVasilev Orlin Vasilev (ovasilev@vmware.com)"
    )
    assert [(m.name, m.github, m.email) for m in finalize_mentors(pieces)] == [
        ("Vadim Bauer", "Vad1mo", "vb@container-registry.com"),
        ("Yan Wang", "wy65701436", "wangyan@vmware.com"),
        ("Orlin Vasilev", "OrlinVasilev", "ovasilev@vmware.com"),
    ]


def test_split_chunks_respects_parentheses() -> None:
    assert split_chunks("A (@a, a@x.io), B (@b; b@x.io); C") == [
        "A (@a, a@x.io)",
        "B (@b; b@x.io)",
        "C",
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "Quan Tian (@tnqn, tianquan23@gmail.com) (primary)",
            Mentor("Quan Tian", "tnqn", "tianquan23@gmail.com", "", "primary", []),
        ),
        (
            "Craig Box (@craigbox, craig.box AT gee-mail)",
            Mentor(
                "Craig Box",
                "craigbox",
                "",
                "",
                "co-mentor",
                [FLAG_EMAIL_OBFUSCATED],
                "craig.box AT gee-mail",
            ),
        ),
        (
            "Ana (lfid: ana1) (primary)",
            Mentor("Ana", "", "", "ana1", "primary", [FLAG_EMAIL_MISSING, FLAG_HANDLE_MISSING]),
        ),
        (
            "Jane (Red Hat)",
            Mentor("Jane (Red Hat)", flags=[FLAG_EMAIL_MISSING, FLAG_HANDLE_MISSING]),
        ),
        (
            "X (@Mike Spreitzer, junk@nowhere)",
            Mentor(
                "X",
                "Mike Spreitzer",
                "",
                "",
                "co-mentor",
                [FLAG_EMAIL_INVALID, FLAG_HANDLE_INVALID],
                "junk@nowhere",
            ),
        ),
        (
            "Solo (primary)",
            Mentor("Solo", role="primary", flags=[FLAG_EMAIL_MISSING, FLAG_HANDLE_MISSING]),
        ),
    ],
)
def test_canonical_mentor_lines(line: str, expected: Mentor) -> None:
    assert parse_canonical_mentor(line) == expected
