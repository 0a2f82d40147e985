"""Webhook payloads for tests: the fixtures of `fixtures/` (see its README), with overrides."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
from functools import cache
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures"

# A valid 2026 Term 3 proposal body, as GitHub's issue form writes it.
PROPOSAL_BODY = (FIXTURES / "proposal-2026-t3.md").read_text(encoding="utf-8")


# An override value that removes the key instead of setting it.
DELETE: Any = object()


@cache
def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return data


def payload(name: str, **overrides: Any) -> dict[str, Any]:
    """A fresh copy of fixture `name` ("issues.opened") with `overrides` applied by dotted
    path: `payload("issues.opened", **{"issue.number": 42})`. A path's missing parents are
    created; a value of `DELETE` removes the key."""
    data = copy.deepcopy(_load(name))
    for path, value in overrides.items():
        *parents, last = path.split(".")
        node = data
        for key in parents:
            node = node.setdefault(key, {})
            if not isinstance(node, dict):
                raise KeyError(f"{path}: {key} is not an object")
        if value is DELETE:
            node.pop(last, None)
        else:
            node[last] = copy.deepcopy(value)
    return data


def signed(body: bytes, secret: bytes) -> str:
    """The X-Hub-Signature-256 header GitHub sends for `body`: HMAC-SHA256 with the secret."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
