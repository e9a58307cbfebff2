"""Refusals of warranty: each domain module adds its own below, in small appends."""

from __future__ import annotations

from typing import Any

from tenants.errors import RecordNotFound, RuleViolation, ServiceError

__all__ = ["ClaimChecksFailed", "RecordNotFound", "RuleViolation", "ServiceError"]


class ClaimChecksFailed(RuleViolation):
    """Submission refused: the claim's blocking check results, each with its stable code,
    travel in ``extensions.errors`` so the claims specialist sees what to fix."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        codes = ", ".join(e["code"] for e in errors)
        super().__init__(
            "claim",
            "claim_checks",
            f"The claim cannot be submitted: {codes}",
            errors=errors,
        )
        self.errors = errors
