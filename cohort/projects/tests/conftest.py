from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from cohort.formats import model as fm

CORPUS = Path(__file__).resolve().parents[2] / "formats" / "tests" / "fixtures"
REFERENCE = Path(__file__).resolve().parents[1] / "demo_data" / "2024-03-Sep-Nov-README.planning.md"


def make_term(**overrides: object) -> fm.TermData:
    """A small term as a parser would produce it."""
    term = fm.TermData(
        title="Term 03 - 2024 September - November",
        year=2024,
        number=3,
        status="Planning",
        time_zone="America/Los_Angeles",
        milestones=[
            fm.Milestone(
                key="proposals_open",
                label="project proposals",
                raw="Jul 3 - Jul 30 5:00 PM PDT",
                start=datetime(2024, 7, 3, 7, tzinfo=UTC),
                end=datetime(2024, 7, 31, 0, tzinfo=UTC),
                has_time=True,
            )
        ],
        organizations=[
            fm.Organization(
                name="Antrea",
                projects=[
                    fm.Project(
                        title="DNS caches",
                        lfx_url="https://mentorship.lfx.linuxfoundation.org/project/99e8e0a0-4d82-4ac5-88bc-55b1d1a2c1f4",
                        skills="Go",
                        mentors=[
                            fm.Mentor(
                                name="Quan Tian",
                                github="tnqn",
                                email="tianquan23@gmail.com",
                                role="primary",
                            ),
                            fm.Mentor(
                                name="Craig Box",
                                github="craigbox",
                                contact="craig.box AT gee-mail",
                                flags=[fm.FLAG_EMAIL_OBFUSCATED],
                            ),
                        ],
                        upstream_issues=["https://github.com/antrea-io/antrea/issues/6229"],
                        raw="#### DNS caches\n\n- Description: …\n",
                    )
                ],
            ),
            fm.Organization(
                name="CNCF TAG Network",
                kind="group",
                projects=[
                    fm.Project(
                        title="Challenges",
                        mentors=[
                            fm.Mentor(name="Lee Calcote", github="leecalcote", role="primary")
                        ],
                    ),
                    fm.Project(title="Untitled mentors", mentors=[fm.Mentor(name="Someone")]),
                ],
            ),
        ],
    )
    for key, value in overrides.items():
        setattr(term, key, value)
    return term


@pytest.fixture
def small_term() -> fm.TermData:
    return make_term()
