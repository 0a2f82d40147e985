"""Field labels of the historical CNCF term pages, and the organization name tables.

Term pages were written by hand for years, so one concept has many spellings
(spec/term-pages.md §7.5): `Mentor(s)`, `Metor(s)`, `Mentors(s)`, `**Upstream Issue (URL)**`,
`Upstraeam Issue`, `Expected OUtcome`, `expectedOutcome`, … `label_kind` folds a label to one
*kind* after dropping emphasis, bullets, parenthesised suffixes such as `(URL)` / `(s)`, case and
everything that is not a letter.

The organization tables are deliberately small and deterministic: `canonical_org_name` only
unifies obvious case/whitespace variants, and `org_kind` tells CNCF projects from non-project
groups (TAGs, working groups, foundation-level groups; spec §7.3).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final, Literal

FieldKind = Literal[
    "description",
    "outcome",
    "skills",
    "technologies",
    "mentors",
    "upstream",
    "lfx",
    "extra",
]
RoleHint = Literal["", "primary", "co-mentor"]

# The kinds that make a heading a program (spec §7.9.1); "extra" labels do not.
PROGRAM_KINDS: Final = frozenset(
    {"description", "outcome", "skills", "technologies", "mentors", "upstream", "lfx"}
)

_PARENS = re.compile(r"\([^()]*\)")
_NOT_LETTERS = re.compile(r"[^a-z]+")

# normalized label -> (kind, role hint)
_LABELS: Final[dict[str, tuple[FieldKind, RoleHint]]] = {
    # description
    "description": ("description", ""),
    "detaileddescription": ("description", ""),
    "projectdescription": ("description", ""),
    # expected outcome
    "expectedoutcome": ("outcome", ""),
    "expectedoutcomes": ("outcome", ""),
    # skills
    "recommendedskills": ("skills", ""),
    "recommendedskill": ("skills", ""),
    "recommendskills": ("skills", ""),
    "recommendskill": ("skills", ""),
    "recommended": ("skills", ""),
    "requiredskills": ("skills", ""),
    "skills": ("skills", ""),
    # technologies
    "technologies": ("technologies", ""),
    # mentors
    "mentor": ("mentors", ""),
    "mentors": ("mentors", ""),
    "metor": ("mentors", ""),
    "metors": ("mentors", ""),
    "potentialmentor": ("mentors", ""),
    "potentialmentors": ("mentors", ""),
    "mentorname": ("mentors", ""),
    "mentornames": ("mentors", ""),
    "primarymentor": ("mentors", "primary"),
    "primarymentors": ("mentors", "primary"),
    "secondarymentor": ("mentors", "co-mentor"),
    "secondarymentors": ("mentors", "co-mentor"),
    "comentor": ("mentors", "co-mentor"),
    "comentors": ("mentors", "co-mentor"),
    # upstream issues
    "upstreamissue": ("upstream", ""),
    "upstreamissues": ("upstream", ""),
    "upstraeamissue": ("upstream", ""),
    "upstraeamissues": ("upstream", ""),
    "issue": ("upstream", ""),
    "issues": ("upstream", ""),
    "relatedissue": ("upstream", ""),
    "relatedissues": ("upstream", ""),
    "relevantissue": ("upstream", ""),
    "relevantissues": ("upstream", ""),
    "githubissue": ("upstream", ""),
    "githubissues": ("upstream", ""),
    "enhancement": ("upstream", ""),
    "associatedrepository": ("upstream", ""),
    "requestforcommentsdescription": ("upstream", ""),
    # LFX program link
    "lfxurl": ("lfx", ""),
    "lfx": ("lfx", ""),
    "lfxlink": ("lfx", ""),
    "apply": ("lfx", ""),
    # known extras: recognised so they end the previous field, otherwise ignored
    "mentee": ("extra", ""),
    "mentees": ("extra", ""),
    "communitybridgeproject": ("extra", ""),
    "expectedprojectsize": ("extra", ""),
    "expectedsizeoftheproject": ("extra", ""),
    "projectsize": ("extra", ""),
    "difficulty": ("extra", ""),
    "difficultyrating": ("extra", ""),
    "stretchgoal": ("extra", ""),
    "stretchgoals": ("extra", ""),
    "extendedgoal": ("extra", ""),
    "extendedgoals": ("extra", ""),
    "responsibilities": ("extra", ""),
    "deliverables": ("extra", ""),
    "type": ("extra", ""),
    "learningopportunities": ("extra", ""),
    "acknowledgement": ("extra", ""),
    "background": ("extra", ""),
    "bonustask": ("extra", ""),
    "implementation": ("extra", ""),
    "keymetricstofocuson": ("extra", ""),
    "goals": ("extra", ""),
    "testingguidereference": ("extra", ""),
}


@lru_cache(maxsize=4096)
def normalize_label(label: str) -> str:
    """`**Upstream Issue (URL)**` -> `upstreamissue`; `Mentor(-s)` -> `mentor`."""
    text = label.replace("*", "").replace("_", " ").lower()
    previous = None
    while previous != text:  # drop every parenthesised part, innermost first
        previous = text
        text = _PARENS.sub("", text)
    return _NOT_LETTERS.sub("", text)


@lru_cache(maxsize=4096)
def label_kind(label: str) -> tuple[FieldKind, RoleHint] | None:
    """The field a label introduces, with a mentor role hint, or None for unknown labels."""
    if len(label) > 60:
        return None
    return _LABELS.get(normalize_label(label))


# --- organizations ---------------------------------------------------------------------------

# Case/whitespace variants only, keyed by the case-folded, whitespace-collapsed name.
_ORG_ALIASES: Final[dict[str, str]] = {
    "cncf tag contributor strategy": "CNCF TAG Contributor Strategy",
    "cncf tag network": "CNCF TAG Network",
    "cncf tag network and observability": "CNCF TAG Network and Observability",
    "cncf landscape": "CNCF Landscape",
    "testgrid": "TestGrid",
    "kubeedge": "KubeEdge",
    "wasmedge": "WasmEdge",
}

# Named non-project groups seen on the pages (spec §7.3), case-folded.
_GROUP_NAMES: Final = frozenset(
    {
        "testgrid",
        "elekto and kubernetes sig-contribex",
        "kubernetes policy working group (wg)",
        "open service mesh, kuma and service mesh interface",
    }
)
_GROUP_PATTERN = re.compile(
    r"^cncf\b|\btags?\b|\bworking group\b|\(wg\)|\bsig[- ]|\bfoundation\b", re.IGNORECASE
)

# CNCF projects that hand-edited pages nest one level too deep under another project
# (2023 T1 `#### Meshery` under `### KubeEdge`; 2025 T3 `#### kube-burner` under `### Kyverno`).
# Such a sub-heading starts an organization of its own instead of a sub-group.
STANDALONE_PROJECTS: Final = frozenset({"meshery", "kube-burner"})

_SPACES = re.compile(r"\s+")


def fold(name: str) -> str:
    """Case-folded, whitespace-collapsed form used to compare names."""
    return _SPACES.sub(" ", name).strip().casefold()


def canonical_org_name(name: str) -> str:
    """The name as written (trimmed, inner whitespace collapsed), or its canonical spelling."""
    collapsed = _SPACES.sub(" ", name).strip()
    return _ORG_ALIASES.get(collapsed.casefold(), collapsed)


def org_kind(name: str) -> Literal["project", "group"]:
    """ "group" for TAGs, working groups and other non-project groups, else "project"."""
    folded = fold(name)
    if folded in _GROUP_NAMES or _GROUP_PATTERN.search(folded):
        return "group"
    return "project"


def is_standalone_project(name: str) -> bool:
    return fold(name) in STANDALONE_PROJECTS
