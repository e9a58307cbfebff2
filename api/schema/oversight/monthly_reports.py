"""Manufacturer oversight GraphQL: monthly_reports (being built; see tenants/oversight)."""

from __future__ import annotations

import strawberry


@strawberry.type
class OversightMonthlyReportsQuery:
    @strawberry.field(description="PLACEHOLDER until the monthly_reports area lands.")
    def oversight_monthly_reports_placeholder(self) -> bool:
        return False


@strawberry.type
class OversightMonthlyReportsMutation:
    @strawberry.mutation(description="PLACEHOLDER until the monthly_reports area lands.")
    def oversight_monthly_reports_placeholder(self) -> bool:
        return False
