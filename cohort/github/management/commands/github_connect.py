"""cohort github-connect PROGRAM --repo OWNER/NAME --secret-file F [--token-variable NAME]"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, NoReturn

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Q
from django.urls import reverse

from cohort.core.errors import DomainError
from cohort.github.services import connect
from cohort.terms.models import Program


class Command(BaseCommand):
    requires_system_checks = ()  # a data command (as validate-proposal)
    help = (
        "Connect a program to the GitHub repository whose issues are its proposals: the "
        "repository, the webhook secret (read from a file, stored as given, never printed) "
        "and the environment variable that holds the API token. Run it again to change them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("program", metavar="PROGRAM", help="the program's slug or name")
        parser.add_argument("--repo", required=True, metavar="OWNER/NAME")
        parser.add_argument(
            "--secret-file",
            metavar="F",
            help='a file holding the webhook secret ("-" reads stdin); needed the first time',
        )
        parser.add_argument(
            "--token-variable",
            default="",
            metavar="NAME",
            help="the environment variable holding the token (default COHORT_GITHUB_TOKEN)",
        )

    def _fail(self, message: str) -> NoReturn:
        self.stderr.write(message)
        sys.exit(2)

    def handle(self, *args: Any, **options: Any) -> None:
        name: str = options["program"]
        program = Program.objects.filter(Q(slug=name) | Q(name__iexact=name)).first()
        if program is None:
            self._fail(f'No program "{name}".')
        secret = None
        if options["secret_file"]:
            source = options["secret_file"]
            try:
                raw = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
                # A file's final line end is not part of the secret; anything else is.
                secret = raw.decode("utf-8").removesuffix("\n").removesuffix("\r")
            except OSError as exc:
                self._fail(f"{source}: cannot read: {exc.strerror or exc}")
            except UnicodeDecodeError:
                self._fail(f"{source}: not UTF-8 text")
        try:
            connection = connect(
                program,
                repository=options["repo"],
                secret=secret,
                token_variable=options["token_variable"],
                actor=None,
            )
        except DomainError as exc:
            self._fail(str(exc))
        hook = settings.SITE_URL.rstrip("/") + reverse("github:webhook", args=[program.slug])
        self.stdout.write(
            f"{program.name} reads the issues of {connection.repository}.\n"
            f"Webhook: {hook} (content type application/json; events: Issues, Issue comments)\n"
            f"Token: from ${connection.token_variable}\n"
        )
