"""What a connector is given (one outbox message) and what it answers (an outcome the
worker records: delivered, retry later, or dead at once)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

OutcomeKind = Literal["delivered", "retry", "dead"]


@dataclass(frozen=True)
class Message:
    id: int
    dealer_id: int
    claim_id: int
    kind: str
    idempotency_key: str
    payload: dict[str, Any]
    connector: str
    attempts: int
    """Attempts made before this one."""

    @classmethod
    def from_row(cls, row: Any) -> Message:
        return cls(
            id=row["id"],
            dealer_id=row["dealer_id"],
            claim_id=row["claim_id"],
            kind=row["kind"],
            idempotency_key=row["idempotency_key"],
            payload=row["payload"],
            connector=row["connector"],
            attempts=row["attempts"],
        )


@dataclass(frozen=True)
class Outcome:
    kind: OutcomeKind
    response: dict[str, Any] | None = None
    """What the manufacturer answered (kept on the message)."""
    error: str = ""
    retry_after: float | None = None
    """The receiver's own ``Retry-After``, a floor under the backoff."""

    @classmethod
    def delivered(cls, response: dict[str, Any]) -> Outcome:
        return cls("delivered", response=response)

    @classmethod
    def retry(
        cls, error: str, response: dict[str, Any] | None = None, retry_after: float | None = None
    ) -> Outcome:
        return cls("retry", response=response, error=error, retry_after=retry_after)

    @classmethod
    def dead(cls, error: str, response: dict[str, Any] | None = None) -> Outcome:
        return cls("dead", response=response, error=error)
