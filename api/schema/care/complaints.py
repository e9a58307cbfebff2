"""Customer care GraphQL: complaints (being built; see tenants/care)."""

from __future__ import annotations

import strawberry


@strawberry.type
class CareComplaintsQuery:
    @strawberry.field(description="PLACEHOLDER until the complaints area lands.")
    def care_complaints_placeholder(self) -> bool:
        return False


@strawberry.type
class CareComplaintsMutation:
    @strawberry.mutation(description="PLACEHOLDER until the complaints area lands.")
    def care_complaints_placeholder(self) -> bool:
        return False
