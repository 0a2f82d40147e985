"""The `cohort` console script: `cohort import-term …` is `manage.py import_term …`."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv if argv is None else argv)
    # Commands are spelt with dashes on the command line, underscores in Django: the
    # command's name, and the one `cohort help import-term` asks about. An option in their
    # place (`--help`, `--version`) is Django's to read as it is.
    named = 3 if len(args) > 2 and args[1] == "help" else 2
    for i in range(1, min(named, len(args))):
        if not args[i].startswith("-"):
            args[i] = args[i].replace("-", "_")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    from config.env import SettingError

    try:
        execute_from_command_line(args)
    except SettingError as error:  # production settings missing: say which, not a traceback
        sys.exit(f"cohort: {error}")
