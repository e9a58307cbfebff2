"""Manufacturer oversight GraphQL: audits (being built; see tenants/oversight)."""

from __future__ import annotations

import strawberry


@strawberry.type
class OversightAuditsQuery:
    @strawberry.field(description="PLACEHOLDER until the audits area lands.")
    def oversight_audits_placeholder(self) -> bool:
        return False


@strawberry.type
class OversightAuditsMutation:
    @strawberry.mutation(description="PLACEHOLDER until the audits area lands.")
    def oversight_audits_placeholder(self) -> bool:
        return False
