"""Refusals of the parts department."""

from __future__ import annotations

from decimal import Decimal

from tenants.errors import RecordNotFound, RuleViolation, ServiceError

__all__ = [
    "AuthorityLimitExceeded",
    "InsufficientStock",
    "RecordNotFound",
    "RuleViolation",
    "ServiceError",
]


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


class AuthorityLimitExceeded(ServiceError):
    """An amount above what the approver may decide alone (a role's authority limit);
    names the limit so the approver knows who must decide instead."""

    code = "FORBIDDEN"

    def __init__(
        self, permission: str, limit_key: str, amount: Decimal, limit: Decimal | None
    ) -> None:
        shown = "none" if limit is None else str(limit)
        super().__init__(
            f"{amount} is above your {limit_key} authority limit ({shown})",
            permission=permission,
            rule="authority_limit",
            limitKey=limit_key,
            limit=None if limit is None else str(limit),
            amount=str(amount),
        )
        self.amount = amount
        self.limit = limit
