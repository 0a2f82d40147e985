"""The `cohort` console script: `cohort import-term …` is `manage.py import_term …`."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv if argv is None else argv)
    if len(args) > 1:
        # Commands are spelt with dashes on the command line, underscores in Django.
        args[1] = args[1].replace("-", "_")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)
