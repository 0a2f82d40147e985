"""cohort create-api-token USERNAME --name NAME: a token for scripts, printed once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cohort.core.errors import DomainError
from cohort.core.models import User
from cohort.core.tokens import create_api_token


class Command(BaseCommand):
    # A data command: skip the system checks (about half a second of every run); `cohort
    # check` and `migrate` still run them.
    requires_system_checks = ()
    help = "Create an API token for USERNAME and print it. It is shown only this once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="What the token is for (shown in lists).")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user named {options['username']!r}.")
        if not user.is_active:
            raise CommandError(f"User {user.username!r} is inactive.")
        try:
            token, raw = create_api_token(user, name=options["name"])
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        self.stderr.write(
            f"Created token {token.name!r} ({token.prefix}) for {user.username}. "
            "Copy it now: it will not be shown again."
        )
        self.stdout.write(raw)
