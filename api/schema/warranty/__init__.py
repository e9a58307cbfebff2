"""Warranty GraphQL: one module per area, merged into the root types."""

from __future__ import annotations

from strawberry.tools import merge_types

from api.schema.warranty.claims import WarrantyClaimsMutation, WarrantyClaimsQuery
from api.schema.warranty.old_parts import WarrantyOldPartsMutation, WarrantyOldPartsQuery
from api.schema.warranty.review import WarrantyReviewMutation, WarrantyReviewQuery
from api.schema.warranty.settlement import WarrantySettlementMutation, WarrantySettlementQuery

WarrantyQuery = merge_types(
    "WarrantyQuery",
    (WarrantyClaimsQuery, WarrantyReviewQuery, WarrantyOldPartsQuery, WarrantySettlementQuery),
)
WarrantyMutation = merge_types(
    "WarrantyMutation",
    (
        WarrantyClaimsMutation,
        WarrantyReviewMutation,
        WarrantyOldPartsMutation,
        WarrantySettlementMutation,
    ),
)

__all__ = ["WarrantyMutation", "WarrantyQuery"]
