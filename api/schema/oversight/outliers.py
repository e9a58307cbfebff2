"""Manufacturer oversight GraphQL: outliers (being built; see tenants/oversight)."""

from __future__ import annotations

import strawberry


@strawberry.type
class OversightOutliersQuery:
    @strawberry.field(description="PLACEHOLDER until the outliers area lands.")
    def oversight_outliers_placeholder(self) -> bool:
        return False


@strawberry.type
class OversightOutliersMutation:
    @strawberry.mutation(description="PLACEHOLDER until the outliers area lands.")
    def oversight_outliers_placeholder(self) -> bool:
        return False
