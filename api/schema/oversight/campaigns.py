"""Manufacturer oversight GraphQL: campaigns (being built; see tenants/oversight)."""

from __future__ import annotations

import strawberry


@strawberry.type
class OversightCampaignsQuery:
    @strawberry.field(description="PLACEHOLDER until the campaigns area lands.")
    def oversight_campaigns_placeholder(self) -> bool:
        return False


@strawberry.type
class OversightCampaignsMutation:
    @strawberry.mutation(description="PLACEHOLDER until the campaigns area lands.")
    def oversight_campaigns_placeholder(self) -> bool:
        return False
