"""Customer care GraphQL: measures (being built; see tenants/care)."""

from __future__ import annotations

import strawberry


@strawberry.type
class CareMeasuresQuery:
    @strawberry.field(description="PLACEHOLDER until the measures area lands.")
    def care_measures_placeholder(self) -> bool:
        return False


@strawberry.type
class CareMeasuresMutation:
    @strawberry.mutation(description="PLACEHOLDER until the measures area lands.")
    def care_measures_placeholder(self) -> bool:
        return False
