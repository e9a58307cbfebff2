"""Refusals of the domain services, free of GraphQL: the API maps them to error codes
(``api/schema/error_codes.py``), so services run alike from the API, workers, the CLI
and tests. Each domain adds its own refusals in its ``errors`` module."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """A refusal the caller can act on; ``extensions`` become the GraphQL extensions."""

    code = "BAD_USER_INPUT"

    def __init__(self, message: str, **extensions: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extensions

    @property
    def extensions(self) -> dict[str, Any]:
        return {"code": self.code, **self.extra}


class RuleViolation(ServiceError):
    """Bad input or an illegal move, naming the input ``field`` and the ``rule`` broken."""

    def __init__(self, field: str, rule: str, message: str, **extensions: Any) -> None:
        super().__init__(message, field=field, rule=rule, **extensions)
        self.field = field
        self.rule = rule


class RecordNotFound(ServiceError):
    """The record does not exist, or belongs to another dealer (RLS hides both alike)."""

    code = "NOT_FOUND"

    def __init__(self, what: str) -> None:
        super().__init__(f"{what} not found")
