"""Warranty money: payments from the manufacturer allocated to claims, differences and charge-
backs per claim and per month."""

from __future__ import annotations

import strawberry


@strawberry.type
class WarrantySettlementQuery:
    pass


@strawberry.type
class WarrantySettlementMutation:
    pass
