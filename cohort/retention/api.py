"""API endpoints of cohort.retention (issue 16)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["retention"])
