"""The parts department's GraphQL: one module per area, merged into the root types."""

from __future__ import annotations

from strawberry.tools import merge_types

from api.schema.parts.counts import CountsMutation, CountsQuery
from api.schema.parts.issuing import IssuingMutation, IssuingQuery
from api.schema.parts.kpis import KpisMutation, KpisQuery
from api.schema.parts.purchasing import PurchasingMutation, PurchasingQuery
from api.schema.parts.reorder import ReorderMutation, ReorderQuery
from api.schema.parts.stock import StockMutation, StockQuery
from api.schema.parts.transfers import TransfersMutation, TransfersQuery
from api.schema.parts.write_offs import WriteOffsMutation, WriteOffsQuery

PartsQuery = merge_types(
    "PartsQuery",
    (
        StockQuery,
        IssuingQuery,
        PurchasingQuery,
        CountsQuery,
        WriteOffsQuery,
        ReorderQuery,
        TransfersQuery,
        KpisQuery,
    ),
)
PartsMutation = merge_types(
    "PartsMutation",
    (
        StockMutation,
        IssuingMutation,
        PurchasingMutation,
        CountsMutation,
        WriteOffsMutation,
        ReorderMutation,
        TransfersMutation,
        KpisMutation,
    ),
)

__all__ = ["PartsMutation", "PartsQuery"]
