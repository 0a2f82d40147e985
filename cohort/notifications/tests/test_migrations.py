"""0002 drops the outbox's foreign key to a proposal event: rows keep their identity.
0003 gives every row the delivery state its columns imply."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from cohort.core.models import User
from cohort.projects.models import Organization, Project
from cohort.proposals.models import ProposalEvent
from cohort.terms.models import Program, Term

BEFORE = [("notifications", "0001_notification_outbox")]
AFTER = [("notifications", "0002_notification_without_event")]
STATES = [("notifications", "0003_notification_status_and_preferences")]
LATEST = STATES  # each test leaves the outbox here, for the tests after it
SENT = datetime(2026, 7, 20, 12, 0, tzinfo=UTC)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_rows_keep_their_pk_key_and_sent_state_across_the_migration_and_back():
    old = migrate(BEFORE)  # only the outbox goes back: the other apps' tables are current
    user = User.objects.create_user("carol", email="c@example.org")
    program = Program.objects.create(name="CNCF", slug="cncf")
    term = Term.objects.create(program=program, year=2026, number=3)
    org = Organization.objects.create(program=program, name="Jaeger", slug="jaeger")
    project = Project.objects.create(term=term, organization=org, slug="p", title="P")
    event = ProposalEvent.objects.create(project=project, kind="submitted")
    Notification = old.get_model("notifications", "Notification")
    common = {"recipient_id": user.pk, "email": "c@example.org", "subject": "s"}
    sent = Notification.objects.create(
        kind="proposal_submitted",
        object_type="proposals.proposalevent",
        object_id=str(event.pk),
        event_id=event.pk,
        sent_at=SENT,
        **common,
    )
    # A row whose key lost its event (edited by hand): the migration keys it on its event.
    stray = Notification.objects.create(
        kind="proposal_approved",
        object_type="proposals.proposalevent",
        object_id="",
        event_id=event.pk,
        error="ConnectionRefusedError: down",
        **common,
    )
    digest = Notification.objects.create(
        kind="applications_digest",
        object_type="applications.digest",
        object_id="2026-07-19",
        **common,
    )

    new = migrate(AFTER)
    rows = {row.pk: row for row in new.get_model("notifications", "Notification").objects.all()}
    assert set(rows) == {sent.pk, stray.pk, digest.pk}
    assert not hasattr(rows[sent.pk], "event_id")
    assert (rows[sent.pk].object_id, rows[sent.pk].sent_at) == (str(event.pk), SENT)
    assert (rows[stray.pk].object_id, rows[stray.pk].sent_at) == (str(event.pk), None)
    assert rows[stray.pk].error == "ConnectionRefusedError: down"
    assert (rows[digest.pk].object_type, rows[digest.pk].object_id) == (
        "applications.digest",
        "2026-07-19",
    )

    back = migrate(BEFORE)
    rows = {row.pk: row for row in back.get_model("notifications", "Notification").objects.all()}
    assert rows[sent.pk].event_id == rows[stray.pk].event_id == event.pk
    assert rows[sent.pk].sent_at == SENT
    assert rows[digest.pk].event_id is None
    migrate(LATEST)


@pytest.mark.django_db(transaction=True)
def test_existing_rows_get_the_state_their_columns_imply_and_it_migrates_back():
    old = migrate(AFTER)
    user = User.objects.create_user("carol", email="c@example.org")
    Notification = old.get_model("notifications", "Notification")
    common = {"recipient_id": user.pk, "email": "c@example.org", "subject": "s", "object_type": "t"}
    sent = Notification.objects.create(kind="a", object_id="1", sent_at=SENT, **common)
    failed = Notification.objects.create(kind="b", object_id="2", error="SMTPError: no", **common)
    queued = Notification.objects.create(kind="c", object_id="3", **common)

    new = migrate(STATES)
    rows = {r.pk: r for r in new.get_model("notifications", "Notification").objects.all()}
    assert (rows[sent.pk].status, rows[sent.pk].attempts, rows[sent.pk].sent_at) == (
        "sent",
        1,
        SENT,
    )
    assert (rows[failed.pk].status, rows[failed.pk].attempts) == ("failed", 1)
    assert (rows[queued.pk].status, rows[queued.pk].attempts) == ("queued", 0)

    back = migrate(AFTER)
    rows = {r.pk: r for r in back.get_model("notifications", "Notification").objects.all()}
    assert rows[sent.pk].sent_at == SENT
    assert rows[failed.pk].error == "SMTPError: no"
    migrate(LATEST)
