"""Which e-mails a person may turn off: every kind of e-mail is declared here by its app.

Essential mail (decisions, offers, payments, requests to decide, account mail) is always sent
and carries no unsubscribe header. Everything else (reminders, digests, overdue lists) is
optional: a person can turn it off per kind on /settings/email/ or with the one-click link in
the message (RFC 8058). Each app declares its kinds next to their names, in its own
`notifications.py`, with `register_kind`. A kind nobody declared counts as essential, so it is
sent (a test checks that every e-mail template is declared).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MailKind:
    name: str  # the template folder: "applications_digest"
    label: str  # what the settings page calls it: "Daily digest of applicants to review"
    essential: bool
    why: str = ""  # for an essential kind: why it cannot be turned off


_kinds: dict[str, MailKind] = {}


def register_kind(name: str, label: str, *, essential: bool, why: str = "") -> None:
    """Declare e-mail `name`; an essential kind must say why it is always sent."""
    if essential and not why:
        raise ValueError(f"The essential e-mail {name!r} must say why it is always sent.")
    _kinds[name] = MailKind(name=name, label=label, essential=essential, why=why)


def mail_kind(name: str) -> MailKind | None:
    return _kinds.get(name)


def is_optional(name: str) -> bool:
    """Whether a person may turn e-mail `name` off (declared and not essential)."""
    kind = _kinds.get(name)
    return kind is not None and not kind.essential


def all_kinds() -> list[MailKind]:
    """Every declared kind: the optional ones first, each group by label."""
    return sorted(_kinds.values(), key=lambda kind: (kind.essential, kind.label))
