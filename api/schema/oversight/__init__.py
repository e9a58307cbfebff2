"""Manufacturer-oversight GraphQL: one module per area, merged into the root types."""

from __future__ import annotations

from strawberry.tools import merge_types

from api.schema.oversight.audits import OversightAuditsMutation, OversightAuditsQuery
from api.schema.oversight.campaigns import OversightCampaignsMutation, OversightCampaignsQuery
from api.schema.oversight.dashboard import OversightDashboardMutation, OversightDashboardQuery
from api.schema.oversight.monthly_reports import (
    OversightMonthlyReportsMutation,
    OversightMonthlyReportsQuery,
)
from api.schema.oversight.outliers import OversightOutliersMutation, OversightOutliersQuery

OversightQuery = merge_types(
    "OversightQuery",
    (
        OversightDashboardQuery,
        OversightOutliersQuery,
        OversightAuditsQuery,
        OversightCampaignsQuery,
        OversightMonthlyReportsQuery,
    ),
)
OversightMutation = merge_types(
    "OversightMutation",
    (
        OversightDashboardMutation,
        OversightOutliersMutation,
        OversightAuditsMutation,
        OversightCampaignsMutation,
        OversightMonthlyReportsMutation,
    ),
)

__all__ = ["OversightMutation", "OversightQuery"]
