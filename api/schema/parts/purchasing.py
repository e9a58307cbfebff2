"""Suppliers, parts plans and purchase orders (draft, review, approval, order) and receiving with
counts, refusals and transport-damage claims: the area's query and mutation types, merged from
``purchasing_orders`` and ``purchasing_receiving`` (types in ``purchasing_types``)."""

from __future__ import annotations

from strawberry.tools import merge_types

from api.schema.parts.purchasing_orders import PurchaseOrdersMutation, PurchaseOrdersQuery
from api.schema.parts.purchasing_receiving import ReceivingMutation, ReceivingQuery

PurchasingQuery = merge_types("PurchasingQuery", (PurchaseOrdersQuery, ReceivingQuery))
PurchasingMutation = merge_types("PurchasingMutation", (PurchaseOrdersMutation, ReceivingMutation))

__all__ = ["PurchasingMutation", "PurchasingQuery"]
