"""What happens elsewhere when an evaluation's result is settled, without mentorship importing
the apps above it (docs/architecture.md, Layers): the stipends app registers a handler from its
`AppConfig.ready()`, and the service that settles an evaluation (it locks at its round's close,
or an admin overrides it) calls every handler inside its own transaction. A handler that raises
undoes the settling. A reopened evaluation that settles again calls the handlers again, so a
handler must be idempotent (one payment per placement and installment, a database constraint).
"""

from __future__ import annotations

from collections.abc import Callable

from cohort.core.models import User
from cohort.mentorship.models import Evaluation

EvaluationSettled = Callable[[Evaluation, User | None], None]
_handlers: list[EvaluationSettled] = []


def on_evaluation_settled(handler: EvaluationSettled) -> EvaluationSettled:
    """Register `handler(evaluation, actor)`; once per process."""
    if handler not in _handlers:
        _handlers.append(handler)
    return handler


def evaluation_settled(evaluation: Evaluation, actor: User | None) -> None:
    for handler in _handlers:
        handler(evaluation, actor)
