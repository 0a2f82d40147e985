"""API endpoints of cohort.stats (issue 16)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["stats"])
