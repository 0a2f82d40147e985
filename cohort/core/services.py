"""Writes on the shared kernel's rows (users and people)."""

from __future__ import annotations

from django.db import transaction

from cohort.core.models import AuditEvent, Person, User


@transaction.atomic
def link_person_to_user(user: User, *, github: str) -> Person | None:
    """Link `user` to the Person with GitHub handle `github` (any case); return that Person.

    Called after a GitHub login, when GitHub itself vouches for the handle, so a mentor named
    on a term page or proposal finds their projects on first login. A Person that already
    has a login is never taken over, and a user keeps the Person they have; in both cases
    nothing changes and the function returns None (or the user's own Person, if it is the
    same one). The link is a compare-and-swap, so two logins racing cannot both win.
    """
    handle = github.strip().removeprefix("@")
    if not handle or not user.pk:
        return None
    person = Person.objects.filter(github__iexact=handle).first()
    if person is None:
        return None
    if person.user_id == user.pk:
        return person
    if person.user_id is not None or Person.objects.filter(user=user).exists():
        return None
    if not Person.objects.filter(pk=person.pk, user__isnull=True).update(user=user):
        return None
    person.user = user
    AuditEvent.record(user, "core.person.linked", person, data={"github": handle})
    return person
