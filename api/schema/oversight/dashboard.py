"""Manufacturer oversight GraphQL: dashboard (being built; see tenants/oversight)."""

from __future__ import annotations

import strawberry


@strawberry.type
class OversightDashboardQuery:
    @strawberry.field(description="PLACEHOLDER until the dashboard area lands.")
    def oversight_dashboard_placeholder(self) -> bool:
        return False


@strawberry.type
class OversightDashboardMutation:
    @strawberry.mutation(description="PLACEHOLDER until the dashboard area lands.")
    def oversight_dashboard_placeholder(self) -> bool:
        return False
