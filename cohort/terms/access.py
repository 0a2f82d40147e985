"""Who runs a program, and the one way to open a term as its admin (a 404 otherwise).

Program admins are a program's `ProgramMembership` rows (and superusers). Every app that
asks "is this a program admin?" or opens a term's admin page (the proposal board, the
applications overview, selection) reads it here.
"""

from __future__ import annotations

from django.http import Http404

from cohort.core.actors import Viewer
from cohort.terms.models import Program, ProgramMembership, Term


def is_program_admin(user: Viewer, program: Program) -> bool:
    if not user.is_authenticated:
        return False
    return (
        bool(user.is_superuser)
        or ProgramMembership.objects.filter(
            program=program, user=user, role=ProgramMembership.Role.ADMIN
        ).exists()
    )


def access_admin_term(user: Viewer, pk: int) -> Term:
    """The term `pk` if `user` administers its program; else `Http404`, the same answer as
    for a term that does not exist."""
    term = Term.objects.select_related("program").filter(pk=pk).first()
    if term is None or not is_program_admin(user, term.program):
        raise Http404("No such term.")
    return term


def access_admin_program(user: Viewer, slug: str) -> Program:
    """The program `slug` if `user` administers it; else `Http404`, the same answer as for a
    program that does not exist."""
    program = Program.objects.filter(slug=slug).first()
    if program is None or not is_program_admin(user, program):
        raise Http404("No such program.")
    return program
