"""Customer care GraphQL: revisits (being built; see tenants/care)."""

from __future__ import annotations

import strawberry


@strawberry.type
class CareRevisitsQuery:
    @strawberry.field(description="PLACEHOLDER until the revisits area lands.")
    def care_revisits_placeholder(self) -> bool:
        return False


@strawberry.type
class CareRevisitsMutation:
    @strawberry.mutation(description="PLACEHOLDER until the revisits area lands.")
    def care_revisits_placeholder(self) -> bool:
        return False
