"""The stipends scenario (cohort/stipends/tests/conftest.py): mentee1 on cilium, mentored by
bob, `admin` administers the program."""

from __future__ import annotations

from cohort.applications.tests.conftest import in_window, world  # noqa: F401 (fixtures)
from cohort.mentorship.tests.conftest import active, placed  # noqa: F401 (fixtures)
from cohort.selection.tests.conftest import ready  # noqa: F401 (fixtures)
from cohort.stipends.tests.conftest import midterm_paid  # noqa: F401 (fixtures)
