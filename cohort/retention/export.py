"""Everything Cohort holds about one person, as a zip: `data.json` and their own files.

The JSON holds what the person may see of themselves (cohort.applications.access): their
account, profile, applications with their tasks, answers and history (the reasons mentors
gave them included), offers, placements with the evaluations' comments meant for them (never
the private comments, nor mentors' reviews and rankings, which a mentee never sees), their
own feedback, payments to them, their API tokens (never the secret), the e-mails sent to
them, their roles and the actions they took. Read in a fixed number of queries.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime
from pathlib import PurePosixPath
from typing import Any, Final

from django.core.files.storage import Storage
from django.db.models import Prefetch
from django.utils import timezone

from cohort.applications.models import Application, ApplicationEvent, MenteeProfile, Task
from cohort.core.errors import DomainError
from cohort.core.models import ApiToken, AuditEvent, Person, User
from cohort.mentorship.models import Evaluation, Feedback, Placement
from cohort.notifications.models import EmailPreference, Notification
from cohort.projects.models import OrganizationMaintainer
from cohort.selection.models import Offer
from cohort.stipends.models import Payment
from cohort.terms.models import ProgramMembership

# The most the zip's files may add up to, in bytes: a profile's résumé and a few task files
# (each at most 5 MiB) fit many times over; beyond it the download is refused.
MAX_EXPORT_BYTES: Final = 100 * 1024 * 1024


def _when(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _file_entry(name: str, shown: str) -> dict[str, Any]:
    """A stored file as the JSON names it: the name it was uploaded with, and its path in the
    zip (its stored name under files/, unique; a résumé task holds the profile's own file)."""
    return {"name": shown, "path": f"files/{PurePosixPath(name)}"}


def personal_data(user: User) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The person's data as JSON-ready values, and the files to add: (stored name, zip path)."""
    files: list[tuple[str, str]] = []
    profile = MenteeProfile.objects.filter(user=user).first()
    profile_data: dict[str, Any] | None = None
    if profile is not None:
        profile_data = {
            "name": profile.name,
            "github": profile.github,
            "links": profile.links,
            "skills": profile.skills,
            "country": profile.country,
            "time_zone": profile.time_zone,
            "attestations": profile.attestations,
            "attested_at": _when(profile.attested_at),
            "resume": None,
            "created_at": _when(profile.created_at),
            "updated_at": _when(profile.updated_at),
        }
        if profile.resume:
            entry = _file_entry(str(profile.resume), profile.resume_name)
            entry |= {"size": profile.resume_size, "uploaded_at": _when(profile.resume_uploaded_at)}
            profile_data["resume"] = entry
            files.append((str(profile.resume), entry["path"]))

    applications = (
        Application.objects.filter(mentee=user)
        .select_related("term__program", "project__organization")
        .prefetch_related(
            Prefetch("tasks", queryset=Task.objects.order_by("position", "pk")),
            Prefetch("events", queryset=ApplicationEvent.objects.order_by("at", "pk")),
        )
        .order_by("created_at", "pk")
    )
    application_data = []
    for application in applications:
        tasks = []
        for task in application.tasks.all():
            file_entry = None
            if task.file:
                file_entry = _file_entry(str(task.file), task.file_name)
                files.append((str(task.file), file_entry["path"]))
            tasks.append(
                {
                    "kind": task.kind,
                    "title": task.title,
                    "text": task.text,
                    "url": task.url,
                    "file": file_entry,
                    "completed_at": _when(task.completed_at),
                }
            )
        application_data.append(
            {
                "id": application.pk,
                "program": application.term.program.name,
                "term": application.term.label,
                "project": application.project.title,
                "organization": application.project.organization.name,
                "status": application.status,
                "created_at": _when(application.created_at),
                "submitted_at": _when(application.submitted_at),
                "your_rank": application.mentee_rank,
                "tasks": tasks,
                "history": [
                    {
                        "kind": event.kind,
                        "at": _when(event.at),
                        "status": event.status,
                        "task": event.task,
                        "reason": event.reason,
                    }
                    for event in application.events.all()
                ],
            }
        )

    offers = Offer.objects.filter(mentee=user).select_related("term", "project").order_by("pk")
    placements = (
        Placement.objects.filter(mentee=user)
        .select_related("term__program", "project")
        .prefetch_related(
            Prefetch(
                "evaluations",
                queryset=Evaluation.objects.select_related("round").order_by("round__position"),
            ),
            Prefetch(
                "feedback",
                queryset=Feedback.objects.select_related("round").order_by("round__position"),
            ),
        )
        .order_by("pk")
    )
    payments = (
        Payment.objects.filter(placement__mentee=user)
        .select_related("term")
        .order_by("made_at", "pk")
    )
    person = Person.objects.filter(user=user).first()
    data: dict[str, Any] = {
        "generated_at": _when(timezone.now()),
        "account": {
            "username": user.username,
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": _when(user.date_joined),
            "last_login": _when(user.last_login),
        },
        "person": None
        if person is None
        else {
            "name": person.name,
            "github": person.github,
            "email": person.email,
            "lfid": person.lfid,
        },
        "profile": profile_data,
        "applications": application_data,
        "offers": [
            {
                "term": offer.term.label,
                "project": offer.project.title,
                "status": offer.status,
                "reason": offer.reason,
                "deadline": _when(offer.deadline),
            }
            for offer in offers
        ],
        "placements": [
            {
                "program": placement.term.program.name,
                "term": placement.term.label,
                "project": placement.project.title,
                "status": placement.status,
                "starts_at": _when(placement.starts_at),
                "ends_at": _when(placement.ends_at),
                "extended_weeks": placement.extended_weeks,
                "outcome_note": placement.outcome_note,
                "evaluations": [
                    {
                        "round": evaluation.round.label,
                        "passed": evaluation.passed,
                        "status": evaluation.status,
                        "comments_for_mentee": evaluation.comments_for_mentee,
                        "submitted_at": _when(evaluation.submitted_at),
                    }
                    for evaluation in placement.evaluations.all()
                ],
                "feedback": [
                    {
                        "round": feedback.round.label,
                        "mentor_rating": feedback.mentor_rating,
                        "mentor_comments": feedback.mentor_comments,
                        "program_rating": feedback.program_rating,
                        "program_comments": feedback.program_comments,
                        "blog_url": feedback.blog_url,
                        "work_links": feedback.work_links,
                        "submitted_at": _when(feedback.submitted_at),
                    }
                    for feedback in placement.feedback.all()
                ],
            }
            for placement in placements
        ],
        "payments": [
            {
                "reference": payment.reference,
                "term": payment.term.label,
                "installment": payment.installment,
                "of": payment.installments,
                "currency": payment.currency,
                "amount_minor": payment.amount,
                "adjusted_minor": payment.adjusted,
                "country": payment.country,
                "status": payment.status,
                "made_at": _when(payment.made_at),
                "paid_at": _when(payment.paid_at),
            }
            for payment in payments
        ],
        "api_tokens": [
            {
                "name": token.name,
                "prefix": token.prefix,
                "created_at": _when(token.created_at),
                "revoked_at": _when(token.revoked_at),
            }
            for token in ApiToken.objects.filter(user=user).order_by("pk")
        ],
        "emails": [
            {
                "kind": row.kind,
                "subject": row.subject,
                "to": row.email,
                "created_at": _when(row.created_at),
                "sent_at": _when(row.sent_at),
            }
            for row in Notification.objects.filter(recipient=user).order_by("pk")
        ],
        "email_preferences": dict(
            EmailPreference.objects.filter(user=user)
            .order_by("kind")
            .values_list("kind", "enabled")
        ),
        "roles": {
            "program_admin_of": list(
                ProgramMembership.objects.filter(user=user).values_list("program__name", flat=True)
            ),
            "maintainer_of": list(
                OrganizationMaintainer.objects.filter(user=user).values_list(
                    "organization__name", flat=True
                )
            ),
        },
        "actions": [
            {"at": _when(event.at), "action": event.action, "object": event.object_repr}
            for event in AuditEvent.objects.filter(actor=user).order_by("at", "pk")
        ],
    }
    return data, files


def export_zip(user: User) -> bytes:
    """`data.json` and the person's files, as a zip built in memory (at most
    `MAX_EXPORT_BYTES` of files; a `DomainError` beyond). A file missing from storage is
    listed in `missing.txt` instead."""
    data, files = personal_data(user)
    storage: Storage = MenteeProfile._meta.get_field("resume").storage
    seen: set[str] = set()
    total = 0
    buffer = io.BytesIO()
    missing: list[str] = []
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        for name, path in files:
            if name in seen:
                continue
            seen.add(name)
            if not storage.exists(name):
                missing.append(path)
                continue
            total += storage.size(name)
            if total > MAX_EXPORT_BYTES:
                raise DomainError("Your files are too large to download at once: ask the admins.")
            with storage.open(name, "rb") as handle:
                archive.writestr(path, handle.read())
        if missing:
            archive.writestr("missing.txt", "\n".join(missing) + "\n")
    return buffer.getvalue()
