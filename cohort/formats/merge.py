"""Which of a term's project ideas are the programs its README accepted (spec §7.9).

An ideas page (`project_ideas.md`) lists what organizations proposed; the term's README (or
`selected_projects.md`) lists what was accepted, usually with the same title. `match` pairs
the two lists, one to one, in three passes:

1. the same LFX URL;
2. the same organization and the same title once normalised (`normalise_title`: casefolded,
   punctuation and runs of spaces made one space);
3. the same organization and the same description once normalised (a README entry that lost
   its heading, 2022 Spring's second KubeArmor program);
4. the same organization and a close title (difflib ratio at least `FUZZY_RATIO`), closest
   pair first (a typo fixed: "Improvising unit test coverage" / "Improving …");
5. the same organization and one title that holds the other's words in a row ("ETW exporter"
   and "OpenTelemetry C++ SDK ETW exporter"), when that idea is the only one of the
   organization to fit.

Each pass pairs only what the passes before it left.

Organizations are compared by name, casefolded: the caller passes each entry's organization
already resolved to its canonical name (the alias table is the database's, not this module's).
Standard library only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

FUZZY_RATIO = 0.85

_NOT_WORD = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class Entry:
    title: str
    organization: str  # the canonical name (aliases resolved by the caller)
    lfx_url: str = ""
    description: str = ""


def normalise_title(title: str) -> str:
    """`title` casefolded, with punctuation and whitespace runs made one space."""
    text = unicodedata.normalize("NFKC", title).casefold()
    return _NOT_WORD.sub(" ", text).strip()


def match(
    accepted: Sequence[Entry], ideas: Sequence[Entry], *, fuzzy: float | None = FUZZY_RATIO
) -> list[tuple[int, int]]:
    """Pairs (index in `accepted`, index in `ideas`) of the same program, sorted; each index
    is in at most one pair. `fuzzy=None` leaves out the close-title and contained-title
    passes (4 and 5)."""
    pairs: dict[int, int] = {}
    taken: set[int] = set()
    orgs = [e.organization.casefold() for e in ideas]
    titles = [normalise_title(e.title) for e in ideas]

    def exact(key: Callable[[int, Entry], str], mine: Callable[[Entry], str]) -> None:
        index: dict[tuple[str, str], list[int]] = {}
        for i, idea in enumerate(ideas):
            value = key(i, idea)
            if value:
                index.setdefault((orgs[i], value), []).append(i)
        for a, entry in enumerate(accepted):
            value = mine(entry)
            if a in pairs or not value:
                continue
            free = [
                i for i in index.get((entry.organization.casefold(), value), ()) if i not in taken
            ]
            if free:
                pairs[a] = free[0]
                taken.add(free[0])

    # 1. LFX URL: one program, whatever the organization is called on either page.
    url_index: dict[str, list[int]] = {}
    for i, idea in enumerate(ideas):
        if idea.lfx_url:
            url_index.setdefault(_url(idea.lfx_url), []).append(i)
    for a, entry in enumerate(accepted):
        free = [i for i in url_index.get(_url(entry.lfx_url), ()) if i not in taken]
        if entry.lfx_url and free:
            pairs[a] = free[0]
            taken.add(free[0])
    # 2. title, 3. description.
    exact(lambda i, _: titles[i], lambda e: normalise_title(e.title))
    exact(lambda _, e: normalise_title(e.description), lambda e: normalise_title(e.description))
    if fuzzy is None:
        return sorted(pairs.items())
    # 4. a close title, closest first.
    scored: list[tuple[float, int, int]] = []
    for a, entry in enumerate(accepted):
        if a in pairs:
            continue
        org, title = entry.organization.casefold(), normalise_title(entry.title)
        for i in range(len(ideas)):
            if i in taken or orgs[i] != org or not title or not titles[i]:
                continue
            ratio = SequenceMatcher(None, title, titles[i], autojunk=False).ratio()
            if ratio >= fuzzy:
                scored.append((-ratio, a, i))
    for _, a, i in sorted(scored):
        if a not in pairs and i not in taken:
            pairs[a] = i
            taken.add(i)
    # 5. one title inside the other, when only one idea of the organization fits.
    for a, entry in enumerate(accepted):
        if a in pairs:
            continue
        org, title = entry.organization.casefold(), normalise_title(entry.title)
        fits = [
            i
            for i in range(len(ideas))
            if i not in taken and orgs[i] == org and _inside(title, titles[i])
        ]
        if len(fits) == 1:
            pairs[a] = fits[0]
            taken.add(fits[0])
    return sorted(pairs.items())


def _url(url: str) -> str:
    return url.strip().rstrip("/").casefold()


def _inside(one: str, other: str) -> bool:
    """Whether the shorter of two normalised titles (of two words at least) is a run of the
    longer one's words."""
    short, long = sorted((one, other), key=len)
    if len(short.split()) < 2:
        return False
    return f" {short} " in f" {long} "
