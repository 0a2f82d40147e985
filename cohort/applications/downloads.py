"""Serving an applicant's stored file: only ever as a PDF attachment, never cached.

Callers check access first (`cohort.applications.access`); the pages and the API share this.
"""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404


def pdf_attachment(stored: FieldFile, name: str) -> FileResponse:
    """`stored` as a download named `name`; 404 when the file is gone from the storage."""
    try:
        handle = stored.storage.open(stored.name or "", "rb")
    except FileNotFoundError as error:
        raise Http404("No such file.") from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=name or "document.pdf",
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
