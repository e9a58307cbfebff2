"""Refusals of the service process, free of GraphQL: the API maps them to error codes
(``api/schema/error_codes.py``), so services can run from the CLI, workers and tests."""

from __future__ import annotations

from tenants.errors import RecordNotFound, RuleViolation, ServiceError

__all__ = ["CapacityFull", "PartsMissing", "RecordNotFound", "RuleViolation", "ServiceError"]


class CapacityFull(ServiceError):
    """The workshop day has fewer free hours than the booking needs."""

    code = "CAPACITY_FULL"

    def __init__(self, message: str, *, needed: str, free: str, suggested_dates: list[str]) -> None:
        super().__init__(
            message,
            field="startsAt",
            rule="workshop_capacity",
            neededHours=needed,
            freeHours=free,
            suggestedDates=suggested_dates,
        )
        self.suggested_dates = suggested_dates


class PartsMissing(ServiceError):
    """Parts the items need are not available; book with waitForParts to wait for them."""

    code = "PARTS_MISSING"

    def __init__(self, missing: list[dict[str, str]]) -> None:
        numbers = ", ".join(f"{m['partNumber']} x{m['missing']}" for m in missing)
        super().__init__(
            f"Parts missing: {numbers}; offer to wait for them with an expected date",
            field="items",
            rule="parts_available",
            missing=missing,
        )
        self.missing = missing
