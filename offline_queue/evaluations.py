"""An evaluation waiting in the outbox behind the case it rates (docs/api/payloads.md, "Evaluations").

A citizen who rates a case accepted offline rates it by its provisional number. The evaluation
is an outbox item like a case's, under the same applicant, so the sync worker (which delivers
each applicant's items in order) sends it only after the case's item is no longer pending. Its
sealed payload is ``{"evaluation": <EvaluationIn JSON>}``: a case's payload never has that one
key (``CaseIn`` forbids unknown fields), and the marker is authenticated with the rest, so an
item cannot be turned from one kind into the other. The comment stays encrypted at rest like
everything else in the queue.
"""

from __future__ import annotations

from typing import Any

KEY = "evaluation"


def queued(evaluation_payload: dict[str, Any]) -> dict[str, Any]:
    """The outbox body that holds an evaluation (``EvaluationIn`` JSON)."""
    return {KEY: evaluation_payload}


def evaluation_in(body: Any) -> dict[str, Any] | None:
    """The evaluation an outbox body holds, or None for a case."""
    if isinstance(body, dict) and len(body) == 1 and isinstance(body.get(KEY), dict):
        return body[KEY]
    return None
