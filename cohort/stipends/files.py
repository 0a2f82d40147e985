"""The files the stipend pages and the API both hand out, as one response each: a payer file
as it was made, and a policy as its CSV."""

from __future__ import annotations

from django.http import HttpResponse

from cohort.stipends import services
from cohort.stipends.models import PayerExport, StipendPolicy


def _attachment(content: str, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def payer_file(export: PayerExport) -> HttpResponse:
    json_file = export.format == PayerExport.Format.JSON
    return _attachment(
        export.content,
        "application/json" if json_file else "text/csv; charset=utf-8",
        f"payer-{export.term_id}-{export.pk}.{export.format}",
    )


def policy_file(policy: StipendPolicy) -> HttpResponse:
    return _attachment(
        services.export_policy(policy),
        "text/csv; charset=utf-8",
        f"stipend-policy-{policy.program.slug}-{policy.effective_from}.csv",
    )
