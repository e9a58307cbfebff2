"""Suppliers, parts plans and purchase orders (draft, review, approval, order) and receiving with
counts, refusals and transport-damage claims."""

from __future__ import annotations

import strawberry


@strawberry.type
class PurchasingQuery:
    pass


@strawberry.type
class PurchasingMutation:
    pass
