"""The URLs of bench/applications_load.py's server: the site's own, and one endpoint that
exists only there, `POST /bench/minimal-insert`, the yardstick for apply: the same API
(django-ninja), the same token auth and one INSERT (an audit row), nothing else."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import path
from ninja import NinjaAPI, Schema, Status

from cohort.core.api_auth import api_auth, request_user
from cohort.core.models import AuditEvent
from config.urls import urlpatterns as site

bench_api = NinjaAPI(urls_namespace="bench", auth=api_auth, docs_url=None)


class InsertedOut(Schema):
    id: int


@bench_api.post("/minimal-insert", response={201: InsertedOut})
def minimal_insert(request: HttpRequest) -> Status[dict[str, int]]:
    row = AuditEvent.objects.create(
        actor=request_user(request), action="bench.minimal", object_type="bench", object_id="0"
    )
    return Status(201, {"id": row.pk})


urlpatterns = [path("bench/", bench_api.urls), *site]
