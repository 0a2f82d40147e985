"""Mentor lines of the CNCF term pages (spec/term-pages.md §7.6, §7.9.3).

A mentor field is either inline (`Mentor(s): A (@a, a@x.io), B (@b, b@y.io)`) or a nested list,
one mentor per item. Inside an item the formats vary wildly: `Name (@handle, email)`,
`Name (handle, email)`, `Name @handle email`, `[Name](https://github.com/h)`,
`Name (email: x, github: y)`, `@h - Name, email)`, obfuscated addresses, role suffixes, leftover
template text. The parser never guesses: what cannot be recovered is kept as written and flagged
(`Mentor.flags`), and free text that names nobody is dropped instead of becoming a mentor.

Public entry points:

* `parse_mentor_items(items)` turns the items of one mentor field into `MentorPiece`s;
* `finalize_mentors(pieces, canonical=...)` merges duplicates, assigns roles and flags;
* `mentor_flags(github, email, contact)` recomputes the flags from the stored values;
* `parse_canonical_mentor(line)` reads back the strict line Cohort's renderer writes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from cohort.formats.model import (
    FLAG_EMAIL_INVALID,
    FLAG_EMAIL_MISSING,
    FLAG_EMAIL_OBFUSCATED,
    FLAG_HANDLE_INVALID,
    FLAG_HANDLE_MISSING,
    Mentor,
)

HANDLE_RE: Final = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")
EMAIL_RE: Final = re.compile(
    r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$"
)
_EMAIL_IN_TEXT = re.compile(
    r"(?<![\w.%+'-])[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])"
)
# Obfuscated addresses: hydai[at]secondstate.io, pierdipi AT redhat DOT com, ben AT armosec.io,
# yiying at secondstate dot io, craig.box AT gee-mail.
_OBFUSCATED = re.compile(
    r"[\w.+-]+\s*[\[(]\s*at\s*[\])]\s*[\w.-]+(?:\s*[\[(]\s*dot\s*[\])]\s*[\w-]+)*"
    r"|[\w.+-]+\s+AT\s+[\w.-]+(?:\s+DOT\s+[\w-]+)*"
    r"|[\w.+-]+\s+at\s+[\w-]+(?:\s+dot\s+[\w-]+)+",
)
_OBFUSCATION_HINT = re.compile(r"[\s\[(]at[\s\])]", re.IGNORECASE)
_FAKE_DOMAINS: Final = ("gee-mail",)
_MD_LINK = re.compile(r"\[([^\[\]]*)\]\(\s*<?([^()\s<>]*)>?\s*\)")
_GITHUB_USER_URL = re.compile(
    r"^https?://(?:www\.)?github\.com/([A-Za-z0-9][\w.-]*)/?$", re.IGNORECASE
)
_BARE_GITHUB_URL = re.compile(
    r"https?://(?:www\.)?github\.com/([A-Za-z0-9][\w.-]*)/?(?=[\s,;)]|$)", re.IGNORECASE
)
_MAILTO = re.compile(r"<?mailto:([^\s>)\]]+)>?", re.IGNORECASE)
_ANGLE = re.compile(r"<([^<>\s]+)>")
_LFID = re.compile(r"\blfid\s*:\s*([^\s,;()]+)", re.IGNORECASE)
_KV_EMAIL = re.compile(r"\be-?mail\s*:\s*([^\s,;()]+)", re.IGNORECASE)
_KV_GITHUB = re.compile(r"\bgithub\s*:\s*@?([^\s,;()]+)", re.IGNORECASE)
_AT_HANDLE = re.compile(r"(?<![\w.@])@([A-Za-z0-9][\w.-]*)")
_BARE_HANDLE = re.compile(r"^[A-Za-z0-9][\w.-]*$")
_PRIMARY_PAREN = re.compile(r"\(\s*primary(?:\s+mentor)?\s*\)", re.IGNORECASE)
_PRIMARY_SUFFIX = re.compile(r"\s*[-–—]\s*primary(?:\s+mentor)?\s*$", re.IGNORECASE)
_TEMPLATE_TAIL = re.compile(r"\s*[-–—]?\s*please use the same e-?mail.*$", re.IGNORECASE)
_NAME_PREFIX = re.compile(
    r"^\s*(?:(?:primary|secondary|co-?)\s*)?mentor(?:\s*name)?(?:\s*\(s\))?\s*:\s*", re.IGNORECASE
)
_JOINERS = re.compile(r"\s+(?:&|and)\s+", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_SEPARATORS = re.compile(r"[,;]")
_EDGE_PUNCT = " \t,;:-–—|*_~"

_STOPWORDS: Final = frozenset(
    {
        "from", "also", "available", "to", "help", "please", "use", "same", "email", "e-mail",
        "address", "as", "you", "on", "the", "at", "is", "are", "will", "be", "for", "with",
        "of", "if", "this", "that", "or", "we", "our", "your", "mentor", "mentors", "tbd",
        "platform", "lfx", "github", "handle", "here", "contact", "slack", "via", "in",
        "include", "either", "info", "mentorship", "https", "http", "n/a", "none", "tba",
    }
)  # fmt: skip
_PLACEHOLDER_NAMES: Final = frozenset({"mentor name", "2nd mentor name", "name", "your name"})
_PLACEHOLDER_HANDLES: Final = frozenset({"mentor_github", "mentor-github", "github_handle"})


@dataclass
class MentorPiece:
    """One mentor as read from the page, before roles and flags."""

    name: str = ""
    github: str = ""
    email: str = ""
    contact: str = ""
    lfid: str = ""
    primary: bool = False  # marked "(primary)", "- Primary" or under "Primary Mentor:"
    co_mentor: bool = False  # listed under a "Co-Mentor" / "Secondary Mentor" label

    def has_contact(self) -> bool:
        return bool(self.github or self.email or self.contact)


@dataclass(frozen=True)
class MentorItem:
    """The text of one mentor item: the inline value of a label, or one list item."""

    text: str
    inline: bool = True
    primary: bool = False
    co_mentor: bool = False


# --- flags -----------------------------------------------------------------------------------


def is_obfuscated(text: str) -> bool:
    """Whether `text` is an e-mail address written so that robots cannot read it."""
    if _OBFUSCATED.fullmatch(text.strip()):
        return True
    lowered = text.lower()
    return any(domain in lowered for domain in _FAKE_DOMAINS) and "@" in lowered


def mentor_flags(github: str, email: str, contact: str) -> list[str]:
    """The sorted flags for what the stored values cannot give (model.MENTOR_FLAGS)."""
    flags: list[str] = []
    if not github:
        flags.append(FLAG_HANDLE_MISSING)
    elif not HANDLE_RE.fullmatch(github):
        flags.append(FLAG_HANDLE_INVALID)
    if not email:
        if not contact:
            flags.append(FLAG_EMAIL_MISSING)
        elif is_obfuscated(contact):
            flags.append(FLAG_EMAIL_OBFUSCATED)
        else:
            flags.append(FLAG_EMAIL_INVALID)
    return sorted(flags)


# --- splitting -------------------------------------------------------------------------------


def _normalize(text: str) -> str:
    text = text.replace("\u00a0", " ").replace("，", ", ").replace("；", "; ")
    text = _TEMPLATE_TAIL.sub("", text)
    # [x@y](mailto:x@y) -> x@y, <mailto:x@y> -> x@y, <x@y> -> x@y
    text = _MD_LINK.sub(
        lambda m: m.group(2)[7:] if m.group(2).lower().startswith("mailto:") else m.group(0), text
    )
    text = _MAILTO.sub(lambda m: m.group(1), text)
    return _ANGLE.sub(lambda m: m.group(1), text)


_NAME_BEFORE_GROUP = re.compile(r"\s*[^,;()@<>\[\]]*?[A-Za-z][^,;()@<>\[\]]*?\s*\(\s*@")


def split_chunks(text: str) -> list[str]:
    """Split on `,` / `;` outside parentheses.

    Also closes an unbalanced group when a comma inside it is followed by another
    `Name (@…` (2025 T2: `Sangram Rath (@sangramrath, s@x.com, Mia Grenell (@miacycle, …))`).
    """
    if "(" not in text and ")" not in text:
        return [chunk.strip() for chunk in _SEPARATORS.split(text)]
    chunks: list[str] = []
    depth = 0
    start = 0
    in_link_url = False
    i = 0
    n = len(text)
    while i < n:
        char = text[i]
        if char == "(":
            in_link_url = i > 0 and text[i - 1] == "]"
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
            in_link_url = False
        elif char in ",;" and not in_link_url:
            if depth == 0:
                chunks.append(text[start:i])
                start = i + 1
            elif _NAME_BEFORE_GROUP.match(text, i + 1):
                chunks.append(text[start:i])
                start = i + 1
                depth = 0
        i += 1
    chunks.append(text[start:])
    return [chunk.strip() for chunk in chunks]


def _paren_groups(text: str) -> list[tuple[int, int]]:
    """Top-level (start, end) spans of parenthesised groups; an unclosed group runs to the end."""
    groups: list[tuple[int, int]] = []
    if "(" not in text:
        return groups
    depth = 0
    start = 0
    for i, char in enumerate(text):
        if char == "(":
            if depth == 0:
                start = i
            depth += 1
        elif char == ")" and depth:
            depth -= 1
            if depth == 0:
                groups.append((start, i + 1))
    if depth:
        groups.append((start, len(text)))
    return groups


def _is_contact_text(text: str) -> bool:
    if "@" in text:
        return True
    lowered = text.lower()
    if "github" in lowered and ("github.com" in lowered or _KV_GITHUB.search(text)):
        return True
    return bool(_OBFUSCATION_HINT.search(text) and _OBFUSCATED.search(text))


def _github_links(text: str) -> list[re.Match[str]]:
    return [m for m in _MD_LINK.finditer(text) if _GITHUB_USER_URL.fullmatch(m.group(2))]


def _subsplit(chunk: str) -> list[str]:
    """Split one chunk that holds several mentors without separators between them."""
    groups = [g for g in _paren_groups(chunk) if _is_contact_text(chunk[g[0] : g[1]])]
    if len(groups) >= 2:
        parts = []
        start = 0
        for _, end in groups[:-1]:
            parts.append(chunk[start:end])
            start = end
        parts.append(chunk[start:])
        return [p.strip() for p in parts if p.strip()]
    if not groups:
        links = _github_links(chunk)
        if len(links) >= 2:
            cuts = [m.start() for m in links[1:]]
            parts = []
            start = 0
            for cut in cuts:
                parts.append(chunk[start:cut])
                start = cut
            parts.append(chunk[start:])
            return [p.strip() for p in parts if p.strip()]
        tokens = chunk.split()
        if sum(1 for t in tokens if "@" in t) >= 2:
            parts = []
            current: list[str] = []
            has_handle = False
            for token in tokens:
                token_has_handle = bool(_AT_HANDLE.search(_EMAIL_IN_TEXT.sub(" ", token)))
                if token.startswith("@") and has_handle:
                    parts.append(" ".join(current))
                    current, has_handle = [], False
                current.append(token)
                has_handle = has_handle or token_has_handle
            parts.append(" ".join(current))
            return [p for p in parts if p]
    return [chunk]


def _looks_like_name(text: str) -> bool:
    """A plausible person's name: a few words, no prose, no link."""
    words = text.split()
    if not words or len(words) > 6 or "://" in text or ":" in text:
        return False
    if not any(c.isalpha() for c in text):
        return False
    return not any(w.lower().strip(".,;()") in _STOPWORDS for w in words)


def _split_joined(chunk: str) -> list[str]:
    """`A & B`, `A and B` -> two mentors, but only when both sides read as mentors."""
    parts = _JOINERS.split(chunk)
    if len(parts) < 2:
        return [chunk]
    for part in parts:
        piece = parse_piece(part)
        if piece is None or (not piece.has_contact() and not _looks_like_name(piece.name)):
            return [chunk]
    return parts


# --- one mentor ------------------------------------------------------------------------------


@dataclass
class _Contacts:
    handles: list[str]
    emails: list[str]
    obfuscated: list[str]
    invalid: list[str]
    lfid: str


def _take_links(text: str, contacts: _Contacts) -> str:
    def replace(match: re.Match[str]) -> str:
        label, url = match.group(1).strip(), match.group(2)
        user = _GITHUB_USER_URL.fullmatch(url)
        if user:
            contacts.handles.append(user.group(1))
            return "" if label.startswith("@") or label.lower() == user.group(1).lower() else label
        if label.startswith("@") or "://" in label:
            return ""  # a handle on some other site (e.g. Twitter) is not a GitHub login
        return label

    return _MD_LINK.sub(replace, text)


def _extract(text: str, contacts: _Contacts, *, in_group: bool) -> str:
    """Remove contact details from `text` into `contacts`; return what is left."""
    lowered = text.lower()
    if "lfid" in lowered:
        lfid = _LFID.search(text)
        if lfid:
            contacts.lfid = lfid.group(1)
            text = text[: lfid.start()] + text[lfid.end() :]
    if "mail" in lowered and ":" in text:
        for match in _KV_EMAIL.finditer(text):
            value = match.group(1)
            if EMAIL_RE.fullmatch(value):
                contacts.emails.append(value)
            elif "@" in value:
                contacts.invalid.append(value)
        text = _KV_EMAIL.sub(" ", text)
    if "github" in lowered:
        if ":" in text:
            contacts.handles.extend(m.group(1) for m in _KV_GITHUB.finditer(text))
            text = _KV_GITHUB.sub(" ", text)
        contacts.handles.extend(m.group(1) for m in _BARE_GITHUB_URL.finditer(text))
        text = _BARE_GITHUB_URL.sub(" ", text)
    if "](" in text:
        text = _take_links(text, contacts)
    if _OBFUSCATION_HINT.search(text):
        for match in _OBFUSCATED.finditer(text):
            contacts.obfuscated.append(match.group(0).strip())
        text = _OBFUSCATED.sub(" ", text)
    if "@" not in text:
        return text if not in_group else _group_rest(text, contacts)
    for match in _EMAIL_IN_TEXT.finditer(text):
        value = match.group(0)
        (contacts.obfuscated if is_obfuscated(value) else contacts.emails).append(value)
    text = _EMAIL_IN_TEXT.sub(" ", text)
    if not in_group:
        contacts.handles.extend(m.group(1).rstrip(".") for m in _AT_HANDLE.finditer(text))
        return _AT_HANDLE.sub(" ", text)
    return _group_rest(text, contacts)


def _group_rest(text: str, contacts: _Contacts) -> str:
    """Handles in a contact group: `@h`, or a lone `h` when no `@h` is there."""
    rest: list[str] = []
    segments = [seg.strip().strip(")(").strip() for seg in _SEPARATORS.split(text)]
    segments = [seg for seg in segments if seg]
    has_at_handle = any(seg.startswith("@") for seg in segments)
    for seg in segments:
        if seg.startswith("@"):
            if seg[1:].strip():
                contacts.handles.append(seg[1:].strip())
        elif "@" in seg:
            contacts.invalid.append(seg)
        elif _BARE_HANDLE.fullmatch(seg) and not has_at_handle and not contacts.handles:
            contacts.handles.append(seg)
        else:
            rest.append(seg)
    return " ".join(rest)


def _clean_name(text: str) -> str:
    text = _SPACES.sub(" ", text.replace("[", " ").replace("]", " ")).strip()
    while True:
        stripped = text.strip(_EDGE_PUNCT)
        if stripped.endswith(")") and stripped.count(")") > stripped.count("("):
            stripped = stripped[:-1]
        if stripped.startswith("(") and stripped.count("(") > stripped.count(")"):
            stripped = stripped[1:]
        if stripped == text:
            return _SPACES.sub(" ", text).strip()
        text = stripped


def parse_piece(text: str) -> MentorPiece | None:
    """One mentor from its text, or None when there is nothing at all."""
    piece = MentorPiece()
    text = _NAME_PREFIX.sub("", text)
    if _PRIMARY_PAREN.search(text):
        piece.primary = True
        text = _PRIMARY_PAREN.sub(" ", text)
    if _PRIMARY_SUFFIX.search(text):
        piece.primary = True
        text = _PRIMARY_SUFFIX.sub("", text)
    text = text.strip()
    if not text:
        return None
    contacts = _Contacts([], [], [], [], "")
    groups = [g for g in _paren_groups(text) if _is_contact_text(text[g[0] : g[1]])]
    if groups:
        start, end = groups[-1]
        name_part = text[:start]
        if not name_part.strip():
            name_part = text[end:]  # `(email, @handle) Name`
        inner = text[start + 1 : end - 1] if text[end - 1] == ")" else text[start + 1 : end]
        _extract(inner, contacts, in_group=True)
    else:
        name_part = text
        # `Peter Hunt, haircommander, pehunt@redhat.com`: a lone token between name and e-mail
        segments = [s.strip() for s in name_part.split(",")]
        if len(segments) >= 3 and _BARE_HANDLE.fullmatch(segments[1]) and "@" in segments[2]:
            contacts.handles.append(segments[1])
            name_part = ", ".join([segments[0], *segments[2:]])
    name_part = _extract(name_part, contacts, in_group=False)
    piece.name = _clean_name(name_part)
    piece.lfid = contacts.lfid
    if contacts.handles:
        piece.github = contacts.handles[0].strip().lstrip("@").rstrip(".,;)")
    if contacts.emails:
        piece.email = contacts.emails[0]
    elif contacts.obfuscated:
        piece.contact = contacts.obfuscated[0]
    elif contacts.invalid:
        piece.contact = contacts.invalid[0].strip(" ()")
    if not piece.name and not piece.has_contact():
        return None
    return piece


def _is_placeholder(piece: MentorPiece) -> bool:
    return (
        piece.name.lower() in _PLACEHOLDER_NAMES
        or piece.github.lower() in _PLACEHOLDER_HANDLES
        or piece.email.lower().endswith("@email.addy")
    )


def _contact_only(piece: MentorPiece) -> bool:
    return not piece.name and piece.has_contact()


def _merge_into(target: MentorPiece, extra: MentorPiece) -> bool:
    """Fill `target` from a nameless `extra` when nothing clashes; report success."""
    if (extra.github and target.github) or (extra.email and target.email):
        return False
    if extra.contact and (target.contact or target.email):
        return False
    target.github = target.github or extra.github
    target.email = target.email or extra.email
    target.contact = target.contact or extra.contact
    target.lfid = target.lfid or extra.lfid
    target.primary = target.primary or extra.primary
    return True


def _join_name_handle_email(chunks: list[str]) -> list[str]:
    """`Peter Hunt, haircommander, pehunt@redhat.com` is one mentor, not three."""
    out: list[str] = []
    i = 0
    while i < len(chunks):
        if (
            i + 2 < len(chunks)
            and not _is_contact_text(chunks[i])
            and " " in chunks[i].strip()
            and _BARE_HANDLE.fullmatch(chunks[i + 1])
            and _EMAIL_IN_TEXT.fullmatch(chunks[i + 2].strip())
        ):
            out.append(", ".join(chunks[i : i + 3]))
            i += 3
            continue
        out.append(chunks[i])
        i += 1
    return out


def parse_mentor_text(text: str, *, inline: bool = True) -> list[MentorPiece]:
    """All mentors in one item (see module docstring)."""
    text = _normalize(text)
    chunks = _join_name_handle_email([c for c in split_chunks(text) if c])
    if not inline and len(chunks) > 1:
        with_contacts = sum(1 for c in chunks if _is_contact_text(c))
        if with_contacts < 2:
            chunks = [text.strip()]
    pieces: list[MentorPiece] = []
    for chunk in chunks:
        for part in _subsplit(chunk):
            for joined in _split_joined(part):
                piece = parse_piece(joined)
                if piece is None or _is_placeholder(piece):
                    continue
                if _contact_only(piece) and pieces and _merge_into(pieces[-1], piece):
                    continue
                pieces.append(piece)
    return [p for p in pieces if p.has_contact() or _looks_like_name(p.name)]


def parse_mentor_items(items: list[MentorItem]) -> list[MentorPiece]:
    pieces: list[MentorPiece] = []
    for item in items:
        for piece in parse_mentor_text(item.text, inline=item.inline):
            piece.primary = piece.primary or item.primary
            piece.co_mentor = item.co_mentor
            pieces.append(piece)
    return pieces


def _merge_duplicates(pieces: list[MentorPiece]) -> list[MentorPiece]:
    """One entry per GitHub handle (case-insensitive); later mentions fill the gaps."""
    merged: list[MentorPiece] = []
    by_handle: dict[str, MentorPiece] = {}
    for piece in pieces:
        key = piece.github.lower()
        first = by_handle.get(key) if key else None
        if first is None:
            merged.append(piece)
            if key:
                by_handle[key] = piece
            continue
        if not first.name or first.name.lower() == first.github.lower():
            first.name = piece.name or first.name
        if not first.email and piece.email:
            first.email, first.contact = piece.email, ""
        elif not first.email and not first.contact:
            first.contact = piece.contact
        first.lfid = first.lfid or piece.lfid
        first.primary = first.primary or piece.primary
        first.co_mentor = first.co_mentor and piece.co_mentor
    return merged


def finalize_mentors(pieces: list[MentorPiece], *, canonical: bool = False) -> list[Mentor]:
    """Mentors with roles and flags.

    Roles: when any mentor is marked primary, the marked ones are primary and the rest are
    co-mentors; otherwise the first mentor not listed under a co-mentor label is primary. In a
    canonical page only the `(primary)` marker makes a primary mentor.
    """
    pieces = _merge_duplicates(pieces)
    any_marked = any(p.primary for p in pieces)
    mentors: list[Mentor] = []
    primary_given = False
    for piece in pieces:
        if canonical or any_marked:
            primary = piece.primary
        else:
            primary = not primary_given and not piece.co_mentor
            primary_given = primary_given or primary
        name = piece.name or piece.github or piece.email or piece.contact
        mentors.append(
            Mentor(
                name=name,
                github=piece.github,
                email=piece.email,
                lfid=piece.lfid,
                role="primary" if primary else "co-mentor",
                flags=mentor_flags(piece.github, piece.email, piece.contact),
                contact=piece.contact,
            )
        )
    return mentors


# --- canonical -------------------------------------------------------------------------------

_CANONICAL_PRIMARY = " (primary)"


def _is_canonical_part(part: str) -> bool:
    return part.startswith(("@", "lfid: ")) or "@" in part or is_obfuscated(part)


def parse_canonical_mentor(text: str) -> Mentor:
    """`Name (@gh, email-or-contact, lfid: x) (primary)` as Cohort's renderer writes it."""
    text = text.strip()
    primary = text.endswith(_CANONICAL_PRIMARY)
    if primary:
        text = text[: -len(_CANONICAL_PRIMARY)]
    name, parts = text, []
    if text.endswith(")") and " (" in text:
        head, _, tail = text.rpartition(" (")
        candidate = tail[:-1].split(", ")
        if "(" not in tail and all(_is_canonical_part(p) for p in candidate):
            name, parts = head, candidate
    github = email = contact = lfid = ""
    for part in parts:
        if part.startswith("@"):
            github = part[1:]
        elif part.startswith("lfid: "):
            lfid = part[6:]
        elif EMAIL_RE.fullmatch(part):
            email = part
        else:
            contact = part
    return Mentor(
        name=name.strip(),
        github=github,
        email=email,
        lfid=lfid,
        role="primary" if primary else "co-mentor",
        flags=mentor_flags(github, email, contact),
        contact=contact,
    )
