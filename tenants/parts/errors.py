"""Refusals of the parts department."""

from __future__ import annotations

from decimal import Decimal

from tenants.errors import RecordNotFound, RuleViolation, ServiceError

__all__ = ["InsufficientStock", "RecordNotFound", "RuleViolation", "ServiceError"]


class InsufficientStock(ServiceError):
    """An outbound movement would take more than is on the shelf (or free of other
    reservations); says which part and how many are missing."""

    code = "INSUFFICIENT_STOCK"

    def __init__(self, part_number: str, needed: Decimal, available: Decimal) -> None:
        missing = needed - max(available, Decimal(0))
        super().__init__(
            f"Not enough {part_number} in stock: {needed} needed, {available} available,"
            f" {missing} missing",
            field="quantity",
            rule="stock_available",
            partNumber=part_number,
            needed=str(needed),
            available=str(available),
            missing=str(missing),
        )
        self.part_number = part_number
        self.missing = missing
