"""The most each text field of a profile, an answer or a review may hold (characters).

One table for every door (issue 10, finding 8): the services refuse a longer value with a
`DomainError` naming the field and its limit, and the forms and the API's schemas read the
same numbers, so a page, a script and a test all meet the same limit. Where the column has a
size (`CharField`, `URLField`), the model reads it from here too.
"""

from __future__ import annotations

from typing import Final

from cohort.applications.prerequisites import MAX_TEXT

# The mentee profile.
NAME: Final = 200
GITHUB: Final = 39  # GitHub's own limit; forms and the API take one more for a leading "@"
LINKS: Final = 3_000
SKILLS: Final = 2_000
TIME_ZONE: Final = 64
# A task's answer.
TASK_TEXT: Final = MAX_TEXT
TASK_URL: Final = 500
# The mentee's and the mentors' words.
WITHDRAW_REASON: Final = 2_000
NOTES: Final = 20_000
CONFLICT_REASON: Final = 2_000
DECLINE_MESSAGE: Final = 5_000
